/*
 * sqlite_archive_browse.c - what mirrors and browsing read from the
 * archive's SQLite back end: the change log (filled by triggers, see the
 * migrations in sqlite_archive.c), document ids in keyset batches, an
 * e-mail's indexed recipients, and the browse indexes: months, e-mails
 * of a month, senders and recipients with their counts (the last two
 * kept whole with each connection while the archive does not change).
 *
 * It writes nothing: the change log is written by the triggers alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sqlite_archive_internal.h"

int sz_archive_sqlite_changes(struct sz_archive *a, int64_t after,
	size_t limit, struct sz_archive_change *rows, size_t *n, int64_t *last,
	struct sz_err *err)
{
	sqlite3_stmt *st;
	*n = 0;
	*last = 0;
	struct sz_archive_reader *rd = sz_archive_read_begin(a, err);
	if (rd == NULL)
		return SZ_E_LIMIT;
	int rc = sz_archive_count_rows(rd->db,
		"SELECT ifnull(max(seq), 0) FROM changes", 0, last, err);
	if (rc == 0)
		rc = sz_sqlite_prepare(rd->db, "SELECT seq, release_id, doc_id"
			" FROM changes WHERE seq > ? ORDER BY seq LIMIT ?", &st, err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, after);
		sqlite3_bind_int64(st, 2, (int64_t)limit);
		int s;
		while (*n < limit && (s = sz_sqlite_step(st)) == SQLITE_ROW) {
			rows[*n].seq = sqlite3_column_int64(st, 0);
			rows[*n].release_id = sqlite3_column_int64(st, 1);
			rows[*n].doc_id = sqlite3_column_int64(st, 2);
			(*n)++;
		}
		sqlite3_finalize(st);
	}
	sz_archive_read_end(a, rd);
	return rc;
}

int sz_archive_sqlite_doc_ids(struct sz_archive *a, int64_t release_id,
	int64_t after, size_t limit, int64_t *ids, size_t *n,
	struct sz_err *err)
{
	sqlite3_stmt *st;
	*n = 0;
	struct sz_archive_reader *rd = sz_archive_read_begin(a, err);
	if (rd == NULL)
		return SZ_E_LIMIT;
	/* "+release_id": walk the ids in order and filter, so each batch
	 * starts where the last ended instead of sorting the release. */
	int rc = sz_sqlite_prepare(rd->db, release_id ?
		"SELECT id FROM documents WHERE id > ?1 AND +release_id = ?3"
		" ORDER BY id LIMIT ?2" :
		"SELECT id FROM documents WHERE id > ?1 ORDER BY id LIMIT ?2",
		&st, err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, after);
		sqlite3_bind_int64(st, 2, (int64_t)limit);
		if (release_id)
			sqlite3_bind_int64(st, 3, release_id);
		while (*n < limit && sz_sqlite_step(st) == SQLITE_ROW)
			ids[(*n)++] = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sz_archive_read_end(a, rd);
	return rc;
}

/* Up to limit (key, count) rows of a prepared statement. */
static int count_collect(sqlite3_stmt *st, size_t limit,
	struct sz_count_row **rows, size_t *n, struct sz_err *err)
{
	/* Grown as rows come, as sz_archive_collect's: an e-mail's few
	 * recipients must not cost zeroing room for RECIPIENTS_MAX. */
	size_t cap;
	void *all = sz_archive_rows_alloc(limit, sizeof(**rows), &cap);
	*rows = all;
	*n = 0;
	if (all == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	while (*n < limit && sz_sqlite_step(st) == SQLITE_ROW) {
		struct sz_count_row *row = sz_archive_row_next(&all, &cap, *n,
			limit, sizeof(**rows));
		*rows = all;
		if (row == NULL)
			return sz_err_set(err, SZ_E_NOMEM, "out of memory");
		sz_sqlite_text(row->key, sizeof(row->key), st, 0);
		row->count = sqlite3_column_int64(st, 1);
		(*n)++;
	}
	return 0;
}

#define RECIPIENTS_MAX (SZ_ARCHIVE_PAGE_MAX * 10)

int sz_archive_sqlite_doc_recipients(struct sz_archive *a, int64_t id,
	struct sz_count_row **rows, size_t *n, struct sz_err *err)
{
	sqlite3_stmt *st;
	*rows = NULL;
	*n = 0;
	struct sz_archive_reader *rd = sz_archive_read_begin(a, err);
	if (rd == NULL)
		return SZ_E_LIMIT;
	static const char sql[] = "SELECT addr, count(*) FROM recipients"
		" WHERE doc_id = ? GROUP BY addr ORDER BY addr LIMIT ?";
	int rc = sz_archive_stmt(rd->stmts, rd->db, sql, &st, err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, RECIPIENTS_MAX);
		rc = count_collect(st, RECIPIENTS_MAX, rows, n, err);
		sz_archive_stmt_done(rd->stmts, st);
	}
	sz_archive_read_end(a, rd);
	return rc;
}

/* A counted list: count_sql gives the total, rows_sql the rows, both
 * with :d (drafts); rows_sql also :l and :o. */
static int count_page(struct sz_archive *a, const char *count_sql,
	const char *rows_sql, bool drafts, size_t offset, size_t limit,
	struct sz_count_row **rows, size_t *n, int64_t *total,
	struct sz_err *err)
{
	sqlite3_stmt *st;
	*rows = NULL;
	*n = 0;
	*total = 0;
	if (limit > SZ_ARCHIVE_PAGE_MAX)
		limit = SZ_ARCHIVE_PAGE_MAX;
	struct sz_archive_reader *rd = sz_archive_read_begin(a, err);
	if (rd == NULL)
		return SZ_E_LIMIT;
	/* the callers' SQL texts are literals: kept prepared */
	int rc = sz_archive_stmt(rd->stmts, rd->db, count_sql, &st, err);
	if (rc == 0) {
		sqlite3_bind_int(st, 1, drafts);
		if (sz_sqlite_step(st) == SQLITE_ROW)
			*total = sqlite3_column_int64(st, 0);
		sz_archive_stmt_done(rd->stmts, st);
		rc = sz_archive_stmt(rd->stmts, rd->db, rows_sql, &st, err);
	}
	if (rc == 0) {
		sqlite3_bind_int(st, 1, drafts);
		sqlite3_bind_int64(st, 2, (int64_t)limit);
		sqlite3_bind_int64(st, 3, (int64_t)offset);
		rc = count_collect(st, limit, rows, n, err);
		sz_archive_stmt_done(rd->stmts, st);
	}
	sz_archive_read_end(a, rd);
	return rc;
}

#define MONTH_OF "strftime('%Y-%m', e.date, 'unixepoch')"
#define VISIBLE_EMAILS " FROM emails e JOIN releases r ON r.id = e.release_id" \
	" WHERE e.date > 0 AND (r.state = 1 OR ?1)"

int sz_archive_sqlite_months(struct sz_archive *a, bool drafts,
	size_t offset, size_t limit, struct sz_count_row **rows, size_t *n,
	int64_t *total, struct sz_err *err)
{
	return count_page(a, "SELECT count(DISTINCT " MONTH_OF ")"
		VISIBLE_EMAILS, "SELECT " MONTH_OF " AS m, count(*)" VISIBLE_EMAILS
		" GROUP BY m ORDER BY m DESC LIMIT ?2 OFFSET ?3", drafts, offset,
		limit, rows, n, total, err);
}

bool sz_archive_month_range(const char *month, int64_t *start, int64_t *end)
{
	int y, m;
	char tail;
	if (month == NULL || strlen(month) != 7 ||
	    sscanf(month, "%4d-%2d%c", &y, &m, &tail) != 2 || y < 1970 ||
	    y > 9999 || m < 1 || m > 12 || month[4] != '-')
		return false;
	struct tm a = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = 1 };
	struct tm b = { .tm_year = (m == 12 ? y + 1 : y) - 1900,
		.tm_mon = m % 12, .tm_mday = 1 };
	*start = (int64_t)timegm(&a);
	*end = (int64_t)timegm(&b);
	return true;
}

int sz_archive_sqlite_by_month(struct sz_archive *a, const char *month,
	bool drafts, size_t offset, size_t limit, struct sz_doc_row **rows,
	size_t *n, int64_t *total, struct sz_err *err)
{
	sqlite3_stmt *st;
	int64_t start, end;
	*rows = NULL;
	*n = 0;
	*total = 0;
	if (!sz_archive_month_range(month, &start, &end))
		return sz_err_set(err, SZ_E_NOT_FOUND, "no such month");
	if (limit > SZ_ARCHIVE_PAGE_MAX)
		limit = SZ_ARCHIVE_PAGE_MAX;
	struct sz_archive_reader *rd = sz_archive_read_begin(a, err);
	if (rd == NULL)
		return SZ_E_LIMIT;
	static const char count_sql[] = "SELECT count(*) FROM emails e"
		" JOIN releases r ON r.id = e.release_id WHERE e.date >= ?1 AND"
		" e.date < ?2 AND (r.state = 1 OR ?3)";
	/* By e.doc_id (d.id: the same order), which emails_date holds
	 * after each date: no sort of the whole month for each page. */
	static const char rows_sql[] = "SELECT " DOC_COLS DOC_FROM
		" WHERE e.date >= ?1 AND e.date < ?2 AND (r.state = 1 OR ?3)"
		" ORDER BY e.date, e.doc_id LIMIT ?4 OFFSET ?5";
	int rc = sz_archive_stmt(rd->stmts, rd->db, count_sql, &st, err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, start);
		sqlite3_bind_int64(st, 2, end);
		sqlite3_bind_int(st, 3, drafts);
		if (sz_sqlite_step(st) == SQLITE_ROW)
			*total = sqlite3_column_int64(st, 0);
		sz_archive_stmt_done(rd->stmts, st);
		rc = sz_archive_stmt(rd->stmts, rd->db, rows_sql, &st, err);
	}
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, start);
		sqlite3_bind_int64(st, 2, end);
		sqlite3_bind_int(st, 3, drafts);
		sqlite3_bind_int64(st, 4, (int64_t)limit);
		sqlite3_bind_int64(st, 5, (int64_t)offset);
		rc = sz_archive_collect(st, limit, rows, n, err);
		sz_archive_stmt_done(rd->stmts, st);
	}
	sz_archive_read_end(a, rd);
	return rc;
}

/* The whole index in c, read with st (its ?2/?3 bound to all rows); on
 * failure or when it is larger than SZ_ARCHIVE_COUNTS_BYTES, c stays
 * invalid and the caller reads its page from SQL. */
static void counts_load(struct sz_archive_counts *c, sqlite3_stmt *st,
	bool drafts, int64_t version)
{
	size_t cap = 0, used = 0, room = 0;
	sz_archive_counts_free(c);
	sqlite3_bind_int(st, 1, drafts);
	sqlite3_bind_int64(st, 2, -1);
	sqlite3_bind_int64(st, 3, 0);
	int s;
	while ((s = sz_sqlite_step(st)) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		size_t len = k ? strlen(k) : 0;
		if (len > SZ_ARCHIVE_NAME_MAX)
			len = SZ_ARCHIVE_NAME_MAX;
		if (used + len + 1 > room || c->n == cap) {
			size_t nroom = room ? room * 2 : 64u << 10;
			size_t ncap = cap ? cap * 2 : 1024;
			if (nroom + ncap * (sizeof(size_t) + sizeof(int64_t)) >
			    SZ_ARCHIVE_COUNTS_BYTES)
				break;
			char *nk = realloc(c->keys, nroom);
			if (nk != NULL)
				c->keys = nk;
			size_t *na = nk ? realloc(c->at, ncap * sizeof(*na)) : NULL;
			if (na != NULL)
				c->at = na;
			int64_t *nc = na ? realloc(c->count, ncap * sizeof(*nc)) : NULL;
			if (nc == NULL)
				break;
			c->count = nc;
			room = nroom;
			cap = ncap;
		}
		memcpy(c->keys + used, k ? k : "", len);
		c->keys[used + len] = 0;
		c->at[c->n] = used;
		c->count[c->n++] = sqlite3_column_int64(st, 1);
		used += len + 1;
	}
	if (s != SQLITE_DONE) {
		sz_archive_counts_free(c);
		return;
	}
	c->valid = true;
	c->drafts = drafts;
	c->version = version;
}

int64_t sz_archive_data_version(struct sz_archive_reader *rd)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sz_archive_stmt(rd->stmts, rd->db, "PRAGMA data_version", &st,
	    NULL) != 0)
		return -1;
	if (sz_sqlite_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sz_archive_stmt_done(rd->stmts, st);
	return v;
}

/* A page of an address index: from the kept copy when the connection
 * has one of this state of the archive (taken for a page after the
 * first), else counted by SQL. */
static int address_page(struct sz_archive *a, int which, const char *count_sql,
	const char *rows_sql, bool drafts, size_t offset, size_t limit,
	struct sz_count_row **rows, size_t *n, int64_t *total,
	struct sz_err *err)
{
	*rows = NULL;
	*n = 0;
	*total = 0;
	if (limit > SZ_ARCHIVE_PAGE_MAX)
		limit = SZ_ARCHIVE_PAGE_MAX;
	struct sz_archive_reader *rd = sz_archive_read_begin(a, err);
	if (rd == NULL)
		return SZ_E_LIMIT;
	/* the writer's own commits do not move its data_version */
	struct sz_archive_counts *c = rd->writer ? NULL :
		&rd->stmts->counts[which];
	int64_t v = c ? sz_archive_data_version(rd) : -1;
	/* The first page is two index reads in SQL (the browse page asks
	 * for it only for the total): the whole index is kept when a
	 * later page is asked for, that is, when someone walks through it. */
	if (c != NULL && v >= 0 && offset > 0 && (!c->valid ||
	    c->version != v || c->drafts != drafts)) {
		sqlite3_stmt *st;
		if (sz_archive_stmt(rd->stmts, rd->db, rows_sql, &st, NULL) == 0) {
			counts_load(c, st, drafts, v);
			sz_archive_stmt_done(rd->stmts, st);
		}
	}
	int rc = 0;
	if (c != NULL && v >= 0 && c->valid && c->version == v &&
	    c->drafts == drafts) {
		*total = (int64_t)c->n;
		*rows = calloc(limit ? limit : 1, sizeof(**rows));
		if (*rows == NULL)
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		for (size_t i = offset; rc == 0 && i < c->n && *n < limit; i++) {
			snprintf((*rows)[*n].key, sizeof((*rows)[*n].key), "%s",
				c->keys + c->at[i]);
			(*rows)[(*n)++].count = c->count[i];
		}
		sz_archive_read_end(a, rd);
		return rc;
	}
	sz_archive_read_end(a, rd);
	return count_page(a, count_sql, rows_sql, drafts, offset, limit, rows,
		n, total, err);
}

int sz_archive_sqlite_addresses(struct sz_archive *a, const char *role,
	bool drafts, size_t offset, size_t limit, struct sz_count_row **rows,
	size_t *n, int64_t *total, struct sz_err *err)
{
	if (strcmp(role, "from") == 0)
		return address_page(a, 0, "SELECT count(DISTINCT e.from_addr) FROM"
			" emails e JOIN releases r ON r.id = e.release_id WHERE"
			" e.from_addr != '' AND (r.state = 1 OR ?1)",
			"SELECT e.from_addr, count(*) FROM emails e JOIN releases r ON"
			" r.id = e.release_id WHERE e.from_addr != '' AND"
			" (r.state = 1 OR ?1) GROUP BY e.from_addr ORDER BY e.from_addr"
			" LIMIT ?2 OFFSET ?3", drafts, offset, limit, rows, n, total,
			err);
	return address_page(a, 1, "SELECT count(DISTINCT c.addr) FROM recipients c"
		" JOIN documents d ON d.id = c.doc_id JOIN releases r ON"
		" r.id = d.release_id WHERE (r.state = 1 OR ?1)",
		"SELECT c.addr, count(DISTINCT c.doc_id) FROM recipients c"
		" JOIN documents d ON d.id = c.doc_id JOIN releases r ON"
		" r.id = d.release_id WHERE (r.state = 1 OR ?1) GROUP BY c.addr"
		" ORDER BY c.addr LIMIT ?2 OFFSET ?3", drafts, offset, limit, rows,
		n, total, err);
}
