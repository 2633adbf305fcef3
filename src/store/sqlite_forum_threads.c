/*
 * sqlite_forum_threads.c - boards and threads in the forum's SQLite back
 * end: creating a thread with its first post, pages of a board by keyset
 * (last activity, id), the newest threads, and what moderators do to a
 * thread (flags, state, moving, merging).  Counts follow by triggers
 * (sqlite_forum.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_forum_internal.h"

#define BOARD_COLS "id, name, about, position, archive, threads, posts"

static void board_read(sqlite3_stmt *st, void *out)
{
	struct sz_forum_board *b = out;
	memset(b, 0, sizeof(*b));
	b->id = sqlite3_column_int64(st, 0);
	fq_text(b->name, sizeof(b->name), st, 1);
	fq_text(b->about, sizeof(b->about), st, 2);
	b->position = sqlite3_column_int64(st, 3);
	b->archive = sqlite3_column_int(st, 4) != 0;
	b->threads = sqlite3_column_int64(st, 5);
	b->posts = sqlite3_column_int64(st, 6);
}

/* ---- boards ------------------------------------------------------------ */

struct board_ctx {
	const char *name, *about;
	int64_t id;
};

static const char SQL_BOARD_ADD[] =
	"INSERT INTO boards (name, about, position) VALUES (?1, ?2,"
	" (SELECT ifnull(max(position), 0) + 1 FROM boards))";

static int board_tx(struct fq_conn *c, void *ctx, struct sz_err *err)
{
	struct board_ctx *x = ctx;
	sqlite3_stmt *st = fq_stmt(c, SQL_BOARD_ADD, err);
	if (st == NULL)
		return SZ_E_IO;
	struct fq_value v[] = { FQ_S(x->name), FQ_S(x->about ? x->about : "") };
	fq_bind(st, v, 2);
	int rc = fq_run(c, st, err, "creating a board");
	x->id = sqlite3_last_insert_rowid(c->db);
	return rc;
}

int fq_board_create(struct sz_forum *f, const char *name, const char *about,
	int64_t *id, struct sz_err *err)
{
	struct board_ctx x = { name, about, 0 };
	int rc = fq_transaction(fq(f), board_tx, &x, err);
	if (rc == 0)
		*id = x.id;
	return rc;
}

static const char SQL_BOARD_GET[] =
	"SELECT " BOARD_COLS " FROM boards WHERE id = ?";
static const char SQL_BOARD_LIST[] =
	"SELECT " BOARD_COLS " FROM boards ORDER BY position, id LIMIT 1000";

int fq_board_get(struct sz_forum *f, int64_t id, struct sz_forum_board *b,
	struct sz_err *err)
{
	memset(b, 0, sizeof(*b));
	struct fq_value v[] = { FQ_I(id) };
	return fq_read_one(fq(f), SQL_BOARD_GET, v, 1, board_read, b,
		"no such board", err);
}

int fq_board_list(struct sz_forum *f, struct sz_forum_board **rows,
	size_t *n, struct sz_err *err)
{
	*rows = NULL;
	*n = 0;
	struct fq_conn *c = fq_reader(fq(f));
	sqlite3_stmt *st = fq_stmt(c, SQL_BOARD_LIST, err);
	int rc = st ? 0 : SZ_E_IO, r = SQLITE_DONE;
	while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
		struct sz_forum_board *b = sz_forum_grow((void **)rows, n,
			sizeof(**rows), 1000);
		if (b == NULL)
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		else
			board_read(st, b);
	}
	if (rc == 0 && r != SQLITE_DONE)
		rc = sz_err_set(err, SZ_E_IO, "the forum's database failed while "
			"listing boards");
	fq_reader_done(fq(f), c);
	if (rc != 0) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

/* ---- creating threads and posts ---------------------------------------- */

static const char SQL_NEXT_POSITION[] =
	"UPDATE threads SET last_position = last_position + 1 WHERE id = ?"
	" RETURNING last_position, board_id";
static const char SQL_POST_INSERT[] =
	"INSERT INTO posts (thread_id, board_id, position, author_id, created,"
	" state, quote_of, source, html, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
	" ?, ?)";

int fq_insert_post(struct fq_conn *c, const struct sz_forum_post_new *p,
	int64_t thread_id, int64_t *id, int64_t *position, struct sz_err *err)
{
	sqlite3_stmt *st = fq_stmt(c, SQL_NEXT_POSITION, err);
	if (st == NULL)
		return SZ_E_IO;
	sqlite3_bind_int64(st, 1, thread_id);
	int r = sqlite3_step(st);
	if (r != SQLITE_ROW) {
		sqlite3_reset(st);
		return r == SQLITE_DONE ? sz_err_set(err, SZ_E_NOT_FOUND,
			"no such thread") : fq_check(c, r, err, "adding a post");
	}
	int64_t pos = sqlite3_column_int64(st, 0);
	int64_t board = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	if ((st = fq_stmt(c, SQL_POST_INSERT, err)) == NULL)
		return SZ_E_IO;
	struct fq_value v[] = { FQ_I(thread_id), FQ_I(board), FQ_I(pos),
		FQ_I(p->author_id), FQ_I(p->created), FQ_I(p->state),
		FQ_I(p->quote_of), FQ_S(p->source), FQ_S(p->html), FQ_S(p->text) };
	fq_bind(st, v, sizeof(v) / sizeof(v[0]));
	int rc = fq_run(c, st, err, "adding a post");
	if (rc == 0) {
		*id = sqlite3_last_insert_rowid(c->db);
		*position = pos;
	}
	return rc;
}

static const char SQL_ARCHIVE_BOARD_MAKE[] =
	"INSERT INTO boards (name, about, position, archive)"
	" SELECT 'The archive', 'What readers make of the releases, documents"
	" and e-mails of the archive.', 0, 1"
	" WHERE NOT EXISTS (SELECT 1 FROM boards WHERE archive = 1)";
static const char SQL_ARCHIVE_BOARD[] =
	"SELECT id FROM boards WHERE archive = 1";
static const char SQL_BOARD_EXISTS[] = "SELECT id FROM boards WHERE id = ?";
static const char SQL_SUBJECT_THREAD[] =
	"SELECT id FROM threads WHERE subject_kind = ? AND subject_id = ?"
	" AND state <> 2";
static const char SQL_THREAD_INSERT[] =
	"INSERT INTO threads (board_id, subject_kind, subject_id, title,"
	" author_id, created, last_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

/* Runs a query whose first column is an id; 0 if it has no row. */
static int id_of(struct fq_conn *c, const char *sql, const struct fq_value *v,
	size_t n, int64_t *id, struct sz_err *err)
{
	sqlite3_stmt *st = fq_stmt(c, sql, err);
	if (st == NULL)
		return SZ_E_IO;
	fq_bind(st, v, n);
	int r = sqlite3_step(st);
	*id = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return fq_check(c, r, err, "looking something up");
}

struct thread_ctx {
	const struct sz_forum_thread_new *t;
	const struct sz_forum_post_new *first;
	int64_t thread_id, post_id;
};

static int thread_tx(struct fq_conn *c, void *ctx, struct sz_err *err)
{
	struct thread_ctx *x = ctx;
	const struct sz_forum_thread_new *t = x->t;
	int64_t board = 0, existing = 0, pos = 0;
	int rc = 0;
	if (t->board_id == 0) {
		sqlite3_stmt *st = fq_stmt(c, SQL_ARCHIVE_BOARD_MAKE, err);
		rc = st ? fq_run(c, st, err, "making the archive's board") :
			SZ_E_IO;
		if (rc == 0)
			rc = id_of(c, SQL_ARCHIVE_BOARD, NULL, 0, &board, err);
	} else {
		struct fq_value v[] = { FQ_I(t->board_id) };
		rc = id_of(c, SQL_BOARD_EXISTS, v, 1, &board, err);
	}
	if (rc != 0)
		return rc;
	if (board == 0)
		return sz_err_set(err, SZ_E_NOT_FOUND, "no such board");
	if (t->subject != SZ_SUBJECT_NONE) {
		struct fq_value v[] = { FQ_I(t->subject), FQ_I(t->subject_id) };
		if ((rc = id_of(c, SQL_SUBJECT_THREAD, v, 2, &existing, err)) != 0)
			return rc;
		if (existing != 0) {
			x->thread_id = existing;
			return sz_err_set(err, SZ_E_EXISTS, "that has a discussion "
				"already");
		}
	}
	sqlite3_stmt *st = fq_stmt(c, SQL_THREAD_INSERT, err);
	if (st == NULL)
		return SZ_E_IO;
	const struct sz_forum_post_new *p = x->first;
	struct fq_value v[] = { FQ_I(board), FQ_I(t->subject),
		FQ_I(t->subject_id), FQ_S(t->title), FQ_I(p->author_id),
		FQ_I(p->created), FQ_I(p->created),
		FQ_I(p->state == SZ_POST_VISIBLE ? SZ_THREAD_VISIBLE :
			SZ_THREAD_PENDING) };
	fq_bind(st, v, sizeof(v) / sizeof(v[0]));
	if ((rc = fq_run(c, st, err, "creating a thread")) != 0)
		return rc;
	x->thread_id = sqlite3_last_insert_rowid(c->db);
	return fq_insert_post(c, p, x->thread_id, &x->post_id, &pos, err);
}

int fq_thread_create(struct sz_forum *f, const struct sz_forum_thread_new *t,
	const struct sz_forum_post_new *first, int64_t *thread_id,
	int64_t *post_id, struct sz_err *err)
{
	struct thread_ctx x = { t, first, 0, 0 };
	int rc = fq_transaction(fq(f), thread_tx, &x, err);
	*thread_id = x.thread_id;   /* the existing one, with SZ_E_EXISTS */
	if (rc == 0)
		*post_id = x.post_id;
	return rc;
}

/* ---- reading threads --------------------------------------------------- */

static const char SQL_THREAD_GET[] =
	"SELECT " FQ_THREAD_COLS FQ_THREAD_FROM " WHERE t.id = ?";
static const char SQL_THREAD_SUBJECT[] =
	"SELECT " FQ_THREAD_COLS FQ_THREAD_FROM
	" WHERE t.subject_kind = ? AND t.subject_id = ? AND t.state <> 2";

static void thread_read_cb(sqlite3_stmt *st, void *out)
{
	fq_thread_read(st, out);
}

int fq_thread_get(struct sz_forum *f, int64_t id, struct sz_forum_thread *t,
	struct sz_err *err)
{
	memset(t, 0, sizeof(*t));
	struct fq_value v[] = { FQ_I(id) };
	return fq_read_one(fq(f), SQL_THREAD_GET, v, 1, thread_read_cb, t,
		"no such thread", err);
}

#define MERGE_HOPS 8

int fq_thread_of_subject(struct sz_forum *f, enum sz_forum_subject subject,
	int64_t subject_id, struct sz_forum_thread *t, struct sz_err *err)
{
	memset(t, 0, sizeof(*t));
	struct fq_value v[] = { FQ_I(subject), FQ_I(subject_id) };
	int rc = fq_read_one(fq(f), SQL_THREAD_SUBJECT, v, 2, thread_read_cb, t,
		"no discussion yet", err);
	/* A merged discussion goes on where it was merged into. */
	for (int i = 0; rc == 0 && i < MERGE_HOPS &&
	     t->state == SZ_THREAD_MERGED && t->merged_into != 0; i++)
		rc = fq_thread_get(f, t->merged_into, t, err);
	return rc;
}

static const char SQL_THREADS_OLDER[] =
	"SELECT " FQ_THREAD_COLS FQ_THREAD_FROM
	" WHERE t.board_id = ?1 AND t.sticky = ?2"
	" AND (t.state = 0 OR (?3 AND t.state IN (1, 4)))"
	" AND (t.last_at, t.id) < (?4, ?5)"
	" ORDER BY t.last_at DESC, t.id DESC LIMIT ?6";
static const char SQL_THREADS_NEWER[] =
	"SELECT " FQ_THREAD_COLS FQ_THREAD_FROM
	" WHERE t.board_id = ?1 AND t.sticky = ?2"
	" AND (t.state = 0 OR (?3 AND t.state IN (1, 4)))"
	" AND (t.last_at, t.id) > (?4, ?5)"
	" ORDER BY t.last_at ASC, t.id ASC LIMIT ?6";

/* Reads up to max threads of st into out->rows. */
static int read_threads(struct fq_conn *c, sqlite3_stmt *st, size_t max,
	struct sz_forum_threads *out, struct sz_err *err)
{
	int r, rc = 0;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct sz_forum_thread *t = sz_forum_grow((void **)&out->rows, &out->n,
			sizeof(*out->rows), max);
		if (t == NULL)
			return sz_err_set(err, SZ_E_NOMEM, "out of memory");
		fq_thread_read(st, t);
	}
	rc = fq_check(c, r, err, "listing threads");
	return rc == FQ_BUSY ? sz_err_set(err, SZ_E_IO, "the forum's database "
		"is busy") : rc;
}

int fq_threads_page(struct sz_forum *f, const struct sz_forum_thread_query *q,
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
	struct fq_conn *c = fq_reader(fq(f));
	sqlite3_stmt *st = fq_stmt(c, newer ? SQL_THREADS_NEWER :
		SQL_THREADS_OLDER, err);
	int rc = st ? 0 : SZ_E_IO;
	if (rc == 0) {
		struct fq_value v[] = { FQ_I(q->board_id), FQ_I(q->sticky),
			FQ_I(q->staff), FQ_I(key.at), FQ_I(key.id),
			FQ_I(q->limit + 1) };
		fq_bind(st, v, 6);
		rc = read_threads(c, st, q->limit + 1, out, err);
	}
	fq_reader_done(fq(f), c);
	if (rc != 0) {
		free(out->rows);
		memset(out, 0, sizeof(*out));
		return rc;
	}
	sz_forum_threads_settle(out, q);
	return 0;
}

static const char SQL_THREADS_NEW[] =
	"SELECT " FQ_THREAD_COLS FQ_THREAD_FROM
	" WHERE t.state = 0 ORDER BY t.created DESC, t.id DESC LIMIT ?2";
static const char SQL_THREADS_NEW_BOARD[] =
	"SELECT " FQ_THREAD_COLS FQ_THREAD_FROM
	" WHERE t.board_id = ?1 AND t.state = 0"
	" ORDER BY t.created DESC, t.id DESC LIMIT ?2";

int fq_threads_new(struct sz_forum *f, int64_t board_id, size_t limit,
	struct sz_forum_threads *out, struct sz_err *err)
{
	memset(out, 0, sizeof(*out));
	if (limit > SZ_FORUM_PAGE_MAX)
		limit = SZ_FORUM_PAGE_MAX;
	struct fq_conn *c = fq_reader(fq(f));
	sqlite3_stmt *st = fq_stmt(c, board_id ? SQL_THREADS_NEW_BOARD :
		SQL_THREADS_NEW, err);
	int rc = st ? 0 : SZ_E_IO;
	if (rc == 0) {
		struct fq_value v[] = { FQ_I(board_id), FQ_I(limit) };
		fq_bind(st, v, 2);
		rc = read_threads(c, st, limit, out, err);
	}
	fq_reader_done(fq(f), c);
	if (rc != 0) {
		free(out->rows);
		memset(out, 0, sizeof(*out));
	}
	return rc;
}

/* ---- moderating threads ------------------------------------------------ */

static const char SQL_THREAD_FLAGS[] =
	"UPDATE threads SET sticky = ?2, locked = ?3 WHERE id = ?1";
static const char SQL_THREAD_STATE[] =
	"UPDATE threads SET state = ?2 WHERE id = ?1";

int fq_thread_set_flags(struct sz_forum *f, int64_t id, bool sticky,
	bool locked, struct sz_err *err)
{
	struct fq_value v[] = { FQ_I(id), FQ_I(sticky), FQ_I(locked) };
	return fq_write(fq(f), SQL_THREAD_FLAGS, v, 3, "changing a thread",
		"no such thread", err);
}

int fq_thread_set_state(struct sz_forum *f, int64_t id,
	enum sz_forum_thread_state state, struct sz_err *err)
{
	struct fq_value v[] = { FQ_I(id), FQ_I(state) };
	int rc = fq_write(fq(f), SQL_THREAD_STATE, v, 2, "changing a thread",
		"no such thread", err);
	if (rc == SZ_E_IO && err != NULL && strstr(err->msg, "UNIQUE") != NULL)
		rc = sz_err_set(err, SZ_E_EXISTS, "what this thread discussed has "
			"a newer discussion; merge them instead");
	return rc;
}

struct move_ctx {
	int64_t id, board;
};

static const char SQL_THREAD_MOVE[] =
	"UPDATE threads SET board_id = ?2 WHERE id = ?1";

static int move_tx(struct fq_conn *c, void *ctx, struct sz_err *err)
{
	struct move_ctx *x = ctx;
	int64_t board = 0;
	struct fq_value b[] = { FQ_I(x->board) };
	int rc = id_of(c, SQL_BOARD_EXISTS, b, 1, &board, err);
	if (rc != 0)
		return rc;
	if (board == 0)
		return sz_err_set(err, SZ_E_NOT_FOUND, "no such board");
	sqlite3_stmt *st = fq_stmt(c, SQL_THREAD_MOVE, err);
	if (st == NULL)
		return SZ_E_IO;
	struct fq_value v[] = { FQ_I(x->id), FQ_I(x->board) };
	fq_bind(st, v, 2);
	if ((rc = fq_run(c, st, err, "moving a thread")) != 0)
		return rc;
	return sqlite3_changes(c->db) ? 0 : sz_err_set(err, SZ_E_NOT_FOUND,
		"no such thread");
}

int fq_thread_move(struct sz_forum *f, int64_t id, int64_t board_id,
	struct sz_err *err)
{
	struct move_ctx x = { id, board_id };
	return fq_transaction(fq(f), move_tx, &x, err);
}

static const char SQL_REFRESH[] =
	"UPDATE threads SET"
	" last_post_id = ifnull((SELECT id FROM posts WHERE thread_id = ?1"
	"   AND state = 0 ORDER BY position DESC LIMIT 1), 0),"
	" last_at = ifnull((SELECT created FROM posts WHERE thread_id = ?1"
	"   AND state = 0 ORDER BY position DESC LIMIT 1), created)"
	" WHERE id = ?1";

int fq_thread_refresh(struct fq_conn *c, int64_t thread_id, struct sz_err *err)
{
	sqlite3_stmt *st = fq_stmt(c, SQL_REFRESH, err);
	if (st == NULL)
		return SZ_E_IO;
	sqlite3_bind_int64(st, 1, thread_id);
	return fq_run(c, st, err, "updating a thread");
}

struct merge_ctx {
	int64_t from, into;
};

static const char SQL_MERGE_CHECK[] =
	"SELECT count(*) FROM threads WHERE id IN (?1, ?2) AND state IN (0, 1, 4)";
/* Positions are made negative (and so unique) while posts move, then
 * numbered again by when they were written. */
static const char SQL_MERGE_PARK[] =
	"UPDATE posts SET position = -id WHERE thread_id = ?1";
static const char SQL_MERGE_MOVE[] =
	"UPDATE posts SET thread_id = ?2, position = -id WHERE thread_id = ?1";
static const char SQL_MERGE_NUMBER[] =
	"UPDATE posts SET position = r.n FROM (SELECT id, row_number() OVER"
	" (ORDER BY created, id) AS n FROM posts WHERE thread_id = ?1) AS r"
	" WHERE posts.id = r.id";
static const char SQL_MERGE_LAST[] =
	"UPDATE threads SET last_position = (SELECT count(*) FROM posts"
	" WHERE thread_id = ?1) WHERE id = ?1";
/* A discussion of the archive stays findable from its subject: the
 * merged thread hands its subject over when the other has none (taken
 * from one before it is given to the other: a subject has one thread). */
static const char SQL_SUBJECT_OF[] =
	"SELECT subject_kind, subject_id FROM threads WHERE id = ?1";
static const char SQL_SET_SUBJECT[] =
	"UPDATE threads SET subject_kind = ?2, subject_id = ?3 WHERE id = ?1";
static const char SQL_MERGE_DONE[] =
	"UPDATE threads SET state = 3, merged_into = ?2, sticky = 0 WHERE id = ?1";

static int subject_of(struct fq_conn *c, int64_t id, int64_t *kind,
	int64_t *sid, struct sz_err *err)
{
	sqlite3_stmt *st = fq_stmt(c, SQL_SUBJECT_OF, err);
	if (st == NULL)
		return SZ_E_IO;
	sqlite3_bind_int64(st, 1, id);
	int r = sqlite3_step(st);
	*kind = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	*sid = r == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	sqlite3_reset(st);
	return fq_check(c, r, err, "merging threads");
}

static int hand_subject(struct fq_conn *c, int64_t from, int64_t into,
	struct sz_err *err)
{
	int64_t fk, fid, ik, iid;
	int rc = subject_of(c, from, &fk, &fid, err);
	if (rc == 0)
		rc = subject_of(c, into, &ik, &iid, err);
	if (rc != 0 || fk == 0 || ik != 0)
		return rc;
	struct fq_value none[] = { FQ_I(from), FQ_I(0), FQ_I(0) };
	struct fq_value given[] = { FQ_I(into), FQ_I(fk), FQ_I(fid) };
	sqlite3_stmt *st = fq_stmt(c, SQL_SET_SUBJECT, err);
	if (st == NULL)
		return SZ_E_IO;
	fq_bind(st, none, 3);
	if ((rc = fq_run(c, st, err, "merging threads")) != 0)
		return rc;
	if ((st = fq_stmt(c, SQL_SET_SUBJECT, err)) == NULL)
		return SZ_E_IO;
	fq_bind(st, given, 3);
	return fq_run(c, st, err, "merging threads");
}

static int merge_tx(struct fq_conn *c, void *ctx, struct sz_err *err)
{
	struct merge_ctx *x = ctx;
	int64_t alive = 0;
	struct fq_value both[] = { FQ_I(x->from), FQ_I(x->into) };
	int rc = id_of(c, SQL_MERGE_CHECK, both, 2, &alive, err);
	if (rc != 0)
		return rc;
	if (alive != 2)
		return sz_err_set(err, SZ_E_NOT_FOUND, "both threads must exist "
			"and be neither deleted nor merged");
	struct {
		const char *sql;
		size_t n;
		const struct fq_value *v;
	} steps[] = {
		{ SQL_MERGE_PARK, 1, both + 1 },
		{ SQL_MERGE_MOVE, 2, both },
		{ SQL_MERGE_NUMBER, 1, both + 1 },
		{ SQL_MERGE_LAST, 1, both + 1 },
		{ SQL_MERGE_DONE, 2, both },
	};
	for (size_t i = 0; rc == 0 && i < sizeof(steps) / sizeof(steps[0]);
	     i++) {
		sqlite3_stmt *st = fq_stmt(c, steps[i].sql, err);
		if (st == NULL)
			return SZ_E_IO;
		fq_bind(st, steps[i].v, steps[i].n);
		rc = fq_run(c, st, err, "merging threads");
	}
	if (rc == 0)
		rc = hand_subject(c, x->from, x->into, err);
	if (rc == 0)
		rc = fq_thread_refresh(c, x->into, err);
	return rc;
}

int fq_thread_merge(struct sz_forum *f, int64_t from, int64_t into,
	struct sz_err *err)
{
	if (from == into)
		return sz_err_set(err, SZ_E_INVAL, "a thread cannot be merged into "
			"itself");
	struct merge_ctx x = { from, into };
	return fq_transaction(fq(f), merge_tx, &x, err);
}
