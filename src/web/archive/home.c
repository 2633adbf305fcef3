/* home.c - the latest releases, and the Atom feed of them. */
#include <stdio.h>
#include <string.h>

#include "web/archive/view.h"

int page_home(struct sz_page *pg, const struct sz_page_args *a)
{
	(void)a;
	struct sz_archive *arch = pg->site->archive;
	struct sz_release_row *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	struct sz_err err;
	if (arch->ops->release_list(arch, pg->site->drafts, view_offset(pg),
	    SZ_PAGES_PER_PAGE, &rows, &n, &total, &err) != 0)
		return SZ_E_IO;
	struct sz_buf *b = pg->out;
	int rc = view_begin(pg, "Releases");
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>Releases</h1>\n<p class=\"meta\">%lld "
			"release%s · <a href=\"%s/feed.atom\">Atom feed</a></p>\n",
			(long long)total, total == 1 ? "" : "s", pg->base);
	if (rc == 0 && pg->site->intro != NULL && pg->site->intro[0] != '\0' &&
	    pg->number == 1) {
		rc = sz_buf_puts(b, "<p class=\"intro\" id=\"intro\">");
		if (rc == 0)
			rc = view_escape(b, pg->site->intro);
		if (rc == 0)
			rc = sz_buf_puts(b, "</p>\n");
	}
	if (rc == 0 && n == 0)
		rc = total ? sz_buf_puts(b, "<p>No releases on this page. <a "
			"href=\"") : sz_buf_puts(b, "<p>Nothing has been published "
			"yet.</p>\n");
	if (rc == 0 && n == 0 && total)
		rc = view_link(pg, b, "/");
	if (rc == 0 && n == 0 && total)
		rc = sz_buf_puts(b, "\">First page</a>.</p>\n");
	if (rc == 0 && n > 0)
		rc = sz_buf_puts(b, "<ul class=\"releases\">\n");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = sz_buf_printf(b, "<li><a href=\"%s/release/%lld%s\">",
			pg->base, (long long)rows[i].id, pg->suffix);
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
		rc = view_pager(pg, "/", NULL, total);
	if (rc == 0)
		rc = view_end(pg);
	sz_release_rows_free(rows, n);
	return rc;
}

/* Atom wants absolute URIs in ids; the links are relative to the feed
 * (no Host header is trusted or echoed), so they hold in a copy too. */
int page_feed(struct sz_page *pg, const struct sz_page_args *a)
{
	(void)a;
	struct sz_archive *arch = pg->site->archive;
	struct sz_release_row *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	struct sz_err err;
	if (arch->ops->release_list(arch, pg->site->drafts, 0, 20, &rows, &n,
	    &total, &err) != 0)
		return SZ_E_IO;
	struct sz_buf *b = pg->out;
	int rc = sz_buf_printf(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		"<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
		"<title>%s: releases</title>\n<id>urn:samizdat:releases</id>\n"
		"<link rel=\"self\" href=\"feed.atom\"/>\n<updated>%sT00:00:00Z"
		"</updated>\n", SZ_PAGES_SITE, n ? rows[0].day : "1970-01-01");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = sz_buf_printf(b, "<entry>\n<id>urn:samizdat:release:%lld</id>\n"
			"<title>", (long long)rows[i].id);
		if (rc == 0)
			rc = view_escape(b, rows[i].title);
		if (rc == 0)
			rc = sz_buf_printf(b, "</title>\n<link href=\"release/%lld%s\"/>"
				"\n<updated>%sT00:00:00Z</updated>\n<author><name>%s</name>"
				"</author>\n<summary>", (long long)rows[i].id, pg->suffix,
				rows[i].day, SZ_PAGES_SITE);
		if (rc == 0)
			rc = view_escape(b, rows[i].intro);
		if (rc == 0)
			rc = sz_buf_puts(b, "</summary>\n</entry>\n");
	}
	if (rc == 0)
		rc = sz_buf_puts(b, "</feed>\n");
	pg->content_type = "application/atom+xml; charset=utf-8";
	sz_release_rows_free(rows, n);
	return rc;
}
