/*
 * postgres_forum_members.c - members, reserved names and invitations in
 * the forum's PostgreSQL back end.  Taking a name and using an invitation
 * happen in one serializable transaction, so two registrations racing
 * for a name or a code cannot both win.  (Rate budgets are not stored:
 * web/budget.h keeps them in the public face's memory.)
 */
#include <stdlib.h>
#include <string.h>

#include "store/postgres_forum_internal.h"

#define MEMBER_COLS "id, name, name_key, password_hash, role, title, badge," \
	" country, joined_day, state, banned, silenced, posts, approved_posts," \
	" likes_received, likes_given, posts_read, threads_entered"

static void member_read(const PGresult *r, int row, struct sz_forum_member *m)
{
	memset(m, 0, sizeof(*m));
	m->id = pg_int(r, row, 0);
	pg_text(m->name, sizeof(m->name), r, row, 1);
	pg_text(m->key, sizeof(m->key), r, row, 2);
	pg_text(m->password_hash, sizeof(m->password_hash), r, row, 3);
	m->role = (enum sz_forum_role)pg_int(r, row, 4);
	pg_text(m->title, sizeof(m->title), r, row, 5);
	pg_text(m->badge, sizeof(m->badge), r, row, 6);
	pg_text(m->country, sizeof(m->country), r, row, 7);
	pg_text(m->joined_day, sizeof(m->joined_day), r, row, 8);
	m->state = (enum sz_forum_member_state)pg_int(r, row, 9);
	m->banned = pg_int(r, row, 10) != 0;
	m->silenced = pg_int(r, row, 11) != 0;
	m->posts = pg_int(r, row, 12);
	m->approved_posts = pg_int(r, row, 13);
	m->likes_received = pg_int(r, row, 14);
	m->likes_given = pg_int(r, row, 15);
	m->posts_read = pg_int(r, row, 16);
	m->threads_entered = pg_int(r, row, 17);
}

struct create_ctx {
	const struct sz_forum_member *m;
	const uint8_t *invite;
	int64_t id;
};

static const char SQL_KEY_TAKEN[] =
	"SELECT 1 FROM members WHERE name_key = $1::text"
	" UNION ALL SELECT 1 FROM reserved WHERE name_key = $1::text";
static const char SQL_INVITE_USE[] =
	"UPDATE invites SET used_by = $2::bigint WHERE code_hash = $1::bytea"
	" AND used_by IS NULL";
static const char SQL_MEMBER_INSERT[] =
	"INSERT INTO members (name, name_key, password_hash, role, title, badge,"
	" country, joined_day, state) VALUES ($1::text, $2::text, $3::text,"
	" $4::integer, $5::text, $6::text, $7::text, $8::text, $9::integer)"
	" RETURNING id";

static int create_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct create_ctx *x = ctx;
	const struct sz_forum_member *m = x->m;
	int64_t taken = 0, used = 0;
	struct pg_value k[] = { PG_S(m->key) };
	int rc = pg_int_of(c, SQL_KEY_TAKEN, k, 1, &taken, "checking a name",
		err);
	if (rc == 0 && taken)
		return sz_err_set(err, SZ_E_EXISTS, "that name is taken");
	struct pg_value v[] = { PG_S(m->name), PG_S(m->key),
		PG_S(m->password_hash), PG_I(m->role), PG_S(m->title),
		PG_S(m->badge), PG_S(m->country), PG_S(m->joined_day),
		PG_I(m->state) };
	if (rc == 0)
		rc = pg_int_of(c, SQL_MEMBER_INSERT, v, 9, &x->id,
			"adding a member", err);
	if (rc == SZ_E_EXISTS)
		return sz_err_set(err, SZ_E_EXISTS, "that name is taken");
	if (rc != 0 || x->invite == NULL)
		return rc;
	struct pg_value iv[] = { PG_B(x->invite, 32), PG_I(x->id) };
	rc = pg_run(c, SQL_INVITE_USE, iv, 2, &used, "using an invitation",
		err);
	if (rc == 0 && used == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "that invitation code is "
			"unknown or used already");
	return rc;
}

int fp_member_create(struct sz_forum *f, const struct sz_forum_member *m,
	const uint8_t *invite, int64_t *id, struct sz_err *err)
{
	struct create_ctx x = { m, invite, 0 };
	int rc = pg_transaction(fpool(f), create_tx, &x, err);
	if (rc == 0)
		*id = x.id;
	return rc;
}

/* Reads one member by sql (one parameter); SZ_E_NOT_FOUND saying missing. */
static int member_one(struct sz_forum *f, const char *sql,
	struct pg_value v, struct sz_forum_member *m, const char *missing,
	struct sz_err *err)
{
	int rc;
	memset(m, 0, sizeof(*m));
	PGresult *res = pg_read(fpool(f), sql, &v, 1, &rc, "reading a member",
		err);
	if (res == NULL)
		return rc;
	if (PQntuples(res) > 0)
		member_read(res, 0, m);
	else
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "%s", missing);
	PQclear(res);
	return rc;
}

static const char SQL_MEMBER_GET[] =
	"SELECT " MEMBER_COLS " FROM members WHERE id = $1::bigint";
static const char SQL_MEMBER_FIND[] =
	"SELECT " MEMBER_COLS " FROM members WHERE name_key = $1::text";

int fp_member_get(struct sz_forum *f, int64_t id, struct sz_forum_member *m,
	struct sz_err *err)
{
	return member_one(f, SQL_MEMBER_GET, PG_I(id), m, "no such member",
		err);
}

int fp_member_find(struct sz_forum *f, const char *key,
	struct sz_forum_member *m, struct sz_err *err)
{
	return member_one(f, SQL_MEMBER_FIND, PG_S(key), m,
		"no member has that name", err);
}

static const char SQL_SET_PASSWORD[] =
	"UPDATE members SET password_hash = $2::text WHERE id = $1::bigint"
	" AND state <> 2";
static const char SQL_SET_ROLE[] =
	"UPDATE members SET role = $2::integer WHERE id = $1::bigint"
	" AND state <> 2";
static const char SQL_SET_LABELS[] =
	"UPDATE members SET title = coalesce($2::text, title),"
	" badge = coalesce($3::text, badge), country = coalesce($4::text,"
	" country) WHERE id = $1::bigint AND state <> 2";
static const char SQL_SET_STATE[] =
	"UPDATE members SET state = $2::integer WHERE id = $1::bigint"
	" AND state <> 2";
static const char SQL_SET_FLAGS[] =
	"UPDATE members SET banned = $2::integer, silenced = $3::integer"
	" WHERE id = $1::bigint";
/* What goes: the name shown, the password, the labels; the key stays
 * taken, so nobody can sign posts with a deleted member's name. */
static const char SQL_DELETE[] =
	"UPDATE members SET name = '', password_hash = '', title = '',"
	" badge = '', country = '', role = 0, state = 2 WHERE id = $1::bigint"
	" AND state <> 2";

int fp_member_set_password(struct sz_forum *f, int64_t id, const char *hash,
	struct sz_err *err)
{
	struct pg_value v[] = { PG_I(id), PG_S(hash) };
	return pg_write(fpool(f), SQL_SET_PASSWORD, v, 2, "changing a password",
		"no such member", err);
}

int fp_member_set_role(struct sz_forum *f, int64_t id,
	enum sz_forum_role role, struct sz_err *err)
{
	struct pg_value v[] = { PG_I(id), PG_I(role) };
	return pg_write(fpool(f), SQL_SET_ROLE, v, 2, "changing a role",
		"no such member", err);
}

int fp_member_set_labels(struct sz_forum *f, int64_t id, const char *title,
	const char *badge, const char *country, struct sz_err *err)
{
	struct pg_value v[] = { PG_I(id), PG_S(title), PG_S(badge),
		PG_S(country) };
	return pg_write(fpool(f), SQL_SET_LABELS, v, 4, "changing a profile",
		"no such member", err);
}

int fp_member_set_state(struct sz_forum *f, int64_t id,
	enum sz_forum_member_state state, struct sz_err *err)
{
	if (state == SZ_MEMBER_DELETED)
		return fp_member_delete(f, id, err);
	struct pg_value v[] = { PG_I(id), PG_I(state) };
	return pg_write(fpool(f), SQL_SET_STATE, v, 2, "changing a member",
		"no such member", err);
}

int fp_member_set_flags(struct sz_forum *f, int64_t id, bool banned,
	bool silenced, struct sz_err *err)
{
	struct pg_value v[] = { PG_I(id), PG_I(banned), PG_I(silenced) };
	return pg_write(fpool(f), SQL_SET_FLAGS, v, 3, "changing a member",
		"no such member", err);
}

int fp_member_delete(struct sz_forum *f, int64_t id, struct sz_err *err)
{
	struct pg_value v[] = { PG_I(id) };
	return pg_write(fpool(f), SQL_DELETE, v, 1, "deleting an account",
		"no such member", err);
}

static const char SQL_LIST_PENDING[] =
	"SELECT " MEMBER_COLS " FROM members WHERE state = 1 ORDER BY id"
	" LIMIT $1::bigint";
static const char SQL_LIST_STAFF[] =
	"SELECT " MEMBER_COLS " FROM members WHERE role > 0 AND state <> 2"
	" ORDER BY id LIMIT $1::bigint";

int fp_member_list(struct sz_forum *f, bool pending, size_t limit,
	struct sz_forum_member **rows, size_t *n, struct sz_err *err)
{
	int rc;
	*rows = NULL;
	*n = 0;
	struct pg_value v[] = { PG_I(limit) };
	PGresult *res = pg_read(fpool(f), pending ? SQL_LIST_PENDING :
		SQL_LIST_STAFF, v, 1, &rc, "listing members", err);
	if (res == NULL)
		return rc;
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		struct sz_forum_member *m = sz_forum_grow((void **)rows, n,
			sizeof(**rows), limit);
		if (m == NULL)
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		else
			member_read(res, i, m);
	}
	PQclear(res);
	if (rc != 0) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

static const char SQL_READ[] =
	"INSERT INTO reads (member_id, thread_id, upto) VALUES ($1::bigint,"
	" $2::bigint, $3::bigint) ON CONFLICT (member_id, thread_id) DO UPDATE"
	" SET upto = excluded.upto WHERE excluded.upto > reads.upto";
static const char SQL_READ_UPTO[] =
	"SELECT upto FROM reads WHERE member_id = $1::bigint"
	" AND thread_id = $2::bigint";

int fp_member_read(struct sz_forum *f, int64_t member_id, int64_t thread_id,
	int64_t upto, struct sz_err *err)
{
	/* A page read again writes nothing: only progress is a change. */
	int rc;
	struct pg_value v[] = { PG_I(member_id), PG_I(thread_id), PG_I(upto) };
	PGresult *res = pg_read(fpool(f), SQL_READ_UPTO, v, 2, &rc,
		"noting what was read", err);
	if (res == NULL)
		return rc;
	bool seen = PQntuples(res) > 0 && pg_int(res, 0, 0) >= upto;
	PQclear(res);
	if (seen)
		return 0;
	return pg_write(fpool(f), SQL_READ, v, 3, "noting what was read", NULL,
		err);
}

static const char SQL_RESERVE[] =
	"INSERT INTO reserved (name_key, why) VALUES ($1::text, $2::text)"
	" ON CONFLICT (name_key) DO NOTHING";

int fp_reserve(struct sz_forum *f, const char *key, const char *why,
	struct sz_err *err)
{
	struct pg_value v[] = { PG_S(key), PG_S(why) };
	return pg_write(fpool(f), SQL_RESERVE, v, 2, "reserving a name", NULL, err);
}

int fp_key_taken(struct sz_forum *f, const char *key, struct sz_err *err)
{
	int rc;
	struct pg_value v[] = { PG_S(key) };
	PGresult *res = pg_read(fpool(f), SQL_KEY_TAKEN, v, 1, &rc,
		"checking a name", err);
	if (res == NULL)
		return rc;
	rc = PQntuples(res) > 0;
	PQclear(res);
	return rc;
}

static const char SQL_INVITE_ADD[] =
	"INSERT INTO invites (code_hash) VALUES ($1::bytea)";

int fp_invite_add(struct sz_forum *f, const uint8_t hash[32],
	struct sz_err *err)
{
	struct pg_value v[] = { PG_B(hash, 32) };
	return pg_write(fpool(f), SQL_INVITE_ADD, v, 1, "adding an invitation",
		NULL, err);
}
