/*
 * postgres_pool.c - what the PostgreSQL back ends share (postgres_pool.h):
 * a small pool of libpq connections, each preparing the statements it
 * runs once (PQprepare / PQexecPrepared: values are only ever
 * parameters), the transaction helper that retries what PostgreSQL
 * reports as retryable, and numbered migrations.
 *
 * Writes run SERIALIZABLE: a check and the write that depends on it (a
 * name free, then taken) cannot race another process, as under SQLite's
 * single writer; a serialization failure (40001) or a deadlock (40P01) is
 * tried again, and nothing else.  A connection that lost its server (a
 * restart, a fail-over) is reset before it is used again, its prepared
 * statements forgotten with it; a transaction it was in is redone if its
 * COMMIT had not been sent, and reported otherwise.
 *
 * What it does not do: know any table (the back ends do), or choose
 * where the database lives (the conninfo does).
 */
#include "store/postgres_pool.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/unreachable.h"

#define PG_RETRIES 20
/* One migrator at a time, whatever the part: "szmg" */
#define PG_MIGRATION_LOCK 0x737a6d67LL

/* ---- statements -------------------------------------------------------- */

/* Drops what a connection had prepared: a reset server forgot it. */
static void forget_prepared(struct pg_conn *c)
{
	c->n = 0;
}

static bool conn_ok(struct pg_conn *c)
{
	if (PQstatus(c->pg) == CONNECTION_OK)
		return true;
	forget_prepared(c);
	PQreset(c->pg);
	if (PQstatus(c->pg) == CONNECTION_OK) {
		sz_unreachable_clear();   /* back: what failed is retried */
		return true;
	}
	sz_unreachable_note();   /* the face answers 503 (core/unreachable.h) */
	return false;
}

static int result_error(struct pg_conn *c, PGresult *res, const char *what,
	struct sz_err *err)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) :
		NULL;
	int rc;
	/* a lost connection, or a server shutting down (class 57P: an
	 * administrator's stop) or refusing connections (class 08) */
	if (PQstatus(c->pg) == CONNECTION_BAD || (state != NULL &&
	    (strncmp(state, "57P", 3) == 0 || strncmp(state, "08", 2) == 0)))
		rc = PG_LOST;
	else if (state != NULL && (strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0))
		rc = PG_RETRY;
	else if (state != NULL && strcmp(state, "57014") == 0)
		rc = PG_CANCELED;
	else if (state != NULL && strcmp(state, "23505") == 0)
		rc = sz_err_set(err, SZ_E_EXISTS, "%s refused a duplicate while %s",
			c->name, what);
	else
		rc = sz_err_set(err, SZ_E_IO, "%s failed while "
			"%s: %s", c->name, what, PQerrorMessage(c->pg));
	if (rc == PG_LOST)
		sz_unreachable_note();
	PQclear(res);
	return rc;
}

PGresult *pg_exec(struct pg_conn *c, const char *sql,
	const struct pg_value *v, size_t n, int *rc, const char *what,
	struct sz_err *err)
{
	char name[16], nums[PG_PARAMS][24];
	const char *values[PG_PARAMS];
	int lengths[PG_PARAMS], formats[PG_PARAMS];
	size_t i;
	*rc = 0;
	if (n > PG_PARAMS) {
		*rc = sz_err_set(err, SZ_E_LIMIT, "a statement has too many "
			"parameters");
		return NULL;
	}
	for (i = 0; i < c->n && c->sql[i] != sql; i++)
		;
	if (i == c->n) {
		if (c->n == PG_STATEMENTS) {
			*rc = sz_err_set(err, SZ_E_LIMIT, "%s: the statement "
				"cache is full", c->name);
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
		if (v[k].kind == PG_INT) {
			snprintf(nums[k], sizeof(nums[k]), "%" PRId64, v[k].i);
			values[k] = nums[k];
		} else if (v[k].kind == PG_BYTES) {
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

int pg_run(struct pg_conn *c, const char *sql, const struct pg_value *v,
	size_t n, int64_t *changed, const char *what, struct sz_err *err)
{
	int rc;
	PGresult *res = pg_exec(c, sql, v, n, &rc, what, err);
	if (res == NULL)
		return rc;
	if (changed != NULL)
		*changed = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

/* Before any query: a REPEATABLE READ snapshot is taken by the first
 * (SET and LOCK take none). */
static const char SQL_SETTLE_WAIT[] =
	"SET LOCAL lock_timeout = '" PG_SETTLE_WAIT "'";

struct log_read {
	const struct pg_log *log;
	int64_t after;
	size_t limit, size;
	char *rows;
	pg_fill_fn fill;
	size_t *n;
	int64_t *last;
};

static int log_read_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct log_read *x = ctx;
	*x->n = 0;
	*x->last = 0;
	char what[96];
	snprintf(what, sizeof(what), "waiting for %s changes in flight (at "
		"most " PG_SETTLE_WAIT ")", x->log->whose);
	int rc = pg_run(c, SQL_SETTLE_WAIT, NULL, 0, NULL, "reading the change "
		"log", err);
	if (rc == 0)
		rc = pg_run(c, x->log->lock, NULL, 0, NULL, what, err);
	if (rc == 0)
		rc = pg_int_of(c, x->log->last, NULL, 0, x->last,
			"reading the change log", err);
	if (rc != 0 || x->limit == 0)
		return rc;
	struct pg_value v[] = { PG_I(x->after), PG_I(x->limit) };
	PGresult *res = pg_exec(c, x->log->rows, v, 2, &rc,
		"reading the change log", err);
	if (res == NULL)
		return rc;
	for (int i = 0; i < PQntuples(res) && *x->n < x->limit; i++)
		x->fill(res, i, x->rows + (*x->n)++ * x->size);
	PQclear(res);
	return 0;
}

int pg_read_log(struct pg_pool *f, const struct pg_log *log, int64_t after,
	size_t limit, void *rows, size_t size, pg_fill_fn fill, size_t *n,
	int64_t *last, struct sz_err *err)
{
	struct log_read x = { log, after, limit, size, rows, fill, n, last };
	int rc = pg_snapshot(f, log_read_tx, &x, err);
	if (rc != 0) {
		*n = 0;
		*last = 0;
	}
	return rc;
}

int pg_int_of(struct pg_conn *c, const char *sql, const struct pg_value *v,
	size_t n, int64_t *out, const char *what, struct sz_err *err)
{
	int rc;
	PGresult *res = pg_exec(c, sql, v, n, &rc, what, err);
	*out = 0;
	if (res == NULL)
		return rc;
	if (PQntuples(res) > 0)
		*out = pg_int(res, 0, 0);
	PQclear(res);
	return 0;
}

int64_t pg_int(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

void pg_text(char *dst, size_t cap, const PGresult *r, int row, int col)
{
	size_t n = (size_t)PQgetlength(r, row, col);
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, PQgetvalue(r, row, col), n);
	dst[n] = '\0';
}

char *pg_dup(const PGresult *r, int row, int col)
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
static _Thread_local struct pg_pool *batch_of_thread;

struct pg_conn *pg_acquire(struct pg_pool *f)
{
	if (batch_of_thread == f)
		return f->batch;
	pthread_mutex_lock(&f->mu);
	for (;;) {
		for (size_t i = 0; i < PG_CONNS; i++)
			if (!f->conns[i].busy) {
				f->conns[i].busy = true;
				pthread_mutex_unlock(&f->mu);
				conn_ok(&f->conns[i]);
				return &f->conns[i];
			}
		pthread_cond_wait(&f->free, &f->mu);
	}
}

void pg_release(struct pg_pool *f, struct pg_conn *c)
{
	if (batch_of_thread == f && c == f->batch)
		return;
	pthread_mutex_lock(&f->mu);
	c->busy = false;
	pthread_cond_signal(&f->free);
	pthread_mutex_unlock(&f->mu);
}

PGresult *pg_read(struct pg_pool *f, const char *sql,
	const struct pg_value *v, size_t n, int *rc, const char *what,
	struct sz_err *err)
{
	struct pg_conn *c = pg_acquire(f);
	PGresult *res = pg_exec(c, sql, v, n, rc, what, err);
	/* the server went away (a restart): once more, connected again */
	if (res == NULL && *rc == PG_LOST && conn_ok(c))
		res = pg_exec(c, sql, v, n, rc, what, err);
	pg_release(f, c);
	if (res == NULL && (*rc == PG_RETRY || *rc == PG_LOST))
		*rc = sz_err_set(err, SZ_E_IO, "%s cannot be reached; "
			"try again in a moment", f->name);
	return res;
}

static int plain(struct pg_conn *c, const char *sql, const char *what,
	struct sz_err *err)
{
	PGresult *res = PQexec(c->pg, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return result_error(c, res, what, err);
	PQclear(res);
	return 0;
}

int pg_read_rows(struct pg_pool *f, const char *sql,
	const struct pg_value *v, size_t nv, size_t size, size_t max,
	pg_fill_fn fill, void **rows, size_t *n, const char *what,
	struct sz_err *err)
{
	int rc;
	*rows = NULL;
	*n = 0;
	PGresult *res = pg_read(f, sql, v, nv, &rc, what, err);
	if (res == NULL)
		return rc;
	size_t count = (size_t)PQntuples(res);
	if (count > max)
		count = max;
	char *out = count ? calloc(count, size) : NULL;
	if (count && out == NULL)
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	for (size_t i = 0; rc == SZ_OK && i < count; i++)
		fill(res, (int)i, out + i * size);
	PQclear(res);
	if (rc == SZ_OK) {
		*rows = out;
		*n = count;
	}
	return rc;
}

int pg_read_ids(struct pg_pool *f, const char *sql, const struct pg_value *v,
	size_t nv, int64_t *ids, size_t max, size_t *n, const char *what,
	struct sz_err *err)
{
	int rc;
	*n = 0;
	PGresult *res = pg_read(f, sql, v, nv, &rc, what, err);
	if (res == NULL)
		return rc;
	for (int i = 0; i < PQntuples(res) && *n < max; i++)
		ids[(*n)++] = pg_int(res, i, 0);
	PQclear(res);
	return 0;
}

int pg_read_row(struct pg_pool *f, const char *sql, const struct pg_value *v,
	size_t nv, void *out, size_t size, pg_fill_fn fill, const char *missing,
	const char *what, struct sz_err *err)
{
	int rc;
	memset(out, 0, size);
	PGresult *res = pg_read(f, sql, v, nv, &rc, what, err);
	if (res == NULL)
		return rc;
	if (PQntuples(res) > 0)
		fill(res, 0, out);
	else
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "%s", missing);
	PQclear(res);
	return rc;
}

/* A transaction begun with begin; bump: run the pool's bump before
 * COMMIT. */
static int transaction(struct pg_pool *f, const char *begin, bool bump,
	pg_tx_fn fn, void *ctx, struct sz_err *err)
{
	if (batch_of_thread == f) {
		int rc = fn(f->batch, ctx, err);
		return rc == PG_RETRY || rc == PG_LOST ? sz_err_set(err, SZ_E_IO,
			"%s failed during a batch", f->name) : rc;
	}
	struct pg_conn *c = pg_acquire(f);
	int rc = PG_RETRY;
	for (int i = 0; i < PG_RETRIES && (rc == PG_RETRY || rc == PG_LOST);
	     i++) {
		if (i > 0)
			usleep((useconds_t)(2000 * i));
		if (rc == PG_LOST && !conn_ok(c))
			break;
		rc = plain(c, begin, "starting a change", err);
		if (rc != 0)
			continue;
		rc = fn(c, ctx, err);
		if (rc == 0 && bump && f->bump != NULL)
			rc = pg_run(c, f->bump, NULL, 0, NULL, "saving a change",
				err);
		if (rc == 0) {
			rc = plain(c, "COMMIT", "saving a change", err);
			/* gone while committing: saved or not, nobody can say,
			 * and doing it again might do it twice */
			if (rc == PG_LOST) {
				rc = sz_err_set(err, SZ_E_IO, "%s went away while "
					"saving a change; look whether it was saved before "
					"trying again", f->name);
				break;
			}
		}
		if (rc != 0 && PQstatus(c->pg) == CONNECTION_OK)
			PQclear(PQexec(c->pg, "ROLLBACK"));
	}
	pg_release(f, c);
	if (rc == PG_RETRY)
		rc = sz_err_set(err, SZ_E_IO, "%s kept conflicting; try "
			"again in a moment", f->name);
	else if (rc == PG_LOST)
		rc = sz_err_set(err, SZ_E_IO, "%s cannot be reached; try "
			"again in a moment", f->name);
	return rc;
}

int pg_transaction(struct pg_pool *f, pg_tx_fn fn, void *ctx,
	struct sz_err *err)
{
	return transaction(f, "BEGIN ISOLATION LEVEL SERIALIZABLE", true, fn,
		ctx, err);
}

int pg_transaction_locked(struct pg_pool *f, pg_tx_fn fn, void *ctx,
	struct sz_err *err)
{
	return transaction(f, "BEGIN ISOLATION LEVEL READ COMMITTED", true, fn,
		ctx, err);
}

int pg_snapshot(struct pg_pool *f, pg_tx_fn fn, void *ctx,
	struct sz_err *err)
{
	return transaction(f, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
		false, fn, ctx, err);
}

struct write_one {
	const char *sql;
	const struct pg_value *v;
	size_t n;
	const char *what, *missing;
};

static int write_one_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct write_one *w = ctx;
	int64_t changed = 0;
	int rc = pg_run(c, w->sql, w->v, w->n, &changed, w->what, err);
	if (rc == 0 && w->missing != NULL && changed == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "%s", w->missing);
	return rc;
}

int pg_write(struct pg_pool *f, const char *sql, const struct pg_value *v,
	size_t n, const char *what, const char *missing, struct sz_err *err)
{
	struct write_one w = { sql, v, n, what, missing };
	return pg_transaction(f, write_one_tx, &w, err);
}

int pg_batch_begin(struct pg_pool *f, struct sz_err *err)
{
	if (batch_of_thread == f)
		return sz_err_set(err, SZ_E_INVAL, "a batch is open already");
	struct pg_conn *c = pg_acquire(f);
	int rc = plain(c, "BEGIN ISOLATION LEVEL SERIALIZABLE",
		"starting a batch", err);
	if (rc != 0) {
		pg_release(f, c);
		return rc == PG_RETRY || rc == PG_LOST ? sz_err_set(err, SZ_E_IO,
			"%s cannot be reached", f->name) : rc;
	}
	f->batch = c;
	batch_of_thread = f;
	return 0;
}

int pg_batch_commit(struct pg_pool *f, struct sz_err *err)
{
	if (batch_of_thread != f)
		return sz_err_set(err, SZ_E_INVAL, "no batch is open");
	struct pg_conn *c = f->batch;
	int rc = f->bump == NULL ? 0 : pg_run(c, f->bump, NULL, 0, NULL,
		"saving a batch", err);
	if (rc == 0)
		rc = plain(c, "COMMIT", "saving a batch", err);
	if (rc != 0) {
		PQclear(PQexec(c->pg, "ROLLBACK"));
		if (rc == PG_RETRY || rc == PG_LOST)
			rc = sz_err_set(err, SZ_E_IO, "%s had a conflict; the "
				"batch was not saved", f->name);
	}
	batch_of_thread = NULL;
	f->batch = NULL;
	pg_release(f, c);
	return rc;
}

void pg_batch_rollback(struct pg_pool *f)
{
	if (batch_of_thread != f)
		return;
	struct pg_conn *c = f->batch;
	if (PQstatus(c->pg) == CONNECTION_OK)
		PQclear(PQexec(c->pg, "ROLLBACK"));
	batch_of_thread = NULL;
	f->batch = NULL;
	pg_release(f, c);
}

/* One row per part (the forum, the inbox), which may share a database. */
static const char SQL_SCHEMA_TABLE[] =
	"CREATE TABLE IF NOT EXISTS schema_version (part text PRIMARY KEY,"
	" version integer NOT NULL)";
static const char SQL_SCHEMA_GET[] =
	"SELECT coalesce(max(version), 0) FROM schema_version"
	" WHERE part = $1::text";
static const char SQL_SCHEMA_SET[] =
	"INSERT INTO schema_version VALUES ($1::text, $2::integer)"
	" ON CONFLICT (part) DO UPDATE SET version = excluded.version";

int pg_migrate(struct pg_pool *f, const char *part,
	const char *const *steps, size_t nsteps, struct sz_err *err)
{
	struct pg_conn *c = &f->conns[0];
	char lock[96];
	int rc = 0;
	snprintf(lock, sizeof(lock), "SELECT pg_advisory_lock(%lld)",
		PG_MIGRATION_LOCK);
	PGresult *res = PQexec(c->pg, lock);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return result_error(c, res, "opening the database", err);
	PQclear(res);
	struct pg_value key = PG_S(part);
	rc = plain(c, SQL_SCHEMA_TABLE, "opening the database", err);
	int64_t have = 0;
	if (rc == 0)
		rc = pg_int_of(c, SQL_SCHEMA_GET, &key, 1, &have,
			"reading the schema version", err);
	if (rc == 0 && have > (int64_t)nsteps)
		rc = sz_err_set(err, SZ_E_UNSUPPORTED, "%s was made by a newer "
			"samizdat (schema %lld, this one knows %zu): upgrade samizdat",
			f->name, (long long)have, nsteps);
	for (size_t i = (size_t)have; rc == 0 && i < nsteps; i++) {
		struct pg_value v[] = { PG_S(part), PG_I(i + 1) };
		rc = plain(c, "BEGIN", "updating the schema", err);
		if (rc == 0)
			rc = plain(c, steps[i], "updating the schema",
				err);
		if (rc == 0)
			rc = pg_run(c, SQL_SCHEMA_SET, v, 2, NULL,
				"updating the schema", err);
		if (rc == 0)
			rc = plain(c, "COMMIT", "updating the schema", err);
		if (rc != 0)
			PQclear(PQexec(c->pg, "ROLLBACK"));
	}
	snprintf(lock, sizeof(lock), "SELECT pg_advisory_unlock(%lld)",
		PG_MIGRATION_LOCK);
	PQclear(PQexec(c->pg, lock));
	return rc == PG_RETRY || rc == PG_LOST ? sz_err_set(err, SZ_E_IO,
		"%s: the schema could not be updated", f->name) : rc;
}

/* The server's notices ("relation already exists, skipping") are not
 * errors, and a face's error stream is no place for them. */
static void no_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}


int pg_pool_open(struct pg_pool *f, const char *conninfo, const char *name,
	const char *bump, struct sz_err *err)
{
	memset(f, 0, sizeof(*f));
	f->name = name;
	f->bump = bump;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->free, NULL);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < PG_CONNS; i++) {
		struct pg_conn *c = &f->conns[i];
		c->name = name;
		c->pg = PQconnectdb(conninfo);
		if (c->pg != NULL)
			PQsetNoticeProcessor(c->pg, no_notices, NULL);
		if (c->pg == NULL)
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		else if (PQstatus(c->pg) != CONNECTION_OK)
			rc = sz_err_set(err, SZ_E_IO, "cannot connect to %s "
				"(PostgreSQL, the database setting): %s", name,
				PQerrorMessage(c->pg));
	}
	return rc;
}

void pg_pool_close(struct pg_pool *f)
{
	for (size_t i = 0; i < PG_CONNS; i++)
		if (f->conns[i].pg != NULL)
			PQfinish(f->conns[i].pg);
	memset(f->conns, 0, sizeof(f->conns));
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->free);
}
