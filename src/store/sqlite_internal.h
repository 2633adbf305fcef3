/*
 * sqlite_internal.h - shared by the files of the SQLite back end only:
 * the handle and the helpers that retry while the database is busy.
 */
#ifndef SZ_STORE_SQLITE_INTERNAL_H
#define SZ_STORE_SQLITE_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>

#include "store/store.h"

struct sqlite_store {
	struct sz_store base;
	sqlite3 *db;
	pthread_mutex_t mu;   /* one connection, one user at a time */
};

struct sqlite_store *sz_sqlite_impl(struct sz_store *s);
int sz_sqlite_error(sqlite3 *db, struct sz_err *err, const char *what);
int sz_sqlite_exec(sqlite3 *db, const char *sql, struct sz_err *err,
	const char *what);
int sz_sqlite_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st,
	struct sz_err *err);
/* Steps, retrying while busy; returns the SQLite code. */
int sz_sqlite_step(sqlite3_stmt *st);
/* The database's schema version (PRAGMA user_version) into *version;
 * refuses, with advice, one newer than the n steps this samizdat knows. */
int sz_sqlite_schema(sqlite3 *db, size_t n, int *version, struct sz_err *err);
/* Keeps the WAL and its shared-memory index when the last connection
 * closes: a sandboxed process may only open files that existed when it
 * locked itself in (sandbox/landlock.c), so they must not come and go. */
void sz_sqlite_persist_wal(sqlite3 *db);
/* Applies the numbered schema steps the database (PRAGMA user_version)
 * has not had yet, each in its own transaction that reads the version
 * first: safe when several processes open the database at once. */
int sz_sqlite_migrate(sqlite3 *db, const char *const *steps, size_t n,
	struct sz_err *err);
/* Creates the database file at path if it is missing, and makes it and
 * any -wal, -shm or -journal beside it mode 0600 whatever the umask:
 * SQLite gives those files the database file's mode, so they follow. */
int sz_sqlite_private_files(const char *path, struct sz_err *err);
/* Runs sql, whose one parameter is id, under the mutex, and hands its
 * row to read; SZ_E_NOT_FOUND ("no such <what>") if there is none. */
int sz_sqlite_row_by_id(struct sz_store *s, const char *sql, int64_t id,
	void (*read)(sqlite3_stmt *st, void *out), void *out, const char *what,
	struct sz_err *err);
/* Copies a text column (bounded; "" for NULL). */
void sz_sqlite_text(char *dst, size_t cap, sqlite3_stmt *st, int col);

/* sqlite_editors.c */
int sz_sqlite_editor_add(struct sz_store *s, const struct sz_editor_row *e,
	struct sz_err *err);
int sz_sqlite_editor_remove(struct sz_store *s, const char *name,
	struct sz_err *err);
int sz_sqlite_editor_list(struct sz_store *s, struct sz_editor_row **rows,
	size_t *n, struct sz_err *err);
int sz_sqlite_editor_get(struct sz_store *s, const char *name,
	struct sz_editor_row *e, struct sz_err *err);
int sz_sqlite_editor_set_totp(struct sz_store *s, const char *name,
	const uint8_t secret[SZ_STORE_TOTP_SECRET], struct sz_err *err);
int sz_sqlite_editor_totp_used(struct sz_store *s, const char *name,
	int64_t step, struct sz_err *err);
int sz_sqlite_editor_set_failures(struct sz_store *s, const char *name,
	int64_t failures, struct sz_err *err);
/* sqlite_desks.c */
int sz_sqlite_desk_add(struct sz_store *s, const char *name,
	struct sz_err *err);
int sz_sqlite_desk_remove(struct sz_store *s, const char *name,
	bool *closed, struct sz_err *err);
int sz_sqlite_desk_purge(struct sz_store *s, const int64_t *held, size_t n,
	struct sz_err *err);
int sz_sqlite_desk_list(struct sz_store *s, struct sz_desk_row **rows,
	size_t *n, struct sz_err *err);
int sz_sqlite_desk_member(struct sz_store *s, const char *desk,
	const char *editor, bool on, struct sz_err *err);
int sz_sqlite_desk_recipients(struct sz_store *s, int64_t desk,
	struct sz_recipient_row **rows, size_t *n, struct sz_err *err);
int sz_sqlite_desk_reader(struct sz_store *s, int64_t desk,
	const char *editor, bool *yes, struct sz_err *err);
int sz_sqlite_source_desk(struct sz_store *s, int64_t source_id,
	int64_t *desk, bool *fixed, struct sz_err *err);
int sz_sqlite_editor_failure_charge(struct sz_store *s, const char *name,
	const uint8_t name_key[32], int64_t max, int64_t *failures,
	struct sz_err *err);
/* sqlite_inbox_page.c */
int sz_sqlite_inbox_page(struct sz_store *s, const struct sz_inbox_query *q,
	struct sz_inbox_page *page, struct sz_err *err);
int sz_sqlite_inbox_counts(struct sz_store *s, const char *editor,
	struct sz_inbox_counts *c, struct sz_err *err);
int sz_sqlite_source_get(struct sz_store *s, int64_t id,
	struct sz_source_row *row, struct sz_err *err);
/* sqlite_inbox.c */
int sz_sqlite_source_items(struct sz_store *s, int64_t source_id,
	struct sz_item_full **rows, size_t *n, struct sz_err *err);
int sz_sqlite_item_get(struct sz_store *s, int64_t id,
	struct sz_item_full *it, struct sz_err *err);
int sz_sqlite_item_seen(struct sz_store *s, int64_t id, struct sz_err *err);
int sz_sqlite_source_seen(struct sz_store *s, int64_t source_id,
	struct sz_err *err);
int sz_sqlite_source_public_key(struct sz_store *s, int64_t source_id,
	uint8_t key[32], struct sz_err *err);
int sz_sqlite_reply_add(struct sz_store *s, int64_t source_id,
	const char *blob, const char *editor, struct sz_err *err);
int sz_sqlite_replies(struct sz_store *s, int64_t source_id,
	struct sz_reply_row **rows, size_t *n, struct sz_err *err);
int sz_sqlite_reply_delete(struct sz_store *s, int64_t source_id,
	int64_t reply_id, char blob[SZ_STORE_BLOB_NAME_MAX + 1],
	struct sz_err *err);
int sz_sqlite_source_star(struct sz_store *s, int64_t source_id,
	struct sz_err *err);
int sz_sqlite_source_delete(struct sz_store *s, int64_t source_id,
	char (**blobs)[SZ_STORE_BLOB_NAME_MAX + 1], size_t *nblobs,
	struct sz_err *err);
int sz_sqlite_audit_add(struct sz_store *s, const char *actor,
	const char *action, const char *detail, struct sz_err *err);
int sz_sqlite_audit_list(struct sz_store *s, struct sz_audit_row **rows,
	size_t *n, struct sz_err *err);

#endif
