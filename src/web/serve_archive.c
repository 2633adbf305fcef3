/*
 * serve_archive.c - an archive page (web/archive/pages.h) as the answer
 * to a request: the route names the page, its path and query give the
 * parameters, the face's own error page shows what is missing.  Shared
 * by the public face and the editors' preview, so neither includes the
 * other.
 */
#include <stdio.h>
#include <string.h>

#include "web/web.h"

int sz_web_archive_page(struct sz_request *rq, const struct sz_site *site,
	sz_error_page_fn error_page)
{
	/* The route's pattern, less the site's prefix, names the page. */
	const char *pattern = rq->route->path;
	size_t plen = site->prefix ? strlen(site->prefix) : 0;
	if (strncmp(pattern, site->prefix ? site->prefix : "", plen) == 0)
		pattern += plen;
	enum sz_page_kind kind = sz_page_kind_of(pattern);
	if (kind == SZ_PAGE_KINDS)
		return sz_request_fail(rq, 500, "This page is not set up right "
			"on the server.");
	struct sz_page pg;
	struct sz_page_args args = {
		.id = sz_request_param_id(rq, "id"),
		.key = sz_request_param(rq, "thread") ?
			sz_request_param(rq, "thread") :
			sz_request_param(rq, "address"),
		.query = sz_request_query(rq, "q"),
		.number = sz_page_number(sz_request_query(rq, "page")),
		.sort = sz_request_query(rq, "sort"),
	};
	int rc = sz_page_render(&pg, site, kind, rq->path, &args, &rq->page);
	if (rc != 0) {
		rq->page.len = 0;
		return sz_request_fail(rq, 500, "The archive cannot be read now. "
			"Please try again later.");
	}
	if (pg.message[0]) {
		rq->page.len = 0;
		rq->status = pg.status;
		error_page(rq, pg.status, pg.message);
		return 0;
	}
	rq->status = pg.status;
	rq->content_type = pg.content_type;
	return 0;
}

int sz_web_archive_file(struct sz_request *rq, const struct sz_site *site,
	sz_error_page_fn error_page)
{
	char name[128];
	int fd;
	uint64_t size;
	if (sz_page_file(site, sz_request_param_id(rq, "id"), &fd, &size, name,
	    sizeof(name)) != 0) {
		rq->status = 404;
		error_page(rq, 404, "There is no such file.");
		return 0;
	}
	snprintf(rq->disposition, sizeof(rq->disposition),
		"attachment; filename=\"%s\"", name);
	rq->content_type = "application/octet-stream";
	rq->fd = fd;
	rq->fd_size = size;
	return 0;
}
