/*
 * email.c - an e-mail's page (headers, body, attachments, its thread, the
 * SHA-256 of its raw bytes, whether its DKIM signature verified), its
 * thread, and the e-mails from or to one address.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/io.h"
#include "web/archive/view.h"

static const char *dkim_text(enum sz_dkim_state s)
{
	switch (s) {
	case SZ_DKIM_PASS: return "<span class=\"ok\">DKIM signature verified</span>";
	case SZ_DKIM_FAIL: return "<span class=\"bad\">DKIM signature failed</span>";
	case SZ_DKIM_UNKNOWN: return "DKIM signature could not be checked";
	default: return "not DKIM-signed (or not checked)";
	}
}

static int address_links(struct sz_page *pg, const char *role,
	const char *list)
{
	struct sz_buf *b = pg->out;
	/* "Name <a@b>, c@d" -> each address linked to its page */
	int rc = 0;
	char name[600], addr[600];
	for (bool first = true; rc == 0 && view_address_next(&list, name,
	    sizeof(name), addr, sizeof(addr)); first = false) {
		rc = sz_buf_printf(b, "%s<a href=\"%s/%s/", first ? "" : ", ",
			pg->base, role);
		if (rc == 0)
			rc = view_urlencode(b, addr);
		if (rc == 0)
			rc = sz_buf_printf(b, "%s\">", pg->suffix);
		if (rc == 0 && name[0]) {
			rc = view_escape(b, name);
			if (rc == 0)
				rc = sz_buf_puts(b, " &lt;");
		}
		if (rc == 0)
			rc = view_escape(b, addr);
		if (rc == 0 && name[0])
			rc = sz_buf_puts(b, "&gt;");
		if (rc == 0)
			rc = sz_buf_puts(b, "</a>");
	}
	return rc;
}

#define RAW_HEAD_MAX (64u << 10)   /* bytes of a raw message read for its
                                     header */

/* The Date field as the message carries it ("Tue, 5 Mar 2024 09:00:00
 * +0100"), from the raw message kept in the archive; "" if it has none
 * or cannot be read. */
static void original_date(struct sz_page *pg, const struct sz_doc_row *d,
	char *out, size_t cap)
{
	char path[4300];
	out[0] = 0;
	sz_archive_file_path(pg->site->archive, d->sha256, path, sizeof(path));
	char *head = malloc(RAW_HEAD_MAX);
	int fd = head ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	ssize_t n = fd >= 0 ? sz_read_full(fd, head, RAW_HEAD_MAX) : -1;
	if (fd >= 0)
		close(fd);
	if (n > 0)
		view_header_field(head, (size_t)n, "Date", out, cap);
	free(head);
}

static int doc_list(struct sz_page *pg, struct sz_doc_row *rows, size_t n,
	int64_t current)
{
	struct sz_buf *b = pg->out;
	int rc = sz_buf_puts(b, "<ul class=\"docs\">\n");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		if (rows[i].id == current) {
			rc = sz_buf_puts(b, "<li class=\"current\">");
			if (rc == 0)
				rc = view_escape(b, rows[i].title);
			if (rc == 0)
				rc = sz_buf_puts(b, " <span class=\"meta\">(this e-mail)"
					"</span></li>\n");
			continue;
		}
		if (!view_visible(pg, &rows[i]))
			continue;
		rc = view_doc_item(pg, &rows[i], NULL);
	}
	return rc ? rc : sz_buf_puts(b, "</ul>\n");
}

int page_email(struct sz_page *pg, const struct sz_page_args *args)
{
	struct sz_archive *a = pg->site->archive;
	struct sz_doc_row d;
	struct sz_err err;
	int64_t id = args->id;
	memset(&d, 0, sizeof(d));
	if (id == 0 || a->ops->doc_get(a, id, &d, &err) != 0)
		return view_not_found(pg, "There is no such e-mail.");
	if (!d.email || !view_visible(pg, &d)) {
		sz_doc_row_clear(&d);
		return view_not_found(pg, "There is no such e-mail.");
	}
	struct sz_buf *b = pg->out, text;
	sz_buf_init(&text, 2u << 20);
	a->ops->doc_text(a, d.id, &text, &err);
	char day[40], sent[200];
	view_date(d.date, day, sizeof(day));
	original_date(pg, &d, sent, sizeof(sent));
	pg->release = d.release_id;
	pg->draft = !d.published;
	int rc = view_begin(pg, d.title);
	if (rc == 0)
		rc = sz_buf_puts(b, "<h1>");
	if (rc == 0)
		rc = view_escape(b, d.title);
	if (rc == 0)
		rc = sz_buf_printf(b, "</h1>\n<p class=\"meta\"><a href=\"%s/release/"
			"%lld%s\">", pg->base, (long long)d.release_id, pg->suffix);
	if (rc == 0)
		rc = view_escape(b, d.release_title);
	if (rc == 0)
		rc = sz_buf_puts(b, "</a> · e-mail ");
	if (rc == 0)
		rc = view_escape(b, d.collection);
	if (rc == 0)
		rc = sz_buf_printf(b, " #%lld · %s</p>\n<dl class=\"headers\">"
			"<dt>From</dt><dd><a href=\"%s/from/", (long long)d.num,
			dkim_text(d.dkim), pg->base);
	if (rc == 0)
		rc = view_urlencode(b, d.from_addr);
	if (rc == 0)
		rc = sz_buf_printf(b, "%s\">", pg->suffix);
	if (rc == 0 && d.from_name[0]) {
		rc = view_escape(b, d.from_name);
		if (rc == 0)
			rc = sz_buf_puts(b, " &lt;");
	}
	if (rc == 0)
		rc = view_escape(b, d.from_addr);
	if (rc == 0)
		rc = sz_buf_printf(b, "%s</a></dd>", d.from_name[0] ? "&gt;" : "");
	if (rc == 0 && d.to[0]) {
		rc = sz_buf_puts(b, "<dt>To</dt><dd>");
		if (rc == 0)
			rc = address_links(pg, "to", d.to);
		if (rc == 0)
			rc = sz_buf_puts(b, "</dd>");
	}
	if (rc == 0 && d.cc[0]) {
		rc = sz_buf_puts(b, "<dt>Cc</dt><dd>");
		if (rc == 0)
			rc = address_links(pg, "to", d.cc);
		if (rc == 0)
			rc = sz_buf_puts(b, "</dd>");
	}
	/* As its author's software wrote it, with the time zone, and as the
	 * archive sorts it. */
	if (rc == 0 && sent[0]) {
		rc = sz_buf_puts(b, "<dt>Date</dt><dd><span class=\"sent\">");
		if (rc == 0)
			rc = view_escape(b, sent);
		if (rc == 0)
			rc = sz_buf_printf(b, "</span> <span class=\"meta\">(%s)</span>"
				"</dd>", day);
	} else if (rc == 0) {
		rc = sz_buf_printf(b, "<dt>Date</dt><dd>%s</dd>", day);
	}
	if (rc == 0 && d.dkim != SZ_DKIM_NONE) {
		rc = sz_buf_printf(b, "<dt>DKIM</dt><dd>%s: ", dkim_text(d.dkim));
		if (rc == 0)
			rc = view_escape(b, d.dkim_detail);
		if (rc == 0)
			rc = sz_buf_puts(b, "</dd>");
	}
	if (rc == 0 && d.message_id[0]) {
		rc = sz_buf_puts(b, "<dt>Message-ID</dt><dd><code>");
		if (rc == 0)
			rc = view_escape(b, d.message_id);
		if (rc == 0)
			rc = sz_buf_puts(b, "</code></dd>");
	}
	if (rc == 0)
		rc = sz_buf_printf(b, "<dt>SHA-256</dt><dd><code>%s</code> of the "
			"<a href=\"%s/file/%lld\">raw message</a> (%llu bytes, kept "
			"exactly as received)</dd></dl>\n<pre class=\"text\">", d.sha256,
			pg->base, (long long)d.id, (unsigned long long)d.size);
	if (rc == 0)
		rc = view_escape(b, text.data ? (const char *)text.data : "");
	if (rc == 0)
		rc = sz_buf_puts(b, "</pre>\n");
	struct sz_doc_row *rows = NULL;
	size_t n = 0;
	if (rc == 0 && a->ops->doc_children(a, d.id, &rows, &n, &err) == 0 &&
	    n > 0) {
		rc = sz_buf_printf(b, "<h2>Attachments (%zu)</h2>\n", n);
		if (rc == 0)
			rc = doc_list(pg, rows, n, 0);
	}
	sz_doc_rows_free(rows, n);
	rows = NULL;
	n = 0;
	if (rc == 0 && a->ops->thread(a, d.thread, pg->site->drafts, &rows, &n,
	    &err) == 0 && n > 1) {
		rc = sz_buf_printf(b, "<h2>Thread (%zu e-mails) · <a href=\"%s/"
			"thread/%s%s\">read the whole thread</a></h2>\n", n, pg->base,
			d.thread, pg->suffix);
		if (rc == 0)
			rc = doc_list(pg, rows, n, d.id);
	}
	sz_doc_rows_free(rows, n);
	if (rc == 0)
		rc = view_adjacent(pg, &d);
	if (rc == 0)
		rc = view_end(pg);
	sz_buf_free(&text);
	sz_doc_row_clear(&d);
	return rc;
}

int page_thread(struct sz_page *pg, const struct sz_page_args *args)
{
	struct sz_archive *a = pg->site->archive;
	const char *thread = args->key;
	struct sz_doc_row *rows = NULL;
	size_t n = 0;
	struct sz_err err;
	if (thread == NULL || thread[0] == 0 ||
	    strlen(thread) >= SZ_ARCHIVE_SHA256_HEX ||
	    strspn(thread, "0123456789abcdef") != strlen(thread) ||
	    a->ops->thread(a, thread, pg->site->drafts, &rows, &n, &err) != 0 ||
	    n == 0) {
		sz_doc_rows_free(rows, n);
		return view_not_found(pg, "There is no such thread.");
	}
	struct sz_buf *b = pg->out;
	int rc = view_begin(pg, rows[0].title);
	if (rc == 0)
		rc = sz_buf_puts(b, "<h1>Thread: ");
	if (rc == 0)
		rc = view_escape(b, rows[0].title);
	if (rc == 0)
		rc = sz_buf_printf(b, "</h1>\n<p class=\"meta\">%zu e-mails, oldest "
			"first</p>\n", n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct sz_buf text;
		char day[40];
		sz_buf_init(&text, 256u << 10);
		a->ops->doc_text(a, rows[i].id, &text, &err);
		view_date(rows[i].date, day, sizeof(day));
		rc = sz_buf_printf(b, "<article class=\"mail\"><h2><a href=\"%s/email/"
			"%lld%s\">", pg->base, (long long)rows[i].id, pg->suffix);
		if (rc == 0)
			rc = view_escape(b, rows[i].title);
		if (rc == 0)
			rc = sz_buf_puts(b, "</a></h2><p class=\"meta\">");
		if (rc == 0)
			rc = view_escape(b, rows[i].from_name[0] ? rows[i].from_name :
				rows[i].from_addr);
		if (rc == 0)
			rc = sz_buf_printf(b, " · %s</p><pre class=\"text\">", day);
		if (rc == 0)
			rc = view_escape(b, text.data ? (const char *)text.data : "");
		if (rc == 0)
			rc = sz_buf_puts(b, "</pre></article>\n");
		sz_buf_free(&text);
	}
	if (rc == 0)
		rc = view_end(pg);
	sz_doc_rows_free(rows, n);
	return rc;
}

#define ADDRESS_MAX 300

static int address_page(struct sz_page *pg, const char *addr,
	const char *role, const char *heading)
{
	struct sz_archive *arch = pg->site->archive;
	struct sz_doc_row *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	struct sz_err err;
	if (addr == NULL || addr[0] == 0 || strlen(addr) >= ADDRESS_MAX ||
	    arch->ops->by_address(arch, addr, role, pg->site->drafts,
		    view_offset(pg), SZ_PAGES_PER_PAGE, &rows, &n, &total,
		    &err) != 0)
		return view_not_found(pg, "There is no such address.");
	if (total == 0) {
		sz_doc_rows_free(rows, n);
		return view_not_found(pg, "No e-mails in the archive were sent "
			"from or to that address.");
	}
	struct sz_buf *b = pg->out;
	int rc = view_begin(pg, addr);
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>%s ", heading);
	if (rc == 0)
		rc = view_escape(b, addr);
	if (rc == 0)
		rc = sz_buf_printf(b, "</h1>\n<p class=\"meta\">%lld e-mail%s, newest "
			"first</p>\n<ul class=\"docs\">\n", (long long)total,
			total == 1 ? "" : "s");
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = view_doc_item(pg, &rows[i], NULL);
	if (rc == 0)
		rc = sz_buf_puts(b, "</ul>\n");
	struct sz_buf path;
	sz_buf_init(&path, 4 * ADDRESS_MAX);
	if (rc == 0)
		rc = sz_buf_printf(&path, "/%s/", role);
	if (rc == 0)
		rc = view_urlencode(&path, addr);
	if (rc == 0)
		rc = view_pager(pg, (const char *)path.data, NULL, total);
	sz_buf_free(&path);
	if (rc == 0)
		rc = view_end(pg);
	sz_doc_rows_free(rows, n);
	return rc;
}

int page_from(struct sz_page *pg, const struct sz_page_args *args)
{
	return address_page(pg, args->key, "from", "E-mails from");
}

int page_to(struct sz_page *pg, const struct sz_page_args *args)
{
	return address_page(pg, args->key, "to", "E-mails to");
}
