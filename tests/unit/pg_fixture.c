/* pg_fixture.c - throw-away PostgreSQL databases for the store tests
 * (pg_fixture.h).  Database names are made here from temporary
 * directories' names and quoted with PQescapeIdentifier. */
#include "pg_fixture.h"

#include <ctype.h>
#include <libpq-fe.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

const char *pg_fixture_cluster(void)
{
	const char *c = getenv("SAMIZDAT_TEST_PG");
	return c != NULL && c[0] != '\0' ? c : NULL;
}

static void db_name(const char *dir, char *out, size_t cap)
{
	const char *base = strrchr(dir, '/');
	base = base ? base + 1 : dir;
	size_t n = 0;
	for (const char *p = base; *p && n + 1 < cap; p++)
		out[n++] = isalnum((unsigned char)*p) ?
			(char)tolower((unsigned char)*p) : '_';
	out[n] = '\0';
}

void pg_fixture_conninfo(const char *dir, char *out, size_t cap)
{
	char name[64];
	db_name(dir, name, sizeof(name));
	snprintf(out, cap, "%s dbname=%s", pg_fixture_cluster(), name);
}

static bool admin(const char *verb, const char *dir)
{
	char name[64], sql[256];
	bool ok = false;
	db_name(dir, name, sizeof(name));
	PGconn *c = PQconnectdb(pg_fixture_cluster());
	if (PQstatus(c) == CONNECTION_OK) {
		PQclear(PQexec(c, "SET client_min_messages = warning"));
		char *id = PQescapeIdentifier(c, name, strlen(name));
		snprintf(sql, sizeof(sql), "%s %s", verb, id);
		PQfreemem(id);
		PGresult *r = PQexec(c, sql);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		if (!ok)
			fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
		PQclear(r);
	} else {
		fprintf(stderr, "the test PostgreSQL: %s", PQerrorMessage(c));
	}
	PQfinish(c);
	return ok;
}

bool pg_fixture_create(const char *dir)
{
	admin("DROP DATABASE IF EXISTS", dir);
	return admin("CREATE DATABASE", dir);
}

void pg_fixture_drop(const char *dir)
{
	admin("DROP DATABASE IF EXISTS", dir);
}

#define NAME_MAX_LEN 128

int pg_fixture_run(const char *group, const struct CMUnitTest *cases,
	size_t ncases, const char *const *engine, void *const *state,
	const bool *absent, size_t nengines)
{
	struct CMUnitTest *tests = calloc(ncases * nengines + 1,
		sizeof(*tests));
	char (*names)[NAME_MAX_LEN] = calloc(ncases * nengines + 1,
		sizeof(*names));
	size_t n = 0;
	if (tests == NULL || names == NULL)
		return 1;
	for (size_t e = 0; e < nengines; e++) {
		if (absent[e]) {
			printf("# %s: every case left out: SAMIZDAT_TEST_PG is not "
				"set and no cluster was started (PostgreSQL is not "
				"installed: scripts/deps check installs it)\n",
				engine[e]);
			continue;
		}
		for (size_t i = 0; i < ncases; i++, n++) {
			tests[n] = cases[i];
			snprintf(names[n], NAME_MAX_LEN, "%s: %s", engine[e],
				cases[i].name);
			tests[n].name = names[n];
			tests[n].initial_state = state[e];
		}
	}
	fflush(stdout);
	int failed = _cmocka_run_group_tests(group, tests, n, NULL, NULL);
	free(tests);
	free(names);
	return failed;
}

void pg_fixture_await(int fd, PGconn *pg)
{
	for (int i = 0; i < PG_FIXTURE_AWAIT_S * 100; i++) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 10) > 0)
			return;
		if (pg == NULL)
			continue;
		PGresult *r = PQexec(pg, "SELECT count(*) FROM pg_locks"
			" WHERE NOT granted AND database = (SELECT oid FROM pg_database"
			" WHERE datname = current_database())");
		bool held = PQresultStatus(r) == PGRES_TUPLES_OK &&
			PQntuples(r) == 1 && atoi(PQgetvalue(r, 0, 0)) > 0;
		PQclear(r);
		if (held)
			return;
	}
	fail_msg("neither an answer nor a waiting lock in %d s",
		PG_FIXTURE_AWAIT_S);
}
