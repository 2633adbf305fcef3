#!/bin/sh
# bench/search.sh SAMIZDAT - an e-mail archive of BENCH_EMAILS messages
# (default 1 000 000; bench/gen_mail.py: Zipf-distributed words, threads,
# 5 000 correspondents) imported into samizdat (`release add`) and into
# notmuch (`notmuch new`, Debian's, indexing the same Maildir) in the same
# run; then a fixed set of queries, each run BENCH_REPEAT times, against
# samizdat's public face (the JSON API over HTTP, ranked, with counts and
# facets) and notmuch (`notmuch search --limit=20` plus `notmuch count`).
# Prints the import-rate ratio samizdat/notmuch (goal >= 1.0) and the
# p50/p99 query latency of both (goal: p99 < 50 ms at 1M, below notmuch's).
set -eu
S=$(realpath "${1:-build/samizdat}")
N=${BENCH_EMAILS:-1000000}
REPEAT=${BENCH_REPEAT:-5}
here=$(cd "$(dirname "$0")" && pwd)
DIR=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/samizdat-bench.XXXXXX")
# PID: the public face while it runs, else empty (never 0: "kill 0" would
# stop this script's whole process group, make bench included).
PID=
trap '[ -z "$PID" ] || kill "$PID" 2>/dev/null; rm -rf "$DIR"' EXIT
cd "$DIR"

echo "generating $N e-mails..."
python3 "$here/gen_mail.py" mail "$N"
du -sh mail | sed 's/^/maildir: /'

now() { date +%s.%N; }
"$S" init inst >/dev/null
"$S" release create -d inst "Bench" >/dev/null
t0=$(now)
/usr/bin/time -f %M -o rss "$S" release add -d inst 1 mail >import.log 2>&1
t1=$(now)
"$S" release publish -d inst 1 >/dev/null
cat >notmuch.cfg <<EOF
[database]
path=$DIR/mail
[new]
tags=inbox
[search]
exclude_tags=
[maildir]
synchronize_flags=false
EOF
export NOTMUCH_CONFIG=$DIR/notmuch.cfg
t2=$(now)
notmuch new --quiet >/dev/null
t3=$(now)
sz_s=$(echo "$t1 - $t0" | bc); nm_s=$(echo "$t3 - $t2" | bc)
echo "import: samizdat $(tail -1 import.log | cut -c1-80)"
printf 'import: samizdat %.1f s (%.0f msg/s, peak RSS %s KiB), notmuch %.1f s (%.0f msg/s)\n' \
	"$sz_s" "$(echo "$N / $sz_s" | bc -l)" "$(cat rss)" "$nm_s" "$(echo "$N / $nm_s" | bc -l)"
printf 'import-rate ratio samizdat/notmuch: %.2f (goal >= 1.0)\n' "$(echo "$nm_s / $sz_s" | bc -l)"

"$S" serve -d inst --face public --listen 127.0.0.1:0 >serve.out 2>serve.err &
PID=$!
i=0
while ! grep -q '^public face: ' serve.out 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 200 ] || { cat serve.err; exit 1; }; sleep 0.05
done
URL=$(sed -n 's/^public face: \(http[^ ]*\)\/$/\1/p' serve.out)

# The query set: what readers look for - names and specific words (Zipf
# ranks 150 to 30 000 of 40 000), a common word (rank 40), a phrase, a
# prefix, an exclusion, a sender and a date range.  Words as common as
# "the" (the top ranks) are not in it: a reader does not search for them.
cat >queries.txt <<'EOF'
payment
bridge ministry
invoice audit
minister
tender cousin
offshore
"ministry bridge"
audi*
invoice -bridge
ministry after:2019-01 before:2020-01
invoice from:ministry.example
cousin offshore
EOF
: >sz.lat; : >nm.lat
while IFS= read -r q; do
	enc=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$q")
	nmq=$(echo "$q" | sed 's/after:\([0-9-]*\) before:\([0-9-]*\)/date:\1..\2/; s/ -/ and not /')
	r=0
	while [ $r -lt "$REPEAT" ]; do
		curl -s -o /dev/null -w '%{time_total}\n' "$URL/api/v1/search?q=$enc" >>sz.lat
		a=$(now)
		notmuch count "$nmq" >/dev/null
		notmuch search --limit=20 --output=summary "$nmq" >/dev/null
		b=$(now)
		echo "$b - $a" | bc >>nm.lat
		r=$((r + 1))
	done
done <queries.txt
pct() { sort -n "$1" | awk -v p="$2" '{a[NR]=$1} END {i=int(NR*p/100+0.999); if(i<1)i=1; printf "%.1f", a[i]*1000}'; }
echo "query latency over $(wc -l <queries.txt) queries x $REPEAT at $N e-mails:"
echo "  samizdat (HTTP API, ranked, counts, facets): p50 $(pct sz.lat 50) ms, p99 $(pct sz.lat 99) ms"
echo "  notmuch (count + search --limit=20 CLI):      p50 $(pct nm.lat 50) ms, p99 $(pct nm.lat 99) ms"
echo "  goal: samizdat p99 under 50 ms and below notmuch's"
