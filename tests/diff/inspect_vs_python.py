#!/usr/bin/env python3
"""Differential test: `kit inspect` against Python readers, pngcheck and readelf.

Usage: inspect_vs_python.py --kit PATH [--jobs 2] [--scale 1] GROUP
       (GROUP: bmp, png, icons, corrupt, other or all)

Every file is made in this python3 process (struct, zlib, wave, zipfile) under a
temporary directory, and its expected fields come from the generator and from an
independent reader written here with struct, checked against each other before
kit runs. kit runs as `kit inspect --json FILE...` on batches of files (TZ=UTC,
LC_ALL=C, NO_COLOR=1; ASAN_OPTIONS is inherited), at most --jobs (default 2)
processes at a time. Every batch must print one JSON object per file, in
argument order, exit 0/1/2 as its objects say (2 when any file is unknown or
unreadable, else 1 when any is not ok, else 0), print on stderr only lines that
start with `kit inspect: ` (at least one per file that is not ok, none when all
are ok), never a sanitizer report, and finish within its timeout. A batch that
crashes, hangs or prints what is not one JSON line per file is run again file
by file (10 s each) to name the culprit. Every object is checked against the
contract's schema: "file" is the argument as given, "format" one of PNG BMP GIF
JPEG WAV ZIP ELF or null, "ok" a bool that is false exactly when there are
problems or an error, "problems" a list of {code, message, offset int|null},
and an "error" {code, message} whenever the format is null.

Groups:
  bmp      BMPs for every DIB header size (12, 16, 40, 52, 56, 64, 108, 124) and
           the bit depths valid for it (1 4 8 16 24 32; CORE 1 4 8 24),
           bottom-up and top-down (not CORE), BI_BITFIELDS/alpha bitfields with
           masks for 16/32 bpp (after a 40-byte header or inside V2+ headers),
           widths 1-9 and random ones, palettes short and full (colors_used 0
           and not), gaps before the pixels, random resolutions, V4/V5 colour
           space tags, valid RLE8/RLE4 streams; every contract field is
           compared, all must be ok and exit 0. Also the compression names of
           codes 4 5 7 11 12 13 99 (ok not compared), and the text mode of the
           tutorial's 2x2 24-bit top-down BMP ("BMP Header Info:" block).
  png      PNGs for every colour type x bit depth, interlaced or not, random
           small sizes, with PLTE (+tRNS), tEXt/zTXt/iTXt (compressed or not,
           Latin-1 and UTF-8, empty), gAMA, sRGB, iCCP, pHYs, tIME, a private
           chunk, split IDAT streams, APNG (acTL, fcTL, fdAT), and one file
           with bytes after IEND; every field including each chunk's type,
           length, offset, crc and crc_ok and each text entry is compared with
           a Python chunk walk, and kit's ok must equal `pngcheck -q` exiting 0
           (pngcheck rejects data after IEND, so that file must not be ok).
           Also the text mode of a 290x82 RGBA PNG (the tutorial's lines) and
           that --chunks --hex 16 changes no JSON field.
  icons    every *.png under /usr/share/icons (skipped when there are none); at
           --scale 1 at most 600 of them, chosen with the fixed seed (--scale 3
           or more: all): width, height, bit_depth, color_type against an IHDR
           reader, and kit's ok against `pngcheck -q` (run per file).
  corrupt  3 PNGs, 2 BMPs, a GIF, a JPEG, a WAV, a ZIP and /bin/true truncated
           at every length (ELF: its first 200 lengths and 150 others) and
           with 200 random single-byte XOR flips each: no crash, no hang, no
           sanitizer report, exit 0/1/2. Every truncation must be not ok
           (each base file ends in data its format requires: IEND, the pixel
           rows under a declared file size, the trailer, EOI, the RIFF data,
           the end of central directory, ELF section headers); a PNG of 4 or
           more bytes stays format "PNG". A flipped PNG's ok must equal
           pngcheck's verdict; a flipped BMP must be not ok when the contract's
           own rules (data_offset or declared size past the end, too few pixel
           bytes for compression 0/3/6) say so. Files broken by hand with
           every CRC right: IHDR values the spec forbids (png.bad_ihdr), an
           IHDR of 12 or 14 bytes or not first, indexed without PLTE
           (png.missing_plte), no IDAT (png.no_idat), no IEND (png.no_iend),
           a damaged signature, a 2 GB chunk length; BMPs with the pixels
           past the end, rows missing, a declared size past the end, a width
           of 2**31-1, a height of -2**31 (height 2**31, top-down) and a
           65535-wide CORE header (bmp.truncated): not ok, with the named
           problem codes, and PNG verdicts equal to pngcheck's. About 100 of
           the files also run alone: exit 2 for an unknown/unreadable one,
           else 1, and at least one `kit inspect: ` line on stderr.
  other    GIF 87a/89a (global table or not, several frames, local tables,
           NETSCAPE2.0 loop counts, comments), JPEG marker streams (SOF0,
           SOF1 at 12 bits, SOF2 progressive, JFIF, Exif, restart markers,
           EOI), WAV written by `wave` (compared with getparams) and by hand
           (IEEE float with fact, a LIST chunk), ZIP written by `zipfile`
           (stored, deflated, lzma, UTF-8 names, a directory, comments, empty;
           compared with infolist() and the end of central directory) and two
           hand-built ZIP64 archives ("zip64": true, the offset from the ZIP64
           end record), ELF (/bin/ls, /bin/true, python3, a .so) against a
           struct reader and `readelf -h` (type_name and machine_name are
           readelf's Type: and Machine: text; os_abi, when a string,
           readelf's OS/ABI: text); and exit statuses: a missing file, a
           directory, an empty file and text are unknown (exit 2, "error");
           ok + corrupt exits 1; ok + corrupt + unknown exits 2; a relative
           path is echoed as given.

Where the contract leaves a field open the test accepts any value (a BMP
CORE/16-byte header's compression and resolution fields, "process" of a JPEG,
"method_name" of a ZIP entry); "language" and "translated_keyword" of a tEXt or
zTXt entry may be absent, null or ""; frame_controls may be absent or 0 when
there is no fcTL; a ZIP's empty comment may be "" or null; loop_count of a GIF
without NETSCAPE2.0 may be absent or null. A WAV's encoding name ("PCM",
"IEEE float") is "encoding", as "format" is the file's format ("WAV").

Random cases come from a fixed seed; --scale multiplies their number. On a
mismatch the script prints the file, the field, kit's value and the expected
one, for the first 20 mismatches. Exit status: 0 when everything matches, 1 on
any mismatch.
"""

import argparse
import json
import os
import random
import re
import shlex
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import wave
import zipfile
import zlib

from harness import ENV, Runner

SEED = 20261126
MAX_REPORTS = 20
SCALE = 1.0
BATCH = 150  # files per kit run
SINGLE_TIMEOUT = 10  # seconds for a kit run on one file
FORMATS = {"PNG", "BMP", "GIF", "JPEG", "WAV", "ZIP", "ELF"}
SANITIZER = re.compile(rb"AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|"
                       rb"runtime error:|==\d+==ERROR")
PREFIX = "kit inspect: "


def scaled(n):
    return max(1, round(n * SCALE))


def clip(x, n=160):
    text = x if isinstance(x, str) else repr(x)
    return text if len(text) <= n else text[:n] + "..."


# --------------------------------------------------------------------------- expectations


class _Marker:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


ABSENT = _Marker("<absent>")  # the key must not be there
ANY = _Marker("<any>")  # not compared
MISSING = _Marker("<missing>")  # what kit printed when the key is not there


class OneOf:
    def __init__(self, *values):
        self.values = values

    def __repr__(self):
        return " or ".join(repr(v) for v in self.values)


class Approx:
    def __init__(self, value, rel=1e-9):
        self.value, self.rel = value, rel

    def __repr__(self):
        return f"~{self.value!r}"


class Pred:
    def __init__(self, description, fn):
        self.description, self.fn = description, fn

    def __repr__(self):
        return self.description


def canon(x):
    """A JSON value with its type explicit: 1, 1.0 and True all differ."""
    if isinstance(x, bool):
        return ("bool", x)
    if isinstance(x, int):
        return ("int", x)
    if isinstance(x, float):
        return ("float", repr(x))
    if isinstance(x, str):
        return ("str", x)
    if x is None:
        return ("null",)
    if isinstance(x, list):
        return ("list", [canon(i) for i in x])
    if isinstance(x, dict):
        return ("dict", sorted((k, canon(v)) for k, v in x.items()))
    return ("other", repr(x))


def diff(exp, act, path, out):
    """Appends (field, kit value, expected) for each difference; returns the number of
    values compared. Keys kit prints beyond the expected ones are not compared."""
    if exp is ANY:
        return 0
    if isinstance(exp, OneOf):
        for v in exp.values:
            sub = []
            diff(v, act, path, sub)
            if not sub:
                return 1
        out.append((path, act, exp))
        return 1
    if exp is ABSENT:
        if act is not MISSING:
            out.append((path, act, exp))
        return 1
    if act is MISSING:
        out.append((path, act, exp))
        return 1
    if isinstance(exp, Approx):
        good = (isinstance(act, (int, float)) and not isinstance(act, bool)
                and abs(act - exp.value) <= exp.rel * max(1.0, abs(exp.value)))
        if not good:
            out.append((path, act, exp))
        return 1
    if isinstance(exp, Pred):
        try:
            good = exp.fn(act)
        except Exception:
            good = False
        if not good:
            out.append((path, act, exp))
        return 1
    if isinstance(exp, dict):
        if not isinstance(act, dict):
            out.append((path, act, exp))
            return 1
        n = 0
        for k, v in exp.items():
            n += diff(v, act.get(k, MISSING), f"{path}.{k}" if path else k, out)
        return n
    if isinstance(exp, list):
        if not isinstance(act, list):
            out.append((path, act, exp))
            return 1
        n = 0
        if len(act) != len(exp):
            out.append((f"{path} (length)", len(act), len(exp)))
            n += 1
        for i, (e, a) in enumerate(zip(exp, act)):
            n += diff(e, a, f"{path}[{i}]", out)
        return n
    if canon(exp) != canon(act):
        out.append((path, act, exp))
    return 1


def schema_issues(obj, arg):
    """The contract's rules for every object: [(field, kit value, expected)]."""
    if not isinstance(obj, dict):
        return [("(line)", obj, "a JSON object")]
    issues = []
    if obj.get("file", MISSING) != arg:
        issues.append(("file", obj.get("file", MISSING), arg))
    fmt = obj.get("format", MISSING)
    if fmt is not None and fmt not in FORMATS:
        issues.append(("format", fmt, "PNG/BMP/GIF/JPEG/WAV/ZIP/ELF or null"))
    ok = obj.get("ok", MISSING)
    if not isinstance(ok, bool):
        issues.append(("ok", ok, "a bool"))
    problems = obj.get("problems", MISSING)
    if not isinstance(problems, list):
        issues.append(("problems", problems, "a list"))
        problems = []
    for i, p in enumerate(problems):
        good = (isinstance(p, dict) and isinstance(p.get("code"), str)
                and isinstance(p.get("message"), str) and "offset" in p
                and (p["offset"] is None or (isinstance(p["offset"], int)
                                             and not isinstance(p["offset"], bool))))
        if not good:
            issues.append((f"problems[{i}]", p, "{code: str, message: str, offset: int|null}"))
    error = obj.get("error", None)
    if fmt is None or fmt is MISSING:
        if not (isinstance(error, dict) and isinstance(error.get("code"), str)
                and isinstance(error.get("message"), str)):
            issues.append(("error", obj.get("error", MISSING),
                           "{code: str, message: str} for an unknown format"))
    if ok is True and (problems or error is not None):
        issues.append(("ok", ok, "false (there are problems or an error)"))
    if ok is False and not problems and error is None:
        issues.append(("ok", ok, "true, or a problem or error saying why not"))
    return issues


def expected_status(objs):
    """The exit status a run's objects call for."""
    if any(not isinstance(o, dict) or o.get("format") is None or o.get("error") is not None
           for o in objs):
        return 2
    return 1 if any(o.get("ok") is not True for o in objs) else 0


# --------------------------------------------------------------------------- running kit


class Item:
    """One file for kit: path (the argument), label (printed on a mismatch), expect (a
    dict of expected fields, see diff) and check(obj) -> [(field, kit, expected)]."""

    __slots__ = ("path", "label", "expect", "check")

    def __init__(self, path, expect=None, label=None, check=None):
        self.path = path
        self.label = label or os.path.basename(path)
        self.expect = expect
        self.check = check


class InspectRunner(Runner):
    """The shared Runner, judging `kit inspect --json` runs (values, exit status, stderr)."""

    def __init__(self, kit, jobs):
        super().__init__(kit, jobs=jobs, max_reports=MAX_REPORTS)
        self.fields = 0
        self.files = 0

    def field_mismatch(self, label, field, act, exp):
        shown = "missing" if act is MISSING else clip(json.dumps(act, ensure_ascii=False))
        self.mismatch(label, f"{field}: kit {shown}, expected {clip(repr(exp))}")

    # ----- kit inspect --json

    @staticmethod
    def parse(n, rc, out, err, timeout):
        """(objects, trouble): trouble says why the run is broken (crash, hang, ...)."""
        if rc is None:
            return None, f"no exit after {timeout}s"
        if SANITIZER.search(err):
            m = SANITIZER.search(err)
            report = err[max(0, m.start() - 80):].decode("utf-8", "replace")
            return None, f"sanitizer report on stderr: {clip(report, 300)}"
        if rc not in (0, 1, 2):
            return None, f"exit status {rc}; stderr {clip(err.decode('utf-8', 'replace'))}"
        try:
            text = out.decode("utf-8")
        except UnicodeDecodeError as e:
            return None, f"stdout is not UTF-8 ({e})"
        lines = text.split("\n")
        if lines[-1] != "":
            return None, "stdout does not end with a newline"
        lines.pop()
        # One file: its object. Several: a {"type": "record", "data": object} line each, then
        # a {"type": "summary", "data": {files, ok, corrupt, errors}} line.
        want = n if n == 1 else n + 1
        if len(lines) != want:
            return None, f"{len(lines)} lines on stdout for {n} files (expected {want})"
        objs = []
        for i, line in enumerate(lines):
            try:
                objs.append(json.loads(line))
            except ValueError as e:
                return None, f"line {i + 1} is not JSON ({e}): {clip(line)}"
        if n == 1:
            return objs, None
        if any(not isinstance(o, dict) or list(o) != ["type", "data"] for o in objs):
            return None, "a line is not a {type, data} message"
        types = [o["type"] for o in objs]
        if types != ["record"] * n + ["summary"]:
            return None, f"message types {types}, expected {n} records then a summary"
        summary, objs = objs[-1]["data"], [o["data"] for o in objs[:-1]]
        ok = sum(1 for o in objs if isinstance(o, dict) and o.get("ok") is True)
        errors = sum(1 for o in objs if isinstance(o, dict) and o.get("format") is None)
        expect = {"files": n, "ok": ok, "corrupt": n - ok - errors, "errors": errors}
        if summary != expect:
            return None, f"summary {summary}, expected {expect} from the records"
        return objs, None

    def check_run(self, items, objs, rc, err, where, status=None):
        """The per-run rules: the exit status (from the objects unless given), stderr lines."""
        want = expected_status(objs) if status is None else status
        if rc != want:
            self.mismatch(where, f"exit status {rc}, expected {want}"
                                 + (" from the objects" if status is None else ""))
        lines = [l for l in err.decode("utf-8", "replace").split("\n") if l]
        stray = [l for l in lines if not l.startswith(PREFIX)]
        if stray:
            self.mismatch(where, f"stderr line not starting with {PREFIX!r}: {clip(stray[0])}")
        bad = sum(1 for o in objs if not (isinstance(o, dict) and o.get("ok") is True))
        if bad == 0 and lines:
            self.mismatch(where, f"stderr for files that are all ok: {clip(lines[0])}")
        elif len(lines) < bad:
            self.mismatch(where, f"{len(lines)} `{PREFIX}` lines on stderr for {bad} files "
                                 f"that are not ok")

    def check_obj(self, item, obj):
        issues = schema_issues(obj, item.path)
        n = 4
        if item.expect is not None and isinstance(obj, dict):
            n += diff(item.expect, obj, "", issues)
        if item.check is not None and isinstance(obj, dict):
            more = item.check(obj)
            n += 1
            issues += more
        self.fields += n
        for field, act, exp in issues:
            self.field_mismatch(item.label, field, act, exp)
        return not issues

    def inspect(self, items, args=(), cwd=None, batch=BATCH):
        """Runs kit inspect --json over the items in batches; returns kit's objects
        (None for a file whose run broke)."""
        items = list(items)
        self.files += len(items)
        batches = [items[i:i + batch] for i in range(0, len(items), batch)]

        def one(b):
            timeout = 30 + 0.2 * len(b) if len(b) > 1 else SINGLE_TIMEOUT
            return self.run(["inspect", "--json", *args, *[it.path for it in b]], timeout, cwd), \
                timeout

        futures = [self.pool.submit(one, b) for b in batches]
        results = {}
        for b, f in zip(batches, futures):
            (rc, out, err), timeout = f.result()
            objs, trouble = self.parse(len(b), rc, out, err, timeout)
            if trouble is None:
                for it, obj in zip(b, objs):
                    results[id(it)] = obj
                    self.check_obj(it, obj)
                self.check_run(b, objs, rc, err, self.where(b, args))
                continue
            if len(b) == 1:
                self.mismatch(b[0].label, f"{trouble}  [{self.command(b, args)}]")
                results[id(b[0])] = None
                continue
            # Find the file(s) that break it, one run each.
            singles = [self.pool.submit(one, [it]) for it in b]
            culprits = 0
            for it, sf in zip(b, singles):
                (rc1, out1, err1), t1 = sf.result()
                objs1, trouble1 = self.parse(1, rc1, out1, err1, t1)
                if trouble1 is not None:
                    culprits += 1
                    self.mismatch(it.label, f"{trouble1}  [{self.command([it], args)}]")
                    results[id(it)] = None
                    continue
                results[id(it)] = objs1[0]
                self.check_obj(it, objs1[0])
                self.check_run([it], objs1, rc1, err1, it.label)
            if culprits == 0:
                self.mismatch(self.where(b, args), f"{trouble} (but no file alone)")
        return [results.get(id(it)) for it in items]

    def single(self, items, args=()):
        """Runs each item alone: returns [(rc, out, err, obj)] and checks the run rules."""
        futures = [self.pool.submit(self.run, ["inspect", "--json", *args, it.path],
                                    SINGLE_TIMEOUT) for it in items]
        out_list = []
        for it, f in zip(items, futures):
            rc, out, err = f.result()
            objs, trouble = self.parse(1, rc, out, err, SINGLE_TIMEOUT)
            if trouble is not None:
                self.mismatch(it.label, f"{trouble}  [{self.command([it], args)}]")
                out_list.append((rc, out, err, None))
                continue
            self.check_obj(it, objs[0])
            self.check_run([it], objs, rc, err, f"{it.label} (alone)")
            out_list.append((rc, out, err, objs[0]))
        return out_list

    @staticmethod
    def command(items, args):
        return shlex.join(["kit", "inspect", "--json", *args, *[it.path for it in items]])

    @staticmethod
    def where(items, args):
        if len(items) == 1:
            return items[0].label
        return f"run of {len(items)} files ({items[0].label} ... {items[-1].label})"


def pngcheck_ok(runner, paths):
    """{path: pngcheck -q exits 0}, per file, jobs at a time."""
    def one(p):
        rc, out, err = runner.run(["-q", p], 30, prog=PNGCHECK)
        return rc == 0, out.decode("utf-8", "replace").strip()
    return dict(zip(paths, runner.map(one, paths)))


PNGCHECK = shutil.which("pngcheck")
READELF = shutil.which("readelf")


def write(dirname, name, data):
    path = os.path.join(dirname, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


# --------------------------------------------------------------------------- BMP

BMP_HEADERS = {12: "BITMAPCOREHEADER", 16: "OS22XBITMAPHEADER", 40: "BITMAPINFOHEADER",
               52: "BITMAPV2INFOHEADER", 56: "BITMAPV3INFOHEADER", 64: "OS22XBITMAPHEADER",
               108: "BITMAPV4HEADER", 124: "BITMAPV5HEADER"}
BMP_COMPRESSION = {0: "None (RGB)", 1: "RLE8", 2: "RLE4", 3: "Bitfields", 4: "JPEG", 5: "PNG",
                   6: "Alpha bitfields", 11: "CMYK", 12: "CMYK RLE8", 13: "CMYK RLE4"}
# V4/V5 colour spaces: 'sRGB', 'Win ', 'LINK', 'MBED', then numbers that are no tag.
LCS_TAGS = [0x73524742, 0x57696E20, 0x4C494E4B, 0x4D424544, 0, 1, 0x00FF00FF]


def bmp_compression_name(c):
    return BMP_COMPRESSION.get(c, f"Unknown ({c})")


def bmp_color_space(v):
    tag = struct.pack(">I", v)
    if all(0x20 <= b < 0x7F for b in tag):
        return tag.decode("ascii")
    return str(v)


def bmp_stride(width, bpp):
    return (width * bpp + 31) // 32 * 4


def rle_stream(rng, width, height, bpp):
    """A valid RLE8 (bpp 8) or RLE4 (bpp 4) stream: encoded and absolute runs per row,
    end of line after each row, end of bitmap at the end."""
    out = bytearray()
    for _ in range(height):
        left = width
        while left:
            n = rng.randint(1, min(left, 255))
            if n >= 3 and rng.random() < 0.3:  # absolute mode: 00 n, pixels, pad to a word
                if bpp == 8:
                    data = rng.randbytes(n)
                else:
                    data = rng.randbytes((n + 1) // 2)
                out += bytes([0, n]) + data + (b"\0" if len(data) % 2 else b"")
            else:
                out += bytes([n, rng.randrange(256)])
            left -= n
        out += b"\0\0"
    out[-2:] = b"\0\1"
    return bytes(out)


def make_bmp(rng, dib, bpp, width, height, top_down=False, compression=0, colors_used=0,
             masks=None, color_space=0, gap=0, tail=0, image_size=None):
    """A BMP file as bytes and the parameters it was made from."""
    h_signed = -height if top_down else height
    xppm, yppm = rng.choice([0, 2835, 3780, rng.randrange(0, 40000)]), rng.randrange(0, 40000)
    colors_important = rng.choice([0, colors_used])
    if compression in (1, 2):
        pixels = rle_stream(rng, width, height, bpp)
    else:
        pixels = rng.randbytes(bmp_stride(width, bpp) * height)
    if image_size is None:
        image_size = len(pixels) if (compression or rng.random() < 0.5) else 0
    masks = masks or (0, 0, 0, 0)
    extra = b""
    if dib == 12:
        header = struct.pack("<IHHHH", 12, width, height, 1, bpp)
    elif dib == 16:
        header = struct.pack("<IiiHH", 16, width, h_signed, 1, bpp)
    else:
        header = struct.pack("<IiiHHIIiiII", dib, width, h_signed, 1, bpp, compression,
                             image_size, xppm, yppm, colors_used, colors_important)
        if dib == 52:
            header += struct.pack("<III", *masks[:3])
        elif dib == 56:
            header += struct.pack("<IIII", *masks)
        elif dib == 64:
            header += struct.pack("<HHHHIIII", 0, 0, 0, 0, rng.randrange(256), 0, 0,
                                  rng.randrange(1 << 32))
        elif dib in (108, 124):
            header += struct.pack("<IIII", *masks) + struct.pack("<I", color_space)
            header += rng.randbytes(36) + rng.randbytes(12)  # endpoints, gamma
            if dib == 124:
                header += struct.pack("<IIII", rng.choice([1, 2, 4, 8]), 0, 0, 0)
        elif dib == 40 and compression == 3:
            extra = struct.pack("<III", *masks[:3])
        elif dib == 40 and compression == 6:
            extra = struct.pack("<IIII", *masks)
    assert len(header) == dib
    if dib == 12:
        palette_colors = 2 ** bpp if bpp <= 8 else 0
        palette = rng.randbytes(3 * palette_colors)
    else:
        palette_colors = colors_used or (2 ** bpp if bpp <= 8 else 0)
        palette = rng.randbytes(4 * palette_colors)
    data_offset = 14 + dib + len(extra) + len(palette) + gap
    size = data_offset + len(pixels) + tail
    data = (struct.pack("<2sIHHI", b"BM", size, 0, 0, data_offset) + header + extra + palette
            + rng.randbytes(gap) + pixels + rng.randbytes(tail))
    assert len(data) == size
    params = dict(dib=dib, bpp=bpp, width=width, height=height, top_down=top_down,
                  compression=compression, colors_used=colors_used, masks=masks,
                  palette_colors=palette_colors, data_offset=data_offset, size=size,
                  color_space=color_space, xppm=xppm, yppm=yppm, image_size=image_size,
                  colors_important=colors_important)
    return data, params


def read_bmp(data):
    """The contract's BMP fields, read from the bytes (a valid file)."""
    _, file_size, _, _, data_offset = struct.unpack_from("<2sIHHI", data, 0)
    dib = struct.unpack_from("<I", data, 14)[0]
    e = {"format": "BMP", "file_size_bytes": file_size, "data_offset": data_offset,
         "dib_size": dib, "dib_header": BMP_HEADERS[dib], "file_length": len(data)}
    if dib == 12:
        _, w, h, planes, bpp = struct.unpack_from("<IHHHH", data, 14)
        top = False
    else:
        _, w, h, planes, bpp = struct.unpack_from("<IiiHH", data, 14)
        top = h < 0
    e.update(width=abs(w), height=abs(h), bits_per_pixel=bpp, planes=planes, top_down=top)
    colors_used = 0
    if dib >= 20:
        comp, isize, xp, yp, colors_used, ci = struct.unpack_from("<IIiiII", data, 30)
        e.update(compression=bmp_compression_name(comp), compression_code=comp,
                 image_size_bytes=isize, x_pixels_per_meter=xp, y_pixels_per_meter=yp,
                 colors_used=colors_used, colors_important=ci)
    else:  # the contract does not say what kit prints for these
        comp = 0
        for k in ("compression", "compression_code", "image_size_bytes", "x_pixels_per_meter",
                  "y_pixels_per_meter", "colors_used", "colors_important"):
            e[k] = ANY
    if dib == 12:
        e["palette_colors"] = 2 ** bpp if bpp <= 8 else 0
    else:
        e["palette_colors"] = colors_used or (2 ** bpp if bpp <= 8 else 0)
    masks = None
    if dib in (108, 124):
        masks = struct.unpack_from("<IIII", data, 54)
    elif comp in (3, 6) and dib == 40:
        masks = struct.unpack_from("<III", data, 54) + (
            struct.unpack_from("<I", data, 66) if comp == 6 else (0,))
    elif comp in (3, 6) and dib == 52:
        masks = struct.unpack_from("<III", data, 54) + (0,)
    elif comp in (3, 6) and dib == 56:
        masks = struct.unpack_from("<IIII", data, 54)
    e["masks"] = ABSENT if masks is None else dict(zip(("red", "green", "blue", "alpha"), masks))
    if dib in (108, 124):
        e["color_space"] = bmp_color_space(struct.unpack_from("<I", data, 70)[0])
    else:
        e["color_space"] = ABSENT
    return e


def bmp_contract_problem(data):
    """True when the contract's BMP rules alone make the bytes corrupt, False when they
    do not, None when this reader cannot tell (an unknown DIB size)."""
    if len(data) < 14:
        return True
    file_size, data_offset = struct.unpack_from("<I", data, 2)[0], struct.unpack_from("<I", data,
                                                                                   10)[0]
    if file_size > len(data) or data_offset > len(data):
        return True
    if len(data) < 18:
        return True
    dib = struct.unpack_from("<I", data, 14)[0]
    if dib not in BMP_HEADERS:
        return None
    if len(data) < 14 + dib:
        return True
    if dib == 12:
        _, w, h, _, bpp = struct.unpack_from("<IHHHH", data, 14)
    else:
        _, w, h, _, bpp = struct.unpack_from("<IiiHH", data, 14)
    comp = struct.unpack_from("<I", data, 30)[0] if dib >= 20 else 0
    if comp in (0, 3, 6) and bpp in (1, 4, 8, 16, 24, 32):
        if len(data) - data_offset < bmp_stride(abs(w), bpp) * abs(h):
            return True
    return False


TUTORIAL_BMP = (struct.pack("<2sIHHI", b"BM", 70, 0, 0, 54)
                + struct.pack("<IiiHHIIiiII", 40, 2, -2, 1, 24, 0, 8, 2835, 2835, 0, 0)
                + (b"\xff" * 6 + b"\0\0") * 2)
TUTORIAL_BMP_TEXT = ("BMP Header Info:\n  file_size_bytes: 70\n  data_offset: 54\n  width: 2\n"
                     "  height: 2\n  bits_per_pixel: 24\n  compression: None (RGB)\n"
                     "  image_size_bytes: 8\n")
MASKS16 = [(0xF800, 0x07E0, 0x001F, 0), (0x7C00, 0x03E0, 0x001F, 0x8000),
           (0x0F00, 0x00F0, 0x000F, 0xF000)]
MASKS32 = [(0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000),
           (0xFF000000, 0x00FF0000, 0x0000FF00, 0x000000FF), (0x3FF00000, 0x000FFC00, 0x3FF, 0)]


def bmp_cases(rng):
    """[(name, bytes, params)] of valid BMPs."""
    cases = []

    def add(data, params):
        cases.append((f"b{len(cases):04d}_{params['dib']}_{params['bpp']}.bmp", data, params))

    def dims():
        r = rng.random()
        if r < 0.4:
            return rng.randint(1, 9), rng.randint(1, 9)
        if r < 0.8:
            return rng.randint(1, 70), rng.randint(1, 40)
        return rng.choice([1, 3, 5, 7, 31, 33, 63, 65, 127]), rng.randint(1, 5)

    def colors(bpp):
        if bpp <= 8:
            return rng.choice([0, 0, rng.randint(1, 2 ** bpp), 2 ** bpp])
        return rng.choice([0, 0, 0, rng.randint(1, 16)])

    for dib in BMP_HEADERS:
        depths = [1, 4, 8, 24] if dib == 12 else [1, 4, 8, 16, 24, 32]
        for bpp in depths:
            for top in ([False] if dib == 12 else [False, True]):
                for k in range(scaled(2)):
                    w, h = dims()
                    if k == 0:
                        w = rng.randint(1, 9)
                    cu = 0 if dib in (12, 16) else colors(bpp)
                    mask = None
                    if dib in (52, 56, 108, 124):
                        mask = rng.choice(MASKS16 if bpp == 16 else MASKS32)
                    add(*make_bmp(rng, dib, bpp, w, h, top_down=top, colors_used=cu,
                                  masks=mask, color_space=rng.choice(LCS_TAGS),
                                  gap=rng.choice([0, 0, 0, 2, 5]), tail=rng.choice([0, 0, 2])))
    # Bitfields and alpha bitfields, 16 and 32 bpp, every header that holds masks.
    for dib in (40, 52, 56, 108, 124):
        for bpp in (16, 32):
            for comp in ((3, 6) if dib != 52 else (3,)):
                for top in (False, True):
                    w, h = dims()
                    mask = rng.choice(MASKS16 if bpp == 16 else MASKS32)
                    if comp == 3 and dib in (40, 52):
                        mask = mask[:3] + (0,)
                    if rng.random() < 0.3:
                        mask = tuple(rng.randrange(1 << 32) for _ in range(3)) + (
                            0 if comp == 3 and dib in (40, 52) else rng.randrange(1 << 32),)
                    add(*make_bmp(rng, dib, bpp, w, h, top_down=top, compression=comp,
                                  masks=mask, color_space=rng.choice(LCS_TAGS),
                                  colors_used=colors(bpp)))
    # Widths 1..9 at every depth (row padding), both orders.
    for bpp in (1, 4, 8, 16, 24, 32):
        for w in range(1, 10):
            add(*make_bmp(rng, 40, bpp, w, rng.randint(1, 4), top_down=w % 2 == 0,
                          colors_used=colors(bpp)))
    # Valid RLE streams (bottom-up only).
    for bpp, comp in ((8, 1), (4, 2)):
        for dib in (40, 108, 124):
            for _ in range(scaled(2)):
                w, h = dims()
                add(*make_bmp(rng, dib, bpp, w, h, compression=comp, colors_used=colors(bpp),
                              masks=rng.choice(MASKS32), color_space=rng.choice(LCS_TAGS)))
    # Random ones.
    for _ in range(scaled(60)):
        dib = rng.choice(list(BMP_HEADERS))
        bpp = rng.choice([1, 4, 8, 24] if dib == 12 else [1, 4, 8, 16, 24, 32])
        w, h = dims()
        comp = 0
        mask = rng.choice(MASKS16 if bpp == 16 else MASKS32)
        if bpp in (16, 32) and dib in (40, 56, 108, 124) and rng.random() < 0.4:
            comp = rng.choice([3, 6])
        elif bpp in (16, 32) and dib == 52 and rng.random() < 0.4:
            comp = 3
        if comp == 3 and dib in (40, 52):
            mask = mask[:3] + (0,)
        add(*make_bmp(rng, dib, bpp, w, h, top_down=dib != 12 and rng.random() < 0.4,
                      compression=comp, colors_used=0 if dib in (12, 16) else colors(bpp),
                      masks=mask, color_space=rng.choice(LCS_TAGS + [rng.randrange(1 << 32)]),
                      gap=rng.choice([0, 0, 1, 3, 8]), tail=rng.choice([0, 0, 1, 2])))
    return cases


def bmp_expect(data, params):
    """The expected object of a valid BMP; checks the reader against the generator."""
    e = read_bmp(data)
    p = params
    assert (e["width"], e["height"], e["bits_per_pixel"], e["top_down"], e["data_offset"],
            e["file_size_bytes"], e["palette_colors"]) == (
        p["width"], p["height"], p["bpp"], p["top_down"], p["data_offset"], p["size"],
        p["palette_colors"]), (e, p)
    if p["dib"] >= 40:
        assert (e["compression_code"], e["colors_used"], e["image_size_bytes"]) == (
            p["compression"], p["colors_used"], p["image_size"])
    if p["dib"] in (108, 124) or p["compression"] in (3, 6):
        assert tuple(e["masks"].values()) == tuple(p["masks"]), (e["masks"], p["masks"])
    assert bmp_contract_problem(data) is False
    e.update(ok=True, problems=[])
    return e


def group_bmp(runner, rng, tmp):
    cases = bmp_cases(rng)
    items = []
    for name, data, params in cases:
        path = write(tmp, name, data)
        items.append(Item(path, bmp_expect(data, params)))
    tut = write(tmp, "tutorial.bmp", TUTORIAL_BMP)
    e = read_bmp(TUTORIAL_BMP)
    e.update(ok=True, problems=[], width=2, height=2, top_down=True, image_size_bytes=8,
             masks=ABSENT)
    items.append(Item(tut, e))
    runner.inspect(items)
    # Compression names (ok not compared: kit may call these corrupt).
    names = []
    for code in (4, 5, 7, 11, 12, 13, 99):
        data, params = make_bmp(rng, 40, 24, 3, 2, compression=code, image_size=24)
        path = write(tmp, f"comp{code}.bmp", data)
        names.append(Item(path, {"format": "BMP", "compression": bmp_compression_name(code),
                                 "compression_code": code, "width": 3, "height": 2,
                                 "dib_header": "BITMAPINFOHEADER"}))
    runner.inspect(names)
    # The tutorial's text block.
    rc, out, err = runner.run(["inspect", tut], SINGLE_TIMEOUT)
    text = out.decode("utf-8", "replace")
    if rc != 0 or err or not text.startswith(TUTORIAL_BMP_TEXT) or \
            not re.fullmatch(r"(  [A-Za-z0-9_]+: [^\n]*\n)*", text[len(TUTORIAL_BMP_TEXT):]):
        runner.mismatch("tutorial.bmp (text mode)",
                        f"exit {rc}, stderr {clip(err)}; stdout {clip(text, 400)!r}; expected "
                        f"it to start with {TUTORIAL_BMP_TEXT!r} and go on with "
                        f"'  key: value' lines")
    return len(items) + len(names) + 1


# --------------------------------------------------------------------------- PNG

PNG_SIG = b"\x89PNG\r\n\x1a\n"
COLOR_MODES = {0: "Grayscale", 2: "RGB", 3: "Indexed", 4: "Grayscale+Alpha", 6: "RGBA"}
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
         (0, 1, 1, 2)]
KEYWORDS = ["Title", "Author", "Description", "Copyright", "Creation Time", "Software",
            "Disclaimer", "Warning", "Source", "Comment", "Z\xfcrich notes", "x", "K" * 79]
LATIN1_TEXTS = ["", "hello", "caf\xe9 cr\xe8me br\xfbl\xe9e", "line one\nline two",
                "\xa9 2026 kit \xb1 \xbd \xff", "tab\tand  spaces "]
UTF8_TEXTS = ["", "plain ascii", "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8",
              "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac",
              "emoji \U0001f642 and \xfcn\xefc\xf6d\xe9",
              "mixed\nlines \u2713", "caf\xe9"]
LANGS = ["", "en", "en-US", "ja", "el", "de-CH-1901", "x-klingon"]
TRANSLATED = ["", "Titel", "\u30bf\u30a4\u30c8\u30eb", "T\xedtulo",
              "\u03a4\u03af\u03c4\u03bb\u03bf\u03c2"]


def png_chunk(typ, body):
    return struct.pack(">I", len(body)) + typ + body + struct.pack(">I", zlib.crc32(typ + body))


def png_raw(rng, w, h, ct, bd, interlace, plain=False):
    """Filtered scanlines (random filter bytes 0-4) for every pass."""
    bits = CHANNELS[ct] * bd
    out = bytearray()
    for xs, ys, dx, dy in (ADAM7 if interlace else [(0, 0, 1, 1)]):
        pw = (w - xs + dx - 1) // dx if w > xs else 0
        ph = (h - ys + dy - 1) // dy if h > ys else 0
        if pw == 0 or ph == 0:
            continue
        row = (pw * bits + 7) // 8
        for _ in range(ph):
            out.append(0 if plain else rng.randrange(5))
            out += bytes(row) if plain else rng.randbytes(row)
    return bytes(out)


def random_latin1(rng):
    if rng.random() < 0.6:
        return rng.choice(LATIN1_TEXTS)
    alphabet = "abcdefghijklmnopqrstuvwxyz ABC.,;:!?0123456789\n\xe4\xf6\xfc\xdf\xe9"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 300)))


def text_chunk(rng):
    kind = rng.choice([b"tEXt", b"zTXt", b"iTXt", b"iTXt"])
    kw = rng.choice(KEYWORDS)
    k = kw.encode("latin-1")
    if kind == b"tEXt":
        text = random_latin1(rng)
        return png_chunk(kind, k + b"\0" + text.encode("latin-1"))
    if kind == b"zTXt":
        text = random_latin1(rng)
        return png_chunk(kind, k + b"\0\0" + zlib.compress(text.encode("latin-1"),
                                                           rng.randrange(10)))
    text = rng.choice(UTF8_TEXTS) if rng.random() < 0.8 else random_latin1(rng)
    compressed = rng.random() < 0.5
    t = text.encode("utf-8")
    body = (k + b"\0" + bytes([compressed, 0]) + rng.choice(LANGS).encode("ascii") + b"\0"
            + rng.choice(TRANSLATED).encode("utf-8") + b"\0"
            + (zlib.compress(t) if compressed else t))
    return png_chunk(kind, body)


def split_idat(rng, z, typ=b"IDAT", prefix=None):
    parts = rng.choice([1, 1, 1, 2, 3]) if len(z) > 4 else 1
    cuts = sorted(rng.sample(range(1, len(z)), parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, len(z)]
    return [png_chunk(typ, z[a:b]) for a, b in zip(bounds, bounds[1:])]


def make_png(rng, ct, bd, interlace, w, h, extras=True, plain=False):
    """A valid PNG as bytes."""
    chunks = [png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bd, ct, 0, 0, interlace))]
    if extras and rng.random() < 0.4:
        chunks.append(png_chunk(b"gAMA", struct.pack(">I", rng.choice(
            [45455, 100000, 220000, rng.randrange(1, 1 << 31)]))))
    r = rng.random() if extras else 1
    if r < 0.25:
        chunks.append(png_chunk(b"sRGB", bytes([rng.randrange(4)])))
    elif r < 0.45:
        name = rng.choice(["ICC profile", "sRGB IEC61966-2.1", "Photoshop ICC profile", "p"])
        chunks.append(png_chunk(b"iCCP", name.encode() + b"\0\0"
                                + zlib.compress(rng.randbytes(rng.randint(0, 200)))))
    if extras and rng.random() < 0.4:
        chunks.append(png_chunk(b"pHYs", struct.pack(">IIB", rng.choice([2835, 3780, 1]),
                                                     rng.randrange(1, 100000), rng.randrange(2))))
    if extras and rng.random() < 0.25:
        chunks.append(png_chunk(b"tIME", struct.pack(">HBBBBB", rng.randint(1990, 2030),
                                                     rng.randint(1, 12), rng.randint(1, 28),
                                                     rng.randint(0, 23), rng.randint(0, 59),
                                                     rng.randint(0, 59))))
    entries = 0
    if ct == 3:
        entries = rng.choice([1, rng.randint(1, 2 ** bd), 2 ** bd])
    elif ct in (2, 6) and extras and rng.random() < 0.25:
        entries = rng.randint(1, 256)
    if entries:
        chunks.append(png_chunk(b"PLTE", rng.randbytes(3 * entries)))
    if extras and rng.random() < 0.4:
        if ct == 0:
            chunks.append(png_chunk(b"tRNS", struct.pack(">H", rng.randrange(2 ** bd))))
        elif ct == 2:
            chunks.append(png_chunk(b"tRNS", struct.pack(">HHH", *[rng.randrange(2 ** bd)
                                                                  for _ in range(3)])))
        elif ct == 3:
            chunks.append(png_chunk(b"tRNS", rng.randbytes(rng.randint(1, entries))))
    for _ in range(rng.choice([0, 0, 1, 2, 3]) if extras else 0):
        chunks.append(text_chunk(rng))
    if extras and rng.random() < 0.1:
        chunks.append(png_chunk(b"prVt", rng.randbytes(rng.randint(0, 20))))
    raw = png_raw(rng, w, h, ct, bd, interlace, plain=plain)
    chunks += split_idat(rng, zlib.compress(raw, rng.randrange(10)))
    for _ in range(rng.choice([0, 0, 1, 2]) if extras else 0):
        chunks.append(text_chunk(rng))
    chunks.append(png_chunk(b"IEND", b""))
    return PNG_SIG + b"".join(chunks)


def make_apng(rng, ct, bd, w, h, frames, plays, default_is_frame=True):
    """An APNG: acTL, fcTL/IDAT (or a plain default image), then fcTL+fdAT per frame."""
    chunks = [png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bd, ct, 0, 0, 0))]
    if ct == 3:
        chunks.append(png_chunk(b"PLTE", rng.randbytes(3 * 2 ** bd)))
    chunks.append(png_chunk(b"acTL", struct.pack(">II", frames, plays)))
    seq = 0

    def fctl(fw, fh, x, y):
        nonlocal seq
        c = png_chunk(b"fcTL", struct.pack(">IIIIIHHBB", seq, fw, fh, x, y, rng.randint(1, 100),
                                           rng.choice([0, 10, 100]), rng.randrange(3),
                                           rng.randrange(2)))
        seq += 1
        return c

    if default_is_frame:
        chunks.append(fctl(w, h, 0, 0))
    chunks += split_idat(rng, zlib.compress(png_raw(rng, w, h, ct, bd, 0)))
    if rng.random() < 0.5:
        chunks.append(text_chunk(rng))
    for _ in range(frames - (1 if default_is_frame else 0)):
        fw, fh = rng.randint(1, w), rng.randint(1, h)
        chunks.append(fctl(fw, fh, rng.randint(0, w - fw), rng.randint(0, h - fh)))
        z = zlib.compress(png_raw(rng, fw, fh, ct, bd, 0))
        chunks.append(png_chunk(b"fdAT", struct.pack(">I", seq) + z))
        seq += 1
    chunks.append(png_chunk(b"IEND", b""))
    return PNG_SIG + b"".join(chunks)


def read_png(data):
    """The contract's PNG fields of a valid file, by walking its chunks."""
    assert data[:8] == PNG_SIG
    e = {"format": "PNG", "raw_signature": data[:8].hex()}
    chunks, texts = [], []
    opt = {k: ABSENT for k in ("palette_entries", "transparency_bytes", "gamma", "srgb_intent",
                               "icc_profile", "phys", "animation")}
    fctl, iend, trailing, pos = 0, False, 0, 8
    while pos < len(data):
        length, typ = struct.unpack_from(">I4s", data, pos)
        body = data[pos + 8:pos + 8 + length]
        assert len(body) == length and pos + 12 + length <= len(data)
        crc = struct.unpack_from(">I", data, pos + 8 + length)[0]
        chunks.append({"type": typ.decode("latin-1"), "length": length, "offset": pos,
                       "crc": f"{crc:08x}", "crc_ok": zlib.crc32(typ + body) == crc})
        pos += 12 + length
        if typ == b"IHDR":
            w, h, bd, ct, comp, filt, inter = struct.unpack(">IIBBBBB", body)
            e.update(width=w, height=h, bit_depth=bd, color_type=ct,
                     color_mode=COLOR_MODES.get(ct, "Unknown"), compression=comp, filter=filt,
                     interlace=inter)
        elif typ == b"PLTE":
            opt["palette_entries"] = length // 3
        elif typ == b"tRNS":
            opt["transparency_bytes"] = length
        elif typ == b"gAMA":
            opt["gamma"] = struct.unpack(">I", body)[0]
        elif typ == b"sRGB":
            opt["srgb_intent"] = body[0]
        elif typ == b"iCCP":
            opt["icc_profile"] = body.split(b"\0", 1)[0].decode("latin-1")
        elif typ == b"pHYs":
            x, y, unit = struct.unpack(">IIB", body)
            opt["phys"] = {"x": x, "y": y, "unit": unit}
        elif typ == b"acTL":
            frames, plays = struct.unpack(">II", body)
            opt["animation"] = {"frames": frames, "plays": plays}
        elif typ == b"fcTL":
            fctl += 1
        elif typ in (b"tEXt", b"zTXt"):
            kw, rest = body.split(b"\0", 1)
            text = rest if typ == b"tEXt" else zlib.decompress(rest[1:])
            texts.append({"chunk": typ.decode(), "keyword": kw.decode("latin-1"),
                          "text": text.decode("latin-1"), "language": OneOf(ABSENT, None, ""),
                          "translated_keyword": OneOf(ABSENT, None, "")})
        elif typ == b"iTXt":
            kw, rest = body.split(b"\0", 1)
            flag, rest = rest[0], rest[2:]
            lang, tkw, text = rest.split(b"\0", 2)
            if flag:
                text = zlib.decompress(text)
            texts.append({"chunk": "iTXt", "keyword": kw.decode("latin-1"),
                          "text": text.decode("utf-8"), "language": lang.decode("latin-1"),
                          "translated_keyword": tkw.decode("utf-8")})
        elif typ == b"IEND":
            iend = True
            trailing = len(data) - pos
            break
    e.update(chunks=chunks, texts=texts, iend=iend, trailing_bytes=trailing,
             frame_controls=fctl if fctl else OneOf(ABSENT, 0), **opt)
    return e


def png_cases(rng):
    """[(name, bytes, expected ok or None for 'as pngcheck says')]."""
    cases = []

    def add(data, ok=True):
        cases.append((f"p{len(cases):04d}.png", data, ok))

    for ct, depths in DEPTHS.items():
        for bd in depths:
            for interlace in (0, 1):
                for k in range(scaled(2)):
                    w, h = ((rng.randint(1, 9), rng.randint(1, 9)) if k == 0
                            else (rng.randint(1, 33), rng.randint(1, 20)))
                    add(make_png(rng, ct, bd, interlace, w, h, extras=k > 0 or bd == 8))
    for _ in range(scaled(50)):
        ct = rng.choice(list(DEPTHS))
        add(make_png(rng, ct, rng.choice(DEPTHS[ct]), rng.randrange(2), rng.randint(1, 40),
                     rng.randint(1, 40), plain=rng.random() < 0.3))
    for k in range(scaled(6)):
        ct = rng.choice([0, 2, 3, 6])
        bd = 8 if ct != 3 else rng.choice(DEPTHS[3])
        add(make_apng(rng, ct, bd, rng.randint(1, 16), rng.randint(1, 16), rng.randint(1, 4),
                      rng.randrange(4), default_is_frame=k % 3 != 2))
    # Bytes after IEND: pngcheck calls that an error, so kit must not say ok.
    add(make_png(rng, 2, 8, 0, 4, 3) + b"trailing junk\n", ok=False)
    return cases


def png_expect(data, ok):
    e = read_png(data)
    w, h, bd, ct, _, _, inter = struct.unpack_from(">IIBBBBB", data, 16)
    assert (e["width"], e["height"], e["bit_depth"], e["color_type"], e["interlace"]) == (
        w, h, bd, ct, inter)
    assert all(c["crc_ok"] for c in e["chunks"]) and e["iend"]
    if ok:
        e.update(ok=True, problems=[])
    return e


def png_items(runner, tmp, cases, mismatch_label="generator"):
    items = []
    paths = [write(tmp, name, data) for name, data, _ in cases]
    verdicts = pngcheck_ok(runner, paths) if PNGCHECK else {}
    for path, (name, data, ok) in zip(paths, cases):
        expect = png_expect(data, ok)
        check = None
        if path in verdicts:
            good, text = verdicts[path]
            if ok is not None and good != ok:
                runner.mismatch(name, f"{mismatch_label}: pngcheck -q says "
                                      f"{'ok' if good else 'not ok: ' + clip(text)}, "
                                      f"the generator meant {'ok' if ok else 'not ok'}")
            check = (lambda good, text: lambda obj: [] if obj.get("ok") is good else
                     [("ok", obj.get("ok"), f"{good} (pngcheck -q: {clip(text) or 'ok'})")])(
                good, text)
        if ok is False and check is None:
            expect["ok"] = False
        items.append(Item(path, expect, check=check))
    return items


def group_png(runner, rng, tmp):
    if not PNGCHECK:
        print("png: pngcheck not found; ok verdicts are compared with the generator only")
    cases = png_cases(rng)
    items = png_items(runner, tmp, cases)
    runner.inspect(items)
    # --chunks and --hex change no JSON field.
    some = items[:: max(1, len(items) // 8)]
    plain = runner.inspect([Item(it.path, label=it.label) for it in some])
    runner.files -= len(some)
    flagged = [Item(it.path, obj if isinstance(obj, dict) else None,
                    label=it.label + " (--chunks --hex 16)")
               for it, obj in zip(some, plain)]
    runner.inspect(flagged, args=("--chunks", "--hex", "16"))
    # The tutorial's lines for a 290x82 RGBA image.
    data = make_png(rng, 6, 8, 0, 290, 82, extras=False, plain=True)
    path = write(tmp, "logo.png", data)
    rc, out, err = runner.run(["inspect", path], SINGLE_TIMEOUT)
    want = "".join(f"{k:20s}: {v}\n" for k, v in [
        ("width", 290), ("height", 82), ("bit_depth", 8), ("color_mode", "RGBA"),
        ("raw_signature", "89504e470d0a1a0a")])
    text = out.decode("utf-8", "replace")
    if rc != 0 or err or not text.startswith(want):
        runner.mismatch("logo.png (text mode)", f"exit {rc}, stderr {clip(err)}; stdout "
                                                f"{clip(text, 300)!r}; expected it to start "
                                                f"with {want!r}")
    return len(items) + 1


# --------------------------------------------------------------------------- icons


def group_icons(runner, rng, tmp):
    root = "/usr/share/icons"
    paths = []
    for d, _, names in os.walk(root):
        paths += [os.path.join(d, n) for n in names if n.endswith(".png")]
    paths = sorted(p for p in paths if os.path.isfile(p))
    if not paths:
        print(f"icons: no *.png under {root}; skipped")
        return 0
    if SCALE < 3:
        paths = sorted(rng.sample(paths, min(len(paths), scaled(600))))
    verdicts = pngcheck_ok(runner, paths) if PNGCHECK else {}
    if not PNGCHECK:
        print("icons: pngcheck not found; ok verdicts not compared")
    items = []
    for path in paths:
        with open(path, "rb") as f:
            head = f.read(33)
        expect = {}
        if head[:8] == PNG_SIG and head[12:16] == b"IHDR" and len(head) == 33:
            w, h, bd, ct = struct.unpack_from(">IIBB", head, 16)
            expect = {"format": "PNG", "width": w, "height": h, "bit_depth": bd,
                      "color_type": ct}
        check = None
        if path in verdicts:
            good, text = verdicts[path]
            check = (lambda good, text: lambda obj: [] if obj.get("ok") is good else
                     [("ok", obj.get("ok"), f"{good} (pngcheck -q: {clip(text) or 'ok'})")])(
                good, text)
        items.append(Item(path, expect, label=os.path.relpath(path, root), check=check))
    runner.inspect(items)
    return len(items)


# --------------------------------------------------------------------------- GIF JPEG WAV ZIP ELF


def gif_subblocks(data):
    out = bytearray()
    for i in range(0, len(data), 255):
        part = data[i:i + 255]
        out += bytes([len(part)]) + part
    return bytes(out) + b"\0"


def lzw_literal(pixels, m):
    """A valid GIF LZW stream that codes every pixel as a literal: a clear code before
    the table could widen the codes (every 2**m - 2 codes), so widths stay m + 1."""
    clear, width = 1 << m, m + 1
    codes, n = [clear], 0
    for p in pixels:
        if n == (1 << m) - 2:
            codes.append(clear)
            n = 0
        codes.append(p)
        n += 1
    codes.append(clear + 1)
    acc = bits = 0
    out = bytearray()
    for c in codes:
        acc |= c << bits
        bits += width
        while bits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            bits -= 8
    if bits:
        out.append(acc & 0xFF)
    return bytes(out)


def make_gif(rng, version, w, h, gct_bits, frames, loop=None, comment=False):
    packed = (0x80 | (7 << 4) | gct_bits) if gct_bits is not None else (7 << 4)
    out = bytearray(b"GIF" + version + struct.pack("<HHBBB", w, h, packed, 0, 0))
    if gct_bits is not None:
        out += rng.randbytes(3 * 2 ** (gct_bits + 1))
    if loop is not None:
        out += b"\x21\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", loop) + b"\0"
    for _ in range(frames):
        if version == b"89a":
            out += b"\x21\xf9\x04" + bytes([rng.randrange(8) << 2, rng.randrange(256), 0,
                                            rng.randrange(256)]) + b"\0"
            if comment:
                out += b"\x21\xfe" + gif_subblocks(b"made by inspect_vs_python " * 3)
        fw, fh = rng.randint(1, w), rng.randint(1, h)
        local = gct_bits is None or rng.random() < 0.3
        bits = rng.randrange(8) if local else gct_bits
        out += b"\x2c" + struct.pack("<HHHHB", rng.randint(0, w - fw), rng.randint(0, h - fh),
                                     fw, fh, (0x80 | bits) if local else 0)
        if local:
            out += rng.randbytes(3 * 2 ** (bits + 1))
        m = max(2, bits + 1)
        pixels = [rng.randrange(2 ** (bits + 1)) for _ in range(fw * fh)]
        out += bytes([m]) + gif_subblocks(lzw_literal(pixels, m))
    out += b"\x3b"
    expect = {"format": "GIF", "ok": True, "problems": [], "version": version.decode(),
              "width": w, "height": h,
              "global_colors": 2 ** (gct_bits + 1) if gct_bits is not None else 0,
              "frames": frames, "loop_count": loop if loop is not None else OneOf(ABSENT, None),
              "trailer": True}
    return bytes(out), expect


def jpeg_segment(marker, payload):
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg_entropy(rng, n, restarts=False):
    out = bytearray()
    for i in range(n):
        b = rng.randrange(256)
        out.append(b)
        if b == 0xFF:
            out.append(0)  # stuffed
        if restarts and i and i % 40 == 0:
            out += bytes([0xFF, 0xD0 + (i // 40 - 1) % 8])
    return bytes(out)


def make_jpeg(rng, sof, w, h, ncomp, jfif, exif, precision=8, restarts=False, comment=False):
    out = bytearray(b"\xff\xd8")
    if jfif:
        out += jpeg_segment(0xE0, b"JFIF\0\x01\x01\x01" + struct.pack(">HH", 72, 72) + b"\0\0")
    if exif:
        tiff = b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", 0) + struct.pack("<I", 0)
        out += jpeg_segment(0xE1, b"Exif\0\0" + tiff)
    if comment:
        out += jpeg_segment(0xFE, b"inspect_vs_python")
    out += jpeg_segment(0xDB, b"\x00" + bytes(rng.randint(1, 255) for _ in range(64)))
    comps = b"".join(bytes([i + 1, 0x11 if i else 0x22, 0 if i == 0 else 1])
                     for i in range(ncomp))
    out += jpeg_segment(0xC0 + sof, struct.pack(">BHHB", precision, h, w, ncomp) + comps)
    out += jpeg_segment(0xC4, b"\x00" + bytes([0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
                        + bytes(range(12)))
    if restarts:
        out += jpeg_segment(0xDD, struct.pack(">H", 4))
    scans = rng.randint(2, 4) if sof == 2 else 1
    for s in range(scans):
        sel = b"".join(bytes([i + 1, 0]) for i in range(ncomp))
        tail = bytes([0, 0, 0]) if sof == 2 and s == 0 else bytes([0, 63, 0])
        out += jpeg_segment(0xDA, bytes([ncomp]) + sel + tail)
        out += jpeg_entropy(rng, rng.randint(10, 300), restarts)
    out += b"\xff\xd9"
    expect = {"format": "JPEG", "ok": True, "problems": [], "width": w, "height": h,
              "precision": precision, "components": ncomp, "sof": sof, "process": ANY,
              "progressive": sof == 2, "jfif": jfif, "exif": exif, "eoi": True}
    return bytes(out), expect


def riff_chunks(data):
    ids, pos = [], 12
    while pos + 8 <= len(data):
        cid, size = struct.unpack_from("<4sI", data, pos)
        ids.append(cid.decode("latin-1"))
        pos += 8 + size + (size & 1)
    return ids


def wav_expect_from_wave(path):
    with wave.open(path, "rb") as w:
        p = w.getparams()
    with open(path, "rb") as f:
        data = f.read()
    block = p.nchannels * p.sampwidth
    return {"format": "WAV", "ok": True, "problems": [], "format_tag": 1, "encoding": "PCM",
            "channels": p.nchannels, "sample_rate": p.framerate,
            "byte_rate": p.framerate * block, "block_align": block,
            "bits_per_sample": 8 * p.sampwidth, "data_bytes": p.nframes * block,
            "duration_seconds": Approx(p.nframes / p.framerate), "chunks": riff_chunks(data)}


def write_wav(rng, path, channels, width, rate, frames, list_chunk=False):
    with wave.open(path, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(rng.randbytes(frames * channels * width))
    if list_chunk:  # a LIST INFO chunk before the data chunk
        with open(path, "rb") as f:
            data = f.read()
        info = b"INFO" + b"ISFT" + struct.pack("<I", 4) + b"kit\0"
        lst = b"LIST" + struct.pack("<I", len(info)) + info
        at = data.index(b"data")
        data = data[:at] + lst + data[at:]
        data = data[:4] + struct.pack("<I", len(data) - 8) + data[8:]
        with open(path, "wb") as f:
            f.write(data)


def make_float_wav(rng, channels, rate, frames, bits=32):
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHHH", 3, channels, rate, rate * block, block, bits, 0)
    samples = b"".join(struct.pack("<f" if bits == 32 else "<d", rng.uniform(-1, 1))
                       for _ in range(frames * channels))
    body = (b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"fact"
            + struct.pack("<II", 4, frames) + b"data" + struct.pack("<I", len(samples)) + samples)
    data = b"RIFF" + struct.pack("<I", len(body)) + body
    expect = {"format": "WAV", "ok": True, "problems": [], "format_tag": 3,
              "encoding": "IEEE float", "channels": channels, "sample_rate": rate,
              "byte_rate": rate * block, "block_align": block, "bits_per_sample": bits,
              "data_bytes": len(samples), "duration_seconds": Approx(frames / rate),
              "chunks": ["fmt ", "fact", "data"]}
    return data, expect


def zip_expect(path):
    with open(path, "rb") as f:
        data = f.read()
    at = data.rindex(b"PK\x05\x06")
    cd_offset = struct.unpack_from("<I", data, at + 16)[0]
    zip64 = at >= 20 and data[at - 20:at - 16] == b"PK\x06\x07"
    if zip64:  # the ZIP64 end of central directory record, through its locator
        eocd64 = struct.unpack_from("<Q", data, at - 12)[0]
        assert data[eocd64:eocd64 + 4] == b"PK\x06\x06"
        cd_offset = struct.unpack_from("<Q", data, eocd64 + 48)[0]
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        comment = z.comment
        assert z.start_dir == cd_offset or not infos
    entries = [{"name": i.filename, "compressed_size": i.compress_size, "size": i.file_size,
                "method": i.compress_type, "method_name": ANY, "crc": f"{i.CRC:08x}",
                "offset": i.header_offset} for i in infos]
    return {"format": "ZIP", "ok": True, "problems": [], "entries": entries,
            "central_directory_offset": cd_offset, "zip64": zip64,
            "comment": comment.decode("utf-8") if comment else OneOf("", None)}


def make_zip64(files, comment=b""):
    """A stored archive in ZIP64 form: every size and offset 0xFFFFFFFF with a ZIP64
    extra field, a ZIP64 end of central directory record and its locator."""
    out, central = bytearray(), bytearray()
    for name, data in files:
        n, crc, offset = name.encode("utf-8"), zlib.crc32(data), len(out)
        extra = struct.pack("<HHQQ", 1, 16, len(data), len(data))
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0x800, 0, 0, 0x21, crc, 0xFFFFFFFF,
                           0xFFFFFFFF, len(n), len(extra)) + n + extra + data
        extra = struct.pack("<HHQQQ", 1, 24, len(data), len(data), offset)
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0x800, 0, 0, 0x21, crc,
                               0xFFFFFFFF, 0xFFFFFFFF, len(n), len(extra), 0, 0, 0, 0,
                               0xFFFFFFFF) + n + extra
    cd_offset = len(out)
    out += central
    eocd64 = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, len(files), len(files),
                       len(central), cd_offset)
    out += struct.pack("<IIQI", 0x07064B50, 0, eocd64, 1)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF,
                       len(comment)) + comment
    return bytes(out)


def write_zip(rng, path, entries, comment=b""):
    with zipfile.ZipFile(path, "w") as z:
        for name, data, method in entries:
            info = zipfile.ZipInfo(name, date_time=(2024, 2, 29, 12, 30, 58))
            info.compress_type = method
            z.writestr(info, data)
        z.comment = comment


def read_elf(data):
    cls, endian, osabi = data[4], data[5], data[7]
    order = "<" if endian == 1 else ">"
    if cls == 2:
        f = struct.unpack_from(order + "HHIQQQIHHHHHH", data, 16)
    else:
        f = struct.unpack_from(order + "HHIIIIIHHHHHH", data, 16)
    e_type, e_machine, _, entry, _, _, _, _, _, phnum, _, shnum, _ = f
    return {"format": "ELF", "ok": True, "problems": [],
            "class": {1: "ELF32", 2: "ELF64"}[cls],
            "data": {1: "little endian", 2: "big endian"}[endian], "type": e_type,
            "machine": e_machine,
            "entry": Pred(f"hex of {entry:#x}", lambda v, n=entry: isinstance(v, str)
                          and v.lower().startswith("0x") and int(v, 16) == n),
            "program_headers": phnum, "section_headers": shnum}, osabi


def readelf_header(path):
    p = subprocess.run([READELF, "-h", path], capture_output=True, env=ENV, text=True)
    fields = {}
    for line in p.stdout.splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            fields[k.strip()] = v.strip()
    return fields


def elf_files():
    found = []
    for p in ("/bin/ls", "/bin/true", os.path.realpath(sys.executable)):
        if os.path.isfile(p):
            found.append(os.path.realpath(p))
    sos = []
    try:
        sos.append(zlib.__file__)
    except AttributeError:
        pass
    sos += ["/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6",
            "/lib64/libc.so.6", "/usr/lib/aarch64-linux-gnu/libc.so.6"]
    for p in sos:
        if p and os.path.isfile(p):
            with open(p, "rb") as f:
                if f.read(4) == b"\x7fELF":
                    found.append(os.path.realpath(p))
                    break
    out = []
    for p in found:
        if p not in out:
            out.append(p)
    return out


def elf_item(path):
    with open(path, "rb") as f:
        expect, osabi = read_elf(f.read(64))
    if READELF:
        fields = readelf_header(path)
        expect["type_name"] = fields.get("Type", "?")
        expect["machine_name"] = fields.get("Machine", "?")
        text = fields.get("OS/ABI", "?")
        expect["os_abi"] = Pred(f"{osabi} or {text!r} (readelf OS/ABI:)",
                                lambda v, n=osabi, t=text: v == t if isinstance(v, str)
                                else (isinstance(v, int) and not isinstance(v, bool) and v == n))
    else:
        expect["os_abi"] = Pred(f"{osabi} or a string", lambda v, n=osabi: isinstance(v, str)
                                or (isinstance(v, int) and v == n))
    return Item(path, expect, label=path)


def other_files(rng, tmp):
    """[(name, bytes or None (written already), expect)] for GIF, JPEG, WAV, ZIP."""
    out = []
    for version in (b"87a", b"89a"):
        for gct in (None, 0, 1, 3, 7):
            for frames in (1, 3):
                loop = None
                if version == b"89a":
                    loop = rng.choice([None, 0, 1, 5, 65535])
                data, e = make_gif(rng, version, rng.randint(1, 40), rng.randint(1, 40), gct,
                                   frames, loop, comment=version == b"89a" and frames == 3)
                out.append((f"g{len(out):03d}.gif", data, e))
    for sof, precision in ((0, 8), (1, 8), (1, 12), (2, 8)):
        for ncomp in (1, 3):
            for jfif, exif in ((True, False), (False, True), (True, True), (False, False)):
                data, e = make_jpeg(rng, sof, rng.randint(1, 4000), rng.randint(1, 4000), ncomp,
                                    jfif, exif, precision, restarts=rng.random() < 0.3,
                                    comment=rng.random() < 0.3)
                out.append((f"j{len(out):03d}.jpg", data, e))
    for channels in (1, 2):
        for width in (1, 2, 3):
            for rate in (8000, 22050, 44100, 48000, 96000):
                path = os.path.join(tmp, f"w{len(out):03d}.wav")
                write_wav(rng, path, channels, width, rate, rng.choice([0, 1, 7, 1000, 4410]),
                          list_chunk=rate == 22050)
                out.append((os.path.basename(path), None, wav_expect_from_wave(path)))
    for channels, rate, bits in ((1, 44100, 32), (2, 48000, 32), (2, 8000, 64)):
        data, e = make_float_wav(rng, channels, rate, rng.randint(1, 300), bits)
        out.append((f"w{len(out):03d}.wav", data, e))
    text = b"All work and no play makes kit a dull tool.\n" * 40
    zips = [
        ([("a.txt", text, zipfile.ZIP_STORED), ("b.txt", text, zipfile.ZIP_DEFLATED)], b""),
        ([("dir/", b"", zipfile.ZIP_STORED), ("dir/\u00fcber.txt", b"x" * 10, zipfile.ZIP_DEFLATED),
          ("\u65e5\u672c/\u30c6\u30b9\u30c8.bin", rng.randbytes(300), zipfile.ZIP_DEFLATED),
          ("empty", b"", zipfile.ZIP_DEFLATED)], b"a comment"),
        ([("x.lzma", text, zipfile.ZIP_LZMA), ("y.stored", rng.randbytes(50), zipfile.ZIP_STORED)],
         b"kit inspect test"),
        ([], b""),
        ([], b"comment of an empty archive"),
        ([(f"f{i:02d}.txt", text[:i * 7], rng.choice([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
          for i in range(20)], b""),
    ]
    for entries, comment in zips:
        path = os.path.join(tmp, f"z{len(out):03d}.zip")
        write_zip(rng, path, entries, comment)
        out.append((os.path.basename(path), None, zip_expect(path)))
    for files, comment in (([("big.bin", rng.randbytes(100)), ("\u00e9t\u00e9.txt", b"summer")],
                            b"zip64"), ([("one", b"1")], b"")):
        path = os.path.join(tmp, f"z{len(out):03d}.zip")
        with open(path, "wb") as f:
            f.write(make_zip64(files, comment))
        e = zip_expect(path)
        assert e["zip64"] and [x["name"] for x in e["entries"]] == [n for n, _ in files]
        out.append((os.path.basename(path), None, e))
    return out


def group_other(runner, rng, tmp):
    items = []
    for name, data, expect in other_files(rng, tmp):
        path = os.path.join(tmp, name) if data is None else write(tmp, name, data)
        items.append(Item(path, expect))
    elves = elf_files()
    if not READELF:
        print("other: readelf not found; type_name and machine_name not compared")
    items += [elf_item(p) for p in elves]
    runner.inspect(items)
    count = len(items)
    # Exit statuses and errors.
    good = write(tmp, "good.png", make_png(rng, 0, 8, 0, 3, 3, extras=False))
    bad_data = bytearray(make_png(rng, 0, 8, 0, 3, 3, extras=False))
    bad_data[40] ^= 0x55  # inside IDAT: a CRC error
    bad = write(tmp, "badcrc.png", bytes(bad_data))
    empty = write(tmp, "empty.bin", b"")
    text = write(tmp, "notes.txt", b"just some text\n")
    missing = os.path.join(tmp, "does-not-exist.png")
    subdir = os.path.join(tmp, "a-directory")
    os.mkdir(subdir)
    unknown = {"format": None, "ok": False}
    runs = [
        ([Item(good, {"format": "PNG", "ok": True})], 0),
        ([Item(bad, {"format": "PNG", "ok": False})], 1),
        ([Item(missing, unknown)], 2),
        ([Item(subdir, unknown)], 2),
        ([Item(empty, unknown)], 2),
        ([Item(text, unknown)], 2),
        ([Item(good, {"ok": True}), Item(bad, {"ok": False}), Item(good, {"ok": True})], 1),
        ([Item(bad, {"ok": False}), Item(missing, unknown), Item(good, {"ok": True})], 2),
        ([Item(text, unknown), Item(bad, {"ok": False})], 2),
    ]
    for its, status in runs:
        label = " ".join(os.path.basename(it.path) for it in its)
        for it in its:
            it.label = f"{os.path.basename(it.path)} (in: {label})"
        rc, out, err = runner.run(["inspect", "--json", *[it.path for it in its]], SINGLE_TIMEOUT)
        count += len(its)
        objs, trouble = runner.parse(len(its), rc, out, err, SINGLE_TIMEOUT)
        if trouble:
            runner.mismatch(label, trouble)
            continue
        for it, obj in zip(its, objs):
            runner.check_obj(it, obj)
        runner.check_run(its, objs, rc, err, label, status)
    # A relative path is echoed as given.
    rc, out, err = runner.run(["inspect", "--json", "good.png", "./notes.txt"], SINGLE_TIMEOUT,
                              cwd=tmp)
    objs, trouble = runner.parse(2, rc, out, err, SINGLE_TIMEOUT)
    if trouble:
        runner.mismatch("relative paths", trouble)
    else:
        runner.check_obj(Item("good.png", {"format": "PNG", "ok": True}), objs[0])
        runner.check_obj(Item("./notes.txt", unknown), objs[1])
        runner.check_run([], objs, rc, err, "relative paths", 2)
    return count + 2


# --------------------------------------------------------------------------- corrupt


def truncations(data, lengths=None):
    return [(n, data[:n]) for n in (range(len(data)) if lengths is None else lengths)]


def flips(rng, data, n, positions=None):
    out = []
    for _ in range(n):
        pos = rng.choice(positions) if positions else rng.randrange(len(data))
        b = bytearray(data)
        b[pos] ^= rng.randrange(1, 256)
        out.append((pos, bytes(b)))
    return out


def has_code(code):
    return Pred(f"a list holding a {code!r} problem",
                lambda v: any(isinstance(p, dict) and p.get("code") == code for p in v))


def broken_files(rng):
    """[(name, bytes, expect, compare with pngcheck)]: files whose every CRC is right but
    whose content the spec (or the contract's BMP rules) forbids."""
    out = []

    def png(name, chunks, expect, sig=PNG_SIG, pngcheck=True):
        data = sig + b"".join(png_chunk(t, b) for t, b in chunks)
        out.append((name + ".png", data, dict(expect, format="PNG", ok=False), pngcheck))

    def ihdr(w=3, h=2, bd=8, ct=0, comp=0, filt=0, inter=0):
        return (b"IHDR", struct.pack(">IIBBBBB", w, h, bd, ct, comp, filt, inter))

    def idat(w=3, h=2, bd=8, ct=0):
        return (b"IDAT", zlib.compress(png_raw(rng, w, h, ct, bd, 0)))

    end = (b"IEND", b"")
    bad_ihdr = {"problems": has_code("png.bad_ihdr")}
    for name, kw in (("depth3", dict(bd=3)), ("colortype5", dict(ct=5)),
                     ("rgb4", dict(ct=2, bd=4)), ("indexed16", dict(ct=3, bd=16)),
                     ("width0", dict(w=0)), ("height0", dict(h=0)), ("interlace2", dict(inter=2)),
                     ("compression1", dict(comp=1)), ("filter1", dict(filt=1))):
        png(name, [ihdr(**kw), idat(), end], bad_ihdr)
    png("width2to31", [ihdr(w=1 << 31), idat(), end], {})
    png("ihdr12", [(b"IHDR", ihdr()[1][:12]), idat(), end], {})
    png("ihdr14", [(b"IHDR", ihdr()[1] + b"\0"), idat(), end], {})
    png("gama-first", [(b"gAMA", struct.pack(">I", 45455)), ihdr(), idat(), end], {})
    png("no-plte", [ihdr(bd=8, ct=3), idat(ct=3), end], {"problems": has_code("png.missing_plte")})
    png("no-idat", [ihdr(), end], {"problems": has_code("png.no_idat")})
    png("no-iend", [ihdr(), idat()], {"problems": has_code("png.no_iend")})
    png("signature", [ihdr(), idat(), end], {}, sig=PNG_SIG[:5] + b"\x0a\x0d" + PNG_SIG[7:])
    png("huge-length", [ihdr(), idat()], {}, pngcheck=True)
    name, data, e, pc = out.pop()
    out.append((name, data + struct.pack(">I", 0x7FFFFFF0) + b"IDAT" + b"\0" * 8, e, pc))

    def bmp(name, data, expect):
        out.append((name + ".bmp", data, dict(expect, format="BMP", ok=False), False))

    data, _ = make_bmp(rng, 40, 24, 3, 2)
    b = bytearray(data)
    b[10:14] = struct.pack("<I", len(data) + 1)
    bmp("offset-past-end", bytes(b), {"data_offset": len(data) + 1})
    b = bytearray(data)
    b[22:26] = struct.pack("<i", 3)  # three rows declared, two there
    bmp("rows-missing", bytes(b), {"height": 3, "problems": has_code("bmp.truncated")})
    b = bytearray(data)
    b[2:6] = struct.pack("<I", len(data) + 1)
    bmp("size-past-end", bytes(b), {"file_size_bytes": len(data) + 1,
                                    "problems": has_code("bmp.truncated")})
    b = bytearray(data)
    b[18:22] = struct.pack("<i", 0x7FFFFFFF)
    bmp("huge-width", bytes(b), {"width": 0x7FFFFFFF, "problems": has_code("bmp.truncated")})
    b = bytearray(data)
    b[22:26] = struct.pack("<i", -(1 << 31))
    bmp("height-int-min", bytes(b), {"height": 1 << 31, "top_down": True,
                                     "problems": has_code("bmp.truncated")})
    data, _ = make_bmp(rng, 12, 24, 3, 2)
    b = bytearray(data)
    b[18:20] = struct.pack("<H", 0xFFFF)
    bmp("core-wide", bytes(b), {"width": 0xFFFF, "problems": has_code("bmp.truncated")})
    for name, data, _, _ in out:
        if name.endswith(".bmp"):
            assert bmp_contract_problem(data) is True, name
    return out


def group_corrupt(runner, rng, tmp):
    bases = []  # (name, kind, bytes)
    bases.append(("gray", "PNG", make_png(rng, 0, 8, 0, 3, 2, extras=False)))
    p2 = [png_chunk(b"IHDR", struct.pack(">IIBBBBB", 5, 4, 4, 3, 0, 0, 0)),
          png_chunk(b"gAMA", struct.pack(">I", 45455)),
          png_chunk(b"PLTE", rng.randbytes(3 * 6)), png_chunk(b"tRNS", b"\0\x80\xff"),
          png_chunk(b"tEXt", b"Title\0corrupt me"),
          png_chunk(b"IDAT", zlib.compress(png_raw(rng, 5, 4, 3, 4, 0))),
          png_chunk(b"IEND", b"")]
    bases.append(("indexed", "PNG", PNG_SIG + b"".join(p2)))
    bases.append(("apng", "PNG", make_apng(rng, 2, 8, 4, 3, 2, 0)))
    bases.append(("info24", "BMP", make_bmp(rng, 40, 24, 3, 2)[0]))
    bases.append(("v5pal", "BMP", make_bmp(rng, 124, 8, 5, 3, colors_used=4,
                                           masks=MASKS32[0], color_space=0x73524742)[0]))
    bases.append(("anim", "GIF", make_gif(rng, b"89a", 6, 5, 1, 2, loop=0)[0]))
    bases.append(("sof2", "JPEG", make_jpeg(rng, 2, 64, 48, 3, True, True)[0]))
    wav_path = os.path.join(tmp, "base.wav")
    write_wav(rng, wav_path, 2, 2, 8000, 12)
    zip_path = os.path.join(tmp, "base.zip")
    write_zip(rng, zip_path, [("a.txt", b"hello hello hello", zipfile.ZIP_DEFLATED),
                              ("b.txt", b"abc", zipfile.ZIP_STORED)])
    for name, path, kind in (("pcm", wav_path, "WAV"), ("two", zip_path, "ZIP")):
        with open(path, "rb") as f:
            bases.append((name, kind, f.read()))
    elf = "/bin/true" if os.path.isfile("/bin/true") else None
    if elf:
        with open(elf, "rb") as f:
            bases.append(("true", "ELF", f.read()))
    items, pngs = [], []
    for name, kind, data in bases:
        ext = kind.lower()
        if kind == "ELF":
            lengths = sorted(set(range(200)) | set(rng.sample(range(200, len(data)), 150)))
            cut = truncations(data, lengths)
            hdr = list(range(64))
            cls, order = data[4], "<" if data[5] == 1 else ">"
            phoff, shoff = struct.unpack_from(order + "QQ", data, 32) if cls == 2 else (52, 0)
            positions = hdr + list(range(phoff, min(len(data), phoff + 13 * 56))) + \
                list(range(shoff, len(data)))
            flipped = flips(rng, data, scaled(200), positions)
        else:
            cut = truncations(data)
            flipped = flips(rng, data, scaled(200))
        for n, part in cut:
            path = write(tmp, f"{name}.t{n:05d}.{ext}", part)
            expect = {"ok": False}
            if kind == "PNG":
                expect["format"] = "PNG" if n >= 4 else None
            elif kind == "BMP":
                expect["format"] = OneOf("BMP", None) if n >= 2 else None
            items.append(Item(path, expect, label=f"{name} truncated to {n} of {len(data)} bytes"))
        for k, (pos, part) in enumerate(flipped):
            path = write(tmp, f"{name}.f{k:03d}.{ext}", part)
            label = f"{name} with byte {pos} flipped ({data[pos]:#04x} -> {part[pos]:#04x})"
            expect = None
            if kind == "BMP" and bmp_contract_problem(part):
                expect = {"ok": False}
            it = Item(path, expect, label=label)
            items.append(it)
            if kind == "PNG":
                pngs.append(it)
    for name, data, expect, with_pngcheck in broken_files(rng):
        it = Item(write(tmp, "broken-" + name, data), expect, label=name)
        items.append(it)
        if with_pngcheck:
            pngs.append(it)
    if PNGCHECK:
        verdicts = pngcheck_ok(runner, [it.path for it in pngs])
        for it in pngs:
            good, text = verdicts[it.path]
            it.check = (lambda good, text: lambda obj: [] if obj.get("ok") is good else
                        [("ok", obj.get("ok"), f"{good} (pngcheck -q: {clip(text) or 'ok'})")])(
                good, text)
    else:
        print("corrupt: pngcheck not found; PNG flips need only be not ok")
        for it in pngs:
            it.expect = dict(it.expect or {}, ok=False)
    objs = runner.inspect(items)
    kinds = [re.search(r"\.([tf])\d+\.", os.path.basename(it.path)) for it in items]
    cuts = sum(1 for k in kinds if k and k.group(1) == "t")
    flipped = sum(1 for k in kinds if k and k.group(1) == "f")
    flipped_ok = sum(1 for k, o in zip(kinds, objs) if k and k.group(1) == "f"
                     and isinstance(o, dict) and o.get("ok") is True)
    print(f"  ({cuts} truncated files; {flipped} with a flipped byte, of which kit calls "
          f"{flipped_ok} ok; {len(items) - cuts - flipped} broken by hand; {len(pngs)} PNGs "
          f"compared with pngcheck)")
    # Some alone: their own exit status and stderr line.
    alone = rng.sample(items, min(len(items), scaled(100)))
    alone = [Item(it.path, it.expect, label=it.label + " (alone)", check=it.check)
             for it in alone]
    runner.single(alone)
    return len(items)


# --------------------------------------------------------------------------- main

GROUPS = {
    "bmp": group_bmp,
    "png": group_png,
    "icons": group_icons,
    "corrupt": group_corrupt,
    "other": group_other,
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
    kit = os.path.abspath(options.kit)
    if not os.access(kit, os.X_OK):
        parser.error(f"not an executable: {options.kit}")
    runner = InspectRunner(kit, max(1, options.jobs))
    root = random.Random(SEED)
    seeds = {name: root.getrandbits(64) for name in GROUPS}
    groups = list(GROUPS) if options.group == "all" else [options.group]
    start = time.monotonic()
    failed = False
    for name in groups:
        runner.reports = 0  # the first mismatches of every group are shown
        before = (runner.mismatches, runner.runs, runner.fields)
        t0 = time.monotonic()
        with tempfile.TemporaryDirectory(prefix=f"kit-inspect-{name}-") as tmp:
            n = GROUPS[name](runner, random.Random(seeds[name]), tmp)
        mism = runner.mismatches - before[0]
        failed |= mism > 0
        print(f"{name}: {n} files, {runner.fields - before[2]} values compared, {mism} "
              f"mismatches ({runner.runs - before[1]} kit runs) in {time.monotonic() - t0:.1f}s")
    runner.pool.shutdown()
    print(f"{'all' if len(groups) > 1 else groups[0]}: {'FAILED' if failed else 'ok'} "
          f"({runner.runs} kit runs) in {time.monotonic() - start:.1f}s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
