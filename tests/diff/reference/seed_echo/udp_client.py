# udp_client.py
# The seed's program verbatim, except: HOST/PORT from ECHO_HOST/ECHO_PORT when set (tests use
# free ports).
import os
import socket

HOST = os.environ.get("ECHO_HOST", "127.0.0.1")
PORT = int(os.environ.get("ECHO_PORT", "65434"))

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
    client.sendto(b"Status check OK", (HOST, PORT))
    response, _ = client.recvfrom(1024)
    print("Response:", response.decode())
