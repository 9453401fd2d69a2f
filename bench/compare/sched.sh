#!/usr/bin/env bash
# kit::sched, kit merge and kit top beside the tutorial's Python and sort(1), in one run:
#   scheduler: the tutorial's JobScheduler ("Job Scheduler with Aging": every pop recomputes
#     every job's effective priority and re-heapifies, O(n)) vs kit's AgingScheduler (O(log n))
#     for N = 1,000, 10,000 and 50,000 jobs: submit all, then pop all, the clock advancing 10 ms
#     after every operation (interval 5 s, boost 1, priorities 0..20: jobs age, many to 0).
#     Both sides read the same script (`submit P`, `advance NS`, `pop` lines) and print the same
#     lines (ids, then "id effective"; checked with cmp). The kit side is tests/diff/sched_driver
#     (KIT_DRIVER), so its time includes reading and parsing the script: a run of the script's
#     submit lines only shows that overhead. Python at N = 50,000 takes minutes (n pops of an
#     O(n) re-heapify): it is extrapolated from N = 10,000 as t(10,000) * 25 (PY_FULL=1 runs it).
#     kit alone at N = 1,000,000 (target: under 2 s).
#     The Python keeps each job's original priority beside the effective one, so that both
#     sides print the same pops (the tutorial's code stores the effective priority back, and its
#     aging compounds; the work per pop is the same).
#   heapq: 1,000,000 pushes of (priority, counter, value) then 1,000,000 pops, python3 heapq vs
#     kit's PriorityQueue (sched_driver again, same script, same output); python3 also reports
#     its heap operations alone, timed inside the process.
#   merge: kit merge vs LC_ALL=C sort -m on 10 sorted files of 1,000,000 lines (bytes), and
#     kit merge -n vs sort -m -n on 10 files of 1,000,000 numbers.
#   top: kit top -n 10 --min -N vs LC_ALL=C sort -n | head -n 10 on 10,000,000 numbers.
# Prints medians (RUNS; the Python scheduler at N >= 10,000 runs once) and the issue's targets.
# usage: KIT=build/release/kit KIT_DRIVER=build/release/bench/sched_driver_bench RUNS=3 bench/compare/sched.sh
set -euo pipefail
KIT=${KIT:-build/release/kit}
if ! "$KIT" top --help >/dev/null 2>&1; then
  echo "note: $KIT has no \`kit top\`; using build/dev/kit"
  KIT=build/dev/kit
fi
KIT=$(realpath "$KIT")
KIT_DRIVER=${KIT_DRIVER:-build/release/bench/sched_driver_bench}  # make bench builds it
if [ ! -x "$KIT_DRIVER" ]; then
  echo "note: no $KIT_DRIVER (make bench builds it); using build/dev/tests/sched_driver"
  KIT_DRIVER=build/dev/tests/sched_driver
fi
KIT_DRIVER=$(realpath "$KIT_DRIVER")
RUNS=${RUNS:-3}
PY=${PYTHON:-python3}
PY=$("$PY" -c 'import sys; print(sys.executable)')  # not a pyenv shim: ~0.7 s a start here
PY_FULL=${PY_FULL:-0}
source "$(dirname "$0")/../lib/compare.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C

# build_type BINARY: CMAKE_BUILD_TYPE of the build tree holding BINARY ("unknown" outside one).
build_type() {
  local d
  d=$(dirname "$1")
  while [ "$d" != / ] && [ ! -f "$d/CMakeCache.txt" ]; do d=$(dirname "$d"); done
  sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$d/CMakeCache.txt" 2>/dev/null || true
}

# ---- inputs ---------------------------------------------------------------------------------
"$PY" - "$tmp" <<'PYEOF'
import random, sys
d = sys.argv[1]
rng = random.Random(1)
def aging_script(n):
    out = ["aging 5000000000 1"]
    for _ in range(n):
        out += [f"submit {rng.randint(0, 20)}", "advance 10000000"]
    submits = "\n".join(out) + "\n"
    out += ["pop", "advance 10000000"] * n
    return "\n".join(out) + "\n", submits
for n in (1000, 10000, 50000, 1000000):
    full, submits = aging_script(n)
    open(f"{d}/aging-{n}.txt", "w").write(full)
    open(f"{d}/aging-{n}-submits.txt", "w").write(submits)
n = 1_000_000
pushes = [f"push {rng.getrandbits(40)} {rng.getrandbits(20)}" for _ in range(n)]
open(f"{d}/heap.txt", "w").write("\n".join(["pq min"] + pushes + ["pq_pop"] * n) + "\n")
open(f"{d}/heap-pushes.txt", "w").write("\n".join(["pq min"] + pushes) + "\n")
# 10,000,000 numbers (integers, some with a fraction, some negative), ~90 MB.
with open(f"{d}/numbers.txt", "w") as f:
    for _ in range(10):
        v = [rng.getrandbits(31) - 2**30 for _ in range(n)]
        f.write("".join(f"{x}\n" if x & 7 else f"{x // 8}.{x & 1023}\n" for x in v))
# 10 files of 1,000,000 text lines (sorted below).
words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa"]
for i in range(10):
    with open(f"{d}/text{i}.txt", "w") as f:
        f.write("".join(f"{words[x % 10]}-{x >> 4:08x} user{x % 977} GET /api/v{x % 3}/items\n"
                        for x in (rng.getrandbits(36) for _ in range(n))))
PYEOF
split -l 1000000 -d -a 1 "$tmp/numbers.txt" "$tmp/num"
for i in $(seq 0 9); do
  sort -o "$tmp/text$i.txt" "$tmp/text$i.txt"
  sort -n -o "$tmp/num$i.txt" "$tmp/num$i"
done
text_files=("$tmp"/text?.txt)
num_files=("$tmp"/num?.txt)

# ---- python sides ---------------------------------------------------------------------------
# The tutorial's JobScheduler (job_scheduler.py) on the script's clock: integer nanoseconds,
# boosts = wait // interval (the tutorial's int(wait / interval)); submit returns the id
# instead of printing; process_next keeps each job's original priority (see the header). One
# copy, shared with the differential test: tests/diff/reference/job_scheduler.py.
reference=$(realpath "$(dirname "$0")/../../tests/diff/reference")
py_sched="import sys; sys.path.insert(0, '$reference')
"'from job_scheduler import JobScheduler

now = 0
out = []
for line in open(sys.argv[1]):
    op, *args = line.split()
    if op == "aging":
        sched = JobScheduler(lambda: now, int(args[0]), int(args[1]))
    elif op == "submit":
        out.append(str(sched.submit(f"job {len(out)}", int(args[0]))))
    elif op == "advance":
        now += int(args[0])
    elif op == "pop":
        got = sched.process_next()
        out.append("empty" if got is None else f"{got[0]} {got[1]}")
sys.stdout.write("\n".join(out) + "\n")'

# heapq with (priority, counter, value) entries; the heap operations alone are timed inside
# and written to the file named by argv[2].
py_heap='import heapq, itertools, sys, time
pushes, pops = [], 0
for line in open(sys.argv[1]):
    op, *args = line.split()
    if op == "push":
        pushes.append((int(args[1]), int(args[0])))
    elif op == "pq_pop":
        pops += 1
heap, counter, handles, popped = [], itertools.count(), [], []
t0 = time.perf_counter()
for priority, value in pushes:
    count = next(counter)
    heapq.heappush(heap, (priority, count, value))
    handles.append(count)
for _ in range(pops):
    popped.append(heapq.heappop(heap))
t1 = time.perf_counter()
open(sys.argv[2], "w").write(f"{(t1 - t0) * 1e6:.0f}\n")
out = [str(h) for h in handles] + [f"{v} {p}" for p, _, v in popped]
sys.stdout.write("\n".join(out) + "\n")'

# ---- timing ---------------------------------------------------------------------------------
declare -A times failed
# timed LABEL CMD...: runs CMD once, stdout to /dev/null (to $tmp/LABEL.out when OUT=1, for
# `same`), and adds its wall time (us) to LABEL.
timed() {
  local label=$1 t0 t1 rc=0 out=/dev/null
  shift
  [ "${OUT:-0}" = 1 ] && out=$tmp/$label.out
  t0=${EPOCHREALTIME/./}
  "$@" >"$out" 2>/dev/null || rc=$?
  t1=${EPOCHREALTIME/./}
  ((rc == 0)) || failed[$label]=1
  times[$label]+="$((10#$t1 - 10#$t0)) "
}
# shellcheck disable=SC2086  # the list of times splits into words on purpose
med_ms() { printf '%s\n' ${times[$1]} | median | awk '{printf "%.1f", $1 / 1000}'; }
# same LABEL LABEL: the two runs (timed with OUT=1) printed the same bytes, or a note.
same() {
  if cmp -s "$tmp/$1.out" "$tmp/$2.out"; then echo "  check: $1 and $2 print the same bytes"
  else echo "  check: $1 and $2 DIFFER ($(wc -l <"$tmp/$1.out") vs $(wc -l <"$tmp/$2.out") lines)"; fi
}
# same_cmd NAME "CMD A" "CMD B": one run of each, compared (merge and top are timed to /dev/null).
same_cmd() {
  if cmp -s <(eval "$2") <(eval "$3"); then echo "  check: $1: the same bytes"
  else echo "  check: $1: outputs DIFFER"; fi
}
# row NAME MS [BASE_MS]: a line of the table, with BASE/MS as "kit is Nx faster" when given.
row() {
  awk -v n="$1" -v t="$2" -v b="${3:-}" 'BEGIN {
    printf "  %-54s %11.1f ms", n, t
    if (b != "") printf (b >= t ? "   kit is %8.1fx faster" : "   kit is %8.2fx slower"), (b >= t ? b / t : t / b)
    printf "\n" }'
}
target() {  # target TEXT MET(0/1)
  if [ "$2" = 1 ]; then echo "  target $1: met"; else echo "  target $1: NOT met"; fi
}
sort_head() { sort -n "$1" | head -n 10 || true; }  # sort may die of SIGPIPE

echo "sched: median of $RUNS runs, $(nproc) cores, $("$PY" --version)"
echo "kit: $KIT ($(build_type "$KIT")), driver: $KIT_DRIVER ($(build_type "$KIT_DRIVER"))"
case "$(build_type "$KIT")$(build_type "$KIT_DRIVER")" in
  *Debug*) echo "note: a Debug build (no optimisation) is timed: kit's numbers are not representative";;
esac

echo
echo "scheduler: submit N, pop N, clock +10 ms an operation (interval 5 s, boost 1)"
for n in 1000 10000 50000; do
  runs=$RUNS
  ((n >= 10000)) && runs=1
  for ((i = 0; i < RUNS; i++)); do
    OUT=1 timed "kit-aging-$n" "$KIT_DRIVER" <"$tmp/aging-$n.txt"
    timed "kit-aging-$n-submits" "$KIT_DRIVER" <"$tmp/aging-$n-submits.txt"
  done
  if ((n < 50000)) || [ "$PY_FULL" = 1 ]; then
    for ((i = 0; i < runs; i++)); do OUT=1 timed "py-aging-$n" "$PY" -c "$py_sched" "$tmp/aging-$n.txt"; done
  fi
done
for ((i = 0; i < RUNS; i++)); do
  timed kit-aging-1000000 "$KIT_DRIVER" <"$tmp/aging-1000000.txt"
  timed kit-aging-1000000-submits "$KIT_DRIVER" <"$tmp/aging-1000000-submits.txt"
done
declare -A py_ms
for n in 1000 10000 50000; do
  if [ -n "${times[py-aging-$n]:-}" ]; then
    py_ms[$n]=$(med_ms "py-aging-$n")
    row "python3 tutorial JobScheduler, N=$n" "${py_ms[$n]}"
  else
    py_ms[$n]=$(awk -v t="${py_ms[10000]}" 'BEGIN {printf "%.1f", t * 25}')
    row "python3 tutorial JobScheduler, N=$n (EXTRAPOLATED)" "${py_ms[$n]}"
    awk -v a="${py_ms[1000]}" -v b="${py_ms[10000]}" 'BEGIN {
      printf "    (= t(10,000) x 25: n pops of an O(n) pass; measured growth 1,000 -> 10,000 was n^%.2f)\n",
        log(b / a) / log(10) }'
  fi
  row "kit AgingScheduler (sched_driver), N=$n" "$(med_ms "kit-aging-$n")" "${py_ms[$n]}"
  row "  its submit lines only (parse + submit)" "$(med_ms "kit-aging-$n-submits")"
  if [ -n "${times[py-aging-$n]:-}" ]; then same "kit-aging-$n" "py-aging-$n"; fi
done
row "kit AgingScheduler (sched_driver), N=1000000" "$(med_ms kit-aging-1000000)"
row "  its submit lines only (parse + submit)" "$(med_ms kit-aging-1000000-submits)"
k50=$(med_ms kit-aging-50000)
k1m=$(med_ms kit-aging-1000000)
target ">= 1000x at N=50,000 ($(awk -v p="${py_ms[50000]}" -v k="$k50" 'BEGIN {printf "%.0fx", p / k}'))" \
  "$(awk -v p="${py_ms[50000]}" -v k="$k50" 'BEGIN {print (p / k >= 1000) ? 1 : 0}')"
target "N=1,000,000 under 2 s (${k1m} ms)" "$(awk -v k="$k1m" 'BEGIN {print (k < 2000) ? 1 : 0}')"

echo
echo "heapq: 1,000,000 pushes of (priority, counter, value), then 1,000,000 pops"
for ((i = 0; i < RUNS; i++)); do
  OUT=1 timed kit-heap "$KIT_DRIVER" <"$tmp/heap.txt"
  timed kit-heap-pushes "$KIT_DRIVER" <"$tmp/heap-pushes.txt"
  OUT=1 timed py-heap "$PY" -c "$py_heap" "$tmp/heap.txt" "$tmp/py-heap-inside.$i"
done
py_inside=$(cat "$tmp"/py-heap-inside.* | median | awk '{printf "%.1f", $1 / 1000}')
row "python3 heapq (read script, push, pop, print)" "$(med_ms py-heap)"
row "python3 heapq, heap operations alone (timed inside)" "$py_inside"
row "kit PriorityQueue (sched_driver: read, push, pop, print)" "$(med_ms kit-heap)" "$(med_ms py-heap)"
row "  its push lines only (parse + push)" "$(med_ms kit-heap-pushes)"
same kit-heap py-heap
ratio=$(awk -v p="$(med_ms py-heap)" -v k="$(med_ms kit-heap)" 'BEGIN {printf "%.1f", p / k}')
target ">= 20x (whole runs: ${ratio}x)" "$(awk -v r="$ratio" 'BEGIN {print (r >= 20) ? 1 : 0}')"

echo
echo "merge: 10 sorted files of 1,000,000 lines, to /dev/null"
cat "${text_files[@]}" "${num_files[@]}" >/dev/null  # in the page cache for every tool alike
for ((i = 0; i < RUNS; i++)); do
  timed kit-merge "$KIT" merge "${text_files[@]}"
  timed sort-merge sort -m "${text_files[@]}"
  timed kit-merge-n "$KIT" merge -n "${num_files[@]}"
  timed sort-merge-n sort -m -n "${num_files[@]}"
done
row "LC_ALL=C sort -m (bytes)" "$(med_ms sort-merge)"
row "kit merge" "$(med_ms kit-merge)" "$(med_ms sort-merge)"
same_cmd "kit merge vs sort -m" "\"$KIT\" merge ${text_files[*]}" "sort -m ${text_files[*]}"
row "LC_ALL=C sort -m -n (numbers)" "$(med_ms sort-merge-n)"
row "kit merge -n" "$(med_ms kit-merge-n)" "$(med_ms sort-merge-n)"
same_cmd "kit merge -n vs sort -m -n" "\"$KIT\" merge -n ${num_files[*]}" "sort -m -n ${num_files[*]}"
target "faster than sort -m" "$(awk -v k="$(med_ms kit-merge)" -v s="$(med_ms sort-merge)" \
  -v kn="$(med_ms kit-merge-n)" -v sn="$(med_ms sort-merge-n)" 'BEGIN {print (k < s && kn < sn) ? 1 : 0}')"

echo
echo "top: the 10 smallest of 10,000,000 numbers ($(awk -v b="$(stat -c %s "$tmp/numbers.txt")" 'BEGIN {printf "%.0f", b / 1e6}') MB)"
cat "$tmp/numbers.txt" >/dev/null
for ((i = 0; i < RUNS; i++)); do
  OUT=1 timed kit-top "$KIT" top -n 10 --min -N "$tmp/numbers.txt"
  OUT=1 timed sort-head sort_head "$tmp/numbers.txt"
done
row "LC_ALL=C sort -n | head -n 10" "$(med_ms sort-head)"
row "kit top -n 10 --min -N" "$(med_ms kit-top)" "$(med_ms sort-head)"
same kit-top sort-head
ratio=$(awk -v s="$(med_ms sort-head)" -v k="$(med_ms kit-top)" 'BEGIN {printf "%.1f", s / k}')
target ">= 5x (${ratio}x)" "$(awk -v r="$ratio" 'BEGIN {print (r >= 5) ? 1 : 0}')"
for label in "${!failed[@]}"; do echo "note: $label exited non-zero at least once"; done
