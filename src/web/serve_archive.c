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
	return sz_web_archive_page_as(rq, site, NULL, error_page);
}

int sz_web_archive_page_as(struct sz_request *rq, const struct sz_site *site,
	const void *viewer, sz_error_page_fn error_page)
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
			sz_request_param(rq, "address") ?
			sz_request_param(rq, "address") :
			sz_request_param(rq, "month"),
		.query = sz_request_query(rq, "q"),
		.number = sz_page_number(sz_request_query(rq, "page")),
		.viewer = viewer,
	};
	int rc = sz_page_render(&pg, site, kind, rq->path, &args, &rq->page);
	return sz_web_rendered(rq, rc, pg.status, pg.message, pg.content_type,
		"The archive cannot be read now. Please try again later.",
		error_page);
}

int sz_web_rendered(struct sz_request *rq, int rc, unsigned status,
	const char *message, const char *content_type, const char *unreadable,
	sz_error_page_fn error_page)
{
	if (rc != 0) {
		rq->page.len = 0;
		return sz_request_fail(rq, 500, unreadable);
	}
	if (message[0]) {
		rq->page.len = 0;
		rq->status = status;
		error_page(rq, status, message);
		return 0;
	}
	rq->status = status;
	rq->content_type = content_type;
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
