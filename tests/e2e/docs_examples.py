#!/usr/bin/env python3
"""The examples in docs/commands/<command>.md are real: run each and compare its output.

An example is a ```console block whose first line is `$ kit ARGS` (or `$ printf 'TEXT' | kit ARGS`,
TEXT with printf's backslash escapes going to standard input); the rest of the block is what
kit prints (stdout, then stderr), with a last line `[exit N]` when it exits non-zero.
Examples run in tests/e2e/<command>/, where their fixture files live, under TZ=UTC, LC_ALL=C.

usage: docs_examples.py --kit PATH DOC.md...
"""
import argparse
import os
import pathlib
import re
import shlex
import sys

import harness
from harness import kit

BLOCK = re.compile(r"^```console\n\$ (?:printf '([^']*)' \| )?kit (.*?)\n(.*?)^```$", re.S | re.M)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit", required=True)
    parser.add_argument("docs", nargs="+")
    opts = parser.parse_args()
    harness.use(kit=str(pathlib.Path(opts.kit).resolve()),
                env=dict(os.environ, TZ="UTC", LC_ALL="C", NO_COLOR="1"))
    failures = total = 0
    for doc in map(pathlib.Path, opts.docs):
        fixtures = doc.resolve().parents[2] / "tests" / "e2e" / doc.stem
        for stdin, args, shown in BLOCK.findall(doc.read_text()):
            total += 1
            r = kit(*shlex.split(args), cwd=fixtures, timeout=60, text=False,
                    input=stdin.encode().decode("unicode_escape").encode("latin-1"))
            if r is None:  # a timeout, recorded
                failures += 1
                continue
            got = (r.out + r.err).decode(errors="replace")
            if r.code:
                got += f"[exit {r.code}]\n"
            if got != shown:
                failures += 1
                print(f"FAIL {doc.name}: kit {args}\n--- shown\n{shown}--- actual\n{got}")
    for f in harness.failures:
        print("FAIL", f)
    print(f"{total - failures}/{total} documented examples reproduce")
    return 1 if failures or total == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
