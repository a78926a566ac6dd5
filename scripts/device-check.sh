#!/usr/bin/env bash
# Hearth on a real GPU, in one short run: the Vulkan logits of the shared test models against
# llama.cpp's, then synthetic Llama-3.2-1B-shaped Q4_0 / Q4_K_M / Q8_0 models (and Llama-3.1-8B Q4_K_M
# when time allows) through the same measurement as `hearth-cli bench --backend vulkan --json`,
# printed as one table.
#
# Two steps, because the GPU machine has no compiler, cmake, glslc or Qt and no network:
#
#   1. here (the build machine):   scripts/device-check.sh --pack [BUILD_DIR]
#      builds hearth-vk-check (tests/inference/vulkan/vk_device_check.cpp: links only the Vulkan
#      loader) in BUILD_DIR (default build-device, configured with -DHEARTH_BUILD_GUI=OFF) and fills
#      build-device-kit/ (git-ignored by /build*/, about 45 MiB) with it, stripped, and a copy of the
#      reference models and logits from ../shared/testdata (tiny-llama31-f32/bf16 left out for size).
#   2. there (the GPU machine):    bash scripts/device-check.sh [KIT_DIR]      (default build-device-kit)
#      about 3-6 minutes; prints PASS/FAIL per model and the benchmark table; exit status 1 when a
#      logits check fails.
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
  cp "$build/tests/inference/vulkan/hearth-vk-check" "$build/tests/inference/vulkan/hearth-vk-opbench" "$kit/bin/" &&
    strip "$kit/bin/hearth-vk-check" "$kit/bin/hearth-vk-opbench"
  shared="${HEARTH_SHARED:-../shared}"
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

if [ ! -x "$tool" ]; then
  echo "no $tool: run 'scripts/device-check.sh --pack' on the build machine and carry $kit" >&2
  exit 2
fi

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

# Step 2: synthetic real-shape models, then the benchmark table (HEARTH_DEVICE_CHECK_SKIP_BENCH=1
# stops here, for trying the script on a slow device).
[ "${HEARTH_DEVICE_CHECK_SKIP_BENCH:-0}" = 1 ] && { echo "device-check: logits $([ $status = 0 ] && echo PASS || echo FAIL)"; exit $status; }
# HEARTH_DEVICE_CHECK_PROFILE=1: also the single-product timings at 8B shapes (hearth-vk-opbench) and
# GPU time per shader during each bench (HEARTH_VK_PROFILE=1); full logs go to $OUT when it is set.
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
echo "== bench (as hearth-cli bench --backend vulkan -p 512 -n 128)"
rows=()
bench_one() {  # shape type
  local shape="$1" type="$2" file="$work/synth-$1-$2.gguf"
  if [ ! -f "$file" ]; then
    timeout 240 "$tool" synth "$shape" "$type" "$file" > /dev/null 2> "$work/synth-$shape-$type.err" ||
      { echo "synth $shape $type failed: $(tail -n 1 "$work/synth-$shape-$type.err")"; return; }
  fi
  local json
  json=$(timeout 240 "$tool" bench "$file" 512 128 2> "$work/bench-$shape-$type.err") ||
    { echo "bench $shape $type failed: $(tail -n 2 "$work/bench-$shape-$type.err")"; return; }
  if [ "$profile" = 1 ]; then
    # A second, shorter run with timestamps around every dispatch (they slow it down a little).
    HEARTH_VK_PROFILE=1 timeout 240 "$tool" bench "$file" 512 32 > /dev/null 2> "$logs/profile-$shape-$type.txt"
    # The decode table's top rows and the host line.
    sed -n '/decode steps/,$p' "$logs/profile-$shape-$type.txt" | head -n 10
    grep "^host" "$logs/profile-$shape-$type.txt" | tail -n 1
  fi
  echo "$json" > "$work/bench-$shape-$type.json"
  rows+=("$shape $type default $json")
  echo "$shape $type: $json"
  # The kernels tuned on this device (hearth-cli tune's table), then the same bench with them: the
  # row "tuned" against "default" says what tuning wins here.
  timeout 120 "$tool" tune "$file" "$work/kernel-tuning.txt" 8 > "$logs/tune-$shape-$type.txt" 2>&1 ||
    echo "tune $shape $type failed: $(tail -n 2 "$logs/tune-$shape-$type.txt")"
  grep -E "^(decode|prefill)|^config" "$logs/tune-$shape-$type.txt" | grep -vE " valid$" || true
  json=$(timeout 240 "$tool" bench "$file" 512 128 "$work/kernel-tuning.txt" 2>> "$work/bench-$shape-$type.err") &&
    { rows+=("$shape $type tuned $json"); echo "$shape $type tuned: $json"; } ||
    echo "bench $shape $type tuned failed: $(tail -n 2 "$work/bench-$shape-$type.err")"
  for variant in "${variants[@]}"; do
    json=$(env ${variant//,/ } timeout 240 "$tool" bench "$file" 512 128 2>> "$work/bench-$shape-$type.err") ||
      { echo "bench $shape $type $variant failed: $(tail -n 2 "$work/bench-$shape-$type.err")"; continue; }
    rows+=("$shape $type $variant $json")
    echo "$shape $type $variant: $json"
  done
}
bench_one 1b q4_0
if [ $((SECONDS - start)) -lt 240 ]; then
  bench_one 8b q4_k_m
else
  echo "(8B Q4_K_M skipped: $((SECONDS - start)) s used)"
fi
bench_one 1b q4_k_m
bench_one 1b q8_0

echo
printf "| %-6s | %-7s | %-30s | %-30s | %10s | %10s | %12s | %9s |\n" shape type variant device "pp512 t/s" "tg128 t/s" \
  "copy GB/s" "tg/copy"
printf "|--------|---------|--------------------------------|--------------------------------|------------|------------|--------------|-----------|\n"
for row in "${rows[@]}"; do
  read -r shape type variant json <<< "$row"
  if command -v python3 > /dev/null; then
    python3 -c '
import json, sys
shape, type_, variant, j = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
print("| %-6s | %-7s | %-30.30s | %-30.30s | %10.1f | %10.1f | %12.1f | %8.1f%% |" % (shape, type_, variant, j["device"],
      j["pp_tokens_per_s"], j["tg_tokens_per_s"], j["copy_bandwidth_gb_s"], 100 * j["decode_bandwidth_fraction"]))' \
      "$shape" "$type" "$variant" "$json"
  else
    echo "| $shape | $type | $variant | $json"
  fi
done
echo
echo "device-check: $((SECONDS - start)) s, logits $([ $status = 0 ] && echo PASS || echo FAIL)"
exit $status
