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

/* "March 2024" for "2024-03" in the page's language (the key itself if
 * it is not a month): whole phrases per month, since languages place the
 * year and inflect the month differently ("2024年3月", "март 2024"). */
static void month_name(const struct sz_page *pg, const char *key, char *out,
	size_t cap)
{
	const struct sz_lang *L = pg->lang;
	int64_t start, end;
	struct tm tm;
	time_t t;
	int n = -1;
	if (!sz_archive_month_range(key, &start, &end) ||
	    (t = (time_t)start, gmtime_r(&t, &tm) == NULL)) {
		snprintf(out, cap, "%s", key);
		return;
	}
	int y = tm.tm_year + 1900;
	/* TRANSLATORS: a month of a year, as the title of a list of e-mails;
	 * %d is the year */
	switch (tm.tm_mon) {
	case 0: n = snprintf(out, cap, _(L, "January %d"), y); break;
	case 1: n = snprintf(out, cap, _(L, "February %d"), y); break;
	case 2: n = snprintf(out, cap, _(L, "March %d"), y); break;
	case 3: n = snprintf(out, cap, _(L, "April %d"), y); break;
	case 4: n = snprintf(out, cap, _(L, "May %d"), y); break;
	case 5: n = snprintf(out, cap, _(L, "June %d"), y); break;
	case 6: n = snprintf(out, cap, _(L, "July %d"), y); break;
	case 7: n = snprintf(out, cap, _(L, "August %d"), y); break;
	case 8: n = snprintf(out, cap, _(L, "September %d"), y); break;
	case 9: n = snprintf(out, cap, _(L, "October %d"), y); break;
	case 10: n = snprintf(out, cap, _(L, "November %d"), y); break;
	case 11: n = snprintf(out, cap, _(L, "December %d"), y); break;
	default: break;
	}
	if (n < 0)
		snprintf(out, cap, "%s", key);
}

/* An index entry's count: "</a> 3 e-mails", closing its line. */
static int count_line(struct sz_page *pg, int64_t count)
{
	int rc = sz_buf_puts(pg->out, "</a> <span class=\"meta\">");
	if (rc == 0)
		rc = sz_buf_printf(pg->out, NG_(pg->lang, "%lld e-mail",
			"%lld e-mails", (unsigned long)count), (long long)count);
	return rc ? rc : sz_buf_puts(pg->out, "</span></li>\n");
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
	const struct sz_lang *L = pg->lang;
	rc = view_begin(pg, _(L, "Browse the archive"));
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>%s</h1>\n<ul class=\"docs\">\n<li><a "
			"href=\"", _(L, "Browse the archive"));
	if (rc == 0)
		rc = view_link(pg, b, "/");
	if (rc == 0)
		rc = sz_buf_printf(b, "\">%s</a> <span class=\"meta\">",
			_(L, "Releases"));
	if (rc == 0)
		rc = sz_buf_printf(b, NG_(L, "%lld, newest first",
			"%lld, newest first", (unsigned long)releases),
			(long long)releases);
	if (rc == 0)
		rc = sz_buf_printf(b, "</span></li>\n<li><a href=\"%s/browse/months"
			"%s\">%s</a> <span class=\"meta\">", pg->base, pg->suffix,
			_(L, "E-mails by month"));
	if (rc == 0)
		rc = sz_buf_printf(b, NG_(L, "%lld month", "%lld months",
			(unsigned long)months), (long long)months);
	if (rc == 0)
		rc = sz_buf_printf(b, "</span></li>\n<li><a href=\"%s/browse/senders"
			"%s\">%s</a> <span class=\"meta\">%lld</span></li>\n<li><a "
			"href=\"%s/browse/recipients%s\">%s</a> <span class=\"meta\">"
			"%lld</span></li>\n", pg->base, pg->suffix,
			_(L, "Senders"), (long long)senders, pg->base, pg->suffix,
			_(L, "Recipients"), (long long)recipients);
	if (rc == 0 && pg->site->discussion != NULL)
		rc = sz_buf_printf(b, "<li><a href=\"%s/forum%s\">%s</a></li>\n",
			pg->base, pg->suffix, _(L, "The discussion's boards"));
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
	const struct sz_lang *L = pg->lang;
	int rc = view_begin(pg, _(L, "E-mails by month"));
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>%s</h1>\n<p class=\"meta\">",
			_(L, "E-mails by month"));
	if (rc == 0)
		rc = sz_buf_printf(b, NG_(L, "%lld month, newest first, by the date "
			"each e-mail gives", "%lld months, newest first, by the date "
			"each e-mail gives", (unsigned long)total), (long long)total);
	if (rc == 0)
		rc = sz_buf_puts(b, "</p>\n<ul class=\"docs\">\n");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char name[64];
		month_name(pg, rows[i].key, name, sizeof(name));
		rc = sz_buf_printf(b, "<li><a href=\"%s/browse/month/", pg->base);
		if (rc == 0)
			rc = view_key(pg, b, rows[i].key);
		if (rc == 0)
			rc = sz_buf_printf(b, "%s\">", pg->suffix);
		if (rc == 0)
			rc = view_escape(b, name);
		if (rc == 0)
			rc = count_line(pg, rows[i].count);
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
		return view_not_found(pg, N_("The archive has no e-mails from that "
			"month."));
	}
	char name[64], path[64];
	month_name(pg, a->key, name, sizeof(name));
	struct sz_buf *b = pg->out;
	const struct sz_lang *L = pg->lang;
	int rc = view_begin(pg, name);
	/* TRANSLATORS: a heading, followed by a month ("March 2024") */
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>%s ", _(L, "E-mails of"));
	if (rc == 0)
		rc = view_escape(b, name);
	if (rc == 0)
		rc = sz_buf_puts(b, "</h1>\n<p class=\"meta\">");
	if (rc == 0)
		rc = sz_buf_printf(b, NG_(L, "%lld e-mail, oldest first",
			"%lld e-mails, oldest first", (unsigned long)total),
			(long long)total);
	if (rc == 0)
		rc = sz_buf_printf(b, " · <a href=\"%s/browse/months%s\">%s</a></p>\n"
			"<ul class=\"docs\">\n", pg->base, pg->suffix,
			_(L, "all months"));
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
	const struct sz_lang *L = pg->lang;
	heading = sz_tr(L, heading);
	int rc = view_begin(pg, heading);
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>%s</h1>\n<p class=\"meta\">", heading);
	if (rc == 0)
		rc = sz_buf_printf(b, NG_(L, "%lld address, in alphabetical order",
			"%lld addresses, in alphabetical order", (unsigned long)total),
			(long long)total);
	if (rc == 0)
		rc = sz_buf_puts(b, "</p>\n<ul class=\"docs\">\n");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = sz_buf_printf(b, "<li><a href=\"%s/%s/", pg->base, role);
		if (rc == 0)
			rc = view_key(pg, b, rows[i].key);
		if (rc == 0)
			rc = sz_buf_printf(b, "%s\">", pg->suffix);
		if (rc == 0)
			rc = view_escape(b, rows[i].key);
		if (rc == 0)
			rc = count_line(pg, rows[i].count);
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
	return address_index(pg, "from", N_("Senders"), "/browse/senders");
}

int page_recipients(struct sz_page *pg, const struct sz_page_args *a)
{
	(void)a;
	return address_index(pg, "to", N_("Recipients"), "/browse/recipients");
}
