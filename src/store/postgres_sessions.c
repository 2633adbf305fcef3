/*
 * postgres_sessions.c - sealed sessions in PostgreSQL (sessions.h): one
 * table, shared by the faces of a database, each row a face's kind, the
 * keyed hash of a cookie's id, the keyed hash of its user (or NULL), the
 * sealed session and an expiry bucket; and the face's attempt budgets
 * (the source face's codename attempts), by keyed hash of each key, with
 * the minute each key's life ends and a count of new keys a minute; and
 * use budgets (the forum's posts, likes, reports and registrations), by
 * keyed hash of the key and the number of the day, hour or minute they
 * count in, in an UNLOGGED table.
 *
 * It never sees a cookie, a user's id, a time finer than the bucket or
 * anything unsealed: http/session_store.c hashes and seals before it
 * calls here.  Every write that must agree with what it counts runs in
 * one transaction (pg_transaction retries conflicts between processes).
 */
#include "store/sessions.h"

#include <assert.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/postgres_pool.h"

static const char *const migrations[] = {
	/* 1: the table, by hash; expiries for the sweep and the caps */
	"CREATE TABLE sessions ("
	"  kind smallint NOT NULL,"
	"  hid bytea PRIMARY KEY,"
	"  uhash bytea,"
	"  sealed bytea NOT NULL,"
	"  expires bigint NOT NULL);"
	"CREATE INDEX sessions_expires ON sessions (kind, expires);"
	"CREATE INDEX sessions_user ON sessions (kind, uhash)"
	"  WHERE uhash IS NOT NULL;",
	/* 2: attempt budgets shared by a face's processes: a keyed hash of
	 * each key, its count, the minute its life ends; new keys a minute */
	"CREATE TABLE budgets ("
	"  kind smallint NOT NULL,"
	"  khash bytea NOT NULL,"
	"  attempts bigint NOT NULL,"
	"  expires bigint NOT NULL,"
	"  PRIMARY KEY (kind, khash));"
	"CREATE INDEX budgets_expires ON budgets (kind, expires);"
	"CREATE TABLE budget_minutes ("
	"  kind smallint NOT NULL,"
	"  minute bigint NOT NULL,"
	"  started bigint NOT NULL,"
	"  PRIMARY KEY (kind, minute));",
	/* 3: use budgets shared by a face's processes (the forum's posts,
	 * likes, reports a member makes, registrations): a keyed hash of the
	 * key, the window's number (the day, hour or minute since the epoch:
	 * no finer time) and the uses in it.  UNLOGGED: nothing of it goes
	 * to the write-ahead log, so neither a replica nor an archived WAL
	 * keeps a history of who was active when; a crash forgets it. */
	"CREATE UNLOGGED TABLE spends ("
	"  kind smallint NOT NULL,"
	"  what smallint NOT NULL,"
	"  khash bytea NOT NULL,"
	"  win bigint NOT NULL,"
	"  used bigint NOT NULL,"
	"  PRIMARY KEY (kind, what, khash, win));"
	"CREATE INDEX spends_win ON spends (kind, what, win);",
};
#define NMIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))

struct pg_sessions {
	struct sz_session_store base;   /* first: the store is this */
	struct pg_pool pool;
	/* per kind of use budget, the last window swept of older rows */
	_Atomic int64_t swept[SZ_SESSION_SPEND_KINDS];
};

static struct pg_pool *spool(void *ctx)
{
	return &((struct pg_sessions *)ctx)->pool;
}

static int kind_of(void *ctx)
{
	return ((struct pg_sessions *)ctx)->base.kind;
}

static const char SQL_LOAD[] =
	"SELECT sealed, expires FROM sessions WHERE kind = $1::smallint"
	" AND hid = $2::bytea AND expires > $3::bigint";

static int load(void *ctx, const uint8_t *hid, int64_t now,
	uint8_t sealed[SZ_SESSION_SEALED_SIZE], int64_t *expires,
	struct sz_err *err)
{
	int rc;
	struct pg_value v[] = { PG_I(kind_of(ctx)),
		PG_B(hid, SZ_SESSION_HASH_SIZE), PG_I(now) };
	PGresult *res = pg_read(spool(ctx), SQL_LOAD, v, 3, &rc,
		"reading a session", err);
	if (res == NULL)
		return rc;
	rc = SZ_E_NOT_FOUND;
	if (PQntuples(res) > 0) {
		size_t len = 0;
		unsigned char *bin = PQunescapeBytea(
			(const unsigned char *)PQgetvalue(res, 0, 0), &len);
		if (bin != NULL && len == SZ_SESSION_SEALED_SIZE) {
			memcpy(sealed, bin, len);
			*expires = pg_int(res, 0, 1);
			rc = SZ_OK;
		}
		if (bin != NULL)
			PQfreemem(bin);
	}
	PQclear(res);
	return rc;
}

struct row {
	int kind;
	const uint8_t *old, *hid, *uhash, *sealed;
	int64_t expires, now;
	size_t cap, per_user;
	bool any_user;
};

static const char SQL_SWEEP[] =
	"DELETE FROM sessions WHERE kind = $1::smallint"
	" AND expires <= $2::bigint";
static const char SQL_COUNT[] =
	"SELECT count(*) FROM sessions WHERE kind = $1::smallint";
/* the anonymous rows expiring first, then (when allowed) any; within
 * an expiry bucket the row written longest ago first (age(xmin): how
 * many transactions ago, so the least recently used, as in memory,
 * with no time or order stored) */
static const char SQL_EVICT[] =
	"DELETE FROM sessions WHERE hid IN (SELECT hid FROM sessions"
	" WHERE kind = $1::smallint AND (uhash IS NULL OR $2::boolean)"
	" ORDER BY uhash IS NOT NULL, expires, age(xmin) DESC"
	" LIMIT $3::bigint)";
static const char SQL_INSERT[] =
	"INSERT INTO sessions (kind, hid, uhash, sealed, expires)"
	" VALUES ($1::smallint, $2::bytea, $3::bytea, $4::bytea, $5::bigint)";

/* Inserts r's row (hid, uhash, sealed, expires). */
static int insert_row(struct pg_conn *c, const struct row *r,
	const char *what, struct sz_err *err)
{
	struct pg_value v[] = { PG_I(r->kind), PG_B(r->hid,
		SZ_SESSION_HASH_SIZE), PG_B(r->uhash, r->uhash != NULL ?
		SZ_SESSION_USER_HASH_SIZE : 0), PG_B(r->sealed,
		SZ_SESSION_SEALED_SIZE), PG_I(r->expires) };
	return pg_run(c, SQL_INSERT, v, 5, NULL, what, err);
}

static int insert_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	const struct row *r = ctx;
	int64_t n = 0, gone = 0;
	struct pg_value sw[] = { PG_I(r->kind), PG_I(r->now) };
	int rc = pg_run(c, SQL_SWEEP, sw, 2, NULL, "sweeping sessions", err);
	if (rc == SZ_OK)
		rc = pg_int_of(c, SQL_COUNT, sw, 1, &n, "counting sessions",
			err);
	if (rc == SZ_OK && n >= (int64_t)r->cap) {
		int64_t need = n - (int64_t)r->cap + 1;
		struct pg_value ev[] = { PG_I(r->kind),
			PG_S(r->any_user ? "true" : "false"), PG_I(need) };
		rc = pg_run(c, SQL_EVICT, ev, 3, &gone, "ending sessions", err);
		if (rc == SZ_OK && gone < need)
			rc = SZ_E_LIMIT;
	}
	if (rc == SZ_OK)
		rc = insert_row(c, r, "starting a session", err);
	return rc;
}

static int insert(void *ctx, const uint8_t *hid, const uint8_t *uhash,
	const uint8_t *sealed, int64_t expires, size_t cap, bool any_user,
	int64_t now, struct sz_err *err)
{
	struct row r = { .kind = kind_of(ctx), .hid = hid, .uhash = uhash,
		.sealed = sealed, .expires = expires, .now = now, .cap = cap,
		.any_user = any_user };
	return pg_transaction(spool(ctx), insert_tx, &r, err);
}

static const char SQL_DROP[] =
	"DELETE FROM sessions WHERE kind = $1::smallint AND hid = $2::bytea";
/* a user's rows beyond the cap, those expiring first and, within a
 * bucket, those written longest ago (the user's newest logins stay) */
static const char SQL_TRIM[] =
	"DELETE FROM sessions WHERE hid IN (SELECT hid FROM sessions"
	" WHERE kind = $1::smallint AND uhash = $2::bytea AND hid <> $3::bytea"
	" ORDER BY expires DESC, age(xmin), hid OFFSET $4::bigint)";

static int replace_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	const struct row *r = ctx;
	int64_t gone = 0;
	struct pg_value d[] = { PG_I(r->kind), PG_B(r->old,
		SZ_SESSION_HASH_SIZE) };
	int rc = pg_run(c, SQL_DROP, d, 2, &gone, "changing a session", err);
	if (rc == SZ_OK && gone == 0)
		rc = SZ_E_NOT_FOUND;
	if (rc == SZ_OK)
		rc = insert_row(c, r, "changing a session", err);
	if (rc == SZ_OK && r->uhash != NULL && r->per_user > 0) {
		struct pg_value t[] = { PG_I(r->kind), PG_B(r->uhash,
			SZ_SESSION_USER_HASH_SIZE), PG_B(r->hid,
			SZ_SESSION_HASH_SIZE), PG_I(r->per_user - 1) };
		rc = pg_run(c, SQL_TRIM, t, 4, NULL, "ending a user's sessions",
			err);
	}
	return rc;
}

static int replace(void *ctx, const uint8_t *old_hid, const uint8_t *hid,
	const uint8_t *uhash, const uint8_t *sealed, int64_t expires,
	size_t per_user, struct sz_err *err)
{
	struct row r = { .kind = kind_of(ctx), .old = old_hid, .hid = hid,
		.uhash = uhash, .sealed = sealed, .expires = expires,
		.per_user = per_user };
	return pg_transaction(spool(ctx), replace_tx, &r, err);
}

static const char SQL_TOUCH[] =
	"UPDATE sessions SET expires = greatest(expires, $3::bigint)"
	" WHERE kind = $1::smallint AND hid = $2::bytea";

static int touch(void *ctx, const uint8_t *hid, int64_t expires,
	struct sz_err *err)
{
	struct pg_value v[] = { PG_I(kind_of(ctx)),
		PG_B(hid, SZ_SESSION_HASH_SIZE), PG_I(expires) };
	return pg_write(spool(ctx), SQL_TOUCH, v, 3, "keeping a session",
		NULL, err);
}

static int drop(void *ctx, const uint8_t *hid, struct sz_err *err)
{
	struct pg_value v[] = { PG_I(kind_of(ctx)),
		PG_B(hid, SZ_SESSION_HASH_SIZE) };
	return pg_write(spool(ctx), SQL_DROP, v, 2, "ending a session", NULL,
		err);
}

static const char SQL_DROP_USER[] =
	"DELETE FROM sessions WHERE kind = $1::smallint AND uhash = $2::bytea"
	" AND ($3::bytea IS NULL OR hid <> $3::bytea)";

static int drop_user(void *ctx, const uint8_t *uhash,
	const uint8_t *keep_hid, struct sz_err *err)
{
	struct pg_value v[] = { PG_I(kind_of(ctx)),
		PG_B(uhash, SZ_SESSION_USER_HASH_SIZE),
		PG_B(keep_hid, keep_hid != NULL ? SZ_SESSION_HASH_SIZE : 0) };
	return pg_write(spool(ctx), SQL_DROP_USER, v, 3,
		"ending a user's sessions", NULL, err);
}

static int sweep(void *ctx, int64_t now, struct sz_err *err)
{
	struct pg_value v[] = { PG_I(kind_of(ctx)), PG_I(now) };
	return pg_write(spool(ctx), SQL_SWEEP, v, 2, "sweeping sessions",
		NULL, err);
}

/* ---- attempt budgets ---------------------------------------------------- */

struct charge {
	int kind;
	uint8_t khash[SZ_SESSION_HASH_SIZE];
	uint64_t per_key, per_min;
	int64_t life_s, now;
	int out;
};

static void key_hash(const struct sz_session_store *s, const uint8_t *key,
	uint8_t out[SZ_SESSION_HASH_SIZE])
{
	uint8_t k[32];
	crypto_kdf_derive_from_key(k, sizeof(k), 4, "szbudgt1", s->key);
	crypto_generichash(out, SZ_SESSION_HASH_SIZE, key, 16, k, sizeof(k));
	sodium_memzero(k, sizeof(k));
}

static const char SQL_BUDGET_SWEEP[] =
	"DELETE FROM budgets WHERE kind = $1::smallint AND expires <= $2::bigint";
static const char SQL_MINUTES_SWEEP[] =
	"DELETE FROM budget_minutes WHERE kind = $1::smallint"
	" AND minute < $2::bigint";
static const char SQL_BUDGET_GET[] =
	"SELECT attempts FROM budgets WHERE kind = $1::smallint"
	" AND khash = $2::bytea";
static const char SQL_BUDGET_TAKE[] =
	"UPDATE budgets SET attempts = attempts + 1 WHERE kind = $1::smallint"
	" AND khash = $2::bytea AND attempts < $3::bigint";
static const char SQL_MINUTE_GET[] =
	"SELECT started FROM budget_minutes WHERE kind = $1::smallint"
	" AND minute = $2::bigint";
static const char SQL_MINUTE_ADD[] =
	"INSERT INTO budget_minutes (kind, minute, started)"
	" VALUES ($1::smallint, $2::bigint, 1) ON CONFLICT (kind, minute)"
	" DO UPDATE SET started = budget_minutes.started + 1";
static const char SQL_BUDGET_ADD[] =
	"INSERT INTO budgets (kind, khash, attempts, expires)"
	" VALUES ($1::smallint, $2::bytea, 1, $3::bigint)";

static int charge_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct charge *x = ctx;
	int64_t minute = x->now / 60, found = -1, changed = 0, started = 0;
	struct pg_value sw[] = { PG_I(x->kind), PG_I(minute) };
	struct pg_value k[] = { PG_I(x->kind), PG_B(x->khash,
		SZ_SESSION_HASH_SIZE), PG_I(x->per_key) };
	int rc = pg_run(c, SQL_BUDGET_SWEEP, sw, 2, NULL, "counting attempts",
		err);
	if (rc == SZ_OK)
		rc = pg_run(c, SQL_MINUTES_SWEEP, sw, 2, NULL,
			"counting attempts", err);
	PGresult *res = rc == SZ_OK ? pg_exec(c, SQL_BUDGET_GET, k, 2, &rc,
		"counting attempts", err) : NULL;
	if (res != NULL) {
		if (PQntuples(res) > 0)
			found = pg_int(res, 0, 0);
		PQclear(res);
	}
	x->out = 0;
	if (rc == SZ_OK && found >= 0) {
		rc = pg_run(c, SQL_BUDGET_TAKE, k, 3, &changed,
			"counting attempts", err);
		if (rc == SZ_OK && changed == 0)
			x->out = 1;   /* spent */
		return rc;
	}
	/* a key's first attempt: the one thing limited for everyone */
	if (rc == SZ_OK && x->per_min > 0)
		rc = pg_int_of(c, SQL_MINUTE_GET, sw, 2, &started,
			"counting attempts", err);
	if (rc == SZ_OK && x->per_min > 0 && started >= (int64_t)x->per_min) {
		x->out = 2;
		return SZ_OK;
	}
	if (rc == SZ_OK)
		rc = pg_run(c, SQL_MINUTE_ADD, sw, 2, NULL, "counting attempts",
			err);
	/* the life's end, to the minute: no finer time is kept */
	struct pg_value a[] = { PG_I(x->kind), PG_B(x->khash,
		SZ_SESSION_HASH_SIZE), PG_I((x->now + x->life_s) / 60 + 1) };
	if (rc == SZ_OK && x->per_key == 0)
		x->out = 1;
	else if (rc == SZ_OK)
		rc = pg_run(c, SQL_BUDGET_ADD, a, 3, NULL, "counting attempts",
			err);
	return rc;
}

int sz_session_store_charge(struct sz_session_store *s, const uint8_t *key,
	uint64_t per_key, uint64_t per_min, int64_t life_s, int *out,
	struct sz_err *err)
{
	struct charge x = { .kind = s->kind, .per_key = per_key,
		.per_min = per_min, .life_s = life_s, .now = (int64_t)time(NULL) };
	key_hash(s, key, x.khash);
	int rc = pg_transaction(spool(s->ctx), charge_tx, &x, err);
	*out = x.out;
	return rc;
}

static const char SQL_BUDGET_REFUND[] =
	"UPDATE budgets SET attempts = attempts - 1 WHERE kind = $1::smallint"
	" AND khash = $2::bytea AND attempts > 0";

int sz_session_store_refund(struct sz_session_store *s, const uint8_t *key,
	struct sz_err *err)
{
	uint8_t h[SZ_SESSION_HASH_SIZE];
	key_hash(s, key, h);
	struct pg_value v[] = { PG_I(s->kind), PG_B(h, sizeof(h)) };
	return pg_write(spool(s->ctx), SQL_BUDGET_REFUND, v, 2,
		"giving an attempt back", NULL, err);
}

/* ---- use budgets -------------------------------------------------------- */

/* One statement: a window's first use makes the row, the others add one
 * while under max; no row back means spent.  The row is locked by the
 * upsert, so processes charging the same key wait for each other
 * instead of both reading the same count. */
static const char SQL_SPEND[] =
	"INSERT INTO spends (kind, what, khash, win, used)"
	" VALUES ($1::smallint, $2::smallint, $3::bytea, $4::bigint, 1)"
	" ON CONFLICT (kind, what, khash, win) DO UPDATE"
	" SET used = spends.used + 1 WHERE spends.used < $5::bigint"
	" RETURNING used";
static const char SQL_SPENDS_SWEEP[] =
	"DELETE FROM spends WHERE kind = $1::smallint AND what = $2::smallint"
	" AND win < $3::bigint";

int sz_session_store_spend(struct sz_session_store *s, int what,
	const uint8_t *key, int64_t window_s, uint64_t max, int *out,
	struct sz_err *err)
{
	assert(what >= 0 && what < SZ_SESSION_SPEND_KINDS && window_s > 0);
	struct pg_sessions *q = (struct pg_sessions *)s;
	int64_t win = (int64_t)time(NULL) / window_s;
	int rc = SZ_OK;
	*out = 1;
	if (max == 0)
		return SZ_OK;
	/* the windows gone by, once per window and process: what was used
	 * in them no longer counts, and is not kept */
	int64_t last = q->swept[what];
	if (last != win && atomic_compare_exchange_strong(&q->swept[what],
	    &last, win)) {
		struct pg_value sw[] = { PG_I(s->kind), PG_I(what), PG_I(win) };
		rc = pg_write(&q->pool, SQL_SPENDS_SWEEP, sw, 3,
			"forgetting old uses", NULL, err);
		if (rc != SZ_OK)
			return rc;
	}
	uint8_t h[SZ_SESSION_HASH_SIZE];
	key_hash(s, key, h);
	struct pg_value v[] = { PG_I(s->kind), PG_I(what), PG_B(h, sizeof(h)),
		PG_I(win), PG_I(max > INT64_MAX ? INT64_MAX : (int64_t)max) };
	PGresult *res = pg_read(&q->pool, SQL_SPEND, v, 5, &rc,
		"counting uses", err);
	if (res != NULL) {
		*out = PQntuples(res) > 0 ? 0 : 1;
		PQclear(res);
	}
	return rc;
}

/* Gives one use back to the current window: the use was taken before an
 * attempt that then succeeded or was not made (the forum's failed login
 * tries, taken before the password is checked so that parallel guesses
 * cannot all pass under the limit).  Never below nothing; a window gone
 * by is not touched. */
static const char SQL_UNSPEND[] =
	"UPDATE spends SET used = used - 1 WHERE kind = $1::smallint"
	" AND what = $2::smallint AND khash = $3::bytea AND win = $4::bigint"
	" AND used > 0";

int sz_session_store_unspend(struct sz_session_store *s, int what,
	const uint8_t *key, int64_t window_s, struct sz_err *err)
{
	assert(what >= 0 && what < SZ_SESSION_SPEND_KINDS && window_s > 0);
	struct pg_sessions *q = (struct pg_sessions *)s;
	uint8_t h[SZ_SESSION_HASH_SIZE];
	key_hash(s, key, h);
	struct pg_value v[] = { PG_I(s->kind), PG_I(what), PG_B(h, sizeof(h)),
		PG_I((int64_t)time(NULL) / window_s) };
	return pg_write(&q->pool, SQL_UNSPEND, v, 4, "giving a use back", NULL,
		err);
}

static const struct sz_session_store_ops postgres_session_ops = {
	.load = load, .insert = insert, .replace = replace, .touch = touch,
	.drop = drop, .drop_user = drop_user, .sweep = sweep,
};

int sz_session_store_open_postgres(struct sz_session_store **out,
	const char *conninfo, int kind, const uint8_t *key,
	struct sz_err *err)
{
	*out = NULL;
	struct pg_sessions *q = calloc(1, sizeof(*q));
	if (q == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	q->base.ops = &postgres_session_ops;
	q->base.ctx = q;
	q->base.kind = kind;
	q->base.key = key;
	int rc = pg_pool_open(&q->pool, conninfo, "the sessions' database",
		NULL, err);
	if (rc == SZ_OK)
		rc = pg_migrate(&q->pool, "sessions", migrations, NMIGRATIONS,
			err);
	if (rc != SZ_OK) {
		sz_session_store_close(&q->base);
		return rc;
	}
	*out = &q->base;
	return SZ_OK;
}

void sz_session_store_close(struct sz_session_store *s)
{
	if (s == NULL)
		return;
	struct pg_sessions *q = (struct pg_sessions *)s;
	pg_pool_close(&q->pool);
	free(q);
}
