/*
 * html.h - building pages: escaping, and the layout every face shares.
 * Pages are plain HTML with one stylesheet and no JavaScript, so they work
 * in Tor Browser's Safest mode.
 */
#ifndef SZ_WEB_HTML_H
#define SZ_WEB_HTML_H

#include "core/buf.h"
#include "core/i18n.h"


/* What goes around a page's content. */
struct sz_html_frame {
	const char *site;            /* the name in the header */
	const char *title;
	const struct sz_lang *lang;  /* the page's lang= and dir=; NULL:
	                                English */
	const char *style, *home;    /* links; NULL: "/style.css", "/" */
	const char *logo;            /* the logo's URL, or NULL */
	const char *switch_to;       /* a URL ending in '?' or '&', to which
	                                the language switcher appends
	                                "lang=CODE"; NULL: no switcher */
	const char *feed;            /* the Atom feed to announce in the
	                                head (autodiscovery), or NULL */
	const char *nav;             /* HTML (the caller's, escaped) put in
	                                the header after the name: a face's
	                                navigation, a search box; or NULL */
};

/* Appends s with &, <, >, " and ' escaped. */
int sz_html_escape(struct sz_buf *b, const char *s);
/* Appends a search snippet (text from a store, the matches between
 * SZ_SEARCH_MARK_START and SZ_SEARCH_MARK_END: store/search.h) as HTML:
 * everything escaped, the matches in <mark>, always balanced whatever
 * markers the text holds; line breaks and tabs become spaces, other
 * control characters are dropped. */
int sz_html_snippet(struct sz_buf *b, const char *text);
/* Appends s percent-encoded for a URL's path or query. */
int sz_html_urlencode(struct sz_buf *b, const char *s);
/* Opens a page: doctype, head with title and stylesheet, site header. */
int sz_html_begin(struct sz_buf *b, const char *site, const char *title);
/* The same with the stylesheet's and the start page's links given
 * (relative ones, for pages read from a copy on disk). */
int sz_html_open(struct sz_buf *b, const char *site, const char *title,
	const char *style, const char *home);
/* Opens a page in a frame: the header carries the site's name (with its
 * logo) and, when there is more than one language, a link to each
 * (no script: a plain link that sets the choice, web/i18n.h). */
int sz_html_frame_open(struct sz_buf *b, const struct sz_html_frame *f);
/* Closes a page. */
int sz_html_end(struct sz_buf *b);

#endif
