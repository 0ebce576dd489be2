# The front door: make demo | check | bench | fuzz | format (README.md).
BUILD     ?= build
BUILD_ASAN = build-asan
BUILD_TSAN = build-tsan
BUILD_FUZZ = build-fuzz
JOBS      ?= $(shell nproc)
FUZZ_SECONDS ?= 10
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: all deps build demo check check-asan check-tsan bench fuzz format layers clean

all: build

deps:
	@tools/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@tools/demo.sh $(BUILD)

layers:
	@tools/check-layers

check: build layers
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

check-asan: deps
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DAW_SANITIZE=address,undefined
	cmake --build $(BUILD_ASAN) -j $(JOBS)
	ctest --test-dir $(BUILD_ASAN) --output-on-failure -j $(JOBS)

check-tsan: deps
	cmake -S . -B $(BUILD_TSAN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAW_SANITIZE=thread
	cmake --build $(BUILD_TSAN) -j $(JOBS)
	ctest --test-dir $(BUILD_TSAN) --output-on-failure -j $(JOBS) -L tsan

bench: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)
	@tools/bench.sh $(BUILD)

fuzz: deps
	cmake -S . -B $(BUILD_FUZZ) -DCMAKE_C_COMPILER=clang-19 -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAW_FUZZ=ON
	cmake --build $(BUILD_FUZZ) -j $(JOBS)
	@tools/fuzz.sh $(BUILD_FUZZ) $(FUZZ_SECONDS)

format:
	@command -v clang-format > /dev/null || tools/install-deps.sh clang-format
	find src include tests bench examples guest -name '*.[ch]' 2>/dev/null | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_TSAN) $(BUILD_FUZZ)
