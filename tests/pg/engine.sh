#!/bin/sh
# tests/pg/engine.sh TEST [ARG...] - runs an integration test with every
# instance it makes on PostgreSQL (SZ_TEST_ENGINE=pg: see make_instance in
# tests/integration/lib.sh), then drops the databases and roles it made,
# whatever the test did with its own EXIT trap.
# tests/pg/engine.sh --drop PREFIX - drops the databases and roles named
# PREFIX_* and the session key folder /dev/shm/PREFIX.key.
#
# Needs SAMIZDAT_TEST_PG, the conninfo of a throw-away cluster (run it
# under tests/pg/with-cluster.sh, which starts one where none is running);
# without one, the test is skipped as a whole (TAP "1..0 # SKIP"), saying
# why.  It does not start or stop PostgreSQL itself.
set -u
if [ "${1:-}" = --drop ]; then
	prefix=${2:?usage: engine.sh --drop PREFIX}
	case $prefix in sz_*) ;; *) echo "engine.sh: not a test prefix: $prefix" >&2; exit 2 ;; esac
	q() { psql -qAtX "$SAMIZDAT_TEST_PG" -c "$1"; }
	for d in $(q "SELECT datname FROM pg_database WHERE datname LIKE '${prefix}\\_%'"); do
		q "DROP DATABASE IF EXISTS \"$d\" WITH (FORCE)" >/dev/null
	done
	for r in $(q "SELECT rolname FROM pg_roles WHERE rolname LIKE '${prefix}\\_%'"); do
		q "DROP ROLE IF EXISTS \"$r\"" >/dev/null
	done
	rm -rf "/dev/shm/$prefix.key"
	exit 0
fi
if [ -z "${SAMIZDAT_TEST_PG:-}" ]; then
	echo "1..0 # SKIP no PostgreSQL: SAMIZDAT_TEST_PG is not set (scripts/deps check installs PostgreSQL)"
	exit 0
fi
SZ_TEST_ENGINE=pg
SZ_TEST_PG_PREFIX=sz_$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
export SZ_TEST_ENGINE SZ_TEST_PG_PREFIX
"$@"
rc=$?
"$0" --drop "$SZ_TEST_PG_PREFIX"
exit $rc
