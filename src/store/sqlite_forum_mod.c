/*
 * sqlite_forum_mod.c - reports and the public moderation log in the
 * forum's SQLite back end.  A member reports a post once; the log is only
 * ever added to.
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_forum_internal.h"

struct report_ctx {
	int64_t post, reporter, at;
	const char *reason;
};

static const char SQL_POST_EXISTS[] = "SELECT 1 FROM posts WHERE id = ?";
static const char SQL_REPORT_ADD[] =
	"INSERT INTO reports (post_id, reporter_id, reason, at)"
	" VALUES (?, ?, ?, ?)";

static int report_tx(struct fq_conn *c, void *ctx, struct sz_err *err)
{
	struct report_ctx *x = ctx;
	sqlite3_stmt *st;
	int rc = fq_exists(c, SQL_POST_EXISTS, x->post, "no such post", err);
	if (rc != 0)
		return rc;
	if ((st = fq_stmt(c, SQL_REPORT_ADD, err)) == NULL)
		return SZ_E_IO;
	struct fq_value v[] = { FQ_I(x->post), FQ_I(x->reporter),
		FQ_S(x->reason), FQ_I(x->at) };
	fq_bind(st, v, 4);
	int r = sqlite3_step(st);
	sqlite3_reset(st);
	if (r == SQLITE_CONSTRAINT)
		return sz_err_set(err, SZ_E_EXISTS, "you have reported this post "
			"already");
	return fq_check(c, r, err, "reporting a post");
}

int fq_report_add(struct sz_forum *f, int64_t post_id, int64_t reporter_id,
	const char *reason, int64_t at, struct sz_err *err)
{
	/* Its day only: who reported what is private, and so is when. */
	struct report_ctx x = { post_id, reporter_id, at - at % 86400, reason };
	return fq_transaction(fq(f), report_tx, &x, err);
}

static const char SQL_REPORTS_OPEN[] =
	"SELECT r.id, r.post_id, p.thread_id, t.title, r.reporter_id, m.name,"
	" r.reason, r.at, r.open, r.resolved_by FROM reports r"
	" JOIN posts p ON p.id = r.post_id JOIN threads t ON t.id = p.thread_id"
	" JOIN members m ON m.id = r.reporter_id WHERE r.open = 1"
	" ORDER BY r.id LIMIT ?";

int fq_reports_open(struct sz_forum *f, size_t limit,
	struct sz_forum_report **rows, size_t *n, struct sz_err *err)
{
	*rows = NULL;
	*n = 0;
	if (limit > SZ_FORUM_PAGE_MAX)
		limit = SZ_FORUM_PAGE_MAX;
	struct fq_conn *c = fq_reader(fq(f));
	sqlite3_stmt *st = fq_stmt(c, SQL_REPORTS_OPEN, err);
	int rc = st ? 0 : SZ_E_IO, r = SQLITE_DONE;
	if (st != NULL)
		sqlite3_bind_int64(st, 1, (int64_t)limit);
	while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
		struct sz_forum_report *x = sz_forum_grow((void **)rows, n,
			sizeof(**rows), limit);
		if (x == NULL) {
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
			break;
		}
		x->id = sqlite3_column_int64(st, 0);
		x->post_id = sqlite3_column_int64(st, 1);
		x->thread_id = sqlite3_column_int64(st, 2);
		fq_text(x->thread_title, sizeof(x->thread_title), st, 3);
		x->reporter_id = sqlite3_column_int64(st, 4);
		fq_text(x->reporter, sizeof(x->reporter), st, 5);
		fq_text(x->reason, sizeof(x->reason), st, 6);
		x->at = sqlite3_column_int64(st, 7);
		x->open = sqlite3_column_int(st, 8) != 0;
		fq_text(x->resolved_by, sizeof(x->resolved_by), st, 9);
	}
	if (rc == 0 && r != SQLITE_DONE)
		rc = sz_err_set(err, SZ_E_IO, "the forum's database failed while "
			"reading reports");
	fq_reader_done(fq(f), c);
	if (rc != 0) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

static const char SQL_RESOLVE[] =
	"UPDATE reports SET open = 0, resolved_by = ?2 WHERE post_id = ?1"
	" AND open = 1";

int fq_reports_resolve(struct sz_forum *f, int64_t post_id, const char *by,
	struct sz_err *err)
{
	struct fq_value v[] = { FQ_I(post_id), FQ_S(by) };
	return fq_write(fq(f), SQL_RESOLVE, v, 2, "closing reports", NULL, err);
}

static const char SQL_LOG_ADD[] =
	"INSERT INTO modlog (at, actor, action, target, target_id, about, reason,"
	" position, thread_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

int fq_log_add(struct sz_forum *f, const struct sz_forum_log *l,
	struct sz_err *err)
{
	struct fq_value v[] = { FQ_I(l->at), FQ_S(l->actor), FQ_S(l->action),
		FQ_I(l->target), FQ_I(l->target_id), FQ_S(l->about),
		FQ_S(l->reason), FQ_I(l->position), FQ_I(l->thread_id) };
	return fq_write(fq(f), SQL_LOG_ADD, v, 9, "writing the moderation log",
		NULL, err);
}

static const char SQL_LOG_PAGE[] =
	"SELECT id, at, actor, action, target, target_id, about, reason,"
	" position, thread_id FROM modlog WHERE id < ?1 ORDER BY id DESC"
	" LIMIT ?2";

int fq_log_page(struct sz_forum *f, int64_t before, size_t limit,
	struct sz_forum_log **rows, size_t *n, bool *more, struct sz_err *err)
{
	*rows = NULL;
	*n = 0;
	*more = false;
	if (limit < 1 || limit > SZ_FORUM_PAGE_MAX)
		return sz_err_set(err, SZ_E_INVAL, "a page holds 1 to %d lines",
			SZ_FORUM_PAGE_MAX);
	struct fq_conn *c = fq_reader(fq(f));
	sqlite3_stmt *st = fq_stmt(c, SQL_LOG_PAGE, err);
	int rc = st ? 0 : SZ_E_IO, r = SQLITE_DONE;
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, before > 0 ? before : INT64_MAX);
		sqlite3_bind_int64(st, 2, (int64_t)limit + 1);
	}
	while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == limit) {
			*more = true;
			continue;
		}
		struct sz_forum_log *l = sz_forum_grow((void **)rows, n, sizeof(**rows),
			limit);
		if (l == NULL) {
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
			break;
		}
		l->id = sqlite3_column_int64(st, 0);
		l->at = sqlite3_column_int64(st, 1);
		fq_text(l->actor, sizeof(l->actor), st, 2);
		fq_text(l->action, sizeof(l->action), st, 3);
		l->target = (enum sz_forum_target)sqlite3_column_int(st, 4);
		l->target_id = sqlite3_column_int64(st, 5);
		fq_text(l->about, sizeof(l->about), st, 6);
		fq_text(l->reason, sizeof(l->reason), st, 7);
		l->position = sqlite3_column_int64(st, 8);
		l->thread_id = sqlite3_column_int64(st, 9);
	}
	if (rc == 0 && r != SQLITE_DONE)
		rc = sz_err_set(err, SZ_E_IO, "the forum's database failed while "
			"reading the moderation log");
	fq_reader_done(fq(f), c);
	if (rc != 0) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}
