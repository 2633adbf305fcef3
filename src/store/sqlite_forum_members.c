/*
 * sqlite_forum_members.c - members, reserved names and invitations in
 * the forum's SQLite back end (rate budgets are kept in the public face's
 * memory, web/budget.h: a budget row would date a member's activity).  A member's key (the normalised
 * name) is unique among members and reserved names together; taking one
 * and using an invitation happen in one transaction, so two registrations
 * racing for a name or a code cannot both win.
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_forum_internal.h"

#define MEMBER_COLS "id, name, name_key, password_hash, role, title, badge," \
	" country, joined_day, state, banned, silenced, posts, approved_posts," \
	" likes_received, likes_given, posts_read, threads_entered"

static void member_read(sqlite3_stmt *st, void *out)
{
	struct sz_forum_member *m = out;
	memset(m, 0, sizeof(*m));
	m->id = sqlite3_column_int64(st, 0);
	fq_text(m->name, sizeof(m->name), st, 1);
	fq_text(m->key, sizeof(m->key), st, 2);
	fq_text(m->password_hash, sizeof(m->password_hash), st, 3);
	m->role = (enum sz_forum_role)sqlite3_column_int(st, 4);
	fq_text(m->title, sizeof(m->title), st, 5);
	fq_text(m->badge, sizeof(m->badge), st, 6);
	fq_text(m->country, sizeof(m->country), st, 7);
	fq_text(m->joined_day, sizeof(m->joined_day), st, 8);
	m->state = (enum sz_forum_member_state)sqlite3_column_int(st, 9);
	m->banned = sqlite3_column_int(st, 10) != 0;
	m->silenced = sqlite3_column_int(st, 11) != 0;
	m->posts = sqlite3_column_int64(st, 12);
	m->approved_posts = sqlite3_column_int64(st, 13);
	m->likes_received = sqlite3_column_int64(st, 14);
	m->likes_given = sqlite3_column_int64(st, 15);
	m->posts_read = sqlite3_column_int64(st, 16);
	m->threads_entered = sqlite3_column_int64(st, 17);
}

struct create_ctx {
	const struct sz_forum_member *m;
	const uint8_t *invite;
	int64_t id;
};

static const char SQL_KEY_TAKEN[] =
	"SELECT 1 FROM members WHERE name_key = ?1"
	" UNION ALL SELECT 1 FROM reserved WHERE name_key = ?1";
static const char SQL_INVITE_USE[] =
	"UPDATE invites SET used_by = ?2 WHERE code_hash = ?1 AND used_by IS NULL";
static const char SQL_MEMBER_INSERT[] =
	"INSERT INTO members (name, name_key, password_hash, role, title, badge,"
	" country, joined_day, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

static int create_tx(struct fq_conn *c, void *ctx, struct sz_err *err)
{
	struct create_ctx *x = ctx;
	const struct sz_forum_member *m = x->m;
	sqlite3_stmt *st = fq_stmt(c, SQL_KEY_TAKEN, err);
	if (st == NULL)
		return SZ_E_IO;
	sqlite3_bind_text(st, 1, m->key, -1, SQLITE_STATIC);
	int r = sqlite3_step(st);
	sqlite3_reset(st);
	if (r == SQLITE_ROW)
		return sz_err_set(err, SZ_E_EXISTS, "that name is taken");
	int rc = fq_check(c, r, err, "checking a name");
	if (rc != 0)
		return rc;
	if ((st = fq_stmt(c, SQL_MEMBER_INSERT, err)) == NULL)
		return SZ_E_IO;
	struct fq_value v[] = { FQ_S(m->name), FQ_S(m->key),
		FQ_S(m->password_hash), FQ_I(m->role), FQ_S(m->title),
		FQ_S(m->badge), FQ_S(m->country), FQ_S(m->joined_day),
		FQ_I(m->state) };
	fq_bind(st, v, sizeof(v) / sizeof(v[0]));
	r = sqlite3_step(st);
	sqlite3_reset(st);
	if (r == SQLITE_CONSTRAINT)
		return sz_err_set(err, SZ_E_EXISTS, "that name is taken");
	if ((rc = fq_check(c, r, err, "adding a member")) != 0)
		return rc;
	x->id = sqlite3_last_insert_rowid(c->db);
	if (x->invite == NULL)
		return 0;
	if ((st = fq_stmt(c, SQL_INVITE_USE, err)) == NULL)
		return SZ_E_IO;
	sqlite3_bind_blob(st, 1, x->invite, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, x->id);
	if ((rc = fq_run(c, st, err, "using an invitation")) != 0)
		return rc;
	if (sqlite3_changes(c->db) == 0)
		return sz_err_set(err, SZ_E_NOT_FOUND, "that invitation code is "
			"unknown or used already");
	return 0;
}

int fq_member_create(struct sz_forum *f, const struct sz_forum_member *m,
	const uint8_t *invite, int64_t *id, struct sz_err *err)
{
	struct create_ctx x = { m, invite, 0 };
	int rc = fq_transaction(fq(f), create_tx, &x, err);
	if (rc == 0)
		*id = x.id;
	return rc;
}

static const char SQL_MEMBER_GET[] =
	"SELECT " MEMBER_COLS " FROM members WHERE id = ?";
static const char SQL_MEMBER_FIND[] =
	"SELECT " MEMBER_COLS " FROM members WHERE name_key = ?";

int fq_member_get(struct sz_forum *f, int64_t id, struct sz_forum_member *m,
	struct sz_err *err)
{
	memset(m, 0, sizeof(*m));
	struct fq_value v[] = { FQ_I(id) };
	return fq_read_one(fq(f), SQL_MEMBER_GET, v, 1, member_read, m,
		"no such member", err);
}

int fq_member_find(struct sz_forum *f, const char *key,
	struct sz_forum_member *m, struct sz_err *err)
{
	memset(m, 0, sizeof(*m));
	struct fq_value v[] = { FQ_S(key) };
	return fq_read_one(fq(f), SQL_MEMBER_FIND, v, 1, member_read, m,
		"no member has that name", err);
}

static const char SQL_SET_PASSWORD[] =
	"UPDATE members SET password_hash = ?2 WHERE id = ?1 AND state <> 2";
static const char SQL_SET_ROLE[] =
	"UPDATE members SET role = ?2 WHERE id = ?1 AND state <> 2";
static const char SQL_SET_LABELS[] =
	"UPDATE members SET title = ifnull(?2, title), badge = ifnull(?3, badge),"
	" country = ifnull(?4, country) WHERE id = ?1 AND state <> 2";
static const char SQL_SET_STATE[] =
	"UPDATE members SET state = ?2 WHERE id = ?1 AND state <> 2";
static const char SQL_SET_FLAGS[] =
	"UPDATE members SET banned = ?2, silenced = ?3 WHERE id = ?1";
/* What goes: the name shown, the password, the labels; the key stays
 * taken, so nobody can sign posts with a deleted member's name. */
static const char SQL_DELETE[] =
	"UPDATE members SET name = '', password_hash = '', title = '',"
	" badge = '', country = '', role = 0, state = 2 WHERE id = ?1"
	" AND state <> 2";

int fq_member_set_password(struct sz_forum *f, int64_t id, const char *hash,
	struct sz_err *err)
{
	struct fq_value v[] = { FQ_I(id), FQ_S(hash) };
	return fq_write(fq(f), SQL_SET_PASSWORD, v, 2, "changing a password",
		"no such member", err);
}

int fq_member_set_role(struct sz_forum *f, int64_t id,
	enum sz_forum_role role, struct sz_err *err)
{
	struct fq_value v[] = { FQ_I(id), FQ_I(role) };
	return fq_write(fq(f), SQL_SET_ROLE, v, 2, "changing a role",
		"no such member", err);
}

int fq_member_set_labels(struct sz_forum *f, int64_t id, const char *title,
	const char *badge, const char *country, struct sz_err *err)
{
	struct fq_value v[] = { FQ_I(id), FQ_S(title), FQ_S(badge),
		FQ_S(country) };
	return fq_write(fq(f), SQL_SET_LABELS, v, 4, "changing a profile",
		"no such member", err);
}

int fq_member_set_state(struct sz_forum *f, int64_t id,
	enum sz_forum_member_state state, struct sz_err *err)
{
	if (state == SZ_MEMBER_DELETED)
		return fq_member_delete(f, id, err);
	struct fq_value v[] = { FQ_I(id), FQ_I(state) };
	return fq_write(fq(f), SQL_SET_STATE, v, 2, "changing a member",
		"no such member", err);
}

int fq_member_set_flags(struct sz_forum *f, int64_t id, bool banned,
	bool silenced, struct sz_err *err)
{
	struct fq_value v[] = { FQ_I(id), FQ_I(banned), FQ_I(silenced) };
	return fq_write(fq(f), SQL_SET_FLAGS, v, 3, "changing a member",
		"no such member", err);
}

int fq_member_delete(struct sz_forum *f, int64_t id, struct sz_err *err)
{
	struct fq_value v[] = { FQ_I(id) };
	return fq_write(fq(f), SQL_DELETE, v, 1, "deleting an account",
		"no such member", err);
}

static const char SQL_LIST_PENDING[] =
	"SELECT " MEMBER_COLS " FROM members WHERE state = 1 ORDER BY id LIMIT ?";
static const char SQL_LIST_STAFF[] =
	"SELECT " MEMBER_COLS " FROM members WHERE role > 0 AND state <> 2"
	" ORDER BY id LIMIT ?";

int fq_member_list(struct sz_forum *f, bool pending, size_t limit,
	struct sz_forum_member **rows, size_t *n, struct sz_err *err)
{
	*rows = NULL;
	*n = 0;
	struct fq_conn *c = fq_reader(fq(f));
	sqlite3_stmt *st = fq_stmt(c, pending ? SQL_LIST_PENDING :
		SQL_LIST_STAFF, err);
	int rc = st ? 0 : SZ_E_IO, r = SQLITE_DONE;
	if (st != NULL)
		sqlite3_bind_int64(st, 1, (int64_t)limit);
	while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
		struct sz_forum_member *m = fq_grow((void **)rows, n,
			sizeof(**rows), limit);
		if (m == NULL)
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		else
			member_read(st, m);
	}
	if (rc == 0 && r != SQLITE_DONE)
		rc = sz_err_set(err, SZ_E_IO, "the forum's database failed while "
			"listing members");
	fq_reader_done(fq(f), c);
	if (rc != 0) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

static const char SQL_READ[] =
	"INSERT INTO reads (member_id, thread_id, upto) VALUES (?1, ?2, ?3)"
	" ON CONFLICT (member_id, thread_id) DO UPDATE SET upto = excluded.upto"
	" WHERE excluded.upto > reads.upto";

static const char SQL_READ_UPTO[] =
	"SELECT upto FROM reads WHERE member_id = ? AND thread_id = ?";

static void upto_read(sqlite3_stmt *st, void *out)
{
	*(int64_t *)out = sqlite3_column_int64(st, 0);
}

int fq_member_read(struct sz_forum *f, int64_t member_id, int64_t thread_id,
	int64_t upto, struct sz_err *err)
{
	/* A page read again writes nothing: only progress takes the writer. */
	int64_t seen = 0;
	struct fq_value v[] = { FQ_I(member_id), FQ_I(thread_id), FQ_I(upto) };
	int rc = fq_read_one(fq(f), SQL_READ_UPTO, v, 2, upto_read, &seen, "",
		err);
	if (rc == 0 && seen >= upto)
		return 0;
	if (rc != 0 && rc != SZ_E_NOT_FOUND)
		return rc;
	return fq_write(fq(f), SQL_READ, v, 3, "noting what was read", NULL,
		err);
}

static const char SQL_RESERVE[] =
	"INSERT INTO reserved (name_key, why) VALUES (?, ?)"
	" ON CONFLICT (name_key) DO NOTHING";

int fq_reserve(struct sz_forum *f, const char *key, const char *why,
	struct sz_err *err)
{
	struct fq_value v[] = { FQ_S(key), FQ_S(why) };
	return fq_write(fq(f), SQL_RESERVE, v, 2, "reserving a name", NULL, err);
}

static void one_read(sqlite3_stmt *st, void *out)
{
	(void)st;
	*(int *)out = 1;
}

int fq_key_taken(struct sz_forum *f, const char *key, struct sz_err *err)
{
	int taken = 0;
	struct fq_value v[] = { FQ_S(key) };
	int rc = fq_read_one(fq(f), SQL_KEY_TAKEN, v, 1, one_read, &taken, "",
		err);
	return rc == SZ_E_NOT_FOUND ? 0 : rc == 0 ? 1 : rc;
}

struct invite_ctx {
	const uint8_t *hash;
};

static const char SQL_INVITE_ADD[] =
	"INSERT INTO invites (code_hash) VALUES (?)";

static int invite_tx(struct fq_conn *c, void *ctx, struct sz_err *err)
{
	struct invite_ctx *x = ctx;
	sqlite3_stmt *st = fq_stmt(c, SQL_INVITE_ADD, err);
	if (st == NULL)
		return SZ_E_IO;
	sqlite3_bind_blob(st, 1, x->hash, 32, SQLITE_STATIC);
	return fq_run(c, st, err, "adding an invitation");
}

int fq_invite_add(struct sz_forum *f, const uint8_t hash[32],
	struct sz_err *err)
{
	struct invite_ctx x = { hash };
	return fq_transaction(fq(f), invite_tx, &x, err);
}
