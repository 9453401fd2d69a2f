# port_scanner.py — the tutorial's "Real-Life Example: Concurrent Port Scanner"
# ("How To Use Python socket Module for Network Programming", seed/tutorials.txt), verbatim
# except for one change: TARGET and the port range come from argv (`seed_port_scanner.py HOST
# START END`) instead of the hard-coded scanme.nmap.org 1-1024, so the differential test and
# bench/compare/net.sh can point it at their own listeners. Everything else is the seed's.
import socket
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed

def scan_port(host: str, port: int, timeout: float = 1.0) -> tuple[int, bool]:
    """Return (port, is_open)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        try:
            s.connect((host, port))
            return port, True
        except (socket.timeout, ConnectionRefusedError, OSError):
            return port, False

def scan_host(host: str, start: int = 1, end: int = 1024, workers: int = 100) -> list[int]:
    """Return a sorted list of open ports in the range [start, end]."""
    open_ports = []
    with ThreadPoolExecutor(max_workers=workers) as executor:
        futures = {executor.submit(scan_port, host, p): p for p in range(start, end + 1)}
        for future in as_completed(futures):
            port, is_open = future.result()
            if is_open:
                open_ports.append(port)
    return sorted(open_ports)

if __name__ == "__main__":
    TARGET = sys.argv[1]  # was: "scanme.nmap.org"  # nmap's public test host (safe to scan)
    START, END = int(sys.argv[2]), int(sys.argv[3])  # was: 1, 1024
    print(f"Scanning {TARGET} ports {START}-{END}...")
    open_ports = scan_host(TARGET, START, END, workers=200)
    if open_ports:
        for p in open_ports:
            try:
                service = socket.getservbyport(p)
            except OSError:
                service = "unknown"
            print(f"  Port {p:5d} -- {service}")
    else:
        print("No open ports found.")
