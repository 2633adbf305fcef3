#!/bin/sh
# faces_lb.sh - stateless faces behind a load balancer: two source, two
# public and one editor process on one PostgreSQL (the inbox, the forum
# and every face's sessions, sealed under session_key_file on tmpfs),
# behind nginx's round-robin upstreams, with no sticky sessions.  A
# source logs in through one source process and submits through the
# other; the page the other serves still counts what the first holds
# until its period ends; a submission whose new source another process
# holds waits for that source to be stored, and is not lost; an editor sees the submission and replies; the
# source reads the reply through either; a public search through either
# finds a newly published release; codename attempts are counted once
# for every process.  The archive is not on PostgreSQL
# yet: the two public processes share the instance's archive.db file.
# Needs SAMIZDAT_TEST_PG (tests/pg/with-cluster.sh sets it) and nginx.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

if [ -z "${SAMIZDAT_TEST_PG:-}" ]; then
	skip "faces behind a load balancer" "no PostgreSQL: SAMIZDAT_TEST_PG is not set (scripts/deps check installs PostgreSQL)"
	finish
fi
if ! test -x /usr/sbin/nginx; then
	not_ok "nginx is installed (scripts/deps check)"
	finish
fi
db="sz_lb_$(basename "$WORK" | tr -c 'a-zA-Z0-9\n' _ | tr 'A-Z' 'a-z')"
psql -q "$SAMIZDAT_TEST_PG" -c "CREATE ROLE ${db}_i LOGIN" \
	-c "CREATE DATABASE ${db}_i OWNER ${db}_i" -c "CREATE DATABASE $db" || exit 1
keydir=$(mktemp -d /dev/shm/sz-key.XXXXXX)
pids=""
cleanup() {
	for p in $pids; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	psql -q "$SAMIZDAT_TEST_PG" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
		-c "DROP DATABASE IF EXISTS ${db}_i WITH (FORCE)" \
		-c "DROP ROLE IF EXISTS ${db}_i" >/dev/null 2>&1
	rm -rf "$WORK" "$keydir"
}
trap cleanup EXIT
head -c 32 /dev/urandom >"$keydir/session.key"
chmod 600 "$keydir/session.key"

make_instance inst forum.argon2_memlimit_mb=8 forum.argon2_opslimit=1 || exit 1
sed -i "s|^database = .*|database = $SAMIZDAT_TEST_PG dbname=$db|" inst/samizdat.conf
sed -i "s|^inbox_database = .*|inbox_database = $SAMIZDAT_TEST_PG user=${db}_i dbname=${db}_i|" inst/samizdat.conf
sed -i "s|^#* *session_key_file = .*|session_key_file = $keydir/session.key|" inst/samizdat.conf
grep -q "^session_key_file = $keydir" inst/samizdat.conf || echo "session_key_file = $keydir/session.key" >>inst/samizdat.conf
add_editor inst alice || exit 1

# copy FACE N: one more process of a face, with a test clock of its own
# (each source process commits its own batch); sets FACE_URL, FACE_PID.
copy() {
	cp inst.clock "inst.clock.$1$2" 2>/dev/null || date +%s >"inst.clock.$1$2"
	mkfifo "inst.$1$2.fifo"
	SAMIZDAT_TEST_CLOCK="$PWD/inst.clock.$1$2" \
		"$SAMIZDAT" serve -d inst --face "$1" --listen 127.0.0.1:0 \
		>"inst.$1$2.fifo" 2>"inst.$1$2.err" &
	FACE_PID=$!
	pids="$pids $FACE_PID"
	timeout 20 head -n 1 "inst.$1$2.fifo" >"inst.$1$2.out"
	FACE_URL=$(sed -n "s/^$1 face: \(http[^ ]*\)\/\$/\1/p" "inst.$1$2.out")
	[ -n "$FACE_URL" ] || { sed 's/^/# /' "inst.$1$2.err"; return 1; }
}
# the period ends for every source process, and each stores its batch
commit_all() {
	t=$(( $(cat inst.clock.source1) + 3600 ))
	for n in 1 2; do echo "$t" >"inst.clock.source$n"; done
	i=0
	while [ $i -lt 400 ] && { [ "$(cat inst.clock.source1.done 2>/dev/null)" != "$t" ] ||
	    [ "$(cat inst.clock.source2.done 2>/dev/null)" != "$t" ]; }; do
		i=$((i + 1)); sleep 0.05
	done
	[ "$(cat inst.clock.source2.done)" = "$t" ] && [ "$(cat inst.clock.source1.done)" = "$t" ]
}
date +%s >inst.clock
copy source 1 || { not_ok "the first source process starts"; finish; }
S1=$FACE_URL
copy source 2 || { not_ok "the second source process starts"; finish; }
S2=$FACE_URL
copy public 1 || { not_ok "the first public process starts"; finish; }
P1=$FACE_URL
copy public 2 || { not_ok "the second public process starts"; finish; }
P2=$FACE_URL
copy editor 1 || { not_ok "the editor process starts"; finish; }
EURL=$FACE_URL

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
port2=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
hostport() { echo "$1" | sed 's|^http://||'; }
cat >nginx.conf <<NGINX
daemon off;
user root;
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx.err;
events { worker_connections 64; }
http {
    log_format up '\$request_uri \$upstream_addr';
    access_log $WORK/access.log up;
    upstream sources { server $(hostport "$S1"); server $(hostport "$S2"); }
    upstream publics { server $(hostport "$P1"); server $(hostport "$P2"); }
    server {
        listen 127.0.0.1:$port;
        client_max_body_size 64m;
        location / { proxy_pass http://sources; proxy_set_header Host \$host:\$server_port; }
    }
    server {
        listen 127.0.0.1:$port2;
        location / { proxy_pass http://publics; proxy_set_header Host \$host:\$server_port; }
    }
}
NGINX
/usr/sbin/nginx -c "$WORK/nginx.conf" -p "$WORK" &
NPID=$!
pids="$pids $NPID"
i=0
until curl -s -o /dev/null "http://127.0.0.1:$port2/"; do
	i=$((i + 1)); [ $i -lt 100 ] || break; sleep 0.1
done
LB="http://127.0.0.1:$port"
PLB="http://127.0.0.1:$port2"

# A source logs in through the first process, submits through the second.
URL=$S1
new_source src
check "a new source logs in through the first source process" grep -q 'name="csrf"' src.home.html
URL=$S2
s=$(submit src -F "message=the memo, through the other process")
check "...and submits through the second (no sticky session)" test "$s" = 303
curl -s -b src "$S1/source" >count1.html
check "the first process, which does not hold the submission, still counts it" \
	grep -q 'You have sent 1 submission so far' count1.html
check "...as the second does" sh -c "curl -s -b src '$S2/source' | grep -q 'You have sent 1 submission so far'"
check "the period ends and each source process stores its own batch" commit_all
# The second process may store its batch before the first stores the
# new source: the submission then waits, held, for its next batch.
check "...the next period too" commit_all

CODE=$(oathtool --totp -b "$SECRET")
check "an editor logs in" test "$(editor_login ed alice 'a long editor password' "$CODE")" = 303
curl -s -b ed "$EURL/inbox" >inbox.html
SID=$(grep -o 'source?id=[0-9]*' inbox.html | head -1 | cut -d= -f2)
check "the editor sees the source" test -n "$SID"
curl -s -b ed "$EURL/source?id=$SID" >source.html
check "...with its message" test "$(grep -c 'download?item=' source.html)" -eq 1
s=$(curl -s -b ed -c ed -o /dev/null -w '%{http_code}' \
	--data-urlencode "csrf=$(csrf_of source.html)" --data-urlencode "id=$SID" \
	--data-urlencode "text=We read it. Thank you." "$EURL/reply")
check "the editor replies" test "$s" = 303
check "the source reads the reply through the first process" sh -c "
	curl -s -b src '$S1/source' | grep -q 'reply-arrived'"
check "...and through the second" sh -c "
	curl -s -b src '$S2/source' | grep -q 'reply-arrived'"
: >access.log
for n in 1 2 3 4; do curl -s -b src -o "lb$n.html" "$LB/source"; done
check "through the load balancer, every request finds the session" sh -c "
	for n in 1 2 3 4; do grep -q 'reply-arrived' lb\$n.html || exit 1; done"
check "...served by both source processes in turn" sh -c "
	grep -c '$(hostport "$S1")' access.log | grep -qx 2 &&
	grep -c '$(hostport "$S2")' access.log | grep -qx 2"

# Guessing codenames through both source processes: one token's five
# attempts are counted once, in the database, wherever they land.
curl -s -c g -b g "$S1/" >g.start
G=$(csrf_of g.start)
bad=0
for i in 1 2 3 4 5; do
	[ $((i % 2)) = 1 ] && u=$S1 || u=$S2
	s=$(curl -s -c g -b g -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$G" \
		--data-urlencode "codename=wrong guess $i" "$u/login")
	[ "$s" = 403 ] || bad=$((bad + 1))
done
check "five wrong codenames with one token, through both processes, are refused as wrong" test $bad = 0
check "...and the sixth, through either, is the token's last (codename guessing across processes)" sh -c "
	test \$(curl -s -b g -o /dev/null -w '%{http_code}' --data-urlencode 'csrf=$G' \
		--data-urlencode 'codename=one more' '$S1/login') = 429 &&
	test \$(curl -s -b g -o /dev/null -w '%{http_code}' --data-urlencode 'csrf=$G' \
		--data-urlencode 'codename=one more' '$S2/login') = 429"

# An editor publishes a release; a search through either public process
# finds it.
curl -s -b ed -c ed "$EURL/releases" >rel.html
T=$(csrf_of rel.html)
curl -s -b ed -c ed -o /dev/null --data-urlencode "csrf=$T" \
	--data-urlencode "title=The Quarry Papers" --data-urlencode "day=2024-05-01" \
	"$EURL/release/create"
printf 'The zanzibarite contract was signed twice.\n' >note.txt
s=$(curl -s -b ed -c ed -o /dev/null -w '%{http_code}' -F "csrf=$T" \
	-F "files=@note.txt" "$EURL/release/upload?id=1")
check "the editor adds a document to a new release" test "$s" = 303
s=$(curl -s -b ed -c ed -o /dev/null -w '%{http_code}' --data-urlencode "csrf=$T" \
	--data "id=1&state=published" "$EURL/release/state")
check "...and publishes it" test "$s" = 303
check "a search through the first public process finds it" sh -c "
	curl -s '$P1/search?q=zanzibarite' | grep -q 'Quarry Papers\|zanzibarite'"
check "...and through the second" sh -c "
	curl -s '$P2/search?q=zanzibarite' | grep -q 'Quarry Papers\|zanzibarite'"
: >access.log
for n in 1 2; do curl -s -o "ps$n.html" "$PLB/search?q=zanzibarite"; done
check "through the load balancer, both public processes answer the search" sh -c "
	grep -q 'zanzibarite' ps1.html && grep -q 'zanzibarite' ps2.html &&
	grep -q '$(hostport "$P1")' access.log && grep -q '$(hostport "$P2")' access.log"

# A forum member logs in through one public process; the other knows them.
P=$P1
check "a member joins through the first public process, logged in there" \
	test "$(join anna anna)" = 303
check "the second public process serves the member's session" sh -c "
	curl -s -b anna '$P2/forum' | grep -q 'anna' &&
	! curl -s '$P2/forum' | grep -q 'anna'"
finish
