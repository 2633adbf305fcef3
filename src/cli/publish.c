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
	memset(&d, 0, sizeof(d));
	sz_buf_init(&text, INDEX_TEXT_MAX);
	*added = false;
	int rc = sz_doc_detect(fd, &type, NULL, err);
	if (rc != 0)
		goto out;
	if (type == SZ_DOC_UNKNOWN) {
		rc = sz_err_set(err, SZ_E_UNSUPPORTED, "%s cannot be scrubbed, so "
			"it cannot be published (samizdat scrubs %s)", name,
			sz_doc_supported_list());
		goto out;
	}
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
		rc = sz_doc_scrub(fd, type, tmp, found ? found : &r, err);
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
out:
	if (out >= 0)
		close(out);
	if (tmp[0])
		unlink(tmp);
	sz_doc_row_clear(&d);
	sz_buf_free(&text);
	return rc;
}
