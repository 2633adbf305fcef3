"""Sums the TAP results of every test in each build's meson testlog.json.

A test that printed no TAP line but failed (a crash, a missing tool)
counts as one failure, so nothing is lost from the total.

The failed cases are listed again just above the total (at most 25
lines), so that the tail of a long log, which is often all a CI page
keeps, names what failed; the first few carry the diagnostic lines
("# ...") their test printed right after them, so the tail also says why.
"""
import json
import re
import sys

passed = failed = skipped = 0
failures = []
for build in sys.argv[1:]:
    try:
        with open(f"{build}/meson-logs/testlog.json") as f:
            entries = [json.loads(line) for line in f if line.strip()]
    except OSError as e:
        print(f"summarize: {e}")
        failed += 1
        continue
    for t in entries:
        ok = nok = skip = 0
        why = None
        for line in (t.get("stdout") or "").splitlines():
            line = line.strip()
            if why is not None and line.startswith("#") and len(why) < 6:
                why.append(line[:160])
                continue
            why = None
            if re.match(r"^not ok\b", line):
                if re.search(r"#\s*TODO", line, re.I):
                    continue
                nok += 1
                why = []
                failures.append((f"{build}: {t.get('name')}: {line[:160]}", why))
            elif re.match(r"^ok\b", line):
                if re.search(r"#\s*SKIP", line, re.I):
                    skip += 1
                else:
                    ok += 1
        if t.get("result") not in ("OK", "SKIP", "EXPECTEDFAIL") and nok == 0:
            nok = 1
            failures.append((f"{build}: {t.get('name')} failed: {t.get('result')}", []))
        passed += ok
        failed += nok
        skipped += skip
for i, (line, why) in enumerate(failures[:25]):
    print(f"summarize: {line}")
    if i < 3:
        for w in why:
            print(f"summarize:     {w}")
if len(failures) > 25:
    print(f"summarize: ... and {len(failures) - 25} more")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
