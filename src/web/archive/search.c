/*
 * search.c - /search?q=...&sort=...: results ranked by BM25 (or sorted by
 * date) with the matched words highlighted, the count, facets by release,
 * type and date, and pages.  What the translator could not understand is
 * explained with how to write it, never answered with "0 results"; a
 * search that finds nothing comes with searches that would (suggest.h).
 * The search box itself is in every page's header (view.c).
 */
#include <stdio.h>
#include <string.h>

#include "search/query.h"
#include "search/suggest.h"
#include "web/archive/view.h"

/* The search syntax, by example: what is typed (HTML, the same in every
 * language) and what it finds (translated; NULL: nothing to say). */
static const struct {
	const char *example, *meaning;
} help_items[] = {
	{ "<code>bridge invoice</code>", N_("both words") },
	{ "<code>\"double payment\"</code>", N_("the words together") },
	{ "<code>-draft</code>", N_("without the word") },
	{ "<code>contract*</code>", N_("words starting with it") },
	{ "<code>invoice OR receipt</code>", N_("either word") },
	{ "<code>from:anna</code>, <code>to:press@example.net</code>, "
	  "<code>from:ministry.example</code>", N_("sender, recipient (a "
	  "name, an address or a domain)") },
	{ "<code>type:pdf</code>, <code>type:email</code>, "
	  "<code>release:3</code>", NULL },
	{ "<code>after:2024-01 before:2024-03-15</code>, "
	  "<code>date:2024-03</code>", N_("e-mail dates") },
	{ "<code>type:post</code>, <code>by:anna</code>",
	  N_("the discussion's posts (by a member)") },
	{ "<code>signed:pgp</code>, <code>signed:dkim</code>",
	  N_("signed e-mails") },
	{ "<code>verified:pgp</code>, <code>verified:dkim</code>",
	  N_("signed e-mails whose signature verified") },
};

/* How to search, folded away unless open (after a query that could not
 * be read, or on an empty search page). */
static int help(struct sz_page *pg, bool open)
{
	struct sz_buf *b = pg->out;
	int rc = sz_buf_printf(b, "<details class=\"help\"%s><summary>%s"
		"</summary><ul>", open ? " open" : "", _(pg->lang, "How to search"));
	for (size_t i = 0; rc == 0 &&
	    i < sizeof(help_items) / sizeof(help_items[0]); i++) {
		rc = sz_buf_printf(b, "<li>%s", help_items[i].example);
		if (rc == 0 && help_items[i].meaning != NULL)
			rc = sz_buf_printf(b, ": %s", sz_tr(pg->lang,
				help_items[i].meaning));
		if (rc == 0)
			rc = sz_buf_puts(b, "</li>");
	}
	return rc ? rc : sz_buf_puts(b, "</ul></details>\n");
}

static const char *const order_names[] = {
	[SZ_ORDER_RELEVANCE] = "relevance",
	[SZ_ORDER_NEWEST] = "newest",
	[SZ_ORDER_OLDEST] = "oldest",
};

/* The link to a search for q, in the order asked (relevance: none
 * written). */
static int search_link(struct sz_page *pg, struct sz_buf *b, const char *q,
	enum sz_archive_order order)
{
	int rc = sz_buf_printf(b, "%s/search?q=", pg->base);
	if (rc == 0)
		rc = view_urlencode(b, q);
	if (rc == 0 && order != SZ_ORDER_RELEVANCE)
		rc = sz_buf_printf(b, "&amp;sort=%s", order_names[order]);
	return rc;
}

/* A facet: the current query with one filter added, and its count. */
static int facet(struct sz_page *pg, const char *q, const char *add,
	const char *label, int64_t count, enum sz_archive_order order)
{
	struct sz_buf *b = pg->out, nq;
	sz_buf_init(&nq, 2 * SZ_QUERY_MAX);
	int rc = sz_buf_printf(&nq, "%s %s", q, add);
	if (rc == 0)
		rc = sz_buf_puts(b, "<li><a href=\"");
	if (rc == 0)
		rc = search_link(pg, b, (const char *)nq.data, order);
	sz_buf_free(&nq);
	if (rc == 0)
		rc = sz_buf_puts(b, "\">");
	if (rc == 0)
		rc = view_escape(b, label);
	return rc ? rc : sz_buf_printf(b, "</a> <span class=\"meta\">%lld</span>"
		"</li>", (long long)count);
}

/* One group of facets, when it can still narrow the search. */
static int facet_group(struct sz_page *pg, const char *q, const char *name,
	const char *filter, const struct sz_facet *f, size_t n,
	enum sz_archive_order order)
{
	struct sz_buf *b = pg->out;
	if (n == 0)
		return 0;
	int rc = sz_buf_printf(b, "<div class=\"facet\" id=\"facet-%s\"><h2>%s"
		"</h2><ul>", filter, sz_tr(pg->lang, name));
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char add[SZ_ARCHIVE_TITLE_MAX + 32];
		if (f[i].id != 0)
			snprintf(add, sizeof(add), "%s:%lld", filter,
				(long long)f[i].id);
		else
			snprintf(add, sizeof(add), "%s:%s", filter, f[i].key);
		rc = facet(pg, q, add, f[i].key, f[i].count, order);
	}
	return rc ? rc : sz_buf_puts(b, "</ul></div>\n");
}

static int facets(struct sz_page *pg, const char *q, const struct sz_query *sq,
	const struct sz_search_result *res, enum sz_archive_order order)
{
	struct sz_buf *b = pg->out;
	/* A group with one key narrows nothing, unless the search has no
	 * filter of that kind yet: then it says where everything is. */
	bool release = res->nrelease > 1 || (res->nrelease == 1 && !sq->search.release);
	bool type = res->ntype > 1 || (res->ntype == 1 && !sq->search.type[0]);
	bool date = res->ndate > 1 || (res->ndate == 1 && !sq->search.after &&
		!sq->search.before);
	if (!release && !type && !date)
		return 0;
	int rc = sz_buf_printf(b, "<aside class=\"facets\" aria-label=\"%s\">\n",
		_(pg->lang, "Narrow the search"));
	/* TRANSLATORS: headings of the search's facets */
	if (rc == 0 && release)
		rc = facet_group(pg, q, N_("By release"), "release",
			res->by_release, res->nrelease, order);
	if (rc == 0 && date)
		rc = facet_group(pg, q, N_("By date"), "date", res->by_date,
			res->ndate, order);
	if (rc == 0 && type)
		rc = facet_group(pg, q, N_("By type"), "type", res->by_type,
			res->ntype, order);
	return rc ? rc : sz_buf_puts(b, "</aside>\n");
}

/* "Sort by: relevance · newest · oldest", the current one not a link. */
static int sort_links(struct sz_page *pg, const char *q,
	enum sz_archive_order order)
{
	struct sz_buf *b = pg->out;
	const struct sz_lang *L = pg->lang;
	int rc = sz_buf_printf(b, "<nav class=\"sort\" aria-label=\"%s\">%s ",
		_(L, "Order"), _(L, "Sort by:"));
	const char *const labels[] = { _(L, "relevance"),
		_(L, "newest first"), _(L, "oldest first") };
	for (int o = 0; rc == 0 && o <= SZ_ORDER_OLDEST; o++) {
		if (o > 0)
			rc = sz_buf_puts(b, " · ");
		if (rc == 0 && (enum sz_archive_order)o == order) {
			rc = sz_buf_printf(b, "<strong aria-current=\"true\">%s</strong>",
				labels[o]);
			continue;
		}
		if (rc == 0)
			rc = sz_buf_printf(b, "<a id=\"sort-%s\" href=\"",
				order_names[o]);
		if (rc == 0)
			rc = search_link(pg, b, q, (enum sz_archive_order)o);
		if (rc == 0)
			rc = sz_buf_printf(b, "\">%s</a>", labels[o]);
	}
	return rc ? rc : sz_buf_puts(b, "</nav>\n");
}

/* How the query was read, where the translator worked around something. */
static int notes(struct sz_page *pg, const struct sz_query *sq)
{
	struct sz_buf *b = pg->out;
	if (sq->nnotes == 0)
		return 0;
	int rc = sz_buf_printf(b, "<div class=\"notice\" id=\"read-as\"><p>%s"
		"</p><ul>", _(pg->lang, "How your search was read:"));
	for (size_t i = 0; rc == 0 && i < sq->nnotes; i++) {
		/* the term as typed, then what the parser says of it, a
		 * sentence marked N_() in search/query.c */
		const char *n = sq->notes[i];
		size_t at = sq->note_says[i];
		rc = sz_buf_puts(b, "<li>");
		char term[SZ_QUERY_NOTE_MAX];
		snprintf(term, sizeof(term), "%.*s", (int)at, n);
		if (rc == 0 && at > 0)
			rc = sz_buf_puts(b, "<bdi>");
		if (rc == 0 && at > 0)
			rc = view_escape(b, term);
		if (rc == 0 && at > 0)
			rc = sz_buf_puts(b, "</bdi>");
		if (rc == 0)
			rc = view_escape(b, at > 0 ? _(pg->lang, n + at) : n);
		if (rc == 0)
			rc = sz_buf_puts(b, "</li>");
	}
	return rc ? rc : sz_buf_puts(b, "</ul></div>\n");
}

/* Nothing found: searches that would find something, each a link. */
static int suggestions(struct sz_page *pg, const char *q,
	const struct sz_query *sq, const struct sz_archive_query *aq,
	enum sz_archive_order order)
{
	struct sz_buf *b = pg->out;
	struct sz_suggestion s[SZ_SUGGEST_MAX];
	size_t n;
	sz_query_suggest(pg->site->archive, q, sq, aq, s, SZ_SUGGEST_MAX, &n);
	const struct sz_lang *L = pg->lang;
	int rc = sz_buf_printf(b, "<div class=\"suggestions\" id=\"suggestions\">"
		"<p>%s</p><ul>", _(L, "Nothing matches this search."));
	for (size_t i = 0; rc == 0 && i < n; i++) {
		bool drop = s[i].kind == SZ_SUGGEST_DROP;
		rc = sz_buf_printf(b, "<li class=\"%s\">", drop ? "drop" : "spelling");
		if (rc == 0 && drop) {
			/* TRANSLATORS: followed by a part of the search, then a
			 * link to the search without it */
			rc = sz_buf_printf(b, "%s <code>", _(L, "Without"));
			if (rc == 0)
				rc = view_escape(b, s[i].dropped);
			if (rc == 0)
				rc = sz_buf_puts(b, "</code>: <a href=\"");
		} else if (rc == 0) {
			rc = sz_buf_printf(b, "%s <a href=\"", _(L, "Did you mean"));
		}
		if (rc == 0)
			rc = search_link(pg, b, s[i].query, order);
		if (rc == 0)
			rc = sz_buf_puts(b, "\">");
		if (rc == 0)
			rc = view_escape(b, s[i].query);
		/* TRANSLATORS: ends the question "Did you mean ...?" */
		if (rc == 0)
			rc = sz_buf_printf(b, "</a>%s <span class=\"meta\">(",
				drop ? "" : _(L, "?"));
		if (rc == 0 && s[i].estimated)
			rc = sz_buf_printf(b, NG_(L, "about %lld result",
				"about %lld results", (unsigned long)s[i].total),
				(long long)s[i].total);
		else if (rc == 0)
			rc = sz_buf_printf(b, NG_(L, "%lld result", "%lld results",
				(unsigned long)s[i].total), (long long)s[i].total);
		if (rc == 0)
			rc = sz_buf_puts(b, ")</span></li>");
	}
	if (rc == 0)
		rc = sz_buf_printf(b, "<li>%s (<code>contract*</code>).</li></ul>"
			"</div>\n", _(L, "Fewer or other words find more; a word with "
			"a * finds the words it begins"));
	return rc;
}

/* A static copy's search page: what it cannot do, and where to look. */
static int copy_search(struct sz_page *pg)
{
	struct sz_buf *b = pg->out;
	const struct sz_lang *L = pg->lang;
	/* TRANSLATORS: the title of the search page */
	int rc = view_begin(pg, C_(L, "title", "Search"));
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>%s</h1>\n<p class=\"notice\">%s</p>\n"
			"<ul class=\"docs\">\n<li><a href=\"",
			C_(L, "title", "Search"), _(L, "This is a copy of the "
			"archive, made to be read anywhere: on a mirror, from a disk, "
			"through a torrent. A copy cannot search: searching needs the "
			"archive's live site. Here, the indexes lead to every "
			"document and e-mail."));
	if (rc == 0)
		rc = view_link(pg, b, "/");
	if (rc == 0)
		rc = sz_buf_printf(b, "\">%s</a></li>\n<li><a href=\"%s/browse/"
			"months%s\">%s</a></li>\n<li><a href=\"%s/browse/senders%s\">%s"
			"</a></li>\n<li><a href=\"%s/browse/recipients%s\">%s</a></li>\n"
			"</ul>\n", _(L, "Releases"), pg->base, pg->suffix,
			_(L, "E-mails by month"), pg->base, pg->suffix, _(L, "Senders"),
			pg->base, pg->suffix, _(L, "Recipients"));
	return rc ? rc : view_end(pg);
}

int page_search(struct sz_page *pg, const struct sz_page_args *a)
{
	struct sz_archive *arch = pg->site->archive;
	const char *q = a->query;
	enum sz_archive_order order = view_order_of(a->sort);
	if (!view_searchable(pg))
		return copy_search(pg);
	struct sz_buf *b = pg->out;
	const struct sz_lang *L = pg->lang;
	int rc = view_begin(pg, q && q[0] ? q : C_(L, "title", "Search"));
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>%s</h1>\n", C_(L, "title", "Search"));
	if (rc != 0 || q == NULL || q[0] == 0)
		return rc ? rc : (rc = help(pg, true)) ? rc : view_end(pg);

	struct sz_query sq;
	struct sz_archive_query aq;
	struct sz_search_result res;
	struct sz_err err;
	memset(&res, 0, sizeof(res));
	if (sz_query_parse(&sq, q, strlen(q)) != 0) {
		/* Explained, with how to write it: not "0 results". */
		rc = sz_buf_printf(b, "<div class=\"notice\" id=\"not-understood\">"
			"<p>%s ", _(L, "This search could not be understood:"));
		if (rc == 0)
			rc = view_escape(b, _(L, sq.error));   /* marked N_() */
		if (rc == 0)
			rc = sz_buf_puts(b, "</p></div>\n");
		if (rc == 0)
			rc = help(pg, true);
		sz_query_free(&sq);
		return rc ? rc : view_end(pg);
	}
	const struct sz_discussion *disc = pg->site->discussion;
	if (sq.posts) {
		/* type:post, by:NAME: the discussion alone */
		rc = disc ? disc->search(disc, a->viewer, &sq, q, pg->number, true,
			pg->base, b) : sz_buf_printf(b, "<p class=\"notice\">%s</p>\n",
			_(L, "There is no discussion here to search."));
		sz_query_free(&sq);
		return rc ? rc : view_end(pg);
	}
	sz_query_to_archive(&sq, pg->site->drafts, &aq);
	aq.order = order;
	aq.time_ms = pg->site->search_ms;
	pg->sort = order == SZ_ORDER_RELEVANCE ? NULL : order_names[order];
	rc = notes(pg, &sq);
	int src = rc ? 0 : arch->ops->search(arch, &aq, view_offset(pg),
		SZ_PAGES_PER_PAGE, &res, &err);
	if (src != 0) {
		rc = sz_buf_puts(b, "<p class=\"notice\" id=\"advice\">");
		if (rc == 0)
			rc = view_escape(b, src == SZ_E_LIMIT ? err.msg : _(L, "The "
				"search could not run; try fewer or simpler words."));
		if (rc == 0)
			rc = sz_buf_puts(b, "</p>\n");
		sz_query_free(&sq);
		return rc ? rc : view_end(pg);
	}
	if (rc == 0)
		rc = sz_buf_puts(b, "<p class=\"count\">");
	if (rc == 0 && res.estimated)
		rc = sz_buf_printf(b, NG_(L, "about %lld result",
			"about %lld results", (unsigned long)res.total),
			(long long)res.total);
	else if (rc == 0)
		rc = sz_buf_printf(b, NG_(L, "%lld result", "%lld results",
			(unsigned long)res.total), (long long)res.total);
	if (rc == 0)
		rc = sz_buf_puts(b, "</p>\n");
	if (rc == 0 && res.total == 0)
		rc = suggestions(pg, q, &sq, &aq, order);
	if (rc == 0 && res.total > 1)
		rc = sort_links(pg, q, order);
	if (rc == 0 && !res.ranked && res.total > 0)
		rc = sz_buf_printf(b, "<p class=\"note\">%s</p>\n",
			order == SZ_ORDER_RELEVANCE ? _(L, "Too many matches to rank "
			"by relevance: the last added come first. Add words or filters "
			"to narrow the search.") : order == SZ_ORDER_OLDEST ?
			_(L, "Too many matches to sort by date: the first added come "
			"first. Add words or filters to narrow the search.") :
			_(L, "Too many matches to sort by date: the last added come "
			"first. Add words or filters to narrow the search."));
	if (rc == 0 && res.faceted)
		rc = facets(pg, q, &sq, &res, order);
	if (rc == 0 && res.nhits > 0)
		rc = sz_buf_puts(b, "<ol class=\"results docs\">\n");
	for (size_t i = 0; rc == 0 && i < res.nhits; i++)
		rc = view_doc_item(pg, &res.hits[i].doc, res.hits[i].snippet);
	if (rc == 0 && res.nhits > 0)
		rc = sz_buf_puts(b, "</ol>\n");
	if (rc == 0 && res.nhits == 0 && res.total > 0)
		rc = sz_buf_printf(b, "<p>%s</p>\n", _(L, "No results on this page."));
	if (rc == 0)
		rc = view_pager(pg, "/search", q, res.total);
	if (rc == 0)
		rc = help(pg, false);
	if (rc == 0 && disc && pg->number == 1)
		rc = disc->search(disc, a->viewer, &sq, q, 1, false, pg->base, b);
	sz_search_result_free(&res);
	sz_query_free(&sq);
	return rc ? rc : view_end(pg);
}
