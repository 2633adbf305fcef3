"""raw.py [--pipelined] PORT FILE... - sends each file's bytes as one
request on one connection, reads each response (by its Content-Length),
and prints a line per request: its status, and after the last one whether
the server then closed the connection ("closed") or kept it open ("open").
With --pipelined, a response that says "Connection: close" is followed by
"close" (a file may hold several requests; one response is read for it).
For request_smuggling.sh and load tests: nothing here parses leniently."""
import socket
import sys


def read_response(s, buf):
    while b"\r\n\r\n" not in buf:
        chunk = s.recv(65536)
        if not chunk:
            return None, buf
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = lines[0].split(b" ")[1].decode()
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        if (pipelined and name.strip().lower() == b"connection" and
                value.strip().lower() == b"close"):
            status += " close"
    while len(rest) < length:
        chunk = s.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, rest[length:]


args = sys.argv[1:]
pipelined = args[0] == "--pipelined"
if pipelined:
    args = args[1:]
port = int(args[0])
s = socket.create_connection(("127.0.0.1", port))
s.settimeout(10)
buf = b""
out = []
for path in args[1:]:
    with open(path, "rb") as f:
        s.sendall(f.read())
    status, buf = read_response(s, buf)
    out.append(status or "none")
s.settimeout(2)
try:
    state = "closed" if not buf and not s.recv(1) else "open"
except socket.timeout:
    state = "open"
except ConnectionResetError:
    state = "closed"
print(" ".join(out), state)
