# lifeboat: the two commands of the quick start are `make demo` and `make test`.
#
#   make deps     install the Debian packages the project needs (scripts/install-deps; only what is missing)
#   make build    release build; the binary is build/lifeboat
#   make test     deps (and npm ci for the browser tests when node_modules is missing), then the sanitizer build (ASan + UBSan) in build-test/ and every test through CTest
#   make demo     deps, build, then scripts/demo: the end-to-end tour (serves the station when it exists)
#   make bench    the benchmarks in bench/ against the real peers (restic, borg, …); figures, not pass/fail
#   make mutation the planted-bug exercise (tests/mutation/run.sh; MUTATION_ARGS="--max 40 src/store/derive.c"); not part of make test
#   make fuzz     libFuzzer targets with clang in build-fuzz/, each run FUZZ_SECONDS (default 60)
#   make format   clang-format every source file in place
#   make clean    remove the build folders
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
TEST_BUILD ?= build-test
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
CTEST_ARGS ?=

.PHONY: all deps build test demo bench fuzz mutation format check-format clean

all: build

deps:
	@scripts/install-deps

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLB_TESTS=OFF >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)
	@echo "built $(BUILD)/lifeboat"

test: deps
	@[ -d node_modules ] || npm ci --no-audit --no-fund
	@cmake -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=Debug -DLB_SANITIZE=ON >/dev/null
	@cmake --build $(TEST_BUILD) -j $(JOBS)
	@cd $(TEST_BUILD) && ctest --output-on-failure -j $(JOBS) $(CTEST_ARGS)

demo: build
	@scripts/demo

bench: build
	@scripts/install-deps --bench
	@bench/run-all

fuzz: deps
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DLB_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@for t in $(FUZZ_BUILD)/tests/fuzz/fuzz_*; do \
		name=$$(basename $$t); name=$${name#fuzz_}; \
		mkdir -p $(FUZZ_BUILD)/corpus/$$name; \
		echo "fuzzing $$name for $(FUZZ_SECONDS)s"; \
		$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 $(FUZZ_BUILD)/corpus/$$name tests/fuzz/corpus/$$name \
			|| exit 1; \
	done

MUTATION_ARGS ?=
mutation: deps
	@tests/mutation/run.sh $(MUTATION_ARGS)

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

check-format:
	@git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror

clean:
	rm -rf $(BUILD) $(TEST_BUILD) $(FUZZ_BUILD) build-mutation
