# tcp_echo_client.py
# The seed's program verbatim, except: HOST/PORT from ECHO_HOST/ECHO_PORT when set (tests use
# free ports).
import os
import socket

HOST = os.environ.get("ECHO_HOST", "127.0.0.1")
PORT = int(os.environ.get("ECHO_PORT", "65432"))

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
    client.connect((HOST, PORT))
    client.sendall(b"Hello from client!")
    data = client.recv(1024)
    print("Received:", data.decode())
