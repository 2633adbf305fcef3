#!/usr/bin/env python3
"""linkcheck.py DIR - every link in a static copy of the archive leads to
a file of the copy.  Reads every .html page and feed.atom in DIR, takes
each href and src, and resolves it as a web server (or a browser reading
the disk) would: relative to the page, query and fragment dropped,
percent-decoded once, "dir/" meaning "dir/index.html".  Prints each
broken or escaping link and how many links it checked; exits 1 if any is
broken.  External links (a scheme) are counted, not followed."""
import html.parser
import os
import posixpath
import sys
import urllib.parse

root = os.path.realpath(sys.argv[1])


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.links.append(value)


def check(page, link):
    parts = urllib.parse.urlsplit(link)
    if parts.scheme or parts.netloc:
        return "external"
    if not parts.path:
        return "ok"
    if parts.path.startswith("/"):
        return "rooted: a copy's links are relative"
    base = posixpath.dirname(os.path.relpath(page, root))
    target = posixpath.normpath(posixpath.join(base,
        urllib.parse.unquote(parts.path)))
    if target == ".." or target.startswith("../"):
        return "climbs out of the copy"
    full = os.path.join(root, target)
    if parts.path.endswith("/") or os.path.isdir(full):
        full = os.path.join(full, "index.html")
    return "ok" if os.path.isfile(full) else "broken: no " + target


checked = external = broken = 0
for dirpath, _, files in os.walk(root):
    for name in sorted(files):
        if not (name.endswith(".html") or name.endswith(".atom")):
            continue
        page = os.path.join(dirpath, name)
        parser = Links()
        with open(page, encoding="utf-8") as f:
            parser.feed(f.read())
        for link in parser.links:
            verdict = check(page, link)
            checked += 1
            if verdict == "external":
                external += 1
            elif verdict != "ok":
                broken += 1
                print("%s: %s: %s" % (os.path.relpath(page, root), link,
                    verdict))
print("%d links checked (%d external), %d broken" % (checked, external,
    broken))
sys.exit(1 if broken else 0)
