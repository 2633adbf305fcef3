/* pg_fixture.h - throw-away PostgreSQL databases for the store tests.
 * The cluster is tests/pg/cluster.sh's (SAMIZDAT_TEST_PG, a conninfo of
 * its `postgres` database, set by tests/pg/with-cluster.sh or tests/run);
 * each test makes a database of its own from a name (a temporary
 * directory's, so tests running at once never share one) and drops it. */
#ifndef SZ_TEST_PG_FIXTURE_H
#define SZ_TEST_PG_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

/* The cluster's conninfo, or NULL when the tests run without one (the
 * PostgreSQL cases then skip, saying why). */
const char *pg_fixture_cluster(void);
/* A database named after the last part of dir ("sz-forum-Ab12cd" gives
 * "sz_forum_ab12cd"): its conninfo into out. */
void pg_fixture_conninfo(const char *dir, char *out, size_t cap);
/* Creates that database (dropping an old one of the name); false with a
 * message on stderr if the cluster refused. */
bool pg_fixture_create(const char *dir);
/* Drops it; every connection to it must be closed. */
void pg_fixture_drop(const char *dir);

/* Waits, at most PG_FIXTURE_AWAIT_S, until fd has something to read (a
 * reader in another process answered) or, with pg (a connection to the
 * cluster, NULL for none), a lock in the cluster waits (that reader is
 * held back): no fixed sleep, so neither slow nor flaky.  Fails the test
 * past the limit. */
#define PG_FIXTURE_AWAIT_S 10
void pg_fixture_await(int fd, PGconn *pg);

/* Runs every case once per engine, as one cmocka group (one TAP plan),
 * named "engine: case", each case's initial state its engine's state
 * (state[i]); an engine that absent[i] says is missing is left out, with
 * a TAP comment saying why (cmocka 1.1 reports skipped cases as
 * failures).  Returns what cmocka returns. */
struct CMUnitTest;
int pg_fixture_run(const char *group, const struct CMUnitTest *cases,
	size_t ncases, const char *const *engine, void *const *state,
	const bool *absent, size_t nengines);

#endif
