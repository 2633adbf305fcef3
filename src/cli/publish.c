/*
 * publish.c - the document pipeline into the archive: a file is detected,
 * scrubbed, stored content-addressed, its text extracted, summarised and
 * indexed.  A file that cannot be scrubbed is not published.  E-mail
 * collections are publish_mail.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/publish.h"
#include "core/buf.h"
#include "core/child.h"
#include "core/io.h"
#include "docs/doc.h"

#define SUMMARY_SENTENCES 3
#define INDEX_TEXT_MAX (64u << 20)   /* text kept in the index per document */
#define REPORT_TEXT_MAX (16u << 10)  /* a scrub report kept per document */

static int buf_sink(void *ctx, const uint8_t *p, size_t n)
{
	struct sz_buf *b = ctx;
	if (b->len + n > b->max)
		n = b->max - b->len;   /* the index keeps the first 64 MiB */
	(void)sz_buf_append(b, p, n);
	return 0;
}

/* A temporary file in the archive's tree (same file system as the
 * store, so nothing of it ever lands elsewhere), unlinked at once. */
int publish_temp_fd(struct sz_archive *a, char *path, size_t cap,
	struct sz_err *err)
{
	snprintf(path, cap, "%s/.work.XXXXXX", a->files);
	int fd = mkstemp(path);
	if (fd < 0)
		sz_err_set(err, SZ_E_IO, "cannot write in %s: %s", a->files,
			strerror(errno));
	return fd;
}

/* Text, summary and word count of the file at fd. */
/* What scrubbing removed, as editors read it: one "Kind: name, name"
 * line per kind, in the order found, each name once; never the values
 * (they are what would identify someone).  Bounded by REPORT_TEXT_MAX. */
static void report_summary(const struct sz_doc_report *r, struct sz_buf *out)
{
	for (size_t i = 0; i < r->len; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(r->items[j].kind, r->items[i].kind) == 0;
		if (seen)
			continue;
		if (out->len > 0)
			sz_buf_puts(out, "\n");
		sz_buf_printf(out, "%s: ", r->items[i].kind);
		size_t names = 0;
		for (size_t j = i; j < r->len; j++) {
			if (strcmp(r->items[j].kind, r->items[i].kind) != 0)
				continue;
			bool again = false;
			for (size_t k = i; k < j && !again; k++)
				again = strcmp(r->items[k].kind, r->items[i].kind) == 0 &&
					strcmp(r->items[k].name, r->items[j].name) == 0;
			if (!again)
				sz_buf_printf(out, "%s%s", names++ ? ", " : "",
					r->items[j].name);
		}
	}
	if (r->truncated)
		sz_buf_puts(out, "\n(and more: the list was cut short)");
}

static int describe(int fd, enum sz_doc_type type, struct sz_doc_row *d,
	struct sz_buf *text, struct sz_err *err)
{
	struct sz_buf sum;
	size_t words = 0;
	sz_buf_init(&sum, 1u << 16);
	int rc = 0;
	if (sz_doc_extractable(type))
		rc = sz_doc_extract(fd, NULL, type, buf_sink, text, err);
	if (rc == 0 && text->len > 0)
		rc = sz_doc_summarize((const char *)text->data, text->len,
			SUMMARY_SENTENCES, &sum, &words, err);
	if (rc == 0) {
		d->summary = strdup(sum.data ? (const char *)sum.data : "");
		d->words = (int64_t)words;
	}
	sz_buf_free(&sum);
	return rc;
}

int publish_file(struct sz_archive *a, int64_t release, int fd,
	const char *name, int64_t parent, int64_t *id, bool *added,
	struct sz_doc_report *found, struct sz_err *err)
{
	enum sz_doc_type type;
	struct sz_doc_row d;
	struct sz_buf text;
	char tmp[4200] = "";
	int out = -1;
	struct sz_buf removed;
	memset(&d, 0, sizeof(d));
	sz_buf_init(&text, INDEX_TEXT_MAX);
	sz_buf_init(&removed, REPORT_TEXT_MAX);
	*added = false;
	char *mime = NULL;
	int rc = sz_doc_detect(fd, &type, &mime, err);
	if (rc == 0 && type == SZ_DOC_UNKNOWN) {
		const char *why = sz_doc_refusal(fd, mime);
		if (why != NULL)
			rc = sz_err_set(err, SZ_E_UNSUPPORTED, "%s cannot be "
				"scrubbed, so it cannot be published: %s", name, why);
		else
			rc = sz_err_set(err, SZ_E_UNSUPPORTED, "%s cannot be "
				"scrubbed, so it cannot be published (samizdat scrubs "
				"%s)", name, sz_doc_supported_list());
	}
	free(mime);
	if (rc != 0)
		goto out;
	int src = fd;
	{
		/* Scrubbed first: only the clean copy reaches the archive (a
		 * forwarded message too: its trace headers and attachments'
		 * metadata go). */
		struct sz_doc_report r;
		sz_doc_report_init(&r);
		if ((out = publish_temp_fd(a, tmp, sizeof(tmp), err)) < 0) {
			rc = SZ_E_IO;
			goto out;
		}
		struct sz_doc_report *rep = found ? found : &r;
		rc = sz_doc_scrub(fd, type, tmp, rep, err);
		if (rc == 0)
			report_summary(rep, &removed);
		sz_doc_report_free(&r);
		if (rc != 0)
			goto out;
		close(out);
		/* Reopen: libzip and qpdf replace the file by name. */
		out = open(tmp, O_RDONLY | O_CLOEXEC);
		if (out < 0) {
			rc = sz_err_set(err, SZ_E_IO, "cannot read the scrubbed copy");
			goto out;
		}
		src = out;
	}
	if ((rc = sz_archive_put_file(a, src, d.sha256, &d.size, err)) != 0 ||
	    (rc = describe(src, type, &d, &text, err)) != 0)
		goto out;
	d.release_id = release;
	d.parent_id = parent;
	snprintf(d.filename, sizeof(d.filename), "%s", name);
	snprintf(d.title, sizeof(d.title), "%s", name);
	char *dot = strrchr(d.title, '.');
	if (dot != NULL && dot != d.title)
		*dot = 0;
	snprintf(d.type, sizeof(d.type), "%s", sz_doc_type_name(type));
	rc = a->ops->doc_add(a, &d, text.data ? (const char *)text.data : "",
		text.len, id, err);
	if (rc == SZ_E_EXISTS)
		rc = 0;
	else if (rc == 0)
		*added = true;
	/* Kept with the document for its editors (the release page). */
	if (rc == 0 && *added && type != SZ_DOC_EMAIL)
		rc = a->ops->doc_set_report(a, *id, removed.data ?
			(const char *)removed.data : "", err);
out:
	sz_buf_free(&removed);
	if (out >= 0)
		close(out);
	if (tmp[0])
		unlink(tmp);
	sz_doc_row_clear(&d);
	sz_buf_free(&text);
	return rc;
}
