#!/usr/bin/env bash
# Installs everything Hearth needs to build, test and package on Debian 12.
# Every package the build or the tests use is named here: CI starts from a clean machine.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang libclang-rt-14-dev
  # Qt 6.4: widgets-free Quick app, tests, QML modules loaded at run time
  qt6-base-dev qt6-base-dev-tools qt6-declarative-dev qt6-declarative-dev-tools qt6-tools-dev
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
  qml6-module-qtquick-window qml6-module-qtquick-templates qml6-module-qtqml-workerscript
  qml6-module-qtquick-dialogs qml6-module-qtqml-models qml6-module-qttest qml6-module-qtcore
  qml6-module-qt-labs-platform qml6-module-qtquick-shapes qt6-qpa-plugins
  libgl-dev
  # Vulkan: loader, headers, lavapipe, validation layers, shader compiler
  libvulkan-dev vulkan-tools mesa-vulkan-drivers vulkan-validationlayers glslc glslang-tools spirv-tools
  # tokenizer, storage, documents
  libsentencepiece-dev libsqlite3-dev sqlite3 libpoppler-qt6-dev libzip-dev
  # replies: md4c, the Markdown parser Qt reads MarkdownText with (escaping what it would take as HTML)
  libmd4c-dev
  # documents tests: qpdf encrypts a generated PDF (QPdfWriter cannot); icons: rsvg-convert renders the SVG
  qpdf librsvg2-bin
  # screenshots and headless runs
  xvfb xauth
  # packaging checks
  dpkg-dev rpm file desktop-file-utils appstream lintian
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}"
