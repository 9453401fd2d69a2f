# tcp_echo_server.py
# The seed's program verbatim, except: HOST/PORT from ECHO_HOST/ECHO_PORT when set (tests use
# free ports), and print(..., flush=True) so a test reading through a pipe sees each line.
import os
import socket

HOST = os.environ.get("ECHO_HOST", "127.0.0.1")
PORT = int(os.environ.get("ECHO_PORT", "65432"))

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
    server.bind((HOST, PORT))
    server.listen(1)
    print(f"Listening on {HOST}:{PORT}", flush=True)
    conn, addr = server.accept()
    with conn:
        print(f"Connected by {addr}", flush=True)
        while True:
            data = conn.recv(1024)
            if not data:
                break
            conn.sendall(data)
        print("Client disconnected", flush=True)
