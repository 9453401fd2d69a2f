#!/usr/bin/env bash
# kit inspect beside pngcheck and the tutorial's Python parser (extended to walk every chunk
# and check its CRC, as kit does), over the same PNGs in one run, alternating:
#   every PNG under /usr/share/icons (or, on a machine without icons, 3000 generated ones),
#   `kit inspect --chunks FILES` vs `pngcheck -v FILES` vs python3.
# pngcheck -v also inflates IDAT, which kit does not (its CRCs tell a damaged file).
# usage: KIT=build/release/kit RUNS=5 bench/compare/inspect.sh
set -euo pipefail
KIT=${KIT:-build/release/kit}
RUNS=${RUNS:-5}
PY=${PYTHON:-python3}
source "$(dirname "$0")/../lib/compare.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mapfile -t pngs < <(find /usr/share/icons -name '*.png' -type f 2>/dev/null | sort)
if [ ${#pngs[@]} -lt 100 ]; then
  "$PY" - "$tmp" <<'PYEOF'
import random, struct, sys, zlib
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
rng = random.Random(1)
for i in range(3000):
    w, h = rng.choice([16, 22, 24, 32, 48, 64, 128, 256]), rng.choice([16, 32, 64, 128])
    raw = b"".join(b"\0" + rng.randbytes(w * 4) for _ in range(h))
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
            + chunk(b"tEXt", b"Software\0bench") + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    open(f"{sys.argv[1]}/{i}.png", "wb").write(data)
PYEOF
  mapfile -t pngs < <(find "$tmp" -name '*.png' | sort)
fi
bytes=$(cat "${pngs[@]}" | wc -c)

py_walk='import struct, sys, zlib
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        print(f"{path}: not a PNG"); continue
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        crc, = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        ok = zlib.crc32(data[pos + 4:pos + 8 + length]) == crc
        verdict = "ok" if ok else "BAD"
        print(f"{kind.decode()}  offset {pos:>10}  length {length:>10}  CRC {verdict}")
        pos += 12 + length
        if kind == b"IEND": break'

declare -A times
for ((i = 0; i < RUNS; i++)); do
  for tool in kit pngcheck python3; do
    t0=${EPOCHREALTIME/./}
    case $tool in
      kit) "$KIT" inspect --chunks "${pngs[@]}" >/dev/null 2>&1 || true ;;
      pngcheck) pngcheck -v "${pngs[@]}" >/dev/null 2>&1 || true ;;
      python3) "$PY" -c "$py_walk" "${pngs[@]}" >/dev/null ;;
    esac
    t1=${EPOCHREALTIME/./}
    times[$tool]+="$((10#$t1 - 10#$t0)) "
  done
done
k=$(printf '%s\n' ${times[kit]} | median)
echo "inspect --chunks: ${#pngs[@]} PNGs, $((bytes / 1024)) KiB, median of $RUNS runs"
for tool in kit pngcheck python3; do
  t=$(printf '%s\n' ${times[$tool]} | median)
  awk -v n="$tool" -v t="$t" -v k="$k" \
    'BEGIN {printf "  %-10s %9.1f ms   %6.1fx kit'"'"'s time\n", n, t/1000, t/k}'
done
