#!/bin/sh
# bench/search.sh SAMIZDAT - an e-mail archive of BENCH_EMAILS messages
# (default 1 000 000; bench/gen_mail.py: Zipf-distributed words, threads,
# 5 000 correspondents) imported in the same run into samizdat on SQLite,
# samizdat on PostgreSQL (`release add`, into a throw-away cluster of
# tests/pg/cluster.sh: fsync off, so its import rate flatters it) and
# notmuch (`notmuch new`, Debian's, indexing the same Maildir); then a
# fixed set of queries, each run BENCH_REPEAT times, against samizdat's
# public face on each engine (the JSON API over HTTP, ranked, with counts
# and facets) and notmuch (`notmuch search --limit=20` plus `notmuch
# count`).  BENCH_KEEP=1 keeps the instances, the Maildir and the
# database afterwards (with SAMIZDAT_TEST_PG given: a cluster of this
# script's own is thrown away).  Prints import rates and their ratios to notmuch's (goal >=
# 1.0), p50/p99 query latency of all three (goals: SQLite p99 < 50 ms,
# PostgreSQL p99 < 100 ms at 1M), and searches per second on PostgreSQL
# with two public processes against one, 4 clients at once (goal >= 1.5x
# on 2 cores).  Without PostgreSQL installed its part is left out, saying
# so.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# a cluster of its own unless one is given (tests/pg/with-cluster.sh),
# with the memory docs/operations.md tells an operator to give it: a
# quarter of the machine's for shared_buffers, three quarters as
# effective_cache_size
if [ -z "${SAMIZDAT_TEST_PG:-}" ] && [ -z "${BENCH_PG_STARTED:-}" ]; then
	kb=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
	SAMIZDAT_PG_SETTINGS="-c shared_buffers=$((kb / 4))kB -c effective_cache_size=$((kb * 3 / 4))kB" \
	BENCH_PG_STARTED=1 exec "$here/../tests/pg/with-cluster.sh" "$0" "$@"
fi
S=$(realpath "${1:-build/samizdat}")
N=${BENCH_EMAILS:-1000000}
REPEAT=${BENCH_REPEAT:-5}
# BENCH_REUSE=DIR: the instances, Maildir, database and import times a
# BENCH_KEEP run left in DIR, to measure the queries again (a change to
# searching, an index) without importing a million e-mails again; with
# the same SAMIZDAT_TEST_PG (a cluster of the script's own is gone).
if [ -n "${BENCH_REUSE:-}" ]; then
	DIR=$(realpath "$BENCH_REUSE")
	BENCH_KEEP=1
else
	DIR=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/samizdat-bench.XXXXXX")
fi
# PIDS: the public faces while they run, else empty (never 0: "kill 0"
# would stop this script's whole process group, make bench included).
PIDS=
PG=${SAMIZDAT_TEST_PG:-}
db=sz_bench_$$
[ -z "${BENCH_REUSE:-}" ] || db=$(cat "$DIR/db.name")
cleanup() {
	# (|| : each: under set -e a face already gone would end this
	# clean-up before it removes DIR)
	for p in $PIDS; do kill "$p" 2>/dev/null || :; wait "$p" 2>/dev/null || :; done
	if [ -n "${BENCH_KEEP:-}" ]; then   # to look into a slow query after
		echo "kept: $DIR${PG:+ and database $db}"
		return
	fi
	[ -z "$PG" ] || psql -q "$PG" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
		>/dev/null 2>&1 || :
	rm -rf "$DIR"
}
trap cleanup EXIT
cd "$DIR"
export NOTMUCH_CONFIG=$DIR/notmuch.cfg

now() { date +%s.%N; }
if [ -n "${BENCH_REUSE:-}" ]; then
	N=$(cat n.count)
	echo "the $N e-mails, instances and imports of $DIR again"
else
echo "generating $N e-mails..."
python3 "$here/gen_mail.py" mail "$N"
echo "$N" >n.count
du -sh mail | sed 's/^/maildir: /'

# import INST: a release of the Maildir, published; its seconds in INST.s
import() {
	"$S" release create -d "$1" "Bench" >/dev/null
	a=$(now)
	/usr/bin/time -f %M -o "$1.rss" "$S" release add -d "$1" 1 mail \
		>"$1.log" 2>&1
	b=$(now)
	"$S" release publish -d "$1" 1 >/dev/null
	echo "$b - $a" | bc >"$1.s"
}
"$S" init inst >/dev/null
import inst
echo "$db" >db.name
if [ -n "$PG" ]; then
	psql -q "$PG" -c "CREATE DATABASE $db" >/dev/null
	"$S" init pg >/dev/null
	sed -i "s|^database = .*|database = $PG dbname=$db|" pg/samizdat.conf
	import pg
fi
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
t2=$(now)
notmuch new --quiet >/dev/null
t3=$(now)
echo "$t3 - $t2" | bc >nm.s
fi
nm_s=$(cat nm.s)
report() {   # report NAME INST
	printf 'import: %s %.1f s (%.0f msg/s, peak RSS %s KiB); ratio to notmuch %.2f (goal >= 1.0)\n' \
		"$1" "$(cat "$2.s")" "$(echo "$N / $(cat "$2.s")" | bc -l)" \
		"$(cat "$2.rss")" "$(echo "$nm_s / $(cat "$2.s")" | bc -l)"
	echo "  ($(tail -1 "$2.log" | cut -c1-80))"
}
report "samizdat on SQLite" inst
[ -z "$PG" ] || report "samizdat on PostgreSQL (fsync off)" pg
printf 'import: notmuch %.1f s (%.0f msg/s)\n' "$nm_s" "$(echo "$N / $nm_s" | bc -l)"

# serve INST: one more public face of INST; its URL in URL
serve() {
	"$S" serve -d "$1" --face public --listen 127.0.0.1:0 >"$1.out" \
		2>"$1.err" &
	PIDS="$PIDS $!"
	i=0
	while ! grep -q '^public face: ' "$1.out" 2>/dev/null; do
		i=$((i + 1)); [ $i -lt 400 ] || { cat "$1.err"; exit 1; }; sleep 0.05
	done
	URL=$(sed -n 's/^public face: \(http[^ ]*\)\/$/\1/p' "$1.out")
}
serve inst
LITE=$URL
if [ -n "$PG" ]; then
	serve pg
	PGURL=$URL
fi

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
# get() Q: one run of Q on each engine, "SQLite PostgreSQL notmuch" s
get() {
	enc=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1")
	nmq=$(echo "$1" | sed 's/after:\([0-9-]*\) before:\([0-9-]*\)/date:\1..\2/; s/ -/ and not /')
	sz=$(curl -s -o /dev/null -w '%{time_total}' "$LITE/api/v1/search?q=$enc")
	pg=-
	[ -z "$PG" ] || pg=$(curl -s -o /dev/null -w '%{time_total}' \
		"$PGURL/api/v1/search?q=$enc")
	a=$(now)
	notmuch count "$nmq" >/dev/null
	notmuch search --limit=20 --output=summary "$nmq" >/dev/null
	b=$(now)
	echo "$sz $pg $(echo "$b - $a" | bc)"
}
# One pass of the query set first, as a server that has been up a while
# has run it: right after an import the file caches are cold, and each
# new PostgreSQL connection first maps every shared buffer it touches
# (page faults: a phrase of common words ran 162 ms once, then 69 ms).
# Its slowest times are said, and left out of the figures.
: >cold.lat
while IFS= read -r q; do
	get "$q" >>cold.lat
done <queries.txt
awk '{ for (i = 1; i <= 3; i++) if ($i != "-" && $i * 1000 > m[i]) m[i] = $i * 1000 }
	END { printf "first pass (cold caches, new connections), slowest, ms: SQLite %.1f, PostgreSQL %.1f, notmuch %.1f (left out below)\n", m[1], m[2], m[3] }' cold.lat
: >sz.lat; : >pg.lat; : >nm.lat; : >each.lat
while IFS= read -r q; do
	r=0
	while [ $r -lt "$REPEAT" ]; do
		set -- $(get "$q")
		sz=$1 pg=$2 nm=$3
		echo "$sz" >>sz.lat; echo "$nm" >>nm.lat
		[ -z "$PG" ] || echo "$pg" >>pg.lat
		printf '%s\t%s\t%s\t%s\n' "$sz" "$pg" "$nm" "$q" >>each.lat
		r=$((r + 1))
	done
done <queries.txt
# each query's slowest time per engine: which queries make the p99
echo "slowest of $REPEAT runs per query, ms (SQLite, PostgreSQL, notmuch):"
awk -F '\t' '{ for (i = 1; i <= 3; i++) if ($i != "-" && $i * 1000 > m[$4, i]) m[$4, i] = $i * 1000
	if (!($4 in seen)) { seen[$4] = 1; order[++n] = $4 } }
	END { for (k = 1; k <= n; k++) { q = order[k]
		printf "  %8.1f %8.1f %8.1f  %s\n", m[q, 1], m[q, 2], m[q, 3], q } }' each.lat
pct() { sort -n "$1" | awk -v p="$2" '{a[NR]=$1} END {i=int(NR*p/100+0.999); if(i<1)i=1; printf "%.1f", a[i]*1000}'; }
echo "query latency over $(wc -l <queries.txt) queries x $REPEAT at $N e-mails:"
echo "  samizdat on SQLite (HTTP API, ranked, counts, facets): p50 $(pct sz.lat 50) ms, p99 $(pct sz.lat 99) ms"
[ -z "$PG" ] || echo "  samizdat on PostgreSQL (the same):                   p50 $(pct pg.lat 50) ms, p99 $(pct pg.lat 99) ms"
echo "  notmuch (count + search --limit=20 CLI):      p50 $(pct nm.lat 50) ms, p99 $(pct nm.lat 99) ms"
echo "  goals: samizdat on SQLite p99 under 50 ms and below notmuch's; on PostgreSQL p99 under 100 ms"
if [ -z "$PG" ]; then
	echo "PostgreSQL: not measured (tests/pg/cluster.sh available says why)"
	exit 0
fi

# Searches per second on PostgreSQL, 4 clients at once: one public
# process, then two (a second instance folder on the same database, as a
# second machine would be) taking turns.
second() {
	rm -rf pg2   # (a run again on a kept folder)
	mkdir -m 700 pg2
	cp pg/samizdat.conf pg/instance.key pg2/
	serve pg2
	PGURL2=$URL
}
# rate URL...: searches per second over BENCH_THROUGHPUT requests.  The
# load comes from ONE curl process (--parallel, 4 transfers at once,
# the URLs in a config file written beforehand): a process per request
# (xargs curl) spent more of the 2 cores than the faces it measured.
rate() {
	total=${BENCH_THROUGHPUT:-400}
	python3 - "$total" "$@" >urls.cfg <<'PY'
import sys, urllib.parse
total, bases = int(sys.argv[1]), sys.argv[2:]
qs = [l.rstrip('\n') for l in open('queries.txt') if l.strip()]
for k in range(total):
    u = bases[k % len(bases)] + '/api/v1/search?q=' + urllib.parse.quote(qs[k % len(qs)])
    print('url = "%s"\noutput = "/dev/null"' % u)
PY
	cpu >cpu.0
	a=$(now)
	/usr/bin/time -f '%U %S' -o curl.cpu curl -s --no-progress-meter \
		--parallel --parallel-immediate --parallel-max 4 -K urls.cfg
	b=$(now)
	cpu >cpu.1
	echo "$total / ($b - $a)" | bc -l
	# where the CPU went, in cores over the run: is one process short of
	# the machine, or is the machine full?
	paste cpu.0 cpu.1 | awk -v w="$(echo "$b - $a" | bc -l)" \
		-v c="$(awk '{ print $1 + $2 }' curl.cpu)" -v n="$(nproc)" '{
		d = ($6 - $1) / 100; idle = ($8 - $3) / ($7 - $2)
		printf "  CPU over %.1f s: samizdat %.2f cores, PostgreSQL %.2f, load client (one curl) %.2f, machine busy %.0f%% of %d cores (others included)\n",
			w, d / w, ($10 - $5) / 100 / w, c / w, 100 * (1 - idle), n }' >&2
}
# cpu: CPU ticks of the public faces, total and idle ticks of the
# machine, and CPU ticks of this cluster's PostgreSQL processes serving
# the bench's database (from /proc: sysstat is not needed).
cpu() {
	f=0
	for p in $PIDS; do
		f=$((f + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	g=0
	for p in $(pgrep -f "^postgres: .* $db "); do
		g=$((g + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
	done
	awk -v f="$f" -v g="$g" '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i
		print f, t, $5 + $6, 0, g; exit }' /proc/stat
}
one=$(rate "$PGURL")
second
two=$(rate "$PGURL" "$PGURL2")
printf 'PostgreSQL searches per second, 4 clients: one public process %.1f, two %.1f; ratio %.2f (goal >= 1.5 on 2 cores)\n' \
	"$one" "$two" "$(echo "$two / $one" | bc -l)"
