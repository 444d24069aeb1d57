# Front door: every target drives CMake. `make verify-claims` and `make test` install what is
# missing first (scripts/install-deps), so both work on a fresh Debian machine.
BUILD      ?= build
SAN_BUILD  ?= build-sanitize
TSAN_BUILD ?= build-tsan
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=
RZBENCH_ARGS ?=
# ccache, when installed, with paths taken relative to the tree, so that `rzbench gate` building
# another revision in its own worktree reuses what this build compiled.
ifneq ($(shell command -v ccache 2>/dev/null),)
LAUNCHER   := -DCMAKE_C_COMPILER_LAUNCHER=ccache
export CCACHE_BASEDIR := $(CURDIR)
endif

.PHONY: all deps deps-build configure build test test-sanitize test-tsan verify-claims bench format format-check clean fuzz

all: build

deps:
	scripts/install-deps

deps-build:
	scripts/install-deps --build-only

configure:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(LAUNCHER) $(CMAKE_ARGS)

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test: deps-build
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DRZ_WERROR=ON $(LAUNCHER) $(CMAKE_ARGS)
	cmake --build $(BUILD) -j $(JOBS)
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The suite under ASan and UBSan (Debug). The perplexity parity test scores one chunk here: the
# sanitizers check its code paths, and its 4-chunk figure is make test's.
test-sanitize: deps-build
	cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DRZ_WERROR=ON -DRZ_SANITIZE=ON $(CMAKE_ARGS)
	cmake --build $(SAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 RZ_PPL_PARITY_CHUNKS=1 \
	  ctest --test-dir $(SAN_BUILD) --output-on-failure -j $(JOBS)

# The server's tests against a ThreadSanitizer build of rz and rz-serve ($(TSAN_BUILD)): the
# tests/test_serve*.c binaries come from $(BUILD) (Criterion's forking runner cannot start under
# TSan) and find the servers they start through RZ_BUILD_DIR, so every race is looked for where
# the threads are: in the server processes. A report ends the server at once (halt_on_error, exit
# 66), which fails its test's exit-status check; atexit_sleep_ms=0 keeps exits as fast as
# without TSan; the real-SmolLM2 test is left out (generation under TSan outlasts its timeout).
# No suppressions are needed.
SERVE_TESTS = $(notdir $(basename $(wildcard tests/test_serve*.c)))
test-tsan: deps-build
	cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRZ_WERROR=ON -DRZ_TSAN=ON $(LAUNCHER) $(CMAKE_ARGS)
	cmake --build $(TSAN_BUILD) -j $(JOBS) --target rz_cli rz_serve_cli rzbench
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release -DRZ_WERROR=ON $(LAUNCHER) $(CMAKE_ARGS)
	cmake --build $(BUILD) -j $(JOBS) --target $(SERVE_TESTS)
	set -e; for t in $(SERVE_TESTS); do \
	  TSAN_OPTIONS="halt_on_error=1 atexit_sleep_ms=0 second_deadlock_stack=1" \
	  RZ_BUILD_DIR=$(abspath $(TSAN_BUILD)) RZ_SHARED_DIR=$(abspath ../shared) RZ_SOURCE_DIR=$(CURDIR) \
	    $(BUILD)/tests/$$t --jobs 1 --filter '!(*real_smollm2*)'; \
	done

verify-claims: deps build
	scripts/fetch-data
	$(BUILD)/rzbench verify $(RZBENCH_ARGS)

bench: build
	$(BUILD)/rzbench verify --format md $(RZBENCH_ARGS)

format:
	scripts/join-split-strings $$(git ls-files '*.c' '*.h')
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')
	scripts/join-split-strings --check $$(git ls-files '*.c' '*.h')

# libFuzzer targets (clang; not part of the default build), FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) -C fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(TSAN_BUILD)
