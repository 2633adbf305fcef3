/* release.c - one release: its introduction, documents and e-mails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/archive/view.h"

static int list(struct sz_page *pg, int64_t id, bool email,
	const char *heading)
{
	struct sz_archive *arch = pg->site->archive;
	struct sz_doc_row *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	struct sz_err err;
	if (arch->ops->doc_list(arch, id, email, view_offset(pg),
	    SZ_PAGES_PER_PAGE, &rows, &n, &total, &err) != 0)
		return SZ_E_IO;
	struct sz_buf *b = pg->out;
	int rc = 0;
	if (total > 0) {
		rc = sz_buf_printf(b, "<h2>%s (%lld)</h2>\n<ul class=\"docs\">\n",
			_(pg->lang, heading), (long long)total);
		for (size_t i = 0; rc == 0 && i < n; i++)
			rc = view_doc_item(pg, &rows[i], NULL);
		if (rc == 0 && n == 0)
			rc = sz_buf_printf(b, "<li>%s</li>\n",
				_(pg->lang, "Nothing on this page."));
		if (rc == 0)
			rc = sz_buf_puts(b, "</ul>\n");
		char path[64];
		snprintf(path, sizeof(path), "/release/%lld", (long long)id);
		if (rc == 0)
			rc = view_pager(pg, path, NULL, total);
	}
	sz_doc_rows_free(rows, n);
	return rc;
}

int page_release(struct sz_page *pg, const struct sz_page_args *a)
{
	struct sz_archive *arch = pg->site->archive;
	int64_t id = a->id;
	struct sz_release_row r;
	struct sz_err err;
	memset(&r, 0, sizeof(r));
	if (id == 0 || arch->ops->release_get(arch, id, &r, &err) != 0)
		return view_not_found(pg, N_("There is no such release."));
	if (r.state != SZ_RELEASE_PUBLISHED && !pg->site->drafts) {
		free(r.intro);
		return view_not_found(pg, N_("There is no such release."));
	}
	struct sz_buf *b = pg->out;
	const struct sz_lang *L = pg->lang;
	pg->release = id;
	pg->draft = r.state != SZ_RELEASE_PUBLISHED;
	int rc = view_begin(pg, r.title);
	if (rc == 0)
		rc = sz_buf_puts(b, "<h1>");
	if (rc == 0)
		rc = view_escape(b, r.title);
	if (rc == 0)
		rc = sz_buf_puts(b, "</h1>\n<p class=\"meta\">");
	if (rc == 0)
		rc = sz_buf_printf(b, _(L, "Released %s"), r.day);
	if (rc == 0 && r.state == SZ_RELEASE_DRAFT)
		rc = sz_buf_printf(b, " · %s", _(L, "draft, not public"));
	if (rc == 0 && view_searchable(pg))
		rc = sz_buf_printf(b, " · <a href=\"%s/search?q=release:%lld\">"
			"%s</a>", pg->base, (long long)id, _(L, "search this release"));
	if (rc == 0)
		rc = sz_buf_puts(b, "</p>\n<div class=\"intro\"><p>");
	/* The introduction: paragraphs at blank lines. */
	for (const char *p = r.intro; rc == 0 && *p; p++) {
		if (p[0] == '\n' && p[1] == '\n') {
			rc = sz_buf_puts(b, "</p>\n<p>");
			while (p[1] == '\n')
				p++;
			continue;
		}
		char one[2] = { *p, 0 };
		rc = view_escape(b, one);
	}
	if (rc == 0)
		rc = sz_buf_puts(b, "</p></div>\n");
	if (rc == 0)
		rc = list(pg, id, false, N_("Documents"));
	if (rc == 0)
		rc = list(pg, id, true, N_("E-mails"));
	if (rc == 0)
		rc = view_discussion(pg, a, SZ_DISCUSS_RELEASE, id, r.title);
	if (rc == 0)
		rc = view_end(pg);
	free(r.intro);
	return rc;
}
