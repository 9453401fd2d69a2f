#!/usr/bin/env python3
"""`kit check` end to end: OPEN, CLOSED, FILTERED and UNRESOLVED lines in argument order, exit
codes (0 all open, 1 otherwise, 2 bad usage), --json (parsed), --timeout (a bare number is
seconds), --wait polling until a port starts listening, and until time runs out.

FILTERED without privileges: a listener with backlog 0 that never accepts; once its accept
queue is full the kernel drops further SYNs (with tcp_abort_on_overflow 0), so connects time
out. The netns variants (drop, admin-prohibited, reset) are in scan_cli.py.

usage: check_cli.py --kit PATH     (exit 0 when every check holds, 1 otherwise)
"""
import argparse
import json
import os
import pathlib
import socket
import sys
import threading
import time

import harness
from harness import check, check_equal, expect_code, kit

ENV = dict(os.environ, LC_ALL="C")
# A name the resolver refuses without asking DNS (a label over 63 bytes): UNRESOLVED at once,
# the same with or without a network.
NOHOST = "x" * 64 + ".invalid"


def listener(host="127.0.0.1", backlog=128):
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    s.bind((host, 0))
    s.listen(backlog)
    return s


def bound_only():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    return s


def port(s):
    return s.getsockname()[1]


def full_queue():
    """A listener that answers no SYN: backlog 0, its queue filled by clients that connected
    (None when the kernel would reset instead of dropping)."""
    try:
        if pathlib.Path("/proc/sys/net/ipv4/tcp_abort_on_overflow").read_text().strip() != "0":
            return None, []
    except OSError:
        return None, []
    s = listener(backlog=0)
    fillers = []
    for _ in range(8):
        c = socket.socket()
        c.setblocking(False)
        fillers.append(c)
        if c.connect_ex(("127.0.0.1", port(s))) not in (0, 115):  # EINPROGRESS
            break
        import select
        if not select.select([], [c], [], 0.3)[1]:
            return s, fillers  # this SYN got no answer: the queue is full
    return None, fillers


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit", required=True)
    opts = parser.parse_args()
    harness.use(kit=str(pathlib.Path(opts.kit).resolve()), env=ENV)
    start = time.monotonic()

    up, shut = listener(), bound_only()
    o, c = f"127.0.0.1:{port(up)}", f"127.0.0.1:{port(shut)}"
    r = kit("check", o)
    if expect_code("check open", r, 0):
        check_equal("check open", r.out, f"{o} -- OPEN\n")
        check_equal("check open: nothing on stderr", r.err, "")
    r = kit("check", c, o, NOHOST + ":80")
    if expect_code("check mixed", r, 1):
        check_equal("check mixed, in argument order", r.out,
                    f"{c} -- CLOSED\n{o} -- OPEN\n{NOHOST}:80 -- UNRESOLVED\n")
    r = kit("check", o, f"localhost:{port(up)}")
    if expect_code("check two open", r, 0):
        check_equal("check localhost", r.out, f"{o} -- OPEN\nlocalhost:{port(up)} -- OPEN\n")

    try:
        up6 = listener("::1")
        t6 = f"[::1]:{port(up6)}"
        r = kit("check", t6)
        if expect_code("check [::1]:port", r, 0):
            check_equal("check [::1]:port", r.out, f"{t6} -- OPEN\n")
        up6.close()
    except OSError:
        print("skip: no IPv6 loopback")

    r = kit("check", c, o, NOHOST + ":80", "--json")
    if expect_code("check --json", r, 1):
        lines = [json.loads(x) for x in r.out.splitlines()]
        check_equal("--json: a record per target, then the summary",
                    [x["type"] for x in lines], ["target", "target", "target", "summary"])
        check_equal("--json states", [x.get("state") for x in lines[:3]],
                    ["closed", "open", "unresolved"])
        check_equal("--json targets as given", [x["target"] for x in lines[:3]],
                    [c, o, NOHOST + ":80"])
        check_equal("--json reasons", [x["reason"] for x in lines[:3]],
                    ["conn-refused", "syn-ack", "resolve"])
        check_equal("--json address and port", (lines[1]["address"], lines[1]["port"]),
                    ("127.0.0.1", port(up)))
        s = lines[-1]
        check_equal("--json summary", (s["targets"], s["open"], s["all_open"]), (3, 1, False))

    queue, fillers = full_queue()
    if queue is None:
        print("skip: FILTERED (tcp_abort_on_overflow is not 0, or the queue never filled)")
    else:
        f = f"127.0.0.1:{port(queue)}"
        r = kit("check", f, "--timeout", "0.3")  # a bare number is seconds
        if expect_code("check filtered", r, 1):
            check_equal("check filtered", r.out, f"{f} -- FILTERED\n")
            check("--timeout 0.3 is 0.3 s, not 0.3 ms or 300 s", 0.25 < r.seconds < 10, r)
        r = kit("check", f, "--timeout", "300ms", "--json")
        if expect_code("check filtered --json", r, 1):
            check_equal("filtered reason", json.loads(r.out.splitlines()[0])["reason"],
                        "no-response")
        queue.close()
    for x in fillers:
        x.close()

    # --wait: the port starts listening a moment after kit starts polling.
    later = bound_only()
    t = f"127.0.0.1:{port(later)}"
    threading.Timer(0.5, lambda: later.listen(16)).start()
    r = kit("check", t, "--wait", "20")
    if expect_code("--wait until open", r, 0):
        check_equal("--wait prints the one final line", r.out, f"{t} -- OPEN\n")
        check("--wait returned once open, long before 20 s", r.seconds < 15, r)
    later.close()
    r = kit("check", c, "--wait", "700ms")
    if expect_code("--wait running out", r, 1):
        check_equal("--wait running out prints the final state", r.out, f"{c} -- CLOSED\n")
        check("--wait 700ms waited", r.seconds >= 0.6, r)

    for args, what in [(["127.0.0.1"], "no port"), (["127.0.0.1:0"], "port 0"),
                       (["127.0.0.1:65536"], "port 65536"), (["127.0.0.1:abc"], "abc"),
                       ([], "no target"), ([o, "--timeout", "x"], "--timeout"),
                       ([o, "--wait", "later"], "--wait")]:
        r = kit("check", *args)
        if expect_code(f"check {args} ({what})", r, 2):
            check(f"check {args}: kit check: message", r.err.startswith("kit check: "), r)
            check_equal(f"check {args}: nothing on stdout", r.out, "")
    up.close()
    shut.close()
    return harness.report("check", start)


if __name__ == "__main__":
    sys.exit(main())
