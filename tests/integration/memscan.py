#!/usr/bin/env python3
"""memscan.py PID STRING... - reads every readable mapping of a running
process (/proc/PID/maps and /proc/PID/mem, which needs root or ptrace
rights over it) and prints where any STRING occurs; exits 1 if one does,
2 if the memory cannot be read at all.  A STRING written hex:DIGITS is
looked for as the bytes those hex digits spell (a binary key).  Mappings larger than 4 GiB are
address-space reservations (AddressSanitizer's shadow), not data, and are
skipped."""
import sys

SKIP = 4 << 30
PIECE = 16 << 20


def regions(pid):
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            parts = line.split()
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            name = parts[5] if len(parts) > 5 else "[anon]"
            if "r" in parts[1] and hi - lo <= SKIP and name != "[vvar]":
                yield lo, hi, name


def main(argv):
    pid = int(argv[1])
    needles = [bytes.fromhex(s[4:]) if s.startswith("hex:") else s.encode()
               for s in argv[2:]]
    longest = max(len(n) for n in needles)
    found = 0
    read = 0
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for lo, hi, name in regions(pid):
            tail = b""
            for at in range(lo, hi, PIECE):
                try:
                    mem.seek(at)
                    data = mem.read(min(PIECE, hi - at))
                except OSError:
                    break
                read += len(data)
                buf = tail + data
                for n in needles:
                    i = buf.find(n)
                    while i >= 0:
                        where = at - len(tail) + i
                        print(f"{n.decode(errors='replace')!r} at "
                              f"{where:#x} in {name}")
                        found += 1
                        i = buf.find(n, i + 1)
                tail = buf[-(longest - 1):] if longest > 1 else b""
    if read == 0:
        print("no memory could be read")
        return 2
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
