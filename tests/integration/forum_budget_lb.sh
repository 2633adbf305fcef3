#!/bin/sh
# forum_budget_lb.sh - the forum's budgets hold for every public process
# on one PostgreSQL: two `--face public` processes share the forum, the
# members' sessions (sealed under session_key_file on tmpfs) and, with
# them, every budget.  A member who posts alternately through both is
# refused at the day's limit, not at twice it; registrations, counted
# for everyone together, likewise.  What the database keeps of it is a
# keyed hash and the number of the day or hour, in an UNLOGGED table.
# Needs SAMIZDAT_TEST_PG (tests/pg/with-cluster.sh sets it).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

if [ -z "${SAMIZDAT_TEST_PG:-}" ]; then
	skip "the forum's budgets on PostgreSQL" "no PostgreSQL: SAMIZDAT_TEST_PG is not set (scripts/deps check installs PostgreSQL)"
	finish
fi
db="sz_fb_$(basename "$WORK" | tr -c 'a-zA-Z0-9\n' _ | tr 'A-Z' 'a-z')"
psql -q "$SAMIZDAT_TEST_PG" -c "CREATE DATABASE $db" || exit 1
keydir=$(mktemp -d /dev/shm/sz-key.XXXXXX)
pids=""
cleanup() {
	for p in $pids; do kill -TERM "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	psql -q "$SAMIZDAT_TEST_PG" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
		>/dev/null 2>&1
	rm -rf "$WORK" "$keydir"
}
trap cleanup EXIT
head -c 32 /dev/urandom >"$keydir/session.key"
chmod 600 "$keydir/session.key"

# Budgets count in UTC days and hours: a run that would straddle an
# hour's end waits for the next hour to begin.
left=$(( 3600 - $(date +%s) % 3600 ))
[ "$left" -gt 90 ] || sleep "$left"

make_instance inst forum.argon2_memlimit_mb=8 forum.argon2_opslimit=1 \
	forum.approve_first_posts=0 forum.trust1_read_posts=0 \
	forum.posts_per_day_new=4 forum.posts_per_day_basic=4 \
	forum.posts_per_minute=1000 forum.registrations_per_hour=3 || exit 1
sed -i "s|^database = .*|database = $SAMIZDAT_TEST_PG dbname=$db|" inst/samizdat.conf
sed -i "s|^#* *session_key_file = .*|session_key_file = $keydir/session.key|" inst/samizdat.conf
grep -q "^session_key_file = $keydir" inst/samizdat.conf ||
	echo "session_key_file = $keydir/session.key" >>inst/samizdat.conf
"$SAMIZDAT" forum -d inst board create General --about Anything >/dev/null
start_face inst public || exit 1
pids="$pids $FACE_PID"
P1=$FACE_URL
mkdir second
cp inst/samizdat.conf inst/instance.key second/
chmod 700 second
start_face second public || exit 1
pids="$pids $FACE_PID"
P2=$FACE_URL

# registrations: three an hour for everyone, wherever they arrive
P=$P1; check "a member joins through the first process" test "$(join anna 'Anna Berg')" = 303
P=$P2; check "a member joins through the second process" test "$(join ben Ben)" = 303
P=$P1; check "a third joins through the first" test "$(join cleo Cleo)" = 303
P=$P2
check "registration_flood_through_every_process: the fourth in the hour is refused by the other process" \
	test "$(join dora Dora)" = 429
check "...saying the forum took its hour's members" \
	grep -q "Many people joined in the last hour" dora.out

# posts: four a day for a new member, whichever process takes them
P=$P1; check "anna starts a thread through the first process" \
	test "$(new_thread anna 1 'The ledger' 'Page one is missing.')" = 303
T=$(cat anna.thread)
n=2
for p in "$P2" "$P1" "$P2"; do
	P=$p
	check "anna's post $n goes through the process at $p" \
		test "$(reply anna "$T" "Post number $n.")" = 303
	n=$((n + 1))
done
P=$P1
check "posting_flood_through_every_process: the fifth post of the day is refused, not the ninth" \
	test "$(reply anna "$T" 'Post number 5.')" = 429
check "...saying why, with the day's limit" grep -q "posted 4 times today" anna.out
P=$P2
check "...and the other process refuses it too" \
	test "$(reply anna "$T" 'Post number 5 again.')" = 429
check "another member still posts through either process" \
	test "$(reply ben "$T" 'I have page one.')" = 303
check "the thread shows the four posts anna made and ben's" sh -c "
	curl -s '$P1/forum/thread/$T' >t.html &&
	grep -q 'Post number 4' t.html && grep -q 'I have page one' t.html &&
	! grep -q 'Post number 5' t.html"

# What the database keeps: hashes and the window's number, unlogged.
psql -qAt "$SAMIZDAT_TEST_PG dbname=$db" -c "SELECT relpersistence FROM
	pg_class WHERE relname = 'spends'" >persist
check "the budgets' table is UNLOGGED (no WAL, no replica keeps it)" \
	test "$(cat persist)" = u
psql -qAt "$SAMIZDAT_TEST_PG dbname=$db" -c "SELECT DISTINCT win FROM spends" \
	>wins
day=$(( $(date +%s) / 86400 )) hour=$(( $(date +%s) / 3600 ))
check "it keeps the day (the hour for registrations), no finer time" sh -c "
	test -s wins && ! grep -vx -e '$day' -e '$hour' wins"
finish
