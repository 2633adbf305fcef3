/*
 * sqlite_inbox.c - what the editor face reads and changes of one source:
 * its items, one item, marking items read, its replies, its star, and
 * deleting it.  Pages of the inbox are sqlite_inbox_page.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_internal.h"

#define ITEM_SELECT "SELECT i.id, b.source_id, b.day, i.kind, i.blob, " \
	"i.meta_blob, i.padded_size, i.seen FROM items i JOIN submissions b " \
	"ON b.id = i.submission_id "

static void read_item(sqlite3_stmt *st, struct sz_item_full *it)
{
	memset(it, 0, sizeof(*it));
	it->id = sqlite3_column_int64(st, 0);
	it->source_id = sqlite3_column_int64(st, 1);
	sz_sqlite_text(it->day, sizeof(it->day), st, 2);
	const unsigned char *kind = sqlite3_column_text(st, 3);
	it->row.kind = kind && strcmp((const char *)kind, "file") == 0 ?
		SZ_ITEM_FILE : SZ_ITEM_MESSAGE;
	sz_sqlite_text(it->row.blob, sizeof(it->row.blob), st, 4);
	sz_sqlite_text(it->row.meta_blob, sizeof(it->row.meta_blob), st, 5);
	it->row.padded_size = (uint64_t)sqlite3_column_int64(st, 6);
	it->seen = sqlite3_column_int(st, 7);
}

int sz_sqlite_source_items(struct sz_store *s, int64_t source_id,
	struct sz_item_full **rows, size_t *n, struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	int r = SQLITE_DONE;
	*rows = NULL;
	*n = 0;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, ITEM_SELECT "WHERE b.source_id = ? "
		"ORDER BY i.id DESC", &st, err);
	if (rc == SZ_OK)
		sqlite3_bind_int64(st, 1, source_id);
	while (rc == SZ_OK && (r = sz_sqlite_step(st)) == SQLITE_ROW) {
		struct sz_item_full *more = realloc(*rows,
			(*n + 1) * sizeof(**rows));
		if (more == NULL) {
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
			break;
		}
		*rows = more;
		read_item(st, &(*rows)[(*n)++]);
	}
	if (rc == SZ_OK && r != SQLITE_DONE)
		rc = sz_sqlite_error(q->db, err, "listing items");
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	if (rc != SZ_OK) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

static void read_one_item(sqlite3_stmt *st, void *out)
{
	read_item(st, out);
}

int sz_sqlite_item_get(struct sz_store *s, int64_t id, struct sz_item_full *it,
	struct sz_err *err)
{
	memset(it, 0, sizeof(*it));
	return sz_sqlite_row_by_id(s, ITEM_SELECT "WHERE i.id = ?", id,
		read_one_item, it, "item", err);
}

/* Runs an UPDATE that takes one id. */
static int update_by_id(struct sz_store *s, const char *sql, int64_t id,
	struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, sql, &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_int64(st, 1, id);
		if (sz_sqlite_step(st) != SQLITE_DONE)
			rc = sz_sqlite_error(q->db, err, "marking items read");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int sz_sqlite_item_seen(struct sz_store *s, int64_t id, struct sz_err *err)
{
	return update_by_id(s, "UPDATE items SET seen = 1 WHERE id = ?", id,
		err);
}

int sz_sqlite_source_seen(struct sz_store *s, int64_t source_id,
	struct sz_err *err)
{
	return update_by_id(s, "UPDATE items SET seen = 1 WHERE submission_id "
		"IN (SELECT id FROM submissions WHERE source_id = ?)", source_id,
		err);
}

int sz_sqlite_source_public_key(struct sz_store *s, int64_t source_id,
	uint8_t key[32], struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	memset(key, 0, 32);
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, "SELECT public_key FROM sources "
		"WHERE id = ?", &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_int64(st, 1, source_id);
		int r = sz_sqlite_step(st);
		if (r == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32)
			memcpy(key, sqlite3_column_blob(st, 0), 32);
		else if (r == SQLITE_ROW || r == SQLITE_DONE)
			rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such source");
		else
			rc = sz_sqlite_error(q->db, err, "reading a source");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int sz_sqlite_reply_add(struct sz_store *s, int64_t source_id,
	const char *blob, const char *editor, struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	char day[SZ_STORE_DAY_SIZE];
	sz_store_today(day);
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, "INSERT INTO replies (source_id, "
		"blob, day, editor) VALUES (?, ?, ?, ?)", &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_int64(st, 1, source_id);
		sqlite3_bind_text(st, 2, blob, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, day, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, editor ? editor : "", -1, SQLITE_STATIC);
		if (sz_sqlite_step(st) != SQLITE_DONE)
			rc = sz_sqlite_error(q->db, err, "saving a reply");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int sz_sqlite_replies(struct sz_store *s, int64_t source_id,
	struct sz_reply_row **rows, size_t *n, struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	int r = SQLITE_DONE;
	*rows = NULL;
	*n = 0;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, "SELECT id, blob, day, deleted, editor "
		"FROM replies WHERE source_id = ? ORDER BY id", &st, err);
	if (rc == SZ_OK)
		sqlite3_bind_int64(st, 1, source_id);
	while (rc == SZ_OK && (r = sz_sqlite_step(st)) == SQLITE_ROW) {
		struct sz_reply_row *more = realloc(*rows,
			(*n + 1) * sizeof(**rows));
		if (more == NULL) {
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
			break;
		}
		*rows = more;
		struct sz_reply_row *row = &(*rows)[(*n)++];
		memset(row, 0, sizeof(*row));
		row->id = sqlite3_column_int64(st, 0);
		row->deleted = sqlite3_column_int(st, 3) != 0;
		if (!row->deleted)
			sz_sqlite_text(row->blob, sizeof(row->blob), st, 1);
		sz_sqlite_text(row->day, sizeof(row->day), st, 2);
		sz_sqlite_text(row->editor, sizeof(row->editor), st, 4);
	}
	if (rc == SZ_OK && r != SQLITE_DONE)
		rc = sz_sqlite_error(q->db, err, "reading replies");
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	if (rc != SZ_OK) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

int sz_sqlite_reply_delete(struct sz_store *s, int64_t source_id,
	int64_t reply_id, char blob[SZ_STORE_BLOB_NAME_MAX + 1],
	struct sz_err *err)
{
	static const char *const sql[] = {
		"SELECT blob FROM replies WHERE id = ?1 AND source_id = ?2 AND "
		"deleted = 0",
		/* the row keeps a name no blob has, so the file it named is no
		 * longer referenced: a crash before the file goes leaves an
		 * orphan that start-up sweeps */
		"UPDATE replies SET deleted = 1, blob = 'deleted-' || id "
		"WHERE id = ?1 AND source_id = ?2",
	};
	struct sqlite_store *q = sz_sqlite_impl(s);
	blob[0] = '\0';
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_exec(q->db, "BEGIN IMMEDIATE", err,
		"deleting a reply");
	for (size_t i = 0; rc == SZ_OK && i < 2; i++) {
		sqlite3_stmt *st = NULL;
		rc = sz_sqlite_prepare(q->db, sql[i], &st, err);
		if (rc == SZ_OK) {
			sqlite3_bind_int64(st, 1, reply_id);
			sqlite3_bind_int64(st, 2, source_id);
			int r = sz_sqlite_step(st);
			if (i == 0 && r == SQLITE_ROW)
				sz_sqlite_text(blob, SZ_STORE_BLOB_NAME_MAX + 1, st, 0);
			else if (i == 0 && r == SQLITE_DONE)
				rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such reply");
			else if (r != SQLITE_DONE)
				rc = sz_sqlite_error(q->db, err, "deleting a reply");
		}
		sqlite3_finalize(st);
	}
	if (rc == SZ_OK)
		rc = sz_sqlite_exec(q->db, "COMMIT", err, "deleting a reply");
	if (rc != SZ_OK)
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int sz_sqlite_source_star(struct sz_store *s, int64_t source_id,
	struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, "UPDATE sources SET starred = 1 - "
		"starred WHERE id = ?", &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_int64(st, 1, source_id);
		if (sz_sqlite_step(st) != SQLITE_DONE)
			rc = sz_sqlite_error(q->db, err, "starring a source");
		else if (sqlite3_changes(q->db) == 0)
			rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such source");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

/* Appends every blob name the query yields (one or two columns). */
static int collect(sqlite3 *db, sqlite3_stmt *st,
	char (**blobs)[SZ_STORE_BLOB_NAME_MAX + 1], size_t *n,
	struct sz_err *err)
{
	int r;
	while ((r = sz_sqlite_step(st)) == SQLITE_ROW) {
		for (int col = 0; col < sqlite3_column_count(st); col++) {
			const unsigned char *name = sqlite3_column_text(st, col);
			if (name == NULL || name[0] == '\0')
				continue;
			char (*more)[SZ_STORE_BLOB_NAME_MAX + 1] = realloc(*blobs,
				(*n + 1) * sizeof(**blobs));
			if (more == NULL)
				return sz_err_set(err, SZ_E_NOMEM, "out of memory");
			*blobs = more;
			snprintf((*blobs)[(*n)++], SZ_STORE_BLOB_NAME_MAX + 1, "%s",
				(const char *)name);
		}
	}
	return r == SQLITE_DONE ? SZ_OK : sz_sqlite_error(db, err,
		"deleting a source");
}

int sz_sqlite_source_delete(struct sz_store *s, int64_t source_id,
	char (**blobs)[SZ_STORE_BLOB_NAME_MAX + 1], size_t *nblobs,
	struct sz_err *err)
{
	static const char *const queries[] = {
		"SELECT i.blob, i.meta_blob FROM items i JOIN submissions b ON "
		"b.id = i.submission_id WHERE b.source_id = ?",
		"SELECT blob FROM replies WHERE source_id = ?",
	};
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	*blobs = NULL;
	*nblobs = 0;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_exec(q->db, "BEGIN IMMEDIATE", err,
		"deleting a source");
	for (size_t i = 0; rc == SZ_OK && i < 2; i++) {
		rc = sz_sqlite_prepare(q->db, queries[i], &st, err);
		if (rc == SZ_OK) {
			sqlite3_bind_int64(st, 1, source_id);
			rc = collect(q->db, st, blobs, nblobs, err);
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (rc == SZ_OK)
		rc = sz_sqlite_prepare(q->db, "DELETE FROM sources WHERE id = ?",
			&st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_int64(st, 1, source_id);
		if (sz_sqlite_step(st) != SQLITE_DONE)
			rc = sz_sqlite_error(q->db, err, "deleting a source");
		else if (sqlite3_changes(q->db) == 0)
			rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such source");
	}
	sqlite3_finalize(st);
	if (rc == SZ_OK)
		rc = sz_sqlite_exec(q->db, "COMMIT", err, "deleting a source");
	if (rc != SZ_OK) {
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
		free(*blobs);
		*blobs = NULL;
		*nblobs = 0;
	}
	pthread_mutex_unlock(&q->mu);
	return rc;
}
