#!/bin/sh
# bench/mirror.sh SAMIZDAT - a mirror export of an archive of BENCH_EMAILS
# e-mails (default 100 000; bench/gen_mail.py) and BENCH_DOCS documents
# (default 1 000, HTML and text), against `wget --mirror` of the same
# public face, in the same run: a full export (everything rendered into
# an empty folder), then the same archive crawled over HTTP (every page
# and file a reader can reach by links; search results left out, as a
# copy cannot search, and the language switcher's ?lang= links, as a
# copy is in the instance's first language); then one new release with
# one document is published and exported again, incrementally.
# Prints both ratios: crawl time / full export time (goal >= 5) and
# incremental / full export time (goal < 5%), peak memory, and the CPU time
# each side used (export vs server + wget), which a shared machine distorts
# least; each export also says how many seconds each of its phases took.
set -eu
S=$(realpath "${1:-build/samizdat}")
N=${BENCH_EMAILS:-100000}
D=${BENCH_DOCS:-1000}
here=$(cd "$(dirname "$0")" && pwd)
DIR=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/samizdat-bench.XXXXXX")
# PID: the public face while it runs, else empty (never 0: "kill 0" would
# stop this script's whole process group, make bench included).
PID=
trap '[ -z "$PID" ] || kill "$PID" 2>/dev/null || true; rm -rf "$DIR"' EXIT
cd "$DIR"
now() { date +%s.%N; }
# ticks PID: the CPU time (user + system) a process has used, in ticks.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# cpu FILE: the user + system seconds that time(1) wrote as "... U S" on
# its last line (a first one says when the command exited non-zero).
cpu() { awk 'END { print $(NF - 1) + $NF }' "$1"; }

echo "generating $N e-mails and $D documents..."
python3 "$here/gen_mail.py" mail "$N"
python3 - "$D" <<'PY'
import os, random, sys
rng = random.Random(15)
os.makedirs("docs", exist_ok=True)
words = "bridge contract payment ministry invoice audit tender cousin offshore" \
    " report council budget road tunnel steel concrete delay overrun".split()
for i in range(int(sys.argv[1])):
    text = " ".join(rng.choice(words) for _ in range(rng.randint(200, 2000)))
    if i % 2:
        with open(f"docs/report-{i:04d}.html", "w") as f:
            f.write(f"<html><head><title>Report {i}</title></head><body>"
                    f"<h1>Report {i}</h1><p>{text}</p></body></html>\n")
    else:
        with open(f"docs/memo-{i:04d}.txt", "w") as f:
            f.write(f"Memo {i}\n\n{text}\n")
PY
"$S" init inst >/dev/null
# The forum from the start, as on a served instance (the public face makes
# forum.db when it first starts): otherwise the crawl's server would start
# it between the two exports, and a forum that appears changes every page,
# making the second export a whole one.
"$S" forum -d inst board create General --about "The releases, discussed" \
	>/dev/null
"$S" release create -d inst "Ministry mailbox" >/dev/null
"$S" release create -d inst "Tender documents" >/dev/null
echo "importing..."
"$S" release add -d inst 1 mail >/dev/null 2>&1
"$S" release add -d inst 2 docs/* >/dev/null 2>&1
"$S" release publish -d inst 1 >/dev/null
"$S" release publish -d inst 2 >/dev/null
"$S" mirror keygen -d inst --no-passphrase >/dev/null 2>&1

echo "full export..."
t0=$(now)
/usr/bin/time -f "%M %U %S" -o export.rss "$S" mirror export -qv -d inst out \
	>export.log
t1=$(now)
full=$(echo "$t1 - $t0" | bc)
cat export.log
(cd out && minisign -Vqm MANIFEST -p ../inst/mirror.pub) ||
	{ echo "the export does not verify"; exit 1; }

"$S" serve -d inst --face public --listen 127.0.0.1:0 >serve.out 2>serve.err &
PID=$!
i=0
while ! grep -q '^public face: ' serve.out 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 200 ] || { cat serve.err; exit 1; }; sleep 0.05
done
URL=$(sed -n 's/^public face: \(http[^ ]*\)$/\1/p' serve.out)
echo "crawling $URL with wget --mirror..."
ticks0=$(ticks $PID)
t0=$(now)
/usr/bin/time -f "%U %S" -o wget.cpu wget --mirror --no-host-directories -e robots=off --reject-regex 'search|[?&]lang=' \
	-q -P crawl "$URL" || true
t1=$(now)
crawl=$(echo "$t1 - $t0" | bc)
server_cpu=$(echo "($(ticks $PID) - $ticks0) / $(getconf CLK_TCK)" | bc -l)
kill $PID; wait $PID 2>/dev/null || true
PID=

echo "Addendum: one page." >addendum.txt
"$S" release create -d inst "Addendum" >/dev/null
"$S" release add -d inst 3 addendum.txt >/dev/null 2>&1
"$S" release publish -d inst 3 >/dev/null
echo "incremental export after one new release..."
t0=$(now)
/usr/bin/time -f "%M %U %S" -o incr.rss "$S" mirror export -qv -d inst out >incr.log
t1=$(now)
incr=$(echo "$t1 - $t0" | bc)
cat incr.log

files=$(grep -c . out/MANIFEST)
export_cpu=$(cpu export.rss)
wget_cpu=$(cpu wget.cpu)
pages=$(find crawl -type f | wc -l)
printf 'full export: %.1f s for %d files (%.0f files/s), peak RSS %s KiB\n' \
	"$full" "$files" "$(echo "$files / $full" | bc -l)" "$(cut -d' ' -f1 export.rss)"
printf 'wget --mirror of the public face: %.1f s for %d files (%.0f files/s)\n' \
	"$crawl" "$pages" "$(echo "$pages / $crawl" | bc -l)"
printf 'full export vs crawl: %.2fx faster (goal >= 5)\n' \
	"$(echo "$crawl / $full" | bc -l)"
printf 'incremental export: %.2f s, %.1f%% of the full export (goal < 5%%), peak RSS %s KiB\n' \
	"$incr" "$(echo "100 * $incr / $full" | bc -l)" "$(cut -d' ' -f1 incr.rss)"
# CPU time is what a shared machine's load distorts least: both sides'.
printf 'CPU time: export %.1f s; crawl %.1f s (server %.1f s + wget %.1f s): export %.2fx cheaper\n' \
	"$export_cpu" "$(echo "$server_cpu + $wget_cpu" | bc -l)" "$server_cpu" \
	"$wget_cpu" "$(echo "($server_cpu + $wget_cpu) / $export_cpu" | bc -l)"
