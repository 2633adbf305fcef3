/*
 * postgres_forum_posts.c - posts, reports and the moderation log in the
 * forum's PostgreSQL back end: replies, one post, a page of a thread by
 * position (an index range, so page 5,000 costs what page 1 does), the
 * latest replies, a member's posts, the approval queue, edits with their
 * history, visibility, likes; a member reports a post once; the log is
 * only ever added to.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/postgres_forum_internal.h"

struct add_ctx {
	const struct sz_forum_post_new *p;
	int64_t id, position;
};

/* fp_insert_post checks the thread takes posts under its row's lock, so
 * a reply runs at READ COMMITTED (pg_transaction_locked): repliers to
 * different threads share no row (schema step 2) and never conflict. */
static int add_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct add_ctx *x = ctx;
	return fp_insert_post(c, x->p, x->p->thread_id, &x->id, &x->position,
		err);
}

int fp_post_add(struct sz_forum *f, const struct sz_forum_post_new *p,
	int64_t *id, int64_t *position, struct sz_err *err)
{
	struct add_ctx x = { p, 0, 0 };
	int rc = pg_transaction_locked(fpool(f), add_tx, &x, err);
	if (rc == 0) {
		*id = x.id;
		*position = x.position;
	}
	return rc;
}

/* Reads the posts a query returns (FP_POST_COLS, then: liked if
 * liked_col, source and text after it if source_cols). */
static int read_posts(struct pg_pool *f, const char *sql,
	const struct pg_value *v, size_t nv, size_t max, bool liked_col,
	bool source_cols, struct sz_forum_post **rows, size_t *n,
	struct sz_err *err)
{
	int rc;
	*rows = NULL;
	*n = 0;
	PGresult *res = pg_read(f, sql, v, nv, &rc, "reading posts", err);
	if (res == NULL)
		return rc;
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		struct sz_forum_post *p = sz_forum_grow((void **)rows, n, sizeof(**rows),
			max);
		int col = FP_POST_NCOLS;
		if (p == NULL || fp_post_read(res, i, p, false) != 0) {
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
			break;
		}
		if (liked_col)
			p->liked = pg_int(res, i, col++) != 0;
		if (source_cols && ((p->source = pg_dup(res, i, col)) == NULL ||
		    (p->text = pg_dup(res, i, col + 1)) == NULL))
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	PQclear(res);
	if (rc != 0) {
		sz_forum_posts_free(*rows, *n);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

static const char SQL_POST_GET[] =
	"SELECT " FP_POST_COLS ", p.source, p.text" FP_POST_FROM
	" WHERE p.id = $1::bigint";
static const char SQL_POST_GET_BARE[] =
	"SELECT " FP_POST_COLS FP_POST_FROM " WHERE p.id = $1::bigint";

int fp_post_get(struct sz_forum *f, int64_t id, bool with_source,
	struct sz_forum_post *p, struct sz_err *err)
{
	memset(p, 0, sizeof(*p));
	struct sz_forum_post *rows = NULL;
	size_t n = 0;
	struct pg_value v[] = { PG_I(id) };
	int rc = read_posts(fpool(f), with_source ? SQL_POST_GET :
		SQL_POST_GET_BARE, v, 1, 1, false, with_source, &rows, &n, err);
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
#define PAGE_WHERE " WHERE p.thread_id = $1::bigint" \
	" AND p.position > $2::bigint AND p.position <= $2::bigint + $3::bigint" \
	" AND (p.state = 0 OR $5::integer <> 0 OR (p.state = 1" \
	" AND p.author_id = $4::bigint AND $4::bigint > 0)) ORDER BY p.position"
#define LIKED ", EXISTS (SELECT 1 FROM likes l WHERE l.post_id = p.id" \
	" AND l.member_id = $4::bigint)::integer"
static const char SQL_PAGE[] =
	"SELECT " FP_POST_COLS LIKED FP_POST_FROM PAGE_WHERE;
static const char SQL_PAGE_SOURCE[] =
	"SELECT " FP_POST_COLS LIKED ", p.source, p.text" FP_POST_FROM
	PAGE_WHERE;

int fp_posts_page(struct sz_forum *f, const struct sz_forum_post_query *q,
	struct sz_forum_post **rows, size_t *n, struct sz_err *err)
{
	*rows = NULL;
	*n = 0;
	if (q->limit < 1 || q->limit > SZ_FORUM_PAGE_MAX || q->after < 0)
		return sz_err_set(err, SZ_E_INVAL, "a page holds 1 to %d posts",
			SZ_FORUM_PAGE_MAX);
	struct pg_value v[] = { PG_I(q->thread_id), PG_I(q->after),
		PG_I(q->limit), PG_I(q->viewer_id), PG_I(q->staff) };
	return read_posts(fpool(f), q->with_source ? SQL_PAGE_SOURCE : SQL_PAGE,
		v, 5, q->limit, true, q->with_source, rows, n, err);
}

/* $1: the board or thread (none for all), $2: how many, $3: replies
 * only. */
static const char SQL_LATEST[] =
	"SELECT " FP_POST_COLS FP_POST_FROM
	" WHERE p.state = 0 AND (p.position > 1 OR $2::integer = 0)"
	" AND t.state = 0 ORDER BY p.id DESC LIMIT $1::bigint";
static const char SQL_LATEST_BOARD[] =
	"SELECT " FP_POST_COLS FP_POST_FROM
	" WHERE p.board_id = $3::bigint AND p.state = 0"
	" AND (p.position > 1 OR $2::integer = 0) AND t.state = 0"
	" ORDER BY p.id DESC LIMIT $1::bigint";
static const char SQL_LATEST_THREAD[] =
	"SELECT " FP_POST_COLS FP_POST_FROM
	" WHERE p.thread_id = $3::bigint AND p.state = 0"
	" AND (p.position > 1 OR $2::integer = 0)"
	" ORDER BY p.position DESC LIMIT $1::bigint";

int fp_posts_latest(struct sz_forum *f, int64_t board_id, int64_t thread_id,
	bool replies_only, size_t limit, struct sz_forum_post **rows, size_t *n,
	struct sz_err *err)
{
	if (limit > SZ_FORUM_PAGE_MAX)
		limit = SZ_FORUM_PAGE_MAX;
	struct pg_value v[] = { PG_I(limit), PG_I(replies_only),
		PG_I(thread_id ? thread_id : board_id) };
	return read_posts(fpool(f), thread_id ? SQL_LATEST_THREAD : board_id ?
		SQL_LATEST_BOARD : SQL_LATEST, v, thread_id || board_id ? 3 : 2,
		limit, false, false, rows, n, err);
}

static const char SQL_BY[] =
	"SELECT " FP_POST_COLS FP_POST_FROM
	" WHERE p.author_id = $1::bigint AND p.id < $2::bigint AND p.state = 0"
	" AND t.state = 0 ORDER BY p.id DESC LIMIT $3::bigint";

int fp_posts_by(struct sz_forum *f, int64_t author_id, int64_t before,
	size_t limit, struct sz_forum_post **rows, size_t *n,
	struct sz_err *err)
{
	if (limit > SZ_FORUM_PAGE_MAX)
		limit = SZ_FORUM_PAGE_MAX;
	struct pg_value v[] = { PG_I(author_id),
		PG_I(before > 0 ? before : INT64_MAX), PG_I(limit) };
	return read_posts(fpool(f), SQL_BY, v, 3, limit, false, false, rows, n,
		err);
}

static const char SQL_PENDING[] =
	"SELECT " FP_POST_COLS FP_POST_FROM
	" WHERE p.state = 1 ORDER BY p.id LIMIT $1::bigint";

int fp_posts_pending(struct sz_forum *f, size_t limit,
	struct sz_forum_post **rows, size_t *n, struct sz_err *err)
{
	if (limit > SZ_FORUM_PAGE_MAX)
		limit = SZ_FORUM_PAGE_MAX;
	struct pg_value v[] = { PG_I(limit) };
	return read_posts(fpool(f), SQL_PENDING, v, 1, limit, false, false, rows,
		n, err);
}

struct state_ctx {
	int64_t id;
	enum sz_forum_post_state state;
};

static const char SQL_POST_STATE[] =
	"UPDATE posts SET state = $2::integer WHERE id = $1::bigint"
	" RETURNING thread_id";

static int state_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct state_ctx *x = ctx;
	int64_t thread = 0;
	struct pg_value v[] = { PG_I(x->id), PG_I(x->state) };
	int rc = pg_int_of(c, SQL_POST_STATE, v, 2, &thread, "changing a post",
		err);
	if (rc == 0 && thread == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such post");
	if (rc == 0)
		rc = fp_thread_refresh(c, thread, err);
	return rc;
}

struct edit_ctx {
	int64_t id, at;
	const char *editor, *source, *html, *text;
	bool hold;
};

static const char SQL_KEEP_OLD[] =
	"INSERT INTO post_edits (post_id, at, editor, source)"
	" SELECT id, $2::bigint, $3::text, source FROM posts"
	" WHERE id = $1::bigint";
static const char SQL_EDIT[] =
	"UPDATE posts SET source = $2::text, html = $3::text, text = $4::text,"
	" edited = $5::bigint, edits = edits + 1 WHERE id = $1::bigint";

static int edit_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct edit_ctx *x = ctx;
	int64_t kept = 0;
	/* held first: the new text is never a visible post's, not for a
	 * moment */
	struct state_ctx held = { x->id, SZ_POST_PENDING };
	if (x->hold) {
		int rc = state_tx(c, &held, err);
		if (rc != 0)
			return rc;
	}
	struct pg_value old[] = { PG_I(x->id), PG_I(x->at), PG_S(x->editor) };
	int rc = pg_run(c, SQL_KEEP_OLD, old, 3, &kept,
		"keeping a post's history", err);
	if (rc == 0 && kept == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such post");
	if (rc != 0)
		return rc;
	struct pg_value v[] = { PG_I(x->id), PG_S(x->source), PG_S(x->html),
		PG_S(x->text), PG_I(x->at) };
	return pg_run(c, SQL_EDIT, v, 5, NULL, "editing a post", err);
}

int fp_post_edit(struct sz_forum *f, int64_t id, const char *editor,
	int64_t at, const char *source, const char *html, const char *text,
	bool hold, struct sz_err *err)
{
	struct edit_ctx x = { id, at, editor, source, html, text, hold };
	return pg_transaction(fpool(f), edit_tx, &x, err);
}

static const char SQL_EDITS[] =
	"SELECT id, post_id, at, editor, source FROM post_edits"
	" WHERE post_id = $1::bigint ORDER BY id LIMIT 1000";

int fp_post_edits(struct sz_forum *f, int64_t post_id,
	struct sz_forum_edit **rows, size_t *n, struct sz_err *err)
{
	int rc;
	*rows = NULL;
	*n = 0;
	struct pg_value v[] = { PG_I(post_id) };
	PGresult *res = pg_read(fpool(f), SQL_EDITS, v, 1, &rc,
		"reading a post's history", err);
	if (res == NULL)
		return rc;
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		struct sz_forum_edit *e = sz_forum_grow((void **)rows, n, sizeof(**rows),
			1000);
		if (e == NULL) {
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
			break;
		}
		e->id = pg_int(res, i, 0);
		e->post_id = pg_int(res, i, 1);
		e->at = pg_int(res, i, 2);
		pg_text(e->editor, sizeof(e->editor), res, i, 3);
		if ((e->source = pg_dup(res, i, 4)) == NULL)
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	PQclear(res);
	if (rc != 0) {
		sz_forum_edits_free(*rows, *n);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

int fp_post_set_state(struct sz_forum *f, int64_t id,
	enum sz_forum_post_state state, struct sz_err *err)
{
	struct state_ctx x = { id, state };
	return pg_transaction(fpool(f), state_tx, &x, err);
}

struct like_ctx {
	int64_t post, member;
	bool on;
};

static const char SQL_LIKE[] =
	"INSERT INTO likes (post_id, member_id) SELECT id, $2::bigint FROM posts"
	" WHERE id = $1::bigint AND state = 0"
	" ON CONFLICT (post_id, member_id) DO NOTHING";
static const char SQL_UNLIKE[] =
	"DELETE FROM likes WHERE post_id = $1::bigint AND member_id = $2::bigint";
static const char SQL_VISIBLE[] =
	"SELECT 1 FROM posts WHERE id = $1::bigint AND state = 0";

static int like_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct like_ctx *x = ctx;
	int64_t visible = 0;
	struct pg_value v[] = { PG_I(x->post), PG_I(x->member) };
	int rc = pg_int_of(c, SQL_VISIBLE, v, 1, &visible, "liking a post",
		err);
	if (rc == 0 && visible == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such post");
	if (rc == 0)
		rc = pg_run(c, x->on ? SQL_LIKE : SQL_UNLIKE, v, 2, NULL,
			"liking a post", err);
	return rc;
}

int fp_like(struct sz_forum *f, int64_t post_id, int64_t member_id, bool on,
	struct sz_err *err)
{
	struct like_ctx x = { post_id, member_id, on };
	return pg_transaction(fpool(f), like_tx, &x, err);
}

/* ---- reports and the log ----------------------------------------------- */

struct report_ctx {
	int64_t post, reporter, at;
	const char *reason;
};

static const char SQL_POST_EXISTS[] =
	"SELECT 1 FROM posts WHERE id = $1::bigint";
static const char SQL_REPORT_ADD[] =
	"INSERT INTO reports (post_id, reporter_id, reason, at)"
	" VALUES ($1::bigint, $2::bigint, $3::text, $4::bigint)";

static int report_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct report_ctx *x = ctx;
	int64_t exists = 0;
	struct pg_value v[] = { PG_I(x->post), PG_I(x->reporter),
		PG_S(x->reason), PG_I(x->at) };
	int rc = pg_int_of(c, SQL_POST_EXISTS, v, 1, &exists,
		"reporting a post", err);
	if (rc == 0 && exists == 0)
		return sz_err_set(err, SZ_E_NOT_FOUND, "no such post");
	if (rc == 0)
		rc = pg_run(c, SQL_REPORT_ADD, v, 4, NULL, "reporting a post",
			err);
	if (rc == SZ_E_EXISTS)
		rc = sz_err_set(err, SZ_E_EXISTS, "you have reported this post "
			"already");
	return rc;
}

int fp_report_add(struct sz_forum *f, int64_t post_id, int64_t reporter_id,
	const char *reason, int64_t at, struct sz_err *err)
{
	/* Its day only: who reported what is private, and so is when. */
	struct report_ctx x = { post_id, reporter_id, at - at % 86400, reason };
	return pg_transaction(fpool(f), report_tx, &x, err);
}

static const char SQL_REPORTS_OPEN[] =
	"SELECT r.id, r.post_id, p.thread_id, t.title, r.reporter_id, m.name,"
	" r.reason, r.at, r.open, r.resolved_by FROM reports r"
	" JOIN posts p ON p.id = r.post_id JOIN threads t ON t.id = p.thread_id"
	" JOIN members m ON m.id = r.reporter_id WHERE r.open = 1"
	" ORDER BY r.id LIMIT $1::bigint";

int fp_reports_open(struct sz_forum *f, size_t limit,
	struct sz_forum_report **rows, size_t *n, struct sz_err *err)
{
	int rc;
	*rows = NULL;
	*n = 0;
	if (limit > SZ_FORUM_PAGE_MAX)
		limit = SZ_FORUM_PAGE_MAX;
	struct pg_value v[] = { PG_I(limit) };
	PGresult *res = pg_read(fpool(f), SQL_REPORTS_OPEN, v, 1, &rc,
		"reading reports", err);
	if (res == NULL)
		return rc;
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		struct sz_forum_report *x = sz_forum_grow((void **)rows, n,
			sizeof(**rows), limit);
		if (x == NULL) {
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
			break;
		}
		x->id = pg_int(res, i, 0);
		x->post_id = pg_int(res, i, 1);
		x->thread_id = pg_int(res, i, 2);
		pg_text(x->thread_title, sizeof(x->thread_title), res, i, 3);
		x->reporter_id = pg_int(res, i, 4);
		pg_text(x->reporter, sizeof(x->reporter), res, i, 5);
		pg_text(x->reason, sizeof(x->reason), res, i, 6);
		x->at = pg_int(res, i, 7);
		x->open = pg_int(res, i, 8) != 0;
		pg_text(x->resolved_by, sizeof(x->resolved_by), res, i, 9);
	}
	PQclear(res);
	if (rc != 0) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

static const char SQL_RESOLVE[] =
	"UPDATE reports SET open = 0, resolved_by = $2::text"
	" WHERE post_id = $1::bigint AND open = 1";

int fp_reports_resolve(struct sz_forum *f, int64_t post_id, const char *by,
	struct sz_err *err)
{
	struct pg_value v[] = { PG_I(post_id), PG_S(by) };
	return pg_write(fpool(f), SQL_RESOLVE, v, 2, "closing reports", NULL, err);
}

static const char SQL_LOG_ADD[] =
	"INSERT INTO modlog (at, actor, action, target, target_id, about, reason,"
	" position, thread_id) VALUES ($1::bigint, $2::text, $3::text,"
	" $4::integer, $5::bigint, $6::text, $7::text, $8::bigint, $9::bigint)";

int fp_log_add(struct sz_forum *f, const struct sz_forum_log *l,
	struct sz_err *err)
{
	struct pg_value v[] = { PG_I(l->at), PG_S(l->actor), PG_S(l->action),
		PG_I(l->target), PG_I(l->target_id), PG_S(l->about),
		PG_S(l->reason), PG_I(l->position), PG_I(l->thread_id) };
	return pg_write(fpool(f), SQL_LOG_ADD, v, 9, "writing the moderation log",
		NULL, err);
}

static const char SQL_LOG_PAGE[] =
	"SELECT id, at, actor, action, target, target_id, about, reason,"
	" position, thread_id FROM modlog WHERE id < $1::bigint"
	" ORDER BY id DESC LIMIT $2::bigint";

int fp_log_page(struct sz_forum *f, int64_t before, size_t limit,
	struct sz_forum_log **rows, size_t *n, bool *more, struct sz_err *err)
{
	int rc;
	*rows = NULL;
	*n = 0;
	*more = false;
	if (limit < 1 || limit > SZ_FORUM_PAGE_MAX)
		return sz_err_set(err, SZ_E_INVAL, "a page holds 1 to %d lines",
			SZ_FORUM_PAGE_MAX);
	struct pg_value v[] = { PG_I(before > 0 ? before : INT64_MAX),
		PG_I(limit + 1) };
	PGresult *res = pg_read(fpool(f), SQL_LOG_PAGE, v, 2, &rc,
		"reading the moderation log", err);
	if (res == NULL)
		return rc;
	*more = (size_t)PQntuples(res) > limit;
	for (int i = 0; rc == 0 && i < PQntuples(res) && (size_t)i < limit;
	     i++) {
		struct sz_forum_log *l = sz_forum_grow((void **)rows, n, sizeof(**rows),
			limit);
		if (l == NULL) {
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
			break;
		}
		l->id = pg_int(res, i, 0);
		l->at = pg_int(res, i, 1);
		pg_text(l->actor, sizeof(l->actor), res, i, 2);
		pg_text(l->action, sizeof(l->action), res, i, 3);
		l->target = (enum sz_forum_target)pg_int(res, i, 4);
		l->target_id = pg_int(res, i, 5);
		pg_text(l->about, sizeof(l->about), res, i, 6);
		pg_text(l->reason, sizeof(l->reason), res, i, 7);
		l->position = pg_int(res, i, 8);
		l->thread_id = pg_int(res, i, 9);
	}
	PQclear(res);
	if (rc != 0) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}
