/*
 * sqlite_archive_email.c - the archive's SQLite back end for what belongs
 * to e-mails alone: numbering in a collection, and what of each raw
 * message may be published (the form served, whether it is flagged for
 * an editor's choice, the editors' notes).  The notes are for editors:
 * nothing here is read by a public page.
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_archive_internal.h"

int sz_archive_email_set_raw(struct sz_archive *a, int64_t id,
	const struct sz_email_raw *r, struct sz_err *err)
{
	sqlite3_stmt *st;
	const char *flags, *removed;
	size_t fl, rl;
	char *own_f = NULL, *own_r = NULL;
	int rc = sz_archive_clean_str(r->flags, r->flags ? strlen(r->flags) : 0,
		true, &flags, &fl, &own_f);
	if (rc == 0)
		rc = sz_archive_clean_str(r->removed, r->removed ?
			strlen(r->removed) : 0, false, &removed, &rl, &own_r);
	if (rc != 0) {
		free(own_f);
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	fl = fl > SZ_ARCHIVE_NOTES_MAX ? SZ_ARCHIVE_NOTES_MAX : fl;
	rl = rl > SZ_ARCHIVE_NOTES_MAX ? SZ_ARCHIVE_NOTES_MAX : rl;
	while (fl > 0 && fl < strlen(flags) && (flags[fl] & 0xC0) == 0x80)
		fl--;
	while (rl > 0 && rl < strlen(removed) && (removed[rl] & 0xC0) == 0x80)
		rl--;
	sz_archive_op_lock(a);
	static const char sql[] = "UPDATE emails SET raw_form = ?,"
		" raw_flagged = ?, raw_chosen = ?, scrubbed_sha256 = ?,"
		" scrubbed_size = ?, raw_flags = ?, raw_removed = ?"
		" WHERE doc_id = ?";
	rc = sz_archive_stmt(&impl(a)->wstmts, impl(a)->db, sql, &st, err);
	if (rc == 0) {
		sqlite3_bind_int(st, 1, (int)r->form);
		sqlite3_bind_int(st, 2, r->flagged);
		sqlite3_bind_int(st, 3, r->chosen);
		sqlite3_bind_text(st, 4, r->scrubbed_sha256, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 5, (int64_t)r->scrubbed_size);
		sqlite3_bind_text(st, 6, flags, (int)fl, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 7, removed, (int)rl, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 8, id);
		if (sz_sqlite_step(st) != SQLITE_DONE)
			rc = sz_sqlite_error(impl(a)->db, err, "saving an e-mail");
		else if (sqlite3_changes(impl(a)->db) == 0)
			rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such e-mail");
		sz_archive_stmt_done(&impl(a)->wstmts, st);
	}
	sz_archive_op_unlock(a);
	free(own_f);
	free(own_r);
	return rc;
}

int sz_archive_email_raw_notes(struct sz_archive *a, int64_t id,
	struct sz_buf *flags, struct sz_buf *removed, struct sz_err *err)
{
	sqlite3_stmt *st;
	struct sz_archive_reader *r = sz_archive_read_begin(a, err);
	if (r == NULL)
		return SZ_E_LIMIT;
	int rc = sz_sqlite_prepare(r->db, "SELECT raw_flags, raw_removed"
		" FROM emails WHERE doc_id = ?", &st, err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, id);
		int s2 = sz_sqlite_step(st);
		if (s2 == SQLITE_ROW) {
			const void *f = sqlite3_column_text(st, 0);
			int fl = sqlite3_column_bytes(st, 0);
			const void *rm = sqlite3_column_text(st, 1);
			int rl = sqlite3_column_bytes(st, 1);
			if ((f && sz_buf_append(flags, f, (size_t)fl) != 0) ||
			    (rm && sz_buf_append(removed, rm, (size_t)rl) != 0))
				rc = sz_err_set(err, SZ_E_LIMIT, "the notes are too long");
		} else if (s2 == SQLITE_DONE) {
			rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such e-mail");
		} else {
			rc = sz_sqlite_error(r->db, err, "reading an e-mail");
		}
		sqlite3_finalize(st);
	}
	sz_archive_read_end(a, r);
	return rc;
}

int sz_archive_email_by_message_id(struct sz_archive *a,
	int64_t release_id, const char *message_id, int64_t *id,
	int64_t *count, struct sz_err *err)
{
	sqlite3_stmt *st;
	*id = 0;
	*count = 0;
	/* kept as the header gives it, less its angle brackets */
	const char *m = message_id + (message_id[0] == '<');
	size_t n = strlen(m);
	if (n > 0 && m[n - 1] == '>' && message_id[0] == '<')
		n--;
	if (n == 0 || n > SZ_ARCHIVE_NAME_MAX)
		return sz_err_set(err, SZ_E_NOT_FOUND, "no e-mail of release %lld "
			"has that Message-ID", (long long)release_id);
	struct sz_archive_reader *r = sz_archive_read_begin(a, err);
	if (r == NULL)
		return SZ_E_LIMIT;
	int rc = sz_sqlite_prepare(r->db, "SELECT min(doc_id), count(*) FROM"
		" emails WHERE release_id = ? AND message_id = ?", &st, err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, release_id);
		sqlite3_bind_text(st, 2, m, (int)n, SQLITE_TRANSIENT);
		if (sz_sqlite_step(st) == SQLITE_ROW) {
			*id = sqlite3_column_int64(st, 0);
			*count = sqlite3_column_int64(st, 1);
		} else {
			rc = sz_sqlite_error(r->db, err, "finding an e-mail");
		}
		sqlite3_finalize(st);
	}
	sz_archive_read_end(a, r);
	if (rc == 0 && *count == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no e-mail of release %lld "
			"has that Message-ID", (long long)release_id);
	return rc;
}

int sz_archive_email_choose_raw(struct sz_archive *a, int64_t release_id,
	int64_t id, enum sz_raw_form form, int64_t *changed, struct sz_err *err)
{
	sqlite3_stmt *st;
	*changed = 0;
	sz_archive_op_lock(a);
	/* Only flagged e-mails are the editors' to choose; the scrubbed form
	 * exists for each of them. */
	int rc = sz_sqlite_prepare(impl(a)->db, "UPDATE emails SET raw_form = ?,"
		" raw_chosen = 1 WHERE release_id = ? AND raw_flagged = 1 AND"
		" (? = 0 OR doc_id = ?)", &st, err);
	if (rc == 0) {
		sqlite3_bind_int(st, 1, (int)form);
		sqlite3_bind_int64(st, 2, release_id);
		sqlite3_bind_int64(st, 3, id);
		sqlite3_bind_int64(st, 4, id);
		if (sz_sqlite_step(st) != SQLITE_DONE)
			rc = sz_sqlite_error(impl(a)->db, err, "choosing a raw form");
		else
			*changed = sqlite3_changes(impl(a)->db);
		if (rc == 0 && id != 0 && *changed == 0)
			rc = sz_err_set(err, SZ_E_NOT_FOUND, "e-mail %lld is not a "
				"flagged e-mail of release %lld", (long long)id,
				(long long)release_id);
		sqlite3_finalize(st);
	}
	sz_archive_op_unlock(a);
	return rc;
}

int sz_archive_email_flagged(struct sz_archive *a, int64_t release_id,
	size_t offset, size_t limit, struct sz_doc_row **rows, size_t *n,
	int64_t *total, struct sz_err *err)
{
	return sz_archive_page_rows(a, "SELECT count(*) FROM emails WHERE"
		" release_id = ? AND raw_flagged = 1", "SELECT " DOC_COLS DOC_FROM
		" WHERE e.release_id = ? AND e.raw_flagged = 1"
		" ORDER BY e.collection, e.num LIMIT ? OFFSET ?", release_id, offset,
		limit, rows, n, total, err);
}

int sz_archive_email_next_num(struct sz_archive *a, int64_t release_id,
	const char *collection, int64_t *num, struct sz_err *err)
{
	sqlite3_stmt *st;
	sz_archive_op_lock(a);
	static const char sql[] = "SELECT ifnull(max(num), 0) + 1"
		" FROM emails WHERE release_id = ? AND collection = ?";
	int rc = sz_archive_stmt(&impl(a)->wstmts, impl(a)->db, sql, &st, err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, release_id);
		sqlite3_bind_text(st, 2, collection, -1, SQLITE_TRANSIENT);
		*num = sz_sqlite_step(st) == SQLITE_ROW ?
			sqlite3_column_int64(st, 0) : 1;
		sz_archive_stmt_done(&impl(a)->wstmts, st);
	}
	sz_archive_op_unlock(a);
	return rc;
}
