#!/bin/sh
# bench/inbox.sh SAMIZDAT - the editor's inbox as it grows: one instance
# filled to 1 000, then 10 000, then 100 000 sources (tests/inbox_fill,
# through the store, spread over 60 days), and at each size an editor
# logged in with password and TOTP (oathtool) times BENCH_REQUESTS inbox
# pages (first page and random deeper pages of every view) and as many
# source pages, over HTTP on loopback.  Prints p50/p99 per size and the
# ratio of the 100 000 figure to the 1 000 one.
# Goal: flat (ratio within 1.5) and p99 under 20 ms.
# BENCH_SIZES overrides the sizes (ascending; the ratio is last/first).
set -eu
S=$(realpath "${1:-build/samizdat}")
FILL=${INBOX_FILL:-$(dirname "$S")/tests/inbox_fill}
REQS=${BENCH_REQUESTS:-1000}
SIZES=${BENCH_SIZES:-"1000 10000 100000"}
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$FILL" ] || { echo "bench/inbox.sh: build $FILL first (ninja -C build)"; exit 1; }
DIR=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/samizdat-bench.XXXXXX")
PID=0
trap 'kill $PID 2>/dev/null; rm -rf "$DIR"' EXIT
cd "$DIR"

SAMIZDAT=$S
. "$here/../tests/integration/lib.sh"   # add_editor, start_face, editor_login
"$S" init inst >/dev/null
add_editor inst bench
start_face inst editor || exit 1
PID=$FACE_PID
EURL=$FACE_URL
URL=$EURL
s=$(editor_login jar bench 'a long editor password' "$(oathtool --totp -b "$SECRET")")
[ "$s" = 303 ] || { echo "bench/inbox.sh: login failed ($s)"; exit 1; }
COOKIE=$(awk '$6 == "sz_editor" { print $7 }' jar)

have=0
: >results
for n in $SIZES; do
	t0=$(date +%s.%N)
	"$FILL" inst $((n - have)) 60
	t1=$(date +%s.%N)
	have=$n
	sqlite3 inst/inbox.db "select last_day || '.' || id from sources
		where submissions > 0 order by random() limit $REQS" >keys
	sqlite3 inst/inbox.db "select id from sources where submissions > 0
		order by random() limit $REQS" >ids
	python3 "$here/inbox_latency.py" "$URL" "$COOKIE" keys ids "$REQS" >lat
	rss=$(awk '/^VmRSS/ { print $2 }' /proc/$PID/status)
	page=$(curl -s -b jar "$URL/inbox" | wc -c)
	set -- $(grep '^inbox' lat) $(grep '^source' lat)
	printf '%7d sources (filled in %.0f s): inbox p50 %s ms p99 %s ms (%s bytes); source p50 %s ms p99 %s ms; RSS %s KiB\n' \
		"$n" "$(echo "$t1 - $t0" | bc)" "$2" "$3" "$page" "$5" "$6" "$rss"
	echo "$n $2 $3 $5 $6" >>results
done
first=$(head -1 results); last=$(tail -1 results)
ratio() { echo "$last" | awk -v f="$first" -v c="$1" '{ split(f, a, " "); printf "%.2f", $c / a[c] }'; }
worst() { awk -v c="$1" 'BEGIN { m = 0 } $c > m { m = $c } END { printf "%.2f", m }' results; }
set -- $first; small=$1
set -- $last
echo "ratio $1/$small sources: inbox p50 $(ratio 2), p99 $(ratio 3); source page p50 $(ratio 4), p99 $(ratio 5) (goal: within 1.5)"
echo "worst p99: inbox $(worst 3) ms, source page $(worst 5) ms (goal: under 20 ms)"
