#!/usr/bin/env bash
# Hearth against llama.cpp's Vulkan backend on the same device with the same model files: one table of
# model x {Hearth, llama.cpp, llama.cpp with cooperative-matrix shaders} x {pp, tg, tg after DEPTH
# positions of context} with the ratio of each pair, then per model Hearth's copy bandwidth, the decode
# fraction of it, and what one decode step records (dispatches, barriers, bytes read against the
# ideal). A benchmark, not a test: it stays out of CI.
#
#   scripts/side-by-side.sh [--quick|--full] [--local BUILD_DIR | KIT_DIR]
#   scripts/side-by-side.sh --synth [--local BUILD_DIR | KIT_DIR]     only make the models
#
# KIT_DIR (default build-device-kit) is what `scripts/device-check.sh --pack` made; --local takes
# hearth-vk-check from a build directory and llama-bench from ../shared/baseline. The models are
# synthetic (random weights, Llama 3.1's tokenizer so llama.cpp loads them), made with
# `hearth-vk-check synth` into $HEARTH_SBS_WORK (default $TMPDIR/hearth-side-by-side).
#
# On a GPU: Llama-3.1-8B Q4_K_M and Q8_0, Llama-3.2-1B Q4_0 and Q4_K_M; pp512, tg128, tg128 after 4096
# positions; llama-bench with 2 repetitions (--full: 5, and the coopmat build's depth too). On a CPU
# device (lavapipe) only the 1B models, pp16, tg4, tg4 after 16 positions, one repetition: llama.cpp
# takes seconds per token there and minutes for its prefill (2-core EPYC: pp16 of a 1B model about 6
# minutes), so its depth figure, which needs a second prefill, is left out there.
# HEARTH_SBS_REUSE=1 keeps the figures of an earlier run in the work folder (to finish or reprint one). HEARTH_SBS_BUDGET (seconds, default 420 on a GPU) skips the models left when
# it is spent; HEARTH_SBS_MODELS="1b:q4_0 8b:q8_0" picks models; HEARTH_DEVICE_CHECK_VARIANTS adds Hearth
# rows (environment settings, as device-check.sh), at pp and tg only.
#
# llama-bench has no depth option: its decode after D positions comes from -p D and -pg D,N in the same
# run, decode seconds = (D + N) / pg - D / pp (../shared/baseline/README.md). Its tg starts at position 0,
# and so does Hearth's here.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

action=table mode=quick local="" reuse="${HEARTH_SBS_REUSE:-0}"
kit=build-device-kit
while [ $# -gt 0 ]; do
  case "$1" in
    --synth) action=synth ;;
    --quick) mode=quick ;;
    --full) mode=full ;;
    --local) local="${2:?--local needs a build directory}"; shift ;;
    *) kit="$1" ;;
  esac
  shift
done

work="${HEARTH_SBS_WORK:-${TMPDIR:-/tmp}/hearth-side-by-side}"
mkdir -p "$work"
if [ -n "$local" ]; then
  tool="$local/tests/inference/vulkan/hearth-vk-check"
  shared="${HEARTH_SHARED:-../shared}"
  vocab="$shared/testdata/tokenizer/llama31-vocab.gguf"
  for b in llama-bench-vk llama-bench-vk-coopmat; do
    [ -x "$work/$b" ] || { xz -dc "$shared/baseline/$b.xz" > "$work/$b.tmp" && chmod +x "$work/$b.tmp" && mv "$work/$b.tmp" "$work/$b"; }
  done
  llama="$work/llama-bench-vk" coopmat="$work/llama-bench-vk-coopmat"
else
  tool="$kit/bin/hearth-vk-check"
  vocab="$kit/shared/testdata/tokenizer/llama31-vocab.gguf"
  llama="$kit/bin/llama-bench-vk" coopmat="$kit/bin/llama-bench-vk-coopmat"
fi
[ -x "$tool" ] || { echo "no $tool (scripts/device-check.sh --pack, or --local BUILD_DIR)" >&2; exit 2; }

# The device Hearth picks (best first); llama-bench is pointed at the same index.
read -r device_index device_type device_name <<< "$("$tool" devices | head -n 1)"
[ -n "${device_index:-}" ] || { echo "no Vulkan device" >&2; exit 2; }
if [ "$device_type" = cpu ]; then
  models=(${HEARTH_SBS_MODELS:-1b:q4_0 1b:q4_k_m})
  prompt=16 decode=4 depth=16 reps=1 limit=900 budget="${HEARTH_SBS_BUDGET:-100000}" llama_depth=0
else
  models=(${HEARTH_SBS_MODELS:-8b:q4_k_m 8b:q8_0 1b:q4_0 1b:q4_k_m})
  prompt=512 decode=128 depth=4096 reps=2 limit=300 budget="${HEARTH_SBS_BUDGET:-420}" llama_depth=1
  [ "$mode" = full ] && reps=5
fi

model_file() { echo "$work/synth-${1%%:*}-${1##*:}.gguf"; }

# Makes each model not made yet (a .part file while it is written: a second caller waits for it).
synth_models() {
  for m in "${models[@]}"; do
    local file; file="$(model_file "$m")"
    [ -f "$file" ] || [ -f "$file.part" ] && continue
    : > "$file.part"
    if timeout 600 "$tool" synth "${m%%:*}" "${m##*:}" "$file.tmp" "$vocab" 2> "$file.err"; then
      mv "$file.tmp" "$file"
    else
      echo "synth $m failed: $(tail -n 1 "$file.err")" >&2
    fi
    rm -f "$file.part"
  done
}
if [ "$action" = synth ]; then synth_models; exit 0; fi

# A number from a one-line JSON object: json_number KEY LINE.
json_number() { grep -o "\"$1\": *[-0-9.e+]*" <<< "$2" | head -n 1 | sed 's/.*: *//'; }
# A table row: MODEL TEST HEARTH LLAMA COOPMAT, "-" for a figure missing.
row() { echo "$1 $2 ${3:--} ${4:--} ${5:--}"; }
# llama-bench's avg_ts of the test with n_prompt P and n_gen N: llama_ts P N FILE.
llama_ts() {
  grep "\"n_prompt\": $1, \"n_gen\": $2," "$3" 2> /dev/null | head -n 1 | grep -o '"avg_ts": [0-9.e+-]*' | sed 's/.*: //'
}
# Decode tokens/s after D positions from the pp D and pg D,N rates.
llama_depth_ts() {
  local pp pg
  pp=$(llama_ts "$depth" 0 "$1") pg=$(llama_ts "$depth" "$decode" "$1")
  [ -n "$pp" ] && [ -n "$pg" ] && awk -v d="$depth" -v n="$decode" -v pp="$pp" -v pg="$pg" \
    'BEGIN { s = (d + n) / pg - d / pp; if (s > 0) printf "%.3f", n / s }'
}
run_llama() {  # BINARY FILE OUT [with depth: 1]
  [ "$reuse" = 1 ] && [ -s "$3" ] && return
  local args=(-m "$2" -ngl 99 -r "$reps" -o jsonl -n "$decode")
  if [ "${4:-0}" = 1 ] && [ "$depth" != "$prompt" ]; then args+=(-p "$prompt,$depth" -pg "$depth,$decode")
  elif [ "${4:-0}" = 1 ]; then args+=(-p "$prompt" -pg "$depth,$decode")
  else args+=(-p "$prompt"); fi
  GGML_VK_VISIBLE_DEVICES="$device_index" timeout "$limit" "$1" "${args[@]}" > "$3" 2> "$3.err" ||
    echo "llama-bench $(basename "$1") on $(basename "$2") failed: $(tail -n 2 "$3.err" | tr '\n' ' ')" >&2
}

start=$SECONDS
echo "== side by side on $device_name ($device_type): pp$prompt, tg$decode, tg$decode after $depth positions"
[ "$device_type" = cpu ] &&
  echo "   (a CPU device: only the 1B models, short runs, no coopmat build; $(nproc) cores, figures are noisy)"
# Every model first, so that no synthesis runs beside a measurement; those that a background
# `--synth` (device-check.sh starts one) is making are waited for.
synth_models
echo "   models ready at $((SECONDS - start)) s"
h() { json_number "$1" "$hearth"; }
variants=(${HEARTH_DEVICE_CHECK_VARIANTS-})
rows=() summary=()
for m in "${models[@]}"; do
  if [ $((SECONDS - start)) -gt "$budget" ]; then echo "($m skipped: $((SECONDS - start)) s of $budget used)"; continue; fi
  file="$(model_file "$m")" out="$work/${m/:/-}"
  for _ in $(seq 300); do [ -f "$file.part" ] || break; sleep 2; done
  [ -f "$file" ] || { echo "($m: no model file)"; continue; }
  if [ "$reuse" = 1 ] && [ -s "$out.hearth.json" ]; then hearth=$(cat "$out.hearth.json"); else
  hearth=$(timeout "$limit" "$tool" bench "$file" "$prompt" "$decode" "$depth" 2> "$out.hearth.err") ||
    { echo "hearth bench $m failed: $(tail -n 2 "$out.hearth.err" | tr '\n' ' ')"; hearth=""; }
  echo "$hearth" > "$out.hearth.json"; fi
  run_llama "$llama" "$file" "$out.llama.jsonl" "$llama_depth"
  if [ "$device_type" != cpu ]; then run_llama "$coopmat" "$file" "$out.coopmat.jsonl" "$([ "$mode" = full ] && echo 1)"; fi
  rows+=("$(row "$m" "pp$prompt" "$(h pp_tokens_per_s)" "$(llama_ts "$prompt" 0 "$out.llama.jsonl")" \
    "$(llama_ts "$prompt" 0 "$out.coopmat.jsonl")")")
  rows+=("$(row "$m" "tg$decode" "$(h tg_tokens_per_s)" "$(llama_ts 0 "$decode" "$out.llama.jsonl")" \
    "$(llama_ts 0 "$decode" "$out.coopmat.jsonl")")")
  rows+=("$(row "$m" "tg$decode@$depth" "$(h tg_depth_tokens_per_s)" "$(llama_depth_ts "$out.llama.jsonl")" \
    "$(llama_depth_ts "$out.coopmat.jsonl")")")
  summary+=("$m $hearth")
  for v in "${variants[@]}"; do
    j=$(env ${v//,/ } timeout "$limit" "$tool" bench "$file" "$prompt" "$decode" 2>> "$out.hearth.err") || continue
    rows+=("$(row "$m" "pp$prompt[$v]" "$(json_number pp_tokens_per_s "$j")" \
      "$(llama_ts "$prompt" 0 "$out.llama.jsonl")" "$(llama_ts "$prompt" 0 "$out.coopmat.jsonl")")")
    rows+=("$(row "$m" "tg$decode[$v]" "$(json_number tg_tokens_per_s "$j")" \
      "$(llama_ts 0 "$decode" "$out.llama.jsonl")" "$(llama_ts 0 "$decode" "$out.coopmat.jsonl")")")
  done
  # The kernels tuned on this device (hearth-cli tune's table, in $out.tune.txt), then the same bench
  # with them: the "[tuned]" rows against the default ones say what tuning wins here.
  if timeout "$limit" "$tool" tune "$file" "$work/kernel-tuning.txt" 8 > "$out.tune.txt" 2>&1; then
    grep "^config" "$out.tune.txt" | sed "s/^/   $m tuned /"
    j=$(timeout "$limit" "$tool" bench "$file" "$prompt" "$decode" 0 "$work/kernel-tuning.txt" 2>> "$out.hearth.err") && {
      rows+=("$(row "$m" "pp$prompt[tuned]" "$(json_number pp_tokens_per_s "$j")" \
        "$(llama_ts "$prompt" 0 "$out.llama.jsonl")" "$(llama_ts "$prompt" 0 "$out.coopmat.jsonl")")")
      rows+=("$(row "$m" "tg$decode[tuned]" "$(json_number tg_tokens_per_s "$j")" \
        "$(llama_ts 0 "$decode" "$out.llama.jsonl")" "$(llama_ts 0 "$decode" "$out.coopmat.jsonl")")")
    }
  else
    echo "   tune $m failed: $(tail -n 2 "$out.tune.txt" | tr '\n' ' ')"
  fi
  echo "   $m done at $((SECONDS - start)) s"
done

echo
echo "tokens/s; ratios Hearth / llama.cpp (- where a figure is missing)"
printf "| %-9s | %-14s | %9s | %9s | %9s | %8s | %8s |\n" model test Hearth llama.cpp "+coopmat" "H/llama" "H/coop"
printf "|-----------|----------------|-----------|-----------|-----------|----------|----------|\n"
for row in "${rows[@]}"; do
  awk -v row="$row" 'BEGIN {
    split(row, f, " "); h = f[3]; l = f[4]; c = f[5];
    printf "| %-9s | %-14s | %9s | %9s | %9s | %8s | %8s |\n", f[1], f[2],
      (h == "-" ? "-" : sprintf("%.2f", h)), (l == "-" ? "-" : sprintf("%.2f", l)), (c == "-" ? "-" : sprintf("%.2f", c)),
      ((h == "-" || l == "-" || l == 0) ? "-" : sprintf("%.2fx", h / l)),
      ((h == "-" || c == "-" || c == 0) ? "-" : sprintf("%.2fx", h / c)) }'
done
echo
echo "Hearth: copy bandwidth, decode (tg from position 0) as a fraction of it, and one decode step at the"
echo "last position counted from its recording: weights and KV cache read against the model's (ideal)"
printf "| %-9s | %9s | %8s | %10s | %8s | %9s | %13s | %13s |\n" model "copy GB/s" "tg/copy" "dispatches" barriers \
  "weights MiB" "weights/ideal" "KV/ideal"
printf "|-----------|-----------|----------|------------|----------|-------------|---------------|---------------|\n"
for s in "${summary[@]}"; do
  read -r m j <<< "$s"
  [ -n "$j" ] || continue
  awk -v m="$m" -v bw="$(json_number copy_bandwidth_gb_s "$j")" -v fr="$(json_number decode_bandwidth_fraction "$j")" \
    -v d="$(json_number dispatches_per_token "$j")" -v b="$(json_number barriers_per_token "$j")" \
    -v w="$(json_number weight_bytes_read "$j")" -v wi="$(json_number weight_bytes_per_token "$j")" \
    -v kv="$(json_number kv_bytes_read "$j")" -v kvi="$(json_number ideal_kv_bytes "$j")" 'BEGIN {
    printf "| %-9s | %9.1f | %7.1f%% | %10d | %8d | %11.1f | %13.3f | %13.3f |\n", m, bw, 100 * fr, d, b,
      w / 1048576, (wi > 0 ? w / wi : 0), (kvi > 0 ? kv / kvi : 0) }'
done
echo
echo "side-by-side: $((SECONDS - start)) s on $device_name"
