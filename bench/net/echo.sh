#!/usr/bin/env bash
# kit echo --upper beside the seed's threaded server (tcp_threaded_server.py) and an asyncio
# start_server echo speaking the same protocol ("Echo: LINE.upper()\n" per line), each loaded by
# bench/net/echo_load: CLIENTS connected at once x LINES lines, one line in flight per client,
# every reply checked byte for byte. Servers run one at a time, alternating, RUNS rounds; prints
# the median lines/s of each, their range, and the ratios. Then the RSS of kit echo holding
# IDLE idle connections. bench/compare/net.sh calls this.
# usage: KIT=build/release/kit LOAD=build/release/bench/echo_load RUNS=3 CLIENTS=1000 \
#        LINES=1000 IDLE=10000 bench/net/echo.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
KIT=$(realpath "${KIT:-build/release/kit}")
LOAD=$(realpath "${LOAD:-build/release/bench/echo_load}")
RUNS=${RUNS:-3}
CLIENTS=${CLIENTS:-1000}
LINES=${LINES:-1000}
IDLE=${IDLE:-10000}
PY=${PYTHON:-python3}
SEED="$here/../../tests/diff/reference/seed_echo"
tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"

cat > "$tmp/asyncio_echo.py" <<'PYEOF'
# The FAQ's "switch to asyncio.start_server": the threaded server's protocol, per line.
import asyncio, os, sys

async def handle(reader, writer):
    while line := await reader.readline():
        writer.write(f"Echo: {line.decode().strip().upper()}\n".encode())
        await writer.drain()
    writer.close()

async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", int(sys.argv[1]), backlog=4096)
    print(f"Listening on 127.0.0.1:{sys.argv[1]}", flush=True)
    async with server:
        await server.serve_forever()

asyncio.run(main())
PYEOF

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start NAME: starts server NAME on a free port, waits for its first line; sets $port.
start() {
  port=$(free_port)
  case $1 in
    kit) "$KIT" echo --upper --quiet -p "$port" > "$tmp/out" & ;;
    seed) ECHO_PORT=$port "$PY" "$SEED/tcp_threaded_server.py" > "$tmp/out" & ;;
    asyncio) "$PY" "$tmp/asyncio_echo.py" "$port" > "$tmp/out" & ;;
  esac
  server_pid=$!
  for _ in $(seq 200); do
    [[ -s $tmp/out ]] && return 0
    sleep 0.05
  done
  echo "echo.sh: $1 did not start" >&2
  exit 1
}
stop() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=; }

declare -A rates
for ((r = 0; r < RUNS; r++)); do
  for name in kit seed asyncio; do
    start "$name"
    if ! out=$("$LOAD" 127.0.0.1 "$port" "$CLIENTS" "$LINES" upper); then
      echo "echo.sh: $name: wrong replies: $out" >&2
      exit 1
    fi
    stop
    rate=${out##*lines_per_s=}
    rates[$name]+="$rate "
    echo "  round $((r + 1)) $name: $out"
  done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
range() { tr ' ' '\n' | grep . | sort -n | awk 'NR==1{lo=$1} {hi=$1} END {printf "%d-%d", lo, hi}'; }
k=$(median <<< "${rates[kit]}")
s=$(median <<< "${rates[seed]}")
a=$(median <<< "${rates[asyncio]}")
echo "echo, $CLIENTS clients x $LINES lines (median of $RUNS, lines/s):"
printf '  kit echo --upper          %9.0f  (%s)\n' "$k" "$(range <<< "${rates[kit]}")"
printf '  seed threaded server      %9.0f  (%s)\n' "$s" "$(range <<< "${rates[seed]}")"
printf '  asyncio start_server      %9.0f  (%s)\n' "$a" "$(range <<< "${rates[asyncio]}")"
awk -v k="$k" -v s="$s" -v a="$a" \
  'BEGIN {printf "  kit is %.1fx the seed, %.1fx asyncio\n", k/s, k/a}'

# Idle connections: kit echo's resident memory holding IDLE clients.
start kit
"$PY" - "$port" "$IDLE" "$server_pid" <<'PYEOF'
import socket, sys, time
port, count, pid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
before = rss()
conns = []
for i in range(count):
    for attempt in range(50):
        try:
            conns.append(socket.create_connection(("127.0.0.1", port), timeout=5))
            break
        except OSError:
            time.sleep(0.02)
# Every connection accepted: one round trip on the last proves the server is caught up.
conns[-1].sendall(b"ping\n")
conns[-1].recv(100)
time.sleep(0.5)
print(f"idle: kit echo holding {len(conns)} connections: RSS {rss() / 1024:.1f} MB "
      f"(was {before / 1024:.1f} MB with none)")
PYEOF
stop
