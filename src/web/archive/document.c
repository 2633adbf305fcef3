/*
 * document.c - a document's page (summary, reading time, metadata, full
 * text, the scrubbed original to download) and the stored files of
 * documents and raw e-mails, opened for download.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "docs/doc.h"
#include "web/archive/view.h"

#define PAGE_TEXT_MAX (2u << 20)   /* text shown on a page; the file has all */

/* Reads a visible document (published, or any where drafts show); d is
 * zeroed when it is not. */
static bool visible_doc(const struct sz_site *site, int64_t id,
	struct sz_doc_row *d)
{
	struct sz_err err;
	memset(d, 0, sizeof(*d));
	if (id == 0 || site->archive->ops->doc_get(site->archive, id, d,
	    &err) != 0) {
		memset(d, 0, sizeof(*d));
		return false;
	}
	if (!d->published && !site->drafts) {
		sz_doc_row_clear(d);
		memset(d, 0, sizeof(*d));
		return false;
	}
	return true;
}

int page_document(struct sz_page *pg, const struct sz_page_args *a)
{
	struct sz_archive *arch = pg->site->archive;
	struct sz_doc_row d;
	if (!visible_doc(pg->site, a->id, &d) || d.email) {
		if (d.email)
			sz_doc_row_clear(&d);
		return view_not_found(pg, N_("There is no such document."));
	}
	struct sz_buf *b = pg->out, text;
	const struct sz_lang *L = pg->lang;
	struct sz_err err;
	sz_buf_init(&text, PAGE_TEXT_MAX);
	int trc = arch->ops->doc_text(arch, d.id, &text, &err);
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
	if (rc == 0 && d.words > 0)
		rc = sz_buf_puts(b, "</a> · ");
	if (rc == 0 && d.words > 0) {
		unsigned m = sz_doc_reading_minutes((size_t)d.words);
		rc = sz_buf_printf(b, NG_(L, "%u minute read", "%u minute read",
			m), m);
		if (rc == 0)
			rc = sz_buf_puts(b, " (");
		if (rc == 0)
			rc = sz_buf_printf(b, NG_(L, "%lld word", "%lld words",
				(unsigned long)d.words), (long long)d.words);
		if (rc == 0)
			rc = sz_buf_puts(b, ")");
	} else if (rc == 0) {
		rc = sz_buf_puts(b, "</a>");
	}
	if (rc == 0)
		rc = sz_buf_puts(b, "</p>\n");
	if (rc == 0 && sz_page_image_type(d.type) != NULL) {
		/* The scrubbed file itself, as the image it is. */
		rc = sz_buf_printf(b, "<figure class=\"image\"><a href=\"%s/file/"
			"%lld\"><img src=\"%s/file/%lld\" alt=\"", pg->base,
			(long long)d.id, pg->base, (long long)d.id);
		if (rc == 0)
			rc = view_escape(b, d.title);
		if (rc == 0)
			rc = sz_buf_puts(b, "\"></a></figure>\n");
	}
	if (rc == 0 && d.summary[0]) {
		rc = sz_buf_printf(b, "<h2>%s</h2>\n<p class=\"summary\">",
			_(L, "Summary"));
		if (rc == 0)
			rc = view_escape(b, d.summary);
		if (rc == 0)
			rc = sz_buf_puts(b, "</p>\n");
	}
	if (rc == 0)
		rc = sz_buf_printf(b, "<h2>%s</h2>\n<dl class=\"facts\"><dt>%s</dt>"
			"<dd>", _(L, "About this file"), _(L, "File"));
	if (rc == 0)
		rc = view_escape(b, d.filename);
	if (rc == 0)
		rc = sz_buf_printf(b, "</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>",
			_(L, "Type"), d.type, _(L, "Size"));
	if (rc == 0)
		rc = sz_buf_printf(b, NG_(L, "%llu byte", "%llu bytes",
			(unsigned long)d.size), (unsigned long long)d.size);
	if (rc == 0)
		rc = sz_buf_printf(b, "</dd><dt>SHA-256</dt><dd><code>%s</code></dd>",
			d.sha256);
	if (rc == 0 && d.parent_id)
		rc = sz_buf_printf(b, "<dt>%s</dt><dd><a href=\"%s/email/%lld%s\">"
			"%s</a></dd>", _(L, "Attached to"), pg->base,
			(long long)d.parent_id, pg->suffix, _(L, "an e-mail"));
	if (rc == 0)
		rc = sz_buf_printf(b, "</dl>\n<p><a class=\"button\" href=\"%s/file/"
			"%lld\">%s</a> <span class=\"meta\">(%s)</span></p>\n", pg->base,
			(long long)d.id, _(L, "Download the file"),
			_(L, "identifying metadata removed"));
	if (rc == 0 && trc == 0 && text.len > 0) {
		rc = sz_buf_printf(b, "<h2>%s</h2>\n<pre class=\"text\">",
			_(L, "Full text"));
		if (rc == 0)
			rc = view_escape(b, (const char *)text.data);
		if (rc == 0)
			rc = sz_buf_puts(b, "</pre>\n");
		if (rc == 0 && text.len >= PAGE_TEXT_MAX)
			rc = sz_buf_printf(b, "<p class=\"meta\">%s</p>\n",
				_(L, "The text continues in the file."));
	}
	if (rc == 0)
		rc = view_adjacent(pg, &d);
	if (rc == 0)
		rc = view_discussion(pg, a, SZ_DISCUSS_DOCUMENT, d.id, d.title);
	if (rc == 0)
		rc = view_end(pg);
	sz_buf_free(&text);
	sz_doc_row_clear(&d);
	return rc;
}

const char *sz_page_image_type(const char *type)
{
	static const struct {
		const char *type, *mime;
	} images[] = {
		{ "jpeg", "image/jpeg" }, { "png", "image/png" },
		{ "gif", "image/gif" }, { "webp", "image/webp" },
		{ "avif", "image/avif" }, { "bmp", "image/bmp" },
		/* in an <img>, an SVG runs no script and loads nothing */
		{ "svg", "image/svg+xml" },
	};
	for (size_t i = 0; type != NULL && i < sizeof(images) / sizeof(images[0]);
	    i++)
		if (strcmp(type, images[i].type) == 0)
			return images[i].mime;
	return NULL;
}

int sz_page_file_open(const struct sz_site *site, int64_t id,
	struct sz_page_file_info *f)
{
	struct sz_doc_row d;
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	if (!visible_doc(site, id, &d))
		return SZ_E_NOT_FOUND;
	/* An e-mail serves the raw form chosen for it, or nothing. */
	char path[4300], sha[SZ_ARCHIVE_SHA256_HEX];
	uint64_t served;
	if (!sz_archive_served(&d, sha, &served)) {
		sz_doc_row_clear(&d);
		return SZ_E_NOT_FOUND;
	}
	sz_archive_file_path(site->archive, sha, path, sizeof(path));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		sz_doc_row_clear(&d);
		return SZ_E_NOT_FOUND;
	}
	/* A plain ASCII name: nothing in it can break the header. */
	size_t k = 0;
	for (const char *p = d.filename; *p && k + 1 < sizeof(f->name); p++)
		f->name[k++] = (*p >= 0x20 && *p < 0x7f && *p != '"' &&
			*p != '\\' && *p != '/') ? *p : '_';
	f->name[k] = 0;
	if (k == 0)
		snprintf(f->name, sizeof(f->name), "file");
	memcpy(f->sha256, sha, sizeof(f->sha256));
	f->mime = d.email ? NULL : sz_page_image_type(d.type);
	f->fd = fd;
	f->size = (uint64_t)st.st_size;
	sz_doc_row_clear(&d);
	return 0;
}

int sz_page_file(const struct sz_site *site, int64_t id, int *fd,
	uint64_t *size, char *name, size_t cap)
{
	struct sz_page_file_info f;
	*fd = -1;
	if (cap == 0 || sz_page_file_open(site, id, &f) != 0)
		return SZ_E_NOT_FOUND;
	snprintf(name, cap, "%s", f.name);
	*fd = f.fd;
	*size = f.size;
	return 0;
}
