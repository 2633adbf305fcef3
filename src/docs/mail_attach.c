/*
 * mail_attach.c - the attachments of a parsed message (see mail.h), each
 * decoded into an unlinked temporary file: leaf parts that are not the
 * body or a signature, forwarded messages whole, the files inside
 * Outlook's winmail.dat (tnef.h) in place of the winmail.dat itself, and
 * files uuencoded inside the body's plain text (uu.h).
 * Names are cleaned of folders and control characters; no name reaches
 * the file system.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/io.h"
#include "docs/mail.h"
#include "docs/mime.h"
#include "docs/tnef.h"
#include "docs/uu.h"

struct att_walk {
	const char *tmpdir;
	sz_mail_attachment_fn fn;
	void *ctx;
	struct sz_err *err;
	unsigned n;
	int rc;
};

/* A file name without folders or control characters, never empty. */
static void safe_name(const char *in, unsigned n, char *out, size_t cap)
{
	struct sz_buf clean;
	sz_buf_init(&clean, cap - 1);
	(void)mime_header_text(in ? in : "", &clean);
	const char *s = clean.data ? (const char *)clean.data : "";
	const char *base = strrchr(s, '/');
	base = base ? base + 1 : s;
	const char *bs = strrchr(base, '\\');
	base = bs ? bs + 1 : base;
	snprintf(out, cap, "%s", base);
	sz_buf_free(&clean);
	if (out[0] == 0 || strcmp(out, ".") == 0 || strcmp(out, "..") == 0)
		snprintf(out, cap, "attachment-%u", n);
}

static int temp_file(struct att_walk *w)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/.attachment.XXXXXX", w->tmpdir);
	int fd = mkstemp(path);
	if (fd < 0)
		return sz_err_set(w->err, SZ_E_IO, "cannot write in %s: %s",
			w->tmpdir, strerror(errno));
	unlink(path);   /* gone when closed, whatever happens */
	return fd;
}

static bool count(struct att_walk *w)
{
	if (++w->n <= SZ_MAIL_MAX_ATTACHMENTS)
		return true;
	w->rc = sz_err_set(w->err, SZ_E_LIMIT, "a message has more than %u "
		"attachments", SZ_MAIL_MAX_ATTACHMENTS);
	return false;
}

/* winmail.dat: its files, each an attachment of its own. */
static void tnef(struct att_walk *w, GMimePart *part, struct sz_mail_part *a)
{
	struct sz_tnef *t;
	struct sz_err terr;
	if (mime_tnef_open(part, &t, &terr) != 0) {
		a->problem = terr.msg;
		w->rc = w->fn(w->ctx, a, w->err);
		return;
	}
	const struct sz_tnef_file *files;
	size_t n = sz_tnef_files(t, &files);
	unsigned container = a->index;
	for (size_t i = 0; i < n && w->rc == 0 && count(w); i++) {
		char name[256];
		struct sz_mail_part in = { .filename = name, .fd = -1,
			.index = w->n, .container = container,
			.signed_pgp = a->signed_pgp };
		safe_name(files[i].name, w->n, name, sizeof(name));
		if (files[i].data == NULL) {
			in.problem = "an Outlook item embedded in winmail.dat, "
				"which samizdat does not unpack";
		} else if ((in.fd = temp_file(w)) < 0) {
			w->rc = in.fd;
			break;
		} else if (sz_write_all(in.fd, files[i].data, files[i].len) != 0 ||
			   lseek(in.fd, 0, SEEK_SET) != 0) {
			w->rc = sz_err_set(w->err, SZ_E_IO, "cannot write %s", name);
			close(in.fd);
			break;
		}
		w->rc = w->fn(w->ctx, &in, w->err);
		if (in.fd >= 0)
			close(in.fd);
	}
	sz_tnef_free(t);
}

static int to_fd(void *ctx, const uint8_t *p, size_t n)
{
	return sz_write_all(*(int *)ctx, p, n) == 0 ? 0 : SZ_E_IO;
}

/* Files uuencoded inside the text, each an attachment of its own. */
static void uuencoded(struct att_walk *w, GMimePart *part, bool in_signed)
{
	const uint8_t *t;
	size_t n;
	struct sz_uu_block b;
	if (mime_part_map(part, &t, &n) != 0)
		return;   /* the text itself reports it cannot be read */
	for (size_t at = 0; w->rc == 0 && sz_uu_find(t, n, at, &b) && count(w);
	     at = b.end) {
		char name[256];
		safe_name(b.name, w->n, name, sizeof(name));
		struct sz_mail_part a = { .filename = name, .index = w->n,
			.signed_pgp = in_signed, .fd = temp_file(w) };
		if (a.fd < 0) {
			w->rc = a.fd;
			break;
		}
		int rc = sz_uu_decode(t, &b, to_fd, &a.fd);
		if (rc == SZ_UU_TOO_LARGE) {
			close(a.fd);
			a.fd = -1;
			a.problem = "its uuencoded lines are shorter than they say, "
				"so it is not unpacked";
			w->rc = w->fn(w->ctx, &a, w->err);
			continue;
		}
		if (rc != 0 || lseek(a.fd, 0, SEEK_SET) != 0)
			w->rc = sz_err_set(w->err, SZ_E_IO, "cannot write %s", name);
		else
			w->rc = w->fn(w->ctx, &a, w->err);
		close(a.fd);
	}
	if (n > 0)
		munmap((void *)t, n);
}

static void attachment(GMimeObject *parent, GMimeObject *obj, bool in_signed,
	void *data)
{
	(void)parent;
	struct att_walk *w = data;
	if (w->rc == 0 && mime_is_plain_body(obj))
		uuencoded(w, GMIME_PART(obj), in_signed);
	if (w->rc != 0 || !mime_is_attachment(obj) || !count(w))
		return;
	bool nested = GMIME_IS_MESSAGE_PART(obj);
	char name[256];
	safe_name(nested ? "message.eml" : g_mime_part_get_filename(GMIME_PART(obj)),
		w->n, name, sizeof(name));
	char dates[300];
	struct sz_mail_part a = { .filename = name, .fd = -1, .index = w->n,
		.message = nested, .signed_pgp = in_signed };
	if (mime_file_dates(obj, dates, sizeof(dates)))
		a.mime_dates = dates;
	if (!nested && mime_is_tnef(obj)) {
		tnef(w, GMIME_PART(obj), &a);
		return;
	}
	if ((a.fd = temp_file(w)) < 0) {
		w->rc = a.fd;
		return;
	}
	GMimeStream *s = g_mime_stream_fs_new(dup(a.fd));
	gssize written = -1;
	if (nested) {
		GMimeMessage *m = g_mime_message_part_get_message(
			GMIME_MESSAGE_PART(obj));
		written = m ? g_mime_object_write_to_stream(GMIME_OBJECT(m), NULL, s)
			    : -1;
	} else {
		GMimeDataWrapper *c = g_mime_part_get_content(GMIME_PART(obj));
		written = c ? g_mime_data_wrapper_write_to_stream(c, s) : 0;
	}
	g_mime_stream_flush(s);
	g_object_unref(s);
	if (written < 0)
		w->rc = sz_err_set(w->err, SZ_E_INVAL,
			"the attachment %s cannot be decoded", name);
	else if (lseek(a.fd, 0, SEEK_SET) != 0)
		w->rc = sz_err_set(w->err, SZ_E_IO, "cannot read back %s", name);
	else
		w->rc = w->fn(w->ctx, &a, w->err);
	close(a.fd);
}

int sz_mail_attachments(const struct sz_mail *m, const char *tmpdir,
	sz_mail_attachment_fn fn, void *ctx, struct sz_err *err)
{
	struct att_walk w = { .tmpdir = tmpdir, .fn = fn, .ctx = ctx,
		.err = err };
	mime_walk((GMimeMessage *)m->priv, attachment, &w);
	return w.rc;
}
