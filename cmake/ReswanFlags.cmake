# Warning and hardening flags applied to every target (OpenIKED's list, plus
# what the project's style asks for). Sanitized builds drop _FORTIFY_SOURCE,
# which ASan replaces.

add_compile_definitions(_GNU_SOURCE)
add_compile_options(
	-Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes
	-Wpointer-arith -Wformat=2 -Wvla -Wcast-qual -Wundef
	-fstack-protector-strong -fno-strict-aliasing)
if(RESWAN_WERROR)
	add_compile_options(-Werror)
endif()

set(CMAKE_POSITION_INDEPENDENT_CODE ON)
add_link_options(-Wl,-z,relro,-z,now -Wl,-z,noexecstack)
if(NOT RESWAN_FUZZ)
	add_link_options(-pie)
endif()

if(RESWAN_SANITIZE OR RESWAN_FUZZ)
	set(_san -fsanitize=address,undefined -fno-sanitize-recover=undefined
		-fno-omit-frame-pointer)
	add_compile_options(${_san})
	add_link_options(${_san})
elseif(NOT CMAKE_BUILD_TYPE STREQUAL "Debug")
	add_compile_definitions(_FORTIFY_SOURCE=2)
endif()
