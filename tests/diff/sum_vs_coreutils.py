#!/usr/bin/env python3
"""Differential test: `kit sum` against GNU coreutils md5sum ... sha512sum and b2sum.

Usage: sum_vs_coreutils.py --kit PATH [--jobs 2] GROUP
       (GROUP: hash, check, errors, personalities, hashlib or all)

Every file and manifest is made in this python3 process under a temporary
directory (the working directory of every run, so names are relative). Each
case runs the coreutils program (argv[0] its bare name, e.g. `sha256sum`) and
kit on the same arguments and stdin (TZ=UTC, LC_ALL=C; ASAN_OPTIONS is
inherited), at most --jobs (default 2) kit processes at a time, and compares
stdout bytes, stderr bytes and the exit status. kit runs either as
`kit sum -a ALGO ARGS` - where every `PROG: ` that starts a coreutils stderr
line and the `Try 'PROG --help'` hint are expected as `kit sum: ` and
`Try 'kit sum --help'` - or, in the personalities group, through symlinks named
md5sum ... b2sum pointing at the kit binary, where stderr must match coreutils'
exactly. coreutils names itself by argv[0] as given (`/usr/bin/sha256sum x`
prints `/usr/bin/sha256sum: x: ...`), so both get the same argv[0]: the bare
name (`sha256sum`) or the symlink's absolute path.

Groups:
  hash     md5 sha1 sha224 sha256 sha384 sha512 and blake2b (also -l 8, 128,
           256, 512) on files of lengths 0 1 55 56 63 64 65 111 112 127 128 129
           and ~1000 log-uniform random lengths up to 200 KB plus one 10 MB file,
           with names holding spaces, backslashes, LF, CR, a leading dash (after
           --), tabs, parentheses, quotes, UTF-8 and a non-UTF-8 byte; plain,
           -b, -t, --tag, -z, --tag -z, -bz, options after operands, stdin by
           pipe and as `-` (twice: the second read is empty).
  check    -c on manifests written by coreutils itself (plain, -b, --tag) and
           random hand-made ones: good lines, wrong digests, missing files, a
           directory, malformed lines of many kinds, tagged and untagged mixed,
           escaped names (good and bad escapes), CRLF, upper/mixed-case hex,
           blank/comment/whitespace lines, BSD-reversed lines, b2sum lengths
           (BLAKE2b-N tags, auto-detected untagged lengths, bad N), a NUL in a
           line, no final newline; with --quiet, --status, --strict, -w,
           --ignore-missing (all/some missing), the manifest on stdin (`-` and
           no operand, with a `-` line), several manifests per run, an empty
           manifest, a missing manifest, a directory as manifest.
  errors   missing files among good ones, a directory, an empty name, an
           unreadable file (as root coreutils reads a mode-000 file, so both run
           under `setpriv --reuid=65534` when possible, else the case is
           skipped), incompatible and unknown options, getopt messages
           (ambiguous, unknown, missing or unwanted arguments, abbreviations,
           bundling), every b2sum -l error; and kit-only: `kit sum -a nope`
           must exit 2 with a `kit sum: ` message and no stdout.
  personalities  hash, check and error cases through the md5sum ... b2sum
           symlinks (-l on the non-BLAKE2 programs is an invalid option).
  hashlib  `kit sum -a X` for md5 sha1 sha224 sha256 sha384 sha512 sha3_224
           sha3_256 sha3_384 sha3_512 blake2b blake2s against
           hashlib.new(X, data).hexdigest() as "HEX  NAME" lines (lengths around
           every block size), and -c on such a manifest (OK, one FAILED line and
           its WARNING). shake_128/shake_256 are probed with `-l 32` (then
           `--length 32`): if kit exits 2 naming "length" they are skipped,
           else the digest length kit printed (bytes or bits) is compared
           with hashlib. xxh3_64/xxh128
           only when python has xxhash.

`--help` and `--version` text is not compared. On a mismatch the script prints
the command, the expected and the actual stdout/stderr/exit for the first 20.
Exit status: 0 when everything matches, 1 on any mismatch.
"""

import argparse
import hashlib
import math
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

from harness import ENV, Runner

SEED = 20261201
MAX_REPORTS = 20
TIMEOUT = 120  # seconds for one run (the 10 MB file under ASan included)

# kit algorithm name -> (coreutils program, tag, digest bits)
COREUTILS = {
    "md5": ("md5sum", "MD5", 128),
    "sha1": ("sha1sum", "SHA1", 160),
    "sha224": ("sha224sum", "SHA224", 224),
    "sha256": ("sha256sum", "SHA256", 256),
    "sha384": ("sha384sum", "SHA384", 384),
    "sha512": ("sha512sum", "SHA512", 512),
    "blake2b": ("b2sum", "BLAKE2b", 512),
}
PROGRAMS = {prog: algo for algo, (prog, _, _) in COREUTILS.items()}
HASHLIB_ALGOS = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_224",
                 "sha3_256", "sha3_384", "sha3_512", "blake2b", "blake2s"]


def digest(algo, data, bits=None):
    if algo == "blake2b":
        return hashlib.blake2b(data, digest_size=(bits or 512) // 8).hexdigest()
    return hashlib.new(algo, data).hexdigest()


def b(x):
    return x if isinstance(x, bytes) else os.fsencode(x)


def show_arg(a):
    s = a.decode("utf-8", "surrogateescape") if isinstance(a, bytes) else a
    if s.isprintable():
        return shlex.quote(s)
    return repr(a)  # a byte string with control or undecodable bytes


def clip(x, n=300):
    text = x if isinstance(x, str) else repr(x)
    return text if len(text) <= n else text[:n] + f"... ({len(text)} chars)"


# --------------------------------------------------------------------------- running


class Case:
    """One comparison. prog: the coreutils program (None: kit-only, judged by check).
    via: "sum" (kit sum -a ALGO), "link" (symlink by absolute path), "bare" (symlink with
    argv[0] its bare name)."""

    def __init__(self, label, algo, args, stdin=None, via="sum", check=None, priv=False):
        self.label, self.algo, self.args, self.stdin = label, algo, [b(a) for a in args], stdin
        self.via, self.check, self.priv = via, check, priv
        self.prog = COREUTILS[algo][0] if algo in COREUTILS and check is None else None


class SumRunner(Runner):
    """The shared Runner, running each Case under kit and (unless kit-only) under coreutils."""

    def __init__(self, kit, jobs, tmp):
        super().__init__(kit, jobs=jobs, timeout=TIMEOUT, max_reports=MAX_REPORTS)
        self.linkdir = os.path.join(tmp, "links")
        os.makedirs(self.linkdir, exist_ok=True)
        for prog in PROGRAMS:
            os.symlink(kit, os.path.join(self.linkdir, prog))
        self.real = {}
        for prog in PROGRAMS:
            path = shutil.which(prog)
            if not path:
                sys.exit(f"sum_vs_coreutils: {prog} not found")
            self.real[prog] = os.path.realpath(path)
        self.setpriv = shutil.which("setpriv")

    def kit_argv(self, case):
        if case.via == "sum":
            return [b(self.kit), b"sum", b"-a", b(case.algo)] + case.args, self.kit
        prog = COREUTILS[case.algo][0]
        link = os.path.join(self.linkdir, prog)
        if case.via == "link":
            return [b(link)] + case.args, link
        return [b(prog)] + case.args, link

    def run_argv(self, argv, executable, cwd, stdin, priv, env=ENV):
        """(stdout, stderr, exit status) of one program; as uid 65534 when priv."""
        if priv:  # setpriv execs argv[0] through PATH: the bare coreutils name still works
            argv = [b(self.setpriv), b"--reuid=65534", b"--regid=65534", b"--clear-groups"] + argv
            executable = self.setpriv
        rc, out, err = self.execute(argv, executable=executable, cwd=cwd, stdin=stdin, env=env)
        return out, err, rc

    def expected(self, case, cwd):
        prog = case.prog
        # coreutils names itself after argv[0] exactly as given, so it gets kit's argv[0]:
        # the bare name, or for "link" the symlink's absolute path.
        argv0 = os.path.join(self.linkdir, prog) if case.via == "link" else prog
        out, err, rc = self.run_argv([b(argv0)] + case.args, self.real[prog], cwd, case.stdin,
                                    case.priv)
        if case.via == "sum":
            err = re.sub(rb"(?m)^" + re.escape(b(prog)) + rb": ", b"kit sum: ", err)
            err = err.replace(b"Try '" + b(prog) + b" --help'", b"Try 'kit sum --help'")
        return out, err, rc

    def one(self, case, cwd):
        exp = self.expected(case, cwd) if case.prog else None
        argv, exe = self.kit_argv(case)
        env = ENV
        if case.via == "bare":  # for setpriv, which finds argv[0] through PATH
            env = dict(ENV, PATH=self.linkdir + os.pathsep + ENV.get("PATH", ""))
        act = self.run_argv(argv, exe, cwd, case.stdin, case.priv, env)
        if exp is not None:
            problems = compare(exp, act)
        else:
            problems = case.check(*act)
        return case, argv, exp, act, problems

    def check_cases(self, cases, cwd):
        """Runs the cases (at most `jobs` kit processes at a time); returns the results."""
        results = self.map(lambda c: self.one(c, cwd), cases)
        for case, argv, exp, act, problems in results:
            self.runs += 1
            self.checks += 1
            if problems:
                self.mismatch(case.label, *report_lines(case, argv, exp, act, problems))
        return results


def compare(exp, act):
    problems = []
    (eo, ee, er), (ao, ae, ar) = exp, act
    if eo != ao:
        problems.append(("stdout", first_difference(eo, ao)))
    if ee != ae:
        if len(ee) + len(ae) < 500:
            problems.append(("stderr", f"expected {clip(ee)}\n        kit      {clip(ae)}"))
        else:
            problems.append(("stderr", first_difference(ee, ae)))
    if er != ar:
        problems.append(("exit", f"expected {er}, kit {ar}"))
    return problems


def first_difference(exp, act):
    sep = b"\0" if exp.count(b"\0") > exp.count(b"\n") else b"\n"
    el, al = exp.split(sep), act.split(sep)
    for i, (x, y) in enumerate(zip(el, al)):
        if x != y:
            return (f"record {i + 1} of {len(el)} (kit {len(al)}): expected {clip(x)}\n"
                    f"        kit      {clip(y)}")
    return (f"{len(el)} records expected, kit printed {len(al)}; first extra: "
            f"{clip((el if len(el) > len(al) else al)[min(len(el), len(al))])}")


def report_lines(case, argv, exp, act, problems):
    cmd = " ".join(show_arg(a) for a in argv)
    lines = [f"$ {clip(cmd, 500)}"]
    if case.stdin is not None:
        lines.append(f"stdin: {len(case.stdin)} bytes {clip(case.stdin, 120)}")
    for field, text in problems:
        lines.append(f"{field}: {text}")
    if exp is not None and not any(f == "stderr" for f, _ in problems) and exp[1]:
        lines.append(f"(stderr, equal: {clip(exp[1], 200)})")
    return lines


# --------------------------------------------------------------------------- files

# Names that matter to the escaping and quoting rules; none is "-" (that is stdin).
SPECIAL_NAMES = [
    b"plain.bin", b"with space", b"back\\slash", b"new\nline", b"cr\rname", b"endcr\r",
    b"-dash", b"--ddash", "\u00fcn\u00efc\u00f8d\u00e9".encode(), b"tab\there", b"star*",
    b"paren(x)", b"close)paren", b"eq = sign", b" leading space", b"trailing space ",
    b"*leadstar", b"#hash", b"\\leadbackslash", b"multi\\\\\n\r\n", b"it's", b'q"uote',
    b"\xff\xfe", b"lit\\n", b"MD5 (fake) = 00", b"x~", b"$dollar", b"a\\", b"\\",
]
NAME_PIECES = [b"a", b"b", b"Z", b"0", b"9", b" ", b"\\", b"\n", b"\r", b"\t", b"*", b"(",
               b")", b"=", b"'", b'"', b"#", b"~", b"-", b".", "\u00e9".encode(), b"\x7f",
               b"\xc3", b"x y", b"\\n"]


def random_name(rng, i):
    parts = [b"r%04d" % i]
    if rng.random() < 0.25:
        parts += [rng.choice(NAME_PIECES) for _ in range(rng.randint(1, 4))]
    return b"".join(parts)


def write(tmp, name, data):
    with open(os.path.join(b(tmp), name), "wb") as f:
        f.write(data)


def log_uniform(rng, hi):
    return min(hi, int(math.exp(rng.uniform(0, math.log(hi + 1)))) - 1)


def make_files(rng, tmp, n_random, max_len=200_000):
    """Writes the special names and n_random others; returns {name: data}."""
    files = {}
    boundaries = [0, 1, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129]
    for i, name in enumerate(SPECIAL_NAMES):
        n = boundaries[i] if i < len(boundaries) else rng.randint(0, 300)
        files[name] = rng.randbytes(n)
    for i in range(n_random):
        files[random_name(rng, i)] = rng.randbytes(log_uniform(rng, max_len))
    for name, data in files.items():
        write(tmp, name, data)
    return files


# --------------------------------------------------------------------------- hash

HASH_CONFIGS = [("md5", []), ("sha1", []), ("sha224", []), ("sha256", []), ("sha384", []),
                ("sha512", []), ("blake2b", []), ("blake2b", ["-l", "8"]),
                ("blake2b", ["-l", "128"]), ("blake2b", ["-l", "256"]),
                ("blake2b", ["-l", "512"])]


def hash_cases(rng, files, big, via="sum", configs=HASH_CONFIGS, full=True):
    names = list(files)
    special = [n for n in names if n in SPECIAL_NAMES]
    randoms = [n for n in names if n not in SPECIAL_NAMES]
    cases = []
    for algo, extra in configs:
        tag = f"{via}:{algo}{''.join(' ' + e for e in extra)}"
        subset = special + rng.sample(randoms, min(40, len(randoms)))
        nodash = [n for n in subset if not n.startswith(b"-")]
        rng.shuffle(subset)
        if full:
            allnames = names + ([big] if big and not extra else [])
            cases.append(Case(f"{tag} all files", algo, extra + ["--"] + allnames, via=via))
        else:
            cases.append(Case(f"{tag} subset", algo, extra + ["--"] + subset, via=via))
        for opts in (["-b"], ["-t"], ["--tag"], ["-z"], ["--tag", "-z"], ["-bz"],
                     ["--binary", "--text"], ["--text", "--tag"]):
            if not full and opts not in (["--tag"], ["-z"], ["-b"]):
                continue
            cases.append(Case(f"{tag} {' '.join(opts)}", algo, extra + opts + ["--"] + subset,
                              via=via))
        data = rng.randbytes(log_uniform(rng, 200_000))
        cases.append(Case(f"{tag} stdin piped", algo, extra, stdin=data, via=via))
        if full:
            cases.append(Case(f"{tag} stdin as - twice", algo,
                              extra + [nodash[0], "-", nodash[1], "-"], stdin=data, via=via))
            half = len(nodash) // 2
            cases.append(Case(f"{tag} options after operands", algo,
                              nodash[:half] + extra + ["--tag"] + nodash[half:], via=via))
    return cases


def group_hash(runner, rng, tmp):
    files = make_files(rng, tmp, 1000)
    big = b"big-10MB file"
    write(tmp, big, rng.randbytes(10 * 1024 * 1024))
    cases = hash_cases(rng, files, big)
    runner.check_cases(cases, tmp)
    return len(cases)


# --------------------------------------------------------------------------- check


def hexcase(rng, h):
    mode = rng.random()
    if mode < 0.5:
        return h.upper()
    return "".join(c.upper() if rng.random() < 0.5 else c for c in h)


def escape_name(name):
    return name.replace(b"\\", b"\\\\").replace(b"\n", b"\\n").replace(b"\r", b"\\r")


class LineMaker:
    """Random manifest lines for one algorithm, over the files in `files`."""

    def __init__(self, rng, algo, files, missing, dirs):
        self.rng, self.algo, self.files = rng, algo, files
        self.names = list(files)
        self.missing, self.dirs = missing, dirs
        self.tag = COREUTILS[algo][1]
        self.bits = COREUTILS[algo][2]

    def pick_bits(self):
        if self.algo != "blake2b" or self.rng.random() < 0.4:
            return self.bits
        return self.rng.choice([8, 16, 64, 128, 160, 256, 384, 504, 512])

    def hexof(self, name, bits):
        data = self.files.get(name, b"")
        return digest(self.algo, data, bits if self.algo == "blake2b" else None)

    def tag_for(self, bits):
        if self.algo == "blake2b" and bits != 512:
            return f"BLAKE2b-{bits}"
        return self.tag

    def entry(self, name, h, bits, style, escape=None):
        """A well-formed line: style "text", "binary" or "tag"."""
        needs = b"\n" in name or (b"\\" in name or b"\r" in name)
        if escape is None:
            escape = needs if b"\n" in name else (needs and self.rng.random() < 0.7)
        shown = escape_name(name) if escape else name
        lead = b"\\" if escape else b""
        if style == "tag":
            return lead + f"{self.tag_for(bits)} (".encode() + shown + b") = " + h.encode()
        return lead + h.encode() + (b" *" if style == "binary" else b"  ") + shown

    def line(self):
        rng = self.rng
        r = rng.random()
        name = rng.choice(self.names)
        bits = self.pick_bits()
        h = self.hexof(name, bits)
        style = rng.choice(["text", "binary", "tag"])
        if r < 0.30:
            return self.entry(name, h, bits, style)
        if r < 0.36:
            return self.entry(name, hexcase(rng, h), bits, style)
        if r < 0.44:  # wrong digest
            i = rng.randrange(len(h))
            bad = h[:i] + ("0" if h[i] != "0" else "1") + h[i + 1:]
            return self.entry(name, bad, bits, style)
        if r < 0.50:  # missing file
            return self.entry(rng.choice(self.missing), h, bits, style)
        if r < 0.52:
            return self.entry(rng.choice(self.dirs), h, bits, style)
        if r < 0.56:
            return self.entry(name, h, bits, style) + b"\r"
        if r < 0.60:
            ws = b"".join(rng.choice([b" ", b"\t"]) for _ in range(rng.randint(1, 3)))
            return ws + self.entry(name, h, bits, style)
        if r < 0.64:
            return rng.choice([b"", b"\r", b" ", b"\t", b"#", b"# comment " + name,
                               b"#" + self.entry(name, h, bits, style)])
        if r < 0.68:  # tagged spacing variants (some valid, some not)
            t = self.tag_for(bits).encode()
            n = escape_name(name) if b"\n" in name else name
            lead = b"\\" if b"\n" in name else b""
            forms = [t + b"(" + n + b")= " + h.encode(), t + b" (" + n + b")=" + h.encode(),
                     t + b" (" + n + b")  =  " + h.encode(), t + b"  (" + n + b") = " + h.encode(),
                     t + b"\t(" + n + b") = " + h.encode(),
                     t + b" (" + n + b") = " + h.encode() + b" ",
                     t + b" (" + n + b") =\t" + h.encode(), t + b" (" + n + b" = " + h.encode(),
                     t + b" (" + n + b") " + h.encode(),
                     t.lower() + b" (" + n + b") = " + h.encode()]
            return lead + rng.choice(forms)
        if r < 0.72:  # wrong tag
            other = rng.choice([v[1] for v in COREUTILS.values()] + ["SHA3-256", "BLAKE2s", "CRC"])
            return f"{other} (".encode() + name.replace(b"\n", b"") + b") = " + h.encode()
        if r < 0.78:  # malformed digests and separators
            forms = [h[:-1] + "  ", h + "0  ", h[:-2] + "  ", h[:-1] + "g  ", "  ", h + "\t",
                     h + " ", h + "\t\t", "x" + h[1:] + "  ", h + "*", h]
            f = rng.choice(forms).encode()
            return f + (name.replace(b"\n", b"") if not f.endswith(b"*") else name[:1])
        if r < 0.83:  # escapes, good and bad
            forms = [b"\\" + h.encode() + b"  " + name.replace(b"\n", b"") + b"\\x",
                     b"\\" + h.encode() + b"  " + escape_name(name) + b"\\",
                     b"\\" + h.encode() + b"  \\" + name[:1],
                     b"\\ " + h.encode() + b"  " + escape_name(name),
                     b" \\" + h.encode() + b"  " + escape_name(name),
                     b"\\" + h.encode() + b"  " + escape_name(name),
                     b"\\\\" + h.encode() + b"  " + escape_name(name),
                     b"\\", b"\\\\", b"\\\r"]
            return rng.choice(forms)
        if r < 0.87:  # BSD reversed (single space) and near forms
            return rng.choice([h.encode() + b" " + name.replace(b"\n", b""),
                               h.encode() + b" *", h.encode() + b"  x", h.encode() + b" -"])
        if r < 0.90 and self.algo == "blake2b":
            n = rng.choice(["7", "0", "520", "08", "0x8", "+8", " 8", "16", "1024", "", "-8",
                            "256", "99999999999999999999"])
            return (f"BLAKE2b-{n} (".encode() + name.replace(b"\n", b"") + b") = "
                    + self.hexof(name, 8).encode())
        if r < 0.90:
            return h.encode() + b"  " + name.replace(b"\n", b"") + b"\0tail"
        if r < 0.93:  # stdin name and odd names
            e = digest(self.algo, b"", self.bits if self.algo == "blake2b" else None)
            return rng.choice([e.encode() + b"  -", f"{self.tag} (-) = {e}".encode(),
                               h.encode() + b"  " + b"./" + name.replace(b"\n", b"")])
        if r < 0.95:
            return bytes(rng.choice(b"0123456789abcdef (=)*\\ \tSHAMDBLK") for _ in
                         range(rng.randint(1, 200)))
        if r < 0.96:
            return b"z" * rng.randint(3000, 20000)
        if self.algo == "blake2b":  # untagged with an odd or too long hex count
            hx = "ab" * rng.choice([0, 65, 66]) + rng.choice(["", "a"])
            return hx.encode() + b"  " + name.replace(b"\n", b"")
        return self.entry(name, h, bits, style, escape=True)

    def manifest(self, n_lines):
        lines = [self.line() for _ in range(n_lines)]
        body = b"\n".join(lines)
        return body + (b"\n" if self.rng.random() < 0.85 else b"")


def check_cases(rng, tmp, algo, files, via="sum", scale=1.0):
    prog = COREUTILS[algo][0]
    missing = [b"nofile", b"no such\nfile", b"no\\file", b"gone one", b"\xffgone"]
    dirs = [b"adir", b"dir with space"]
    lm = LineMaker(rng, algo, files, missing, dirs)
    names = [n for n in files]
    tagname = via + ":" + algo
    seq = [0]

    def mf(content, name=None):
        seq[0] += 1
        fname = name or f"m-{via}-{algo}-{seq[0]:03d}".encode()
        write(tmp, fname, content)
        return fname

    def hand(k=None):
        return mf(lm.manifest(k or rng.randint(3, 25)))

    # Manifests written by coreutils itself.
    real = shutil.which(prog)
    gen = []
    for opts in ([], ["-b"], ["--tag"]):
        subset = rng.sample(names, min(25, len(names)))
        extra = ["-l", str(rng.choice([8, 128, 256, 512]))] if algo == "blake2b" and opts else []
        p = subprocess.run([prog] + extra + opts + ["--"] + subset, executable=real, cwd=tmp,
                           env=ENV, capture_output=True, check=True)
        gen.append(mf(p.stdout))
    allmissing = mf(b"".join(lm.entry(m, lm.hexof(m, lm.bits), lm.bits, "text") + b"\n"
                             for m in missing))
    some = [lm.entry(m, lm.hexof(m, lm.bits), lm.bits, rng.choice(["text", "tag"]))
            for m in missing]
    for n in rng.sample(names, 6):
        some.append(lm.entry(n, lm.hexof(n, lm.bits), lm.bits, "binary"))
    rng.shuffle(some)
    somemissing = mf(b"\n".join(some) + b"\n")
    good_only = lm.entry(names[0], lm.hexof(names[0], lm.bits), lm.bits, "text") + b"\n"
    goodbad = mf(good_only + b"garbage line\n" + good_only)
    empty = mf(b"")
    weird = mf(lm.manifest(8), name=f"man ifest {via} {algo}".encode())
    c = []

    def add(label, args, stdin=None):
        c.append(Case(f"{tagname} {label}", algo, args, stdin=stdin, via=via))

    add("-c coreutils manifests", ["-c"] + gen)
    for i in range(int(6 * scale)):
        opts = rng.choice([[], [], ["-w"], ["--quiet"], ["--status"], ["--strict"],
                           ["-w", "--strict"], ["--quiet", "-w"], ["-w", "--quiet"],
                           ["--status", "-w"], ["--ignore-missing"], ["--strict", "--status"]])
        add(f"-c random manifests {' '.join(opts)}",
            ["--check"] + opts + [hand() for _ in range(rng.randint(1, 4))])
    add("-c quiet/status/strict on good+garbage", ["-c", "--strict", goodbad, "-w", goodbad])
    add("--status --strict", ["-c", "--status", "--strict", goodbad])
    add("--ignore-missing all missing", ["-c", "--ignore-missing", allmissing])
    add("--ignore-missing some missing", ["-c", "--ignore-missing", somemissing, allmissing])
    add("--ignore-missing --quiet", ["--ignore-missing", "--quiet", "-c", somemissing])
    add("--ignore-missing --status", ["--ignore-missing", "--status", "-c", allmissing])
    add("no --ignore-missing", ["-c", somemissing])
    add("manifest on stdin (-)", ["-c", "-"], stdin=lm.manifest(15))
    add("manifest on stdin (no operand) -w", ["-c", "-w"], stdin=lm.manifest(15))
    add("stdin manifest then file, file has '-'", ["-c", "-", hand()],
        stdin=lm.manifest(6) + b"\n" + lm.line())
    with open(os.path.join(b(tmp), gen[0]), "rb") as f:
        add("- twice", ["-c", "-", "-"], stdin=f.read())
    add("empty manifest and others", ["-c", empty, gen[1], "-w", weird])
    add("missing manifest, directory manifest", ["-c", b"nomanifest", hand(), dirs[0]])
    if via == "sum":
        add("--strict -w quiet big", ["--strict", "-c", "-w"] + [hand(40) for _ in range(3)])
    return c


def make_check_tree(rng, tmp):
    files = make_files(rng, tmp, 30, max_len=3000)
    for d in (b"adir", b"dir with space"):
        os.makedirs(os.path.join(b(tmp), d), exist_ok=True)
    return files


def group_check(runner, rng, tmp):
    files = make_check_tree(rng, tmp)
    cases = []
    for algo in COREUTILS:
        cases += check_cases(rng, tmp, algo, files)
    runner.check_cases(cases, tmp)
    return len(cases)


# --------------------------------------------------------------------------- errors


COMMON_BAD = [
    ["-q", "a"], ["-h"], ["--bogus", "a"], ["-x", "-y"], ["--tag=1", "a"], ["--che=x", "a"],
    ["--check=", "a"], ["--st", "a"], ["--s", "a"], ["--t", "a"], ["--st=1", "a"],
    ["--sta", "a"], ["--stat", "a"], ["--ta", "a"], ["--w", "a"], ["--c", "a"], ["--q", "a"],
    ["--i", "a"], ["--help=1"], ["--ver=1"], ["--bogus", "--help"], ["-q", "--help"],
    ["--tag", "-t", "a"], ["-t", "--tag", "a"], ["-t", "--tag", "-t", "a"],
    ["--tag", "--text", "a"], ["--text", "--tag", "a"],
    ["-z", "-c", "a"], ["--tag", "-c", "a"], ["--tag", "-z", "-c", "a"], ["-b", "--tag", "-c", "a"],
    ["-bc", "a"], ["-c", "-b", "a"], ["-c", "-t", "a"], ["-c", "--binary", "a"],
    ["--quiet", "a"], ["--status", "a"], ["--strict", "a"], ["-w", "a"], ["--warn", "a"],
    ["--ignore-missing", "a"], ["--quiet", "--status", "a"],
    ["--status", "--ignore-missing", "--strict", "-w", "--quiet", "a"],
    ["--strict", "--quiet", "a"], ["-w", "--status", "a"], ["--zero", "--check", "a"],
    ["--", "--", "a"], ["a", "-b"], ["a", "--", "-b"], ["-c", "--", "-dash"], ["--tag", "--", "-"],
    ["-c", "a", "--tag"], ["-c", "-z", "--bogus"], ["--tag", "--bogus"],
    ["--length=8", "a"],
]
B2_BAD = [["-l", v, "a"] for v in ["7", "4", "1", "520", "1024", "4294967296", "abc", "-8", "0x10",
                                   "16 ", "16k", "", "99999999999999999999",
                                   "18446744073709551616", " 16", "+16", "08", "0", "512", "16"]]
B2_BAD += [["-l", "520", "-l", "8", "a"], ["-l", "7", "-l", "8", "a"], ["-l", "7", "-q", "a"],
           ["-q", "-l", "7", "a"], ["-l", "520", "-q", "a"], ["-l", "7", "--help"],
           ["-l", "x", "--help"], ["--tag", "-t", "-l", "520", "a"],
           ["-l", "7", "--tag", "-c", "a"],
           ["-l"], ["-bl"], ["--length"], ["--len"], ["--len=8", "a"], ["--l", "8", "a"],
           ["--le", "8", "a"], ["-l8", "a"], ["-bl8", "a"], ["-bl", "8", "a"], ["a", "-l", "16"],
           ["-l", "16", "-c", "a"], ["-c", "-l", "16", "a"], ["--length=", "a"],
           ["-l", "0", "--tag", "a"], ["-l", "512", "--tag", "a"], ["-l", "264", "--tag", "a"]]


def error_cases(rng, tmp, via, algos):
    c = []
    for algo in algos:
        tag = f"{via}:{algo}"
        good = [b"a", b"with space", b"back\\slash", b"new\nline"]
        for opts in ([], ["--tag"], ["-z"], ["-b"]):
            args = opts + ["--", good[0], b"nofile", good[1], b"adir", b"", good[2],
                           b"no such\nfile", b"it's gone", b"\xffx", b"$x", good[3], b"x~y",
                           b"#x", b"a#", b"~x", b"-", b"-missing"]
            c.append(Case(f"{tag} missing/dir/empty names {' '.join(opts)}", algo, args,
                          stdin=b"stdin data", via=via))
        bad = COMMON_BAD
        if algo not in ("sha256", "blake2b"):  # the whole list for two, a sample for the rest
            bad = rng.sample(COMMON_BAD, 12)
        bad = bad + (B2_BAD if algo == "blake2b" else [["-l", "8", "a"], ["-l"],
                                                       ["--length", "8", "a"]])
        if via == "sum":
            # kit sum itself takes -a/-l; the personalities check -l on sha*sum.
            bad = [a for a in bad
                   if not (algo != "blake2b" and a and a[0].startswith(("-l", "--l")))]
        for args in bad:
            c.append(Case(f"{tag} options {' '.join(args)}", algo, args, via=via))
    return c


def unreadable_cases(runner, tmp, via, algo):
    path = os.path.join(tmp, "unreadable")
    with open(path, "wb") as f:
        f.write(b"secret")
    os.chmod(path, 0)
    cases = []
    note = None
    if os.geteuid() == 0:
        probe = None
        if runner.setpriv:
            probe = subprocess.run([runner.setpriv, "--reuid=65534", "--regid=65534",
                                    "--clear-groups", runner.kit, "--version"],
                                   cwd=tmp, env=ENV, capture_output=True)
        if probe is None or probe.returncode != 0:
            note = ("running as root, which can read a mode-000 file, and setpriv cannot run "
                    "kit as uid 65534: unreadable-file case skipped")
            return cases, note
        priv = True
        note = "running as root: the unreadable-file cases run both programs as uid 65534"
    else:
        priv = False
    prog = COREUTILS[algo][0]
    argv = ([runner.setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] if priv else [])
    probe = subprocess.run(argv + [prog, "unreadable"], cwd=tmp, env=ENV, capture_output=True)
    if b"Permission denied" not in probe.stderr:
        return cases, f"{prog} can read a mode-000 file here: unreadable-file case skipped"
    cases.append(Case(f"{via}:{algo} unreadable file", algo, ["a", "unreadable", "a"], via=via,
                      priv=priv))
    man = os.path.join(tmp, "m-unreadable")
    with open(man, "wb") as f:
        f.write(b"%s  unreadable\n%s  a\n" % (digest(algo, b"secret").encode(),
                                              digest(algo, b"a-data").encode()))
    os.chmod(man, 0o644)
    cases.append(Case(f"{via}:{algo} -c unreadable file listed", algo, ["-c", "m-unreadable"],
                      via=via, priv=priv))
    cases.append(Case(f"{via}:{algo} -c unreadable manifest", algo,
                      ["-c", "unreadable", "m-unreadable"], via=via, priv=priv))
    return cases, note


def make_error_tree(tmp):
    for name, data in ((b"a", b"a-data"), (b"with space", b"x"), (b"back\\slash", b"y"),
                       (b"new\nline", b"z"), (b"-dash", b"dash")):
        write(tmp, name, data)
    os.makedirs(os.path.join(b(tmp), b"adir"), exist_ok=True)


def unknown_algorithm_check(out, err, rc):
    problems = []
    if rc != 2:
        problems.append(("exit", f"expected 2, kit {rc}"))
    if out:
        problems.append(("stdout", f"expected nothing, kit {clip(out)}"))
    if not err.startswith(b"kit sum: "):
        problems.append(("stderr", f"expected a line starting 'kit sum: ', kit {clip(err)}"))
    return problems


def group_errors(runner, rng, tmp):
    make_error_tree(tmp)
    cases = error_cases(rng, tmp, "sum", list(COREUTILS))
    extra, note = unreadable_cases(runner, tmp, "sum", "sha256")
    cases += extra
    for args in (["nope", "a"], ["NOPE"], ["", "a"], ["sha256sum", "a"], ["sha257", "a"]):
        cases.append(Case(f"kit sum -a {args[0]!r} (unknown algorithm)", args[0], args[1:],
                          check=unknown_algorithm_check))
    if note:
        print(f"errors: {note}")
    runner.check_cases(cases, tmp)
    return len(cases)


# --------------------------------------------------------------------------- personalities


def group_personalities(runner, rng, tmp):
    make_error_tree(tmp)
    files = make_check_tree(rng, tmp)
    cases = []
    for algo in COREUTILS:
        for via in ("link", "bare"):
            sub = rng.sample(list(files), 12) + [n for n in SPECIAL_NAMES[:8]]
            cases.append(Case(f"{via}:{algo} hash", algo, ["--"] + sub, via=via))
            cases.append(Case(f"{via}:{algo} --tag -z", algo, ["--tag", "-z", "--"] + sub, via=via))
            cases.append(Case(f"{via}:{algo} stdin", algo, [], stdin=b"piped", via=via))
        cases += check_cases(rng, tmp, algo, files, via="link", scale=0.34)[:6]
        errs = error_cases(rng, tmp, "link", [algo])
        cases += errs[:4] + rng.sample(errs[4:], min(12, len(errs) - 4))
        cases += [Case(f"bare:{algo} options {' '.join(a)}", algo, a, via="bare")
                  for a in (["-q", "a"], ["--bogus"], ["--tag", "-c", "a"], ["-l", "8", "a"],
                            ["--length=8", "a"], ["-l", "7", "a"], ["--st", "a"], ["nofile"])]
    extra, note = unreadable_cases(runner, tmp, "bare", "sha256")
    cases += extra
    if note:
        print(f"personalities: {note}")
    runner.check_cases(cases, tmp)
    return len(cases)


# --------------------------------------------------------------------------- hashlib


def expect_lines(pairs):
    return b"".join(h.encode() + b"  " + n + b"\n" for n, h in pairs)


def exact_check(out_exp, err_exp=b"", rc_exp=0):
    def check(out, err, rc):
        return compare((out_exp, err_exp, rc_exp), (out, err, rc))
    return check


def group_hashlib(runner, rng, tmp):
    lengths = sorted({0, 1, 2, 63, 64, 65, 71, 72, 73, 103, 104, 105, 127, 128, 129, 135, 136,
                      137, 143, 144, 145, 167, 168, 169, 1000, 4096, 65536, 100_000}
                     | {log_uniform(rng, 200_000) for _ in range(30)})
    files = {}
    for i, n in enumerate(lengths):
        name = b"h%03d len %d" % (i, n)
        files[name] = rng.randbytes(n)
        write(tmp, name, files[name])
    names = list(files)
    # The harness's own premise: hashlib agrees with coreutils where both exist.
    for algo, (prog, _, _) in COREUTILS.items():
        p = subprocess.run([prog, "--"] + names, cwd=tmp, env=ENV, capture_output=True)
        if p.stdout != expect_lines((n, digest(algo, files[n])) for n in names):
            sys.exit(f"sum_vs_coreutils: hashlib and {prog} disagree; the test is wrong")
    algos = list(HASHLIB_ALGOS)
    try:
        import xxhash  # noqa: F401  (not installed on the reference machines)
        algos += ["xxh3_64", "xxh128"]
    except ImportError:
        print("hashlib: python has no xxhash module; xxh3_64/xxh128 not tested")
    cases = []
    for algo in algos:
        if algo.startswith("xxh"):
            import xxhash
            fn = {"xxh3_64": xxhash.xxh3_64, "xxh128": xxhash.xxh3_128}[algo]
            pairs = [(n, fn(files[n]).hexdigest()) for n in names]
        else:
            pairs = [(n, hashlib.new(algo, files[n]).hexdigest()) for n in names]
        cases.append(Case(f"hashlib:{algo} hash", algo, ["--"] + names,
                          check=exact_check(expect_lines(pairs))))
        cases.append(Case(f"hashlib:{algo} stdin", algo, [], stdin=files[names[-1]],
                          check=exact_check(expect_lines([(b"-", pairs[-1][1])]))))
        man = b"hl-%s" % algo.encode()
        bad_name, bad_hex = pairs[3]
        bad_hex = ("1" if bad_hex[0] == "0" else "0") + bad_hex[1:]
        write(tmp, man, expect_lines(pairs[:3] + [(bad_name, bad_hex)] + pairs[4:8]))
        out = b"".join(n + (b": FAILED\n" if i == 3 else b": OK\n")
                       for i, (n, _) in enumerate(pairs[:8]))
        cases.append(Case(f"hashlib:{algo} -c", algo, ["-c", man], check=exact_check(
            out, b"kit sum: WARNING: 1 computed checksum did NOT match\n", 1)))
    notes = []
    for algo in ("shake_128", "shake_256"):
        for flag in ("-l", "--length"):  # kit's help says "-l"; the brief said --length
            argv = [runner.kit, "sum", "-a", algo, flag, "32", "--", names[5]]
            p = subprocess.run(argv, cwd=tmp, env=ENV, capture_output=True, timeout=TIMEOUT)
            runner.runs += 1
            if p.returncode == 0:
                break
        if p.returncode == 2 and b"length" in p.stderr:
            notes.append(f"{algo}: kit exits 2 naming 'length' ({clip(p.stderr, 100)}); skipped")
            continue
        m = re.match(rb"([0-9a-f]+)  ", p.stdout)
        if p.returncode != 0 or not m:
            runner.mismatches += 1
            print(f"MISMATCH hashlib:{algo} {flag} 32\n  $ {' '.join(show_arg(a) for a in argv)}\n  "
                  f"kit: exit {p.returncode}, stdout {clip(p.stdout)}, stderr {clip(p.stderr)}")
            continue
        nbytes = len(m.group(1)) // 2  # 32 if the length counts bytes, 4 if bits
        notes.append(f"{algo}: {flag} 32 gives {nbytes} bytes")
        for length in ([1, 32, 64, 100] if nbytes == 32 else [8, 256, 512, 800]):
            size = length if nbytes == 32 else length // 8
            pairs = [(n, hashlib.new(algo, files[n]).hexdigest(size)) for n in names]
            cases.append(Case(f"hashlib:{algo} {flag} {length}", algo,
                              [flag, str(length), "--"] + names,
                              check=exact_check(expect_lines(pairs))))
    for note in notes:
        print(f"hashlib: {note}")
    runner.check_cases(cases, tmp)
    return len(cases)


# --------------------------------------------------------------------------- main

GROUPS = {
    "hash": group_hash,
    "check": group_check,
    "errors": group_errors,
    "personalities": group_personalities,
    "hashlib": group_hashlib,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kit", required=True, help="path to the kit binary")
    parser.add_argument("--jobs", type=int, default=2, help="kit processes at a time (default 2)")
    parser.add_argument("group", choices=[*GROUPS, "all"])
    options = parser.parse_args()
    kit = os.path.abspath(options.kit)
    if not os.access(kit, os.X_OK):
        parser.error(f"not an executable: {options.kit}")
    root = random.Random(SEED)
    seeds = {name: root.getrandbits(64) for name in GROUPS}
    groups = list(GROUPS) if options.group == "all" else [options.group]
    start = time.monotonic()
    failed = False
    total_runs = 0
    for name in groups:
        t0 = time.monotonic()
        with tempfile.TemporaryDirectory(prefix=f"kit-sum-{name}-") as tmp:
            os.chmod(tmp, 0o755)
            runner = SumRunner(kit, max(1, options.jobs), tmp)
            work = os.path.join(tmp, "work")
            os.mkdir(work)
            n = GROUPS[name](runner, random.Random(seeds[name]), work)
            runner.pool.shutdown()
            for dirpath, _, _ in os.walk(tmp):  # mode-000 files must not stop the cleanup
                os.chmod(dirpath, 0o755)
        failed |= runner.mismatches > 0
        total_runs += runner.runs
        print(f"{name}: {n} cases, {runner.mismatches} mismatches ({runner.runs} kit runs) "
              f"in {time.monotonic() - t0:.1f}s")
    print(f"{'all' if len(groups) > 1 else groups[0]}: {'FAILED' if failed else 'ok'} "
          f"({total_runs} kit runs) in {time.monotonic() - start:.1f}s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
