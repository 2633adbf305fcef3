/*
 * markdown.h - a post as written (CommonMark) made into the HTML stored
 * with it and shown on every page, and into plain text for the search
 * index and feeds.  cmark parses; raw HTML never reaches a page (it is
 * shown as the text it is), links and images keep only http:, https: and
 * relative addresses, headings are demoted below the page's own, and
 * links carry rel="nofollow ugc noopener".
 *
 * Limits are checked before cmark sees a byte: the size, the nesting of
 * quotes and lists (cmark recurses over nested lists when it closes them,
 * S_ends_with_blank_line in its blocks.c, and a browser would choke on
 * the result), and the number of brackets (cmark's link parsing is
 * quadratic in them: CVE-2023-22486).  After parsing, the tree's depth,
 * size and output are checked again.
 *
 * What it does not do: decide who may post (the caller says whether links
 * and images are allowed), or keep anything: the result is the caller's.
 */
#ifndef SZ_WEB_FORUM_MARKDOWN_H
#define SZ_WEB_FORUM_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

#define SZ_MD_SOURCE_MAX 32768        /* bytes of a post as written */
#define SZ_MD_DEPTH_MAX 16            /* quotes and lists in each other */
#define SZ_MD_TREE_DEPTH_MAX 64       /* any nodes in each other */
#define SZ_MD_BRACKETS_MAX 1000       /* '[' in one post */
#define SZ_MD_NODES_MAX 40000
#define SZ_MD_HTML_MAX (512 * 1024)   /* bytes of HTML made */
#define SZ_MD_TEXT_MAX (64 * 1024)    /* bytes of plain text kept */

enum {
	SZ_MD_NO_LINKS = 1 << 0,      /* links to other sites and images are
	                                 refused; links within the forum
	                                 ("/forum/...") stay allowed */
	SZ_MD_LINKS_AS_TEXT = 1 << 1, /* links to other sites and images
	                                 become visible text: their text (an
	                                 image's description), then the
	                                 address in brackets, never a link;
	                                 links within the forum stay */
};

struct sz_md {
	struct sz_buf html;           /* the HTML, NUL-terminated */
	struct sz_buf text;           /* plain text */
	size_t links, images;         /* kept */
	size_t dropped;               /* links or images with a refused scheme,
	                                 shown as their text */
	char error[240];              /* why a post was refused, in lang */
	const struct sz_lang *lang;   /* the writer's (NULL: English) */
};

/* Renders len bytes of src.  0, or SZ_E_INVAL / SZ_E_LIMIT with
 * md->error saying what to change, in lang (core/i18n.h; NULL:
 * English).  Release md with sz_md_free in every case. */
int sz_md_render(const char *src, size_t len, unsigned flags,
	const struct sz_lang *lang, struct sz_md *md);
void sz_md_free(struct sz_md *md);

/* Whether a link's address may appear on a page: http:, https: or a
 * relative address (browsers' leniency included: "java\tscript:" and
 * "JAVASCRIPT:" are schemes too).  *internal says it stays within the
 * forum ("/forum/..."). */
bool sz_md_url_allowed(const char *url, bool *internal);

#endif
