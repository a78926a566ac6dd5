#!/usr/bin/env bash
# Installs everything Hearth needs to build, test and package on Debian 12.
# Every package the build or the tests use is named here: CI starts from a clean machine.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang libclang-rt-14-dev clang-format
  # Qt 6.4: widgets-free Quick app, tests, QML modules loaded at run time
  qt6-base-dev qt6-base-dev-tools qt6-declarative-dev qt6-declarative-dev-tools qt6-tools-dev
  qml6-module-qttest
  libgl-dev
  # Vulkan: loader, headers, lavapipe, validation layers, shader compiler
  libvulkan-dev vulkan-tools mesa-vulkan-drivers vulkan-validationlayers glslc glslang-tools spirv-tools
  # tokenizer, storage, documents
  libsentencepiece-dev libsqlite3-dev sqlite3 libpoppler-qt6-dev libzip-dev
  # replies: md4c, the Markdown parser Qt reads MarkdownText with (escaping what it would take as HTML)
  libmd4c-dev
  # documents tests: qpdf encrypts a generated PDF (QPdfWriter cannot); icons: rsvg-convert renders the SVG
  qpdf librsvg2-bin
  # the OpenAI API both ways (hearth-cli serve, remote servers): Debian's cpp-httplib, a maintained
  # HTTP client and server with keep-alive, chunked streaming, payload limits, timeouts and TLS
  # through OpenSSL; the server's tests drive it with the official OpenAI client library on Node.js
  libcpp-httplib-dev libssl-dev nodejs
  # remote servers' API keys and the app's API server key go to the desktop's secret store (GNOME
  # Keyring, KWallet, KeePassXC) through qtkeychain, never to a plain-text file
  # (app/gui/servers/keychainsecretstore.cpp)
  qtkeychain-qt6-dev
  # chat templates: the differential test renders with Python's jinja2 as transformers does
  python3-jinja2
  # screenshots and headless runs
  xvfb xauth
  # model downloads' tests: strace counts the window's connection attempts (none without a click);
  # unshare (util-linux) gives the full-disk test a small tmpfs in a mount namespace of its own
  strace util-linux
  # packaging checks
  dpkg-dev rpm file desktop-file-utils appstream lintian
)

# What the installed app loads at run time (QML modules, platform plugins): the same list the .deb
# depends on, so the window built here finds every module the package's users get.
root=$(cd "$(dirname "$0")/.." && pwd)
mapfile -t runtime_packages < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$root/packaging/runtime-packages.txt")
packages+=("${runtime_packages[@]}")

# npm: Debian's package, unless the installed Node.js already brings its own (NodeSource's does, and
# conflicts with Debian's npm).
if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}"

# The server's client test (tests/server/openai_client): the `openai` npm package at the version its
# lock file pins, installed next to the test script.
npm ci --prefix "$root/tests/server/openai_client" --no-audit --no-fund --loglevel=error
