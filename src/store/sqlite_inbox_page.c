/*
 * sqlite_inbox_page.c - the inbox a page at a time, its counts, and one
 * source by id: every statement here is an index lookup, so the editor's
 * pages cost the same at a thousand sources or a million.
 *
 * A page past a key is two index ranges merged: the rest of the key's day
 * (last_day = ? AND id < ?), then the days before it; SQLite would scan
 * a whole crowded day for the single row-value comparison.  The indexes
 * cover every column a page shows, so a page never reads the table (at
 * 100,000 sources that was two thirds of its cost).  A typed
 * designation narrows to its own index (a handful of rows) first.
 * Counts come from inbox_totals, which triggers keep (sqlite.c, migration
 * 4), or for an editor on desks from desk_totals (migration 6); nothing
 * here walks rows in C or counts a whole table.  An editor's pages hold
 * only the sources its desks may read (store.h).
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_internal.h"

/* every column the indexes of migration 4 cover: a page never reads the
 * table itself */
#define COLS "id, designation, last_day, submissions, unread, starred, desk"
#define SQL_MAX 2048
/* the desks ?6, an editor, may read: none (0) and its own */
#define READABLE "SELECT 0 UNION ALL SELECT m.desk_id FROM desk_editors m " \
	"JOIN editors e ON e.id = m.editor_id WHERE e.name = ?6"

static const char *const view_sql[] = {
	[SZ_INBOX_ALL] = "",
	[SZ_INBOX_UNREAD] = " AND unread > 0",
	[SZ_INBOX_STARRED] = " AND starred <> 0",
};

/* The SELECT for the rows from the top (FIRST) or past ?1/?2 going
 * `from`, in that direction's order, at most ?5 of them; ?3/?4 bound
 * the designation; ?6 is the editor whose desks bound them. */
static void page_sql(char sql[SQL_MAX], const struct sz_inbox_query *q,
	enum sz_inbox_from from)
{
	char view[256];
	snprintf(view, sizeof(view), "%s%s", view_sql[q->view], q->editor ?
		" AND desk IN (" READABLE ")" : "");
	const char *order = from == SZ_INBOX_NEWER ? "last_day, id" :
		"last_day DESC, id DESC";
	char cmp = from == SZ_INBOX_NEWER ? '>' : '<';
	if (q->by_designation)
		snprintf(sql, SQL_MAX, "SELECT " COLS " FROM sources INDEXED BY "
			"sources_designation WHERE submissions > 0%s AND "
			"designation BETWEEN ?3 AND ?4%s ORDER BY %s LIMIT ?5",
			view, from == SZ_INBOX_FIRST ? "" : cmp == '<' ?
			" AND (last_day, id) < (?1, ?2)" :
			" AND (last_day, id) > (?1, ?2)", order);
	else if (from == SZ_INBOX_FIRST)
		snprintf(sql, SQL_MAX, "SELECT " COLS " FROM sources WHERE "
			"submissions > 0%s ORDER BY %s LIMIT ?5", view, order);
	else
		snprintf(sql, SQL_MAX, "SELECT " COLS " FROM sources WHERE "
			"submissions > 0%s AND last_day = ?1 AND id %c ?2 "
			"UNION ALL SELECT " COLS " FROM sources WHERE "
			"submissions > 0%s AND last_day %c ?1 ORDER BY %s "
			"LIMIT ?5", view, cmp, view, cmp, order);
}

static void read_source(sqlite3_stmt *st, void *out)
{
	struct sz_source_row *row = out;
	memset(row, 0, sizeof(*row));
	row->id = sqlite3_column_int64(st, 0);
	row->designation = (uint32_t)sqlite3_column_int64(st, 1);
	sz_sqlite_text(row->last_day, sizeof(row->last_day), st, 2);
	row->submissions = sqlite3_column_int64(st, 3);
	row->unread = sqlite3_column_int64(st, 4);
	row->starred = sqlite3_column_int(st, 5) != 0;
	row->desk = sqlite3_column_int64(st, 6);
}

/* Runs one page query; up to cap rows into rows (if not NULL), and
 * whether there were more than cap. */
static int run_page(sqlite3 *db, const struct sz_inbox_query *q,
	enum sz_inbox_from from, struct sz_source_row *rows, size_t cap,
	size_t *n, bool *more, struct sz_err *err)
{
	char sql[SQL_MAX];
	sqlite3_stmt *st = NULL;
	int r = SQLITE_DONE;
	*n = 0;
	*more = false;
	page_sql(sql, q, from);
	int rc = sz_sqlite_prepare(db, sql, &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_text(st, 1, q->key.day, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, q->key.id);
		sqlite3_bind_int64(st, 3, q->designation_lo);
		sqlite3_bind_int64(st, 4, q->designation_hi);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)cap + 1);
		if (q->editor != NULL)
			sqlite3_bind_text(st, 6, q->editor, -1, SQLITE_STATIC);
	}
	while (rc == SZ_OK && (r = sz_sqlite_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			*more = true;
			break;
		}
		if (rows != NULL)
			read_source(st, &rows[*n]);
		(*n)++;
	}
	if (rc == SZ_OK && r != SQLITE_DONE && r != SQLITE_ROW)
		rc = sz_sqlite_error(db, err, "reading the inbox");
	sqlite3_finalize(st);
	return rc;
}

/* Runs SQL that yields one row of integers into out[0..n); ?3/?4 are
 * q's designations, ?6 the editor. */
static int integers(sqlite3 *db, const char *sql,
	const struct sz_inbox_query *q, const char *editor, int64_t *out,
	int n, struct sz_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sz_sqlite_prepare(db, sql, &st, err);
	if (rc == SZ_OK && q != NULL) {
		sqlite3_bind_int64(st, 3, q->designation_lo);
		sqlite3_bind_int64(st, 4, q->designation_hi);
	}
	if (rc == SZ_OK && editor != NULL)
		sqlite3_bind_text(st, 6, editor, -1, SQLITE_STATIC);
	if (rc == SZ_OK) {
		if (sz_sqlite_step(st) == SQLITE_ROW)
			for (int i = 0; i < n; i++)
				out[i] = sqlite3_column_int64(st, i);
		else
			rc = sz_sqlite_error(db, err, "counting the inbox");
	}
	sqlite3_finalize(st);
	return rc;
}

/* The counts of everything, or of what editor may read (desk_totals). */
static int totals(sqlite3 *db, const char *editor, struct sz_inbox_counts *c,
	struct sz_err *err)
{
	int64_t v[4] = { 0 };
	int rc = integers(db, editor == NULL ? "SELECT sources, "
		"unread_sources, starred, unread_items FROM inbox_totals" :
		"SELECT coalesce(sum(sources), 0), coalesce(sum(unread_sources), "
		"0), coalesce(sum(starred), 0), coalesce(sum(unread_items), 0) "
		"FROM desk_totals WHERE desk IN (" READABLE ")", NULL, editor, v,
		4, err);
	c->sources = v[0];
	c->unread_sources = v[1];
	c->starred_sources = v[2];
	c->unread_items = v[3];
	return rc;
}

/* How many sources the query's view and designation match. */
static int matching(sqlite3 *db, const struct sz_inbox_query *q,
	int64_t *out, struct sz_err *err)
{
	if (q->by_designation) {
		char sql[SQL_MAX];
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM sources "
			"INDEXED BY sources_designation WHERE submissions > 0%s "
			"AND designation BETWEEN ?3 AND ?4%s", view_sql[q->view],
			q->editor ? " AND desk IN (" READABLE ")" : "");
		return integers(db, sql, q, q->editor, out, 1, err);
	}
	struct sz_inbox_counts c;
	int rc = totals(db, q->editor, &c, err);
	*out = q->view == SZ_INBOX_UNREAD ? c.unread_sources :
		q->view == SZ_INBOX_STARRED ? c.starred_sources : c.sources;
	return rc;
}

int sz_sqlite_inbox_page(struct sz_store *s, const struct sz_inbox_query *q,
	struct sz_inbox_page *page, struct sz_err *err)
{
	struct sqlite_store *sq = sz_sqlite_impl(s);
	size_t unused;
	bool more = false, beyond = false;
	page->n = 0;
	page->older = page->newer = false;
	page->matching = 0;
	if (page->limit == 0 || page->limit > SZ_INBOX_PAGE_MAX ||
	    (unsigned)q->view > SZ_INBOX_STARRED ||
	    (unsigned)q->from > SZ_INBOX_NEWER)
		return sz_err_set(err, SZ_E_INVAL, "an inbox page of %zu rows "
			"cannot be read", page->limit);
	pthread_mutex_lock(&sq->mu);
	/* one read transaction: the rows and the counts agree */
	int rc = sz_sqlite_exec(sq->db, "BEGIN", err, "reading the inbox");
	if (rc != SZ_OK)
		goto out;
	rc = run_page(sq->db, q, q->from, page->rows, page->limit, &page->n,
		&more, err);
	/* is there anything on the other side of the key? */
	if (rc == SZ_OK && q->from != SZ_INBOX_FIRST)
		rc = run_page(sq->db, q, q->from == SZ_INBOX_OLDER ?
			SZ_INBOX_NEWER : SZ_INBOX_OLDER, NULL, 0, &unused,
			&beyond, err);
	if (rc == SZ_OK)
		rc = matching(sq->db, q, &page->matching, err);
	sqlite3_exec(sq->db, "COMMIT", NULL, NULL, NULL);
	if (rc == SZ_OK && q->from == SZ_INBOX_NEWER) {
		/* read going newer; shown newest first */
		for (size_t i = 0; i < page->n / 2; i++) {
			struct sz_source_row t = page->rows[i];
			page->rows[i] = page->rows[page->n - 1 - i];
			page->rows[page->n - 1 - i] = t;
		}
		page->newer = more;
		page->older = beyond;
	} else if (rc == SZ_OK) {
		page->older = more;
		page->newer = beyond;
	}
out:
	pthread_mutex_unlock(&sq->mu);
	if (rc != SZ_OK)
		page->n = 0;
	return rc;
}

int sz_sqlite_inbox_counts(struct sz_store *s, const char *editor,
	struct sz_inbox_counts *c, struct sz_err *err)
{
	struct sqlite_store *sq = sz_sqlite_impl(s);
	memset(c, 0, sizeof(*c));
	pthread_mutex_lock(&sq->mu);
	int rc = totals(sq->db, editor, c, err);
	pthread_mutex_unlock(&sq->mu);
	return rc;
}

int sz_sqlite_source_get(struct sz_store *s, int64_t id,
	struct sz_source_row *row, struct sz_err *err)
{
	memset(row, 0, sizeof(*row));
	return sz_sqlite_row_by_id(s, "SELECT " COLS " FROM sources WHERE "
		"id = ?", id, read_source, row, "source", err);
}
