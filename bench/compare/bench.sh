#!/usr/bin/env bash
# kit bench beside hyperfine, on the same short commands, in one run, alternating:
#   true and sleep 0.01, each with -N (no shell) and through the default shell (sh -c);
#   every invocation does exactly N timed runs (--runs N, no warmup), stdin from /dev/null.
# (a) the mean ± σ each tool reports (kit bench --json, hyperfine --export-json), and whether
#     they agree within the combined error: |m_kit - m_hf| <= sqrt(σ_kit² + σ_hf²);
# (b) each tool's own cost per run: the wall time of the whole invocation (start-up, shell
#     calibration, N runs, report) divided by N, minus the mean it reports. Through a shell
#     this includes the shell's start-up (both tools take it off their mean) and the
#     calibration runs (kit 30, hyperfine 50): the -N rows are the tools alone. Each tool's
#     start-up (`--version`) is printed too: start-up / N of every row is that fixed cost.
# The issue's goal: kit's overhead no larger than hyperfine's, both means in agreement.
# Prints medians (RUNS repetitions; kit first in odd ones, hyperfine first in even ones).
# usage: KIT=build/release/kit RUNS=3 N=200 bench/compare/bench.sh
set -euo pipefail
KIT=$(realpath -m "${KIT:-build/release/kit}")
RUNS=${RUNS:-3}
N=${N:-200}
PY=${PYTHON:-python3}
HYPERFINE=${HYPERFINE:-hyperfine}
source "$(dirname "$0")/../lib/compare.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! "$KIT" bench --help >/dev/null 2>&1; then
  echo "$(basename "$0"): $KIT has no bench command (KIT=build/dev/kit to use another build)" >&2
  exit 1
fi
command -v "$HYPERFINE" >/dev/null || { echo "$(basename "$0"): no hyperfine" >&2; exit 1; }

# mean_sd FILE: "MEAN_US SD_US" of the first result of a kit or hyperfine JSON export.
mean_sd() {
  "$PY" -c 'import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(r["mean"] * 1e6, r["stddev"] * 1e6)' "$1"
}

# One invocation of each tool: wall time of the whole invocation and the reported mean ± σ,
# all in µs, appended to the arrays named after the case and the tool.
declare -A wall mean sd over whole
run_kit() {  # run_kit CASE ARGS...
  local c=$1 t0 t1 m s
  shift
  t0=${EPOCHREALTIME/./}
  "$KIT" bench --runs "$N" --json "$@" >"$tmp/kit.json" 2>/dev/null </dev/null
  t1=${EPOCHREALTIME/./}
  read -r m s < <(mean_sd "$tmp/kit.json")
  wall[$c,kit]+=" $((10#$t1 - 10#$t0))" mean[$c,kit]+=" $m" sd[$c,kit]+=" $s"
}
run_hf() {  # run_hf CASE ARGS...
  local c=$1 t0 t1 m s
  shift
  t0=${EPOCHREALTIME/./}
  "$HYPERFINE" --runs "$N" --style none --export-json "$tmp/hf.json" "$@" >/dev/null 2>&1 </dev/null
  t1=${EPOCHREALTIME/./}
  read -r m s < <(mean_sd "$tmp/hf.json")
  wall[$c,hf]+=" $((10#$t1 - 10#$t0))" mean[$c,hf]+=" $m" sd[$c,hf]+=" $s"
}

# Start-up alone (`--version`), the fixed part of (b): spread over N runs it is start-up / N.
startup_kit="" startup_hf=""
cases=("-N true" "-N sleep 0.01" "sh true" "sh sleep 0.01")
for ((i = 0; i < RUNS; i++)); do
  t0=${EPOCHREALTIME/./}; "$KIT" --version >/dev/null; t1=${EPOCHREALTIME/./}
  "$HYPERFINE" --version >/dev/null; t2=${EPOCHREALTIME/./}
  startup_kit+=" $((10#$t1 - 10#$t0))" startup_hf+=" $((10#$t2 - 10#$t1))"
  for c in "${cases[@]}"; do
    case $c in
      "-N "*) args=(-N "${c#-N }") ;;
      *) args=("${c#sh }") ;;
    esac
    if ((i % 2 == 0)); then
      run_kit "$c" "${args[@]}"; run_hf "$c" "${args[@]}"
    else
      run_hf "$c" "${args[@]}"; run_kit "$c" "${args[@]}"
    fi
  done
done

med() { printf '%s\n' $1 | median; }  # med "X Y Z": their median

hf_version=$("$HYPERFINE" --version)
echo "bench: kit bench vs $hf_version, $N runs per invocation, median of $RUNS, $(nproc) cores"
echo
echo "(a) reported mean ± σ (median over the repetitions; agree: |Δ| <= sqrt(σ_kit² + σ_hf²))"
printf '  %-16s %-22s %-22s %9s %9s  %s\n' command kit hyperfine "|Δ|" combined verdict
for c in "${cases[@]}"; do
  agreed=0
  read -ra km <<<"${mean[$c,kit]}"; read -ra ks <<<"${sd[$c,kit]}"
  read -ra hm <<<"${mean[$c,hf]}"; read -ra hs <<<"${sd[$c,hf]}"
  for ((i = 0; i < RUNS; i++)); do
    agreed=$((agreed + $(awk -v a="${km[i]}" -v s="${ks[i]}" -v b="${hm[i]}" -v t="${hs[i]}" \
      'BEGIN {d = a - b; if (d < 0) d = -d; print (d <= sqrt(s*s + t*t)) ? 1 : 0}')))
  done
  awk -v c="$c" -v a="$(med "${mean[$c,kit]}")" -v s="$(med "${sd[$c,kit]}")" \
    -v b="$(med "${mean[$c,hf]}")" -v t="$(med "${sd[$c,hf]}")" -v ok="$agreed" -v n="$RUNS" '
    function ms(x) { return sprintf("%.3f", x / 1000) }
    BEGIN {
      d = a - b; if (d < 0) d = -d; e = sqrt(s*s + t*t)
      verdict = (d <= e) ? "agree" : (e > 0) ? sprintf("differ by %.3f ms (%.1fx the error)", d/1000, d/e) \
                                             : sprintf("differ by %.3f ms", d/1000)
      printf "  %-16s %-22s %-22s %6s ms %6s ms  %s (%d/%d repetitions agree)\n", c,
        ms(a) " ± " ms(s) " ms", ms(b) " ± " ms(t) " ms", ms(d), ms(e), verdict, ok, n
    }'
done
echo
echo "(b) the tool's own cost per run: wall of the invocation / $N - reported mean (median)"
printf '  %-16s %12s %12s %14s\n' command kit hyperfine kit/hyperfine
for c in "${cases[@]}"; do
  for tool in kit hf; do
    read -ra w <<<"${wall[$c,$tool]}"; read -ra m <<<"${mean[$c,$tool]}"
    per=""
    for ((i = 0; i < RUNS; i++)); do per+=" $(awk -v w="${w[i]}" -v m="${m[i]}" -v n="$N" 'BEGIN {print w/n - m}')"; done
    over[$tool]=$(med "$per")
    whole[$tool]=$(med "${wall[$c,$tool]}")
  done
  awk -v c="$c" -v k="${over[kit]}" -v h="${over[hf]}" -v wk="${whole[kit]}" -v wh="${whole[hf]}" '
    BEGIN {
      printf "  %-16s %9.3f ms %9.3f ms %13.2fx   (whole invocation: kit %.2f s, hyperfine %.2f s)\n",
        c, k/1000, h/1000, (h != 0 ? k/h : 0), wk/1e6, wh/1e6
    }'
done
awk -v k="$(med "$startup_kit")" -v h="$(med "$startup_hf")" -v n="$N" \
  'BEGIN {printf "  start-up alone (--version): kit %.1f ms, hyperfine %.1f ms (%.3f and %.3f ms of each row above)\n", k/1000, h/1000, k/1000/n, h/1000/n}'
