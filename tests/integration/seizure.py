#!/usr/bin/env python3
"""seizure.py - what an adversary reads off a seized instance directory,
for seizure.sh.  Each command prints what it finds wrong and exits 1 if
anything is.

  window DIR A0 R0        no time of any file or directory in DIR (access,
                          modification, change, birth; statx, in ns) falls
                          in [A0, R0): nothing was written or read then
  dated DIR R0 P...       every blob's mtime and atime is exactly one of
                          the period starts P (s); its birth and change
                          times are at or after R0 (ns); prints how many
                          blobs each period has
  scan T... -- FILE...    none of the times T (s) is in the files' bytes:
                          as decimal text, or as 8-byte integers (either
                          byte order) of seconds or milliseconds
  sql DB LO HI P...       no integer in any table of DB (a SQLite file,
                          or pg:CONNINFO) lies in [LO, HI] unless it is
                          one of the period starts P, and no text looks
                          like a time of day
"""
import ctypes
import os
import re
import subprocess
import sqlite3
import struct
import sys

AT_FDCWD = -100
AT_SYMLINK_NOFOLLOW = 0x100
STATX_BASIC_STATS = 0x7FF
STATX_BTIME = 0x800


class Ts(ctypes.Structure):
    _fields_ = [("sec", ctypes.c_int64), ("nsec", ctypes.c_uint32),
                ("reserved", ctypes.c_int32)]


class Statx(ctypes.Structure):
    _fields_ = [("mask", ctypes.c_uint32), ("blksize", ctypes.c_uint32),
                ("attributes", ctypes.c_uint64), ("nlink", ctypes.c_uint32),
                ("uid", ctypes.c_uint32), ("gid", ctypes.c_uint32),
                ("mode", ctypes.c_uint16), ("spare0", ctypes.c_uint16),
                ("ino", ctypes.c_uint64), ("size", ctypes.c_uint64),
                ("blocks", ctypes.c_uint64),
                ("attributes_mask", ctypes.c_uint64),
                ("atime", Ts), ("btime", Ts), ("ctime", Ts), ("mtime", Ts),
                ("rdev_major", ctypes.c_uint32),
                ("rdev_minor", ctypes.c_uint32),
                ("dev_major", ctypes.c_uint32), ("dev_minor", ctypes.c_uint32),
                ("spare2", ctypes.c_uint64 * 14)]


libc = ctypes.CDLL(None, use_errno=True)


def times(path):
    """{name: ns} for atime, mtime, ctime and (if known) btime."""
    st = Statx()
    if libc.statx(AT_FDCWD, path.encode(), AT_SYMLINK_NOFOLLOW,
                  STATX_BASIC_STATS | STATX_BTIME, ctypes.byref(st)) != 0:
        raise OSError(ctypes.get_errno(), path)
    out = {}
    for name in ("atime", "mtime", "ctime", "btime"):
        if name == "btime" and not st.mask & STATX_BTIME:
            continue
        t = getattr(st, name)
        out[name] = t.sec * 10**9 + t.nsec
    return out


def walk(top):
    yield top
    for root, dirs, files in os.walk(top):
        for n in dirs + files:
            yield os.path.join(root, n)


def window(top, a0, r0):
    bad = 0
    for p in walk(top):
        for name, t in times(p).items():
            if a0 <= t < r0:
                print(f"{p}: {name} while submissions came")
                bad += 1
    return bad


def dated(top, r0, periods):
    bad = 0
    count = {p: 0 for p in periods}
    for p in walk(os.path.join(top, "blobs")):
        if not p.endswith(".age"):
            continue
        t = times(p)
        for name in ("atime", "mtime"):
            if t[name] % 10**9 or t[name] // 10**9 not in count:
                print(f"{p}: {name} {t[name]} is not a period's start")
                bad += 1
        if t["mtime"] // 10**9 in count:
            count[t["mtime"] // 10**9] += 1
        for name in ("ctime", "btime"):
            if name in t and t[name] < r0:
                print(f"{p}: {name} is before the period was stored")
                bad += 1
    for p in periods:
        print(p, count[p])
    return bad


def scan(ts, files):
    bad = 0
    for f in files:
        if not os.path.exists(f):
            continue
        data = open(f, "rb").read()
        for t in ts:
            pats = [str(t).encode(), str(t * 1000).encode()]
            for v in (t, t * 1000):
                pats += [struct.pack("<q", v), struct.pack(">q", v)]
            for pat in pats:
                if pat in data:
                    print(f"{f}: holds the time {t} ({pat!r})")
                    bad += 1
    return bad


def pg_rows(conninfo, query):
    """Rows of a query through psql, each a list of values: int where
    the text is an integer, else str (bytea comes as \\x... text)."""
    out = subprocess.run(["psql", "-qAtX", "-F", "\x1f", "-R", "\x1e",
                          "-v", "ON_ERROR_STOP=1", conninfo, "-c", query],
                         check=True, capture_output=True, text=True).stdout
    rows = []
    for rec in out.split("\x1e"):
        if rec.strip("\n") == "":
            continue
        rows.append([int(v) if re.fullmatch(r"-?\d+", v) else v
                     for v in rec.strip("\n").split("\x1f")])
    return rows


def tables_rows(db):
    """(table, rows) of every table of db: a SQLite file, or
    pg:CONNINFO for a PostgreSQL database."""
    if db.startswith("pg:"):
        conninfo = db[3:]
        for (tab,) in pg_rows(conninfo, "select table_name from "
                              "information_schema.tables where "
                              "table_schema = 'public'"):
            yield tab, pg_rows(conninfo, f"select * from \"{tab}\"")
        return
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    tables = [r[0] for r in con.execute(
        "select name from sqlite_master where type = 'table'")]
    for tab in tables:
        yield tab, con.execute(f"select * from \"{tab}\"")


def sql(db, lo, hi, periods):
    bad = 0
    for tab, rows in tables_rows(db):
        for row in rows:
            for v in row:
                if isinstance(v, int) and lo <= v <= hi and v not in periods:
                    print(f"{tab}: the integer {v} is a time in the window")
                    bad += 1
                if isinstance(v, str) and re.search(r"\d\d:\d\d", v):
                    print(f"{tab}: the text {v!r} has a time of day")
                    bad += 1
    return bad


def main(argv):
    cmd = argv[1]
    if cmd == "window":
        bad = window(argv[2], int(argv[3]), int(argv[4]))
    elif cmd == "dated":
        bad = dated(argv[2], int(argv[3]), [int(x) for x in argv[4:]])
    elif cmd == "scan":
        k = argv.index("--")
        bad = scan([int(x) for x in argv[2:k]], argv[k + 1:])
    elif cmd == "sql":
        bad = sql(argv[2], int(argv[3]), int(argv[4]),
                  [int(x) for x in argv[5:]])
    else:
        sys.exit(f"unknown command {cmd}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
