#!/bin/sh
# tests/pg/with-cluster.sh CMD [ARG...] - runs a test that also speaks to
# PostgreSQL, with SAMIZDAT_TEST_PG set to a conninfo.
#
# When SAMIZDAT_TEST_PG is set already (tests/run starts one cluster for
# the whole run), the command runs as it is.  Otherwise a throw-away
# cluster (tests/pg/cluster.sh) is started for this command alone and
# stopped after it.  Without PostgreSQL installed, the command runs
# without the variable, and its PostgreSQL cases skip saying why.
set -u
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${SAMIZDAT_TEST_PG:-}" ]; then
	exec "$@"
fi
if ! "$here/cluster.sh" available 2>/dev/null; then
	exec "$@"
fi
dir=$(mktemp -d /tmp/sz-pg.XXXXXX)
trap '"$here/cluster.sh" stop "$dir"' EXIT INT TERM
conn=$("$here/cluster.sh" start "$dir") || exit 1
SAMIZDAT_TEST_PG=$conn "$@"
