/*
 * sqlite_archive_read.c - the archive's read connections: a small pool,
 * opened on first use, so that readers run side by side (WAL) instead of
 * queueing behind one handle and a mutex, where four clients repeating
 * an expensive search took every other page from 17 ms to 15 s.  Each
 * connection can be given a time budget, enforced by SQLite's progress
 * handler: what runs past it is interrupted (SQLITE_INTERRUPT).
 *
 * Readers never write (PRAGMA query_only); the writer connection stays
 * the only one that does.  A thread inside its own import transaction
 * reads through the writer, seeing what it has written so far.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sqlite_archive_internal.h"

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sz_archive_readers_init(struct sqlite_archive *q)
{
	pthread_mutex_init(&q->pool_mu, NULL);
	pthread_cond_init(&q->pool_cv, NULL);
	sem_init(&q->searches, 0, SZ_ARCHIVE_SEARCHES);
}

int sz_archive_stmt(struct sz_archive_stmts *c, sqlite3 *db, const char *sql,
	sqlite3_stmt **st, struct sz_err *err)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->sql[i] == sql) {
			*st = c->st[i];
			return 0;
		}
	bool keep = c->n < SZ_ARCHIVE_STMTS;
	if (sqlite3_prepare_v3(db, sql, -1, keep ? SQLITE_PREPARE_PERSISTENT : 0,
	    st, NULL) != SQLITE_OK)
		return sz_sqlite_error(db, err, "preparing a statement");
	if (keep) {
		c->sql[c->n] = sql;
		c->st[c->n++] = *st;
	}
	return 0;
}

void sz_archive_stmt_done(struct sz_archive_stmts *c, sqlite3_stmt *st)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->st[i] == st) {
			/* reset: no read transaction stays open behind it */
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return;
		}
	sqlite3_finalize(st);
}

void sz_archive_counts_free(struct sz_archive_counts *c)
{
	free(c->keys);
	free(c->at);
	free(c->count);
	memset(c, 0, sizeof(*c));
}

void sz_archive_stmts_free(struct sz_archive_stmts *c)
{
	for (size_t i = 0; i < c->n; i++)
		sqlite3_finalize(c->st[i]);
	c->n = 0;
	sz_archive_counts_free(&c->counts[0]);
	sz_archive_counts_free(&c->counts[1]);
	memset(c->walks, 0, sizeof(c->walks));
	sz_doc_row_clear(&c->doc);
	c->doc_valid = false;
}

void sz_archive_readers_close(struct sqlite_archive *q)
{
	for (size_t i = 0; i < q->nreaders; i++) {
		sz_archive_stmts_free(&q->rstmts[i]);
		sqlite3_close_v2(q->readers[i].db);
	}
	q->nreaders = 0;
	pthread_mutex_destroy(&q->pool_mu);
	pthread_cond_destroy(&q->pool_cv);
	sem_destroy(&q->searches);
}

static sqlite3 *open_reader(struct sqlite_archive *q)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_NOMUTEX | (q->read_only ? SQLITE_OPEN_READONLY :
		SQLITE_OPEN_READWRITE);
	char sql[160];
	snprintf(sql, sizeof(sql), "PRAGMA query_only = 1; PRAGMA cache_size = "
		"-%d; PRAGMA mmap_size = 1073741824;", SZ_ARCHIVE_READER_CACHE_KB);
	if (sqlite3_open_v2(q->path, &db, flags, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, SZ_ARCHIVE_WORDS_SQL, NULL, NULL, NULL) !=
	    SQLITE_OK || sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_close_v2(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 5000);
	return db;
}

static int over_budget(void *ctx)
{
	const struct sz_archive_reader *r = ctx;
	return r->deadline_ms != 0 && now_ms() > r->deadline_ms;
}

void sz_archive_read_budget(struct sz_archive_reader *r, unsigned ms)
{
	r->deadline_ms = ms ? now_ms() + ms : 0;
	sqlite3_progress_handler(r->db, ms ? 1000 : 0, ms ? over_budget : NULL,
		ms ? r : NULL);
}

/* The reader this thread holds in a read transaction
 * (sz_archive_hold_reads), and whose archive it is. */
static __thread struct {
	struct sz_archive *a;
	struct sz_archive_reader *r;
} held;

struct sz_archive_reader *sz_archive_read_begin(struct sz_archive *a,
	struct sz_err *err)
{
	struct sqlite_archive *q = impl(a);
	static __thread struct sz_archive_reader own;
	if (sz_archive_in_own_tx(a)) {
		/* a read inside an import sees the index rows it waits with */
		if (sz_archive_index_flush(a, err) != 0)
			return NULL;
		own.db = q->db;
		own.stmts = &q->wstmts;   /* the transaction holds the lock */
		own.writer = true;
		own.deadline_ms = 0;
		return &own;
	}
	/* Like the writer's own transaction above: nested reads share the
	 * connection and its statements. */
	if (held.r != NULL && held.a == a) {
		held.r->deadline_ms = 0;
		return held.r;
	}
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += SZ_ARCHIVE_READER_WAIT_S;
	struct sz_archive_reader *r = NULL;
	pthread_mutex_lock(&q->pool_mu);
	for (;;) {
		for (size_t i = 0; i < q->nreaders && r == NULL; i++)
			if (!q->busy[i]) {
				q->busy[i] = true;
				r = &q->readers[i];
			}
		if (r != NULL || q->nreaders < SZ_ARCHIVE_READERS)
			break;
		if (pthread_cond_timedwait(&q->pool_cv, &q->pool_mu, &until) ==
		    ETIMEDOUT)
			break;
	}
	if (r == NULL && q->nreaders < SZ_ARCHIVE_READERS) {
		/* Opened under the pool's lock: rare, and bounded. */
		sqlite3 *db = open_reader(q);
		if (db != NULL) {
			size_t i = q->nreaders++;
			q->readers[i].db = db;
			q->readers[i].stmts = &q->rstmts[i];
			q->readers[i].writer = false;
			q->busy[i] = true;
			r = &q->readers[i];
		}
	}
	pthread_mutex_unlock(&q->pool_mu);
	if (r != NULL)
		r->deadline_ms = 0;
	else
		sz_err_set(err, SZ_E_LIMIT, "The archive is busy. Try again in "
			"a moment.");
	return r;
}

void sz_archive_read_end(struct sz_archive *a, struct sz_archive_reader *r)
{
	struct sqlite_archive *q = impl(a);
	if (r == NULL || r->writer)
		return;
	sz_archive_read_budget(r, 0);
	if (r == held.r)
		return;                   /* sz_archive_hold_reads gives it back */
	pthread_mutex_lock(&q->pool_mu);
	q->busy[r - q->readers] = false;
	pthread_cond_signal(&q->pool_cv);
	pthread_mutex_unlock(&q->pool_mu);
}

/* Runs BEGIN or COMMIT through r's kept statements (the pair runs once
 * per exported owner: compiling them each time showed in a profile). */
static int tx_step(struct sz_archive_reader *r, const char *sql,
	struct sz_err *err)
{
	sqlite3_stmt *st;
	int rc = sz_archive_stmt(r->stmts, r->db, sql, &st, err);
	if (rc == 0) {
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = sz_sqlite_error(r->db, err, "reading the archive");
		sz_archive_stmt_done(r->stmts, st);
	}
	return rc;
}

int sz_archive_hold_reads(struct sz_archive *a, bool on, struct sz_err *err)
{
	static const char begin[] = "BEGIN", commit[] = "COMMIT";
	if (!sz_archive_is_sqlite(a) || sz_archive_in_own_tx(a))
		return 0;
	if (!on) {
		struct sz_archive_reader *r = held.a == a ? held.r : NULL;
		if (r == NULL)
			return 0;
		held.r = NULL;
		held.a = NULL;
		/* Only read: ending it cannot lose anything. */
		int rc = tx_step(r, commit, err);
		if (!sqlite3_get_autocommit(r->db))
			sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		sz_archive_read_end(a, r);
		return rc;
	}
	if (held.r != NULL)
		return 0;                 /* held already (by this thread) */
	struct sz_archive_reader *r = sz_archive_read_begin(a, err);
	if (r == NULL)
		return SZ_E_LIMIT;
	/* Deferred: the snapshot is taken by the first read. */
	int rc = tx_step(r, begin, err);
	if (rc != 0) {
		sz_archive_read_end(a, r);
		return rc;
	}
	held.a = a;
	held.r = r;
	return 0;
}
