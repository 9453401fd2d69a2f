#!/usr/bin/env python3
"""`kit jobs` end to end: a real SQLite queue in a scratch folder, real workers, real faults.

The tutorial's four jobs in aging order; aging and ties; success, retries with backoff,
failure, timeout, a missing or non-executable command, huge output (4 KiB tails); list/show
text and JSON; cancel (queued and running), retry, prune; the database location rules
(--db, KIT_JOBS_DB, XDG_DATA_HOME, HOME); a worker killed with SIGKILL mid-job (its job
process dies with it, the job is re-queued once its lease expires and completes); two workers
on one database (every job done, no job run twice at once, -j respected, leases renewed for a
job longer than the lease); bad input: usage errors, a corrupt database, someone else's SQLite
database, a locked database.

usage: jobs_cli.py --kit PATH [--slow]    (exit 0 when every check holds, 1 otherwise)
  --slow also waits out the 10 s busy timeout of a database that stays locked.
"""
import argparse
import json
import os
import pathlib
import re
import shlex
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

import harness
from harness import FLAKY_SH, Fifo, check, exited, expect_code, kit

KIT = ""
SCRATCH = pathlib.Path()
ENV = {}

# The fault test's job: records "start PID" (its own pid) and tells the FIFO argv[3] its pid
# when the test listens there; on its first run it then waits for
# a signal (the death signal its worker's SIGKILL sends it), on a later run it appends "done".
# Python, not `sh -c`: a shell's child would be a grandchild of the worker, and only the direct
# child is bound to the worker by PR_SET_PDEATHSIG (docs/commands/jobs.md).
SLEEPER_PY = """import errno, os, signal, sys
with open(sys.argv[1], "a") as f:
    f.write(f"start {os.getpid()}\\n")
try:  # the test listens on a FIFO during the first run only
    fd = os.open(sys.argv[3], os.O_WRONLY | os.O_NONBLOCK)
    os.write(fd, f"{os.getpid()}\\n".encode())
    os.close(fd)
except OSError as e:
    if e.errno != errno.ENXIO:
        raise
with open(sys.argv[1]) as f:
    first = len(f.read().splitlines()) == 1
if first:
    signal.pause()
with open(sys.argv[2], "a") as f:
    f.write("done\\n")
"""

# The two-worker test's job: `sh -c WORKER_JOB TAG LOG SECONDS` appends "start TAG WORKER" and
# "end TAG WORKER" (WORKER: the worker's pid, the shell's parent) around a sleep. Each echo is
# one write(2) to a file opened O_APPEND (>>), so lines never mix.
WORKER_JOB = 'echo "start $0 $PPID" >> "$1"; sleep "$2"; echo "end $0 $PPID" >> "$1"'

LIST_KEYS = {"id", "name", "argv", "state", "priority", "effective_priority", "retries", "attempts",
             "submitted", "finished", "status"}
ATTEMPT_KEYS = {"number", "started", "seconds", "status", "outcome", "stdout_tail", "stderr_tail", "worker"}
STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def db(name):
    path = SCRATCH / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        pathlib.Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def submit(path, *args, what=None, env=None):
    """kit jobs submit --db PATH ARGS...: the new job's id, or None (a failure recorded)."""
    r = kit("jobs", "submit", "--db", path, *args, env=env)
    what = what or f"jobs submit {shlex.join(map(str, args))}"
    if r and expect_code(what, r, 0) and check(f"{what}: stdout {r.out!r} is not an id", re.fullmatch(r"\d+\n", r.out), r):
        return int(r.out)
    return None


def work(path, *args, what="jobs work --drain", timeout=30, env=None):
    r = kit("jobs", "work", "--db", path, "--drain", *args, timeout=timeout, env=env)
    return r if r and expect_code(what, r, 0) else None


def load_json(what, r):
    try:
        return json.loads(r.out)
    except ValueError as e:
        check(f"{what}: not JSON ({e})", False, r)
        return None


def jobs_of(path, *args, env=None):
    r = kit("jobs", "list", "--db", path, "--json", *args, env=env)
    what = f"jobs list --json {shlex.join(map(str, args))}".strip()
    if r and expect_code(what, r, 0):
        listed = load_json(what, r)
        if check(f"{what}: not a list", isinstance(listed, list), r):
            return listed
    return None


def show(path, job_id):
    r = kit("jobs", "show", "--db", path, job_id, "--json")
    if r and expect_code(f"jobs show {job_id} --json", r, 0):
        return load_json(f"jobs show {job_id} --json", r)
    return None


def processing(r):
    return [line for line in r.out.splitlines() if line.startswith("  Processing: ")]


def lines_of(path):
    return path.read_text().splitlines() if path.exists() else []


def alive(pid):
    """True while pid runs; a zombie (dead, not yet reaped by whoever inherited it) is gone."""
    try:
        stat = pathlib.Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def finish(proc, timeout):
    try:
        out, err = proc.communicate(timeout=timeout)
        return out, err
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        check(f"kit {shlex.join(proc.args[1:])}: still running after {timeout}s", False)
        return None, None


# ---- The tutorial, aging ------------------------------------------------------------------------

def tutorial():
    path = db("tutorial")
    jobs = (("Generate monthly report", 5), ("Fix login page crash", 1),
            ("Update user profile endpoint", 3), ("Archive old logs", 7))
    ids = [submit(path, "-p", p, "--name", name, "--", "true") for name, p in jobs]
    check(f"tutorial: ids {ids}, want [1, 2, 3, 4]", ids == [1, 2, 3, 4])
    listed = jobs_of(path)
    if listed is not None:
        # Within 5 s of submission (the default interval) nothing has aged yet.
        check(f"tutorial: queued {[(j['name'], j['state'], j['effective_priority']) for j in listed]}",
              [(j["name"], j["state"], j["priority"], j["effective_priority"]) for j in listed] ==
              [(name, "queued", p, p) for name, p in jobs])
    r = work(path, what="tutorial: jobs work --drain")
    if r:
        want = ["  Processing: 'Fix login page crash' (effective priority: 1)",
                "  Processing: 'Update user profile endpoint' (effective priority: 3)",
                "  Processing: 'Generate monthly report' (effective priority: 5)",
                "  Processing: 'Archive old logs' (effective priority: 7)"]
        check(f"tutorial: Processing lines {processing(r)}", processing(r) == want, r)
        finished = [l for l in r.out.splitlines() if l.startswith("  Finished: ")]
        check(f"tutorial: Finished lines {finished}",
              len(finished) == 4 and all(re.fullmatch(r"  Finished: '.*' \(exit 0, \d+\.\d\ds\)", l) for l in finished), r)
        check("tutorial: Processing before its Finished",
              r.out.splitlines()[:2] == [want[0], finished[0] if finished else None], r)
    listed = jobs_of(path, "--state", "done")
    if listed is not None:
        check(f"tutorial: done jobs {[j['id'] for j in listed]}", [j["id"] for j in listed] == [1, 2, 3, 4])


def aging():
    # "old" (priority 3) waits 1 s; "new" (priority 2) is submitted then. With a 300 ms interval
    # old has aged to 0 and runs first; without aging (--aging-boost 0) new runs first. Ties
    # (equal effective priorities) run in submission order.
    # The aging clock is injected: SOURCE_DATE_EPOCH fixes kit's "now" (the submissions and the
    # workers' aging), so "old" waits exactly 1 s without the test sleeping.
    at = lambda s: dict(ENV, SOURCE_DATE_EPOCH=str(1_700_000_000 + s))
    path = db("aging")
    old = submit(path, "-p", 3, "--name", "old", "--", "true", env=at(0))
    new = submit(path, "-p", 2, "--name", "new", "--", "true", env=at(1))
    listed = jobs_of(path, "--aging-interval", "300ms", env=at(1))
    if listed and len(listed) == 2:
        check(f"aging: list --aging-interval 300ms: old's effective priority {listed[0]['effective_priority']}, want 0",
              listed[0]["effective_priority"] == 0)
    listed = jobs_of(path, "--aging-interval", "300ms", "--aging-boost", 0, env=at(1))
    if listed and len(listed) == 2:
        check(f"aging: list --aging-boost 0: effective priorities {[j['effective_priority'] for j in listed]}",
              [j["effective_priority"] for j in listed] == [3, 2])
    r = work(path, "--aging-interval", "300ms", what="aging: work --aging-interval 300ms", env=at(1))
    if r:
        check(f"aging: order {processing(r)}",
              processing(r)[:1] == ["  Processing: 'old' (effective priority: 0)"] and
              len(processing(r)) == 2 and processing(r)[1].startswith("  Processing: 'new' (effective priority: "), r)
    check(f"aging: ids {old}, {new}", (old, new) == (1, 2))

    path = db("no-aging")
    submit(path, "-p", 3, "--name", "old", "--", "true", env=at(0))
    for name, p in (("new", 2), ("tie 1", 4), ("tie 2", 4), ("tie 3", 4), ("first", 0)):
        submit(path, "-p", p, "--name", name, "--", "true", env=at(1))
    r = work(path, "--aging-interval", "300ms", "--aging-boost", 0, what="aging: work --aging-boost 0",
             env=at(1))
    if r:
        want = ["  Processing: 'first' (effective priority: 0)", "  Processing: 'new' (effective priority: 2)",
                "  Processing: 'old' (effective priority: 3)", "  Processing: 'tie 1' (effective priority: 4)",
                "  Processing: 'tie 2' (effective priority: 4)", "  Processing: 'tie 3' (effective priority: 4)"]
        check(f"aging --aging-boost 0: order {processing(r)}", processing(r) == want, r)


# ---- Outcomes -----------------------------------------------------------------------------------

def outcomes():
    path = db("outcomes")
    count = SCRATCH / "flaky.count"
    count.unlink(missing_ok=True)
    not_x = SCRATCH / "not-executable"
    not_x.write_text("exit 0\n")
    not_x.chmod(0o644)
    ids = {
        "flaky": submit(path, "--retries", 3, "--backoff", "50ms", "--name", "flaky", "--",
                        "sh", SCRATCH / "flaky.sh", count, 3, 1),
        "always": submit(path, "--retries", 2, "--backoff", "50ms", "--name", "always", "--",
                         "sh", "-c", "echo out; echo err >&2; exit 5"),
        "timeout": submit(path, "--timeout", "0.3", "--name", "timeout", "--", "sleep", 30),
        "missing": submit(path, "--retries", 3, "--backoff", "50ms", "--name", "missing", "--", "no-such-command-xyz"),
        "not-x": submit(path, "--retries", 3, "--backoff", "50ms", "--name", "not-x", "--", not_x),
        "huge": submit(path, "--name", "huge", "--", "sh", "-c", "yes | head -c 20000000; echo END-OF-OUTPUT"),
    }
    r = work(path, "-j", 2, what="outcomes: work --drain -j 2", timeout=40)
    if r is None or None in ids.values():
        return
    # sleep 30 under --timeout 0.3: the whole run is quick.
    check(f"outcomes: work --drain took {r.seconds:.1f}s", r.seconds < 10, r)
    check("outcomes: no 'will retry' for the flaky job", "  Finished: 'flaky' (exit 1, " in r.out and
          "), will retry" in r.out, r)
    check(f"outcomes: {len(processing(r))} attempts started, want 10 (3 + 3 + 1 + 1 + 1 + 1)",
          len(processing(r)) == 10, r)
    jobs = {name: show(path, i) for name, i in ids.items()}

    def summary(j):
        return (j["state"], j["status"], j["attempts"], [h["status"] for h in j["history"]],
                [h["outcome"] for h in j["history"]])

    j = jobs["flaky"]
    if j:
        check(f"flaky: {summary(j)}", summary(j) == ("done", 0, 3, [1, 1, 0], ["exit 1", "exit 1", "exit 0"]))
        check(f"flaky: attempt numbers {[h['number'] for h in j['history']]}", [h["number"] for h in j["history"]] == [1, 2, 3])
        check(f"flaky: ran {len(lines_of(count))} times, want 3", len(lines_of(count)) == 3)
        check(f"flaky: finished {j['finished']!r}", isinstance(j["finished"], str) and STAMP.match(j["finished"]))
    j = jobs["always"]
    if j:
        check(f"always failing: {summary(j)}", summary(j) == ("failed", 5, 3, [5, 5, 5], ["exit 5"] * 3))
        check(f"always failing: tails {[(h['stdout_tail'], h['stderr_tail']) for h in j['history']]}",
              all(h["stdout_tail"] == "out\n" and h["stderr_tail"] == "err\n" for h in j["history"]))
    j = jobs["timeout"]
    if j:
        check(f"timeout: {summary(j)}", summary(j) == ("failed", 124, 1, [124], ["timed out"]))
        check(f"timeout: attempt took {j['history'][0]['seconds'] if j['history'] else None}s",
              j["history"] and 0.29 <= j["history"][0]["seconds"] < 5)
    j = jobs["missing"]
    if j:
        check(f"missing command: {summary(j)}", summary(j)[:4] == ("failed", 127, 1, [127]))
        check(f"missing command: outcome {summary(j)[4]}",
              summary(j)[4] == ["no-such-command-xyz: command not found"])
    j = jobs["not-x"]
    if j:
        check(f"not executable: {summary(j)}", summary(j)[:4] == ("failed", 126, 1, [126]))
    j = jobs["huge"]
    if j and check(f"huge output: {summary(j)}", summary(j) == ("done", 0, 1, [0], ["exit 0"])):
        tail = j["history"][0]["stdout_tail"]
        check(f"huge output: stdout_tail of {len(tail)} bytes, want 4096 at most", isinstance(tail, str) and 0 < len(tail) <= 4096)
        check(f"huge output: stdout_tail ends {tail[-30:]!r}", isinstance(tail, str) and tail.endswith("y\ny\nEND-OF-OUTPUT\n"))
    for name, j in jobs.items():
        for h in (j or {}).get("history", []):
            check(f"{name}: attempt keys {sorted(h)}", set(h) == ATTEMPT_KEYS)
            check(f"{name}: attempt worker {h['worker']!r}, started {h['started']!r}",
                  re.fullmatch(r"pid \d+", h["worker"]) and STAMP.match(h["started"]))
    listings(path, ids)


def listings(path, ids):
    listed = jobs_of(path)
    if listed is None:
        return
    check(f"list --json: {len(listed)} jobs, want 6", len(listed) == 6)
    for j in listed:
        if not check(f"list --json: keys {sorted(j)}", set(j) == LIST_KEYS):
            return
    by_name = {j["name"]: j for j in listed}
    j = by_name.get("flaky")
    if check("list --json: no 'flaky' job", j is not None):
        want = {"id": ids["flaky"], "name": "flaky", "argv": ["sh", str(SCRATCH / "flaky.sh"), str(SCRATCH / "flaky.count"), "3", "1"],
                "state": "done", "priority": 0, "effective_priority": None, "retries": 3, "attempts": 3,
                "finished": j["finished"], "status": 0, "submitted": j["submitted"]}
        check(f"list --json: flaky is {j}", j == want)
        check(f"list --json: submitted {j['submitted']!r}, finished {j['finished']!r}",
              STAMP.match(j["submitted"]) and STAMP.match(j["finished"] or ""))
    for state, names in (("done", ["flaky", "huge"]), ("failed", ["always", "timeout", "missing", "not-x"]),
                         ("queued", []), ("running", []), ("cancelled", [])):
        got = jobs_of(path, "--state", state)
        if got is not None:
            check(f"list --state {state}: {[j['name'] for j in got]}, want {names}", [j["name"] for j in got] == names)

    r = kit("jobs", "list", "--db", path)
    if r and expect_code("list", r, 0):
        lines = r.out.splitlines()
        check(f"list: header {lines[:1]}",
              lines[:1] == ["    ID  STATE      PRIORITY  EFFECTIVE  ATTEMPTS  NAME"], r)
        check("list: no row for the flaky job",
              f"{ids['flaky']:>6}  {'done':<9}  {0:>8}  {'-':>9}  {3:>8}  flaky" in lines, r)
        check(f"list: {len(lines)} lines, want 7", len(lines) == 7, r)
    r = kit("jobs", "list", "--db", path, "--state", "failed")
    if r and expect_code("list --state failed", r, 0):
        check("list --state failed: rows", [l.split()[-1] for l in r.out.splitlines()[1:]] ==
              ["always", "timeout", "missing", "not-x"], r)

    r = kit("jobs", "show", "--db", path, ids["always"])
    if r and expect_code("show", r, 0):
        lines = r.out.splitlines()
        check(f"show: first lines {lines[:5]}",
              lines[:2] == [f"job {ids['always']}: always", "  state: failed"] and
              lines[2:5:2] == ["  priority: 0", "  attempts: 3 (retries allowed: 2)"] and
              re.fullmatch(r"  submitted: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", lines[3] if len(lines) > 3 else ""), r)
        attempts = [l for l in lines if l.startswith("  attempt ")]
        check(f"show: attempt lines {attempts}", len(attempts) == 3 and all(
            re.fullmatch(rf"  attempt {n}: exit 5 at \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d in \d+\.\d{{3}}s \(by pid \d+\)", l)
            for n, l in zip((1, 2, 3), attempts)), r)
        check("show: output tails",
              r.out.count("    stdout (last 4 bytes):\n      out\n    stderr (last 4 bytes):\n      err\n") == 3, r)
    r = kit("jobs", "show", "--db", path, ids["timeout"])
    if r and expect_code("show (timeout)", r, 0):
        check("show (timeout): attempt line", re.search(r"^  attempt 1: timed out at .* in 0\.\d{3}s \(by pid \d+\)$", r.out, re.M), r)


# ---- Cancel, retry, prune -----------------------------------------------------------------------

def cancel_retry_prune():
    path = db("cancel")
    ran = SCRATCH / "cancelled.ran"
    ran.unlink(missing_ok=True)
    count = SCRATCH / "retried.count"
    count.unlink(missing_ok=True)
    a = submit(path, "--name", "never", "--", "sh", "-c", 'echo ran > "$0"', ran)
    b = submit(path, "--name", "fails", "--", "sh", "-c", 'echo run >> "$0"; exit 3', count)
    if a is None or b is None:
        return
    r = kit("jobs", "cancel", "--db", path, a)
    if r and expect_code("cancel a queued job", r, 0):
        check("cancel: output", r.out == "" and r.err == "", r)
    listed = jobs_of(path, "--state", "cancelled")
    check(f"cancel: cancelled jobs {listed}", listed is not None and [j["id"] for j in listed] == [a])
    work(path, what="cancel: work --drain")
    j = show(path, a)
    if j:
        check(f"cancel: the cancelled job ran ({j['state']}, {j['attempts']} attempts, {ran.exists()})",
              j["state"] == "cancelled" and j["attempts"] == 0 and j["history"] == [] and not ran.exists()
              and j["status"] is None and STAMP.match(j["finished"] or ""))
    r = kit("jobs", "cancel", "--db", path, 999)
    if r and check(f"cancel 999: exit {r.code}, want non-zero", r.code != 0, r):
        check("cancel 999: stderr", r.err == "kit jobs cancel: no job 999\n", r)
    r = kit("jobs", "cancel", "--db", path, b)
    if r and expect_code("cancel a failed job", r, 2):
        check("cancel a failed job: stderr",
              r.err == f"kit jobs cancel: job {b} is failed: only queued or running jobs can be cancelled\n", r)
    r = kit("jobs", "cancel", "--db", path, a)
    if r and expect_code("cancel a cancelled job", r, 2):
        check("cancel a cancelled job: stderr", "is cancelled" in r.err, r)

    # retry: the failed job queued again, attempts reset, run again.
    r = kit("jobs", "retry", "--db", path, b)
    if r and expect_code("retry a failed job", r, 0):
        listed = jobs_of(path, "--state", "queued")
        check(f"retry: queued {listed}", listed is not None and [(j["id"], j["attempts"]) for j in listed] == [(b, 0)])
        work(path, what="retry: work --drain")
        j = show(path, b)
        if j:
            check(f"retry: the job ran {len(lines_of(count))} times in all, want 2", len(lines_of(count)) == 2)
            check(f"retry: {j['state']}, status {j['status']}, {len(j['history'])} attempts recorded",
                  j["state"] == "failed" and j["status"] == 3 and len(j["history"]) == 2)
    r = kit("jobs", "retry", "--db", path, 999)
    if r and check(f"retry 999: exit {r.code}, want non-zero", r.code != 0, r):
        check("retry 999: stderr", r.err == "kit jobs retry: no job 999\n", r)
    c = submit(path, "--name", "stays queued", "--", "true")
    r = kit("jobs", "retry", "--db", path, c)
    if r and expect_code("retry a queued job", r, 2):
        check("retry a queued job: stderr",
              r.err == f"kit jobs retry: job {c} is queued: only finished jobs can be retried\n", r)

    # prune: finished jobs go, queued ones stay; the age threshold is honoured.
    r = kit("jobs", "prune", "--db", path, "--older-than", "1h")
    if r and expect_code("prune --older-than 1h", r, 0):
        check("prune --older-than 1h: output", r.out == "0 jobs deleted\n", r)
    r = kit("jobs", "prune", "--db", path, "--older-than", "0s")
    if r and expect_code("prune --older-than 0s", r, 0):
        check("prune --older-than 0s: output", r.out == "2 jobs deleted\n", r)
    listed = jobs_of(path)
    check(f"prune: left {listed}", listed is not None and [(j["id"], j["state"]) for j in listed] == [(c, "queued")])
    r = kit("jobs", "show", "--db", path, a)
    if r and expect_code("show a pruned job", r, 1):
        check("show a pruned job: stderr", r.err == f"kit jobs show: no job {a}\n", r)
    r = kit("jobs", "prune", "--db", path, "--older-than", "0s")
    if r and expect_code("prune again", r, 0):
        check("prune again: output", r.out == "0 jobs deleted\n", r)

    # cancel a running job: its worker stops it (SIGTERM to its group) and records the attempt.
    path = db("cancel-running")
    started = Fifo(SCRATCH / "long.started")
    long_id = submit(path, "--name", "long", "--", "sh", "-c", 'echo $$ > "$0"; exec sleep 30', started.path)
    after = submit(path, "--name", "after", "--", "true")
    proc = subprocess.Popen([KIT, "jobs", "work", "--db", str(path), "--drain", "--lease", "1s"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=ENV, cwd=SCRATCH, encoding="utf-8", errors="replace")
    try:
        line = started.line(10)
        if check("cancel running: the job never started", line is not None):
            pid = int(line)
            r = kit("jobs", "cancel", "--db", path, long_id)
            expect_code("cancel a running job", r, 0)
            t = time.monotonic()
            out, err = finish(proc, 15)
            if out is not None:
                check(f"cancel running: worker exit {proc.returncode}, stderr {err!r}", proc.returncode == 0 and err == "")
                check(f"cancel running: the worker took {time.monotonic() - t:.1f}s after the cancel",
                      time.monotonic() - t < 5)
                check("cancel running: worker output", "  Finished: 'long' (interrupted, " in out and
                      "  Finished: 'after' (exit 0, " in out, out)
                check(f"cancel running: process {pid} still there", exited(pid, 2))
            j = show(path, long_id)
            if j:
                check(f"cancel running: {j['state']}, status {j['status']}, history {j['history']}",
                      j["state"] == "cancelled" and j["status"] == 143 and
                      [(h["status"], h["outcome"]) for h in j["history"]] == [(143, "interrupted")])
            j = show(path, after)
            check(f"cancel running: the next job {j and j['state']}", j is not None and j["state"] == "done")
    finally:
        started.close()
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


# ---- Where the database is ----------------------------------------------------------------------

def locations():
    base = {k: v for k, v in ENV.items() if k not in ("KIT_JOBS_DB", "XDG_DATA_HOME", "HOME")}
    home = SCRATCH / "home"
    xdg = SCRATCH / "xdg"
    env = dict(base, HOME=str(home), XDG_DATA_HOME=str(xdg))
    r = kit("jobs", "submit", "--name", "xdg", "--", "true", env=env)
    if r and expect_code("XDG_DATA_HOME: submit", r, 0):
        check("XDG_DATA_HOME: no $XDG_DATA_HOME/kit/jobs.db", (xdg / "kit" / "jobs.db").is_file(), r)
        check("XDG_DATA_HOME: a database under HOME", not (home / ".local").exists(), r)
        r = kit("jobs", "list", "--json", env=env)
        if r and expect_code("XDG_DATA_HOME: list", r, 0):
            listed = load_json("XDG_DATA_HOME: list", r)
            check(f"XDG_DATA_HOME: list {listed}", listed is not None and [j["name"] for j in listed] == ["xdg"], r)
    env = dict(base, HOME=str(home))
    r = kit("jobs", "submit", "--name", "home", "--", "true", env=env)
    if r and expect_code("HOME: submit", r, 0):
        check("HOME: no ~/.local/share/kit/jobs.db", (home / ".local" / "share" / "kit" / "jobs.db").is_file(), r)
    # A relative XDG_DATA_HOME is invalid (XDG Base Directory spec): ignored.
    env = dict(base, HOME=str(home), XDG_DATA_HOME="relative")
    r = kit("jobs", "submit", "--name", "relative", "--", "true", env=env)
    if r and expect_code("relative XDG_DATA_HOME: submit", r, 0):
        check("relative XDG_DATA_HOME: used", not (SCRATCH / "relative").exists(), r)
        listed = jobs_of(home / ".local" / "share" / "kit" / "jobs.db")
        check(f"relative XDG_DATA_HOME: ~/.local/share/kit/jobs.db has {listed}",
              listed is not None and [j["name"] for j in listed] == ["home", "relative"])
    env = dict(base, HOME=str(home), XDG_DATA_HOME=str(xdg), KIT_JOBS_DB=str(SCRATCH / "env" / "q.db"))
    r = kit("jobs", "submit", "--name", "env", "--", "true", env=env)
    if r and expect_code("KIT_JOBS_DB: submit", r, 0):
        check("KIT_JOBS_DB: no database there (its folder created)", (SCRATCH / "env" / "q.db").is_file(), r)
        listed = jobs_of(xdg / "kit" / "jobs.db")
        check(f"KIT_JOBS_DB: the XDG database changed: {listed}", listed is not None and len(listed) == 1)
    explicit = db("explicit")
    r = kit("jobs", "submit", "--db", explicit, "--name", "explicit", "--", "true", env=env)
    if r and expect_code("--db over KIT_JOBS_DB: submit", r, 0):
        listed = jobs_of(SCRATCH / "env" / "q.db")
        check(f"--db over KIT_JOBS_DB: KIT_JOBS_DB's database has {listed}",
              listed is not None and [j["name"] for j in listed] == ["env"])
        check("--db over KIT_JOBS_DB: no --db database", explicit.is_file())


# ---- A worker killed mid-job --------------------------------------------------------------------

def killed_worker():
    path = db("fault")
    starts, done = SCRATCH / "fault.starts", SCRATCH / "fault.done"
    starts.unlink(missing_ok=True)
    done.unlink(missing_ok=True)
    started = Fifo(SCRATCH / "fault.started")
    job = submit(path, "--name", "fault", "--", sys.executable, SCRATCH / "sleeper.py", starts, done, started.path)
    if job is None:
        started.close()
        return
    proc = subprocess.Popen([KIT, "jobs", "work", "--db", str(path), "--lease", "1s"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=ENV, cwd=SCRATCH, encoding="utf-8", errors="replace")
    try:
        line = started.line(10)
        if not check("killed worker: the job never started", line is not None):
            return
        pid = int(line)
        listed = jobs_of(path)
        check(f"killed worker: before the kill {listed}", listed is not None and
              [(j["state"], j["attempts"]) for j in listed] == [("running", 1)])
        check(f"killed worker: the job's process {pid} is not running", alive(pid))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=5)
    finally:
        started.close()  # the next run finds no listener and does not write
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    # PR_SET_PDEATHSIG: the job's process dies with its worker.
    check(f"killed worker: the job's process {pid} outlived its worker", exited(pid, 2))
    # The job stays 'running' until its lease (1 s) expires; the next worker re-queues and runs it.
    r = work(path, "--lease", "1s", what="killed worker: the next worker (work --drain --lease 1s)")
    if r:
        check(f"killed worker: next worker's output {processing(r)}",
              processing(r) == ["  Processing: 'fault' (effective priority: 0)"], r)
        # It waits out what is left of the 1 s lease: at least 2/3 s, as it is renewed every 1/3 s.
        check(f"killed worker: the next worker took {r.seconds:.2f}s, want the lease's rest",
              0.6 <= r.seconds < 15, r)
    lines = lines_of(starts)
    check(f"killed worker: starts {lines}, want 2 from different processes",
          len(lines) == 2 and lines[0] != lines[1])
    check(f"killed worker: 'done' written {lines_of(done)}, want once (the killed run never finished)",
          lines_of(done) == ["done"])
    j = show(path, job)
    if j:
        check(f"killed worker: {j['state']}, {j['attempts']} attempts, status {j['status']}",
              j["state"] == "done" and j["attempts"] == 2 and j["status"] == 0)
        check(f"killed worker: last attempt {j['history'][-1:]}", j["history"][-1:] != [] and
              j["history"][-1]["number"] == 2 and j["history"][-1]["status"] == 0)
        worker = j["history"][-1]["worker"] if j["history"] else ""
        if m := re.fullmatch(r"pid (\d+)", worker):
            check(f"killed worker: the next worker left its scratch folder kit-jobs-{m.group(1)}",
                  not (SCRATCH / "tmp" / f"kit-jobs-{m.group(1)}").exists())


# ---- Two workers on one database ----------------------------------------------------------------

def two_workers():
    path = db("shared")
    log = SCRATCH / "shared.log"
    log.unlink(missing_ok=True)
    tags = [f"t{i:02}" for i in range(20)]
    for i, tag in enumerate(tags):
        submit(path, "--name", tag, "--", "sh", "-c", WORKER_JOB, tag, log, f"{0.05 + 0.05 * (i % 4):.2f}")
    # Longer than the lease: renewed every third of it, it must not be taken by the other worker.
    submit(path, "--name", "long", "--", "sh", "-c", WORKER_JOB, "long", log, "1.5")
    cmd = [KIT, "jobs", "work", "--db", str(path), "--drain", "-j", "2", "--lease", "1s"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV, cwd=SCRATCH,
                              encoding="utf-8", errors="replace") for _ in range(2)]
    outs = {}
    try:
        for p in procs:
            out, err = finish(p, 40)
            if out is not None:
                check(f"two workers: a worker exited {p.returncode}, stderr {err!r}", p.returncode == 0 and err == "")
                outs[p.pid] = out
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.communicate()
    listed = jobs_of(path)
    if listed is not None:
        not_done = [(j["name"], j["state"]) for j in listed if j["state"] != "done"]
        check(f"two workers: {len(listed)} jobs, not done: {not_done}", len(listed) == 21 and not not_done)
        check(f"two workers: attempts {[j['attempts'] for j in listed]}", all(j["attempts"] == 1 for j in listed))
    events = [line.split() for line in lines_of(log)]
    check(f"two workers: malformed log lines {[e for e in events if len(e) != 3]}", all(len(e) == 3 for e in events))
    events = [e for e in events if len(e) == 3]
    open_runs, running, most, most_total = {}, {}, 0, 0
    for kind, tag, worker in events:
        if kind == "start":
            check(f"two workers: {tag} started by {worker} while running in {open_runs.get(tag)}", tag not in open_runs)
            open_runs[tag] = worker
            running[worker] = running.get(worker, 0) + 1
            most = max(most, running[worker])
            most_total = max(most_total, sum(running.values()))
        elif check(f"two workers: {tag} ended in {worker}, started in {open_runs.get(tag)}", open_runs.get(tag) == worker):
            del open_runs[tag]
            running[worker] -= 1
    check(f"two workers: runs never ended: {open_runs}", not open_runs)
    starts = [tag for kind, tag, _ in events if kind == "start"]
    check(f"two workers: jobs never started: {sorted(set(tags + ['long']) - set(starts))}",
          set(starts) == set(tags + ["long"]))
    check(f"two workers: 'long' (1.5 s, lease 1 s) started {starts.count('long')} times, want 1", starts.count("long") == 1)
    check(f"two workers: {most} jobs at once in one worker (-j 2)", most <= 2)
    check(f"two workers: at most {most_total} jobs at once in all", 2 <= most_total <= 4)
    workers = {w for kind, _, w in events if kind == "start"}
    check(f"two workers: jobs ran in {sorted(workers)}, the workers are {sorted(outs)}",
          {int(w) for w in workers} == set(outs) and len(workers) == 2)
    for pid, out in outs.items():
        ran = sum(1 for kind, _, w in events if kind == "start" and w == str(pid))
        check(f"two workers: worker {pid} printed {out.count('  Processing: ')} Processing lines, ran {ran}",
              out.count("  Processing: ") == ran == out.count("  Finished: "))


# ---- Bad input ----------------------------------------------------------------------------------

def usage_errors():
    path = db("usage")
    never = SCRATCH / "never.db"
    r = kit("jobs", "submit", "--db", never, "-p", -1, "--", "true")
    if r and expect_code("submit -p -1", r, 2):
        check("submit -p -1: stderr", r.err == "kit jobs submit: -p: the priority must be 0 or more (got -1)\n", r)
        check("submit -p -1: created the database", not never.exists(), r)
    r = kit("jobs", "submit", "--db", never)
    if r and expect_code("submit (no command)", r, 2):
        check("submit (no command): stderr",
              r.err == "kit jobs submit: no command to run (kit jobs submit -- COMMAND [ARG...])\n", r)
        check("submit (no command): created the database", not never.exists(), r)
    submit(path, "--name", "one", "--", "true")
    for args, mention in ((["submit", "--timeout", "0", "--", "true"], "--timeout"),
                          (["submit", "--timeout", "soon", "--", "true"], "--timeout"),
                          (["submit", "--backoff", "x", "--", "true"], "--backoff"),
                          (["submit", "--retries", "-1", "--", "true"], "--retries"),
                          (["submit", "-p", "high", "--", "true"], "-p"),
                          (["submit", "echo", "hi", "-n"], "-n"),
                          (["list", "--state", "bogus"], "'bogus' is not one of queued, running, done, failed, cancelled"),
                          (["work", "--lease", "100ms"], "--lease: must be at least 300ms"),
                          (["work", "--aging-interval", "0"], "--aging-interval"),
                          (["work", "--aging-boost", "-1"], "--aging-boost"),
                          (["prune", "--older-than", "soon"], "--older-than"),
                          (["prune"], "--older-than"),
                          (["show", "abc"], "ID"),
                          (["show"], "ID"),
                          (["frobnicate"], "subcommand")):
        r = kit("jobs", args[0], "--db", path, *args[1:], timeout=10)
        what = f"jobs {shlex.join(args)}"
        if r and expect_code(what, r, 2):
            check(f"{what}: stderr does not start with 'kit jobs {args[0]}: '",
                  r.err.startswith(f"kit jobs {args[0]}: ") or (args[0] == "frobnicate" and r.err.startswith("kit jobs: ")), r)
            check(f"{what}: stderr does not mention {mention!r}", mention in r.err, r)
            check(f"{what}: stdout not empty", r.out == "", r)
    r = kit("jobs")
    expect_code("jobs (no subcommand)", r, 2)
    # Usage errors are found before the database is opened: a typo creates no database.
    for args in (["list", "--state", "bogus"], ["submit", "--timeout", "0", "--", "true"],
                 ["work", "--lease", "100ms"], ["prune", "--older-than", "soon"]):
        r = kit("jobs", args[0], "--db", never, *args[1:], timeout=10)
        if r and expect_code(f"jobs {shlex.join(args)} (new database)", r, 2):
            check(f"jobs {shlex.join(args)}: created the database {never.name} before finding the usage error",
                  not never.exists(), r)
        for suffix in ("", "-wal", "-shm"):
            pathlib.Path(f"{never}{suffix}").unlink(missing_ok=True)
    listed = jobs_of(path)
    check(f"usage errors: jobs were added: {listed}", listed is not None and [j["name"] for j in listed] == ["one"])
    r = kit("jobs", "show", "--db", path, 99)
    if r and expect_code("show 99 (no such job)", r, 1):
        check("show 99: stderr", r.err == "kit jobs show: no job 99\n" and r.out == "", r)


def bad_databases():
    # Not a database at all: 4 KiB of random bytes.
    corrupt = SCRATCH / "corrupt.db"
    data = os.urandom(4096)
    corrupt.write_bytes(data)
    for args in (["list"], ["submit", "--db", corrupt, "--", "true"], ["work", "--drain"], ["show", 1],
                 ["prune", "--older-than", "0s"]):
        sub = args[0]
        rest = args[1:] if "--db" in args else ["--db", corrupt, *args[1:]]
        r = kit("jobs", sub, *rest)
        what = f"jobs {sub} on a corrupt database"
        if r and check(f"{what}: exit {r.code}, want 2 (not a crash)", r.code == 2, r):
            check(f"{what}: stderr", r.err == f"kit jobs {sub}: {corrupt}: file is not a database\n", r)
    check("corrupt database: kit changed it", corrupt.read_bytes() == data)

    # A real kit database, damaged past its first page.
    damaged = db("damaged")
    for i in range(3):
        submit(damaged, "--name", f"job {i}", "--", "true")
    work(damaged, what="damaged: work --drain")
    # Everything into the main file first (WAL mode), so that the damage is what SQLite reads.
    con = sqlite3.connect(damaged)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    size = os.path.getsize(damaged)
    with open(damaged, "r+b") as f:  # every page after the first (the header and schema)
        f.seek(4096)
        f.write(os.urandom(max(8192, size - 4096)))
    r = kit("jobs", "list", "--db", damaged)
    if r and check(f"damaged database: list exit {r.code}, want 2 (not a crash)", r.code == 2, r):
        check("damaged database: stderr", r.err.startswith(f"kit jobs list: {damaged}: ") and
              "malformed" in r.err, r)

    # Someone else's SQLite database with a table named jobs.
    foreign = db("foreign")
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE jobs (id INTEGER PRIMARY KEY, title TEXT)")
    con.execute("INSERT INTO jobs (title) VALUES ('theirs')")
    con.commit()
    con.close()
    before = foreign.read_bytes()
    for args in (["list"], ["submit", "--", "true"], ["work", "--drain"]):
        r = kit("jobs", args[0], "--db", foreign, *args[1:])
        what = f"jobs {args[0]} on another program's database"
        if r and expect_code(what, r, 2):
            check(f"{what}: stderr", r.err == f"kit jobs {args[0]}: {foreign}: not a kit jobs database "
                                              "(it holds other tables)\n", r)
    con = sqlite3.connect(foreign)
    tables = sorted(row[0] for row in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    rows = con.execute("SELECT * FROM jobs").fetchall()
    con.close()
    check(f"another program's database: kit changed it: tables {tables}, rows {rows}",
          tables == ["jobs"] and rows == [(1, "theirs")])
    # Not even its header (e.g. switching it to WAL mode): refused before anything is written.
    check("another program's database: kit wrote to the file", foreign.read_bytes() == before)


def locked_database(slow):
    path = db("locked")
    submit(path, "--name", "first", "--", "true")
    con = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        if slow:
            # Held past the busy timeout (10 s): a clear error.
            con.execute("BEGIN EXCLUSIVE")
            r = kit("jobs", "submit", "--db", path, "--", "true", timeout=40)
            con.execute("COMMIT")
            if r and expect_code("submit on a database locked for good", r, 2):
                check("locked for good: stderr", r.err == f"kit jobs submit: {path}: database is locked\n", r)
                check(f"locked for good: gave up after {r.seconds:.1f}s, want 10 s", 9.5 <= r.seconds < 30, r)
        # Held for about a second: kit waits for it (the busy timeout is 10 s) and then succeeds.
        # (Waiting out the whole timeout takes 10 s: --slow does.)
        con.execute("BEGIN EXCLUSIVE")
        release = threading.Timer(1.0, lambda: con.execute("COMMIT"))
        release.start()
        r = kit("jobs", "submit", "--db", path, "--name", "second", "--", "true")
        release.join()
        if r and expect_code("submit on a database locked for 1 s", r, 0):
            check(f"locked for 1 s: took {r.seconds:.2f}s: it did not wait", 0.8 <= r.seconds < 9, r)
            check("locked for 1 s: output", r.out == "2\n", r)
        listed = jobs_of(path)
        check(f"locked: jobs {listed}", listed is not None and [j["name"] for j in listed] == ["first", "second"])
    finally:
        con.close()


def main():
    global KIT, SCRATCH, ENV
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit", required=True)
    parser.add_argument("--slow", action="store_true", help="also wait out a 10 s busy timeout")
    opts = parser.parse_args()
    KIT = str(pathlib.Path(opts.kit).resolve())
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kit-jobs-test-") as scratch:
        SCRATCH = pathlib.Path(scratch)
        (SCRATCH / "flaky.sh").write_text(FLAKY_SH)
        (SCRATCH / "sleeper.py").write_text(SLEEPER_PY)
        (SCRATCH / "tmp").mkdir()
        # Never the user's own queue: HOME in the scratch folder, no KIT_JOBS_DB or XDG_DATA_HOME;
        # workers keep their output files in TMPDIR.
        ENV = {k: v for k, v in os.environ.items() if k not in ("KIT_JOBS_DB", "XDG_DATA_HOME", "SOURCE_DATE_EPOCH")}
        ENV.update(LC_ALL="C.UTF-8", HOME=str(SCRATCH / "nohome"), TMPDIR=str(SCRATCH / "tmp"))
        harness.use(kit=KIT, cwd=SCRATCH, env=ENV)
        for group in (tutorial, aging, outcomes, cancel_retry_prune, locations, killed_worker, two_workers,
                      usage_errors, bad_databases, lambda: locked_database(opts.slow)):
            group()
        check("a kit jobs command used $HOME", not (SCRATCH / "nohome").exists())

    return harness.report("jobs", start)


if __name__ == "__main__":
    sys.exit(main())
