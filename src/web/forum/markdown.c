/*
 * markdown.c - CommonMark posts made safe HTML with cmark (markdown.h
 * says what is kept and refused).  Three steps: a scan of the source for
 * the limits cmark cannot take (before it sees anything), the parse, and
 * one walk of the tree that checks its shape and collects what must
 * change, followed by the changes (cmark's iterator allows no changes
 * while it walks) and the rendering.
 */
#include "core/i18n.h"
#include "web/forum/markdown.h"

#include <cmark.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

static int refuse(struct sz_md *md, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(struct sz_md *md, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(md->error, sizeof(md->error), fmt, ap);
	va_end(ap);
	return code;
}

/* ---- before parsing ----------------------------------------------------- */

/* A thematic break ("* * *", "- - -"): not a list, however many marks. */
static bool thematic_break(const char *s, size_t n)
{
	char mark = 0;
	size_t count = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ' ' || c == '\t')
			continue;
		if ((c != '-' && c != '*' && c != '_') || (mark && c != mark))
			return false;
		mark = c;
		count++;
	}
	return count >= 3;
}

/* A fence line ("```" or "~~~", at most 3 spaces in): its character and
 * length, or 0. */
static size_t fence(const char *s, size_t n, char *ch)
{
	size_t i = 0, k = 0;
	while (i < n && i < 3 && s[i] == ' ')
		i++;
	if (i >= n || (s[i] != '`' && s[i] != '~'))
		return 0;
	*ch = s[i];
	while (i + k < n && s[i + k] == *ch)
		k++;
	return k >= 3 ? k : 0;
}

/* How deep a line can nest quotes and lists: the markers at its start,
 * and the list items its indentation could continue (each takes two
 * columns at least).  The one space a marker takes after it is the
 * marker's. */
static size_t line_depth(const char *s, size_t n)
{
	size_t i = 0, markers = 0, cols = 0;
	for (;;) {
		while (i < n && (s[i] == ' ' || s[i] == '\t')) {
			cols = s[i] == '\t' ? (cols / 4 + 1) * 4 : cols + 1;
			i++;
		}
		if (i >= n)
			break;
		size_t d = 0;
		while (i + d < n && d < 10 && isdigit((unsigned char)s[i + d]))
			d++;
		size_t mark = 0;
		if (s[i] == '>')
			mark = 1;
		else if ((s[i] == '-' || s[i] == '+' || s[i] == '*') &&
		    (i + 1 == n || s[i + 1] == ' ' || s[i + 1] == '\t'))
			mark = 1;
		else if (d > 0 && d < 10 && i + d < n && (s[i + d] == '.' ||
		    s[i + d] == ')') && (i + d + 1 == n || s[i + d + 1] == ' ' ||
		    s[i + d + 1] == '\t'))
			mark = d + 1;
		if (mark == 0)
			break;
		markers++;
		i += mark;
		if (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
	}
	return markers ? markers + cols / 2 : 0;
}

static int prescan(const char *s, size_t len, struct sz_md *md)
{
	if (len > SZ_MD_SOURCE_MAX)
		return refuse(md, SZ_E_LIMIT, _(md->lang, "A post can be at "
			"most %d bytes long; this one has %zu."),
			SZ_MD_SOURCE_MAX, len);
	if (!sz_utf8_valid(s, len))
		return refuse(md, SZ_E_INVAL, N_("The post is not valid UTF-8 "
			"text."));
	size_t brackets = 0, deepest = 0, fence_len = 0;
	char fence_ch = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
			return refuse(md, SZ_E_INVAL, _(md->lang, "The post contains "
				"a control character (byte %zu); only text can be "
				"posted."), i + 1);
		brackets += c == '[';
	}
	if (brackets > SZ_MD_BRACKETS_MAX)
		return refuse(md, SZ_E_LIMIT, _(md->lang, "A post can hold at "
			"most %d brackets ([); this one has %zu."),
			SZ_MD_BRACKETS_MAX, brackets);
	for (size_t st = 0; st < len;) {
		const char *nl = memchr(s + st, '\n', len - st);
		size_t n = nl ? (size_t)(nl - (s + st)) : len - st;
		char ch = 0;
		size_t f = fence(s + st, n, &ch);
		if (fence_len) {
			if (f >= fence_len && ch == fence_ch)
				fence_len = 0;
		} else if (f) {
			fence_len = f;
			fence_ch = ch;
		} else if (!thematic_break(s + st, n)) {
			size_t d = line_depth(s + st, n);
			if (d > deepest)
				deepest = d;
		}
		st += n + 1;
	}
	if (deepest > SZ_MD_DEPTH_MAX)
		return refuse(md, SZ_E_LIMIT, _(md->lang, "Quotes and lists can "
			"be nested %d deep at most; this post nests them up to %zu "
			"deep."), SZ_MD_DEPTH_MAX, deepest);
	return 0;
}

/* ---- addresses ----------------------------------------------------------- */

bool sz_md_url_allowed(const char *url, bool *internal)
{
	char clean[64];
	size_t k = 0;
	const char *p = url;
	*internal = false;
	/* What a browser does first: leading controls and spaces go, tabs
	 * and newlines go wherever they are. */
	while (*p && (unsigned char)*p <= 0x20)
		p++;
	for (const char *q = p; *q && k + 1 < sizeof(clean); q++)
		if (*q != '\t' && *q != '\n' && *q != '\r')
			clean[k++] = *q;
	clean[k] = '\0';
	size_t i = 0;
	if (isalpha((unsigned char)clean[0])) {
		while (isalnum((unsigned char)clean[i]) || clean[i] == '+' ||
		       clean[i] == '-' || clean[i] == '.')
			i++;
		if (clean[i] == ':') {
			return (i == 4 && strncasecmp(clean, "http", 4) == 0) ||
				(i == 5 && strncasecmp(clean, "https", 5) == 0);
		}
	}
	*internal = strncmp(clean, "/forum/", 7) == 0;
	return true;   /* no scheme: relative */
}

/* A relative address (url already allowed): on whatever site shows the
 * page, never another one.  "//host/x" and "/\\host/x" are other sites
 * to a browser, as is anything with a scheme. */
static bool on_this_site(const char *url)
{
	const char *p = url ? url : "";
	char first[2] = { 0, 0 };
	size_t k = 0;
	while (*p && (unsigned char)*p <= 0x20)
		p++;
	for (const char *q = p; *q && *q != '/' && *q != '?' && *q != '#';
	     q++)
		if (*q == ':')
			return false;
	/* what a browser does: tabs and newlines go wherever they are */
	for (const char *q = p; *q && k < 2; q++)
		if (*q != '\t' && *q != '\n' && *q != '\r')
			first[k++] = *q;
	return !((first[0] == '/' || first[0] == '\\') &&
		(first[1] == '/' || first[1] == '\\'));
}

/* The address in an attribute: what is not plainly safe is
 * percent-encoded, & is an entity. */
static int href_escape(struct sz_buf *b, const char *url)
{
	static const char safe[] = "-._~:/?#@!$()*+,;=%";
	int rc = 0;
	for (const unsigned char *p = (const unsigned char *)url; rc == 0 && *p;
	     p++) {
		if (*p == '&')
			rc = sz_buf_puts(b, "&amp;");
		else if (isalnum(*p) || *p >= 0x80 || strchr(safe, *p))
			rc = sz_buf_append(b, p, 1);
		else
			rc = sz_buf_printf(b, "%%%02X", *p);
	}
	return rc;
}

static int attr_escape(struct sz_buf *b, const char *s)
{
	int rc = 0;
	for (; rc == 0 && *s; s++) {
		switch (*s) {
		case '&': rc = sz_buf_puts(b, "&amp;"); break;
		case '<': rc = sz_buf_puts(b, "&lt;"); break;
		case '>': rc = sz_buf_puts(b, "&gt;"); break;
		case '"': rc = sz_buf_puts(b, "&quot;"); break;
		case '\'': rc = sz_buf_puts(b, "&#39;"); break;
		default: rc = sz_buf_append(b, s, 1);
		}
	}
	return rc;
}

/* ---- the tree ---------------------------------------------------------- */

/* Moves node's children to just before it and frees it. */
static void unwrap(cmark_node *node)
{
	cmark_node *child;
	while ((child = cmark_node_first_child(node)) != NULL)
		cmark_node_insert_before(node, child);
	cmark_node_free(node);
}

/* A link becomes a custom inline that writes the <a> itself, so it can
 * carry rel and the address as escaped here. */
static int link_inline(cmark_node *link)
{
	struct sz_buf open;
	sz_buf_init(&open, 16384);
	const char *url = cmark_node_get_url(link);
	const char *title = cmark_node_get_title(link);
	int rc = sz_buf_puts(&open, "<a href=\"");
	if (rc == 0)
		rc = href_escape(&open, url ? url : "");
	if (rc == 0 && title && *title) {
		rc = sz_buf_puts(&open, "\" title=\"");
		if (rc == 0)
			rc = attr_escape(&open, title);
	}
	if (rc == 0)
		rc = sz_buf_puts(&open, "\" rel=\"nofollow ugc noopener\">");
	cmark_node *a = rc == 0 ? cmark_node_new(CMARK_NODE_CUSTOM_INLINE) : NULL;
	if (a == NULL || !cmark_node_set_on_enter(a, (const char *)open.data) ||
	    !cmark_node_set_on_exit(a, "</a>")) {
		if (a)
			cmark_node_free(a);
		sz_buf_free(&open);
		return SZ_E_NOMEM;
	}
	sz_buf_free(&open);
	cmark_node *child;
	while ((child = cmark_node_first_child(link)) != NULL)
		cmark_node_append_child(a, child);
	cmark_node_replace(link, a);
	cmark_node_free(link);
	return 0;
}

/* A link or image shown as text: its own text, then " (address)"
 * (plain text, escaped when rendered), never a link. */
static int link_as_text(cmark_node *node)
{
	const char *url = cmark_node_get_url(node);
	if (url && *url) {
		struct sz_buf b;
		sz_buf_init(&b, 16384);
		int rc = sz_buf_printf(&b, " (%s)", url);
		cmark_node *t = rc == 0 ? cmark_node_new(CMARK_NODE_TEXT) : NULL;
		if (t == NULL || !cmark_node_set_literal(t, (const char *)b.data) ||
		    !cmark_node_append_child(node, t)) {
			if (t)
				cmark_node_free(t);
			sz_buf_free(&b);
			return SZ_E_NOMEM;
		}
		sz_buf_free(&b);
	}
	unwrap(node);
	return 0;
}

/* Raw HTML is shown as the text it is: inline as text, a block as a
 * code block. */
static int html_as_text(cmark_node *node)
{
	bool block = cmark_node_get_type(node) == CMARK_NODE_HTML_BLOCK;
	cmark_node *t = cmark_node_new(block ? CMARK_NODE_CODE_BLOCK :
		CMARK_NODE_TEXT);
	const char *lit = cmark_node_get_literal(node);
	if (t == NULL || !cmark_node_set_literal(t, lit ? lit : "")) {
		if (t)
			cmark_node_free(t);
		return SZ_E_NOMEM;
	}
	cmark_node_replace(node, t);
	cmark_node_free(node);
	return 0;
}

/* Plain text, for the index and snippets: control characters an entity
 * spelt (&#x2; is one) become spaces, so none reaches the index, where
 * \x02 and \x03 mark matches. */
static int add_text(struct sz_md *md, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (md->text.len + n > SZ_MD_TEXT_MAX)
		n = SZ_MD_TEXT_MAX - md->text.len;
	size_t at = md->text.len;
	int rc = n ? sz_buf_append(&md->text, s, n) : 0;
	for (size_t i = at; rc == 0 && i < md->text.len; i++) {
		uint8_t c = md->text.data[i];
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			md->text.data[i] = ' ';
	}
	return rc;
}

struct walk {
	cmark_node **change;          /* links, images, raw HTML, headings */
	size_t nchange;
	size_t nodes, depth, nest, deepest_nest, deepest;
};

static bool nesting(cmark_node_type t)
{
	return t == CMARK_NODE_BLOCK_QUOTE || t == CMARK_NODE_LIST ||
		t == CMARK_NODE_ITEM;
}

/* One walk: shape, plain text, and what to change. */
static int walk(cmark_node *doc, struct walk *w, struct sz_md *md)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	int rc = it ? 0 : SZ_E_NOMEM;
	while (rc == 0 && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(n);
		bool leaf = cmark_node_first_child(n) == NULL &&
			(t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE ||
			 t == CMARK_NODE_CODE_BLOCK || t == CMARK_NODE_HTML_BLOCK ||
			 t == CMARK_NODE_HTML_INLINE || t == CMARK_NODE_SOFTBREAK ||
			 t == CMARK_NODE_LINEBREAK || t == CMARK_NODE_THEMATIC_BREAK);
		if (ev == CMARK_EVENT_EXIT) {
			w->depth--;
			if (nesting(t))
				w->nest--;
			if (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING ||
			    t == CMARK_NODE_ITEM)
				rc = add_text(md, "\n");
			continue;
		}
		if (++w->nodes > SZ_MD_NODES_MAX)
			rc = refuse(md, SZ_E_LIMIT, _(md->lang, "The post has too "
				"many parts (more than %d); make it simpler."),
				SZ_MD_NODES_MAX);
		if (!leaf) {
			w->depth++;
			w->nest += nesting(t);
			if (w->depth > w->deepest)
				w->deepest = w->depth;
			if (w->nest > w->deepest_nest)
				w->deepest_nest = w->nest;
		}
		switch (t) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
		case CMARK_NODE_HTML_INLINE:
			rc = rc ? rc : add_text(md, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_CODE_BLOCK:
		case CMARK_NODE_HTML_BLOCK:
			rc = rc ? rc : add_text(md, cmark_node_get_literal(n));
			break;
		case CMARK_NODE_SOFTBREAK:
			rc = rc ? rc : add_text(md, " ");
			break;
		case CMARK_NODE_LINEBREAK:
			rc = rc ? rc : add_text(md, "\n");
			break;
		default:
			break;
		}
		if (rc == 0 && (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE ||
		    t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE ||
		    t == CMARK_NODE_HEADING)) {
			cmark_node **more = realloc(w->change, (w->nchange + 1) *
				sizeof(*more));
			if (more == NULL)
				rc = SZ_E_NOMEM;
			else
				(w->change = more)[w->nchange++] = n;
		}
	}
	cmark_iter_free(it);
	if (rc == 0 && w->deepest_nest > SZ_MD_DEPTH_MAX)
		rc = refuse(md, SZ_E_LIMIT, _(md->lang, "Quotes and lists can be "
			"nested %d deep at most; this post nests them %zu deep."),
			SZ_MD_DEPTH_MAX, w->deepest_nest);
	if (rc == 0 && w->deepest > SZ_MD_TREE_DEPTH_MAX)
		rc = refuse(md, SZ_E_LIMIT, _(md->lang, "Emphasis, links, quotes "
			"and lists can be nested %d deep at most; this post nests "
			"them %zu deep."), SZ_MD_TREE_DEPTH_MAX, w->deepest);
	return rc;
}

/* Applies what the walk collected, in the order met (an image inside a
 * link is still there after the link is unwrapped: unwrapping moves
 * children, it frees only the link). */
static int apply(struct walk *w, unsigned flags, struct sz_md *md)
{
	for (size_t i = 0; i < w->nchange; i++) {
		cmark_node *n = w->change[i];
		cmark_node_type t = cmark_node_get_type(n);
		if (t == CMARK_NODE_HEADING) {
			int level = cmark_node_get_heading_level(n) + 2;
			cmark_node_set_heading_level(n, level > 6 ? 6 : level);
			continue;
		}
		if (t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE) {
			if (html_as_text(n) != 0)
				return SZ_E_NOMEM;
			continue;
		}
		bool internal = false;
		const char *url = cmark_node_get_url(n);
		if (!sz_md_url_allowed(url ? url : "", &internal)) {
			md->dropped++;
			unwrap(n);
			continue;
		}
		if ((flags & SZ_MD_LINKS_AS_TEXT) && (t == CMARK_NODE_IMAGE ||
		    !internal)) {
			if (link_as_text(n) != 0)
				return SZ_E_NOMEM;
			continue;
		}
		if ((flags & SZ_MD_NO_LINKS) && (t == CMARK_NODE_IMAGE ||
		    !internal))
			return refuse(md, SZ_E_INVAL, _(md->lang, "New members "
				"cannot post links to other sites or images yet (this "
				"post has %zu); they come with trust: read, take part, "
				"and they will be yours."), i + 1);
		if (t == CMARK_NODE_IMAGE && on_this_site(url)) {
			md->images++;
			continue;
		}
		/* An image from another site becomes a link to it: shown, it
		 * would tell that site the address and the time of every
		 * reader of the page, on mirrors and in feed readers too,
		 * where no Content-Security-Policy of ours stops it. */
		md->links++;
		if (link_inline(n) != 0)
			return SZ_E_NOMEM;
	}
	return 0;
}

int sz_md_render(const char *src, size_t len, unsigned flags,
	const struct sz_lang *lang, struct sz_md *md)
{
	memset(md, 0, sizeof(*md));
	md->lang = lang;
	sz_buf_init(&md->html, SZ_MD_HTML_MAX);
	sz_buf_init(&md->text, SZ_MD_TEXT_MAX + 1);
	int rc = prescan(src, len, md);
	if (rc != 0)
		return rc;
	struct walk w;
	memset(&w, 0, sizeof(w));
	cmark_node *doc = cmark_parse_document(src, len,
		CMARK_OPT_VALIDATE_UTF8);
	if (doc == NULL)
		return refuse(md, SZ_E_NOMEM, "%s", _(md->lang,
			"The server ran out of memory."));
	rc = walk(doc, &w, md);
	if (rc == 0)
		rc = apply(&w, flags, md);
	if (rc == 0) {
		/* CMARK_OPT_UNSAFE is never given: anything raw left is
		 * omitted by cmark itself too. */
		char *html = cmark_render_html(doc, CMARK_OPT_DEFAULT);
		size_t n = html ? strlen(html) : 0;
		if (html == NULL)
			rc = SZ_E_NOMEM;
		else if (n > SZ_MD_HTML_MAX)
			rc = refuse(md, SZ_E_LIMIT, _(md->lang, "The post makes a "
				"page of more than %d bytes (%zu); make it shorter."),
				SZ_MD_HTML_MAX, n);
		else
			rc = sz_buf_append(&md->html, html, n);
		free(html);
	}
	if (rc == SZ_E_NOMEM && md->error[0] == '\0')
		snprintf(md->error, sizeof(md->error), "%s", _(md->lang,
			"The server ran out of memory."));
	if (rc == 0 && md->text.len == 0)
		rc = sz_buf_puts(&md->text, "");
	free(w.change);
	cmark_node_free(doc);
	return rc;
}

void sz_md_free(struct sz_md *md)
{
	sz_buf_free(&md->html);
	sz_buf_free(&md->text);
}
