#!/usr/bin/env bash
# README command 1: install dependencies, build, and start Hearth on its bundled default model.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
if [ -x build/app/gui/hearth ]; then
  exec build/app/gui/hearth "$@"
fi
# Until the GUI is built, show the engine working on the bundled model from the CLI.
exec build/app/cli/hearth-cli generate -m resources/models/stories260K.gguf -p "Once upon a time" -n 64 "$@"
