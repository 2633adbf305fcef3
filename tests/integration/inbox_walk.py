"""inbox_walk.py URL COOKIE VIEW EXPECTED MAP - an editor paging through
one view of the inbox (all, unread or starred) over one keep-alive HTTP
connection: from the first page "older" to the last, then "newer" back to
the first.  EXPECTED lists the ids the view must show, one per line (the
test reads them from the database's own tables).  Prints one line per
finding and exits non-zero if any fails:

  size     every page is under 64 KiB and lists at most 50 sources
  order    newest activity first, then the higher id, across all pages
  older    walking older shows each expected source exactly once
  newer    walking newer shows them again, exactly once, the same pages
  ends     the first page has no "newer" link, the last no "older" link

MAP (written) gets "id designation day" for every source seen."""
import html
import http.client
import re
import sys
import urllib.parse

PAGE_MAX = 64 * 1024
ROWS_MAX = 50
ROW = re.compile(r'<tr[^>]*><td><a href="/source\?id=(\d+)">([a-z-]+)</a>'
                 r'.*?</td><td[^>]*>(\d{4}-\d\d-\d\d)</td>')
LISTED = re.compile(r'href="/source\?id=\d+"')
LINK = re.compile(r'id="(older|newer)" href="([^"]+)"')

url, cookie, view, expected_file, map_file = sys.argv[1:6]
u = urllib.parse.urlsplit(url)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
expected = {int(x) for x in open(expected_file).read().split()}
findings = {}
seen_rows = {}


def fail(what, why):
    findings.setdefault(what, why)


def get(path):
    conn.request("GET", path, headers={"Cookie": "sz_editor=" + cookie})
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        fail("size", "%s answered %d" % (path, r.status))
        return [], {}
    if len(body) >= PAGE_MAX:
        fail("size", "%s is %d bytes" % (path, len(body)))
    text = body.decode()
    rows = [(int(i), d, day) for i, d, day in ROW.findall(text)]
    if len(rows) != len(LISTED.findall(text)):
        fail("size", "%s lists sources this walker cannot read" % path)
    if len(rows) > ROWS_MAX:
        fail("size", "%s lists %d sources" % (path, len(rows)))
    for i, d, day in rows:
        seen_rows[i] = (d, day)
    links = {k: html.unescape(v) for k, v in LINK.findall(text)}
    return rows, links


def walk(start, direction):
    """Pages from start following direction; the list of pages seen."""
    pages, path, hops = [], start, 0
    while path is not None:
        rows, links = get(path)
        pages.append((path, rows, links))
        path = links.get(direction)
        hops += 1
        if hops > len(expected) + 2:
            fail(direction, "the links never end")
            break
    return pages


first = "/inbox" + ("" if view == "all" else "?show=" + view)
older = walk(first, "older")
shown = [r for _, rows, _ in older for r in rows]
ids = [r[0] for r in shown]
if len(ids) != len(set(ids)):
    fail("older", "%d sources shown twice" % (len(ids) - len(set(ids))))
if set(ids) != expected:
    fail("older", "%d expected sources missing, %d unexpected shown" %
         (len(expected - set(ids)), len(set(ids) - expected)))
keys = [(day, i) for i, _, day in shown]
if keys != sorted(keys, reverse=True):
    fail("order", "the pages are not newest first")
if older[0][2].get("newer") or older[-1][2].get("older"):
    fail("ends", "a link leads past an end")

last_path = older[-1][0]
newer = walk(last_path, "newer")
back = [r[0] for _, rows, _ in reversed(newer) for r in rows]
if len(back) != len(set(back)):
    fail("newer", "%d sources shown twice" % (len(back) - len(set(back))))
if set(back) != expected:
    fail("newer", "%d expected sources missing, %d unexpected shown" %
         (len(expected - set(back)), len(set(back) - expected)))
if back != ids:
    fail("newer", "walking back shows %d sources, not the same %d" %
         (len(back), len(ids)))
if newer[-1][2].get("newer"):
    fail("ends", "the newest page links to newer ones")

with open(map_file, "w") as m:
    for i, (d, day) in sorted(seen_rows.items()):
        m.write("%d %s %s\n" % (i, d, day))
for what in ("size", "order", "older", "newer", "ends"):
    print("%s %s" % (what, findings.get(what, "ok")))
print("pages %d, sources %d" % (len(older), len(ids)))
sys.exit(1 if findings else 0)
