# Thin wrapper over CMake.  Every target first installs the Debian packages it
# needs (scripts/deps.sh), then configures and builds its own build tree:
#   build/release  optimised, hardened     (demo, bench)
#   build/test     ASan+UBSan, -Werror     (test)
#   build/fuzz     clang + libFuzzer       (fuzz)

JOBS        ?= $(shell nproc)
FUZZ_SECONDS ?= 60
CMAKE       ?= cmake

RELEASE = build/release
TEST    = build/test
FUZZ    = build/fuzz

.PHONY: all demo test fuzz bench clean

all: $(RELEASE)/.built

$(RELEASE)/.built: FORCE
	@scripts/deps.sh build
	@$(CMAKE) -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRESWAN_TESTS=OFF >/dev/null
	@$(CMAKE) --build $(RELEASE) -j $(JOBS)

demo:
	@scripts/deps.sh demo
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh $(RELEASE)

test:
	@scripts/deps.sh test
	@$(CMAKE) -S . -B $(TEST) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DRESWAN_SANITIZE=ON -DRESWAN_WERROR=ON >/dev/null
	@$(CMAKE) --build $(TEST) -j $(JOBS)
	@cd $(TEST) && ctest --output-on-failure -j $(JOBS)

fuzz:
	@scripts/deps.sh fuzz
	@$(CMAKE) -S . -B $(FUZZ) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DRESWAN_FUZZ=ON -DRESWAN_TESTS=OFF >/dev/null
	@$(CMAKE) --build $(FUZZ) -j $(JOBS)
	@scripts/fuzz.sh $(FUZZ) $(FUZZ_SECONDS)

bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory all
	@$(RELEASE)/bin/reswan bench all

clean:
	rm -rf build

FORCE:
