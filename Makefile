# strongroom: `make run` and `make test` are the whole quick start.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
BUILD := build
ASAN_BUILD := build-asan
DATA ?= var
PYTHON := /usr/bin/python3

.PHONY: all bootstrap build build-asan run test unit-test asan-test e2e-test asan-e2e-test bench clean

all: build

bootstrap:
	@scripts/bootstrap

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: bootstrap $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

$(ASAN_BUILD)/build.ninja:
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSR_SANITIZE=ON

build-asan: bootstrap $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# run: builds Release, initialises ./var once, serves https://localhost:8443.
run: build
	@[ -f $(DATA)/strongroom.toml ] || $(BUILD)/strongroom init --data $(DATA)
	exec $(BUILD)/strongroom serve --config $(DATA)/strongroom.toml

unit-test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan-test: build-asan
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

e2e-test: build
	STRONGROOM_BIN=$(CURDIR)/$(BUILD)/strongroom $(PYTHON) -m pytest -q -p no:cacheprovider tests/e2e

# The same end-to-end flows against the sanitizer build of the server: any
# ASan/UBSan report aborts the server and fails the test that met it.
asan-e2e-test: build-asan
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1 SR_SANITIZED=1 \
	  STRONGROOM_BIN=$(CURDIR)/$(ASAN_BUILD)/strongroom $(PYTHON) -m pytest -q -p no:cacheprovider tests/e2e

test: unit-test asan-test e2e-test asan-e2e-test

# bench: the request benchmarks (bench/run), then object transfer (bench/content.sh).
bench:
	@bench/run
	@BENCH_SKIP_BUILD=1 bench/content.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
