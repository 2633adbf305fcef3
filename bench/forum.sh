#!/bin/sh
# bench/forum.sh SAMIZDAT - the forum at a million posts: a forum filled
# through its store (tests/forum_fill: BENCH_POSTS posts, default
# 1,000,000, in one transaction per batch) with a thread of 200 posts, a
# thread of 100,020 posts and a board of 10,000 threads, served by the
# public face.  In the same run:
#   - wrk on the 200-post thread's page against nginx serving the same
#     page saved as a static file: requests/s ratio (goal >= 0.5) and
#     samizdat's p99 (goal < 20 ms).  Readers who are not logged in get a
#     page made once while the forum does not change; a logged-in
#     member's page is made on every request (their forms carry their
#     token), and is measured too;
#   - page 5,000 of the long thread against its page 1 (goal: as fast);
#   - the crowded board's first page and a page 400 keys deep;
#     (these two made for the member on every request: the store's work,
#     not the kept copy);
#   - the public face's RSS, peak and now (goal < 64 MiB throughout).
# BENCH_SECONDS (default 12) per page, in BENCH_ROUNDS (default 3)
# rounds in which the pages take turns (so a busy machine's noise falls
# on all of them alike); BENCH_CONNECTIONS (default 32).  Requests/s are
# the rounds' mean, p99 the worst round's.  The machine's other load
# moves every figure: run it on a quiet one.
set -eu
S=$(realpath "${1:-build/samizdat}")
FILL=${FORUM_FILL:-$(dirname "$S")/tests/forum_fill}
POSTS=${BENCH_POSTS:-1000000}
SECS=${BENCH_SECONDS:-12}
ROUNDS=${BENCH_ROUNDS:-3}
CONN=${BENCH_CONNECTIONS:-32}
[ -x "$FILL" ] || { echo "bench/forum.sh: build $FILL first (ninja -C build)"; exit 1; }
DIR=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/samizdat-forum-bench.XXXXXX")
SZ_PID=""
NG_PID=""
trap 'kill $SZ_PID $NG_PID 2>/dev/null; wait 2>/dev/null; rm -rf "$DIR"' EXIT
cd "$DIR"

"$S" init inst >/dev/null
t0=$(date +%s.%N)
"$FILL" inst "$POSTS" 2>fill.log
t1=$(date +%s.%N)
printf 'forum filled: %s posts in %.0f s, forum.db %s MiB\n' "$POSTS" \
	"$(echo "$t1 - $t0" | bc)" "$(( $(stat -c %s inst/forum.db) / 1048576 ))"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$S" serve -d inst --face public --listen "127.0.0.1:$PORT" >sz.out 2>sz.err &
SZ_PID=$!
SZ="http://127.0.0.1:$PORT"
i=0
while ! curl -s -o /dev/null "$SZ/forum"; do
	i=$((i + 1)); [ $i -lt 200 ] || { echo "the public face did not start"; cat sz.err; exit 1; }
	sleep 0.05
done

# a member, logged in: their pages are made for them on every request
curl -s -c member.jar -b member.jar "$SZ/forum/register" >register.html
curl -s -c member.jar -b member.jar -o /dev/null \
	--data-urlencode "csrf=$(grep -o 'name="csrf" value="[^"]*' register.html | head -1 | cut -d'"' -f4)" \
	--data-urlencode name=benchmark --data-urlencode 'password=a long bench password' \
	"$SZ/forum/register"
COOKIE="sz_member=$(awk '$6 == "sz_member" { print $7 }' member.jar)"
[ "$COOKIE" != "sz_member=" ] || { echo "bench/forum.sh: the member could not join"; exit 1; }

# the same page, as a static file for nginx
mkdir -p ng/logs ng/www
curl -s "$SZ/forum/thread/1" >ng/www/thread.html
NG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >ng/nginx.conf <<NGINX
worker_processes 2;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
daemon off;
pid $DIR/ng/nginx.pid;
error_log $DIR/ng/logs/error.log error;
events { worker_connections 1024; }
http {
	access_log off;
	server {
		listen 127.0.0.1:$NG_PORT;
		root $DIR/ng/www;
		default_type text/html;
	}
}
NGINX
nginx -c "$DIR/ng/nginx.conf" -p "$DIR/ng" &
NG_PID=$!
NG="http://127.0.0.1:$NG_PORT"
i=0
while ! curl -s -o /dev/null "$NG/thread.html"; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "nginx did not start"; exit 1; }
	sleep 0.05
done

peak=0
rss_sample() {
	r=$(awk '/^VmRSS/ { print $2 }' /proc/$SZ_PID/status)
	[ "$r" -gt "$peak" ] && peak=$r
	echo "$r"
}
# wrk NAME URL [COOKIE]: one round's requests/s and p99 (ms), added to
# NAME.wrk
wrk_run() {
	if [ -n "${3:-}" ]; then
		wrk -t2 -c"$CONN" -d"$((SECS / ROUNDS))s" --latency \
			-H "Cookie: $3" "$2" >wrk.out 2>&1
	else
		wrk -t2 -c"$CONN" -d"$((SECS / ROUNDS))s" --latency "$2" \
			>wrk.out 2>&1
	fi
	rps=$(awk '/Requests\/sec/ { print $2 }' wrk.out)
	p99=$(awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
		if (u == "us") v /= 1000; else if (u == "s") v *= 1000; print v }' wrk.out)
	rss_sample >/dev/null
	echo "$rps $p99" >>"$1.wrk"
}
# NAME: the mean requests/s and the worst p99 of its rounds
result() {
	awk '{ r += $1; if ($2 > p) p = $2 } END { printf "%.1f %.2f", r / NR, p }' "$1.wrk"
}

bytes=$(wc -c <ng/www/thread.html)
key=$(curl -s "$SZ/forum/board/1" | grep -o 'href="/forum/board/1/older/[0-9.]*' | cut -d'"' -f2)
deep=$key
i=0
while [ $i -lt 400 ] && [ -n "$deep" ]; do
	key=$deep
	deep=$(curl -s "$SZ$key" | grep -o 'href="/forum/board/1/older/[0-9.]*' | cut -d'"' -f2)
	i=$((i + 1))
done
r=0
while [ $r -lt "$ROUNDS" ]; do
	wrk_run sz "$SZ/forum/thread/1"
	wrk_run ng "$NG/thread.html"
	wrk_run mb "$SZ/forum/thread/1" "$COOKIE"
	# as the member: made on every request, so the store is measured,
	# not the copy kept for readers who are not logged in
	wrk_run p1 "$SZ/forum/thread/2" "$COOKIE"
	wrk_run p5k "$SZ/forum/thread/2/page/5000" "$COOKIE"
	wrk_run b1 "$SZ/forum/board/1" "$COOKIE"
	wrk_run bd "$SZ$key" "$COOKIE"
	r=$((r + 1))
done
set -- $(result sz); sz_rps=$1 sz_p99=$2
set -- $(result ng); ng_rps=$1 ng_p99=$2
set -- $(result mb); mb_rps=$1 mb_p99=$2
set -- $(result p1); p1_rps=$1 p1_p99=$2
set -- $(result p5k); p5k_rps=$1 p5k_p99=$2
set -- $(result b1); b1_rps=$1 b1_p99=$2
set -- $(result bd); bd_rps=$1 bd_p99=$2
now=$(rss_sample)
hwm=$(awk '/^VmHWM/ { print $2 }' /proc/$SZ_PID/status)
[ "$hwm" -gt "$peak" ] && peak=$hwm

awk -v sr="$sz_rps" -v nr="$ng_rps" -v sp="$sz_p99" -v np="$ng_p99" \
	-v bytes="$bytes" -v p1="$p1_p99" -v p5="$p5k_p99" -v p1r="$p1_rps" \
	-v p5r="$p5k_rps" -v b1="$b1_p99" -v bd="$bd_p99" -v b1r="$b1_rps" \
	-v bdr="$bd_rps" -v deep="$i" -v peak="$peak" -v now="$now" \
	-v conn="$CONN" -v secs="$SECS" -v mr="$mb_rps" -v mp="$mb_p99" 'BEGIN {
	printf "thread of 200 posts, page 1 (%d bytes), wrk -c%d, %ds each:\n", bytes, conn, secs
	printf "  samizdat %.0f req/s (p99 %.1f ms), nginx static %.0f req/s (p99 %.1f ms): ratio %.2f (goal >= 0.5); samizdat p99 %.1f ms (goal < 20 ms)\n", sr, sp, nr, np, sr / nr, sp
	printf "  a logged-in member (the page made on every request): %.0f req/s (p99 %.1f ms): ratio to nginx %.2f\n", mr, mp, mr / nr
	printf "made for the member on every request:\n"
	printf "thread of 100,020 posts: page 1 %.0f req/s (p99 %.1f ms), page 5,000 %.0f req/s (p99 %.1f ms): page 5,000 / page 1 time ratio %.2f (goal: about 1)\n", p1r, p1, p5r, p5, p1r / p5r
	printf "board of 10,000 threads: first page %.0f req/s (p99 %.1f ms), %d pages deep %.0f req/s (p99 %.1f ms)\n", b1r, b1, deep, bdr, bd
	printf "public face RSS: peak %.1f MiB, now %.1f MiB (goal < 64 MiB)\n", peak / 1024, now / 1024
}'
