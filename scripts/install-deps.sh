#!/usr/bin/env bash
# Installs the Debian packages that kit's build, tests and benchmarks need.
# Idempotent: apt-get runs only when a package is missing. Run as root (or with sudo on PATH).
# usage: scripts/install-deps.sh [fuzz]    (fuzz: also clang and its libFuzzer runtime, which
#        `make test` and `make fuzz` need)
set -euo pipefail

packages=(
  # toolchain; clang-format: `make format`, and `make test` checks the tree with it
  build-essential cmake ninja-build ccache pkg-config python3 clang-format
  # tests and benchmarks
  googletest libgtest-dev libgmock-dev libbenchmark-dev
  # tests: zsh and fish parse the scripts of `kit completion` (bash is already there)
  zsh fish
  # core and CLI
  libcli11-dev libfmt-dev nlohmann-json3-dev libexpected-dev
  # number parsing: fast_float (header-only; libstdc++ 12 from_chars(double) goes through strtod)
  libfast-float-dev
  # calendar: iCalendar event files
  libical-dev
  # binary: zlib for PNG CRCs and zTXt; pngcheck is the reference in tests/diff
  zlib1g-dev pngcheck
  # hash: OpenSSL 3 (EVP digests, HMAC, KDFs), libb2 (BLAKE2 of any digest length, as b2sum -l),
  # libxxhash (xxh3); xxhash and b3sum are peers in bench/compare/sum.sh
  libssl-dev libb2-dev libxxhash-dev xxhash b3sum
  # timing: hyperfine is kit bench's peer in bench/compare/bench.sh
  hyperfine
  # sched: the durable job queue of `kit jobs` (SQLite in WAL mode, through SQLiteCpp)
  libsqlite3-dev libsqlitecpp-dev
  # net: Boost.Asio (headers; linked PRIVATE into kit::net); nmap is kit scan's peer in tests and
  # bench, nftables and iproute2 make the drop/reject rules of the scan tests in a namespace
  libboost-dev nmap nftables iproute2 netbase
  # config: platformdirs 2.6 is the reference of tests/diff (for /usr/bin/python3), the official
  # JSON-Schema-Test-Suite the test of kit::config::Schema
  python3-platformdirs json-schema-test-suite
  # web: the seed's Starlette app (with httpx, its TestClient) is the reference of tests/diff and
  # kit serve's peer on uvicorn (uvloop/httptools when they import); wrk loads the server in the
  # robustness test and the benchmark; chromium runs the task page under playwright-core (npm)
  python3-starlette python3-httpx uvicorn python3-uvloop python3-httptools wrk chromium
)
if [ "${1:-}" = fuzz ]; then
  packages+=(clang libclang-rt-14-dev)  # libFuzzer targets (tests/fuzz): make test, make fuzz
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -ne 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# web: playwright-core (package.json, dev-only) drives chromium in the task page's browser test.
# node and npm come with the machine (never from apt here); npm ci runs only when it is missing.
root=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$root/node_modules/playwright-core/package.json" ]; then
  if command -v npm >/dev/null; then
    echo "install-deps: npm ci (playwright-core into $root/node_modules)" >&2
    (cd "$root" && npm ci --no-audit --no-fund)
  else
    echo "install-deps: no npm: e2e.serve.browser (node + playwright-core) will fail" >&2
  fi
fi
