#!/usr/bin/env python3
"""kit serve as a user runs it, on 127.0.0.1 with curl: the `Listening on` line, create, list,
update and delete, X-Process-Time and the access log lines (stdout and a file), ids kept across
a SIGTERM (exit 0) and a restart, the limits answered on raw sockets (413 before the body is
sent, 431, 400 for Content-Length with chunked, 505), a corrupt DB file and a read-only DB
directory (exit 2, `kit serve: ...` on stderr), KIT_SERVE_DB. Every wait is bounded and polls
(a server's stdout line, a socket's answer, a process's end); nothing sleeps.

usage: serve_cli.py --kit PATH [--server-cmd CMD]
--server-cmd replaces `KIT serve` (the options are appended), e.g. the seed on uvicorn:
  --server-cmd "/usr/bin/python3 tests/diff/serve_vs_starlette.py --standin-server"
(which only shows that this script runs: the seed has no DB, no limits, no exit codes).
"""
import argparse
import json
import os
import pathlib
import queue
import random
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check, check_equal  # noqa: E402

WAIT = 20  # seconds: the bound of every wait
PROCESS_TIME = re.compile(r"\d+\.\d\dms")
SERVE = []  # `KIT serve`, or --server-cmd
ENV = {}


def log_line(method, path, status):
    """The access log line of a request, as a pattern: `GET /tasks -- 200 in 0.42ms`."""
    return re.compile(re.escape(f"{method} {path} -- {status} in ") + r"\d+\.\d\dms")


class Server:
    """`kit serve ARGS -p 0` (plus --db unless given), its stdout lines read on a thread."""

    def __init__(self, *args, env=None):
        self.argv = [*SERVE, *map(str, args), "-p", "0"]
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env or ENV, text=True,
                                     encoding="utf-8", errors="replace")
        self.lines = queue.Queue()
        self.ended = self.reported = self.stopped = False
        self.err = []
        threading.Thread(target=self._pump, daemon=True).start()
        threading.Thread(target=lambda: self.err.extend(self.proc.stderr), daemon=True).start()
        first = self.line()
        m = re.fullmatch(r"Listening on http://127\.0\.0\.1:(\d+)", first or "")
        self.port = int(m.group(1)) if m else None
        check(f"{shlex.join(self.argv)}: first stdout line {first!r}, want "
              "'Listening on http://127.0.0.1:PORT'", m is not None)
        self.base = f"http://127.0.0.1:{self.port}"

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def line(self, seconds=WAIT):
        if self.ended:
            return None
        try:
            line = self.lines.get(timeout=seconds)
        except queue.Empty:
            return None
        self.ended = line is None
        return line

    def alive(self):
        """True while it runs; the first time it is found dead, a failure with its stderr."""
        if self.proc.poll() is None:
            return True
        if not self.reported:
            self.reported = True
            check(f"{shlex.join(self.argv)}: exited ({self.proc.returncode}) while tested; "
                  f"stderr {excerpt(''.join(self.err))!r}", False)
        return False

    def expect_log(self, method, path, status):
        """The next stdout line is the access log line of this request."""
        line = self.line()
        pattern = log_line(method, path, status)
        return check(f"access log line {line!r}, want like '{method} {path} -- {status} in "
                     "0.42ms'", line is not None and pattern.fullmatch(line) is not None)

    def stop(self, what="SIGTERM"):
        """SIGTERM; checks the exit status is 0 (once: a second stop does nothing)."""
        if self.stopped:
            return
        self.stopped = True
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
            check(f"{shlex.join(self.argv)}: still running {WAIT}s after SIGTERM", False)
            return
        check(f"{shlex.join(self.argv)}: {what} -> exit {code}, want 0; stderr "
              f"{excerpt(''.join(self.err))!r}", code == 0)

    @property
    def up(self):
        return self.port is not None


def excerpt(text, size=2000):
    """The start of a sanitizer report in stderr, else its end."""
    at = text.find("ERROR: ")
    return text[at:at + size] if at >= 0 else text[-size:]


class Answer:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def __repr__(self):
        return f"{self.status} {self.headers} {self.body[:300]!r}"


def curl(server, method, path, body=None, head=False):
    """One request with curl: an Answer (None when curl failed, a failure recorded)."""
    if not server.alive():
        return None
    argv = ["curl", "-sS", "--http1.1", "--max-time", str(WAIT), "-H", "Expect:"]
    argv += ["-I"] if head else ["-i", "-X", method]
    if body is not None:
        argv += ["-H", "Content-Type: application/json", "--data-binary", "@-"]
    argv.append(server.base + path)
    p = subprocess.run(argv, input=body, capture_output=True, timeout=WAIT + 5, check=False)
    if not check(f"{shlex.join(argv)}: curl exit {p.returncode}, stderr {p.stderr!r}",
                 p.returncode == 0):
        return None
    raw = p.stdout
    head_end = raw.find(b"\r\n\r\n")
    lines = raw[:head_end].decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    answer = Answer(status, headers, raw[head_end + 4:])
    # Every answer of the app carries it; the server's own refusals (413 before the body is
    # read, 431, 505) never reach the app and its timing middleware.
    if status not in (413, 431, 505):
        check(f"{method} {path} -> {status}: X-Process-Time {headers.get('x-process-time')!r}, "
              "want like 0.42ms (every response carries it)",
              PROCESS_TIME.fullmatch(headers.get("x-process-time", "")) is not None)
    return answer


def expect(server, method, path, body, status, want=None, head=False, log=True):
    """curl, then: the status, the JSON body bytes (Starlette's compact form) when `want` is
    given, and the access log line when `log`."""
    a = curl(server, method, path, body, head=head)
    if a is None:
        return None
    what = f"{method} {path}" + (f" {body!r}" if body is not None else "")
    check(f"{what}: status {a.status}, want {status}: {a!r}", a.status == status)
    if want is not None:
        data = json.dumps(want, ensure_ascii=False, separators=(",", ":")).encode()
        check(f"{what}: body {a.body!r}, want {data!r}", a.body == data)
        check(f"{what}: content-type {a.headers.get('content-type')!r}",
              a.headers.get("content-type") == "application/json")
    if log:
        server.expect_log(method, path.split("?")[0], status)
    return a


def raw_request(server, data):
    """Sends `data` on a fresh connection and reads until the server closes it or a whole
    response head (and its Content-Length body) came: (status or None, bytes, closed)."""
    if not server.alive():
        return None, b"", True
    s = socket.create_connection(("127.0.0.1", server.port), timeout=WAIT)
    got, closed = b"", False
    try:
        try:
            s.sendall(data)
        except OSError:
            pass  # answered and closed before all of it went: read what came
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                closed = True
                break
            except socket.timeout:
                break
            if not chunk:
                closed = True
                break
            got += chunk
            end = got.find(b"\r\n\r\n")
            if end >= 0:
                m = re.search(rb"\r\ncontent-length:\s*(\d+)", got[:end], re.I)
                if len(got) >= end + 4 + (int(m.group(1)) if m else 0):
                    # A whole answer: is the connection closed after it? (poll, bounded)
                    s.settimeout(1)
                    try:
                        closed = s.recv(1) == b""
                    except (socket.timeout, ConnectionResetError) as e:
                        closed = isinstance(e, ConnectionResetError)
                    break
    finally:
        s.close()
    m = re.match(rb"HTTP/1\.[01] (\d{3})", got)
    return (int(m.group(1)) if m else None), got, closed


# ----- the cases

def crud_and_log(tmp):
    """Create, list, update, delete through curl on a DB file; the access log on stdout;
    SIGTERM -> 0; restart on the same file: the tasks are there and the next id continues."""
    db = tmp / "tasks.db"
    s = Server("--db", db, "--access-log", "-")
    if not s.up:
        return s.stop("after a bad start")
    crud(s)
    s.stop()

    # Restart on the same file: the tasks as they were; id 3 is never given again.
    t1d = {"id": 1, "title": "Buy milk", "status": "done"}
    t2 = {"id": 2, "title": "Café ☕ 日本", "status": "pending"}
    s = Server("--db", db, "--access-log", "-")
    if not s.up:
        return s.stop("after a bad start")
    expect(s, "GET", "/tasks", None, 200, {"tasks": [t1d, t2], "count": 2})
    expect(s, "POST", "/tasks", b'{"title": "after restart"}', 201,
           {"id": 4, "title": "after restart", "status": "pending"})
    s.stop()


def crud(s):
    """The calls of crud_and_log's first server."""
    t1 = {"id": 1, "title": "Buy milk", "status": "pending"}
    t2 = {"id": 2, "title": "Café ☕ 日本", "status": "pending"}
    t3 = {"id": 3, "title": "Write report", "status": "pending"}
    expect(s, "POST", "/tasks", b'{"title": "  Buy milk\\t"}', 201, t1)
    expect(s, "POST", "/tasks", json.dumps({"title": t2["title"]}).encode(), 201, t2)
    expect(s, "POST", "/tasks", '{"title":"Write report","status":"done"}'.encode(), 201, t3)
    expect(s, "GET", "/tasks", None, 200, {"tasks": [t1, t2, t3], "count": 3})
    expect(s, "GET", "/tasks?status=pending&x=%C3%A9", None, 200,
           {"tasks": [t1, t2, t3], "count": 3})
    t1d = dict(t1, status="done")
    expect(s, "PUT", "/tasks/1", b'{"status": "done"}', 200, t1d)
    expect(s, "GET", "/tasks?status=done", None, 200, {"tasks": [t1d], "count": 1})
    expect(s, "GET", "/tasks?status=", None, 200, {"tasks": [t1d, t2, t3], "count": 3})
    expect(s, "GET", "/tasks?limit=1&offset=1", None, 200, {"tasks": [t2], "count": 1})
    expect(s, "GET", "/tasks/2", None, 200, t2)
    expect(s, "DELETE", "/tasks/3", None, 200, {"deleted": t3})
    expect(s, "DELETE", "/tasks/3", None, 404, {"error": "Task not found"})
    expect(s, "GET", "/tasks/3", None, 404, {"error": "Task not found"})
    expect(s, "PUT", "/tasks/3", b'{"status": "done"}', 404, {"error": "Task not found"})
    expect(s, "POST", "/tasks", b'{"title": "   "}', 422, {"error": "title is required"})
    expect(s, "POST", "/tasks", b'{"title": ', 400, {"error": "Invalid JSON"})
    expect(s, "POST", "/tasks", b'[]', 422, {"error": "JSON object expected"})
    expect(s, "POST", "/tasks", b'{"title": 5}', 422, {"error": "title must be a string"})
    expect(s, "PUT", "/tasks/1", b'{"status": 5}', 422, {"error": "status must be a string"})
    expect(s, "GET", "/tasks?limit=-1", None, 422,
           {"error": "limit must be a non-negative integer"})
    # No route: 404 text; a method the path has no route for: 405 with every method in Allow.
    a = expect(s, "GET", "/nothing", None, 404)
    if a is not None:
        check(f"GET /nothing: {a!r}, want text/plain 'Not Found'",
              a.body == b"Not Found" and a.headers.get("content-type", "").startswith("text/plain"))
    for path, methods in (("/tasks", {"GET", "HEAD", "POST"}),
                          ("/tasks/1", {"GET", "HEAD", "PUT", "DELETE"})):
        a = expect(s, "PATCH", path, b"{}", 405)
        if a is not None:
            allow = {m.strip() for m in a.headers.get("allow", "").split(",") if m.strip()}
            check_equal(f"PATCH {path}: Allow", allow, methods)
            check_equal(f"PATCH {path}: body", a.body, b"Method Not Allowed")
    a = expect(s, "GET", "/tasks/", None, 307)
    if a is not None:
        check(f"GET /tasks/: Location {a.headers.get('location')!r}, want .../tasks",
              re.fullmatch(r"(http://127\.0\.0\.1:\d+)?/tasks", a.headers.get("location", "")))
    a = expect(s, "HEAD", "/tasks", None, 200, head=True)
    if a is not None:
        check_equal("HEAD /tasks: body", a.body, b"")
    # The log has the decoded path, as the seed's request.url.path.
    a = curl(s, "GET", "/%74asks/%31?status=x")
    check(f"GET /%74asks/%31: {a!r}, want 200", a is not None and a.status == 200)
    s.expect_log("GET", "/tasks/1", 200)
    # SIGTERM with an idle keep-alive connection open (it has had one answer): still exit 0.
    if not s.alive():
        return
    idle = socket.create_connection(("127.0.0.1", s.port), timeout=WAIT)
    idle.sendall(b"GET /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    check("the idle connection's first answer", idle.recv(65536).startswith(b"HTTP/1.1 200"))
    s.expect_log("GET", "/tasks", 200)
    s.stop("SIGTERM with an idle keep-alive connection")
    idle.close()


def access_log_file(tmp):
    """--access-log FILE: the lines go to the file (complete lines, as they are written), and
    stdout has only the Listening line."""
    log = tmp / "access.log"
    s = Server("--db", ":memory:", "--access-log", log)
    if not s.up:
        return s.stop("after a bad start")
    expect(s, "POST", "/tasks", b'{"title": "logged"}', 201, log=False)
    expect(s, "GET", "/tasks?status=pending", None, 200, log=False)
    expect(s, "DELETE", "/tasks/99", None, 404, log=False)
    s.stop()
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    want = [log_line("POST", "/tasks", 201), log_line("GET", "/tasks", 200),
            log_line("DELETE", "/tasks/99", 404)]
    check(f"--access-log FILE: lines {lines!r}, want POST, GET, DELETE lines",
          len(lines) == 3 and all(p.fullmatch(line) for p, line in zip(want, lines)))
    check(f"--access-log FILE: stdout after the first line: {list(s.lines.queue)!r}",
          [x for x in s.lines.queue if x is not None] == [])
    s = Server("--db", ":memory:", "--access-log", "off")
    if s.up:
        expect(s, "GET", "/tasks", None, 200, log=False)
        s.stop()
        check(f"--access-log off: stdout {list(s.lines.queue)!r}",
              [x for x in s.lines.queue if x is not None] == [])


def limits(tmp):
    """413 before the body is sent, 431, 400 on bad framing, 505; the server answers after."""
    s = Server("--db", tmp / "limits.db", "--access-log", "off", "--max-body", "2KiB")
    if not s.up:
        return s.stop("after a bad start")
    # Over --max-body: only the head is sent; the answer comes without the body.
    for length in (2049, 10 * 1024 * 1024, 2 ** 40):
        status, got, _ = raw_request(s, (
            "POST /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\n\r\n").encode())
        check(f"Content-Length {length} over --max-body 2KiB, no body sent: {got[:300]!r}, "
              "want 413", status == 413)
    a = curl(s, "POST", "/tasks", b'{"title": "' + b"x" * 3000 + b'"}')
    check(f"a 3000-byte body over --max-body 2KiB: {a!r}, want 413",
          a is not None and a.status == 413)
    a = curl(s, "POST", "/tasks", b'{"title": "' + b"y" * 1500 + b'"}')
    check(f"a 1500-byte body under --max-body 2KiB: {a!r}, want 201",
          a is not None and a.status == 201)
    # Headers over 8 KiB.
    status, got, _ = raw_request(s, ("GET /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " +
                                     "a" * 9000 + "\r\n\r\n").encode())
    check(f"a 9000-byte header: {got[:300]!r}, want 431", status == 431)
    status, got, _ = raw_request(s, ("GET /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                                     "".join(f"X-H{i}: {'b' * 90}\r\n" for i in range(100)) +
                                     "\r\n").encode())
    check(f"100 headers of 100 bytes: {got[:300]!r}, want 431", status == 431)
    # Content-Length with chunked: 400, and the connection is closed.
    status, got, closed = raw_request(s, (
        "POST /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: 16\r\nTransfer-Encoding: chunked\r\n\r\n"
        "10\r\n{\"title\": \"cl\"}\r\n0\r\n\r\n").encode())
    check(f"Content-Length with chunked: {got[:300]!r}, want 400", status == 400)
    check("Content-Length with chunked: the connection is closed after the 400", closed)
    status, got, closed = raw_request(s, (
        "POST /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1x\r\n\r\n{}").encode())
    check(f"a bad Content-Length: {got[:300]!r}, want 400", status == 400)
    # HTTP/2.0 in a request line: 505.
    status, got, _ = raw_request(s, b"GET /tasks HTTP/2.0\r\nHost: 127.0.0.1\r\n\r\n")
    check(f"HTTP/2.0 request line: {got[:300]!r}, want 505", status == 505)
    # Still answering, and nothing of the above was stored.
    a = curl(s, "GET", "/tasks")
    check(f"GET /tasks after the limits: {a!r}, want 200 with the one task",
          a is not None and a.status == 200 and (a.json() or {}).get("count") == 1)
    # Keep-alive: two requests on one connection.
    status, got, closed = raw_request(s, b"GET /tasks HTTP/1.1\r\nHost: x\r\n\r\n" * 1)
    check(f"keep-alive: the connection stays open after a 200 ({got[:100]!r})",
          status == 200 and not closed)
    s.stop()


def bad_databases(tmp):
    """A corrupt DB file and a read-only DB directory: exit 2 and `kit serve: ...` on stderr."""
    corrupt = tmp / "corrupt.db"
    corrupt.write_bytes(random.Random(18).randbytes(64 * 1024))
    bad_start("a corrupt DB file (64 KiB of random bytes)", ["--db", corrupt])
    header = tmp / "header.db"  # a SQLite header, then garbage
    header.write_bytes(b"SQLite format 3\x00" + random.Random(19).randbytes(8192))
    bad_start("a DB file with a SQLite header and garbage after it", ["--db", header])

    # Read-only: a directory where the DB cannot be created, and an existing DB (made by a
    # first run) whose file and directory became read-only.
    ro, ro_file = tmp / "ro", tmp / "ro-file"
    ro.mkdir()
    ro_file.mkdir()
    s = Server("--db", ro_file / "tasks.db", "--access-log", "off")
    if s.up:
        expect(s, "POST", "/tasks", b'{"title": "made before chmod"}', 201, log=False)
    s.stop()
    as_user = []
    if os.geteuid() == 0:
        # root writes into a 0555 directory: run kit as nobody (the directories are root's).
        if shutil.which("setpriv") is None:
            return check("a read-only DB directory: setpriv is needed to test it as root", False)
        os.chmod(tmp, 0o755)
        as_user = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    for f in ro_file.iterdir():
        f.chmod(0o444)
    for d in (ro, ro_file):
        d.chmod(0o555)
    bad_start("a read-only DB directory (no DB yet)",
              argv=[*as_user, *SERVE, "--db", str(ro / "tasks.db"), "-p", "0"])
    bad_start("a read-only DB file in a read-only directory",
              argv=[*as_user, *SERVE, "--db", str(ro_file / "tasks.db"), "-p", "0"])
    for d in (ro, ro_file):
        d.chmod(0o755)


def bad_start(what, args=(), argv=None):
    """Starting must fail: exit 2, `kit serve: ...` on stderr, no Listening line (a server
    that prints one instead is stopped at once)."""
    argv = argv or [*SERVE, *map(str, args), "-p", "0"]
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=ENV)
    errs = []
    drain = threading.Thread(target=lambda: errs.append(proc.stderr.read()), daemon=True)
    drain.start()
    fd, out, deadline = proc.stdout.fileno(), b"", time.monotonic() + WAIT
    while time.monotonic() < deadline and b"\n" not in out:
        if not select.select([fd], [], [], max(0, deadline - time.monotonic()))[0]:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        out += chunk
    if proc.poll() is None and (b"\n" in out or time.monotonic() >= deadline):
        proc.kill()  # listening (or hung) where it should have failed
    try:
        code = proc.wait(timeout=WAIT)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = proc.wait()
    out += proc.stdout.read()
    drain.join(WAIT)
    err = b"".join(errs).decode("utf-8", "replace")
    proc.stdout.close()
    proc.stderr.close()
    check(f"{what}: {shlex.join(argv)}: exit {code}, want 2; stdout {out[:200]!r}, "
          f"stderr {excerpt(err)!r}", code == 2)
    check(f"{what}: stderr {err!r}, want 'kit serve: ...'",
          err.startswith("kit serve: ") and err.endswith("\n"))
    check(f"{what}: stdout {out[:200]!r}, want no Listening line", b"Listening" not in out)


def env_db(tmp):
    """KIT_SERVE_DB is the DB when --db is not given."""
    db = tmp / "from-env.db"
    env = dict(ENV, KIT_SERVE_DB=str(db))
    s = Server("--access-log", "off", env=env)
    if not s.up:
        return s.stop("after a bad start")
    expect(s, "POST", "/tasks", b'{"title": "via KIT_SERVE_DB"}', 201, log=False)
    s.stop()
    check(f"KIT_SERVE_DB={db}: the file exists and is not empty",
          db.exists() and db.stat().st_size > 0)
    s = Server("--access-log", "off", env=env)
    if s.up:
        expect(s, "GET", "/tasks", None, 200, {"tasks": [
            {"id": 1, "title": "via KIT_SERVE_DB", "status": "pending"}], "count": 1}, log=False)
    s.stop()


def main():
    global SERVE, ENV
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit")
    parser.add_argument("--server-cmd")
    args = parser.parse_args()
    if args.server_cmd:
        SERVE = shlex.split(args.server_cmd)
    elif args.kit:
        SERVE = [os.path.abspath(args.kit), "serve"]
    else:
        parser.error("--kit or --server-cmd is required")
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kit-serve-e2e-") as d:
        tmp = pathlib.Path(d)
        # The platform data dir is never the test's: HOME and XDG point into tmp.
        ENV = dict(os.environ, HOME=str(tmp), XDG_DATA_HOME=str(tmp / "data"),
                   XDG_CONFIG_HOME=str(tmp / "config"), XDG_STATE_HOME=str(tmp / "state"),
                   LC_ALL="C.UTF-8")
        ENV.pop("KIT_SERVE_DB", None)
        for case in (crud_and_log, access_log_file, limits, bad_databases, env_db):
            before = len(harness.failures)
            try:
                case(tmp)
            except Exception as e:  # noqa: BLE001 -- a failure of this case, then the next
                check(f"{case.__name__}: {e!r}", False)
            print(f"{case.__name__}: {'ok' if len(harness.failures) == before else 'FAILED'}")
    return harness.report("serve_cli", start)


if __name__ == "__main__":
    sys.exit(main())
