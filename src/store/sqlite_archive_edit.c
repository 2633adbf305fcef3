/*
 * sqlite_archive_edit.c - what editors change in the archive after an
 * import: a release's title, date and introduction; removing a document
 * (its rows, its index entry, its attachments, and its stored file once
 * nothing else holds it); the scrub report kept with a document; and a
 * document's neighbours in its release, for previous/next links (read, as
 * pages are, through a reader's connection).
 *
 * Not here: deciding who may do this (the editor face and the command
 * line check and audit it), or telling mirrors (the change log's
 * triggers see every row removed or changed, whoever changes it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/sqlite_archive_internal.h"

#define REPORT_MAX (64u << 10)    /* bytes of a kept scrub report */
#define REMOVE_MAX 1000u          /* documents removed at once (an e-mail
                                     and its attachments) */

int sz_archive_sqlite_release_update(struct sz_archive *a, int64_t id,
	const char *title, const char *day, const char *intro,
	struct sz_err *err)
{
	sqlite3_stmt *st;
	sz_archive_op_lock(a);
	int rc = sz_sqlite_prepare(impl(a)->db, "UPDATE releases SET title = ?,"
		" day = ?, intro = ? WHERE id = ?", &st, err);
	if (rc == 0) {
		sqlite3_bind_text(st, 1, title, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, day, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, intro ? intro : "", -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 4, id);
		rc = sz_archive_release_changed(impl(a)->db, st, id, err);
	}
	sz_archive_op_unlock(a);
	return rc;
}

/* The document and everything attached to it, at any depth. */
#define TREE "WITH RECURSIVE tree(id) AS (SELECT id FROM documents" \
	" WHERE id = ?1 UNION SELECT d.id FROM documents d JOIN tree" \
	" ON d.parent_id = tree.id) "

/* Runs one statement over the tree of id. */
static int tree_exec(sqlite3 *db, const char *sql, int64_t id,
	struct sz_err *err)
{
	sqlite3_stmt *st;
	int rc = sz_sqlite_prepare(db, sql, &st, err);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if (sz_sqlite_step(st) != SQLITE_DONE)
		rc = sz_sqlite_error(db, err, "removing a document");
	sqlite3_finalize(st);
	return rc;
}

/* The stored files of the tree (sha256 each), malloc'd. */
static int tree_files(sqlite3 *db, int64_t id,
	char (**files)[SZ_ARCHIVE_SHA256_HEX], size_t *n, struct sz_err *err)
{
	sqlite3_stmt *st;
	*files = NULL;
	*n = 0;
	int rc = sz_sqlite_prepare(db, TREE "SELECT DISTINCT d.sha256 FROM"
		" documents d JOIN tree ON tree.id = d.id LIMIT ?2", &st, err);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, REMOVE_MAX + 1);
	*files = calloc(REMOVE_MAX + 1, sizeof(**files));
	if (*files == NULL)
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	while (rc == 0 && sz_sqlite_step(st) == SQLITE_ROW)
		sz_sqlite_text((*files)[(*n)++], SZ_ARCHIVE_SHA256_HEX, st, 0);
	sqlite3_finalize(st);
	if (rc == 0 && *n > REMOVE_MAX)
		rc = sz_err_set(err, SZ_E_LIMIT, "this document has more than %u "
			"attachments; it cannot be removed at once", REMOVE_MAX);
	return rc;
}

/* Whether any document still holds the file sha256. */
static bool file_held(sqlite3 *db, const char *sha256)
{
	sqlite3_stmt *st;
	if (sz_sqlite_prepare(db, "SELECT 1 FROM documents WHERE sha256 = ?"
	    " LIMIT 1", &st, NULL) != 0)
		return true;   /* when in doubt, keep it */
	sqlite3_bind_text(st, 1, sha256, -1, SQLITE_STATIC);
	bool held = sz_sqlite_step(st) != SQLITE_DONE;
	sqlite3_finalize(st);
	return held;
}

int sz_archive_sqlite_doc_remove(struct sz_archive *a, int64_t id,
	size_t *removed, struct sz_err *err)
{
	sqlite3 *db = impl(a)->db;
	char (*files)[SZ_ARCHIVE_SHA256_HEX] = NULL;
	size_t nfiles = 0;
	bool *gone = NULL;
	*removed = 0;
	sz_archive_op_lock(a);
	/* A savepoint: one transaction of its own, or part of the caller's. */
	int rc = sz_sqlite_exec(db, "SAVEPOINT doc_remove", err,
		"removing a document");
	if (rc != 0)
		goto out;
	rc = tree_files(db, id, &files, &nfiles, err);
	if (rc == 0 && nfiles == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no document %lld",
			(long long)id);
	/* The index first: its rows are found by the documents' ids (an
	 * import's rows that still wait entered it first). */
	if (rc == 0 && sz_archive_in_own_tx(a))
		rc = sz_archive_index_flush(a, err);
	if (rc == 0)
		rc = tree_exec(db, TREE "DELETE FROM fts WHERE rowid IN"
			" (SELECT id FROM tree)", id, err);
	if (rc == 0)
		rc = tree_exec(db, TREE "DELETE FROM documents WHERE id IN"
			" (SELECT id FROM tree)", id, err);
	if (rc == 0)
		*removed = (size_t)sqlite3_changes(db);
	if (rc == 0 && (gone = calloc(nfiles, sizeof(*gone))) == NULL)
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < nfiles; i++)
		gone[i] = !file_held(db, files[i]);
	if (rc == 0)
		rc = sz_sqlite_exec(db, "RELEASE doc_remove", err,
			"removing a document");
	if (rc != 0) {
		sqlite3_exec(db, "ROLLBACK TO doc_remove; RELEASE doc_remove",
			NULL, NULL, NULL);
		goto out;
	}
	/* Files go after the rows that named them are gone for good: a
	 * crash in between leaves a file nothing names, never a row that
	 * names no file.  Inside the caller's transaction they stay until a
	 * later removal (the rows might yet come back). */
	for (size_t i = 0; !impl(a)->in_tx && i < nfiles; i++) {
		char path[4300];
		if (!gone[i])
			continue;
		sz_archive_file_path(a, files[i], path, sizeof(path));
		unlink(path);
	}
out:
	sz_archive_op_unlock(a);
	free(gone);
	free(files);
	return rc;
}

int sz_archive_sqlite_doc_set_report(struct sz_archive *a, int64_t id,
	const char *report, struct sz_err *err)
{
	sqlite3_stmt *st;
	size_t len = strlen(report);
	if (len > REPORT_MAX)
		len = REPORT_MAX;
	sz_archive_op_lock(a);
	int rc = sz_sqlite_prepare(impl(a)->db, "INSERT OR REPLACE INTO"
		" doc_reports (doc_id, report) SELECT id, ? FROM documents"
		" WHERE id = ?", &st, err);
	if (rc == 0) {
		sqlite3_bind_text(st, 1, report, (int)len, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, id);
		if (sz_sqlite_step(st) != SQLITE_DONE)
			rc = sz_sqlite_error(impl(a)->db, err, "keeping a report");
		else if (sqlite3_changes(impl(a)->db) == 0)
			rc = sz_err_set(err, SZ_E_NOT_FOUND, "no document %lld",
				(long long)id);
		sqlite3_finalize(st);
	}
	sz_archive_op_unlock(a);
	return rc;
}

int sz_archive_sqlite_doc_report(struct sz_archive *a, int64_t id,
	struct sz_buf *out, struct sz_err *err)
{
	sqlite3_stmt *st;
	sz_archive_op_lock(a);
	int rc = sz_sqlite_prepare(impl(a)->db, "SELECT report FROM doc_reports"
		" WHERE doc_id = ?", &st, err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, id);
		if (sz_sqlite_step(st) != SQLITE_ROW)
			rc = sz_err_set(err, SZ_E_NOT_FOUND, "no report is kept for "
				"document %lld", (long long)id);
		else if (sz_buf_append(out, sqlite3_column_text(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0)) != 0)
			rc = sz_err_set(err, SZ_E_LIMIT, "the report is too long");
		sqlite3_finalize(st);
	}
	sz_archive_op_unlock(a);
	return rc;
}

/* One neighbour: the first row of sql (bound to d's place in the list),
 * or none. */
static int neighbour(struct sz_archive_reader *r, const char *sql,
	const struct sz_doc_row *d, struct sz_doc_row *row, struct sz_err *err)
{
	sqlite3 *db = r->db;
	sqlite3_stmt *st;
	memset(row, 0, sizeof(*row));
	int rc = sz_archive_stmt(r->stmts, db, sql, &st, err);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(st, 1, d->release_id);
	if (d->email) {
		sqlite3_bind_text(st, 2, d->collection, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, d->num);
	} else {
		sqlite3_bind_int(st, 2, d->parent_id != 0);
		sqlite3_bind_text(st, 3, d->title, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, d->id);
	}
	int s = sz_sqlite_step(st);
	if (s == SQLITE_ROW)
		sz_archive_doc_read(st, 0, row);
	else if (s != SQLITE_DONE)
		rc = sz_sqlite_error(db, err, "reading a release's list");
	sz_archive_stmt_done(r->stmts, st);
	return rc;
}

#define EMAIL_FROM " FROM emails e CROSS JOIN documents d ON d.id = e.doc_id" \
	" JOIN releases r ON r.id = d.release_id"

int sz_archive_sqlite_doc_adjacent(struct sz_archive *a,
	const struct sz_doc_row *d, struct sz_doc_row *prev,
	struct sz_doc_row *next, struct sz_err *err)
{
	/* The orders of doc_list: e-mails by collection and number,
	 * documents by title with attachments last. */
	static const char *const sql[2][2] = {
		{ "SELECT " DOC_COLS DOC_FROM " WHERE d.release_id = ?1 AND"
		  " d.email = 0 AND (d.parent_id IS NOT NULL, d.title, d.id) <"
		  " (?2, ?3, ?4) ORDER BY d.parent_id IS NOT NULL DESC,"
		  " d.title DESC, d.id DESC LIMIT 1",
		  "SELECT " DOC_COLS DOC_FROM " WHERE d.release_id = ?1 AND"
		  " d.email = 0 AND (d.parent_id IS NOT NULL, d.title, d.id) >"
		  " (?2, ?3, ?4) ORDER BY d.parent_id IS NOT NULL, d.title,"
		  " d.id LIMIT 1" },
		/* from the e-mails' own (release_id, collection, num) index:
		 * one seek, where the documents' index read the whole
		 * release for each e-mail (a 100,000 e-mail export spent most
		 * of its time here) */
		{ "SELECT " DOC_COLS EMAIL_FROM " WHERE e.release_id = ?1 AND"
		  " d.release_id = ?1 AND (e.collection, e.num) < (?2, ?3)"
		  " ORDER BY e.collection DESC, e.num DESC LIMIT 1",
		  "SELECT " DOC_COLS EMAIL_FROM " WHERE e.release_id = ?1 AND"
		  " d.release_id = ?1 AND (e.collection, e.num) > (?2, ?3)"
		  " ORDER BY e.collection, e.num LIMIT 1" },
	};
	memset(prev, 0, sizeof(*prev));
	memset(next, 0, sizeof(*next));
	/* Read like the rest of a page (a reader's connection, the snapshot
	 * the thread holds), not on the writer's behind its lock: each
	 * e-mail's page asks, and the public face's threads and an export's
	 * workers waited for each other here. */
	struct sz_archive_reader *r = sz_archive_read_begin(a, err);
	if (r == NULL)
		return SZ_E_LIMIT;
	int rc = neighbour(r, sql[d->email][0], d, prev, err);
	if (rc == 0)
		rc = neighbour(r, sql[d->email][1], d, next, err);
	sz_archive_read_end(a, r);
	return rc;
}
