/*
 * postgres_editors.c - editors' accounts, their logins (one-time codes
 * used once, failures counted before a password is tried), desks and
 * the audit log, in the inbox's PostgreSQL back end.  Counters change in
 * SQL (UPDATE ... RETURNING), never read and written back in C.  An
 * editor's recipient is a row of recipients too, under the editor's
 * name, so submissions are encrypted to every editor.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/postgres_inbox_internal.h"

/* ---- editors ------------------------------------------------------------- */

struct editor_ctx {
	const struct sz_editor_row *e;
	const char *name;
	char day[SZ_STORE_DAY_SIZE];
};

static const char SQL_EDITOR_ADD[] =
	"INSERT INTO editors (name, password_hash, totp_secret, recipient,"
	" created_day) VALUES ($1::text, $2::text, $3::bytea, $4::text,"
	" $5::text)";
static const char SQL_RECIPIENT_ADD[] =
	"INSERT INTO recipients (name, recipient, added_day) VALUES ($1::text,"
	" $2::text, $3::text)";

static int editor_add_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct editor_ctx *x = ctx;
	const struct sz_editor_row *e = x->e;
	struct pg_value v[] = { PG_S(e->name), PG_S(e->password_hash),
		PG_B(e->totp_secret, SZ_STORE_TOTP_SECRET), PG_S(e->recipient),
		PG_S(x->day) };
	struct pg_value r[] = { PG_S(e->name), PG_S(e->recipient), PG_S(x->day) };
	int rc = pg_run(c, SQL_EDITOR_ADD, v, 5, NULL, "adding an editor", err);
	if (rc == SZ_OK)
		rc = pg_run(c, SQL_RECIPIENT_ADD, r, 3, NULL, "adding an editor",
			err);
	if (rc == SZ_E_EXISTS)
		rc = sz_err_set(err, SZ_E_EXISTS, "an editor or recipient with "
			"that name or key exists already");
	return rc;
}

int pi_editor_add(struct sz_store *s, const struct sz_editor_row *e,
	struct sz_err *err)
{
	struct editor_ctx x = { e, NULL, "" };
	sz_store_today(x.day);
	return pg_transaction(ipool(s), editor_add_tx, &x, err);
}

static const char SQL_EDITOR_REMOVE[] =
	"DELETE FROM editors WHERE name = $1::text";
static const char SQL_RECIPIENT_REMOVE[] =
	"DELETE FROM recipients WHERE name = $1::text";

static int editor_remove_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct editor_ctx *x = ctx;
	int64_t gone = 0;
	struct pg_value v[] = { PG_S(x->name) };
	int rc = pg_run(c, SQL_EDITOR_REMOVE, v, 1, &gone, "removing an editor",
		err);
	if (rc == SZ_OK && gone == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no editor is named "
			"\"%.64s\"", x->name);
	if (rc == SZ_OK)
		rc = pg_run(c, SQL_RECIPIENT_REMOVE, v, 1, NULL,
			"removing an editor", err);
	return rc;
}

int pi_editor_remove(struct sz_store *s, const char *name,
	struct sz_err *err)
{
	struct editor_ctx x = { NULL, name, "" };
	return pg_transaction(ipool(s), editor_remove_tx, &x, err);
}

#define EDITOR_COLUMNS "name, recipient, created_day, totp_last, failures," \
	" password_hash, totp_secret"
static const char SQL_EDITOR_LIST[] =
	"SELECT " EDITOR_COLUMNS " FROM editors ORDER BY name";
static const char SQL_EDITOR_GET[] =
	"SELECT " EDITOR_COLUMNS " FROM editors WHERE name = $1::text";

static void read_editor(const PGresult *r, int row, struct sz_editor_row *e,
	bool secrets)
{
	pg_text(e->name, sizeof(e->name), r, row, 0);
	pg_text(e->recipient, sizeof(e->recipient), r, row, 1);
	pg_text(e->created_day, sizeof(e->created_day), r, row, 2);
	e->totp_last = pg_int(r, row, 3);
	e->failures = pg_int(r, row, 4);
	if (!secrets)
		return;
	pg_text(e->password_hash, sizeof(e->password_hash), r, row, 5);
	size_t len = 0;
	unsigned char *bin = PQunescapeBytea(
		(const unsigned char *)PQgetvalue(r, row, 6), &len);
	if (bin != NULL && len == SZ_STORE_TOTP_SECRET)
		memcpy(e->totp_secret, bin, SZ_STORE_TOTP_SECRET);
	if (bin != NULL) {
		/* the TOTP secret: wiped before libpq's copy is freed */
		memset(bin, 0, len);
		PQfreemem(bin);
	}
}

/* An editor as listed: no password hash, no TOTP secret. */
static void read_listed(const PGresult *r, int row, void *dst)
{
	read_editor(r, row, dst, false);
}

int pi_editor_list(struct sz_store *s, struct sz_editor_row **rows,
	size_t *n, struct sz_err *err)
{
	return pg_read_rows(ipool(s), SQL_EDITOR_LIST, NULL, 0, sizeof(**rows),
		SIZE_MAX, read_listed, (void **)rows, n, "listing editors", err);
}

int pi_editor_get(struct sz_store *s, const char *name,
	struct sz_editor_row *e, struct sz_err *err)
{
	int rc;
	memset(e, 0, sizeof(*e));
	struct pg_value v[] = { PG_S(name) };
	PGresult *res = pg_read(ipool(s), SQL_EDITOR_GET, v, 1, &rc,
		"finding an editor", err);
	if (res == NULL)
		return rc;
	if (PQntuples(res) > 0) {
		read_editor(res, 0, e, true);
		/* the password hash and TOTP secret: wiped in libpq's result
		 * before it is freed */
		for (int col = 5; col <= 6; col++)
			memset(PQgetvalue(res, 0, col), 0,
				(size_t)PQgetlength(res, 0, col));
	} else {
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no editor is named "
			"\"%.64s\"", name);
	}
	PQclear(res);
	return rc;
}

static const char SQL_SET_TOTP[] =
	"UPDATE editors SET totp_secret = $1::bytea, totp_last = -1,"
	" failures = 0 WHERE name = $2::text";
static const char SQL_TOTP_USED[] =
	"UPDATE editors SET totp_last = $1::bigint WHERE name = $2::text"
	" AND totp_last < $1::bigint";
static const char SQL_SET_FAILURES[] =
	"UPDATE editors SET failures = $1::bigint WHERE name = $2::text";

int pi_editor_set_totp(struct sz_store *s, const char *name,
	const uint8_t secret[SZ_STORE_TOTP_SECRET], struct sz_err *err)
{
	char missing[128];
	snprintf(missing, sizeof(missing), "no editor is named \"%.64s\"",
		name);
	struct pg_value v[] = { PG_B(secret, SZ_STORE_TOTP_SECRET),
		PG_S(name) };
	return pg_write(ipool(s), SQL_SET_TOTP, v, 2, "resetting a TOTP secret",
		missing, err);
}

int pi_editor_totp_used(struct sz_store *s, const char *name, int64_t step,
	struct sz_err *err)
{
	struct pg_value v[] = { PG_I(step), PG_S(name) };
	int rc = pg_write(ipool(s), SQL_TOTP_USED, v, 2, "recording a code",
		"", err);
	if (rc == SZ_E_NOT_FOUND)
		rc = sz_err_set(err, SZ_E_EXISTS, "that code was used already; "
			"wait for the next one");
	return rc;
}

int pi_editor_set_failures(struct sz_store *s, const char *name,
	int64_t failures, struct sz_err *err)
{
	char missing[128];
	snprintf(missing, sizeof(missing), "no editor is named \"%.64s\"",
		name);
	struct pg_value v[] = { PG_I(failures), PG_S(name) };
	return pg_write(ipool(s), SQL_SET_FAILURES, v, 2, "recording a login",
		missing, err);
}

struct charge_ctx {
	const char *name;
	const uint8_t *key;
	int64_t max, failures;
	bool charged;
};

/* The check and the charge at once: no read-then-write. */
static const char SQL_CHARGE[] =
	"UPDATE editors SET failures = failures + 1 WHERE name = $1::text"
	" AND failures < $2::bigint RETURNING failures";
static const char SQL_IS_EDITOR[] =
	"SELECT 1 FROM editors WHERE name = $1::text";
static const char SQL_CHARGE_KEY[] =
	"INSERT INTO login_failures AS f (name_key, failures)"
	" VALUES ($1::bytea, 1) ON CONFLICT (name_key) DO UPDATE"
	" SET failures = f.failures + 1 WHERE f.failures < $2::bigint"
	" RETURNING failures";

static int charge_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct charge_ctx *x = ctx;
	int rc;
	struct pg_value v[] = { PG_S(x->name), PG_I(x->max) };
	x->charged = false;
	PGresult *res = pg_exec(c, SQL_CHARGE, v, 2, &rc, "recording a login",
		err);
	if (res == NULL)
		return rc;
	if (PQntuples(res) > 0) {
		x->charged = true;
		x->failures = pg_int(res, 0, 0);
	}
	PQclear(res);
	if (x->charged)
		return SZ_OK;
	int64_t editor = 0;
	rc = pg_int_of(c, SQL_IS_EDITOR, v, 1, &editor, "recording a login",
		err);
	if (rc != SZ_OK || editor)
		return rc;   /* an editor at the limit: locked */
	struct pg_value k[] = { PG_B(x->key, 32), PG_I(x->max) };
	res = pg_exec(c, SQL_CHARGE_KEY, k, 2, &rc, "recording a login", err);
	if (res == NULL)
		return rc;
	if (PQntuples(res) > 0) {
		x->charged = true;
		x->failures = pg_int(res, 0, 0);
	}
	PQclear(res);
	return SZ_OK;
}

int pi_editor_failure_charge(struct sz_store *s, const char *name,
	const uint8_t name_key[32], int64_t max, int64_t *failures,
	struct sz_err *err)
{
	struct charge_ctx x = { name, name_key, max, max, false };
	int rc = pg_transaction(ipool(s), charge_tx, &x, err);
	*failures = max;
	if (rc != SZ_OK)
		return rc;
	if (!x.charged)
		return SZ_E_LIMIT;
	*failures = x.failures;
	return SZ_OK;
}

/* ---- the audit log ------------------------------------------------------- */

static const char SQL_AUDIT_ADD[] =
	"INSERT INTO audit (at, actor, action, detail) VALUES ($1::text,"
	" $2::text, $3::text, left($4::text, 256))";
static const char SQL_AUDIT_LIST[] =
	"SELECT at, actor, action, detail FROM audit ORDER BY id";

int pi_audit_add(struct sz_store *s, const char *actor, const char *action,
	const char *detail, struct sz_err *err)
{
	char at[20];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(at, sizeof(at), "%Y-%m-%d %H:%M", &tm);
	struct pg_value v[] = { PG_S(at), PG_S(actor), PG_S(action),
		PG_S(detail) };
	return pg_write(ipool(s), SQL_AUDIT_ADD, v, 4, "writing the audit log",
		NULL, err);
}

static void read_audit(const PGresult *res, int i, void *dst)
{
	struct sz_audit_row *a = dst;
	pg_text(a->at, sizeof(a->at), res, i, 0);
	pg_text(a->actor, sizeof(a->actor), res, i, 1);
	pg_text(a->action, sizeof(a->action), res, i, 2);
	pg_text(a->detail, sizeof(a->detail), res, i, 3);
}

int pi_audit_list(struct sz_store *s, struct sz_audit_row **rows, size_t *n,
	struct sz_err *err)
{
	return pg_read_rows(ipool(s), SQL_AUDIT_LIST, NULL, 0, sizeof(**rows),
		SIZE_MAX, read_audit, (void **)rows, n, "reading the audit log",
		err);
}

/* ---- desks --------------------------------------------------------------- */

static const char SQL_DESK_OPEN[] =
	"UPDATE desks SET closed = 0 WHERE name = $1::text AND closed <> 0";
static const char SQL_DESK_ADD[] = "INSERT INTO desks (name) VALUES ($1::text)";

struct desk_ctx {
	const char *name, *editor;
	bool on, closed;
};

static int desk_add_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct desk_ctx *x = ctx;
	int64_t opened = 0;
	struct pg_value v[] = { PG_S(x->name) };
	int rc = pg_run(c, SQL_DESK_OPEN, v, 1, &opened, "opening a desk", err);
	if (rc == SZ_OK && opened == 0)
		rc = pg_run(c, SQL_DESK_ADD, v, 1, NULL, "adding a desk", err);
	if (rc == SZ_E_EXISTS)
		rc = sz_err_set(err, SZ_E_EXISTS, "there is a desk named "
			"\"%.64s\" already", x->name);
	return rc;
}

int pi_desk_add(struct sz_store *s, const char *name, struct sz_err *err)
{
	struct desk_ctx x = { name, NULL, false, false };
	return pg_transaction(ipool(s), desk_add_tx, &x, err);
}

/* Closed, never deleted here: a source's first submission to it may be
 * held in the source face's memory, and its batch will write this desk's
 * id (pi_desk_purge deletes it once nothing does). */
static const char SQL_DESK_CLOSE[] =
	"UPDATE desks SET closed = 1 WHERE name = $1::text";
static const char SQL_DESK_CHOSEN[] =
	"SELECT 1 FROM sources s JOIN desks d ON d.id = s.desk"
	" WHERE d.name = $1::text LIMIT 1";

static int desk_remove_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct desk_ctx *x = ctx;
	int64_t changed = 0, chosen = 0;
	struct pg_value v[] = { PG_S(x->name) };
	int rc = pg_run(c, SQL_DESK_CLOSE, v, 1, &changed, "closing a desk",
		err);
	if (rc == SZ_OK && changed == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no desk is named \"%.64s\"",
			x->name);
	if (rc == SZ_OK)
		rc = pg_int_of(c, SQL_DESK_CHOSEN, v, 1, &chosen, "closing a desk",
			err);
	x->closed = chosen != 0;
	return rc;
}

int pi_desk_remove(struct sz_store *s, const char *name, bool *closed,
	struct sz_err *err)
{
	struct desk_ctx x = { name, NULL, false, false };
	int rc = pg_transaction(ipool(s), desk_remove_tx, &x, err);
	*closed = rc == SZ_OK && x.closed;
	return rc;
}

/* $1: the held desks' ids as an array. */
static const char SQL_DESK_PURGE[] =
	"DELETE FROM desks WHERE closed = 1 AND NOT EXISTS (SELECT 1 FROM"
	" sources WHERE desk = desks.id) AND NOT (id = ANY ($1::bigint[]))";

int pi_desk_purge(struct sz_store *s, const int64_t *held, size_t n,
	struct sz_err *err)
{
	/* the ids in an array's text form, a parameter like any value; n is
	 * bounded by the desks there are */
	size_t cap = 3 + n * 21;
	char *list = malloc(cap);
	if (list == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	size_t o = 0;
	list[o++] = '{';
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(list + o, cap - o, "%s%lld", i ? "," : "",
			(long long)held[i]);
	snprintf(list + o, cap - o, "}");
	struct pg_value v[] = { PG_S(list) };
	int rc = pg_write(ipool(s), SQL_DESK_PURGE, v, 1,
		"deleting closed desks", NULL, err);
	free(list);
	return rc;
}

static const char SQL_DESK_LIST[] =
	"SELECT d.id, d.name, d.closed,"
	" (SELECT count(*) FROM sources WHERE desk = d.id),"
	" coalesce((SELECT string_agg(e.name, ', ' ORDER BY e.name)"
	"  FROM desk_editors m JOIN editors e ON e.id = m.editor_id"
	"  WHERE m.desk_id = d.id), ''),"
	" (SELECT count(*) FROM desk_editors WHERE desk_id = d.id)"
	" FROM desks d ORDER BY d.closed, d.name LIMIT $1::bigint";

int pi_desk_list(struct sz_store *s, struct sz_desk_row **rows, size_t *n,
	struct sz_err *err)
{
	int rc;
	*rows = NULL;
	*n = 0;
	struct pg_value v[] = { PG_I(SZ_STORE_DESKS_MAX) };
	PGresult *res = pg_read(ipool(s), SQL_DESK_LIST, v, 1, &rc,
		"listing the desks", err);
	if (res == NULL)
		return rc;
	*rows = calloc(SZ_STORE_DESKS_MAX, sizeof(**rows));
	if (*rows == NULL)
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	for (int i = 0; rc == SZ_OK && i < PQntuples(res) &&
	     i < SZ_STORE_DESKS_MAX; i++) {
		struct sz_desk_row *d = &(*rows)[(*n)++];
		d->id = pg_int(res, i, 0);
		pg_text(d->name, sizeof(d->name), res, i, 1);
		d->closed = pg_int(res, i, 2) != 0;
		d->sources = pg_int(res, i, 3);
		pg_text(d->editors, sizeof(d->editors), res, i, 4);
		d->neditors = pg_int(res, i, 5);
	}
	PQclear(res);
	return rc;
}

static const char SQL_MEMBER_ON[] =
	"INSERT INTO desk_editors (desk_id, editor_id) SELECT d.id, e.id"
	" FROM desks d, editors e WHERE d.name = $1::text AND e.name = $2::text"
	" ON CONFLICT DO NOTHING";
static const char SQL_MEMBER_OFF[] =
	"DELETE FROM desk_editors WHERE desk_id = (SELECT id FROM desks"
	" WHERE name = $1::text) AND editor_id = (SELECT id FROM editors"
	" WHERE name = $2::text)";
static const char SQL_DESK_EXISTS[] =
	"SELECT 1 FROM desks WHERE name = $1::text";
static const char SQL_EDITOR_EXISTS[] =
	"SELECT 1 FROM editors WHERE name = $1::text";

static int desk_member_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct desk_ctx *x = ctx;
	int64_t changed = 0, found = 0;
	struct pg_value v[] = { PG_S(x->name), PG_S(x->editor) };
	int rc = pg_run(c, x->on ? SQL_MEMBER_ON : SQL_MEMBER_OFF, v, 2,
		&changed, x->on ? "putting an editor on a desk" :
		"taking an editor off a desk", err);
	if (rc != SZ_OK || changed > 0)
		return rc;
	/* say what was wrong: the desk, the editor, or nothing to do */
	rc = pg_int_of(c, SQL_DESK_EXISTS, v, 1, &found, "reading desks", err);
	if (rc == SZ_OK && !found)
		return sz_err_set(err, SZ_E_NOT_FOUND, "no desk is named "
			"\"%.64s\" (samizdat desk list)", x->name);
	if (rc == SZ_OK)
		rc = pg_int_of(c, SQL_EDITOR_EXISTS, v + 1, 1, &found,
			"reading desks", err);
	if (rc == SZ_OK && !found)
		return sz_err_set(err, SZ_E_NOT_FOUND, "no editor is named "
			"\"%.64s\" (samizdat editor list)", x->editor);
	return rc;   /* on it already, or not on it: nothing changes */
}

int pi_desk_member(struct sz_store *s, const char *desk, const char *editor,
	bool on, struct sz_err *err)
{
	struct desk_ctx x = { desk, editor, on, false };
	return pg_transaction(ipool(s), desk_member_tx, &x, err);
}

static const char SQL_ALL_RECIPIENTS[] =
	"SELECT name, recipient, added_day FROM recipients ORDER BY id";
static const char SQL_DESK_RECIPIENTS[] =
	"SELECT e.name, e.recipient, e.created_day FROM desk_editors m"
	" JOIN editors e ON e.id = m.editor_id"
	" WHERE m.desk_id = $1::bigint ORDER BY e.id";

int pi_desk_recipients(struct sz_store *s, int64_t desk,
	struct sz_recipient_row **rows, size_t *n, struct sz_err *err)
{
	struct pg_value v[] = { PG_I(desk) };
	return pi_recipient_query(s, desk == 0 ? SQL_ALL_RECIPIENTS :
		SQL_DESK_RECIPIENTS, v, desk == 0 ? 0 : 1, rows, n, err);
}

static const char SQL_DESK_READER[] =
	"SELECT 1 FROM desk_editors m JOIN editors e ON e.id = m.editor_id"
	" WHERE e.name = $1::text AND m.desk_id = $2::bigint";

int pi_desk_reader(struct sz_store *s, int64_t desk, const char *editor,
	bool *yes, struct sz_err *err)
{
	int rc;
	*yes = desk == 0;
	if (desk == 0)
		return SZ_OK;
	struct pg_value v[] = { PG_S(editor), PG_I(desk) };
	PGresult *res = pg_read(ipool(s), SQL_DESK_READER, v, 2, &rc,
		"reading desks", err);
	if (res == NULL)
		return rc;
	*yes = PQntuples(res) > 0;
	PQclear(res);
	return SZ_OK;
}

static const char SQL_SOURCE_DESK[] =
	"SELECT desk, submissions FROM sources WHERE id = $1::bigint";

int pi_source_desk(struct sz_store *s, int64_t source_id, int64_t *desk,
	bool *fixed, struct sz_err *err)
{
	int rc;
	*desk = 0;
	*fixed = false;
	struct pg_value v[] = { PG_I(source_id) };
	PGresult *res = pg_read(ipool(s), SQL_SOURCE_DESK, v, 1, &rc,
		"reading a source's desk", err);
	if (res == NULL)
		return rc;
	if (PQntuples(res) > 0) {
		*desk = pg_int(res, 0, 0);
		*fixed = pg_int(res, 0, 1) > 0;
	} else {
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such source");
	}
	PQclear(res);
	return rc;
}
