#!/usr/bin/env python3
"""Differential test: kit::net::service_name (through tests/diff/net_driver) against CPython's
socket.getservbyport on this machine's /etc/services.

Usage: services_vs_python.py --kit PATH --driver PATH GROUP   (GROUP: services or all)

Group:
  services  every port 1-65535 for protocol "tcp" (what kit scan prints), "udp", and no
            protocol (the seed calls socket.getservbyport(p) without one): the driver's name
            equals getservbyport's, or both are unknown (OSError in Python, no name from kit).
            One driver run per protocol; one Python process.
Exit status: 0 when everything matches, 1 on any mismatch (the first 20 are printed).
"""
import argparse
import socket
import subprocess
import sys


def python_name(port, proto):
    try:
        return socket.getservbyport(port, proto) if proto else socket.getservbyport(port)
    except OSError:
        return ""


def check_services(driver):
    mismatches = 0
    checks = 0
    for proto in ("tcp", "udp", None):
        out = subprocess.run([driver, "services", "1", "65535", proto or "any"],
                             capture_output=True, text=True, check=True).stdout
        lines = out.splitlines()
        if len(lines) != 65535:
            print(f"{proto}: driver printed {len(lines)} lines, not 65535")
            return 1
        for port, line in enumerate(lines, start=1):
            fields = line.split(" ", 1)
            got = fields[1] if len(fields) > 1 else ""
            want = python_name(port, proto)
            checks += 1
            if int(fields[0]) != port or got != want:
                mismatches += 1
                if mismatches <= 20:
                    print(f"port {port}/{proto or 'any'}: kit {got!r}, Python {want!r}")
    known = sum(1 for p in range(1, 65536) if python_name(p, "tcp"))
    print(f"services: {checks} lookups, {known} tcp ports named, {mismatches} mismatches")
    return 1 if mismatches else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kit")  # every diff test gets it; this one needs only the driver
    parser.add_argument("--driver", required=True)
    parser.add_argument("group", choices=["services", "all"])
    args = parser.parse_args()
    return check_services(args.driver)


if __name__ == "__main__":
    sys.exit(main())
