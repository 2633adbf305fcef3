/*
 * extract_mail.c - the readable text of an e-mail through GMime: the main
 * headers (decoded from their encoded words), then the text parts in
 * their order, converted to UTF-8 as mail clients read them (charset.h;
 * format=flowed joined back into its paragraphs); HTML-only parts as
 * their text; attachments by name only; signatures not at all.  Lines
 * in which Eudora named the mailbox owner's files become markers naming
 * the file only (mail_local.h); a report's status fields and returned
 * header only as far as they say what happened (mail_report.h).
 */
#include <gmime/gmime.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/utf8.h"
#include "docs/extract.h"
#include "docs/flowed.h"
#include "docs/mail.h"
#include "docs/mail_box.h"
#include "docs/mail_local.h"
#include "docs/mail_report.h"
#include "docs/mime.h"
#include "docs/tnef.h"

#define NESTING_MAX 8   /* messages forwarded inside messages */

struct walk {
	struct text_out *o;
	int rc;
	bool have_plain;
	int depth;
};

static int message_text(GMimeMessage *m, bool headers, int depth,
	struct text_out *o);

static void header(struct text_out *o, int *rc, const char *name,
	const char *value)
{
	if (*rc != 0 || value == NULL || value[0] == 0)
		return;
	char *dec = g_mime_utils_header_decode_text(mime_options(), value);
	struct sz_buf clean;
	sz_buf_init(&clean, 1u << 20);
	(void)mime_header_text(dec ? dec : "", &clean);
	*rc = text_put(o, name, strlen(name));
	if (*rc == 0)
		*rc = text_put(o, ": ", 2);
	if (*rc == 0)
		*rc = text_put(o, (const char *)clean.data, clean.len);
	if (*rc == 0)
		*rc = text_put(o, "\n", 1);
	sz_buf_free(&clean);
	g_free(dec);
}

/* Collects a part's text, converted to UTF-8, to decode it whole. */
static int collect(void *ctx, const uint8_t *p, size_t n)
{
	return sz_buf_append(ctx, p, n);
}

/* A plain text part as its author wrote it: format=flowed (RFC 3676)
 * joined back into its paragraphs, any other text as it is. */
static int plain_text(GMimePart *p, GMimeContentType *ct, struct text_out *o)
{
	const char *format = g_mime_content_type_get_parameter(ct, "format");
	if (format == NULL || g_ascii_strcasecmp(format, "flowed") != 0)
		return mime_part_text(p, false, o);
	const char *delsp = g_mime_content_type_get_parameter(ct, "delsp");
	struct sz_buf raw, b;
	sz_buf_init(&raw, SZ_DOC_MAX_TEXT);
	sz_buf_init(&b, 0);
	struct text_out c = { .sink = collect, .ctx = &raw, .err = o->err };
	int rc = mime_part_text(p, false, &c);
	if (rc == 0 && raw.len > 0) {
		sz_buf_init(&b, 2 * raw.len + 1);   /* flowed.h: never more */
		rc = sz_flowed_decode((const char *)raw.data, raw.len,
			delsp != NULL && g_ascii_strcasecmp(delsp, "yes") == 0, &b);
		if (rc == 0)
			rc = text_put(o, (const char *)b.data, b.len);
		else
			rc = sz_err_set(o->err, rc, "the e-mail's text is too large");
	}
	sz_buf_free(&raw);
	sz_buf_free(&b);
	return rc;
}

/* winmail.dat: the body Outlook put in it, and its files by name. */
static int tnef_text(GMimePart *p, struct text_out *o)
{
	struct sz_buf text;
	struct sz_tnef *t = NULL;
	int rc = 0;
	sz_buf_init(&text, SZ_DOC_MAX_TEXT);
	if (mime_tnef_open(p, &t, NULL) == 0) {
		(void)sz_tnef_body(t, &text);
		rc = text_put(o, "\n", 1);
		if (rc == 0)
			rc = text_put(o, (const char *)text.data, text.len);
		const struct sz_tnef_file *f;
		size_t n = sz_tnef_files(t, &f);
		for (size_t i = 0; i < n && rc == 0; i++) {
			rc = text_put(o, "\n[attachment: ", 14);
			if (rc == 0)
				rc = text_put(o, f[i].name, strlen(f[i].name));
			if (rc == 0)
				rc = text_put(o, "]\n", 2);
		}
	}
	sz_tnef_free(t);
	sz_buf_free(&text);
	return rc;
}

static int to_text(void *ctx, const uint8_t *p, size_t n)
{
	return text_put(ctx, (const char *)p, n);
}

static int to_local(void *ctx, const uint8_t *p, size_t n)
{
	return sz_mail_local_write(ctx, p, n);
}

/* A body part's text, Eudora's lines naming the owner's files made
 * markers (mail_local.h). */
static int body_text(GMimePart *p, GMimeContentType *ct, bool html,
	struct text_out *o)
{
	struct sz_mail_local f;
	sz_mail_local_init(&f, to_text, o);
	struct text_out fo = { .sink = to_local, .ctx = &f, .err = o->err };
	int rc = html ? mime_part_text(p, true, &fo) : plain_text(p, ct, &fo);
	if (rc == 0)
		rc = sz_mail_local_end(&f);
	o->mail_traces += f.replaced;
	return rc;
}

/* A status part's fields as filtered, cleaned to UTF-8. */
static int status_text(int fd, struct text_out *o)
{
	off_t size = lseek(fd, 0, SEEK_END);
	if (size <= 0)
		return 0;
	char *b = malloc((size_t)size);
	struct sz_buf clean;
	sz_buf_init(&clean, (size_t)size * 3 + 1);
	int rc = b == NULL ? sz_err_set(o->err, SZ_E_NOMEM, "out of memory") : 0;
	if (rc == 0 && pread(fd, b, (size_t)size, 0) == size &&
	    sz_utf8_clean(&clean, b, (size_t)size, true) == 0)
		rc = text_put(o, (const char *)clean.data, clean.len);
	free(b);
	sz_buf_free(&clean);
	return rc;
}

/* A report's machine-readable part (mail_report.h), what it says only:
 * status fields filtered, a returned header read as a message's. */
static int report_text(GMimePart *p, enum sz_mail_report kind, int depth,
	struct text_out *o)
{
	const uint8_t *t;
	size_t n;
	if (mime_part_map(p, &t, &n) != 0) {
		o->mail_traces++;   /* unread: the raw form is scrubbed */
		return 0;
	}
	if (n == 0)
		return 0;
	unsigned removed = 0;
	struct sz_err ferr;
	int fd = memfd_create("samizdat-report", MFD_CLOEXEC);
	int rc = 0, f = fd < 0 ? SZ_E_IO :
		sz_mail_report_filter(kind, t, n, fd, &removed, NULL, &ferr);
	munmap((void *)t, n);
	o->mail_traces += removed + (f != 0);
	if (f == 0 && kind == SZ_MAIL_REPORT_STATUS) {
		rc = text_put(o, "\n", 1);
		if (rc == 0)
			rc = status_text(fd, o);
	} else if (f == 0 && lseek(fd, 0, SEEK_SET) == 0) {
		GMimeStream *s = g_mime_stream_fs_new(dup(fd));
		GMimeParser *parser = g_mime_parser_new_with_stream(s);
		g_object_unref(s);
		GMimeMessage *m = g_mime_parser_construct_message(parser,
			mime_options());
		g_object_unref(parser);
		rc = text_put(o, "\n", 1);
		if (rc == 0 && m != NULL)
			rc = message_text(m, true, depth + 1, o);
		if (m != NULL)
			g_object_unref(m);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

static void part(GMimeObject *parent, GMimeObject *obj, gpointer data)
{
	(void)parent;
	struct walk *w = data;
	if (w->rc == 0 && GMIME_IS_MESSAGE_PART(obj) && w->depth < NESTING_MAX) {
		/* A forwarded message: its text, headers first. */
		GMimeMessage *inner = g_mime_message_part_get_message(
			GMIME_MESSAGE_PART(obj));
		w->rc = text_put(w->o, "\n", 1);
		if (w->rc == 0 && inner != NULL)
			w->rc = message_text(inner, true, w->depth + 1, w->o);
		return;
	}
	if (w->rc != 0 || !GMIME_IS_PART(obj) || mime_is_signature(obj))
		return;
	GMimePart *p = GMIME_PART(obj);
	enum sz_mail_report kind = mime_report_kind(obj);
	if (kind != SZ_MAIL_REPORT_NONE) {
		w->rc = w->depth < NESTING_MAX ? report_text(p, kind, w->depth,
			w->o) : 0;
		return;
	}
	if (mime_is_tnef(obj)) {
		w->rc = tnef_text(p, w->o);
		return;
	}
	const char *fname = g_mime_part_get_filename(p);
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	bool attachment = g_mime_part_is_attachment(p);
	if (attachment || !GMIME_IS_TEXT_PART(obj)) {
		const char *n = fname ? fname : "(unnamed)";
		w->rc = text_put(w->o, "\n[attachment: ", 14);
		if (w->rc == 0)
			w->rc = text_put(w->o, n, strlen(n));
		if (w->rc == 0)
			w->rc = text_put(w->o, "]\n", 2);
		return;
	}
	bool html = g_mime_content_type_is_type(ct, "text", "html");
	if (html && w->have_plain)
		return;   /* the alternative we already printed */
	w->rc = text_put(w->o, "\n", 1);
	if (w->rc == 0)
		w->rc = body_text(p, ct, html, w->o);
	w->have_plain = w->have_plain || !html;
}

void mail_init(void)
{
	static gsize once;
	if (g_once_init_enter(&once)) {
		g_mime_init();
		g_once_init_leave(&once, 1);
	}
	(void)mime_options();
}

int mail_text(GMimeMessage *m, bool headers, struct text_out *o)
{
	return message_text(m, headers, 0, o);
}

static int message_text(GMimeMessage *m, bool headers, int depth,
	struct text_out *o)
{
	GMimeObject *top = GMIME_OBJECT(m);
	int rc = 0;
	static const char *const hs[] = { "From", "To", "Cc", "Date", "Subject" };
	for (size_t i = 0; headers && i < sizeof(hs) / sizeof(hs[0]); i++)
		header(o, &rc, hs[i], g_mime_object_get_header(top, hs[i]));
	struct walk w = { .o = o, .rc = rc, .depth = depth };
	if (rc == 0)
		g_mime_message_foreach(m, part, &w);
	return w.rc;
}

int extract_mail(int fd, struct text_out *o)
{
	mail_init();
	struct stat st;
	if (fstat(fd, &st) != 0)
		return sz_err_set(o->err, SZ_E_IO, "cannot read the e-mail");
	if ((uint64_t)st.st_size > SZ_MAIL_MAX_MESSAGE)
		return sz_err_set(o->err, SZ_E_LIMIT, "the e-mail is larger than "
			"%llu MiB", (unsigned long long)(SZ_MAIL_MAX_MESSAGE >> 20));
	/* Classic Mac OS line ends (a bare CR) are read as LF (mail_box.h). */
	int dfd;
	bool translated;
	int rc = sz_mail_box_lf(fd, NULL, &dfd, &translated, o->err);
	if (rc != 0)
		return rc;
	if (lseek(dfd, 0, SEEK_SET) != 0) {
		close(dfd);
		return sz_err_set(o->err, SZ_E_IO, "cannot read the e-mail");
	}
	GMimeStream *s = g_mime_stream_fs_new(dfd);   /* owns dfd */
	GMimeParser *parser = g_mime_parser_new_with_stream(s);
	g_object_unref(s);
	GMimeMessage *m = g_mime_parser_construct_message(parser,
		mime_options());
	g_object_unref(parser);
	if (m == NULL)
		return sz_err_set(o->err, SZ_E_INVAL, "not an e-mail message");
	rc = mail_text(m, true, o);
	g_object_unref(m);
	return rc;
}
