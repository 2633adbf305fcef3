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
	const struct sz_lang *L = pg->lang;
	int rc = view_begin(pg, _(L, "Releases"));
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>%s</h1>\n<p class=\"meta\">",
			_(L, "Releases"));
	if (rc == 0)
		rc = sz_buf_printf(b, NG_(L, "%lld release", "%lld releases",
			(unsigned long)total), (long long)total);
	if (rc == 0)
		rc = sz_buf_printf(b, " · <a href=\"%s/feed.atom\">%s</a></p>\n",
			pg->base, _(L, "Atom feed"));
	if (rc == 0 && pg->site->intro != NULL && pg->site->intro[0] != '\0' &&
	    pg->number == 1) {
		rc = sz_buf_puts(b, "<p class=\"intro\" id=\"intro\">");
		if (rc == 0)
			rc = view_escape(b, pg->site->intro);
		if (rc == 0)
			rc = sz_buf_puts(b, "</p>\n");
	}
	if (rc == 0 && n == 0)
		rc = total ? sz_buf_printf(b, "<p>%s <a href=\"",
			_(L, "No releases on this page.")) :
			sz_buf_printf(b, "<p>%s</p>\n",
				_(L, "Nothing has been published yet."));
	if (rc == 0 && n == 0 && total)
		rc = view_link(pg, b, "/");
	if (rc == 0 && n == 0 && total)
		rc = sz_buf_printf(b, "\">%s</a></p>\n", _(L, "First page"));
	if (rc == 0 && n > 0)
		rc = sz_buf_puts(b, "<ul class=\"releases\">\n");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = sz_buf_printf(b, "<li><a href=\"%s/release/%lld%s\">",
			pg->base, (long long)rows[i].id, pg->suffix);
		if (rc == 0)
			rc = view_escape(b, rows[i].title);
		if (rc == 0)
			rc = sz_buf_printf(b, "</a> <span class=\"meta\">%s · ",
				rows[i].day);
		if (rc == 0)
			rc = sz_buf_printf(b, NG_(L, "%lld document", "%lld documents",
				(unsigned long)rows[i].documents),
				(long long)rows[i].documents);
		if (rc == 0)
			rc = sz_buf_puts(b, " · ");
		if (rc == 0)
			rc = sz_buf_printf(b, NG_(L, "%lld e-mail", "%lld e-mails",
				(unsigned long)rows[i].emails), (long long)rows[i].emails);
		/* TRANSLATORS: a release not yet published (editors' preview) */
		if (rc == 0)
			rc = sz_buf_printf(b, "%s%s</span></li>\n",
				rows[i].state == SZ_RELEASE_DRAFT ? " · " : "",
				rows[i].state == SZ_RELEASE_DRAFT ? _(L, "draft") : "");
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

/* The host of an http(s) URL ("x.onion"), for tag: ids (RFC 4151);
 * "" if there is none. */
static void url_host(const char *url, char *out, size_t cap)
{
	const char *h = strstr(url, "://");
	h = h ? h + 3 : url;
	size_t n = strcspn(h, ":/");
	snprintf(out, cap, "%.*s", (int)n, h);
}

/* With a public URL set, every link is absolute (xml:base says so too)
 * and every id a tag: URI minted from its host and the release's date
 * when it was first published (tag:x.onion,2024-03-01:release/3),
 * unique to this archive and the same for the entry's life however its
 * date is edited later (RFC 4287 §4.2.6); the
 * feed's id is its own address.  Without
 * one, links are relative to the feed (no Host header is trusted or
 * echoed), so they hold in a copy too, and ids are the archive's own
 * URNs. */
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
	const char *url = pg->site->public_url && pg->site->public_url[0] ?
		pg->site->public_url : NULL;
	char host[256] = "", base[300] = "";
	if (url != NULL) {
		url_host(url, host, sizeof(host));
		snprintf(base, sizeof(base), "%s/", url);
	}
	struct sz_buf *b = pg->out;
	int rc = sz_buf_printf(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		"<feed xmlns=\"http://www.w3.org/2005/Atom\"");
	if (rc == 0 && url != NULL) {
		rc = sz_buf_puts(b, " xml:base=\"");
		if (rc == 0)
			rc = view_escape(b, base);
		if (rc == 0)
			rc = sz_buf_puts(b, "\"");
	}
	if (rc == 0)
		rc = sz_buf_printf(b, ">\n<title>%s: releases</title>\n",
			SZ_PAGES_SITE);
	if (rc == 0 && url != NULL)   /* the feed's own address is its id */
		rc = sz_buf_printf(b, "<id>%sfeed.atom</id>\n", base);
	else if (rc == 0)
		rc = sz_buf_puts(b, "<id>urn:samizdat:releases</id>\n");
	if (rc == 0)
		rc = sz_buf_printf(b, "<link rel=\"self\" href=\"%sfeed.atom\"/>\n"
			"<link rel=\"alternate\" type=\"text/html\" href=\"%s%s\"/>\n"
			"<updated>%sT00:00:00Z</updated>\n", base, base[0] ? base : "./",
			pg->suffix[0] ? "index.html" : "", n ? rows[0].day : "1970-01-01");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (url != NULL)
			rc = sz_buf_printf(b, "<entry>\n<id>tag:%s,%s:release/%lld</id>\n"
				"<title>", host, rows[i].tag_day[0] ? rows[i].tag_day :
				rows[i].day, (long long)rows[i].id);
		else
			rc = sz_buf_printf(b, "<entry>\n<id>urn:samizdat:release:%lld"
				"</id>\n<title>", (long long)rows[i].id);
		if (rc == 0)
			rc = view_escape(b, rows[i].title);
		if (rc == 0)
			rc = sz_buf_printf(b, "</title>\n<link rel=\"alternate\" type=\""
				"text/html\" href=\"%srelease/%lld%s\"/>\n<updated>%sT00:00:00Z"
				"</updated>\n<author><name>%s</name></author>\n<summary>",
				base, (long long)rows[i].id, pg->suffix, rows[i].day,
				SZ_PAGES_SITE);
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
