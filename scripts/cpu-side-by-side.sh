#!/usr/bin/env bash
# Hearth's CPU backend against llama.cpp's CPU builds on this machine, same model files, same thread
# count: one table of model x {pp128, pp512, tg32} x {Hearth, llama.cpp native, llama.cpp AVX2} with the
# ratios. A benchmark, not a test: it stays out of CI.
#
#   scripts/cpu-side-by-side.sh [BUILD_DIR]        (default build)
#
# The models are synthetic Llama-3.2-1B-shaped files (random weights, Llama 3.1's tokenizer so that
# llama.cpp loads them), made once with `hearth-cli synth` into $HEARTH_CPU_SBS_WORK (default
# $TMPDIR/hearth-cpu-side-by-side). HEARTH_CPU_SBS_MODELS="q4_0 q8_0" picks types, HEARTH_CPU_SBS_ROUNDS
# (default 3) the rounds: each round runs every program once per model, one after the other, so that
# a noisy neighbour slows all of them alike; a figure is the median over the rounds. Threads: the
# physical cores (Hearth's default), passed to llama-bench as -t. llama-bench's tg32 starts at position
# 0; Hearth's follows its pp128 prompt (128 positions of context more, slightly slower if anything).
# llama-bench-cpu-native needs the CPU it was built for (AVX-512 VNNI, AVX-VNNI): where it dies with an
# illegal instruction, its column says so.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
cli="$build/app/cli/hearth-cli"
shared="${HEARTH_SHARED:-$root/../shared}"
vocab="$shared/testdata/tokenizer/llama31-vocab.gguf"
work="${HEARTH_CPU_SBS_WORK:-${TMPDIR:-/tmp}/hearth-cpu-side-by-side}"
types=(${HEARTH_CPU_SBS_MODELS:-q4_0 q4_k_m q8_0})
rounds="${HEARTH_CPU_SBS_ROUNDS:-3}"
[ -x "$cli" ] || { echo "no $cli: build first" >&2; exit 2; }
mkdir -p "$work"
threads=$(lscpu -p=CORE,SOCKET 2> /dev/null | grep -v '^#' | sort -u | wc -l)
[ "$threads" -ge 1 ] || threads=$(nproc)

for t in "${types[@]}"; do
  f="$work/1b-$t.gguf"
  if [ ! -f "$f" ]; then
    "$cli" synth --shape 1b --type "$t" --vocab "$vocab" "$f.tmp" > /dev/null && mv -f "$f.tmp" "$f" || exit 1
  fi
done

num() { grep -o "\"$1\": *[0-9.e+-]*" | head -n 1 | sed 's/.*: *//'; }
# llama-bench's avg_ts of the test with n_prompt $2 and n_gen $3 in JSON $1.
llama_ts() {
  python3 -c 'import json,sys
for r in json.load(open(sys.argv[1])):
    if r["n_prompt"] == int(sys.argv[2]) and r["n_gen"] == int(sys.argv[3]): print(r["avg_ts"])' "$@" 2> /dev/null
}
median() { sort -g | awk '{a[NR]=$1} END {if (NR) print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2); else print "-"}'; }

declare -A figures # "type program test" -> one figure per line
for ((r = 1; r <= rounds; r++)); do
  for t in "${types[@]}"; do
    f="$work/1b-$t.gguf"
    for p in 128 512; do
      j=$("$cli" bench -m "$f" -p $p -n 32 --backend cpu -t "$threads" --json 2> /dev/null | tail -n 1)
      figures["$t hearth pp$p"]+="$(num pp_tokens_per_s <<< "$j")"$'\n'
      [ $p = 128 ] && figures["$t hearth tg32"]+="$(num tg_tokens_per_s <<< "$j")"$'\n'
    done
    for b in native avx2; do
      exe="$shared/baseline/llama-bench-cpu"
      [ $b = native ] && exe="$shared/baseline/llama-bench-cpu-native"
      "$exe" -m "$f" -p 128,512 -n 32 -t "$threads" -r 1 -o json > "$work/llama-$b.json" 2> "$work/llama-$b.err"
      rc=$?
      [ $rc -ne 0 ] && { figures["$t $b error"]="exit $rc"; continue; }
      figures["$t $b pp128"]+="$(llama_ts "$work/llama-$b.json" 128 0)"$'\n'
      figures["$t $b pp512"]+="$(llama_ts "$work/llama-$b.json" 512 0)"$'\n'
      figures["$t $b tg32"]+="$(llama_ts "$work/llama-$b.json" 0 32)"$'\n'
    done
  done
done

echo "CPU: $(grep -m 1 'model name' /proc/cpuinfo | sed 's/.*: //'), $threads threads; Hearth: $("$cli" devices 2> /dev/null | grep -o 'cpu ([a-z0-9-]*)' | head -n 1); median of $rounds rounds (tokens/s)"
echo
echo "| model | test | Hearth | llama.cpp native | llama.cpp AVX2 | Hearth / native | Hearth / AVX2 |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
for t in "${types[@]}"; do
  for test in pp128 pp512 tg32; do
    h=$(printf '%s' "${figures["$t hearth $test"]:-}" | median)
    n=$(printf '%s' "${figures["$t native $test"]:-}" | median)
    a=$(printf '%s' "${figures["$t avx2 $test"]:-}" | median)
    [ -n "${figures["$t native error"]:-}" ] && n="${figures["$t native error"]}"
    ratio() { awk -v x="$1" -v y="$2" 'BEGIN { if (x + 0 > 0 && y + 0 > 0) printf "%.2f", x / y; else print "-" }'; }
    fmt() { awk -v x="$1" 'BEGIN { if (x ~ /^[0-9.e+-]+$/) printf "%.1f", x; else printf "%s", x }'; }
    printf '| 1B %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$test" "$(fmt "$h")" "$(fmt "$n")" "$(fmt "$a")" \
      "$(ratio "$h" "$n")" "$(ratio "$h" "$a")"
  done
done
