/*
 * test_session_store.c - sessions kept in PostgreSQL (http/session.h with
 * store/sessions.h), as two processes of a face see them: what one
 * starts the other finds, a seized database holds nothing usable, and
 * expiry, renewal, caps and log-outs hold across processes, and so do
 * the budget of codename attempts and the forum's use budgets and
 * failed login tries per name.  Runs on the
 * throw-away cluster of tests/pg/ (SAMIZDAT_TEST_PG); without one every
 * case is left out, saying why.
 */
#include <libpq-fe.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "http/session.h"
#include "http/session_key.h"
#include "pg_fixture.h"
#include "store/sessions.h"

#define IDLE_S 600

static time_t fake_wall = 1800000000;
static time_t wall(void)
{
	return fake_wall;
}

/* One "process" of a face: its table on the shared store. */
struct proc {
	struct sz_sessions t;
	struct sz_session_store *store;
};

struct fx {
	char dir[64];
	char conninfo[512];
	uint8_t *key;
	struct proc a, b;
};

static void proc_open(struct fx *x, struct proc *p, int kind,
	const uint8_t *key)
{
	struct sz_err err;
	assert_int_equal(sz_sessions_init(&p->t, 8, IDLE_S, &err), SZ_OK);
	assert_int_equal(sz_session_store_open_postgres(&p->store,
		x->conninfo, kind, key, &err), SZ_OK);
	sz_sessions_use_store(&p->t, p->store);
	p->t.wall = wall;
	p->t.evict_logged_in = true;
}

static void proc_close(struct proc *p)
{
	sz_sessions_free(&p->t);
	sz_session_store_close(p->store);
	p->store = NULL;
}

static int setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));
	snprintf(x->dir, sizeof(x->dir), "/tmp/sz-sessions-XXXXXX");
	assert_non_null(mkdtemp(x->dir));
	assert_true(pg_fixture_create(x->dir));
	pg_fixture_conninfo(x->dir, x->conninfo, sizeof(x->conninfo));
	x->key = sodium_malloc(SZ_SESSION_KEY_SIZE);
	randombytes_buf(x->key, SZ_SESSION_KEY_SIZE);
	fake_wall = 1800000000;
	proc_open(x, &x->a, SZ_SESSION_KIND_SOURCE, x->key);
	proc_open(x, &x->b, SZ_SESSION_KIND_SOURCE, x->key);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	proc_close(&x->a);
	proc_close(&x->b);
	pg_fixture_drop(x->dir);
	rmdir(x->dir);
	sodium_free(x->key);
	free(x);
	return 0;
}

/* A logged-in source's session, started by a. */
static void log_in(struct proc *p, struct sz_session *s, char *cookie)
{
	struct sz_err err;
	assert_int_equal(sz_session_new(&p->t, s, &err), SZ_OK);
	s->user_id = 42;
	s->has_secret = true;
	memset(s->secret, 0xA5, sizeof(s->secret));
	snprintf(s->data, sizeof(s->data), "%s", "correct horse battery");
	assert_true(sz_session_renew(&p->t, s));
	sz_session_cookie(s, cookie);
}

static void session_started_by_one_process_is_served_by_another(void **state)
{
	struct fx *x = *state;
	struct sz_session s, got;
	char cookie[SZ_SESSION_TOKEN_LEN + 1];
	log_in(&x->a, &s, cookie);
	assert_true(sz_session_get(&x->b.t, cookie, &got));
	assert_int_equal(got.user_id, 42);
	assert_true(got.has_secret);
	assert_memory_equal(got.secret, s.secret, 32);
	assert_string_equal(got.data, "correct horse battery");
	assert_string_equal(got.csrf, s.csrf);
	assert_true(sz_session_csrf_ok(&got, s.csrf));
	/* what b writes back, a reads */
	snprintf(got.data, sizeof(got.data), "%s", "changed");
	assert_true(sz_session_put(&x->b.t, &got));
	assert_true(sz_session_get(&x->a.t, cookie, &s));
	assert_string_equal(s.data, "changed");
	/* logging out through a ends it for b */
	sz_session_drop(&x->a.t, &s);
	assert_false(sz_session_get(&x->b.t, cookie, &got));
	assert_false(sz_sessions_down(&x->b.t));
}

/* bytes inside bytes */
static bool contains(const uint8_t *h, size_t hn, const void *n, size_t nn)
{
	for (size_t i = 0; i + nn <= hn; i++)
		if (memcmp(h + i, n, nn) == 0)
			return true;
	return false;
}

static void seized_database_holds_no_cookie_secret_or_codename(void **state)
{
	struct fx *x = *state;
	struct sz_session s;
	char cookie[SZ_SESSION_TOKEN_LEN + 1];
	log_in(&x->a, &s, cookie);
	PGconn *c = PQconnectdb(x->conninfo);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *r = PQexecParams(c, "SELECT hid, coalesce(uhash, ''::bytea),"
		" sealed, expires FROM sessions", 0, NULL, NULL, NULL, NULL, 1);
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_int_equal(PQntuples(r), 1);
	uint8_t secret[32];
	memset(secret, 0xA5, sizeof(secret));
	int64_t uid = 42;
	for (int col = 0; col < 3; col++) {
		const uint8_t *v = (const uint8_t *)PQgetvalue(r, 0, col);
		size_t n = (size_t)PQgetlength(r, 0, col);
		assert_false(contains(v, n, s.id, sizeof(s.id)));
		assert_false(contains(v, n, cookie, strlen(cookie)));
		assert_false(contains(v, n, secret, 8));
		assert_false(contains(v, n, "correct horse", 13));
		assert_false(contains(v, n, s.csrf, 16));
		assert_false(contains(v, n, &uid, sizeof(uid)));
	}
	/* the expiry is a bucket, not a time of activity */
	const uint8_t *e = (const uint8_t *)PQgetvalue(r, 0, 3);
	uint64_t bucket = 0;
	for (int i = 0; i < 8; i++)
		bucket = bucket << 8 | e[i];
	assert_int_equal(bucket, (uint64_t)((fake_wall + IDLE_S) /
		SZ_SESSION_BUCKET_S + 1));
	PQclear(r);
	PQfinish(c);
}

static void database_without_the_session_key_opens_no_session(void **state)
{
	struct fx *x = *state;
	struct sz_session s, got;
	char cookie[SZ_SESSION_TOKEN_LEN + 1];
	log_in(&x->a, &s, cookie);
	uint8_t *other = sodium_malloc(SZ_SESSION_KEY_SIZE);
	randombytes_buf(other, SZ_SESSION_KEY_SIZE);
	struct proc thief;
	proc_open(x, &thief, SZ_SESSION_KIND_SOURCE, other);
	assert_false(sz_session_get(&thief.t, cookie, &got));
	proc_close(&thief);
	sodium_free(other);
	/* nor does another face's table, with the right key */
	struct proc editor;
	proc_open(x, &editor, SZ_SESSION_KIND_EDITOR, x->key);
	assert_false(sz_session_get(&editor.t, cookie, &got));
	proc_close(&editor);
	assert_true(sz_session_get(&x->b.t, cookie, &got));
}

static void idle_session_expires_in_every_process(void **state)
{
	struct fx *x = *state;
	struct sz_session s, got;
	char cookie[SZ_SESSION_TOKEN_LEN + 1];
	log_in(&x->a, &s, cookie);
	fake_wall += IDLE_S - 1;     /* a use just in time moves it on */
	assert_true(sz_session_get(&x->b.t, cookie, &got));
	fake_wall += IDLE_S - 1;
	assert_true(sz_session_get(&x->a.t, cookie, &got));
	fake_wall += IDLE_S + SZ_SESSION_BUCKET_S;
	assert_false(sz_session_get(&x->b.t, cookie, &got));
	sz_sessions_sweep(&x->a.t);
	PGconn *c = PQconnectdb(x->conninfo);
	PGresult *r = PQexec(c, "SELECT count(*) FROM sessions");
	assert_string_equal(PQgetvalue(r, 0, 0), "0");
	PQclear(r);
	PQfinish(c);
}

static void renewed_session_leaves_the_old_cookie_dead(void **state)
{
	struct fx *x = *state;
	struct sz_session s, got;
	char before[SZ_SESSION_TOKEN_LEN + 1], after[SZ_SESSION_TOKEN_LEN + 1];
	struct sz_err err;
	assert_int_equal(sz_session_new(&x->a.t, &s, &err), SZ_OK);
	sz_session_cookie(&s, before);
	s.user_id = 7;
	assert_true(sz_session_renew(&x->b.t, &s));
	sz_session_cookie(&s, after);
	assert_false(sz_session_get(&x->a.t, before, &got));
	assert_true(sz_session_get(&x->a.t, after, &got));
	assert_int_equal(got.user_id, 7);
}

static void password_change_logs_out_the_users_other_sessions(void **state)
{
	struct fx *x = *state;
	struct sz_session s1, s2, s3, got;
	char c1[SZ_SESSION_TOKEN_LEN + 1], c2[SZ_SESSION_TOKEN_LEN + 1];
	char c3[SZ_SESSION_TOKEN_LEN + 1];
	log_in(&x->a, &s1, c1);
	log_in(&x->b, &s2, c2);
	struct sz_err err;
	assert_int_equal(sz_session_new(&x->a.t, &s3, &err), SZ_OK);
	s3.user_id = 43;
	assert_true(sz_session_renew(&x->a.t, &s3));
	sz_session_cookie(&s3, c3);
	sz_sessions_drop_user(&x->b.t, 42, &s1);
	assert_true(sz_session_get(&x->a.t, c1, &got));
	assert_false(sz_session_get(&x->a.t, c2, &got));
	assert_true(sz_session_get(&x->a.t, c3, &got));   /* another user */
}

/* n logins of one member, through both processes, step seconds apart:
 * only the newest max stay. */
static void only_the_newest_logins_stay(struct fx *x, size_t max, int n,
	time_t step)
{
	x->a.t.per_user_max = max;
	x->b.t.per_user_max = max;
	struct sz_session s[16], got;
	char c[16][SZ_SESSION_TOKEN_LEN + 1];
	assert_true(n <= 16);
	for (int i = 0; i < n; i++) {
		log_in(i % 2 ? &x->b : &x->a, &s[i], c[i]);
		fake_wall += step;
	}
	for (int i = 0; i < n; i++)
		assert_int_equal(sz_session_get(&x->a.t, c[i], &got),
			i >= n - (int)max);
}

static void one_member_cannot_hold_more_than_their_share(void **state)
{
	/* later expiries */
	only_the_newest_logins_stay(*state, 2, 3, SZ_SESSION_BUCKET_S);
}

/* Logins within one expiry bucket: the member's newest stay, as in a
 * single process's memory (the rows keep no time finer than the bucket,
 * so the order comes from which row was written last). */
static void a_members_newest_logins_stay_within_one_bucket(void **state)
{
	only_the_newest_logins_stay(*state, 3, 16, 0);
}

static void flood_of_new_sessions_stays_within_the_cap(void **state)
{
	struct fx *x = *state;
	struct sz_session s, got;
	char first[SZ_SESSION_TOKEN_LEN + 1];
	struct sz_err err;
	log_in(&x->a, &s, first);
	x->a.t.evict_logged_in = false;
	x->b.t.evict_logged_in = false;
	for (int i = 0; i < 40; i++)
		assert_int_equal(sz_session_new(i % 2 ? &x->b.t : &x->a.t, &s,
			&err), SZ_OK);
	PGconn *c = PQconnectdb(x->conninfo);
	PGresult *r = PQexec(c, "SELECT count(*) FROM sessions");
	assert_string_equal(PQgetvalue(r, 0, 0), "8");
	PQclear(r);
	PQfinish(c);
	/* anonymous ones went; the logged-in source stayed */
	assert_true(sz_session_get(&x->b.t, first, &got));
	/* with only logged-in sessions left and no eviction allowed, a new
	 * one is refused rather than ending someone's */
	x->a.t.cap = 1;
	assert_int_equal(sz_session_new(&x->a.t, &s, &err), SZ_E_LIMIT);
	assert_false(sz_sessions_down(&x->a.t));
}

static void codename_guessing_through_many_processes_shares_one_budget(
	void **state)
{
	struct fx *x = *state;
	struct sz_err err;
	uint8_t k1[16], k2[16], k3[16];
	int out = -1;
	memset(k1, 1, sizeof(k1));
	memset(k2, 2, sizeof(k2));
	memset(k3, 3, sizeof(k3));
	/* three attempts per token, wherever they land */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(sz_session_store_charge(i % 2 ? x->b.store :
			x->a.store, k1, 3, 2, 360, &out, &err), SZ_OK);
		assert_int_equal(out, 0);
	}
	assert_int_equal(sz_session_store_charge(x->b.store, k1, 3, 2, 360,
		&out, &err), SZ_OK);
	assert_int_equal(out, 1);
	/* an attempt that could not be made is given back, for both */
	assert_int_equal(sz_session_store_refund(x->a.store, k1, &err), SZ_OK);
	assert_int_equal(sz_session_store_charge(x->b.store, k1, 3, 2, 360,
		&out, &err), SZ_OK);
	assert_int_equal(out, 0);
	/* two new tokens a minute for everyone: the third waits */
	assert_int_equal(sz_session_store_charge(x->b.store, k2, 3, 2, 360,
		&out, &err), SZ_OK);
	assert_int_equal(out, 0);
	assert_int_equal(sz_session_store_charge(x->a.store, k3, 3, 2, 360,
		&out, &err), SZ_OK);
	assert_int_equal(out, 2);
	/* the database holds no token */
	PGconn *c = PQconnectdb(x->conninfo);
	PGresult *r = PQexecParams(c, "SELECT khash FROM budgets", 0, NULL,
		NULL, NULL, NULL, 1);
	assert_int_equal(PQntuples(r), 2);
	for (int i = 0; i < PQntuples(r); i++) {
		const uint8_t *v = (const uint8_t *)PQgetvalue(r, i, 0);
		size_t n = (size_t)PQgetlength(r, i, 0);
		assert_false(contains(v, n, k1, 8));
		assert_false(contains(v, n, k2, 8));
	}
	PQclear(r);
	PQfinish(c);
}

/* The forum's budgets (web/forum/account.c) through two processes: the
 * limit holds for both together, kinds and windows count apart, and the
 * table keeps a keyed hash and the window's number, no member id. */
static void posting_through_many_processes_shares_one_budget(void **state)
{
	struct fx *x = *state;
	struct sz_err err;
	uint8_t m1[16] = { 0 }, m2[16] = { 0 };
	int out = -1;
	m1[0] = 41;
	m2[0] = 42;
	for (int i = 0; i < 4; i++) {
		assert_int_equal(sz_session_store_spend(i % 2 ? x->b.store :
			x->a.store, 0, m1, 86400, 4, &out, &err), SZ_OK);
		assert_int_equal(out, 0);
	}
	assert_int_equal(sz_session_store_spend(x->b.store, 0, m1, 86400, 4,
		&out, &err), SZ_OK);
	assert_int_equal(out, 1);
	assert_int_equal(sz_session_store_spend(x->a.store, 0, m1, 86400, 4,
		&out, &err), SZ_OK);
	assert_int_equal(out, 1);
	/* another member, another kind: their own counts */
	assert_int_equal(sz_session_store_spend(x->b.store, 0, m2, 86400, 4,
		&out, &err), SZ_OK);
	assert_int_equal(out, 0);
	assert_int_equal(sz_session_store_spend(x->b.store, 2, m1, 86400, 4,
		&out, &err), SZ_OK);
	assert_int_equal(out, 0);
	assert_int_equal(sz_session_store_spend(x->b.store, 3, m1, 86400, 1,
		&out, &err), SZ_OK);
	assert_int_equal(out, 0);
	/* a limit of nothing takes nothing */
	assert_int_equal(sz_session_store_spend(x->a.store, 1, m2, 60, 0,
		&out, &err), SZ_OK);
	assert_int_equal(out, 1);
	/* stored: hashes, whole days, nothing finer */
	PGconn *c = PQconnectdb(x->conninfo);
	PGresult *r = PQexecParams(c, "SELECT khash, win,"
		" (SELECT relpersistence FROM pg_class WHERE relname = 'spends')"
		" FROM spends", 0, NULL, NULL, NULL, NULL, 1);
	assert_int_equal(PQntuples(r), 4);
	int64_t today = (int64_t)time(NULL) / 86400;
	for (int i = 0; i < PQntuples(r); i++) {
		const uint8_t *v = (const uint8_t *)PQgetvalue(r, i, 0);
		size_t n = (size_t)PQgetlength(r, i, 0);
		assert_false(contains(v, n, m1, 8));
		assert_false(contains(v, n, m2, 8));
		uint64_t win = 0;
		for (int b = 0; b < 8; b++)
			win = win << 8 | (uint8_t)PQgetvalue(r, i, 1)[b];
		assert_true((int64_t)win == today || (int64_t)win == today + 1);
		/* unlogged: no write-ahead log (and no replica) keeps it */
		assert_int_equal(PQgetvalue(r, i, 2)[0], 'u');
	}
	PQclear(r);
	PQfinish(c);
}

/* The forum's failed login tries per name (web/forum/account.c): a try
 * is taken before the password is checked and given back when it was
 * right, so guesses through two processes reach the hour's limit
 * together, a right password costs nothing, and giving back never goes
 * below nothing (a given-back name still has only its limit). */
static void password_guessing_through_many_processes_shares_one_lockout(
	void **state)
{
	struct fx *x = *state;
	struct sz_err err;
	uint8_t name[16] = { 0 }, other[16] = { 0 };
	int out = -1;
	name[0] = 51;
	other[0] = 52;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(sz_session_store_spend(i % 2 ? x->b.store :
			x->a.store, 5, name, 3600, 3, &out, &err), SZ_OK);
		assert_int_equal(out, 0);
	}
	assert_int_equal(sz_session_store_spend(x->b.store, 5, name, 3600, 3,
		&out, &err), SZ_OK);
	assert_int_equal(out, 1);
	/* the owner's right password: taken, then given back */
	assert_int_equal(sz_session_store_unspend(x->a.store, 5, name, 3600,
		&err), SZ_OK);
	assert_int_equal(sz_session_store_spend(x->b.store, 5, name, 3600, 3,
		&out, &err), SZ_OK);
	assert_int_equal(out, 0);
	assert_int_equal(sz_session_store_spend(x->a.store, 5, name, 3600, 3,
		&out, &err), SZ_OK);
	assert_int_equal(out, 1);
	/* given back more than taken: still only the limit */
	assert_int_equal(sz_session_store_spend(x->a.store, 5, other, 3600, 3,
		&out, &err), SZ_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(sz_session_store_unspend(i % 2 ? x->b.store :
			x->a.store, 5, other, 3600, &err), SZ_OK);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(sz_session_store_spend(x->b.store, 5, other,
			3600, 3, &out, &err), SZ_OK);
		assert_int_equal(out, 0);
	}
	assert_int_equal(sz_session_store_spend(x->a.store, 5, other, 3600, 3,
		&out, &err), SZ_OK);
	assert_int_equal(out, 1);
	/* another kind's budget for the same key is its own */
	assert_int_equal(sz_session_store_spend(x->a.store, 4, name, 3600, 3,
		&out, &err), SZ_OK);
	assert_int_equal(out, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest cases[] = {
		T(session_started_by_one_process_is_served_by_another),
		T(seized_database_holds_no_cookie_secret_or_codename),
		T(database_without_the_session_key_opens_no_session),
		T(idle_session_expires_in_every_process),
		T(renewed_session_leaves_the_old_cookie_dead),
		T(password_change_logs_out_the_users_other_sessions),
		T(one_member_cannot_hold_more_than_their_share),
		T(a_members_newest_logins_stay_within_one_bucket),
		T(flood_of_new_sessions_stays_within_the_cap),
		T(codename_guessing_through_many_processes_shares_one_budget),
		T(posting_through_many_processes_shares_one_budget),
		T(password_guessing_through_many_processes_shares_one_lockout),
	};
	const char *engine[] = { "postgresql" };
	void *state[] = { NULL };
	bool absent[] = { pg_fixture_cluster() == NULL };
	return pg_fixture_run("session store", cases,
		sizeof(cases) / sizeof(cases[0]), engine, state, absent, 1);
}
