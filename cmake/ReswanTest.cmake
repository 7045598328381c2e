# reswan_unit_test(NAME n SOURCES a.c ... LIBS rs_x ... [LABELS l ...])
# One cmocka executable per call, registered with CTest under "unit/<n>".
function(reswan_unit_test)
	cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
	add_executable(test_${T_NAME} ${T_SOURCES})
	target_link_libraries(test_${T_NAME} PRIVATE ${T_LIBS} PkgConfig::CMOCKA)
	target_compile_definitions(test_${T_NAME} PRIVATE
		RESWAN_TEST_DATA="${PROJECT_SOURCE_DIR}/tests/data")
	set_target_properties(test_${T_NAME} PROPERTIES
		RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
	add_test(NAME unit/${T_NAME} COMMAND test_${T_NAME})
	set_tests_properties(unit/${T_NAME} PROPERTIES LABELS "unit;${T_LABELS}")
endfunction()
