#!/usr/bin/env python3
"""kit echo and kit echo send as a user runs them, on free loopback ports: every command form,
the seed's own clients and servers (tests/diff/reference/seed_echo/) against kit's in both
directions, 10,000 concurrent clients each checking its own bytes, a client that never reads,
UDP on ::1, SIGINT/SIGTERM. Every wait is bounded; readiness is the server's `Listening on` line.

usage: echo_cli.py --kit PATH [--clients N]
"""
import argparse
import asyncio
import os
import pathlib
import queue
import re
import resource
import select
import signal
import socket
import subprocess
import sys
import threading
import time

import harness
from harness import check, check_equal, expect_code, kit

SEED = pathlib.Path(__file__).resolve().parents[1] / "diff" / "reference" / "seed_echo"
WAIT = 20  # seconds: the bound of every wait
ADDR = r"\('127\.0\.0\.1', \d+\)"


class Server:
    """A server process (kit echo ... or a seed script) whose stdout lines are read on a thread."""

    def __init__(self, argv, env=None, first=r"Listening on (\S+)"):
        self.argv = argv
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env, text=True, encoding="utf-8", errors="replace")
        self.lines = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        line = self.line()
        m = re.fullmatch(first, line or "")
        self.port = None
        if check(f"{argv}: first line {line!r} matches {first!r}", m is not None):
            self.address = m.group(1) if m.groups() else None
            if self.address:
                self.port = int(self.address.rsplit(":", 1)[1])

    def _pump(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def line(self, seconds=WAIT):
        try:
            return self.lines.get(timeout=seconds)
        except queue.Empty:
            return None

    def expect(self, pattern, what):
        line = self.line()
        return check(f"{what}: server line {line!r} matches {pattern!r}",
                     line is not None and re.fullmatch(pattern, line) is not None)

    def stop(self, sig=signal.SIGTERM):
        """Sends sig; the exit status (None if it did not end)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def rss_kb(self):
        for line in pathlib.Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0


def kit_server(*args):
    return Server([harness._kit, "echo", "-p", "0", *map(str, args)])


def free_port(family=socket.AF_INET, kind=socket.SOCK_STREAM, host="127.0.0.1"):
    with socket.socket(family, kind) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def seed(script, env_port, *args, host="127.0.0.1"):
    env = dict(os.environ, ECHO_HOST=host, ECHO_PORT=str(env_port))
    return [sys.executable, str(SEED / script), *args], env


def run_seed_client(script, port):
    argv, env = seed(script, port)
    try:
        p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=WAIT)
    except subprocess.TimeoutExpired:
        check(f"{script}: still running after {WAIT}s", False)
        return None
    check(f"{script}: exit {p.returncode}, stderr {p.stderr!r}", p.returncode == 0)
    return p.stdout


def test_raw():
    s = kit_server()
    if not s.port:
        return s.stop()
    r = kit("echo", "send", f"127.0.0.1:{s.port}", "hello there")
    if expect_code("send raw", r, 0):
        check_equal("send raw: stdout", r.out, "Received: hello there\n")
    s.expect(f"Connected by {ADDR}", "raw")
    s.expect("Client disconnected", "raw")
    # The default message is the seed client's; --raw prints the bytes alone.
    r = kit("echo", "send", f"127.0.0.1:{s.port}")
    if expect_code("send default", r, 0):
        check_equal("send default: stdout", r.out, "Received: Hello from client!\n")
    r = kit("echo", "send", f"localhost:{s.port}", "-", "--raw", input="from\nstdin")
    if expect_code("send - --raw", r, 0):
        check_equal("send - --raw: stdout", r.out, "from\nstdin")
    check_equal("raw: exit after SIGTERM", s.stop(signal.SIGTERM), 0)


def test_upper_prefix_chat():
    s = kit_server("--upper", "--threads", "3")
    if s.port:
        r = kit("echo", "send", f"127.0.0.1:{s.port}", "straße\r\n  mixed Case  \nlast")
        if expect_code("send --upper", r, 0):
            check_equal("send --upper: stdout", r.out,
                        "Received: Echo: STRASSE\nEcho: MIXED CASE\nEcho: LAST\n\n")
        s.expect(f"\\[{ADDR}\\] connected", "upper")
        s.expect(f"\\[{ADDR}\\] disconnected", "upper")
    check_equal("upper: exit after SIGINT", s.stop(signal.SIGINT), 0)

    s = kit_server("--prefix", ">> ")
    if s.port:
        r = kit("echo", "send", f"127.0.0.1:{s.port}", "a\nb")
        if expect_code("send --prefix", r, 0):
            check_equal("send --prefix: stdout", r.out, "Received: >> a\n>> b\n\n")
    s.stop()

    s = kit_server("--chat")
    if s.port:
        a = socket.create_connection(("127.0.0.1", s.port), timeout=WAIT)
        b = socket.create_connection(("127.0.0.1", s.port), timeout=WAIT)
        s.expect(f"\\[{ADDR}\\] connected", "chat a")
        s.expect(f"\\[{ADDR}\\] connected", "chat b")
        a.sendall("hi from a\n".encode())
        got = b.makefile("rb").readline().decode()
        check_equal("chat: b reads a's line", got, f"[{a.getsockname()!r}] hi from a\n")
        # kit echo send to a chat room: the room never closes, --timeout ends the wait.
        r = kit("echo", "send", f"127.0.0.1:{s.port}", "bye\n", "--timeout", "300ms")
        if expect_code("send to chat --timeout 300ms", r, 0):
            check_equal("send to chat: stdout", r.out, "Received: \n")
        got = a.makefile("rb").readline().decode()
        check(f"chat: a reads send's line: {got!r}", re.fullmatch(r"\[" + ADDR + r"\] bye\n", got))
        a.close()
        b.close()
    s.stop()


def test_udp_and_ipv6():
    s = kit_server("--udp", "--prefix", "ACK: ")
    if s.port:
        r = kit("echo", "send", f"127.0.0.1:{s.port}", "--udp")
        if expect_code("send --udp", r, 0):
            check_equal("send --udp: stdout", r.out, "Response: ACK: Status check OK\n")
        s.expect(f"From {ADDR}: Status check OK", "udp")
    s.stop()

    s = Server([harness._kit, "echo", "--host", "::1", "-p", "0", "--udp", "--prefix", "ACK: "])
    if s.port:
        check_equal("udp ::1: listening address", s.address, f"[::1]:{s.port}")
        r = kit("echo", "send", f"[::1]:{s.port}", "v6 datagram", "--udp")
        if expect_code("send --udp [::1]", r, 0):
            check_equal("send --udp [::1]: stdout", r.out, "Response: ACK: v6 datagram\n")
        s.expect(r"From \('::1', \d+, 0, 0\): v6 datagram", "udp ::1")
    s.stop()

    s = Server([harness._kit, "echo", "--host", "::1", "-p", "0", "--upper"])
    if s.port:
        r = kit("echo", "send", f"[::1]:{s.port}", "tcp six")
        if expect_code("send [::1] --upper", r, 0):
            check_equal("send [::1]: stdout", r.out, "Received: Echo: TCP SIX\n\n")
        s.expect(r"\[\('::1', \d+, 0, 0\)\] connected", "tcp ::1")
    s.stop()


def test_quiet_reuse_port_and_errors():
    s = kit_server("--quiet")
    if s.port:
        r = kit("echo", "send", f"127.0.0.1:{s.port}", "q")
        if expect_code("send to --quiet", r, 0):
            check_equal("send to --quiet: stdout", r.out, "Received: q\n")
        check_equal("--quiet: exit", s.stop(), 0)
        check_equal("--quiet: nothing after Listening on", s.line(), None)

        # Port in use, without --reuse-port on both: exit 2 naming the address.
        taken = Server([harness._kit, "echo", "-p", "0"])
        if taken.port:
            r = kit("echo", "-p", taken.port)
            if expect_code("port in use", r, 2):
                check_equal("port in use: stderr", r.err,
                            f"kit echo: 127.0.0.1:{taken.port}: address already in use\n")
        taken.stop()

    one = kit_server("--reuse-port")
    if one.port:
        two = Server([harness._kit, "echo", "-p", str(one.port), "--reuse-port"])
        check_equal("--reuse-port: the second server shares the port", two.port, one.port)
        for i in range(4):
            r = kit("echo", "send", f"127.0.0.1:{one.port}", f"balanced {i}")
            if expect_code("send to reuse-port pair", r, 0):
                check_equal("reuse-port: reply", r.out, f"Received: balanced {i}\n")
        check_equal("--reuse-port: second exits 0", two.stop(), 0)
    one.stop()

    closed = free_port()
    for args, code, err in [
        (["-p", "70000"], 2, "kit echo: port 70000: out of range (0-65535)\n"),
        (["--upper", "--chat"], 2,
         "kit echo: --upper, --prefix and --chat are different modes; give one\n"),
        (["--udp", "--chat", "-p", "0"], 2,
         "kit echo: chat needs TCP (a UDP server has no clients to tell)\n"),
        (["send", "nohostport"], 2, "kit echo: nohostport: give HOST:PORT (a port, no network "
                                    "block)\n"),
        (["send", "127.0.0.1:1", "x", "--timeout", "abc"], 2, None),
        (["send", f"127.0.0.1:{closed}"], 1, None),
        (["send", "127.0.0.1:99999"], 2, None),
    ]:
        r = kit("echo", *args)
        if expect_code(f"echo {args}", r, code):
            check(f"echo {args}: one 'kit echo: ' line on stderr: {r.err!r}",
                  r.err.startswith("kit echo: ") and r.err.count("\n") == 1 and r.out == "")
            if err is not None:
                check_equal(f"echo {args}: stderr", r.err, err)


def test_seed_interop():
    # The seed's clients against kit's servers: the seed's output, unchanged.
    s = kit_server()
    if s.port:
        check_equal("seed tcp client -> kit echo", run_seed_client("tcp_echo_client.py", s.port),
                    "Received: Hello from client!\n")
        s.expect(f"Connected by {ADDR}", "seed client")
        s.expect("Client disconnected", "seed client")
    s.stop()
    s = kit_server("--udp", "--prefix", "ACK: ")
    if s.port:
        check_equal("seed udp client -> kit echo --udp", run_seed_client("udp_client.py", s.port),
                    "Response: ACK: Status check OK\n")
        s.expect(f"From {ADDR}: Status check OK", "seed udp client")
    s.stop()

    # kit's client against the seed's servers, and kit's server lines against the seed's.
    port = free_port()
    argv, env = seed("tcp_echo_server.py", port)
    s = Server(argv, env=env)
    if s.port:
        r = kit("echo", "send", f"127.0.0.1:{port}")
        if expect_code("kit send -> seed tcp server", r, 0):
            check_equal("kit send -> seed tcp server: stdout", r.out,
                        "Received: Hello from client!\n")
        s.expect(f"Connected by {ADDR}", "seed tcp server")
        s.expect("Client disconnected", "seed tcp server")
        check_equal("seed tcp server ends after its one client", s.proc.wait(WAIT), 0)
    s.stop()

    port = free_port()
    argv, env = seed("tcp_threaded_server.py", port)
    s = Server(argv, env=env, first=r"Server running on 127\.0\.0\.1:\d+")
    k = kit_server("--upper")
    if k.port:
        for message in ["hello", "Mixed case words", "straße", "  padded  "]:
            r_seed = kit("echo", "send", f"127.0.0.1:{port}", message)
            r_kit = kit("echo", "send", f"127.0.0.1:{k.port}", message)
            if expect_code("send -> seed threaded", r_seed, 0) and expect_code("send", r_kit, 0):
                check_equal(f"seed threaded vs kit --upper on {message!r}", r_kit.out, r_seed.out)
        s.expect(f"\\[{ADDR}\\] connected", "seed threaded server")
    s.stop(signal.SIGKILL)
    k.stop()

    port = free_port(kind=socket.SOCK_DGRAM)
    argv, env = seed("udp_server.py", port)
    s = Server(argv, env=env, first=r"UDP server on 127\.0\.0\.1:\d+")
    r = kit("echo", "send", f"127.0.0.1:{port}", "--udp")
    if expect_code("kit send --udp -> seed udp server", r, 0):
        check_equal("kit send --udp -> seed udp server: stdout", r.out,
                    "Response: ACK: Status check OK\n")
    s.expect(f"From {ADDR}: Status check OK", "seed udp server")
    s.stop(signal.SIGKILL)


async def many_clients(port, count):
    """count clients connected at once, each sending its own bytes and checking its echo;
    returns the number that got exactly their bytes back."""
    connected = []
    gate = asyncio.Semaphore(500)  # keeps the SYN queue short while connecting

    async def connect(i):
        async with gate:  # at most 500 connects in flight: far under the SOMAXCONN backlog
            try:
                connected.append((i, *await asyncio.open_connection("127.0.0.1", port)))
            except OSError:
                pass  # counted: the check wants every client connected

    await asyncio.gather(*(connect(i) for i in range(count)))

    async def talk(i, reader, writer):
        message = f"client {i} " .encode() + os.urandom(8).hex().encode() * (1 + i % 7) + b"\n"
        writer.write(message)
        await writer.drain()
        got = await reader.readexactly(len(message))
        writer.close()
        return got == message

    results = await asyncio.gather(*(talk(*c) for c in connected), return_exceptions=True)
    return len(connected), sum(1 for r in results if r is True)


def test_ten_thousand_clients(count):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    count = min(count, hard - 200)
    s = kit_server("--quiet")
    if s.port:
        try:
            connected, ok = asyncio.run(asyncio.wait_for(many_clients(s.port, count), 240))
        except asyncio.TimeoutError:
            connected, ok = -1, -1
        check_equal(f"{count} clients connected at once", connected, count)
        check_equal(f"{count} clients each got its own bytes back", ok, count)
    check_equal("10,000 clients: exit after SIGTERM", s.stop(), 0)


def test_client_that_never_reads():
    s = kit_server("--quiet", "--threads", "1")
    if not s.port:
        return s.stop()
    before = s.rss_kb()
    stuck = socket.create_connection(("127.0.0.1", s.port), timeout=WAIT)
    stuck.setblocking(False)
    sent, chunk, deadline = 0, b"x" * 65536, time.monotonic() + 5
    while time.monotonic() < deadline and sent < 256 << 20:
        try:
            sent += stuck.send(chunk)
        except BlockingIOError:  # wait until the server reads again, or the deadline passes
            select.select([], [stuck], [], max(0.0, deadline - time.monotonic()))
    check(f"a client that never reads: the server stopped reading it ({sent} bytes in)",
          sent < 256 << 20)
    for i in range(50):
        r = kit("echo", "send", f"127.0.0.1:{s.port}", f"still served {i}", "--timeout", "10s")
        if not (expect_code("send beside a stuck client", r, 0)
                and check_equal("reply beside a stuck client", r.out,
                                f"Received: still served {i}\n")):
            break
    growth = s.rss_kb() - before
    check(f"server RSS grew {growth} kB for a stuck client (bounded: < 64 MB)",
          growth < 64 * 1024)
    stuck.close()
    check_equal("stuck client: exit after SIGTERM", s.stop(), 0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit", required=True)
    parser.add_argument("--clients", type=int, default=10000)
    opts = parser.parse_args()
    start = time.monotonic()
    harness.use(kit=str(pathlib.Path(opts.kit).resolve()), env=dict(os.environ, LC_ALL="C.UTF-8"))
    test_raw()
    test_upper_prefix_chat()
    test_udp_and_ipv6()
    test_quiet_reuse_port_and_errors()
    test_seed_interop()
    test_client_that_never_reads()
    test_ten_thousand_clients(opts.clients)
    return harness.report("echo", start)


if __name__ == "__main__":
    sys.exit(main())
