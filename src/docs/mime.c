/*
 * mime.c - GMime helpers the e-mail files share (see mime.h): parser
 * options, part predicates, decoded reads and text in UTF-8.  Nothing
 * here writes a file or keeps a part's content whole in memory, except
 * an HTML part (libxml2 parses it whole, up to SZ_DOC_MAX_MARKUP) and
 * mime_part_map's memory file (a text part searched for uuencoded files).
 */
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/io.h"
#include "core/utf8.h"
#include "docs/charset.h"
#include "docs/mime.h"
#include "docs/tnef.h"
#include "docs/uu.h"

static GMimeParserOptions *options;

GMimeParserOptions *mime_options(void)
{
	static gsize once;
	if (g_once_init_enter(&once)) {
		static const char *const fallback[] = { "UTF-8", "windows-1252",
			NULL };
		options = g_mime_parser_options_new();
		g_mime_parser_options_set_fallback_charsets(options,
			(const char **)fallback);
		g_once_init_leave(&once, 1);
	}
	return options;
}

bool mime_is_signature(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	return ct && (g_mime_content_type_is_type(ct, "application",
		"pgp-signature") || g_mime_content_type_is_type(ct,
		"application", "pkcs7-signature") || g_mime_content_type_is_type(ct,
		"application", "x-pkcs7-signature"));
}

bool mime_is_tnef(GMimeObject *obj)
{
	if (!GMIME_IS_PART(obj))
		return false;
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *name = g_mime_part_get_filename(GMIME_PART(obj));
	return (ct && (g_mime_content_type_is_type(ct, "application", "ms-tnef") ||
		g_mime_content_type_is_type(ct, "application", "vnd.ms-tnef"))) ||
	       (name && strcasecmp(name, "winmail.dat") == 0);
}

enum sz_mail_report mime_report_kind(GMimeObject *obj)
{
	GMimeContentType *ct = GMIME_IS_PART(obj) ?
		g_mime_object_get_content_type(obj) : NULL;
	return ct == NULL ? SZ_MAIL_REPORT_NONE : sz_mail_report_kind(
		g_mime_content_type_get_media_type(ct),
		g_mime_content_type_get_media_subtype(ct));
}

bool mime_is_attachment(GMimeObject *obj)
{
	if (GMIME_IS_MESSAGE_PART(obj))
		return true;
	if (!GMIME_IS_PART(obj) || mime_is_signature(obj) ||
	    mime_report_kind(obj) != SZ_MAIL_REPORT_NONE)
		return false;
	return !GMIME_IS_TEXT_PART(obj) ||
	       g_mime_part_is_attachment(GMIME_PART(obj));
}

static void walk(GMimeObject *parent, GMimeObject *obj, bool in_signed,
	int depth, mime_walk_fn fn, void *ctx)
{
	fn(parent, obj, in_signed, ctx);
	if (!GMIME_IS_MULTIPART(obj) || depth >= SZ_MIME_DEPTH_MAX)
		return;
	GMimeMultipart *mp = GMIME_MULTIPART(obj);
	bool is_signed = GMIME_IS_MULTIPART_SIGNED(obj);
	int n = g_mime_multipart_get_count(mp);
	for (int i = 0; i < n; i++)
		walk(obj, g_mime_multipart_get_part(mp, i),
			in_signed || (is_signed && i == 0), depth + 1, fn, ctx);
}

void mime_walk(GMimeMessage *m, mime_walk_fn fn, void *ctx)
{
	GMimeObject *top = g_mime_message_get_mime_part(m);
	if (top != NULL)
		walk(GMIME_OBJECT(m), top, false, 0, fn, ctx);
}

/* The file dates of a Content-Disposition (RFC 2183 §2.4-2.6): when the
 * sender's file was made, changed and read, into out; false if none. */
bool mime_file_dates(GMimeObject *obj, char *out, size_t cap)
{
	static const char *const params[] = { "creation-date",
		"modification-date", "read-date" };
	GMimeContentDisposition *d = g_mime_object_get_content_disposition(obj);
	size_t at = 0;
	out[0] = 0;
	for (size_t i = 0; d != NULL && i < 3; i++) {
		const char *v = g_mime_content_disposition_get_parameter(d,
			params[i]);
		if (v != NULL && at < cap) {
			int n = snprintf(out + at, cap - at, "%s%s=%s", at ? "; " : "",
				params[i], v);
			at = n > 0 ? at + (size_t)n : at;
		}
	}
	return out[0] != 0;
}

int mime_part_read(GMimePart *part, uint64_t max,
	int (*fn)(void *ctx, const uint8_t *p, size_t n), void *ctx, bool *cut)
{
	*cut = false;
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *s = w ? g_mime_data_wrapper_get_stream(w) : NULL;
	if (s == NULL)
		return 0;
	g_mime_stream_reset(s);
	GMimeStream *f = g_mime_stream_filter_new(s);
	GMimeContentEncoding enc = g_mime_data_wrapper_get_encoding(w);
	if (enc == GMIME_CONTENT_ENCODING_BASE64 ||
	    enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	    enc == GMIME_CONTENT_ENCODING_UUENCODE) {
		GMimeFilter *d = g_mime_filter_basic_new(enc, FALSE);
		g_mime_stream_filter_add(GMIME_STREAM_FILTER(f), d);
		g_object_unref(d);
	}
	uint8_t buf[16384];
	uint64_t total = 0;
	int rc = 0;
	for (;;) {
		ssize_t n = g_mime_stream_read(f, (char *)buf, sizeof(buf));
		if (n <= 0)
			break;
		if (total + (uint64_t)n > max) {
			n = (ssize_t)(max - total);
			*cut = true;
		}
		total += (uint64_t)n;
		if (n > 0 && (rc = fn(ctx, buf, (size_t)n)) != 0)
			break;
		if (*cut)
			break;
	}
	g_object_unref(f);
	return rc;
}

bool mime_is_plain_body(GMimeObject *obj)
{
	if (!GMIME_IS_TEXT_PART(obj) || mime_is_attachment(obj))
		return false;
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	return ct == NULL || g_mime_content_type_is_type(ct, "text", "plain");
}

static int to_memfd(void *ctx, const uint8_t *p, size_t n)
{
	return sz_write_all(*(int *)ctx, p, n) == 0 ? 0 : -1;
}

int mime_part_map(GMimePart *part, const uint8_t **p, size_t *n)
{
	*p = NULL;
	*n = 0;
	int fd = memfd_create("samizdat-text", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	bool cut;
	struct stat st;
	int rc = mime_part_read(part, SZ_MIME_PART_MAX, to_memfd, &fd, &cut);
	if (rc == 0 && (cut || fstat(fd, &st) != 0))
		rc = -1;
	if (rc == 0 && st.st_size > 0) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
			fd, 0);
		if (m == MAP_FAILED) {
			rc = -1;
		} else {
			*p = m;
			*n = (size_t)st.st_size;
		}
	}
	close(fd);
	return rc == 0 ? 0 : -1;
}

static int raw_piece(void *ctx, const uint8_t *p, size_t n)
{
	return sz_buf_append(ctx, p, n);
}

int mime_tnef_open(GMimePart *part, struct sz_tnef **t, struct sz_err *err)
{
	struct sz_buf raw;
	bool cut;
	*t = NULL;
	sz_buf_init(&raw, SZ_TNEF_MAX_BYTES);
	int rc = mime_part_read(part, SZ_TNEF_MAX_BYTES, raw_piece, &raw, &cut);
	if (rc == 0 && cut)
		rc = sz_err_set(err, SZ_E_LIMIT, "winmail.dat is larger than %u MiB",
			SZ_TNEF_MAX_BYTES >> 20);
	else if (rc != 0)
		rc = sz_err_set(err, rc, "winmail.dat cannot be decoded");
	else
		rc = sz_tnef_open(raw.data ? raw.data : (const uint8_t *)"", raw.len,
			t, err);
	sz_buf_free(&raw);
	return rc;
}

/* Plain text: the head decides the charset, the rest streams. */
struct plain {
	struct sz_buf head;
	const char *label;
	struct sz_charset_conv *conv;
	struct text_out *o;
};

static int to_text(void *ctx, const char *p, size_t n)
{
	return text_put(ctx, p, n);
}

static int plain_start(struct plain *pl)
{
	char name[SZ_CHARSET_NAME_MAX];
	const uint8_t *h = pl->head.data ? pl->head.data : (const uint8_t *)"";
	size_t skip = sz_charset_decide(pl->label, h, pl->head.len, false, name,
		sizeof(name));
	int rc = sz_charset_open(&pl->conv, name, to_text, pl->o, pl->o->err);
	if (rc == SZ_E_UNSUPPORTED)
		rc = sz_charset_open(&pl->conv, "WINDOWS-1252", to_text, pl->o,
			pl->o->err);
	return rc ? rc : sz_charset_feed(pl->conv, h + skip, pl->head.len - skip,
		false);
}

static int plain_piece(void *ctx, const uint8_t *p, size_t n)
{
	struct plain *pl = ctx;
	if (pl->conv == NULL) {
		size_t room = SZ_CHARSET_SNIFF_MAX - pl->head.len;
		size_t k = n < room ? n : room;
		int rc = sz_buf_append(&pl->head, p, k);
		if (rc != 0 || pl->head.len < SZ_CHARSET_SNIFF_MAX)
			return rc;
		if ((rc = plain_start(pl)) != 0)
			return rc;
		p += k;
		n -= k;
	}
	return n ? sz_charset_feed(pl->conv, p, n, false) : 0;
}

int mime_part_text(GMimePart *part, bool html, struct text_out *o)
{
	const char *label = g_mime_object_get_content_type_parameter(
		GMIME_OBJECT(part), "charset");
	bool cut;
	int rc;
	if (html) {
		/* libxml2 parses HTML whole: read it (bounded), convert, parse. */
		struct sz_buf raw, utf8;
		sz_buf_init(&raw, SZ_DOC_MAX_MARKUP);
		sz_buf_init(&utf8, SZ_DOC_MAX_MARKUP);
		rc = mime_part_read(part, SZ_DOC_MAX_MARKUP, raw_piece, &raw, &cut);
		if (rc == 0 && raw.len > 0) {
			rc = sz_charset_to_utf8(label, raw.data, raw.len, true, &utf8);
			if (rc == SZ_E_LIMIT)
				rc = 0;   /* what fitted */
		}
		if (rc == 0 && utf8.len > 0)
			rc = extract_html_mem((const char *)utf8.data, utf8.len,
				"UTF-8", o);
		sz_buf_free(&raw);
		sz_buf_free(&utf8);
		return rc;
	}
	struct plain pl = { .label = label, .o = o };
	sz_buf_init(&pl.head, SZ_CHARSET_SNIFF_MAX);
	/* Files uuencoded inside the text are attachments, not words. */
	const uint8_t *t;
	size_t n;
	struct sz_uu_block b;
	if (mime_part_map(part, &t, &n) == 0 && n > 0 && sz_uu_find(t, n, 0, &b)) {
		size_t at = 0;
		rc = 0;
		do {
			static const char open_[] = "[attachment: ", close_[] = "]\n";
			if (rc == 0)
				rc = plain_piece(&pl, t + at, b.start - at);
			if (rc == 0)
				rc = plain_piece(&pl, (const uint8_t *)open_,
					sizeof(open_) - 1);
			if (rc == 0)
				rc = plain_piece(&pl, (const uint8_t *)b.name,
					strlen(b.name));
			if (rc == 0)
				rc = plain_piece(&pl, (const uint8_t *)close_,
					sizeof(close_) - 1);
			at = b.end;
		} while (rc == 0 && sz_uu_find(t, n, at, &b));
		if (rc == 0)
			rc = plain_piece(&pl, t + at, n - at);
	} else {
		rc = mime_part_read(part, SZ_MIME_PART_MAX, plain_piece, &pl, &cut);
	}
	if (n > 0)
		munmap((void *)t, n);
	if (rc == 0 && pl.conv == NULL)
		rc = plain_start(&pl);
	if (rc == 0)
		rc = sz_charset_feed(pl.conv, NULL, 0, true);
	sz_charset_close(pl.conv);
	sz_buf_free(&pl.head);
	return rc;
}

/* windows-1252's characters for 0x80-0x9F (0: undefined there). */
static const uint16_t cp1252_c1[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

int mime_header_text(const char *s, struct sz_buf *out)
{
	struct sz_buf fixed;
	size_t len = strlen(s);
	sz_buf_init(&fixed, 3 * len + 1);
	int rc = 0;
	for (size_t i = 0; i < len && rc == 0; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] < 0xA0) {
			uint16_t u = cp1252_c1[(unsigned char)s[++i] - 0x80];
			char e[3] = { (char)(0xE0 | u >> 12),
				(char)(0x80 | (u >> 6 & 0x3F)), (char)(0x80 | (u & 0x3F)) };
			if (u >= 0x800)
				rc = sz_buf_append(&fixed, e, 3);
			else if (u != 0)
				rc = sz_buf_append(&fixed, (char[2]){ (char)(0xC0 | u >> 6),
					(char)(0x80 | (u & 0x3F)) }, 2);
		} else {
			rc = sz_buf_append(&fixed, &s[i], 1);
		}
	}
	if (rc == 0)
		rc = sz_utf8_clean(out, fixed.data ? (const char *)fixed.data : "",
			fixed.len, false);
	sz_buf_free(&fixed);
	return rc;
}
