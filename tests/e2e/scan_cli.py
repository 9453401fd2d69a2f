#!/usr/bin/env python3
"""`kit scan` end to end against real listeners on 127.0.0.1 and ::1 (ports the kernel picks).

Every command form: the seed's text byte for byte, --all, --list, --json (parsed, every field
checked), --expect-open (match and difference), --banner and --probe against a server that
talks, -4/-6, host:port and [v6]:port targets, -p-, -c above the descriptor limit (capped), a
descriptor limit so low that socket() fails with EMFILE (the ports are retried, never reported
closed), --rate, bad input (exit 2, naming the text and its column), and in a network namespace
(`unshare -rn`, lo up, nftables rules on lo): drop -> filtered/no-response, reject with icmp(v6)
admin-prohibited -> filtered/admin-prohibited, reject with tcp reset -> closed/conn-refused.

usage: scan_cli.py --kit PATH     (exit 0 when every check holds, 1 otherwise)
"""
import argparse
import json
import os
import pathlib
import resource
import shutil
import socket
import subprocess
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
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.bind((host, 0))
    s.listen(backlog)
    return s


def bound_only(host="127.0.0.1"):
    """A port that is ours but refuses connections (bound, never listening)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.bind((host, 0))
    return s


def port(s):
    return s.getsockname()[1]


def service(p):
    try:
        return socket.getservbyport(p, "tcp")
    except OSError:
        return "unknown"


def has_ipv6():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


class TalkingServer(threading.Thread):
    """Accepts connections; sends `banner` at once, or echoes the first bytes it reads
    followed by `reply`; closes each connection after."""

    def __init__(self, banner=b"", echo=False, reply=b""):
        super().__init__(daemon=True)
        self.sock = listener()
        self.banner, self.echo, self.reply = banner, echo, reply
        self.start()

    def run(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                try:
                    if self.echo:
                        conn.sendall(conn.recv(256) + self.reply)
                    else:
                        conn.sendall(self.banner)
                except OSError:
                    pass

    def close(self):
        self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


def parse_lines(out):
    return [json.loads(line) for line in out.splitlines()]


def text_forms():
    opens = sorted([listener(), listener()], key=port)
    shut = bound_only()
    p1, p2, c = port(opens[0]), port(opens[1]), port(shut)
    spec = ",".join(map(str, sorted([p1, p2, c])))
    ports_desc = spec
    r = kit("scan", "127.0.0.1", "-p", spec)
    want = (f"Scanning 127.0.0.1 ports {ports_desc}...\n"
            f"  Port {p1:5d} -- {service(p1)}\n  Port {p2:5d} -- {service(p2)}\n")
    if expect_code("scan text", r, 0):
        check_equal("scan text: the seed's lines", r.out, want)
        check_equal("scan text: nothing on stderr off a terminal", r.err, "")

    r = kit("scan", "localhost", "-p", str(c))
    if expect_code("scan nothing open", r, 0):
        check_equal("scan nothing open", r.out,
                    f"Scanning localhost ports {c}...\nNo open ports found.\n")

    r = kit("scan", "127.0.0.1", "-p", spec, "--all")
    if expect_code("scan --all", r, 0):
        rows = {p1: "open syn-ack", p2: "open syn-ack", c: "closed conn-refused"}
        want = f"Scanning 127.0.0.1 ports {ports_desc}...\n" + "".join(
            f"  Port {p:5d} -- {service(p)}  {rows[p]}\n" for p in sorted(rows))
        check_equal("scan --all rows", r.out, want)

    r = kit("scan", "127.0.0.1", "-p", spec, "--list")
    if expect_code("scan --list", r, 0):
        check_equal("scan --list", r.out, f"127.0.0.1 {p1}\n127.0.0.1 {p2}\n")

    r = kit("scan", f"127.0.0.1:{p2}")
    if expect_code("scan host:port", r, 0):
        check_equal("scan host:port scans that port", r.out,
                    f"Scanning 127.0.0.1 ports {p2}...\n  Port {p2:5d} -- {service(p2)}\n")

    # A range: "ports A-B" as the seed prints it.
    lo = min(p1, p2)
    r = kit("scan", "127.0.0.1", "-p", f"{lo}-{lo + 2}", "--all", "--json")
    if expect_code("scan a range --json", r, 0):
        lines = parse_lines(r.out)
        check_equal("a range: a port record per port with --all",
                    len([x for x in lines if x["type"] == "port"]), 3)

    r = kit("scan", "127.0.0.1", "-p", spec, "--expect-open", f"{p1},{p2}")
    expect_code("--expect-open matching", r, 0)
    r = kit("scan", "127.0.0.1", "-p", spec, "--expect-open", f"{p1},{c}")
    if expect_code("--expect-open differing", r, 1):
        check("--expect-open names what is missing",
              f"kit scan: 127.0.0.1: expected open, not open: {c}\n" in r.err, r)
        check("--expect-open names what is extra",
              f"kit scan: 127.0.0.1: open, not expected: {p2}\n" in r.err, r)
        check("--expect-open keeps the text on stdout", f"  Port {p1:5d}" in r.out, r)
    for s in opens + [shut]:
        s.close()


def summary_on_a_terminal():
    """The summary line goes to standard error only when it is a terminal."""
    import pty
    shut = bound_only()
    primary, secondary = pty.openpty()
    proc = subprocess.run([harness._kit, "scan", "127.0.0.1", "-p", str(port(shut))],
                          stdout=subprocess.PIPE, stderr=secondary, env=ENV, timeout=60)
    os.close(secondary)
    err = b""
    try:
        while True:
            chunk = os.read(primary, 4096)
            if not chunk:
                break
            err += chunk
    except OSError:  # EIO once the terminal's other side is closed and drained
        pass
    os.close(primary)
    check_equal("summary on a terminal: exit", proc.returncode, 0)
    text = err.decode().replace("\r\n", "\n")
    check("summary on a terminal: N open, M closed, K filtered in T s",
          text.startswith("0 open, 1 closed, 0 filtered in ") and text.endswith(" s\n"), text)
    shut.close()


def json_form():
    a, b = listener(), listener()
    shut = bound_only()
    spec = f"{port(a)},{port(b)},{port(shut)}"
    r = kit("scan", "127.0.0.1", "-p", spec, "--json", "--all")
    if not expect_code("scan --json --all", r, 0):
        return
    lines = parse_lines(r.out)
    ports = [x for x in lines if x["type"] == "port"]
    check_equal("--json: one port record per port", len(ports), 3)
    for x in ports:
        check_equal("--json port keys", list(x), ["type", "host", "port", "state", "reason",
                                                   "service", "rtt_ms"])
        check("--json rtt_ms is a number >= 0",
              isinstance(x["rtt_ms"], (int, float)) and x["rtt_ms"] >= 0, r)
        check_equal("--json host", x["host"], "127.0.0.1")
        want_state = "closed" if x["port"] == port(shut) else "open"
        check_equal(f"--json state of {x['port']}", x["state"], want_state)
        check_equal(f"--json reason of {x['port']}", x["reason"],
                    "conn-refused" if want_state == "closed" else "syn-ack")
        name = service(x["port"])
        check_equal("--json service", x["service"], None if name == "unknown" else name)
    hosts = [x for x in lines if x["type"] == "host"]
    check_equal("--json: one host record", len(hosts), 1)
    if hosts:
        h = hosts[0]
        check_equal("--json host record", (h["host"], h["target"], h["ports"], h["open"],
                                           h["open_ports"], h["closed"], h["filtered"]),
                    ("127.0.0.1", "127.0.0.1", 3, 2, sorted([port(a), port(b)]), 1, 0))
    check_equal("--json: the summary comes last", lines[-1]["type"], "summary")
    s = lines[-1]
    check_equal("--json summary counts", (s["hosts"], s["ports"], s["open"], s["closed"],
                                          s["filtered"]), (1, 3, 2, 1, 0))
    check("--json summary elapsed_s and concurrency",
          s["elapsed_s"] >= 0 and s["concurrency"] >= 1, r)

    # Without --all only the open ports have records.
    r = kit("scan", "127.0.0.1", "-p", spec, "--json", "--expect-open", f"{port(a)}")
    if expect_code("--json --expect-open differing", r, 1):
        lines = parse_lines(r.out)
        check_equal("--json without --all: open ports only",
                    sorted(x["port"] for x in lines if x["type"] == "port"),
                    sorted([port(a), port(b)]))
        check_equal("--json summary says expected false", lines[-1]["expected"], False)
    for s in (a, b, shut):
        s.close()


def banners():
    ssh = TalkingServer(banner=b"SSH-2.0-kit\r\n\x00\xff")
    r = kit("scan", "127.0.0.1", "-p", str(port(ssh.sock)), "--banner", "--banner-timeout", "3s")
    p = port(ssh.sock)
    if expect_code("--banner", r, 0):
        check_equal("--banner appends the escaped banner", r.out.splitlines()[1],
                    f"  Port {p:5d} -- {service(p)}  SSH-2.0-kit\\x0d\\x0a\\x00\\xff")
    r = kit("scan", "127.0.0.1", "-p", str(p), "--banner", "--json")
    if expect_code("--banner --json", r, 0):
        rec = parse_lines(r.out)[0]
        check_equal("--json banner: bytes that are not UTF-8 as base64", rec.get("banner"),
                    {"bytes": "U1NILTIuMC1raXQNCgD/"})
    ssh.close()

    echo = TalkingServer(echo=True, reply=b"!" * 400)
    p = port(echo.sock)
    r = kit("scan", "127.0.0.1", "-p", str(p), "--probe", "HEAD / HTTP/1.0\\r\\n\\r\\n",
            "--json")
    if expect_code("--probe", r, 0):
        rec = parse_lines(r.out)[0]
        banner = rec.get("banner", "")
        check("--probe: the bytes went first", banner.startswith("HEAD / HTTP/1.0\r\n\r\n!"), r)
        check_equal("--probe: the banner stops at 256 bytes", len(banner), 256)
    echo.close()


def families():
    if not has_ipv6():
        print("skip: no IPv6 loopback (::1)")
        return
    s6 = listener("::1")
    p = port(s6)
    r = kit("scan", "::1", "-p", str(p))
    if expect_code("scan ::1", r, 0):
        check_equal("scan ::1", r.out, f"Scanning ::1 ports {p}...\n  Port {p:5d} -- {service(p)}\n")
    r = kit("scan", f"[::1]:{p}", "--list")
    if expect_code("scan [::1]:port", r, 0):
        check_equal("scan [::1]:port --list", r.out, f"::1 {p}\n")
    try:
        socket.getaddrinfo("localhost", None, socket.AF_INET6)
        r = kit("scan", "-6", "localhost", "-p", str(p), "--list")
        if expect_code("scan -6 localhost", r, 0):
            check_equal("-6 localhost scans ::1", r.out, f"::1 {p}\n")
    except OSError:
        print("skip: localhost has no IPv6 address here (/etc/hosts)")
    r = kit("scan", "-4", "::1", "-p", str(p))
    expect_code("-4 with an IPv6 literal is bad usage", r, 2)
    s6.close()
    s4 = listener()
    p = port(s4)
    r = kit("scan", "127.0.0.0/30", "-p", str(p), "--list")
    if expect_code("scan 127.0.0.0/30", r, 0):
        check_equal("127.0.0.0/30: four addresses scanned, one open", r.out, f"127.0.0.1 {p}\n")
    r = kit("scan", "127.0.0.0/30", "-p", str(p), "--json")
    if expect_code("scan 127.0.0.0/30 --json", r, 0):
        check_equal("127.0.0.0/30: a host record each",
                    [x["host"] for x in parse_lines(r.out) if x["type"] == "host"],
                    [f"127.0.0.{i}" for i in range(4)])
    s4.close()


def whole_range_and_limits():
    mine = [listener() for _ in range(3)]
    want = sorted(port(s) for s in mine)
    r = kit("scan", "127.0.0.1", "-p-", "--json", timeout=120)
    if expect_code("scan -p-", r, 0):
        lines = parse_lines(r.out)
        found = {x["port"] for x in lines if x["type"] == "port"}
        check("-p-: our listeners are among the open ports", set(want) <= found, r)
        s = lines[-1]
        check_equal("-p-: every port decided", s["open"] + s["closed"] + s["filtered"], 65535)
        check_equal("-p-: 65535 ports", s["ports"], 65535)
        check_equal("-p-: nothing filtered on loopback", s["filtered"], 0)
    spec = ",".join(map(str, want))
    r = kit("scan", "127.0.0.1", "-p", spec, "-c", "4000000000", "--json")
    if expect_code("-c far above the descriptor limit", r, 0):
        s = parse_lines(r.out)[-1]
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        check("-c is capped to the descriptor limit", 1 <= s["concurrency"] <= hard - 64, r)
    r = kit("scan", "127.0.0.1", "-p", f"1-200,{spec}", "--rate", "2000", "--list")
    if expect_code("--rate", r, 0):
        check("--rate: our listeners found",
              all(f"127.0.0.1 {p}\n" in r.out for p in want), r)

    # EMFILE: a descriptor limit of 128 with 90 descriptors already taken (inherited), so the
    # 64 connects the cap allows run out of descriptors. The ports wait and are retried; every
    # port is decided and none falsely.
    extra = [os.open("/dev/null", os.O_RDONLY) for _ in range(90)]

    def low_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (128, 128))

    spec2 = f"1-3000,{spec}"
    t0 = time.monotonic()
    # (In the sanitizer build this also shows the scanner hands spare descriptors back at
    # EMFILE: UBSan's vptr check needs a pipe, and without one it reports a false error.)
    env = ENV
    proc = subprocess.run([harness._kit, "scan", "127.0.0.1", "-p", spec2, "--json", "--all"],
                          capture_output=True, text=True, env=env, timeout=120,
                          preexec_fn=low_limit, pass_fds=extra)
    for fd in extra:
        os.close(fd)
    if check(f"EMFILE run exits 0 (got {proc.returncode}, {proc.stderr!r})",
             proc.returncode == 0):
        lines = parse_lines(proc.stdout)
        ports = [x for x in lines if x["type"] == "port"]
        check_equal("EMFILE: every port decided once", len(ports), 3000 + len(want))
        check("EMFILE: our listeners open",
              all(x["state"] == "open" for x in ports if x["port"] in want), proc.stdout[-300:])
        check_equal("EMFILE: nothing filtered",
                    [x for x in ports if x["state"] == "filtered"], [])
    print(f"EMFILE run: {time.monotonic() - t0:.1f}s")
    for s in mine:
        s.close()


def bad_input():
    cases = [
        (["-p", "0"], "ports: 0: port out of range 1-65535 (column 1)"),
        (["-p", "22,65536"], "ports: 65536: port out of range 1-65535 (column 4)"),
        (["-p", "80,5-3"], "ports: 5-3: range ends before it starts (column 4)"),
        (["-p", "abc"], "ports: abc: not a port number or range (column 1)"),
        (["-p", "1", "--probe", "ab\\q"], "probe: unknown escape '\\q' (column 3)"),
        (["-p", "1", "--timeout", "soon"], "--timeout"),
    ]
    for args, text in cases:
        r = kit("scan", "127.0.0.1", *args)
        if expect_code(f"scan {args}", r, 2):
            check(f"scan {args}: names {text!r}", f"kit scan: " in r.err and text in r.err, r)
            check_equal(f"scan {args}: nothing on stdout", r.out, "")
    r = kit("scan", NOHOST, "-p", "80")
    if expect_code("unknown host", r, 2):
        check("unknown host is named", r.err.startswith("kit scan: ") and NOHOST in r.err,
              r)
    r = kit("scan", "10.0.0.0/8", "-p", "80")
    if expect_code(">65,536 addresses without --force", r, 2):
        check("--force is named", "--force" in r.err, r)
    r = kit("scan", "-4", "-6", "127.0.0.1")
    expect_code("-4 -6", r, 2)
    r = kit("scan", "--json", "--list", "127.0.0.1")
    expect_code("--json --list", r, 2)


NFT_RULES = """table inet scan_test {
  chain input {
    type filter hook input priority 0; policy accept;
    tcp dport 1001 drop
    meta nfproto ipv4 tcp dport 1002 reject with icmp type admin-prohibited
    meta nfproto ipv6 tcp dport 1002 reject with icmpv6 type admin-prohibited
    tcp dport 1003 reject with tcp reset
    meta nfproto ipv4 tcp dport 1004 reject with icmp type host-unreachable
  }
}
"""

NETNS_SCRIPT = """set -e
ip link set lo up
nft -f "$1"
exec "$2" scan 127.0.0.1 ::1 -p 1000-1004 --all --json --timeout 400 --retries 1
"""


def netns(scratch):
    if not shutil.which("nft") or not shutil.which("ip"):
        print("skip: netns test needs nft and ip (nftables, iproute2)")
        return
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        print(f"skip: netns test: unshare -rn is not possible here ({probe.stderr.strip()})")
        return
    rules = scratch / "rules.nft"
    rules.write_text(NFT_RULES)
    proc = subprocess.run(["unshare", "-rn", "sh", "-c", NETNS_SCRIPT, "sh", str(rules),
                           harness._kit], capture_output=True, text=True, timeout=60, env=ENV)
    if not check(f"netns scan exits 0 ({proc.stderr!r})", proc.returncode == 0):
        return
    got = {(x["host"], x["port"]): (x["state"], x["reason"])
           for x in parse_lines(proc.stdout) if x["type"] == "port"}
    for host in ("127.0.0.1", "::1"):
        want = {1000: ("closed", "conn-refused"),  # nothing listens: the kernel's reset
                1001: ("filtered", "no-response"),  # drop
                1002: ("filtered", "admin-prohibited"),  # ICMP(v6) administratively prohibited
                1003: ("closed", "conn-refused")}  # reject with tcp reset
        # IPv4 only: ICMP host unreachable (kit asks again with IP_RECVERR to tell it from
        # admin-prohibited, both EHOSTUNREACH); ::1 has no rule there and refuses.
        want[1004] = ("filtered", "host-unreach") if host == "127.0.0.1" else want[1000]
        for p, w in want.items():
            check_equal(f"netns {host}:{p}", got.get((host, p)), w)
    # kit check in the same kind of namespace.
    script = ("set -e\nip link set lo up\nnft -f \"$1\"\n"
              "\"$2\" check 127.0.0.1:1001 127.0.0.1:1002 '[::1]:1002' 127.0.0.1:1003 "
              "--timeout 300ms || true\n")
    proc = subprocess.run(["unshare", "-rn", "sh", "-c", script, "sh", str(rules), harness._kit],
                          capture_output=True, text=True, timeout=60, env=ENV)
    check_equal("netns kit check", proc.stdout,
                "127.0.0.1:1001 -- FILTERED\n127.0.0.1:1002 -- FILTERED\n"
                "[::1]:1002 -- FILTERED\n127.0.0.1:1003 -- CLOSED\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit", required=True)
    opts = parser.parse_args()
    scratch = pathlib.Path(os.environ.get("TMPDIR", "/tmp")) / f"kit-scan-cli-{os.getpid()}"
    scratch.mkdir(parents=True, exist_ok=True)
    harness.use(kit=str(pathlib.Path(opts.kit).resolve()), cwd=scratch, env=ENV)
    start = time.monotonic()
    text_forms()
    summary_on_a_terminal()
    json_form()
    banners()
    families()
    bad_input()
    whole_range_and_limits()
    netns(scratch)
    shutil.rmtree(scratch, ignore_errors=True)
    return harness.report("scan", start)


if __name__ == "__main__":
    sys.exit(main())
