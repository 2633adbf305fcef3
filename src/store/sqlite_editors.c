/*
 * sqlite_editors.c - editors' accounts and the audit log, in SQLite.
 * An editor's recipient lives in the recipients table too (under the
 * editor's name), so submissions are encrypted to every editor.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sqlite_internal.h"

/* Runs one statement with text/blob bindings already applied by bind();
 * used for the simple writes below. */
static int run_write(struct sqlite_store *q, sqlite3_stmt *st,
	struct sz_err *err, const char *what)
{
	int r = sz_sqlite_step(st);
	if (r == SQLITE_CONSTRAINT)
		return sz_err_set(err, SZ_E_EXISTS, "that name or key is "
			"already in use");
	if (r != SQLITE_DONE)
		return sz_sqlite_error(q->db, err, what);
	return SZ_OK;
}

int sz_sqlite_editor_add(struct sz_store *s, const struct sz_editor_row *e,
	struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	char day[SZ_STORE_DAY_SIZE];
	sz_store_today(day);
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_exec(q->db, "BEGIN IMMEDIATE", err,
		"adding an editor");
	if (rc == SZ_OK)
		rc = sz_sqlite_prepare(q->db, "INSERT INTO editors (name, "
			"password_hash, totp_secret, recipient, created_day) "
			"VALUES (?, ?, ?, ?, ?)", &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_text(st, 1, e->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, e->password_hash, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 3, e->totp_secret, SZ_STORE_TOTP_SECRET,
			SQLITE_STATIC);
		sqlite3_bind_text(st, 4, e->recipient, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, day, -1, SQLITE_STATIC);
		rc = run_write(q, st, err, "adding an editor");
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc == SZ_OK)
		rc = sz_sqlite_prepare(q->db, "INSERT INTO recipients (name, "
			"recipient, added_day) VALUES (?, ?, ?)", &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_text(st, 1, e->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, e->recipient, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, day, -1, SQLITE_STATIC);
		rc = run_write(q, st, err, "adding an editor");
		if (rc == SZ_E_EXISTS)
			sz_err_set(err, rc, "an editor or recipient with that "
				"name or key exists already");
	}
	sqlite3_finalize(st);
	if (rc == SZ_OK)
		rc = sz_sqlite_exec(q->db, "COMMIT", err, "adding an editor");
	if (rc != SZ_OK)
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int sz_sqlite_editor_remove(struct sz_store *s, const char *name,
	struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_exec(q->db, "BEGIN IMMEDIATE", err,
		"removing an editor");
	if (rc == SZ_OK)
		rc = sz_sqlite_prepare(q->db, "DELETE FROM editors WHERE name = ?",
			&st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		rc = run_write(q, st, err, "removing an editor");
		if (rc == SZ_OK && sqlite3_changes(q->db) == 0)
			rc = sz_err_set(err, SZ_E_NOT_FOUND, "no editor is named "
				"\"%.64s\"", name);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc == SZ_OK)
		rc = sz_sqlite_prepare(q->db, "DELETE FROM recipients WHERE "
			"name = ?", &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		rc = run_write(q, st, err, "removing an editor");
	}
	sqlite3_finalize(st);
	if (rc == SZ_OK)
		rc = sz_sqlite_exec(q->db, "COMMIT", err, "removing an editor");
	if (rc != SZ_OK)
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

static void read_editor(sqlite3_stmt *st, struct sz_editor_row *e,
	bool secrets)
{
	memset(e, 0, sizeof(*e));
	sz_sqlite_text(e->name, sizeof(e->name), st, 0);
	sz_sqlite_text(e->recipient, sizeof(e->recipient), st, 1);
	sz_sqlite_text(e->created_day, sizeof(e->created_day), st, 2);
	e->totp_last = sqlite3_column_int64(st, 3);
	e->failures = sqlite3_column_int64(st, 4);
	if (!secrets)
		return;
	sz_sqlite_text(e->password_hash, sizeof(e->password_hash), st, 5);
	if (sqlite3_column_bytes(st, 6) == SZ_STORE_TOTP_SECRET)
		memcpy(e->totp_secret, sqlite3_column_blob(st, 6),
			SZ_STORE_TOTP_SECRET);
}

#define EDITOR_COLUMNS "name, recipient, created_day, totp_last, failures, " \
	"password_hash, totp_secret"

int sz_sqlite_editor_list(struct sz_store *s, struct sz_editor_row **rows,
	size_t *n, struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	int r = SQLITE_DONE;
	*rows = NULL;
	*n = 0;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, "SELECT " EDITOR_COLUMNS " FROM "
		"editors ORDER BY name", &st, err);
	while (rc == SZ_OK && (r = sz_sqlite_step(st)) == SQLITE_ROW) {
		struct sz_editor_row *more = realloc(*rows,
			(*n + 1) * sizeof(**rows));
		if (more == NULL) {
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
			break;
		}
		*rows = more;
		read_editor(st, &(*rows)[(*n)++], false);
	}
	if (rc == SZ_OK && r != SQLITE_DONE)
		rc = sz_sqlite_error(q->db, err, "listing editors");
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	if (rc != SZ_OK) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

int sz_sqlite_editor_get(struct sz_store *s, const char *name,
	struct sz_editor_row *e, struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	memset(e, 0, sizeof(*e));
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, "SELECT " EDITOR_COLUMNS " FROM "
		"editors WHERE name = ?", &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		int r = sz_sqlite_step(st);
		if (r == SQLITE_ROW)
			read_editor(st, e, true);
		else if (r == SQLITE_DONE)
			rc = sz_err_set(err, SZ_E_NOT_FOUND, "no editor is "
				"named \"%.64s\"", name);
		else
			rc = sz_sqlite_error(q->db, err, "finding an editor");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int sz_sqlite_editor_set_totp(struct sz_store *s, const char *name,
	const uint8_t secret[SZ_STORE_TOTP_SECRET], struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, "UPDATE editors SET totp_secret = ?, "
		"totp_last = -1, failures = 0 WHERE name = ?", &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_blob(st, 1, secret, SZ_STORE_TOTP_SECRET,
			SQLITE_STATIC);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		rc = run_write(q, st, err, "resetting a TOTP secret");
		if (rc == SZ_OK && sqlite3_changes(q->db) == 0)
			rc = sz_err_set(err, SZ_E_NOT_FOUND, "no editor is named "
				"\"%.64s\"", name);
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int sz_sqlite_editor_totp_used(struct sz_store *s, const char *name,
	int64_t step, struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, "UPDATE editors SET totp_last = ? "
		"WHERE name = ? AND totp_last < ?", &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_int64(st, 1, step);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, step);
		rc = run_write(q, st, err, "recording a code");
		if (rc == SZ_OK && sqlite3_changes(q->db) == 0)
			rc = sz_err_set(err, SZ_E_EXISTS, "that code was used "
				"already; wait for the next one");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int sz_sqlite_audit_add(struct sz_store *s, const char *actor,
	const char *action, const char *detail, struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	char at[20];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(at, sizeof(at), "%Y-%m-%d %H:%M", &tm);
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, "INSERT INTO audit (at, actor, "
		"action, detail) VALUES (?, ?, ?, substr(?, 1, 256))", &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_text(st, 1, at, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, detail, -1, SQLITE_STATIC);
		rc = run_write(q, st, err, "writing the audit log");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int sz_sqlite_audit_list(struct sz_store *s, struct sz_audit_row **rows,
	size_t *n, struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	int r = SQLITE_DONE;
	*rows = NULL;
	*n = 0;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, "SELECT at, actor, action, detail "
		"FROM audit ORDER BY id", &st, err);
	while (rc == SZ_OK && (r = sz_sqlite_step(st)) == SQLITE_ROW) {
		struct sz_audit_row *more = realloc(*rows,
			(*n + 1) * sizeof(**rows));
		if (more == NULL) {
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
			break;
		}
		*rows = more;
		struct sz_audit_row *a = &(*rows)[(*n)++];
		sz_sqlite_text(a->at, sizeof(a->at), st, 0);
		sz_sqlite_text(a->actor, sizeof(a->actor), st, 1);
		sz_sqlite_text(a->action, sizeof(a->action), st, 2);
		sz_sqlite_text(a->detail, sizeof(a->detail), st, 3);
	}
	if (rc == SZ_OK && r != SQLITE_DONE)
		rc = sz_sqlite_error(q->db, err, "reading the audit log");
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	if (rc != SZ_OK) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

int sz_sqlite_editor_set_failures(struct sz_store *s, const char *name,
	int64_t failures, struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, "UPDATE editors SET failures = ? "
		"WHERE name = ?", &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_int64(st, 1, failures);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		rc = run_write(q, st, err, "recording a login");
		if (rc == SZ_OK && sqlite3_changes(q->db) == 0)
			rc = sz_err_set(err, SZ_E_NOT_FOUND, "no editor is named "
				"\"%.64s\"", name);
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

/* Runs a counting statement (bound by the caller) whose RETURNING gives
 * the new count: 1 and *count if a row changed, 0 if none, < 0 on error. */
static int counted(struct sqlite_store *q, sqlite3_stmt *st, int64_t *count,
	struct sz_err *err)
{
	int r = sz_sqlite_step(st);
	if (r == SQLITE_ROW) {
		*count = sqlite3_column_int64(st, 0);
		return 1;
	}
	return r == SQLITE_DONE ? 0 : sz_sqlite_error(q->db, err,
		"recording a login");
}

/*
 * One transaction: the editor's own counter if the name is an editor's,
 * else the counter of its keyed hash.  The UPDATE ... WHERE failures < max
 * RETURNING is the check and the charge at once: no read-then-write.
 */
int sz_sqlite_editor_failure_charge(struct sz_store *s, const char *name,
	const uint8_t name_key[32], int64_t max, int64_t *failures,
	struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	int got = 0;
	*failures = max;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_exec(q->db, "BEGIN IMMEDIATE", err,
		"recording a login");
	if (rc == SZ_OK)
		rc = sz_sqlite_prepare(q->db, "UPDATE editors SET failures = "
			"failures + 1 WHERE name = ? AND failures < ? RETURNING "
			"failures", &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, max);
		got = counted(q, st, failures, err);
	}
	sqlite3_finalize(st);
	st = NULL;
	bool editor = got == 1;
	if (rc == SZ_OK && got == 0) {
		rc = sz_sqlite_prepare(q->db, "SELECT 1 FROM editors WHERE "
			"name = ?", &st, err);
		if (rc == SZ_OK) {
			sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
			editor = sz_sqlite_step(st) == SQLITE_ROW;
		}
		sqlite3_finalize(st);
		st = NULL;
	}
	if (rc == SZ_OK && got == 0 && !editor) {
		rc = sz_sqlite_prepare(q->db, "INSERT INTO login_failures "
			"(name_key, failures) VALUES (?1, 1) ON CONFLICT (name_key) "
			"DO UPDATE SET failures = failures + 1 WHERE failures < ?2 "
			"RETURNING failures", &st, err);
		if (rc == SZ_OK) {
			sqlite3_bind_blob(st, 1, name_key, 32, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, max);
			got = counted(q, st, failures, err);
		}
		sqlite3_finalize(st);
	}
	if (rc == SZ_OK && got < 0)
		rc = got;
	if (rc == SZ_OK)
		rc = sz_sqlite_exec(q->db, "COMMIT", err, "recording a login");
	if (rc != SZ_OK)
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
	pthread_mutex_unlock(&q->mu);
	if (rc == SZ_OK && got == 0) {
		*failures = max;
		return SZ_E_LIMIT;
	}
	return rc;
}
