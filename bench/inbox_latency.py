"""inbox_latency.py URL COOKIE KEYS IDS REQUESTS OUT - times an editor's
pages over one keep-alive HTTP connection, as a browser behind an onion
service would hold one: REQUESTS inbox pages (the first page, then pages
older than keys drawn from KEYS, across every view) and REQUESTS source
pages (ids from IDS).  Appends each time, in milliseconds, one per line,
to OUT.inbox and OUT.source."""
import http.client
import random
import sys
import time
import urllib.parse

url, cookie, keys_file, ids_file, n, out = sys.argv[1:7]
n = int(n)
u = urllib.parse.urlsplit(url)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
headers = {"Cookie": "sz_editor=" + cookie}
keys = open(keys_file).read().split()
ids = open(ids_file).read().split()
rng = random.Random()


def timed(path):
    t = time.perf_counter()
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    body = r.read()
    took = time.perf_counter() - t
    if r.status != 200 or not body.endswith(b"</html>\n"):
        sys.exit("%s answered %d" % (path, r.status))
    return took * 1000


views = ["", "show=unread&", "show=starred&"]
inbox_paths = ["/inbox"] + ["/inbox?%solder=%s" % (rng.choice(views),
                            rng.choice(keys)) for _ in range(n - 1)]
source_paths = ["/source?id=" + rng.choice(ids) for _ in range(n)]
for p in inbox_paths[:10] + source_paths[:10]:   # warm up
    timed(p)
with open(out + ".inbox", "a") as f:
    f.writelines("%.3f\n" % timed(p) for p in inbox_paths)
with open(out + ".source", "a") as f:
    f.writelines("%.3f\n" % timed(p) for p in source_paths)
