/*
 * search.c - /search?q=...: results ranked by BM25 with the matched words
 * highlighted, the count, facets by release and type, and pages.  A query
 * that cannot be understood gets the translator's advice, not an error.
 */
#include <stdio.h>
#include <string.h>

#include "search/query.h"
#include "web/archive/view.h"

static const char help[] =
	"<details class=\"help\"><summary>How to search</summary><ul>"
	"<li><code>bridge invoice</code>: both words</li>"
	"<li><code>\"double payment\"</code>: the words together</li>"
	"<li><code>-draft</code>: without the word</li>"
	"<li><code>contract*</code>: words starting with it</li>"
	"<li><code>invoice OR receipt</code>: either word</li>"
	"<li><code>from:anna</code>, <code>to:press@example.net</code>, "
	"<code>from:ministry.example</code>: sender, recipient (a name, an "
	"address or a domain)</li>"
	"<li><code>type:pdf</code>, <code>type:email</code>, "
	"<code>release:3</code></li>"
	"<li><code>after:2024-01 before:2024-03-15</code>: e-mail dates</li>"
	"<li><code>type:post</code>, <code>by:anna</code>: the discussion's "
	"posts (by a member)</li>"
	"<li><code>signed:pgp</code>, <code>signed:dkim</code>: signed e-mails; "
	"<code>verified:pgp</code>, <code>verified:dkim</code>: those whose "
	"signature verified</li>"
	"</ul></details>\n";

/* A facet link: the current query with one filter added. */
static int facet(struct sz_buf *b, const char *prefix, const char *q,
	const char *add, const char *label, int64_t count)
{
	int rc = sz_buf_printf(b, "<li><a href=\"%s/search?q=", prefix);
	struct sz_buf nq;
	sz_buf_init(&nq, 2 * SZ_QUERY_MAX);
	if (rc == 0)
		rc = sz_buf_printf(&nq, "%s %s", q, add);
	if (rc == 0)
		rc = view_urlencode(b, (const char *)nq.data);
	sz_buf_free(&nq);
	if (rc == 0)
		rc = sz_buf_puts(b, "\">");
	if (rc == 0)
		rc = view_escape(b, label);
	return rc ? rc : sz_buf_printf(b, "</a> (%lld)</li>", (long long)count);
}

/* A static copy's search page: what it cannot do, and where to look. */
static int copy_search(struct sz_page *pg)
{
	struct sz_buf *b = pg->out;
	int rc = view_begin(pg, "Search");
	if (rc == 0)
		rc = sz_buf_puts(b, "<h1>Search</h1>\n<p class=\"notice\">This is a "
			"copy of the archive, made to be read anywhere: on a mirror, "
			"from a disk, through a torrent. A copy cannot search: "
			"searching needs the archive's live site. Here, the indexes "
			"lead to every document and e-mail.</p>\n<ul class=\"docs\">\n"
			"<li><a href=\"");
	if (rc == 0)
		rc = view_link(pg, b, "/");
	if (rc == 0)
		rc = sz_buf_printf(b, "\">Releases</a></li>\n<li><a href=\"%s/browse/"
			"months%s\">E-mails by month</a></li>\n<li><a href=\"%s/browse/"
			"senders%s\">Senders</a></li>\n<li><a href=\"%s/browse/"
			"recipients%s\">Recipients</a></li>\n</ul>\n", pg->base,
			pg->suffix, pg->base, pg->suffix, pg->base, pg->suffix);
	return rc ? rc : view_end(pg);
}

int page_search(struct sz_page *pg, const struct sz_page_args *a)
{
	struct sz_archive *arch = pg->site->archive;
	const char *q = a->query;
	if (!view_searchable(pg))
		return copy_search(pg);
	struct sz_buf *b = pg->out;
	int rc = view_begin(pg, q && q[0] ? q : "Search");
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>Search</h1>\n<form method=\"get\" action="
			"\"%s/search\"><input type=\"search\" name=\"q\" size=\"50\" "
			"aria-label=\"Search\" value=\"", pg->base);
	if (rc == 0)
		rc = view_escape(b, q ? q : "");
	if (rc == 0)
		rc = sz_buf_puts(b, "\"> <button>Search</button></form>\n");
	if (rc == 0)
		rc = sz_buf_puts(b, help);
	if (rc != 0 || q == NULL || q[0] == 0)
		return rc ? rc : view_end(pg);

	struct sz_query sq;
	struct sz_archive_query aq;
	struct sz_search_result res;
	struct sz_err err;
	memset(&res, 0, sizeof(res));
	if (sz_query_parse(&sq, q, strlen(q)) != 0) {
		rc = sz_buf_puts(b, "<p class=\"notice\">");
		if (rc == 0)
			rc = view_escape(b, sq.error);
		if (rc == 0)
			rc = sz_buf_puts(b, "</p>\n");
		sz_query_free(&sq);
		return rc ? rc : view_end(pg);
	}
	const struct sz_discussion *disc = pg->site->discussion;
	if (sq.posts) {
		/* type:post, by:NAME: the discussion alone */
		rc = disc ? disc->search(disc, a->viewer, &sq, q, pg->number, true,
			pg->base, b) : sz_buf_puts(b, "<p class=\"notice\">There is "
			"no discussion here to search.</p>\n");
		sz_query_free(&sq);
		return rc ? rc : view_end(pg);
	}
	sz_query_to_archive(&sq, pg->site->drafts, &aq);
	aq.time_ms = pg->site->search_ms;
	int src = arch->ops->search(arch, &aq, view_offset(pg),
		SZ_PAGES_PER_PAGE, &res, &err);
	if (src != 0) {
		rc = sz_buf_puts(b, "<p class=\"notice\" id=\"advice\">");
		if (rc == 0)
			rc = view_escape(b, src == SZ_E_LIMIT ? err.msg : "The search "
				"could not run; try fewer or simpler words.");
		if (rc == 0)
			rc = sz_buf_puts(b, "</p>\n");
		sz_query_free(&sq);
		return rc ? rc : view_end(pg);
	}
	rc = sz_buf_printf(b, "<p class=\"count\">%lld result%s</p>\n",
		(long long)res.total, res.total == 1 ? "" : "s");
	if (rc == 0 && !res.ranked && res.total > 0)
		rc = sz_buf_puts(b, "<p class=\"note\">Too many matches to rank by "
			"relevance: the newest come first. Add words or filters to "
			"narrow the search.</p>\n");
	if (rc == 0 && (res.nrelease > 1 || res.ntype > 1)) {
		rc = sz_buf_puts(b, "<aside class=\"facets\">");
		if (rc == 0 && res.nrelease > 1) {
			rc = sz_buf_puts(b, "<h2>By release</h2><ul>");
			for (size_t i = 0; rc == 0 && i < res.nrelease; i++) {
				char add[40];
				snprintf(add, sizeof(add), "release:%lld",
					(long long)res.by_release[i].id);
				rc = facet(b, pg->base, q, add, res.by_release[i].key,
					res.by_release[i].count);
			}
			if (rc == 0)
				rc = sz_buf_puts(b, "</ul>");
		}
		if (rc == 0 && res.ntype > 1) {
			rc = sz_buf_puts(b, "<h2>By type</h2><ul>");
			for (size_t i = 0; rc == 0 && i < res.ntype; i++) {
				char add[sizeof(res.by_type[i].key) + 8];
				snprintf(add, sizeof(add), "type:%s", res.by_type[i].key);
				rc = facet(b, pg->base, q, add, res.by_type[i].key,
					res.by_type[i].count);
			}
			if (rc == 0)
				rc = sz_buf_puts(b, "</ul>");
		}
		if (rc == 0)
			rc = sz_buf_puts(b, "</aside>\n");
	}
	if (rc == 0 && res.nhits > 0)
		rc = sz_buf_puts(b, "<ol class=\"results docs\">\n");
	for (size_t i = 0; rc == 0 && i < res.nhits; i++)
		rc = view_doc_item(pg, &res.hits[i].doc, res.hits[i].snippet);
	if (rc == 0 && res.nhits > 0)
		rc = sz_buf_puts(b, "</ol>\n");
	if (rc == 0 && res.nhits == 0 && res.total > 0)
		rc = sz_buf_puts(b, "<p>No results on this page.</p>\n");
	if (rc == 0)
		rc = view_pager(pg, "/search", q, res.total);
	if (rc == 0 && disc && pg->number == 1)
		rc = disc->search(disc, a->viewer, &sq, q, 1, false, pg->base, b);
	sz_search_result_free(&res);
	sz_query_free(&sq);
	return rc ? rc : view_end(pg);
}
