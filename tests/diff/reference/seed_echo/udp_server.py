# udp_server.py
# The seed's program verbatim, except: HOST/PORT from ECHO_HOST/ECHO_PORT when set (tests use
# free ports), and print(..., flush=True) so a test reading through a pipe sees each line.
import os
import socket

HOST = os.environ.get("ECHO_HOST", "127.0.0.1")
PORT = int(os.environ.get("ECHO_PORT", "65434"))

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as server:
    server.bind((HOST, PORT))
    print(f"UDP server on {HOST}:{PORT}", flush=True)
    while True:
        data, addr = server.recvfrom(1024)
        print(f"From {addr}: {data.decode()}", flush=True)
        server.sendto(b"ACK: " + data, addr)
