/*
 * publish_mail.c - an e-mail collection into the archive, message by
 * message: its signatures checked (DKIM, PGP) on the bytes as received,
 * its text indexed, its attachments published as documents of their own
 * (scrubbed), and its raw message published in the form that gives away
 * nothing of the mailbox it leaked from:
 *
 *   - the header always loses the trace and routing fields the mail
 *     system added (docs/mail_raw.h); what a live DKIM signature covers
 *     stays, so the signature still verifies ("verifiable" form);
 *   - when attachments carry metadata (the scrubber found some) and no
 *     live signature covers them, the raw message is published with them
 *     scrubbed (nothing verifiable is lost);
 *   - when identifying data sits in signed parts (a signed trace field,
 *     an attachment with metadata under a DKIM or PGP signature), the
 *     e-mail is flagged: both forms are stored and an editor chooses
 *     between the verifiable one, the scrubbed one, and none (the
 *     default until they do).
 *
 * The original bytes never enter the archive: a message's identity is
 * its verifiable form's SHA-256.
 */
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/publish.h"
#include "core/buf.h"
#include "core/child.h"
#include "core/io.h"
#include "docs/dkim.h"
#include "docs/mail.h"
#include "docs/mail_raw.h"
#include "docs/pgp.h"

#define NOTE_LINE_MAX 400   /* bytes of one finding in an editor's note */

struct mail_import {
	const struct publish_mail_options *o;
	struct sz_archive *a;
	int64_t release;
	const char *collection;
	struct publish_stats *stats;
	void (*progress)(const struct publish_stats *s);
	int64_t next_num;            /* the collection's next number, 0 until
	                                read: one query per import, not per
	                                message (the import holds the
	                                transaction, so nothing else numbers
	                                in this collection meanwhile) */
	/* the message being imported */
	int64_t email_id;
	struct sz_buf flags;         /* findings, one per line */
	bool attach_found;           /* an attachment has metadata, or could
	                                not be checked */
	bool attach_found_pgp;       /* ... inside a PGP-signed part */
};

/* One finding for the editors' note (cut to a line). */
static void finding(struct sz_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void finding(struct sz_buf *b, const char *fmt, ...)
{
	char line[NOTE_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (b->len + strlen(line) + 1 < b->max)
		(void)sz_buf_printf(b, "%s\n", line);
}

static int on_attachment(void *ctx, const struct sz_mail_part *part,
	struct sz_err *err)
{
	struct mail_import *mi = ctx;
	const char *name = part->filename;
	int64_t id;
	bool added;
	struct sz_err aerr;
	struct sz_doc_report found;
	if (part->problem != NULL) {
		fprintf(stderr, "samizdat release: attachment %s not published: "
			"%s\n", name, part->problem);
		finding(&mi->flags, "Attachment %s: %s", name, part->problem);
		mi->attach_found = true;
		mi->attach_found_pgp |= part->signed_pgp;
		mi->stats->skipped++;
		return 0;
	}
	if (part->mime_dates != NULL) {
		finding(&mi->flags, "Attachment %s: file dates in its MIME header: %s",
			name, part->mime_dates);
		mi->attach_found = true;
		mi->attach_found_pgp |= part->signed_pgp;
	}
	sz_doc_report_init(&found);
	int rc = publish_file(mi->a, mi->release, part->fd, name, mi->email_id,
		&id, &added, &found, &aerr);
	if (rc == SZ_E_UNSUPPORTED || rc == SZ_E_INVAL || rc == SZ_E_LIMIT) {
		/* Not published, said so; the e-mail itself still is. */
		fprintf(stderr, "samizdat release: attachment %s not published: "
			"%s\n", name, aerr.msg);
		finding(&mi->flags, "Attachment %s: cannot be scrubbed (%s)", name,
			aerr.msg);
		mi->attach_found = true;
		mi->attach_found_pgp |= part->signed_pgp;
		mi->stats->skipped++;
		sz_doc_report_free(&found);
		return 0;
	}
	if (rc != 0) {
		sz_doc_report_free(&found);
		*err = aerr;
		return rc;
	}
	for (size_t i = 0; i < found.len; i++)
		finding(&mi->flags, "Attachment %s: %s %s = %s", name,
			found.items[i].kind, found.items[i].name,
			found.items[i].value);
	if (found.len > 0) {
		mi->attach_found = true;
		mi->attach_found_pgp |= part->signed_pgp;
	}
	sz_doc_report_free(&found);
	mi->stats->attachments += added;
	return 0;
}

/* Copies a message's raw bytes into a temporary file (unlinked). */
static int copy_raw(struct sz_archive *a, const struct sz_mail *m,
	struct sz_err *err)
{
	char tmp[4200];
	int fd = publish_temp_fd(a, tmp, sizeof(tmp), err);
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

/* The scrubbed form (docs/mail_scrub.c) of the message, stored; its
 * hash in sha256 ("" when the message cannot be scrubbed). */
static int store_scrubbed(struct mail_import *mi, const struct sz_mail *m,
	char *sha256, uint64_t *size, struct sz_err *err)
{
	char out[4200] = "";
	struct sz_doc_report r;
	struct sz_err serr;
	sha256[0] = 0;
	*size = 0;
	int in = copy_raw(mi->a, m, err);
	if (in < 0)
		return SZ_E_IO;
	int ofd = publish_temp_fd(mi->a, out, sizeof(out), err);
	if (ofd < 0) {
		close(in);
		return SZ_E_IO;
	}
	close(ofd);
	sz_doc_report_init(&r);
	int rc = sz_doc_scrub(in, SZ_DOC_EMAIL, out, &r, &serr);
	sz_doc_report_free(&r);
	close(in);
	if (rc == 0) {
		int fd = open(out, O_RDONLY | O_CLOEXEC);
		rc = fd < 0 ? sz_err_set(err, SZ_E_IO, "cannot read the scrubbed "
			"message") : sz_archive_put_file(mi->a, fd, sha256, size, err);
		if (fd >= 0)
			close(fd);
	} else if (rc == SZ_E_INVAL || rc == SZ_E_LIMIT ||
		   rc == SZ_E_UNSUPPORTED) {
		finding(&mi->flags, "The message cannot be scrubbed: %s", serr.msg);
		rc = 0;   /* no scrubbed form: the choice is narrower */
	} else {
		*err = serr;
	}
	unlink(out);
	return rc;
}

/* "Received (3), Delivered-To, ..." from the header report. */
static void removed_names(const struct sz_doc_report *r, struct sz_buf *out)
{
	for (size_t i = 0; i < r->len; i++) {
		if (strcmp(r->items[i].kind, "Removed header") != 0)
			continue;
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(r->items[j].kind, "Removed header") == 0 &&
				strcasecmp(r->items[j].name, r->items[i].name) == 0;
		if (seen)
			continue;
		unsigned n = 0;
		for (size_t j = i; j < r->len; j++)
			n += strcmp(r->items[j].kind, "Removed header") == 0 &&
				strcasecmp(r->items[j].name, r->items[i].name) == 0;
		char one[120];
		snprintf(one, sizeof(one), n > 1 ? "%s%s (%u)" : "%s%s",
			out->len ? ", " : "", r->items[i].name, n);
		if (out->len + strlen(one) < out->max)
			(void)sz_buf_puts(out, one);
	}
}

/* Checks both signatures on the bytes as received. */
static int signatures(struct mail_import *mi, const struct sz_mail *m,
	struct sz_doc_row *d, struct sz_err *err)
{
	const struct publish_mail_options *o = mi->o;
	enum sz_dkim_result dr;
	enum sz_pgp_result pr;
	char detail[SZ_ARCHIVE_NAME_MAX + 1];
	int rc = sz_dkim_verify(o->dkim, m->raw_fd, m->raw_off, m->raw_len, &dr,
		detail, sizeof(detail), err);
	if (rc != 0)
		return rc;
	d->dkim = (enum sz_dkim_state)dr;
	if (dr != SZ_DKIM_RESULT_NONE && o->dkim_sha256 != NULL)
		snprintf(d->dkim_detail, sizeof(d->dkim_detail), "%.120s; keys file "
			"sha256 %s", detail, o->dkim_sha256);
	else
		snprintf(d->dkim_detail, sizeof(d->dkim_detail), "%s", detail);
	pr = SZ_PGP_RESULT_NONE;
	detail[0] = 0;
	if (m->pgp_signed && (rc = sz_pgp_verify(o->pgp, m->raw_fd, m->raw_off,
	    m->raw_len, &pr, detail, sizeof(detail), err)) != 0)
		return rc;
	d->pgp = (enum sz_dkim_state)pr;
	if (pr != SZ_PGP_RESULT_NONE && o->pgp_sha256 != NULL)
		snprintf(d->pgp_detail, sizeof(d->pgp_detail), "%.150s; keys file "
			"sha256 %s", detail, o->pgp_sha256);
	else
		snprintf(d->pgp_detail, sizeof(d->pgp_detail), "%s", detail);
	return 0;
}

static bool live(enum sz_dkim_state s)
{
	return s == SZ_DKIM_PASS || s == SZ_DKIM_UNKNOWN;
}

/* Decides and stores the raw forms once the attachments are known. */
static int raw_forms(struct mail_import *mi, const struct sz_mail *m,
	const struct sz_doc_row *d, int vfd, bool header_ok,
	const struct sz_raw_summary *hs, struct sz_buf *removed,
	struct sz_err *err)
{
	struct sz_email_raw r;
	memset(&r, 0, sizeof(r));
	bool signed_hdr = header_ok && hs->signed_extra > 0;
	r.flagged = header_ok && ((live(d->dkim) && (signed_hdr ||
		mi->attach_found)) || (live(d->pgp) && mi->attach_found_pgp));
	int rc = 0;
	if (header_ok && (r.flagged || mi->attach_found))
		rc = store_scrubbed(mi, m, r.scrubbed_sha256, &r.scrubbed_size, err);
	if (rc != 0)
		return rc;
	if (!header_ok)
		r.form = SZ_RAW_WITHHELD;
	else if (r.flagged)
		r.form = mi->o->flagged_form == SZ_RAW_SCRUBBED &&
			!r.scrubbed_sha256[0] ? SZ_RAW_WITHHELD : mi->o->flagged_form;
	else if (mi->attach_found)
		r.form = r.scrubbed_sha256[0] ? SZ_RAW_SCRUBBED : SZ_RAW_WITHHELD;
	else
		r.form = SZ_RAW_VERIFIABLE;
	r.chosen = r.flagged && mi->o->flagged_chosen;
	/* The verifiable form is stored only when it may be served. */
	if (header_ok && (r.flagged || r.form == SZ_RAW_VERIFIABLE)) {
		char sha[SZ_ARCHIVE_SHA256_HEX];
		uint64_t size;
		if ((rc = sz_archive_put_file(mi->a, vfd, sha, &size, err)) != 0)
			return rc;
	}
	r.flags = mi->flags.data ? (const char *)mi->flags.data : "";
	r.removed = removed->data ? (const char *)removed->data : "";
	mi->stats->flagged += r.flagged;
	mi->stats->scrubbed += r.form == SZ_RAW_SCRUBBED;
	mi->stats->withheld += r.form == SZ_RAW_WITHHELD;
	return mi->a->ops->email_set_raw(mi->a, mi->email_id, &r, err);
}

static int on_mail(void *ctx, const struct sz_mail *m, struct sz_err *err)
{
	struct mail_import *mi = ctx;
	struct sz_doc_row d;
	struct sz_doc_report hrep;
	struct sz_raw_summary hs;
	struct sz_buf sum, removed;
	char tmp[4200];
	memset(&d, 0, sizeof(d));
	memset(&hs, 0, sizeof(hs));
	sz_doc_report_init(&hrep);
	sz_buf_init(&sum, 1u << 16);
	sz_buf_init(&removed, SZ_ARCHIVE_NOTES_MAX);
	sz_buf_free(&mi->flags);
	sz_buf_init(&mi->flags, SZ_ARCHIVE_NOTES_MAX);
	mi->attach_found = mi->attach_found_pgp = false;
	sz_child_progress();   /* each message is a document: limits reset */
	int vfd = -1, rc = signatures(mi, m, &d, err);
	if (m->traces > 0) {
		/* Paths of the owner's files, a report's trace fields: the
		 * verifiable form would publish them, the scrubbed one not. */
		finding(&mi->flags, "The body names %u local file path(s) or trace "
			"field(s) of the mailbox's side; left out of the text and of "
			"the scrubbed form", m->traces);
		mi->attach_found = true;
		mi->attach_found_pgp = m->pgp_signed;
	}
	bool header_ok = true;
	/* The verifiable form: the header filtered, keeping what a live DKIM
	 * signature covers. */
	if (rc == 0 && (vfd = publish_temp_fd(mi->a, tmp, sizeof(tmp), err)) < 0)
		rc = SZ_E_IO;
	if (rc == 0) {
		struct sz_err ferr;
		unlink(tmp);
		int f = sz_mail_raw_filter(m->raw_fd, m->raw_off, m->raw_len, vfd,
			live(d.dkim), &hrep, &hs, &ferr);
		if (f == SZ_E_LIMIT) {
			header_ok = false;
			finding(&mi->flags, "The raw message is withheld: %s", ferr.msg);
		} else if (f != 0) {
			rc = f;
			*err = ferr;
		}
	}
	/* Its identity: the verifiable form's hash (or the received bytes',
	 * when the header is too large to filter). */
	if (rc == 0 && header_ok) {
		off_t end = lseek(vfd, 0, SEEK_END);
		d.size = end > 0 ? (uint64_t)end : 0;
		rc = sz_archive_hash_range(vfd, 0, d.size, d.sha256, err);
	} else if (rc == 0) {
		d.size = m->raw_len;
		rc = sz_archive_hash_range(m->raw_fd, m->raw_off, m->raw_len,
			d.sha256, err);
	}
	for (size_t i = 0; i < hrep.len; i++)
		if (strcmp(hrep.items[i].kind, "Signed header") == 0)
			finding(&mi->flags, "Signed header %s: %s", hrep.items[i].name,
				hrep.items[i].value);
	removed_names(&hrep, &removed);
	if (rc != 0)
		goto out;
	d.release_id = mi->release;
	d.email = true;
	d.raw_form = SZ_RAW_WITHHELD;   /* until raw_forms() decides */
	snprintf(d.type, sizeof(d.type), "email");
	snprintf(d.title, sizeof(d.title), "%s",
		m->subject[0] ? m->subject : "(no subject)");
	snprintf(d.collection, sizeof(d.collection), "%s", mi->collection);
	if (mi->next_num == 0 && (rc = mi->a->ops->email_next_num(mi->a,
	    mi->release, mi->collection, &mi->next_num, err)) != 0)
		goto out;
	d.num = mi->next_num;
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
	size_t words = 0;
	if (m->text_len > 0)
		rc = sz_doc_summarize(m->text, m->text_len, 2, &sum, &words, err);
	d.summary = (char *)(sum.data ? (const char *)sum.data : "");
	d.words = (int64_t)words;
	int64_t id;
	if (rc == 0)
		rc = mi->a->ops->doc_add(mi->a, &d, m->text, m->text_len, &id, err);
	mi->stats->messages++;
	if (rc == SZ_E_EXISTS) {
		rc = 0;   /* imported before: its attachments too */
		goto out;
	}
	if (rc != 0)
		goto out;
	mi->next_num++;
	mi->stats->added++;
	mi->stats->dkim_pass += d.dkim == SZ_DKIM_PASS;
	mi->stats->dkim_fail += d.dkim == SZ_DKIM_FAIL;
	mi->stats->dkim_unknown += d.dkim == SZ_DKIM_UNKNOWN;
	mi->stats->pgp_pass += d.pgp == SZ_DKIM_PASS;
	mi->stats->pgp_fail += d.pgp == SZ_DKIM_FAIL;
	mi->stats->pgp_unknown += d.pgp == SZ_DKIM_UNKNOWN;
	mi->email_id = id;
	rc = sz_mail_attachments(m, mi->a->files, on_attachment, mi, err);
	if (rc == 0)
		rc = raw_forms(mi, m, &d, vfd, header_ok, &hs, &removed, err);
	if (rc == 0 && mi->progress && mi->stats->messages % 1000 == 0)
		mi->progress(mi->stats);
out:
	if (vfd >= 0)
		close(vfd);
	sz_doc_report_free(&hrep);
	sz_buf_free(&sum);
	sz_buf_free(&removed);
	return rc;
}

int publish_mail(struct sz_archive *a, int64_t release, const char *path,
	const struct publish_mail_options *o, struct publish_stats *stats,
	void (*progress)(const struct publish_stats *s), struct sz_err *err)
{
	char copy[4096], collection[SZ_ARCHIVE_NAME_MAX + 1];
	snprintf(copy, sizeof(copy), "%s", path);
	size_t l = strlen(copy);
	while (l > 1 && copy[l - 1] == '/')
		copy[--l] = 0;
	snprintf(collection, sizeof(collection), "%s", basename(copy));
	struct mail_import mi = { .o = o, .a = a, .release = release,
		.collection = collection, .stats = stats, .progress = progress };
	sz_buf_init(&mi.flags, SZ_ARCHIVE_NOTES_MAX);
	int rc = sz_mail_each(path, a->files, on_mail, &mi,
		&stats->unreadable, err);
	sz_buf_free(&mi.flags);
	return rc;
}
