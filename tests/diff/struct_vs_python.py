#!/usr/bin/env python3
"""Differential test: `kit struct` against CPython 3.11's `struct` module.

Usage: struct_vs_python.py --kit PATH [--jobs 2] [--scale 1] GROUP
       (GROUP: calcsize, pack, unpack, errors, files or all)

The expected result of every case is computed in this one python3 process with
`import struct` (Python is never run as a subprocess); kit runs with TZ=UTC and
LC_ALL=C, at most --jobs (default 2) processes at a time, and its stdout is
compared byte for byte. A valid case must exit 0 with nothing on stderr. A case
where Python raises (struct.error, OverflowError, TypeError, ValueError, or a
value that is not a Python literal) must make kit exit 2 with nothing on stdout
and a `kit struct <sub>: ` message on stderr.

Formats are generated at random: a byte-order prefix ('', @ = < > !), 1-6
items over every format character x c b B ? h H i I l L q Q n N e f d s p P
(n N P only natively), repeat counts 0-4 (0-25 for s and p) and now and then
whitespace between items. Values are given as kit reads them, one argv element
(or CSV field) each: integers in decimal, 0x/0o/0b and 1_000 spellings,
True/False, floats in repr, %.17g and %.17e spellings, long decimal strings,
inf/-inf/nan, and bytes as repr(b), as hand-made b'...' literals with \\x, octal
and named escapes, or as hex digits. The Python value of each is what the
literal means (ast.literal_eval, float() for inf/nan). Values include integer
boundaries, float and half-precision rounding ties and subnormals, and bytes
shorter and longer than their s/p field. A value that starts with '-' and a
non-digit (-inf, -.5) follows `--`, as CLI11 reads it as an option otherwise;
an explicit case checks `-inf` without `--`. '-0' (the int 0, so +0.0 in a
float field) and integers beyond int64/uint64 for e/f/d/? appear in explicit
cases only. Bytes are never given to '?' (kit takes ints and floats there).

Groups:
  calcsize  `kit struct calcsize FMT` == struct.calcsize(FMT) for random valid and
            broken formats, padding, '0l'-style alignment and big repeat counts.
            Huge counts go on x, s and p only: kit keeps an entry per value, so
            '1000000000q' would cost it gigabytes.
  pack      `kit struct pack FMT VALUE...` == struct.pack(FMT, *values).hex() for
            random formats and values, and for every valid one the round trip
            `kit struct unpack FMT HEX` == repr(struct.unpack(FMT, packed))
            (Python's bytes, so a pack mismatch is not counted twice);
            explicit cases for the tutorial's facts, integer limits, 'P', '?',
            half and single precision rounding, and p fields over 255 bytes.
  unpack    `kit struct unpack FMT HEX` on random bytes (every NaN, subnormal and
            bool byte included) == repr(struct.unpack(...)); with --json the
            parsed JSON must equal the tuple (ints, bools, floats as numbers of
            the same type and value, inf/nan as strings, bytes as hex); JSON is
            compared as values, not as text.
  errors    values out of range or of the wrong kind, wrong value counts, broken
            formats (for calcsize, pack and unpack), buffers of the wrong size,
            bad hex, malformed literals, and CSV files with a bad row (stdout
            may then hold the records before that row, nothing else).
  files     the batch forms: for random formats, 5-40 CSV rows (written with the
            csv module) through `kit struct pack FMT --csv FILE` ==
            b''.join(struct.pack(...)), and those bytes through
            `kit struct unpack FMT --file FILE` (repr lines, --csv lines or
            --json lines) == struct.iter_unpack; --offset, a trailing partial
            record (the whole records, then exit 2), stdin, a BOM, CRLF rows.

CPython 3.11 quirks the reference keeps: native 'f' ('' or '@') has no
overflow check (1e39 packs as inf; '<f' raises OverflowError), and a negative
'P' packs as a signed pointer. struct.unpack of a '0p' field raises
SystemError, so the unpack side never uses '0p' (pack does).

Random cases come from a fixed seed (every run checks the same cases); --scale
multiplies their number. A sanitizer build pays tens of milliseconds to start
each kit process, so `all` keeps to about 1500 small runs and puts thousands of
records into the batch runs. On a mismatch the script prints the kit command
line, what was expected and what kit did, for the first few mismatches; for a
batch run it points at the first differing record. Exit status: 0 when
everything matches, 1 on any mismatch.
"""

import argparse
import ast
import csv
import io
import json
import math
import os
import random
import re
import struct
import sys
import tempfile
import time
import warnings

from harness import Runner

SEED = 20261125
MAX_REPORTS = 6
ENV = dict(os.environ, TZ="UTC", LC_ALL="C")
SCALE = 1.0
TIMEOUT = 60  # seconds a kit run may take

CODES = "xcbB?hHiIlLqQnNefdspP"
STANDARD_CODES = "".join(c for c in CODES if c not in "nNP")
PREFIXES = ["", "@", "=", "<", ">", "!"]
WHITESPACE = " \t\n\r\v\f"
INF, NAN = float("inf"), float("nan")


def scaled(n):
    return max(1, round(n * SCALE))


# --------------------------------------------------------------------------- running kit


class Case:
    """One kit invocation and what it must do.

    error=None: exit 0, empty stderr, stdout == expected.
    error=PREFIX: exit 2, stderr starts with PREFIX, stdout == expected (normally
    b''; the whole records for a trailing partial record), or with
    stdout_prefix=True any prefix of expected.
    compare(out, err) -> (problems, differences), when given, replaces the stdout check.
    count: how many cases (values, records) the run checks, for the summary.
    note: lines printed with a mismatch (Python's exception, the CSV rows, ...).
    """

    __slots__ = ("args", "expected", "error", "stdout_prefix", "compare", "stdin", "count",
                 "note")

    def __init__(self, args, expected=b"", error=None, stdout_prefix=False, compare=None,
                 stdin=None, count=1, note=()):
        self.args = [str(a) for a in args]
        self.expected = expected.encode() if isinstance(expected, str) else expected
        self.error = error
        self.stdout_prefix = stdout_prefix
        self.compare = compare
        self.stdin = stdin
        self.count = count
        self.note = list(note)


class StructRunner(Runner):
    """Runs Cases (Case.error and Case.compare say what a run must do) on the shared Runner."""

    def report(self, case, lines):
        self.mismatch(self.command_line(case.args), *lines, *case.note)

    def check_result(self, case, result):
        """Compares one finished run with its case; returns the number of differences."""
        rc, out, err = result
        problems, diffs = [], 0
        if case.error is None:
            if rc != 0:
                problems.append(f"exit code {rc}, expected 0; stderr {clip(err)}")
            elif err:
                problems.append(f"stderr: {clip(err)}")
        else:
            if rc != 2:
                problems.append(f"exit code {rc}, expected 2 (an error)")
            if not err.startswith(case.error.encode()):
                problems.append(f"stderr {clip(err)} does not start with {case.error!r}")
        if case.compare is not None:
            more, diffs = case.compare(out, err)
            problems += more
        elif case.error is not None and case.stdout_prefix:
            if not case.expected.startswith(out):
                problems.append(f"stdout {clip(out)} is not a prefix of the records before "
                                f"the bad row {clip(case.expected)}")
        elif out != case.expected:
            what = "stdout" if case.error is None or case.expected else "stdout (should be empty)"
            problems.append(f"expected {what}: {clip(case.expected)}")
            problems.append(f"actual {what}:   {clip(out)}")
        if problems:
            if case.error is not None and not any(p.startswith("expected") for p in problems):
                problems.insert(0, f"expected: exit 2, stderr '{case.error}...'")
            self.report(case, problems)
            return max(1, diffs)
        return 0

    def check_cases(self, cases):
        """Runs the cases (jobs at a time); returns (cases counted, differences)."""
        futures = [self.submit(c.args, stdin=c.stdin) for c in cases]
        diffs = sum(self.check_result(c, f.result()) for c, f in zip(cases, futures))
        return sum(c.count for c in cases), diffs


def clip(b, n=300):
    if isinstance(b, bytes):
        try:
            text = b.decode("ascii")
            return repr(text if len(text) <= n else text[:n] + "...")
        except UnicodeDecodeError:
            return repr(b[:n]) + ("..." if len(b) > n else "")
    return repr(b)


def summary(name, counted, diffs, runs):
    print(f"{name}: {counted} cases, {diffs} differences ({runs} kit runs)")


# --------------------------------------------------------------------------- python side


def py_literal(text):
    """The Python value of a literal as kit reads it (inf, -inf, nan via float())."""
    if text in ("inf", "-inf", "nan"):
        return float(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escape sequences in bytes literals
        return ast.literal_eval(text)


def py_pack(fmt, objs):
    """('ok', bytes), ('error', message) or ('skip', message) for a CPython bug."""
    try:
        return "ok", struct.pack(fmt, *objs)
    except SystemError as e:
        return "skip", f"SystemError: {e}"
    except Exception as e:  # struct.error, OverflowError, TypeError, ...
        return "error", f"{type(e).__name__}: {e}"


def py_unpack(fmt, data):
    try:
        return "ok", struct.unpack(fmt, data)
    except SystemError as e:
        return "skip", f"SystemError: {e}"
    except Exception as e:
        return "error", f"{type(e).__name__}: {e}"


def py_calcsize(fmt):
    try:
        return "ok", struct.calcsize(fmt)
    except Exception as e:
        return "error", f"{type(e).__name__}: {e}"


def csv_field(v):
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, bytes):
        return v.hex()
    return repr(v)  # int: decimal; float: Python's repr


def json_value(v):
    if isinstance(v, bytes):
        return v.hex()
    if isinstance(v, float) and not math.isfinite(v):
        return repr(v)
    return v


def canon(x):
    """A JSON value with its types made explicit: 1, 1.0 and True all differ, and
    floats compare by repr (so -0.0 != 0.0)."""
    if isinstance(x, bool):
        return ("bool", x)
    if isinstance(x, int):
        return ("int", x)
    if isinstance(x, float):
        return ("float", repr(x))
    if isinstance(x, str):
        return ("str", x)
    if isinstance(x, list):
        return ("list", [canon(i) for i in x])
    if isinstance(x, dict):
        return ("dict", sorted((k, canon(v)) for k, v in x.items()))
    return ("other", repr(x))


# --------------------------------------------------------------------------- formats


def int_range(code, prefix):
    if code == "P":  # CPython takes a negative pointer as a signed long long
        return -(1 << 63), (1 << 64) - 1
    native = prefix in ("", "@")
    size = {"b": 1, "B": 1, "h": 2, "H": 2, "i": 4, "I": 4, "l": 8 if native else 4,
            "L": 8 if native else 4, "q": 8, "Q": 8, "n": 8, "N": 8}[code]
    if code in "bhilqn":
        return -(1 << (8 * size - 1)), (1 << (8 * size - 1)) - 1
    return 0, (1 << (8 * size)) - 1


def random_items(rng, prefix, for_unpack=False):
    codes = CODES if prefix in ("", "@") else STANDARD_CODES
    items = []
    for _ in range(rng.randint(1, 6)):
        c = rng.choice(codes)
        if c in "sp":
            count = None if rng.random() < 0.25 else rng.randint(0, 25)
            if c == "p" and count == 0 and for_unpack:
                count = rng.choice([None, 1, 2])  # struct.unpack('0p') is a SystemError
        else:
            count = None if rng.random() < 0.6 else rng.randint(0, 4)
        items.append((c, count))
    return items


def format_string(rng, prefix, items, spaces=0.08):
    out = prefix
    for c, count in items:
        if rng.random() < spaces:
            out += "".join(rng.choice(WHITESPACE) for _ in range(rng.randint(1, 2)))
        out += ("" if count is None else str(count)) + c
    if rng.random() < spaces / 2:
        out += rng.choice(WHITESPACE)
    return out


def random_format(rng, for_unpack=False):
    prefix = rng.choice(PREFIXES)
    items = random_items(rng, prefix, for_unpack)
    return format_string(rng, prefix, items), prefix, items


def parse_items(fmt):
    """[(code, count)] of a valid format (the inverse of format_string)."""
    items, count = [], ""
    for ch in fmt.lstrip("@=<>!"):
        if ch.isdigit():
            count += ch
        elif not ch.isspace():
            items.append((ch, int(count) if count else None))
            count = ""
    return items


def value_fields(items):
    """[(code, length)] for each value the items take (length for s and p)."""
    fields = []
    for c, count in items:
        if c == "x":
            continue
        if c in "sp":
            fields.append((c, 1 if count is None else count))
        else:
            fields += [(c, None)] * (1 if count is None else count)
    return fields


BAD_CHARS = "aAgjkmoruvwyzZ$#*%.,-+/"


def broken_format(rng):
    """A format that is (almost always) invalid, made from a random valid one."""
    fmt, prefix, items = random_format(rng)
    kind = rng.randrange(8)
    if kind == 0:  # a character that is no format
        at = rng.randint(len(prefix), len(fmt))
        return fmt[:at] + rng.choice(BAD_CHARS) + fmt[at:]
    if kind == 1:  # n, N or P with a standard byte order
        body = format_string(rng, "", items)
        at = rng.randint(0, len(body))
        return rng.choice("=<>!") + body[:at] + rng.choice("nNP") + body[at:]
    if kind == 2:  # a repeat count at the end
        return fmt + str(rng.randint(0, 30))
    if kind == 3:  # whitespace between a count and its character
        return fmt + f"{rng.randint(1, 9)}{rng.choice(WHITESPACE)}{rng.choice('bhiq')}"
    if kind == 4:  # a byte-order character after the start
        at = rng.randint(max(1, len(prefix)), len(fmt))
        return fmt[:at] + rng.choice("<>=!@") + fmt[at:]
    if kind == 5:  # whitespace before the prefix
        return rng.choice(WHITESPACE) + rng.choice("<>=!@") + fmt.lstrip("<>=!@")
    if kind == 6:  # a count too large
        return fmt + rng.choice(["99999999999999999999", "18446744073709551616",
                                 "9223372036854775808"]) + rng.choice("xbiq")
    return rng.choice(["3", "<", ">3", "@", "i3", "<<i", "=@h", "4 s", "ii\n3", "\x7f", "é"])


# --------------------------------------------------------------------------- values


def int_text(rng, v):
    """A Python integer literal for v, in one of its spellings."""
    sign, a = ("-" if v < 0 else ""), abs(v)
    r = rng.random()
    if r < 0.68:
        return str(v)
    if r < 0.78:
        under = "_" if rng.random() < 0.2 else ""
        digits = format(a, rng.choice(["x", "X", "_x"]))
        return sign + rng.choice(["0x", "0X"]) + under + digits
    if r < 0.84:
        return sign + rng.choice(["0o", "0O"]) + format(a, "o")
    if r < 0.9:
        return sign + rng.choice(["0b", "0B"]) + format(a, rng.choice(["b", "_b"]))
    return f"{v:_}"


def float_text(rng, x):
    """A Python literal for the float x (inf, -inf, nan for those)."""
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    r = rng.random()
    if r < 0.68:
        return repr(x)
    if r < 0.78 and x != 0:
        return "%.17g" % x  # may read as an int: 1e16 -> '10000000000000000'
    if r < 0.78:
        return "0" if rng.random() < 0.5 else repr(x)  # '-0' is the int 0: explicit cases only
    if r < 0.86:
        t = "%.17e" % x
        return t.upper() if rng.random() < 0.3 else t
    if r < 0.93 and x == int(x) and abs(x) < 1e15:
        return str(int(x)) + rng.choice([".", ".0", "e0", "E+0"])
    t = repr(x)
    if re.match(r"-?0\.\d", t):
        t = t.replace("0.", ".", 1)  # .5 and -.5
    elif re.match(r"-?\d{4,}\.\d", t):
        whole, frac = t.split(".")
        t = f"{int(whole):_}." + frac  # 1_234.5
    return t


def decimal_text(rng, lo_exp, hi_exp):
    """A long decimal float literal (correct rounding of many digits)."""
    digits = str(rng.randint(1, 9)) + "".join(rng.choice("0123456789")
                                              for _ in range(rng.randint(0, 30)))
    sign = "-" if rng.random() < 0.3 else ""
    if rng.random() < 0.5:
        at = rng.randint(1, len(digits))
        digits = digits[:at] + "." + digits[at:]
        if rng.random() < 0.5:
            return sign + digits
    return f"{sign}{digits}e{rng.randint(lo_exp, hi_exp)}"


def random_bytes(rng, n):
    r = rng.random()
    if r < 0.45:
        return rng.randbytes(n)
    if r < 0.75:
        alphabet = b"abcXYZ019 ,'\"\\-_."
    else:
        alphabet = b"\x00\n\t\r'\",\\\x7f\x80\xffab"
    return bytes(rng.choice(alphabet) for _ in range(n))


def pick_length(rng, length):
    return rng.choice([0, max(length - 1, 0), length, length, length + 1,
                       rng.randint(0, length + 8), rng.randint(length, 2 * length + 3)])


NAMED_ESCAPES = {7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v"}


def custom_bytes_literal(rng, b):
    """A b'...' literal for b written by hand: \\x in either case, 3-digit octal,
    named escapes, the other quote unescaped, now and then an unknown escape kept
    as written (\\q) or a backslash-newline continuation."""
    quote = rng.choice("'\"")
    out = [rng.choice(["b", "b", "b", "B"]), quote]
    i = 0
    while i < len(b):
        c = b[i]
        if (c == 0x5C and i + 1 < len(b) and chr(b[i + 1]) in "cdeghijklmopqsuwyzCDEGHIJKLMOPQRSUWYZ"
                and rng.random() < 0.5):
            out.append("\\" + chr(b[i + 1]))  # an unknown escape stays as written
            i += 2
            continue
        r = rng.random()
        if c == 0x5C:
            out.append("\\\\" if r < 0.8 else "\\x5c")
        elif chr(c) == quote:
            out.append("\\" + quote if r < 0.7 else "\\x%02x" % c)
        elif 0x20 <= c < 0x7F and r < 0.75:
            out.append(chr(c))
        elif c in NAMED_ESCAPES and r < 0.9:
            out.append(NAMED_ESCAPES[c])
        elif r < 0.93:
            out.append(("\\x%02x" if rng.random() < 0.6 else "\\x%02X") % c)
        else:
            out.append("\\%03o" % c)
        if rng.random() < 0.01:
            out.append("\\\n")  # line continuation: no byte
        i += 1
    out.append(quote)
    text = "".join(out)
    assert py_literal(text) == b, (text, b)
    return text


def bytes_value(rng, b, allow_hex=True):
    """(text, b): repr(b), a hand-made literal or, for c/s/p fields only, hex digits."""
    r = rng.random()
    if r < 0.55 or (r >= 0.8 and not (b and allow_hex)):
        return repr(b), b
    if r < 0.8:
        return custom_bytes_literal(rng, b), b
    return (b.hex().upper() if rng.random() < 0.3 else b.hex()), b


def from_text(text):
    return text, py_literal(text)


def int_value(rng, code, prefix):
    lo, hi = int_range(code, prefix)
    r = rng.random()
    if r < 0.05:
        return from_text(rng.choice(["True", "False"]))
    if r < 0.4:
        v = rng.choice([lo, hi, 0, 1, lo + 1, hi - 1, hi // 2, hi // 2 + 1] + ([-1] if lo else []))
    elif r < 0.55:
        bits = (hi - lo).bit_length()
        cands = [s * (1 << rng.randint(0, bits)) + d for s in (1, -1) for d in (-1, 0, 1)]
        cands = [v for v in cands if lo <= v <= hi]
        v = rng.choice(cands) if cands else 0
    elif r < 0.65:
        v = rng.randint(max(lo, -300), min(hi, 300))
    else:
        v = rng.randint(lo, hi)
    return from_text(int_text(rng, v))


def bool_value(rng):
    r = rng.random()
    if r < 0.2:
        return from_text(rng.choice(["True", "False"]))
    if r < 0.55:
        v = rng.choice([0, 0, 1, -1, 2, 255, 256, rng.randint(-2**63, 2**64 - 1)])
        return from_text(int_text(rng, v))
    x = rng.choice([0.0, -0.0, 0.0, NAN, INF, -INF, 5e-324, 0.5, rng.uniform(-5, 5)])
    return from_text(float_text(rng, x))


def half(bits):
    return struct.unpack("<e", struct.pack("<H", bits))[0]


def single(bits):
    return struct.unpack("<f", struct.pack("<I", bits))[0]


E_SPECIAL = [0.0, -0.0, INF, -INF, NAN, 65504.0, 65519.99999999999, 65519.0, 65505.0,
             2.0**-24, 2.0**-25, 3 * 2.0**-25, 2.0**-26, 3 * 2.0**-26, 1 + 2.0**-11,
             1 + 3 * 2.0**-11, 1 + 2.0**-11 + 2.0**-40, 2.0**-14, 2.0**-14 - 2.0**-25,
             2.0**-14 - 2.0**-24, 0.1, 1 / 3, 6.103515625e-05, 5.960464477539063e-08, 1.0,
             2048.5, 2049.0, 4097.0, 0.00006, 1e-8]
FLT_MAX = 3.4028234663852886e+38
FLT_TIE = 2.0**128 - 2.0**103  # rounds to inf: too large for 'f'
F_SPECIAL = [0.0, -0.0, INF, -INF, NAN, FLT_MAX, -FLT_MAX, math.nextafter(FLT_TIE, 0),
             2.0**-149, 2.0**-150, 3 * 2.0**-151, 3 * 2.0**-150, 2.0**-151, 1e-46,
             1.1754943508222875e-38, 0.1, 3.14, 16777217.0, 16777219.0, 1 + 2.0**-24,
             1 + 3 * 2.0**-24, 1e38, 1e-38, 1e-45]
D_SPECIAL = [0.0, -0.0, INF, -INF, NAN, 5e-324, -5e-324, 2.2250738585072014e-308,
             2.225073858507201e-308, 1.7976931348623157e+308, 0.1, 1e-05, 1e16, 1e22,
             1e23, 0.5, 123456789.125, 2.0**53 + 2, 3.14, -1.5]


def float_pool(rng, code):
    r = rng.random()
    if code == "e":
        if r < 0.25:
            x = rng.choice(E_SPECIAL)
        elif r < 0.5:
            x = half(rng.randrange(0x7C00))
        elif r < 0.85:  # a tie between two neighbouring halves, or just off it
            k = rng.randrange(0x7BFF)
            x = (half(k) + half(k + 1)) / 2
            x = rng.choice([x, x, math.nextafter(x, 0), math.nextafter(x, INF)])
        else:
            x = rng.choice([rng.uniform(-70000, 70000), 10 ** rng.uniform(-9, 4.8)])
    elif code == "f":
        if r < 0.2:
            x = rng.choice(F_SPECIAL)
        elif r < 0.45:
            x = single(rng.randrange(0x7F800000))
        elif r < 0.75:
            k = rng.randrange(0x7F7FFFFF)
            x = (single(k) + single(k + 1)) / 2
            x = rng.choice([x, x, math.nextafter(x, 0), math.nextafter(x, INF)])
        else:
            x = rng.choice([math.ldexp(rng.random(), rng.randint(-160, 127)),
                            rng.uniform(-1e6, 1e6)])
    else:
        if r < 0.2:
            x = rng.choice(D_SPECIAL)
        elif r < 0.55:
            x = struct.unpack("<d", rng.randbytes(8))[0]
        elif r < 0.8:
            x = math.ldexp(rng.random(), rng.randint(-1075, 1024))
        else:
            x = rng.uniform(-1e6, 1e6)
    return -x if rng.random() < 0.3 else x


def float_value(rng, code):
    r = rng.random()
    if r < 0.05:
        return from_text(rng.choice(["True", "False"]))
    if r < 0.17:
        if code == "e":
            v = rng.choice([rng.randint(-70000, 70000), rng.randint(-2048, 2048)])
        else:  # beyond int64/uint64 only in explicit cases
            v = rng.choice([rng.randint(-2**63, 2**64 - 1), rng.randint(-1000, 1000),
                            2 ** rng.randint(0, 63) + rng.choice([-1, 0, 1])])
        return from_text(int_text(rng, v))
    if r < 0.23:
        lo, hi = {"e": (-12, 5), "f": (-50, 39), "d": (-345, 310)}[code]
        return from_text(decimal_text(rng, lo, hi))
    return from_text(float_text(rng, float_pool(rng, code)))


def valid_value(rng, code, prefix, length):
    """(text, Python value) for one field; usually valid, always a literal."""
    if code in "sp":
        return bytes_value(rng, random_bytes(rng, pick_length(rng, length)))
    if code == "c":
        return bytes_value(rng, random_bytes(rng, 1))
    if code == "?":
        return bool_value(rng)
    if code in "efd":
        return float_value(rng, code)
    return int_value(rng, code, prefix)


def bad_value(rng, code, prefix):
    """(text, Python value) that struct.pack refuses for the field, or None ('?')."""
    r = rng.random()
    if code == "?":
        return None
    if code in "csp":
        if code == "c" and r < 0.6:
            return bytes_value(rng, random_bytes(rng, rng.choice([0, 2, 3, 7])))
        return from_text(rng.choice(["1.5", "-2.5", "True", "False", "nan", "inf", "0.0"]))
    if code in "efd":
        if r < 0.25 or code == "d":  # bytes, never as hex digits (2E22 is a number)
            return bytes_value(rng, random_bytes(rng, rng.randint(0, 3)), allow_hex=False)
        if code == "e":
            x = rng.choice([65520.0, 65536.0, 1e5, 1e300, rng.uniform(65520, 1e9),
                            math.nextafter(65520.0, INF)])
            if rng.random() < 0.3:
                v = rng.randint(65520, 10**9)
                return from_text(int_text(rng, -v if rng.random() < 0.4 else v))
        else:
            x = rng.choice([FLT_TIE, 1e39, 1e300, rng.uniform(FLT_TIE, 1e300), 2.0**128,
                            1.7976931348623157e+308])
        return from_text(float_text(rng, -x if rng.random() < 0.4 else x))
    lo, hi = int_range(code, prefix)
    if r < 0.3:
        v = rng.choice([lo - 1, hi + 1])
    elif r < 0.55:
        v = rng.choice([lo - rng.randint(2, 2**40), hi + rng.randint(2, 2**40), 2**64, -2**63 - 1,
                        2**65, -(2**64), 10**30])
    elif r < 0.85:
        return from_text(rng.choice(["1.5", "-2.0", "1e3", "0.0", "inf", "-inf", "nan",
                                     "2.5e-3", "1_0.5"]))
    else:
        return bytes_value(rng, random_bytes(rng, rng.randint(0, 3)), allow_hex=False)
    return from_text(int_text(rng, v) if abs(v) < 2**64 else str(v))


def valid_row(rng, prefix, fields):
    return [valid_value(rng, c, prefix, n) for c, n in fields]


def value_args(rng, texts):
    """The values as argv; after `--` when one starts with '-' and a non-digit
    (CLI11 would take it for an option), and now and then anyway."""
    if any(re.match(r"-[^0-9]", t) for t in texts) or (texts and rng.random() < 0.15):
        return ["--", *texts]
    return texts


def hex_arg(rng, data):
    h = data.hex()
    r = rng.random()
    if r < 0.1 and data:
        return " ".join(h[i:i + 2] for i in range(0, len(h), 2))
    if r < 0.2:
        return h.upper()
    return h


# --------------------------------------------------------------------------- case builders


def pack_case(rng, fmt, pairs, dashes=True):
    """The pack case for (text, value) pairs, and the packed bytes (None on error).
    Returns (None, None) when CPython itself fails with a SystemError."""
    texts = [t for t, _ in pairs]
    args = ["struct", "pack", fmt, *(value_args(rng, texts) if dashes else texts)]
    status, result = py_pack(fmt, [v for _, v in pairs])
    if status == "skip":
        return None, None
    if status == "error":
        return Case(args, error="kit struct pack: ", note=[f"python: {result}"]), None
    return Case(args, result.hex() + "\n"), result


def unpack_case(fmt, hex_text, as_json=False):
    args = ["struct", "unpack", fmt, hex_text] + (["--json"] if as_json else [])
    try:
        data = bytes.fromhex(hex_text)
    except ValueError as e:
        return Case(args, error="kit struct unpack: ", note=[f"python: bytes.fromhex: {e}"])
    status, result = py_unpack(fmt, data)
    if status == "skip":
        return None
    if status == "error":
        return Case(args, error="kit struct unpack: ", note=[f"python: {result}"])
    if not as_json:
        return Case(args, repr(result) + "\n")
    expected = [json_value(v) for v in result]
    return Case(args, compare=json_compare(expected), note=[f"python: {result!r}"])


def json_compare(expected):
    def compare(out, err=b""):
        try:
            got = json.loads(out.decode())
        except (ValueError, UnicodeDecodeError) as e:
            return [f"stdout is not JSON ({e}): {clip(out)}"], 1
        if canon(got) != canon(expected):
            return [f"expected JSON: {json.dumps(expected)}",
                    f"actual JSON:   {json.dumps(got)}"], 1
        return [], 0
    return compare


def calcsize_case(fmt):
    status, result = py_calcsize(fmt)
    if status == "error":
        return Case(["struct", "calcsize", fmt], error="kit struct calcsize: ",
                    note=[f"python: {result}"])
    return Case(["struct", "calcsize", fmt], f"{result}\n")


def add(cases, case):
    if case is not None:
        cases.append(case)


# --------------------------------------------------------------------------- groups


def group_calcsize(runner, rng):
    cases = []
    explicit = ["x", "3x", "0l", "c0l", "b0s0ib", "x0q", "<x0q", "@x0q", "=x0q", "ci", "<ci",
                "cq", "c0q", "5s", "0s", "0p", "300p", "", " ", "<", "!", "P", "nN", "e", "?",
                "3?", "@bhilqnNP", "=bhilq", "<l", ">L", "!q", " i", "i ", "\ti", "i\ni",
                "bi", "hq", "?d", "xe", "bbbbbbbi", "ih", "3si", "3pq", "20sI", "<20sI", "IHf",
                "<IHf", "1000000000x", "2147483647x", "2147483648x", "4294967296x",
                "123456q", "100000d", "4000000000s", "4000000000p", "9223372036854775807x",
                "9223372036854775808x", "1152921504606846976q", "c2q",
                "3x100000i", "z", "3", "=n", "<P", "!N", "i3", "4 s", "<<i", "i<"]
    for fmt in explicit:
        add(cases, calcsize_case(fmt))
    for _ in range(scaled(80)):
        fmt, prefix, items = random_format(rng)
        if rng.random() < 0.25:  # a big repeat count somewhere
            # Huge counts only for x, s and p, which take one value or none: kit keeps
            # one entry per value, so 10**9 "i" costs it gigabytes.
            i = rng.randrange(len(items))
            code = rng.choice("xxsp")
            big = rng.choice([10 ** rng.randint(3, 9), rng.randint(1000, 10**9),
                              rng.randint(10**9, 10**12)])
            items[i] = (code, big)
            if rng.random() < 0.3:  # and a bigger, harmless count for a value code
                items.append((rng.choice("bhiqd?"), rng.randint(100, 20000)))
            fmt = format_string(rng, prefix, items)
        add(cases, calcsize_case(fmt))
    for _ in range(scaled(35)):
        add(cases, calcsize_case(broken_format(rng)))
    counted, diffs = runner.check_cases(cases)
    summary("calcsize", counted, diffs, len(cases))
    return diffs


def explicit_pack(rng):
    """(format, [texts]) the issue and the tutorial ask for, and corner cases."""
    out = [
        ("<IHf", ["1000", "42", "3.14"]), ("IHf", ["1000", "42", "3.14"]),
        ("<I", ["0x01020304"]), (">I", ["0x01020304"]), ("<I", ["16909060"]),
        ("!I", ["0x01020304"]), ("=I", ["0x01020304"]), ("I", ["0x01020304"]),
        ("<20sI", ["b'CharlieLongNameHere'", "1500"]),
        ("<20sI", ["b'CharlieLongNameHereAndMore'", "7"]),
        ("<20sI", ["436861726c69654c6f6e674e616d6548657265", "0"]),
        ("<q", [str(-2**63)]), ("<Q", [str(2**64 - 1)]), ("<Q", ["0xffffffffffffffff"]),
        ("P", ["-1"]), ("P", [str(-2**63)]), ("P", [str(2**64 - 1)]), ("n", [str(-2**63)]),
        ("N", [str(2**64 - 1)]), (">h", ["-32768"]), ("<H", ["65535"]), ("b", ["-0b10000000"]),
        ("<l", ["-2147483648"]), ("l", [str(-2**63)]), ("=L", ["4294967295"]),
        ("<i", ["1_000_000"]), ("<i", ["-0o17"]), ("<i", ["0X_1F"]), ("i", ["True"]),
        ("?", ["2"]), ("?", ["0.0"]), ("?", ["-0.0"]), ("?", ["nan"]), ("?", [str(10**30)]),
        ("?", ["-1"]), ("?", ["False"]), ("?", ["1e-300"]),
        ("<e", ["True"]), ("<d", ["False"]), ("<f", ["3"]), ("<d", ["-0"]), ("<e", ["-0"]),
        ("f", ["1e39"]), ("@f", ["--", "-1e39"]), ("f", [repr(FLT_TIE)]),  # native: no check
        ("<d", [str(2**64 + 1)]), ("<d", [str(-2**63 - 1)]), ("<d", [str(10**30)]),
        ("<d", ["0x400000000000000000"]), ("<d", ["-0x8000000000000001"]),
        ("<f", [str(2**100)]), ("?", ["0x400000000000000000"]), ("<e", [str(2**70)]),
        ("<d", ["1e400"]), ("<d", ["-1e400"]), ("<d", ["1e-400"]), ("<f", ["1e-400"]),
        ("<d", ["1_000.000_1"]), ("<d", [".5"]), ("<d", ["5."]), ("<d", ["1E5"]),
        ("<d", ["2.4703282292062327e-324"]), ("<d", ["2.4703282292062328e-324"]),
        ("0s", ["b'abc'"]), ("3s", ["b'a'"]), ("3s", ["b''"]), ("3s", ["''"]),
        ("1p", ["b'abc'"]), ("0p", ["b'abc'"]), ("2p", ["b'abc'"]),
        ("256p", [repr(b"A" * 255)]), ("300p", [repr(b"B" * 299)]),
        ("300p", [repr(b"C" * 400)]), ("300p", ["b''"]), ("257p", [(b"\x01" * 300).hex()]),
        ("c", ["b'\\x00'"]), ("c", ["b\"'\""]), ("c", ["b'\\''"]), ("c", ["ff"]),
        ("5s", ["b'\\101\\x42\\t\\\\\\q'"]), ("5s", ['B"\\"x\\""']),
        # A value starting with '-' and a letter or '.' needs `--` before it (CLI11 would read
        # `-inf` as an option); docs/commands/struct.md says so.
        ("<d", ["--", "-inf"]), ("<f", ["--", "-.5"]),
    ]
    for v in [65504.0, 65519.99999999999, 2.0**-24, 2.0**-25, 3 * 2.0**-25, 3 * 2.0**-26,
              1 + 2.0**-11, 1 + 3 * 2.0**-11, 2.0**-14, -0.0, INF, NAN, 0.1, -65504.0]:
        out += [(p + "e", ["--", float_text(rng, v)]) for p in ("<", ">", "")]
    for v in [FLT_MAX, math.nextafter(FLT_TIE, 0), 2.0**-149, 2.0**-150, 3 * 2.0**-151,
              16777217.0, 16777219.0, 1 + 2.0**-24, -0.0, NAN]:
        out += [(p + "f", ["--", repr(v)]) for p in ("<", ">")]
    return out


def group_pack(runner, rng):
    cases = []
    n_round = 0

    def with_round_trip(case, packed, fmt):
        nonlocal n_round
        add(cases, case)
        if packed is not None:
            rt = unpack_case(fmt, packed.hex())
            if rt is not None and rt.error is None:
                n_round += 1
                cases.append(rt)

    for fmt, texts in explicit_pack(rng):
        codes = [c for c, _ in value_fields(parse_items(fmt))]
        pairs = []
        for t in texts:
            if t == "--":
                continue
            code = codes[len(pairs)] if len(pairs) < len(codes) else "i"
            if code in "csp" and re.fullmatch(r"[0-9a-fA-F]*", t):
                pairs.append((t, bytes.fromhex(t)))  # bytes as hex digits
            else:
                pairs.append((t, py_literal(t)))
        case, packed = pack_case(rng, fmt, pairs, dashes=False)
        if case is not None and "--" in texts:
            case.args[3:3] = ["--"]
        with_round_trip(case, packed, fmt)
    # The tutorial's facts, checked against Python too.
    assert struct.pack("<IHf", 1000, 42, 3.14).hex() == "e80300002a00c3f54840"
    assert struct.calcsize("IHf") == 12 and struct.calcsize("<IHf") == 10
    assert struct.pack("<I", 0x01020304).hex() == "04030201"
    assert struct.pack(">I", 0x01020304).hex() == "01020304"
    for _ in range(scaled(150)):
        fmt, prefix, items = random_format(rng)
        case, packed = pack_case(rng, fmt, valid_row(rng, prefix, value_fields(items)))
        with_round_trip(case, packed, fmt)
    counted, diffs = runner.check_cases(cases)
    summary("pack", counted, diffs, len(cases))
    print(f"  ({counted - n_round} pack runs, {n_round} of them round-tripped through unpack)")
    return diffs


def group_unpack(runner, rng):
    cases = []
    explicit = [
        ("<e", ["007c", "00fc", "017c", "ff7f", "00fe", "0100", "ff03", "0004", "ff7b", "0080",
                "003c", "013c"]),
        (">e", ["7c01", "fc00", "8001"]),
        ("<f", ["0000807f", "0100807f", "0000c0ff", "01000000", "ffff7f7f", "00000080",
                "0000803f"]),
        ("<d", ["000000000000f07f", "010000000000f07f", "000000000000f8ff", "0100000000000000",
                "0000000000000080", "ffffffffffffef7f", "9a9999999999b93f", "000000000000f03f",
                "0000000000003043", "0000000000005044"]),
        ("?", ["00", "01", "02", "ff", "80"]), ("<?", ["00", "7f"]),
        ("c", ["27", "22", "5c", "0a", "00", "7f", "80", "ff", "09", "0d", "41"]),
        ("5s", ["27225c0a00", "2727272727", "2222222222", "27222722ff"]),
        ("3p", ["ff4142", "014142", "00ffff", "024142"]), ("p", ["05", "00"]),
        ("<q", ["0000000000000080", "ffffffffffffffff"]), (">Q", ["ffffffffffffffff"]),
        ("P", ["ffffffffffffffff", "0000000000000080"]), ("n", ["ffffffffffffffff"]),
        ("N", ["ffffffffffffffff"]), ("", [""]), ("3x", ["000000"]), ("x?x", ["000100"]),
        ("<IHf", ["e80300002a00c3f54840"]), ("<20sI", [
            struct.pack("<20sI", b"CharlieLongNameHere", 1500).hex()]),
        ("<h", ["01 02", " 0102 ", "0102\n", "AbCd"]), ("<i", ["01 02 03 04"]),
    ]
    for fmt, hexes in explicit:
        for h in hexes:
            add(cases, unpack_case(fmt, h))
    for h in ["007c", "017c", "0080", "0100"]:
        add(cases, unpack_case("<e", h, as_json=True))
    for h in ["0000000000000080", "000000000000f0ff", "010000000000f07f", "0000000000005044"]:
        add(cases, unpack_case("<d", h, as_json=True))
    add(cases, unpack_case("<Q?c3s", "ffffffffffffffff" + "02" + "22" + "5c2700", as_json=True))
    add(cases, unpack_case("", "", as_json=True))
    for i in range(scaled(140)):
        fmt, _, _ = random_format(rng, for_unpack=True)
        size = struct.calcsize(fmt)
        if rng.random() < 0.5:
            data = rng.randbytes(size)
        else:  # records that pack round values, with random bytes mixed in
            data = bytes(rng.choice([0, 0, 0xFF, 0x80, 0x7F, 0x3C, 0x7C, 0x01, rng.randrange(256)])
                         for _ in range(size))
        add(cases, unpack_case(fmt, hex_arg(rng, data), as_json=i % 4 == 3))
    counted, diffs = runner.check_cases(cases)
    summary("unpack", counted, diffs, len(cases))
    return diffs


MALFORMED = [("i", "12abc"), ("i", "0x"), ("i", "1__0"), ("i", "_1"), ("i", "1_"), ("i", "0x_"),
             ("i", "0b2"), ("i", "0o8"), ("i", "0xg"), ("i", ""), ("i", "1 000"), ("i", "007"),
             ("i", "true"), ("i", "none"), ("i", "--1"), ("i", "1e"), ("d", "1.5.5"), ("d", "e5"),
             ("d", "1e"), ("d", ""), ("d", "1__0.5"), ("d", "1_.5"), ("d", "0x1p3"),
             ("f", "1,5"), ("s", "b'\\x4'"), ("s", "b'abc"),
             ("s", "abc"), ("s", "b'a'b'"), ("s", "b'\u00e9'"), ("c", "zz"), ("?", "yes")]


def literal_fails(code, text):
    """Python's side of a malformed value: it is no literal of the right kind."""
    try:
        v = py_literal(text)
    except Exception:
        return True
    if code in "csp":
        return not isinstance(v, bytes) or (code == "c" and len(v) != 1)
    status, _ = py_pack(code, [v])
    return status != "ok"


def write_csv(path, rows, lineterminator="\n", bom=False):
    buf = io.StringIO()
    csv.writer(buf, lineterminator=lineterminator).writerows(rows)
    with open(path, "wb") as f:
        f.write((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode())


def group_errors(runner, rng):
    cases = []
    counts = {}

    def add_kind(kind, case):
        if case is not None:
            counts[kind] = counts.get(kind, 0) + 1
            cases.append(case)

    # One bad value among valid ones.
    for _ in range(scaled(65)):
        for _ in range(100):
            fmt, prefix, items = random_format(rng)
            fields = value_fields(items)
            if any(c != "?" for c, _ in fields):
                break
        row = valid_row(rng, prefix, fields)
        i = rng.choice([k for k, (c, _) in enumerate(fields) if c != "?"])
        row[i] = bad_value(rng, fields[i][0], prefix)
        add_kind("bad value", pack_case(rng, fmt, row)[0])
    # One value too many or too few.
    for _ in range(scaled(30)):
        fmt, prefix, items = random_format(rng)
        fields = value_fields(items)
        row = valid_row(rng, prefix, fields)
        if row and rng.random() < 0.5:
            del row[rng.randrange(len(row))]
        else:
            row.insert(rng.randint(0, len(row)), valid_value(rng, "i", "<", None))
        add_kind("value count", pack_case(rng, fmt, row)[0])
    # Broken formats, for each subcommand.
    for i in range(scaled(45)):
        fmt = broken_format(rng)
        sub = i % 3
        if sub == 0:
            add_kind("bad format", calcsize_case(fmt))
        elif sub == 1:
            texts = [rng.choice(["1", "0", "b'a'", "2.5"]) for _ in range(rng.randint(0, 3))]
            add_kind("bad format", pack_case(rng, fmt, [(t, py_literal(t)) for t in texts])[0])
        else:
            add_kind("bad format", unpack_case(fmt, rng.randbytes(rng.randint(0, 12)).hex()))
    # Buffers of the wrong size and bad hex.
    for _ in range(scaled(45)):
        fmt, _, _ = random_format(rng, for_unpack=True)
        size = struct.calcsize(fmt)
        r = rng.random()
        if r < 0.6:
            n = max(0, size + rng.choice([-3, -2, -1, 1, 2, 5, size or 1]))
            if n == size:
                n += 1
            add_kind("buffer size", unpack_case(fmt, rng.randbytes(n).hex()))
        else:
            h = rng.randbytes(size).hex()
            at = rng.randint(0, len(h))
            h = h[:at] + rng.choice(["0", "zz", "g0", "0x", " 0", "-1", "\u00e9f"]) + h[at:]
            add_kind("bad hex", unpack_case(fmt, h))
    # Malformed literals; values kit refuses where Python does.
    for code, text in MALFORMED:
        assert literal_fails(code, text), (code, text)
        add_kind("malformed literal", Case(["struct", "pack", code, "--", text],
                                           error="kit struct pack: ",
                                           note=["python: not a literal for this format"]))
    explicit = [("<e", "65520"), ("<e", "65520.0"), ("<e", "-65520.0"), (">e", "1e5"),
                ("<f", repr(FLT_TIE)), ("<f", "1e39"), ("<f", "-1e300"), ("<d", str(10**400)),
                ("<d", "-" + str(10**400)), ("<d", "0x" + "f" * 300), ("B", "256"), ("b", "-129"),
                ("Q", "-1"), ("<I", "-1"), ("<H", "0x10000"), ("<q", str(2**63)),
                ("P", str(-2**63 - 1)), ("P", str(2**64)), ("N", "-1"), ("n", str(2**63)),
                ("c", "b''"), ("c", "b'ab'"), ("i", "1.5"), ("i", "1e3"), ("i", "inf"),
                ("i", "nan"), ("3s", "1.5"), ("e", "b'a'")]
    for fmt, text in explicit:
        add_kind("bad value", pack_case(rng, fmt, [from_text(text)])[0])
    for fmt, texts in [("=n", ["1"]), ("<P", ["1"]), ("!N", ["1"]), ("x", ["1"]), ("ii", ["1"]),
                       ("", ["1"]), ("i", [])]:
        add_kind("explicit", pack_case(rng, fmt, [from_text(t) for t in texts])[0])
    for fmt, h in [("<i", "0102"), ("i", "zz"), ("<h", "010"), ("<h", "0 102"), ("", "00"),
                   ("3x", "0000"), ("z", "00"), ("<n", "00" * 8), ("<h", "0x0102")]:
        add_kind("explicit", unpack_case(fmt, h))
    # CSV files with one bad row: exit 2; stdout may hold the records before it.
    tmp = tempfile.TemporaryDirectory(prefix="kit-struct-diff-")
    for k in range(scaled(10)):
        fmt, prefix, items = random_format(rng)
        fields = value_fields(items)
        if not fields or not any(c != "?" for c, _ in fields):
            fmt, prefix, fields = "<hd", "<", [("h", None), ("d", None)]
        rows = []
        for _ in range(rng.randint(2, 12)):
            row = valid_row(rng, prefix, fields)
            if py_pack(fmt, [v for _, v in row])[0] == "ok":
                rows.append(row)
        bad = valid_row(rng, prefix, fields)
        if k % 3 == 2:
            bad = bad[:-1] if len(bad) > 1 else bad + bad
        else:
            i = rng.choice([j for j, (c, _) in enumerate(fields) if c != "?"])
            bad[i] = bad_value(rng, fields[i][0], prefix)
        at = rng.randint(0, len(rows))
        status, why = py_pack(fmt, [v for _, v in bad])
        if status != "error":
            continue
        good = b"".join(struct.pack(fmt, *[v for _, v in row]) for row in rows[:at])
        rows.insert(at, bad)
        path = os.path.join(tmp.name, f"bad{k}.csv")
        write_csv(path, [[t for t, _ in row] for row in rows])
        add_kind("bad CSV row", Case(["struct", "pack", fmt, "--csv", path], good,
                                     error="kit struct pack: ", stdout_prefix=True,
                                     note=[f"python: row {at + 1}: {why}",
                                           f"bad row: {[t for t, _ in bad]}"]))
    try:
        counted, diffs = runner.check_cases(cases)
    finally:
        tmp.cleanup()
    summary("errors", counted, diffs, len(cases))
    print("  (" + ", ".join(f"{k} {v}" for k, v in counts.items()) + ")")
    return diffs


# ----- files


def batch_format(rng):
    """A random format whose records hold at least one value and one byte."""
    while True:
        fmt, prefix, items = random_format(rng, for_unpack=True)
        fields = value_fields(items)
        if fields and struct.calcsize(fmt) > 0:
            return fmt, prefix, fields


def batch_rows(rng, fmt, prefix, fields, n):
    rows, packed = [], []
    while len(rows) < n:
        for _ in range(20):
            row = valid_row(rng, prefix, fields)
            status, data = py_pack(fmt, [v for _, v in row])
            if status == "ok":
                rows.append(row)
                packed.append(data)
                break
        else:
            break
    return rows, packed


def pack_compare(fmt, rows, packed):
    expected = b"".join(packed)
    size = struct.calcsize(fmt)

    def compare(out, err=b""):
        if out == expected:
            return [], 0
        bad = [i for i, p in enumerate(packed) if out[i * size:(i + 1) * size] != p]
        problems = [f"expected {len(expected)} bytes ({len(packed)} records of {size}), "
                    f"got {len(out)}; {len(bad)} records differ"]
        if expected.startswith(out):  # stopped at a row it refused: one difference
            line = re.search(rb"\(line (\d+),", err)
            row = int(line.group(1)) - 1 if line else -1
            bad = [row] if 0 <= row < len(rows) else bad[:1]
            problems[0] = (f"expected {len(expected)} bytes ({len(packed)} records of {size}), "
                           f"got the first {len(out)}; kit stopped at row {bad[0] + 1}")
        if bad:
            i = bad[0]
            texts = [t for t, _ in rows[i]]
            problems += [f"first differing record: row {i + 1}: {texts}",
                         f"  as one run: {Runner.command_line(['struct', 'pack', fmt, '--', *texts])}",
                         f"  expected {packed[i].hex()}",
                         f"  actual   {out[i * size:(i + 1) * size].hex()}"]
        return problems, max(1, len(bad))
    return compare


def lines_compare(expected_lines, what):
    expected = "".join(expected_lines).encode()

    def compare(out, err=b""):
        if out == expected:
            return [], 0
        got = out.decode("utf-8", "replace").splitlines(keepends=True)
        bad = [i for i, line in enumerate(expected_lines) if i >= len(got) or got[i] != line]
        if not bad and len(got) != len(expected_lines):
            bad = [len(expected_lines)]
        if expected.startswith(out):  # stopped early: one difference
            bad = bad[:1]
        problems = [f"{len(bad)} of {len(expected_lines)} {what} lines differ "
                    f"(got {len(got)} lines)"]
        if bad:
            i = bad[0]
            problems += [f"first difference at line {i + 1}:",
                         f"  expected {expected_lines[i] if i < len(expected_lines) else None!r}",
                         f"  actual   {got[i] if i < len(got) else None!r}"]
        return problems, max(1, len(bad))
    return compare


def jsonl_compare(records, size):
    expected = [{"type": "record", "data": [json_value(v) for v in r]} for r in records]
    expected.append({"type": "summary", "data": {"records": len(records), "record_size": size}})

    def compare(out, err=b""):
        lines = out.decode("utf-8", "replace").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        else:
            return [f"JSON Lines output does not end with a newline: {clip(out[-100:])}"], 1
        got = []
        for n, line in enumerate(lines):
            try:
                got.append(json.loads(line))
            except ValueError as e:
                return [f"line {n + 1} is not one JSON value ({e}): {line[:200]!r}"], 1
        bad = [i for i in range(len(expected))
               if i >= len(got) or canon(got[i]) != canon(expected[i])]
        if not bad and len(got) != len(expected):
            bad = [len(expected)]
        if not bad:
            return [], 0
        i = bad[0]
        return [f"{len(bad)} of {len(expected)} JSON lines differ (got {len(got)})",
                f"first difference at line {i + 1}:",
                f"  expected {json.dumps(expected[i]) if i < len(expected) else None}",
                f"  actual   {json.dumps(got[i]) if i < len(got) else None}"], max(1, len(bad))
    return compare


def unpack_file_case(fmt, path, data, mode, offset=None, stdin=None):
    """kit struct unpack FMT --file PATH [--offset N] [--csv|--json] against
    struct.iter_unpack; a trailing partial record: the whole records, then exit 2."""
    args = ["struct", "unpack", fmt, "--file", path]
    if offset is not None:
        args += ["--offset", offset]
        data = data[offset:]
    if mode != "repr":
        args.append("--" + mode)
    size = struct.calcsize(fmt)
    whole = len(data) - len(data) % size
    records = list(struct.iter_unpack(fmt, data[:whole]))
    partial = whole != len(data)
    if partial:
        try:
            struct.iter_unpack(fmt, data)
            raise AssertionError("iter_unpack took a partial record")
        except struct.error:
            pass
    if mode == "repr":
        lines = [repr(r) + "\n" for r in records]
    elif mode == "csv":
        lines = [",".join(csv_field(v) for v in r) + "\n" for r in records]
    else:
        assert not partial
        return Case(args, compare=jsonl_compare(records, size), stdin=stdin,
                    count=len(records))
    return Case(args, "".join(lines), error="kit struct unpack: " if partial else None,
                compare=lines_compare(lines, mode), stdin=stdin, count=max(1, len(records)))


def group_files(runner, rng):
    cases = []
    tmp = tempfile.TemporaryDirectory(prefix="kit-struct-diff-")
    n_pack = n_unpack = 0

    def path(name):
        return os.path.join(tmp.name, name)

    def write_bin(name, data):
        with open(path(name), "wb") as f:
            f.write(data)
        return path(name)

    saved = []  # (fmt, records bytes) for the offset and partial cases
    for k in range(scaled(95)):
        fmt, prefix, fields = batch_format(rng)
        rows, packed = batch_rows(rng, fmt, prefix, fields, rng.randint(5, 40))
        write_csv(path(f"in{k}.csv"), [[t for t, _ in row] for row in rows])
        cases.append(Case(["struct", "pack", fmt, "--csv", path(f"in{k}.csv")],
                          compare=pack_compare(fmt, rows, packed), count=len(rows),
                          note=[f"CSV file: {len(rows)} rows, the first: "
                                f"{[t for t, _ in rows[0]]}"]))
        n_pack += len(rows)
        data = b"".join(packed)
        saved.append((fmt, data))
        mode = ["repr", "repr", "csv", "json"][k % 4]
        cases.append(unpack_file_case(fmt, write_bin(f"rec{k}.bin", data), data, mode))
        n_unpack += len(rows)
    # --offset: junk before the records.
    for k in range(scaled(12)):
        fmt, data = saved[k % len(saved)]
        junk = rng.randbytes(rng.choice([0, 1, 3, 7, rng.randint(0, 40)]))
        p = write_bin(f"off{k}.bin", junk + data)
        cases.append(unpack_file_case(fmt, p, junk + data, ["repr", "csv", "json"][k % 3],
                                      offset=len(junk)))
    # A trailing partial record: the whole records, then exit 2.
    for k in range(scaled(8)):
        fmt, data = saved[(k * 7 + 3) % len(saved)]
        size = struct.calcsize(fmt)
        if size < 2:
            fmt, data = "<hi", struct.pack("<hi", 1, -2) * 3
            size = 6
        extra = rng.randbytes(rng.randint(1, size - 1))
        junk = rng.randbytes(rng.randint(1, 5)) if k % 2 else b""
        p = write_bin(f"partial{k}.bin", junk + data + extra)
        cases.append(unpack_file_case(fmt, p, junk + data + extra, ["repr", "csv"][k % 2],
                                      offset=len(junk) if junk else None))
    # Shorter than one record; empty; offset at and past the end; 0-byte records.
    fmt = "<IHf"
    data = struct.pack(fmt, 1000, 42, 3.14) * 2
    cases.append(unpack_file_case(fmt, write_bin("short.bin", data[:7]), data[:7], "repr"))
    cases.append(unpack_file_case(fmt, write_bin("empty.bin", b""), b"", "repr"))
    cases.append(unpack_file_case(fmt, write_bin("empty2.bin", b""), b"", "json"))
    cases.append(unpack_file_case(fmt, write_bin("two.bin", data), data, "json",
                                  offset=len(data)))
    cases.append(unpack_file_case(fmt, path("two.bin"), data, "csv", offset=10))
    # struct.unpack_from(fmt, data, offset) refuses an offset past the end, and so does kit.
    cases.append(Case(["struct", "unpack", fmt, "--file", path("two.bin"), "--offset",
                       len(data) + 1], error="kit struct unpack: ",
                      note=["python: unpack_from: offset past the end"]))
    for z in ("0i", "0q", "0s0x"):
        assert struct.calcsize(z) == 0
        cases.append(Case(["struct", "unpack", z, "--file", path("two.bin")],
                          error="kit struct unpack: ",
                          note=["python: iter_unpack: a struct of length 0"]))
    # stdin, a BOM, CRLF rows, CSV quoting of literals with commas and quotes.
    fmt, prefix, fields = "<5sbd?", "<", [("s", 5), ("b", None), ("d", None), ("?", None)]
    rows, packed = batch_rows(rng, fmt, prefix, fields, 20)
    rows[0] = [(repr(b'a,"b'), b'a,"b'), ("-1", -1), ("-inf", -INF), ("True", True)]
    rows[1] = [(repr(b"'\","), b"'\","), ("0x7f", 127), ("1e-05", 1e-05), ("nan", NAN)]
    packed[0] = struct.pack(fmt, *[v for _, v in rows[0]])
    packed[1] = struct.pack(fmt, *[v for _, v in rows[1]])
    texts = [[t for t, _ in row] for row in rows]
    for name, kw in (("bom.csv", {"bom": True}), ("crlf.csv", {"lineterminator": "\r\n"}),
                     ("plain.csv", {})):
        write_csv(path(name), texts, **kw)
        cases.append(Case(["struct", "pack", fmt, "--csv", path(name)],
                          compare=pack_compare(fmt, rows, packed), count=len(rows)))
    with open(path("plain.csv"), "rb") as f:
        cases.append(Case(["struct", "pack", fmt, "--csv", "-"], stdin=f.read(),
                          compare=pack_compare(fmt, rows, packed), count=len(rows)))
    data = b"".join(packed)
    cases.append(unpack_file_case(fmt, "-", data, "repr", stdin=data))
    cases.append(unpack_file_case(fmt, "-", data, "json", stdin=data))
    n_pack += 4 * len(rows)
    # Large inputs, which kit cuts into pieces for its threads: 300,000 CSV rows (over 4 MiB)
    # packed, the same rows with a bad row near the end (its line number must be counted
    # across pieces; the records before it may or may not be written), and the records
    # (over 8 MiB, several read blocks) unpacked to repr and CSV lines.
    fmt = "<IHff"
    big_rows = []
    for i in range(300_000):
        a, b = rng.randrange(2**32), rng.randrange(2**16)
        c, d = (struct.unpack("<f", struct.pack("<f", rng.uniform(-1e6, 1e6)))[0] for _ in "cd")
        big_rows.append(([str(a), str(b), repr(c), repr(d)], (a, b, c, d)))
    big_packed = [struct.pack(fmt, *objs) for _, objs in big_rows]
    with open(path("big.csv"), "w") as f:
        f.writelines(",".join(t) + "\n" for t, _ in big_rows)
    cases.append(Case(["struct", "pack", fmt, "--csv", path("big.csv")],
                      compare=pack_compare(fmt, big_rows, big_packed), count=len(big_rows)))
    bad_line = 290_001
    with open(path("big-bad.csv"), "w") as f:
        f.writelines(("1,2,3,x\n" if i + 1 == bad_line else ",".join(t) + "\n")
                     for i, (t, _) in enumerate(big_rows))
    cases.append(Case(["struct", "pack", fmt, "--csv", path("big-bad.csv")],
                      expected=b"".join(big_packed[:bad_line - 1]), stdout_prefix=True,
                      error=f"kit struct pack: item 4: 'x' is not a number (line {bad_line},"))
    # Quoted fields that hold line ends, in a file large enough to be cut into pieces (kit cuts
    # at the first line end after every 4 MiB): kit packs plain pieces in parallel and, from
    # the first piece with a quote on, the rest as one piece. A 4s field as hex with line ends
    # inside (bytes.fromhex skips them) near the start, around the first cut (so that the cut
    # falls inside it) and near the end; CRLF lines, and blank lines between records.
    qfmt = "<I4sf"
    q_rows, q_text, cut = [], [], 4 << 20
    at = 0
    for i in range(200_000):
        a = rng.randrange(2**32)
        raw = rng.randbytes(4)
        x = struct.unpack("<f", struct.pack("<f", rng.uniform(-1e3, 1e3)))[0]
        line = f"{a},{raw.hex()},{x!r}\r\n"
        if i in (3, 199_998) or at <= cut < at + len(line):
            breaks = "\r\n" * 100
            line = f'{a},"{raw[:1].hex()}{breaks}{raw[1:].hex()}",{x!r}\r\n'
        if i == 100_000:
            line = "\r\n\n" + line
        q_rows.append([(str(a), a), (raw.hex(), raw), (repr(x), x)])
        q_text.append(line)
        at += len(line)
    q_packed = [struct.pack(qfmt, *[v for _, v in row]) for row in q_rows]
    with open(path("quoted.csv"), "w", newline="") as f:
        f.write("".join(q_text))
    cases.append(Case(["struct", "pack", qfmt, "--csv", path("quoted.csv")],
                      compare=pack_compare(qfmt, q_rows, q_packed), count=len(q_rows)))
    big_data = b"".join(big_packed) * 2
    cases.append(unpack_file_case(fmt, write_bin("big.bin", big_data), big_data, "repr"))
    cases.append(unpack_file_case(fmt, path("big.bin"), big_data, "csv"))
    n_pack += len(big_rows) + len(q_rows)
    try:
        counted, diffs = runner.check_cases(cases)
    finally:
        tmp.cleanup()
    summary("files", counted, diffs, len(cases))
    print(f"  ({n_pack} records packed from CSV, the rest unpacked from files)")
    return diffs


GROUPS = {
    "calcsize": group_calcsize,
    "pack": group_pack,
    "unpack": group_unpack,
    "errors": group_errors,
    "files": group_files,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kit", required=True, help="path to the kit binary")
    parser.add_argument("--jobs", type=int, default=2, help="kit processes at a time (default 2)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply the number of random cases (default 1)")
    parser.add_argument("group", choices=[*GROUPS, "all"])
    options = parser.parse_args()
    global SCALE
    SCALE = options.scale
    if sys.version_info[:2] != (3, 11):
        print(f"warning: the reference is CPython 3.11, this is {sys.version.split()[0]}",
              file=sys.stderr)
    kit = os.path.abspath(options.kit)
    if not os.access(kit, os.X_OK):
        parser.error(f"not an executable: {options.kit}")
    runner = StructRunner(kit, jobs=max(1, options.jobs), env=ENV, timeout=TIMEOUT,
                          max_reports=MAX_REPORTS)
    # One generator per group, seeded from the fixed seed in a fixed order, so a
    # group's cases do not depend on which other groups run.
    root = random.Random(SEED)
    seeds = {name: root.getrandbits(64) for name in GROUPS}
    groups = list(GROUPS) if options.group == "all" else [options.group]
    start = time.monotonic()
    for name in groups:
        runner.reports = 0  # the first few mismatches of every group are shown
        GROUPS[name](runner, random.Random(seeds[name]))
    runner.pool.shutdown()
    print(f"{'all' if len(groups) > 1 else groups[0]}: "
          f"{'FAILED' if runner.failed else 'ok'} ({runner.runs} kit runs) in "
          f"{time.monotonic() - start:.1f}s")
    return 1 if runner.failed else 0


if __name__ == "__main__":
    sys.exit(main())
