#!/usr/bin/env python3
"""Differential test: `kit logs` against a Python reference parser of its spec.

Usage: logs_vs_python.py --kit PATH [--keep DIR] GROUP
       (GROUP: seed, jsonl, combined, filters, stats or all)

The reference below (parse_seed, parse_jsonl, parse_combined, detect, reference) is the
spec of `kit logs` (docs/commands/logs.md) written in Python; it runs in this process on
generated logs and kit must agree. Inputs are files of 1,000-20,000 lines, so each kit run
checks thousands of lines (a sanitizer build pays ~75 ms to start). kit's `--json` output
is parsed and compared field by field, records matched by (file, line); durations and
quantiles are compared as numbers. Random cases come from fixed seeds (one per group), so
every run checks the same lines; --keep DIR leaves the generated files there. kit runs with
LC_ALL=C and TZ=UTC (half of the seed group with TZ=KIT-5:45: kit must ignore TZ).

Groups:
  seed      the tutorial's format: runs of spaces and tabs, every level in mixed case
            (WARN, FATAL), durations bare, with ms/s/us or absent, messages ending in
            numbers (a duration by the spec), `12.`, `-7`, `1e3` (message words), empty
            messages, fractional seconds (1-9 digits), the `T` form, `Z` and +HH:MM zones,
            leap days, CRLF, a last line without newline, blank lines, UTF-8, and garbage
            (binary bytes with NULs, too few fields, month 13, Feb 30, hour 24, bad levels,
            bad time shapes). `--format seed` and auto, several `--slow`, several files in
            one run, stdin (`-`), the skipped-lines message on stderr; two exact text checks:
            the tutorial's five lines (its printed output, verbatim) and a generated file.
  jsonl     JSON Lines: `ts`/`time`/`timestamp` (several at once: the first in that order
            wins), ISO strings and epoch numbers (integer, fractional, exponent), level and
            service missing, `msg`/`message`, escapes (\\n, \\", \\/, \\u00e9, surrogate
            pairs, escaped key names), nested objects holding decoy `ts`/`msg` keys, and bad
            lines (not JSON, arrays, trailing commas or garbage, bad or missing timestamps).
  combined  nginx/Apache combined lines with and without request time, 1xx-5xx statuses,
            IPv6, odd paths (`/`, `/?q`, query strings, UTF-8), broken lines; `--format`
            forced onto the wrong format (all skipped); auto detection on mixed files (the
            first 100 non-empty lines decide, ties seed > jsonl > combined, blank lines do
            not count, an empty file, an all-garbage file).
  filters   one seed, one jsonl and one combined file over three days: --level (names, case,
            WARN/FATAL), --service, --since/--until in every accepted form, --grep (UTF-8
            too), --slow with --only-slow (strictly greater), combinations, --top N (JSON and
            one exact text check), --csv (parsed, RFC 4180), --show-skipped, and the usage
            errors that must exit 2 (unknown level, bad --since/--until, bad --format,
            missing file).
  stats     `--stats --json`: per service (sorted by name) then per level present (DEBUG ..
            CRITICAL): count, errors (ERROR + CRITICAL) exactly, p50/p95/p99 against the exact
            nearest-rank quantile (sorted durations, index ceil(q*n)-1) within 1% + 0.001 ms
            (kit keeps a log-bucket sketch), max_ms exactly; groups with no durations (null),
            zeros, tiny and huge values, 20,000 events in one service, with filters; the
            text table once (exit 0, every service named).

Reference decisions the spec leaves open (a mismatch there is a question, not a verdict):
blank lines (empty after the CR is stripped) are neither events nor skipped but count in
"lines"; fractions beyond 6 digits are truncated to microseconds in "timestamp"; with --top
the summary still counts every event that passed the filters. Generated inputs avoid the
other open points (leading blanks, whitespace-only lines, `duration_ms: null`, unknown JSON
levels, units in capitals, s/us values whose float product differs from the decimal one).
Exit status: 0 when everything matches, 1 on any mismatch (the first 20 are printed).
"""
import argparse
import calendar
import csv
import datetime
import io
import json
import os
import random
import re
import struct
import sys
import tempfile
from decimal import ROUND_FLOOR, Decimal

from harness import ENV, Runner

SEED = 20261125
LEVEL_NAMES = {"DEBUG": "DEBUG", "INFO": "INFO", "WARNING": "WARNING", "WARN": "WARNING",
               "ERROR": "ERROR", "CRITICAL": "CRITICAL", "FATAL": "CRITICAL"}
LEVEL_ORDER = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
MONTHS = [b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct",
          b"Nov", b"Dec"]
THRESHOLDS = [500.0, 100.0, 250.0, 0.0, 1000.0, 12.5]  # every --slow the test uses

# ----------------------------------------------------------------------------- reference

SEP = re.compile(rb"[ \t]+")
DATE = re.compile(rb"(\d{4})-(\d{2})-(\d{2})\Z")
TIME = re.compile(rb"(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?\Z")
NUMBER = rb"(\d+(?:\.\d+)?|\.\d+)"
DURATION = re.compile(NUMBER + rb"(ms|s|us)?\Z")
COMBINED = re.compile(
    rb'(\S+) (\S+) (\S+) \[(\d{2})/([A-Za-z]{3})/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})\] '
    rb'"([^" ]+) ([^" ]+) ([^" ]+)" (\d{3}) (\d+|-) "([^"]*)" "([^"]*)"(?: ' + NUMBER + rb")?\Z")


def civil_ns(y, mo, d, h, mi, s, frac=b"", offset_min=0):
    """Nanoseconds since the epoch of a UTC+offset civil time, None when it is not a date."""
    try:
        dt = datetime.datetime(y, mo, d, h, mi, s)
    except ValueError:
        return None
    secs = calendar.timegm(dt.timetuple()) - offset_min * 60
    return secs * 10**9 + int(frac.ljust(9, b"0"))


def date_time_ns(date, time):
    md, mt = DATE.match(date), TIME.match(time)
    if not md or not mt:
        return None
    zone, offset = mt.group(5), 0
    if zone and zone != b"Z":
        zh, zm = int(zone[1:3]), int(zone[4:6])
        if zh > 23 or zm > 59:
            return None
        offset = (zh * 60 + zm) * (1 if zone[:1] == b"+" else -1)
    return civil_ns(*map(int, md.groups()), *map(int, mt.groups()[:3]), mt.group(4) or b"",
                    offset)


def level_of(text):
    return LEVEL_NAMES.get(text.upper().decode("latin-1"))


def duration_ms(number, unit):
    x = float(number)
    return x * 1000 if unit == b"s" else x / 1000 if unit == b"us" else x


def parse_seed(line):
    """`DATE TIME LEVEL SERVICE MESSAGE... [DURATION]` -> (ns, level, service, message, ms)."""
    toks = SEP.split(line.strip(b" \t"))
    if b"T" in toks[0]:
        date, _, time = toks[0].partition(b"T")
        rest = toks[1:]
    elif len(toks) >= 2:
        date, time, rest = toks[0], toks[1], toks[2:]
    else:
        return None
    ns = date_time_ns(date, time)
    if ns is None or len(rest) < 2:
        return None
    level = level_of(rest[0])
    if level is None:
        return None
    words, dur = rest[2:], None
    m = DURATION.match(words[-1]) if words else None
    if m:
        dur, words = duration_ms(m.group(1), m.group(2)), words[:-1]
    return ns, level, rest[1].decode(), b" ".join(words).decode(), dur


def iso_ns(text):
    if "T" in text:
        date, _, time = text.partition("T")
    elif text.count(" ") == 1:
        date, time = text.split(" ")
    else:
        return None
    return date_time_ns(date.encode(), time.encode())


def parse_jsonl(line):
    try:
        obj = json.loads(line.decode("utf-8"), parse_float=Decimal)
    except ValueError:  # UnicodeDecodeError included
        return None
    if not isinstance(obj, dict):
        return None
    key = next((k for k in ("ts", "time", "timestamp") if k in obj), None)
    ts = obj.get(key)
    if isinstance(ts, bool) or key is None:
        return None
    if isinstance(ts, (int, Decimal)):
        ns = int((Decimal(ts) * 10**9).to_integral_value(rounding=ROUND_FLOOR))
    elif isinstance(ts, str):
        ns = iso_ns(ts)
    else:
        return None
    level = obj.get("level", "INFO")
    service = obj.get("service", "-")
    message = obj.get("msg", obj.get("message", ""))
    dur = obj.get("duration_ms")
    if ns is None or not isinstance(level, str) or not level.isascii() or \
            not isinstance(service, str) or not isinstance(message, str):
        return None
    level = LEVEL_NAMES.get(level.upper())
    if level is None:
        return None
    return ns, level, service, message, None if dur is None else float(dur)


def parse_combined(line):
    m = COMBINED.match(line)
    if not m:
        return None
    (_, _, _, day, mon, year, hh, mm, ss, zone, method, path, _, status, _, _, _,
     rtime) = m.groups()
    if mon not in MONTHS:
        return None
    offset = (int(zone[1:3]) * 60 + int(zone[3:5])) * (1 if zone[:1] == b"+" else -1)
    ns = civil_ns(int(year), MONTHS.index(mon) + 1, int(day), int(hh), int(mm), int(ss),
                  b"", offset)
    if ns is None:
        return None
    code = int(status)
    level = "ERROR" if 500 <= code < 600 else "WARNING" if 400 <= code < 500 else "INFO"
    segs = path.split(b"?")[0].split(b"/")
    service = segs[1] if path.startswith(b"/") and len(segs) > 1 and segs[1] else b"/"
    message = b" ".join([method, path, status]).decode()
    return ns, level, service.decode(), message, None if rtime is None else float(rtime) * 1000


def float32(x):
    """A duration as kit stores it (a float, per the issue: 4 bytes), then read back as the
    shortest decimal that names that float, which is what kit prints and rounds."""
    if x is None:
        return None
    v = struct.unpack("<f", struct.pack("<f", x))[0]
    for p in range(1, 12):
        t = float(f"{v:.{p}g}")
        if struct.unpack("<f", struct.pack("<f", t))[0] == v:
            return t
    return v


def stored(parse):
    def parse_stored(line):
        r = parse(line)
        return r and r[:4] + (float32(r[4]),) + tuple(r[5:])
    return parse_stored


parse_seed, parse_jsonl, parse_combined = map(stored, (parse_seed, parse_jsonl, parse_combined))
PARSERS = {"seed": parse_seed, "jsonl": parse_jsonl, "combined": parse_combined}


def split_lines(data):
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    return [l[:-1] if l.endswith(b"\r") else l for l in lines]


def detect(lines):
    """The format that parses most of the first 100 non-empty lines; ties in PARSERS order."""
    sample = [l for l in lines if l][:100]
    counts = {f: sum(1 for l in sample if p(l) is not None) for f, p in PARSERS.items()}
    return max(PARSERS, key=lambda f: (counts[f], -list(PARSERS).index(f)))


PARSED = {}  # (name, data, format) -> parse_file's answer; the filters reuse three files


def parse_file(name, data, fmt):
    """([Event], [(name, line number, skipped line)], number of lines) of one file."""
    if (name, data, fmt) not in PARSED:
        lines = split_lines(data) if data else []
        parse = PARSERS[fmt if fmt != "auto" else detect(lines)]
        events, skipped = [], []
        for i, line in enumerate(lines, 1):
            if line:
                parsed = parse(line)
                if parsed is None:
                    skipped.append((name, i, line))
                else:
                    events.append(Event(parsed, name, i, line))
        PARSED[(name, data, fmt)] = events, skipped, len(lines)
    return PARSED[(name, data, fmt)]


class Event:
    __slots__ = ("ns", "level", "service", "message", "dur", "file", "line", "raw")

    def __init__(self, parsed, file, line, raw):
        self.ns, self.level, self.service, self.message, self.dur = parsed
        self.file, self.line, self.raw = file, line, raw


def filter_time_ns(text):
    """--since/--until: YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS[.f]], or the T form with a zone."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date_time_ns(text.encode(), b"00:00:00")
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2}(?:\.\d{1,9})?)?"
                     r"(Z|[+-]\d{2}:\d{2})?", text)
    if not m:
        return None
    return date_time_ns(m.group(1).encode(),
                        (m.group(2) + (m.group(3) or ":00") + (m.group(4) or "")).encode())


def format_ts(ns):
    secs, sub = divmod(ns, 10**9)
    dt = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=secs)
    frac = f".{sub // 1000:06d}".rstrip("0") if sub // 1000 else ""
    return (f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:"
            f"{dt.second:02d}{frac}Z")


class Options:
    def __init__(self, fmt="auto", level=None, service=None, since=None, until=None, grep=None,
                 slow=None, only_slow=False, top=None, stats=False, out="json",
                 show_skipped=None):
        self.fmt, self.level, self.service, self.since, self.until = fmt, level, service, since, until
        self.grep, self.slow, self.only_slow, self.top, self.stats = grep, slow, only_slow, top, stats
        self.out, self.show_skipped = out, show_skipped

    def args(self):
        a = [] if self.fmt == "auto" else ["--format", self.fmt]
        for flag, v in (("--level", self.level), ("--service", self.service),
                        ("--since", self.since), ("--until", self.until), ("--grep", self.grep),
                        ("--slow", self.slow), ("--top", self.top),
                        ("--show-skipped", self.show_skipped)):
            if v is not None:
                a += [flag, str(v)]
        a += ["--only-slow"] * self.only_slow + ["--stats"] * self.stats
        return a + {"json": ["--json"], "csv": ["--csv"], "text": []}[self.out]


class Expected:
    """What kit must print for FILES ([(name, bytes)]) under OPTS."""

    def __init__(self, files, opts):
        self.events, self.skipped, self.skipped_lines, self.lines = [], [], [], 0
        for name, data in files:
            events, skipped, lines = parse_file(name, data, opts.fmt)
            self.events += events
            self.skipped_lines += skipped
            self.skipped.append((name, len(skipped)))
            self.lines += lines
        self.threshold = float(opts.slow) if opts.slow is not None else 500.0
        levels = {LEVEL_NAMES[x.upper()] for x in opts.level.split(",")} if opts.level else None
        since = filter_time_ns(opts.since) if opts.since else None
        until = filter_time_ns(opts.until) if opts.until else None
        self.kept = [e for e in self.events
                     if (levels is None or e.level in levels)
                     and (opts.service is None or e.service == opts.service)
                     and (since is None or e.ns >= since) and (until is None or e.ns < until)
                     and (opts.grep is None or opts.grep in e.message)
                     and (not opts.only_slow or self.is_slow(e))]
        self.shown = self.kept
        if opts.top is not None:
            timed = [e for e in self.kept if e.dur is not None]
            self.shown = sorted(timed, key=lambda e: -e.dur)[:int(opts.top)]
        self.slow = sum(1 for e in self.kept if self.is_slow(e))
        self.summary = {"events": len(self.kept), "slow": self.slow,
                        "skipped": sum(k for _, k in self.skipped), "lines": self.lines}

    def is_slow(self, e):
        return e.dur is not None and e.dur > self.threshold

    def record(self, e):
        return {"timestamp": format_ts(e.ns), "level": e.level, "service": e.service,
                "message": e.message, "duration_ms": e.dur, "slow": self.is_slow(e),
                "file": e.file, "line": e.line}

    def text(self):
        out = [f"Parsed {len(self.kept)} events\n"]
        for e in self.shown:
            d = f" ({e.dur:.1f}ms)" if e.dur is not None else ""
            out.append(f"  [{e.level}] {e.service}: {e.message}{d}"
                       f"{' *** SLOW' if self.is_slow(e) else ''}\n")
        return "".join(out) + f"\nSlow events: {self.slow}\n"

    def stats(self):
        def group(kind, name, events):
            durs = sorted(e.dur for e in events if e.dur is not None)
            q = {f"p{p}_ms": durs[(p * len(durs) + 99) // 100 - 1] if durs else None
                 for p in (50, 95, 99)}
            return dict({"group": kind, "name": name, "count": len(events),
                         "errors": sum(e.level in ("ERROR", "CRITICAL") for e in events)},
                        **q, max_ms=durs[-1] if durs else None)
        by_service, by_level = {}, {}
        for e in self.kept:
            by_service.setdefault(e.service, []).append(e)
            by_level.setdefault(e.level, []).append(e)
        return ([group("service", s, by_service[s])
                 for s in sorted(by_service, key=lambda s: s.encode())] +
                [group("level", lv, by_level[lv]) for lv in LEVEL_ORDER if lv in by_level])

    def stderr_lines(self):
        return [f"kit logs: {name}: {k} {'line' if k == 1 else 'lines'} skipped "
                "(no format matched)" for name, k in self.skipped if k]


# ----------------------------------------------------------------------------- generators

EPOCH_LO = calendar.timegm((2000, 1, 1, 0, 0, 0))
EPOCH_HI = calendar.timegm((2037, 12, 31, 23, 59, 59))
SPECIAL = [calendar.timegm(t) for t in [
    (2024, 2, 29, 12, 0, 0), (2000, 2, 29, 23, 59, 59), (2023, 12, 31, 23, 59, 59),
    (2024, 1, 1, 0, 0, 0), (2100, 2, 28, 23, 30, 0), (2100, 3, 1, 0, 15, 0),
    (2038, 1, 19, 3, 14, 8), (1999, 12, 31, 23, 0, 0)]]
ZONES = [None] * 5 + ["Z"] * 2 + [330, -420, 0, 840, -720, 345, -210, 60, -60, 570]
SERVICES = [b"auth", b"db", b"api", b"cache", b"queue", b"web-1", b"payments", b"\xc3\x9f-svc",
            "日志".encode(), b"x", b"12.5", b"[core]"]
WORDS = [w.encode() for w in (
    "User logged in Query timeout Request OK Cache miss Login failed for user naïve café "
    "日本語 😀 a,b quote\"d user=42 id:7 42 3.5 -7 1e3 12. v1.2.3 5 ms s us 0x1F [x] %s "
    "\\n ; Ünïcödé 100 .5 +3 1,5 10ms").split()]
JSON_WORDS = [w.decode() for w in WORDS] + ["line\nbreak", "tab\there", 'say "hi"',
                                            "back\\slash", "a/b", "ctl\x01", "€", "𝄞"]
METHODS = [b"GET"] * 6 + [b"POST"] * 2 + [b"PUT", b"DELETE", b"HEAD", b"OPTIONS", b"PATCH"]
PATHS = [b"/", b"/?q=1", b"/api/v1/users/42", b"/api", b"/api/", b"/static/app.js?v=3",
         b"/health", b"/search?q=a/b&x=1", "/ünï/código".encode(), b"/favicon.ico",
         b"/api/v2/orders?id=7", b"/login", b"/static/css/site.css", b"/?", b"/x.php"]
STATUSES = [200] * 8 + [201, 204, 101, 301, 302, 304, 400, 401, 403, 404, 404, 418, 499, 500,
                        502, 503, 504]
AGENTS = [b"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)",
          b"curl/8.1.2", b"-", b"python-requests/2.31", "Bot ünï (+http://x.y/bot)".encode()]


def exact_units(number, unit):
    """True when number*1000 (s) or number/1000 (us) in floating point is the double nearest
    the decimal product, so kit may compute it either way."""
    d = Decimal(number.decode())
    exact = d * 1000 if unit == b"s" else d / 1000 if unit == b"us" else d
    return duration_ms(number, unit) == float(exact)


class Gen:
    def __init__(self, rng, lo=EPOCH_LO, hi=EPOCH_HI, specials=True, services=SERVICES,
                 lognormal=False, nasty=True):
        self.rng, self.lo, self.hi, self.specials = rng, lo, hi, specials
        self.services, self.lognormal, self.nasty = services, lognormal, nasty

    def secs(self):
        if self.specials and self.rng.random() < 0.04:
            return self.rng.choice(SPECIAL)
        return self.rng.randint(self.lo, self.hi)

    def digits(self, n):
        return "".join(self.rng.choice("0123456789") for _ in range(n)).encode()

    def sep(self):
        return self.rng.choice([b" "] * 8 + [b"  ", b"   ", b"\t", b" \t", b"\t\t", b"      "])

    def ts(self, joined, zones=True):
        """[DATE, TIME] or [DATE'T'TIME] for a random instant, in a random zone."""
        r = self.rng
        zone = r.choice(ZONES) if zones else None
        offset = zone if isinstance(zone, int) else 0
        t = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=self.secs() + offset * 60)
        frac = b"" if r.random() < 0.5 else b"." + self.digits(r.choice([1, 2, 3, 3, 6, 6, 7, 9]))
        z = b"" if zone is None else b"Z" if zone == "Z" else b"%c%02d:%02d" % (
            b"+-"[offset < 0], abs(offset) // 60, abs(offset) % 60)
        date = b"%04d-%02d-%02d" % (t.year, t.month, t.day)
        time = b"%02d:%02d:%02d" % (t.hour, t.minute, t.second) + frac + z
        return [date + b"T" + time] if joined else [date, time]

    def level(self):
        r = self.rng
        name = r.choice(["DEBUG", "INFO", "INFO", "INFO", "WARNING", "WARN", "ERROR", "ERROR",
                         "CRITICAL", "FATAL"])
        how = r.random()
        if how < 0.1:
            name = name.lower()
        elif how < 0.18:
            name = name.title()
        elif how < 0.22:
            name = "".join(c.lower() if r.random() < 0.5 else c for c in name)
        return name.encode()

    def number(self):
        r = self.rng
        if self.lognormal:
            v = r.lognormvariate(3, 2.5) if r.random() < 0.98 else r.choice([0, 0, 0.0004, 1e9])
            return (b"%.3f" % v) if r.random() < 0.8 else str(int(v)).encode()
        k = r.random()
        if k < 0.25:
            return str(r.randint(0, 2000)).encode()
        if k < 0.55:
            return b"%d.%d" % (r.randint(0, 3000), r.randint(0, 9))
        if k < 0.7:
            return b"%d.%s" % (r.randint(0, 999), self.digits(r.randint(1, 6)))
        if k < 0.75:
            return b"." + self.digits(r.randint(1, 4))
        return r.choice([b"100", b"100.0", b"500", b"500.0", b"250", b"12.5", b"1000", b"0",
                         b"0.0", b"100.00001", b"99.99999", b"500.05", b"007.5", b"123456789.5",
                         b"99999999999", b"0.05", b"0.25", b"12.25", b"12.35"])

    def duration(self):
        number = self.number()
        unit = self.rng.choice([b""] * 8 + [b"ms"] * 7 + [b"s"] * 3 + [b"us"] * 2)
        return number + (unit if exact_units(number, unit) else b"ms")

    def seed_line(self):
        r = self.rng
        toks = self.ts(r.random() < 0.3) + [self.level(), r.choice(self.services)]
        toks += [r.choice(WORDS) for _ in range(r.choice([0, 1, 2, 2, 3, 3, 4, 5, 8]))]
        if r.random() < 0.72:
            toks.append(self.duration())
        line = toks[0]
        for t in toks[1:]:
            line += self.sep() + t
        return line + (r.choice([b" ", b"  ", b"\t"]) if r.random() < 0.05 else b"")

    def seed_garbage(self):
        r = self.rng
        k = r.randrange(6)
        if k == 0 and self.nasty:
            return bytes([r.choice([0, 0xFF, 0x80, 1])]) + bytes(
                b for b in r.randbytes(r.randint(0, 80)) if b != 10)
        if k <= 1:
            return b" ".join(self.ts(r.random() < 0.5) + [self.level()][:r.randint(0, 1)])
        if k == 2:
            date, time = r.choice([
                (b"2024-13-01", b"10:00:00"), (b"2024-00-10", b"10:00:00"),
                (b"2024-02-30", b"10:00:00"), (b"2023-02-29", b"10:00:00"),
                (b"2024-04-31", b"10:00:00"), (b"2024-01-32", b"10:00:00"),
                (b"2024-01-00", b"10:00:00"), (b"2024-01-15", b"24:00:00"),
                (b"2024-01-15", b"10:60:00"), (b"2024-01-15", b"10:00:61"),
                (b"2024-1-15", b"10:00:00"), (b"2024/01/15", b"10:00:00"),
                (b"2024-01-15", b"10:00"), (b"2024-01-15", b"1:00:00"),
                (b"2024-01-15", b"10:00:00."), (b"2024-01-15", b"10:00:00.1234567890"),
                (b"2024-01-15", b"10:00:00+0530"), (b"2024-01-15", b"10:00:00+5:30"),
                (b"24-01-15", b"10:00:00"), (b"2024-01-15", b"10:00:00.5.5")])
            sep = b"T" if r.random() < 0.3 else b" "
            return date + sep + time + b" INFO db Query ok 12.5"
        if k == 3:
            return b" ".join(self.ts(False) + [r.choice([b"NOTICE", b"WARNINGS", b"INF",
                                                          b"TRACE", b"ERR", b"Z", b"-"]),
                                                b"db", b"message", b"1.5"])
        if k == 4:
            return r.choice([b"Traceback (most recent call last):", b"  File \"x.py\", line 3",
                             b"----", b"#", b"INFO db starting", b"10:00:00 INFO db x",
                             b"2024-01-15T10:00:00Z"])
        return self.jsonl_line() if r.random() < 0.5 else self.combined_line()

    def json_str(self, s):
        return json.dumps(s, ensure_ascii=self.rng.random() < 0.3)

    def json_ts(self, secs_ok=True):
        r = self.rng
        k = r.random()
        if k < 0.55:
            toks = self.ts(r.random() < 0.6)
            return self.json_str(b" ".join(toks).decode())
        s = self.secs()
        if k < 0.75:
            return str(s)
        if k < 0.95:
            return f"{s}.{self.digits(r.randint(1, 6)).decode()}"
        t = str(s)
        return f"{t[0]}.{t[1:]}{r.choice(['e9', 'E9', 'e+9', 'E+09'])}"

    def jsonl_line(self):
        r = self.rng
        keys = [k for k in ("ts", "time", "timestamp") if r.random() < 0.35] or [
            r.choice(["ts", "time", "timestamp"])]
        front = [(k, self.json_ts()) for k in keys]
        others = []
        if r.random() < 0.85:
            others.append(("level", self.json_str(self.level().decode())))
        if r.random() < 0.9:
            others.append(("service", self.json_str(r.choice(self.services).decode())))
        words = JSON_WORDS if self.nasty else [w.decode() for w in WORDS]
        msg = " ".join(r.choice(words) for _ in range(r.randint(0, 6)))
        if self.nasty and r.random() < 0.01:
            msg += "\x00nul"
        msg_keys = r.choice([["msg"], ["msg"], ["message"], ["msg", "message"], []])
        for i, k in enumerate(msg_keys):
            front.append((k, self.json_str(msg if i == 0 else "other " + msg)))
        if r.random() < 0.7:
            num = self.number().decode().lstrip("0")  # JSON: no leading zeros, a digit first
            num = "0" + num if num[:1] in ("", ".") else num
            if r.random() < 0.05:
                num = r.choice(["1.25e2", "5E-1", "1e3", "0.0", "-0.0"])
            others.append(("duration_ms", num))
        for extra in (("user", '{"id": 5, "ts": "bogus", "msg": "decoy"}'),
                      ("tags", '["a", {"time": 1, "message": "decoy"}, []]'),
                      ("ok", "true"), ("n", "null"), ("pi", "3.14"), ("note", '"x}{\\""')):
            if r.random() < 0.15:
                others.append(extra)
        r.shuffle(others)
        items = others  # ts/time/timestamp and msg/message land in their own order
        for pos, kv in zip(sorted(r.randint(0, len(others)) for _ in front), front):
            items.insert(pos + front.index(kv), kv)
        colon, comma = r.choice([(":", ","), (": ", ", "), (" : ", " , ")])
        body = comma.join(
            (json.dumps(k) if r.random() < 0.97 else '"\\u00' + f'{ord(k[0]):02x}' + k[1:] + '"')
            + colon + v for k, v in items)
        text = "{" + body + "}" if r.random() < 0.9 else "  { " + body + " }  "
        if r.random() < 0.05:
            text = text.replace("/", "\\/")
        return text.encode()

    def jsonl_garbage(self):
        r = self.rng
        if r.random() < 0.2:
            return self.seed_line() if r.random() < 0.5 else self.combined_line()
        if r.random() < 0.1 and self.nasty:
            return b"\xff" + bytes(b for b in r.randbytes(30) if b != 10)
        return r.choice([
            b"not json", b"[1, 2, 3]", b'"just a string"', b"42", b"{}", b"null",
            b'{"msg": "no timestamp", "level": "ERROR"}', b'{"ts": "garbage", "msg": "x"}',
            b'{"ts": true}', b'{"ts": null, "msg": "x"}', b'{"ts": "2024-13-01T00:00:00Z"}',
            b'{"ts": "2024-02-30 10:00:00"}', b'{"ts": "2024-01-15T24:00:00Z"}',
            b'{"ts": "2024-01-15"}', b'{"ts": 1705314181, "msg": "x"',
            b'{"ts": 1705314181} trailing', b'{"ts": 1705314181,}', b"{'ts': 1705314181}",
            b'{"ts": [1705314181]}', b'{"ts": {"s": 1}}', b'{"ts" 1705314181}',
            b'{"ts": "2024-01-15T10:00:00Z" "msg": "x"}', b'{"ts": 1705314181}}', b"{",
            b'{"ts": "2024-01-15  10:00:00"}'])

    def combined_line(self, with_time=None):
        r = self.rng
        offset = r.choice([0, -420, 60, 330, -300, 120])
        t = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=self.secs() + offset * 60)
        ip = r.choice([b"192.168.1.%d" % r.randint(1, 254), b"10.0.0.1", b"2001:db8::1", b"::1"])
        user = r.choice([b"-", b"-", b"frank", b"bob"])
        path = r.choice(PATHS)
        status = r.choice(STATUSES)
        line = b'%s - %s [%02d/%s/%04d:%02d:%02d:%02d %c%02d%02d] "%s %s %s" %d %s "%s" "%s"' % (
            ip, user, t.day, MONTHS[t.month - 1], t.year, t.hour, t.minute, t.second,
            b"+-"[offset < 0], abs(offset) // 60, abs(offset) % 60, r.choice(METHODS), path,
            r.choice([b"HTTP/1.1", b"HTTP/1.0", b"HTTP/2.0"]), status,
            r.choice([b"-", str(r.randint(0, 99999)).encode()]),
            r.choice([b"-", b"https://example.com/x?y=1", b"http://a.b/"]), r.choice(AGENTS))
        if with_time if with_time is not None else r.random() < 0.6:
            if self.lognormal:
                rt = b"%.3f" % (r.lognormvariate(3, 2) / 1000)
            else:
                rt = r.choice([b"0.123", b"1.5", b"0.000", b"12", b"0.5", b"0.1", b"0.25",
                               b"%d.%03d" % (r.randint(0, 3), r.randint(0, 999))])
            line += b" " + rt
        return line

    def combined_garbage(self):
        r = self.rng
        k = r.randrange(5)
        good = self.combined_line(with_time=False)
        if k == 0:  # cut inside the [time] or the request
            return good[:r.randint(good.index(b"[") + 1, good.index(b'" ') - 1)]
        if k == 1:  # cut inside the user agent: an unterminated quote
            return good[:-1]
        if k == 2:
            return re.sub(rb"/[A-Z][a-z]{2}/", r.choice([b"/Foo/", b"/jan/", b"/JAN/"]), good, 1)
        if k == 3:
            return re.sub(rb"\[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d", r.choice(
                [b"[31/Feb/2024:10", b"[30/Feb/2023:10", b"[15/Jan/2024:24",
                 b"[31/Apr/2024:10", b"[00/Jan/2024:10"]), good, 1)
        return r.choice([b"127.0.0.1 - - [15/Jan/2024:10:00:00 +0000] \"GET /\" 200 5 \"-\" \"-\"",
                         b"- - -", self.seed_line(), self.jsonl_line()])

    def file(self, kind, n, blank=0.03, garbage=0.05, crlf=None, last_newline=None):
        r = self.rng
        line, bad = {"seed": (self.seed_line, self.seed_garbage),
                     "jsonl": (self.jsonl_line, self.jsonl_garbage),
                     "combined": (self.combined_line, self.combined_garbage)}[kind]
        crlf = r.choice([0, 0, 0.5, 1]) if crlf is None else crlf
        out = []
        for _ in range(n):
            x = r.random()
            text = b"" if x < blank else bad() if x < blank + garbage else line()
            out.append(text + (b"\r\n" if r.random() < crlf else b"\n"))
        if not (r.random() < 0.7 if last_newline is None else last_newline):
            out[-1] = out[-1][:-2] if out[-1].endswith(b"\r\n") else out[-1][:-1]
        return b"".join(out)


# ----------------------------------------------------------------------------- running kit


class LogsRunner(Runner):
    """The shared Runner for `kit logs` runs in tmp: text output, files kept with their bytes.
    Reports the first 20 mismatches, at most 3 a kit run (one cause can fail thousands of
    records)."""

    def __init__(self, kit, tmp):
        super().__init__(kit, tmp=tmp, per_where=3)
        self.records = 0

    def write(self, name, data):
        return super().write(name, data), data

    def start(self, args, stdin=None, env=None):
        return super().start(["logs", *args], stdin, env)

    def finish(self, handle):
        rc, out, err, cmd = super().finish(handle)
        return rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), cmd


def close(a, b, rel=1e-6):  # durations are floats (7 digits)
    return a is None and b is None or (
        isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(b, bool)
        and abs(a - b) <= rel * max(1.0, abs(a)))


def same_record(exp, act):
    return all(exp[k] == act.get(k) for k in exp if k != "duration_ms") and \
        close(exp["duration_ms"], act.get("duration_ms"))


def json_lines(r, cmd, out):
    try:
        objs = [json.loads(l) for l in out.splitlines()]
        recs = [o["data"] for o in objs if o["type"] == "record"]
        if not objs or objs[-1]["type"] != "summary" or len(recs) != len(objs) - 1:
            raise ValueError("records then one summary")
        return recs, objs[-1]["data"]
    except (ValueError, KeyError, TypeError) as e:
        r.fail(cmd, "JSON Lines: records, then a summary", f"{e}: {out[:300]!r}")
        return None, None


def check_status(r, cmd, rc, err, exp, stderr_exact=True):
    if rc != 0:
        r.fail(cmd, "exit 0", f"exit {rc}, stderr {err[-500:]!r}")
        return False
    if stderr_exact and err.splitlines() != exp.stderr_lines():
        r.fail(cmd, f"stderr {exp.stderr_lines()}", f"stderr {err[-500:]!r}")
    return True


def check(r, files, opts, stdin=None, env=None, names=None):
    """Runs `kit logs OPTS NAMES` (NAMES defaults to the files' names) and compares."""
    handle = r.start(opts.args() + (names or [n for n, _ in files]), stdin, env)
    exp = Expected(files, opts)
    rc, out, err, cmd = r.finish(handle)
    if not check_status(r, cmd, rc, err, exp, stderr_exact=stdin is None):
        return exp
    if opts.out == "text" and not opts.stats:
        compare_text(r, cmd, exp.text(), out)
    elif opts.out == "csv":
        compare_csv(r, cmd, exp, out)
    elif opts.stats:
        compare_stats(r, cmd, exp, out)
    else:
        compare_records(r, cmd, exp, out, top=opts.top is not None, ignore_file=stdin is not None)
    return exp


def compare_text(r, cmd, want, got):
    r.records += want.count("\n")
    if want != got:
        w, g = want.splitlines(), got.splitlines()
        i = next((i for i in range(min(len(w), len(g))) if w[i] != g[i]), min(len(w), len(g)))
        r.fail(cmd, f"text line {i + 1}: {w[i] if i < len(w) else '<end>'!r} "
               f"({len(w)} lines)", f"{g[i] if i < len(g) else '<end>'!r} ({len(g)} lines)")


def compare_records(r, cmd, exp, out, top=False, ignore_file=False):
    recs, summary = json_lines(r, cmd, out)
    if recs is None:
        return
    if summary != exp.summary:
        r.fail(cmd, f"summary {exp.summary}", f"summary {summary}")
    want = [exp.record(e) for e in exp.shown]
    raw = {(e.file, e.line): e.raw for e in exp.shown}
    r.records += len(want)
    if ignore_file:
        for x in want + recs:
            x.pop("file", None)
    if top:
        pairs = list(zip(want, recs))
        if len(want) != len(recs):
            r.fail(cmd, f"{len(want)} records", f"{len(recs)} records")
        for i, (w, a) in enumerate(pairs):
            if not same_record(w, a):
                r.fail(cmd, f"top #{i + 1}: {w}", f"{a}")
                break
        return
    key = (lambda x: x.get("line")) if ignore_file else (lambda x: (x.get("file"), x.get("line")))
    got = {}  # a file named twice on the command line gives each line twice, in order
    for a in recs:
        got.setdefault(key(a), []).append(a)
    shown = 0
    for w in want:
        a = got[key(w)].pop(0) if got.get(key(w)) else None
        if a is None or not same_record(w, a):
            r.fail(cmd, f"{w['file'] if 'file' in w else '-'}:{w['line']} "
                   f"{raw.get((w.get('file'), w['line']), b'')!r} -> {w}",
                   "no record" if a is None else str(a))
            shown += 1
    skipped = {(n, i): t for n, i, t in exp.skipped_lines}
    extra = [(k, a) for k, v in got.items() for a in v]
    for k, a in extra[:5]:
        r.fail(cmd, f"no record (line {k} is {skipped.get(k, 'blank or absent')!r})", str(a))
    if [key(a) for a in recs] != [key(w) for w in want] and not shown and not extra:
        r.fail(cmd, "records in input order", "another order")


def compare_csv(r, cmd, exp, out):
    rows = list(csv.reader(io.StringIO(out, newline="")))
    want = [exp.record(e) for e in exp.shown]
    r.records += len(want)
    header = ["timestamp", "level", "service", "message", "duration_ms", "slow"]
    if not rows or rows[0] != header:
        r.fail(cmd, f"header {header}", f"{rows[:1]}")
        return
    if len(rows) - 1 != len(want):
        r.fail(cmd, f"{len(want)} rows", f"{len(rows) - 1} rows")
    for w, row in zip(want, rows[1:]):
        ok = len(row) == 6 and row[:4] == [w["timestamp"], w["level"], w["service"],
                                           w["message"]] and \
            row[5] == ("true" if w["slow"] else "false") and (
                row[4] == "" if w["duration_ms"] is None else
                re.fullmatch(r"-?[0-9.eE+-]+", row[4]) and close(w["duration_ms"], float(row[4])))
        if not ok:
            r.fail(cmd, f"{w['file']}:{w['line']} {w}", str(row))
            break


def compare_stats(r, cmd, exp, out):
    recs, summary = json_lines(r, cmd, out)
    if recs is None:
        return
    if summary != exp.summary:
        r.fail(cmd, f"summary {exp.summary}", f"summary {summary}")
    want = exp.stats()
    r.records += len(want)
    if [(w["group"], w["name"]) for w in want] != [(a.get("group"), a.get("name")) for a in recs]:
        r.fail(cmd, f"groups {[(w['group'], w['name']) for w in want]}",
               f"{[(a.get('group'), a.get('name')) for a in recs]}")
        return
    for w, a in zip(want, recs):
        bad = [k for k in ("count", "errors") if w[k] != a.get(k)]
        bad += [] if close(w["max_ms"], a.get("max_ms")) else ["max_ms"]
        for k in ("p50_ms", "p95_ms", "p99_ms"):
            e, g = w[k], a.get(k)
            if not (e is None and g is None or e is not None and isinstance(g, (int, float))
                    and abs(g - e) <= 0.01 * abs(e) + 0.001):
                bad.append(k)
        if bad:
            r.fail(cmd, f"{w} (differs in {', '.join(bad)})", str(a))


def check_error(r, args, what):
    handle = r.start(args)
    rc, out, err, cmd = r.finish(handle)
    if rc != 2 or not err.strip():
        r.fail(cmd, f"exit 2 and a message ({what})", f"exit {rc}, stdout {out[:200]!r}, "
               f"stderr {err[:200]!r}")


# ----------------------------------------------------------------------------- groups

TUTORIAL_LINES = b"""2024-01-15 10:23:01 INFO  auth  User logged in 12.5
2024-01-15 10:23:02 ERROR db    Query timeout 1250.0
2024-01-15 10:23:03 INFO  api   Request OK 45.3
2024-01-15 10:23:04 WARNING cache Cache miss 0.8
2024-01-15 10:23:05 ERROR auth  Login failed 88.2
"""
TUTORIAL_OUTPUT = """Parsed 5 events
  [INFO] auth: User logged in (12.5ms)
  [ERROR] db: Query timeout (1250.0ms) *** SLOW
  [INFO] api: Request OK (45.3ms)
  [WARNING] cache: Cache miss (0.8ms)
  [ERROR] auth: Login failed (88.2ms)

Slow events: 1
"""


def group_seed(r, rng):
    g = Gen(rng)
    sizes = [1000, 2000, 3000, 5000, 8000, 12000, 20000, 20000, 1500, 4000, 10000, 20000]
    files = [r.write(f"seed{i}.log", g.file("seed", n)) for i, n in enumerate(sizes)]
    kit_tz = dict(ENV, TZ="KIT-5:45")
    for i, f in enumerate(files):
        check(r, [f], Options(fmt="seed" if i % 2 else "auto",
                              slow=[None, 100, 0, 250, 12.5, 1000][i % 6]),
              env=kit_tz if i % 2 else None)
    check(r, files[:3], Options(fmt="seed"))
    check(r, [files[0], files[8], files[0]], Options())
    check(r, [files[3]], Options(slow=100), stdin=files[3][1], names=["-"])
    check(r, [files[4]], Options(fmt="jsonl"))  # the wrong format: every non-blank line skipped
    # The tutorial's five lines print exactly what the tutorial printed.
    tut = r.write("tutorial.log", TUTORIAL_LINES)
    handle = r.start(["--slow", "100", "tutorial.log"])
    rc, out, err, cmd = r.finish(handle)
    if (rc, out, err) != (0, TUTORIAL_OUTPUT, ""):
        r.fail(cmd, TUTORIAL_OUTPUT, f"exit {rc}, stdout {out!r}, stderr {err!r}")
    check(r, [tut], Options(slow=100))
    # A generated file as text (no s/us units, which could round either way at .x5).
    g2 = Gen(rng, nasty=False)
    text = r.write("text.log", g2.file("seed", 6000))
    check(r, [text], Options(out="text"))
    check(r, [text, files[1]], Options(out="text", slow=100))


def group_jsonl(r, rng):
    g = Gen(rng)
    sizes = [1000, 2000, 4000, 6000, 10000, 15000, 20000, 20000, 3000, 8000, 12000, 20000]
    files = [r.write(f"events{i}.jsonl", g.file("jsonl", n, garbage=0.08))
             for i, n in enumerate(sizes)]
    for i, f in enumerate(files):
        check(r, [f], Options(fmt="jsonl" if i % 2 else "auto", slow=[None, 100, 0, 1000][i % 4]))
    check(r, files[:4], Options(fmt="jsonl", slow=250))
    check(r, [files[2]], Options(), stdin=files[2][1], names=["-"])
    check(r, [files[3]], Options(fmt="seed"))
    check(r, [files[5]], Options(fmt="combined"))
    few = r.write("few.jsonl", b"".join(g.jsonl_line() + b"\n" for _ in range(30)) +
                  b'{"ts": "2024-01-15T10:23:01.5Z", "level": "warn", "service": "db", '
                  b'"msg": "Query timeout", "duration_ms": 1250}')
    check(r, [few], Options(fmt="jsonl"))


def group_combined(r, rng):
    g = Gen(rng)
    sizes = [1000, 2000, 5000, 8000, 12000, 20000, 20000, 3000, 10000, 15000]
    files = [r.write(f"access{i}.log", g.file("combined", n, garbage=0.06))
             for i, n in enumerate(sizes)]
    for i, f in enumerate(files):
        check(r, [f], Options(fmt="combined" if i % 2 else "auto",
                              slow=[None, 100, 0, 1000, 250][i % 5]))
    check(r, files[:3], Options())
    check(r, [files[2]], Options(fmt="seed"))
    check(r, [files[3]], Options(fmt="jsonl"))
    # Auto detection: the first 100 non-empty lines decide, ties go seed > jsonl > combined.
    makers = [g.seed_line, g.jsonl_line, g.combined_line]
    junk = [b"\xff\xfe binary", b"- - -", b"----", b"not a log line at all"]
    mixes = [(50, 50, 0), (0, 50, 50), (50, 0, 50), (40, 30, 30), (30, 40, 30), (30, 30, 40),
             (34, 33, 33), (33, 33, 34), (20, 20, 20), (0, 0, 0), (1, 0, 0), (0, 0, 1)]
    mixed = []
    for i, mix in enumerate(mixes):
        first = [makers[k]() for k in range(3) for _ in range(mix[k])]
        first += [rng.choice(junk) for _ in range(100 - len(first))]
        rng.shuffle(first)
        for _ in range(rng.randint(0, 30)):  # blank lines do not count toward the 100
            first.insert(rng.randrange(len(first) + 1), b"")
        # After the window, lines that would win if more than 100 counted.
        later = [makers[(i + 1) % 3]() for _ in range(1500)] + [makers[i % 3]() for _ in range(500)]
        rng.shuffle(later)
        mixed.append(r.write(f"mixed{i}.log", b"\n".join(first + later) + b"\n"))
    for i in range(0, len(mixed), 2):
        check(r, mixed[i:i + 2], Options())
    empty = r.write("empty.log", b"")
    blank = r.write("blank.log", b"\n\r\n\n")
    check(r, [empty, blank, mixed[0]], Options())


def window(day_from, days):
    lo = calendar.timegm(tuple(map(int, day_from.split("-"))) + (0, 0, 0))
    return lo, lo + days * 86400 - 1


def filter_files(r, rng):
    lo, hi = window("2024-01-14", 3)
    g = Gen(rng, lo=lo, hi=hi, specials=False, nasty=False)
    return [r.write("app.log", g.file("seed", 8000)),
            r.write("app.jsonl", g.file("jsonl", 8000)),
            r.write("access.log", g.file("combined", 8000))]


def group_filters(r, rng):
    files = filter_files(r, rng)
    cases = [
        Options(level="ERROR"), Options(level="warn,FATAL"), Options(level="Debug,critical"),
        Options(level="debug,info,warning,error,critical"), Options(level="WARNING,Warn"),
        Options(service="db"), Options(service="日志"), Options(service="/"),
        Options(service="api"), Options(service="nonexistent"), Options(service="-"),
        Options(since="2024-01-15"), Options(until="2024-01-15 12:00"),
        Options(since="2024-01-15 06:30:15.5", until="2024-01-16T00:00:00+02:00"),
        Options(since="2024-01-14T23:00:00Z", until="2024-01-15T01:00:00-03:30"),
        Options(since="2024-01-15 10:00:00", until="2024-01-15 10:00:00"),
        Options(since="2024-01-16 23:59:59.999999999"), Options(until="2024-01-14 00:00:01"),
        Options(since="2024-01-15T08:00", until="2024-01-15T09:30:00.25+05:30"),
        Options(grep="failed"), Options(grep="日本"), Options(grep="User logged"),
        Options(grep=" 404"), Options(grep="GET /api"), Options(grep="Q"),
        Options(only_slow=True), Options(slow=100, only_slow=True),
        Options(slow=0, only_slow=True), Options(slow=12.5, only_slow=True, level="error"),
        Options(level="error,critical", service="db", since="2024-01-15", grep="a"),
        Options(service="api", slow=250, only_slow=True, until="2024-01-16"),
        Options(top=10), Options(top=1, slow=100), Options(top=100000),
        Options(top=25, level="ERROR", since="2024-01-15"), Options(top=5, only_slow=True),
        Options(fmt="seed"),
    ]
    for i, o in enumerate(cases):
        check(r, files if i % 3 else files[i % 2:i % 2 + 2], o)
    check(r, files, Options(out="csv", slow=100))
    check(r, [files[1]], Options(out="csv", level="error", top=50))
    check(r, [files[0]], Options(out="text", top=5, slow=100))
    check(r, [files[0]], Options(out="text", only_slow=True, service="db"))
    # --show-skipped N: the first N skipped lines, then the count.
    g = Gen(rng, nasty=False)
    lines = [g.seed_line() for _ in range(300)]
    bad = [b"garbage one", b"2024-02-30 10:00:00 INFO db x", b"- - -", b"2024-01-15 NOTICE",
           b"also bad", b"2024-01-15 10:00:00 INFO"]
    for i, b in enumerate(bad):
        lines.insert(40 * i + 7, b)
    f = r.write("some-bad.log", b"\n".join(lines) + b"\n")
    handle = r.start(["--show-skipped", "4", "--json", "some-bad.log"])
    exp = Expected([f], Options())
    rc, out, err, cmd = r.finish(handle)
    want = sorted([f"kit logs: {n}:{i}: skipped: {t.decode()}"
                   for n, i, t in exp.skipped_lines[:4]] + exp.stderr_lines())
    if rc != 0 or sorted(err.splitlines()) != want:
        r.fail(cmd, "\n".join(want), f"exit {rc}, stderr {err!r}")
    for args, what in [(["--level", "VERBOSE"], "unknown level"),
                       (["--level", "info,nope"], "unknown level in a list"),
                       (["--since", "yesterday"], "bad --since"),
                       (["--since", "2024-13-01"], "month 13 in --since"),
                       (["--until", "2024-01-15 25:00"], "hour 25 in --until"),
                       (["--format", "xml"], "bad --format")]:
        check_error(r, args + ["app.log"], what)
    check_error(r, ["no-such-file.log"], "missing file")


def group_stats(r, rng):
    lo, hi = window("2024-01-14", 3)
    small = [b"auth", b"db", b"api", b"cache", b"x", "日志".encode(), b"q-1"]
    g = Gen(rng, lo=lo, hi=hi, specials=False, services=small, lognormal=True)
    files = [r.write(f"s{i}.log", g.file("seed", n)) for i, n in
             enumerate([2000, 5000, 10000, 20000])]
    files += [r.write(f"s{i}.jsonl", g.file("jsonl", n)) for i, n in enumerate([3000, 12000])]
    files += [r.write(f"s{i}.access", g.file("combined", n)) for i, n in enumerate([4000, 15000])]
    edge = Gen(rng, lo=lo, hi=hi, specials=False, services=small)  # the edge-case durations
    files.append(r.write("edge.log", edge.file("seed", 8000)))
    one = Gen(rng, lo=lo, hi=hi, specials=False, services=[b"only"], lognormal=True)
    files.append(r.write("one.log", one.file("seed", 20000, garbage=0)))
    tiny = (b"2024-01-15 10:00:00 INFO a msg\n"            # a service without durations
            b"2024-01-15 10:00:01 ERROR b 5\n"            # a single duration
            b"2024-01-15 10:00:02 FATAL c x 0\n2024-01-15 10:00:03 debug c y 0.0ms\n"
            b"2024-01-15 10:00:04 WARN d 1ms\n" * 3 + b"2024-01-15 10:00:05 INFO d 1000000s\n")
    files.append(r.write("tiny.log", tiny))
    for i, f in enumerate(files):
        check(r, [f], Options(stats=True, slow=[None, 100, 0][i % 3]))
    check(r, files[:4], Options(stats=True))
    check(r, files, Options(stats=True, slow=250))
    for o in [Options(level="error,critical"), Options(service="db"),
              Options(since="2024-01-15", until="2024-01-16"), Options(grep="a"),
              Options(slow=100, only_slow=True), Options(level="warning", fmt="seed"),
              Options(fmt="jsonl")]:
        o.stats = True
        check(r, files[:3] + files[4:7], o)
    handle = r.start(["--stats", "s0.log", "s1.jsonl"])
    rc, out, err, cmd = r.finish(handle)
    names = sorted({e.service for e in Expected([files[0], files[5]], Options()).events})
    missing = [n for n in names if n not in out]
    if rc != 0 or missing:
        r.fail(cmd, f"exit 0 and a table naming {names}", f"exit {rc}, missing {missing}, "
               f"stdout {out[:300]!r}")


GROUPS = {"seed": group_seed, "jsonl": group_jsonl, "combined": group_combined,
          "filters": group_filters, "stats": group_stats}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit", required=True)
    parser.add_argument("--keep", help="write the generated files here and keep them")
    parser.add_argument("group", choices=list(GROUPS) + ["all"])
    opts = parser.parse_args()
    status = 0
    with tempfile.TemporaryDirectory() as scratch:
        for name, fn in GROUPS.items():
            if opts.group not in (name, "all"):
                continue
            tmp = os.path.join(opts.keep or scratch, name)
            os.makedirs(tmp, exist_ok=True)
            r = LogsRunner(os.path.abspath(opts.kit), tmp)
            fn(r, random.Random(f"{SEED}-{name}"))
            print(f"{name}: {r.runs} kit runs, {r.records} records, {r.mismatches} mismatches")
            status |= 1 if r.mismatches else 0
    return status


if __name__ == "__main__":
    sys.exit(main())
