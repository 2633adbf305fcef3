"""inbox_latency.py URL COOKIE KEYS IDS REQUESTS - times an editor's pages
over one keep-alive HTTP connection, as a browser behind an onion service
would hold one: REQUESTS inbox pages (the first page, then pages older than
keys drawn from KEYS, across every view) and REQUESTS source pages (ids
from IDS).  Prints "inbox P50 P99" and "source P50 P99" in milliseconds."""
import http.client
import random
import sys
import time
import urllib.parse

url, cookie, keys_file, ids_file, n = sys.argv[1:6]
n = int(n)
u = urllib.parse.urlsplit(url)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
headers = {"Cookie": "sz_editor=" + cookie}
keys = open(keys_file).read().split()
ids = open(ids_file).read().split()
rng = random.Random(20)


def timed(path):
    t = time.perf_counter()
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    body = r.read()
    took = time.perf_counter() - t
    if r.status != 200 or not body.endswith(b"</html>\n"):
        sys.exit("%s answered %d" % (path, r.status))
    return took * 1000


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(len(xs) * p / 100.0 + 0.999) - 1))]


views = ["", "show=unread&", "show=starred&"]
inbox_paths = ["/inbox"] + ["/inbox?%solder=%s" % (rng.choice(views),
                            rng.choice(keys)) for _ in range(n - 1)]
source_paths = ["/source?id=" + rng.choice(ids) for _ in range(n)]
for p in inbox_paths[:20] + source_paths[:20]:   # warm up
    timed(p)
inbox = [timed(p) for p in inbox_paths]
source = [timed(p) for p in source_paths]
print("inbox %.2f %.2f" % (pct(inbox, 50), pct(inbox, 99)))
print("source %.2f %.2f" % (pct(source, 50), pct(source, 99)))
