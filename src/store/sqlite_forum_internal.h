/*
 * sqlite_forum_internal.h - shared by the files of the forum's SQLite
 * back end only: one writer connection and a few reader connections (WAL:
 * readers never wait for the writer, so a thread page is served while
 * someone posts), each with its prepared statements cached, and the
 * transaction helper that retries what SQLite reports as busy, and
 * nothing else.
 *
 *   sqlite_forum.c          opening, connections, transactions
 *   sqlite_forum_schema.c   the schema, as numbered migrations
 *   sqlite_forum_members.c  members, reservations, invitations
 *   sqlite_forum_threads.c  boards and threads
 *   sqlite_forum_posts.c    posts, edits, likes
 *   sqlite_forum_mod.c      reports and the moderation log
 *   sqlite_forum_search.c   searching posts, totals
 *   sqlite_forum_changes.c  the change log and id lists mirrors follow
 */
#ifndef SZ_STORE_SQLITE_FORUM_INTERNAL_H
#define SZ_STORE_SQLITE_FORUM_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>

#include "store/forum.h"

#define FQ_READERS 4          /* reader connections */
#define FQ_STATEMENTS 96      /* distinct statements a connection caches */
#define FQ_BUSY 1             /* a step found the database busy: retry */

/* A connection with its cache of prepared statements, keyed by the
 * address of their (static) SQL text. */
struct fq_conn {
	sqlite3 *db;
	size_t n;
	const char *sql[FQ_STATEMENTS];
	sqlite3_stmt *st[FQ_STATEMENTS];
	bool busy;                /* a reader taken by a thread */
};

struct sqlite_forum {
	struct sz_forum base;
	struct fq_conn writer;
	pthread_mutex_t wmu;      /* one writer at a time */
	bool batch;               /* begin was called: writes join it */
	struct fq_conn readers[FQ_READERS];
	pthread_mutex_t rmu;
	pthread_cond_t rfree;
	/* PRAGMA data_version on a connection that never writes: it changes
	 * when any other connection commits, this process's writer too */
	struct fq_conn watch;
	pthread_mutex_t watch_mu;
};

static inline struct sqlite_forum *fq(struct sz_forum *f)
{
	return (struct sqlite_forum *)f;
}

/* sqlite_forum_schema.c: the schema's steps, in order. */
extern const char *const fq_migrations[];
extern const size_t fq_nmigrations;

/* A cached statement for sql (a string literal or static), reset and
 * with its bindings cleared; NULL with err set if it cannot be prepared. */
sqlite3_stmt *fq_stmt(struct fq_conn *c, const char *sql, struct sz_err *err);
/* Maps a step's result: 0 for SQLITE_DONE or ROW, FQ_BUSY, or SZ_E_IO
 * with err saying what failed. */
int fq_check(struct fq_conn *c, int rc, struct sz_err *err, const char *what);
/* Steps a statement that returns no rows (or ignores them). */
int fq_run(struct fq_conn *c, sqlite3_stmt *st, struct sz_err *err,
	const char *what);
/* Copies a text column into dst (cap bytes, bounded; "" for NULL). */
void fq_text(char *dst, size_t cap, sqlite3_stmt *st, int col);
/* A malloc'd copy of a text column ("" for NULL); NULL out of memory. */
char *fq_dup(sqlite3_stmt *st, int col);

/* Inside a transaction: 0 if sql (its one parameter: id) has a row;
 * SZ_E_NOT_FOUND saying missing if not. */
int fq_exists(struct fq_conn *c, const char *sql, int64_t id,
	const char *missing, struct sz_err *err);

/* Reading: takes a reader connection (waiting if all are taken), gives
 * it back. */
struct fq_conn *fq_reader(struct sqlite_forum *f);
void fq_reader_done(struct sqlite_forum *f, struct fq_conn *c);

/* Writing: runs fn on the writer inside one transaction (BEGIN
 * IMMEDIATE), committing if it returns 0, rolling back otherwise; when
 * fn or the commit returns FQ_BUSY, the whole transaction is tried again
 * (a bounded number of times).  Inside a batch, fn joins it. */
typedef int (*fq_tx_fn)(struct fq_conn *c, void *ctx, struct sz_err *err);
int fq_transaction(struct sqlite_forum *f, fq_tx_fn fn, void *ctx,
	struct sz_err *err);

/* Values bound to a statement's parameters, in order. */
struct fq_value {
	bool text;
	int64_t i;
	const char *s;
};
#define FQ_I(x) ((struct fq_value){ false, (int64_t)(x), NULL })
#define FQ_S(x) ((struct fq_value){ true, 0, (x) })
void fq_bind(sqlite3_stmt *st, const struct fq_value *v, size_t n);
/* One statement in a transaction of its own.  With missing set, one
 * that changes no row fails with SZ_E_NOT_FOUND saying missing. */
int fq_write(struct sqlite_forum *f, const char *sql,
	const struct fq_value *v, size_t n, const char *what,
	const char *missing, struct sz_err *err);
/* One row of a query on a reader, handed to read; SZ_E_NOT_FOUND saying
 * missing when there is none. */
int fq_read_one(struct sqlite_forum *f, const char *sql,
	const struct fq_value *v, size_t n, void (*read)(sqlite3_stmt *, void *),
	void *out, const char *missing, struct sz_err *err);

/* A list being read into a malloc'd array: grows it by one row (zeroed);
 * NULL when out of memory or past max. */
void *fq_grow(void **rows, size_t *n, size_t size, size_t max);

/* The columns of a post with its author and thread title, as
 * fq_post_read reads them (from column 0). */
#define FQ_POST_COLS "p.id, p.thread_id, t.title, p.position, p.created," \
	" p.edited, p.edits, p.state, p.likes, p.quote_of, p.html," \
	" m.id, m.name, m.role, m.title, m.badge, m.country, m.joined_day," \
	" m.posts, m.likes_received, m.state, m.banned"
#define FQ_POST_FROM " FROM posts p JOIN threads t ON t.id = p.thread_id" \
	" JOIN members m ON m.id = p.author_id"
#define FQ_POST_NCOLS 22
/* Fills p (zeroed first) from a row of FQ_POST_COLS; html is copied
 * unless skip_html.  SZ_E_NOMEM if a copy fails. */
int fq_post_read(sqlite3_stmt *st, struct sz_forum_post *p, bool skip_html);

/* The columns of a thread, as fq_thread_read reads them. */
#define FQ_THREAD_COLS "t.id, t.board_id, b.name, t.subject_kind," \
	" t.subject_id, t.title, t.author_id, a.name, t.created, t.last_at," \
	" t.last_post_id, ifnull(l.name, ''), t.last_position, t.posts," \
	" t.sticky, t.locked, t.state, t.merged_into"
#define FQ_THREAD_FROM " FROM threads t JOIN boards b ON b.id = t.board_id" \
	" JOIN members a ON a.id = t.author_id" \
	" LEFT JOIN posts lp ON lp.id = t.last_post_id" \
	" LEFT JOIN members l ON l.id = lp.author_id"
void fq_thread_read(sqlite3_stmt *st, struct sz_forum_thread *t);

/* sqlite_forum_members.c */
int fq_member_create(struct sz_forum *f, const struct sz_forum_member *m,
	const uint8_t *invite, int64_t *id, struct sz_err *err);
int fq_member_get(struct sz_forum *f, int64_t id, struct sz_forum_member *m,
	struct sz_err *err);
int fq_member_find(struct sz_forum *f, const char *key,
	struct sz_forum_member *m, struct sz_err *err);
int fq_member_set_password(struct sz_forum *f, int64_t id, const char *hash,
	struct sz_err *err);
int fq_member_set_role(struct sz_forum *f, int64_t id,
	enum sz_forum_role role, struct sz_err *err);
int fq_member_set_labels(struct sz_forum *f, int64_t id, const char *title,
	const char *badge, const char *country, struct sz_err *err);
int fq_member_set_state(struct sz_forum *f, int64_t id,
	enum sz_forum_member_state state, struct sz_err *err);
int fq_member_set_flags(struct sz_forum *f, int64_t id, bool banned,
	bool silenced, struct sz_err *err);
int fq_member_delete(struct sz_forum *f, int64_t id, struct sz_err *err);
int fq_member_list(struct sz_forum *f, bool pending, size_t limit,
	struct sz_forum_member **rows, size_t *n, struct sz_err *err);
int fq_member_read(struct sz_forum *f, int64_t member_id, int64_t thread_id,
	int64_t upto, struct sz_err *err);
int fq_reserve(struct sz_forum *f, const char *key, const char *why,
	struct sz_err *err);
int fq_key_taken(struct sz_forum *f, const char *key, struct sz_err *err);
int fq_invite_add(struct sz_forum *f, const uint8_t hash[32],
	struct sz_err *err);

/* sqlite_forum_threads.c */
int fq_board_create(struct sz_forum *f, const char *name, const char *about,
	int64_t *id, struct sz_err *err);
int fq_board_get(struct sz_forum *f, int64_t id, struct sz_forum_board *b,
	struct sz_err *err);
int fq_board_list(struct sz_forum *f, struct sz_forum_board **rows,
	size_t *n, struct sz_err *err);
int fq_thread_create(struct sz_forum *f, const struct sz_forum_thread_new *t,
	const struct sz_forum_post_new *first, int64_t *thread_id,
	int64_t *post_id, struct sz_err *err);
int fq_thread_get(struct sz_forum *f, int64_t id, struct sz_forum_thread *t,
	struct sz_err *err);
int fq_thread_of_subject(struct sz_forum *f, enum sz_forum_subject subject,
	int64_t subject_id, struct sz_forum_thread *t, struct sz_err *err);
int fq_threads_page(struct sz_forum *f, const struct sz_forum_thread_query *q,
	struct sz_forum_threads *out, struct sz_err *err);
int fq_threads_new(struct sz_forum *f, int64_t board_id, size_t limit,
	struct sz_forum_threads *out, struct sz_err *err);
int fq_thread_set_flags(struct sz_forum *f, int64_t id, bool sticky,
	bool locked, struct sz_err *err);
int fq_thread_set_state(struct sz_forum *f, int64_t id,
	enum sz_forum_thread_state state, struct sz_err *err);
int fq_thread_move(struct sz_forum *f, int64_t id, int64_t board_id,
	struct sz_err *err);
int fq_thread_merge(struct sz_forum *f, int64_t from, int64_t into,
	struct sz_err *err);
/* Inside a transaction: inserts a post (position taken from its thread). */
int fq_insert_post(struct fq_conn *c, const struct sz_forum_post_new *p,
	int64_t thread_id, int64_t *id, int64_t *position, struct sz_err *err);
/* Inside a transaction: a thread's last visible post, again. */
int fq_thread_refresh(struct fq_conn *c, int64_t thread_id,
	struct sz_err *err);

/* sqlite_forum_posts.c */
int fq_post_add(struct sz_forum *f, const struct sz_forum_post_new *p,
	int64_t *id, int64_t *position, struct sz_err *err);
int fq_post_get(struct sz_forum *f, int64_t id, bool with_source,
	struct sz_forum_post *p, struct sz_err *err);
int fq_posts_page(struct sz_forum *f, const struct sz_forum_post_query *q,
	struct sz_forum_post **rows, size_t *n, struct sz_err *err);
int fq_posts_latest(struct sz_forum *f, int64_t board_id, int64_t thread_id,
	bool replies_only, size_t limit, struct sz_forum_post **rows, size_t *n,
	struct sz_err *err);
int fq_posts_by(struct sz_forum *f, int64_t author_id, int64_t before,
	size_t limit, struct sz_forum_post **rows, size_t *n,
	struct sz_err *err);
int fq_posts_pending(struct sz_forum *f, size_t limit,
	struct sz_forum_post **rows, size_t *n, struct sz_err *err);
int fq_post_edit(struct sz_forum *f, int64_t id, const char *editor,
	int64_t at, const char *source, const char *html, const char *text,
	bool hold, struct sz_err *err);
int fq_post_edits(struct sz_forum *f, int64_t post_id,
	struct sz_forum_edit **rows, size_t *n, struct sz_err *err);
int fq_post_set_state(struct sz_forum *f, int64_t id,
	enum sz_forum_post_state state, struct sz_err *err);
int fq_like(struct sz_forum *f, int64_t post_id, int64_t member_id, bool on,
	struct sz_err *err);

/* sqlite_forum_mod.c */
int fq_report_add(struct sz_forum *f, int64_t post_id, int64_t reporter_id,
	const char *reason, int64_t at, struct sz_err *err);
int fq_reports_open(struct sz_forum *f, size_t limit,
	struct sz_forum_report **rows, size_t *n, struct sz_err *err);
int fq_reports_resolve(struct sz_forum *f, int64_t post_id, const char *by,
	struct sz_err *err);
int fq_log_add(struct sz_forum *f, const struct sz_forum_log *l,
	struct sz_err *err);
int fq_log_page(struct sz_forum *f, int64_t before, size_t limit,
	struct sz_forum_log **rows, size_t *n, bool *more, struct sz_err *err);

/* sqlite_forum_search.c */
int fq_search(struct sz_forum *f, const struct sz_forum_search *q,
	size_t offset, size_t limit, struct sz_forum_hits *out,
	struct sz_err *err);
int fq_totals(struct sz_forum *f, struct sz_forum_totals *t,
	struct sz_err *err);

/* sqlite_forum_changes.c */
int fq_changes(struct sz_forum *f, int64_t after, size_t limit,
	struct sz_forum_change *rows, size_t *n, int64_t *last,
	struct sz_err *err);
int fq_ids(struct sz_forum *f, enum sz_forum_target kind, int64_t after,
	size_t limit, int64_t *ids, size_t *n, struct sz_err *err);

#endif
