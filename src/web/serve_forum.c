/*
 * serve_forum.c - a forum page (web/forum/forum.h) as the answer to a
 * request: the route names the page, its path and query give the
 * parameters, the face gives the viewer and its own error page.  Shared
 * by the public face and the editor face, so neither includes the other.
 * A member's reading of a thread is noted here (it earns trust).
 */
#include <stdio.h>
#include <string.h>

#include "web/web.h"

/* A whole number from 1 up in a query argument, or 0. */
static int64_t query_id(struct sz_request *rq, const char *name)
{
	const char *v = sz_request_query(rq, name);
	int64_t n = 0;
	if (v == NULL || *v == '\0' || strlen(v) > 18 || *v == '0')
		return 0;
	for (; *v; v++) {
		if (*v < '0' || *v > '9')
			return 0;
		n = n * 10 + (*v - '0');
	}
	return n;
}

void sz_web_forum_args(struct sz_request *rq, struct sz_forum_args *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sz_request_param_id(rq, "id");
	a->key = sz_request_param(rq, "key");
	if (a->key == NULL)
		a->key = sz_request_query(rq, "after");   /* the API's */
	const char *n = sz_request_param(rq, "n");
	a->number = sz_page_number(n ? n : sz_request_query(rq, "page"));
	if (n != NULL && sz_page_number(n) == 1 && strcmp(n, "1") != 0)
		a->number = 0;   /* a page that is not a number: none */
	a->quote = query_id(rq, "quote");
	a->note = sz_request_query(rq, "note");
}

int sz_web_forum_page(struct sz_request *rq, const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, const struct sz_forum_args *args,
	sz_error_page_fn error_page)
{
	const char *pattern = rq->route->path;
	size_t plen = site->prefix ? strlen(site->prefix) : 0;
	if (plen && strncmp(pattern, site->prefix, plen) == 0)
		pattern += plen;
	enum sz_fpage kind = sz_fpage_kind_of(pattern);
	if (kind == SZ_FPAGE_KINDS)
		return sz_request_fail(rq, 500, "This page is not set up right on "
			"the server.");
	struct sz_forum_page pg;
	rq->page.len = 0;
	int rc = sz_forum_render(&pg, site, v, kind, rq->path, args, &rq->page);
	if (rc != 0) {
		rq->page.len = 0;
		return sz_request_fail(rq, 500, "The forum cannot be read now. "
			"Please try again later.");
	}
	if (pg.message[0]) {
		rq->page.len = 0;
		rq->status = pg.status;
		error_page(rq, pg.status, pg.message);
		return 0;
	}
	if (rq->status == 0 || rq->status == 200)
		rq->status = pg.status;
	rq->content_type = pg.content_type;
	if (v && v->member && pg.read_thread && pg.read_upto > 0)
		site->forum->ops->member_read(site->forum, v->m.id, pg.read_thread,
			pg.read_upto, NULL);
	return 0;
}
