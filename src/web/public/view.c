/*
 * view.c - what the public pages share: the frame, ids from the path,
 * pagination, and a document or e-mail as one line of a list.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/html.h"
#include "web/public/public.h"
#include "web/web.h"

int view_begin(struct sz_request *rq, const char *title)
{
	struct sz_public_app *app = rq->app;
	int rc = sz_html_begin(&rq->page, app->drafts ?
		SZ_PUBLIC_SITE " (preview)" : SZ_PUBLIC_SITE, title);
	if (rc == 0)
		rc = sz_buf_printf(&rq->page, "<form class=\"search\" method=\"get\" "
			"action=\"%s/search\"><input type=\"search\" name=\"q\" "
			"aria-label=\"Search the archive\" placeholder=\"Search the "
			"archive\"> <button>Search</button></form>\n", app->prefix);
	rq->content_type = "text/html; charset=utf-8";
	return rc;
}

int view_end(struct sz_request *rq)
{
	return sz_html_end(&rq->page);
}

int view_escape(struct sz_buf *b, const char *s)
{
	return sz_html_escape(b, s ? s : "");
}

int64_t view_id(const struct sz_request *rq, const char *prefix)
{
	size_t n = strlen(prefix);
	if (strncmp(rq->path, prefix, n) != 0)
		return 0;
	const char *p = rq->path + n;
	char *end;
	if (!isdigit((unsigned char)*p))
		return 0;
	long long v = strtoll(p, &end, 10);
	return *end == 0 && v > 0 ? v : 0;
}

static int hexval(char c)
{
	return isdigit((unsigned char)c) ? c - '0' :
	       (c >= 'a' && c <= 'f') ? c - 'a' + 10 :
	       (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
}

bool view_arg(const struct sz_request *rq, const char *prefix, char *out,
	size_t cap)
{
	size_t n = strlen(prefix), k = 0;
	if (strncmp(rq->path, prefix, n) != 0)
		return false;
	for (const char *p = rq->path + n; *p && k + 1 < cap; p++) {
		if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			out[k++] = (char)(hexval(p[1]) * 16 + hexval(p[2]));
			p += 2;
		} else {
			out[k++] = *p;
		}
	}
	out[k] = 0;
	return k > 0 && memchr(out, 0, k) == NULL;
}

size_t view_page(struct sz_request *rq, size_t *page)
{
	const char *p = sz_request_query(rq, "page");
	char *end;
	unsigned long v = p ? strtoul(p, &end, 10) : 1;
	if (p == NULL || *end || v < 1 || v > SZ_PUBLIC_MAX_PAGE)
		v = 1;
	*page = v;
	return (v - 1) * SZ_PUBLIC_PAGE_SIZE;
}

int view_pager(struct sz_buf *b, const char *base, size_t page,
	int64_t total)
{
	size_t pages = (size_t)((total + SZ_PUBLIC_PAGE_SIZE - 1) /
		SZ_PUBLIC_PAGE_SIZE);
	if (pages <= 1 && page <= 1)
		return 0;
	char sep = strchr(base, '?') ? '&' : '?';
	int rc = sz_buf_printf(b, "<nav class=\"pager\">Page %zu of %zu", page,
		pages ? pages : 1);
	if (rc == 0 && page > 1) {
		rc = sz_buf_puts(b, " · <a rel=\"prev\" href=\"");
		if (rc == 0)
			rc = view_escape(b, base);
		if (rc == 0)
			rc = sz_buf_printf(b, "%cpage=%zu\">previous</a>", sep,
				page - 1 <= pages ? page - 1 : 1);
	}
	if (rc == 0 && page < pages) {
		rc = sz_buf_puts(b, " · <a rel=\"next\" href=\"");
		if (rc == 0)
			rc = view_escape(b, base);
		if (rc == 0)
			rc = sz_buf_printf(b, "%cpage=%zu\">next</a>", sep, page + 1);
	}
	return rc ? rc : sz_buf_puts(b, "</nav>\n");
}

void view_date(int64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (t == 0 || gmtime_r(&tt, &tm) == NULL) {
		snprintf(out, cap, "no date");
		return;
	}
	strftime(out, cap, "%Y-%m-%d %H:%M UTC", &tm);
}

int view_doc_item(struct sz_buf *b, const struct sz_public_app *app,
	const struct sz_doc_row *d, const char *snippet)
{
	int rc = sz_buf_printf(b, "<li><a href=\"%s/%s/%lld\">", app->prefix,
		d->email ? "email" : "doc", (long long)d->id);
	if (rc == 0)
		rc = view_escape(b, d->title);
	if (rc == 0)
		rc = sz_buf_puts(b, "</a> <span class=\"meta\">");
	if (rc == 0 && d->email) {
		char day[40];
		view_date(d->date, day, sizeof(day));
		rc = view_escape(b, d->from_name[0] ? d->from_name : d->from_addr);
		if (rc == 0)
			rc = sz_buf_printf(b, " · %s", day);
	} else if (rc == 0) {
		rc = sz_buf_printf(b, "%s · %llu KiB", d->type,
			(unsigned long long)((d->size + 1023) / 1024));
	}
	if (rc == 0)
		rc = sz_buf_puts(b, "</span>");
	if (rc == 0 && snippet != NULL && snippet[0])
		rc = sz_buf_printf(b, "<p class=\"snippet\">%s</p>", snippet);
	return rc ? rc : sz_buf_puts(b, "</li>\n");
}

int view_not_found(struct sz_request *rq, const char *what)
{
	sz_public_error_page(rq, 404, what);
	return 0;
}

int view_urlencode(struct sz_buf *b, const char *s)
{
	int rc = 0;
	for (; s && *s && rc == 0; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '@')
			rc = sz_buf_append(b, s, 1);
		else
			rc = sz_buf_printf(b, "%%%02X", c);
	}
	return rc;
}
