"""siege.py PORT PID SECONDS IDLE SLOW - a siege of the source face, while
a real client uses it.

The attackers, on one selector: IDLE connections that never send a byte,
and SLOW slowloris connections that send a request line and then one
header line every SLOW_EVERY seconds, never finishing.  Each reconnects
a second after the server drops it, as a persistent attacker would.

The real client, meanwhile, visits like a source: the start page and its
stylesheet, a new codename, confirming it, the submission page, a message
and a file sent, the thank-you page, logging out; again and again.  It
keeps its connection alive like a browser, and like one retries a
request once on a fresh connection when a kept-alive connection turns
out closed before any answer (RFC 9112 9.3.1).

Prints key=value lines: requests, failures (with the first few), p50 and
p99 of the real client's request times, submissions, the attackers'
connections at the end, and the server's peak and final RSS (kB)."""
import http.client
import os
import re
import resource
import selectors
import socket
import sys
import threading
import time
import urllib.parse

PORT, PID, SECONDS = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
IDLE, SLOW = int(sys.argv[4]), int(sys.argv[5])
SLOW_EVERY = 5.0
RECONNECT = 1.0

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
stop = threading.Event()
held = {"idle": 0, "slow": 0}


def attackers():
    sel = selectors.DefaultSelector()
    pending = []   # (when, kind)
    live = {}      # socket -> [kind, next send time]

    def connect(kind):
        try:
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", PORT))
        except OSError:
            pending.append((time.monotonic() + RECONNECT, kind))
            return
        sel.register(s, selectors.EVENT_READ)
        live[s] = [kind, time.monotonic() + 0.5 if kind == "slow" else None]

    for _ in range(IDLE):
        connect("idle")
    for _ in range(SLOW):
        connect("slow")
    started = set()
    while not stop.is_set():
        now = time.monotonic()
        for key, _ in sel.select(timeout=0.2):
            s = key.fileobj
            try:
                data = s.recv(4096)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if not data:   # dropped: come back a little later
                kind = live.pop(s)[0]
                sel.unregister(s)
                s.close()
                started.discard(s)
                pending.append((now + RECONNECT, kind))
        for s, st in list(live.items()):
            if st[0] == "slow" and st[1] is not None and now >= st[1]:
                try:
                    if s not in started:
                        s.send(b"GET / HTTP/1.1\r\nHost: x\r\n")
                        started.add(s)
                    else:
                        s.send(b"X-Slow: 1\r\n")
                except OSError:
                    pass
                st[1] = now + SLOW_EVERY
        due = [p for p in pending if p[0] <= now]
        pending[:] = [p for p in pending if p[0] > now]
        for _, kind in due:
            connect(kind)
        held["idle"] = sum(1 for v in live.values() if v[0] == "idle")
        held["slow"] = sum(1 for v in live.values() if v[0] == "slow")
    for s in list(live):
        s.close()


class Client:
    """A browser-like client: one kept-alive connection, cookies."""

    def __init__(self):
        self.conn = None
        self.cookies = {}
        self.times = []
        self.failures = []

    def request(self, method, path, body=None, ctype=None, want=200):
        headers = {"Host": "x", "User-Agent": "siege-client"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in
                                          self.cookies.items())
        if body is not None:
            headers["Content-Type"] = ctype
        start = time.monotonic()
        for attempt in (1, 2):
            reused = self.conn is not None
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", PORT,
                                                       timeout=20)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError,
                    BrokenPipeError, http.client.BadStatusLine) as e:
                self.conn.close()
                self.conn = None
                if attempt == 2 or not reused:
                    self.failures.append(f"{method} {path}: {e!r}")
                    return None
            except OSError as e:
                self.conn.close()
                self.conn = None
                self.failures.append(f"{method} {path}: {e!r}")
                return None
        self.times.append(time.monotonic() - start)
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name] = rest.split(";")[0]
            if k.lower() == "connection" and v.lower() == "close":
                self.conn.close()
                self.conn = None
        if r.status != want:
            self.failures.append(f"{method} {path}: {r.status}")
            return None
        return data.decode("utf-8", "replace")


def field(page, name):
    m = re.search(r'name="%s" value="([^"]*)"' % name, page or "")
    return m.group(1) if m else ""


def visit(c, n):
    c.cookies = {}
    if c.request("GET", "/") is None or c.request("GET", "/style.css") is None:
        return False
    page = c.request("GET", "/new")
    form = urllib.parse.urlencode({"csrf": field(page, "csrf"),
                                   "sealed": field(page, "sealed")})
    if c.request("POST", "/new", form, "application/x-www-form-urlencoded",
                 303) is None:
        return False
    page = c.request("GET", "/source")
    b = "siegeBoundary%d" % n
    body = (f"--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n"
            f"{field(page, 'csrf')}\r\n--{b}\r\nContent-Disposition: "
            f"form-data; name=\"message\"\r\n\r\nvisit {n} under siege\r\n"
            f"--{b}\r\nContent-Disposition: form-data; name=\"files\"; "
            f"filename=\"memo.txt\"\r\nContent-Type: text/plain\r\n\r\n"
            + "the memo " * 2000 + f"\r\n--{b}--\r\n")
    if c.request("POST", "/submit", body.encode(),
                 "multipart/form-data; boundary=" + b, 303) is None:
        return False
    page = c.request("GET", "/source?sent=1")
    if page is None:
        return False
    form = urllib.parse.urlencode({"csrf": field(page, "csrf")})
    return c.request("POST", "/logout", form,
                     "application/x-www-form-urlencoded") is not None


def rss():
    peak = cur = 0
    with open(f"/proc/{PID}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1])
            if line.startswith("VmRSS:"):
                cur = int(line.split()[1])
    return peak, cur


t = threading.Thread(target=attackers)
t.start()
time.sleep(min(3.0, SECONDS / 4))   # let the siege take hold first
c = Client()
sent = 0
end = time.monotonic() + SECONDS
n = 0
while time.monotonic() < end:
    n += 1
    if visit(c, n):
        sent += 1
    time.sleep(0.2)   # a person reads a little between pages
peak, cur = rss()
held_idle, held_slow = held["idle"], held["slow"]
stop.set()
t.join()
times = sorted(c.times)


def pct(p):
    return times[min(len(times) - 1, int(p * len(times)))] if times else 0


print(f"requests={len(c.times) + len(c.failures)}")
print(f"failures={len(c.failures)}")
for f in c.failures[:5]:
    print(f"failure={f}")
print(f"visits={n} submissions={sent}")
print(f"p50_ms={pct(0.50) * 1000:.1f}")
print(f"p99_ms={pct(0.99) * 1000:.1f}")
print(f"attackers_idle={held_idle} attackers_slow={held_slow}")
print(f"rss_peak_kb={peak} rss_kb={cur}")
