/* home.c - the latest releases, and the Atom feed of them. */
#include <stdio.h>
#include <string.h>

#include "web/html.h"
#include "web/public/public.h"

int sz_public_home(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	struct sz_release_row *rows = NULL;
	size_t n = 0, page;
	int64_t total = 0;
	struct sz_err err;
	size_t offset = view_page(rq, &page);
	if (app->archive->ops->release_list(app->archive, app->drafts, offset,
	    SZ_PUBLIC_PAGE_SIZE, &rows, &n, &total, &err) != 0) {
		sz_public_error_page(rq, 500, "The archive cannot be read now.");
		return 0;
	}
	struct sz_buf *b = &rq->page;
	int rc = view_begin(rq, "Releases");
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>Releases</h1>\n<p class=\"meta\">%lld "
			"release%s · <a href=\"%s/feed.atom\">Atom feed</a></p>\n",
			(long long)total, total == 1 ? "" : "s", app->prefix);
	if (rc == 0 && n == 0)
		rc = sz_buf_puts(b, total ? "<p>No releases on this page. <a "
			"href=\"?page=1\">First page</a>.</p>\n" :
			"<p>Nothing has been published yet.</p>\n");
	if (rc == 0 && n > 0)
		rc = sz_buf_puts(b, "<ul class=\"releases\">\n");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = sz_buf_printf(b, "<li><a href=\"%s/release/%lld\">",
			app->prefix, (long long)rows[i].id);
		if (rc == 0)
			rc = view_escape(b, rows[i].title);
		if (rc == 0)
			rc = sz_buf_printf(b, "</a> <span class=\"meta\">%s · %lld "
				"documents · %lld e-mails%s</span></li>\n", rows[i].day,
				(long long)rows[i].documents, (long long)rows[i].emails,
				rows[i].state == SZ_RELEASE_DRAFT ? " · draft" : "");
	}
	if (rc == 0 && n > 0)
		rc = sz_buf_puts(b, "</ul>\n");
	if (rc == 0)
		rc = view_pager(b, "/", page, total);
	if (rc == 0)
		rc = view_end(rq);
	sz_release_rows_free(rows, n);
	return rc;
}

/* Atom wants absolute URIs in ids; the links are relative to the feed
 * (no Host header is trusted or echoed). */
int sz_public_feed(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	struct sz_release_row *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	struct sz_err err;
	if (app->archive->ops->release_list(app->archive, app->drafts, 0, 20,
	    &rows, &n, &total, &err) != 0) {
		sz_public_error_page(rq, 500, "The archive cannot be read now.");
		return 0;
	}
	struct sz_buf *b = &rq->page;
	int rc = sz_buf_printf(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		"<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
		"<title>%s: releases</title>\n<id>urn:samizdat:releases</id>\n"
		"<link rel=\"self\" href=\"feed.atom\"/>\n<updated>%sT00:00:00Z"
		"</updated>\n", SZ_PUBLIC_SITE, n ? rows[0].day : "1970-01-01");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = sz_buf_printf(b, "<entry>\n<id>urn:samizdat:release:%lld</id>\n"
			"<title>", (long long)rows[i].id);
		if (rc == 0)
			rc = view_escape(b, rows[i].title);
		if (rc == 0)
			rc = sz_buf_printf(b, "</title>\n<link href=\"release/%lld\"/>\n"
				"<updated>%sT00:00:00Z</updated>\n<author><name>%s</name>"
				"</author>\n<summary>", (long long)rows[i].id, rows[i].day,
				SZ_PUBLIC_SITE);
		if (rc == 0)
			rc = view_escape(b, rows[i].intro);
		if (rc == 0)
			rc = sz_buf_puts(b, "</summary>\n</entry>\n");
	}
	if (rc == 0)
		rc = sz_buf_puts(b, "</feed>\n");
	rq->content_type = "application/atom+xml; charset=utf-8";
	sz_release_rows_free(rows, n);
	return rc;
}
