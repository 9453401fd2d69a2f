# kit — the front door. `make run` and `make test` set up a fresh Debian machine by themselves.
ARGS ?= serve
JOBS ?= $(shell nproc)
CMAKE_GEN := -G Ninja
FUZZ_SECONDS ?= 60
# `make test` fails on C++ that clang-format would change; FORMAT_CHECK=0 skips that step.
FORMAT_CHECK ?= 1
PREFIX ?= /usr/local

.PHONY: all deps deps-fuzz release run install test fuzz-build fuzz-test bench fuzz format format-check clean

all: release

deps:
	@scripts/install-deps.sh

deps-fuzz:
	@scripts/install-deps.sh fuzz

release: deps
	@cmake -S . -B build/release $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release -DKIT_STATIC_DEPS=ON -DKIT_BUILD_TESTS=OFF >/dev/null
	@cmake --build build/release -j $(JOBS) --target kit

run: release
	@./build/release/kit $(ARGS)

# kit, its personalities and completions, the headers, the static libraries, find_package(kit).
install: release
	@cmake --build build/release -j $(JOBS) --target kit_installables
	@cmake --install build/release --prefix $(PREFIX)

# One sanitizer build (address + undefined) runs every test: unit, differential, e2e, fuzz replay,
# install; then every libFuzzer target runs a fixed number of executions (fuzz-test). The format
# check runs first.
test: deps-fuzz $(if $(filter 1,$(FORMAT_CHECK)),format-check)
	@cmake -S . -B build/asan $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKIT_SANITIZE=ON \
	  -DKIT_WERROR=ON >/dev/null
	@cmake --build build/asan -j $(JOBS)
	@cd build/asan && ctest --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory fuzz-test

# Each libFuzzer target from -seed=1 for its fixed -runs over tests/corpus/<name> (deterministic;
# the counts, sized to a few minutes in all, are in tests/fuzz/CMakeLists.txt).
fuzz-test: fuzz-build
	@cd build/fuzz && ctest --output-on-failure -j $(JOBS) -L fuzz-run

bench: deps
	@cmake -S . -B build/release $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release -DKIT_STATIC_DEPS=ON -DKIT_BUILD_TESTS=OFF \
	  -DKIT_BUILD_BENCH=ON >/dev/null
	@cmake --build build/release -j $(JOBS)
	@set -e; for b in bench/compare/*.sh; do KIT=$(CURDIR)/build/release/kit $$b; done

# The libFuzzer targets, built with clang (address + undefined + fuzzer) in build/fuzz.
fuzz-build: deps-fuzz
	@CXX=clang++ cmake -S . -B build/fuzz $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKIT_FUZZ=ON \
	  -DKIT_BUILD_TESTS=ON >/dev/null
	@cmake --build build/fuzz -j $(JOBS) --target fuzz_targets

# Coverage-guided fuzzing: FUZZ_SECONDS per target, new inputs kept in build/fuzz/corpus.
fuzz: fuzz-build
	@set -e; for t in build/fuzz/tests/fuzz/*_fuzz; do \
	  name=$$(basename $$t _fuzz); mkdir -p build/fuzz/corpus/$$name; \
	  $$t -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=build/fuzz/$$name- \
	    build/fuzz/corpus/$$name tests/corpus/$$name; done

format: deps
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp')

# Fails, naming the files, when clang-format (.clang-format) would change a tracked C++ file.
format-check: deps
	@out=$$(git ls-files -z '*.cpp' '*.hpp' | xargs -0 clang-format --dry-run -Werror 2>&1) && exit 0; \
	files=$$(echo "$$out" | sed -n 's/^\([^ :]*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/  \1/p' | uniq); \
	echo "format-check: clang-format would change (see: clang-format --dry-run FILE; fix: make format):"; \
	echo "$${files:-$$out}"; exit 1

clean:
	@rm -rf build
