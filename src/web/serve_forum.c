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

#define SZ_WEB_PAGE_RESERVE (32 * 1024)   /* a thread's page, about */

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
	a->quote = sz_forum_id(sz_request_query(rq, "quote"));
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
	/* one allocation for a typical page, not one per doubling */
	sz_buf_reserve(&rq->page, SZ_WEB_PAGE_RESERVE);
	int rc = sz_forum_render(&pg, site, v, kind, rq->path, args, &rq->page);
	rc = sz_web_rendered(rq, rc, pg.status, pg.message, pg.content_type,
		"The forum cannot be read now. Please try again later.",
		error_page);
	if (rc == 0 && v && v->member && pg.read_thread && pg.read_upto > 0)
		site->forum->ops->member_read(site->forum, v->m.id, pg.read_thread,
			pg.read_upto, NULL);
	return rc;
}
