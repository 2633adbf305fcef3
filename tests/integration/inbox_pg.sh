#!/bin/sh
# inbox_pg.sh - the inbox on PostgreSQL (inbox_database = a conninfo with
# a database and role of its own), through `samizdat serve` and HTTP: a
# source submits, the period ends and the batch is stored in the
# database, an editor logs in (a code used once), finds the source and
# its items and replies; the editor face, locked in, connects again when
# the server drops its connections; the command line reads the audit log
# from the database; the settings refuse one conninfo for the forum and
# the inbox.  Needs SAMIZDAT_TEST_PG (tests/pg/with-cluster.sh sets it).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

if [ -z "${SAMIZDAT_TEST_PG:-}" ]; then
	skip "the inbox on PostgreSQL" "no PostgreSQL: SAMIZDAT_TEST_PG is not set (scripts/deps check installs PostgreSQL)"
	finish
fi
db="sz_in_$(basename "$WORK" | tr -c 'a-zA-Z0-9\n' _ | tr 'A-Z' 'a-z')"
psql -q "$SAMIZDAT_TEST_PG" -c "CREATE ROLE $db LOGIN" -c "CREATE DATABASE $db OWNER $db" || exit 1
CONN="$SAMIZDAT_TEST_PG user=$db dbname=$db"
pids=""
cleanup() {
	for p in $pids; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	psql -q "$SAMIZDAT_TEST_PG" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
		-c "DROP ROLE IF EXISTS $db" >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT

make_instance inst || exit 1
sed -i "s|^inbox_database = .*|inbox_database = $CONN|" inst/samizdat.conf
check "the command line adds an editor to the PostgreSQL inbox" \
	add_editor inst alice
check "...and lists it from there" sh -c "
	'$SAMIZDAT' editor list -d inst | grep -q alice"
start_server inst || { not_ok "the source face starts"; finish; }
pids="$pids $PID"
start_editor inst || { not_ok "the editor face starts"; finish; }
pids="$pids $EPID"

new_source src
printf 'the leaked memo\n' >memo.txt
s=$(submit src -F "message=please read" -F "files=@memo.txt;type=text/plain")
check "a source submits a message and a file" test "$s" = 303
check "the period ends and the batch is stored in the database" commit inst

CODE=$(oathtool --totp -b "$SECRET")
s=$(editor_login ed alice 'a long editor password' "$CODE")
check "the editor logs in with a password and oathtool's code" test "$s" = 303
s=$(editor_login ed2 alice 'a long editor password' "$CODE")
check "the same code cannot log in twice" test "$s" = 403
curl -s -b ed "$EURL/inbox" >inbox.html
check "the inbox lists the source by a two-word designation" \
	grep -q 'href="/source?id=[0-9]*">[a-z-]*-[a-z-]*</a>' inbox.html
SID=$(grep -o 'source?id=[0-9]*' inbox.html | head -1 | cut -d= -f2)
check "...with its unread items counted" grep -q 'class="unread"' inbox.html
curl -s -b ed "$EURL/source?id=$SID" >source.html
check "the source's page lists both items" \
	test "$(grep -c 'download?item=' source.html)" -eq 2

# The server drops every connection of the inbox's database.
psql -qAt "$SAMIZDAT_TEST_PG" -c "SELECT count(pg_terminate_backend(pid))
	FROM pg_stat_activity WHERE datname = '$db'" >killed
check "the database's connections were dropped" test "$(cat killed)" -ge 1
check "the editor face, in its sandbox, connects again and serves the inbox" \
	sh -c "curl -s -b ed '$EURL/inbox' | grep -q 'source?id=$SID'"
check "the editor face is still the same process" kill -0 "$EPID"
new_source src2
s=$(submit src2 -F "message=a second source")
check "another source submits after the drop" test "$s" = 303
check "...and the source face, in its sandbox, stores it when the period ends" \
	commit inst
check "the source face is still the same process" kill -0 "$PID"
check "the editor sees both sources" sh -c "
	test \$(curl -s -b ed '$EURL/inbox' | grep -o 'source?id=[0-9]*' | sort -u | wc -l) -eq 2"
check "the audit log, read from the database, has the editor's login" sh -c "
	'$SAMIZDAT' audit -d inst | grep -q alice"

sed -i "s|^database = .*|database = $CONN|" inst/samizdat.conf
check "one conninfo for the forum and the inbox is refused, saying why" sh -c "
	'$SAMIZDAT' config -d inst 2>&1 | grep -q 'the public face would reach the inbox'"
finish
