/*
 * publish.c - the document pipeline into the archive: a file is detected,
 * scrubbed, stored content-addressed, its text extracted, summarised and
 * indexed; an e-mail collection is walked message by message, each kept
 * byte for byte with its attachments published as documents of their own.
 * A file that cannot be scrubbed is not published.
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
#include "docs/dkim.h"
#include "docs/doc.h"
#include "docs/mail.h"

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
static int temp_fd(struct sz_archive *a, char *path, size_t cap,
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
	struct sz_err *err)
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
	if (type != SZ_DOC_EMAIL) {
		/* Scrubbed first: only the clean copy reaches the archive. */
		struct sz_doc_report r;
		sz_doc_report_init(&r);
		if ((out = temp_fd(a, tmp, sizeof(tmp), err)) < 0) {
			rc = SZ_E_IO;
			goto out;
		}
		rc = sz_doc_scrub(fd, type, tmp, &r, err);
		if (rc == 0)
			report_summary(&r, &removed);
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

struct mail_import {
	const struct sz_dkim_keys *keys;
	const char *keys_sha256;
	struct sz_archive *a;
	int64_t release;
	const char *collection;
	struct publish_stats *stats;
	int64_t email_id;
	void (*progress)(const struct publish_stats *s);
};

static int on_attachment(void *ctx, const char *name, int fd,
	struct sz_err *err)
{
	struct mail_import *mi = ctx;
	int64_t id;
	bool added;
	struct sz_err aerr;
	int rc = publish_file(mi->a, mi->release, fd, name, mi->email_id, &id,
		&added, &aerr);
	if (rc == SZ_E_UNSUPPORTED || rc == SZ_E_INVAL || rc == SZ_E_LIMIT) {
		/* Not published, said so; the e-mail itself still is. */
		fprintf(stderr, "samizdat release: attachment %s not published: "
			"%s\n", name, aerr.msg);
		mi->stats->skipped++;
		return 0;
	}
	if (rc != 0) {
		*err = aerr;
		return rc;
	}
	mi->stats->attachments += added;
	return 0;
}

/* Copies a message's raw bytes into a temporary file for the store. */
static int copy_raw(struct sz_archive *a, const struct sz_mail *m,
	struct sz_err *err)
{
	char tmp[4200];
	int fd = temp_fd(a, tmp, sizeof(tmp), err);
	if (fd < 0)
		return -1;
	unlink(tmp);
	uint8_t buf[65536];
	uint64_t left = m->raw_len, at = m->raw_off;
	while (left > 0) {
		size_t want = left < sizeof(buf) ? (size_t)left : sizeof(buf);
		ssize_t n = pread(m->raw_fd, buf, want, (off_t)at);
		if (n <= 0 || sz_write_all(fd, buf, (size_t)n) != 0) {
			close(fd);
			sz_err_set(err, SZ_E_IO, "cannot copy message %lld",
				(long long)m->index + 1);
			return -1;
		}
		left -= (uint64_t)n;
		at += (uint64_t)n;
	}
	return fd;
}

static int on_mail(void *ctx, const struct sz_mail *m, struct sz_err *err)
{
	struct mail_import *mi = ctx;
	struct sz_doc_row d;
	memset(&d, 0, sizeof(d));
	sz_child_progress();   /* each message is a document: limits reset */
	int fd = copy_raw(mi->a, m, err);
	if (fd < 0)
		return SZ_E_IO;
	int rc = sz_archive_put_file(mi->a, fd, d.sha256, &d.size, err);
	close(fd);
	if (rc != 0)
		return rc;
	d.release_id = mi->release;
	d.email = true;
	snprintf(d.type, sizeof(d.type), "email");
	snprintf(d.title, sizeof(d.title), "%s",
		m->subject[0] ? m->subject : "(no subject)");
	snprintf(d.collection, sizeof(d.collection), "%s", mi->collection);
	if ((rc = mi->a->ops->email_next_num(mi->a, mi->release, mi->collection,
	    &d.num, err)) != 0)
		return rc;
	snprintf(d.filename, sizeof(d.filename), "%s-%lld.eml", mi->collection,
		(long long)d.num);
	snprintf(d.message_id, sizeof(d.message_id), "%s", m->message_id);
	/* The thread key: a hash of its first message's id, so threads
	 * group whatever order their messages were imported in. */
	uint8_t h[32];
	const char *root = m->thread_root[0] ? m->thread_root : d.sha256;
	crypto_hash_sha256(h, (const uint8_t *)root, strlen(root));
	sodium_bin2hex(d.thread, sizeof(d.thread), h, 16);
	d.date = m->date;
	snprintf(d.from_addr, sizeof(d.from_addr), "%s", m->from_addr);
	snprintf(d.from_name, sizeof(d.from_name), "%s", m->from_name);
	d.to = (char *)m->to;
	d.cc = (char *)m->cc;
	enum sz_dkim_result dr;
	char detail[SZ_ARCHIVE_NAME_MAX + 1];
	if ((rc = sz_dkim_verify(mi->keys, m->raw_fd, m->raw_off, m->raw_len,
	    &dr, detail, sizeof(detail), err)) != 0)
		return rc;
	d.dkim = (enum sz_dkim_state)dr;
	if (dr != SZ_DKIM_RESULT_NONE && mi->keys_sha256 != NULL)
		snprintf(d.dkim_detail, sizeof(d.dkim_detail), "%.120s; keys file "
			"sha256 %s", detail, mi->keys_sha256);
	else
		snprintf(d.dkim_detail, sizeof(d.dkim_detail), "%s", detail);
	struct sz_buf sum;
	size_t words = 0;
	sz_buf_init(&sum, 1u << 16);
	if (m->text_len > 0)
		rc = sz_doc_summarize(m->text, m->text_len, 2, &sum, &words, err);
	d.summary = (char *)(sum.data ? (const char *)sum.data : "");
	d.words = (int64_t)words;
	int64_t id;
	if (rc == 0)
		rc = mi->a->ops->doc_add(mi->a, &d, m->text, m->text_len, &id, err);
	sz_buf_free(&sum);
	mi->stats->messages++;
	if (rc == SZ_E_EXISTS)
		return 0;   /* imported before: its attachments too */
	if (rc != 0)
		return rc;
	mi->stats->added++;
	mi->stats->dkim_pass += dr == SZ_DKIM_RESULT_PASS;
	mi->stats->dkim_fail += dr == SZ_DKIM_RESULT_FAIL;
	mi->stats->dkim_unknown += dr == SZ_DKIM_RESULT_UNKNOWN;
	mi->email_id = id;
	rc = sz_mail_attachments(m, mi->a->files, on_attachment, mi, err);
	if (mi->progress && mi->stats->messages % 1000 == 0)
		mi->progress(mi->stats);
	return rc;
}

int publish_mail(struct sz_archive *a, int64_t release, const char *path,
	const struct sz_dkim_keys *keys, const char *keys_sha256,
	struct publish_stats *stats,
	void (*progress)(const struct publish_stats *s), struct sz_err *err)
{
	char copy[4096], collection[SZ_ARCHIVE_NAME_MAX + 1];
	snprintf(copy, sizeof(copy), "%s", path);
	size_t l = strlen(copy);
	while (l > 1 && copy[l - 1] == '/')
		copy[--l] = 0;
	snprintf(collection, sizeof(collection), "%s", basename(copy));
	struct mail_import mi = { .keys = keys, .keys_sha256 = keys_sha256,
		.a = a, .release = release,
		.collection = collection, .stats = stats, .progress = progress };
	return sz_mail_each(path, on_mail, &mi, err);
}
