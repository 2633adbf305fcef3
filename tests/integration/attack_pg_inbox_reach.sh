#!/bin/sh
# attack_pg_inbox_reach.sh - the attack: with both databases on
# PostgreSQL, the public face (the most exposed one) is locked in, but
# every face runs as one operating-system user, so wherever PostgreSQL
# lets that user in as the inbox's role (peer authentication mapped to
# both roles, trust, or one password file for both, as the documentation
# used to suggest), a bug in the public face could open a connection of
# its own to the inbox's database.  The public face now tries exactly
# that once locked in, and if it gets in, says so at every start.  The
# test cluster trusts every local role, so the warning must appear; with
# an inbox role it cannot log in as, it must not.
# The second attack: every face read the one session_key_file and kept
# it whole, so the public face held the key that unseals the source
# face's sessions in the database (a logged-in source's secret key, a
# codename being shown).  Each face now keeps only a key derived for it:
# the file's key is nowhere in the public face's memory.
# Needs SAMIZDAT_TEST_PG (tests/pg/with-cluster.sh sets it).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

if [ -z "${SAMIZDAT_TEST_PG:-}" ]; then
	skip "the public face tells when it can reach the inbox's database" \
		"no PostgreSQL: SAMIZDAT_TEST_PG is not set (scripts/deps check installs PostgreSQL)"
	finish
fi
db="sz_reach_$(basename "$WORK" | tr -c 'a-zA-Z0-9\n' _ | tr 'A-Z' 'a-z')"
psql -q "$SAMIZDAT_TEST_PG" -c "CREATE ROLE ${db}_i LOGIN" \
	-c "CREATE DATABASE ${db}_i OWNER ${db}_i" -c "CREATE DATABASE $db" || exit 1
keydir=$(mktemp -d /dev/shm/sz-key.XXXXXX)
pid=""
cleanup() {
	[ -z "$pid" ] || { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
	psql -q "$SAMIZDAT_TEST_PG" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
		-c "DROP DATABASE IF EXISTS ${db}_i WITH (FORCE)" \
		-c "DROP ROLE IF EXISTS ${db}_i" >/dev/null 2>&1
	rm -rf "$WORK" "$keydir"
}
trap cleanup EXIT

make_instance inst forum.argon2_memlimit_mb=8 forum.argon2_opslimit=1 || exit 1
sed -i "s|^database = .*|database = $SAMIZDAT_TEST_PG dbname=$db|" inst/samizdat.conf
sed -i "s|^inbox_database = .*|inbox_database = $SAMIZDAT_TEST_PG user=${db}_i dbname=${db}_i|" inst/samizdat.conf
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$keydir/session.key"
echo >>"$keydir/session.key"
chmod 600 "$keydir/session.key"
sed -i "s|^#* *session_key_file = .*|session_key_file = $keydir/session.key|" inst/samizdat.conf
grep -q "^session_key_file = $keydir" inst/samizdat.conf || echo "session_key_file = $keydir/session.key" >>inst/samizdat.conf

if start_face inst public; then
	pid=$FACE_PID
	ok "the public face starts with both databases on PostgreSQL"
	check "pg_inbox_reach: it says, locked in, that it can log in to the inbox's database" \
		grep -q "WARNING: the public face, locked in, can log in to the inbox's database (inbox_database, as role \"${db}_i\")" inst.public.err
	check "...and points to what closes it" \
		grep -q 'docs/operations.md' inst.public.err
	check "the memory scan reads the public face (it finds the instance's path)" \
		sh -c "python3 '$here/memscan.py' $pid '$WORK/inst' >/dev/null; test \$? = 1"
	check "pg_public_face_holds_no_source_session_key: the session_key_file's key is nowhere in the public face's memory" \
		python3 "$here/memscan.py" "$pid" "hex:$(head -c 64 "$keydir/session.key")" \
		"$(head -c 64 "$keydir/session.key")"
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=""
else
	not_ok "the public face starts with both databases on PostgreSQL"
fi

# an inbox role this process cannot log in as: nothing to say
sed -i "s|^inbox_database = .*|inbox_database = $SAMIZDAT_TEST_PG user=${db}_nobody dbname=${db}_i|" inst/samizdat.conf
if start_face inst public; then
	pid=$FACE_PID
	fails "where it cannot log in to the inbox's database, it warns of nothing" \
		grep -q 'WARNING' inst.public.err
else
	not_ok "the public face starts when the inbox's role is out of its reach"
fi
finish
