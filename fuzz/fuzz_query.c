/*
 * fuzz_query.c - the search parser and the FTS5 compiler on arbitrary
 * text: whatever a reader types, what comes out is either an error with
 * advice or an FTS5 expression that SQLite accepts (it is run against a
 * real FTS5 table).  fuzz_search.c checks the structure and the tsquery.
 */
#include <assert.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "search/query.h"
#include "fuzz.h"

static sqlite3 *db;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (db == NULL) {
		assert(sqlite3_open(":memory:", &db) == SQLITE_OK);
		/* The archive's own columns (store/sqlite_archive.c). */
		assert(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(title,"
			" body, sender, recipients, tags,"
			" tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');"
			"INSERT INTO t VALUES ('bridge contract', 'double payment',"
			" 'anna example', 'press example', 'ztemail zr1 zy2024');",
			NULL, NULL, NULL) == SQLITE_OK);
	}
	struct sz_query q;
	struct sz_buf m;
	sz_buf_init(&m, 1u << 20);
	int rc = sz_query_parse(&q, (const char *)data, size);
	if (rc != 0) {
		assert(q.error[0] != 0);
	} else if (sz_query_archive(&q)) {
		assert(sz_search_fts5(&q.search, &m) == 0 && m.len > 0);
		sqlite3_stmt *st;
		assert(sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?",
			-1, &st, NULL) == SQLITE_OK);
		sqlite3_bind_text(st, 1, (const char *)m.data, (int)m.len,
			SQLITE_STATIC);
		int s = sqlite3_step(st);
		if (s != SQLITE_ROW)
			fprintf(stderr, "FTS5 refused: %s\n", (const char *)m.data);
		assert(s == SQLITE_ROW);
		sqlite3_finalize(st);
	}
	sz_buf_free(&m);
	sz_query_free(&q);
	return 0;
}
