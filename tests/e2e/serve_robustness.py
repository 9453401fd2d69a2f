#!/usr/bin/env python3
"""kit serve under load and abuse at the same time: wrk (-t2 -c32, a few seconds; a Lua script
mixing GET /tasks with POSTs whose tasks the next request deletes, so the list stays at ~100)
while Python threads flood the server over raw sockets with malformed requests (truncated,
garbage, headers > 8 KiB, bad JSON, Content-Length with chunked, bad Content-Length, a body
declared larger than --max-body, HTTP/2.0 request lines, pipelined and chunked requests) and
slowloris clients trickle their headers. Checks: no response is 5xx (505 only for HTTP/2.0),
each malformed request gets the contract's status (and a close where the framing is lost), at
least 99% of wrk's load gets its 2xx with no socket errors, the server's RSS stays bounded, the
server answers normally afterwards, and SIGTERM ends it with status 0.

Readiness is the server's `Listening on` line; every wait is bounded. The only sleeps pace the
slowloris clients' byte trickle (they are the client's own behaviour, not waits for the server).

usage: serve_robustness.py --kit PATH [--wrk PATH] [--seconds N] [--connections N]
       serve_robustness.py --server-cmd "CMD ARGS" ...   (a stand-in taking kit serve's options)
"""
import argparse
import json
import os
import pathlib
import queue
import random
import re
import shlex
import signal
import socket
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
MAX_BODY = 1 << 20  # --max-body 1MiB
PRELOAD = 100

# GET /tasks; every 10th request of a thread POSTs a task, which that thread's next request
# deletes (the id read from the 201), so the list stays near its 100 preloaded tasks. done()
# prints every status seen, summed over the threads, as one JSON line.
WRK_LUA = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  counts = {}
  pending = {}
  n = 0
  get = wrk.format("GET", "/tasks")
end
function request()
  n = n + 1
  local id = table.remove(pending)
  if id then return wrk.format("DELETE", "/tasks/" .. id) end
  if n % 10 == 0 then
    return wrk.format("POST", "/tasks", {["Content-Type"] = "application/json"},
                      '{"title":"load ' .. n .. '"}')
  end
  return get
end
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
  if status == 201 then
    local id = body:match('"id":%s*(%d+)')
    if id then table.insert(pending, id) end
  end
end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for status, c in pairs(t:get("counts")) do total[status] = (total[status] or 0) + c end
  end
  local parts = {}
  for status, c in pairs(total) do table.insert(parts, string.format('"%d":%d', status, c)) end
  io.write("STATUS {" .. table.concat(parts, ",") .. "}\n")
end
"""


SERVERS = []  # every server started: none outlives the script, whatever happens


class Server:
    """kit serve (or the stand-in) on a free port; stdout and stderr read on threads."""

    def __init__(self, argv, env=None):
        self.argv = argv
        SERVERS.append(self)
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env, text=True, encoding="utf-8", errors="replace")
        self.lines, self.err = queue.Queue(), []
        threading.Thread(target=self._pump, daemon=True).start()
        threading.Thread(target=lambda: self.err.extend(self.proc.stderr), daemon=True).start()
        try:
            line = self.lines.get(timeout=WAIT)
        except queue.Empty:
            line = None
        m = re.fullmatch(r"Listening on http://127\.0\.0\.1:(\d+)", line or "")
        self.port = int(m.group(1)) if m else None
        check(f"{shlex.join(argv)}: first line {line!r} is `Listening on http://127.0.0.1:PORT`"
              f" (stderr {''.join(self.err)[-2000:]!r})", m is not None)

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def rss_kb(self):
        for line in pathlib.Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

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


# --- raw HTTP/1.1 over sockets -------------------------------------------------------------

class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def __repr__(self):
        keep = {k: v for k, v in self.headers.items() if k not in ("date", "server")}
        return f"<{self.status} {keep} {self.body[:120]!r}>"


def read_response(sock, buf):
    """Reads one response from sock (buf: bytes already received). Returns (Response or None if
    the connection ended first, the bytes after it, closed: the peer closed or reset)."""
    def more():
        try:
            chunk = sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            return None
        except socket.timeout:
            raise
        return chunk or None

    while b"\r\n\r\n" not in buf:
        chunk = more()
        if chunk is None:
            return None, buf, True
        buf += chunk
    head, buf = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/1\.[01] (\d{3})", lines[0])
    if not m:
        raise ValueError(f"bad status line {lines[0]!r}")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    status = int(m.group(1))
    if status == 100:  # an interim response: the real one follows
        return read_response(sock, buf)
    if "content-length" in headers:
        n = int(headers["content-length"])
        while len(buf) < n:
            chunk = more()
            if chunk is None:
                return Response(status, headers, buf), b"", True
            buf += chunk
        return Response(status, headers, buf[:n]), buf[n:], False
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            while b"\r\n" not in buf:
                chunk = more()
                if chunk is None:
                    return Response(status, headers, body), b"", True
                buf += chunk
            size_line, buf = buf.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            while len(buf) < size + 2:
                chunk = more()
                if chunk is None:
                    return Response(status, headers, body), b"", True
                buf += chunk
            if size == 0:
                # trailers are not expected; the final CRLF was read with the size
                return Response(status, headers, body), buf[2:], False
            body, buf = body + buf[:size], buf[size + 2:]
    if status in (204, 304) or 100 <= status < 200:
        return Response(status, headers, b""), buf, False
    # No length: the body runs to the close.
    while True:
        chunk = more()
        if chunk is None:
            return Response(status, headers, buf), b"", True
        buf += chunk


def closes(sock, buf=b""):
    """True when the server closes the connection (within WAIT) without sending more."""
    if buf:
        return False
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def request(method, target, body=None, headers=(), version="HTTP/1.1"):
    lines = [f"{method} {target} {version}", "Host: 127.0.0.1"]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    lines += list(headers)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


# --- the malformed-request flood --------------------------------------------------------------
# Each case sends one or more requests on a new connection and returns a list of problems.

class Tally:
    """Statuses seen by the flood, per case, and the problems found (a few kept per case)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = {}  # case -> {status or None: count}
        self.problems = {}  # case -> [first few problems]
        self.problem_count = {}
        self.runs = {}

    def add(self, case, statuses, problems):
        with self.lock:
            self.runs[case] = self.runs.get(case, 0) + 1
            for s in statuses:
                per = self.statuses.setdefault(case, {})
                per[s] = per.get(s, 0) + 1
            if problems:
                self.problem_count[case] = self.problem_count.get(case, 0) + len(problems)
                kept = self.problems.setdefault(case, [])
                kept.extend(problems[:3 - len(kept)])


def exchange(port, data, want, *, close=False, shut=False, none_ok=False):
    """Sends data on a new connection, reads one response: ([status], problems). want: the
    statuses allowed; close: the server must close after it (framing lost); shut: half-close
    after sending (a truncated request); none_ok: a close without a response is allowed."""
    with connect(port) as s:
        try:
            s.sendall(data)
            if shut:
                s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer and close before reading it all: read what it said
        try:
            r, rest, closed = read_response(s, b"")
        except socket.timeout:
            return [None], [f"{data[:60]!r}: no response and no close within {WAIT}s"]
        except ValueError as e:
            return [None], [f"{data[:60]!r}: {e}"]
        if r is None:
            # A reset here can also mean the server closed with unread input and the kernel's
            # RST overtook its answer (no lingering close): the client never sees the status.
            return [None], ([] if none_ok else [f"{data[:60]!r}: closed or reset, no response"])
        problems = []
        if r.status not in want:
            problems.append(f"{data[:60]!r}: {r.status}, want one of {sorted(want)}: {r!r}")
        if close and not closed and not closes(s, rest):
            problems.append(f"{data[:60]!r}: {r.status}, the connection stays open after it")
        return [r.status], problems


def case_truncated_head(port, rng):
    data = request("GET", "/tasks")[:rng.randrange(1, 30)]
    return exchange(port, data, {400, 408}, shut=True, none_ok=True, close=True)


def case_truncated_body(port, rng):
    data = request("POST", "/tasks", b'{"title": "truncated"}')[:-rng.randrange(1, 10)]
    return exchange(port, data, {400, 408}, shut=True, none_ok=True, close=True)


def case_garbage(port, rng):
    data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 2000))) + b"\r\n\r\n"
    return exchange(port, data, {400}, none_ok=True, close=True)


def case_huge_header(port, rng):
    big = "a" * rng.randrange(8 * 1024 + 1, 64 * 1024)
    return exchange(port, request("GET", "/tasks", headers=[f"X-Big: {big}"]), {431})


def case_many_headers(port, rng):
    hs = [f"X-H{i}: {'v' * 60}" for i in range(200)]  # ~13 KiB in all
    return exchange(port, request("GET", "/tasks", headers=hs), {431})


def case_long_target(port, rng):
    target = "/tasks?status=" + "x" * rng.randrange(9 * 1024, 20 * 1024)
    return exchange(port, request("GET", target), {414, 431})


def case_bad_json(port, rng):
    """A 400 for the body keeps the framing: the connection serves the next request."""
    body = rng.choice([b'{"title": ', b"not json", b"", b'{"title": "\xff"}', b"NaN",
                       b'{"title": Infinity}', b"\x00\x01\x02", b'{"title": "x"}}'])
    with connect(port) as s:
        s.sendall(request("POST", "/tasks", body) + request("GET", "/tasks?limit=1"))
        try:
            r1, rest, closed = read_response(s, b"")
            r2 = read_response(s, rest)[0] if r1 and not closed else None
        except (socket.timeout, ValueError) as e:
            return [None], [f"bad JSON {body!r}: {e}"]
    problems = []
    if r1 is None or r1.status != 400 or json.loads(r1.body or b"null") != {"error": "Invalid JSON"}:
        problems.append(f"bad JSON {body!r}: {r1!r}, want 400 Invalid JSON")
    if r2 is None or r2.status != 200:
        problems.append(f"bad JSON {body!r}: the next request on the connection got {r2!r}")
    return [r.status for r in (r1, r2) if r], problems


def case_wrong_shape(port, rng):
    body, want = rng.choice([(b"[1, 2]", "JSON object expected"), (b'"x"', "JSON object expected"),
                             (b'{"title": "  "}', "title is required"),
                             (b'{"title": 5}', "title must be a string"),
                             (b"{}", "title is required")])
    with connect(port) as s:
        s.sendall(request("POST", "/tasks", body))
        try:
            r = read_response(s, b"")[0]
        except (socket.timeout, ValueError) as e:
            return [None], [f"{body!r}: {e}"]
    if r is None or r.status != 422 or json.loads(r.body or b"null") != {"error": want}:
        return [r and r.status], [f"{body!r}: {r!r}, want 422 {want!r}"]
    return [r.status], []


def case_length_and_chunked(port, rng):
    data = (b"POST /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
            b'f\r\n{"title": "cl"}\r\n0\r\n\r\n')
    return exchange(port, data, {400}, close=True)


def case_bad_length(port, rng):
    value = rng.choice(["abc", "-1", "1.5", "0x10", "99999999999999999999999", "5, 6", ""])
    data = (f"POST /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {value}\r\n\r\n{{}}").encode()
    return exchange(port, data, {400}, close=True)


def case_two_lengths(port, rng):
    data = (b"POST /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n"
            b"Content-Length: 3\r\n\r\n{}")
    return exchange(port, data, {400}, close=True)


def case_over_max_body(port, rng):
    """The 413 must come before the body is read: none is sent."""
    n = MAX_BODY + rng.randrange(1, 10 * MAX_BODY)
    data = (f"POST /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {n}\r\n\r\n").encode()
    return exchange(port, data, {413}, close=True)


def case_bad_chunk(port, rng):
    data = (b"POST /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"zz\r\n{}\r\n0\r\n\r\n")
    return exchange(port, data, {400}, close=True)


def case_http2(port, rng):
    return exchange(port, request("GET", "/tasks", version="HTTP/2.0"), {505})


def case_h2_preface(port, rng):
    return exchange(port, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", {400, 505}, none_ok=True)


def case_bad_request_line(port, rng):
    data = rng.choice([b"GET\r\n\r\n", b"GET /tasks HTTP/1.1 extra\r\nHost: x\r\n\r\n",
                       b"GET /tasks HTTQ/1.1\r\nHost: x\r\n\r\n", b" / HTTP/1.1\r\n\r\n",
                       b"GET /tasks HTTP/1.1\r\nNo colon here\r\n\r\n",
                       b"GET /tasks HTTP/1.1\r\nX-Nul: a\x00b\r\n\r\n",
                       b"G\x01T /tasks HTTP/1.1\r\n\r\n"])
    return exchange(port, data, {400}, none_ok=True, close=True)


def case_chunked_post(port, rng):
    """A well-formed chunked body is a request like any other."""
    title = f"chunked {rng.randrange(10**9)}"
    body = json.dumps({"title": title}).encode()
    cut = rng.randrange(1, len(body))
    data = (b"POST /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n" +
            b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (cut, body[:cut], len(body) - cut, body[cut:]))
    statuses, problems = exchange(port, data, {201})
    return statuses, problems


def case_pipelined(port, rng):
    n = rng.randrange(2, 8)
    with connect(port) as s:
        s.sendall(request("GET", "/tasks?limit=1") * n)
        got, rest = [], b""
        try:
            for _ in range(n):
                r, rest, closed = read_response(s, rest)
                if r is None:
                    break
                got.append(r.status)
        except (socket.timeout, ValueError) as e:
            return got, [f"pipelined: {e}"]
    return got, [] if got == [200] * n else [f"{n} pipelined GETs: statuses {got}"]


def case_http10(port, rng):
    return exchange(port, request("GET", "/tasks?limit=1", version="HTTP/1.0"), {200})


CASES = [case_truncated_head, case_truncated_body, case_garbage, case_huge_header,
         case_many_headers, case_long_target, case_bad_json, case_wrong_shape,
         case_length_and_chunked, case_bad_length, case_two_lengths, case_over_max_body,
         case_bad_chunk, case_http2, case_h2_preface, case_bad_request_line, case_chunked_post,
         case_pipelined, case_http10]


def flood(port, seed, stop, tally):
    rng = random.Random(seed)
    order = []
    while not stop.is_set() or order:  # every case at least once per thread, then random
        if not order:
            if stop.is_set():
                break
            order = CASES[:]
            rng.shuffle(order)
        case = order.pop()
        name = case.__name__[5:]
        try:
            statuses, problems = case(port, rng)
        except OSError as e:
            statuses, problems = [None], [f"{type(e).__name__}: {e}"]
        tally.add(name, statuses, problems)


def slowloris(port, stop, tally):
    """Trickles a request's header bytes while the load runs, then completes it: a slow client
    that keeps sending is served (within the 10 s header timeout) and costs no one else."""
    start = time.monotonic()
    problems, statuses = [], []
    try:
        with connect(port) as s:
            s.sendall(b"GET /tasks?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            header = b"X-Slow: " + b"z" * 200 + b"\r\n"
            i = 0
            while not stop.is_set() and i < len(header) and time.monotonic() - start < 6:
                s.sendall(header[i:i + 1])
                i += 1
                # Pacing the client (one byte each 100 ms, as slowloris does), not a wait for
                # the server.
                time.sleep(0.1)
            s.sendall(header[i:] + b"\r\n")
            try:
                r = read_response(s, b"")[0]
            except (socket.timeout, ValueError) as e:
                r = None
                problems.append(f"slowloris: {e}")
            statuses.append(r.status if r else None)
            took = time.monotonic() - start
            # Within the header timeout (10 s) the request is served; past it a 408 or a close.
            allowed = {200} if took < 9.5 else {200, 408, None}
            if (r.status if r else None) not in allowed:
                problems.append(f"slowloris after {took:.1f}s: {r!r}, want {allowed}")
    except OSError as e:
        problems.append(f"slowloris: {type(e).__name__}: {e}")
    tally.add("slowloris", statuses, problems)


# --- the load ---------------------------------------------------------------------------------

def parse_wrk(out):
    """(requests, non-2xx/3xx, socket errors dict, status counts from done())."""
    m = re.search(r"(\d+) requests in", out)
    requests = int(m.group(1)) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    non2xx = int(m.group(1)) if m else 0
    errors = {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errors = dict(zip(errors, map(int, m.groups())))
    m = re.search(r"^STATUS (\{.*\})$", out, re.M)
    counts = {int(k): v for k, v in json.loads(m.group(1)).items()} if m else None
    return requests, non2xx, errors, counts


def http(port, method, target, body=None):
    with connect(port) as s:
        s.sendall(request(method, target, body))
        return read_response(s, b"")[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kit")
    ap.add_argument("--server-cmd", help="runs this instead of `KIT serve` (a stand-in)")
    ap.add_argument("--wrk", default="wrk")
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--flooders", type=int, default=6)
    ap.add_argument("--slowloris", type=int, default=16)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    args = ap.parse_args()
    cmd = shlex.split(args.server_cmd) if args.server_cmd else [args.kit, "serve"]
    start = time.monotonic()
    print(f"serve_robustness: seed {args.seed}")

    scratch = pathlib.Path(tempfile.mkdtemp(prefix="kit-serve-robust-"))
    lua = scratch / "mix.lua"
    lua.write_text(WRK_LUA)
    # ASan keeps freed memory in quarantine (256 MB by default), which would read as growth.
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "quarantine_size_mb=16"]))
    server = Server([*cmd, "-p", "0", "--db", str(scratch / "tasks.db"), "--access-log", "off",
                     "--max-body", "1MiB"], env=env)
    if server.port is None:
        server.stop(signal.SIGKILL)
        return harness.report("serve_robustness", start)
    port = server.port
    try:
        run(args, server, port, lua)
    except OSError as e:  # the server went away: the checks so far and its stderr say why
        check(f"{type(e).__name__}: {e} (server exit {server.proc.poll()}, stderr "
              f"{brief(''.join(server.err))!r})", False)
    finally:
        code = server.stop()  # SIGTERM, then SIGKILL past WAIT
        check_equal("SIGTERM after the flood: exit status", code, 0)
        err = "".join(server.err)
        check(f"no sanitizer report on stderr: {brief(err)!r}", "Sanitizer" not in err)
        for p in scratch.iterdir():
            p.unlink()
        scratch.rmdir()
    return harness.report("serve_robustness", start)


def run(args, server, port, lua):
    preloaded = {}
    with connect(port) as s:
        rest = b""
        for i in range(PRELOAD):
            s.sendall(request("POST", "/tasks", json.dumps({"title": f"task {i}"}).encode()))
            r, rest, _ = read_response(s, rest)
            if not check(f"preload POST {i}: {r!r}", r is not None and r.status == 201):
                return
            preloaded[json.loads(r.body)["id"]] = f"task {i}"

    # Warm-up (thread pools, caches, the allocator's first arenas), then the RSS baseline.
    subprocess.run([args.wrk, "-t2", f"-c{args.connections}", "-d1s", f"http://127.0.0.1:{port}/tasks"],
                   capture_output=True, timeout=WAIT, check=False)
    rss_before = server.rss_kb()

    stop, tally = threading.Event(), Tally()
    wrk = subprocess.Popen([args.wrk, "-t2", f"-c{args.connections}", f"-d{args.seconds}s",
                            "--latency", "-s", str(lua), f"http://127.0.0.1:{port}/tasks"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    workers = [threading.Thread(target=flood, args=(port, args.seed + i, stop, tally))
               for i in range(args.flooders)]
    workers += [threading.Thread(target=slowloris, args=(port, stop, tally))
                for _ in range(args.slowloris)]
    for t in workers:
        t.start()
    try:
        out, _ = wrk.communicate(timeout=args.seconds + WAIT)
    except subprocess.TimeoutExpired:
        wrk.kill()
        out = wrk.communicate()[0]
        check("wrk ended in time", False)
    stop.set()
    for t in workers:
        t.join(WAIT)
        check("a flood thread ended in time", not t.is_alive())
    rss_after = server.rss_kb()
    check(f"the server is still running (exit {server.proc.poll()})", server.proc.poll() is None)

    # The load.
    requests, non2xx, errors, counts = parse_wrk(out)
    print(out.rstrip())
    print(f"wrk: {requests} requests, non-2xx/3xx {non2xx}, socket errors {errors}, statuses {counts}")
    check(f"wrk ran ({requests} requests)", requests > 0)
    if check(f"wrk's done() printed the statuses: {out[-500:]!r}", counts is not None):
        ok = counts.get(200, 0) + counts.get(201, 0)
        check(f"load: {ok} of {sum(counts.values())} responses 200/201, want >= 99%",
              ok >= 0.99 * max(requests, sum(counts.values())))
        check(f"load: no 5xx ({counts})", not any(s >= 500 for s in counts))
    check(f"load: non-2xx/3xx {non2xx} <= 1% of {requests}", non2xx <= 0.01 * requests)
    check(f"load: no connect/read/write socket errors ({errors})",
          errors["connect"] + errors["read"] + errors["write"] == 0)
    check(f"load: timeouts {errors['timeout']} <= 1% of {requests}", errors["timeout"] <= 0.01 * requests)

    # The flood.
    print("flood (case: statuses):")
    for case in sorted(tally.runs):
        print(f"  {case:22} {tally.runs[case]:5} runs  {tally.statuses.get(case, {})}")
    for case in [c.__name__[5:] for c in CASES] + ["slowloris"]:
        check(f"flood case {case} ran", tally.runs.get(case, 0) > 0)
    for case, problems in sorted(tally.problems.items()):
        check(f"flood case {case}: {tally.problem_count[case]} problems, first: {problems}", False)
    for case, per in sorted(tally.statuses.items()):
        bad = {s: n for s, n in per.items() if s is not None and s >= 500 and not (s == 505 and case in ("http2", "h2_preface"))}
        check(f"flood case {case}: no 5xx ({bad})", not bad)

    # Memory: bounded growth over the flood (the baseline is after a warm-up).
    print(f"RSS: {rss_before} kB before the load and flood, {rss_after} kB after")
    check(f"RSS grew {rss_after - rss_before} kB under load, want < 64 MiB",
          rss_after - rss_before < 64 * 1024)

    # Afterwards: a normal exchange, byte for byte.
    r = http(port, "POST", "/tasks", json.dumps({"title": "  after the flood  "}).encode())
    if check(f"POST after the flood: {r!r}", r is not None and r.status == 201):
        task = json.loads(r.body)
        check_equal("POST after the flood: body", task,
                    {"id": task.get("id"), "title": "after the flood", "status": "pending"})
        check(f"POST after the flood: id {task.get('id')} is new", task.get("id") not in preloaded)
        check_equal("POST after the flood: content-type", r.headers.get("content-type"),
                    "application/json")
        check(f"X-Process-Time {r.headers.get('x-process-time')!r} is `N.NNms`",
              re.fullmatch(r"\d+\.\d\dms", r.headers.get("x-process-time", "")) is not None)
        one = http(port, "GET", f"/tasks/{task['id']}")
        check(f"GET /tasks/{task['id']}: {one!r}", one is not None and one.status == 200
              and json.loads(one.body) == task)
    r = http(port, "GET", "/tasks")
    if check(f"GET /tasks after the flood: {r!r}", r is not None and r.status == 200):
        listing = json.loads(r.body)
        check_equal("GET /tasks: count", listing["count"], len(listing["tasks"]))
        have = {t["id"]: t["title"] for t in listing["tasks"]}
        check("GET /tasks: the 100 preloaded tasks are all there, unchanged",
              all(have.get(i) == t for i, t in preloaded.items()))
        ids = [t["id"] for t in listing["tasks"]]
        check("GET /tasks: in id order", ids == sorted(ids))


if __name__ == "__main__":
    sys.exit(main())
