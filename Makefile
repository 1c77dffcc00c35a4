# The two commands of the README, and the rest of the chores.
#   make run    install missing packages, build, start vigil on its built-in config
#   make test   install missing packages, sanitizer build, every test, a summary line
PREFIX ?= /usr/local
DESTDIR ?=
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60

.PHONY: all deps build run test test-only install clean fuzz bench format check-format checksrc docs

all: build

deps:
	@scripts/deps.sh

build:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIGIL_TESTS=OFF >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: deps build
	./$(BUILD)/vigil serve

$(ASAN_BUILD)/vigil: FORCE
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DVIGIL_SANITIZE=address,undefined \
		-DVIGIL_WERROR=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
FORCE:

test: deps test-only

test-only: $(ASAN_BUILD)/vigil
	@/usr/bin/python3 scripts/run-tests --build $(ASAN_BUILD)

install: build
	DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)

fuzz: deps
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIGIL_FUZZ=ON \
		-DVIGIL_SANITIZE=address,undefined -DVIGIL_TESTS=OFF >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: deps build
	@bench/run.sh $(BUILD)/vigil

format:
	@clang-format -i $$(git ls-files -co --exclude-standard '*.c' '*.h')

check-format:
	@clang-format --dry-run --Werror $$(git ls-files -co --exclude-standard '*.c' '*.h')

checksrc:
	@/usr/bin/python3 scripts/checksrc

docs: build
	@/usr/bin/python3 scripts/gendocs $(BUILD)/vigil
