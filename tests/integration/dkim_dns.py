#!/usr/bin/env python3
"""dkim_dns.py - a tiny DNS server for tests: answers TXT queries on
127.0.0.1:53 with the DKIM key records of opendkim-genkey's .txt files,
NXDOMAIN for anything else, so opendkim-testmsg can verify a message with
no network (run it inside `unshare -rmn`, with /etc/resolv.conf bound to
one naming 127.0.0.1).  Prints "ready" once it listens.

    dkim_dns.py DOMAIN=KEYFILE...
"""
import re
import socket
import struct
import sys

records = {}
for arg in sys.argv[1:]:
    domain, path = arg.split("=", 1)
    text = open(path).read()
    name = text.split()[0]
    value = "".join(re.findall(r'"([^"]*)"', text))
    full = name if name.endswith(domain) else name + "." + domain
    records[full.lower().rstrip(".")] = value.encode()

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", 53))
print("ready", flush=True)
while True:
    query, peer = sock.recvfrom(4096)
    if len(query) < 12:
        continue
    qid, flags, qd = struct.unpack(">HHH", query[:6])
    at, labels = 12, []
    while at < len(query) and query[at] != 0:
        n = query[at]
        labels.append(query[at + 1:at + 1 + n].decode("ascii", "replace"))
        at += 1 + n
    question = query[12:at + 5]
    qtype = struct.unpack(">H", query[at + 1:at + 3])[0] if at + 3 <= len(query) else 0
    name = ".".join(labels).lower()
    value = records.get(name)
    if value is not None and qtype == 16:
        chunks = [value[i:i + 255] for i in range(0, len(value), 255)]
        rdata = b"".join(bytes([len(c)]) + c for c in chunks)
        answer = struct.pack(">HHHIH", 0xC00C, 16, 1, 300, len(rdata)) + rdata
        head = struct.pack(">HHHHHH", qid, 0x8180, 1, 1, 0, 0)
    else:
        answer = b""
        head = struct.pack(">HHHHHH", qid, 0x8183 if value is None else 0x8180, 1, 0, 0, 0)
    sock.sendto(head + question + answer, peer)
