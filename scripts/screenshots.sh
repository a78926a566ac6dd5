#!/usr/bin/env bash
# Renders the main window offscreen (light, dark, a conversation with code and a long reply; the
# first-start offer and the "Get a model" page: catalog, a download in progress from a local test
# server, the models on this computer) into <build>/screenshots/ by running the screenshot steps of
# the end-to-end test and of tst_getmodel. Needs a GUI build.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${HEARTH_BUILD_DIR:-build}
cmake --build "$build_dir" --target tst_app_e2e tst_getmodel hearth-engine
QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software "$build_dir/tests/ui/tst_app_e2e" screenshots
QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software "$build_dir/tests/ui/tst_getmodel" screenshots
ls -l "$build_dir/screenshots"
