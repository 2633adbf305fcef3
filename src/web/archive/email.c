/*
 * email.c - an e-mail's page (headers, body, attachments, its thread,
 * whether its DKIM and PGP signatures verified, and its raw message as
 * published, with the SHA-256 of what the download holds), its thread,
 * and the e-mails from or to one address.  In the editors' preview the
 * page also shows what the raw message will publish: its header as it
 * will go out, the trace fields left out, and for a flagged e-mail what
 * its signed parts would give away.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/io.h"
#include "web/archive/view.h"

#define PREVIEW_HEADER_MAX (64u << 10)   /* bytes of a header shown */

/* What a signature's check says, in the page's language, marked ok or
 * bad where it verified or failed. */
static int signature_text(struct sz_page *pg, enum sz_dkim_state s,
	bool pgp)
{
	const struct sz_lang *L = pg->lang;
	const char *text, *cls = NULL;
	switch (s) {
	case SZ_DKIM_PASS:
		text = pgp ? _(L, "PGP signature verified") :
			_(L, "DKIM signature verified");
		cls = "ok";
		break;
	case SZ_DKIM_FAIL:
		text = pgp ? _(L, "PGP signature failed") :
			_(L, "DKIM signature failed");
		cls = "bad";
		break;
	case SZ_DKIM_UNKNOWN:
		text = pgp ? _(L, "PGP-signed by a key not supplied") :
			_(L, "DKIM signature could not be checked");
		break;
	default:
		text = pgp ? _(L, "not PGP-signed") :
			_(L, "not DKIM-signed (or not checked)");
	}
	int rc = cls ? sz_buf_printf(pg->out, "<span class=\"%s\">", cls) : 0;
	if (rc == 0)
		rc = view_escape(pg->out, text);
	return rc == 0 && cls ? sz_buf_puts(pg->out, "</span>") : rc;
}

/* What becomes of the signatures in the raw form served: kept
 * verifiable (raw) or broken (scrubbed); NULL if it has none. */
static const char *signatures_fate(const struct sz_page *pg,
	const struct sz_doc_row *d)
{
	const struct sz_lang *L = pg->lang;
	bool dk = d->dkim != SZ_DKIM_NONE, gp = d->pgp != SZ_DKIM_NONE;
	if (d->raw_form == SZ_RAW_SCRUBBED)
		return dk && gp ? _(L, "its DKIM and PGP signatures no longer "
			"verify") : dk ? _(L, "its DKIM signature no longer verifies") :
			gp ? _(L, "its PGP signature no longer verifies") : NULL;
	return dk && gp ? _(L, "its DKIM and PGP signatures can still be "
		"checked") : dk ? _(L, "its DKIM signature can still be checked") :
		gp ? _(L, "its PGP signature can still be checked") : NULL;
}

/* The download of the raw message, saying which form it is. */
static int raw_message(struct sz_page *pg, const struct sz_doc_row *d)
{
	struct sz_buf *b = pg->out;
	const struct sz_lang *L = pg->lang;
	char sha[SZ_ARCHIVE_SHA256_HEX];
	uint64_t size;
	const char *sigs = signatures_fate(pg, d);
	bool scrubbed = d->raw_form == SZ_RAW_SCRUBBED;
	if (!sz_archive_served(d, sha, &size))
		return sz_buf_printf(b, "<dt>%s</dt><dd id=\"raw\">%s</dd>",
			_(L, "Raw message"), _(L, "not published"));
	int rc = sz_buf_printf(b, "<dt>%s</dt><dd id=\"raw\"><a href=\"%s/file/"
		"%lld\">%s</a> (", _(L, "Raw message"), pg->base, (long long)d->id,
		scrubbed ? _(L, "download the message, scrubbed") :
		_(L, "download the raw message"));
	if (rc == 0)
		rc = sz_buf_printf(b, NG_(L, "%llu byte", "%llu bytes",
			(unsigned long)size), (unsigned long long)size);
	if (rc == 0)
		rc = sz_buf_printf(b, "): %s", scrubbed ? _(L, "without the trace "
			"and routing headers the mail system added, its attachments "
			"scrubbed of metadata") : _(L, "as received, without the trace "
			"and routing headers the mail system added"));
	if (rc == 0 && sigs)
		rc = sz_buf_printf(b, "; %s", sigs);
	if (rc == 0)
		rc = sz_buf_printf(b, "</dd><dt>SHA-256</dt><dd><code>%s</code> ",
			sha);
	if (rc == 0)
		rc = sz_buf_printf(b, "%s</dd>", _(L, "of the download"));
	return rc;
}

/* Editors only: the header the raw message will publish (read from the
 * stored form), what was left out, and for a flagged e-mail what its
 * signed parts would give away if published raw. */
static int raw_preview(struct sz_page *pg, const struct sz_doc_row *d)
{
	struct sz_archive *a = pg->site->archive;
	struct sz_buf *b = pg->out, flags, removed;
	struct sz_err err;
	static const char *const names[] = {
		[SZ_RAW_VERIFIABLE] = "raw, as signed",
		[SZ_RAW_SCRUBBED] = "scrubbed",
		[SZ_RAW_WITHHELD] = "none (the raw message is withheld)",
	};
	sz_buf_init(&flags, SZ_ARCHIVE_NOTES_MAX + 1);
	sz_buf_init(&removed, SZ_ARCHIVE_NOTES_MAX + 1);
	a->ops->email_raw_notes(a, d->id, &flags, &removed, &err);
	int rc = sz_buf_puts(b, "<section class=\"editors\" id=\"raw-preview\">"
		"<h2>What the raw message publishes (editors only)</h2>\n");
	if (rc == 0 && d->raw_flagged)
		rc = sz_buf_printf(b, "<p class=\"bad\" id=\"flagged\">Flagged: "
			"its signed parts carry identifying data. Published form: "
			"<strong>%s</strong>%s. Choose on the release's page.</p>\n",
			names[d->raw_form], d->raw_chosen ? "" : " (not chosen yet)");
	if (rc == 0 && flags.len > 0) {
		rc = sz_buf_printf(b, "<p>%s</p>\n<ul id=\"would-go-out\">",
			d->raw_flagged ? "Published raw, this would go out too:" :
			"Found:");
		const char *p = (const char *)flags.data;
		while (rc == 0 && *p) {
			size_t l = strcspn(p, "\n");
			char line[512];
			snprintf(line, sizeof(line), "%.*s", (int)(l < 511 ? l : 511), p);
			rc = sz_buf_puts(b, "<li>");
			if (rc == 0)
				rc = view_escape(b, line);
			if (rc == 0)
				rc = sz_buf_puts(b, "</li>");
			p += l + (p[l] == '\n');
		}
		if (rc == 0)
			rc = sz_buf_puts(b, "</ul>\n");
	}
	if (rc == 0 && removed.len > 0) {
		rc = sz_buf_puts(b, "<p id=\"removed\">Left out of every form: ");
		if (rc == 0)
			rc = view_escape(b, (const char *)removed.data);
		if (rc == 0)
			rc = sz_buf_puts(b, "</p>\n");
	}
	char sha[SZ_ARCHIVE_SHA256_HEX], path[4300];
	uint64_t size;
	if (rc == 0 && sz_archive_served(d, sha, &size)) {
		sz_archive_file_path(a, sha, path, sizeof(path));
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		char *head = malloc(PREVIEW_HEADER_MAX + 1);
		ssize_t n = fd >= 0 && head ? pread(fd, head, PREVIEW_HEADER_MAX, 0)
			: -1;
		if (n > 0) {
			head[n] = 0;
			char *end = strstr(head, "\n\n"), *crlf = strstr(head,
				"\r\n\r\n");
			if (crlf && (!end || crlf < end))
				end = crlf;
			if (end)
				*end = 0;
			rc = sz_buf_puts(b, "<p>Its header, as it goes out:</p><pre "
				"id=\"raw-header\">");
			if (rc == 0)
				rc = view_escape(b, head);
			if (rc == 0)
				rc = sz_buf_puts(b, "</pre>\n");
		}
		free(head);
		if (fd >= 0)
			close(fd);
	}
	sz_buf_free(&flags);
	sz_buf_free(&removed);
	return rc ? rc : sz_buf_puts(b, "</section>\n");
}

/* A recipient list, each address linked to its page and shown with its
 * display name: "Name" <addr>.  The link is the parsed address only: a
 * display name is never taken for one. */
static int address_links(struct sz_page *pg, const char *role,
	const char *list)
{
	struct sz_buf *b = pg->out;
	char addr[SZ_ARCHIVE_NAME_MAX + 1], name[SZ_ARCHIVE_NAME_MAX + 1];
	const char *p = list;
	int rc = 0;
	bool first = true;
	while (rc == 0 && sz_archive_addr_next(&p, addr, sizeof(addr), name,
	    sizeof(name))) {
		rc = sz_buf_printf(b, "%s<a href=\"%s/%s/", first ? "" : ", ",
			pg->base, role);
		first = false;
		if (rc == 0)
			rc = view_key(pg, b, addr);
		if (rc == 0)
			rc = sz_buf_printf(b, "%s\">", pg->suffix);
		if (rc == 0 && name[0]) {
			bool quote = strpbrk(name, "<>@,\"") != NULL;
			rc = sz_buf_puts(b, quote ? "&quot;" : "");
			if (rc == 0)
				rc = view_escape(b, name);
			if (rc == 0)
				rc = sz_buf_puts(b, quote ? "&quot; &lt;" : " &lt;");
		}
		if (rc == 0)
			rc = view_escape(b, addr);
		if (rc == 0)
			rc = sz_buf_puts(b, name[0] ? "&gt;</a>" : "</a>");
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
				rc = sz_buf_printf(b, " <span class=\"meta\">(%s)</span>"
					"</li>\n", _(pg->lang, "this e-mail"));
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
		return view_not_found(pg, N_("There is no such e-mail."));
	if (!d.email || !view_visible(pg, &d)) {
		sz_doc_row_clear(&d);
		return view_not_found(pg, N_("There is no such e-mail."));
	}
	struct sz_buf *b = pg->out, text;
	const struct sz_lang *L = pg->lang;
	sz_buf_init(&text, 2u << 20);
	a->ops->doc_text(a, d.id, &text, &err);
	char day[40], sent[200];
	view_date(pg, d.date, day, sizeof(day));
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
		rc = sz_buf_printf(b, "</a> · %s ", _(L, "e-mail"));
	if (rc == 0)
		rc = view_escape(b, d.collection);
	if (rc == 0)
		rc = sz_buf_printf(b, " #%lld · ", (long long)d.num);
	if (rc == 0)
		rc = signature_text(pg, d.dkim, false);
	if (rc == 0 && d.pgp != SZ_DKIM_NONE)
		rc = sz_buf_puts(b, " · ");
	if (rc == 0 && d.pgp != SZ_DKIM_NONE)
		rc = signature_text(pg, d.pgp, true);
	/* TRANSLATORS: the e-mail header fields From, To, Cc and Date */
	if (rc == 0)
		rc = sz_buf_printf(b, "</p>\n<dl class=\"headers\"><dt>%s</dt><dd>"
			"<a href=\"%s/from/", C_(L, "header", "From"), pg->base);
	if (rc == 0)
		rc = view_key(pg, b, d.from_addr);
	if (rc == 0)
		rc = sz_buf_printf(b, "%s\">", pg->suffix);
	if (rc == 0 && d.from_name[0]) {
		bool quote = strpbrk(d.from_name, "<>@,\"") != NULL;
		rc = sz_buf_puts(b, quote ? "&quot;" : "");
		if (rc == 0)
			rc = view_escape(b, d.from_name);
		if (rc == 0)
			rc = sz_buf_puts(b, quote ? "&quot; &lt;" : " &lt;");
	}
	if (rc == 0)
		rc = view_escape(b, d.from_addr);
	if (rc == 0)
		rc = sz_buf_printf(b, "%s</a></dd>", d.from_name[0] ? "&gt;" : "");
	if (rc == 0 && d.to[0]) {
		rc = sz_buf_printf(b, "<dt>%s</dt><dd>", C_(L, "header", "To"));
		if (rc == 0)
			rc = address_links(pg, "to", d.to);
		if (rc == 0)
			rc = sz_buf_puts(b, "</dd>");
	}
	if (rc == 0 && d.cc[0]) {
		rc = sz_buf_printf(b, "<dt>%s</dt><dd>", C_(L, "header", "Cc"));
		if (rc == 0)
			rc = address_links(pg, "to", d.cc);
		if (rc == 0)
			rc = sz_buf_puts(b, "</dd>");
	}
	/* As its author's software wrote it, with the time zone, and as the
	 * archive sorts it. */
	if (rc == 0 && sent[0]) {
		rc = sz_buf_printf(b, "<dt>%s</dt><dd><span class=\"sent\">",
			C_(L, "header", "Date"));
		if (rc == 0)
			rc = view_escape(b, sent);
		if (rc == 0)
			rc = sz_buf_printf(b, "</span> <span class=\"meta\">(<bdi>%s</bdi>)</span>"
				"</dd>", day);
	} else if (rc == 0) {
		rc = sz_buf_printf(b, "<dt>%s</dt><dd>%s</dd>",
			C_(L, "header", "Date"), day);
	}
	if (rc == 0 && d.dkim != SZ_DKIM_NONE) {
		rc = sz_buf_puts(b, "<dt>DKIM</dt><dd>");
		if (rc == 0)
			rc = signature_text(pg, d.dkim, false);
		if (rc == 0)
			rc = sz_buf_puts(b, ": ");
		if (rc == 0)
			rc = view_escape(b, d.dkim_detail);
		if (rc == 0)
			rc = sz_buf_puts(b, "</dd>");
	}
	if (rc == 0 && d.pgp != SZ_DKIM_NONE) {
		rc = sz_buf_puts(b, "<dt>PGP</dt><dd id=\"pgp\">");
		if (rc == 0)
			rc = signature_text(pg, d.pgp, true);
		if (rc == 0)
			rc = sz_buf_puts(b, ": ");
		if (rc == 0)
			rc = view_escape(b, d.pgp_detail);
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
		rc = raw_message(pg, &d);
	if (rc == 0)
		rc = sz_buf_puts(b, "</dl>\n");
	if (rc == 0 && pg->site->drafts)
		rc = raw_preview(pg, &d);
	if (rc == 0)
		rc = sz_buf_puts(b, "<pre class=\"text\">");
	if (rc == 0)
		rc = view_escape(b, text.data ? (const char *)text.data : "");
	if (rc == 0)
		rc = sz_buf_puts(b, "</pre>\n");
	struct sz_doc_row *rows = NULL;
	size_t n = 0;
	if (rc == 0 && a->ops->doc_children(a, d.id, &rows, &n, &err) == 0 &&
	    n > 0) {
		rc = sz_buf_printf(b, "<h2>%s (%zu)</h2>\n", _(L, "Attachments"),
			n);
		if (rc == 0)
			rc = doc_list(pg, rows, n, 0);
	}
	sz_doc_rows_free(rows, n);
	rows = NULL;
	n = 0;
	if (rc == 0 && a->ops->thread(a, d.thread, pg->site->drafts, &rows, &n,
	    &err) == 0 && n > 1) {
		rc = sz_buf_puts(b, "<h2>");
		if (rc == 0)
			rc = sz_buf_printf(b, NG_(L, "Thread (%zu e-mail)",
				"Thread (%zu e-mails)", n), n);
		if (rc == 0)
			rc = sz_buf_printf(b, " · <a href=\"%s/thread/%s%s\">%s</a>"
				"</h2>\n", pg->base, d.thread, pg->suffix,
				_(L, "read the whole thread"));
		if (rc == 0)
			rc = doc_list(pg, rows, n, d.id);
	}
	sz_doc_rows_free(rows, n);
	if (rc == 0)
		rc = view_adjacent(pg, &d);
	if (rc == 0)
		rc = view_discussion(pg, args, SZ_DISCUSS_EMAIL, d.id, d.title);
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
		return view_not_found(pg, N_("There is no such thread."));
	}
	struct sz_buf *b = pg->out;
	const struct sz_lang *L = pg->lang;
	int rc = view_begin(pg, rows[0].title);
	/* TRANSLATORS: the heading of a thread's page, before its subject */
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>%s ", _(L, "Thread:"));
	if (rc == 0)
		rc = view_escape(b, rows[0].title);
	if (rc == 0)
		rc = sz_buf_puts(b, "</h1>\n<p class=\"meta\">");
	if (rc == 0)
		rc = sz_buf_printf(b, NG_(L, "%zu e-mail, oldest first",
			"%zu e-mails, oldest first", n), n);
	if (rc == 0)
		rc = sz_buf_puts(b, "</p>\n");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct sz_buf text;
		char day[40];
		sz_buf_init(&text, 256u << 10);
		a->ops->doc_text(a, rows[i].id, &text, &err);
		view_date(pg, rows[i].date, day, sizeof(day));
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
			rc = sz_buf_printf(b, " · <bdi>%s</bdi></p><pre class=\"text\">", day);
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
		return view_not_found(pg, N_("There is no such address."));
	if (total == 0) {
		sz_doc_rows_free(rows, n);
		return view_not_found(pg, N_("No e-mails in the archive were sent "
			"from or to that address."));
	}
	struct sz_buf *b = pg->out;
	const struct sz_lang *L = pg->lang;
	int rc = view_begin(pg, addr);
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>%s ", _(L, heading));
	if (rc == 0)
		rc = view_escape(b, addr);
	if (rc == 0)
		rc = sz_buf_puts(b, "</h1>\n<p class=\"meta\">");
	if (rc == 0)
		rc = sz_buf_printf(b, NG_(L, "%lld e-mail, newest first",
			"%lld e-mails, newest first", (unsigned long)total),
			(long long)total);
	if (rc == 0)
		rc = sz_buf_puts(b, "</p>\n<ul class=\"docs\">\n");
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = view_doc_item(pg, &rows[i], NULL);
	if (rc == 0)
		rc = sz_buf_puts(b, "</ul>\n");
	struct sz_buf path;
	sz_buf_init(&path, 4 * ADDRESS_MAX);
	if (rc == 0)
		rc = sz_buf_printf(&path, "/%s/", role);
	if (rc == 0)
		rc = view_key(pg, &path, addr);
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
	/* TRANSLATORS: a heading, followed by an e-mail address */
	return address_page(pg, args->key, "from", N_("E-mails from"));
}

int page_to(struct sz_page *pg, const struct sz_page_args *args)
{
	/* TRANSLATORS: a heading, followed by an e-mail address */
	return address_page(pg, args->key, "to", N_("E-mails to"));
}
