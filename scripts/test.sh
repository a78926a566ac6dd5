#!/usr/bin/env bash
# README command 2: install dependencies, build, and run the whole test suite.
#   1. the normal build and every CTest test (Vulkan tests on lavapipe, failing if no device)
#   2. the unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer
#   3. the GGUF parser fuzz target for a bounded time
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

export HEARTH_REQUIRE_VULKAN=${HEARTH_REQUIRE_VULKAN:-1}
export QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen}
jobs=${HEARTH_JOBS:-$(nproc)}

echo "== build and test"
scripts/build.sh
ctest --test-dir build --output-on-failure -j "$jobs"

echo "== sanitizers"
scripts/test-sanitizers.sh
echo "== fuzz"
scripts/test-fuzz.sh
echo "== package"
scripts/test-package.sh
echo "== all tests passed"
