#!/usr/bin/env python3
"""kit serve's durability and start-up faults, as a user meets them.

1. kill -9 during 16 concurrent writers, a few rounds on one --db file: each writer POSTs tasks
   with unique titles over keep-alive (and now and then DELETEs one of its own), recording every
   201/200 it got. The server is SIGKILLed mid-stream, restarted on the same file, and GET /tasks
   must hold every acknowledged task with its id, none of the acknowledged deletes, and nothing
   else — except the requests in flight at the kill (one a writer at most), which may or may
   not have been committed: the script says how many were, checks they are among what was
   sent, and from then on holds them to what the restart showed. Ids are never reused: every
   id acknowledged in a round is above every id seen before it. At the end SIGTERM -> exit 0,
   and a last restart still shows everything.
2. A corrupt DB (random bytes; an SQLite header over random bytes; a real DB with its schema
   page overwritten), a DB locked by another process (PRAGMA locking_mode=EXCLUSIVE and a
   write), a read-only DB file, a read-only directory, a directory as --db: `kit serve` exits 2
   with `kit serve: ...` on stderr and never says `Listening on`; the locked and read-only DBs
   serve again, intact, once the lock or the mode is gone.

Readiness is the server's `Listening on` line; waits are on conditions, bounded; no sleeps.

usage: serve_faults.py --kit PATH [--rounds N] [--writers N] [--seed N]
       serve_faults.py --server-cmd "CMD ARGS" ...   (a stand-in taking kit serve's options)
"""
import argparse
import http.client
import json
import os
import pathlib
import queue
import random
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import harness  # noqa: E402
from harness import check, check_equal  # noqa: E402

WAIT = 30  # seconds: the bound of every wait


def brief(text, head=1500, tail=500):
    """A long stderr (a sanitizer report) cut to its start, which names the error, and end."""
    return text if len(text) <= head + tail else f"{text[:head]} [...] {text[-tail:]}"
NOBODY = 65534


SERVERS = []  # every server started: none outlives the script, whatever happens


class Server:
    """A server process; stdout and stderr read on threads. port is None unless it listens."""

    def __init__(self, argv, **popen):
        self.argv = argv
        SERVERS.append(self)
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, encoding="utf-8", errors="replace", **popen)
        self.lines, self.err = queue.Queue(), []
        self.err_done = threading.Event()
        threading.Thread(target=self._pump, daemon=True).start()
        threading.Thread(target=self._pump_err, daemon=True).start()
        try:
            self.first = self.lines.get(timeout=WAIT)
        except queue.Empty:
            self.first = None
        m = re.fullmatch(r"Listening on http://127\.0\.0\.1:(\d+)", self.first or "")
        self.port = int(m.group(1)) if m else None

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def _pump_err(self):
        self.err.extend(self.proc.stderr)
        self.err_done.set()

    def stderr(self):
        self.err_done.wait(WAIT)
        return "".join(self.err)

    def stop(self, sig=signal.SIGTERM):
        """Sends sig; the exit status (None if it did not end within WAIT)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None


class Ledger:
    """What the writers were told, over all rounds: titles acknowledged present (title -> id),
    acknowledged deleted (title -> id), and the operations in flight at the last kill."""

    def __init__(self):
        self.lock = threading.Condition()
        self.present, self.deleted = {}, {}
        self.inflight = []  # ("post", title) or ("delete", title, id)
        self.acks = 0  # acknowledgements this round
        self.running = 0  # writers still writing
        self.round_ids = []  # ids acknowledged this round
        self.problems = []


class Writer(threading.Thread):
    def __init__(self, n, rnd, port, seed, ledger, stop):
        super().__init__(daemon=True)
        self.n, self.rnd, self.port, self.ledger, self.stop = n, rnd, port, ledger, stop
        self.rng = random.Random(seed)
        self.mine = []  # (title, id) acknowledged by this writer, this round, not deleted

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)
        k = 0
        while not self.stop.is_set():
            if self.mine and self.rng.random() < 0.15:
                title, tid = self.mine.pop(self.rng.randrange(len(self.mine)))
                op = ("delete", title, tid)
                method, target, body = "DELETE", f"/tasks/{tid}", None
            else:
                k += 1
                title = f"r{self.rnd} w{self.n} #{k} {self.rng.randrange(10**6)}"
                op = ("post", title)
                method, target = "POST", "/tasks"
                body = json.dumps({"title": title})
            try:
                conn.request(method, target, body=body,
                             headers={"Content-Type": "application/json"} if body else {})
                resp = conn.getresponse()
                data = resp.read()
            except (OSError, http.client.HTTPException):
                with self.ledger.lock:
                    self.ledger.inflight.append(op)
                    self.ledger.running -= 1
                    self.ledger.lock.notify_all()
                return  # the server is gone (the kill, or a crash: checked before the kill)
            with self.ledger.lock:
                led = self.ledger
                if op[0] == "post" and resp.status == 201:
                    task = json.loads(data)
                    if task != {"id": task.get("id"), "title": title, "status": "pending"}:
                        led.problems.append(f"POST {title!r}: body {data!r}")
                    led.present[title] = task["id"]
                    led.round_ids.append(task["id"])
                    self.mine.append((title, task["id"]))
                elif op[0] == "delete" and resp.status == 200:
                    got = json.loads(data)
                    want = {"deleted": {"id": op[2], "title": op[1], "status": "pending"}}
                    if got != want:
                        led.problems.append(f"DELETE {op[2]}: body {data!r}, want {want}")
                    led.deleted[op[1]] = led.present.pop(op[1])
                else:
                    led.problems.append(f"{method} {target}: {resp.status} {data[:200]!r}")
                    led.running -= 1
                    led.lock.notify_all()
                    return
                led.acks += 1
                led.lock.notify_all()


def listing(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    try:
        conn.request("GET", "/tasks")
        resp = conn.getresponse()
        data = resp.read()
    except (OSError, http.client.HTTPException) as e:
        check(f"GET /tasks: {type(e).__name__}: {e}", False)
        return None
    finally:
        conn.close()
    if not check(f"GET /tasks: {resp.status} {data[:200]!r}", resp.status == 200):
        return None
    return json.loads(data)["tasks"]


def verify(port, ledger, max_before, what):
    """Checks the listing against the ledger and settles the in-flight operations."""
    tasks = listing(port)
    if tasks is None:
        return None
    by_title = {}
    for t in tasks:
        check(f"{what}: title {t['title']!r} appears once", t["title"] not in by_title)
        by_title[t["title"]] = t["id"]
    ids = [t["id"] for t in tasks]
    check(f"{what}: ids are unique and in order", ids == sorted(set(ids)))
    check(f"{what}: every status is pending", all(t["status"] == "pending" for t in tasks))
    inflight_posts = {op[1] for op in ledger.inflight if op[0] == "post"}
    inflight_deletes = {op[1]: op[2] for op in ledger.inflight if op[0] == "delete"}
    lost = [t for t, i in ledger.present.items()
            if t not in inflight_deletes and by_title.get(t) != i]
    check(f"{what}: {len(lost)} acknowledged tasks missing or with another id: {lost[:5]}", not lost)
    back = [t for t in ledger.deleted if t in by_title]
    check(f"{what}: {len(back)} acknowledged deletes came back: {back[:5]}", not back)
    extra = [t for t in by_title if t not in ledger.present and t not in inflight_posts]
    check(f"{what}: {len(extra)} tasks nobody was told about (not in flight either): {extra[:5]}",
          not extra)
    committed = sorted(t for t in inflight_posts if t in by_title)
    done_deletes = sorted(t for t in inflight_deletes if t not in by_title)
    print(f"  {what}: {len(tasks)} tasks; in flight at the kill: {len(inflight_posts)} POSTs "
          f"({len(committed)} committed), {len(inflight_deletes)} DELETEs ({len(done_deletes)} "
          f"committed)")
    for t in committed:  # from now on these are held like acknowledged ones
        ledger.present[t] = by_title[t]
        check(f"{what}: in-flight POST {t!r} got a new id ({by_title[t]} > {max_before})",
              by_title[t] > max_before)
    for t in inflight_posts - set(committed):
        ledger.deleted[t] = None  # lost at the kill: must never appear later
    for t, i in inflight_deletes.items():
        if t in by_title:
            ledger.present[t] = i
        else:
            ledger.deleted[t] = ledger.present.pop(t, i)
    ledger.inflight = []
    return max(ids, default=0)


def kill_rounds(args, cmd, db):
    ledger = Ledger()
    rng = random.Random(args.seed)
    max_seen = 0  # the highest id seen so far
    floor = 0  # the highest id seen before the last round began (its in-flight POSTs are above)
    for rnd in range(args.rounds):
        server = Server([*cmd, "-p", "0", "--db", str(db), "--access-log", "off"])
        if not check(f"round {rnd}: the server listens (first line {server.first!r}, stderr "
                     f"{''.join(server.err)[-1000:]!r})", server.port is not None):
            server.stop(signal.SIGKILL)
            return
        if rnd:
            max_seen = max(max_seen, verify(server.port, ledger, floor,
                                            f"round {rnd} restart") or 0)
        floor = max_seen
        target = rng.randrange(args.min_acks, args.max_acks)
        stop = threading.Event()
        writers = [Writer(n, rnd, server.port, rng.randrange(2**32), ledger, stop)
                   for n in range(args.writers)]
        with ledger.lock:
            ledger.acks, ledger.round_ids, ledger.running = 0, [], len(writers)
        for w in writers:
            w.start()
        with ledger.lock:
            ledger.lock.wait_for(lambda: ledger.acks >= target or ledger.problems
                                 or not ledger.running, timeout=WAIT * 4)
        check(f"round {rnd}: {target} acknowledgements within {WAIT * 4}s (got {ledger.acks})",
              ledger.acks >= target)
        crashed = server.proc.poll()
        server.proc.kill()  # SIGKILL mid-stream: the writers are still writing
        server.proc.wait(WAIT)
        if not check(f"round {rnd}: the server ran until the kill (it ended with {crashed}, "
                     f"stderr {brief(server.stderr())!r})", crashed is None):
            stop.set()
            return
        stop.set()
        for w in writers:
            w.join(WAIT)
            check(f"round {rnd}: writer {w.n} ended after the kill", not w.is_alive())
        for p in ledger.problems:
            check(f"round {rnd}: {p}", False)
        ledger.problems = []
        low = min(ledger.round_ids, default=max_seen + 1)
        check(f"round {rnd}: ids acknowledged this round ({low}..) are above every id seen "
              f"before ({max_seen}): never reused", low > max_seen)
        max_seen = max([max_seen, *ledger.round_ids])
        print(f"round {rnd}: killed after {ledger.acks} acknowledgements "
              f"({len(ledger.present)} tasks acknowledged present, {len(ledger.deleted)} deleted)")

    server = Server([*cmd, "-p", "0", "--db", str(db), "--access-log", "off"])
    if not check(f"last restart: the server listens ({server.first!r})", server.port is not None):
        server.stop(signal.SIGKILL)
        return
    max_seen = max(max_seen, verify(server.port, ledger, floor, "last kill restart") or 0)
    check_equal("SIGTERM: exit status", server.stop(), 0)
    server = Server([*cmd, "-p", "0", "--db", str(db), "--access-log", "off"])
    if check(f"after SIGTERM: the server listens ({server.first!r})", server.port is not None):
        verify(server.port, ledger, max_seen, "after SIGTERM")
    check_equal("SIGTERM again: exit status", server.stop(), 0)
    err = server.stderr()
    check(f"no sanitizer report on stderr: {brief(err)!r}", "Sanitizer" not in err)


# --- start-up faults --------------------------------------------------------------------------

def expect_refusal(cmd, db, what, **popen):
    """kit serve on db exits 2, `kit serve: ...` on stderr, without listening."""
    server = Server([*cmd, "-p", "0", "--db", str(db), "--access-log", "off"], **popen)
    if server.port is not None:
        check(f"{what}: kit serve listens ({server.first!r}); want exit 2", False)
        server.stop(signal.SIGKILL)
        return
    try:
        code = server.proc.wait(WAIT)
    except subprocess.TimeoutExpired:
        code = server.stop(signal.SIGKILL)
    err = server.stderr()
    print(f"  {what}: exit {code}, stderr {err.strip()!r}")
    check_equal(f"{what}: exit status", code, 2)
    check(f"{what}: stderr {err!r} starts `kit serve: `", err.startswith("kit serve: "))
    check(f"{what}: stderr is one or a few lines, no sanitizer report",
          "Sanitizer" not in err and 0 < len(err.splitlines()) <= 5)


def make_db(cmd, db, titles):
    """A real kit database: kit serve creates it, tasks are POSTed, SIGTERM."""
    server = Server([*cmd, "-p", "0", "--db", str(db), "--access-log", "off"])
    if not check(f"make {db.name}: listens ({server.first!r})", server.port is not None):
        server.stop(signal.SIGKILL)
        return False
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    try:
        for t in titles:
            conn.request("POST", "/tasks", body=json.dumps({"title": t}),
                         headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            resp.read()
            check(f"make {db.name}: POST {t}: {resp.status}", resp.status == 201)
    except (OSError, http.client.HTTPException) as e:
        server.stop(signal.SIGKILL)
        return check(f"make {db.name}: {type(e).__name__}: {e} (stderr "
                     f"{brief(server.stderr())!r})", False)
    finally:
        conn.close()
    return check_equal(f"make {db.name}: SIGTERM exit status", server.stop(), 0)


def expect_intact(cmd, db, titles, what, **popen):
    server = Server([*cmd, "-p", "0", "--db", str(db), "--access-log", "off"], **popen)
    if check(f"{what}: listens ({server.first!r}, stderr {''.join(server.err)[-500:]!r})",
             server.port is not None):
        tasks = listing(server.port)
        check(f"{what}: the tasks are intact ({tasks})",
              tasks is not None and [t["title"] for t in tasks] == titles)
    check_equal(f"{what}: SIGTERM exit status", server.stop(), 0)


def startup_faults(cmd, scratch, seed):
    rng = random.Random(seed)
    titles = ["alpha", "beta", "gamma"]

    p = scratch / "random.db"
    p.write_bytes(rng.randbytes(16384))
    expect_refusal(cmd, p, "random bytes")

    p = scratch / "header.db"
    p.write_bytes(b"SQLite format 3\0" + rng.randbytes(16384 - 16))
    expect_refusal(cmd, p, "an SQLite header over random bytes")

    p = scratch / "schema.db"
    if make_db(cmd, p, titles):
        for side in ("-wal", "-shm"):
            pathlib.Path(str(p) + side).unlink(missing_ok=True)
        with open(p, "r+b") as f:  # page 1 past the 100-byte header: the schema's b-tree
            f.seek(100)
            f.write(rng.randbytes(3996))
        expect_refusal(cmd, p, "a DB whose schema page is overwritten")

    d = scratch / "dir.db"
    d.mkdir()
    expect_refusal(cmd, d, "a directory as --db")

    # Locked: another process holds SQLite's exclusive lock (exclusive locking mode keeps it
    # after its write commits) until its stdin closes.
    p = scratch / "locked.db"
    if make_db(cmd, p, titles):
        holder = subprocess.Popen(
            [sys.executable, "-c", """
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA locking_mode=EXCLUSIVE")
c.execute("BEGIN EXCLUSIVE")
c.execute("CREATE TABLE lock_holder(x)")
c.execute("DROP TABLE lock_holder")
c.execute("COMMIT")
print("locked", flush=True)
sys.stdin.read()
""", str(p)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = holder.stdout.readline().strip()
        if check_equal("lock holder", line, "locked"):
            try:  # the lock is real: a connection that does not wait is refused
                sqlite3.connect(p, timeout=0).execute("SELECT count(*) FROM sqlite_master").fetchall()
                check("the lock holder's lock refuses another connection", False)
            except sqlite3.OperationalError as e:
                check(f"the lock holder's lock: {e}", "locked" in str(e))
            expect_refusal(cmd, p, "a DB locked by another process")
        holder.stdin.close()
        holder.wait(WAIT)
        expect_intact(cmd, p, titles, "the DB once the lock is released")

    # Read-only: root opens a 0444 file for writing anyway, so as root kit runs as nobody
    # (the files given to nobody, the folder open to it).
    as_user = {}
    if os.geteuid() == 0:
        home = scratch / "home"  # nobody's own, so that only the DB's mode is in the way
        home.mkdir()
        os.chown(home, NOBODY, NOBODY)
        as_user = {"user": NOBODY, "group": NOBODY, "extra_groups": [],
                   "env": dict(os.environ, HOME=str(home))}
    for name, file_mode, dir_mode in (("read-only file", 0o444, 0o755),
                                      ("read-only directory", 0o644, 0o555)):
        d = scratch / name.replace(" ", "-")
        d.mkdir()
        p = d / "tasks.db"
        if not make_db(cmd, p, titles):
            continue
        sidecars = sorted(f.name for f in d.iterdir() if f != p)
        if dir_mode == 0o555 and sidecars:  # a writable WAL beside it would still take writes
            print(f"  {name}: skipped, the server left {sidecars} after SIGTERM")
            continue
        for f in d.iterdir():
            if as_user:
                os.chown(f, NOBODY, NOBODY)
            f.chmod(file_mode)
        if as_user:
            os.chown(d, NOBODY, NOBODY)
        d.chmod(dir_mode)
        expect_refusal(cmd, p, f"a {name}", **as_user)
        d.chmod(0o755)
        for f in d.iterdir():
            f.chmod(0o644)
        expect_intact(cmd, p, titles, f"the {name} made writable again", **as_user)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kit")
    ap.add_argument("--server-cmd", help="runs this instead of `KIT serve` (a stand-in)")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--writers", type=int, default=16)
    ap.add_argument("--min-acks", type=int, default=30)
    ap.add_argument("--max-acks", type=int, default=300)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    args = ap.parse_args()
    cmd = shlex.split(args.server_cmd) if args.server_cmd else [args.kit, "serve"]
    start = time.monotonic()
    print(f"serve_faults: seed {args.seed}")
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="kit-serve-faults-"))
    scratch.chmod(0o755)  # nobody (the read-only cases, as root) must reach its folders
    try:
        kill_rounds(args, cmd, scratch / "tasks.db")
        startup_faults(cmd, scratch, args.seed)
    finally:
        for server in SERVERS:
            if server.proc.poll() is None:
                server.proc.kill()
                server.proc.wait()
        shutil.rmtree(scratch, ignore_errors=True)
    return harness.report("serve_faults", start)


if __name__ == "__main__":
    sys.exit(main())
