#!/usr/bin/env bash
# kit sum beside the native tools, on the same files, in one run, alternating:
#   one 1 GiB file (SIZE_MB to change it): sha256, md5, sha512, blake2b, xxh3 —
#     kit sum -a X  vs  Xsum (coreutils), openssl dgst -X (the hardware ceiling), xxhsum,
#     and b3sum --num-threads 1 (BLAKE3, a faster hash: the ceiling for any hash here);
#   10,000 files of 4 KiB: kit sum (parallel)  vs  sha256sum  vs  xargs -P2 sha256sum;
#   checking (-c) a manifest of those 10,000 files, and of the big file cut in 8 pieces:
#     kit sum -c (parallel)  vs  sha256sum -c.
# Every tool's digest is checked against kit's first. Prints medians (RUNS) and ratios.
# KIT_BASE=another/kit times that binary beside KIT on every kit case ("kit (base)"): an A/B.
# usage: KIT=build/release/kit RUNS=5 SIZE_MB=1024 bench/compare/sum.sh
set -euo pipefail
KIT=$(realpath "${KIT:-build/release/kit}")
KIT_BASE=${KIT_BASE:+$(realpath "$KIT_BASE")}
RUNS=${RUNS:-5}
SIZE_MB=${SIZE_MB:-1024}
PY=${PYTHON:-python3}
source "$(dirname "$0")/../lib/compare.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

head -c $((SIZE_MB * 1024 * 1024)) /dev/urandom > "$tmp/big"
mkdir "$tmp/small"
"$PY" - "$tmp/small" <<'PYEOF'
import os, sys
for i in range(10000):
    with open(f"{sys.argv[1]}/f{i:05d}", "wb") as f:
        f.write(os.urandom(4096))
PYEOF
cat "$tmp/big" > /dev/null  # in the page cache for every tool alike

# time_cmd LABEL CMD...: median wall time of CMD in ms (RUNS runs), into $ms.
declare -A ms
time_cmd() {
  local label=$1
  shift
  local times=() t0 t1 i
  for ((i = 0; i < RUNS; i++)); do
    t0=${EPOCHREALTIME/./}
    "$@" >/dev/null 2>&1  # xxhsum draws progress on stderr
    t1=${EPOCHREALTIME/./}
    times+=($((10#$t1 - 10#$t0)))
  done
  ms[$label]=$(printf '%s\n' "${times[@]}" | median)
}

# time_kit ARGS...: kit's median into ms[kit], and with KIT_BASE set that binary's too.
time_kit() {
  time_cmd kit "$KIT" "$@"
  if [ -n "$KIT_BASE" ]; then time_cmd "kit (base)" "$KIT_BASE" "$@"; fi
}

# same_digest EXPECTED CMD...: the first hex run of CMD's output must be EXPECTED.
same_digest() {
  local expected=$1
  shift
  local got
  got=$("$@" 2>/dev/null | grep -oE '[0-9a-f]{16,}' | head -1)
  if [ "$got" != "$expected" ]; then
    echo "$(basename "$0"): $* printed $got, kit printed $expected" >&2
    exit 1
  fi
}

report() {  # report NAME LABEL...: each label's time and kit's speed-up over it
  local name=$1 k=${ms[kit]}
  shift
  local base="kit (base)"
  if [ -n "${ms[$base]:-}" ]; then set -- "$base" "$@"; fi
  printf '%s (%d MiB)\n' "$name" "$SIZE_MB"
  for label in kit "$@"; do
    awk -v l="$label" -v t="${ms[$label]}" -v k="$k" -v mb="$SIZE_MB" \
      'BEGIN {printf "  %-26s %9.1f ms  %7.0f MB/s   kit is %5.2fx\n", l, t/1000, mb*1.048576/(t/1e6), t/k}'
  done
}

for algo in sha256 md5 sha512 blake2b xxh3; do
  ms=()
  case $algo in
    xxh3) kit_algo=xxh3_64 ;;
    *) kit_algo=$algo ;;
  esac
  expected=$("$KIT" sum -a "$kit_algo" "$tmp/big" | cut -d' ' -f1)
  labels=()
  time_kit sum -a "$kit_algo" "$tmp/big"
  case $algo in
    sha256 | md5 | sha512)
      same_digest "$expected" "${algo}sum" "$tmp/big"
      same_digest "$expected" openssl dgst "-$algo" "$tmp/big"
      time_cmd "${algo}sum" "${algo}sum" "$tmp/big"
      time_cmd "openssl dgst -$algo" openssl dgst "-$algo" "$tmp/big"
      labels=("${algo}sum" "openssl dgst -$algo") ;;
    blake2b)
      same_digest "$expected" b2sum "$tmp/big"
      same_digest "$expected" openssl dgst -blake2b512 "$tmp/big"
      time_cmd b2sum b2sum "$tmp/big"
      time_cmd "openssl dgst -blake2b512" openssl dgst -blake2b512 "$tmp/big"
      labels=(b2sum "openssl dgst -blake2b512") ;;
    xxh3)
      same_digest "$expected" xxhsum -H3 "$tmp/big"
      time_cmd "xxhsum -H3" xxhsum -H3 "$tmp/big"
      labels=("xxhsum -H3") ;;
  esac
  if command -v b3sum >/dev/null; then
    time_cmd "b3sum --num-threads 1" b3sum --num-threads 1 "$tmp/big"
    labels+=("b3sum --num-threads 1")
  fi
  report "$algo, one file" "${labels[@]}"
done

ms=()
cd "$tmp/small"
files=(f*)
"$KIT" sum "${files[@]}" > "$tmp/kit.sums"
sha256sum "${files[@]}" | cmp -s - "$tmp/kit.sums" || { echo "sum.sh: many files: outputs differ" >&2; exit 1; }
time_kit sum "${files[@]}"
time_cmd sha256sum sha256sum "${files[@]}"
time_cmd "xargs -P2 sha256sum" sh -c 'printf "%s\0" f* | xargs -0 -P2 -n 2500 sha256sum'
SIZE_MB=40 report "sha256, 10,000 files of 4 KiB" sha256sum "xargs -P2 sha256sum"

# Checking: the same 10,000 files from a manifest, then the big file cut in 8 pieces.
ms=()
"$KIT" sum "${files[@]}" > "$tmp/small.sums"
[ "$("$KIT" sum -c "$tmp/small.sums")" = "$(sha256sum -c "$tmp/small.sums")" ] ||
  { echo "sum.sh: -c of many files: outputs differ" >&2; exit 1; }
time_kit sum -c "$tmp/small.sums"
time_cmd "sha256sum -c" sha256sum -c "$tmp/small.sums"
SIZE_MB=40 report "sha256 -c, 10,000 files of 4 KiB" "sha256sum -c"

ms=()
mkdir "$tmp/pieces"
cd "$tmp/pieces"
split -n 8 "$tmp/big" piece.
rm "$tmp/big"  # the pieces stay in the page cache in its place
"$KIT" sum piece.* > "$tmp/pieces.sums"
[ "$("$KIT" sum -c "$tmp/pieces.sums")" = "$(sha256sum -c "$tmp/pieces.sums")" ] ||
  { echo "sum.sh: -c of 8 pieces: outputs differ" >&2; exit 1; }
time_kit sum -c "$tmp/pieces.sums"
time_cmd "sha256sum -c" sha256sum -c "$tmp/pieces.sums"
report "sha256 -c, 8 files" "sha256sum -c"
