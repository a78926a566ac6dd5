#!/usr/bin/env bash
# Hearth on a real GPU, in one short run: the Vulkan logits of the shared test models against
# llama.cpp's, then synthetic Llama-3.2-1B-shaped Q4_0 / Q4_K_M / Q8_0 models (and Llama-3.1-8B Q4_K_M
# when time allows) through `hearth-cli bench --backend vulkan`, printed as one table.
#
# Two steps, because the GPU machine has no compiler, cmake, glslc or Qt and no network:
#
#   1. here (the build machine):   scripts/device-check.sh --pack [BUILD_DIR]
#      builds hearth-cli in BUILD_DIR (default build-device, configured with -DHEARTH_BUILD_GUI=OFF)
#      and fills build-device-kit/ (git-ignored, < 64 MiB) with the stripped hearth-cli, the shared
#      libraries it needs beyond a bare Debian, and a copy of the reference models and logits from
#      ../shared/testdata (most of them; tiny-llama31-f32/bf16 are left out for size).
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
    cmake -S . -B "$build" -G Ninja -DHEARTH_BUILD_GUI=OFF -DHEARTH_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Release || exit 1
  fi
  cmake --build "$build" -j"$(nproc)" --target hearth-cli || exit 1
  rm -rf "$kit"
  mkdir -p "$kit/bin" "$kit/lib" "$kit/shared/testdata/models" "$kit/shared/testdata/reference/llamacpp"
  cp "$build/app/cli/hearth-cli" "$kit/bin/" && strip "$kit/bin/hearth-cli"
  # Libraries outside a bare Debian (the Vulkan loader comes with the NVIDIA driver).
  for lib in $(ldd "$kit/bin/hearth-cli" | awk '/=> \//{print $3}'); do
    case "$(basename "$lib")" in
      libc.so*|libm.so*|libstdc++*|libgcc_s*|ld-linux*|libvulkan*|libpthread*|libdl*|librt*) ;;
      *) cp -L "$lib" "$kit/lib/" ;;
    esac
  done
  shared="${HEARTH_SHARED:-../shared}"
  for m in "${models[@]}"; do
    cp "$shared/testdata/models/$m.gguf" "$kit/shared/testdata/models/"
    cp "$shared/testdata/reference/llamacpp/$m.json" "$shared/testdata/reference/llamacpp/$m.logits.f32" \
       "$kit/shared/testdata/reference/llamacpp/"
  done
  cp "$shared/testdata/reference/prompt-chat.txt" "$shared/testdata/reference/prompt-story.txt" \
     "$kit/shared/testdata/reference/"
  du -sh "$kit"
  echo "carry: $kit   run: bash scripts/device-check.sh $kit"
  exit 0
fi

kit="${1:-build-device-kit}"
cli="$kit/bin/hearth-cli"
export LD_LIBRARY_PATH="$root/$kit/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
data="$kit/shared/testdata"
work="${TMPDIR:-/tmp}/hearth-device-check"
mkdir -p "$work"
start=$SECONDS
status=0

if [ ! -x "$cli" ]; then
  echo "no $cli: run 'scripts/device-check.sh --pack' on the build machine and carry $kit" >&2
  exit 2
fi

echo "== devices"
"$cli" devices
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null || true

# Step 1: logits against llama.cpp, per model (tolerance table of ../shared/README.md).
echo
echo "== Vulkan logits vs llama.cpp (normalized max diff / mean KL / max KL)"
for m in "${models[@]}"; do
  [ -f "$data/models/$m.gguf" ] || continue
  prompt="$data/reference/prompt-chat.txt"
  [ "$m" = stories260K ] && prompt="$data/reference/prompt-story.txt"
  out="$work/$m.vulkan.f32"
  if ! timeout 120 "$cli" eval -m "$data/models/$m.gguf" -f "$prompt" --logits-out "$out" --backend vulkan \
       > "$work/$m.tokens" 2> "$work/$m.err"; then
    echo "FAIL $m: eval failed: $(tail -n 2 "$work/$m.err")"
    status=1
    continue
  fi
  if ! command -v python3 > /dev/null; then
    echo "ran  $m (no python3 here to compare; logits in $out)"
    continue
  fi
  python3 - "$m" "$out" "$data/reference/llamacpp/$m.logits.f32" "$data/reference/llamacpp/$m.json" \
      "$work/$m.tokens" <<'PY' || status=1
import json, math, struct, sys
name, ours_path, ref_path, json_path, tokens_path = sys.argv[1:]
ref_json = json.load(open(json_path))
vocab = ref_json["n_vocab"]
tokens = [int(t) for t in open(tokens_path).read().split()]
if tokens != ref_json["prompt_tokens"]:
    print(f"FAIL {name}: prompt tokens differ from the reference"); sys.exit(1)
def load(path):
    data = open(path, "rb").read()
    return struct.unpack(f"<{len(data) // 4}f", data)
ours, ref = load(ours_path), load(ref_path)
if len(ours) != len(ref):
    print(f"FAIL {name}: {len(ours)} logits, reference has {len(ref)}"); sys.exit(1)
positions = len(ref) // vocab
worst_diff = worst_kl = mean_kl = 0.0
for p in range(positions):
    a, r = ours[p * vocab:(p + 1) * vocab], ref[p * vocab:(p + 1) * vocab]
    rmax, rmin, amax = max(r), min(r), max(a)
    diff = max(abs(x - y) for x, y in zip(a, r)) / (rmax - rmin)
    zr = sum(math.exp(y - rmax) for y in r); za = sum(math.exp(x - amax) for x in a)
    kl = 0.0
    for x, y in zip(a, r):
        lr = y - rmax - math.log(zr); la = x - amax - math.log(za)
        kl += math.exp(lr) * (lr - la)
    worst_diff, worst_kl, mean_kl = max(worst_diff, diff), max(worst_kl, kl), mean_kl + kl / positions
if "f32" in name: tol = (2e-3, 1e-5, 5e-5)
elif "f16" in name or "bf16" in name: tol = (1e-2, 1e-3, 2e-3)
else: tol = (3e-2, 5e-3, 1e-2)
ok = worst_diff <= tol[0] and mean_kl <= tol[1] and worst_kl <= tol[2]
print(f"{'PASS' if ok else 'FAIL'} {name:24s} {worst_diff:.2e} / {mean_kl:.2e} / {worst_kl:.2e}   (limits {tol[0]:.0e} / {tol[1]:.0e} / {tol[2]:.0e})")
sys.exit(0 if ok else 1)
PY
done

# Step 2: synthetic real-shape models, then the benchmark table (HEARTH_DEVICE_CHECK_SKIP_BENCH=1
# stops here, for trying the script on a slow device).
[ "${HEARTH_DEVICE_CHECK_SKIP_BENCH:-0}" = 1 ] && { echo "device-check: logits $([ $status = 0 ] && echo PASS || echo FAIL)"; exit $status; }
echo
echo "== bench (hearth-cli bench --backend vulkan -p 512 -n 128)"
rows=()
bench_one() {  # shape type
  local shape="$1" type="$2" file="$work/synth-$1-$2.gguf"
  if [ ! -f "$file" ]; then
    timeout 240 "$cli" synth --shape "$shape" --type "$type" "$file" > /dev/null 2> "$work/synth-$shape-$type.err" ||
      { echo "synth $shape $type failed: $(tail -n 1 "$work/synth-$shape-$type.err")"; return; }
  fi
  local json
  json=$(timeout 240 "$cli" bench -m "$file" -p 512 -n 128 --backend vulkan --json 2> "$work/bench-$shape-$type.err") ||
    { echo "bench $shape $type failed: $(tail -n 2 "$work/bench-$shape-$type.err")"; return; }
  echo "$json" > "$work/bench-$shape-$type.json"
  rows+=("$shape $type $json")
  echo "$shape $type: $json"
}
bench_one 1b q4_0
bench_one 1b q4_k_m
bench_one 1b q8_0
if [ $((SECONDS - start)) -lt 200 ]; then
  bench_one 8b q4_k_m
else
  echo "(8B Q4_K_M skipped: $((SECONDS - start)) s used)"
fi

echo
printf "| %-6s | %-7s | %-30s | %10s | %10s | %12s | %9s |\n" shape type device "pp512 t/s" "tg128 t/s" "copy GB/s" "tg/copy"
printf "|--------|---------|--------------------------------|------------|------------|--------------|-----------|\n"
for row in "${rows[@]}"; do
  read -r shape type json <<< "$row"
  if command -v python3 > /dev/null; then
    python3 -c '
import json, sys
shape, type_, j = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
print("| %-6s | %-7s | %-30.30s | %10.1f | %10.1f | %12.1f | %8.1f%% |" % (shape, type_, j["device"], j["pp_tokens_per_s"],
      j["tg_tokens_per_s"], j["copy_bandwidth_gb_s"], 100 * j["decode_bandwidth_fraction"]))' "$shape" "$type" "$json"
  else
    echo "| $shape | $type | $json"
  fi
done
echo
echo "device-check: $((SECONDS - start)) s, logits $([ $status = 0 ] && echo PASS || echo FAIL)"
exit $status
