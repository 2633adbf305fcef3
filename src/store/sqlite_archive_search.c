/*
 * sqlite_archive_search.c - searching the archive: the reader's FTS5
 * expression (drafts excluded by their release's tag), a count from the
 * index's doclists, a page ranked by BM25 (newest first past
 * SZ_ARCHIVE_RANK_MAX matches), snippets as text with the matches
 * between the markers of store/search.h (never HTML: the web escapes), and
 * facets by release and type (up to SZ_ARCHIVE_FACET_MAX matches).
 * At most SZ_ARCHIVE_SEARCHES run at once, each on a read connection of
 * its own and within the query's time budget: an expensive search is cut
 * off with advice instead of holding the archive.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_archive_internal.h"

/* A page of results in the order asked for: ranked or sorted by date
 * (an e-mail's own, else its release's) when there are few enough
 * matches to order them all; otherwise by when they were added. */
static const char *page_sql(enum sz_archive_order order, bool few)
{
_Static_assert(SZ_SEARCH_MARK_START == '\x02' && SZ_SEARCH_MARK_END == '\x03',
	"snippet() below marks matches with char(2) and char(3)");
#define HIT "SELECT fts.rowid, snippet(fts, 1, char(2), char(3), '…', 24)"
#define BY_DATE HIT " FROM fts CROSS JOIN documents d ON d.id = fts.rowid" \
	" JOIN releases r ON r.id = d.release_id LEFT JOIN emails e" \
	" ON e.doc_id = d.id WHERE fts MATCH ?1 ORDER BY" \
	" coalesce(nullif(e.date, 0), unixepoch(r.day))"
	static const char *const sql[3][2] = {
		[SZ_ORDER_RELEVANCE] = {
			HIT " FROM fts WHERE fts MATCH ?1 ORDER BY rowid DESC"
			" LIMIT ?2 OFFSET ?3",
			HIT " FROM fts WHERE fts MATCH ?1 ORDER BY"
			" bm25(fts, 10.0, 1.0, 3.0, 2.0, 0.0) LIMIT ?2 OFFSET ?3" },
		[SZ_ORDER_NEWEST] = {
			HIT " FROM fts WHERE fts MATCH ?1 ORDER BY rowid DESC"
			" LIMIT ?2 OFFSET ?3",
			BY_DATE " DESC, d.id DESC LIMIT ?2 OFFSET ?3" },
		[SZ_ORDER_OLDEST] = {
			HIT " FROM fts WHERE fts MATCH ?1 ORDER BY rowid"
			" LIMIT ?2 OFFSET ?3",
			BY_DATE ", d.id LIMIT ?2 OFFSET ?3" },
	};
#undef BY_DATE
#undef HIT
	return sql[order <= SZ_ORDER_OLDEST ? order : 0][few];
}

/* The reader's search as FTS5, minus drafts unless they are wanted: draft
 * releases are few, so excluding their tags is cheap. */
static int full_expression(sqlite3 *db, const struct sz_archive_query *q,
	struct sz_buf *expr, struct sz_err *err)
{
	sqlite3_stmt *st;
	int rc = sz_buf_puts(expr, "(");
	if (rc == 0)
		rc = sz_search_fts5(q->search, expr);
	if (rc == 0)
		rc = sz_buf_puts(expr, ")");
	if (rc != 0 || q->drafts)
		return rc ? sz_err_set(err, SZ_E_LIMIT, "the search is too long") : 0;
	if ((rc = sz_sqlite_prepare(db, "SELECT id FROM releases WHERE state = 0",
	    &st, err)) != 0)
		return rc;
	bool first = true;
	while (rc == 0 && sz_sqlite_step(st) == SQLITE_ROW) {
		rc = sz_buf_printf(expr, "%s\"zr%lld\"", first ?
			" NOT tags : (" : " OR ", (long long)sqlite3_column_int64(st, 0));
		first = false;
	}
	sqlite3_finalize(st);
	if (rc == 0 && !first)
		rc = sz_buf_puts(expr, ")");
	return rc ? sz_err_set(err, SZ_E_LIMIT, "the search is too long") : 0;
}

/* A search slot, waiting at most the query's own budget for one. */
static bool search_slot(struct sqlite_archive *q, unsigned ms)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms ? ms / 1000 + 1 : SZ_ARCHIVE_READER_WAIT_S;
	int rc;
	while ((rc = sem_clockwait(&q->searches, CLOCK_MONOTONIC, &until)) != 0 &&
	    errno == EINTR)
		;
	return rc == 0;
}

/* What a step that did not finish means for the reader. */
static int step_failed(sqlite3 *db, int s, struct sz_err *err)
{
	if (s == SQLITE_INTERRUPT)
		return sz_search_too_slow(err);
	return sz_sqlite_error(db, err, "searching");
}

int sz_archive_sqlite_search(struct sz_archive *a,
	const struct sz_archive_query *q, size_t offset, size_t limit,
	struct sz_search_result *res, struct sz_err *err)
{
	sqlite3_stmt *st = NULL, *get = NULL;
	struct sz_buf expr;
	memset(res, 0, sizeof(*res));
	if (limit > SZ_ARCHIVE_PAGE_MAX)
		limit = SZ_ARCHIVE_PAGE_MAX;
	if (q->search == NULL)
		return 0;
	if (!search_slot(impl(a), q->time_ms))
		return sz_search_busy(err);
	struct sz_archive_reader *r = sz_archive_read_begin(a, err);
	if (r == NULL) {
		sem_post(&impl(a)->searches);
		return SZ_E_LIMIT;
	}
	sqlite3 *db = r->db;
	sz_buf_init(&expr, 1u << 20);
	sz_archive_read_budget(r, q->time_ms);
	int rc = full_expression(db, q, &expr, err), s;
	if (rc != 0)
		goto out;
	const char *m = (const char *)expr.data;
	res->hits = calloc(limit ? limit : 1, sizeof(*res->hits));
	if (res->hits == NULL) {
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		goto out;
	}
	/* The count comes from the index alone (its doclists). */
	if ((rc = sz_sqlite_prepare(db, "SELECT count(*) FROM fts WHERE fts"
	    " MATCH ?", &st, err)) != 0)
		goto out;
	sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
	if ((s = sz_sqlite_step(st)) != SQLITE_ROW) {
		rc = step_failed(db, s, err);
		goto out;
	}
	res->total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (res->total == 0 || q->count_only)
		goto out;
	/* Ranked by BM25 (the title weighs most) or ordered by date up to
	 * SZ_ARCHIVE_RANK_MAX matches; past that, newest (or oldest) added
	 * first: ranking and sorting cost per match. */
	res->ranked = res->total <= SZ_ARCHIVE_RANK_MAX;
	if ((rc = sz_sqlite_prepare(db, page_sql(q->order, res->ranked), &st,
	    err)) != 0 ||
	    (rc = sz_sqlite_prepare(db, "SELECT " DOC_COLS DOC_FROM
		" WHERE d.id = ?", &get, err)) != 0)
		goto out;
	sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)limit);
	sqlite3_bind_int64(st, 3, (int64_t)offset);
	while (res->nhits < limit && (s = sz_sqlite_step(st)) == SQLITE_ROW) {
		sqlite3_bind_int64(get, 1, sqlite3_column_int64(st, 0));
		if (sz_sqlite_step(get) == SQLITE_ROW) {
			struct sz_search_hit *h = &res->hits[res->nhits++];
			sz_archive_doc_read(get, 0, &h->doc);
			if ((h->snippet = sz_search_snippet_dup(
			    (const char *)sqlite3_column_text(st, 1))) == NULL) {
				sqlite3_reset(get);
				rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
				goto out;
			}
		}
		sqlite3_reset(get);
	}
	if (s != SQLITE_ROW && s != SQLITE_DONE) {
		rc = step_failed(db, s, err);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	/* Facets for result sets small enough to group quickly. */
	if (res->total > SZ_ARCHIVE_FACET_MAX)
		goto out;
	/* One lookup per match (documents, and e-mails' dates); the few
	 * release titles afterwards. */
	if ((rc = sz_sqlite_prepare(db, "SELECT d.release_id, d.type,"
	    " strftime('%Y-%m', nullif(e.date, 0), 'unixepoch'), count(*)"
	    " FROM fts CROSS JOIN documents d ON d.id = fts.rowid"
	    " LEFT JOIN emails e ON e.doc_id = d.id"
	    " WHERE fts MATCH ? GROUP BY 1, 2, 3", &st, err)) != 0)
		goto out;
	sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
	struct sz_facet_counter fc;
	if ((rc = sz_facets_begin(res, &fc)) != 0) {
		sz_facets_end(res, &fc, false);
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		goto out;
	}
	while ((s = sz_sqlite_step(st)) == SQLITE_ROW)
		sz_facets_add(res, &fc, sqlite3_column_int64(st, 0),
			(const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2),
			sqlite3_column_int64(st, 3));
	/* Out of time: results, no facets. */
	sz_facets_end(res, &fc, s != SQLITE_INTERRUPT);
	if (s == SQLITE_INTERRUPT)
		goto out;
	sqlite3_finalize(st);
	st = NULL;
	if ((rc = sz_sqlite_prepare(db, "SELECT title FROM releases WHERE id = ?",
	    &st, err)) != 0)
		goto out;
	for (size_t i = 0; i < res->nrelease; i++) {
		sqlite3_bind_int64(st, 1, res->by_release[i].id);
		if (sz_sqlite_step(st) == SQLITE_ROW)
			sz_sqlite_text(res->by_release[i].key,
				sizeof(res->by_release[i].key), st, 0);
		sqlite3_reset(st);
	}
	sz_facets_sort(res);
out:
	if (st != NULL)
		sqlite3_finalize(st);
	if (get != NULL)
		sqlite3_finalize(get);
	sz_buf_free(&expr);
	sz_archive_read_end(a, r);
	sem_post(&impl(a)->searches);
	if (rc != 0)
		sz_search_result_free(res);
	return rc;
}
