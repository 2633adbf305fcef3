/* html.c - HTML escaping and the shared page frame. */
#include "web/html.h"

#include <stdbool.h>
#include <string.h>

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

/* Appends s (escaped or not) unless an earlier piece failed: the first
 * error is the frame's. */
static void piece(struct sz_buf *b, int *rc, const char *s, bool escape)
{
	if (*rc == SZ_OK)
		*rc = escape ? sz_html_escape(b, s) : sz_buf_puts(b, s);
}

int sz_html_frame_open(struct sz_buf *b, const struct sz_html_frame *f)
{
	int rc = SZ_OK;
	piece(b, &rc, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		"<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, "
		"initial-scale=1\">\n"
		"<meta name=\"referrer\" content=\"no-referrer\">\n<title>", false);
	piece(b, &rc, f->title, true);
	piece(b, &rc, " · ", false);
	piece(b, &rc, f->site, true);
	piece(b, &rc, "</title>\n<link rel=\"stylesheet\" href=\"", false);
	piece(b, &rc, f->style ? f->style : "/style.css", true);
	piece(b, &rc, "\">\n", false);
	if (f->feed != NULL) {
		piece(b, &rc, "<link rel=\"alternate\" type=\"application/atom+xml"
			"\" title=\"", false);
		piece(b, &rc, f->site, true);
		piece(b, &rc, ": releases\" href=\"", false);
		piece(b, &rc, f->feed, true);
		piece(b, &rc, "\">\n", false);
	}
	piece(b, &rc, "</head>\n<body>\n<header><a class=\"site\" href=\"",
		false);
	piece(b, &rc, f->home ? f->home : "/", true);
	piece(b, &rc, "\">", false);
	piece(b, &rc, f->site, true);
	piece(b, &rc, "</a>", false);
	if (f->nav != NULL)
		piece(b, &rc, f->nav, false);
	piece(b, &rc, "</header>\n<main>\n", false);
	return rc;
}

int sz_html_end(struct sz_buf *b)
{
	return sz_buf_puts(b, "</main>\n</body>\n</html>\n");
}
