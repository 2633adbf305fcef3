/*
 * mail.c - walking mbox files, MMDF files, Maildirs and single messages
 * with GMime (see mail.h).  The raw bytes of each message are located by
 * the parser's offsets, so what is archived is exactly what was received,
 * except for one thing: a file with classic Mac OS line ends (CR only:
 * Eudora, Outlook Express for the Mac), which no MIME parser reads, is
 * first copied with each CR made an LF (the same length, so offsets still
 * hold) into an unlinked temporary file, streamed, never slurped.
 *
 * It does not unquote mboxrd's ">From " lines (mboxo and mboxrd cannot be
 * told apart, and a reader sees the quoting their own client shows).
 * MMDF is split by mail_box.c, not by GMime's GMIME_FORMAT_MMDF, which
 * never returned on an MMDF file written by Python's mailbox module.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gmime/gmime.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/io.h"
#include "core/utf8.h"
#include "docs/extract.h"
#include "docs/mail.h"
#include "docs/mail_box.h"
#include "docs/mime.h"

static int buf_sink(void *ctx, const uint8_t *p, size_t n)
{
	/* Past the limit the text is cut, not the import failed. */
	struct sz_buf *b = ctx;
	if (b->len + n > b->max)
		n = b->max - b->len;
	return sz_buf_append(b, p, n) == 0 ? 0 : 0;
}

/* One address per line, "address<TAB>name", from GMime's parsed list
 * (groups flattened): a display name is only ever shown, never taken
 * for an address. */
static int address_lines(InternetAddressList *l, struct sz_buf *out,
	int depth, unsigned *count)
{
	int rc = 0;
	int n = l ? internet_address_list_length(l) : 0;
	for (int i = 0; i < n && rc == 0 && depth < 4; i++) {
		InternetAddress *a = internet_address_list_get_address(l, i);
		if (INTERNET_ADDRESS_IS_GROUP(a)) {
			rc = address_lines(internet_address_group_get_members(
				INTERNET_ADDRESS_GROUP(a)), out, depth + 1, count);
			continue;
		}
		if (!INTERNET_ADDRESS_IS_MAILBOX(a) || ++*count > SZ_MAIL_MAX_ADDRESSES)
			continue;
		const char *addr = internet_address_mailbox_get_addr(
			INTERNET_ADDRESS_MAILBOX(a));
		const char *name = internet_address_get_name(a);
		if (addr == NULL || addr[0] == 0)
			continue;
		rc = sz_utf8_clean(out, addr, strlen(addr), false);
		if (rc == 0)
			rc = sz_buf_puts(out, "\t");
		if (rc == 0 && name != NULL)
			rc = mime_header_text(name, out);
		if (rc == 0)
			rc = sz_buf_puts(out, "\n");
	}
	return rc;
}

static char *addresses(InternetAddressList *l)
{
	struct sz_buf b;
	unsigned count = 0;
	sz_buf_init(&b, SZ_MAIL_MAX_ADDRESS_TEXT);
	/* Past the bound, the list ends at the last whole line. */
	(void)address_lines(l, &b, 0, &count);
	const char *nl = b.data ? strrchr((const char *)b.data, '\n') : NULL;
	size_t last = nl ? (size_t)(nl - (const char *)b.data) + 1 : 0;
	char *out = malloc(last + 1);
	if (out != NULL) {
		if (last)
			memcpy(out, b.data, last);
		out[last] = 0;
	}
	sz_buf_free(&b);
	return out;
}

/* An address list as GMime parsed it, or, when it holds a "mailbox"
 * that is an encoded word (Python's email package, in its compat32
 * policy, encodes a whole From: "Jürgen <j@x>" as one =?utf-8?b?...?=),
 * the header decoded first and parsed again, as mail clients read it.
 * *owned receives a list the caller unrefs (NULL if GMime's is used). */
static InternetAddressList *address_list(GMimeMessage *msg,
	GMimeAddressType type, const char *header, InternetAddressList **owned)
{
	InternetAddressList *l = g_mime_message_get_addresses(msg, type);
	*owned = NULL;
	int n = l ? internet_address_list_length(l) : 0;
	bool encoded = false;
	for (int i = 0; i < n && !encoded; i++) {
		InternetAddress *a = internet_address_list_get_address(l, i);
		const char *addr = INTERNET_ADDRESS_IS_MAILBOX(a) ?
			internet_address_mailbox_get_addr(
				INTERNET_ADDRESS_MAILBOX(a)) : NULL;
		encoded = addr != NULL && strncmp(addr, "=?", 2) == 0 &&
			strchr(addr, '@') == NULL;
	}
	const char *raw = encoded ?
		g_mime_object_get_header(GMIME_OBJECT(msg), header) : NULL;
	if (raw == NULL)
		return l;
	char *text = g_mime_utils_header_decode_text(NULL, raw);
	InternetAddressList *again = text ?
		internet_address_list_parse(NULL, text) : NULL;
	g_free(text);
	if (again == NULL || internet_address_list_length(again) == 0) {
		if (again != NULL)
			g_object_unref(again);
		return l;
	}
	*owned = again;
	return again;
}

/* Strips <> and white space around a message id into out. */
static void clean_id(const char *in, char *out, size_t cap)
{
	out[0] = 0;
	if (in == NULL)
		return;
	while (*in == ' ' || *in == '\t' || *in == '<')
		in++;
	size_t n = strcspn(in, "> \t\r\n");
	if (n >= cap)
		n = cap - 1;
	memcpy(out, in, n);
	out[n] = 0;
}

/* One parsed message: decode what the archive shows, then call fn. */
/* Whether a part carries a PGP signature (PGP/MIME or inline). */
static void pgp_part(GMimeObject *parent, GMimeObject *obj, bool in_signed,
	void *data)
{
	(void)parent;
	(void)in_signed;
	bool *found = data;
	const char *proto = GMIME_IS_MULTIPART_SIGNED(obj) ?
		g_mime_object_get_content_type_parameter(obj, "protocol") : NULL;
	*found = *found || (proto && strcasecmp(proto,
		"application/pgp-signature") == 0) || (GMIME_IS_TEXT_PART(obj) &&
		g_mime_part_get_openpgp_data(GMIME_PART(obj)) ==
		GMIME_OPENPGP_DATA_SIGNED);
}

static int deliver(GMimeMessage *msg, int fd, uint64_t off, uint64_t len,
	int64_t index, sz_mail_fn fn, void *ctx, struct sz_err *err)
{
	struct sz_mail m = { .index = index, .raw_fd = fd, .raw_off = off,
		.raw_len = len, .priv = msg };
	char id[256], root[256], from_addr[256] = "", from_name[256] = "";
	clean_id(g_mime_message_get_message_id(msg), id, sizeof(id));
	/* The thread is keyed on its first message: the first References
	 * entry, else In-Reply-To, else the message itself. */
	GMimeObject *o = GMIME_OBJECT(msg);
	const char *refs = g_mime_object_get_header(o, "References");
	const char *irt = g_mime_object_get_header(o, "In-Reply-To");
	root[0] = 0;
	if (refs != NULL) {
		GMimeReferences *r = g_mime_references_parse(NULL, refs);
		if (r != NULL && g_mime_references_length(r) > 0)
			clean_id(g_mime_references_get_message_id(r, 0), root,
				sizeof(root));
		if (r != NULL)
			g_mime_references_free(r);
	}
	if (root[0] == 0 && irt != NULL)
		clean_id(irt, root, sizeof(root));
	if (root[0] == 0)
		snprintf(root, sizeof(root), "%s", id);
	InternetAddressList *from_owned, *to_owned, *cc_owned;
	InternetAddressList *from = address_list(msg, GMIME_ADDRESS_TYPE_FROM,
		"From", &from_owned);
	if (from != NULL && internet_address_list_length(from) > 0) {
		InternetAddress *a = internet_address_list_get_address(from, 0);
		const char *name = internet_address_get_name(a);
		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			snprintf(from_addr, sizeof(from_addr), "%s",
				internet_address_mailbox_get_addr(
					INTERNET_ADDRESS_MAILBOX(a)));
		struct sz_buf nb;
		sz_buf_init(&nb, sizeof(from_name) - 1);
		(void)mime_header_text(name ? name : "", &nb);
		snprintf(from_name, sizeof(from_name), "%s",
			nb.data ? (const char *)nb.data : "");
		sz_buf_free(&nb);
		sz_utf8_clean_field(from_addr, sizeof(from_addr));
	}
	char *to = addresses(address_list(msg, GMIME_ADDRESS_TYPE_TO, "To",
		&to_owned));
	char *cc = addresses(address_list(msg, GMIME_ADDRESS_TYPE_CC, "Cc",
		&cc_owned));
	InternetAddressList *owned[3] = { from_owned, to_owned, cc_owned };
	for (size_t i = 0; i < 3; i++)
		if (owned[i] != NULL)
			g_object_unref(owned[i]);
	GDateTime *dt = g_mime_message_get_date(msg);
	struct sz_buf subject;
	sz_buf_init(&subject, SZ_MAIL_MAX_SUBJECT);
	(void)mime_header_text(g_mime_message_get_subject(msg) ?
		g_mime_message_get_subject(msg) : "", &subject);
	struct sz_buf text;
	sz_buf_init(&text, SZ_MAIL_MAX_TEXT);
	struct text_out out = { .sink = buf_sink, .ctx = &text, .err = err };
	int rc = to && cc ? 0 : sz_err_set(err, SZ_E_NOMEM, "out of memory");
	if (rc == 0)
		rc = mail_text(msg, false, &out);
	if (rc == 0) {
		m.message_id = id;
		m.thread_root = root;
		m.subject = subject.data ? (const char *)subject.data : "";
		m.from_addr = from_addr;
		m.from_name = from_name;
		m.to = to;
		m.cc = cc;
		m.date = dt ? g_date_time_to_unix(dt) : 0;
		m.text = text.data ? (const char *)text.data : "";
		m.text_len = text.len;
		mime_walk(msg, pgp_part, &m.pgp_signed);
		m.traces = out.mail_traces;
		rc = fn(ctx, &m, err);
	}
	sz_buf_free(&text);
	sz_buf_free(&subject);
	free(to);
	free(cc);
	return rc;
}

/* Where the next line starting with "From " begins in fd[from, limit),
 * or -1. */
static off_t next_from_line(int fd, off_t from, off_t limit)
{
	char buf[8192];
	while (from < limit) {
		size_t want = limit - from < (off_t)sizeof(buf) ?
			(size_t)(limit - from) : sizeof(buf);
		ssize_t n = pread(fd, buf, want, from);
		if (n <= 0)
			return -1;
		const char *hit = memmem(buf, (size_t)n, "\nFrom ", 6);
		if (hit != NULL)
			return from + (hit - buf) + 1;
		if (n < 6)
			return -1;
		from += n - 5;   /* a match may straddle two pieces */
	}
	return -1;
}

/* The messages of fd[start, stop) (stop -1: the end of the file), an
 * mbox or one message.  *resume: -1, or where to go on in an mbox after
 * a "From " line GMime could read no message from. */
static int walk_part(int fd, bool mbox, off_t start, off_t stop,
	sz_mail_fn fn, void *ctx, int64_t *index, off_t *resume,
	struct sz_err *err)
{
	*resume = -1;
	int dfd = dup(fd);
	if (dfd < 0)
		return sz_err_set(err, SZ_E_IO, "cannot read: %s", strerror(errno));
	GMimeStream *s = g_mime_stream_fs_new_with_bounds(dfd, start, stop);
	GMimeParser *p = g_mime_parser_new_with_stream(s);
	g_object_unref(s);
	g_mime_parser_set_format(p, mbox ? GMIME_FORMAT_MBOX : GMIME_FORMAT_MESSAGE);
	/* mboxcl/mboxcl2 (Solaris, some MTAs) leave "From " lines in bodies
	 * unquoted and count the body in Content-Length; GMime follows the
	 * count only where a From_ line or the end is found after it. */
	g_mime_parser_set_respect_content_length(p, TRUE);
	g_mime_parser_set_persist_stream(p, TRUE);
	int rc = 0;
	struct stat st;
	if (fstat(fd, &st) != 0)
		st.st_size = 0;
	gint64 limit = stop >= 0 && stop < st.st_size ? stop : st.st_size;
	while (rc == 0 && !g_mime_parser_eos(p)) {
		GMimeMessage *msg = g_mime_parser_construct_message(p,
			mime_options());
		if (msg == NULL && mbox && *index > 0) {
			/* An unquoted "From " line in a body (an mboxo written
			 * carelessly) starts a "message" GMime cannot read, and
			 * it reads no further: the walk goes on at the next
			 * From_ line, so the messages after it are not lost. */
			off_t at = g_mime_parser_tell(p);
			*resume = next_from_line(fd, at > start ? at - 1 : start,
				limit);
			break;
		}
		if (msg == NULL) {
			if (*index == 0 || !mbox)
				rc = sz_err_set(err, SZ_E_INVAL, mbox ?
					"not an mbox file (no message found)" :
					"not an e-mail message");
			break;
		}
		gint64 begin = g_mime_parser_get_headers_begin(p);
		gint64 end = g_mime_parser_tell(p);
		if (!mbox || end > limit)
			end = limit;
		if (begin < 0 || end < begin) {
			rc = sz_err_set(err, SZ_E_INVAL,
				"message %lld cannot be located in the file",
				(long long)*index + 1);
		} else if ((uint64_t)(end - begin) > SZ_MAIL_MAX_MESSAGE) {
			rc = sz_err_set(err, SZ_E_LIMIT,
				"message %lld is larger than %llu MiB",
				(long long)*index + 1,
				(unsigned long long)(SZ_MAIL_MAX_MESSAGE >> 20));
		} else {
			rc = deliver(msg, fd, (uint64_t)begin, (uint64_t)(end - begin),
				*index, fn, ctx, err);
			(*index)++;
		}
		g_object_unref(msg);
		if (!mbox)
			break;
	}
	g_object_unref(p);
	return rc;
}

static int walk_stream(int fd, bool mbox, off_t start, off_t stop,
	sz_mail_fn fn, void *ctx, int64_t *index, struct sz_err *err)
{
	off_t resume;
	int rc;
	while ((rc = walk_part(fd, mbox, start, stop, fn, ctx, index, &resume,
	    err)) == 0 && resume > start)
		start = resume;
	return rc;
}

struct mmdf_walk {
	int fd;
	sz_mail_fn fn;
	void *ctx;
	int64_t *index, *unreadable;
	struct sz_err *err;
};

/* A message of a mailbox that has no header at all (a digest's text
 * saved on its own, a stray note) is skipped and counted, when the
 * caller counts: the rest of the mailbox is not lost for it. */
static int skip_unreadable(int rc, int64_t before, int64_t after,
	int64_t *unreadable)
{
	if (rc == SZ_E_INVAL && before == after && unreadable != NULL) {
		(*unreadable)++;
		return 0;
	}
	return rc;
}

static int mmdf_message(void *ctx, off_t start, off_t stop)
{
	struct mmdf_walk *w = ctx;
	int64_t before = *w->index;
	int rc = walk_stream(w->fd, false, start, stop, w->fn, w->ctx,
		w->index, w->err);
	return skip_unreadable(rc, before, *w->index, w->unreadable);
}

/* One file: an mbox, an MMDF file or one message, in whatever line ends
 * its client wrote (mail_box.h). */
static int walk_file(const char *path, const char *tmpdir, sz_mail_fn fn,
	void *ctx, int64_t *index, int64_t *unreadable, struct sz_err *err)
{
	int fd;
	bool translated;
	int rc = sz_mail_box_open(path, tmpdir, &fd, &translated, err);
	if (rc != 0)
		return rc;
	off_t start;
	enum sz_mail_layout l = sz_mail_box_layout(fd, &start);
	if (l == SZ_MAIL_MMDF) {
		int64_t before = *index;
		struct mmdf_walk w = { .fd = fd, .fn = fn, .ctx = ctx,
			.index = index, .unreadable = unreadable, .err = err };
		rc = sz_mail_box_mmdf(fd, start, mmdf_message, &w, err);
		if (rc == 0 && *index == before)
			rc = sz_err_set(err, SZ_E_INVAL, "not an MMDF mailbox (no "
				"message found)");
	} else {
		rc = walk_stream(fd, l == SZ_MAIL_MBOX, start, -1, fn, ctx, index,
			err);
	}
	close(fd);
	return rc;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int walk_maildir(const char *dir, const char *tmpdir, sz_mail_fn fn,
	void *ctx, int64_t *unreadable, struct sz_err *err)
{
	int64_t index = 0;
	int rc = 0;
	static const char *const subs[] = { "cur", "new" };
	for (size_t k = 0; k < 2 && rc == 0; k++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, subs[k]);
		struct dirent **list = NULL;
		int n = scandir(path, &list, NULL, by_name);
		for (int i = 0; i < n; i++) {
			if (rc == 0 && list[i]->d_name[0] != '.') {
				char file[8192];
				snprintf(file, sizeof(file), "%s/%s", path,
					list[i]->d_name);
				int64_t before = index;
				rc = walk_file(file, tmpdir, fn, ctx, &index, NULL,
					err);
				rc = skip_unreadable(rc, before, index, unreadable);
			}
			free(list[i]);
		}
		free(list);
	}
	return rc;
}

bool sz_mail_is_box(int fd)
{
	off_t start;
	return sz_mail_box_layout(fd, &start) != SZ_MAIL_ONE;
}

int sz_mail_each(const char *path, const char *tmpdir, sz_mail_fn fn,
	void *ctx, int64_t *unreadable, struct sz_err *err)
{
	mail_init();
	struct stat st;
	if (stat(path, &st) != 0)
		return sz_err_set(err, SZ_E_IO, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		char cur[4096], nw[4096];
		snprintf(cur, sizeof(cur), "%s/cur", path);
		snprintf(nw, sizeof(nw), "%s/new", path);
		if (access(cur, F_OK) != 0 && access(nw, F_OK) != 0)
			return sz_err_set(err, SZ_E_INVAL,
				"%s is not a Maildir (no cur/ or new/)", path);
		return walk_maildir(path, tmpdir, fn, ctx, unreadable, err);
	}
	int64_t index = 0;
	return walk_file(path, tmpdir, fn, ctx, &index, unreadable, err);
}
