#!/usr/bin/env bash
# Renders the main window offscreen (light, dark, a conversation with code and a long reply, the
# model info, Settings → API server running with its address and masked key) into
# <build>/screenshots/ by running the end-to-end test's screenshot step. Needs a GUI build.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${HEARTH_BUILD_DIR:-build}
cmake --build "$build_dir" --target tst_app_e2e hearth-engine
QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software "$build_dir/tests/ui/tst_app_e2e" screenshots
ls -l "$build_dir/screenshots"
