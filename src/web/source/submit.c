/*
 * submit.c - POST /submit: a source's message and files, encrypted to
 * every registered recipient while they stream in.
 *
 * Nothing of a submission touches the disk while it arrives: each file
 * goes from the multipart parser straight into an item (store/item.h: a
 * padded tar of the file under its name, age-encrypted) held in memory
 * (store/staging.h), and the message, kept in locked memory until the
 * body has ended (bounded by max_message_kb), becomes an item holding
 * message.txt.  Room for the whole body is reserved before a byte of it
 * is read: when the staging memory is full the source is told to come
 * back, with nothing sent in vain.  Only a whole submission is held, to
 * be stored when its period ends; anything less is dropped and wiped.
 *
 * The items are encrypted to the readers of the desk the source writes
 * to (store.h): the form's desk field comes before the files, and the
 * keys are fetched when the first file or the message needs them.  The
 * desk is only read here (the source's own, fixed by its first
 * submission, stored or held; else the one chosen, which must be open):
 * it is held with the submission and becomes the source's with the
 * period's batch, since a write now would date the submission.
 *
 * A stale form (its token expired, or the session gone) is read to the
 * end all the same, its files dropped unread, so that the page can come
 * back with the message filled in (form.c): nothing typed is lost.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "core/unreachable.h"
#include "http/multipart.h"
#include "store/item.h"
#include "store/staging.h"
#include "web/web.h"
#include "web/source/source.h"

#define MAX_PARTS_EXTRA 8   /* csrf, message, and a few unknown fields */
#define CSRF_MAX 64
#define DESK_FIELD_MAX 20   /* digits of a desk id */

enum part_kind { PART_NONE, PART_CSRF, PART_DESK, PART_MESSAGE, PART_FILE,
	PART_SKIP };

struct submit_ctx {
	struct sz_session session;
	struct sz_age_recipient **rcpts;
	size_t nrcpts;
	size_t max_rcpts;            /* what the staging reserved for */
	struct sz_multipart *mp;
	enum part_kind cur;
	bool csrf_ok;
	bool stale;        /* token or session expired: read, keep nothing */
	bool expired;      /* no session at all */
	uint64_t dropped;  /* files of a stale form, dropped unread */
	char csrf[CSRF_MAX + 1];
	size_t csrf_len;
	char desk[DESK_FIELD_MAX + 1];
	size_t desk_len;
	bool rcpts_loaded;
	struct sz_buf message;       /* in locked memory */
	struct sz_stage *stage;      /* the submission, held in memory */
	char file[SZ_ITEM_NAME_MAX + 1];   /* the file being received */
	uint64_t file_size;
	uint64_t files;
	struct sz_quota_hold quota;  /* what it counts against quotas */
};

static int fail(struct sz_request *rq, unsigned status, const char *msg)
{
	return sz_request_fail(rq, status, msg);
}

static int store_failed(struct sz_request *rq)
{
	return fail(rq, 500, N_("The server could not keep what you sent. "
		"Nothing was kept; please try again later."));
}

static int load_recipients(struct sz_request *rq, struct submit_ctx *c);

static int part_begin(void *ctx, const struct sz_mp_part *p)
{
	struct sz_request *rq = ctx;
	struct submit_ctx *c = rq->handler_ctx;
	struct sz_source_app *app = rq->app;
	struct sz_err err;
	if (strcmp(p->name, "csrf") == 0) {
		c->cur = PART_CSRF;
		c->csrf_len = 0;
		return SZ_OK;
	}
	if (!c->csrf_ok)
		c->stale = true;   /* no token came first */
	if (strcmp(p->name, "message") == 0 && !p->has_filename) {
		c->cur = PART_MESSAGE;
		return SZ_OK;
	}
	if (strcmp(p->name, "desk") == 0 && !p->has_filename) {
		if (c->rcpts_loaded && !c->stale)
			return fail(rq, 400, N_("The desk must be chosen before "
				"the files. Nothing was kept."));
		c->cur = PART_DESK;
		c->desk_len = 0;
		return SZ_OK;
	}
	if (strcmp(p->name, "files") != 0 || !p->has_filename ||
	    p->filename[0] == '\0') {
		c->cur = PART_SKIP; /* an unknown field, or "no file chosen" */
		return SZ_OK;
	}
	if (c->stale) {
		c->dropped++;
		c->cur = PART_SKIP;
		return SZ_OK;
	}
	int rc = load_recipients(rq, c);
	if (rc != SZ_OK)
		return rc;
	if (++c->files > app->in->cfg.max_files) {
		char msg[512];
		snprintf(msg, sizeof(msg), _(sz_web_lang(rq), "You can send at "
			"most %llu files at once. Send the rest in another "
			"submission."), (unsigned long long)app->in->cfg.max_files);
		return fail(rq, 413, msg);
	}
	sz_item_sanitize_name(p->filename, strlen(p->filename), c->file);
	c->file_size = 0;
	if (sz_stage_item_begin(c->stage, SZ_ITEM_FILE, c->rcpts, c->nrcpts,
		    c->file, &err) != SZ_OK)
		return store_failed(rq);
	c->cur = PART_FILE;
	return SZ_OK;
}

static int part_data(void *ctx, const uint8_t *data, size_t len)
{
	struct sz_request *rq = ctx;
	struct submit_ctx *c = rq->handler_ctx;
	struct sz_source_app *app = rq->app;
	struct sz_err err;
	switch (c->cur) {
	case PART_CSRF:
		if (c->csrf_len + len > CSRF_MAX) {
			c->stale = true;
			return SZ_OK;
		}
		memcpy(c->csrf + c->csrf_len, data, len);
		c->csrf_len += len;
		c->csrf[c->csrf_len] = '\0';
		return SZ_OK;
	case PART_DESK:
		if (c->desk_len + len > DESK_FIELD_MAX)
			return fail(rq, 400, N_("There is no such desk. Nothing "
				"was kept."));
		memcpy(c->desk + c->desk_len, data, len);
		c->desk_len += len;
		c->desk[c->desk_len] = '\0';
		return SZ_OK;
	case PART_MESSAGE:
		if (sz_buf_append(&c->message, data, len) != SZ_OK) {
			char msg[512];
			snprintf(msg, sizeof(msg), _(sz_web_lang(rq), "The message "
				"is longer than %llu KB. Send it as a file instead."),
				(unsigned long long)app->in->cfg.max_message_kb);
			return fail(rq, 413, msg);
		}
		return SZ_OK;
	case PART_FILE:
		c->file_size += len;
		if (c->file_size > app->in->cfg.max_file_mb << 20) {
			char msg[SZ_ITEM_NAME_MAX + 512];
			snprintf(msg, sizeof(msg), _(sz_web_lang(rq), "The file "
				"\"%.200s\" is larger than %llu MB. Nothing was kept."),
				c->file,
				(unsigned long long)app->in->cfg.max_file_mb);
			int rc = fail(rq, 413, msg);
			sodium_memzero(msg, sizeof(msg));
			return rc;
		}
		if (sz_stage_item_write(c->stage, data, len, &err) != SZ_OK)
			return store_failed(rq);
		return SZ_OK;
	default:
		return SZ_OK;
	}
}

static int part_end(void *ctx)
{
	struct sz_request *rq = ctx;
	struct submit_ctx *c = rq->handler_ctx;
	struct sz_err err;
	enum part_kind kind = c->cur;
	c->cur = PART_NONE;
	if (kind == PART_CSRF) {
		c->csrf_ok = !c->expired && !c->stale &&
			sz_session_csrf_ok(&c->session, c->csrf);
		c->stale = !c->csrf_ok;
		sodium_memzero(c->csrf, sizeof(c->csrf));
		return SZ_OK;
	}
	if (kind != PART_FILE)
		return SZ_OK;
	sodium_memzero(c->file, sizeof(c->file));
	return sz_stage_item_end(c->stage, &err) == SZ_OK ? SZ_OK :
		store_failed(rq);
}

static const struct sz_mp_handler mp_handler = {
	part_begin, part_data, part_end,
};

/* Whether a new source may choose desk (0: whether any desk takes
 * submissions): open, with an editor.  A closed desk keeps the sources
 * that chose it, and takes no new one. */
static bool desks_open(struct sz_store *st, int64_t desk)
{
	struct sz_desk_row *desks = NULL;
	size_t ndesks = 0, open = 0;
	struct sz_err err;
	if (st->ops->desk_list(st, &desks, &ndesks, &err) == SZ_OK)
		for (size_t i = 0; i < ndesks; i++)
			open += !desks[i].closed && desks[i].neditors > 0 &&
				(desk == 0 || desks[i].id == desk);
	free(desks);
	return open > 0;
}

/* The keys of whoever reads what this source writes: the desk it chose
 * with its first submission (stored or held), or the one this form
 * chooses, or none (every recipient).  Once per upload, before the first
 * thing is encrypted.  Nothing is written: the choice is held with the
 * submission (sz_stage_set_desk) and stored with it. */
static int load_recipients(struct sz_request *rq, struct submit_ctx *c)
{
	struct sz_source_app *app = rq->app;
	struct sz_store *st = app->in->store;
	struct sz_recipient_row *rows = NULL;
	size_t n = 0;
	struct sz_err err;
	if (c->rcpts_loaded)
		return SZ_OK;
	c->rcpts_loaded = true;
	int64_t want = 0, desk = 0;
	bool fixed = false;
	if (c->desk_len > 0) {
		char *end = NULL;
		long long v = strtoll(c->desk, &end, 10);
		if (end == c->desk || *end != '\0' || v < 0)
			return fail(rq, 400, N_("There is no such desk. Nothing "
				"was kept."));
		want = v;
	}
	if (sz_source_desk(app, c->session.user_id, &desk, &fixed, &err) !=
	    SZ_OK)
		return fail(rq, 500, N_("The server cannot accept submissions "
			"right now. Please try again later."));
	if (!fixed)
		desk = want;
	if (!fixed && desk == 0 && app->in->cfg.desk_required &&
	    desks_open(st, 0))
		return fail(rq, 400, N_("Choose who should read what you "
			"send: one of the desks. Nothing was kept."));
	if (st->ops->desk_recipients(st, desk, &rows, &n, &err) != SZ_OK)
		return fail(rq, 500, N_("The server cannot accept submissions "
			"right now. Please try again later."));
	if (!fixed && desk != 0 && (n == 0 || !desks_open(st, desk))) {
		free(rows);   /* closed, or no editors */
		return fail(rq, 400, N_("The desk you chose no longer takes "
			"submissions. Go back and choose another. Nothing was "
			"kept."));
	}
	if (n == 0) {
		free(rows);
		return fail(rq, 503, N_("This inbox is not ready to receive "
			"anything yet: no editor's key is registered. Nothing was "
			"kept. Please try again later."));
	}
	c->rcpts = calloc(n, sizeof(*c->rcpts));
	int rc = c->rcpts ? SZ_OK : SZ_E_NOMEM;
	for (size_t i = 0; rc == SZ_OK && i < n; i++) {
		rc = sz_age_recipient_parse(rows[i].recipient, &c->rcpts[i],
			&err);
		if (rc == SZ_OK)
			c->nrcpts++;
	}
	free(rows);
	if (rc != SZ_OK)
		return fail(rq, 500, N_("The server's recipient list is damaged. "
			"Nothing was kept."));
	if (c->nrcpts > c->max_rcpts)   /* a key added since the upload began */
		return fail(rq, 503, N_("The server cannot accept submissions "
			"right now. Please try again later."));
	sz_stage_set_desk(c->stage, desk);
	return SZ_OK;
}

/* The most recipients any desk's submission may be encrypted to (what
 * the staging reserves for, before the desk is known): every recipient,
 * or the editors of the largest desk. */
static int recipients_bound(struct sz_request *rq, size_t *bound)
{
	struct sz_source_app *app = rq->app;
	struct sz_store *st = app->in->store;
	struct sz_recipient_row *rows = NULL;
	struct sz_desk_row *desks = NULL;
	size_t n = 0, ndesks = 0;
	struct sz_err err;
	*bound = 0;
	if (st->ops->desk_recipients(st, 0, &rows, &n, &err) != SZ_OK ||
	    st->ops->desk_list(st, &desks, &ndesks, &err) != SZ_OK) {
		free(rows);
		return fail(rq, 500, N_("The server cannot accept submissions "
			"right now. Please try again later."));
	}
	free(rows);
	*bound = n;
	for (size_t i = 0; i < ndesks; i++)
		if (desks[i].neditors > 0 && (size_t)desks[i].neditors > *bound)
			*bound = (size_t)desks[i].neditors;
	free(desks);
	return SZ_OK;
}

/* Reserves room for the whole body in the staging memory, before a byte
 * of it is read: its declared length, or, sent chunked with none, the
 * most a body may be (max_submission_mb). */
static int reserve(struct sz_request *rq, struct submit_ctx *c)
{
	struct sz_source_app *app = rq->app;
	struct sz_err err;
	const char *cl = sz_request_header(rq, "Content-Length");
	char *end = NULL;
	unsigned long long body = cl ? strtoull(cl, &end, 10) :
		app->in->cfg.max_submission_mb << 20;
	if (cl != NULL && (*cl == '\0' || *end != '\0'))
		return fail(rq, 400, N_("The upload's length is malformed. Send "
			"it again from the form."));
	int rc = recipients_bound(rq, &c->max_rcpts);
	if (rc != SZ_OK)
		return rc;
	rc = sz_stage_begin(app->staging, c->session.user_id, body,
		app->in->cfg.max_files + 1, c->max_rcpts, &c->stage, &err);
	if (rc == SZ_E_BUSY) {
		char msg[512];
		unsigned minutes = sz_staging_period(app->staging) / 60;
		snprintf(msg, sizeof(msg), NG_(sz_web_lang(rq), "The server is "
			"holding as much as it can right now. Nothing was sent; "
			"please try again in %u minute.", "The server is holding "
			"as much as it can right now. Nothing was sent; please try "
			"again in %u minutes.", minutes), minutes);
		return fail(rq, 503, msg);
	}
	if (rc == SZ_E_LIMIT)
		return fail(rq, 413, N_("This is more than the server can hold at "
			"once. Nothing was kept; send the files in several "
			"smaller submissions."));
	return rc == SZ_OK ? SZ_OK : store_failed(rq);
}

int sz_source_submit_begin(struct sz_request *rq)
{
	struct sz_source_app *app = rq->app;
	struct sz_err err;
	struct submit_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return fail(rq, 500, N_("The server ran out of memory."));
	rq->handler_ctx = c;
	sz_buf_init_secure(&c->message, app->in->cfg.max_message_kb * 1024);
	if (!sz_source_session(rq, &c->session) || c->session.user_id == 0) {
		/* read on, keeping nothing, to give the message back */
		c->expired = c->stale = true;
	} else {
		int rc = sz_source_quota_begin(rq, c->session.user_id,
			&c->quota);
		if (rc == SZ_OK)
			rc = reserve(rq, c);
		if (rc != SZ_OK)
			return rc;
	}
	if (sz_multipart_new(&c->mp, sz_request_header(rq, "Content-Type"),
		    &mp_handler, rq, app->in->cfg.max_files + MAX_PARTS_EXTRA,
		    &err) != SZ_OK)
		return fail(rq, 400, err.msg);
	return SZ_OK;
}

int sz_source_submit_data(struct sz_request *rq, const uint8_t *data,
	size_t len)
{
	struct submit_ctx *c = rq->handler_ctx;
	struct sz_err err;
	if (!c->expired && sz_source_quota_more(rq, &c->quota, len) != SZ_OK)
		return SZ_E_LIMIT;
	int rc = sz_multipart_feed(c->mp, data, len, &err);
	if (rc != SZ_OK && !rq->error)
		fail(rq, rc == SZ_E_LIMIT ? 413 : 400, err.msg);
	return rc;
}

/* The message, as an item of its own holding message.txt. */
static int add_message(struct sz_request *rq, struct submit_ctx *c)
{
	struct sz_err err;
	int rc = load_recipients(rq, c);
	if (rc != SZ_OK)
		return rc;
	if (sz_stage_item_begin(c->stage, SZ_ITEM_MESSAGE, c->rcpts,
		    c->nrcpts, SZ_ITEM_MESSAGE_NAME, &err) != SZ_OK ||
	    sz_stage_item_write(c->stage, c->message.data, c->message.len,
		    &err) != SZ_OK ||
	    sz_stage_item_end(c->stage, &err) != SZ_OK)
		return store_failed(rq);
	return SZ_OK;
}

int sz_source_submit(struct sz_request *rq)
{
	struct sz_source_app *app = rq->app;
	struct submit_ctx *c = rq->handler_ctx;
	struct sz_err err;
	if (sz_multipart_finish(c->mp, &err) != SZ_OK)
		return fail(rq, 400, err.msg);
	bool text = c->message.len == 0 || sz_utf8_valid(
		(const char *)c->message.data, c->message.len);
	if (c->stale || !c->csrf_ok)   /* nothing kept; the message goes back */
		return sz_source_form_again(rq, c->expired ? NULL : &c->session,
			text ? (const char *)c->message.data : NULL, c->dropped);
	if (!text)
		return fail(rq, 400, N_("The message is not valid text (UTF-8). "
			"Nothing was kept."));
	if (c->message.len > 0 && add_message(rq, c) != SZ_OK)
		return SZ_E_INVAL;
	if (sz_stage_items(c->stage) == 0)
		return fail(rq, 400, N_("Nothing was sent: write a message or "
			"choose at least one file."));
	sz_stage_commit(app->staging, c->stage);
	c->stage = NULL;   /* held now: the cleaner must leave it */
	sz_source_quota_end(app, &c->quota, true);
	/* The session remembers the count, so a page served by another
	 * process of the face (which does not hold this submission) still
	 * counts it.  A courtesy: the submission is held whatever the
	 * database says, so a database gone away here is no failure. */
	c->session.sent_floor = sz_source_sent_count(app, &c->session);
	sz_session_put(&app->sessions, &c->session);
	sz_unreachable_clear();
	return sz_source_redirect(rq, "/source?sent=1");
}

void sz_source_submit_cleanup(struct sz_request *rq)
{
	struct sz_source_app *app = rq->app;
	struct submit_ctx *c = rq->handler_ctx;
	if (c == NULL)
		return;
	sz_source_quota_end(app, &c->quota, false);
	sz_stage_abort(app->staging, c->stage);
	for (size_t i = 0; i < c->nrcpts; i++)
		sz_age_recipient_free(c->rcpts[i]);
	free(c->rcpts);
	sz_multipart_free(c->mp);
	sz_buf_free(&c->message);
	sodium_memzero(c, sizeof(*c));
	free(c);
	rq->handler_ctx = NULL;
}
