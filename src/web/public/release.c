/* release.c - one release: its introduction, documents and e-mails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/html.h"
#include "web/public/public.h"

static int list(struct sz_request *rq, int64_t id, bool email, size_t page,
	const char *heading)
{
	struct sz_public_app *app = rq->app;
	struct sz_doc_row *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	struct sz_err err;
	size_t offset = (page - 1) * SZ_PUBLIC_PAGE_SIZE;
	if (app->archive->ops->doc_list(app->archive, id, email, offset,
	    SZ_PUBLIC_PAGE_SIZE, &rows, &n, &total, &err) != 0)
		return SZ_E_IO;
	struct sz_buf *b = &rq->page;
	int rc = 0;
	if (total > 0) {
		rc = sz_buf_printf(b, "<h2>%s (%lld)</h2>\n<ul class=\"docs\">\n",
			heading, (long long)total);
		for (size_t i = 0; rc == 0 && i < n; i++)
			rc = view_doc_item(b, app, &rows[i], NULL);
		if (rc == 0 && n == 0)
			rc = sz_buf_puts(b, "<li>Nothing on this page.</li>\n");
		if (rc == 0)
			rc = sz_buf_puts(b, "</ul>\n");
		char base[64];
		snprintf(base, sizeof(base), "%s/release/%lld", app->prefix,
			(long long)id);
		if (rc == 0)
			rc = view_pager(b, base, page, total);
	}
	sz_doc_rows_free(rows, n);
	return rc;
}

int sz_public_release(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	int64_t id = view_id(rq, "/release/");
	struct sz_release_row r;
	struct sz_err err;
	if (id == 0 || app->archive->ops->release_get(app->archive, id, &r,
	    &err) != 0)
		return view_not_found(rq, "There is no such release.");
	if (r.state != SZ_RELEASE_PUBLISHED && !app->drafts) {
		free(r.intro);
		return view_not_found(rq, "There is no such release.");
	}
	size_t page;
	view_page(rq, &page);
	struct sz_buf *b = &rq->page;
	int rc = view_begin(rq, r.title);
	if (rc == 0)
		rc = sz_buf_puts(b, "<h1>");
	if (rc == 0)
		rc = view_escape(b, r.title);
	if (rc == 0)
		rc = sz_buf_printf(b, "</h1>\n<p class=\"meta\">Released %s%s · "
			"<a href=\"%s/search?q=release:%lld\">search this release</a>"
			"</p>\n<div class=\"intro\"><p>", r.day,
			r.state == SZ_RELEASE_DRAFT ? " · draft, not public" : "",
			app->prefix, (long long)id);
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
		rc = list(rq, id, false, page, "Documents");
	if (rc == 0)
		rc = list(rq, id, true, page, "E-mails");
	if (rc == 0)
		rc = view_end(rq);
	free(r.intro);
	return rc;
}
