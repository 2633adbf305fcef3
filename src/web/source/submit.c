/*
 * submit.c - POST /submit: a source's message and files, encrypted to
 * every registered recipient while they stream in.
 *
 * Plaintext never touches the disk: each file goes from the multipart
 * parser straight into an age encryptor whose output is a temporary blob.
 * A file's name and type travel in a second, small age file (its "meta").
 * Only when the whole upload has arrived and every blob is fsync'd are the
 * blobs moved into the tree and the submission committed in one
 * transaction; anything less leaves nothing visible, and the temporary
 * files go.  The message is held in memory until then (bounded by
 * max_message_kb) and wiped.
 *
 * The files are encrypted to the readers of the desk the source writes
 * to (store.h): the form's desk field comes before the files, and the
 * keys are fetched when the first file or the message needs them.
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
#include "crypto/age.h"
#include "http/multipart.h"
#include "store/blobs.h"
#include "web/seal.h"
#include "web/source/source.h"

#define MAX_PARTS_EXTRA 8   /* csrf, message, and a few unknown fields */
#define CSRF_MAX 64
#define DESK_FIELD_MAX 20   /* digits of a desk id */

enum part_kind { PART_NONE, PART_CSRF, PART_DESK, PART_MESSAGE, PART_FILE,
	PART_SKIP };

struct pending_item {
	enum sz_item_kind kind;
	struct sz_blob_tmp data, meta;
	bool has_meta, committed;
	uint64_t padded;
};

struct submit_ctx {
	struct sz_session session;
	struct sz_age_recipient **rcpts;
	size_t nrcpts;
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
	struct sz_buf message;
	/* the file being received */
	struct sz_mp_part part;
	struct sz_age_encryptor *enc;
	uint64_t file_size;
	uint64_t files;
	struct pending_item *items;
	size_t nitems, cap;
	struct sz_quota_hold quota;
};

/* Padmé (Nikitin et al., PETS 2019): rounds a size up so that it leaks
 * O(log log n) bits, at most 12% overhead. */
static uint64_t padme(uint64_t len)
{
	if (len < 2)
		return len;
	int e = 63 - __builtin_clzll(len);
	int s = 64 - __builtin_clzll((uint64_t)e);
	int last = e - s;
	uint64_t mask = last > 0 ? ((uint64_t)1 << last) - 1 : 0;
	return (len + mask) & ~mask;
}

static struct pending_item *new_item(struct submit_ctx *c)
{
	if (c->nitems == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 4;
		struct pending_item *more = realloc(c->items,
			cap * sizeof(*more));
		if (more == NULL)
			return NULL;
		c->items = more;
		c->cap = cap;
	}
	struct pending_item *it = &c->items[c->nitems++];
	memset(it, 0, sizeof(*it));
	it->data.fd = it->meta.fd = -1;
	return it;
}

static int fail(struct sz_request *rq, unsigned status, const char *msg)
{
	return sz_request_fail(rq, status, msg);
}

static int load_recipients(struct sz_request *rq, struct submit_ctx *c);

/* Encrypts a small plaintext held in memory into a new sealed blob. */
static int encrypt_small(struct sz_request *rq, struct submit_ctx *c,
	const uint8_t *data, size_t len, struct sz_blob_tmp *t)
{
	struct sz_source_app *app = rq->app;
	struct sz_err err;
	if (sz_web_seal(&app->in->blobs, c->rcpts, c->nrcpts, data, len, t,
		    &err) != SZ_OK)
		return fail(rq, 500, N_("The server could not store what you sent. "
			"Nothing was kept; please try again later."));
	return SZ_OK;
}

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
	if (strcmp(p->name, "files") != 0 || !p->has_filename) {
		c->cur = PART_SKIP;
		return SZ_OK;
	}
	if (p->filename[0] == '\0') {
		c->cur = PART_SKIP; /* the empty part of "no file chosen" */
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
	struct pending_item *it = new_item(c);
	if (it == NULL)
		return fail(rq, 500, N_("The server ran out of memory."));
	it->kind = SZ_ITEM_FILE;
	c->part = *p;
	c->file_size = 0;
	if (sz_blob_create(&app->in->blobs, &it->data, &err) != SZ_OK ||
	    sz_age_encrypt_begin(&c->enc, c->rcpts, c->nrcpts, NULL,
		    sz_blob_write, &it->data, &err) != SZ_OK)
		return fail(rq, 500, N_("The server could not store what you sent. "
			"Nothing was kept; please try again later."));
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
			char msg[SZ_MP_FILENAME_MAX + 512];
			snprintf(msg, sizeof(msg), _(sz_web_lang(rq), "The file "
				"\"%.200s\" is larger than %llu MB. Nothing was kept."),
				c->part.filename,
				(unsigned long long)app->in->cfg.max_file_mb);
			return fail(rq, 413, msg);
		}
		if (sz_age_encrypt_update(c->enc, data, len, &err) != SZ_OK)
			return fail(rq, 500, N_("The server could not store what "
				"you sent. Nothing was kept."));
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
	struct pending_item *it = &c->items[c->nitems - 1];
	int rc = sz_age_encrypt_finish(c->enc, &err);
	sz_age_encrypt_free(c->enc);
	c->enc = NULL;
	if (rc == SZ_OK)
		rc = sz_blob_seal(&it->data, &err);
	if (rc != SZ_OK)
		return fail(rq, 500, N_("The server could not store what you sent. "
			"Nothing was kept."));
	it->padded = padme(it->data.size);
	/* The name and type the browser gave travel encrypted, beside it. */
	char meta[SZ_MP_FILENAME_MAX + SZ_MP_TYPE_MAX + 96];
	int n = snprintf(meta, sizeof(meta), "name: %s\ntype: %s\nsize: %llu\n",
		c->part.filename, c->part.content_type[0] ?
		c->part.content_type : "application/octet-stream",
		(unsigned long long)c->file_size);
	rc = encrypt_small(rq, c, (const uint8_t *)meta, (size_t)n, &it->meta);
	it->has_meta = rc == SZ_OK;
	sodium_memzero(meta, sizeof(meta));
	sodium_memzero(&c->part, sizeof(c->part));
	return rc;
}

static const struct sz_mp_handler mp_handler = {
	part_begin, part_data, part_end,
};

/* The keys of whoever reads what this source writes: the desk it chose
 * with its first submission, or the one this form chooses, or none (every
 * recipient).  Once per upload, before the first thing is encrypted. */
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
	if (c->desk_len > 0) {
		char *end = NULL;
		long long v = strtoll(c->desk, &end, 10);
		if (end == c->desk || *end != '\0' || v < 0)
			return fail(rq, 400, N_("There is no such desk. Nothing "
				"was kept."));
		want = v;
	}
	int rc = st->ops->source_desk_choose(st, c->session.user_id, want,
		&desk, &err);
	if (rc == SZ_E_NOT_FOUND)
		return fail(rq, 400, N_("The desk you chose no longer takes "
			"submissions. Go back and choose another. Nothing was "
			"kept."));
	if (rc != SZ_OK)
		return fail(rq, 500, N_("The server cannot accept submissions "
			"right now. Please try again later."));
	if (desk == 0 && app->in->cfg.desk_required) {
		struct sz_desk_row *desks = NULL;
		size_t ndesks = 0, open = 0;
		if (st->ops->desk_list(st, &desks, &ndesks, &err) == SZ_OK)
			for (size_t i = 0; i < ndesks; i++)
				open += !desks[i].closed && desks[i].neditors > 0;
		free(desks);
		if (open > 0)
			return fail(rq, 400, N_("Choose who should read what you "
				"send: one of the desks. Nothing was kept."));
	}
	if (st->ops->desk_recipients(st, desk, &rows, &n, &err) != SZ_OK)
		return fail(rq, 500, N_("The server cannot accept submissions "
			"right now. Please try again later."));
	if (n == 0) {
		free(rows);
		return fail(rq, 503, N_("This inbox is not ready to receive "
			"anything yet: no editor's key is registered. Nothing was "
			"kept. Please try again later."));
	}
	c->rcpts = calloc(n, sizeof(*c->rcpts));
	rc = c->rcpts ? SZ_OK : SZ_E_NOMEM;
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
	return SZ_OK;
}

int sz_source_submit_begin(struct sz_request *rq)
{
	struct sz_source_app *app = rq->app;
	struct sz_err err;
	struct submit_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return fail(rq, 500, N_("The server ran out of memory."));
	rq->handler_ctx = c;
	sz_buf_init(&c->message, app->in->cfg.max_message_kb * 1024);
	if (!sz_source_session(rq, &c->session) || c->session.user_id == 0) {
		/* read on, keeping nothing, to give the message back */
		c->expired = c->stale = true;
	} else {
		int rc = sz_source_quota_begin(rq, c->session.user_id,
			&c->quota);
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

/* Moves every sealed blob into the tree, then commits the rows; undoes
 * the moves if the commit fails. */
static int commit(struct sz_request *rq, struct submit_ctx *c)
{
	struct sz_source_app *app = rq->app;
	struct sz_err err;
	struct sz_item_row *rows = calloc(c->nitems, sizeof(*rows));
	int rc = rows ? SZ_OK : SZ_E_NOMEM;
	for (size_t i = 0; rc == SZ_OK && i < c->nitems; i++) {
		struct pending_item *it = &c->items[i];
		rc = sz_blob_commit(&app->in->blobs, &it->data, &err);
		if (rc == SZ_OK && it->has_meta)
			rc = sz_blob_commit(&app->in->blobs, &it->meta, &err);
		it->committed = rc == SZ_OK;
		rows[i].kind = it->kind;
		rows[i].padded_size = it->padded;
		snprintf(rows[i].blob, sizeof(rows[i].blob), "%s", it->data.name);
		if (it->has_meta)
			snprintf(rows[i].meta_blob, sizeof(rows[i].meta_blob),
				"%s", it->meta.name);
	}
	if (rc == SZ_OK)
		rc = app->in->store->ops->submission_add(app->in->store,
			c->session.user_id, rows, c->nitems, &err);
	if (rc != SZ_OK) {
		for (size_t i = 0; i < c->nitems; i++) {
			if (!c->items[i].committed)
				continue;
			sz_blob_remove(&app->in->blobs, c->items[i].data.name,
				NULL);
			if (c->items[i].has_meta)
				sz_blob_remove(&app->in->blobs,
					c->items[i].meta.name, NULL);
		}
	}
	free(rows);
	return rc;
}

int sz_source_submit(struct sz_request *rq)
{
	struct submit_ctx *c = rq->handler_ctx;
	struct sz_err err;
	if (sz_multipart_finish(c->mp, &err) != SZ_OK)
		return fail(rq, 400, err.msg);
	bool text = c->message.len == 0 || sz_utf8_valid(
		(const char *)c->message.data, c->message.len);
	if (c->stale || !c->csrf_ok)   /* nothing kept; the message goes back */
		return sz_source_form_again(rq, c->expired ? NULL : &c->session,
			text ? (const char *)c->message.data : NULL, c->dropped);
	if (c->message.len > 0) {
		if (!text)
			return fail(rq, 400, N_("The message is not valid text "
				"(UTF-8). Nothing was kept."));
		int rc = load_recipients(rq, c);
		if (rc != SZ_OK)
			return rc;
		struct pending_item *it = new_item(c);
		if (it == NULL)
			return fail(rq, 500, N_("The server ran out of memory."));
		it->kind = SZ_ITEM_MESSAGE;
		rc = encrypt_small(rq, c, c->message.data, c->message.len,
			&it->data);
		if (rc != SZ_OK)
			return rc;
		it->padded = padme(it->data.size);
	}
	if (c->nitems == 0)
		return fail(rq, 400, N_("Nothing was sent: write a message or "
			"choose at least one file."));
	if (commit(rq, c) != SZ_OK)
		return fail(rq, 500, N_("The server could not store what you sent. "
			"Nothing was kept; please try again later."));
	c->nitems = 0; /* committed: the cleaner must leave them */
	sz_source_quota_end(rq->app, &c->quota, true);
	return sz_source_redirect(rq, "/source?sent=1");
}

void sz_source_submit_cleanup(struct sz_request *rq)
{
	struct submit_ctx *c = rq->handler_ctx;
	if (c == NULL)
		return;
	sz_source_quota_end(rq->app, &c->quota, false);
	sz_age_encrypt_free(c->enc);
	for (size_t i = 0; i < c->nitems; i++) {
		sz_blob_abort(&c->items[i].data);
		sz_blob_abort(&c->items[i].meta);
	}
	free(c->items);
	for (size_t i = 0; i < c->nrcpts; i++)
		sz_age_recipient_free(c->rcpts[i]);
	free(c->rcpts);
	sz_multipart_free(c->mp);
	sz_buf_free(&c->message);
	sodium_memzero(c, sizeof(*c));
	free(c);
	rq->handler_ctx = NULL;
}
