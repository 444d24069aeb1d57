# Front door: every target drives CMake. `make verify-claims` and `make test` install what is
# missing first (scripts/install-deps), so both work on a fresh Debian machine.
BUILD      ?= build
SAN_BUILD  ?= build-sanitize
JOBS       ?= $(shell nproc)
CMAKE_ARGS ?=
RZBENCH_ARGS ?=
# ccache, when installed, with paths taken relative to the tree, so that `rzbench gate` building
# another revision in its own worktree reuses what this build compiled.
ifneq ($(shell command -v ccache 2>/dev/null),)
LAUNCHER   := -DCMAKE_C_COMPILER_LAUNCHER=ccache
export CCACHE_BASEDIR := $(CURDIR)
endif

.PHONY: all deps deps-build configure build test test-sanitize verify-claims bench format format-check clean fuzz

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

test-sanitize: deps-build
	cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DRZ_WERROR=ON -DRZ_SANITIZE=ON $(CMAKE_ARGS)
	cmake --build $(SAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(SAN_BUILD) --output-on-failure -j $(JOBS)

verify-claims: deps build
	scripts/fetch-data
	$(BUILD)/rzbench verify $(RZBENCH_ARGS)

bench: build
	$(BUILD)/rzbench verify --format md $(RZBENCH_ARGS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

# libFuzzer targets (clang; not part of the default build), FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) -C fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(SAN_BUILD)
