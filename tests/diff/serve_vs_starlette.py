#!/usr/bin/env python3
"""kit serve against the seed's Task Manager API (tests/diff/serve_seed_app.py, tasks_api.py
unchanged) run through Starlette's TestClient, on one random stream of calls.

The reference runs in this process: the seed app behind TestClient(raise_server_exceptions=False),
so a crash of the seed is a 500 answer, not an exception. kit runs as
`kit serve --db :memory: -p 0 --access-log off`, started here (readiness: its first stdout line,
`Listening on http://HOST:PORT`), and is driven over one HTTP/1.1 keep-alive connection with
http.client. Every call goes to both sides with the same request target and body bytes (the
target is the one httpx's Request holds, so both see identical bytes), and their answers are
compared: status, content type, the body bytes (kit must send Starlette's JSONResponse bytes:
compact, non-ASCII raw), the parsed JSON, the text of text errors, the redirect target.

Both sides run the same stream and ids are never reused, so the two task stores stay equal.
Where the contract (HELPERS.md, `kit serve`) departs from the seed, one named rule below says
what kit must answer instead (RULES); every rule also states what the seed does there (its
premise), checked too, so a rule cannot hide a difference it was not written for. Where the
seed changed its state before answering differently (PUT applies "status" before it crashes on
a bad title; NaN in a body is accepted), kit changes nothing, and the reference is put back
as it was before the call (resync, below).

Any other difference fails the run: it prints the first ones, a count by kind and a minimal
reproduction (the shortest replay on fresh servers that still shows it: the call alone, then the
call after the creates and the calls on its id, then the whole prefix). After a difference on a
write both sides start again from empty stores, so that one bug does not fail every later call.

usage: serve_vs_starlette.py --kit PATH [--seed N] [--count N] [--server-cmd CMD] [--self-test]
       serve_vs_starlette.py --standin-server [kit serve options]    (the seed on uvicorn)
       serve_vs_starlette.py --contract-server [kit serve options]   (the contract on uvicorn)

--server-cmd replaces `KIT serve` (the options above are appended). Two stand-ins check this
harness without kit, both behind the seed's TimingMiddleware on uvicorn:
  --server-cmd "/usr/bin/python3 tests/diff/serve_vs_starlette.py --standin-server" --self-test
    the seed itself: every answer must be the reference's (the rules are only counted; without
    --self-test every rule fires and fails, which shows they do);
  --server-cmd "/usr/bin/python3 tests/diff/serve_vs_starlette.py --contract-server"
    the contract written on Starlette (contract_app): every difference must be explained.

Exit status: 0 when every difference is explained by a rule, 1 otherwise, 2 on a usage or
start-up error.
"""
import os
import sys

REFERENCE_PYTHON = "/usr/bin/python3"


def _run_under_reference_python():
    """Starlette 0.26.1, httpx and uvicorn are Debian's, for /usr/bin/python3 only."""
    try:
        import starlette  # noqa: F401
        import httpx  # noqa: F401
        return
    except ImportError:
        pass
    if (os.path.exists(REFERENCE_PYTHON)
            and os.path.realpath(sys.executable) != os.path.realpath(REFERENCE_PYTHON)):
        os.execv(REFERENCE_PYTHON, [REFERENCE_PYTHON, os.path.abspath(__file__), *sys.argv[1:]])
    sys.exit("starlette and httpx are not installed for /usr/bin/python3 "
             "(Debian packages python3-starlette python3-httpx)")


_run_under_reference_python()

import argparse  # noqa: E402
import collections  # noqa: E402
import copy  # noqa: E402
import http.client  # noqa: E402
import importlib.util  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import select  # noqa: E402
import shlex  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import string  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.parse  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SEED_FILE = os.path.join(HERE, "serve_seed_app.py")
WAIT = 30  # seconds: the bound of every wait for the server
PROCESS_TIME = re.compile(r"\d+\.\d\dms")


def load_seed(name="serve_seed_app"):
    """A fresh copy of the seed module (its own `tasks` and `_next_id`)."""
    spec = importlib.util.spec_from_file_location(name, SEED_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ----- the stand-in server: the seed on uvicorn, behind the seed's own TimingMiddleware

def run_standin(argv, contract=False):
    """Serves the seed as `kit serve` would be started: the `Listening on` line, the access log
    lines of the seed's TimingMiddleware (stdout, a file, or off), SIGTERM -> exit 0. The
    other kit serve options (--db, --max-body, ...) are accepted and ignored.
    contract: serve contract_app() instead of the seed."""
    import uvicorn
    from starlette.middleware.base import BaseHTTPMiddleware

    parser = argparse.ArgumentParser(prog="serve_vs_starlette.py --standin-server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=8000)
    parser.add_argument("--access-log", default="-")
    args, _ = parser.parse_known_args(argv)
    log = None
    if args.access_log == "-":
        log = sys.stdout
    elif args.access_log != "off":
        log = open(args.access_log, "a", encoding="utf-8")

    class TimingMiddleware(BaseHTTPMiddleware):  # the seed's middleware_example.py
        async def dispatch(self, request, call_next):
            start = time.perf_counter()
            response = await call_next(request)
            elapsed_ms = (time.perf_counter() - start) * 1000
            response.headers["X-Process-Time"] = f"{elapsed_ms:.2f}ms"
            if log is not None:
                print(f"{request.method} {request.url.path} -- {response.status_code} in "
                      f"{elapsed_ms:.2f}ms", file=log, flush=True)
            return response

    app = contract_app() if contract else load_seed().app
    app.add_middleware(TimingMiddleware)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    sock.listen(1024)  # connections wait in the backlog until uvicorn's loop runs
    print(f"Listening on http://{args.host}:{sock.getsockname()[1]}", flush=True)
    config = uvicorn.Config(app, access_log=False, log_level="warning", lifespan="off")
    uvicorn.Server(config).run(sockets=[sock])
    return 0


def contract_app():
    """The contract (HELPERS.md) written on Starlette: the seed's app with every divergence
    rule applied. Served by --contract-server, a kit that follows the contract exactly, so a
    run against it must pass: it checks the rules, the resync and the comparisons themselves."""
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.responses import JSONResponse, PlainTextResponse
    from starlette.routing import Route

    tasks, next_id = {}, [1]

    async def body_of(request):
        value = parse_body(await request.body())  # RecursionError: BAD_JSON
        if value is BAD_JSON or value is NAN:
            return None, JSONResponse(error("Invalid JSON"), status_code=400)
        if not isinstance(value, dict):
            return None, JSONResponse(error("JSON object expected"), status_code=422)
        return value, None

    async def list_tasks(request):
        params = request.query_params
        for name in ("limit", "offset"):
            if name in params and not re.fullmatch(r"[0-9]+", params[name]):
                return JSONResponse(error(f"{name} must be a non-negative integer"), 422)
        status = params.get("status")
        items = [t for t in tasks.values() if not status or t["status"] == status]
        items = items[int(params.get("offset", "0")):]
        if "limit" in params:
            items = items[:int(params["limit"])]
        return JSONResponse({"tasks": items, "count": len(items)})

    async def create_task(request):
        body, bad = await body_of(request)
        if bad:
            return bad
        title = body.get("title")
        if title and not isinstance(title, str):
            return JSONResponse(error("title must be a string"), status_code=422)
        title = (title or "").strip()
        if not title:
            return JSONResponse(error("title is required"), status_code=422)
        task = {"id": next_id[0], "title": title, "status": "pending"}
        tasks[next_id[0]] = task
        next_id[0] += 1
        return JSONResponse(task, status_code=201)

    async def get_task(request):
        task = tasks.get(request.path_params["task_id"])
        if task is None:
            return JSONResponse(error("Task not found"), status_code=404)
        return JSONResponse(task)

    async def update_task(request):
        task_id = request.path_params["task_id"]
        if task_id not in tasks:
            return JSONResponse(error("Task not found"), status_code=404)
        body, bad = await body_of(request)
        if bad:
            return bad
        if "status" in body and not isinstance(body["status"], str):
            return JSONResponse(error("status must be a string"), status_code=422)
        if "title" in body:
            if not isinstance(body["title"], str):
                return JSONResponse(error("title must be a string"), status_code=422)
            if not body["title"].strip():
                return JSONResponse(error("title is required"), status_code=422)
        if "status" in body:
            tasks[task_id]["status"] = body["status"]
        if "title" in body:
            tasks[task_id]["title"] = body["title"].strip()
        return JSONResponse(tasks[task_id])

    async def delete_task(request):
        task_id = request.path_params["task_id"]
        if task_id not in tasks:
            return JSONResponse(error("Task not found"), status_code=404)
        return JSONResponse({"deleted": tasks.pop(task_id)})

    async def method_not_allowed(request, exc):
        r = route(request.url.path)
        allow = "GET, HEAD, POST" if r and r[0] == "tasks" else "GET, HEAD, PUT, DELETE"
        return PlainTextResponse("Method Not Allowed", status_code=405, headers={"Allow": allow})

    async def http_error(request, exc):
        if exc.status_code == 405:
            return await method_not_allowed(request, exc)
        return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)

    return Starlette(routes=[
        Route("/tasks", list_tasks, methods=["GET"]),
        Route("/tasks", create_task, methods=["POST"]),
        Route("/tasks/{task_id:int}", get_task, methods=["GET"]),
        Route("/tasks/{task_id:int}", update_task, methods=["PUT"]),
        Route("/tasks/{task_id:int}", delete_task, methods=["DELETE"]),
    ], exception_handlers={HTTPException: http_error})


# ----- the two sides

class KitServer:
    """`SERVER_CMD --db :memory: -p 0 --access-log off` on 127.0.0.1, one keep-alive connection."""

    def __init__(self, server_cmd):
        self.argv = [*server_cmd, "--db", ":memory:", "-p", "0", "--access-log", "off"]
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        self.err = []
        threading.Thread(target=self._drain, args=(self.proc.stderr, self.err), daemon=True).start()
        line = self._first_line()
        m = re.fullmatch(rb"Listening on http://([0-9.]+):(\d+)\n", line)
        if not m:
            self.stop()
            raise RuntimeError(f"{shlex.join(self.argv)}: first stdout line {line!r}, want "
                               f"'Listening on http://HOST:PORT'; stderr {self.stderr()!r}")
        self.host, self.port = m.group(1).decode(), int(m.group(2))
        threading.Thread(target=self._drain, args=(self.proc.stdout, []), daemon=True).start()
        self.conn = None

    def _first_line(self):
        """The first stdout line, read byte by byte as it comes (polling, bounded by WAIT)."""
        fd, line, deadline = self.proc.stdout.fileno(), b"", time.monotonic() + WAIT
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                break
            byte = os.read(fd, 1)
            if not byte:
                break
            line += byte
        return line

    @staticmethod
    def _drain(stream, into):
        for chunk in iter(lambda: stream.read1(65536), b""):
            into.append(chunk)

    def stderr(self):
        return b"".join(self.err).decode("utf-8", "replace")

    def excerpt(self, lines=30):
        """The start of a sanitizer report (or the end of stderr), each line cut at 160."""
        text = self.stderr()
        at = text.find("ERROR: ")
        chosen = text[at:].splitlines()[:lines] if at >= 0 else text.splitlines()[-lines:]
        return "\n".join("  " + (x if len(x) <= 160 else x[:160] + "...") for x in chosen)

    def request(self, method, target, body, ctype="application/json"):
        """(status, {lower-case header: value}, body bytes) on the keep-alive connection."""
        closed = False
        if self.conn is not None and self.conn.sock is not None:
            sock = self.conn.sock  # closed by the server since its last answer?
            if select.select([sock], [], [], 0)[0] and sock.recv(1, socket.MSG_PEEK) == b"":
                self.conn.close()
                self.conn, closed = None, True
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=WAIT)
        conn = self.conn
        conn.putrequest(method, target, skip_accept_encoding=True)
        if body is not None:
            if ctype:
                conn.putheader("Content-Type", ctype)
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        data = resp.read()
        headers = {k.lower(): v for k, v in resp.getheaders()}
        if resp.will_close:
            conn.close()
            self.conn = None
            headers["x-test-closed"] = "1"
        if closed:
            headers["x-test-closed-before"] = "1"
        return resp.status, headers, data

    def stop(self):
        """SIGTERM; the exit status (None if it had to be killed)."""
        if self.conn is not None:
            self.conn.close()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None


class Reference:
    """The seed app through Starlette's TestClient, in this process."""

    def __init__(self):
        import httpx
        from starlette.testclient import TestClient
        self.httpx = httpx
        self.seed = load_seed()
        self.client = TestClient(self.seed.app, raise_server_exceptions=False)
        self.client.__enter__()  # one event loop thread for the whole run

    def close(self):
        self.client.__exit__(None, None, None)  # ends the event loop thread

    def reset(self):
        self.seed.tasks.clear()
        self.seed._next_id = 1

    def build(self, method, target, body, ctype="application/json"):
        """The httpx request, and the request target it carries (what kit is sent too)."""
        headers = {}
        if body is not None:
            headers = {"content-length": str(len(body))}
            if ctype:
                headers["content-type"] = ctype
        url = self.httpx.URL("http://testserver", raw_path=target.encode("ascii"))
        req = self.httpx.Request(method, url, headers=headers, content=body)
        return req, req.url.raw_path.decode("ascii")

    def send(self, req):
        # client.send, not client.request: the latter re-quotes '%' in the query (httpx 0.23).
        resp = self.client.send(req, follow_redirects=False)
        return resp.status_code, {k.lower(): v for k, v in resp.headers.items()}, resp.content


# ----- rendering as Starlette does

def render(obj):
    """Starlette's JSONResponse.render."""
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, indent=None,
                      separators=(",", ":")).encode("utf-8")


def error(message):
    return {"error": message}


# ----- the rules: where kit answers differently from the seed, and why

Rule = collections.namedtuple("Rule", "name premise why")

RULES = {r.name: r for r in [
    # The body is not JSON Python parses (empty, truncated, trailing garbage, a raw control
    # character in a string, invalid UTF-8, a bad number): the seed's request.json() raises,
    # a 500. kit: 400 {"error": "Invalid JSON"} (the tutorial's products API wording).
    Rule("bad-json", {500}, "seed 500 on an unparsable body; kit 400 Invalid JSON"),
    # NaN, Infinity, -Infinity: Python's json accepts them (the seed then answers 201/200/422,
    # or 500 when it renders one back with allow_nan=False); they are not JSON, kit: 400.
    Rule("nan-infinity", None, "Python accepts NaN/Infinity; kit 400 Invalid JSON"),
    # Nesting deeper than Python's recursion limit: json.loads raises RecursionError, a 500.
    # kit: 400 Invalid JSON if its parser bounds the depth, else the answer for the parsed
    # value (422 for the array or for the object without a title, 200 for PUT).
    Rule("deep-nesting", {500}, "seed 500 (RecursionError); kit 400, or the parsed value's answer"),
    # POST with JSON that is not an object: the seed's body.get raises, a 500.
    # kit: 422 {"error": "JSON object expected"}.
    Rule("post-non-object", {500}, "seed 500 on a non-object POST body; kit 422"),
    # PUT with JSON that is not an object: `"status" in body` works on a list or a string, so
    # the seed answers 200 with the task unchanged when neither key is in it, and 500 otherwise
    # (body["status"] on a list, `in` on a number or null). kit: 422 JSON object expected.
    Rule("put-non-object", {200, 500}, "seed 200 or 500 on a non-object PUT body; kit 422"),
    # A truthy non-string title on POST, any non-string title on PUT (None has no .strip()
    # either): the seed's .strip() raises, a 500 (on PUT after it stored "status").
    # kit: 422 {"error": "title must be a string"}, nothing changed.
    Rule("non-string-title", {500}, "seed 500 on title.strip(); kit 422 title must be a string"),
    # PUT with a "status" that is not a string: the seed stores it (200, or 500 when the title
    # is bad too). kit: 422 {"error": "status must be a string"}, nothing changed; checked
    # before the title (the contract's order).
    Rule("put-non-string-status", {200, 500}, "seed stores any status; kit 422"),
    # PUT with a title blank after strip(): the seed stores "" (200). kit: 422
    # {"error": "title is required"}, as POST, nothing changed.
    Rule("put-blank-title", {200}, "seed stores a blank title; kit 422 title is required"),
    # GET and HEAD /tasks/{id:int}: no such route in the seed, whose PUT route matches the path
    # first and answers 405 (Allow: PUT). kit has the route: 200 the task, or 404
    # {"error": "Task not found"} (HEAD: the same without a body).
    Rule("kit-get-task", {405}, "seed 405 (no GET route); kit 200 task or 404"),
    # A method the path has no route for: both 405 "Method Not Allowed", but Starlette's Allow
    # lists the methods of the first route that matched the path only (GET, HEAD for /tasks;
    # PUT for /tasks/{id}); kit lists every method of the path: GET, HEAD, POST for /tasks;
    # GET, HEAD, PUT, DELETE for /tasks/{id}. Compared as sets.
    Rule("allow-all-methods", {405}, "Allow lists every method of the path"),
    # ?limit=&offset= on GET /tasks: kit-only; the seed ignores them. kit: the seed's list
    # sliced [offset:offset+limit] with count = the length of the slice; a value that is not a
    # non-negative integer -> 422 {"error": "limit must be a non-negative integer"} (offset too).
    Rule("limit-offset", {200}, "kit-only ?limit=&offset="),
]}


class Call:
    """One request of the stream; `deep` marks a body nested past Python's recursion limit
    ("array" or "object", what it is made of)."""

    def __init__(self, method, target, body=None, deep=None, note=""):
        self.method, self.target, self.body, self.deep, self.note = method, target, body, deep, note
        # The body's Content-Type: the seed never looks at it, so neither may kit.
        self.ctype = "application/json"

    def __str__(self):
        s = f"{self.method} {self.target}"
        if self.body is not None:
            b = self.body
            if len(b) > 200:
                b = b[:200] + b"...(%d bytes)" % len(self.body)
            s += f" body={b!r}"
        return s + (f"  [{self.note}]" if self.note else "")

    def curl(self, base):
        parts = ["curl", "-si", "-X", self.method]
        if self.body is not None:
            parts += ["-H", f"Content-Type: {self.ctype}", "--data-binary", "@-"]
        line = shlex.join(parts) + f' "{base}"' + shlex.quote(self.target)
        return line + (f"  <<< {self.body[:200]!r}" if self.body is not None else "")


# ----- what the contract says (the rule and kit's answer), from the call and the state before

Expect = collections.namedtuple("Expect", "rule alternatives")  # alternatives: [(status, obj)]

BAD_JSON = object()
NAN = object()


def parse_body(raw):
    """The body as the contract reads it: a value, BAD_JSON or NAN."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return BAD_JSON
    seen = []

    def constant(name):
        seen.append(name)
        return float(name)
    try:
        value = json.loads(text, parse_constant=constant)
    except (ValueError, RecursionError):
        return BAD_JSON
    return NAN if seen else value


def route(path):
    """Starlette's routing of the decoded path: ("tasks",), ("task", id), ("redirect",) or None."""
    if path == "/tasks":
        return ("tasks",)
    m = re.fullmatch(r"/tasks/([0-9]+)", path)
    if m:
        return ("task", int(m.group(1)))
    if path != "/" and path.endswith("/") and route(path.rstrip("/")) is not None:
        return ("redirect",)
    return None


def decoded_path(target):
    return urllib.parse.unquote(target.split("?", 1)[0])


def query_params(target):
    query = target.split("?", 1)[1] if "?" in target else ""
    return dict(urllib.parse.parse_qsl(query, keep_blank_values=True))  # the last one wins


def contract(call, tasks):
    """Expect, or None when kit must answer exactly as the seed."""
    r = route(decoded_path(call.target))
    if r is None or r[0] == "redirect":
        return None
    m = call.method
    if r[0] == "tasks":
        if m not in ("GET", "HEAD", "POST"):
            return Expect("allow-all-methods", [(405, {"GET", "HEAD", "POST"})])
        if m in ("GET", "HEAD"):
            params = query_params(call.target)
            if "limit" not in params and "offset" not in params:
                return None
            for name in ("limit", "offset"):
                if name in params and not re.fullmatch(r"[0-9]+", params[name]):
                    message = f"{name} must be a non-negative integer"
                    return Expect("limit-offset", [(422, error(message))])
            status = params.get("status")
            items = [t for t in tasks.values() if not status or t["status"] == status]
            offset = int(params.get("offset", "0"))
            items = items[offset:]
            if "limit" in params:
                items = items[:int(params["limit"])]
            return Expect("limit-offset", [(200, {"tasks": items, "count": len(items)})])
        return body_contract(call, None)
    task_id = r[1]
    if m in ("GET", "HEAD"):
        if task_id in tasks:
            return Expect("kit-get-task", [(200, tasks[task_id])])
        return Expect("kit-get-task", [(404, error("Task not found"))])
    if m == "PUT":
        if task_id not in tasks:
            return None  # 404 before the body is read, as the seed
        return body_contract(call, tasks[task_id])
    if m == "DELETE":
        return None
    return Expect("allow-all-methods", [(405, {"GET", "HEAD", "PUT", "DELETE"})])


def body_contract(call, task):
    """POST (task None) or PUT on an existing task: the Expect of its body, or None."""
    post = task is None
    if call.deep is not None:
        if call.deep == "array" or not post:
            parsed = (422, error("JSON object expected")) if call.deep == "array" else (200, task)
        else:
            parsed = (422, error("title is required"))
        return Expect("deep-nesting", [(400, error("Invalid JSON")), parsed])
    body = parse_body(call.body or b"")
    if body is BAD_JSON:
        return Expect("bad-json", [(400, error("Invalid JSON"))])
    if body is NAN:
        return Expect("nan-infinity", [(400, error("Invalid JSON"))])
    if not isinstance(body, dict):
        return Expect("post-non-object" if post else "put-non-object",
                      [(422, error("JSON object expected"))])
    if post:
        title = body.get("title")
        if title and not isinstance(title, str):
            return Expect("non-string-title", [(422, error("title must be a string"))])
        return None  # falsy, blank or a good title: kit answers as the seed
    if "status" in body and not isinstance(body["status"], str):
        return Expect("put-non-string-status", [(422, error("status must be a string"))])
    if "title" in body:
        if not isinstance(body["title"], str):
            return Expect("non-string-title", [(422, error("title must be a string"))])
        if not body["title"].strip():
            return Expect("put-blank-title", [(422, error("title is required"))])
    return None


# ----- comparing one answer

def describe(answer):
    status, headers, body = answer
    shown = body if len(body) <= 300 else body[:300] + b"...(%d bytes)" % len(body)
    keep = {k: v for k, v in headers.items()
            if k in ("content-type", "allow", "location", "x-test-closed")}
    return f"{status} {keep} {shown!r}"


def judge(call, ref, got, expect, timing=True):
    """A list of problems with kit's answer `got` (empty: it is right), given the seed's `ref`
    and the contract's Expect (or None). timing: check X-Process-Time."""
    problems = []
    status, headers, body = got
    if timing and not PROCESS_TIME.fullmatch(headers.get("x-process-time", "")):
        problems.append(f"X-Process-Time {headers.get('x-process-time')!r}, want like 0.42ms")
    if "x-test-closed" in headers:
        problems.append("the server closed the keep-alive connection (Connection: close)")
    if "x-test-closed-before" in headers:
        problems.append("the server had closed the keep-alive connection after the previous answer")
    head = call.method == "HEAD"
    if head and body:
        problems.append(f"HEAD answered with a body of {len(body)} bytes")

    if expect is None:
        rstatus, rheaders, rbody = ref
        if status != rstatus:
            return problems + [f"status {status}, want {rstatus} (the seed's)"]
        if rstatus == 307:
            want = urllib.parse.urlsplit(rheaders.get("location", ""))
            have = urllib.parse.urlsplit(headers.get("location", ""))
            unquote = urllib.parse.unquote  # Starlette's Location has the decoded path
            if (unquote(have.path), have.query) != (unquote(want.path), want.query):
                problems.append(f"Location {headers.get('location')!r}, want the path and query of "
                                f"{rheaders.get('location')!r}")
            return problems
        rtype = rheaders.get("content-type", "")
        if rtype == "application/json":
            if headers.get("content-type") != "application/json":
                problems.append(f"content-type {headers.get('content-type')!r}, "
                                "want application/json")
            if not head and body != rbody:
                problems.append(json_difference(body, rbody))
        elif rtype.startswith("text/plain"):
            if not headers.get("content-type", "").startswith("text/plain"):
                problems.append(f"content-type {headers.get('content-type')!r}, want text/plain")
            if not head and body != rbody:
                problems.append(f"text {body[:200]!r}, want {rbody!r}")
        elif not head and body != rbody:
            problems.append(f"body {body[:200]!r}, want {rbody[:200]!r}")
        return problems

    # A rule: kit's answer is one of its alternatives.
    tries = []
    for want_status, want in expect.alternatives:
        p = []
        if status != want_status:
            p.append(f"status {status}, want {want_status}")
        elif want_status == 405:
            if not headers.get("content-type", "").startswith("text/plain") or \
                    (not head and body != b"Method Not Allowed"):
                p.append(f"405 {headers.get('content-type')!r} {body[:100]!r}, want text/plain "
                         "'Method Not Allowed'")
            allow = {m.strip() for m in headers.get("allow", "").split(",") if m.strip()}
            if allow != want:
                p.append(f"Allow {headers.get('allow')!r}, want {', '.join(sorted(want))}")
        else:
            if headers.get("content-type") != "application/json":
                p.append(f"content-type {headers.get('content-type')!r}, want application/json")
            if not head and body != render(want):
                p.append(json_difference(body, render(want)))
        if not p:
            return problems
        tries.append("; ".join(p))
    return problems + [f"rule {expect.rule}: " + " | or: ".join(tries)]


def json_difference(body, want):
    try:
        have, wanted = json.loads(body), json.loads(want)
    except ValueError:
        return f"body {body[:300]!r}, want {want[:300]!r}"
    if have != wanted:
        return f"JSON {body[:300]!r}, want {want[:300]!r}"
    return f"JSON equal but bytes differ: {body[:300]!r}, want Starlette's {want[:300]!r}"


# ----- generating calls

WORDS = ["buy milk", "Write report", "call mom", "fix bug #42", "review PR", "a", "x" * 3,
         "Déjà vu", "naïve café", "日本語のタスク", "задача", "مهمة", "emoji 🚀 launch", "𝔘𝔫𝔦",
         'quote " and \\ backslash', "slash / and <html> & amp", "tab\tinside", "new\nline",
         "ctl \x01\x1f\x7f", "zero\u200bwidth", "bom\ufeffinside", "line\u2028sep", "nul\x00byte"]
# What Python's str.strip() removes (str.isspace) ...
SPACES = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85", "\xa0",
          "\u1680", "\u2000", "\u2007", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000"]
# ... and what it keeps (not whitespace to Python, though some look like it).
NOT_SPACES = ["\u200b", "\ufeff", "\u180e", "\x00", "\x08"]
STATUSES = ["pending", "done", "in progress", "in-progress", "Done", "a+b", "a&b", "x=y",
            "100%", "über", "完了", "🚀", "", " ", "pending "]
FALSY = [None, False, 0, 0.0, "", [], {}]
TRUTHY_NON_STRINGS = [1, -1, 2.5, True, [1], ["title"], {"a": 1}, [""], 99999999999999999999]
NON_STRINGS = FALSY + TRUTHY_NON_STRINGS


class Generator:
    def __init__(self, rng, reference):
        self.rng, self.ref = rng, reference

    def tasks(self):
        return self.ref.seed.tasks

    # -- pieces

    def title(self):
        rng = self.rng
        r = rng.random()
        if r < 0.5:
            t = rng.choice(WORDS)
        elif r < 0.6:
            n = rng.randint(1000, 20000)
            t = "".join(rng.choice("abcdefghij klmnop😀é\u00a0") for _ in range(n))
        else:
            t = rng.choice(WORDS) + " " + str(rng.randint(0, 10**6))
        if rng.random() < 0.4:  # whitespace around, removed by strip()
            t = "".join(rng.choices(SPACES, k=rng.randint(1, 3))) + t + \
                "".join(rng.choices(SPACES, k=rng.randint(0, 3)))
        if rng.random() < 0.1:  # kept by strip()
            t = rng.choice(NOT_SPACES) + t + rng.choice(NOT_SPACES)
        return t

    def blank(self):
        return "".join(self.rng.choices(SPACES, k=self.rng.randint(0, 4)))

    def encode(self, obj):
        """JSON text as a client might send it: ASCII-escaped or raw, compact or spaced."""
        rng = self.rng
        text = json.dumps(obj, ensure_ascii=rng.random() < 0.4,
                          separators=rng.choice([(",", ":"), (", ", ": "), (" ,", " : ")]))
        if rng.random() < 0.2:
            text = rng.choice([" ", "\n", "\t", "\r\n"]) + text + rng.choice(["", " ", "\n"])
        return text.encode("utf-8")

    def percent(self, s, safe=""):
        """Percent-encodes s, each character randomly: upper or lower hex, or kept if safe."""
        out = []
        for ch in s:
            if ch in safe and self.rng.random() < 0.7:
                out.append(ch)
            else:
                hexes = "".join(f"%{b:02X}" for b in ch.encode("utf-8"))
                out.append(hexes.lower() if self.rng.random() < 0.2 else hexes)
        return "".join(out)

    def encode_value(self, v):
        rng = self.rng
        r = rng.random()
        if r < 0.4:
            return urllib.parse.quote(v, safe="")
        if r < 0.7:
            return urllib.parse.quote_plus(v, safe="")
        return self.percent(v, safe=string.ascii_letters + string.digits + "-._~")

    def some_id(self):
        """An existing id, a deleted one, one never given, or an odd spelling of one."""
        rng, tasks = self.rng, self.tasks()
        next_id = self.ref.seed._next_id
        r = rng.random()
        if r < 0.6 and tasks:
            return str(rng.choice(list(tasks)))
        if r < 0.75 and next_id > 1:
            return str(rng.randint(1, next_id - 1))  # maybe deleted
        if r < 0.85:
            return str(rng.choice([0, next_id, next_id + 1, next_id + 1000]))
        if r < 0.93 and tasks:
            return "0" * rng.randint(1, 25) + str(rng.choice(list(tasks)))  # 007
        return rng.choice(["99999999999999999999", "18446744073709551616", "9223372036854775808",
                           "4294967297", "000"])

    def id_path(self, i):
        path = "/tasks/" + i
        if self.rng.random() < 0.08:  # percent-encoded characters, decoded before routing
            path = self.percent_path(path)
        return path

    def percent_path(self, path):
        out = []
        for k, ch in enumerate(path):
            if ch.isalnum() and self.rng.random() < 0.3:
                out.append(f"%{ord(ch):02X}")
            elif ch == "/" and k > 0 and self.rng.random() < 0.1:
                out.append("%2F")
            else:
                out.append(ch)
        return "".join(out)

    # -- calls

    def next(self):
        rng, n = self.rng, len(self.tasks())
        kinds = [("list", 18), ("post", 18), ("post-bad", 14), ("put", 20), ("delete", 4 + n / 8),
                 ("get-one", 5), ("methods", 6), ("paths", 6), ("limit", 4)]
        kind = rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
        call = getattr(self, "gen_" + kind.replace("-", "_"))()
        if call.body is not None and rng.random() < 0.06:
            call.ctype = rng.choice(["", "text/plain", "application/x-www-form-urlencoded",
                                     "application/json; charset=utf-8"])
        return call

    def gen_list(self):
        rng = self.rng
        method = "HEAD" if rng.random() < 0.05 else "GET"
        status = rng.choice(STATUSES + [t["status"] for t in list(self.tasks().values())[:5]
                                        if isinstance(t["status"], str)])
        r = rng.random()
        if r < 0.15:
            q = ""
        elif r < 0.2:
            q = "?"
        elif r < 0.27:
            q = rng.choice(["?status=", "?status", "?status=&", "?&status="])
        elif r < 0.65:
            q = "?status=" + self.encode_value(status)
        elif r < 0.75:  # repeated: the last one wins
            q = ("?status=" + self.encode_value(rng.choice(STATUSES)) +
                 "&status=" + self.encode_value(status))
        elif r < 0.85:  # other parameters around it
            q = "?x=1&status=" + self.encode_value(status) + rng.choice(["", "&", "&y", "&z=%zz"])
        else:
            q = rng.choice(["?status=%zz", "?status=%ff", "?status=%C3", "?Status=done",
                            "?status=done;x=1", "?status=pen%", "?status=+pending+",
                            "?status=in+progress", "?status=a%2Bb", "?status=a+b",
                            "?status=%E5%AE%8C%E4%BA%86", "?status==", "?status=done&status"])
        path = "/tasks" if rng.random() < 0.9 else self.percent_path("/tasks")
        return Call(method, path + q, note="list")

    def gen_limit(self):
        rng = self.rng
        good = lambda: str(rng.choice([0, 1, 2, 3, 5, 10, 1000]))  # noqa: E731
        bad = lambda: rng.choice(["-1", "abc", "1.5", "1e3", "0x10"])  # noqa: E731
        parts = []
        r = rng.random()
        if r < 0.35:
            parts.append("limit=" + good())
        elif r < 0.6:
            parts.append("offset=" + good())
        elif r < 0.85:
            parts += ["limit=" + good(), "offset=" + good()]
        else:
            parts.append(rng.choice(["limit=", "offset="]) + bad())
        if rng.random() < 0.4:
            parts.append("status=" + self.encode_value(rng.choice(STATUSES)))
        rng.shuffle(parts)
        return Call("GET", "/tasks?" + "&".join(parts), note="limit/offset")

    def gen_post(self):
        rng = self.rng
        body = {"title": self.title()}
        if rng.random() < 0.2:
            body["status"] = rng.choice(["done", 5, None])  # ignored by POST
        if rng.random() < 0.15:
            body.update(extra=rng.choice([1, "x", [1, 2], {"n": None}, 1.5e300, -0.0, 10**30]))
        if rng.random() < 0.1:  # nested past nothing Python minds
            d = rng.randint(2, 100)
            raw = self.encode(body).strip()[:-1] + b',"deep":' + b"[" * d + b"]" * d + b"}"
            return Call("POST", "/tasks", raw, note="post nested")
        if rng.random() < 0.05:  # duplicate keys: the last one wins
            return Call("POST", "/tasks", b'{"title": "first", "title": ' +
                        json.dumps(self.title()).encode() + b"}", note="post duplicate key")
        items = list(body.items())
        rng.shuffle(items)
        return Call("POST", "/tasks", self.encode(dict(items)), note="post")

    def bad_body(self, for_put):
        """(body bytes, deep) of a malformed or ill-shaped body."""
        rng = self.rng
        r = rng.random()
        title = json.dumps(self.title()).encode()
        if r < 0.3:  # not JSON Python parses
            return rng.choice([
                b"", b" ", b"{", b"}", b"{\"title\": ", b'{"title": "x"', b'{"title": "x"}x',
                b'{"title": "x"} {}', b"{'title': 'x'}", b'{"title": "x",}', b'{title: "x"}',
                b"nul", b"[1,]", b'{"title": "a\tb"}', b'{"title": "a\nb"}',
                b'{"title": "ab\xffcd"}', b'{"title": "\xc0\x80"}', b'{"title": "\xe2\x82"}',
                b'{"title": "\x80"}', b'{"title": "x", "n": 01}', b'{"title": "x", "n": +1}',
                b'{"title": "x", "n": .5}', b'{"title": "x", "n": 1.}',
                b'{"title": "x", "n": 0x10}',
                b'{"title": "x", "n": -}', b'{"title": "x", "n": 1e}', b'{"title": "\\x41"}',
                b'{"title": "\\u12"}', b'{"title": "x"]', b"\x00", b"true false",
                b'{"title": "x", "n": infinity}', b'{"title": "x", "n": nan}',
                b'{"title": "x" /* c */}', b'{"title": "x"}\x00', b'{"title": "x"}\x00garbage',
                b'{"title": "a\x00b"}',
                b"{\"title\": " + title[:max(1, len(title) // 2)]]), None
        if r < 0.4:  # NaN and Infinity, which Python accepts
            return rng.choice([b"NaN", b"Infinity", b'{"title": NaN}', b'{"title": -Infinity}',
                               b'{"title": ' + title + b', "n": NaN}',
                               b'{"title": ' + title + b', "n": [Infinity]}',
                               b'{"status": NaN}', b'{"status": "done", "n": -Infinity}']), None
        if r < 0.47:  # nested past Python's recursion limit
            d = rng.randint(3000, 20000)
            if rng.random() < 0.5:
                return b"[" * d + b"]" * d, "array"
            return b'{"a":' * d + b"1" + b"}" * d, "object"
        if r < 0.65:  # JSON, not an object
            return rng.choice([b"[]", b'["title"]', b'["status"]', b'"title"', b'"status"',
                               b'"just a string"', b'""', b"1", b"0", b"-1.5", b"null", b"true",
                               b"false", b'[{"title": "x"}]', b"[1, 2, 3]", b"{}  ", b"[[]]"]), None
        # an object with a bad or odd title
        t = rng.choice(NON_STRINGS + [self.blank(), self.blank()])
        body = {"title": t} if rng.random() < 0.8 else {"name": "no title"}
        if for_put and rng.random() < 0.5:
            body["status"] = rng.choice(STATUSES)
        return self.encode(body), None

    def gen_post_bad(self):
        body, deep = self.bad_body(False)
        return Call("POST", "/tasks", body, deep=deep, note="post malformed")

    def gen_put(self):
        rng = self.rng
        path = self.id_path(self.some_id())
        r = rng.random()
        if r < 0.55:
            body = {}
            if rng.random() < 0.7:
                body["status"] = rng.choice(STATUSES)
            if rng.random() < 0.5:
                body["title"] = self.title()
            if rng.random() < 0.1:
                body["other"] = "ignored"
            return Call("PUT", path, self.encode(body), note="put")
        if r < 0.7:  # a bad status, a blank or non-string title, maybe with a good other field
            body = {}
            if rng.random() < 0.6:
                body["status"] = rng.choice(NON_STRINGS + STATUSES)
            if rng.random() < 0.6 or not body:
                body["title"] = rng.choice(NON_STRINGS + [self.blank(), self.title()])
            items = list(body.items())
            rng.shuffle(items)
            return Call("PUT", path, self.encode(dict(items)), note="put bad field")
        body, deep = self.bad_body(True)
        return Call("PUT", path, body, deep=deep, note="put malformed")

    def gen_delete(self):
        return Call("DELETE", self.id_path(self.some_id()), note="delete")

    def gen_get_one(self):
        method = "HEAD" if self.rng.random() < 0.15 else "GET"
        return Call(method, self.id_path(self.some_id()), note="get one")

    def gen_methods(self):
        rng = self.rng
        if rng.random() < 0.5:
            method = rng.choice(["PATCH", "PUT", "DELETE", "OPTIONS"])
            body = self.encode({"title": "x"}) if method in ("PATCH", "PUT") else None
            return Call(method, "/tasks", body, note="wrong method")
        method = rng.choice(["PATCH", "POST", "OPTIONS"])
        body = self.encode({"status": "done"}) if method != "OPTIONS" else None
        return Call(method, self.id_path(self.some_id()), body, note="wrong method")

    def gen_paths(self):
        rng = self.rng
        i = self.some_id()
        r = rng.random()
        if r < 0.35:  # trailing slashes: redirected to the path without them, query kept
            path = rng.choice(["/tasks/", "/tasks//", f"/tasks/{i}/", "/tasks/?status=done",
                               f"/tasks/{i}/?a=1", "/tasks%2F", "/tasks/abc/"])
        else:
            path = rng.choice([
                "/task", "/TASKS", "/Tasks", "/tasks/abc", "/tasks/-1", "/tasks/+1", "/tasks/1.0",
                "/tasks/1a", "/tasks/%20", f"/tasks/{i}/x", f"/tasks/{i}/{i}", "/api/tasks",
                "/tasks.json", "/favicon.ico", "/tasksx", "//tasks", "/tasks/%EF%BC%91",
                "/tasks/1e3", "/tasks/0x1", "/nothing/here", "/tasks%2F" + i, "/%74asks/x"])
        method = rng.choice(["GET", "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"])
        body = None
        if method in ("POST", "PUT", "PATCH"):
            body = self.encode({"title": "from " + path})
        return Call(method, path, body, note="path")


# ----- the run

class Differ:
    def __init__(self, args):
        self.args = args
        self.ref = Reference()
        self.kit = None
        self.fired = collections.Counter()  # rule -> calls where kit's answer is not the seed's
        self.applied = collections.Counter()  # rule -> calls it covered
        self.failures = []  # (index, call, lines)
        self.previous = None  # the status of the previous answer (--self-test)
        self.ref_seconds = 0.0  # spent in the reference

    def start_kit(self):
        if self.kit is not None:
            self.kit.stop()
        self.kit = KitServer(self.args.server_cmd)

    def one(self, call):
        """Runs a call on both sides: a list of problems (empty: explained)."""
        tasks = self.ref.seed.tasks
        req, call.target = self.ref.build(call.method, call.target, call.body, call.ctype)
        expect = contract(call, tasks)
        # What the resync needs: the state the call may change.
        next_id = self.ref.seed._next_id
        task_id = (route(decoded_path(call.target)) or (None, None))[-1]
        before = copy.deepcopy(tasks.get(task_id)) if isinstance(task_id, int) else None
        t0 = time.perf_counter()
        ref = self.ref.send(req)
        self.ref_seconds += time.perf_counter() - t0
        if self.args.self_test and self.previous == 500 and self.kit.conn is not None:
            self.kit.conn.close()  # uvicorn closes the connection after a 500: don't race it
            self.kit.conn = None
        try:
            got = self.kit.request(call.method, call.target, call.body, call.ctype)
        except (OSError, http.client.HTTPException) as e:
            self.kit.conn = None
            return [f"no answer from kit: {e!r}"], ref, None
        problems = []
        if expect is not None:
            rule = RULES[expect.rule]
            self.applied[rule.name] += 1
            # (With --self-test the reference is not resynchronised: its state may make any
            # answer a 500, so the premises are checked in the real runs only.)
            if rule.premise is not None and ref[0] not in rule.premise and not self.args.self_test:
                problems.append(f"rule {rule.name} does not hold: the seed answered {ref[0]}, "
                                f"the rule expects {sorted(rule.premise)}")
            if not self.same_answer(ref, expect):
                self.fired[rule.name] += 1
            # Resync: under every rule kit changes nothing, while the seed may have (a PUT
            # stores "status" before it crashes on the title, or stores a bad status or a blank
            # title; a POST with NaN creates a task and takes an id). Put the reference back.
            # (Not with --self-test, where the server is the seed and changed as it did.)
            if self.args.self_test:
                pass
            elif isinstance(task_id, int) and before is not None and task_id in tasks:
                tasks[task_id] = before
            while self.ref.seed._next_id > next_id and not self.args.self_test:
                self.ref.seed._next_id -= 1
                tasks.pop(self.ref.seed._next_id, None)
        if self.args.self_test:
            # The stand-in is the seed: it must answer as the reference every time, which
            # checks this harness (targets, bodies, keep-alive, comparisons). A seed crash
            # skips its TimingMiddleware (no X-Process-Time on a 500), and uvicorn closes the
            # connection after it.
            if self.previous == 500:
                got[1].pop("x-test-closed-before", None)
            problems += judge(call, ref, got, None, timing=ref[0] != 500)
            self.previous = ref[0]
        else:
            problems += judge(call, ref, got, expect)
        return problems, ref, got

    @staticmethod
    def same_answer(ref, expect):
        status, headers, body = ref
        for want_status, want in expect.alternatives:
            if status == want_status:
                if status == 405:
                    allow = {m.strip() for m in headers.get("allow", "").split(",")}
                    if allow == want:
                        return True
                elif body == render(want):
                    return True
        return False

    def run(self, calls_out):
        rng = random.Random(self.args.seed)
        gen = Generator(rng, self.ref)
        self.start_kit()
        shown = 0
        epoch = 0  # the index of the first call on the current (fresh) stores
        for index in range(self.args.count):
            call = gen.next()
            calls_out.append(call)
            problems, ref, got = self.one(call)
            if problems:
                self.failures.append((index, call, problems, epoch))
                if shown < self.args.max_reports:
                    shown += 1
                    print(f"MISMATCH call #{index}: {call}")
                    for p in problems:
                        print(f"  {p}")
                    print(f"  seed: {describe(ref)}")
                    if got is not None:
                        print(f"  kit:  {describe(got)}")
                if len(self.failures) >= self.args.max_failures:
                    print(f"(stopping after {len(self.failures)} unexplained differences)")
                    break
                if call.method not in ("GET", "HEAD") and self.kit.proc.poll() is None:
                    # The stores may differ now: every later call would differ too. Both
                    # sides start again from empty, so each difference shown is its own.
                    self.ref.reset()
                    self.start_kit()
                    epoch = index + 1
                    if shown <= self.args.max_reports:
                        print("  (both sides restarted from empty)")
            if self.kit.proc.poll() is not None:
                self.failures.append((index, call, [f"kit exited with {self.kit.proc.returncode}"],
                                      epoch))
                print(f"kit exited ({self.kit.proc.returncode}) after call #{index}: {call}\n"
                      f"stderr:\n{self.kit.excerpt()}")
                break

    def replay(self, calls):
        """Fresh servers, the calls in order: the problems of the last call."""
        self.ref.reset()
        self.start_kit()
        problems = []
        for call in calls:
            problems, _, _ = self.one(call)
        return problems

    def minimal(self, calls, index, epoch):
        """The shortest of three replays that still shows the difference at calls[index], on
        stores that were fresh at calls[epoch]."""
        call, calls = calls[index], calls[epoch:]
        index -= epoch
        target_id = (route(decoded_path(call.target)) or (None, None))[-1]
        related = [c for c in calls[:index]
                   if c.method == "POST" or
                   (isinstance(target_id, int) and
                    (route(decoded_path(c.target)) or (None, None))[-1] == target_id)]
        for candidate in ([call], related + [call], calls[:index + 1]):
            if self.replay(candidate):
                return candidate
        return None


def main():
    if len(sys.argv) > 1 and sys.argv[1] in ("--standin-server", "--contract-server"):
        return run_standin(sys.argv[2:], contract=sys.argv[1] == "--contract-server")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kit", help="the kit binary")
    parser.add_argument("--server-cmd", help="instead of `KIT serve` (a shell-quoted command)")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--count", type=int, default=4000)
    parser.add_argument("--max-reports", type=int, default=10)
    parser.add_argument("--max-failures", type=int, default=200)
    parser.add_argument("--self-test", action="store_true",
                        help="the server is the seed itself (the stand-in): every answer must be "
                             "the reference's, the rules are only counted")
    args = parser.parse_args()
    if args.server_cmd:
        args.server_cmd = shlex.split(args.server_cmd)
    elif args.kit:
        args.server_cmd = [args.kit, "serve"]
    else:
        parser.error("--kit or --server-cmd is required")

    started = time.monotonic()
    differ = Differ(args)
    calls = []
    try:
        differ.run(calls)
    except RuntimeError as e:
        print(f"serve_vs_starlette: {e}", file=sys.stderr)
        differ.ref.close()
        return 2
    finally:
        code = differ.kit.stop() if differ.kit is not None else None

    print(f"serve_vs_starlette: seed {args.seed}, {len(calls)} calls in "
          f"{time.monotonic() - started:.1f}s ({differ.ref_seconds:.1f}s in the reference) "
          f"against {shlex.join(args.server_cmd)}")
    print("rule                     applied   differed   what")
    for name, rule in RULES.items():
        print(f"  {name:22} {differ.applied[name]:7} {differ.fired[name]:10}   {rule.why}")
    if code != 0:
        differ.failures.append((len(calls), None, [f"SIGTERM: exit {code}, want 0"], 0))
        print(f"kit serve: SIGTERM -> exit {code}, want 0; stderr:\n{differ.kit.excerpt()}")
    if not differ.failures:
        print(f"OK: every difference is explained ({sum(differ.fired.values())} by rules)")
        differ.ref.close()
        return 0
    print(f"FAILED: {len(differ.failures)} unexplained differences")
    kinds = collections.OrderedDict()  # one line per kind: the start of the first problem
    for index, call, problems, _ in differ.failures:
        key = problems[0][:70]
        if key not in kinds:
            kinds[key] = [0, index, call]
        kinds[key][0] += 1
    for key, (count, index, call) in list(kinds.items())[:15]:
        shown = str(call)[:120] if call is not None else "(end of run)"
        print(f"  {count:5} x {key}\n          first: call #{index}: {shown}")
    index, call, _, epoch = differ.failures[0]
    if call is not None:
        print(f"minimal reproduction of call #{index} (replaying on fresh servers):")
        try:
            repro = differ.minimal(calls, index, epoch)
        except RuntimeError as e:
            repro = None
            print(f"  (replay failed: {e})")
        finally:
            if differ.kit is not None:
                differ.kit.stop()
        if repro is None:
            print(f"  not reproduced by a replay; rerun with --seed {args.seed} "
                  f"--count {index + 1}")
        else:
            print(f"  {len(repro)} calls, on `kit serve --db :memory:` (BASE: its address):")
            for c in repro[-40:]:
                print(f"    {c.curl('$BASE')}")
            if len(repro) > 40:
                print(f"    (the {len(repro) - 40} calls before: --seed {args.seed} "
                      f"--count {index + 1})")
    differ.ref.close()
    return 1


if __name__ == "__main__":
    try:
        status = main()
    except BaseException:  # noqa: B902 -- printed, then the exit below
        import traceback
        traceback.print_exc()
        status = 2
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)  # not sys.exit: an exception may have left TestClient's loop thread running
