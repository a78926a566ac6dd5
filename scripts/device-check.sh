#!/usr/bin/env bash
# Hearth on a real GPU, in one short run (under 9 minutes on an H100): the Vulkan logits of the shared
# test models against llama.cpp's, then Hearth beside llama.cpp's Vulkan llama-bench (../shared/baseline)
# on synthetic Llama-3.1-8B Q4_K_M / Q8_0 and Llama-3.2-1B Q4_0 / Q4_K_M models, one table
# (scripts/side-by-side.sh, which also runs alone, on lavapipe too).
#
# Two steps, because the GPU machine has no compiler, cmake, glslc or Qt and no network:
#
#   1. here (the build machine):   scripts/device-check.sh --pack [BUILD_DIR]
#      builds hearth-vk-check (tests/inference/vulkan/vk_device_check.cpp: links only the Vulkan
#      loader) in BUILD_DIR (default build-device, configured with -DHEARTH_BUILD_GUI=OFF) and fills
#      build-device-kit/ (git-ignored by /build*/, about 50 MiB) with it, stripped, a copy of the
#      reference models and logits from ../shared/testdata (tiny-llama31-f32/bf16 left out for size),
#      the Llama 3.1 vocabulary (for the synthetic models) and llama.cpp's llama-bench builds (xz).
#   2. there (the GPU machine):    bash scripts/device-check.sh [KIT_DIR]      (default build-device-kit)
#      about 6-8 minutes; prints PASS/FAIL per model and the side-by-side table; exit status 1 when a
#      logits check fails. HEARTH_DEVICE_CHECK_BUDGET (seconds, default 420) is when the table stops
#      starting models; the synthetic models are made in the background while the logits are checked.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# Reference models whose logits are checked (those present in the kit are used).
models=(stories260K tiny-llama31-f16 tiny-llama31-q4_0 tiny-llama31-q8_0 tiny-llama31-q4_k_m tiny-llama31-q5_k_m
        tiny-llama31-q6_k tiny-llama32-tied-q8_0 small-llama31-q4_k_m)

if [ "${1:-}" = "--pack" ]; then
  build="${2:-build-device}"
  kit="build-device-kit"
  if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
    cmake -S . -B "$build" -G Ninja -DHEARTH_BUILD_GUI=OFF -DCMAKE_BUILD_TYPE=Release || exit 1
  fi
  cmake --build "$build" -j"$(nproc)" --target hearth-vk-check hearth-vk-opbench || exit 1
  rm -rf "$kit"
  mkdir -p "$kit/bin" "$kit/shared/testdata/models" "$kit/shared/testdata/reference/llamacpp"
  # hearth-vk-check links only the Vulkan loader (which comes with the NVIDIA driver): no Qt needed.
  # The programs and the vocabulary travel xz-compressed (the kit and the working tree must stay under
  # 64 MiB together) and are unpacked there: hearth-vk-check, hearth-vk-opbench, llama.cpp's
  # llama-bench (Vulkan, without and with cooperative-matrix shaders) and the Llama 3.1 vocabulary.
  for b in hearth-vk-check hearth-vk-opbench; do
    strip -o "$kit/bin/$b" "$build/tests/inference/vulkan/$b" && xz -6 -T2 "$kit/bin/$b" || exit 1
  done
  shared="${HEARTH_SHARED:-../shared}"
  cp "$shared/baseline/llama-bench-vk.xz" "$shared/baseline/llama-bench-vk-coopmat.xz" "$kit/bin/" || exit 1
  mkdir -p "$kit/shared/testdata/tokenizer"
  xz -6 -T2 -c "$shared/testdata/tokenizer/llama31-vocab.gguf" > "$kit/shared/testdata/tokenizer/llama31-vocab.gguf.xz" ||
    exit 1
  for m in "${models[@]}"; do
    cp "$shared/testdata/models/$m.gguf" "$kit/shared/testdata/models/"
    cp "$shared/testdata/reference/llamacpp/$m.json" "$shared/testdata/reference/llamacpp/$m.logits.f32" \
       "$kit/shared/testdata/reference/llamacpp/"
  done
  du -sh "$kit"
  echo "carry: $kit   run: bash scripts/device-check.sh $kit"
  exit 0
fi

kit="${1:-build-device-kit}"
tool="$kit/bin/hearth-vk-check"
data="$kit/shared/testdata"
work="${TMPDIR:-/tmp}/hearth-device-check"
mkdir -p "$work"
start=$SECONDS
status=0

# Unpacks what --pack compressed (with xz, or Python's lzma where xz is missing).
for packed in "$kit"/bin/*.xz "$kit/shared/testdata/tokenizer/llama31-vocab.gguf.xz"; do
  [ -f "$packed" ] && [ ! -f "${packed%.xz}" ] || continue
  { xz -dc "$packed" 2> /dev/null ||
    python3 -c 'import lzma, sys; sys.stdout.buffer.write(lzma.open(sys.argv[1]).read())' "$packed"; } \
    > "${packed%.xz}.tmp" && mv "${packed%.xz}.tmp" "${packed%.xz}" || echo "could not unpack $packed (no xz, no python3)"
  case "$packed" in */bin/*) chmod +x "${packed%.xz}" ;; esac
done
if [ ! -x "$tool" ]; then
  echo "no $tool: run 'scripts/device-check.sh --pack' on the build machine and carry $kit" >&2
  exit 2
fi
skip_bench="${HEARTH_DEVICE_CHECK_SKIP_BENCH:-0}"
# The synthetic models of the table, made while the logits are checked (side-by-side.sh waits for them).
[ "$skip_bench" = 1 ] || { bash scripts/side-by-side.sh --synth "$kit" > "$work/synth.log" 2>&1 & }

echo "== device"
vulkaninfo --summary 2>/dev/null | grep -E "deviceName|deviceType|driverName" || true
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || true

# Step 1: logits against llama.cpp and teacher-forced greedy, per model (tolerance table of
# ../shared/README.md: normalized max diff / mean KL / max KL).
echo
echo "== Vulkan logits vs llama.cpp"
# HEARTH_DEVICE_CHECK_VARIANTS: settings to compare with the default in the same run, separated by
# spaces; a variant is one environment assignment or several joined by commas. For example
# "HEARTH_VK_INT_DOT=1 HEARTH_VK_MATVEC_WG=128,HEARTH_VK_MATVEC_ROWS=2" is two variants. Every
# variant's logits are checked too, and it gets its own rows in the benchmark table. By default the
# settings not yet measured on a GPU: integer dot products in decode, 128 x 128 prefill tiles
# (HEARTH_DEVICE_CHECK_VARIANTS="" for none).
variants=(${HEARTH_DEVICE_CHECK_VARIANTS-HEARTH_VK_INT_DOT=1 HEARTH_VK_MATMUL_TILE=128})
for variant in "" "${variants[@]}"; do
  [ -n "$variant" ] && echo "-- variant $variant"
  for m in "${models[@]}"; do
    [ -f "$data/models/$m.gguf" ] || continue
    env ${variant//,/ } timeout 120 "$tool" logits "$data/models/$m.gguf" "$data/reference/llamacpp/$m.json" \
      "$data/reference/llamacpp/$m.logits.f32" || { status=1; echo "FAIL $m ${variant:-default} (exit $?)"; }
  done
done

# Step 2: the side-by-side table (HEARTH_DEVICE_CHECK_SKIP_BENCH=1 stops here, for trying the script on
# a slow device).
[ "$skip_bench" = 1 ] && { echo "device-check: logits $([ $status = 0 ] && echo PASS || echo FAIL)"; exit $status; }
# HEARTH_DEVICE_CHECK_PROFILE=1: also the single-product timings at 8B shapes (hearth-vk-opbench) and
# GPU time per shader of an 8B Q4_K_M decode (HEARTH_VK_PROFILE=1); full logs go to $OUT when it is set.
profile="${HEARTH_DEVICE_CHECK_PROFILE:-0}"
logs="${OUT:-$work}"
if [ "$profile" = 1 ] && [ -x "$kit/bin/hearth-vk-opbench" ]; then
  echo
  echo "== single products at Llama 3.1 8B shapes (hearth-vk-opbench suite 8b)"
  # HEARTH_DEVICE_CHECK_MATVEC_ROWS / _WG: lists of rows and threads per workgroup to sweep.
  for rows_per_group in ${HEARTH_DEVICE_CHECK_MATVEC_ROWS:-4}; do
    for threads in ${HEARTH_DEVICE_CHECK_MATVEC_WG:-64}; do
      echo "-- mat-vec rows per workgroup: $rows_per_group, threads per workgroup: $threads"
      HEARTH_VK_MATVEC_ROWS=$rows_per_group HEARTH_VK_MATVEC_WG=$threads timeout 120 \
        "$kit/bin/hearth-vk-opbench" suite 8b | grep "^| matvec"
    done
  done
  echo "-- prefill product, 64 x 64 and 128 x 128 tiles (8B q|k|v and down shapes, 512 tokens)"
  for tile in 64 128; do
    HEARTH_VK_MATMUL_TILE=$tile timeout 120 "$kit/bin/hearth-vk-opbench" matmul q4_k 6144 4096 512 5 | grep "^| matmul"
    HEARTH_VK_MATMUL_TILE=$tile timeout 120 "$kit/bin/hearth-vk-opbench" matmul q6_k 4096 14336 512 5 | grep "^| matmul"
  done
fi
echo
# The variants of the logits check get Hearth rows of their own (pp and tg) in the table.
HEARTH_DEVICE_CHECK_VARIANTS="${variants[*]}" HEARTH_SBS_BUDGET="${HEARTH_SBS_BUDGET:-$((${HEARTH_DEVICE_CHECK_BUDGET:-420} - (SECONDS - start)))}" \
  bash scripts/side-by-side.sh "$kit"
if [ "$profile" = 1 ]; then
  model="${HEARTH_SBS_WORK:-${TMPDIR:-/tmp}/hearth-side-by-side}/synth-8b-q4_k_m.gguf"
  [ -f "$model" ] && HEARTH_VK_PROFILE=1 timeout 120 "$tool" bench "$model" 512 32 > /dev/null 2> "$logs/profile-8b-q4_k_m.txt"
  echo "== GPU time per shader, 8B Q4_K_M decode (all of it in $logs/profile-8b-q4_k_m.txt)"
  sed -n '/decode steps/,$p' "$logs/profile-8b-q4_k_m.txt" 2> /dev/null | head -n 14
fi
echo
echo "device-check: $((SECONDS - start)) s, logits $([ $status = 0 ] && echo PASS || echo FAIL)"
exit $status
