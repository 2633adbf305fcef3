/*
 * postgres_forum.c - the forum's PostgreSQL back end (database =
 * postgresql://... in the settings): a pool of libpq connections, each
 * preparing the statements it runs once (values are only ever
 * parameters: no SQL is built from what a member typed), the transaction
 * helper, and opening the forum, bringing the schema up to date in
 * numbered steps (postgres_forum_schema.c, counted in schema_version).
 * The operations themselves live in the other postgres_forum_*.c files.
 *
 * Writes run SERIALIZABLE: a registration checking that a name is free
 * and then taking it cannot race another, as under SQLite's single
 * writer; what the server reports as a serialization failure or a
 * deadlock is tried again, and nothing else.  Counters are kept by
 * triggers in the database, as in the SQLite schema.  Every committed
 * change also counts up forum_meta.version in the same transaction: that
 * is the forum's version, seen by every process on the database at once.
 *
 * A connection that lost its server (a restart, a fail-over) is reset
 * before it is used again; its prepared statements go with it.
 *
 * What it deliberately does not do: keep anything about a reader, and
 * choose where the database lives (the conninfo does; docs/operations.md).
 */
#include "store/postgres_forum_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FP_RETRIES 20
#define FP_MIGRATION_LOCK 0x737a666fLL   /* "szfo": one migrator at a time */

/* ---- statements -------------------------------------------------------- */

/* Drops what a connection had prepared: a reset server forgot it. */
static void forget_prepared(struct fp_conn *c)
{
	c->n = 0;
}

static bool conn_ok(struct fp_conn *c)
{
	if (PQstatus(c->pg) == CONNECTION_OK)
		return true;
	forget_prepared(c);
	PQreset(c->pg);
	return PQstatus(c->pg) == CONNECTION_OK;
}

static int result_error(struct fp_conn *c, PGresult *res, const char *what,
	struct sz_err *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) :
		NULL;
	int rc;
	if (PQstatus(c->pg) == CONNECTION_BAD)
		rc = FP_LOST;
	else if (state != NULL && (strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0))
		rc = FP_RETRY;
	else if (state != NULL && strcmp(state, "23505") == 0)
		rc = sz_err_set(err, SZ_E_EXISTS, "the forum's database refused a "
			"duplicate while %s", what);
	else
		rc = sz_err_set(err, SZ_E_IO, "the forum's database failed while "
			"%s: %s", what, PQerrorMessage(c->pg));
	PQclear(res);
	return rc;
}

PGresult *fp_exec(struct fp_conn *c, const char *sql,
	const struct fp_value *v, size_t n, int *rc, const char *what,
	struct sz_err *err)
{
	char name[16], nums[FP_PARAMS][24];
	const char *values[FP_PARAMS];
	int lengths[FP_PARAMS], formats[FP_PARAMS];
	size_t i;
	*rc = 0;
	if (n > FP_PARAMS) {
		*rc = sz_err_set(err, SZ_E_LIMIT, "a statement has too many "
			"parameters");
		return NULL;
	}
	for (i = 0; i < c->n && c->sql[i] != sql; i++)
		;
	if (i == c->n) {
		if (c->n == FP_STATEMENTS) {
			*rc = sz_err_set(err, SZ_E_LIMIT, "the forum's statement "
				"cache is full");
			return NULL;
		}
		snprintf(name, sizeof(name), "s%zu", i);
		PGresult *p = PQprepare(c->pg, name, sql, 0, NULL);
		if (PQresultStatus(p) != PGRES_COMMAND_OK) {
			*rc = result_error(c, p, what, err);
			return NULL;
		}
		PQclear(p);
		c->sql[c->n++] = sql;
	}
	snprintf(name, sizeof(name), "s%zu", i);
	for (size_t k = 0; k < n; k++) {
		lengths[k] = 0;
		formats[k] = 0;
		if (v[k].kind == FP_INT) {
			snprintf(nums[k], sizeof(nums[k]), "%" PRId64, v[k].i);
			values[k] = nums[k];
		} else if (v[k].kind == FP_BYTES) {
			values[k] = v[k].s;
			lengths[k] = (int)v[k].len;
			formats[k] = 1;
		} else {
			values[k] = v[k].s;
		}
	}
	PGresult *res = PQexecPrepared(c->pg, name, (int)n, values, lengths,
		formats, 0);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		*rc = result_error(c, res, what, err);
		return NULL;
	}
	return res;
}

int fp_run(struct fp_conn *c, const char *sql, const struct fp_value *v,
	size_t n, int64_t *changed, const char *what, struct sz_err *err)
{
	int rc;
	PGresult *res = fp_exec(c, sql, v, n, &rc, what, err);
	if (res == NULL)
		return rc;
	if (changed != NULL)
		*changed = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

int fp_int_of(struct fp_conn *c, const char *sql, const struct fp_value *v,
	size_t n, int64_t *out, const char *what, struct sz_err *err)
{
	int rc;
	PGresult *res = fp_exec(c, sql, v, n, &rc, what, err);
	*out = 0;
	if (res == NULL)
		return rc;
	if (PQntuples(res) > 0)
		*out = fp_int(res, 0, 0);
	PQclear(res);
	return 0;
}

int64_t fp_int(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

void fp_text(char *dst, size_t cap, const PGresult *r, int row, int col)
{
	size_t n = (size_t)PQgetlength(r, row, col);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, PQgetvalue(r, row, col), n);
	dst[n] = '\0';
}

char *fp_dup(const PGresult *r, int row, int col)
{
	size_t n = (size_t)PQgetlength(r, row, col);
	char *s = malloc(n + 1);
	if (s != NULL) {
		memcpy(s, PQgetvalue(r, row, col), n);
		s[n] = '\0';
	}
	return s;
}

/* ---- the pool and transactions ---------------------------------------- */

/* The batch the calling thread holds, if any. */
static _Thread_local struct pg_forum *batch_of_thread;

struct fp_conn *fp_acquire(struct pg_forum *f)
{
	if (batch_of_thread == f)
		return f->batch;
	pthread_mutex_lock(&f->mu);
	for (;;) {
		for (size_t i = 0; i < FP_CONNS; i++)
			if (!f->conns[i].busy) {
				f->conns[i].busy = true;
				pthread_mutex_unlock(&f->mu);
				conn_ok(&f->conns[i]);
				return &f->conns[i];
			}
		pthread_cond_wait(&f->free, &f->mu);
	}
}

void fp_release(struct pg_forum *f, struct fp_conn *c)
{
	if (batch_of_thread == f && c == f->batch)
		return;
	pthread_mutex_lock(&f->mu);
	c->busy = false;
	pthread_cond_signal(&f->free);
	pthread_mutex_unlock(&f->mu);
}

PGresult *fp_read(struct pg_forum *f, const char *sql,
	const struct fp_value *v, size_t n, int *rc, const char *what,
	struct sz_err *err)
{
	struct fp_conn *c = fp_acquire(f);
	PGresult *res = fp_exec(c, sql, v, n, rc, what, err);
	/* the server went away (a restart): once more, connected again */
	if (res == NULL && *rc == FP_LOST && conn_ok(c))
		res = fp_exec(c, sql, v, n, rc, what, err);
	fp_release(f, c);
	if (res == NULL && (*rc == FP_RETRY || *rc == FP_LOST))
		*rc = sz_err_set(err, SZ_E_IO, "the forum's database cannot be "
			"reached; try again in a moment");
	return res;
}

static int plain(struct fp_conn *c, const char *sql, const char *what,
	struct sz_err *err)
{
	PGresult *res = PQexec(c->pg, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return result_error(c, res, what, err);
	PQclear(res);
	return 0;
}

static const char SQL_BUMP[] =
	"UPDATE forum_meta SET version = version + 1";

int fp_transaction(struct pg_forum *f, fp_tx_fn fn, void *ctx,
	struct sz_err *err)
{
	if (batch_of_thread == f) {
		int rc = fn(f->batch, ctx, err);
		return rc == FP_RETRY || rc == FP_LOST ? sz_err_set(err, SZ_E_IO,
			"the forum's database failed during a batch") : rc;
	}
	struct fp_conn *c = fp_acquire(f);
	int rc = FP_RETRY;
	for (int i = 0; i < FP_RETRIES && (rc == FP_RETRY || rc == FP_LOST);
	     i++) {
		if (i > 0)
			usleep((useconds_t)(2000 * i));
		if (rc == FP_LOST && !conn_ok(c))
			break;
		rc = plain(c, "BEGIN ISOLATION LEVEL SERIALIZABLE",
			"starting a change", err);
		if (rc != 0)
			continue;
		rc = fn(c, ctx, err);
		if (rc == 0)
			rc = fp_run(c, SQL_BUMP, NULL, 0, NULL, "saving a change",
				err);
		if (rc == 0) {
			rc = plain(c, "COMMIT", "saving a change", err);
			/* gone while committing: saved or not, nobody can say,
			 * and doing it again might do it twice */
			if (rc == FP_LOST) {
				rc = sz_err_set(err, SZ_E_IO, "the forum's database "
					"went away while saving a change; look whether it "
					"was saved before trying again");
				break;
			}
		}
		if (rc != 0 && PQstatus(c->pg) == CONNECTION_OK)
			PQclear(PQexec(c->pg, "ROLLBACK"));
	}
	fp_release(f, c);
	if (rc == FP_RETRY)
		rc = sz_err_set(err, SZ_E_IO, "the forum's database kept "
			"conflicting; try again in a moment");
	else if (rc == FP_LOST)
		rc = sz_err_set(err, SZ_E_IO, "the forum's database cannot be "
			"reached; try again in a moment");
	return rc;
}

struct write_one {
	const char *sql;
	const struct fp_value *v;
	size_t n;
	const char *what, *missing;
};

static int write_one_tx(struct fp_conn *c, void *ctx, struct sz_err *err)
{
	struct write_one *w = ctx;
	int64_t changed = 0;
	int rc = fp_run(c, w->sql, w->v, w->n, &changed, w->what, err);
	if (rc == 0 && w->missing != NULL && changed == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "%s", w->missing);
	return rc;
}

int fp_write(struct pg_forum *f, const char *sql, const struct fp_value *v,
	size_t n, const char *what, const char *missing, struct sz_err *err)
{
	struct write_one w = { sql, v, n, what, missing };
	return fp_transaction(f, write_one_tx, &w, err);
}

static int batch_begin(struct sz_forum *base, struct sz_err *err)
{
	struct pg_forum *f = fp(base);
	if (batch_of_thread == f)
		return sz_err_set(err, SZ_E_INVAL, "a batch is open already");
	struct fp_conn *c = fp_acquire(f);
	int rc = plain(c, "BEGIN ISOLATION LEVEL SERIALIZABLE",
		"starting a batch", err);
	if (rc != 0) {
		fp_release(f, c);
		return rc == FP_RETRY || rc == FP_LOST ? sz_err_set(err, SZ_E_IO,
			"the forum's database cannot be reached") : rc;
	}
	f->batch = c;
	batch_of_thread = f;
	return 0;
}

static int batch_commit(struct sz_forum *base, struct sz_err *err)
{
	struct pg_forum *f = fp(base);
	if (batch_of_thread != f)
		return sz_err_set(err, SZ_E_INVAL, "no batch is open");
	struct fp_conn *c = f->batch;
	int rc = fp_run(c, SQL_BUMP, NULL, 0, NULL, "saving a batch", err);
	if (rc == 0)
		rc = plain(c, "COMMIT", "saving a batch", err);
	if (rc != 0) {
		PQclear(PQexec(c->pg, "ROLLBACK"));
		if (rc == FP_RETRY || rc == FP_LOST)
			rc = sz_err_set(err, SZ_E_IO, "the forum's database had a "
				"conflict; the batch was not saved");
	}
	batch_of_thread = NULL;
	f->batch = NULL;
	fp_release(f, c);
	return rc;
}

/* ---- rows shared by the files ----------------------------------------- */

int fp_post_read(const PGresult *r, int row, struct sz_forum_post *p,
	bool skip_html)
{
	memset(p, 0, sizeof(*p));
	p->id = fp_int(r, row, 0);
	p->thread_id = fp_int(r, row, 1);
	fp_text(p->thread_title, sizeof(p->thread_title), r, row, 2);
	p->position = fp_int(r, row, 3);
	p->created = fp_int(r, row, 4);
	p->edited = fp_int(r, row, 5);
	p->edits = fp_int(r, row, 6);
	p->state = (enum sz_forum_post_state)fp_int(r, row, 7);
	p->likes = fp_int(r, row, 8);
	p->quote_of = fp_int(r, row, 9);
	struct sz_forum_author *a = &p->author;
	a->id = fp_int(r, row, 11);
	fp_text(a->name, sizeof(a->name), r, row, 12);
	a->role = (enum sz_forum_role)fp_int(r, row, 13);
	fp_text(a->title, sizeof(a->title), r, row, 14);
	fp_text(a->badge, sizeof(a->badge), r, row, 15);
	fp_text(a->country, sizeof(a->country), r, row, 16);
	fp_text(a->joined_day, sizeof(a->joined_day), r, row, 17);
	a->posts = fp_int(r, row, 18);
	a->likes_received = fp_int(r, row, 19);
	a->deleted = fp_int(r, row, 20) == SZ_MEMBER_DELETED;
	a->banned = fp_int(r, row, 21) != 0;
	if (!skip_html && (p->html = fp_dup(r, row, 10)) == NULL)
		return SZ_E_NOMEM;
	return 0;
}

void fp_thread_read(const PGresult *r, int row, struct sz_forum_thread *t)
{
	memset(t, 0, sizeof(*t));
	t->id = fp_int(r, row, 0);
	t->board_id = fp_int(r, row, 1);
	fp_text(t->board_name, sizeof(t->board_name), r, row, 2);
	t->subject = (enum sz_forum_subject)fp_int(r, row, 3);
	t->subject_id = fp_int(r, row, 4);
	fp_text(t->title, sizeof(t->title), r, row, 5);
	t->author_id = fp_int(r, row, 6);
	fp_text(t->author_name, sizeof(t->author_name), r, row, 7);
	t->created = fp_int(r, row, 8);
	t->last_at = fp_int(r, row, 9);
	t->last_post_id = fp_int(r, row, 10);
	fp_text(t->last_author, sizeof(t->last_author), r, row, 11);
	t->last_position = fp_int(r, row, 12);
	t->posts = fp_int(r, row, 13);
	t->sticky = fp_int(r, row, 14) != 0;
	t->locked = fp_int(r, row, 15) != 0;
	t->state = (enum sz_forum_thread_state)fp_int(r, row, 16);
	t->merged_into = fp_int(r, row, 17);
}

/* ---- opening ----------------------------------------------------------- */

static void forum_close(struct sz_forum *base)
{
	struct pg_forum *f = fp(base);
	if (f == NULL)
		return;
	for (size_t i = 0; i < FP_CONNS; i++)
		if (f->conns[i].pg != NULL)
			PQfinish(f->conns[i].pg);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->free);
	free(f);
}

static const char SQL_VERSION[] = "SELECT version FROM forum_meta";

static int forum_version(struct sz_forum *base, int64_t *v,
	struct sz_err *err)
{
	int rc;
	PGresult *res = fp_read(fp(base), SQL_VERSION, NULL, 0, &rc,
		"reading its version", err);
	if (res == NULL)
		return rc;
	*v = PQntuples(res) > 0 ? fp_int(res, 0, 0) : 0;
	PQclear(res);
	return 0;
}

static const char SQL_SCHEMA_TABLE[] =
	"CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)";
static const char SQL_SCHEMA_GET[] =
	"SELECT coalesce(max(version), 0) FROM schema_version";
static const char SQL_SCHEMA_CLEAR[] = "DELETE FROM schema_version";
static const char SQL_SCHEMA_SET[] =
	"INSERT INTO schema_version VALUES ($1::integer)";

/* Brings the schema up to date: each step and its number in one
 * transaction, one process at a time (an advisory lock, so processes
 * starting together do not race to create the tables). */
static int migrate(struct fp_conn *c, struct sz_err *err)
{
	char lock[96];
	int rc = 0;
	snprintf(lock, sizeof(lock), "SELECT pg_advisory_lock(%lld)",
		FP_MIGRATION_LOCK);
	PGresult *res = PQexec(c->pg, lock);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return result_error(c, res, "opening the forum", err);
	PQclear(res);
	rc = plain(c, SQL_SCHEMA_TABLE, "opening the forum", err);
	int64_t have = 0;
	if (rc == 0)
		rc = fp_int_of(c, SQL_SCHEMA_GET, NULL, 0, &have,
			"reading the forum's schema version", err);
	if (rc == 0 && have > (int64_t)fp_nmigrations)
		rc = sz_err_set(err, SZ_E_UNSUPPORTED, "the forum's database was "
			"made by a newer samizdat (schema %lld, this one knows %zu): "
			"upgrade samizdat", (long long)have, fp_nmigrations);
	for (size_t i = (size_t)have; rc == 0 && i < fp_nmigrations; i++) {
		struct fp_value v[] = { FP_I(i + 1) };
		rc = plain(c, "BEGIN", "updating the forum's schema", err);
		if (rc == 0)
			rc = plain(c, fp_migrations[i], "updating the forum's schema",
				err);
		if (rc == 0)
			rc = fp_run(c, SQL_SCHEMA_CLEAR, NULL, 0, NULL,
				"updating the forum's schema", err);
		if (rc == 0)
			rc = fp_run(c, SQL_SCHEMA_SET, v, 1, NULL,
				"updating the forum's schema", err);
		if (rc == 0)
			rc = plain(c, "COMMIT", "updating the forum's schema", err);
		if (rc != 0)
			PQclear(PQexec(c->pg, "ROLLBACK"));
	}
	snprintf(lock, sizeof(lock), "SELECT pg_advisory_unlock(%lld)",
		FP_MIGRATION_LOCK);
	PQclear(PQexec(c->pg, lock));
	return rc == FP_RETRY || rc == FP_LOST ? sz_err_set(err, SZ_E_IO,
		"the forum's schema could not be updated") : rc;
}

static const struct sz_forum_ops postgres_forum_ops = {
	.close = forum_close,
	.begin = batch_begin,
	.commit = batch_commit,
	.member_create = fp_member_create,
	.member_get = fp_member_get,
	.member_find = fp_member_find,
	.member_set_password = fp_member_set_password,
	.member_set_role = fp_member_set_role,
	.member_set_labels = fp_member_set_labels,
	.member_set_state = fp_member_set_state,
	.member_set_flags = fp_member_set_flags,
	.member_delete = fp_member_delete,
	.member_list = fp_member_list,
	.member_read = fp_member_read,
	.reserve = fp_reserve,
	.key_taken = fp_key_taken,
	.invite_add = fp_invite_add,
	.board_create = fp_board_create,
	.board_get = fp_board_get,
	.board_list = fp_board_list,
	.thread_create = fp_thread_create,
	.thread_get = fp_thread_get,
	.thread_of_subject = fp_thread_of_subject,
	.threads_page = fp_threads_page,
	.threads_new = fp_threads_new,
	.thread_set_flags = fp_thread_set_flags,
	.thread_set_state = fp_thread_set_state,
	.thread_move = fp_thread_move,
	.thread_merge = fp_thread_merge,
	.post_add = fp_post_add,
	.post_get = fp_post_get,
	.posts_page = fp_posts_page,
	.posts_latest = fp_posts_latest,
	.posts_by = fp_posts_by,
	.posts_pending = fp_posts_pending,
	.post_edit = fp_post_edit,
	.post_edits = fp_post_edits,
	.post_set_state = fp_post_set_state,
	.like = fp_like,
	.report_add = fp_report_add,
	.reports_open = fp_reports_open,
	.reports_resolve = fp_reports_resolve,
	.log_add = fp_log_add,
	.log_page = fp_log_page,
	.budget_take = fp_budget_take,
	.search = fp_search,
	.totals = fp_totals,
	.version = forum_version,
};

/* The server's notices ("relation already exists, skipping") are not
 * errors, and a face's error stream is no place for them. */
static void no_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

int sz_forum_open_postgres(struct sz_forum **out, const char *conninfo,
	struct sz_err *err)
{
	*out = NULL;
	struct pg_forum *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	f->base.ops = &postgres_forum_ops;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->free, NULL);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < FP_CONNS; i++) {
		f->conns[i].pg = PQconnectdb(conninfo);
		if (f->conns[i].pg != NULL)
			PQsetNoticeProcessor(f->conns[i].pg, no_notices, NULL);
		if (f->conns[i].pg == NULL)
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		else if (PQstatus(f->conns[i].pg) != CONNECTION_OK)
			rc = sz_err_set(err, SZ_E_IO, "cannot connect to the forum's "
				"PostgreSQL database (the database setting): %s",
				PQerrorMessage(f->conns[i].pg));
		else if (i == 0)
			rc = migrate(&f->conns[0], err);
	}
	if (rc != 0) {
		forum_close(&f->base);
		return rc;
	}
	*out = &f->base;
	return 0;
}
