#!/usr/bin/env bash
# Configures and builds Hearth into build/ (or $HEARTH_BUILD_DIR). Extra arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${HEARTH_BUILD_DIR:-build}
jobs=${HEARTH_JOBS:-$(nproc)}
cmake -S . -B "$build_dir" -G Ninja "$@"
cmake --build "$build_dir" -j "$jobs"
