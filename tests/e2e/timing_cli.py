#!/usr/bin/env python3
"""`kit retry` and `kit bench` end to end: real child processes, short waits.

retry: backoff log lines and waits, attempt counts (a counter file each run appends to),
exit codes (last attempt's, 124 on --timeout, 126/127, 130 on Ctrl-C), --on-exit, --quiet,
--max-time, jitter bounds, argument pass-through, usage errors. bench: --json statistics
recomputed with Python's statistics module, the text report, failures, --export-markdown,
--warmup/--prepare order, --min-time, usage errors.

usage: timing_cli.py --kit PATH     (exit 0 when every check holds, 1 otherwise)
"""
import argparse
import json
import math
import os
import pathlib
import re
import select
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import harness
from harness import FLAKY_SH, Fifo, check, exited, expect_code, kit

KIT = ""
SCRATCH = pathlib.Path()
ENV = dict(os.environ, LC_ALL="C.UTF-8")
ENV.pop("SOURCE_DATE_EPOCH", None)
FIXED_TIME = dict(ENV, SOURCE_DATE_EPOCH="1700000000", TZ="UTC")  # 2023-11-14 22:13:20 UTC


def counter(name):
    path = SCRATCH / f"{name}.count"
    path.unlink(missing_ok=True)
    return path


def runs_of(path):
    return len(path.read_text().splitlines()) if path.exists() else 0


def flaky(path, succeed_at, code):
    return ["/bin/sh", SCRATCH / "flaky.sh", path, succeed_at, code]


WAIT = re.compile(r"Retrying in ([0-9.]+)s\.\.\.$")


def waits_of(r):
    return [float(m.group(1)) for line in r.lines if (m := WAIT.search(line))]


# ---- kit retry --------------------------------------------------------------------------------

def retry_backoff():
    # Fails twice, then succeeds: the tutorial's log, with a fixed clock.
    c = counter("flaky")
    r = kit("retry", "--base", "10ms", "--", *flaky(c, 3, 1), env=FIXED_TIME)
    if r is None:
        return
    expect_code("retry flaky", r, 0)
    check(f"retry flaky: {runs_of(c)} runs, want 3", runs_of(c) == 3, r)
    want = [r"^\[22:13:20\] Attempt 1 failed: exit 1\. Retrying in 0\.01s\.\.\.$",
            r"^\[22:13:20\] Attempt 2 failed: exit 1\. Retrying in 0\.02s\.\.\.$",
            r"^\[22:13:20\] Attempt 3 succeeded in \d+\.\d+s$"]
    check(f"retry flaky: {len(r.lines)} stderr lines, want 3", len(r.lines) == 3, r)
    for pattern, line in zip(want, r.lines):
        check(f"retry flaky: stderr line {line!r} does not match {pattern!r}", re.match(pattern, line), r)

    # Always fails: every attempt, growing waits, the last attempt's status.
    c = counter("always")
    r = kit("retry", "--attempts", 4, "--base", "10ms", "--", "sh", "-c", 'echo run >> "$0"; exit 3', c)
    if r and expect_code("retry always failing", r, 3):
        check(f"retry always failing: {runs_of(c)} runs, want 4", runs_of(c) == 4, r)
        for n, wait in ((1, "0.01"), (2, "0.02"), (3, "0.04")):
            pattern = rf"^\[\d\d:\d\d:\d\d\] Attempt {n} failed: exit 3\. Retrying in {re.escape(wait)}s\.\.\.$"
            check(f"retry always failing: no stderr line matching {pattern!r}",
                  any(re.match(pattern, line) for line in r.lines), r)
        check("retry always failing: last stderr line",
              r.lines[-1:] == ["All 4 attempts failed. Giving up."], r)

    # --factor and --max-delay shape the waits: 10, 30, 50 (capped), 50 ms.
    r = kit("retry", "--attempts", 5, "--base", "10ms", "--factor", 3, "--max-delay", "50ms", "--", "false")
    if r and expect_code("retry --factor 3 --max-delay 50ms", r, 1):
        check(f"retry --factor 3 --max-delay 50ms: waits {waits_of(r)}",
              waits_of(r) == [0.01, 0.03, 0.05, 0.05], r)

    # --quiet: same attempts and status, nothing on stderr.
    c = counter("quiet")
    r = kit("retry", "--quiet", "--attempts", 3, "--base", "10ms", "--", *flaky(c, 1000, 5))
    if r and expect_code("retry --quiet", r, 5):
        check("retry --quiet: stderr not empty", r.err == "", r)
        check(f"retry --quiet: {runs_of(c)} runs, want 3", runs_of(c) == 3, r)
    r = kit("retry", "-q", "--base", "10ms", "--", *flaky(counter("quiet2"), 2, 1))
    if r and expect_code("retry -q flaky", r, 0):
        check("retry -q flaky: stderr not empty", r.err == "", r)


def retry_timeout_and_budget():
    r = kit("retry", "--timeout", "0.3", "--attempts", 2, "--base", "10ms", "--", "sleep", 30, timeout=20)
    if r and expect_code("retry --timeout", r, 124):
        check("retry --timeout: stderr does not say 'timed out'",
              any(re.match(r"^\[\d\d:\d\d:\d\d\] Attempt 1 failed: timed out\. Retrying", l) for l in r.lines), r)
        check("retry --timeout: last line", r.lines[-1:] == ["All 2 attempts failed. Giving up."], r)

    # --max-time: the next wait would pass the budget, so no second attempt.
    c = counter("budget")
    r = kit("retry", "--max-time", "0.05", "--base", "0.2", "--attempts", 10, "--", *flaky(c, 1000, 1))
    if r and expect_code("retry --max-time", r, 1):
        check(f"retry --max-time: {runs_of(c)} runs, want 1", runs_of(c) == 1, r)
        check("retry --max-time: no 'Giving up: --max-time'", "Giving up: --max-time" in r.err, r)
        check("retry --max-time: it waited", "Retrying" not in r.err, r)
    # --attempts 0 (no limit) with a budget: several attempts, then the budget ends it.
    c = counter("budget2")
    r = kit("retry", "--attempts", 0, "--max-time", "0.3", "--base", "10ms", "--", *flaky(c, 1000, 1))
    if r and expect_code("retry --attempts 0 --max-time 0.3", r, 1):
        check("retry --attempts 0 --max-time 0.3: last line",
              bool(r.lines) and "Giving up: --max-time 0.3 would pass" in r.lines[-1], r)


def retry_on_exit():
    c = counter("on-exit-4")
    r = kit("retry", "--on-exit", "1,75-78", "--base", "10ms", "--", *flaky(c, 1000, 4))
    if r and expect_code("retry --on-exit 1,75-78 (exit 4)", r, 4):
        check(f"retry --on-exit (exit 4): {runs_of(c)} runs, want 1", runs_of(c) == 1, r)
        check("retry --on-exit (exit 4): stderr",
              r.lines != [] and re.match(r"^\[\d\d:\d\d:\d\d\] Attempt 1 failed: exit 4 \(not in --on-exit\)\. "
                                         r"Giving up\.$", r.lines[-1]), r)
        check("retry --on-exit (exit 4): no '(not in --on-exit). Giving up.'",
              "(not in --on-exit). Giving up." in r.err, r)
    for code, want_runs in ((76, 3), (75, 3), (78, 3), (79, 1), (1, 3), (2, 1)):
        c = counter(f"on-exit-{code}")
        r = kit("retry", "--on-exit", "1,75-78", "--attempts", 3, "--base", "10ms", "--", *flaky(c, 1000, code))
        if r and expect_code(f"retry --on-exit 1,75-78 (exit {code})", r, code):
            check(f"retry --on-exit 1,75-78 (exit {code}): {runs_of(c)} runs, want {want_runs}",
                  runs_of(c) == want_runs, r)
    # Retried until it succeeds when its code is in the list.
    c = counter("on-exit-ok")
    r = kit("retry", "--on-exit", "76", "--base", "10ms", "--", *flaky(c, 2, 76))
    if r and expect_code("retry --on-exit 76, then success", r, 0):
        check(f"retry --on-exit 76, then success: {runs_of(c)} runs, want 2", runs_of(c) == 2, r)


def retry_jitter():
    cap = 0.05  # every wait below 0.1 s: printed with 3 significant digits
    tol = 1.006  # that rounding, relatively

    def within(lo, x, hi):
        return lo / tol - 1e-9 <= x <= hi * tol + 1e-9

    base = 0.01
    grown = [min(cap, base * 2 ** n) for n in range(4)]  # 0.01, 0.02, 0.04, 0.05
    for mode in ("full", "equal", "decorrelated"):
        args = ["retry", "--jitter", mode, "--seed", 7, "--attempts", 5, "--base", "10ms",
                "--max-delay", "50ms", "--", "false"]
        r = kit(*args)
        if not (r and expect_code(f"retry --jitter {mode}", r, 1)):
            continue
        waits = waits_of(r)
        if not check(f"retry --jitter {mode}: waits {waits}, want 4", len(waits) == 4, r):
            continue
        previous = base
        for n, (w, d) in enumerate(zip(waits, grown), 1):
            if mode == "full":
                lo, hi = 0.0, d
            elif mode == "equal":
                lo, hi = d / 2, d
            else:
                lo, hi = base, min(cap, 3 * previous)
                previous = w
            check(f"retry --jitter {mode}: wait {n} is {w}s, not in [{lo}, {hi}]", within(lo, w, hi), r)
        if mode != "decorrelated":
            check(f"retry --jitter {mode}: waits {waits} are not jittered", waits != grown, r)
        check(f"retry --jitter {mode}: last line",
              r.lines[-1:] == ["All 5 attempts failed. Giving up."], r)
        again = kit(*args)
        if again:
            check(f"retry --jitter {mode} --seed 7: waits {waits} then {waits_of(again)}",
                  waits_of(again) == waits, again)


def retry_signals():
    # Ctrl-C while the command runs: it is stopped, kit exits 130.
    pid_file = Fifo(SCRATCH / "child.pid")
    proc = subprocess.Popen([KIT, "retry", "--", "sh", "-c", f"echo $$ > {shlex.quote(str(pid_file.path))}; exec sleep 30"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, cwd=SCRATCH,
                            encoding="utf-8", errors="replace")
    try:
        pid = pid_file.line(5)
        if check("retry Ctrl-C: the command never started", pid is not None):
            proc.send_signal(signal.SIGINT)  # kit's handler was in place before the command ran
            try:
                out, err = proc.communicate(timeout=5)
                what = f"kit retry -- sh -c '...; exec sleep 30': exit {proc.returncode}, stderr {err!r}"
                check(f"retry Ctrl-C: exit {proc.returncode}, want 130\n    {what}", proc.returncode == 130)
                check(f"retry Ctrl-C: no 'kit retry: interrupted'\n    {what}", "kit retry: interrupted" in err)
                check(f"retry Ctrl-C: the command's process {pid} is still there", exited(int(pid), 2))
            except subprocess.TimeoutExpired:
                check("retry Ctrl-C: kit still running 5s after SIGINT", False)
    finally:
        pid_file.close()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()

    # SIGTERM during the wait between attempts: the wait is cut short.
    proc = subprocess.Popen([KIT, "retry", "--base", "20s", "--", "false"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=ENV, cwd=SCRATCH, encoding="utf-8", errors="replace")
    try:
        ready, _, _ = select.select([proc.stderr], [], [], 5)
        first = proc.stderr.readline() if ready else ""
        if check(f"retry SIGTERM in the wait: first stderr line {first!r}", "Retrying in 20.0s..." in first):
            proc.send_signal(signal.SIGTERM)
            try:
                _, err = proc.communicate(timeout=5)
                check(f"retry SIGTERM in the wait: exit {proc.returncode}, want 143", proc.returncode == 143)
                check(f"retry SIGTERM in the wait: stderr {err!r}", err == "kit retry: interrupted\n")
            except subprocess.TimeoutExpired:
                check("retry SIGTERM in the wait: kit still running 5s after SIGTERM", False)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def retry_errors():
    c = counter("never")
    command = ["--", "sh", "-c", 'echo run >> "$0"', c]
    for args, mention in ((["--base", "-1"], "--base"), (["--base", "abc"], "--base"),
                          (["--max-delay", "soon"], "--max-delay"), (["--max-time", "-3"], "--max-time"),
                          (["--timeout", "0"], "--timeout"), (["--timeout", "x"], "--timeout"),
                          (["--jitter", "wobbly"], "'wobbly'"), (["--on-exit", "300"], "'300'"),
                          (["--on-exit", "5-2"], "'5-2'"), (["--on-exit", "1,,x"], "--on-exit"),
                          (["--factor", "0.5"], "factor"), (["--factor", "nan"], "factor"),
                          (["--attempts", "many"], "--attempts")):
        r = kit("retry", *args, *command)
        if r and expect_code(f"retry {shlex.join(args)}", r, 2):
            check(f"retry {shlex.join(args)}: stderr does not start with 'kit retry: '",
                  r.err.startswith("kit retry: "), r)
            check(f"retry {shlex.join(args)}: stderr does not mention {mention!r}", mention in r.err, r)
    check(f"retry usage errors: the command ran {runs_of(c)} times", runs_of(c) == 0)
    for args in ([], ["--attempts", "2"], ["--attempts", "2", "--"]):
        r = kit("retry", *args)
        if r and expect_code(f"retry {shlex.join(args)} (no command)", r, 2):
            check(f"retry {shlex.join(args)} (no command): stderr", "kit retry: no command to run" in r.err, r)

    r = kit("retry", "--base", "10ms", "--", "no-such-command-xyz")
    if r and expect_code("retry no-such-command-xyz", r, 127):
        check("retry no-such-command-xyz: stderr",
              r.err.startswith("kit retry: ") and "command not found" in r.err, r)
        check("retry no-such-command-xyz: retried", "Retrying" not in r.err, r)
    no_x = SCRATCH / "not-executable"
    no_x.write_text("exit 0\n")
    no_x.chmod(0o644)
    for target in (tempfile.gettempdir(), str(no_x)):
        r = kit("retry", "--base", "10ms", "--", target)
        if r and expect_code(f"retry {target}", r, 126):
            check(f"retry {target}: stderr", r.err.startswith("kit retry: ") and "Retrying" not in r.err, r)


def retry_arguments():
    # Everything from the command on is the command's: kit's options there are not kit's.
    for args, want in ((["echo", "hi", "-n", "--attempts"], "hi -n --attempts\n"),
                       (["--", "echo", "hi", "-n", "--attempts"], "hi -n --attempts\n"),
                       (["--attempts", "1", "--", "echo", "hi"], "hi\n"),
                       (["printf", "%s|", "a", "-x", "b", "--", "--base", "c"], "a|-x|b|--|--base|c|"),
                       (["--", "printf", "%s|", "--quiet", "''", "a b"], "--quiet|''|a b|")):
        r = kit("retry", *args)
        if r and expect_code(f"retry {shlex.join(args)}", r, 0):
            check(f"retry {shlex.join(args)}: stdout {r.out!r}, want {want!r}", r.out == want, r)


# ---- kit bench --------------------------------------------------------------------------------

KEYS = {"command", "mean", "stddev", "median", "mad", "min", "max", "user", "system", "runs",
        "outliers", "times", "exit_codes"}


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)


def bench_json(what, *args):
    r = kit("bench", "--json", *args)
    if not (r and expect_code(what, r, 0)):
        return None
    try:
        return json.loads(r.out)["results"]
    except (ValueError, KeyError, TypeError) as e:
        check(f"{what}: not a JSON document with results ({e})", False, r)
        return None


def check_statistics(what, res):
    times = res["times"]
    med = statistics.median(times)
    want = {"mean": statistics.fmean(times), "median": med, "min": min(times), "max": max(times),
            "mad": statistics.median(abs(x - med) for x in times)}
    if len(times) > 1:
        want["stddev"] = statistics.stdev(times)
    for key, value in want.items():
        check(f"{what}: {key} {res[key]!r}, from times {value!r}", close(res[key], value))
    sigma = 1.4826 * want["mad"]
    outliers = sum(abs(x - med) / sigma > 14 for x in times) if sigma > 0 else 0
    check(f"{what}: outliers {res['outliers']}, from times {outliers}", res["outliers"] == outliers)


def bench_statistics():
    results = bench_json("bench --runs 5 --json -N", "--runs", 5, "-N", "true", "sleep 0.01")
    if not results:
        return
    check(f"bench --json: {len(results)} results, want 2", len(results) == 2)
    for res, command in zip(results, ("true", "sleep 0.01")):
        what = f"bench --json '{command}'"
        if not check(f"{what}: keys {sorted(res)}", set(res) == KEYS):
            continue
        check(f"{what}: command {res['command']!r}", res["command"] == command)
        check(f"{what}: runs {res['runs']}, {len(res['times'])} times, want 5",
              res["runs"] == 5 == len(res["times"]))
        check(f"{what}: exit codes {res['exit_codes']}", res["exit_codes"] == [0] * 5)
        check(f"{what}: user {res['user']}, system {res['system']}", res["user"] >= 0 and res["system"] >= 0)
        check(f"{what}: times {res['times']}", all(t > 0 for t in res["times"]))
        check_statistics(what, res)

    # Through the shell, its start-up taken off: still the same statistics of `times`.
    results = bench_json("bench --runs 4 --json (shell)", "--runs", 4, "sleep 0.02")
    if results and check("bench --json (shell): keys", len(results) == 1 and set(results[0]) == KEYS):
        check_statistics("bench --json 'sleep 0.02' (shell)", results[0])


def bench_text():
    r = kit("bench", "--runs", 5, "-N", "true", "sleep 0.01")
    if not (r and expect_code("bench text", r, 0)):
        return
    lines = r.out.splitlines()
    for want in ("Benchmark 1: true", "Benchmark 2: sleep 0.01", "Summary", "  'true' ran"):
        check(f"bench text: no line {want!r}", want in lines, r)
    check("bench text: Benchmark 1 before Benchmark 2 before Summary",
          "Summary" in lines and "Benchmark 2: sleep 0.01" in lines and "Benchmark 1: true" in lines and
          lines.index("Benchmark 1: true") < lines.index("Benchmark 2: sleep 0.01") < lines.index("Summary"), r)
    means = [l for l in lines if l.startswith("  Time (mean ± σ):")]
    ranges = [l for l in lines if l.startswith("  Range (min … max):")]
    check(f"bench text: {len(means)} 'Time (mean ± σ)' lines, want 2", len(means) == 2, r)
    check(f"bench text: 'Range (min … max)' lines {ranges}",
          len(ranges) == 2 and all(l.endswith("    5 runs") for l in ranges), r)
    faster = [l for l in lines if "times faster than" in l]
    pattern = r"^    (\d+\.\d\d) ± \d+\.\d\d times faster than 'sleep 0\.01'$"
    if check(f"bench text: 'times faster' lines {faster}", len(faster) == 1 and re.match(pattern, faster[0]), r):
        ratio = float(re.match(pattern, faster[0]).group(1))
        check(f"bench text: 'true' ran {ratio} times faster than 'sleep 0.01'", ratio >= 1, r)
    if "Summary" in lines:
        check("bench text: 'true' ran not right after Summary",
              lines[lines.index("Summary") + 1:lines.index("Summary") + 2] == ["  'true' ran"], r)
    # A single command: no Summary.
    r = kit("bench", "--runs", 2, "-N", "true")
    if r and expect_code("bench one command", r, 0):
        check("bench one command: a Summary", "Summary" not in r.out and "Benchmark 1: true" in r.out, r)


def bench_failures():
    r = kit("bench", "--runs", 3, "false")
    if r and expect_code("bench false", r, 1):
        check("bench false: stderr", r.err.startswith("kit bench: ") and "use --ignore-failure" in r.err, r)
    r = kit("bench", "--runs", 3, "-i", "false")
    if r and expect_code("bench -i false", r, 0):
        check("bench -i false: no warning", "Warning: Ignoring non-zero exit code." in r.out, r)
        check("bench -i false: 3 runs", re.search(r"    3 runs$", r.out, re.M), r)
    r = kit("bench", "--runs", 3, "-i", "true")
    if r and expect_code("bench -i true", r, 0):
        check("bench -i true: a non-zero exit warning", "Ignoring non-zero exit code" not in r.out, r)
    results = bench_json("bench -i --json false", "--runs", 3, "-i", "false")
    if results:
        check(f"bench -i --json false: exit codes {results[0].get('exit_codes')}",
              results[0].get("exit_codes") == [1, 1, 1])
    results = bench_json("bench -i --json -N sh -c 'exit 7'", "--runs", 2, "-i", "-N", "sh -c 'exit 7'")
    if results:
        check(f"bench -i --json -N \"sh -c 'exit 7'\": exit codes {results[0].get('exit_codes')}",
              results[0].get("exit_codes") == [7, 7])


def bench_markdown():
    md = SCRATCH / "bench.md"
    md.unlink(missing_ok=True)
    r = kit("bench", "--runs", 3, "-N", "--export-markdown", md, "sleep 0.01", "true")
    if not (r and expect_code("bench --export-markdown", r, 0)):
        return
    if not check("bench --export-markdown: no file", md.exists(), r):
        return
    lines = md.read_text().splitlines()
    check(f"bench --export-markdown: first line {lines[:1]}", lines[:1] != [] and lines[0].startswith("| Command | Mean ["))
    rows = {}
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        if len(cells) == 5:
            rows[cells[0]] = cells
    check(f"bench --export-markdown: rows {sorted(rows)}", sorted(rows) == ["`sleep 0.01`", "`true`"] and len(lines) == 4)
    if "`true`" in rows and "`sleep 0.01`" in rows:
        check(f"bench --export-markdown: fastest row {rows['`true`']}", rows["`true`"][4] == "1.00")
        check(f"bench --export-markdown: slower row {rows['`sleep 0.01`']}",
              re.fullmatch(r"\d+\.\d\d ± \d+\.\d\d", rows["`sleep 0.01`"][4]) and
              float(rows["`sleep 0.01`"][4].split()[0]) >= 1)


def bench_prepare():
    log = SCRATCH / "prepare.log"
    log.unlink(missing_ok=True)
    q = shlex.quote(str(log))
    r = kit("bench", "--warmup", 2, "--runs", 3, "--prepare", f"echo prepare >> {q}", f"echo command >> {q}")
    if r and expect_code("bench --warmup 2 --runs 3 --prepare", r, 0):
        got = log.read_text().split() if log.exists() else []
        check(f"bench --warmup 2 --runs 3 --prepare: log {got}", got == ["prepare", "command"] * 5, r)
        check("bench --warmup 2 --runs 3 --prepare: 3 timed runs", re.search(r"    3 runs$", r.out, re.M), r)
    r = kit("bench", "--runs", 2, "--prepare", "exit 3", "true")
    if r and expect_code("bench --prepare failing", r, 1):
        check("bench --prepare failing: stderr", r.err.startswith("kit bench: ") and "--prepare" in r.err, r)


def bench_min_time():
    results = bench_json("bench --min-time 0.2 -N 'sleep 0.001'", "--min-time", "0.2", "-N", "sleep 0.001")
    if results:
        n = results[0]["runs"]
        check(f"bench --min-time 0.2 'sleep 0.001': {n} runs", 10 <= n <= 200 and len(results[0]["times"]) == n)
    results = bench_json("bench --min-time 50ms -N 'sleep 0.02'", "--min-time", "50ms", "-N", "sleep 0.02")
    if results:
        check(f"bench --min-time 50ms 'sleep 0.02': {results[0]['runs']} runs, want 10", results[0]["runs"] == 10)


def bench_errors():
    exported = SCRATCH / "x.md"
    for args in (["--runs", "0", "true"], ["--min-time", "-1", "true"], ["--min-time", "soon", "true"],
                 [""], ["true", "  "], ["--json", "--export-markdown", exported, "true"],
                 ["-N", "echo 'a"], ["-N", 'echo "a'], ["--runs", "x", "true"], []):
        r = kit("bench", *args)
        if r and expect_code(f"bench {shlex.join(map(str, args))}", r, 2):
            check(f"bench {shlex.join(map(str, args))}: stderr", r.err.startswith("kit bench: "), r)
            check(f"bench {shlex.join(map(str, args))}: stdout not empty", r.out == "", r)
    check("bench --json --export-markdown: wrote the file", not exported.exists())
    r = kit("bench", "--runs", 2, "-N", "no-such-cmd-xyz")
    if r and expect_code("bench -N no-such-cmd-xyz", r, 127):
        check("bench -N no-such-cmd-xyz: stderr", r.err.startswith("kit bench: ") and "command not found" in r.err, r)
    r = kit("bench", "--runs", 2, "-N", tempfile.gettempdir())
    if r and expect_code(f"bench -N {tempfile.gettempdir()}", r, 126):
        check(f"bench -N {tempfile.gettempdir()}: stderr", r.err.startswith("kit bench: "), r)


def main():
    global KIT, SCRATCH
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit", required=True)
    KIT = str(pathlib.Path(parser.parse_args().kit).resolve())
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kit-timing-") as scratch:
        SCRATCH = pathlib.Path(scratch)
        harness.use(kit=KIT, cwd=SCRATCH, env=ENV)
        (SCRATCH / "flaky.sh").write_text(FLAKY_SH)
        for group in (retry_backoff, retry_timeout_and_budget, retry_on_exit, retry_jitter, retry_signals,
                      retry_errors, retry_arguments, bench_statistics, bench_text, bench_failures,
                      bench_markdown, bench_prepare, bench_min_time, bench_errors):
            group()

    return harness.report("retry, bench", start)


if __name__ == "__main__":
    sys.exit(main())
