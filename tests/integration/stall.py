"""stall.py PORT SECONDS - connects, sends half a request, then nothing,
and prints how many whole seconds passed until the server hung up (or
SECONDS if it never did).  A slowloris client, for hostile.sh."""
import socket
import sys
import time

port, limit = int(sys.argv[1]), float(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
s.settimeout(limit)
start = time.monotonic()
try:
    while s.recv(4096):
        pass
except socket.timeout:
    pass
print(int(time.monotonic() - start))
