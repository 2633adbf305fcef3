/*
 * release_emails.c - the e-mails of a release on its editing page (each
 * with its subject, sender and date, a page of them at a time, and a
 * link to remove it), and the page that asks before anything is removed
 * from a release (GET /release/remove): what goes, with its attachments,
 * and the button that does it (POST /release/remove, releases.c, which
 * writes the audit log).
 *
 * It does not remove anything itself, and shows nothing a reader of the
 * preview could not see.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/editor/editor.h"
#include "web/html.h"

#define EMAILS_PER_PAGE SZ_ARCHIVE_PAGE_MAX

static int64_t query_number(struct sz_request *rq, const char *name)
{
	const char *v = sz_request_query(rq, name);
	char *end;
	long long n = v ? strtoll(v, &end, 10) : 0;
	return v && *end == 0 && n > 0 ? n : 0;
}

/* "Name <address>", or the address alone. */
static void sender(struct sz_buf *b, const struct sz_doc_row *d)
{
	if (d->from_name[0]) {
		sz_html_escape(b, d->from_name);
		sz_buf_puts(b, " &lt;");
	}
	sz_html_escape(b, d->from_addr);
	if (d->from_name[0])
		sz_buf_puts(b, "&gt;");
}

static void day_of(int64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (t == 0 || gmtime_r(&tt, &tm) == NULL)
		snprintf(out, cap, "no date");
	else
		strftime(out, cap, "%Y-%m-%d %H:%M UTC", &tm);
}

void sz_editor_release_emails(struct sz_request *rq, struct sz_archive *a,
	int64_t release)
{
	struct sz_buf *b = &rq->page;
	struct sz_doc_row *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	struct sz_err err;
	int64_t page = query_number(rq, "emails");
	if (page == 0 || page > (int64_t)SZ_PAGES_MAX_PAGE)
		page = 1;
	if (a->ops->doc_list(a, release, true, (size_t)(page - 1) *
	    EMAILS_PER_PAGE, EMAILS_PER_PAGE, &rows, &n, &total, &err) != 0 ||
	    total == 0) {
		sz_doc_rows_free(rows, n);
		return;
	}
	int64_t pages = (total + EMAILS_PER_PAGE - 1) / EMAILS_PER_PAGE;
	sz_buf_printf(b, "<h2 id=\"emails\">E-mails (%lld)</h2>\n<p class="
		"\"note\">Removing an e-mail takes its attachments with it; you "
		"are asked before anything goes.</p>\n<ul class=\"emails\">\n",
		(long long)total);
	for (size_t i = 0; i < n; i++) {
		char day[40];
		day_of(rows[i].date, day, sizeof(day));
		sz_buf_printf(b, "<li id=\"email-%lld\"><a href=\"/preview/email/"
			"%lld\">", (long long)rows[i].id, (long long)rows[i].id);
		sz_html_escape(b, rows[i].title[0] ? rows[i].title : "(no subject)");
		sz_buf_puts(b, "</a> <span class=\"note\">");
		sender(b, &rows[i]);
		sz_buf_printf(b, " · %s · #%lld</span> <a class=\"remove\" href=\""
			"/release/remove?id=%lld&amp;release=%lld\">Remove…</a></li>\n",
			day, (long long)rows[i].id, (long long)rows[i].id,
			(long long)release);
	}
	sz_buf_puts(b, "</ul>\n");
	if (pages > 1) {
		sz_buf_printf(b, "<nav class=\"pager\">Page %lld of %lld",
			(long long)page, (long long)pages);
		if (page > 1)
			sz_buf_printf(b, " · <a rel=\"prev\" href=\"/release?id=%lld&amp;"
				"emails=%lld#emails\">previous</a>", (long long)release,
				(long long)page - 1);
		if (page < pages)
			sz_buf_printf(b, " · <a rel=\"next\" href=\"/release?id=%lld&amp;"
				"emails=%lld#emails\">next</a>", (long long)release,
				(long long)page + 1);
		sz_buf_puts(b, "</nav>\n");
	}
	/* Found elsewhere (a search, the preview): by its number. */
	sz_buf_printf(b, "<form method=\"get\" action=\"/release/remove\" "
		"class=\"remove\" id=\"remove-email\"><input type=\"hidden\" "
		"name=\"release\" value=\"%lld\"><label for=\"remove-id\">Or remove "
		"an e-mail or document by its number, the N of its preview's "
		"address <code>/preview/email/N</code></label><input id=\""
		"remove-id\" name=\"id\" type=\"number\" min=\"1\" required><button "
		"type=\"submit\" class=\"quiet\">Remove…</button></form>\n",
		(long long)release);
	sz_doc_rows_free(rows, n);
}

int sz_editor_release_remove_ask(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_archive *a = app->preview.archive;
	struct sz_session s;
	struct sz_err err;
	struct sz_doc_row d, *kids = NULL;
	size_t nkids = 0;
	if (!sz_editor_require(rq, &s))
		return 0;
	int64_t id = query_number(rq, "id"), release = query_number(rq,
		"release");
	memset(&d, 0, sizeof(d));
	/* Only from the release it was asked of. */
	if (id == 0 || a->ops->doc_get(a, id, &d, &err) != 0 ||
	    d.release_id != release) {
		sz_doc_row_clear(&d);
		sodium_memzero(&s, sizeof(s));
		return sz_request_fail(rq, 404, "This release has no document or "
			"e-mail with that number.");
	}
	a->ops->doc_children(a, d.id, &kids, &nkids, &err);
	struct sz_buf *b = &rq->page;
	const char *what = d.email ? "e-mail" : "document";
	sz_editor_header(rq, &s, "Remove from the release?");
	sz_buf_printf(b, "<h1>Remove this %s from the release?</h1>\n<dl class="
		"\"facts\" id=\"what\"><dt>%s</dt><dd><a href=\"/preview/%s/%lld\">",
		what, d.email ? "Subject" : "Title", d.email ? "email" : "doc",
		(long long)d.id);
	sz_html_escape(b, d.title);
	sz_buf_puts(b, "</a></dd>");
	if (d.email) {
		char day[40];
		day_of(d.date, day, sizeof(day));
		sz_buf_puts(b, "<dt>From</dt><dd>");
		sender(b, &d);
		sz_buf_printf(b, "</dd><dt>Date</dt><dd>%s</dd>", day);
		if (d.message_id[0]) {
			sz_buf_puts(b, "<dt>Message-ID</dt><dd><code>");
			sz_html_escape(b, d.message_id);
			sz_buf_puts(b, "</code></dd>");
		}
	} else {
		sz_buf_puts(b, "<dt>File</dt><dd>");
		sz_html_escape(b, d.filename);
		sz_buf_puts(b, "</dd>");
	}
	sz_buf_printf(b, "<dt>Attachments</dt><dd>%zu, removed with it</dd>"
		"</dl>\n<p class=\"note\">It is gone from the public face at once, "
		"and from mirrors when they next export. The removal is written to "
		"the audit log.</p>\n<form method=\"post\" action=\"/release/remove\""
		" class=\"remove\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		"<input type=\"hidden\" name=\"id\" value=\"%lld\"><input type=\""
		"hidden\" name=\"release\" value=\"%lld\"><button type=\"submit\" "
		"id=\"confirm-remove\">Remove it from the release</button> <a "
		"href=\"/release?id=%lld\" id=\"cancel\">Cancel</a></form>\n",
		nkids, s.csrf, (long long)d.id, (long long)release,
		(long long)release);
	sz_doc_rows_free(kids, nkids);
	sz_doc_row_clear(&d);
	sodium_memzero(&s, sizeof(s));
	return sz_html_end(b);
}
