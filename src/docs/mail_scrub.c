/*
 * mail_scrub.c - the e-mail handler of the scrubber (SZ_DOC_EMAIL): a
 * message with its header cut to what the message says (mail_raw.h's
 * allow-list: Received, Delivered-To, X-Originating-IP, User-Agent and
 * the rest go) and every attachment replaced by its scrubbed copy, built
 * afresh (type, name, Content-ID, base64: no file dates or other
 * parameters of the original part); an attachment that cannot be
 * scrubbed is replaced by a note saying so, a forwarded message is
 * scrubbed the same way (a few levels deep), and winmail.dat is replaced
 * by the files it holds, scrubbed; a file uuencoded inside the text is
 * replaced by a note, and so is a line in which Eudora named the owner's
 * copy of an attachment (mail_local.h); a report's status fields and
 * returned header lose their trace fields (mail_report.h).  Run without an output, it reports
 * what it would remove, attachments' metadata included.
 *
 * The text and HTML body are left as they are, and so is the structure
 * of the message; GMime writes it out again, so a signed message's
 * signatures no longer verify (mail_raw.c keeps them verifiable instead).
 * Decoded attachments live in memory files (memfd); scrubbed copies next
 * to out_path, whose directory is the caller's.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/io.h"
#include "docs/internal.h"
#include "docs/mail.h"
#include "docs/mail_box.h"
#include "docs/mail_local.h"
#include "docs/mail_raw.h"
#include "docs/mime.h"
#include "docs/tnef.h"
#include "docs/uu.h"

#define NESTED_MAX 3          /* forwarded messages scrubbed inside */
#define SETTLE_ROUNDS 4       /* scrubs of its own output to a fixed point */

static _Thread_local int nesting;

struct job {
	GMimeObject *parent, *part;
};

struct scrub {
	const char *dir;          /* where scrubbed copies go; NULL inspecting */
	struct sz_doc_report *r;
	struct sz_err *err;
	struct job *jobs;
	size_t njobs;
	unsigned index;
	int rc;
};

static bool html_body(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	return GMIME_IS_TEXT_PART(obj) && !mime_is_attachment(obj) &&
		ct != NULL && g_mime_content_type_is_type(ct, "text", "html");
}

static void collect(GMimeObject *parent, GMimeObject *part, bool in_signed,
	void *data)
{
	(void)in_signed;
	struct scrub *s = data;
	if (s->rc != 0 || (!mime_is_attachment(part) &&
	    !mime_is_plain_body(part) && !html_body(part) &&
	    mime_report_kind(part) == SZ_MAIL_REPORT_NONE))
		return;
	if (s->njobs >= SZ_MAIL_MAX_ATTACHMENTS) {
		s->rc = sz_err_set(s->err, SZ_E_LIMIT, "the message has more than "
			"%u attachments", SZ_MAIL_MAX_ATTACHMENTS);
		return;
	}
	if (s->njobs % 16 == 0) {
		struct job *j = realloc(s->jobs, (s->njobs + 16) * sizeof(*j));
		if (j == NULL) {
			s->rc = sz_err_set(s->err, SZ_E_NOMEM, "out of memory");
			return;
		}
		s->jobs = j;
	}
	s->jobs[s->njobs++] = (struct job){ g_object_ref(parent),
		g_object_ref(part) };
}

/* Copies one attachment's findings into the message's report. */
static void merge(struct scrub *s, const char *name,
	const struct sz_doc_report *sub)
{
	for (size_t i = 0; i < sub->len; i++) {
		char kind[300];
		snprintf(kind, sizeof(kind), "Attachment %s: %s", name,
			sub->items[i].kind);
		sz_doc_report_add(s->r, kind, sub->items[i].name,
			sub->items[i].value, strlen(sub->items[i].value));
	}
}

static int memfd_of(const uint8_t *p, size_t n)
{
	int fd = memfd_create("samizdat-attachment", MFD_CLOEXEC);
	if (fd >= 0 && ((n > 0 && sz_write_all(fd, p, n) != 0) ||
	    lseek(fd, 0, SEEK_SET) != 0)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* A part saying that an attachment was removed, and why. */
static GMimeObject *note(const char *name, const char *why)
{
	char text[600];
	snprintf(text, sizeof(text), "[samizdat removed the attachment %s: %s]\n",
		name, why);
	GMimeTextPart *t = g_mime_text_part_new_with_subtype("plain");
	g_mime_text_part_set_text(t, text);
	return GMIME_OBJECT(t);
}

/* part's content becomes the (decoded) bytes of mem. */
static void set_content(GMimePart *part, GMimeStream *mem)
{
	g_mime_stream_reset(mem);
	GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(mem,
		GMIME_CONTENT_ENCODING_DEFAULT);
	g_mime_part_set_content(part, w);
	g_object_unref(w);
}

/* A file name for the report: readable UTF-8, no folders. */
static void report_name(const char *in, char *out, size_t cap)
{
	struct sz_buf clean;
	sz_buf_init(&clean, cap - 1);
	(void)mime_header_text(in ? in : "", &clean);
	snprintf(out, cap, "%s", clean.data && clean.len ?
		(const char *)clean.data : "attachment");
	sz_buf_free(&clean);
	for (char *c = out; *c; c++)
		if (*c == '/' || *c == '\\')
			*c = '_';
}

/* Scrubs the content at fd (named name) into a new part, or a note. */
static GMimeObject *scrubbed_part(struct scrub *s, int fd, const char *name,
	GMimeObject *old)
{
	enum sz_doc_type type = SZ_DOC_UNKNOWN;
	char *mime = NULL, out[4200] = "";
	struct sz_doc_report sub;
	struct sz_err e;
	GMimeObject *res = NULL;
	int ofd = -1;
	sz_doc_report_init(&sub);
	if (sz_doc_detect(fd, &type, &mime, &e) != 0 || type == SZ_DOC_UNKNOWN) {
		static const char why[] = "cannot be scrubbed, so it is removed";
		sz_doc_report_add(s->r, "Attachment", name, why, sizeof(why) - 1);
		res = note(name, "samizdat cannot scrub this type of file");
		goto out;
	}
	if (s->dir != NULL) {
		snprintf(out, sizeof(out), "%s/.mail-part.XXXXXX", s->dir);
		if ((ofd = mkstemp(out)) < 0) {
			out[0] = 0;
			s->rc = sz_err_set(s->err, SZ_E_IO, "cannot write in %s: %s",
				s->dir, strerror(errno));
			goto out;
		}
	}
	if (sz_doc_scrub(fd, type, s->dir ? out : NULL, &sub, &e) != 0) {
		sz_doc_report_add(s->r, "Attachment", name, e.msg, strlen(e.msg));
		res = note(name, e.msg);
		goto out;
	}
	merge(s, name, &sub);
	if (s->dir == NULL)
		goto out;
	/* A fresh part: the scrubbed content, its type, its name. */
	if (type == SZ_DOC_EMAIL) {
		GMimeStream *st = g_mime_stream_fs_open(out, O_RDONLY, 0, NULL);
		GMimeParser *p = st ? g_mime_parser_new_with_stream(st) : NULL;
		GMimeMessage *m = p ? g_mime_parser_construct_message(p,
			mime_options()) : NULL;
		if (m != NULL) {
			GMimeMessagePart *mp = g_mime_message_part_new_with_message(
				"rfc822", m);
			res = GMIME_OBJECT(mp);
			g_object_unref(m);
		}
		if (p)
			g_object_unref(p);
		if (st)
			g_object_unref(st);
		if (res == NULL)
			res = note(name, "the forwarded message cannot be read");
		goto out;
	}
	const char *slash = mime ? strchr(mime, '/') : NULL;
	char type_s[64] = "application", sub_s[128] = "octet-stream";
	if (slash != NULL) {
		snprintf(type_s, sizeof(type_s), "%.*s", (int)(slash - mime), mime);
		snprintf(sub_s, sizeof(sub_s), "%.*s", (int)strcspn(slash + 1, "; "),
			slash + 1);
	}
	GMimePart *part = g_mime_part_new_with_type(type_s, sub_s);
	GMimeStream *st = g_mime_stream_fs_open(out, O_RDONLY, 0, NULL);
	GMimeStream *mem = g_mime_stream_mem_new();
	if (st != NULL)
		g_mime_stream_write_to_stream(st, mem);
	set_content(part, mem);
	g_object_unref(mem);
	if (st != NULL)
		g_object_unref(st);
	g_mime_part_set_filename(part, name);
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
	const char *cid = old ? g_mime_object_get_content_id(old) : NULL;
	if (cid != NULL)
		g_mime_object_set_content_id(GMIME_OBJECT(part), cid);
	res = GMIME_OBJECT(part);
out:
	if (ofd >= 0)
		close(ofd);
	if (out[0])
		unlink(out);
	free(mime);
	sz_doc_report_free(&sub);
	return res;
}

/* winmail.dat: a multipart/mixed of its files, scrubbed. */
static GMimeObject *tnef_parts(struct scrub *s, GMimePart *part,
	const char *name)
{
	struct sz_tnef *t;
	struct sz_err e;
	if (mime_tnef_open(part, &t, &e) != 0) {
		sz_doc_report_add(s->r, "Attachment", name, e.msg, strlen(e.msg));
		return note(name, e.msg);
	}
	static const char what[] = "an Outlook (TNEF) container: replaced by the "
		"files it holds";
	sz_doc_report_add(s->r, "Attachment", name, what, sizeof(what) - 1);
	GMimeMultipart *mp = g_mime_multipart_new_with_subtype("mixed");
	g_mime_multipart_set_boundary(mp, "samizdat-winmail-dat");
	const struct sz_tnef_file *f;
	size_t n = sz_tnef_files(t, &f);
	for (size_t i = 0; i < n && s->rc == 0; i++) {
		char fname[SZ_TNEF_NAME_MAX + 1];
		snprintf(fname, sizeof(fname), "%s", f[i].name[0] ? f[i].name :
			"attachment");
		for (char *c = fname; *c; c++)
			if (*c == '/' || *c == '\\')
				*c = '_';
		GMimeObject *o;
		int fd = f[i].data ? memfd_of(f[i].data, f[i].len) : -1;
		if (f[i].data == NULL)
			o = note(fname, "an Outlook item, which samizdat does not "
				"unpack");
		else if (fd < 0)
			o = note(fname, "it cannot be read");
		else
			o = scrubbed_part(s, fd, fname, NULL);
		if (fd >= 0)
			close(fd);
		if (o != NULL) {
			g_mime_multipart_add(mp, o);
			g_object_unref(o);
		}
	}
	sz_tnef_free(t);
	return GMIME_OBJECT(mp);
}

static int to_fd(void *ctx, const uint8_t *p, size_t n)
{
	return sz_write_all(*(int *)ctx, p, n) == 0 ? 0 : SZ_E_IO;
}

static void replace(struct job *j, GMimeObject *with)
{
	if (GMIME_IS_MULTIPART(j->parent)) {
		GMimeMultipart *mp = GMIME_MULTIPART(j->parent);
		int at = g_mime_multipart_index_of(mp, j->part);
		if (at >= 0) {
			GMimeObject *old = g_mime_multipart_replace(mp, at, with);
			if (old != NULL)
				g_object_unref(old);
		}
	} else if (GMIME_IS_MESSAGE(j->parent)) {
		g_mime_message_set_mime_part(GMIME_MESSAGE(j->parent), with);
	}
}

static void one(struct scrub *s, struct job *j)
{
	char name[256];
	bool nested = GMIME_IS_MESSAGE_PART(j->part);
	const char *fn = nested ? "message.eml" :
		g_mime_part_get_filename(GMIME_PART(j->part));
	report_name(fn, name, sizeof(name));
	char dates[300];
	if (mime_file_dates(j->part, dates, sizeof(dates)))
		sz_doc_report_add(s->r, "Attachment", name, dates, strlen(dates));
	GMimeObject *with = NULL;
	if (!nested && mime_is_tnef(j->part)) {
		with = tnef_parts(s, GMIME_PART(j->part), name);
	} else {
		int fd = memfd_create("samizdat-attachment", MFD_CLOEXEC);
		bool cut = false;
		int rc = fd < 0 ? SZ_E_IO : 0;
		if (rc == 0 && nested) {
			GMimeMessage *m = g_mime_message_part_get_message(
				GMIME_MESSAGE_PART(j->part));
			GMimeStream *st = g_mime_stream_fs_new(dup(fd));
			if (m == NULL || g_mime_object_write_to_stream(GMIME_OBJECT(m),
			    NULL, st) < 0)
				rc = SZ_E_INVAL;
			g_mime_stream_flush(st);
			g_object_unref(st);
		} else if (rc == 0) {
			rc = mime_part_read(GMIME_PART(j->part), SZ_MAIL_MAX_MESSAGE,
				to_fd, &fd, &cut);
		}
		if (rc == 0 && !cut && lseek(fd, 0, SEEK_SET) == 0)
			with = scrubbed_part(s, fd, name, j->part);
		else
			with = note(name, "it cannot be decoded");
		if (fd >= 0)
			close(fd);
	}
	if (with != NULL && s->dir != NULL)
		replace(j, with);
	if (with != NULL)
		g_object_unref(with);
}

/* A text part with files uuencoded inside it (uu.h): each file's findings
 * are reported as an attachment's, and the text goes out with a note in
 * the file's place (the importer publishes the file, scrubbed, as an
 * attachment of its own). */
static void uu_text(struct scrub *s, GMimePart *part)
{
	const uint8_t *t;
	size_t n;
	struct sz_uu_block b;
	if (mime_part_map(part, &t, &n) != 0 || n == 0 || !sz_uu_find(t, n, 0, &b))
		goto out;
	GMimeStream *mem = g_mime_stream_mem_new();
	size_t at = 0, files = 0;
	do {
		if (++files > SZ_MAIL_MAX_ATTACHMENTS) {
			s->rc = sz_err_set(s->err, SZ_E_LIMIT, "the message has more "
				"than %u attachments", SZ_MAIL_MAX_ATTACHMENTS);
			break;
		}
		char name[256], line[400];
		report_name(b.name, name, sizeof(name));
		int fd = memfd_create("samizdat-attachment", MFD_CLOEXEC);
		int rc = fd < 0 ? -1 : sz_uu_decode(t, &b, to_fd, &fd);
		if ((rc != 0 && rc != SZ_UU_TOO_LARGE) ||
		    (rc == 0 && lseek(fd, 0, SEEK_SET) != 0)) {
			s->rc = sz_err_set(s->err, SZ_E_IO, "cannot decode %s", name);
			if (fd >= 0)
				close(fd);
			break;
		}
		if (rc == 0) {
			struct scrub look = *s;
			look.dir = NULL;   /* its findings only: the file itself goes */
			GMimeObject *o = scrubbed_part(&look, fd, name,
				GMIME_OBJECT(part));
			if (o != NULL)
				g_object_unref(o);
			s->rc = look.rc;
		}
		close(fd);
		static const char why[] = "uuencoded inside the text; removed";
		sz_doc_report_add(s->r, "Attachment", name, why, sizeof(why) - 1);
		/* The note names the file in the text's own charset. */
		char raw[sizeof(b.name)];
		snprintf(raw, sizeof(raw), "%s", b.name);
		for (char *c = raw; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '_';
		int len = snprintf(line, sizeof(line), "[samizdat removed the file "
			"%s, uuencoded here; the e-mail's page lists its attachments]"
			"\n", raw);
		g_mime_stream_write(mem, (const char *)t + at, b.start - at);
		g_mime_stream_write(mem, line, (size_t)len < sizeof(line) ?
			(size_t)len : sizeof(line) - 1);
		at = b.end;
	} while (s->rc == 0 && sz_uu_find(t, n, at, &b));
	if (s->rc == 0 && s->dir != NULL) {
		g_mime_stream_write(mem, (const char *)t + at, n - at);
		set_content(part, mem);
	}
	g_object_unref(mem);
out:
	if (n > 0)
		munmap((void *)t, n);
}

static int to_stream(void *ctx, const uint8_t *p, size_t n)
{
	return g_mime_stream_write(ctx, (const char *)p, n) == (ssize_t)n ? 0 : -1;
}

static void local_found(void *ctx, const char *path, const char *name)
{
	sz_doc_report_add(ctx, "Attachment path", name[0] ? name : "(no name)",
		path, strlen(path));
}

/* A body part in which Eudora named the owner's files (mail_local.h):
 * those lines become markers, each reported with the path it gave. */
static void local_text(struct scrub *s, GMimePart *part)
{
	const uint8_t *t;
	size_t n;
	if (mime_part_map(part, &t, &n) != 0) {
		s->rc = sz_err_set(s->err, SZ_E_INVAL, "a text part cannot be "
			"decoded to check it for local paths");
		return;
	}
	if (n == 0)
		return;
	GMimeStream *mem = g_mime_stream_mem_new();
	struct sz_mail_local f;
	sz_mail_local_init(&f, to_stream, mem);
	f.found = local_found;
	f.found_ctx = s->r;
	int rc = sz_mail_local_write(&f, t, n);
	if (rc == 0)
		rc = sz_mail_local_end(&f);
	if (rc != 0)
		s->rc = sz_err_set(s->err, SZ_E_NOMEM, "out of memory");
	else if (f.replaced > 0 && s->dir != NULL)
		set_content(part, mem);
	g_object_unref(mem);
	munmap((void *)t, n);
}

/* A report's machine-readable part, its trace fields left out (and
 * reported, as a header's are). */
static void report_part(struct scrub *s, GMimePart *part)
{
	const uint8_t *t;
	size_t n;
	if (mime_part_map(part, &t, &n) != 0) {
		s->rc = sz_err_set(s->err, SZ_E_INVAL, "a report part cannot be "
			"decoded");
		return;
	}
	unsigned removed = 0;
	int fd = memfd_create("samizdat-report", MFD_CLOEXEC);
	int rc = fd < 0 ? sz_err_set(s->err, SZ_E_IO, "cannot hold a report "
		"part") : sz_mail_report_filter(mime_report_kind(GMIME_OBJECT(part)),
		t, n, fd, &removed, s->r, s->err);
	if (n > 0)
		munmap((void *)t, n);
	if (rc == 0 && removed > 0 && s->dir != NULL &&
	    lseek(fd, 0, SEEK_SET) == 0) {
		GMimeStream *st = g_mime_stream_fs_new(dup(fd));
		GMimeStream *mem = g_mime_stream_mem_new();
		if (g_mime_stream_reset(st) != 0 ||
		    g_mime_stream_write_to_stream(st, mem) < 0)
			rc = sz_err_set(s->err, SZ_E_IO, "cannot read a report part");
		else
			set_content(part, mem);
		g_object_unref(mem);
		g_object_unref(st);
	}
	if (fd >= 0)
		close(fd);
	s->rc = rc;
}

/* Whether two files hold the same bytes. */
static bool same_file(int a, int b)
{
	uint8_t x[16384], y[16384];
	off_t at = 0;
	for (;;) {
		ssize_t n = pread(a, x, sizeof(x), at), m = pread(b, y, sizeof(y), at);
		if (n != m || n < 0 || memcmp(x, y, (size_t)n) != 0)
			return false;
		if (n == 0)
			return true;
		at += n;
	}
}

static int scrub_lf(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return sz_err_set(err, SZ_E_IO, "cannot read the message");
	if (nesting >= NESTED_MAX)
		return sz_err_set(err, SZ_E_LIMIT, "messages are forwarded more "
			"than %d deep", NESTED_MAX);
	/* What the header loses is reported as mail_raw.c sees it. */
	int rc = sz_mail_raw_filter(fd, 0, (uint64_t)st.st_size, -1, false, r,
		NULL, err);
	if (rc != 0)
		return rc;
	mail_init();
	int dfd = dup(fd);
	if (dfd < 0 || lseek(dfd, 0, SEEK_SET) != 0) {
		if (dfd >= 0)
			close(dfd);
		return sz_err_set(err, SZ_E_IO, "cannot read the message");
	}
	GMimeStream *in = g_mime_stream_fs_new(dfd);
	GMimeParser *p = g_mime_parser_new_with_stream(in);
	g_object_unref(in);
	GMimeMessage *m = g_mime_parser_construct_message(p, mime_options());
	g_object_unref(p);
	if (m == NULL)
		return sz_err_set(err, SZ_E_INVAL, "not an e-mail message");
	char dir[4200];
	snprintf(dir, sizeof(dir), "%s", out_path ? out_path : "");
	struct scrub s = { .dir = out_path ? dirname(dir) : NULL, .r = r,
		.err = err };
	nesting++;
	mime_walk(m, collect, &s);
	for (size_t i = 0; i < s.njobs; i++) {
		GMimeObject *part = s.jobs[i].part;
		bool text = mime_is_plain_body(part) || html_body(part);
		if (s.rc == 0 && mime_report_kind(part) != SZ_MAIL_REPORT_NONE)
			report_part(&s, GMIME_PART(part));
		else if (s.rc == 0 && text) {
			if (mime_is_plain_body(part))
				uu_text(&s, GMIME_PART(part));
			if (s.rc == 0)
				local_text(&s, GMIME_PART(part));
		} else if (s.rc == 0)
			one(&s, &s.jobs[i]);
		g_object_unref(s.jobs[i].parent);
		g_object_unref(s.jobs[i].part);
	}
	nesting--;
	free(s.jobs);
	rc = s.rc;
	/* The header: what the message says, nothing the way added. */
	GMimeHeaderList *h = g_mime_object_get_header_list(GMIME_OBJECT(m));
	for (int i = g_mime_header_list_get_count(h) - 1; rc == 0 && i >= 0; i--) {
		GMimeHeader *hd = g_mime_header_list_get_header_at(h, i);
		const char *n = hd ? g_mime_header_get_name(hd) : NULL;
		if (n == NULL || !sz_mail_header_is_content(n, strlen(n)))
			g_mime_header_list_remove_at(h, i);
	}
	struct wr out;
	if (rc == 0)
		rc = wr_open(&out, out_path, err);
	if (rc == 0 && out_path != NULL) {
		GMimeStream *os = g_mime_stream_fs_new(dup(out.fd));
		if (g_mime_object_write_to_stream(GMIME_OBJECT(m), NULL, os) < 0 ||
		    g_mime_stream_flush(os) != 0)
			rc = sz_err_set(err, SZ_E_IO, "cannot write the message");
		g_object_unref(os);
		int wrc = wr_close(&out, err);
		rc = rc ? rc : wrc;
	} else if (rc == 0) {
		rc = wr_close(&out, err);
	}
	g_object_unref(m);
	return rc;
}

static int scrub_once(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return sz_err_set(err, SZ_E_IO, "cannot read the message");
	if ((uint64_t)st.st_size > SZ_MAIL_MAX_MESSAGE)
		return sz_err_set(err, SZ_E_LIMIT, "the message is larger than "
			"%llu MiB", (unsigned long long)(SZ_MAIL_MAX_MESSAGE >> 20));
	/* Classic Mac OS line ends (a bare CR) are read as LF: GMime splits
	 * no line on a bare CR, so the whole message would be one header
	 * field, kept or dropped whole. */
	int lf;
	bool translated;
	int rc = sz_mail_box_lf(fd, NULL, &lf, &translated, err);
	if (rc != 0)
		return rc;
	rc = scrub_lf(lf, out_path, r, err);
	close(lf);
	return rc;
}

/* What GMime writes does not always parse back to the same message (a
 * header block without its final line end gains one, a header line with
 * a NUL byte reads differently), so the scrub runs again on its own
 * output until that comes out the same: then scrubbing it once more
 * gives the same bytes.  A message that never settles is refused. */
int doc_email(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	int rc = scrub_once(fd, out_path, r, err);
	if (rc != 0 || out_path == NULL)
		return rc;
	char dir[4200], tmp[4200];
	snprintf(dir, sizeof(dir), "%s", out_path);
	snprintf(tmp, sizeof(tmp), "%s/.mail-settle.XXXXXX", dirname(dir));
	for (int round = 0; round < SETTLE_ROUNDS; round++) {
		int in = open(out_path, O_RDONLY | O_CLOEXEC);
		int t = mkstemp(tmp);
		if (in < 0 || t < 0) {
			if (in >= 0)
				close(in);
			if (t >= 0)
				close(t);
			return sz_err_set(err, SZ_E_IO, "cannot write beside %s",
				out_path);
		}
		/* What the first pass found is the report; later passes read
		 * the scrubbed copy (its attachments' new PDF IDs, say). */
		struct sz_doc_report again;
		sz_doc_report_init(&again);
		rc = scrub_once(in, tmp, &again, err);
		sz_doc_report_free(&again);
		bool same = rc == 0 && same_file(in, t);
		close(in);
		close(t);
		if (rc != 0 || same) {
			unlink(tmp);
			return rc;
		}
		if (rename(tmp, out_path) != 0) {
			unlink(tmp);
			return sz_err_set(err, SZ_E_IO, "cannot write %s", out_path);
		}
		snprintf(dir, sizeof(dir), "%s", out_path);
		snprintf(tmp, sizeof(tmp), "%s/.mail-settle.XXXXXX", dirname(dir));
	}
	return sz_err_set(err, SZ_E_INVAL, "the message does not come out the "
		"same way twice, so it cannot be scrubbed reliably");
}
