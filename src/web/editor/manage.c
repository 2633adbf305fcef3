/*
 * manage.c - POST /star and POST /delete: starring a source, and deleting
 * a source with everything it sent and was sent (rows in one transaction,
 * then the files, overwritten where the file system allows).  Both need
 * the session's CSRF token; deleting also needs its confirmation box.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"
#include "store/blobs.h"
#include "web/editor/editor.h"

/* The session, the form, and the source id it names; false if the
 * request was refused (rq is marked). */
static bool checked(struct sz_request *rq, struct sz_session *s,
	struct sz_form *form, int64_t *id)
{
	struct sz_err err;
	memset(form, 0, sizeof(*form));
	if (!sz_editor_require(rq, s))
		return false;
	if (sz_form_parse(form, (const char *)rq->body.data, rq->body.len,
		    &err) != SZ_OK) {
		sz_request_fail(rq, 400, err.msg);
		return false;
	}
	const struct sz_form_field *tok = sz_form_get(form, "csrf"),
		*idf = sz_form_get(form, "id");
	if (!sz_session_csrf_ok(s, tok ? tok->value : NULL)) {
		sz_request_fail(rq, 403, "This form is out of date. Go back and "
			"reload the page.");
		return false;
	}
	char *end = NULL;
	*id = idf ? strtoll(idf->value, &end, 10) : 0;
	if (idf == NULL || *end != '\0' || *id <= 0) {
		sz_request_fail(rq, 404, "There is no such source.");
		return false;
	}
	struct sz_source_row row;
	return sz_editor_source_open(rq, s, *id, &row) == SZ_OK;
}

/* Star and mark-read: the same form, one store call each. */
static int simple(struct sz_request *rq,
	int (*op)(struct sz_store *, int64_t, struct sz_err *))
{
	struct sz_editor_app *app = rq->app;
	struct sz_session s;
	struct sz_form form;
	struct sz_err err;
	int64_t id;
	int rc = SZ_OK;
	if (checked(rq, &s, &form, &id)) {
		if (op(app->in->store, id, &err) != SZ_OK) {
			rc = sz_request_fail(rq, 404, "There is no such source.");
		} else {
			rq->status = 303;
			snprintf(rq->location, sizeof(rq->location),
				"/source?id=%lld", (long long)id);
		}
	}
	sz_form_free(&form);
	sodium_memzero(&s, sizeof(s));
	return rq->error ? SZ_E_INVAL : rc;
}

int sz_editor_star(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	return simple(rq, app->in->store->ops->source_star);
}

int sz_editor_seen(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	return simple(rq, app->in->store->ops->source_seen);
}

int sz_editor_delete(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_store *st = app->in->store;
	struct sz_session s;
	struct sz_form form;
	struct sz_err err;
	char (*blobs)[SZ_STORE_BLOB_NAME_MAX + 1] = NULL;
	size_t n = 0;
	int64_t id;
	int rc = SZ_OK;
	if (!checked(rq, &s, &form, &id))
		goto out;
	const struct sz_form_field *confirm = sz_form_get(&form, "confirm");
	if (confirm == NULL || strcmp(confirm->value, "yes") != 0) {
		rc = sz_request_fail(rq, 400, "Tick the box to confirm that this "
			"source and everything it sent are to be deleted.");
		goto out;
	}
	char d[SZ_EDITOR_DESIGNATION_MAX];
	sz_editor_designation_of(st, id, d, sizeof(d));
	if (st->ops->source_delete(st, id, &blobs, &n, &err) != SZ_OK) {
		rc = sz_request_fail(rq, 404, "There is no such source.");
		goto out;
	}
	size_t removed = 0;
	for (size_t i = 0; i < n; i++)
		if (sz_blob_remove(&app->in->blobs, blobs[i], NULL) == SZ_OK)
			removed++;
	char detail[96];
	snprintf(detail, sizeof(detail), "%s (%zu files)", d, removed);
	st->ops->audit_add(st, s.data, "delete source", detail, NULL);
	rq->status = 303;
	snprintf(rq->location, sizeof(rq->location), "/inbox?deleted=1");
out:
	free(blobs);
	sz_form_free(&form);
	sodium_memzero(&s, sizeof(s));
	return rq->error ? SZ_E_INVAL : rc;
}
