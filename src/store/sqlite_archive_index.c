/*
 * sqlite_archive_index.c - a document's row of the archive's FTS5 index,
 * written at once outside an import and in batches inside one.
 *
 * Why batches: SQLite opens a statement savepoint for every write that
 * may need undoing alone (an insert under a trigger, an update), and
 * FTS5 answers each savepoint by writing out the terms it holds in
 * memory.  Inside an import, where every message writes its document,
 * e-mail and raw-form rows after its index row, that wrote one tiny
 * index segment per message and merged them again and again: more than
 * half of an import's time.  So an import's index rows wait in a
 * temporary table (in the import's transaction: a rollback drops them
 * with the rest) and enter the index SZ_ARCHIVE_INDEX_BATCH at a time,
 * in one statement, and whatever waits enters before the commit and
 * before anything reads the index or removes from it inside the import.
 *
 * It deliberately does not change what is indexed (the same columns,
 * the same text) nor what a search finds once the import commits.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_archive_internal.h"

static const char SQL_INDEX_ADD[] = "INSERT INTO fts (rowid, title, body,"
	" sender, recipients, tags) VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_PENDING_ADD[] = "INSERT INTO temp.fts_pending (rowid,"
	" title, body, sender, recipients, tags) VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_PENDING_FLUSH[] = "INSERT INTO fts (rowid, title,"
	" body, sender, recipients, tags) SELECT rowid, title, body, sender,"
	" recipients, tags FROM temp.fts_pending ORDER BY rowid";
static const char SQL_PENDING_CLEAR[] = "DELETE FROM temp.fts_pending";

int sz_archive_index_begin(struct sz_archive *a, struct sz_err *err)
{
	impl(a)->fts_pending = 0;
	return sz_sqlite_exec(impl(a)->db, "CREATE TEMP TABLE IF NOT EXISTS"
		" fts_pending (rowid INTEGER PRIMARY KEY, title TEXT, body TEXT,"
		" sender TEXT, recipients TEXT, tags TEXT)", err,
		"starting an import");
}

/* Runs one kept statement without parameters. */
static int run(struct sz_archive *a, const char *sql, const char *what,
	struct sz_err *err)
{
	sqlite3_stmt *st;
	int rc = sz_archive_stmt(&impl(a)->wstmts, impl(a)->db, sql, &st, err);
	if (rc != 0)
		return rc;
	if (sz_sqlite_step(st) != SQLITE_DONE)
		rc = sz_sqlite_error(impl(a)->db, err, what);
	sz_archive_stmt_done(&impl(a)->wstmts, st);
	return rc;
}

int sz_archive_index_flush(struct sz_archive *a, struct sz_err *err)
{
	if (impl(a)->fts_pending == 0)
		return 0;
	int rc = run(a, SQL_PENDING_FLUSH, "indexing the import", err);
	if (rc == 0)
		rc = run(a, SQL_PENDING_CLEAR, "indexing the import", err);
	if (rc == 0)
		impl(a)->fts_pending = 0;
	return rc;
}

void sz_archive_index_forget(struct sz_archive *a)
{
	/* The rows went with the transaction's rollback. */
	impl(a)->fts_pending = 0;
}

int sz_archive_index_add(struct sz_archive *a, int64_t id,
	const struct sz_doc_row *d, const char *text, size_t text_len,
	struct sz_err *err)
{
	struct sqlite_archive *q = impl(a);
	bool batch = sz_archive_in_own_tx(a);
	char sender[2 * SZ_ARCHIVE_NAME_MAX + 4];
	struct sz_buf rcpt, tags;
	sqlite3_stmt *st = NULL;
	snprintf(sender, sizeof(sender), "%s %s", d->from_name, d->from_addr);
	const char *to = d->to ? d->to : "", *cc = d->cc ? d->cc : "";
	sz_buf_init(&rcpt, strlen(to) + strlen(cc) + 2);
	sz_buf_init(&tags, 64u << 10);
	int rc = sz_buf_puts(&rcpt, to) != 0 || sz_buf_puts(&rcpt, " ") != 0 ||
		sz_buf_puts(&rcpt, cc) != 0 || sz_archive_tags(d, &tags) != 0 ?
		sz_err_set(err, SZ_E_LIMIT, "too many addresses") : 0;
	if (rc == 0)
		rc = sz_archive_stmt(&q->wstmts, q->db, batch ? SQL_PENDING_ADD :
			SQL_INDEX_ADD, &st, err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, d->title, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, text ? text : "", (int)text_len,
			SQLITE_STATIC);
		sqlite3_bind_text(st, 4, sender, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, rcpt.data ? (const char *)rcpt.data : "",
			(int)rcpt.len, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, tags.data ? (const char *)tags.data : "",
			(int)tags.len, SQLITE_STATIC);
		if (sz_sqlite_step(st) != SQLITE_DONE)
			rc = sz_sqlite_error(q->db, err, "indexing a document");
		sz_archive_stmt_done(&q->wstmts, st);
	}
	sz_buf_free(&rcpt);
	sz_buf_free(&tags);
	if (rc == 0 && batch && ++q->fts_pending >= SZ_ARCHIVE_INDEX_BATCH)
		rc = sz_archive_index_flush(a, err);
	return rc;
}
