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

source "$(dirname "$0")/../lib/compare.sh"

echo "cal: median of $RUNS runs, $(nproc) cores, $("$PY" --version)"
bench_case "text formatyear 1-9999" "cal -n 9999 1" "$py_text"
bench_case "html formatyear 1-2000 (one page)" "cal -t html -n 2000 1" "$py_html"
