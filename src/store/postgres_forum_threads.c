/*
 * postgres_forum_threads.c - boards and threads in the forum's PostgreSQL
 * back end: creating a thread with its first post, pages of a board by
 * keyset (last activity, id), the newest threads, and what moderators do
 * to a thread (flags, state, moving, merging).  Counts follow by triggers
 * (postgres_forum_schema.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/postgres_forum_internal.h"

/* a board's counts are the sums of its tallies (postgres_forum_schema.c,
 * step 2) */
#define BOARD_COLS "id, name, about, position, archive," \
	" (SELECT coalesce(sum(threads), 0) FROM tallies t" \
	"  WHERE t.board_id = boards.id)," \
	" (SELECT coalesce(sum(posts), 0) FROM tallies t" \
	"  WHERE t.board_id = boards.id)"

static void board_read(const PGresult *r, int row, struct sz_forum_board *b)
{
	memset(b, 0, sizeof(*b));
	b->id = pg_int(r, row, 0);
	pg_text(b->name, sizeof(b->name), r, row, 1);
	pg_text(b->about, sizeof(b->about), r, row, 2);
	b->position = pg_int(r, row, 3);
	b->archive = pg_int(r, row, 4) != 0;
	b->threads = pg_int(r, row, 5);
	b->posts = pg_int(r, row, 6);
}

/* ---- boards ------------------------------------------------------------ */

struct board_ctx {
	const char *name, *about;
	int64_t id;
};

static const char SQL_BOARD_ADD[] =
	"INSERT INTO boards (name, about, position) VALUES ($1::text, $2::text,"
	" (SELECT coalesce(max(position), 0) + 1 FROM boards)) RETURNING id";

static int board_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct board_ctx *x = ctx;
	struct pg_value v[] = { PG_S(x->name), PG_S(x->about ? x->about : "") };
	return pg_int_of(c, SQL_BOARD_ADD, v, 2, &x->id, "creating a board",
		err);
}

int fp_board_create(struct sz_forum *f, const char *name, const char *about,
	int64_t *id, struct sz_err *err)
{
	struct board_ctx x = { name, about, 0 };
	int rc = pg_transaction(fpool(f), board_tx, &x, err);
	if (rc == 0)
		*id = x.id;
	return rc;
}

static const char SQL_BOARD_GET[] =
	"SELECT " BOARD_COLS " FROM boards WHERE id = $1::bigint";
static const char SQL_BOARD_LIST[] =
	"SELECT " BOARD_COLS " FROM boards ORDER BY position, id LIMIT 1000";

int fp_board_get(struct sz_forum *f, int64_t id, struct sz_forum_board *b,
	struct sz_err *err)
{
	int rc;
	memset(b, 0, sizeof(*b));
	struct pg_value v[] = { PG_I(id) };
	PGresult *res = pg_read(fpool(f), SQL_BOARD_GET, v, 1, &rc,
		"reading a board", err);
	if (res == NULL)
		return rc;
	if (PQntuples(res) > 0)
		board_read(res, 0, b);
	else
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such board");
	PQclear(res);
	return rc;
}

int fp_board_list(struct sz_forum *f, struct sz_forum_board **rows,
	size_t *n, struct sz_err *err)
{
	int rc;
	*rows = NULL;
	*n = 0;
	PGresult *res = pg_read(fpool(f), SQL_BOARD_LIST, NULL, 0, &rc,
		"listing boards", err);
	if (res == NULL)
		return rc;
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		struct sz_forum_board *b = sz_forum_grow((void **)rows, n,
			sizeof(**rows), 1000);
		if (b == NULL)
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		else
			board_read(res, i, b);
	}
	PQclear(res);
	if (rc != 0) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

/* ---- creating threads and posts ---------------------------------------- */

/* The thread's row, locked until the transaction ends, is what orders
 * posts to it and what a moderator's change to the thread waits on (or
 * retries after): a thread deleted or merged meanwhile takes no post.
 * The next position follows the thread's last (kept by the post_added
 * trigger) and the posts already there (a batch updates the thread only
 * at its end: schema step 2); locking a row this transaction locked
 * already costs nothing. */
static const char SQL_NEXT_POSITION[] =
	"SELECT greatest(t.last_position, coalesce((SELECT max(p.position)"
	"  FROM posts p WHERE p.thread_id = t.id), 0)) + 1, t.board_id"
	" FROM threads t WHERE t.id = $1::bigint AND t.state IN (0, 1, 4)"
	" FOR UPDATE OF t";
static const char SQL_POST_INSERT[] =
	"INSERT INTO posts (thread_id, board_id, position, author_id, created,"
	" state, quote_of, source, html, text) VALUES ($1::bigint, $2::bigint,"
	" $3::bigint, $4::bigint, $5::bigint, $6::integer, $7::bigint, $8::text,"
	" $9::text, $10::text) RETURNING id";

int fp_insert_post(struct pg_conn *c, const struct sz_forum_post_new *p,
	int64_t thread_id, int64_t *id, int64_t *position, struct sz_err *err)
{
	int rc;
	struct pg_value t[] = { PG_I(thread_id) };
	PGresult *res = pg_exec(c, SQL_NEXT_POSITION, t, 1, &rc,
		"adding a post", err);
	if (res == NULL)
		return rc;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return sz_err_set(err, SZ_E_NOT_FOUND, "no such thread");
	}
	int64_t pos = pg_int(res, 0, 0), board = pg_int(res, 0, 1);
	PQclear(res);
	struct pg_value v[] = { PG_I(thread_id), PG_I(board), PG_I(pos),
		PG_I(p->author_id), PG_I(p->created), PG_I(p->state),
		PG_I(p->quote_of), PG_S(p->source), PG_S(p->html), PG_S(p->text) };
	rc = pg_int_of(c, SQL_POST_INSERT, v, 10, id, "adding a post", err);
	if (rc == 0)
		*position = pos;
	return rc;
}

static const char SQL_ARCHIVE_BOARD_MAKE[] =
	"INSERT INTO boards (name, about, position, archive)"
	" SELECT 'The archive', 'What readers make of the releases, documents"
	" and e-mails of the archive.', 0, 1"
	" WHERE NOT EXISTS (SELECT 1 FROM boards WHERE archive = 1)";
static const char SQL_ARCHIVE_BOARD[] =
	"SELECT id FROM boards WHERE archive = 1";
static const char SQL_BOARD_EXISTS[] =
	"SELECT id FROM boards WHERE id = $1::bigint";
static const char SQL_SUBJECT_THREAD[] =
	"SELECT id FROM threads WHERE subject_kind = $1::integer"
	" AND subject_id = $2::bigint AND state <> 2";
static const char SQL_THREAD_INSERT[] =
	"INSERT INTO threads (board_id, subject_kind, subject_id, title,"
	" author_id, created, last_at, state) VALUES ($1::bigint, $2::integer,"
	" $3::bigint, $4::text, $5::bigint, $6::bigint, $7::bigint, $8::integer)"
	" RETURNING id";

struct thread_ctx {
	const struct sz_forum_thread_new *t;
	const struct sz_forum_post_new *first;
	int64_t thread_id, post_id;
};

static int thread_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct thread_ctx *x = ctx;
	const struct sz_forum_thread_new *t = x->t;
	int64_t board = 0, existing = 0, pos = 0;
	int rc;
	if (t->board_id == 0) {
		rc = pg_run(c, SQL_ARCHIVE_BOARD_MAKE, NULL, 0, NULL,
			"making the archive's board", err);
		if (rc == 0)
			rc = pg_int_of(c, SQL_ARCHIVE_BOARD, NULL, 0, &board,
				"finding the archive's board", err);
	} else {
		struct pg_value v[] = { PG_I(t->board_id) };
		rc = pg_int_of(c, SQL_BOARD_EXISTS, v, 1, &board,
			"finding a board", err);
	}
	if (rc != 0)
		return rc;
	if (board == 0)
		return sz_err_set(err, SZ_E_NOT_FOUND, "no such board");
	if (t->subject != SZ_SUBJECT_NONE) {
		struct pg_value v[] = { PG_I(t->subject), PG_I(t->subject_id) };
		rc = pg_int_of(c, SQL_SUBJECT_THREAD, v, 2, &existing,
			"finding a discussion", err);
		if (rc != 0)
			return rc;
		if (existing != 0) {
			x->thread_id = existing;
			return sz_err_set(err, SZ_E_EXISTS, "that has a discussion "
				"already");
		}
	}
	const struct sz_forum_post_new *p = x->first;
	struct pg_value v[] = { PG_I(board), PG_I(t->subject),
		PG_I(t->subject_id), PG_S(t->title), PG_I(p->author_id),
		PG_I(p->created), PG_I(p->created),
		PG_I(p->state == SZ_POST_VISIBLE ? SZ_THREAD_VISIBLE :
			SZ_THREAD_PENDING) };
	rc = pg_int_of(c, SQL_THREAD_INSERT, v, 8, &x->thread_id,
		"creating a thread", err);
	if (rc != 0)
		return rc;
	return fp_insert_post(c, p, x->thread_id, &x->post_id, &pos, err);
}

int fp_thread_create(struct sz_forum *f, const struct sz_forum_thread_new *t,
	const struct sz_forum_post_new *first, int64_t *thread_id,
	int64_t *post_id, struct sz_err *err)
{
	struct thread_ctx x = { t, first, 0, 0 };
	int rc = pg_transaction(fpool(f), thread_tx, &x, err);
	*thread_id = x.thread_id;   /* the existing one, with SZ_E_EXISTS */
	if (rc == 0)
		*post_id = x.post_id;
	return rc;
}

/* ---- reading threads --------------------------------------------------- */

/* Reads up to max threads of a query into out->rows. */
static int read_threads(struct pg_pool *f, const char *sql,
	const struct pg_value *v, size_t nv, size_t max,
	struct sz_forum_threads *out, struct sz_err *err)
{
	int rc;
	PGresult *res = pg_read(f, sql, v, nv, &rc, "listing threads", err);
	if (res == NULL)
		return rc;
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		struct sz_forum_thread *t = sz_forum_grow((void **)&out->rows, &out->n,
			sizeof(*out->rows), max);
		if (t == NULL)
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		else
			fp_thread_read(res, i, t);
	}
	PQclear(res);
	if (rc != 0) {
		free(out->rows);
		out->rows = NULL;
		out->n = 0;
	}
	return rc;
}

static const char SQL_THREAD_GET[] =
	"SELECT " FP_THREAD_COLS FP_THREAD_FROM " WHERE t.id = $1::bigint";
static const char SQL_THREAD_SUBJECT[] =
	"SELECT " FP_THREAD_COLS FP_THREAD_FROM
	" WHERE t.subject_kind = $1::integer AND t.subject_id = $2::bigint"
	" AND t.state <> 2";

static int thread_one(struct sz_forum *f, const char *sql,
	const struct pg_value *v, size_t nv, struct sz_forum_thread *t,
	const char *missing, struct sz_err *err)
{
	struct sz_forum_threads one = { 0 };
	int rc = read_threads(fpool(f), sql, v, nv, 1, &one, err);
	memset(t, 0, sizeof(*t));
	if (rc == 0 && one.n == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "%s", missing);
	if (rc == 0)
		*t = one.rows[0];
	free(one.rows);
	return rc;
}

int fp_thread_get(struct sz_forum *f, int64_t id, struct sz_forum_thread *t,
	struct sz_err *err)
{
	struct pg_value v[] = { PG_I(id) };
	return thread_one(f, SQL_THREAD_GET, v, 1, t, "no such thread", err);
}

#define MERGE_HOPS 8

int fp_thread_of_subject(struct sz_forum *f, enum sz_forum_subject subject,
	int64_t subject_id, struct sz_forum_thread *t, struct sz_err *err)
{
	struct pg_value v[] = { PG_I(subject), PG_I(subject_id) };
	int rc = thread_one(f, SQL_THREAD_SUBJECT, v, 2, t, "no discussion yet",
		err);
	/* A merged discussion goes on where it was merged into. */
	for (int i = 0; rc == 0 && i < MERGE_HOPS &&
	     t->state == SZ_THREAD_MERGED && t->merged_into != 0; i++)
		rc = fp_thread_get(f, t->merged_into, t, err);
	return rc;
}

static const char SQL_THREADS_OLDER[] =
	"SELECT " FP_THREAD_COLS FP_THREAD_FROM
	" WHERE t.board_id = $1::bigint AND t.sticky = $2::integer"
	" AND (t.state = 0 OR ($3::integer <> 0 AND t.state IN (1, 4)))"
	" AND (t.last_at, t.id) < ($4::bigint, $5::bigint)"
	" ORDER BY t.last_at DESC, t.id DESC LIMIT $6::bigint";
static const char SQL_THREADS_NEWER[] =
	"SELECT " FP_THREAD_COLS FP_THREAD_FROM
	" WHERE t.board_id = $1::bigint AND t.sticky = $2::integer"
	" AND (t.state = 0 OR ($3::integer <> 0 AND t.state IN (1, 4)))"
	" AND (t.last_at, t.id) > ($4::bigint, $5::bigint)"
	" ORDER BY t.last_at ASC, t.id ASC LIMIT $6::bigint";

int fp_threads_page(struct sz_forum *f, const struct sz_forum_thread_query *q,
	struct sz_forum_threads *out, struct sz_err *err)
{
	memset(out, 0, sizeof(*out));
	if (q->limit < 1 || q->limit > SZ_FORUM_PAGE_MAX)
		return sz_err_set(err, SZ_E_INVAL, "a page holds 1 to %d threads",
			SZ_FORUM_PAGE_MAX);
	bool newer = q->from == SZ_FORUM_NEWER;
	struct sz_forum_key key = q->key;
	if (q->from == SZ_FORUM_FIRST)
		key.at = key.id = INT64_MAX;
	struct pg_value v[] = { PG_I(q->board_id), PG_I(q->sticky),
		PG_I(q->staff), PG_I(key.at), PG_I(key.id), PG_I(q->limit + 1) };
	int rc = read_threads(fpool(f), newer ? SQL_THREADS_NEWER :
		SQL_THREADS_OLDER, v, 6, q->limit + 1, out, err);
	if (rc != 0)
		return rc;
	sz_forum_threads_settle(out, q);
	return 0;
}

/* $1: how many, $2: the board. */
static const char SQL_THREADS_NEW[] =
	"SELECT " FP_THREAD_COLS FP_THREAD_FROM
	" WHERE t.state = 0 ORDER BY t.created DESC, t.id DESC LIMIT $1::bigint";
static const char SQL_THREADS_NEW_BOARD[] =
	"SELECT " FP_THREAD_COLS FP_THREAD_FROM
	" WHERE t.board_id = $2::bigint AND t.state = 0"
	" ORDER BY t.created DESC, t.id DESC LIMIT $1::bigint";

int fp_threads_new(struct sz_forum *f, int64_t board_id, size_t limit,
	struct sz_forum_threads *out, struct sz_err *err)
{
	memset(out, 0, sizeof(*out));
	if (limit > SZ_FORUM_PAGE_MAX)
		limit = SZ_FORUM_PAGE_MAX;
	struct pg_value v[] = { PG_I(limit), PG_I(board_id) };
	return read_threads(fpool(f), board_id ? SQL_THREADS_NEW_BOARD :
		SQL_THREADS_NEW, v, board_id ? 2 : 1, limit, out, err);
}

/* ---- moderating threads ------------------------------------------------ */

static const char SQL_THREAD_FLAGS[] =
	"UPDATE threads SET sticky = $2::integer, locked = $3::integer"
	" WHERE id = $1::bigint";
static const char SQL_THREAD_STATE[] =
	"UPDATE threads SET state = $2::integer WHERE id = $1::bigint";

int fp_thread_set_flags(struct sz_forum *f, int64_t id, bool sticky,
	bool locked, struct sz_err *err)
{
	struct pg_value v[] = { PG_I(id), PG_I(sticky), PG_I(locked) };
	return pg_write(fpool(f), SQL_THREAD_FLAGS, v, 3, "changing a thread",
		"no such thread", err);
}

int fp_thread_set_state(struct sz_forum *f, int64_t id,
	enum sz_forum_thread_state state, struct sz_err *err)
{
	struct pg_value v[] = { PG_I(id), PG_I(state) };
	int rc = pg_write(fpool(f), SQL_THREAD_STATE, v, 2, "changing a thread",
		"no such thread", err);
	if (rc == SZ_E_EXISTS)
		rc = sz_err_set(err, SZ_E_EXISTS, "what this thread discussed has "
			"a newer discussion; merge them instead");
	return rc;
}

struct move_ctx {
	int64_t id, board;
};

static const char SQL_THREAD_MOVE[] =
	"UPDATE threads SET board_id = $2::bigint WHERE id = $1::bigint";

static int move_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct move_ctx *x = ctx;
	int64_t board = 0, changed = 0;
	struct pg_value b[] = { PG_I(x->board) };
	int rc = pg_int_of(c, SQL_BOARD_EXISTS, b, 1, &board, "moving a thread",
		err);
	if (rc != 0)
		return rc;
	if (board == 0)
		return sz_err_set(err, SZ_E_NOT_FOUND, "no such board");
	struct pg_value v[] = { PG_I(x->id), PG_I(x->board) };
	rc = pg_run(c, SQL_THREAD_MOVE, v, 2, &changed, "moving a thread", err);
	if (rc == 0 && changed == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such thread");
	return rc;
}

int fp_thread_move(struct sz_forum *f, int64_t id, int64_t board_id,
	struct sz_err *err)
{
	struct move_ctx x = { id, board_id };
	return pg_transaction(fpool(f), move_tx, &x, err);
}

static const char SQL_REFRESH[] =
	"UPDATE threads SET"
	" last_post_id = coalesce((SELECT id FROM posts WHERE thread_id ="
	"   $1::bigint AND state = 0 ORDER BY position DESC LIMIT 1), 0),"
	" last_at = coalesce((SELECT created FROM posts WHERE thread_id ="
	"   $1::bigint AND state = 0 ORDER BY position DESC LIMIT 1), created)"
	" WHERE id = $1::bigint";

int fp_thread_refresh(struct pg_conn *c, int64_t thread_id, struct sz_err *err)
{
	struct pg_value v[] = { PG_I(thread_id) };
	return pg_run(c, SQL_REFRESH, v, 1, NULL, "updating a thread", err);
}

static const char SQL_MERGE_CHECK[] =
	"SELECT count(*) FROM threads WHERE id IN ($1::bigint, $2::bigint)"
	" AND state IN (0, 1, 4)";
/* Positions are made negative (and so unique) while posts move, then
 * numbered again by when they were written. */
static const char SQL_MERGE_PARK[] =
	"UPDATE posts SET position = -id WHERE thread_id = $1::bigint";
static const char SQL_MERGE_MOVE[] =
	"UPDATE posts SET thread_id = $2::bigint, position = -id"
	" WHERE thread_id = $1::bigint";
static const char SQL_MERGE_NUMBER[] =
	"UPDATE posts SET position = r.n FROM (SELECT id, row_number() OVER"
	" (ORDER BY created, id) AS n FROM posts WHERE thread_id = $1::bigint)"
	" AS r WHERE posts.id = r.id";
static const char SQL_MERGE_LAST[] =
	"UPDATE threads SET last_position = (SELECT count(*) FROM posts"
	" WHERE thread_id = $1::bigint) WHERE id = $1::bigint";
/* A discussion of the archive stays findable from its subject: the
 * merged thread hands its subject over when the other has none (taken
 * from one before it is given to the other: a subject has one thread). */
static const char SQL_SUBJECT_OF[] =
	"SELECT subject_kind, subject_id FROM threads WHERE id = $1::bigint";
static const char SQL_SET_SUBJECT[] =
	"UPDATE threads SET subject_kind = $2::integer, subject_id = $3::bigint"
	" WHERE id = $1::bigint";
static const char SQL_MERGE_DONE[] =
	"UPDATE threads SET state = 3, merged_into = $2::bigint, sticky = 0"
	" WHERE id = $1::bigint";

static int subject_of(struct pg_conn *c, int64_t id, int64_t *kind,
	int64_t *sid, struct sz_err *err)
{
	int rc;
	struct pg_value v[] = { PG_I(id) };
	*kind = *sid = 0;
	PGresult *res = pg_exec(c, SQL_SUBJECT_OF, v, 1, &rc,
		"merging threads", err);
	if (res == NULL)
		return rc;
	if (PQntuples(res) > 0) {
		*kind = pg_int(res, 0, 0);
		*sid = pg_int(res, 0, 1);
	}
	PQclear(res);
	return 0;
}

static int hand_subject(struct pg_conn *c, int64_t from, int64_t into,
	struct sz_err *err)
{
	int64_t fk, fid, ik, iid;
	int rc = subject_of(c, from, &fk, &fid, err);
	if (rc == 0)
		rc = subject_of(c, into, &ik, &iid, err);
	if (rc != 0 || fk == 0 || ik != 0)
		return rc;
	struct pg_value none[] = { PG_I(from), PG_I(0), PG_I(0) };
	struct pg_value given[] = { PG_I(into), PG_I(fk), PG_I(fid) };
	rc = pg_run(c, SQL_SET_SUBJECT, none, 3, NULL, "merging threads", err);
	if (rc == 0)
		rc = pg_run(c, SQL_SET_SUBJECT, given, 3, NULL, "merging threads",
			err);
	return rc;
}

struct merge_ctx {
	int64_t from, into;
};

static int merge_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct merge_ctx *x = ctx;
	int64_t alive = 0;
	struct pg_value both[] = { PG_I(x->from), PG_I(x->into) };
	int rc = pg_int_of(c, SQL_MERGE_CHECK, both, 2, &alive,
		"merging threads", err);
	if (rc != 0)
		return rc;
	if (alive != 2)
		return sz_err_set(err, SZ_E_NOT_FOUND, "both threads must exist "
			"and be neither deleted nor merged");
	struct {
		const char *sql;
		size_t n;
		const struct pg_value *v;
	} steps[] = {
		{ SQL_MERGE_PARK, 1, both + 1 },
		{ SQL_MERGE_MOVE, 2, both },
		{ SQL_MERGE_NUMBER, 1, both + 1 },
		{ SQL_MERGE_LAST, 1, both + 1 },
		{ SQL_MERGE_DONE, 2, both },
	};
	for (size_t i = 0; rc == 0 && i < sizeof(steps) / sizeof(steps[0]);
	     i++)
		rc = pg_run(c, steps[i].sql, steps[i].v, steps[i].n, NULL,
			"merging threads", err);
	if (rc == 0)
		rc = hand_subject(c, x->from, x->into, err);
	if (rc == 0)
		rc = fp_thread_refresh(c, x->into, err);
	return rc;
}

int fp_thread_merge(struct sz_forum *f, int64_t from, int64_t into,
	struct sz_err *err)
{
	if (from == into)
		return sz_err_set(err, SZ_E_INVAL, "a thread cannot be merged into "
			"itself");
	struct merge_ctx x = { from, into };
	return pg_transaction(fpool(f), merge_tx, &x, err);
}
