/*
 * sqlite_forum_posts.c - posts in the forum's SQLite back end: replies,
 * one post, a page of a thread by position (an index range, so page 5,000
 * costs what page 1 does), the latest replies, a member's posts, the
 * approval queue, edits with their history, visibility, and likes.
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_forum_internal.h"

struct add_ctx {
	const struct sz_forum_post_new *p;
	int64_t id, position;
};

static const char SQL_THREAD_OPEN[] =
	"SELECT id FROM threads WHERE id = ? AND state IN (0, 1, 4)";

static int add_tx(struct fq_conn *c, void *ctx, struct sz_err *err)
{
	struct add_ctx *x = ctx;
	int rc = fq_exists(c, SQL_THREAD_OPEN, x->p->thread_id, "no such thread",
		err);
	if (rc == 0)
		rc = fq_insert_post(c, x->p, x->p->thread_id, &x->id,
			&x->position, err);
	return rc;
}

int fq_post_add(struct sz_forum *f, const struct sz_forum_post_new *p,
	int64_t *id, int64_t *position, struct sz_err *err)
{
	struct add_ctx x = { p, 0, 0 };
	int rc = fq_transaction(fq(f), add_tx, &x, err);
	if (rc == 0) {
		*id = x.id;
		*position = x.position;
	}
	return rc;
}

/* Reads the rows of st (FQ_POST_COLS, then extra columns: liked at
 * FQ_POST_NCOLS if liked_col, source and text after it if source_cols). */
static int read_posts(struct sqlite_forum *f, struct fq_conn *c,
	sqlite3_stmt *st, size_t max, bool liked_col, bool source_cols,
	struct sz_forum_post **rows, size_t *n, struct sz_err *err)
{
	int r, rc = 0;
	*rows = NULL;
	*n = 0;
	while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
		struct sz_forum_post *p = fq_grow((void **)rows, n, sizeof(**rows),
			max);
		if (p == NULL) {
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
			break;
		}
		int col = FQ_POST_NCOLS;
		if (fq_post_read(st, p, false) != 0)
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		if (liked_col)
			p->liked = sqlite3_column_int(st, col++) != 0;
		if (rc == 0 && source_cols &&
		    ((p->source = fq_dup(st, col)) == NULL ||
		     (p->text = fq_dup(st, col + 1)) == NULL))
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	if (rc == 0 && r != SQLITE_DONE) {
		rc = fq_check(c, r, err, "reading posts");
		if (rc == FQ_BUSY)
			rc = sz_err_set(err, SZ_E_IO, "the forum's database is busy");
	}
	fq_reader_done(f, c);
	if (rc != 0) {
		sz_forum_posts_free(*rows, *n);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

static const char SQL_POST_GET[] =
	"SELECT " FQ_POST_COLS ", p.source, p.text" FQ_POST_FROM
	" WHERE p.id = ?";
static const char SQL_POST_GET_BARE[] =
	"SELECT " FQ_POST_COLS FQ_POST_FROM " WHERE p.id = ?";

int fq_post_get(struct sz_forum *f, int64_t id, bool with_source,
	struct sz_forum_post *p, struct sz_err *err)
{
	memset(p, 0, sizeof(*p));
	struct fq_conn *c = fq_reader(fq(f));
	sqlite3_stmt *st = fq_stmt(c, with_source ? SQL_POST_GET :
		SQL_POST_GET_BARE, err);
	if (st == NULL) {
		fq_reader_done(fq(f), c);
		return SZ_E_IO;
	}
	sqlite3_bind_int64(st, 1, id);
	struct sz_forum_post *rows = NULL;
	size_t n = 0;
	int rc = read_posts(fq(f), c, st, 1, false, with_source, &rows, &n,
		err);
	if (rc == 0 && n == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such post");
	if (rc == 0) {
		*p = rows[0];
		free(rows);
	} else {
		sz_forum_posts_free(rows, n);
	}
	return rc;
}

/* A page is the positions after q->after up to q->after + limit: posts a
 * reader may not see leave gaps, they never shift what page n shows. */
static const char SQL_PAGE[] =
	"SELECT " FQ_POST_COLS ", EXISTS (SELECT 1 FROM likes l WHERE"
	" l.post_id = p.id AND l.member_id = ?4)" FQ_POST_FROM
	" WHERE p.thread_id = ?1 AND p.position > ?2 AND p.position <= ?2 + ?3"
	" AND (p.state = 0 OR ?5 OR (p.state = 1 AND p.author_id = ?4"
	" AND ?4 > 0)) ORDER BY p.position";
/* The same for a reader who is not a member: nothing of theirs to find. */
static const char SQL_PAGE_ANON[] =
	"SELECT " FQ_POST_COLS ", 0" FQ_POST_FROM
	" WHERE p.thread_id = ?1 AND p.position > ?2 AND p.position <= ?2 + ?3"
	" AND (p.state = 0 OR ?5) ORDER BY p.position";
static const char SQL_PAGE_SOURCE[] =
	"SELECT " FQ_POST_COLS ", EXISTS (SELECT 1 FROM likes l WHERE"
	" l.post_id = p.id AND l.member_id = ?4), p.source, p.text" FQ_POST_FROM
	" WHERE p.thread_id = ?1 AND p.position > ?2 AND p.position <= ?2 + ?3"
	" AND (p.state = 0 OR ?5 OR (p.state = 1 AND p.author_id = ?4"
	" AND ?4 > 0)) ORDER BY p.position";

int fq_posts_page(struct sz_forum *f, const struct sz_forum_post_query *q,
	struct sz_forum_post **rows, size_t *n, struct sz_err *err)
{
	*rows = NULL;
	*n = 0;
	if (q->limit < 1 || q->limit > SZ_FORUM_PAGE_MAX || q->after < 0)
		return sz_err_set(err, SZ_E_INVAL, "a page holds 1 to %d posts",
			SZ_FORUM_PAGE_MAX);
	struct fq_conn *c = fq_reader(fq(f));
	sqlite3_stmt *st = fq_stmt(c, q->with_source ? SQL_PAGE_SOURCE :
		q->viewer_id == 0 ? SQL_PAGE_ANON : SQL_PAGE, err);
	if (st == NULL) {
		fq_reader_done(fq(f), c);
		return SZ_E_IO;
	}
	struct fq_value v[] = { FQ_I(q->thread_id), FQ_I(q->after),
		FQ_I(q->limit), FQ_I(q->viewer_id), FQ_I(q->staff) };
	fq_bind(st, v, 5);
	return read_posts(fq(f), c, st, q->limit, true, q->with_source, rows, n,
		err);
}

static const char SQL_LATEST[] =
	"SELECT " FQ_POST_COLS FQ_POST_FROM
	" WHERE p.state = 0 AND (p.position > 1 OR NOT ?4) AND t.state = 0"
	" ORDER BY p.id DESC LIMIT ?3";
static const char SQL_LATEST_BOARD[] =
	"SELECT " FQ_POST_COLS FQ_POST_FROM
	" WHERE p.board_id = ?1 AND p.state = 0 AND (p.position > 1 OR NOT ?4)"
	" AND t.state = 0 ORDER BY p.id DESC LIMIT ?3";
static const char SQL_LATEST_THREAD[] =
	"SELECT " FQ_POST_COLS FQ_POST_FROM
	" WHERE p.thread_id = ?2 AND p.state = 0 AND (p.position > 1 OR NOT ?4)"
	" ORDER BY p.position DESC LIMIT ?3";

int fq_posts_latest(struct sz_forum *f, int64_t board_id, int64_t thread_id,
	bool replies_only, size_t limit, struct sz_forum_post **rows, size_t *n,
	struct sz_err *err)
{
	if (limit > SZ_FORUM_PAGE_MAX)
		limit = SZ_FORUM_PAGE_MAX;
	struct fq_conn *c = fq_reader(fq(f));
	sqlite3_stmt *st = fq_stmt(c, thread_id ? SQL_LATEST_THREAD :
		board_id ? SQL_LATEST_BOARD : SQL_LATEST, err);
	if (st == NULL) {
		fq_reader_done(fq(f), c);
		*rows = NULL;
		*n = 0;
		return SZ_E_IO;
	}
	struct fq_value v[] = { FQ_I(board_id), FQ_I(thread_id), FQ_I(limit),
		FQ_I(replies_only) };
	fq_bind(st, v, 4);
	return read_posts(fq(f), c, st, limit, false, false, rows, n, err);
}

static const char SQL_BY[] =
	"SELECT " FQ_POST_COLS FQ_POST_FROM
	" WHERE p.author_id = ?1 AND p.id < ?2 AND p.state = 0 AND t.state = 0"
	" ORDER BY p.id DESC LIMIT ?3";

int fq_posts_by(struct sz_forum *f, int64_t author_id, int64_t before,
	size_t limit, struct sz_forum_post **rows, size_t *n,
	struct sz_err *err)
{
	if (limit > SZ_FORUM_PAGE_MAX)
		limit = SZ_FORUM_PAGE_MAX;
	struct fq_conn *c = fq_reader(fq(f));
	sqlite3_stmt *st = fq_stmt(c, SQL_BY, err);
	if (st == NULL) {
		fq_reader_done(fq(f), c);
		*rows = NULL;
		*n = 0;
		return SZ_E_IO;
	}
	struct fq_value v[] = { FQ_I(author_id),
		FQ_I(before > 0 ? before : INT64_MAX), FQ_I(limit) };
	fq_bind(st, v, 3);
	return read_posts(fq(f), c, st, limit, false, false, rows, n, err);
}

static const char SQL_PENDING[] =
	"SELECT " FQ_POST_COLS FQ_POST_FROM
	" WHERE p.state = 1 ORDER BY p.id LIMIT ?";

int fq_posts_pending(struct sz_forum *f, size_t limit,
	struct sz_forum_post **rows, size_t *n, struct sz_err *err)
{
	if (limit > SZ_FORUM_PAGE_MAX)
		limit = SZ_FORUM_PAGE_MAX;
	struct fq_conn *c = fq_reader(fq(f));
	sqlite3_stmt *st = fq_stmt(c, SQL_PENDING, err);
	if (st == NULL) {
		fq_reader_done(fq(f), c);
		*rows = NULL;
		*n = 0;
		return SZ_E_IO;
	}
	sqlite3_bind_int64(st, 1, (int64_t)limit);
	return read_posts(fq(f), c, st, limit, false, false, rows, n, err);
}

struct edit_ctx {
	int64_t id, at;
	const char *editor, *source, *html, *text;
	bool hold;
};

static int state_tx(struct fq_conn *c, void *ctx, struct sz_err *err);

static const char SQL_KEEP_OLD[] =
	"INSERT INTO post_edits (post_id, at, editor, source)"
	" SELECT id, ?2, ?3, source FROM posts WHERE id = ?1";
static const char SQL_EDIT[] =
	"UPDATE posts SET source = ?2, html = ?3, text = ?4, edited = ?5,"
	" edits = edits + 1 WHERE id = ?1";

struct state_ctx {
	int64_t id;
	enum sz_forum_post_state state;
};

static int edit_tx(struct fq_conn *c, void *ctx, struct sz_err *err)
{
	struct edit_ctx *x = ctx;
	/* held first: the new text is never indexed as a visible post's */
	struct state_ctx held = { x->id, SZ_POST_PENDING };
	if (x->hold) {
		int rc = state_tx(c, &held, err);
		if (rc != 0)
			return rc;
	}
	sqlite3_stmt *st = fq_stmt(c, SQL_KEEP_OLD, err);
	if (st == NULL)
		return SZ_E_IO;
	struct fq_value old[] = { FQ_I(x->id), FQ_I(x->at), FQ_S(x->editor) };
	fq_bind(st, old, 3);
	int rc = fq_run(c, st, err, "keeping a post's history");
	if (rc == 0 && sqlite3_changes(c->db) == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such post");
	if (rc != 0)
		return rc;
	if ((st = fq_stmt(c, SQL_EDIT, err)) == NULL)
		return SZ_E_IO;
	struct fq_value v[] = { FQ_I(x->id), FQ_S(x->source), FQ_S(x->html),
		FQ_S(x->text), FQ_I(x->at) };
	fq_bind(st, v, 5);
	return fq_run(c, st, err, "editing a post");
}

int fq_post_edit(struct sz_forum *f, int64_t id, const char *editor,
	int64_t at, const char *source, const char *html, const char *text,
	bool hold, struct sz_err *err)
{
	struct edit_ctx x = { id, at, editor, source, html, text, hold };
	return fq_transaction(fq(f), edit_tx, &x, err);
}

static const char SQL_EDITS[] =
	"SELECT id, post_id, at, editor, source FROM post_edits"
	" WHERE post_id = ? ORDER BY id LIMIT 1000";

int fq_post_edits(struct sz_forum *f, int64_t post_id,
	struct sz_forum_edit **rows, size_t *n, struct sz_err *err)
{
	*rows = NULL;
	*n = 0;
	struct fq_conn *c = fq_reader(fq(f));
	sqlite3_stmt *st = fq_stmt(c, SQL_EDITS, err);
	int rc = st ? 0 : SZ_E_IO, r = SQLITE_DONE;
	if (st != NULL)
		sqlite3_bind_int64(st, 1, post_id);
	while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
		struct sz_forum_edit *e = fq_grow((void **)rows, n, sizeof(**rows),
			1000);
		if (e == NULL) {
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
			break;
		}
		e->id = sqlite3_column_int64(st, 0);
		e->post_id = sqlite3_column_int64(st, 1);
		e->at = sqlite3_column_int64(st, 2);
		fq_text(e->editor, sizeof(e->editor), st, 3);
		if ((e->source = fq_dup(st, 4)) == NULL)
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	if (rc == 0 && r != SQLITE_DONE)
		rc = sz_err_set(err, SZ_E_IO, "the forum's database failed while "
			"reading a post's history");
	fq_reader_done(fq(f), c);
	if (rc != 0) {
		sz_forum_edits_free(*rows, *n);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

static const char SQL_POST_STATE[] =
	"UPDATE posts SET state = ?2 WHERE id = ?1 RETURNING thread_id";

static int state_tx(struct fq_conn *c, void *ctx, struct sz_err *err)
{
	struct state_ctx *x = ctx;
	sqlite3_stmt *st = fq_stmt(c, SQL_POST_STATE, err);
	if (st == NULL)
		return SZ_E_IO;
	sqlite3_bind_int64(st, 1, x->id);
	sqlite3_bind_int(st, 2, (int)x->state);
	int r = sqlite3_step(st);
	int64_t thread = r == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (r == SQLITE_ROW)
		r = sqlite3_step(st);
	sqlite3_reset(st);
	int rc = fq_check(c, r, err, "changing a post");
	if (rc == 0 && thread == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such post");
	if (rc == 0)
		rc = fq_thread_refresh(c, thread, err);
	return rc;
}

int fq_post_set_state(struct sz_forum *f, int64_t id,
	enum sz_forum_post_state state, struct sz_err *err)
{
	struct state_ctx x = { id, state };
	return fq_transaction(fq(f), state_tx, &x, err);
}

struct like_ctx {
	int64_t post, member;
	bool on;
};

static const char SQL_LIKE[] =
	"INSERT INTO likes (post_id, member_id) SELECT id, ?2 FROM posts"
	" WHERE id = ?1 AND state = 0 ON CONFLICT (post_id, member_id) DO NOTHING";
static const char SQL_UNLIKE[] =
	"DELETE FROM likes WHERE post_id = ?1 AND member_id = ?2";
static const char SQL_VISIBLE[] =
	"SELECT 1 FROM posts WHERE id = ? AND state = 0";

static int like_tx(struct fq_conn *c, void *ctx, struct sz_err *err)
{
	struct like_ctx *x = ctx;
	sqlite3_stmt *st;
	int rc = fq_exists(c, SQL_VISIBLE, x->post, "no such post", err);
	if (rc != 0)
		return rc;
	if ((st = fq_stmt(c, x->on ? SQL_LIKE : SQL_UNLIKE, err)) == NULL)
		return SZ_E_IO;
	struct fq_value v[] = { FQ_I(x->post), FQ_I(x->member) };
	fq_bind(st, v, 2);
	return fq_run(c, st, err, "liking a post");
}

int fq_like(struct sz_forum *f, int64_t post_id, int64_t member_id, bool on,
	struct sz_err *err)
{
	struct like_ctx x = { post_id, member_id, on };
	return fq_transaction(fq(f), like_tx, &x, err);
}
