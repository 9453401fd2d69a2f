#!/usr/bin/env bash
# kit config beside the tutorials' Python, in one run, alternating, on the same files:
#   1. get: `kit config get KEY -f FILE` on a 1 MB config vs the seed's ConfigManager (json.loads
#      of the file, .get, print) — the whole program each time, as a user runs it.
#   2. merge: a 10 MB base and a 1 MB overlay, `kit config merge` vs the copy tutorial's
#      create_env_config (deepcopy + update) printing json.dumps(indent=2); the overlay only
#      overrides the first two levels, where the two agree, and the outputs must be identical.
#   3. set: `kit config set` (lock, re-read, write, fsync, rename, fsync of the folder) on a
#      small file vs the seed's set (write_text: no fsync, no lock) — reported, not a race:
#      durability is not traded for speed.
# Medians of RUNS runs. usage: KIT=build/release/kit RUNS=5 bench/compare/config.sh
set -euo pipefail
KIT=$(realpath -m "${KIT:-build/release/kit}")
RUNS=${RUNS:-5}
# The interpreter itself: a pyenv `python3` on PATH is a shim script that costs tens of ms a run.
PY=${PYTHON:-$(python3 -c 'import sys; print(sys.executable)')}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib/compare.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "$(nproc) cores, $(uname -r), kit $("$KIT" --version 2>/dev/null | head -1), $("$PY" --version)"

"$PY" - "$tmp" <<'PYEOF'
import json, random, sys
rng = random.Random(7)
tmp = sys.argv[1]
def section(n, width):
    return {f"key_{i}": rng.choice([rng.randint(0, 10**9), "v" * width, True, [1, 2, 3],
                                    {"x": rng.randint(0, 99), "y": "z" * 8}])
            for i in range(n)}
one_mb = {f"section_{s}": section(250, 20) for s in range(80)}
one_mb["theme"] = "dark"
with open(f"{tmp}/1mb.json", "w") as f:
    json.dump(one_mb, f, indent=2)
base = {f"section_{s}": section(250, 20) for s in range(800)}
with open(f"{tmp}/base.json", "w") as f:
    json.dump(base, f, indent=2)
# The overlay: new and replaced members at the first two levels, scalars below them.
overlay = {}
for s in rng.sample(range(800), 80):
    overlay[f"section_{s}"] = {f"key_{i}": rng.choice([42, "override", False])
                               for i in rng.sample(range(400), 250)}
for s in range(800, 880):
    overlay[f"section_{s}"] = section(10, 20)
with open(f"{tmp}/overlay.json", "w") as f:
    json.dump(overlay, f, indent=2)
PYEOF
# bench_case with ranges: median (min-max) of each side.
config_case() {
  local name=$1 kit_args=$2 py_code=$3
  shift 3
  if ! cmp -s <("$KIT" $kit_args) <("$PY" -c "$py_code" "$@"); then
    echo "$(basename "$0"): $name: kit and python outputs differ" >&2
    exit 1
  fi
  local kt=() pt=() t0 t1 t2 i
  for ((i = 0; i < RUNS; i++)); do
    t0=${EPOCHREALTIME/./}; "$KIT" $kit_args >/dev/null; t1=${EPOCHREALTIME/./}
    "$PY" -c "$py_code" "$@" >/dev/null; t2=${EPOCHREALTIME/./}
    kt+=($((10#$t1 - 10#$t0))); pt+=($((10#$t2 - 10#$t1)))
  done
  local k p klo khi plo phi
  k=$(printf '%s\n' "${kt[@]}" | median); p=$(printf '%s\n' "${pt[@]}" | median)
  klo=$(printf '%s\n' "${kt[@]}" | sort -n | head -1); khi=$(printf '%s\n' "${kt[@]}" | sort -n | tail -1)
  plo=$(printf '%s\n' "${pt[@]}" | sort -n | head -1); phi=$(printf '%s\n' "${pt[@]}" | sort -n | tail -1)
  awk -v n="$name" -v k="$k" -v p="$p" -v a="$klo" -v b="$khi" -v c="$plo" -v d="$phi" \
    'BEGIN {printf "%-32s kit %7.1f ms (%.1f-%.1f)   python3 %7.1f ms (%.1f-%.1f)   kit is %5.1fx faster\n", n, k/1000, a/1000, b/1000, p/1000, c/1000, d/1000, p/k}'
}

ls -l "$tmp"/*.json | awk '{printf "  %s %.1f MB\n", $NF, $5/1e6}'

SEED_GET='
import json, sys
from pathlib import Path
class ConfigManager:
    def __init__(self, config_file):
        self.config_file = Path(config_file)
        self._data = self._load()
    def _load(self):
        if self.config_file.exists():
            try:
                return json.loads(self.config_file.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, OSError):
                return {}
        return {}
    def get(self, key, default=None):
        return self._data.get(key, default)
print(ConfigManager(sys.argv[1]).get("theme"))
'
config_case "get theme, 1 MB config" "config get theme -f $tmp/1mb.json" "$SEED_GET" "$tmp/1mb.json"

SEED_MERGE='
import copy, json, sys
def create_env_config(base, overrides):
    config = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and key in config:
            config[key].update(value)
        else:
            config[key] = value
    return config
base = json.load(open(sys.argv[1]))
overrides = json.load(open(sys.argv[2]))
print(json.dumps(create_env_config(base, overrides), indent=2, ensure_ascii=False))
'
config_case "merge 10 MB base + 1 MB overlay" "config merge $tmp/base.json $tmp/overlay.json" \
  "$SEED_MERGE" "$tmp/base.json" "$tmp/overlay.json"

SEED_SET='
import json, sys
from pathlib import Path
f = Path(sys.argv[1])
data = json.loads(f.read_text()) if f.exists() else {}
data["counter"] = int(sys.argv[2])
f.write_text(json.dumps(data, indent=2), encoding="utf-8")
'
kt=() pt=()
for ((i = 0; i < RUNS * 4; i++)); do
  t0=${EPOCHREALTIME/./}; "$KIT" config set counter "$i" -f "$tmp/small.json"; t1=${EPOCHREALTIME/./}
  "$PY" -c "$SEED_SET" "$tmp/seed-small.json" "$i"; t2=${EPOCHREALTIME/./}
  kt+=($((10#$t1 - 10#$t0))); pt+=($((10#$t2 - 10#$t1)))
done
k=$(printf '%s\n' "${kt[@]}" | median); p=$(printf '%s\n' "${pt[@]}" | median)
klo=$(printf '%s\n' "${kt[@]}" | sort -n | head -1); khi=$(printf '%s\n' "${kt[@]}" | sort -n | tail -1)
awk -v k="$k" -v p="$p" -v lo="$klo" -v hi="$khi" 'BEGIN {printf "%-40s kit %9.1f ms (%.1f-%.1f, with 2 fsyncs)   python3 %9.1f ms (no fsync)\n", "set one key, small file", k/1000, lo/1000, hi/1000, p/1000}'
