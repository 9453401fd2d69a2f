# kit — the front door. `make run` and `make test` set up a fresh Debian machine by themselves.
ARGS ?= cal
JOBS ?= $(shell nproc)
CMAKE_GEN := -G Ninja
FUZZ_SECONDS ?= 60
PREFIX ?= /usr/local

.PHONY: all deps release run install test bench fuzz format clean

all: release

deps:
	@scripts/install-deps.sh

release: deps
	@cmake -S . -B build/release $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release -DKIT_STATIC_DEPS=ON -DKIT_BUILD_TESTS=OFF >/dev/null
	@cmake --build build/release -j $(JOBS) --target kit

run: release
	@./build/release/kit $(ARGS)

# kit, its personalities and completions, the headers, the static libraries, find_package(kit).
install: release
	@cmake --build build/release -j $(JOBS) --target kit_installables
	@cmake --install build/release --prefix $(PREFIX)

# One sanitizer build (address + undefined) runs every test: unit, differential, e2e, fuzz replay.
test: deps
	@cmake -S . -B build/asan $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKIT_SANITIZE=ON \
	  -DKIT_WERROR=ON >/dev/null
	@cmake --build build/asan -j $(JOBS)
	@cd build/asan && ctest --output-on-failure -j $(JOBS)

bench: deps
	@cmake -S . -B build/release $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release -DKIT_STATIC_DEPS=ON -DKIT_BUILD_TESTS=OFF \
	  -DKIT_BUILD_BENCH=ON >/dev/null
	@cmake --build build/release -j $(JOBS)
	@set -e; for b in bench/compare/*.sh; do KIT=$(CURDIR)/build/release/kit $$b; done

# Coverage-guided fuzzing with clang's libFuzzer; `make test` only replays the corpora.
fuzz:
	@scripts/install-deps.sh fuzz
	@CXX=clang++ cmake -S . -B build/fuzz $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKIT_FUZZ=ON \
	  -DKIT_BUILD_TESTS=ON >/dev/null
	@cmake --build build/fuzz -j $(JOBS) --target fuzz_targets
	@set -e; for t in build/fuzz/tests/fuzz/*_fuzz; do \
	  name=$$(basename $$t _fuzz); mkdir -p build/fuzz/corpus/$$name; \
	  $$t -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=build/fuzz/$$name- \
	    build/fuzz/corpus/$$name tests/corpus/$$name; done

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	@rm -rf build
