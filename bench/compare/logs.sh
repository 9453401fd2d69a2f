#!/usr/bin/env bash
# kit logs beside the tutorial's Python parser (LogEvent with __slots__, a list of objects,
# counting the slow ones; its parse made to follow the spec: line.split(), levels by name,
# the last token a duration only when it is a number with an optional ms/s/us unit) and the
# native line counters, on the same generated file, in one run, alternating:
#   1,000,000 seed-format lines (~60 MB, fixed seed, columns padded with runs of spaces):
#     kit logs --slow 100 FILE  vs  python3 (same text)  vs  grep -c ERROR  vs  awk '$3=="ERROR"' | wc -l
#     kit logs --stats FILE     vs  python3 computing the same per-service/per-level stats
#       (exact sorted quantiles; kit keeps a log-bucket sketch, so the tables differ in format)
#   peak memory (max RSS, /usr/bin/time -f %M) of kit and python3 on the 1M file;
#   10,000,000 lines (the 1M file 10 times): kit logs --stats time and peak memory, which
#     must stay about what it is for 1M lines (kit streams; the tutorial keeps every event).
# Prints medians (RUNS), python/kit ratios, MB/s and the cores kit kept busy ((user+sys)/wall).
# A kit that fails a row prints "kit: failed" there and the script carries on.
# usage: KIT=build/release/kit RUNS=3 bench/compare/logs.sh
set -euo pipefail
KIT=$(realpath -m "${KIT:-build/release/kit}")
RUNS=${RUNS:-3}
PY=${PYTHON:-python3}
source "$(dirname "$0")/../lib/compare.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$PY" - "$tmp/1m.log" <<'PYEOF'
import random, sys
rng = random.Random(1)
services = ["auth", "db", "api", "cache", "queue", "payments", "search", "web"]
levels = ["INFO"] * 12 + ["DEBUG"] * 3 + ["WARNING", "WARNING", "ERROR", "ERROR", "CRITICAL", "WARN"]
messages = ["User logged in", "Query timeout", "Request OK", "Cache miss", "Login failed",
            "Order created", "Payment declined", "Index rebuilt", "Session expired", "Retrying",
            "Connection reset by peer", "Slow query on orders", "GET /api/v1/users", "Job done"]
out = []
for i in range(1_000_000):
    t = i * 50  # ms since 2024-01-15 00:00:00, one line every 50 ms
    s, ms = divmod(t, 1000)
    ts = f"2024-01-15 {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
    if i % 2:
        ts += f".{ms:03d}"
    d = rng.lognormvariate(3, 1.5)
    k = rng.random()
    dur = ("" if k < 0.1 else f" {d:.1f}" if k < 0.55 else f" {d:.1f}ms" if k < 0.9
           else f" {d / 1000:.3f}s" if k < 0.97 else f" {d * 1000:.0f}us")
    out.append(f"{ts} {rng.choice(levels):<8} {rng.choice(services):<9} {rng.choice(messages)}{dur}\n")
open(sys.argv[1], "w").write("".join(out))
PYEOF
file=$tmp/1m.log
mb=$(awk -v b="$(stat -c %s "$file")" 'BEGIN {printf "%.1f", b / 1e6}')

# The tutorial's parser; argv: FILE slow THRESHOLD | FILE stats THRESHOLD.
py_logs='import re, sys
from datetime import datetime

LEVELS = {"DEBUG": "DEBUG", "INFO": "INFO", "WARNING": "WARNING", "WARN": "WARNING",
          "ERROR": "ERROR", "CRITICAL": "CRITICAL", "FATAL": "CRITICAL"}
DURATION = re.compile(r"(\d+(?:\.\d+)?|\.\d+)(ms|s|us)?")


class LogEvent:
    __slots__ = ("timestamp", "level", "service", "message", "duration_ms")

    def __init__(self, timestamp, level, service, message, duration_ms=None):
        self.timestamp = timestamp
        self.level = level
        self.service = service
        self.message = message
        self.duration_ms = duration_ms

    @classmethod
    def parse(cls, line):
        parts = line.split()
        if parts and "T" in parts[0]:
            date, _, time = parts[0].partition("T")
            rest = parts[1:]
        elif len(parts) >= 2:
            date, time, rest = parts[0], parts[1], parts[2:]
        else:
            return None
        if len(rest) < 2:
            return None
        try:
            ts = datetime.fromisoformat(f"{date} {time}")
        except ValueError:
            return None
        level = LEVELS.get(rest[0].upper())
        if level is None:
            return None
        words, duration = rest[2:], None
        m = DURATION.fullmatch(words[-1]) if words else None
        if m:
            x, unit = float(m[1]), m[2]
            duration = x * 1000 if unit == "s" else x / 1000 if unit == "us" else x
            words = words[:-1]
        return cls(ts, level, rest[1], " ".join(words), duration)

    def is_slow(self, threshold_ms=500.0):
        return self.duration_ms is not None and self.duration_ms > threshold_ms

    def __repr__(self):
        d = f" ({self.duration_ms:.1f}ms)" if self.duration_ms is not None else ""
        return f"[{self.level}] {self.service}: {self.message}{d}"


path, mode, threshold = sys.argv[1], sys.argv[2], float(sys.argv[3])
events = []
with open(path, encoding="utf-8", errors="replace") as f:
    for line in f:
        e = LogEvent.parse(line)
        if e is not None:
            events.append(e)
slow = sum(1 for e in events if e.is_slow(threshold))
if mode == "slow":
    out = [f"Parsed {len(events)} events"]
    for e in events:
        out.append(f"  {e!r} *** SLOW" if e.is_slow(threshold) else f"  {e!r}")
    out.append(f"\nSlow events: {slow}\n")
    sys.stdout.write("\n".join(out))
else:
    groups = {}
    for e in events:
        groups.setdefault(("service", e.service), []).append(e)
        groups.setdefault(("level", e.level), []).append(e)
    order = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
    keys = sorted(k for k in groups if k[0] == "service") + sorted(
        (k for k in groups if k[0] == "level"), key=lambda k: order.index(k[1]))
    def cell(x):
        return "%10.1f" % x if x is not None else "%10s" % "-"
    print("%-8s %-12s %9s %8s %10s %10s %10s %10s" % (
        "group", "name", "count", "errors", "p50_ms", "p95_ms", "p99_ms", "max_ms"))
    for k in keys:
        evs = groups[k]
        d = sorted(e.duration_ms for e in evs if e.duration_ms is not None)
        q = [d[(p * len(d) + 99) // 100 - 1] if d else None for p in (50, 95, 99)]
        errors = sum(e.level in ("ERROR", "CRITICAL") for e in evs)
        print("%-8s %-12s %9d %8d %s" % (k[0], k[1], len(evs), errors,
                                        " ".join(map(cell, q + [d[-1] if d else None]))))
    print(f"\nParsed {len(events)} events, slow {slow}")'

awk_count() { awk '$3=="ERROR"' "$1" | wc -l; }

declare -A times failed
# timed LABEL CMD...: runs CMD once, stdout to /dev/null, and adds its wall time (us) to LABEL.
timed() {
  local label=$1 t0 t1 rc=0
  shift
  t0=${EPOCHREALTIME/./}
  "$@" >/dev/null 2>&1 || rc=$?
  t1=${EPOCHREALTIME/./}
  ((rc == 0)) || failed[$label]=1
  times[$label]+="$((10#$t1 - 10#$t0)) "
}
# shellcheck disable=SC2086  # the list of times splits into words on purpose
med_ms() { printf '%s\n' ${times[$1]} | median | awk '{printf "%.1f", $1 / 1000}'; }

# row LABEL NAME [MB]: the median, and python/kit or the kit ratio; "kit: failed" for kit rows.
row() {
  local label=$1 name=$2 size=${3:-} kit_label=${4:-}
  if [ -n "${failed[$label]:-}" ]; then
    printf '  %-42s kit: failed\n' "$name"
    return
  fi
  local t k=""
  t=$(med_ms "$label")
  [ -n "$kit_label" ] && [ -z "${failed[$kit_label]:-}" ] && k=$(med_ms "$kit_label")
  awk -v n="$name" -v t="$t" -v k="$k" -v mb="$size" 'BEGIN {
    printf "  %-42s %10.1f ms", n, t
    if (mb != "") printf "  %7.1f MB/s", mb / (t / 1000); else printf "  %12s", ""
    if (k != "") printf (t >= k ? "   kit is %6.2fx faster" : "   kit is %6.2fx slower"), (t >= k ? t / k : k / t)
    printf "\n" }'
}

# peak LABEL CMD...: max RSS (KB), wall and CPU seconds of one run, into peak_kb, wall_s, cpu_s.
declare -A peak_kb wall_s cpu_s
peak() {
  local label=$1 out=$tmp/time.out
  shift
  if [ -x /usr/bin/time ]; then
    if ! /usr/bin/time -f '%M %e %U %S' -o "$out" "$@" >/dev/null 2>&1; then failed[$label]=1; return; fi
  else
    if ! "$PY" -c 'import resource, subprocess, sys, time
t = time.time(); r = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
u = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write(f"{u.ru_maxrss} {time.time() - t} {u.ru_utime} {u.ru_stime}\n")
sys.exit(r.returncode)' "$out" "$@"; then failed[$label]=1; return; fi
  fi
  local u s
  read -r "peak_kb[$label]" "wall_s[$label]" u s < <(tail -1 "$out")
  cpu_s[$label]=$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')
}
mem_row() {  # mem_row LABEL NAME
  if [ -n "${failed[$1]:-}" ]; then printf '  %-42s kit: failed\n' "$2"; return; fi
  awk -v n="$2" -v kb="${peak_kb[$1]}" -v w="${wall_s[$1]}" -v c="${cpu_s[$1]}" \
    'BEGIN {printf "  %-42s %8.1f MB peak   %6.2f s wall   %.2f cores busy\n", n, kb / 1024, w, (w > 0 ? c / w : 0)}'
}

echo "logs: median of $RUNS runs, $(nproc) cores, $("$PY" --version), kit $KIT"
echo "input: 1,000,000 seed-format lines, $mb MB"

# Same bytes? (Informational: a difference is printed, the timing goes on.)
if "$KIT" logs --slow 100 "$file" >"$tmp/kit.txt" 2>/dev/null; then
  "$PY" -c "$py_logs" "$file" slow 100 >"$tmp/py.txt"
  if cmp -s "$tmp/kit.txt" "$tmp/py.txt"; then
    echo "check: kit logs --slow 100 and the Python parser print the same bytes"
  else
    echo "check: outputs DIFFER ($(wc -l <"$tmp/kit.txt") vs $(wc -l <"$tmp/py.txt") lines); first:"
    diff "$tmp/kit.txt" "$tmp/py.txt" | head -4 | sed 's/^/    /'
  fi
else
  echo "check: kit logs --slow 100 failed"
fi
echo "check: grep -c ERROR = $(grep -c ERROR "$file"), awk \$3==\"ERROR\" = $(awk_count "$file")"
cat "$file" >/dev/null  # in the page cache for every tool alike

for ((i = 0; i < RUNS; i++)); do
  timed kit-slow "$KIT" logs --slow 100 "$file"
  timed py-slow "$PY" -c "$py_logs" "$file" slow 100
  timed grep grep -c ERROR "$file"
  timed awk awk_count "$file"
done
for ((i = 0; i < RUNS; i++)); do
  timed kit-stats "$KIT" logs --stats "$file"
  timed py-stats "$PY" -c "$py_logs" "$file" stats 500
done

echo
echo "1M lines, --slow 100, text to /dev/null          median         speed"
row kit-slow "kit logs --slow 100" "$mb"
row py-slow "python3 (tutorial parser)" "$mb" kit-slow
row grep "grep -c ERROR (counts only)" "$mb" kit-slow
row awk "awk '\$3==\"ERROR\"' | wc -l (counts only)" "$mb" kit-slow
echo "1M lines, --stats"
row kit-stats "kit logs --stats" "$mb"
row py-stats "python3 (same stats, exact quantiles)" "$mb" kit-stats

peak kit-slow-mem "$KIT" logs --slow 100 "$file"
peak kit-stats-mem "$KIT" logs --stats "$file"
peak py-slow-mem "$PY" -c "$py_logs" "$file" slow 100
peak py-stats-mem "$PY" -c "$py_logs" "$file" stats 500

for ((i = 0; i < 10; i++)); do cat "$file"; done >"$tmp/10m.log"
big_mb=$(awk -v b="$(stat -c %s "$tmp/10m.log")" 'BEGIN {printf "%.1f", b / 1e6}')
cat "$tmp/10m.log" >/dev/null
for ((i = 0; i < RUNS; i++)); do
  timed kit-stats-10m "$KIT" logs --stats "$tmp/10m.log"
done
peak kit-stats-10m-mem "$KIT" logs --stats "$tmp/10m.log"
echo "10M lines ($big_mb MB), --stats"
row kit-stats-10m "kit logs --stats" "$big_mb"

echo
echo "peak memory (one run each; cores busy = (user+sys)/wall)"
mem_row kit-slow-mem "kit logs --slow 100, 1M lines"
mem_row py-slow-mem "python3 --slow 100, 1M lines"
mem_row kit-stats-mem "kit logs --stats, 1M lines"
mem_row py-stats-mem "python3 --stats, 1M lines"
mem_row kit-stats-10m-mem "kit logs --stats, 10M lines"
if [ -z "${failed[kit-stats-mem]:-}" ] && [ -z "${failed[kit-stats-10m-mem]:-}" ]; then
  awk -v a="${peak_kb[kit-stats-mem]}" -v b="${peak_kb[kit-stats-10m-mem]}" \
    -v w="${wall_s[kit-stats-10m-mem]}" -v c="${cpu_s[kit-stats-10m-mem]}" -v mb="$big_mb" 'BEGIN {
    cores = (w > 0 ? c / w : 1); if (cores < 1) cores = 1
    printf "  --stats memory 10M/1M: %.2fx (%s)\n", b / a, (b / a < 1.5 ? "flat" : "NOT flat")
    printf "  --stats on 10M lines: %.0f MB/s on %.2f busy cores = %.0f MB/s per core\n",
      mb / w, cores, mb / w / cores }'
fi
