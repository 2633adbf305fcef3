/*
 * extract_mail.c - the readable text of an e-mail through GMime: the main
 * headers (decoded from their encoded words), then the text parts in
 * their order, converted to UTF-8 from whatever charset they declare
 * (format=flowed joined back into its paragraphs);
 * HTML-only parts as their text; attachments by name only.
 */
#include <gmime/gmime.h>
#include <string.h>
#include <unistd.h>

#include "docs/extract.h"
#include "docs/flowed.h"

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
	char *dec = g_mime_utils_header_decode_text(NULL, value);
	*rc = text_put(o, name, strlen(name));
	if (*rc == 0)
		*rc = text_put(o, ": ", 2);
	if (*rc == 0)
		*rc = text_put(o, dec ? dec : value, strlen(dec ? dec : value));
	if (*rc == 0)
		*rc = text_put(o, "\n", 1);
	g_free(dec);
}

/* A plain text part as its author wrote it: format=flowed (RFC 3676)
 * joined back into its paragraphs, any other text as it is. */
static int plain_text(GMimeContentType *ct, const char *text,
	struct text_out *o)
{
	const char *format = g_mime_content_type_get_parameter(ct, "format");
	if (format == NULL || g_ascii_strcasecmp(format, "flowed") != 0)
		return text_put(o, text, strlen(text));
	const char *delsp = g_mime_content_type_get_parameter(ct, "delsp");
	size_t len = strlen(text);
	struct sz_buf b;
	sz_buf_init(&b, 2 * len + 1);   /* flowed.h: never more than twice */
	int rc = sz_flowed_decode(text, len, delsp != NULL &&
		g_ascii_strcasecmp(delsp, "yes") == 0, &b);
	if (rc == 0 && b.len > 0)
		rc = text_put(o, (const char *)b.data, b.len);
	else if (rc != 0)
		rc = sz_err_set(o->err, rc, "the e-mail's text is too large");
	sz_buf_free(&b);
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
	if (w->rc != 0 || !GMIME_IS_PART(obj))
		return;
	GMimePart *p = GMIME_PART(obj);
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
	char *text = g_mime_text_part_get_text(GMIME_TEXT_PART(obj));
	if (text == NULL)
		return;
	w->rc = text_put(w->o, "\n", 1);
	if (w->rc == 0 && html)
		w->rc = extract_html_mem(text, strlen(text), "UTF-8", w->o);
	else if (w->rc == 0) {
		w->rc = plain_text(ct, text, w->o);
		w->have_plain = true;
	}
	g_free(text);
}

void mail_init(void)
{
	static gsize once;
	if (g_once_init_enter(&once)) {
		g_mime_init();
		g_once_init_leave(&once, 1);
	}
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
	int dfd = dup(fd);
	if (dfd < 0 || lseek(dfd, 0, SEEK_SET) != 0) {
		if (dfd >= 0)
			close(dfd);
		return sz_err_set(o->err, SZ_E_IO, "cannot read the e-mail");
	}
	GMimeStream *s = g_mime_stream_fs_new(dfd);   /* owns dfd */
	GMimeParser *parser = g_mime_parser_new_with_stream(s);
	g_object_unref(s);
	GMimeMessage *m = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (m == NULL)
		return sz_err_set(o->err, SZ_E_INVAL, "not an e-mail message");
	int rc = mail_text(m, true, o);
	g_object_unref(m);
	return rc;
}
