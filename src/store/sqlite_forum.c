/*
 * sqlite_forum.c - the forum's SQLite back end: opening one writer and a
 * few reader connections (the schema, in sqlite_forum_schema.c, is
 * brought up to date in PRAGMA user_version's numbered steps), the
 * statement cache, and the transaction helper.  The
 * operations themselves live in the other sqlite_forum_*.c files
 * (sqlite_forum_internal.h lists them).
 *
 * WAL mode, so the public face's readers never wait for a writer;
 * synchronous=FULL, so a post acknowledged survives a power cut;
 * secure_delete, so a deleted account's words are overwritten.  Every
 * counter the pages show is kept by triggers as rows change, and so is the
 * full-text index: a post is in it exactly while it and its thread are
 * visible.
 *
 * What it deliberately does not do: keep anything about a reader (no
 * address, no agent); a member's reading is kept only as how far they read
 * each thread, which is what trust levels are earned by.
 */
#include "store/sqlite_forum_internal.h"
#include "store/sqlite_internal.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FQ_RETRIES 20
#define FQ_BUSY_TIMEOUT_MS 5000
#define FQ_CACHE_KIB 8192         /* page cache per connection */


/* ---- helpers ----------------------------------------------------------- */

sqlite3_stmt *fq_stmt(struct fq_conn *c, const char *sql, struct sz_err *err)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->sql[i] == sql) {
			sqlite3_reset(c->st[i]);
			sqlite3_clear_bindings(c->st[i]);
			return c->st[i];
		}
	if (c->n == FQ_STATEMENTS) {
		sz_err_set(err, SZ_E_LIMIT, "the forum's statement cache is full");
		return NULL;
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st,
	    NULL) != SQLITE_OK) {
		sz_err_set(err, SZ_E_IO, "the forum's database cannot prepare a "
			"statement: %s", sqlite3_errmsg(c->db));
		return NULL;
	}
	c->sql[c->n] = sql;
	c->st[c->n++] = st;
	return st;
}

int fq_check(struct fq_conn *c, int rc, struct sz_err *err, const char *what)
{
	if (rc == SQLITE_DONE || rc == SQLITE_ROW || rc == SQLITE_OK)
		return 0;
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return FQ_BUSY;
	return sz_err_set(err, SZ_E_IO, "the forum's database failed while %s: "
		"%s", what, sqlite3_errmsg(c->db));
}

int fq_run(struct fq_conn *c, sqlite3_stmt *st, struct sz_err *err,
	const char *what)
{
	int rc = fq_check(c, sqlite3_step(st), err, what);
	sqlite3_reset(st);
	return rc;
}

int fq_exists(struct fq_conn *c, const char *sql, int64_t id,
	const char *missing, struct sz_err *err)
{
	sqlite3_stmt *st = fq_stmt(c, sql, err);
	if (st == NULL)
		return SZ_E_IO;
	sqlite3_bind_int64(st, 1, id);
	int r = sqlite3_step(st);
	sqlite3_reset(st);
	if (r == SQLITE_DONE)
		return sz_err_set(err, SZ_E_NOT_FOUND, "%s", missing);
	return fq_check(c, r, err, "looking something up");
}

void fq_text(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
	if (n >= cap)
		n = cap - 1;
	if (n > 0)
		memcpy(dst, t, n);
	dst[n] = '\0';
}

char *fq_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, col) : 0;
	char *s = malloc(n + 1);
	if (s != NULL) {
		if (n > 0)
			memcpy(s, t, n);
		s[n] = '\0';
	}
	return s;
}

void *fq_grow(void **rows, size_t *n, size_t size, size_t max)
{
	if (*n >= max)
		return NULL;
	char *more = realloc(*rows, (*n + 1) * size);
	if (more == NULL)
		return NULL;
	*rows = more;
	memset(more + *n * size, 0, size);
	return more + (*n)++ * size;
}

void fq_bind(sqlite3_stmt *st, const struct fq_value *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!v[i].text)
			sqlite3_bind_int64(st, (int)i + 1, v[i].i);
		else if (v[i].s != NULL)
			sqlite3_bind_text(st, (int)i + 1, v[i].s, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, (int)i + 1);
	}
}

struct write_one {
	const char *sql;
	const struct fq_value *v;
	size_t n;
	const char *what, *missing;
};

static int write_one_tx(struct fq_conn *c, void *ctx, struct sz_err *err)
{
	struct write_one *w = ctx;
	sqlite3_stmt *st = fq_stmt(c, w->sql, err);
	if (st == NULL)
		return SZ_E_IO;
	fq_bind(st, w->v, w->n);
	int rc = fq_run(c, st, err, w->what);
	if (rc == 0 && w->missing != NULL && sqlite3_changes(c->db) == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "%s", w->missing);
	return rc;
}

int fq_write(struct sqlite_forum *f, const char *sql,
	const struct fq_value *v, size_t n, const char *what,
	const char *missing, struct sz_err *err)
{
	struct write_one w = { sql, v, n, what, missing };
	return fq_transaction(f, write_one_tx, &w, err);
}

int fq_read_one(struct sqlite_forum *f, const char *sql,
	const struct fq_value *v, size_t n, void (*read)(sqlite3_stmt *, void *),
	void *out, const char *missing, struct sz_err *err)
{
	struct fq_conn *c = fq_reader(f);
	sqlite3_stmt *st = fq_stmt(c, sql, err);
	int rc = SZ_E_IO;
	if (st != NULL) {
		fq_bind(st, v, n);
		int r = sqlite3_step(st);
		if (r == SQLITE_ROW) {
			read(st, out);
			rc = 0;
		} else if (r == SQLITE_DONE) {
			rc = sz_err_set(err, SZ_E_NOT_FOUND, "%s", missing);
		} else {
			rc = fq_check(c, r, err, "reading");
			if (rc == FQ_BUSY)
				rc = sz_err_set(err, SZ_E_IO, "the forum's database "
					"is busy");
		}
	}
	fq_reader_done(f, c);
	return rc;
}

static void reset_all(struct fq_conn *c)
{
	for (size_t i = 0; i < c->n; i++)
		sqlite3_reset(c->st[i]);
}

struct fq_conn *fq_reader(struct sqlite_forum *f)
{
	pthread_mutex_lock(&f->rmu);
	for (;;) {
		for (size_t i = 0; i < FQ_READERS; i++)
			if (!f->readers[i].busy) {
				f->readers[i].busy = true;
				pthread_mutex_unlock(&f->rmu);
				return &f->readers[i];
			}
		pthread_cond_wait(&f->rfree, &f->rmu);
	}
}

void fq_reader_done(struct sqlite_forum *f, struct fq_conn *c)
{
	/* No statement may keep its read snapshot open between uses: the
	 * next reader would see old rows, and checkpoints would stall. */
	reset_all(c);
	pthread_mutex_lock(&f->rmu);
	c->busy = false;
	pthread_cond_signal(&f->rfree);
	pthread_mutex_unlock(&f->rmu);
}

/* Whether the calling thread holds an open batch. */
static _Thread_local struct sqlite_forum *batch_of_thread;

int fq_transaction(struct sqlite_forum *f, fq_tx_fn fn, void *ctx,
	struct sz_err *err)
{
	struct fq_conn *c = &f->writer;
	if (batch_of_thread == f) {
		int rc = fn(c, ctx, err);
		reset_all(c);
		return rc == FQ_BUSY ? sz_err_set(err, SZ_E_IO, "the forum's "
			"database was busy during a batch") : rc;
	}
	pthread_mutex_lock(&f->wmu);
	int rc = FQ_BUSY;
	for (int i = 0; i < FQ_RETRIES && rc == FQ_BUSY; i++) {
		if (i > 0)
			usleep((useconds_t)(5000 * i));
		rc = fq_check(c, sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL,
			NULL), err, "starting a change");
		if (rc != 0)
			continue;
		rc = fn(c, ctx, err);
		reset_all(c);
		if (rc == 0)
			rc = fq_check(c, sqlite3_exec(c->db, "COMMIT", NULL, NULL,
				NULL), err, "saving a change");
		if (rc != 0)
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
	}
	pthread_mutex_unlock(&f->wmu);
	if (rc == FQ_BUSY)
		rc = sz_err_set(err, SZ_E_IO, "the forum's database stayed busy; "
			"try again in a moment");
	return rc;
}

static int batch_begin(struct sz_forum *base, struct sz_err *err)
{
	struct sqlite_forum *f = fq(base);
	if (batch_of_thread == f)
		return sz_err_set(err, SZ_E_INVAL, "a batch is open already");
	pthread_mutex_lock(&f->wmu);
	int rc = fq_check(&f->writer, sqlite3_exec(f->writer.db,
		"BEGIN IMMEDIATE", NULL, NULL, NULL), err, "starting a batch");
	if (rc != 0) {
		pthread_mutex_unlock(&f->wmu);
		return rc == FQ_BUSY ? sz_err_set(err, SZ_E_IO, "the forum's "
			"database is busy") : rc;
	}
	batch_of_thread = f;
	return 0;
}

static int batch_commit(struct sz_forum *base, struct sz_err *err)
{
	struct sqlite_forum *f = fq(base);
	if (batch_of_thread != f)
		return sz_err_set(err, SZ_E_INVAL, "no batch is open");
	reset_all(&f->writer);
	int rc = fq_check(&f->writer, sqlite3_exec(f->writer.db, "COMMIT",
		NULL, NULL, NULL), err, "saving a batch");
	if (rc != 0) {
		sqlite3_exec(f->writer.db, "ROLLBACK", NULL, NULL, NULL);
		if (rc == FQ_BUSY)
			rc = sz_err_set(err, SZ_E_IO, "the forum's database was busy");
	}
	batch_of_thread = NULL;
	pthread_mutex_unlock(&f->wmu);
	return rc;
}

/* ---- rows shared by the files ----------------------------------------- */

int fq_post_read(sqlite3_stmt *st, struct sz_forum_post *p, bool skip_html)
{
	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(st, 0);
	p->thread_id = sqlite3_column_int64(st, 1);
	fq_text(p->thread_title, sizeof(p->thread_title), st, 2);
	p->position = sqlite3_column_int64(st, 3);
	p->created = sqlite3_column_int64(st, 4);
	p->edited = sqlite3_column_int64(st, 5);
	p->edits = sqlite3_column_int64(st, 6);
	p->state = (enum sz_forum_post_state)sqlite3_column_int(st, 7);
	p->likes = sqlite3_column_int64(st, 8);
	p->quote_of = sqlite3_column_int64(st, 9);
	struct sz_forum_author *a = &p->author;
	a->id = sqlite3_column_int64(st, 11);
	fq_text(a->name, sizeof(a->name), st, 12);
	a->role = (enum sz_forum_role)sqlite3_column_int(st, 13);
	fq_text(a->title, sizeof(a->title), st, 14);
	fq_text(a->badge, sizeof(a->badge), st, 15);
	fq_text(a->country, sizeof(a->country), st, 16);
	fq_text(a->joined_day, sizeof(a->joined_day), st, 17);
	a->posts = sqlite3_column_int64(st, 18);
	a->likes_received = sqlite3_column_int64(st, 19);
	a->deleted = sqlite3_column_int(st, 20) == SZ_MEMBER_DELETED;
	a->banned = sqlite3_column_int(st, 21) != 0;
	if (!skip_html && (p->html = fq_dup(st, 10)) == NULL)
		return SZ_E_NOMEM;
	return 0;
}

void fq_thread_read(sqlite3_stmt *st, struct sz_forum_thread *t)
{
	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(st, 0);
	t->board_id = sqlite3_column_int64(st, 1);
	fq_text(t->board_name, sizeof(t->board_name), st, 2);
	t->subject = (enum sz_forum_subject)sqlite3_column_int(st, 3);
	t->subject_id = sqlite3_column_int64(st, 4);
	fq_text(t->title, sizeof(t->title), st, 5);
	t->author_id = sqlite3_column_int64(st, 6);
	fq_text(t->author_name, sizeof(t->author_name), st, 7);
	t->created = sqlite3_column_int64(st, 8);
	t->last_at = sqlite3_column_int64(st, 9);
	t->last_post_id = sqlite3_column_int64(st, 10);
	fq_text(t->last_author, sizeof(t->last_author), st, 11);
	t->last_position = sqlite3_column_int64(st, 12);
	t->posts = sqlite3_column_int64(st, 13);
	t->sticky = sqlite3_column_int(st, 14) != 0;
	t->locked = sqlite3_column_int(st, 15) != 0;
	t->state = (enum sz_forum_thread_state)sqlite3_column_int(st, 16);
	t->merged_into = sqlite3_column_int64(st, 17);
}

void sz_forum_post_clear(struct sz_forum_post *p)
{
	if (p == NULL)
		return;
	free(p->source);
	free(p->html);
	free(p->text);
	memset(p, 0, sizeof(*p));
}

void sz_forum_posts_free(struct sz_forum_post *rows, size_t n)
{
	for (size_t i = 0; rows != NULL && i < n; i++)
		sz_forum_post_clear(&rows[i]);
	free(rows);
}

void sz_forum_edits_free(struct sz_forum_edit *rows, size_t n)
{
	for (size_t i = 0; rows != NULL && i < n; i++)
		free(rows[i].source);
	free(rows);
}

void sz_forum_hits_free(struct sz_forum_hits *h)
{
	if (h == NULL)
		return;
	sz_forum_posts_free(h->rows, h->n);
	memset(h, 0, sizeof(*h));
}

/* ---- opening ----------------------------------------------------------- */

static void conn_close(struct fq_conn *c)
{
	for (size_t i = 0; i < c->n; i++)
		sqlite3_finalize(c->st[i]);
	c->n = 0;
	if (c->db != NULL)
		sqlite3_close(c->db);
	c->db = NULL;
}

static void forum_close(struct sz_forum *base)
{
	struct sqlite_forum *f = fq(base);
	if (f == NULL)
		return;
	for (size_t i = 0; i < FQ_READERS; i++)
		conn_close(&f->readers[i]);
	conn_close(&f->watch);
	pthread_mutex_destroy(&f->watch_mu);
	conn_close(&f->writer);
	pthread_mutex_destroy(&f->wmu);
	pthread_mutex_destroy(&f->rmu);
	pthread_cond_destroy(&f->rfree);
	free(f);
}

static int conn_open(struct fq_conn *c, const char *path, bool reader,
	struct sz_err *err)
{
	char pragmas[200];
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE |
		    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return sz_err_set(err, SZ_E_IO, "cannot open %s: %s", path,
			c->db ? sqlite3_errmsg(c->db) : "out of memory");
	sqlite3_busy_timeout(c->db, FQ_BUSY_TIMEOUT_MS);
	/* temp_store: sorting never needs a file (a locked-in face may
	 * create none) */
	snprintf(pragmas, sizeof(pragmas), "PRAGMA foreign_keys = ON;"
		"PRAGMA secure_delete = ON; PRAGMA temp_store = MEMORY;"
		"PRAGMA cache_size = -%d;%s",
		FQ_CACHE_KIB / (reader ? 4 : 1),
		reader ? "PRAGMA query_only = ON;" :
		"PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
	/* Switching a new database to WAL while another process does the
	 * same can answer SQLITE_BUSY at once, without the busy handler
	 * (SQLite's deadlock avoidance): try again a few times. */
	int r = sqlite3_exec(c->db, pragmas, NULL, NULL, NULL);
	for (int i = 1; r == SQLITE_BUSY && i < FQ_RETRIES; i++) {
		usleep((useconds_t)(5000 * i));
		r = sqlite3_exec(c->db, pragmas, NULL, NULL, NULL);
	}
	if (r != SQLITE_OK)
		return sz_err_set(err, SZ_E_IO, "cannot set up %s: %s", path,
			sqlite3_errmsg(c->db));
	/* The WAL files stay when the last connection closes: a locked-in
	 * face may use them but not make them again (store/instance.c). */
	sz_sqlite_persist_wal(c->db);
	return 0;
}

static const char SQL_VERSION[] = "PRAGMA data_version";

static int forum_version(struct sz_forum *base, int64_t *v,
	struct sz_err *err)
{
	struct sqlite_forum *f = fq(base);
	pthread_mutex_lock(&f->watch_mu);
	sqlite3_stmt *st = fq_stmt(&f->watch, SQL_VERSION, err);
	int rc = st ? 0 : SZ_E_IO;
	if (rc == 0) {
		if (sqlite3_step(st) == SQLITE_ROW)
			*v = sqlite3_column_int64(st, 0);
		else
			rc = sz_err_set(err, SZ_E_IO, "the forum's database cannot say "
				"whether it changed");
		sqlite3_reset(st);
	}
	pthread_mutex_unlock(&f->watch_mu);
	return rc;
}

static const struct sz_forum_ops sqlite_forum_ops = {
	.close = forum_close,
	.begin = batch_begin,
	.commit = batch_commit,
	.member_create = fq_member_create,
	.member_get = fq_member_get,
	.member_find = fq_member_find,
	.member_set_password = fq_member_set_password,
	.member_set_role = fq_member_set_role,
	.member_set_labels = fq_member_set_labels,
	.member_set_state = fq_member_set_state,
	.member_set_flags = fq_member_set_flags,
	.member_delete = fq_member_delete,
	.member_list = fq_member_list,
	.member_read = fq_member_read,
	.reserve = fq_reserve,
	.key_taken = fq_key_taken,
	.invite_add = fq_invite_add,
	.board_create = fq_board_create,
	.board_get = fq_board_get,
	.board_list = fq_board_list,
	.thread_create = fq_thread_create,
	.thread_get = fq_thread_get,
	.thread_of_subject = fq_thread_of_subject,
	.threads_page = fq_threads_page,
	.threads_new = fq_threads_new,
	.thread_set_flags = fq_thread_set_flags,
	.thread_set_state = fq_thread_set_state,
	.thread_move = fq_thread_move,
	.thread_merge = fq_thread_merge,
	.post_add = fq_post_add,
	.post_get = fq_post_get,
	.posts_page = fq_posts_page,
	.posts_latest = fq_posts_latest,
	.posts_by = fq_posts_by,
	.posts_pending = fq_posts_pending,
	.post_edit = fq_post_edit,
	.post_edits = fq_post_edits,
	.post_set_state = fq_post_set_state,
	.like = fq_like,
	.report_add = fq_report_add,
	.reports_open = fq_reports_open,
	.reports_resolve = fq_reports_resolve,
	.log_add = fq_log_add,
	.log_page = fq_log_page,
	.search = fq_search,
	.totals = fq_totals,
	.version = forum_version,
	.changes = fq_changes,
	.ids = fq_ids,
};

int sz_forum_open_sqlite(struct sz_forum **out, const char *dir,
	struct sz_err *err)
{
	char path[4200];
	*out = NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, SZ_FORUM_DB_FILE);
	struct sqlite_forum *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	f->base.ops = &sqlite_forum_ops;
	pthread_mutex_init(&f->wmu, NULL);
	pthread_mutex_init(&f->rmu, NULL);
	pthread_cond_init(&f->rfree, NULL);
	pthread_mutex_init(&f->watch_mu, NULL);
	int rc = conn_open(&f->writer, path, false, err);
	if (rc == 0)
		rc = sz_sqlite_migrate(f->writer.db, fq_migrations,
			fq_nmigrations, err);
	for (size_t i = 0; rc == 0 && i < FQ_READERS; i++)
		rc = conn_open(&f->readers[i], path, true, err);
	if (rc == 0)
		rc = conn_open(&f->watch, path, true, err);
	if (rc != 0) {
		forum_close(&f->base);
		return rc;
	}
	*out = &f->base;
	return 0;
}

int sz_forum_open(struct sz_forum **f, const char *dir, struct sz_err *err)
{
	return sz_forum_open_sqlite(f, dir, err);
}
