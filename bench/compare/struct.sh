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

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# bench_case NAME "KIT ARGS" PYCODE PYARG: times come from $EPOCHREALTIME (no process started).
bench_case() {
  local name=$1 kit_args=$2 py_code=$3 py_arg=$4
  if ! cmp -s <("$KIT" $kit_args) <("$PY" -c "$py_code" "$py_arg"); then
    echo "struct.sh: $name: kit and python outputs differ" >&2
    exit 1
  fi
  local kit_times=() py_times=() t0 t1 t2
  for ((i = 0; i < RUNS; i++)); do
    t0=${EPOCHREALTIME/./}; "$KIT" $kit_args >/dev/null; t1=${EPOCHREALTIME/./}
    "$PY" -c "$py_code" "$py_arg" >/dev/null; t2=${EPOCHREALTIME/./}
    kit_times+=($((10#$t1 - 10#$t0))); py_times+=($((10#$t2 - 10#$t1)))
  done
  local k p
  k=$(printf '%s\n' "${kit_times[@]}" | median)
  p=$(printf '%s\n' "${py_times[@]}" | median)
  awk -v n="$name" -v k="$k" -v p="$p" \
    'BEGIN {printf "%-40s kit %9.1f ms   python3 %9.1f ms   kit is %6.1fx faster\n", n, k/1000, p/1000, p/k}'
}

echo "struct: median of $RUNS runs, $(nproc) cores, $("$PY" --version)"
bench_case "pack 1M <IHff records (CSV -> binary)" "struct pack <IHff --csv $tmp/records.csv" "$py_pack" "$tmp/records.csv"
bench_case "unpack 1M <IHff records (binary -> CSV)" "struct unpack <IHff --file $tmp/records.bin --csv" "$py_unpack" "$tmp/records.bin"
bench_case "iter_unpack 100 MB to CSV" "struct unpack <IHff --file $tmp/big.bin --csv" "$py_unpack" "$tmp/big.bin"
