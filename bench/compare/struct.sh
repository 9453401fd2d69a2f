#!/usr/bin/env bash
# kit struct beside CPython's struct module, on the same records, in one run, alternating:
#   pack:    1,000,000 `<IHff` records from CSV to binary   (kit struct pack --csv)
#   unpack:  the same 1,000,000 records to CSV             (kit struct unpack --file --csv)
#   stream:  a 100 MB file of `<IHff` records to CSV        (iter_unpack; 7.5 million records)
# Both sides write the same bytes (checked with cmp first). Prints medians and python/kit.
# usage: KIT=build/release/kit RUNS=3 bench/compare/struct.sh
set -euo pipefail
KIT=${KIT:-build/release/kit}
RUNS=${RUNS:-3}
PY=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$PY" - "$tmp" <<'PYEOF'
import random, struct, sys
d = sys.argv[1]
rng = random.Random(1)
s = struct.Struct('<IHff')
rows = [(rng.randrange(2**32), rng.randrange(2**16),
         struct.unpack('<f', struct.pack('<f', rng.uniform(-50, 50)))[0],
         struct.unpack('<f', struct.pack('<f', rng.uniform(0, 100)))[0]) for _ in range(1_000_000)]
with open(f'{d}/records.csv', 'w') as f:
    f.writelines(f'{a},{b},{c!r},{e!r}\n' for a, b, c, e in rows)
data = b''.join(s.pack(*r) for r in rows)
open(f'{d}/records.bin', 'wb').write(data)
big = data * (100_000_000 // len(data) + 1)
open(f'{d}/big.bin', 'wb').write(big[:100_000_000 // 14 * 14])
PYEOF

py_pack='import csv, struct, sys
s = struct.Struct("<IHff")
out = bytearray()
for a, b, c, d in csv.reader(open(sys.argv[1])):
    out += s.pack(int(a), int(b), float(c), float(d))
sys.stdout.buffer.write(out)'
py_unpack='import csv, struct, sys
w = csv.writer(sys.stdout, lineterminator="\n")
w.writerows(struct.iter_unpack("<IHff", open(sys.argv[1], "rb").read()))'

source "$(dirname "$0")/../lib/compare.sh"

echo "struct: median of $RUNS runs, $(nproc) cores, $("$PY" --version)"
bench_case "pack 1M <IHff records (CSV -> binary)" "struct pack <IHff --csv $tmp/records.csv" "$py_pack" "$tmp/records.csv"
bench_case "unpack 1M <IHff records (binary -> CSV)" "struct unpack <IHff --file $tmp/records.bin --csv" "$py_unpack" "$tmp/records.bin"
bench_case "iter_unpack 100 MB to CSV" "struct unpack <IHff --file $tmp/big.bin --csv" "$py_unpack" "$tmp/big.bin"
