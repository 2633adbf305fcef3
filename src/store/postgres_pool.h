/*
 * postgres_pool.h - what the PostgreSQL back ends (postgres_forum*.c,
 * postgres_inbox*.c) share, and only they include: a pool of libpq
 * connections, statements prepared once per connection and run with
 * their values as parameters, the transaction helper, and numbered
 * migrations counted in a schema_version table.
 *
 * Ownership: a pool belongs to its back end's handle (pg_pool_close
 * releases it); results (PGresult) are the caller's, freed with PQclear.
 */
#ifndef SZ_STORE_POSTGRES_POOL_H
#define SZ_STORE_POSTGRES_POOL_H

#include <libpq-fe.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

#define PG_CONNS 4            /* connections a process keeps per database */
#define PG_STATEMENTS 96      /* statements a connection prepares */
#define PG_PARAMS 40          /* parameters of one statement, at most */
#define PG_RETRY 1            /* serialization failure or deadlock */
#define PG_LOST 2             /* the connection to the server was lost */
#define PG_CANCELED 3         /* cancelled: it ran past statement_timeout */

struct pg_conn {
	PGconn *pg;
	const char *name;         /* "the forum's database", for messages */
	size_t n;
	const char *sql[PG_STATEMENTS];   /* prepared as "s<index>" */
	bool busy;
};

struct pg_pool {
	const char *name;
	const char *bump;         /* run in every transaction before COMMIT
	                             (a version counter), or NULL */
	struct pg_conn conns[PG_CONNS];
	pthread_mutex_t mu;
	pthread_cond_t free;
	struct pg_conn *batch;    /* held by pg_batch_begin until commit */
};

/* Connects every connection of the pool (name says whose database it is
 * in messages); on failure the caller still closes it. */
int pg_pool_open(struct pg_pool *f, const char *conninfo, const char *name,
	const char *bump, struct sz_err *err);
void pg_pool_close(struct pg_pool *f);
/* Applies the steps schema_version says part ("forum", "inbox") is
 * missing, each with its number in one transaction, one process at a
 * time (an advisory lock); a database from a newer samizdat is refused
 * with advice. */
int pg_migrate(struct pg_pool *f, const char *part,
	const char *const *steps, size_t nsteps, struct sz_err *err);

/* A value bound to a parameter: a whole number, text (NULL is SQL NULL)
 * or bytes. */
struct pg_value {
	enum { PG_INT, PG_TEXT, PG_BYTES } kind;
	int64_t i;
	const char *s;
	size_t len;
};
#define PG_I(x) ((struct pg_value){ PG_INT, (int64_t)(x), NULL, 0 })
#define PG_S(x) ((struct pg_value){ PG_TEXT, 0, (x), 0 })
#define PG_B(x, n) ((struct pg_value){ PG_BYTES, 0, (const char *)(x), (n) })

/* Runs sql (a static string: the cache is keyed by its address) with
 * values on c, preparing it the first time.  Returns the result (free
 * with PQclear) or NULL with *rc set: PG_RETRY, PG_LOST, SZ_E_EXISTS for
 * a unique violation, SZ_E_IO otherwise (err says what failed while
 * doing what). */
PGresult *pg_exec(struct pg_conn *c, const char *sql,
	const struct pg_value *v, size_t n, int *rc, const char *what,
	struct sz_err *err);
/* The same, for statements whose rows are not needed; *changed (if not
 * NULL) is the number of rows changed. */
int pg_run(struct pg_conn *c, const char *sql, const struct pg_value *v,
	size_t n, int64_t *changed, const char *what, struct sz_err *err);
/* The first column of the first row as a number; 0 if there is none. */
int pg_int_of(struct pg_conn *c, const char *sql, const struct pg_value *v,
	size_t n, int64_t *out, const char *what, struct sz_err *err);

/* Columns of a result row. */
int64_t pg_int(const PGresult *r, int row, int col);
void pg_text(char *dst, size_t cap, const PGresult *r, int row, int col);
char *pg_dup(const PGresult *r, int row, int col);   /* malloc'd */

/* A connection from the pool (waiting while all are taken), given back
 * with pg_release.  One that lost its server is connected again first. */
struct pg_conn *pg_acquire(struct pg_pool *f);
void pg_release(struct pg_pool *f, struct pg_conn *c);

/* Reading outside a transaction: one statement on a pooled connection
 * (run once more, connected again, if the server had dropped it). */
PGresult *pg_read(struct pg_pool *f, const char *sql,
	const struct pg_value *v, size_t n, int *rc, const char *what,
	struct sz_err *err);

/* Reads every row of a query into a calloc'd array of n rows of size
 * bytes, each filled by fill (free() the array); at most max rows. */
typedef void (*pg_fill_fn)(const PGresult *r, int row, void *dst);
int pg_read_rows(struct pg_pool *f, const char *sql,
	const struct pg_value *v, size_t nv, size_t size, size_t max,
	pg_fill_fn fill, void **rows, size_t *n, const char *what,
	struct sz_err *err);
/* A change log whose seq is taken at insert, not at commit (many
 * processes write at once), read by mirrors: its statements (static
 * strings: "LOCK TABLE log IN SHARE MODE"; its last seq; its rows after
 * $1, at most $2, by seq) and whose it is ("the forum's"). */
struct pg_log {
	const char *lock, *last, *rows, *whose;
};
/* Reads up to limit rows after seq after into rows (size bytes each,
 * filled by fill) and the last seq into *last, in one snapshot taken
 * once the lock has waited, at most PG_SETTLE_WAIT, for every
 * transaction that has written to the log to end (new writers wait
 * behind it until the read ends): no seq below the last can still
 * appear (a reader could otherwise see seq 11 while 10 is still to
 * come, and a mirror that went on from 11 would never render what 10
 * changed).  A writer that never ends fails the read, saying so, rather
 * than hang it; on failure *n and *last are 0. */
#define PG_SETTLE_WAIT "1s"   /* every other writer waits behind it */
int pg_read_log(struct pg_pool *f, const struct pg_log *log, int64_t after,
	size_t limit, void *rows, size_t size, pg_fill_fn fill, size_t *n,
	int64_t *last, struct sz_err *err);
/* Reads the first column of up to max rows of a query, as numbers, into
 * the caller's array ids; *n is how many. */
int pg_read_ids(struct pg_pool *f, const char *sql, const struct pg_value *v,
	size_t nv, int64_t *ids, size_t max, size_t *n, const char *what,
	struct sz_err *err);
/* Reads the first row of a query into out with fill (out is zeroed
 * first, size bytes); SZ_E_NOT_FOUND saying missing if there is none. */
int pg_read_row(struct pg_pool *f, const char *sql, const struct pg_value *v,
	size_t nv, void *out, size_t size, pg_fill_fn fill, const char *missing,
	const char *what, struct sz_err *err);

/* Writing: runs fn inside one SERIALIZABLE transaction, committing if it
 * returns 0, rolling back otherwise; when fn or the commit returns
 * PG_RETRY the whole transaction is tried again (a bounded number of
 * times).  Inside the calling thread's batch, fn joins it. */
typedef int (*pg_tx_fn)(struct pg_conn *c, void *ctx, struct sz_err *err);
int pg_transaction(struct pg_pool *f, pg_tx_fn fn, void *ctx,
	struct sz_err *err);
/* The same at READ COMMITTED, for a change whose every check is made
 * under the row lock of the write it guards (an UPDATE ... WHERE check
 * RETURNING): such writers wait on each other's rows only, and never
 * fail SERIALIZABLE's page-level conflict checks, which took writers to
 * different rows of one table for a conflict and retried them.  Its
 * writes still conflict, as they should, with SERIALIZABLE transactions
 * that update the same rows. */
int pg_transaction_locked(struct pg_pool *f, pg_tx_fn fn, void *ctx,
	struct sz_err *err);
/* Reading several statements that must agree: fn inside one READ ONLY
 * REPEATABLE READ transaction (one snapshot), retried as above. */
int pg_snapshot(struct pg_pool *f, pg_tx_fn fn, void *ctx,
	struct sz_err *err);
/* One statement in a transaction of its own; with missing set, one that
 * changes no row fails with SZ_E_NOT_FOUND saying missing. */
int pg_write(struct pg_pool *f, const char *sql, const struct pg_value *v,
	size_t n, const char *what, const char *missing, struct sz_err *err);

/* A batch: every transaction the calling thread runs between begin and
 * commit joins one. */
int pg_batch_begin(struct pg_pool *f, struct sz_err *err);
int pg_batch_commit(struct pg_pool *f, struct sz_err *err);
/* Undoes the calling thread's batch, if it holds one. */
void pg_batch_rollback(struct pg_pool *f);

#endif
