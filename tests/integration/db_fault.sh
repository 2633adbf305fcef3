#!/bin/sh
# db_fault.sh - the database goes away under the faces: on a PostgreSQL
# cluster of its own (tests/pg/cluster.sh), with the inbox and the faces'
# sessions in it (session_key_file on tmpfs), the server is stopped
# (pg_ctl stop -m fast) in the middle of a source's upload and of an
# editor's import.  The editor's import (which needs its session at the
# end) and every page that needs the database answer a clear 503 page
# with Retry-After, never a 500, a login page or a hang, and nothing of
# the cut import becomes visible.  The source's upload needs the database
# only at its start (its session): the face holds it in memory until the
# period ends (store/staging.h), so it is received whole, and a period
# that ends while the database is down keeps its batch in memory until
# the database is back.  Once the server is started again the same
# processes serve the same sessions, without a restart.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

cluster="$here/../pg/cluster.sh"
if ! "$cluster" available 2>/dev/null; then
	skip "the faces when PostgreSQL stops" "PostgreSQL is not installed (scripts/deps check installs it)"
	finish
fi
pgdir=$(mktemp -d /tmp/sz-pgfault.XXXXXX)
keydir=$(mktemp -d /dev/shm/sz-key.XXXXXX)
pids=""
cleanup() {
	for p in $pids; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	"$cluster" stop "$pgdir"
	rm -rf "$WORK" "$keydir"
}
trap cleanup EXIT
PG=$("$cluster" start "$pgdir") || { not_ok "a PostgreSQL cluster starts"; finish; }
psql -q "$PG" -c "CREATE ROLE inbox LOGIN" -c "CREATE DATABASE inbox OWNER inbox" || exit 1
head -c 32 /dev/urandom >"$keydir/session.key"
chmod 600 "$keydir/session.key"

make_instance inst || exit 1
sed -i "s|^inbox_database = .*|inbox_database = $PG user=inbox dbname=inbox|" inst/samizdat.conf
sed -i "s|^#* *session_key_file = .*|session_key_file = $keydir/session.key|" inst/samizdat.conf
grep -q "^session_key_file = $keydir" inst/samizdat.conf || echo "session_key_file = $keydir/session.key" >>inst/samizdat.conf
add_editor inst alice || exit 1
start_server inst || { not_ok "the source face starts"; finish; }
pids="$pids $PID"
start_editor inst || { not_ok "the editor face starts"; finish; }
pids="$pids $EPID"

new_source src
s=$(submit src -F "message=the first memo")
check "a source logs in and submits" test "$s" = 303
check "...and the period's batch is stored" commit inst
CODE=$(oathtool --totp -b "$SECRET")
check "an editor logs in" test "$(editor_login ed alice 'a long editor password' "$CODE")" = 303
curl -s -b ed -c ed "$EURL/releases" >rel.html
T=$(csrf_of rel.html)
curl -s -b ed -c ed -o /dev/null --data-urlencode "csrf=$T" \
	--data-urlencode "title=Papers" --data-urlencode "day=2024-05-01" \
	"$EURL/release/create"
check "the sessions live in the database, sealed" sh -c "
	test \$(psql -qAt '$PG user=inbox dbname=inbox' -c 'SELECT count(*) FROM sessions') -eq 2"

# A large upload, sent slowly; the database stops half-way through it.
head -c 1500000 /dev/urandom | base64 >big.txt
curl -s -b src -c src -D up.head -o up.html -w '%{http_code}' --limit-rate 300K \
	-F "csrf=$(csrf_of src.home.html)" -F "message=half a leak" \
	-F "files=@big.txt;type=text/plain" "$URL/submit" >up.code &
up=$!
# and an editor's import of a large file, as slowly
curl -s -b ed -c ed -D imp.head -o imp.html -w '%{http_code}' --limit-rate 300K \
	-F "csrf=$T" -F "files=@big.txt" "$EURL/release/upload?id=1" >imp.code &
imp=$!
sleep 1
check "PostgreSQL stops in the middle of both" sh -c "cd / && '$cluster' halt '$pgdir'"
wait $up
wait $imp
check "the editor's import is answered 503 (database stopped mid-import)" test "$(cat imp.code)" = 503
check "...a page that says the service is briefly unavailable" grep -q 'briefly unavailable' imp.html
check "...with Retry-After" grep -qi '^Retry-After: 60' imp.head
check "the source's upload, held in memory until the period ends, is received whole (database stopped mid-upload)" \
	test "$(cat up.code)" = 303
t=$(( $(cat inst.clock) + 3600 ))
echo "$t" >inst.clock
sleep 2
check "the period ends while the database is down: the batch stays in memory, unstored" \
	test "$(cat inst.clock.done)" != "$t"
s=$(curl -s -b src -o page.html -w '%{http_code}' "$URL/source")
check "a logged-in source's page is 503 while it is down, not a login page" test "$s" = 503
s=$(curl -s -m 20 -b ed -o /dev/null -w '%{http_code}' "$EURL/inbox")
check "the editor's inbox is 503 while it is down" test "$s" = 503
check "the source face is still running" kill -0 "$PID"
check "the editor face is still running" kill -0 "$EPID"

check "PostgreSQL starts again" sh -c "cd / && '$cluster' resume '$pgdir'"
i=0
while [ $i -lt 400 ] && [ "$(cat inst.clock.done)" != "$t" ]; do
	i=$((i + 1)); sleep 0.05
done
check "...and the held batch is stored once it is back, by the same process" \
	test "$(cat inst.clock.done)" = "$t"
s=$(curl -s -b src -o page.html -w '%{http_code}' "$URL/source")
check "the same source face serves the same source's session again" test "$s" = 200
check "...logged in, without a restart" grep -q 'name="csrf"' page.html
s=$(curl -s -b src -c src -o /dev/null -w '%{http_code}' \
	-F "csrf=$(csrf_of src.home.html)" -F "message=the second memo" "$URL/submit")
check "the source submits again" test "$s" = 303
check "...and the period's batch is stored" commit inst
curl -s -b ed "$EURL/inbox" >inbox.html
check "the same editor face serves the editor's session again" \
	grep -q 'source?id=' inbox.html
SID=$(grep -o 'source?id=[0-9]*' inbox.html | head -1 | cut -d= -f2)
curl -s -b ed "$EURL/source?id=$SID" >source.html
check "the editor sees every whole submission: nothing was lost" \
	test "$(grep -c 'download?item=' source.html)" -eq 4
curl -s -b ed "$EURL/release?id=1" >release.html
check "the cut import left no file in the release" sh -c "! grep -q 'big.txt' release.html"
printf 'a short note\n' >note.txt
s=$(curl -s -b ed -c ed -o /dev/null -w '%{http_code}' -F "csrf=$T" \
	-F "files=@note.txt" "$EURL/release/upload?id=1")
check "the editor imports again" test "$s" = 303
check "the faces kept their processes" sh -c "kill -0 $PID && kill -0 $EPID"
finish
