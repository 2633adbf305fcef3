/*
 * serve_archive.c - an archive page (web/archive/pages.h) as the answer
 * to a request: the route names the page, its path and query give the
 * parameters, the face's own error page shows what is missing.  Shared
 * by the public face and the editors' preview, so neither includes the
 * other.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "search/query.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/web.h"

#define SWITCH_URL_MAX (SZ_PAGES_LINK_BASE + 4 * SZ_QUERY_MAX + 64)

/* Anyone may keep a page or a file, but must ask again before showing
 * it: a document an editor removes (it may say who leaked it) is gone
 * from readers' caches at once, and asking costs a 304 without a body
 * while it has not changed (ETag). */
#define PAGE_MAX_AGE "public, no-cache"
#define FILE_MAX_AGE "public, no-cache"

/* Whether the client holds this version already (If-None-Match). */
static bool client_has(struct sz_request *rq)
{
	const char *inm = sz_request_header(rq, "If-None-Match");
	if (inm == NULL || rq->etag[0] == 0)
		return false;
	if (strcmp(inm, "*") == 0)
		return true;
	/* a list of tags, maybe weak ("W/"): one equal to ours will do */
	size_t n = strlen(rq->etag);
	for (const char *p = strstr(inm, rq->etag); p != NULL;
	    p = strstr(p + 1, rq->etag))
		if ((p[n] == 0 || p[n] == ',' || p[n] == ' '))
			return true;
	return false;
}

/* A page anyone may read: cacheable, tagged with a hash of its bytes. */
static void cache_page(struct sz_request *rq)
{
	uint8_t h[16];
	char hex[33];
	crypto_generichash(h, sizeof(h), rq->page.data, rq->page.len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(rq->etag, sizeof(rq->etag), "\"%s\"", hex);
	rq->cache_control = PAGE_MAX_AGE;
	if (client_has(rq)) {
		rq->status = 304;
		rq->page.len = 0;
	}
}

/* The page itself, with its search (q and sort) if any, ready for
 * "lang=CODE" (web/i18n.h). */
static void switch_url(struct sz_request *rq, char *out, size_t cap)
{
	const char *q = sz_request_query(rq, "q"),
		*sort = sz_request_query(rq, "sort");
	struct sz_buf b;
	sz_buf_init(&b, cap - 1);
	int rc = sz_buf_puts(&b, rq->path ? rq->path : "/");
	if (rc == 0 && q != NULL) {
		rc = sz_buf_puts(&b, "?q=");
		if (rc == 0)
			rc = sz_html_urlencode(&b, q);
		if (rc == 0 && sort != NULL) {
			rc = sz_buf_puts(&b, "&sort=");
			if (rc == 0)
				rc = sz_html_urlencode(&b, sort);
		}
		if (rc == 0)
			rc = sz_buf_puts(&b, "&");
	} else if (rc == 0) {
		rc = sz_buf_puts(&b, "?");
	}
	if (rc == 0 && b.len < cap)
		snprintf(out, cap, "%.*s", (int)b.len, (const char *)b.data);
	else   /* too long to keep: the page without its search */
		sz_web_switch_url(rq, "/", out, cap);
	sz_buf_free(&b);
}

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
	/* In the reader's language (a page's ETag is its bytes', so a cache
	 * that keeps one language asks again and gets the other); the
	 * switcher's links lead back to the same page, a search kept. */
	const struct sz_lang *L = sz_web_lang(rq);
	char switch_to[SWITCH_URL_MAX];
	switch_url(rq, switch_to, sizeof(switch_to));
	struct sz_page_args args = {
		.id = sz_request_param_id(rq, "id"),
		.key = sz_request_param(rq, "thread") ?
			sz_request_param(rq, "thread") :
			sz_request_param(rq, "address") ?
			sz_request_param(rq, "address") :
			sz_request_param(rq, "month"),
		.query = sz_request_query(rq, "q"),
		.number = sz_page_number(sz_request_query(rq, "page")),
		.sort = sz_request_query(rq, "sort"),
		.viewer = viewer,
		.lang = L,
		.switch_to = switch_to,
	};
	int rc = sz_page_render(&pg, site, kind, rq->path, &args, &rq->page);
	rc = sz_web_rendered(rq, rc, pg.status, pg.message, pg.content_type,
		"The archive cannot be read now. Please try again later.",
		error_page);
	/* A page that sets the reader's language cookie (?lang=) is theirs
	 * alone: no shared cache may hand the cookie to another reader. */
	if (rc == 0 && site->cacheable && rq->status == 200 &&
	    rq->set_cookie2[0] == '\0')
		cache_page(rq);
	return rc;
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
	struct sz_page_file_info f;
	if (sz_page_file_open(site, sz_request_param_id(rq, "id"), &f) != 0) {
		rq->status = 404;
		error_page(rq, 404, "There is no such file.");
		return 0;
	}
	/* An image a browser shows is shown (the document page has it in an
	 * <img>); anything else is a download. */
	snprintf(rq->disposition, sizeof(rq->disposition), "%s; filename=\"%s\"",
		f.mime ? "inline" : "attachment", f.name);
	rq->content_type = f.mime ? f.mime : "application/octet-stream";
	if (site->cacheable) {
		/* The same bytes always have the same hash. */
		snprintf(rq->etag, sizeof(rq->etag), "\"%s\"", f.sha256);
		rq->cache_control = FILE_MAX_AGE;
		if (client_has(rq)) {
			close(f.fd);
			rq->status = 304;
			return 0;
		}
	}
	rq->fd = f.fd;
	rq->fd_size = f.size;
	return 0;
}
