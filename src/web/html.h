/*
 * html.h - building pages: escaping, and the layout every face shares.
 * Pages are plain HTML with one stylesheet and no JavaScript, so they work
 * in Tor Browser's Safest mode.
 */
#ifndef SZ_WEB_HTML_H
#define SZ_WEB_HTML_H

#include "core/buf.h"

/* What goes around a page's content. */
struct sz_html_frame {
	const char *site;            /* the name in the header */
	const char *title;
	const char *style, *home;    /* links; NULL: "/style.css", "/" */
	const char *feed;            /* the Atom feed to announce in the
	                                head (autodiscovery), or NULL */
	const char *nav;             /* HTML (the caller's, escaped) put in
	                                the header after the name: a face's
	                                navigation, a search box; or NULL */
};

/* Appends s with &, <, >, " and ' escaped. */
int sz_html_escape(struct sz_buf *b, const char *s);
/* Opens a page: doctype, head with title and stylesheet, site header. */
int sz_html_begin(struct sz_buf *b, const char *site, const char *title);
/* The same with the stylesheet's and the start page's links given
 * (relative ones, for pages read from a copy on disk). */
int sz_html_open(struct sz_buf *b, const char *site, const char *title,
	const char *style, const char *home);
/* Opens a page in a frame (sz_html_begin and sz_html_open are frames
 * with only a name, a title and links). */
int sz_html_frame_open(struct sz_buf *b, const struct sz_html_frame *f);
/* Closes a page. */
int sz_html_end(struct sz_buf *b);

#endif
