/*
 * browse.c - the browse indexes: a page that lists them, the months with
 * e-mails and the e-mails of one month, and every sender and recipient
 * with their counts.  On a live face they sit beside search; in a static
 * copy, which cannot search, they are how a reader finds things.
 *
 * It does not rank or filter: that is search's (search.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/archive/view.h"

static size_t index_offset(const struct sz_page *pg)
{
	return (pg->number - 1) * SZ_PAGES_INDEX_PER_PAGE;
}

/* "March 2024" for "2024-03" (the key itself if it is not a month). */
static void month_name(const char *key, char *out, size_t cap)
{
	int64_t start, end;
	struct tm tm;
	time_t t;
	if (!sz_archive_month_range(key, &start, &end) ||
	    (t = (time_t)start, gmtime_r(&t, &tm) == NULL) ||
	    strftime(out, cap, "%B %Y", &tm) == 0)
		snprintf(out, cap, "%s", key);
}

int page_browse(struct sz_page *pg, const struct sz_page_args *a)
{
	(void)a;
	struct sz_archive *arch = pg->site->archive;
	struct sz_release_row *rel = NULL;
	struct sz_count_row *rows = NULL;
	size_t n = 0;
	int64_t releases = 0, months = 0, senders = 0, recipients = 0;
	struct sz_err err;
	int rc = arch->ops->release_list(arch, pg->site->drafts, 0, 1, &rel, &n,
		&releases, &err);
	sz_release_rows_free(rel, n);
	if (rc == 0)
		rc = arch->ops->months(arch, pg->site->drafts, 0, 1, &rows, &n,
			&months, &err);
	free(rows);
	rows = NULL;
	if (rc == 0)
		rc = arch->ops->addresses(arch, "from", pg->site->drafts, 0, 1,
			&rows, &n, &senders, &err);
	free(rows);
	rows = NULL;
	if (rc == 0)
		rc = arch->ops->addresses(arch, "to", pg->site->drafts, 0, 1, &rows,
			&n, &recipients, &err);
	free(rows);
	if (rc != 0)
		return SZ_E_IO;
	struct sz_buf *b = pg->out;
	rc = view_begin(pg, "Browse the archive");
	if (rc == 0)
		rc = sz_buf_puts(b, "<h1>Browse the archive</h1>\n<ul class=\"docs\">"
			"\n<li><a href=\"");
	if (rc == 0)
		rc = view_link(pg, b, "/");
	if (rc == 0)
		rc = sz_buf_printf(b, "\">Releases</a> <span class=\"meta\">%lld, "
			"newest first</span></li>\n<li><a href=\"%s/browse/months%s\">"
			"E-mails by month</a> <span class=\"meta\">%lld month%s</span>"
			"</li>\n<li><a href=\"%s/browse/senders%s\">Senders</a> <span "
			"class=\"meta\">%lld</span></li>\n<li><a href=\"%s/browse/"
			"recipients%s\">Recipients</a> <span class=\"meta\">%lld</span>"
			"</li>\n", (long long)releases, pg->base, pg->suffix,
			(long long)months, months == 1 ? "" : "s", pg->base, pg->suffix,
			(long long)senders, pg->base, pg->suffix,
			(long long)recipients);
	if (rc == 0 && pg->site->discussion != NULL)
		rc = sz_buf_printf(b, "<li><a href=\"%s/forum%s\">The discussion's "
			"boards</a></li>\n", pg->base, pg->suffix);
	if (rc == 0)
		rc = sz_buf_puts(b, "</ul>\n");
	return rc ? rc : view_end(pg);
}

int page_months(struct sz_page *pg, const struct sz_page_args *a)
{
	(void)a;
	struct sz_archive *arch = pg->site->archive;
	struct sz_count_row *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	struct sz_err err;
	if (arch->ops->months(arch, pg->site->drafts, index_offset(pg),
	    SZ_PAGES_INDEX_PER_PAGE, &rows, &n, &total, &err) != 0)
		return SZ_E_IO;
	struct sz_buf *b = pg->out;
	int rc = view_begin(pg, "E-mails by month");
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>E-mails by month</h1>\n<p class=\"meta\">"
			"%lld month%s, newest first, by the date each e-mail gives"
			"</p>\n<ul class=\"docs\">\n", (long long)total,
			total == 1 ? "" : "s");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char name[64];
		month_name(rows[i].key, name, sizeof(name));
		rc = sz_buf_printf(b, "<li><a href=\"%s/browse/month/", pg->base);
		if (rc == 0)
			rc = view_key(pg, b, rows[i].key);
		if (rc == 0)
			rc = sz_buf_printf(b, "%s\">", pg->suffix);
		if (rc == 0)
			rc = view_escape(b, name);
		if (rc == 0)
			rc = sz_buf_printf(b, "</a> <span class=\"meta\">%lld e-mail%s"
				"</span></li>\n", (long long)rows[i].count,
				rows[i].count == 1 ? "" : "s");
	}
	if (rc == 0)
		rc = sz_buf_puts(b, "</ul>\n");
	if (rc == 0)
		rc = view_pager_of(pg, "/browse/months", NULL, total,
			SZ_PAGES_INDEX_PER_PAGE);
	free(rows);
	return rc ? rc : view_end(pg);
}

int page_month(struct sz_page *pg, const struct sz_page_args *a)
{
	struct sz_archive *arch = pg->site->archive;
	struct sz_doc_row *rows = NULL;
	size_t n = 0;
	int64_t total = 0, start, end;
	struct sz_err err;
	if (!sz_archive_month_range(a->key, &start, &end) ||
	    arch->ops->by_month(arch, a->key, pg->site->drafts, view_offset(pg),
		    SZ_PAGES_PER_PAGE, &rows, &n, &total, &err) != 0 ||
	    total == 0) {
		sz_doc_rows_free(rows, n);
		return view_not_found(pg, "The archive has no e-mails from that "
			"month.");
	}
	char name[64], path[64];
	month_name(a->key, name, sizeof(name));
	struct sz_buf *b = pg->out;
	int rc = view_begin(pg, name);
	if (rc == 0)
		rc = sz_buf_puts(b, "<h1>E-mails of ");
	if (rc == 0)
		rc = view_escape(b, name);
	if (rc == 0)
		rc = sz_buf_printf(b, "</h1>\n<p class=\"meta\">%lld e-mail%s, oldest "
			"first · <a href=\"%s/browse/months%s\">all months</a></p>\n"
			"<ul class=\"docs\">\n", (long long)total, total == 1 ? "" : "s",
			pg->base, pg->suffix);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = view_doc_item(pg, &rows[i], NULL);
	if (rc == 0)
		rc = sz_buf_puts(b, "</ul>\n");
	snprintf(path, sizeof(path), "/browse/month/%.7s", a->key);
	if (rc == 0)
		rc = view_pager(pg, path, NULL, total);
	sz_doc_rows_free(rows, n);
	return rc ? rc : view_end(pg);
}

/* Senders or recipients, each linked to its page of e-mails. */
static int address_index(struct sz_page *pg, const char *role,
	const char *heading, const char *path)
{
	struct sz_archive *arch = pg->site->archive;
	struct sz_count_row *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	struct sz_err err;
	if (arch->ops->addresses(arch, role, pg->site->drafts, index_offset(pg),
	    SZ_PAGES_INDEX_PER_PAGE, &rows, &n, &total, &err) != 0)
		return SZ_E_IO;
	struct sz_buf *b = pg->out;
	int rc = view_begin(pg, heading);
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>%s</h1>\n<p class=\"meta\">%lld "
			"address%s, in alphabetical order</p>\n<ul class=\"docs\">\n",
			heading, (long long)total, total == 1 ? "" : "es");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = sz_buf_printf(b, "<li><a href=\"%s/%s/", pg->base, role);
		if (rc == 0)
			rc = view_key(pg, b, rows[i].key);
		if (rc == 0)
			rc = sz_buf_printf(b, "%s\">", pg->suffix);
		if (rc == 0)
			rc = view_escape(b, rows[i].key);
		if (rc == 0)
			rc = sz_buf_printf(b, "</a> <span class=\"meta\">%lld e-mail%s"
				"</span></li>\n", (long long)rows[i].count,
				rows[i].count == 1 ? "" : "s");
	}
	if (rc == 0)
		rc = sz_buf_puts(b, "</ul>\n");
	if (rc == 0)
		rc = view_pager_of(pg, path, NULL, total, SZ_PAGES_INDEX_PER_PAGE);
	free(rows);
	return rc ? rc : view_end(pg);
}

int page_senders(struct sz_page *pg, const struct sz_page_args *a)
{
	(void)a;
	return address_index(pg, "from", "Senders", "/browse/senders");
}

int page_recipients(struct sz_page *pg, const struct sz_page_args *a)
{
	(void)a;
	return address_index(pg, "to", "Recipients", "/browse/recipients");
}
