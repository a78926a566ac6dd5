#!/usr/bin/env bash
# Builds the unit tests (everything but the GUI) with AddressSanitizer + UndefinedBehaviorSanitizer
# into build-asan/ and runs them. Vulkan tests are left to the normal build: lavapipe's JIT under
# ASan is slow and its own leaks are not ours.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${HEARTH_JOBS:-$(nproc)}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/scripts/lsan.supp}
HEARTH_BUILD_DIR=build-asan scripts/build.sh -DCMAKE_BUILD_TYPE=Debug -DHEARTH_SANITIZE=ON -DHEARTH_BUILD_GUI=OFF
ctest --test-dir build-asan --output-on-failure -j "$jobs" -LE "vulkan|slow" 
