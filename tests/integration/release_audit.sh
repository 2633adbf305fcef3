#!/bin/sh
# release_audit.sh - every editor action `samizdat release` takes on the
# command line (create, add, publish, unpublish, remove) is written to
# the audit log, on each engine: an instance on SQLite, and one whose
# inbox (where the log is kept) and archive are on PostgreSQL, which the
# command, locked in with no network, reaches through the connections it
# made before its lock-in.  Before, the PostgreSQL inbox's log got no
# line at all.  The PostgreSQL half needs SAMIZDAT_TEST_PG
# (tests/pg/with-cluster.sh sets it) and skips without it.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/tap.sh"
. "$here/lib.sh"

S=$SAMIZDAT
db=""
cleanup() {
	if [ -n "$db" ]; then
		psql -q "$SAMIZDAT_TEST_PG" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" \
			-c "DROP DATABASE IF EXISTS ${db}_i WITH (FORCE)" \
			-c "DROP ROLE IF EXISTS ${db}_i" >/dev/null 2>&1
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

# releases ENGINE INST: every audited release action on INST, then the
# audit log says each, naming numbers and never a file.
releases() {
	engine=$1 inst=$2
	echo "a memo about the bridge" >memo.txt
	echo "the minutes of the tender" >minutes.txt
	R=$("$S" release create -d "$inst" 'Memos' 2>create.err)
	check "$engine: release create prints the release's number" \
		test -n "$R"
	check "$engine: release add takes two files" sh -c "
		'$S' release add -d '$inst' '$R' memo.txt minutes.txt >add.out 2>add.err"
	D=$(sed -n 's|.*/doc/\([0-9]*\).*|\1|p' add.out | head -n 1)
	[ -n "$D" ] || D=$("$S" release list -d "$inst" >/dev/null 2>&1; echo 1)
	"$S" release publish -d "$inst" "$R" >/dev/null 2>publish.err
	"$S" release unpublish -d "$inst" "$R" >/dev/null 2>unpublish.err
	"$S" release remove -d "$inst" "$R" "$D" >remove.out 2>remove.err
	check "$engine: no command said it could not write the audit log" sh -c "
		! grep -q 'not written to the audit log' create.err add.err \
			publish.err unpublish.err remove.err"
	"$S" audit -d "$inst" >"$engine.audit"
	check "$engine: the audit log has the release's creation" \
		grep -q "create release  *release $R\$" "$engine.audit"
	check "$engine: ...the files added, counted" \
		grep -q "add to release  *release $R: 2 files or mailboxes\$" "$engine.audit"
	check "$engine: ...its publication and withdrawal" sh -c "
		grep -q 'publish release  *release $R\$' '$engine.audit' &&
		grep -q 'unpublish release  *release $R\$' '$engine.audit'"
	check "$engine: ...the document removed" \
		grep -q "remove from release  *document $D\$" "$engine.audit"
	check "$engine: ...by the command line, naming no file" sh -c "
		grep -q 'admin (command line)' '$engine.audit' &&
		! grep -q -e memo -e minutes '$engine.audit'"
}

make_instance lite || exit 1
releases sqlite lite

if [ -z "${SAMIZDAT_TEST_PG:-}" ]; then
	skip "the audit log on PostgreSQL" "no PostgreSQL: SAMIZDAT_TEST_PG is not set (scripts/deps check installs PostgreSQL)"
	finish
fi
db="sz_ra_$(basename "$WORK" | tr -c 'a-zA-Z0-9\n' _ | tr 'A-Z' 'a-z')"
psql -q "$SAMIZDAT_TEST_PG" -c "CREATE ROLE ${db}_i LOGIN" \
	-c "CREATE DATABASE ${db}_i OWNER ${db}_i" -c "CREATE DATABASE $db" || exit 1
make_instance pg || exit 1
sed -i "s|^database = .*|database = $SAMIZDAT_TEST_PG dbname=$db|" pg/samizdat.conf
sed -i "s|^inbox_database = .*|inbox_database = $SAMIZDAT_TEST_PG user=${db}_i dbname=${db}_i|" pg/samizdat.conf
releases postgresql pg
psql -qAt "$SAMIZDAT_TEST_PG user=${db}_i dbname=${db}_i" \
	-c "SELECT count(*) FROM audit" >rows 2>/dev/null || echo 0 >rows
check "postgresql: the lines are in the inbox's database" test "$(cat rows)" -ge 5
finish
