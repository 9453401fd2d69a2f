#!/usr/bin/env bash
# kit cal beside CPython's calendar module, on the same work, in one run, alternating:
#   text:  formatyear for every year 1-9999    (kit cal -n 9999 1)
#   html:  formatyear for every year 1-2000, as one XHTML page (kit cal -t html -n 2000 1)
# Both sides write the same bytes (checked with cmp first) to /dev/null. Prints medians and the
# ratio python/kit. usage: KIT=build/release/kit RUNS=5 bench/compare/cal.sh
set -euo pipefail
KIT=${KIT:-build/release/kit}
RUNS=${RUNS:-5}
PY=${PYTHON:-python3}

py_text='import calendar, sys
c = calendar.TextCalendar()
sys.stdout.write("\n".join(c.formatyear(y) for y in range(1, 10000)))'
py_html='import calendar, sys
c = calendar.HTMLCalendar()
page = c.formatyearpage(1).decode()
body = "\n".join(c.formatyear(y) for y in range(1, 2001))
page = page.replace(c.formatyear(1), body).replace("Calendar for 1<", "Calendar for 1-2000<")
sys.stdout.write(page)'

# Times come from $EPOCHREALTIME (bash 5): reading the clock starts no process.
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

bench_case() {
  local name=$1 kit_args=$2 py_code=$3
  if ! cmp -s <("$KIT" $kit_args) <("$PY" -c "$py_code"); then
    echo "cal.sh: $name: kit and python outputs differ" >&2
    exit 1
  fi
  local kit_times=() py_times=()
  for ((i = 0; i < RUNS; i++)); do
    local t0 t1 t2
    t0=${EPOCHREALTIME/./}; "$KIT" $kit_args >/dev/null; t1=${EPOCHREALTIME/./}
    "$PY" -c "$py_code" >/dev/null; t2=${EPOCHREALTIME/./}
    kit_times+=($((10#$t1 - 10#$t0))); py_times+=($((10#$t2 - 10#$t1)))
  done
  local k p
  k=$(printf '%s\n' "${kit_times[@]}" | median)
  p=$(printf '%s\n' "${py_times[@]}" | median)
  awk -v n="$name" -v k="$k" -v p="$p" \
    'BEGIN {printf "%-34s kit %9.1f ms   python3 %9.1f ms   kit is %6.1fx faster\n", n, k/1000, p/1000, p/k}'
}

echo "cal: median of $RUNS runs, $(nproc) cores, $("$PY" --version)"
bench_case "text formatyear 1-9999" "cal -n 9999 1" "$py_text"
bench_case "html formatyear 1-2000 (one page)" "cal -t html -n 2000 1" "$py_html"
