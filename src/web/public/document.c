/*
 * document.c - a document's page (summary, reading time, metadata, full
 * text, the scrubbed original to download) and the file downloads of
 * documents and raw e-mails.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "docs/doc.h"
#include "web/html.h"
#include "web/public/public.h"

#define PAGE_TEXT_MAX (2u << 20)   /* text shown on a page; the file has all */

/* Reads a visible document (published, or any in the preview). */
static bool visible_doc(struct sz_request *rq, int64_t id,
	struct sz_doc_row *d)
{
	struct sz_public_app *app = rq->app;
	struct sz_err err;
	if (id == 0 || app->archive->ops->doc_get(app->archive, id, d, &err) != 0)
		return false;
	if (!d->published && !app->drafts) {
		sz_doc_row_clear(d);
		return false;
	}
	return true;
}

int sz_public_document(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	struct sz_doc_row d;
	if (!visible_doc(rq, view_id(rq, "/doc/"), &d) || d.email) {
		if (d.email)
			sz_doc_row_clear(&d);
		return view_not_found(rq, "There is no such document.");
	}
	struct sz_buf *b = &rq->page, text;
	struct sz_err err;
	sz_buf_init(&text, PAGE_TEXT_MAX);
	int trc = app->archive->ops->doc_text(app->archive, d.id, &text, &err);
	int rc = view_begin(rq, d.title);
	if (rc == 0)
		rc = sz_buf_puts(b, "<h1>");
	if (rc == 0)
		rc = view_escape(b, d.title);
	if (rc == 0)
		rc = sz_buf_printf(b, "</h1>\n<p class=\"meta\"><a href=\"%s/release/"
			"%lld\">", app->prefix, (long long)d.release_id);
	if (rc == 0)
		rc = view_escape(b, d.release_title);
	if (rc == 0 && d.words > 0)
		rc = sz_buf_printf(b, "</a> · %u minute read (%lld words)",
			sz_doc_reading_minutes((size_t)d.words), (long long)d.words);
	else if (rc == 0)
		rc = sz_buf_puts(b, "</a>");
	if (rc == 0)
		rc = sz_buf_puts(b, "</p>\n");
	if (rc == 0 && d.summary[0]) {
		rc = sz_buf_puts(b, "<h2>Summary</h2>\n<p class=\"summary\">");
		if (rc == 0)
			rc = view_escape(b, d.summary);
		if (rc == 0)
			rc = sz_buf_puts(b, "</p>\n");
	}
	if (rc == 0)
		rc = sz_buf_puts(b, "<h2>About this file</h2>\n<dl class=\"facts\">"
			"<dt>File</dt><dd>");
	if (rc == 0)
		rc = view_escape(b, d.filename);
	if (rc == 0)
		rc = sz_buf_printf(b, "</dd><dt>Type</dt><dd>%s</dd><dt>Size</dt>"
			"<dd>%llu bytes</dd><dt>SHA-256</dt><dd><code>%s</code></dd>",
			d.type, (unsigned long long)d.size, d.sha256);
	if (rc == 0 && d.parent_id)
		rc = sz_buf_printf(b, "<dt>Attached to</dt><dd><a href=\"%s/email/"
			"%lld\">an e-mail</a></dd>", app->prefix,
			(long long)d.parent_id);
	if (rc == 0)
		rc = sz_buf_printf(b, "</dl>\n<p><a class=\"button\" href=\"%s/file/"
			"%lld\">Download the file</a> <span class=\"meta\">(identifying "
			"metadata removed)</span></p>\n", app->prefix, (long long)d.id);
	if (rc == 0 && trc == 0 && text.len > 0) {
		rc = sz_buf_puts(b, "<h2>Full text</h2>\n<pre class=\"text\">");
		if (rc == 0)
			rc = view_escape(b, (const char *)text.data);
		if (rc == 0)
			rc = sz_buf_puts(b, "</pre>\n");
		if (rc == 0 && text.len >= PAGE_TEXT_MAX)
			rc = sz_buf_puts(b, "<p class=\"meta\">The text continues in the "
				"file.</p>\n");
	}
	if (rc == 0)
		rc = view_end(rq);
	sz_buf_free(&text);
	sz_doc_row_clear(&d);
	return rc;
}

int sz_public_file(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	struct sz_doc_row d;
	if (!visible_doc(rq, view_id(rq, "/file/"), &d))
		return view_not_found(rq, "There is no such file.");
	/* An e-mail serves the raw form chosen for it, or nothing. */
	char path[4300], sha[SZ_ARCHIVE_SHA256_HEX];
	uint64_t size;
	if (!sz_archive_served(&d, sha, &size)) {
		sz_doc_row_clear(&d);
		return view_not_found(rq, "The raw message of this e-mail is not "
			"published.");
	}
	sz_archive_file_path(app->archive, sha, path, sizeof(path));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		sz_doc_row_clear(&d);
		return view_not_found(rq, "The file is missing from the archive.");
	}
	/* A plain ASCII name: nothing in it can break the header. */
	char name[128];
	size_t k = 0;
	for (const char *p = d.filename; *p && k + 1 < sizeof(name); p++)
		name[k++] = (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\' &&
			     *p != '/') ? *p : '_';
	name[k] = 0;
	snprintf(rq->disposition, sizeof(rq->disposition),
		"attachment; filename=\"%s\"", k ? name : "file");
	rq->content_type = "application/octet-stream";
	rq->fd = fd;
	rq->fd_size = (uint64_t)st.st_size;
	sz_doc_row_clear(&d);
	return 0;
}
