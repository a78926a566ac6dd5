#!/usr/bin/env bash
# Builds the GGUF fuzzer with clang + libFuzzer + ASan/UBSan in build-fuzz and runs it for
# FUZZ_SECONDS (default 60) from seeds made out of the shared models. Fails on any crash.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="${HEARTH_SHARED:-$root/../shared}"
seconds="${FUZZ_SECONDS:-60}"
build="$root/build-fuzz"

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DHEARTH_FUZZ=ON -DHEARTH_BUILD_GUI=OFF -DHEARTH_BUILD_TESTS=ON >/dev/null
cmake --build "$build" -j"$(nproc)" --target gguf_fuzzer gguf_fuzz_seeds

# Corpus (temporary, never in the repository): shrunk copies of every shared GGUF, plus the
# first 4 KiB of each (truncated headers and metadata).
corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
models=("$shared"/testdata/models/*.gguf "$shared"/testdata/tokenizer/*.gguf)
"$build/tests/fuzz/gguf_fuzz_seeds" "$corpus" "${models[@]}"
for m in "${models[@]}"; do
    head -c 4096 "$m" >"$corpus/head-$(basename "$m")"
done

cd "$corpus"
"$build/tests/fuzz/gguf_fuzzer" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
    -timeout=10 -print_final_stats=1 "$corpus"
echo "gguf fuzzer: no crash in ${seconds}s"
