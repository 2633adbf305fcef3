#!/bin/sh
# bench/mirror_forum.sh SAMIZDAT - the discussion in a mirror export: a
# forum of BENCH_POSTS posts (default 110 220, the least tests/forum_fill
# makes: 10,000 threads, a 200-post and a 100,020-post thread, 2,000
# members) exported in full, against `wget --mirror` of the same forum on
# the public face in the same run (pages with forms and search left out,
# as a copy has none); then a member replies on the live face and the
# export runs again, incrementally.
# Prints both ratios: crawl time / full export time (goal >= 5, as for
# the archive) and incremental / full export time (goal < 5%), with the
# files each wrote and the CPU time each side used (what a shared
# machine's load distorts least).
set -eu
S=$(realpath "${1:-build/samizdat}")
FILL=${FORUM_FILL:-$(dirname "$S")/tests/forum_fill}
POSTS=${BENCH_POSTS:-110220}
[ -x "$FILL" ] || { echo "bench/mirror_forum.sh: build $FILL first (ninja -C build)"; exit 1; }
DIR=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/samizdat-mirror-forum.XXXXXX")
PID=
trap '[ -z "$PID" ] || kill "$PID" 2>/dev/null; rm -rf "$DIR"' EXIT
cd "$DIR"
now() { date +%s.%N; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
cpu() { awk 'END { print $(NF - 1) + $NF }' "$1"; }

"$S" init inst >/dev/null
# cheap passwords and no approval wait: the one reply is posted at once
for kv in forum.argon2_memlimit_mb=8 forum.argon2_opslimit=1 \
    forum.approve_first_posts=0 forum.trust1_read_posts=0; do
	sed -i "s/^${kv%%=*} = .*/${kv%%=*} = ${kv#*=}/" inst/samizdat.conf
done
echo "filling the forum with $POSTS posts..."
"$FILL" inst "$POSTS" 2>fill.log
"$S" release create -d inst "A draft" >/dev/null   # an archive to open
"$S" mirror keygen -d inst --no-passphrase >/dev/null 2>&1

echo "full export..."
t0=$(now)
/usr/bin/time -f "%M %U %S" -o export.rss "$S" mirror export -q -d inst out \
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
URL=$(sed -n 's/^public face: \(http[^ ]*\)\/$/\1/p' serve.out)
echo "crawling $URL/forum with wget --mirror..."
ticks0=$(ticks $PID)
t0=$(now)
/usr/bin/time -f "%U %S" -o wget.cpu wget --mirror --no-host-directories \
	-e robots=off -q -P crawl --include-directories=/forum,/api/v1/forum \
	--reject-regex 'search|/login|/register|/account|/queue|/new$|/reply|/post/|/mod/|/like|/comment' \
	"$URL/forum" || true
t1=$(now)
crawl=$(echo "$t1 - $t0" | bc)
server_cpu=$(echo "($(ticks $PID) - $ticks0) / $(getconf CLK_TCK)" | bc -l)

echo "a member replies on the live face..."
curl -s -c m.jar -b m.jar "$URL/forum/register" >register.html
csrf() { grep -o 'name="csrf" value="[^"]*' "$1" | head -1 | cut -d'"' -f4; }
curl -s -c m.jar -b m.jar -o /dev/null --data-urlencode "csrf=$(csrf register.html)" \
	--data-urlencode name=benchmark --data-urlencode 'password=a long bench password' \
	"$URL/forum/register"
curl -s -c m.jar -b m.jar "$URL/forum/account" >account.html
status=$(curl -s -c m.jar -b m.jar -o /dev/null -w '%{http_code}' \
	--data-urlencode "csrf=$(csrf account.html)" \
	--data-urlencode 'text=One more reply, for the incremental export.' \
	"$URL/forum/thread/1/reply")
[ "$status" = 303 ] || { echo "the reply was refused ($status)"; exit 1; }
kill $PID; wait $PID 2>/dev/null || true
PID=

echo "incremental export after one reply..."
t0=$(now)
/usr/bin/time -f "%M %U %S" -o incr.rss "$S" mirror export -q -d inst out >incr.log
t1=$(now)
incr=$(echo "$t1 - $t0" | bc)
cat incr.log
grep -rq 'One more reply, for the incremental export.' out/forum/thread/1 ||
	{ echo "the reply is not in the copy"; exit 1; }

files=$(find out/forum -type f | wc -l)
pages=$(find crawl -type f | wc -l)
export_cpu=$(cpu export.rss)
wget_cpu=$(cpu wget.cpu)
printf 'full export: %.1f s, %d files of the forum (%.0f files/s), peak RSS %s KiB\n' \
	"$full" "$files" "$(echo "$files / $full" | bc -l)" "$(cut -d' ' -f1 export.rss)"
printf 'wget --mirror of the forum on the public face: %.1f s for %d files (%.0f files/s)\n' \
	"$crawl" "$pages" "$(echo "$pages / $crawl" | bc -l)"
printf 'full export vs crawl: %.2fx faster (goal >= 5)\n' \
	"$(echo "$crawl / $full" | bc -l)"
printf 'incremental export after one reply: %.2f s, %.1f%% of the full export (goal < 5%%), peak RSS %s KiB\n' \
	"$incr" "$(echo "100 * $incr / $full" | bc -l)" "$(cut -d' ' -f1 incr.rss)"
printf 'CPU time: export %.1f s; crawl %.1f s (server %.1f s + wget %.1f s): export %.2fx cheaper\n' \
	"$export_cpu" "$(echo "$server_cpu + $wget_cpu" | bc -l)" "$server_cpu" \
	"$wget_cpu" "$(echo "($server_cpu + $wget_cpu) / $export_cpu" | bc -l)"
