#!/bin/sh
# forum_pg.sh - the forum on PostgreSQL (database = a libpq conninfo),
# through `samizdat serve` and HTTP: members join, start threads, reply
# and search, all of it kept in the database and none in forum.db; the
# public face, locked in by its sandbox, connects again when the server
# drops its connections (as a restart or a fail-over does), and a second
# public face on the same database serves what the first one wrote.
# Needs SAMIZDAT_TEST_PG (tests/pg/with-cluster.sh sets it).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

if [ -z "${SAMIZDAT_TEST_PG:-}" ]; then
	skip "the forum on PostgreSQL" "no PostgreSQL: SAMIZDAT_TEST_PG is not set (scripts/deps check installs PostgreSQL)"
	finish
fi
db="sz_it_$(basename "$WORK" | tr -c 'a-zA-Z0-9\n' _ | tr 'A-Z' 'a-z')"
psql -q "$SAMIZDAT_TEST_PG" -c "CREATE DATABASE $db" || exit 1
CONN="$SAMIZDAT_TEST_PG dbname=$db"
pids=""
cleanup() {
	for p in $pids; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	psql -q "$SAMIZDAT_TEST_PG" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
		>/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT

make_instance inst forum.argon2_memlimit_mb=8 forum.argon2_opslimit=1 \
	forum.approve_first_posts=0 forum.trust1_read_posts=0 \
	forum.posts_per_minute=1000 || exit 1
sed -i "s|^database = .*|database = $CONN|" inst/samizdat.conf
check "samizdat config reads the PostgreSQL setting" sh -c "
	'$SAMIZDAT' config -d inst | grep -q '^database = $SAMIZDAT_TEST_PG'"
check "the command line makes a board in the PostgreSQL forum" \
	"$SAMIZDAT" forum -d inst board create General --about Anything
start_face inst public || exit 1
pids="$pids $FACE_PID"
P=$FACE_URL

check "a member joins" test "$(join anna 'Anna Berg')" = 303
check "another member joins" test "$(join ben ben)" = 303
check "a name that is taken is refused, as on SQLite" \
	test "$(join other 'anna berg')" = 409
check "a member starts a thread" \
	test "$(new_thread anna 1 'The bridge contract' 'Who signed the **second** invoice?')" = 303
T=$(cat anna.thread)
check "another member replies" \
	test "$(reply ben "$T" 'The same official signed both, a week apart.')" = 303
check "the thread shows both posts, rendered" sh -c "
	curl -s '$P/forum/thread/$T' > t.html &&
	grep -q 'Who signed the <strong>second</strong> invoice?' t.html &&
	grep -q 'The same official signed both' t.html"
check "the board counts the thread and its two posts" sh -c "
	curl -s '$P/forum/board/1' | grep -q '2 replies\|1 reply'"
check "search finds a reply by a word of it, marked in the snippet" sh -c "
	curl -s '$P/search?q=official+type%3Apost' | grep -q '<mark>official</mark>'"
check "search finds a word by its prefix" sh -c "
	curl -s '$P/search?q=offic*+type%3Apost' | grep -q '<mark>official</mark>'"
check "search by a member finds only their posts" sh -c "
	curl -s '$P/search?q=by%3Aben+type%3Apost' | grep -q 'same official' &&
	! curl -s '$P/search?q=by%3Aben+type%3Apost' | grep -q 'invoice'"
check "nothing was written to forum.db" test ! -e inst/forum.db

# The server drops every connection of the database (what a restart does
# to the clients); the locked-in face connects again by itself.
psql -qAt "$SAMIZDAT_TEST_PG" -c "SELECT count(pg_terminate_backend(pid))
	FROM pg_stat_activity WHERE datname = '$db'" >killed
check "the database's connections were dropped" test "$(cat killed)" -ge 1
check "the face, in its sandbox, connects again and serves the thread" sh -c "
	curl -s '$P/forum/thread/$T' | grep -q 'The same official signed both'"
check "...and takes a new reply" \
	test "$(reply anna "$T" 'Thank you, that settles it.')" = 303
check "the face is still the same process" kill -0 "$FACE_PID"

# A second public face on the same database: any process serves any
# member's posts.
mkdir second
cp inst/samizdat.conf inst/instance.key second/
chmod 700 second
start_face second public || exit 1
pids="$pids $FACE_PID"
check "a second face on the same database shows the new reply" sh -c "
	curl -s '$FACE_URL/forum/thread/$T' | grep -q 'that settles it'"
finish
