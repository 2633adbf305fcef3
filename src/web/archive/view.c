/*
 * view.c - what the archive's pages share: the frame, links, pagination,
 * and a document or e-mail as one line of a list.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "search/query.h"
#include "core/config.h"
#include "web/archive/view.h"
#include "web/html.h"

bool view_searchable(const struct sz_page *pg)
{
	return pg->site->links == SZ_LINKS_ROOTED;
}

int view_link(struct sz_page *pg, struct sz_buf *b, const char *path)
{
	if (strcmp(path, "/") != 0)
		return sz_buf_printf(b, "%s%s%s", pg->base, path, pg->suffix);
	if (pg->site->links == SZ_LINKS_RELATIVE)
		return sz_buf_printf(b, "%s/index%s", pg->base, pg->suffix);
	return sz_buf_puts(b, pg->base[0] ? pg->base : "/");
}

/* The search box, in the header of every page of a site that searches:
 * the search page's own query in it. */
static int search_box(struct sz_page *pg, struct sz_buf *b)
{
	const struct sz_lang *L = pg->lang;
	const char *label = _(L, "Search the archive");
	int rc = sz_buf_printf(b, "<form class=\"search\" role=\"search\" "
		"method=\"get\" action=\"%s/search\"><input type=\"search\" "
		"name=\"q\" aria-label=\"", pg->base);
	if (rc == 0)
		rc = view_escape(b, label);
	if (rc == 0)
		rc = sz_buf_puts(b, "\" placeholder=\"");
	if (rc == 0)
		rc = view_escape(b, label);
	if (rc == 0)
		rc = sz_buf_printf(b, "\" maxlength=\"%d\" value=\"",
			SZ_QUERY_MAX);
	/* A query longer than any search may be (the search page says so)
	 * is not put back: any page's ?q= would otherwise outgrow the
	 * header it is written into, and the page fail. */
	if (rc == 0)
		rc = view_escape(b, pg->query && strlen(pg->query) <=
			SZ_QUERY_MAX ? pg->query : "");
	/* TRANSLATORS: the button of the search box */
	if (rc == 0)
		rc = sz_buf_printf(b, "\"><button type=\"submit\">%s</button>"
			"</form><a class=\"browse\" href=\"%s/browse\">%s</a>",
			C_(L, "button", "Search"), pg->base,
			/* TRANSLATORS: a link to the archive's indexes */
			C_(L, "link", "Browse"));
	return rc;
}

/* In the editors' preview: what the page shows that the public does not
 * see, and the way back to editing. */
static int preview_banner(struct sz_page *pg)
{
	struct sz_buf *b = pg->out;
	int rc = sz_buf_puts(b, "<p class=\"preview-banner\" id=\"preview\">"
		"<strong>Preview</strong> · ");
	if (rc == 0 && pg->release == 0)
		rc = sz_buf_puts(b, "drafts are shown here; the public sees "
			"published releases only");
	else if (rc == 0)
		rc = sz_buf_printf(b, "%s · <a href=\"/release?id=%lld\">Edit this "
			"release</a>", pg->draft ? "<strong class=\"draft\">Draft</strong>"
			", not public" : "published", (long long)pg->release);
	return rc ? rc : sz_buf_puts(b, "</p>\n");
}

enum sz_archive_order view_order_of(const char *sort)
{
	if (sort != NULL && strcmp(sort, "newest") == 0)
		return SZ_ORDER_NEWEST;
	if (sort != NULL && strcmp(sort, "oldest") == 0)
		return SZ_ORDER_OLDEST;
	return SZ_ORDER_RELEVANCE;
}

int view_begin(struct sz_page *pg, const char *title)
{
	struct sz_buf style, home, feed, nav;
	sz_buf_init(&style, SZ_PAGES_LINK_BASE + 16);
	sz_buf_init(&home, SZ_PAGES_LINK_BASE + 16);
	sz_buf_init(&feed, SZ_PAGES_LINK_BASE + 16);
	sz_buf_init(&nav, SZ_PAGES_LINK_BASE + 4 * SZ_QUERY_MAX + 512);
	int rc = pg->site->links == SZ_LINKS_RELATIVE ?
		sz_buf_printf(&style, "%s/style.css", pg->base) :
		sz_buf_puts(&style, "/style.css");
	if (rc == 0)
		rc = pg->site->links == SZ_LINKS_RELATIVE ?
			view_link(pg, &home, "/") : sz_buf_puts(&home, "/");
	const char *name = pg->site->name ? pg->site->name : SZ_PAGES_SITE;
	char site[SZ_CONFIG_NAME_SIZE + 16];
	snprintf(site, sizeof(site), "%s%s", name,
		pg->site->drafts ? " (preview)" : "");
	struct sz_html_frame f = { .site = site, .title = title,
		.style = (const char *)style.data,
		.home = (const char *)home.data, .logo = pg->site->logo,
		.lang = pg->lang, .switch_to = pg->switch_to };
	if (rc == 0)
		rc = sz_buf_printf(&feed, "%s/feed.atom", pg->base);
	if (rc == 0 && view_searchable(pg))
		rc = search_box(pg, &nav);
	else if (rc == 0)   /* a mirror: its own browse and search pages */
		rc = sz_buf_printf(&nav, "<nav class=\"browse\"><a href=\"%s/"
			"browse%s\">%s</a> · <a href=\"%s/search%s\">%s</a>",
			pg->base, pg->suffix, _(pg->lang, "Browse the archive"),
			pg->base, pg->suffix, C_(pg->lang, "link", "Search"));
	if (rc == 0 && !view_searchable(pg))   /* and its discussion's boards */
		rc = pg->site->discussion == NULL ? sz_buf_puts(&nav, "</nav>") :
			sz_buf_printf(&nav, " · <a href=\"%s/forum%s\">%s</a></nav>",
			pg->base, pg->suffix, _(pg->lang, "Discussion"));
	f.feed = (const char *)feed.data;
	f.nav = (const char *)nav.data;
	if (rc == 0)
		rc = sz_html_frame_open(pg->out, &f);
	/* The banner's link leads into the editor face: only where that
	 * face serves the preview, never in a copy on disk. */
	if (rc == 0 && pg->site->drafts && pg->site->links == SZ_LINKS_ROOTED)
		rc = preview_banner(pg);
	sz_buf_free(&style);
	sz_buf_free(&home);
	sz_buf_free(&feed);
	sz_buf_free(&nav);
	pg->content_type = "text/html; charset=utf-8";
	return rc;
}

int view_end(struct sz_page *pg)
{
	return sz_html_end(pg->out);
}

int view_escape(struct sz_buf *b, const char *s)
{
	return sz_html_escape(b, s ? s : "");
}

size_t sz_page_number(const char *p)
{
	char *end;
	unsigned long v = p ? strtoul(p, &end, 10) : 1;
	if (p == NULL || *end || v < 1 || v > SZ_PAGES_MAX_PAGE)
		v = 1;
	return v;
}

size_t view_offset(const struct sz_page *pg)
{
	return (pg->number - 1) * SZ_PAGES_PER_PAGE;
}

/* The link to page n of the list at path: "?page=n" on a live site, a
 * path of its own ("/release/3/page/2") in a static copy. */
static int page_link(struct sz_page *pg, struct sz_buf *b, const char *path,
	const char *query, size_t n)
{
	struct sz_buf link;
	sz_buf_init(&link, SZ_PAGES_LINK_BASE + 4 * SZ_PAGES_LINK_BASE);
	int rc;
	if (pg->site->links == SZ_LINKS_RELATIVE) {
		rc = n == 1 ? view_link(pg, &link, path) :
			sz_buf_printf(&link, "%s%s/page/%zu%s", pg->base,
				strcmp(path, "/") == 0 ? "" : path, n, pg->suffix);
	} else {
		rc = view_link(pg, &link, path);
		if (rc == 0 && query != NULL) {
			rc = sz_buf_puts(&link, "?q=");
			if (rc == 0)
				rc = view_urlencode(&link, query);
			if (rc == 0 && pg->sort != NULL)
				rc = sz_buf_printf(&link, "&sort=%s", pg->sort);
		}
		if (rc == 0)
			rc = sz_buf_printf(&link, "%cpage=%zu", query ? '&' : '?', n);
	}
	if (rc == 0)
		rc = view_escape(b, (const char *)link.data);
	sz_buf_free(&link);
	return rc;
}

int view_pager(struct sz_page *pg, const char *path, const char *query,
	int64_t total)
{
	return view_pager_of(pg, path, query, total, SZ_PAGES_PER_PAGE);
}

int view_pager_of(struct sz_page *pg, const char *path, const char *query,
	int64_t total, size_t per_page)
{
	struct sz_buf *b = pg->out;
	size_t page = pg->number;
	size_t pages = (size_t)((total + (int64_t)per_page - 1) /
		(int64_t)per_page);
	if (pages > pg->pages)
		pg->pages = pages;
	if (pages <= 1 && page <= 1)
		return 0;
	int rc = sz_buf_puts(b, "<nav class=\"pager\">");
	if (rc == 0)
		rc = sz_buf_printf(b, _(pg->lang, "Page %zu of %zu"), page,
			pages ? pages : 1);
	if (rc == 0 && page > 1) {
		rc = sz_buf_puts(b, " · <a rel=\"prev\" href=\"");
		if (rc == 0)
			rc = page_link(pg, b, path, query,
				page - 1 <= pages ? page - 1 : 1);
		if (rc == 0)
			rc = sz_buf_printf(b, "\">%s</a>",
				C_(pg->lang, "page", "previous"));
	}
	if (rc == 0 && page < pages) {
		rc = sz_buf_puts(b, " · <a rel=\"next\" href=\"");
		if (rc == 0)
			rc = page_link(pg, b, path, query, page + 1);
		if (rc == 0)
			rc = sz_buf_printf(b, "\">%s</a>", C_(pg->lang, "page", "next"));
	}
	return rc ? rc : sz_buf_puts(b, "</nav>\n");
}

void view_date(const struct sz_page *pg, int64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (t == 0 || gmtime_r(&tt, &tm) == NULL) {
		snprintf(out, cap, "%s", _(pg->lang, "no date"));
		return;
	}
	strftime(out, cap, "%Y-%m-%d %H:%M UTC", &tm);
}

bool view_visible(const struct sz_page *pg, const struct sz_doc_row *d)
{
	return d->published || pg->site->drafts;
}

int view_doc_item(struct sz_page *pg, const struct sz_doc_row *d,
	const char *snippet)
{
	struct sz_buf *b = pg->out;
	int rc = sz_buf_printf(b, "<li><a href=\"%s/%s/%lld%s\">", pg->base,
		d->email ? "email" : "doc", (long long)d->id, pg->suffix);
	if (rc == 0)
		rc = view_escape(b, d->title);
	if (rc == 0)
		rc = sz_buf_puts(b, "</a> <span class=\"meta\">");
	if (rc == 0 && d->email) {
		char day[40];
		view_date(pg, d->date, day, sizeof(day));
		rc = view_escape(b, d->from_name[0] ? d->from_name : d->from_addr);
		if (rc == 0)
			rc = sz_buf_printf(b, " · <bdi>%s</bdi>", day);
	} else if (rc == 0) {
		rc = sz_buf_printf(b, "%s · ", d->type);
		/* TRANSLATORS: a file's size in kibibytes */
		if (rc == 0)
			rc = sz_buf_printf(b, _(pg->lang, "%llu KiB"),
				(unsigned long long)((d->size + 1023) / 1024));
	}
	if (rc == 0)
		rc = sz_buf_puts(b, "</span>");
	if (rc == 0 && snippet != NULL && snippet[0]) {
		rc = sz_buf_puts(b, "<p class=\"snippet\">");
		if (rc == 0)
			rc = sz_html_snippet(b, snippet);
		if (rc == 0)
			rc = sz_buf_puts(b, "</p>");
	}
	return rc ? rc : sz_buf_puts(b, "</li>\n");
}

/* One side of the previous/next links. */
static int adjacent_link(struct sz_page *pg, const struct sz_doc_row *d,
	bool next)
{
	struct sz_buf *b = pg->out;
	int rc = sz_buf_printf(b, "<a rel=\"%s\" id=\"%s\" href=\"%s/%s/%lld%s"
		"\"><span class=\"meta\">%s</span> ", next ? "next" : "prev",
		next ? "next" : "previous", pg->base, d->email ? "email" : "doc",
		(long long)d->id, pg->suffix, next ? _(pg->lang, "Next") :
		_(pg->lang, "Previous"));
	if (rc == 0)
		rc = view_escape(b, d->title);
	return rc ? rc : sz_buf_puts(b, "</a>");
}

int view_adjacent(struct sz_page *pg, const struct sz_doc_row *d)
{
	struct sz_archive *a = pg->site->archive;
	struct sz_doc_row prev, next;
	struct sz_err err;
	if (a->ops->doc_adjacent(a, d, &prev, &next, &err) != 0)
		return 0;   /* the links are a help, not the page */
	pg->adjacent[0] = prev.id;
	pg->adjacent[1] = next.id;
	int rc = 0;
	if (prev.id != 0 || next.id != 0)
		rc = sz_buf_printf(pg->out, "<nav class=\"adjacent\" aria-label=\""
			"%s\">", _(pg->lang, "In this release"));
	if (rc == 0 && prev.id != 0)
		rc = adjacent_link(pg, &prev, false);
	if (rc == 0 && next.id != 0)
		rc = adjacent_link(pg, &next, true);
	if (rc == 0 && (prev.id != 0 || next.id != 0))
		rc = sz_buf_puts(pg->out, "</nav>\n");
	sz_doc_row_clear(&prev);
	sz_doc_row_clear(&next);
	return rc;
}

int view_discussion(struct sz_page *pg, const struct sz_page_args *a,
	enum sz_discussed kind, int64_t id, const char *title)
{
	const struct sz_discussion *d = pg->site->discussion;
	return d == NULL ? 0 : d->render(d, a->viewer, kind, id, title, pg->base,
		pg->suffix, pg->out);
}

int view_not_found(struct sz_page *pg, const char *what)
{
	pg->status = 404;
	snprintf(pg->message, sizeof(pg->message), "%s", what);
	return 0;
}

int view_urlencode(struct sz_buf *b, const char *s)
{
	return sz_html_urlencode(b, s);
}

/* Percent-encoded (view_urlencode), and for a copy also: lower case, a
 * leading "." encoded (no file is named "." or ".." or hidden), and with
 * href set, each "%" encoded again as "%25". */
static int key_encode(struct sz_buf *b, const char *key, bool copy,
	bool href)
{
	int rc = 0;
	for (const char *s = key ? key : ""; *s && rc == 0; s++) {
		unsigned char c = (unsigned char)*s;
		if (copy && c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		bool plain = isalnum(c) || c == '-' || c == '_' || c == '@' ||
			(c == '.' && !(copy && s == key));
		if (plain)
			rc = sz_buf_append(b, &c, 1);
		else
			rc = sz_buf_printf(b, copy && href ? "%%25%02X" : "%%%02X", c);
	}
	return rc;
}

int sz_page_key(const struct sz_site *site, const char *key,
	struct sz_buf *out)
{
	bool copy = site->links == SZ_LINKS_RELATIVE;
	return key_encode(out, key, copy, copy);
}

int sz_page_key_file(const char *key, struct sz_buf *out)
{
	return key_encode(out, key, true, false);
}

int view_key(struct sz_page *pg, struct sz_buf *b, const char *key)
{
	return sz_page_key(pg->site, key, b);
}
