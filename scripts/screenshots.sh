#!/usr/bin/env bash
# Renders the main window offscreen into <build>/screenshots/: light, dark, a conversation with code
# and a long reply, the model info, Settings → API server running with its address and masked key
# (the end-to-end test's screenshot step); the first-start offer and the "Get a model" page: catalog,
# a download in progress from a local test server, the models on this computer (tst_getmodel); then
# Settings, Remote servers, the model picker with a server's models, and a chat with that model,
# against llama.cpp's llama-server (../shared/baseline, or $HEARTH_SHARED/baseline) started here
# serving stories260K. Needs a GUI build.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${HEARTH_BUILD_DIR:-build}
shared=${HEARTH_SHARED:-$(cd .. && pwd)/shared}
cmake --build "$build_dir" --target tst_app_e2e tst_getmodel tst_remote_window hearth-engine
QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software "$build_dir/tests/ui/tst_app_e2e" screenshots
QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software "$build_dir/tests/ui/tst_getmodel" screenshots

# llama-server on a free loopback port, with a key, until this script ends.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
key="screenshots-$RANDOM$RANDOM"
"$shared/baseline/llama-server" -m "$shared/testdata/models/stories260K.gguf" --alias stories260K \
  --host 127.0.0.1 --port "$port" --api-key "$key" -c 2048 -t 1 --log-disable >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 300); do
  if python3 -c "import urllib.request, sys; urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:$port/v1/models', headers={'Authorization': 'Bearer $key'}), timeout=2)" 2>/dev/null; then
    break
  fi
  sleep 0.1
done
HEARTH_REMOTE_URL="http://127.0.0.1:$port/v1" HEARTH_REMOTE_KEY="$key" \
  QT_QPA_PLATFORM=offscreen QT_QUICK_BACKEND=software "$build_dir/tests/ui/tst_remote_window" screenshots
ls -l "$build_dir/screenshots"
