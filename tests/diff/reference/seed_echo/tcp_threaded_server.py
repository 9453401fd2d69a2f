# tcp_threaded_server.py
# The seed's program verbatim, except: HOST/PORT from ECHO_HOST/ECHO_PORT when set (tests use
# free ports), and print(..., flush=True) so a test reading through a pipe sees each line.
import os
import socket
import threading

HOST = os.environ.get("ECHO_HOST", "127.0.0.1")
PORT = int(os.environ.get("ECHO_PORT", "65433"))

def handle_client(conn: socket.socket, addr: tuple):
    print(f"[{addr}] connected", flush=True)
    with conn:
        while True:
            data = conn.recv(1024)
            if not data:
                break
            message = data.decode().strip()
            response = f"Echo: {message.upper()}\n"
            conn.sendall(response.encode())
    print(f"[{addr}] disconnected", flush=True)

def start_server():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((HOST, PORT))
        server.listen(10)
        print(f"Server running on {HOST}:{PORT}", flush=True)
        while True:
            conn, addr = server.accept()
            t = threading.Thread(target=handle_client, args=(conn, addr))
            t.daemon = True
            t.start()

start_server()
