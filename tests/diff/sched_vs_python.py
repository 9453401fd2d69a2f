#!/usr/bin/env python3
"""Differential test: kit::sched (through tests/diff/sched_driver), `kit top` and `kit merge`
against CPython's heapq, the tutorial's JobScheduler and GNU sort(1).

Usage: sched_vs_python.py --kit PATH --driver PATH [--keep DIR] GROUP
       (GROUP: aging, heapq, merge, top or all)

The driver reads a line protocol on stdin (see the header of tests/diff/sched_driver.cpp):
every random sequence of a group is one script, the scripts of a batch are concatenated (an
`aging ...` or `pq ...` line starts each) and run by ONE driver process, and every output line
is compared with what the Python reference printed for the same line. kit top and kit merge
run with LC_ALL=C, their stdout compared byte for byte with `LC_ALL=C sort ...` run on the same
files (at most one kit and one sort at a time; a sanitizer build pays ~75 ms a start, so merge
and top run about 120 cases each). Random cases come from fixed seeds (one per group), so every
run checks the same inputs; --keep DIR leaves the generated scripts and files there.

Groups:
  aging   AgingScheduler against a port of the tutorial's JobScheduler ("Real-Life Example:
          Job Scheduler with Aging") on an injected clock in integer nanoseconds, with
          configurable interval and boost: 3,000 random sequences (submit with priorities
          0..20, some negative, some large; clock advances of 0, exact multiples of the
          interval, interval ± 1, random amounts crossing interval edges and long jumps; pop,
          also when empty; cancel of queued, popped, cancelled and never-issued ids) in 6
          driver runs, one long sequence (5,000 operations, ~2,000 jobs), and the tutorial's
          own four jobs (priorities 5, 1, 3, 7 -> ids 1, 2, 0, 3 with effective 1, 3, 5, 7).
  heapq   PriorityQueue (min and max) against heapq with (priority, counter, ...) entries and
          the heapq documentation's lazy deletion (entry_finder, REMOVED marker) for update and
          remove: 3,000 random push/update/remove/pop sequences in 6 driver runs plus two of
          50,000 operations (min and max); priorities from narrow ranges (ties: first pushed
          leaves first), wide ranges and the int64 limits; update and remove of queued, gone
          and unknown handles. kit's update keeps the item's place among equals (its counter
          is the one it got when pushed), so the reference re-enters an updated item with its
          original counter (the docs' add_task would give it a new one).
  merge   `kit merge [-n] [-r] FILE...` == `LC_ALL=C sort -m [-n] [-r] FILE...` on 1-12 files
          sorted by sort itself (one case: 12 files, 20,000 lines): empty files, last lines
          without a newline, the same lines in several files, numbers with leading blanks and
          zeros, signs, decimals, -0, `+1`, `1e3`, `1,5`, 30-digit numbers, non-numbers, blank
          lines, bytes >= 0x80, NUL, CR, VT, long lines (up to 100 KB), standard input as one
          of the files; a missing file (exit 2, `kit merge: ` on stderr, nothing on stdout).
  top     `kit top -n N [--min|--max] [-N] [-k F] [-t SEP] FILE...` ==
          `LC_ALL=C sort [-n] [-r unless --min] [-t SEP] [-k F,F] FILE... | head -n N` (the
          default is --max, and -n 10): ties, N = 0, 1, the file's length and beyond; fields
          missing on some lines, empty fields, blank-separated fields (no -t) with runs of
          spaces and tabs and leading blanks, separators `,` `:` `|` space and tab; standard
          input (no FILE and `-`), several files, files without a last newline; an 11 MB file
          (kit cuts files into 8 MiB pieces, one heap each).
Reference decision: GNU sort -n in the C locale reads byte 0x80 as a thousands separator where
char is signed (see no_x80); -n inputs here carry 0x81 instead. kit follows the stated rule.
Exit status: 0 when everything matches, 1 on any mismatch (the first 20 are printed).
"""
import argparse
import heapq
import itertools
import os
import random
import shlex
import sys
import tempfile

from harness import Runner
from reference.job_scheduler import JobScheduler

SEED = 20261126
INT64_MIN, INT64_MAX = -2**63, 2**63 - 1


class SchedRunner(Runner):
    """The shared Runner in tmp, with the driver (kit::sched) and sort(1) beside kit.
    Reports the first 20 mismatches, at most 3 a run (one cause can fail thousands of
    lines)."""

    def __init__(self, kit, driver, tmp):
        super().__init__(kit, tmp=tmp, per_where=3)
        self.driver = driver

    def drive(self, name, script):
        """Runs the driver on a script (kept as NAME.txt); returns its output lines."""
        self.runs += 1
        self.write(name + ".txt", script.encode())
        rc, out, err = self.execute([self.driver], stdin=script.encode(), timeout=300)
        if rc != 0 or err:
            self.fail(f"sched_driver < {name}.txt", "exit 0, no stderr",
                      f"exit {rc}, stderr {err[:200]!r}")
        return out.decode("utf-8", "replace").split("\n")[:-1]

    def sort(self, args, stdin=None):
        rc, out, err = self.execute(["sort"] + args, stdin=stdin, timeout=120)
        if rc != 0:
            raise RuntimeError(f"sort {shlex.join(args)}: {err.decode(errors='replace')}")
        return out


def compare_scripts(r, name, sequences):
    """sequences: [(title, [(op_line, expected_output_or_None)])]. Runs them all through one
    driver process and compares every output line with the expected one."""
    script = "".join(op + "\n" for _, ops in sequences for op, _ in ops)
    got = r.drive(name, script)
    at = 0
    for title, ops in sequences:
        first = True
        for n, (op, want) in enumerate(ops):
            if want is None:
                continue
            actual = got[at] if at < len(got) else "<no line>"
            at += 1
            r.checks += 1
            if actual != want and first:  # the first difference of a sequence is the story
                first = False
                ctx = "; ".join(o for o, _ in ops[max(0, n - 6):n + 1])
                r.fail(f"{name}: {title}, op {n}: {op}", want, f"{actual}   (ops ...{ctx})")
            elif actual != want:
                r.mismatches += 1
    if at != len(got):
        r.fail(f"{name}: output length", f"{at} lines", f"{len(got)} lines")


# ---- aging ---------------------------------------------------------------------------------

def aging_sequence(rng, interval, boost, ops, prio):
    """A random script for one scheduler and what the reference prints for each line."""
    now = [0]
    sched = JobScheduler(lambda: now[0], interval, boost)
    out = [(f"aging {interval} {boost}", None)]
    issued = 0
    for _ in range(ops):
        k = rng.random()
        if k < 0.40:
            p = prio()
            out.append((f"submit {p}", str(sched.submit(f"job {issued}", p))))
            issued += 1
        elif k < 0.65:
            d = rng.choice([
                0, 0, interval, interval * rng.randint(1, 4), interval - 1, interval + 1,
                rng.randint(0, 3 * interval), rng.randint(0, interval), rng.randint(1, 40),
                interval * rng.randint(5, 30) + rng.randint(0, interval), interval // 2])
            d = max(0, d)
            now[0] += d
            out.append((f"advance {d}", None))
        elif k < 0.90:
            got = sched.process_next()
            out.append(("pop", "empty" if got is None else f"{got[0]} {got[1]}"))
        else:
            i = rng.randint(0, issued + 2)
            out.append((f"cancel {i}", "1" if sched.cancel(i) else "0"))
    if rng.random() < 0.7:  # often drain what is left, the clock moving between pops
        while sched._heap:
            d = rng.choice([0, interval, rng.randint(0, 2 * interval)])
            now[0] += d
            out.append((f"advance {d}", None))
            got = sched.process_next()
            out.append(("pop", f"{got[0]} {got[1]}"))
        out.append(("pop", "empty"))
    return out


def group_aging(r, rng):
    # The tutorial's four jobs, submitted at once and processed at once.
    tutorial = [("aging 5000000000 1", None)]
    tutorial += [(f"submit {p}", str(i)) for i, p in enumerate([5, 1, 3, 7])]
    tutorial += [("pop", want) for want in ["1 1", "2 3", "0 5", "3 7"]]
    tutorial += [("pop", "empty")]
    # The same jobs after waiting: 12 s (2 boosts), then 5 more s between pops.
    now = [0]
    s = JobScheduler(lambda: now[0], 5 * 10**9, 1)
    waited = [("aging 5000000000 1", None)]
    for p in [5, 1, 3, 7]:
        waited.append((f"submit {p}", str(s.submit("job", p))))
        now[0] += 10**9
        waited.append((f"advance {10**9}", None))
    for d in [12 * 10**9, 5 * 10**9, 5 * 10**9, 0]:
        now[0] += d
        waited.append((f"advance {d}", None))
        c, e = s.process_next()
        waited.append(("pop", f"{c} {e}"))
    compare_scripts(r, "aging-tutorial", [("tutorial's four jobs", tutorial),
                                          ("the four jobs after waiting", waited)])

    intervals = [1, 2, 3, 5, 7, 10, 64, 1000, 10**6, 5 * 10**9]
    boosts = [0, 1, 1, 1, 2, 3, 5, 100]
    priority_kinds = {
        "small": lambda: rng.randint(0, 20),
        "ties": lambda: rng.choice([0, 3, 3, 5, 5, 5, 8]),
        "negative": lambda: rng.randint(-5, 20),
        "wide": lambda: rng.choice([rng.randint(0, 20), rng.randint(-1000, 10**6), 10**12]),
    }
    for batch in range(6):
        seqs = []
        for i in range(500):
            interval, boost = rng.choice(intervals), rng.choice(boosts)
            kind = rng.choice(list(priority_kinds))
            ops = rng.choice([5, 10, 20, 40, 80, 150])
            seqs.append((f"sequence {i} (interval {interval}, boost {boost}, {kind})",
                         aging_sequence(rng, interval, boost, ops, priority_kinds[kind])))
        compare_scripts(r, f"aging-batch{batch}", seqs)
    # One long sequence: a deep treap, many phases.
    seqs = [("long sequence (interval 1000, boost 1)",
             aging_sequence(rng, 1000, 1, 5000, lambda: rng.randint(0, 200)))]
    compare_scripts(r, "aging-long", seqs)


# ---- heapq ---------------------------------------------------------------------------------

REMOVED = "<removed-task>"  # the heapq docs' placeholder for a removed task


class HeapqQueue:
    """heapq with the documentation's lazy deletion (entry_finder, REMOVED), entries
    [priority, count, serial, handle]; max order negates the priority. `serial` (unique per
    entry) only keeps two entries of one handle (one REMOVED) from being compared by handle."""

    def __init__(self, order):
        self.sign = -1 if order == "max" else 1
        self.pq, self.entry_finder, self.values = [], {}, {}
        self.counter, self.serial = itertools.count(), itertools.count()

    def push(self, value, priority):
        count = next(self.counter)
        entry = [self.sign * priority, count, next(self.serial), count]
        self.entry_finder[count] = entry
        self.values[count] = (value, priority)
        heapq.heappush(self.pq, entry)
        return count

    def update(self, handle, priority):
        if handle not in self.entry_finder:
            return False
        old = self.entry_finder.pop(handle)
        old[-1] = REMOVED
        # kit keeps the item's place among equals: the original count, not a new one.
        entry = [self.sign * priority, old[1], next(self.serial), handle]
        self.entry_finder[handle] = entry
        self.values[handle] = (self.values[handle][0], priority)
        heapq.heappush(self.pq, entry)
        return True

    def remove(self, handle):
        if handle not in self.entry_finder:
            return None
        entry = self.entry_finder.pop(handle)
        entry[-1] = REMOVED
        return self.values.pop(handle)

    def pop(self):
        while self.pq:
            *_, handle = heapq.heappop(self.pq)
            if handle is not REMOVED:
                del self.entry_finder[handle]
                return self.values.pop(handle)
        return None


def heapq_sequence(rng, order, ops, prio):
    q = HeapqQueue(order)
    out = [(f"pq {order}", None)]
    pushed = 0
    fmt = lambda item: f"{item[0]} {item[1]}"
    for _ in range(ops):
        k = rng.random()
        if k < 0.45:
            v = rng.choice([rng.randint(-1000, 1000), rng.randint(INT64_MIN, INT64_MAX)])
            p = prio()
            out.append((f"push {v} {p}", str(q.push(v, p))))
            pushed += 1
        elif k < 0.62:
            h, p = rng.randint(0, pushed + 1), prio()
            out.append((f"update {h} {p}", "1" if q.update(h, p) else "0"))
        elif k < 0.72:
            h = rng.randint(0, pushed + 1)
            got = q.remove(h)
            out.append((f"remove {h}", "none" if got is None else fmt(got)))
        else:
            got = q.pop()
            out.append(("pq_pop", "empty" if got is None else fmt(got)))
    while q.entry_finder and rng.random() < 0.8:
        out.append(("pq_pop", fmt(q.pop())))
    return out


def group_heapq(r, rng):
    prio_kinds = {
        "ties": lambda: rng.randint(0, 3),
        "small": lambda: rng.randint(-20, 20),
        "wide": lambda: rng.randint(-10**9, 10**9),
        "limits": lambda: rng.choice([INT64_MIN, INT64_MIN + 1, -1, 0, 1, INT64_MAX - 1,
                                      INT64_MAX, rng.randint(INT64_MIN, INT64_MAX)]),
    }
    for batch in range(6):
        seqs = []
        for i in range(500):
            order = rng.choice(["min", "max"])
            kind = rng.choice(list(prio_kinds))
            ops = rng.choice([5, 10, 30, 60, 120, 250])
            seqs.append((f"sequence {i} ({order}, {kind})",
                         heapq_sequence(rng, order, ops, prio_kinds[kind])))
        compare_scripts(r, f"heapq-batch{batch}", seqs)
    seqs = [(f"long sequence ({order})", heapq_sequence(rng, order, 50000, prio_kinds["small"]))
            for order in ("min", "max")]
    compare_scripts(r, "heapq-long", seqs)


# ---- lines for merge and top ---------------------------------------------------------------

TEXT_BYTES = b"aabbAZ019 \t-.,:|~_\x7f\x80\xc3\xa9\xff\r\x0b\x0c"
WORDS = [b"a", b"b", b"ab", b"a b", b"A", b"Z", b"abc", b" a", b"\ta", b"a\t", b"~", b"\x7f",
         b"\x80", b"\xff", b"\xc3\xa9t\xc3\xa9", b"", b" ", b"\t", b"a\x00b", b"a\r", b"10",
         b"9", b"-1", b"1e3"]


LONG_TABLE = bytes(b"abcxyz "[i % 7] for i in range(256))


def text_line(rng):
    k = rng.random()
    if k < 0.35:
        return rng.choice(WORDS)
    if k < 0.995:
        return bytes(rng.choice(TEXT_BYTES) for _ in range(rng.randint(0, 12)))
    # A long line: a common prefix, so comparisons run deep, then random letters.
    n = rng.choice([1000, 5000, 20_000, 100_000])
    return b"x" * rng.randint(0, n) + rng.randbytes(n).translate(LONG_TABLE)


def number(rng, digits=None):
    """A spelling sort -n reads as a number (or as 0), often equal to others in value."""
    k = rng.random()
    if k < 0.12:
        return rng.choice([b"", b" ", b"-", b".", b"-.", b"--1", b"- 1", b"+1", b"+", b"abc",
                           b"-0", b"0", b"-0.0", b".0", b"0.", b"-.5", b".5", b"1,5", b"1,000",
                           b"1e3", b"0x10", b"\xff1", b"1\xff", b"\t\t7"])
    blanks = rng.choice([b"", b"", b"", b" ", b"  ", b"\t", b" \t"])
    sign = rng.choice([b"", b"", b"", b"-"])
    zeros = rng.choice([b"", b"", b"", b"0", b"00"])
    n = digits if digits is not None else rng.choice([1, 1, 2, 3, rng.randint(0, 30)])
    whole = bytes(rng.choice(b"0123") if rng.random() < 0.6 else rng.choice(b"0123456789")
                  for _ in range(n))
    frac = rng.choice([b"", b"", b"", b".", b"." + str(rng.randint(0, 99)).encode(),
                       b".50", b".5", b".0", b"." + b"9" * rng.randint(1, 25)])
    suffix = rng.choice([b""] * 6 + [b"abc", b" x", b"e3", b",5", b".", b"-", b"\x80"])
    return blanks + sign + zeros + whole + frac + suffix


def number_line(rng):
    return number(rng) if rng.random() < 0.85 else text_line(rng)


def no_x80(line):
    """GNU sort -n in the C locale reads byte 0x80 as a thousands separator on machines where
    char is signed (sort.c: thousands_sep = NON_CHAR = CHAR_MAX + 1 = 128, compared with
    unsigned bytes): `\x805` is 5 there, and `1\x802` is 12. kit has no thousands separator
    in the C locale (the documented rule; sort agrees where char is unsigned), so -n inputs
    use 0x81 instead."""
    return line.replace(b"\x80", b"\x81")


def head(data, n):
    """head -n N of sort's output (every line ends with a newline)."""
    at = 0
    for _ in range(n):
        at = data.find(b"\n", at)
        if at < 0:
            return data
        at += 1
    return data[:at]


def report_bytes(b):
    s = repr(b)
    return s if len(s) <= 400 else s[:400] + f"... ({len(b)} bytes)"


# ---- merge ---------------------------------------------------------------------------------

def group_merge(r, rng):
    cases = []
    for i in range(120):
        numeric, reverse = rng.random() < 0.55, rng.random() < 0.35
        files = rng.choice([1, 2, 2, 3, 4, 5, 8, 12])
        size = rng.choice([0, 3, 10, 40, 150, 600])
        if i == 0:
            files, size = 12, 20_000  # one big merge
        gen = number_line if numeric else (text_line if rng.random() < 0.6 else number_line)
        pool = [gen(rng) for _ in range(max(1, size // 3))]
        # Lines drawn from a small pool repeat across files; the rest are fresh.
        lines = [rng.choice(pool) if rng.random() < 0.4 else gen(rng) for _ in range(size)]
        if numeric:
            lines = [no_x80(l) for l in lines]
        flags = ["-n"] * numeric + ["-r"] * reverse
        ordered = r.sort(flags, b"".join(l + b"\n" for l in lines)).split(b"\n")[:-1]
        contents = [[] for _ in range(files)]
        skew = [rng.random() for _ in range(files)]
        for line in ordered:  # each file gets a sorted subsequence
            contents[rng.choices(range(files), weights=[s + 0.01 for s in skew])[0]].append(line)
        names = []
        stdin = None
        for f, chunk in enumerate(contents):
            data = b"".join(l + b"\n" for l in chunk)
            if data and rng.random() < 0.3:
                data = data[:-1]  # the last line without its newline
            name = r.write(f"m{i}-{f}.txt", data)
            if stdin is None and rng.random() < 0.08:
                stdin, name = data, "-"
            names.append(name)
        cases.append((flags + names, stdin))
    # A missing file, first and last.
    r.write("present.txt", b"a\nb\n")
    errors = [["missing.txt", "present.txt"], ["-n", "present.txt", "missing.txt"]]

    for args, stdin in cases:
        handle = r.start(["merge"] + args, stdin)
        want = r.sort(["-m"] + args, stdin)
        code, out, err, cmd = r.finish(handle)
        r.checks += 1
        if code != 0 or err:
            r.fail(cmd, "exit 0, no stderr", f"exit {code}, stderr {err[:300]!r}")
        elif out != want:
            at = next((j for j in range(min(len(out), len(want))) if out[j] != want[j]),
                      min(len(out), len(want)))
            line = want.count(b"\n", 0, at) + 1
            r.fail(cmd, f"line {line}: {report_bytes(want[at - 40 if at > 40 else 0:at + 80])}",
                   report_bytes(out[at - 40 if at > 40 else 0:at + 80]))
    for args in errors:
        code, out, err, cmd = r.finish(r.start(["merge"] + args))
        r.checks += 1
        if code != 2 or out or not err.startswith(b"kit merge: ") or b"missing.txt" not in err:
            r.fail(cmd, "exit 2, no stdout, stderr `kit merge: ...missing.txt...`",
                   f"exit {code}, stdout {out[:100]!r}, stderr {err[:200]!r}")


# ---- top -----------------------------------------------------------------------------------

SEPARATORS = [",", ":", "|", " ", "\t"]


def field_text(rng, sep, numeric):
    """A field's text (without the separator), numbers more often with -N."""
    if numeric or rng.random() < 0.4:
        f = number(rng)
    else:
        f = bytes(rng.choice(b"abAZ09-._\x80\xff") for _ in range(rng.randint(0, 6)))
    if sep is None:
        f = f.replace(b" ", b"").replace(b"\t", b"")
    else:
        f = f.replace(sep.encode(), b"")
    return f


def top_line(rng, sep, numeric, fields):
    n = rng.choice([fields, fields, fields, 0, 1, rng.randint(0, fields + 2)])
    parts = [field_text(rng, sep, numeric) for _ in range(n)]
    if sep is not None:
        return sep.encode().join(parts)
    runs = [rng.choice([b" ", b" ", b"  ", b"\t", b" \t ", b"   "]) for _ in range(n)]
    lead = rng.choice([b"", b"", b" ", b"\t", b"  "])
    return lead + b"".join(p + (runs[j] if j < n - 1 else b"") for j, p in enumerate(parts))


def group_top(r, rng):
    cases = []
    for i in range(120):
        numeric = rng.random() < 0.6
        order = rng.choice(["--max", "--min", None])
        field = rng.choice([None, None, 1, 2, 3, 4])
        sep = rng.choice(SEPARATORS + [None, None]) if field else None
        size = rng.choice([0, 1, 5, 20, 100, 500, 3000])
        if sep is None and field is None:
            gen = lambda: (number_line(rng) if numeric else text_line(rng))
        else:
            gen = lambda: top_line(rng, sep, numeric, rng.choice([1, 2, 3, 4, 5]))
        pool = [gen() for _ in range(max(1, size // 4))]
        lines = [rng.choice(pool) if rng.random() < 0.3 else gen() for _ in range(size)]
        if numeric:
            lines = [no_x80(l) for l in lines]
        n = rng.choice([0, 1, 3, 10, 10, size - 1, size, size + 5, 1000])
        n = max(0, n)
        nfiles = rng.choice([1, 1, 1, 2, 3])
        chunks = [[] for _ in range(nfiles)]
        for line in lines:
            chunks[rng.randrange(nfiles)].append(line)
        names, datas = [], []
        for f, chunk in enumerate(chunks):
            data = b"".join(l + b"\n" for l in chunk)
            if data and rng.random() < 0.3:
                data = data[:-1]
            datas.append(data)
            names.append(r.write(f"t{i}-{f}.txt", data))
        stdin = None
        if nfiles == 1 and rng.random() < 0.15:
            stdin, names = datas[0], rng.choice([[], ["-"]])
        kit_args = ["top"] + (["-n", str(n)] if n != 10 or rng.random() < 0.5 else [])
        kit_args += [order] * (order is not None) + ["-N"] * numeric
        kit_args += (["-k", str(field)] if field else []) + (["-t", sep] if sep else [])
        sort_args = ["-n"] * numeric + ["-r"] * (order != "--min")
        sort_args += (["-t", sep] if sep else []) + ([f"-k{field},{field}"] if field else [])
        cases.append((kit_args + names, sort_args + names, n, stdin))
    # kit cuts files into 8 MiB pieces: an 11 MB file has two, each with its own heap.
    bits = [rng.getrandbits(26) for _ in range(500_000)]
    big = b"".join(b"%d %s\n" % ((v >> 5) - 2**20, b"x" * (v & 31)) for v in bits)
    r.write("big.txt", big)
    for n, extra in ((100, ["-N"]), (5, ["--min", "-N", "-k", "1"]), (3, [])):
        cases.append((["top", "-n", str(n)] + extra + ["big.txt"],
                      (["-n"] if "-N" in extra else []) + ([] if "--min" in extra else ["-r"])
                      + (["-k1,1"] if "-k" in extra else []) + ["big.txt"], n, None))

    for kit_args, sort_args, n, stdin in cases:
        handle = r.start(kit_args, stdin)
        want = head(r.sort(sort_args, stdin), n)
        code, out, err, cmd = r.finish(handle)
        r.checks += 1
        if code != 0 or err:
            r.fail(cmd, "exit 0, no stderr", f"exit {code}, stderr {err[:300]!r}")
        elif out != want:
            r.fail(cmd + f"   (sort {shlex.join(sort_args)} | head -n {n})",
                   report_bytes(want), report_bytes(out))


GROUPS = {"aging": group_aging, "heapq": group_heapq, "merge": group_merge, "top": group_top}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit", required=True)
    parser.add_argument("--driver", required=True, help="tests/diff/sched_driver")
    parser.add_argument("--keep", help="write the generated scripts and files here and keep them")
    parser.add_argument("group", choices=list(GROUPS) + ["all"])
    opts = parser.parse_args()
    status = 0
    with tempfile.TemporaryDirectory() as scratch:
        for name, fn in GROUPS.items():
            if opts.group not in (name, "all"):
                continue
            tmp = os.path.join(opts.keep or scratch, name)
            os.makedirs(tmp, exist_ok=True)
            r = SchedRunner(os.path.abspath(opts.kit), os.path.abspath(opts.driver), tmp)
            fn(r, random.Random(f"{SEED}-{name}"))
            print(f"{name}: {r.runs} kit/driver runs, {r.checks} outputs compared, "
                  f"{r.mismatches} mismatches")
            status |= 1 if r.mismatches else 0
    return status


if __name__ == "__main__":
    sys.exit(main())
