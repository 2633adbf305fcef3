/*
 * sqlite_desks.c - desks in SQLite: their editors, who a submission to a
 * desk is encrypted to, and whether an editor may read a desk's sources
 * (store.h says what a desk promises a source).  It does not decide which
 * desk a source writes to, nor write it: the batch of its first
 * submission does (sqlite.c's batch_add).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_internal.h"

/* Runs sql with text parameters a and b (b may be NULL) under the mutex;
 * *changed is how many rows it changed. */
static int write2(struct sz_store *s, const char *sql, const char *a,
	const char *b, int *changed, const char *what, struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, sql, &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
		if (b != NULL)
			sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
		int r = sz_sqlite_step(st);
		if (r == SQLITE_CONSTRAINT)
			rc = sz_err_set(err, SZ_E_EXISTS, "%s: it exists already",
				what);
		else if (r != SQLITE_DONE)
			rc = sz_sqlite_error(q->db, err, what);
		else if (changed != NULL)
			*changed = sqlite3_changes(q->db);
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

/* Whether sql, whose parameters are the text a and, if b >= 0, the
 * number b, gives a row. */
static int exists(struct sz_store *s, const char *sql, const char *a,
	int64_t b, bool *yes, struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	*yes = false;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, sql, &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
		if (b >= 0)
			sqlite3_bind_int64(st, 2, b);
		int r = sz_sqlite_step(st);
		if (r == SQLITE_ROW)
			*yes = true;
		else if (r != SQLITE_DONE)
			rc = sz_sqlite_error(q->db, err, "reading desks");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int sz_sqlite_desk_add(struct sz_store *s, const char *name, struct sz_err *err)
{
	int changed = 0;
	int rc = write2(s, "UPDATE desks SET closed = 0 WHERE name = ? AND "
		"closed <> 0", name, NULL, &changed, "opening a desk", err);
	if (rc == SZ_OK && changed == 0)
		rc = write2(s, "INSERT INTO desks (name) VALUES (?)", name, NULL,
			NULL, "adding a desk", err);
	if (rc == SZ_E_EXISTS)
		sz_err_set(err, rc, "there is a desk named \"%.64s\" already",
			name);
	return rc;
}

int sz_sqlite_desk_remove(struct sz_store *s, const char *name, bool *closed,
	struct sz_err *err)
{
	int changed = 0;
	*closed = false;
	/* Closed, never deleted here: a source's first submission to it may
	 * be held in the source face's memory, and its batch will write this
	 * desk's id (sz_sqlite_desk_purge deletes it once nothing does). */
	int rc = write2(s, "UPDATE desks SET closed = 1 WHERE name = ?", name,
		NULL, &changed, "closing a desk", err);
	if (rc == SZ_OK && changed == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no desk is named \"%.64s\"",
			name);
	if (rc == SZ_OK)
		rc = exists(s, "SELECT 1 FROM sources s JOIN desks d ON d.id = "
			"s.desk WHERE d.name = ?", name, -1, closed, err);
	return rc;
}

int sz_sqlite_desk_purge(struct sz_store *s, const int64_t *held, size_t n,
	struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	/* The ids as a JSON array: n is bounded by the desks there are. */
	size_t cap = 3 + n * 21;   /* "[", ",-9223372036854775808"..., "]", NUL */
	char *list = malloc(cap);
	if (list == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	size_t o = 0;
	list[o++] = '[';
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(list + o, cap - o, "%s%lld", i ? "," : "",
			(long long)held[i]);
	snprintf(list + o, cap - o, "]");
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, "DELETE FROM desks WHERE closed = 1 "
		"AND NOT EXISTS (SELECT 1 FROM sources WHERE desk = desks.id) "
		"AND id NOT IN (SELECT value FROM json_each(?))", &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_text(st, 1, list, -1, SQLITE_STATIC);
		if (sz_sqlite_step(st) != SQLITE_DONE)
			rc = sz_sqlite_error(q->db, err, "deleting closed desks");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	free(list);
	return rc;
}

int sz_sqlite_desk_list(struct sz_store *s, struct sz_desk_row **rows,
	size_t *n, struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	int r = SQLITE_DONE;
	*rows = NULL;
	*n = 0;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, "SELECT d.id, d.name, d.closed, "
		"(SELECT count(*) FROM sources WHERE desk = d.id), "
		"(SELECT group_concat(name, ', ') FROM (SELECT e.name FROM "
		"desk_editors m JOIN editors e ON e.id = m.editor_id WHERE "
		"m.desk_id = d.id ORDER BY e.name)), "
		"(SELECT count(*) FROM desk_editors WHERE desk_id = d.id) "
		"FROM desks d ORDER BY d.closed, d.name LIMIT ?", &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_int(st, 1, SZ_STORE_DESKS_MAX);
		*rows = calloc(SZ_STORE_DESKS_MAX, sizeof(**rows));
		if (*rows == NULL)
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	while (rc == SZ_OK && (r = sz_sqlite_step(st)) == SQLITE_ROW) {
		struct sz_desk_row *d = &(*rows)[(*n)++];
		d->id = sqlite3_column_int64(st, 0);
		sz_sqlite_text(d->name, sizeof(d->name), st, 1);
		d->closed = sqlite3_column_int(st, 2) != 0;
		d->sources = sqlite3_column_int64(st, 3);
		sz_sqlite_text(d->editors, sizeof(d->editors), st, 4);
		d->neditors = sqlite3_column_int64(st, 5);
	}
	if (rc == SZ_OK && r != SQLITE_DONE)
		rc = sz_sqlite_error(q->db, err, "listing the desks");
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	if (rc != SZ_OK) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

int sz_sqlite_desk_member(struct sz_store *s, const char *desk,
	const char *editor, bool on, struct sz_err *err)
{
	int changed = 0;
	int rc = on ?
		write2(s, "INSERT OR IGNORE INTO desk_editors (desk_id, "
			"editor_id) SELECT d.id, e.id FROM desks d, editors e "
			"WHERE d.name = ?1 AND e.name = ?2", desk, editor,
			&changed, "putting an editor on a desk", err) :
		write2(s, "DELETE FROM desk_editors WHERE desk_id = (SELECT id "
			"FROM desks WHERE name = ?1) AND editor_id = (SELECT id "
			"FROM editors WHERE name = ?2)", desk, editor, &changed,
			"taking an editor off a desk", err);
	if (rc != SZ_OK || changed > 0)
		return rc;
	/* say what was wrong: the desk, the editor, or nothing to do */
	bool found = false;
	rc = exists(s, "SELECT 1 FROM desks WHERE name = ?", desk, -1, &found,
		err);
	if (rc == SZ_OK && !found)
		return sz_err_set(err, SZ_E_NOT_FOUND, "no desk is named "
			"\"%.64s\" (samizdat desk list)", desk);
	if (rc == SZ_OK)
		rc = exists(s, "SELECT 1 FROM editors WHERE name = ?", editor,
			-1, &found, err);
	if (rc == SZ_OK && !found)
		return sz_err_set(err, SZ_E_NOT_FOUND, "no editor is named "
			"\"%.64s\" (samizdat editor list)", editor);
	return rc;   /* on it already, or not on it: nothing changes */
}

int sz_sqlite_desk_recipients(struct sz_store *s, int64_t desk,
	struct sz_recipient_row **rows, size_t *n, struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	int r = SQLITE_DONE;
	size_t cap = 0;
	*rows = NULL;
	*n = 0;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, desk == 0 ?
		"SELECT name, recipient, added_day FROM recipients ORDER BY id" :
		"SELECT e.name, e.recipient, e.created_day FROM desk_editors m "
		"JOIN editors e ON e.id = m.editor_id JOIN desks d ON "
		"d.id = m.desk_id WHERE m.desk_id = ? ORDER BY e.id", &st, err);
	if (rc == SZ_OK && desk != 0)
		sqlite3_bind_int64(st, 1, desk);
	while (rc == SZ_OK && (r = sz_sqlite_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			struct sz_recipient_row *more = realloc(*rows,
				cap * sizeof(**rows));
			if (more == NULL) {
				rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
				break;
			}
			*rows = more;
		}
		struct sz_recipient_row *row = &(*rows)[(*n)++];
		memset(row, 0, sizeof(*row));
		sz_sqlite_text(row->name, sizeof(row->name), st, 0);
		sz_sqlite_text(row->recipient, sizeof(row->recipient), st, 1);
		sz_sqlite_text(row->added_day, sizeof(row->added_day), st, 2);
	}
	if (rc == SZ_OK && r != SQLITE_DONE)
		rc = sz_sqlite_error(q->db, err, "reading a desk's recipients");
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	if (rc != SZ_OK) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

int sz_sqlite_desk_reader(struct sz_store *s, int64_t desk, const char *editor,
	bool *yes, struct sz_err *err)
{
	*yes = desk == 0;
	if (desk == 0)
		return SZ_OK;
	return exists(s, "SELECT 1 FROM desk_editors m JOIN editors e ON "
		"e.id = m.editor_id WHERE e.name = ? AND m.desk_id = ?", editor,
		desk, yes, err);
}

/* One int64 from sql with int64 parameters a and b (b < 0: none); *found
 * says whether there was a row.  Called with the mutex held. */
static int read_id(sqlite3 *db, const char *sql, int64_t a, int64_t b,
	int64_t *v, bool *found, struct sz_err *err)
{
	sqlite3_stmt *st = NULL;
	*v = 0;
	*found = false;
	int rc = sz_sqlite_prepare(db, sql, &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_int64(st, 1, a);
		if (b >= 0)
			sqlite3_bind_int64(st, 2, b);
		int r = sz_sqlite_step(st);
		if (r == SQLITE_ROW) {
			*v = sqlite3_column_int64(st, 0);
			*found = true;
		} else if (r != SQLITE_DONE) {
			rc = sz_sqlite_error(db, err, "reading a source's desk");
		}
	}
	sqlite3_finalize(st);
	return rc;
}

int sz_sqlite_source_desk(struct sz_store *s, int64_t source_id,
	int64_t *desk, bool *fixed, struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	int64_t submissions = 0;
	bool found = false;
	*desk = 0;
	*fixed = false;
	pthread_mutex_lock(&q->mu);
	int rc = read_id(q->db, "SELECT desk FROM sources WHERE id = ?",
		source_id, -1, desk, &found, err);
	if (rc == SZ_OK && !found)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such source");
	if (rc == SZ_OK)
		rc = read_id(q->db, "SELECT submissions FROM sources WHERE "
			"id = ?", source_id, -1, &submissions, &found, err);
	if (rc == SZ_OK)
		*fixed = submissions > 0;
	pthread_mutex_unlock(&q->mu);
	return rc;
}
