#!/usr/bin/env python3
"""Differential test: kit::fs::PurePath (through tests/diff/fs_path_driver) against Python
3.11's pathlib.PurePosixPath and PureWindowsPath, and kit::fs::which's Windows flavour against
CPython's own shutil.which run with its Windows branch.

Usage: fs_path_vs_python.py --driver PATH [--kit PATH] [--cases N] [--seed S] GROUP
       fs_path_vs_python.py --lower-table   (prints the lower-case runs of src/fs/ospath.cpp)

Groups:
  posix    N generated PurePosixPaths (default 6000): every property and method the driver
           prints (str, as_posix, drive, root, anchor, name, stem, suffix, suffixes, parts,
           parent, parents, is_absolute, is_reserved, joinpath with a string and a path,
           with_name, with_stem, with_suffix, relative_to, is_relative_to, ==, str of the str).
  windows  the same for PureWindowsPath: drives, UNC shares, \\\\?\\ prefixes, mixed slashes,
           case changes for == and relative_to; and kit::fs::lower_case against str.lower()
           for every code point (what PureWindowsPath compares).
  which    2000 lookups in a generated tree of files and folders: shutil.which's source, with
           sys.platform "win32" and os's Windows names (";", ntpath, PATHEXT), the files on this
           disk read with backslashes as slashes, as kit does.
  all      the three.
Segments mix '', '.', '..', names with dots, hidden names, drives, UNC shares, extended
prefixes, separators of both kinds (repeated, trailing), device names, spaces and non-ASCII
letters. The Greek sigma is left out: str.lower() turns a final capital sigma into the final
small sigma, a context rule kit does not apply (declared in kit/fs/path.hpp).
All cases go through one driver process and one Python process. Exit status: 0 when everything
matches, 1 on any mismatch (the first 20 are printed).
"""
import argparse
import ntpath
import os
import pathlib
import random
import shutil
import subprocess
import sys
import tempfile
import types

from harness import Runner

FIELDS = ("str as_posix drive root anchor name stem suffix suffixes parts parent parents "
          "is_absolute is_reserved joinpath joinpath_path with_name with_stem with_suffix "
          "relative_to is_relative_to equal reparsed").split()

ATOMS = ["", ".", "..", "a", "b", "a.b.c", ".hidden", "x.", "name.txt", "arch.tar.gz", "..x",
         "x..", "...", "C:", "c:", "d:", "z:x", "1:", "\\\\srv\\share", "//srv/share",
         "\\\\srv", "\\\\srv\\\\share", "\\\\?\\C:\\", "//?/c:/", "\\\\?\\UNC\\srv\\share",
         "\\\\?\\UNC\\srv\\",
         "\\\\?\\", "\\\\.\\pipe", "UNC", "CON", "con.txt", "nul", "Aux ", "com1", "COM0",
         "lpt9.log", "LPT\u00b9", "com\u00b3", "con\u0131n$", "CONOUT$", "prn:x", "a:b",
         "my file", " ", "a ", " b", "\u00e9t\u00e9", "\u00c4rger", "\u0130stanbul", "stra\u00dfe",
         "\ufb01le", "\u65e5\u672c", "\u212a", "\u0414\u043e\u043c", "\U0001f600.png",
         "A.TXT", "x.Y.z"]
SEPS = ["/", "\\", "//", "\\\\", "///", "/./", "\\.\\", "/\\"]
NAMES = ["n", "new.txt", "", ".", "..", "a/b", "a\\b", "C:", "x/", "x\\", "/x", "c:x", ".cfg",
         "\u00e9.tar.gz", "CON", "name.", "\\\\srv\\share", "a b", "./x", ".\\x", "x/.", "x\\.",
         "./", "../x"]
SUFFIXES = ["", ".", ".txt", "txt", ".a.b", "./", ".\\x", "..", ".\u00e9", ". ", ".TXT", ".c:"]


def segment(rng):
    out = ""
    for i in range(rng.randint(1, 4)):
        if i or rng.random() < 0.3:
            out += rng.choice(SEPS)
        out += rng.choice(ATOMS)
    if rng.random() < 0.2:
        out += rng.choice(SEPS)
    return out


def segments(rng):
    return [segment(rng) for _ in range(rng.choice([0, 1, 1, 1, 2, 2, 3]))]


def flip_case(rng, text):
    return "".join(c.swapcase() if rng.random() < 0.5 else c for c in text)


def shown(fn):
    try:
        return str(fn())
    except ValueError:
        return "!"


def expected(cls, segs, join, name, stem, suffix, rel, equal):
    p = cls(*segs)
    return [str(p), p.as_posix(), p.drive, p.root, p.anchor, p.name, p.stem, p.suffix,
            "\x1f".join(p.suffixes), "\x1f".join(p.parts), str(p.parent),
            "\x1f".join(str(q) for q in p.parents), str(int(p.is_absolute())),
            str(int(p.is_reserved())), str(p.joinpath(join)), str(p / cls(join)),
            shown(lambda: p.with_name(name)), shown(lambda: p.with_stem(stem)),
            shown(lambda: p.with_suffix(suffix)), shown(lambda: p.relative_to(rel)),
            str(int(p.is_relative_to(rel))), str(int(p == cls(equal))), str(cls(str(p)))]


def make_case(rng, cls):
    segs = segments(rng)
    p = cls(*segs)
    flip = (lambda t: flip_case(rng, t)) if cls is pathlib.PureWindowsPath else (lambda t: t)
    # relative_to: mostly a parent (case-changed for Windows) or the anchor, so that most
    # succeed; else any path.
    choice = rng.random()
    if choice < 0.5:
        rel = flip(str(rng.choice([p, *p.parents])))
    elif choice < 0.6:
        rel = flip(rng.choice([p.anchor, p.drive, p.root]))
    else:
        rel = segment(rng)
    equal = flip(str(p)) if rng.random() < 0.6 else segment(rng)
    return segs, segment(rng), rng.choice(NAMES), rng.choice(NAMES), rng.choice(SUFFIXES), rel, equal


def check_paths(runner, driver, flavour, count, seed):
    cls = pathlib.PureWindowsPath if flavour == "windows" else pathlib.PurePosixPath
    rng = random.Random(f"{seed}-{flavour}")
    cases = [make_case(rng, cls) for _ in range(count)]
    lines = []
    for segs, join, name, stem, suffix, rel, equal in cases:
        lines.append("\t".join([flavour, join, name, stem, suffix, rel, equal, *segs]))
    proc = runner.execute([driver], stdin=("\n".join(lines) + "\n").encode())
    if proc.returncode != 0:
        print(f"{flavour}: driver exited {proc.returncode}: {proc.stderr.decode()[:500]}")
        return
    got_lines = proc.stdout.decode().split("\n")[:-1]
    if len(got_lines) != len(cases):
        print(f"{flavour}: driver printed {len(got_lines)} lines for {len(cases)} cases")
        runner.mismatches += 1
        return
    for case, got_line in zip(cases, got_lines):
        segs, join, name, stem, suffix, rel, equal = case
        want = expected(cls, *case)
        got = got_line.split("\t")
        for field, w, g in zip(FIELDS, want, got + [None] * (len(want) - len(got))):
            args = {"join": join, "with_name": name, "with_stem": stem, "with_suffix": suffix,
                    "relative_to": rel, "is_relative_to": rel, "equal": equal,
                    "joinpath_path": join}
            where = f"{cls.__name__}{tuple(segs)!r}.{field}" + (
                f"({args[field]!r})" if field in args else "")
            runner.checks += 1
            if g != w:
                runner.fail(where, repr(w), repr(g))
    print(f"{flavour}: {len(cases)} paths, {len(cases) * len(FIELDS)} properties compared")


# ----- lower case

def lower_runs():
    """str.lower() for code points whose lower case is one code point, as runs (first, count,
    delta, stride): first + k * stride -> itself + delta, for k < count."""
    runs = []
    for c in range(sys.maxunicode + 1):
        if 0xD800 <= c < 0xE000:
            continue
        low = chr(c).lower()
        if low == chr(c) or len(low) != 1:
            continue
        delta = ord(low) - c
        if runs:
            first, n, d, stride = runs[-1]
            last = first + (n - 1) * stride
            if d == delta and ((n == 1 and c - last in (1, 2)) or (n > 1 and c - last == stride)):
                runs[-1] = (first, n + 1, d, c - last if n == 1 else stride)
                continue
        runs.append((c, 1, delta, 1))
    return runs


def print_lower_table():
    items = [f"{{0x{f:X}, {n}, {d}, {s}}}," for f, n, d, s in lower_runs()]
    line = "   "
    for item in items:
        if len(line) + len(item) + 1 > 100:
            print(line)
            line = "   "
        line += " " + item
    print(line)


def check_lower(runner, driver):
    chars = [chr(c) for c in range(sys.maxunicode + 1)
             if not 0xD800 <= c < 0xE000 and c != 10]
    # 64 code points a line; the greek sigma's context rule is kit's known difference.
    lines = ["".join(chars[i:i + 64]) for i in range(0, len(chars), 64)]
    lines = [line.replace("\u03a3", "") for line in lines]
    proc = runner.execute([driver, "lower"], stdin=("\n".join(lines) + "\n").encode())
    got = proc.stdout.decode().split("\n")[:-1]
    runner.checks += 1
    if proc.returncode != 0 or len(got) != len(lines):
        runner.fail("lower_case", f"{len(lines)} lines", f"{len(got)} lines, exit {proc.returncode}")
        return
    for line, g in zip(lines, got):
        runner.checks += 1
        if g != line.lower():
            runner.fail(f"lower_case of U+{ord(line[0]):04X}..", repr(line.lower()), repr(g))
    print(f"lower: {len(chars)} code points compared with str.lower()")


# ----- which

def windows_which():
    """shutil.which itself, its module globals pointed at Windows' os names; files are
    looked up on this disk with backslashes read as slashes."""
    env = {}

    def local(p):
        return os.fspath(p).replace("\\", "/")

    fake_path = types.SimpleNamespace(
        dirname=ntpath.dirname, join=ntpath.join, normcase=ntpath.normcase,
        exists=lambda p: os.path.exists(local(p)), isdir=lambda p: os.path.isdir(local(p)))
    fake_os = types.SimpleNamespace(
        F_OK=os.F_OK, X_OK=os.X_OK, path=fake_path, pathsep=";", curdir=".",
        defpath=ntpath.defpath, environ=env, getenv=env.get, fsdecode=os.fsdecode,
        fsencode=os.fsencode, confstr=None,
        access=lambda p, mode: os.path.exists(local(p)))  # Windows: no execute bit
    del fake_os.confstr  # Windows has none: which falls back to os.defpath
    globs = dict(shutil.which.__globals__)
    globs.update(os=fake_os, sys=types.SimpleNamespace(platform="win32"))
    globs["_access_check"] = types.FunctionType(shutil._access_check.__code__, globs)
    which = types.FunctionType(shutil.which.__code__, globs, "which",
                               shutil.which.__defaults__)

    def run(name, path, pathext):
        env.clear()
        if pathext:
            env["PATHEXT"] = pathext
        return which(name, path=path)
    return run


def check_which(runner, driver, count, seed):
    rng = random.Random(f"{seed}-which")
    reference = windows_which()
    with tempfile.TemporaryDirectory(prefix="kit-which-") as top:
        # A tree: dirs d0..d5 (and "Bin" beside "bin"), files with assorted extensions, some
        # folders named like commands.
        dirs = ["d0", "d1", "d2", "bin", "Bin", "sub/deep", "sp ace", "\u00e9"]
        stems = ["tool", "Tool", "run", "x", "py", "a.b", "\u00e9dit"]
        exts = ["", ".EXE", ".exe", ".BAT", ".Cmd", ".py", ".COM", ".ps1"]
        made = []
        for d in dirs:
            os.makedirs(os.path.join(top, d), exist_ok=True)
        for d in ["."] + dirs:
            for stem in stems:
                for ext in exts:
                    if rng.random() < 0.15:
                        path = os.path.join(top, d, stem + ext)
                        if rng.random() < 0.1:
                            os.makedirs(path, exist_ok=True)  # a folder is never found
                        else:
                            with open(path, "w") as f:
                                f.write("x")
                        made.append(os.path.join(d, stem + ext))
        entries = dirs + [top + "/" + d for d in dirs] + [d.replace("/", "\\") for d in dirs] + [
            d.upper() for d in dirs] + ["", ".", "missing", "C:\\Windows", "\\\\srv\\share",
                                        "d1/", "d1\\", "C:"]
        pathexts = ["", ".COM;.EXE;.BAT", ".exe", ".PY;.EXE", ";;.Cmd;", ".BAT;.bat", ".ps1"]
        cases = []
        for _ in range(count):
            kind = rng.random()
            if kind < 0.15 and made:
                name = rng.choice(made)  # a name with a folder part
                name = name.replace("/", rng.choice(["/", "\\"]))
            else:
                name = rng.choice(stems) + (rng.choice(exts) if rng.random() < 0.4 else "")
                if rng.random() < 0.2:
                    name = flip_case(rng, name)
            path = ";".join(rng.choice(entries) for _ in range(rng.randint(0, 4)))
            cases.append((name, path, rng.choice(pathexts)))
        lines = "".join("\t".join(c) + "\n" for c in cases)
        proc = runner.execute([driver, "which"], stdin=lines.encode(), cwd=top)
        got = proc.stdout.decode().split("\n")[:-1]
        if proc.returncode != 0 or len(got) != len(cases):
            print(f"which: driver exited {proc.returncode}, {len(got)} lines for {len(cases)}: "
                  f"{proc.stderr.decode()[:500]}")
            runner.mismatches += 1
            return
        old = os.getcwd()
        os.chdir(top)
        try:
            found = 0
            for (name, path, pathext), g in zip(cases, got):
                w = reference(name, path, pathext)
                found += w is not None
                runner.checks += 1
                if g != (w if w is not None else "-"):
                    runner.fail(f"which({name!r}, path={path!r}, PATHEXT={pathext!r})",
                                repr(w), repr(g))
        finally:
            os.chdir(old)
    print(f"which: {len(cases)} lookups ({found} found) compared")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit")  # every diff test gets it; this one needs only the driver
    parser.add_argument("--driver")
    parser.add_argument("--lower-table", action="store_true")
    parser.add_argument("--cases", type=int, default=6000)
    parser.add_argument("--seed", default="1")
    parser.add_argument("group", nargs="?", choices=["posix", "windows", "which", "all"])
    args = parser.parse_args()
    if args.lower_table:
        print_lower_table()
        return 0
    if not args.driver or not args.group:
        parser.error("--driver and a group are needed")
    args.driver = os.path.abspath(args.driver)  # the which group runs it in its own folder
    runner = Runner(args.kit, max_reports=20, per_where=None)
    if args.group in ("posix", "all"):
        check_paths(runner, args.driver, "posix", args.cases, args.seed)
    if args.group in ("windows", "all"):
        check_paths(runner, args.driver, "windows", args.cases, args.seed)
        check_lower(runner, args.driver)
    if args.group in ("which", "all"):
        check_which(runner, args.driver, max(args.cases // 3, 1), args.seed)
    print(f"{runner.checks} checks, {runner.mismatches} mismatches")
    return 1 if runner.failed else 0


if __name__ == "__main__":
    sys.exit(main())
