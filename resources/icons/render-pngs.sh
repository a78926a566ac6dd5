#!/usr/bin/env bash
# Renders the app icon's PNGs (hicolor sizes 16..512) from the SVG with rsvg-convert (librsvg2-bin,
# in scripts/install-deps.sh). The PNGs are committed, so a build needs no SVG renderer; run this again
# after changing the SVG.
set -euo pipefail
cd "$(dirname "$0")"
for size in 16 22 24 32 48 64 128 256 512; do
  mkdir -p "hicolor/${size}x${size}/apps"
  rsvg-convert -w "$size" -h "$size" io.github.hearth.Hearth.svg -o "hicolor/${size}x${size}/apps/io.github.hearth.Hearth.png"
done
