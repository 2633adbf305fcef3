#!/bin/sh
# bench/inbox.sh SAMIZDAT - the editor's inbox at 1 000, 10 000 and
# 100 000 sources, side by side: one instance per size (filled through the
# store by tests/inbox_fill, spread over 60 days), each served by its own
# editor face, with an editor logged in by password and TOTP (oathtool).
# In BENCH_ROUNDS rounds, each size in turn answers its share of
# BENCH_REQUESTS inbox pages (the first page and random deeper pages of
# every view) and as many source pages, over HTTP on loopback; taking
# turns keeps a busy machine's noise out of the comparison.  Prints p50
# and p99 per size and the ratio of the largest size's to the smallest's.
# Goal: flat (ratio within 1.5) and p99 under 20 ms.
# BENCH_SIZES overrides the sizes (the ratio is last/first).
set -eu
S=$(realpath "${1:-build/samizdat}")
FILL=${INBOX_FILL:-$(dirname "$S")/tests/inbox_fill}
REQS=${BENCH_REQUESTS:-2000}
ROUNDS=${BENCH_ROUNDS:-5}
SIZES=${BENCH_SIZES:-"1000 10000 100000"}
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$FILL" ] || { echo "bench/inbox.sh: build $FILL first (ninja -C build)"; exit 1; }
DIR=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/samizdat-bench.XXXXXX")
PIDS=""
trap 'kill $PIDS 2>/dev/null; rm -rf "$DIR"' EXIT
cd "$DIR"
SAMIZDAT=$S
. "$here/../tests/integration/lib.sh"   # add_editor, start_face, editor_login

for n in $SIZES; do
	"$S" init i$n >/dev/null
	t0=$(date +%s.%N)
	"$FILL" i$n "$n" 60
	t1=$(date +%s.%N)
	add_editor i$n bench$n
	start_face i$n editor || exit 1
	PIDS="$PIDS $FACE_PID"
	echo "$FACE_PID" >i$n.pid
	echo "$FACE_URL" >i$n.url
	EURL=$FACE_URL
	s=$(editor_login i$n.jar bench$n 'a long editor password' \
		"$(oathtool --totp -b "$SECRET")")
	[ "$s" = 303 ] || { echo "bench/inbox.sh: login failed ($s)"; exit 1; }
	sqlite3 i$n/inbox.db "select last_day || '.' || id from sources
		where submissions > 0 order by random() limit 2000" >i$n.keys
	sqlite3 i$n/inbox.db "select id from sources where submissions > 0
		order by random() limit 2000" >i$n.ids
	printf '%7d sources filled in %.1f s\n' "$n" "$(echo "$t1 - $t0" | bc)"
done
r=0
while [ $r -lt "$ROUNDS" ]; do
	for n in $SIZES; do
		python3 "$here/inbox_latency.py" "$(cat i$n.url)" \
			"$(awk '$6 == "sz_editor" { print $7 }' i$n.jar)" \
			i$n.keys i$n.ids $((REQS / ROUNDS)) lat$n
	done
	r=$((r + 1))
done
pct() { sort -n "$1" | awk -v p="$2" '{ a[NR] = $1 } END {
	i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; printf "%.2f", a[i] }'; }
: >results
for n in $SIZES; do
	rss=$(awk '/^VmRSS/ { print $2 }' /proc/"$(cat i$n.pid)"/status)
	page=$(curl -s -b i$n.jar "$(cat i$n.url)/inbox" | wc -c)
	echo "$n $(pct lat$n.inbox 50) $(pct lat$n.inbox 99) $(pct lat$n.source 50) $(pct lat$n.source 99)" >>results
	set -- $(tail -1 results)
	printf '%7d sources: inbox page p50 %s ms, p99 %s ms (%s bytes); source page p50 %s ms, p99 %s ms; face RSS %s KiB\n' \
		"$1" "$2" "$3" "$page" "$4" "$5" "$rss"
done
first=$(head -1 results); last=$(tail -1 results)
ratio() { echo "$last" | awk -v f="$first" -v c="$1" '{ split(f, a, " "); printf "%.2f", $c / a[c] }'; }
worst() { awk -v c="$1" 'BEGIN { m = 0 } $c > m { m = $c } END { printf "%.2f", m }' results; }
set -- $first; small=$1
set -- $last
echo "ratio $1/$small sources: inbox page p50 $(ratio 2), p99 $(ratio 3); source page p50 $(ratio 4), p99 $(ratio 5) (goal: within 1.5)"
echo "worst p99: inbox page $(worst 3) ms, source page $(worst 5) ms (goal: under 20 ms)"
