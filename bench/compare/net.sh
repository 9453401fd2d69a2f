#!/usr/bin/env bash
# kit scan beside nmap and the tutorial's port_scanner.py (tests/diff/reference/
# seed_port_scanner.py: the seed's code, target and range from argv, 200 workers), in one run,
# alternating, on the same listeners:
#   1. ports 1-65535 on 127.0.0.1 with 10 listeners (a helper process accepts and closes what
#      connects, so no accept queue fills): kit scan -p-  vs  nmap -sT -n -Pn -T4 -p-  vs  the
#      seed. The open sets must be the same (our 10 ports among them); medians and ranges of
#      RUNS runs, ratios nmap/kit and seed/kit.
#   2. 10,000 ports dropped by nftables in a network namespace (unshare -rn, lo up, `tcp dport
#      20000-29999 drop`), --timeout 1s --retries 0: kit with -c 10000 (all in flight at once)
#      and with its default concurrency (1000) vs the seed (1 s timeout, 200 workers: ~50 s).
#      Skipped with a message when unshare -rn or nft is not available.
#   3. bench/net/echo.sh (kit echo's benchmark), when it exists.
# usage: KIT=build/release/kit RUNS=3 bench/compare/net.sh
set -euo pipefail
KIT=$(realpath -m "${KIT:-build/release/kit}")
RUNS=${RUNS:-3}
PY=${PYTHON:-python3}
here=$(cd "$(dirname "$0")" && pwd)
SEED=$here/../../tests/diff/reference/seed_port_scanner.py
source "$here/../lib/compare.sh"
tmp=$(mktemp -d)
holder=
cleanup() {
  [ -n "$holder" ] && kill "$holder" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

stats() {  # stats NAME MICROSECONDS...: median and range in seconds
  local name=$1
  shift
  local m lo hi
  m=$(printf '%s\n' "$@" | median)
  lo=$(printf '%s\n' "$@" | sort -n | head -1)
  hi=$(printf '%s\n' "$@" | sort -n | tail -1)
  awk -v n="$name" -v m="$m" -v lo="$lo" -v hi="$hi" \
    'BEGIN {printf "  %-44s median %7.2f s  (%.2f-%.2f)\n", n, m/1e6, lo/1e6, hi/1e6}'
  echo "$m" > "$tmp/median.$name"
}
ratio() { awk -v a="$(cat "$tmp/median.$1")" -v b="$(cat "$tmp/median.$2")" \
  'BEGIN {printf "%.1f", a/b}'; }

# --- 1. 1-65535 on 127.0.0.1, 10 open ports --------------------------------------------------
"$PY" - "$tmp/ports" <<'PYEOF' &
import select, socket, sys
socks = []
for _ in range(10):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(4096)
    s.setblocking(False)
    socks.append(s)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(" ".join(str(s.getsockname()[1]) for s in socks) + "\n")
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    for s in select.select(socks, [], [])[0]:
        try:
            s.accept()[0].close()
        except OSError:
            pass
PYEOF
holder=$!
for _ in $(seq 100); do [ -s "$tmp/ports" ] && break; "$PY" -c 'import time; time.sleep(0.05)'; done
ours=$(tr ' ' '\n' < "$tmp/ports" | sort -n | tr '\n' ' ')
echo "kit scan -p- on 127.0.0.1; our listeners: $ours"
echo "$(nproc) cores, $(uname -r), kit $("$KIT" --version 2>/dev/null | head -1)"

kit_open() { "$KIT" scan 127.0.0.1 -p- --list | awk '{print $2}' | sort -n | tr '\n' ' '; }
nmap_open() {
  nmap -sT -n -Pn -T4 -p- 127.0.0.1 -oG - | tr ',' '\n' | grep -o '[0-9]*/open' |
    cut -d/ -f1 | sort -n | tr '\n' ' '
}
seed_open() { "$PY" "$SEED" 127.0.0.1 1 65535 | awk '/^  Port/ {print $2}' | sort -n | tr '\n' ' '; }

kt=() nt=() st=()
for ((i = 0; i < RUNS; i++)); do
  t0=${EPOCHREALTIME/./}; k=$(kit_open); t1=${EPOCHREALTIME/./}
  n=$(nmap_open); t2=${EPOCHREALTIME/./}
  s=$(seed_open); t3=${EPOCHREALTIME/./}
  kt+=($((10#$t1 - 10#$t0))); nt+=($((10#$t2 - 10#$t1))); st+=($((10#$t3 - 10#$t2)))
  for p in $ours; do
    case " $k " in *" $p "*) ;; *) echo "net.sh: kit missed our port $p (found: $k)" >&2; exit 1 ;; esac
  done
  [ "$k" = "$n" ] || echo "  run $((i + 1)): open sets differ: kit [$k] nmap [$n]" >&2
  [ "$k" = "$s" ] || echo "  run $((i + 1)): open sets differ: kit [$k] seed [$s]" >&2
done
echo "  open set (run $RUNS): kit [$k] nmap [$n] seed [$s]"
stats kit "${kt[@]}"
stats nmap "${nt[@]}"
stats seed "${st[@]}"
echo "  kit is $(ratio nmap kit)x faster than nmap -sT -T4, $(ratio seed kit)x faster than the seed"
kill "$holder" 2>/dev/null || true
holder=

# --- 2. 10,000 dropped ports in a network namespace ---------------------------------------
echo
echo "10,000 dropped ports (netns, nft drop), --timeout 1s --retries 0"
if ! command -v nft >/dev/null || ! unshare -rn true 2>/dev/null; then
  echo "  skipped: needs unshare -rn and nft"
else
  cat > "$tmp/drop.sh" <<'EOF'
set -euo pipefail
ip link set lo up
nft add table inet bench
nft add chain inet bench input '{ type filter hook input priority 0; policy accept; }'
nft add rule inet bench input tcp dport 20000-29999 drop
t0=${EPOCHREALTIME/./}
"$KIT" scan 127.0.0.1 -p 20000-29999 --timeout 1s --retries 0 -c 10000 --json | tail -1 > "$TMPD/kit.json"
t1=${EPOCHREALTIME/./}
"$KIT" scan 127.0.0.1 -p 20000-29999 --timeout 1s --retries 0 --json | tail -1 > "$TMPD/kitdef.json"
t2=${EPOCHREALTIME/./}
"$PY" "$SEED" 127.0.0.1 20000 29999 > "$TMPD/seed.txt"
t3=${EPOCHREALTIME/./}
echo "$((10#$t1 - 10#$t0)) $((10#$t2 - 10#$t1)) $((10#$t3 - 10#$t2))"
EOF
  read -r k kd s < <(KIT="$KIT" PY="$PY" SEED="$SEED" TMPD="$tmp" unshare -rn bash "$tmp/drop.sh")
  echo "  kit summary: $(cat "$tmp/kit.json")"
  echo "  seed: $(cat "$tmp/seed.txt")"
  stats kit-c10000 "$k"
  stats kit-default "$kd"
  stats seed-drop "$s"
  echo "  kit -c 10000 is $(ratio seed-drop kit-c10000)x faster than the seed;" \
    "kit at its default -c 1000 $(ratio seed-drop kit-default)x"
fi

# --- 3. the echo servers' benchmark (net-echo) ----------------------------------------------
if [ -x "$here/../net/echo.sh" ] || [ -f "$here/../net/echo.sh" ]; then
  echo
  KIT="$KIT" bash "$here/../net/echo.sh"
fi
