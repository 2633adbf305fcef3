/* test_search_query.c - one table of reader queries, parsed once and
 * compiled for both engines: each must give the FTS5 expression the
 * archive has always run and the tsquery text PostgreSQL is given, and
 * both must find the same documents of a small archive.  FTS5 runs here
 * on an in-memory table shaped like the archive's; PostgreSQL runs when
 * SAMIZDAT_TEST_PG holds a libpq connection string (a throw-away
 * cluster, tests/pg/), in one transaction rolled back at the end, so
 * nothing is left and runs at once do not meet; without it that test is
 * left out of the plan and a comment says so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "search/query.h"

/* The documents: title, body, sender, recipients, tags (as
 * sz_archive_tags writes them). */
static const char *const docs[][5] = {
	{ "Bridge contract", "The double payment for the bridge was approved "
	  "by the ministry.", "Anna Smith anna@example.net",
	  "Press Desk press@example.net", "ztemail zr1 zy2024 zm202403 "
	  "zd20240315 zfannaexamplenet zgexamplenet zopressexamplenet "
	  "zpexamplenet zsdkim zvdkim" },
	{ "Invoice", "Receipt of the invoice for café supplies, a draft copy.",
	  "", "", "ztdocx zr2" },
	{ "Straße report", "A naïve e-mail: don't pay contractors. See "
	  "http://example.net/x <script>", "Boris boris@ministry.example",
	  "Anna Smith anna@example.net", "ztemail zr2 zy2023 zm202311 "
	  "zd20231102 zfborisministryexample zgministryexample "
	  "zoannaexamplenet zpexamplenet zspgp" },
	{ "Contractor list", "contractors and receipts, no payment", "", "",
	  "ztpdf zr3" },
};
#define NDOCS (sizeof(docs) / sizeof(docs[0]))

/* A reader's query; fts5 NULL when it is refused (error says why). */
struct reader_query {
	const char *text;
	const char *fts5, *ts_words, *ts_tags;
	unsigned matches;             /* bit i: docs[i] is found */
	const char *error;
};

static const struct reader_query queries[] = {
	{ "bridge", "(\"bridge\")", "('bridge')", "", 1u << 0, NULL },
	{ "\"double payment\"", "(\"double payment\")",
	  "('double' <-> 'payment')", "", 1u << 0, NULL },
	{ "contr*", "(\"contr\" *)", "('contr':*)", "", 1u << 0 | 1u << 2 |
	  1u << 3, NULL },
	{ "invoice OR receipt", "(\"invoice\" OR \"receipt\")",
	  "('invoice' | 'receipt')", "", 1u << 1, NULL },
	{ "bridge payment OR invoice", "(\"bridge\" AND \"payment\" OR "
	  "\"invoice\")", "('bridge' & 'payment' | 'invoice')", "",
	  1u << 0 | 1u << 1, NULL },
	{ "contr* -payment", "(\"contr\" *) NOT (\"payment\")",
	  "('contr':*) & !('payment')", "", 1u << 2, NULL },
	{ "receipt* NOT draft", "(\"receipt\" *) NOT (\"draft\")",
	  "('receipt':*) & !('draft')", "", 1u << 3, NULL },
	{ "payment -\"double payment\" -x", "(\"payment\") NOT "
	  "(\"double payment\" OR \"x\")",
	  "('payment') & !('double' <-> 'payment' | 'x')", "", 1u << 3, NULL },
	{ "cafe", "(\"cafe\")", "('cafe')", "", 1u << 1, NULL },
	{ "café", "(\"café\")", "('café')", "", 1u << 1, NULL },
	{ "naive", "(\"naive\")", "('naive')", "", 1u << 2, NULL },
	{ "e-mail", "(\"e mail\")", "('e' <-> 'mail')", "", 1u << 2, NULL },
	{ "don't", "(\"don t\")", "('don' <-> 't')", "", 1u << 2, NULL },
	{ "http://example.net/x", "(\"http example net x\")",
	  "('http' <-> 'example' <-> 'net' <-> 'x')", "", 1u << 2, NULL },
	{ "<script>", "(\"script\")", "('script')", "", 1u << 2, NULL },
	{ "from:anna", "sender : \"anna\"", "'anna':C", "", 1u << 0, NULL },
	{ "to:anna", "recipients : \"anna\"", "'anna':D", "", 1u << 2, NULL },
	{ "from:anna@example.net", "tags : \"zfannaexamplenet\"", "",
	  "'zfannaexamplenet'", 1u << 0, NULL },
	{ "from:ministry.example pay", "(\"pay\") AND tags : "
	  "\"zgministryexample\"", "('pay')", "'zgministryexample'", 1u << 2,
	  NULL },
	{ "to:press@example.net", "tags : \"zopressexamplenet\"", "",
	  "'zopressexamplenet'", 1u << 0, NULL },
	{ "type:pdf", "tags : \"ztpdf\"", "", "'ztpdf'", 1u << 3, NULL },
	{ "type:EMAIL contr*", "(\"contr\" *) AND tags : \"ztemail\"",
	  "('contr':*)", "'ztemail'", 1u << 0 | 1u << 2, NULL },
	{ "release:2", "tags : \"zr2\"", "", "'zr2'", 1u << 1 | 1u << 2, NULL },
	{ "release:2 -invoice", "tags : \"zr2\" NOT (\"invoice\")",
	  "!('invoice')", "'zr2'", 1u << 2, NULL },
	{ "date:2024-03", "tags : (\"zm202403\")", "", "('zm202403')", 1u << 0,
	  NULL },
	{ "after:2023-01 before:2024-01", "tags : (\"zy2023\")", "",
	  "('zy2023')", 1u << 2, NULL },
	{ "after:2023-11-02 before:2024-04", "tags : (\"zd20231102\" OR "
	  "\"zd20231103\" OR \"zd20231104\" OR \"zd20231105\" OR \"zd20231106\" "
	  "OR \"zd20231107\" OR \"zd20231108\" OR \"zd20231109\" OR "
	  "\"zd20231110\" OR \"zd20231111\" OR \"zd20231112\" OR \"zd20231113\" "
	  "OR \"zd20231114\" OR \"zd20231115\" OR \"zd20231116\" OR "
	  "\"zd20231117\" OR \"zd20231118\" OR \"zd20231119\" OR \"zd20231120\" "
	  "OR \"zd20231121\" OR \"zd20231122\" OR \"zd20231123\" OR "
	  "\"zd20231124\" OR \"zd20231125\" OR \"zd20231126\" OR \"zd20231127\" "
	  "OR \"zd20231128\" OR \"zd20231129\" OR \"zd20231130\" OR "
	  "\"zm202312\" OR \"zm202401\" OR \"zm202402\" OR \"zm202403\")", "",
	  "('zd20231102' | 'zd20231103' | 'zd20231104' | 'zd20231105' | "
	  "'zd20231106' | 'zd20231107' | 'zd20231108' | 'zd20231109' | "
	  "'zd20231110' | 'zd20231111' | 'zd20231112' | 'zd20231113' | "
	  "'zd20231114' | 'zd20231115' | 'zd20231116' | 'zd20231117' | "
	  "'zd20231118' | 'zd20231119' | 'zd20231120' | 'zd20231121' | "
	  "'zd20231122' | 'zd20231123' | 'zd20231124' | 'zd20231125' | "
	  "'zd20231126' | 'zd20231127' | 'zd20231128' | 'zd20231129' | "
	  "'zd20231130' | 'zm202312' | 'zm202401' | 'zm202402' | 'zm202403')",
	  1u << 0 | 1u << 2, NULL },
	{ "signed:pgp", "tags : \"zspgp\"", "", "'zspgp'", 1u << 2, NULL },
	{ "signed:dkim verified:DKIM", "tags : \"zsdkim\" AND tags : \"zvdkim\"",
	  "", "'zsdkim' & 'zvdkim'", 1u << 0, NULL },
	{ "bridge \"double payment\" -draft contr* from:anna to:press type:email "
	  "release:1 date:2024", "(\"bridge\" AND \"double payment\" AND "
	  "\"contr\" *) AND sender : \"anna\" AND recipients : \"press\" AND "
	  "tags : \"ztemail\" AND tags : \"zr1\" AND tags : (\"zy2024\") NOT "
	  "(\"draft\")", "('bridge' & 'double' <-> 'payment' & 'contr':*) & "
	  "'anna':C & 'press':D & !('draft')", "'ztemail' & 'zr1' & ('zy2024')",
	  1u << 0, NULL },
	{ "quay OR wharf OR invoice", "(\"quay\" OR \"wharf\" OR \"invoice\")",
	  "('quay' | 'wharf' | 'invoice')", "", 1u << 1, NULL },
	{ "\"Straße report\" OR \"no payment\"", "(\"Straße report\" OR "
	  "\"no payment\")", "('Straße' <-> 'report' | 'no' <-> 'payment')", "",
	  1u << 2 | 1u << 3, NULL },
	/* refused, with advice */
	{ "-draft", NULL, NULL, NULL, 0, "Add a word to look for: a search "
	  "cannot consist of exclusions (-word) alone." },
	{ "!!!", NULL, NULL, NULL, 0, "There is nothing to look for in this "
	  "search: type words, \"a phrase\", or a filter such as from:anna." },
	{ "ab*", NULL, NULL, NULL, 0, "Give at least 3 letters before a *: a "
	  "shorter beginning matches too many words. Write more of the word, "
	  "or the whole word." },
	{ "from:\"\"", NULL, NULL, NULL, 0, "from: takes a name or an address, "
	  "as in from:anna or from:press@example.net." },
	{ "release:x", NULL, NULL, NULL, 0, "release: takes a release number, "
	  "as in release:3." },
	{ "after:2024-03 before:2024-01", NULL, NULL, NULL, 0, "The date range "
	  "is empty: 'after' must come before 'before'." },
};
#define NQUERIES (sizeof(queries) / sizeof(queries[0]))

static void each_query_compiles_to_fts5_as_before(void **state)
{
	(void)state;
	for (size_t i = 0; i < NQUERIES; i++) {
		const struct reader_query *r = &queries[i];
		struct sz_query q;
		struct sz_buf m;
		sz_buf_init(&m, 1u << 20);
		int rc = sz_query_parse(&q, r->text, strlen(r->text));
		if (r->fts5 == NULL) {
			assert_int_equal(rc, SZ_E_INVAL);
			assert_string_equal(q.error, r->error);
		} else {
			assert_int_equal(rc, 0);
			assert_true(sz_query_archive(&q));
			assert_int_equal(sz_search_fts5(&q.search, &m), 0);
			assert_string_equal((const char *)m.data, r->fts5);
		}
		sz_buf_free(&m);
		sz_query_free(&q);
	}
}

static void each_query_compiles_to_a_tsquery(void **state)
{
	(void)state;
	for (size_t i = 0; i < NQUERIES; i++) {
		const struct reader_query *r = &queries[i];
		struct sz_query q;
		struct sz_tsquery t;
		if (r->fts5 == NULL)
			continue;
		assert_int_equal(sz_query_parse(&q, r->text, strlen(r->text)), 0);
		assert_int_equal(sz_search_tsquery(&q.search, &t), 0);
		assert_string_equal(t.words.len ? (const char *)t.words.data : "",
			r->ts_words);
		assert_string_equal(t.tags.len ? (const char *)t.tags.data : "",
			r->ts_tags);
		sz_tsquery_free(&t);
		sz_query_free(&q);
	}
}

/* A store's own filter (the forum's author) is SQL, not a term: a search
 * of exclusions alone then still compiles to what PostgreSQL can run;
 * FTS5's NOT needs a left side, so it gives nothing to run. */
static void exclusions_alone_compile_for_a_store_filter(void **state)
{
	(void)state;
	struct sz_search s;
	struct sz_tsquery t;
	struct sz_buf m;
	memset(&s, 0, sizeof(s));
	assert_int_equal(sz_search_add(&s, "draft", 5, false, true, false), 1);
	assert_int_equal(sz_search_add(&s, "old copy", 8, true, true, true), 1);
	assert_false(s.terms[1].or_before);   /* never on an exclusion */
	assert_int_equal(sz_search_tsquery(&s, &t), 0);
	assert_string_equal((const char *)t.words.data,
		"!('draft' | 'old' <-> 'copy':*)");
	assert_int_equal(t.tags.len, 0);
	sz_tsquery_free(&t);
	sz_buf_init(&m, 1024);
	assert_int_equal(sz_search_fts5(&s, &m), 0);
	assert_int_equal(m.len, 0);
	sz_buf_free(&m);
}

/* What FTS5 finds, as bits of docs. */
static unsigned fts5_found(sqlite3 *db, const char *match)
{
	sqlite3_stmt *st;
	unsigned found = 0;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t"
		" MATCH ?", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	int s;
	while ((s = sqlite3_step(st)) == SQLITE_ROW)
		found |= 1u << (sqlite3_column_int(st, 0) - 1);
	assert_int_equal(s, SQLITE_DONE);
	sqlite3_finalize(st);
	return found;
}

static void fts5_finds_the_documents_each_query_means(void **state)
{
	(void)state;
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	/* The archive's own columns and tokenizer (store/sqlite_archive.c). */
	assert_int_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5("
		"title, body, sender, recipients, tags,"
		" tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
		NULL, NULL, NULL), SQLITE_OK);
	for (size_t d = 0; d < NDOCS; d++) {
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t(rowid, title,"
			" body, sender, recipients, tags) VALUES (?, ?, ?, ?, ?, ?)", -1,
			&st, NULL), SQLITE_OK);
		sqlite3_bind_int64(st, 1, (int64_t)d + 1);
		for (int c = 0; c < 5; c++)
			sqlite3_bind_text(st, c + 2, docs[d][c], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
	}
	for (size_t i = 0; i < NQUERIES; i++) {
		struct sz_query q;
		struct sz_buf m;
		if (queries[i].fts5 == NULL)
			continue;
		sz_buf_init(&m, 1u << 20);
		assert_int_equal(sz_query_parse(&q, queries[i].text,
			strlen(queries[i].text)), 0);
		assert_int_equal(sz_search_fts5(&q.search, &m), 0);
		unsigned found = fts5_found(db, (const char *)m.data);
		if (found != queries[i].matches)
			fail_msg("%s: FTS5 found %#x, not %#x", queries[i].text, found,
				queries[i].matches);
		sz_buf_free(&m);
		sz_query_free(&q);
	}
	sqlite3_close(db);
}

static PGresult *pg_exec(PGconn *pg, const char *sql, int n,
	const char *const *params)
{
	PGresult *r = n ? PQexecParams(pg, sql, n, NULL, params, NULL, NULL, 0) :
		PQexec(pg, sql);   /* a migration's statements, as they are */
	ExecStatusType s = PQresultStatus(r);
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(pg));
	return r;
}

/* A column's text as the back end indexes it. */
static char *indexed(const char *text)
{
	struct sz_buf b;
	sz_buf_init(&b, 4 * strlen(text) + 1);
	assert_int_equal(sz_search_tsvector_text(&b, text, strlen(text)), 0);
	assert_int_equal(sz_buf_append(&b, "", 1), 0);
	return (char *)b.data;
}

static void postgresql_finds_what_fts5_finds(void **state)
{
	(void)state;
	const char *conninfo = getenv("SAMIZDAT_TEST_PG");
	PGconn *pg = PQconnectdb(conninfo);
	if (PQstatus(pg) != CONNECTION_OK)
		fail_msg("cannot connect: %s", PQerrorMessage(pg));
	/* The configuration as a back end's migration makes it, and the
	 * documents, all rolled back at the end. */
	PQclear(pg_exec(pg, "SET client_min_messages = warning; BEGIN;"
		" CREATE EXTENSION IF NOT EXISTS unaccent;"
		" DROP TEXT SEARCH CONFIGURATION IF EXISTS " SZ_TSQUERY_CONFIG ";",
		0, NULL));
	PQclear(pg_exec(pg, SZ_TSQUERY_CONFIG_SQL, 0, NULL));
	PQclear(pg_exec(pg, "CREATE TEMPORARY TABLE d (id int, words tsvector,"
		" tags tsvector)", 0, NULL));
	for (size_t d = 0; d < NDOCS; d++) {
		char id[8], *cols[4];
		snprintf(id, sizeof(id), "%zu", d + 1);
		for (int c = 0; c < 4; c++)
			cols[c] = indexed(docs[d][c]);
		const char *p[6] = { id, cols[0], cols[1], cols[2], cols[3],
			docs[d][4] };
		PQclear(pg_exec(pg, "INSERT INTO d VALUES ($1::int,"
			" setweight(to_tsvector('" SZ_TSQUERY_CONFIG "', $2), 'A') ||"
			" setweight(to_tsvector('" SZ_TSQUERY_CONFIG "', $3), 'B') ||"
			" setweight(to_tsvector('" SZ_TSQUERY_CONFIG "', $4), 'C') ||"
			" setweight(to_tsvector('" SZ_TSQUERY_CONFIG "', $5), 'D'),"
			" to_tsvector('" SZ_TSQUERY_CONFIG "', $6))", 6, p));
		for (int c = 0; c < 4; c++)
			free(cols[c]);
	}
	for (size_t i = 0; i < NQUERIES; i++) {
		struct sz_query q;
		struct sz_tsquery t;
		if (queries[i].fts5 == NULL)
			continue;
		assert_int_equal(sz_query_parse(&q, queries[i].text,
			strlen(queries[i].text)), 0);
		assert_int_equal(sz_search_tsquery(&q.search, &t), 0);
		const char *p[2] = { t.words.len ? (const char *)t.words.data : "",
			t.tags.len ? (const char *)t.tags.data : "" };
		PGresult *r = pg_exec(pg, "SELECT id FROM d WHERE "
			SZ_TSQUERY_WHERE(SZ_TSQUERY_CONFIG), 2, p);
		unsigned found = 0;
		for (int row = 0; row < PQntuples(r); row++)
			found |= 1u << (atoi(PQgetvalue(r, row, 0)) - 1);
		PQclear(r);
		if (found != queries[i].matches)
			fail_msg("%s: PostgreSQL found %#x, not %#x (%s | %s)",
				queries[i].text, found, queries[i].matches, p[0], p[1]);
		sz_tsquery_free(&t);
		sz_query_free(&q);
	}
	PQclear(pg_exec(pg, "ROLLBACK", 0, NULL));
	PQfinish(pg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_query_compiles_to_fts5_as_before),
		cmocka_unit_test(each_query_compiles_to_a_tsquery),
		cmocka_unit_test(exclusions_alone_compile_for_a_store_filter),
		cmocka_unit_test(fts5_finds_the_documents_each_query_means),
		cmocka_unit_test(postgresql_finds_what_fts5_finds),
	};
	const char *pg = getenv("SAMIZDAT_TEST_PG");
	size_t n = sizeof(tests) / sizeof(tests[0]);
	if (pg == NULL || pg[0] == 0) {
		printf("# PostgreSQL not checked: SAMIZDAT_TEST_PG is not set\n");
		n--;
	}
	return _cmocka_run_group_tests("search_query", tests, n, NULL, NULL);
}
