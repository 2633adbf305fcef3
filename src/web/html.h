/*
 * html.h - building pages: escaping, and the layout every face shares.
 * Pages are plain HTML with one stylesheet and no JavaScript, so they work
 * in Tor Browser's Safest mode.
 */
#ifndef SZ_WEB_HTML_H
#define SZ_WEB_HTML_H

#include "core/buf.h"

/* Appends s with &, <, >, " and ' escaped. */
int sz_html_escape(struct sz_buf *b, const char *s);
/* Appends s percent-encoded for a URL's path or query. */
int sz_html_urlencode(struct sz_buf *b, const char *s);
/* Opens a page: doctype, head with title and stylesheet, site header. */
int sz_html_begin(struct sz_buf *b, const char *site, const char *title);
/* The same with the stylesheet's and the start page's links given
 * (relative ones, for pages read from a copy on disk). */
int sz_html_open(struct sz_buf *b, const char *site, const char *title,
	const char *style, const char *home);
/* Closes a page. */
int sz_html_end(struct sz_buf *b);

#endif
