/*
 * sqlite_archive_list.c - a release's lists of documents and e-mails
 * (the op doc_list) in the archive's SQLite back end, and its counts,
 * for walks through them page by page: a copy writes every page of a
 * release of 100 000 e-mails, and each page used to count the release
 * again and step over every e-mail before it (a walk quadratic in the
 * release's size).  What a walk learns is kept with its connection (struct
 * sz_archive_walk) while PRAGMA data_version says the archive did not
 * change: the counts, and the e-mail each page ended at, so the next page
 * starts after it with one index seek.  The rows are the same either way.
 *
 * The last document doc_get read is kept the same way: a copy's page of
 * an e-mail, its JSON and the export itself each read it.
 *
 * It writes nothing, and keeps nothing on the writer's connection (its
 * own commits do not move its data_version).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_archive_internal.h"

static int count(struct sz_archive_reader *rd, const char *sql, int64_t id,
	int64_t *out, struct sz_err *err)
{
	sqlite3_stmt *st;
	*out = 0;
	int rc = sz_archive_stmt(rd->stmts, rd->db, sql, &st, err);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	int s = sz_sqlite_step(st);
	if (s == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		rc = sz_sqlite_error(rd->db, err, "counting a release's documents");
	sz_archive_stmt_done(rd->stmts, st);
	return rc;
}

static int count_both(struct sz_archive_reader *rd, int64_t id,
	int64_t counts[2], struct sz_err *err)
{
	static const char docs[] = "SELECT count(*) FROM documents"
		" WHERE release_id = ? AND email = 0";
	static const char emails[] = "SELECT count(*) FROM documents"
		" WHERE release_id = ? AND email = 1";
	int rc = count(rd, docs, id, &counts[0], err);
	if (rc == 0)
		rc = count(rd, emails, id, &counts[1], err);
	return rc;
}

/* The walk kept for release id at this state of the archive (taken
 * and counted if there is none); NULL on the writer, or when the state
 * cannot be read (*rc says whether counting failed). */
static struct sz_archive_walk *walk_get(struct sz_archive_reader *rd,
	int64_t id, int *rc, struct sz_err *err)
{
	*rc = 0;
	if (rd->writer)
		return NULL;
	int64_t v = sz_archive_data_version(rd);
	if (v < 0)
		return NULL;
	struct sz_archive_stmts *c = rd->stmts;
	for (size_t i = 0; i < SZ_ARCHIVE_WALKS; i++)
		if (c->walks[i].valid && c->walks[i].version == v &&
		    c->walks[i].release_id == id)
			return &c->walks[i];
	struct sz_archive_walk *w = &c->walks[c->walk_next++ % SZ_ARCHIVE_WALKS];
	memset(w, 0, sizeof(*w));
	*rc = count_both(rd, id, w->count, err);
	if (*rc != 0)
		return NULL;
	w->valid = true;
	w->version = v;
	w->release_id = id;
	return w;
}

int sz_archive_release_counts(struct sz_archive_reader *rd, int64_t id,
	int64_t *docs, int64_t *emails, struct sz_err *err)
{
	int64_t counts[2] = { 0, 0 };
	int rc;
	struct sz_archive_walk *w = walk_get(rd, id, &rc, err);
	if (w != NULL)
		memcpy(counts, w->count, sizeof(counts));
	else if (rc == 0)
		rc = count_both(rd, id, counts, err);
	*docs = counts[0];
	*emails = counts[1];
	return rc;
}

/* The page is picked in an index alone (the skipped rows cost an index
 * step each, not a sort of the release nor joins), then its rows are
 * read. */
static const char docs_sql[] = "SELECT " DOC_COLS DOC_FROM
	" WHERE d.id IN (SELECT id FROM documents WHERE release_id = ?1"
	" AND email = 0 ORDER BY parent_id IS NOT NULL, title, id"
	" LIMIT ?2 OFFSET ?3) ORDER BY d.parent_id IS NOT NULL, d.title, d.id";
static const char emails_sql[] = "SELECT " DOC_COLS DOC_FROM
	" WHERE d.id IN (SELECT doc_id FROM emails WHERE release_id = ?1"
	" ORDER BY collection, num LIMIT ?2 OFFSET ?3)"
	" ORDER BY e.collection, e.num";
/* The page after a known e-mail: one seek in (release_id, collection,
 * num), the e-mails' unique index, to the e-mail's key, read first (a
 * key in a subquery would seek on the collection alone, then step). */
static const char email_key_sql[] = "SELECT collection, num FROM emails"
	" WHERE doc_id = ?";
static const char emails_after_sql[] = "SELECT " DOC_COLS DOC_FROM
	" WHERE d.id IN (SELECT doc_id FROM emails WHERE release_id = ?1"
	" AND (collection, num) > (?3, ?4) ORDER BY collection, num LIMIT ?2)"
	" ORDER BY e.collection, e.num";

/* Binds the key of the e-mail `after` as ?3, ?4 of st (false: gone). */
static bool bind_key(struct sz_archive_reader *rd, sqlite3_stmt *st,
	int64_t after)
{
	sqlite3_stmt *k;
	bool found = false;
	if (sz_archive_stmt(rd->stmts, rd->db, email_key_sql, &k, NULL) != 0)
		return false;
	sqlite3_bind_int64(k, 1, after);
	if (sz_sqlite_step(k) == SQLITE_ROW) {
		sqlite3_bind_text(st, 3, (const char *)sqlite3_column_text(k, 0),
			sqlite3_column_bytes(k, 0), SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, sqlite3_column_int64(k, 1));
		found = true;
	}
	sz_archive_stmt_done(rd->stmts, k);
	return found;
}

int sz_archive_sqlite_doc_list(struct sz_archive *a, int64_t release_id,
	bool email, size_t offset, size_t limit, struct sz_doc_row **rows,
	size_t *n, int64_t *total, struct sz_err *err)
{
	sqlite3_stmt *st;
	if (limit > SZ_ARCHIVE_PAGE_MAX)
		limit = SZ_ARCHIVE_PAGE_MAX;
	*rows = NULL;
	*n = 0;
	*total = 0;
	struct sz_archive_reader *rd = sz_archive_read_begin(a, err);
	if (rd == NULL)
		return SZ_E_LIMIT;
	int rc;
	struct sz_archive_walk *w = walk_get(rd, release_id, &rc, err);
	int64_t counts[2] = { 0, 0 };
	if (w != NULL)
		memcpy(counts, w->count, sizeof(counts));
	else if (rc == 0)
		rc = count_both(rd, release_id, counts, err);
	*total = counts[email];
	/* where this page starts, if a page before ended there */
	int64_t after = 0;
	for (int i = 0; w != NULL && email && offset > 0 && i < 2; i++)
		if (w->mark_offset[i] == offset)
			after = w->mark_after[i];
	if (rc == 0 && after) {
		rc = sz_archive_stmt(rd->stmts, rd->db, emails_after_sql, &st, err);
		if (rc == 0 && !bind_key(rd, st, after)) {
			sz_archive_stmt_done(rd->stmts, st);
			after = 0;          /* cannot be: counted from the start */
		}
	}
	if (rc == 0 && !after)
		rc = sz_archive_stmt(rd->stmts, rd->db, email ? emails_sql :
			docs_sql, &st, err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, release_id);
		sqlite3_bind_int64(st, 2, (int64_t)limit);
		if (!after)
			sqlite3_bind_int64(st, 3, (int64_t)offset);
		rc = sz_archive_collect(st, limit, rows, n, err);
		sz_archive_stmt_done(rd->stmts, st);
	}
	/* This page can be read again (its JSON after its HTML), and the
	 * next one starts after its last e-mail. */
	if (rc == 0 && w != NULL && email) {
		w->mark_offset[0] = after ? offset : 0;
		w->mark_after[0] = after;
		w->mark_offset[1] = *n > 0 ? offset + *n : 0;
		w->mark_after[1] = *n > 0 ? (*rows)[*n - 1].id : 0;
	}
	sz_archive_read_end(a, rd);
	return rc;
}

/* ---- the last document read ----------------------------------------- */

/* A deep copy of a row (its three owned strings): false when out of
 * memory, to cleared. */
static bool row_copy(struct sz_doc_row *to, const struct sz_doc_row *from)
{
	*to = *from;
	to->summary = from->summary ? strdup(from->summary) : NULL;
	to->to = from->to ? strdup(from->to) : NULL;
	to->cc = from->cc ? strdup(from->cc) : NULL;
	if ((from->summary && !to->summary) || (from->to && !to->to) ||
	    (from->cc && !to->cc)) {
		sz_doc_row_clear(to);
		return false;
	}
	return true;
}

int sz_archive_doc_kept(struct sz_archive_reader *rd, int64_t id,
	struct sz_doc_row *d, int64_t *v)
{
	*v = -1;
	if (rd->writer)
		return SZ_E_NOT_FOUND;
	*v = sz_archive_data_version(rd);
	struct sz_archive_stmts *c = rd->stmts;
	if (*v < 0 || !c->doc_valid || c->doc_version != *v || c->doc.id != id)
		return SZ_E_NOT_FOUND;
	return row_copy(d, &c->doc) ? 0 : SZ_E_NOMEM;
}

void sz_archive_doc_keep(struct sz_archive_reader *rd,
	const struct sz_doc_row *d, int64_t v)
{
	struct sz_archive_stmts *c = rd->stmts;
	if (rd->writer || v < 0)
		return;
	sz_doc_row_clear(&c->doc);
	c->doc_valid = row_copy(&c->doc, d);
	c->doc_version = v;
}
