/* html.c - HTML escaping and the shared page frame. */
#include "web/html.h"

#define SZ_HTML_FEED_TITLE 256   /* bytes of the feed link's title */

#include <stdbool.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "store/search.h"

int sz_html_escape(struct sz_buf *b, const char *s)
{
	int rc = SZ_OK;
	const char *run = s;
	for (const char *p = s; rc == SZ_OK; p++) {
		const char *rep = NULL;
		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '\0': break;
		default: continue;
		}
		rc = sz_buf_append(b, run, (size_t)(p - run));
		if (*p == '\0')
			break;
		if (rc == SZ_OK)
			rc = sz_buf_puts(b, rep);
		run = p + 1;
	}
	return rc;
}

int sz_html_snippet(struct sz_buf *b, const char *text)
{
	int rc = SZ_OK;
	bool open = false;
	const char *run = text;
	for (const char *p = text; rc == SZ_OK; p++) {
		unsigned char c = (unsigned char)*p;
		const char *rep;
		switch (c) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '\n': case '\r': case '\t': rep = " "; break;
		case SZ_SEARCH_MARK_START: rep = open ? "" : "<mark>"; break;
		case SZ_SEARCH_MARK_END: rep = open ? "</mark>" : ""; break;
		case '\0': rep = ""; break;
		default:
			if (c >= 0x20)
				continue;
			rep = "";   /* no other control character */
			break;
		}
		rc = sz_buf_append(b, run, (size_t)(p - run));
		if (c == 0)
			break;
		if (c == SZ_SEARCH_MARK_START || c == SZ_SEARCH_MARK_END)
			open = c == SZ_SEARCH_MARK_START;
		if (rc == SZ_OK)
			rc = sz_buf_puts(b, rep);
		run = p + 1;
	}
	return rc == SZ_OK && open ? sz_buf_puts(b, "</mark>") : rc;
}

int sz_html_urlencode(struct sz_buf *b, const char *s)
{
	int rc = SZ_OK;
	for (; s && *s && rc == SZ_OK; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '@')
			rc = sz_buf_append(b, s, 1);
		else
			rc = sz_buf_printf(b, "%%%02X", c);
	}
	return rc;
}

int sz_html_begin(struct sz_buf *b, const char *site, const char *title)
{
	return sz_html_open(b, site, title, "/style.css", "/");
}

int sz_html_open(struct sz_buf *b, const char *site, const char *title,
	const char *style, const char *home)
{
	struct sz_html_frame f = { .site = site, .title = title, .style = style,
		.home = home };
	return sz_html_frame_open(b, &f);
}

/* A link per language to switch to, the current one marked. */
static void switcher(struct sz_buf *b, const struct sz_html_frame *f,
	const struct sz_lang *cur)
{
	size_t n;
	const struct sz_lang *langs = sz_i18n_langs(&n);
	if (f->switch_to == NULL || n < 2)
		return;
	/* TRANSLATORS: the label of the list of languages to read the page
	 * in, for screen readers. */
	sz_buf_puts(b, "<nav class=\"langs\" aria-label=\"");
	sz_html_escape(b, _(cur, "Language"));
	sz_buf_puts(b, "\">");
	for (size_t i = 0; i < n; i++) {
		sz_buf_puts(b, "<a href=\"");
		sz_html_escape(b, f->switch_to);
		sz_buf_printf(b, "lang=%s\" hreflang=\"%s\" lang=\"%s\" "
			"dir=\"%s\"%s>", langs[i].code, langs[i].tag, langs[i].tag,
			langs[i].rtl ? "rtl" : "ltr", &langs[i] == cur ?
			" aria-current=\"true\"" : "");
		sz_html_escape(b, langs[i].name);
		sz_buf_puts(b, "</a>");
	}
	sz_buf_puts(b, "</nav>");
}

int sz_html_frame_open(struct sz_buf *b, const struct sz_html_frame *f)
{
	const struct sz_lang *l = f->lang ? f->lang : sz_i18n_default();
	sz_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\" dir=\"%s\">\n"
		"<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, "
		"initial-scale=1\">\n"
		"<meta name=\"referrer\" content=\"no-referrer\">\n<title>",
		f->lang ? l->tag : "en", f->lang && l->rtl ? "rtl" : "ltr");
	sz_html_escape(b, f->title);
	sz_buf_puts(b, " · ");
	sz_html_escape(b, f->site);
	sz_buf_puts(b, "</title>\n<link rel=\"stylesheet\" href=\"");
	sz_html_escape(b, f->style ? f->style : "/style.css");
	sz_buf_puts(b, "\">\n");
	if (f->feed != NULL) {   /* feed autodiscovery */
		char title[SZ_HTML_FEED_TITLE];
		/* TRANSLATORS: the title of the Atom feed; %s is the site */
		snprintf(title, sizeof(title), _(l, "%s: releases"), f->site);
		sz_buf_puts(b, "<link rel=\"alternate\" type=\"application/"
			"atom+xml\" title=\"");
		sz_html_escape(b, title);
		sz_buf_puts(b, "\" href=\"");
		sz_html_escape(b, f->feed);
		sz_buf_puts(b, "\">\n");
	}
	sz_buf_puts(b, "</head>\n<body>\n<header><a class=\"site\" "
		"href=\"");
	sz_html_escape(b, f->home ? f->home : "/");
	sz_buf_puts(b, "\">");
	if (f->logo != NULL) {
		sz_buf_puts(b, "<img class=\"logo\" src=\"");
		sz_html_escape(b, f->logo);
		sz_buf_puts(b, "\" alt=\"\">");
	}
	sz_html_escape(b, f->site);
	sz_buf_puts(b, "</a>");
	if (f->nav != NULL)      /* the caller's, escaped */
		sz_buf_puts(b, f->nav);
	if (f->lang != NULL)
		switcher(b, f, l);
	/* sticky: one check of the whole frame */
	return sz_buf_puts(b, "</header>\n<main>\n");
}

int sz_html_end(struct sz_buf *b)
{
	return sz_buf_puts(b, "</main>\n</body>\n</html>\n");
}
