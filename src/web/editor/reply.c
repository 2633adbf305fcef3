/*
 * reply.c - POST /reply: an editor's reply to a source, age-encrypted to
 * the source's key (derived from its codename; only the source, logged in,
 * can read it) and to every editor's, so the newsroom can read its own
 * replies offline.  The plaintext exists only in this request's memory.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"
#include "web/editor/editor.h"
#include "web/seal.h"

#define REPLY_MAX (64 * 1024)

int sz_editor_reply(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_store *st = app->in->store;
	struct sz_session s;
	struct sz_form form;
	struct sz_err err;
	struct sz_recipient_row *rows = NULL;
	struct sz_age_recipient **r = NULL;
	struct sz_blob_tmp t = { .fd = -1 };
	size_t nrows = 0, nr = 0;
	uint8_t pk[32];
	int rc = SZ_OK;
	memset(&form, 0, sizeof(form));
	if (!sz_editor_require(rq, &s))
		return SZ_OK;
	rq->status = 0;
	rq->location[0] = '\0';
	if (sz_form_parse(&form, (const char *)rq->body.data, rq->body.len,
		    &err) != SZ_OK) {
		rc = sz_request_fail(rq, 400, err.msg);
		goto out;
	}
	const struct sz_form_field *tok = sz_form_get(&form, "csrf"),
		*idf = sz_form_get(&form, "id"), *text = sz_form_get(&form, "text");
	if (!sz_session_csrf_ok(&s, tok ? tok->value : NULL)) {
		rc = sz_request_fail(rq, 403, "This form is out of date. Go back, "
			"reload the page and write again.");
		goto out;
	}
	char *end = NULL;
	long long id = idf ? strtoll(idf->value, &end, 10) : 0;
	struct sz_source_row src;
	if (idf == NULL || *end != '\0' || id <= 0) {
		rc = sz_request_fail(rq, 404, "There is no such source.");
		goto out;
	}
	rc = sz_editor_source_open(rq, &s, id, &src);
	if (rc != SZ_OK)
		goto out;
	if (st->ops->source_public_key(st, id, pk, &err) != SZ_OK) {
		rc = sz_request_fail(rq, 404, "There is no such source.");
		goto out;
	}
	if (text == NULL || text->value_len == 0 || text->value_len > REPLY_MAX) {
		rc = sz_request_fail(rq, 400, "Write a reply of at most 64 KB.");
		goto out;
	}
	/* the source, and whoever reads what it writes (its desk's editors,
	 * or with no desk everyone) */
	if (st->ops->desk_recipients(st, src.desk, &rows, &nrows, &err) !=
		SZ_OK ||
	    (r = calloc(nrows + 1, sizeof(*r))) == NULL) {
		rc = sz_request_fail(rq, 500, "The server could not store the "
			"reply.");
		goto out;
	}
	rc = sz_age_recipient_from_key(pk, &r[nr], &err);
	if (rc == SZ_OK)
		nr++;
	for (size_t i = 0; rc == SZ_OK && i < nrows; i++) {
		rc = sz_age_recipient_parse(rows[i].recipient, &r[nr], &err);
		if (rc == SZ_OK)
			nr++;
	}
	if (rc == SZ_OK)
		rc = sz_web_seal(&app->in->blobs, r, nr,
			(const uint8_t *)text->value, text->value_len, &t, &err);
	if (rc == SZ_OK)
		rc = sz_blob_commit(&app->in->blobs, &t, &err);
	if (rc == SZ_OK) {
		rc = st->ops->reply_add(st, id, t.name, s.data, &err);
		if (rc != SZ_OK)
			sz_blob_remove(&app->in->blobs, t.name, NULL);
	}
	if (rc != SZ_OK) {
		sz_blob_abort(&t);
		rc = sz_request_fail(rq, 500, "The server could not store the "
			"reply. Nothing was kept.");
		goto out;
	}
	char detail[SZ_EDITOR_DESIGNATION_MAX];
	sz_editor_designation_of(st, id, detail, sizeof(detail));
	st->ops->audit_add(st, s.data, "reply", detail, NULL);
	rq->status = 303;
	snprintf(rq->location, sizeof(rq->location), "/source?id=%lld&replied=1",
		id);
out:
	for (size_t i = 0; i < nr; i++)
		sz_age_recipient_free(r[i]);
	free(r);
	free(rows);
	sz_form_free(&form);
	sodium_memzero(&s, sizeof(s));
	return rc;
}
