#!/usr/bin/env python3
"""Golden CLI tests: run the built `kit` as a user runs it and compare with recorded results.

A case is tests/e2e/<command>/<case>.args (one shell-quoted line of arguments) with optional
<case>.env (KEY=VALUE lines added to the environment, e.g. SOURCE_DATE_EPOCH), <case>.in (stdin), <case>.out (stdout; empty when absent), <case>.err (stderr; empty when absent)
and <case>.code (exit status; 0 when absent). Cases run in their own directory, so fixtures
beside them are named by relative paths, under TZ=UTC and LC_ALL=C.

usage: run_golden.py --kit PATH [--update] DIR...
  --update rewrites .out/.err/.code from the current binary (review the diff before committing).
A DIR without a case is an error (exit 2): a golden test that compares nothing must not pass.
"""
import argparse
import difflib
import os
import pathlib
import shlex
import subprocess
import sys


def run_case(kit, args_file):
    case = args_file.with_suffix("")
    args = shlex.split(args_file.read_text())
    stdin_file = case.with_suffix(".in")
    stdin = stdin_file.read_bytes() if stdin_file.exists() else b""
    env = dict(os.environ, TZ="UTC", LC_ALL="C", NO_COLOR="1")
    env_file = case.with_suffix(".env")
    if env_file.exists():
        for line in env_file.read_text().splitlines():
            if line.strip():
                key, _, value = line.partition("=")
                env[key.strip()] = value
    proc = subprocess.run([kit] + args, input=stdin, capture_output=True, cwd=case.parent,
                          env=env, timeout=60)
    return case, proc


def expected(case, suffix, default):
    f = case.with_suffix(suffix)
    return f.read_bytes() if f.exists() else default


def show_diff(label, want, got):
    lines = difflib.unified_diff(want.decode(errors="replace").splitlines(True),
                                 got.decode(errors="replace").splitlines(True),
                                 f"expected {label}", f"actual {label}")
    sys.stdout.writelines(list(lines)[:40])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit", required=True)
    parser.add_argument("--update", action="store_true")
    parser.add_argument("dirs", nargs="+")
    opts = parser.parse_args()
    kit = str(pathlib.Path(opts.kit).resolve())

    cases = {d: sorted(pathlib.Path(d).glob("*.args")) for d in opts.dirs}
    empty = [d for d, found in cases.items() if not found]
    for d in empty:
        why = "no golden cases (no *.args file)" if pathlib.Path(d).is_dir() else "not a folder"
        print(f"run_golden.py: {d}: {why}", file=sys.stderr)
    if empty:
        return 2

    failures = total = 0
    for d in opts.dirs:
        for args_file in cases[d]:
            total += 1
            case, proc = run_case(kit, args_file)
            if opts.update:
                for suffix, data in ((".out", proc.stdout), (".err", proc.stderr)):
                    f = case.with_suffix(suffix)
                    if data:
                        f.write_bytes(data)
                    elif f.exists():
                        f.unlink()
                code = case.with_suffix(".code")
                if proc.returncode:
                    code.write_text(f"{proc.returncode}\n")
                elif code.exists():
                    code.unlink()
                continue
            want_out = expected(case, ".out", b"")
            want_err = expected(case, ".err", b"")
            want_code = int(expected(case, ".code", b"0").decode().strip() or 0)
            ok = True
            if proc.stdout != want_out:
                print(f"FAIL {case.name}: stdout differs")
                show_diff("stdout", want_out, proc.stdout)
                ok = False
            if proc.stderr != want_err:
                print(f"FAIL {case.name}: stderr differs")
                show_diff("stderr", want_err, proc.stderr)
                ok = False
            if proc.returncode != want_code:
                print(f"FAIL {case.name}: exit code {proc.returncode}, expected {want_code}")
                ok = False
            failures += not ok
    verb = "updated" if opts.update else "passed"
    print(f"{total - failures}/{total} golden cases {verb}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
