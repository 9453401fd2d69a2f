#!/usr/bin/env bash
# kit serve beside the seed's Task Manager API (tests/diff/serve_seed_app.py: the tutorial's
# tasks_api.py, unchanged) on Debian's uvicorn 0.17.6 + starlette 0.26.1 with --workers 2, in one
# run, alternating, access logs off on both sides, both holding the same 100 tasks (the seed's
# workers each get them at import through a wrapper module; kit gets them by POST):
#   1. GET /tasks: wrk -t2 -c64 -d10s, RUNS rounds alternating kit / seed; medians and ranges of
#      req/s and p99, and the ratio kit/seed per round (median, range). Both bodies must be the
#      same bytes first.
#   2. POST /tasks (wrk with a Lua body): kit's POST commits to SQLite before its 201 (durable);
#      the seed's writes a dict in one worker's memory. Same rounds, same ratios.
#   3. 10,000 idle keep-alive connections to a fresh kit serve (100 tasks): each sends one
#      request and reads its response, then stays open; kit's RSS before and with them (the
#      server closes idle connections after 5 s: the count still open at the reading is shown).
#   4. tests/e2e/serve_robustness.py on this binary with -c64 for 10 s: wrk load plus a
#      malformed-request flood and slowloris clients, no 5xx, RSS bounded.
# The seed runs on uvloop and httptools when they import (the line `seed:` says which).
# usage: KIT=build/release/kit RUNS=3 bench/compare/serve.sh
set -euo pipefail
KIT=$(realpath -m "${KIT:-build/release/kit}")
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
# Debian's interpreter: starlette, uvicorn, uvloop and httptools are installed for it (a pyenv
# `python3` on PATH has none of them).
PY=${PYTHON:-/usr/bin/python3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
# 10,000 connections: both kit and the client hold one descriptor each.
ulimit -n "$(ulimit -Hn)"

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# kit_start DB: starts kit serve, waits for its `Listening on` line; sets kit_pid and kit_port.
kit_start() {
  : > "$tmp/kit.out"
  "$KIT" serve -p 0 --db "$1" --access-log off > "$tmp/kit.out" 2> "$tmp/kit.err" &
  kit_pid=$!
  pids+=("$kit_pid")
  local line=
  for _ in $(seq 400); do
    line=$(head -1 "$tmp/kit.out")
    [ -n "$line" ] && break
    kill -0 "$kit_pid" 2>/dev/null || break
    sleep 0.05
  done
  if [[ ! $line =~ ^Listening\ on\ http://127\.0\.0\.1:([0-9]+)$ ]]; then
    echo "serve.sh: kit serve did not start: ${line:-no output}; $(cat "$tmp/kit.err")" >&2
    exit 1
  fi
  kit_port=${BASH_REMATCH[1]}
}
kit_stop() {
  kill -TERM "$kit_pid"
  local code=0
  wait "$kit_pid" || code=$?
  [ "$code" = 0 ] || echo "serve.sh: kit serve exited $code after SIGTERM" >&2
}
preload() {  # preload PORT: POSTs the 100 tasks the seed's workers hold
  "$PY" - "$1" <<'PYEOF'
import http.client, json, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=30)
for i in range(1, 101):
    c.request("POST", "/tasks", body=json.dumps({"title": f"task {i}"}),
              headers={"Content-Type": "application/json"})
    r = c.getresponse()
    r.read()
    assert r.status == 201, r.status
PYEOF
}

# The seed: uvicorn with 2 workers, each importing the seed app with the 100 tasks in its dict.
cat > "$tmp/seed_preloaded.py" <<'PYEOF'
# The seed app unchanged, with the benchmark's 100 tasks put in its dict (each worker imports it).
import serve_seed_app as seed
from serve_seed_app import app  # noqa: F401

for i in range(1, 101):
    seed.tasks[i] = {"id": i, "title": f"task {i}", "status": "pending"}
seed._next_id = 101
PYEOF
loop=asyncio
httpimpl=h11
"$PY" -c 'import uvloop' 2>/dev/null && loop=uvloop
"$PY" -c 'import httptools' 2>/dev/null && httpimpl=httptools
seed_port=$(free_port)
PYTHONPATH="$here/../../tests/diff" "$PY" -m uvicorn seed_preloaded:app --app-dir "$tmp" --host 127.0.0.1 \
  --port "$seed_port" --workers 2 --no-access-log --log-level warning --loop "$loop" \
  --http "$httpimpl" > "$tmp/seed.log" 2>&1 &
pids+=($!)
for _ in $(seq 400); do
  curl -fs -o /dev/null "http://127.0.0.1:$seed_port/tasks" && break
  sleep 0.05
done

kit_start "$tmp/kit.db"
preload "$kit_port"

echo "$(nproc) cores, $(uname -r), $("$KIT" --version 2>/dev/null | head -1)"
echo "seed: tasks_api.py on uvicorn $("$PY" -c 'import uvicorn; print(uvicorn.__version__)')" \
  "+ starlette $("$PY" -c 'import starlette; print(starlette.__version__)')," \
  "$("$PY" --version), --workers 2, --loop $loop --http $httpimpl, no access log"
echo "kit:  kit serve --db (SQLite WAL, in $tmp) --access-log off, default --threads"

kit_body=$(curl -fs "http://127.0.0.1:$kit_port/tasks")
seed_body=$(curl -fs "http://127.0.0.1:$seed_port/tasks")
if [ "$kit_body" != "$seed_body" ]; then
  echo "serve.sh: GET /tasks bodies differ: kit ${#kit_body} bytes, seed ${#seed_body} bytes" >&2
  exit 1
fi
echo "GET /tasks: the same ${#kit_body} bytes from both"

# run_wrk URL [wrk args]: "req/s p99_ms non2xx socket_errors" of one run.
run_wrk() {
  local url=$1
  shift
  wrk -t2 -c64 -d"$DURATION" --latency "$@" "$url" | awk '
    function ms(v) {
      if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0;
      if (v ~ /m$/) return v * 60000; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec:/ {rps = $2}
    $1 == "99%" {p99 = ms($2)}
    /Non-2xx or 3xx responses:/ {non2xx = $5}
    /Socket errors:/ {gsub(",", ""); errs = $4 + $6 + $8 + $10}
    END {printf "%s %s %d %d\n", rps, p99, non2xx, errs}'
}
stat_line() {  # stat_line LABEL UNIT VALUES...: median (min-max)
  local label=$1 unit=$2
  shift 2
  printf '%s\n' "$@" | sort -g | awk -v l="$label" -v u="$unit" '{a[NR] = $1}
    END {m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
         printf "  %-34s median %10.2f %s  (%.2f-%.2f)\n", l, m, u, a[1], a[NR]}'
}
# compare NAME PATH [wrk args]: RUNS rounds, kit then seed, and the ratios.
compare() {
  local name=$1 path=$2
  shift 2
  local kr=() kp=() sr=() sp=() rr=() pr=() i k s bad=0
  wrk -t2 -c64 -d2s "$@" "http://127.0.0.1:$kit_port$path" > /dev/null  # warm-up, not counted
  wrk -t2 -c64 -d2s "$@" "http://127.0.0.1:$seed_port$path" > /dev/null
  for ((i = 0; i < RUNS; i++)); do
    read -ra k < <(run_wrk "http://127.0.0.1:$kit_port$path" "$@")
    read -ra s < <(run_wrk "http://127.0.0.1:$seed_port$path" "$@")
    kr+=("${k[0]}"); kp+=("${k[1]}"); sr+=("${s[0]}"); sp+=("${s[1]}")
    rr+=("$(awk -v a="${k[0]}" -v b="${s[0]}" 'BEGIN {print a / b}')")
    pr+=("$(awk -v a="${s[1]}" -v b="${k[1]}" 'BEGIN {print a / b}')")
    if [ "${k[2]}${k[3]}${s[2]}${s[3]}" != 0000 ]; then
      echo "  round $((i + 1)): non-2xx/socket errors: kit ${k[2]}/${k[3]}, seed ${s[2]}/${s[3]}"
      bad=1
    fi
  done
  echo "$name: wrk -t2 -c64 -d$DURATION, $RUNS rounds alternating"
  stat_line "kit serve req/s" "" "${kr[@]}"
  stat_line "seed req/s" "" "${sr[@]}"
  stat_line "kit serve p99" "ms" "${kp[@]}"
  stat_line "seed p99" "ms" "${sp[@]}"
  stat_line "req/s kit/seed" "x" "${rr[@]}"
  stat_line "p99 seed/kit (above 1: kit lower)" "x" "${pr[@]}"
  [ "$bad" = 0 ] && echo "  every response 2xx, no socket errors"
  return 0
}

echo
compare "GET /tasks (100 tasks)" /tasks
cat > "$tmp/post.lua" <<'EOF'
wrk.method = "POST"
wrk.body = '{"title":"a benchmark task"}'
wrk.headers["Content-Type"] = "application/json"
EOF
echo
compare "POST /tasks (kit: durable SQLite commit; seed: a dict in memory)" /tasks -s "$tmp/post.lua"
echo "  kit's DB after the POST rounds: $(du -sh "$tmp"/kit.db* | awk '{s = s " " $2 " " $1} END {print s}')"
kit_stop

# --- 3. 10,000 idle keep-alive connections ----------------------------------------------------
echo
N=${IDLE:-10000}
if [ "$(ulimit -n)" -lt $((N + 200)) ]; then
  echo "10,000 idle connections: skipped, ulimit -n is $(ulimit -n)"
else
  kit_start "$tmp/idle.db"
  preload "$kit_port"
  "$PY" - "$kit_port" "$kit_pid" "$N" <<'PYEOF'
import selectors, socket, sys, time
port, pid, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
before = rss()
req = b"GET /tasks/1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
sel = selectors.DefaultSelector()
socks, got, done = [], {}, 0
start = time.monotonic()
BATCH = 1000  # in flight at once: the listen backlog is not flooded
def finish_batch():
    global done
    while sel.get_map():
        for key, ev in sel.select(timeout=30):
            s = key.fileobj
            if ev & selectors.EVENT_WRITE:
                s.send(req)
                sel.modify(s, selectors.EVENT_READ)
                continue
            data = s.recv(4096)
            got[s] = got.get(s, b"") + data
            head, _, body = got[s].partition(b"\r\n\r\n")
            if not data or (b"\r\n\r\n" in got[s] and len(body) >= int(
                    [l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0])):
                if not got[s].startswith(b"HTTP/1.1 200"):
                    sys.exit(f"idle: a connection got {got[s][:80]!r}")
                sel.unregister(s)
                done += 1
for i in range(0, n, BATCH):
    for _ in range(min(BATCH, n - i)):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        socks.append(s)
        sel.register(s, selectors.EVENT_WRITE)
    finish_batch()
took = time.monotonic() - start
with_idle = rss()
sel = selectors.DefaultSelector()
for s in socks:
    sel.register(s, selectors.EVENT_READ)
closed = sum(1 for key, _ in sel.select(timeout=0) if key.fileobj.recv(1) == b"")
print(f"  {done} connections opened and served one GET each in {took:.1f}s; "
      f"{n - closed} still open at the reading")
print(f"  kit serve RSS: {before / 1024:.1f} MB before, {with_idle / 1024:.1f} MB with them "
      f"({(with_idle - before) / max(done, 1):.2f} kB a connection)")
PYEOF
  kit_stop
fi

# --- 4. under load plus a malformed-request flood ----------------------------------------------
echo
echo "wrk -c64 10 s plus a malformed-request flood and slowloris (tests/e2e/serve_robustness.py):"
"$PY" "$root/tests/e2e/serve_robustness.py" --kit "$KIT" --connections 64 --seconds 10 |
  grep -E '^(Requests/sec|  [0-9]+ requests|wrk:|RSS:|serve_robustness|FAIL|  +99%)' | cut -c1-300 | sed 's/^/  /'
