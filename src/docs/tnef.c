/*
 * tnef.c - winmail.dat through libytnef (see tnef.h).
 *
 * libytnef trusts lengths it reads (an attribute's length is allocated
 * before it is known to be there), leaks what a repeated attribute or an
 * empty property name replaces, and prints complaints on stdout.  So the
 * stream is first walked here with the same grammar ([MS-OXTNEF] §2.1.3,
 * as libytnef reads it), and refused unless every length is inside the
 * data, each attribute appears once per message or attachment and no
 * property is of a shape libytnef mishandles.  Debian's libytnef adds
 * checks of its own, which may still refuse a stream this one lets
 * through, printing a line on stdout as it does (left alone: redirecting
 * stdout would race with the scrubber's other thread).  Compressed RTF is
 * decompressed by rtf.c, not by libytnef.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ytnef.h>

#include "core/utf8.h"
#include "docs/charset.h"
#include "docs/extract.h"
#include "docs/rtf.h"
#include "docs/tnef.h"

#define TNEF_SIGNATURE 0x223E9F78u
#define MAPI_MAX_PROPS 1000u      /* libytnef's own limits */
#define MAPI_MAX_VALUES 1000u
#define MAPI_MAX_NAME 100u
#define MAPI_MAX_UNICODE 100000u

struct sz_tnef {
	TNEFStruct t;
	struct sz_tnef_file *files;
	size_t nfiles;
	unsigned codepage;
};

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* The subject properties libytnef copies into the message's subject. */
static bool subject_prop(uint32_t id)
{
	return id == PR_SUBJECT || id == PR_SUBJECT_IPM ||
	       id == PR_ORIGINAL_SUBJECT || id == PR_NORMALIZED_SUBJECT ||
	       id == PR_CONVERSATION_TOPIC;
}

/* Checks one MAPI property block as libytnef's TNEFFillMapi reads it. */
static const char *check_mapi(const uint8_t *p, size_t size)
{
	size_t at = 0;
#define NEED(n) do { if ((n) > size - at) return "a property runs past " \
	"its block"; } while (0)
	NEED(4);
	uint32_t count = rd32(p);
	at += 4;
	if (count > MAPI_MAX_PROPS)
		return "more than 1000 properties";
	for (uint32_t i = 0; i < count; i++) {
		NEED(4);
		uint32_t tag = rd32(p + at);
		at += 4;
		uint32_t type = PROP_TYPE(tag), id = PROP_ID(tag);
		if (id >= 0x8000) {
			NEED(20);
			uint32_t names = rd32(p + at + 16);
			at += 20;
			if (names > MAPI_MAX_VALUES)
				return "a named property with too many names";
			if (names == 0) {
				NEED(4);
				at += 4;
			}
			for (uint32_t k = 0; k < names; k++) {
				NEED(4);
				uint32_t l = rd32(p + at);
				at += 4;
				if (l == 0 || l > MAPI_MAX_NAME)
					return "a property name of a bad length";
				uint32_t padded = l + (l % 4 ? 4 - l % 4 : 0);
				NEED(padded);
				at += padded;
			}
		}
		uint32_t values = 1;
		bool multi = type & MV_FLAG;
		if (multi) {
			type &= ~(uint32_t)MV_FLAG;
			NEED(4);
			values = rd32(p + at);
			at += 4;
			if (values == 0 || values > MAPI_MAX_VALUES)
				return "a property with a bad number of values";
		}
		for (uint32_t v = 0; v < values; v++) {
			switch (type) {
			case PT_BINARY: case PT_OBJECT: case PT_STRING8:
			case PT_UNICODE: {
				if (!multi) {
					NEED(4);
					at += 4;   /* the count of values, always 1 */
				}
				NEED(4);
				uint32_t l = rd32(p + at);
				at += 4;
				uint32_t padded = l + (l % 4 ? 4 - l % 4 : 0);
				if (padded < l)
					return "a property of a bad length";
				NEED(padded);
				if (type == PT_UNICODE && l > MAPI_MAX_UNICODE)
					return "a text property longer than 100 000 bytes";
				if (l == 0 && subject_prop(id))
					return "an empty subject property";
				at += padded;
				break;
			}
			case PT_I2: case PT_BOOLEAN: case PT_LONG: case PT_R4:
			case PT_CURRENCY: case PT_APPTIME: case PT_ERROR:
				NEED(4);
				at += 4;
				break;
			case PT_DOUBLE: case PT_I8: case PT_SYSTIME:
				NEED(8);
				at += 8;
				break;
			case PT_CLSID:
				NEED(16);
				at += 16;
				break;
			default:
				return "a property of an unknown type";
			}
		}
	}
	return at == size ? NULL : "a property block with bytes to spare";
#undef NEED
}

/* The attributes libytnef allocates for: each may appear once per
 * message (or per attachment, for the attachment ones). */
static int once_slot(uint32_t id, bool *attachment)
{
	static const uint32_t msg[] = { attFrom, attSubject, attBody,
		attOemCodepage, attOriginalMessageClass, attMAPIProps };
	static const uint32_t att[] = { attAttachTitle, attAttachData,
		attAttachMetaFile, attAttachment };
	for (size_t i = 0; i < sizeof(msg) / sizeof(msg[0]); i++)
		if (id == msg[i]) {
			*attachment = false;
			return (int)i;
		}
	for (size_t i = 0; i < sizeof(att) / sizeof(att[0]); i++)
		if (id == att[i]) {
			*attachment = true;
			return (int)i;
		}
	return -1;
}

static const char *check_stream(const uint8_t *p, size_t len)
{
	if (len < 6 || rd32(p) != TNEF_SIGNATURE)
		return "it does not start with the TNEF signature";
	size_t at = 6;
	bool seen_msg[8] = { false }, seen_att[8] = { false }, in_att = false;
	unsigned attributes = 0, files = 0;
	while (at < len) {
		if (len - at < 9)
			return "it ends inside an attribute";
		uint32_t id = rd32(p + at + 1), size = rd32(p + at + 5);
		at += 9;
		if (size == 0 || size > len - at || len - at - size < 2)
			return "an attribute runs past the end";
		uint16_t sum = 0;
		for (uint32_t i = 0; i < size; i++)
			sum = (uint16_t)(sum + p[at + i]);
		if (sum != (uint16_t)(p[at + size] | p[at + size + 1] << 8))
			return "an attribute's checksum does not match";
		if (++attributes > SZ_TNEF_MAX_ATTRIBUTES)
			return "it has too many attributes";
		bool attachment;
		int slot = once_slot(id, &attachment);
		if (id == attAttachRenddata) {
			if (++files > SZ_TNEF_MAX_FILES)
				return "it holds more than 256 attachments";
			in_att = true;
			memset(seen_att, 0, sizeof(seen_att));
		} else if (id == attTnefVersion && size != 4) {
			return "its version attribute is not 4 bytes";
		} else if (slot >= 0) {
			bool *seen = attachment ? seen_att : seen_msg;
			if (attachment && !in_att)
				return "an attachment's attribute comes before the "
					"attachment";
			if (seen[slot])
				return "an attribute appears twice";
			seen[slot] = true;
		}
		if (id == attMAPIProps || id == attAttachment) {
			const char *why = check_mapi(p + at, size);
			if (why != NULL)
				return why;
		}
		at += size + 2;
	}
	return NULL;
}

/* A property's first value, or NULL. */
static variableLength *prop(MAPIProps *m, uint32_t type, uint32_t id)
{
	variableLength *v = MAPIFindProperty(m, PROP_TAG(type, id));
	return v == MAPI_UNDEFINED || v == NULL || v->data == NULL ||
	       v->size <= 0 ? NULL : v;
}

/* Text in the stream's code page (or UTF-8 when libytnef converted it
 * from UTF-16) into out, cleaned. */
static void text_of(const struct sz_tnef *t, const variableLength *v,
	bool utf8, struct sz_buf *out)
{
	if (utf8) {
		/* libytnef's UTF-16 conversion is NUL-terminated. */
		const char *s = (const char *)v->data;
		(void)sz_utf8_clean(out, s, strlen(s), true);
		return;
	}
	size_t n = strnlen((const char *)v->data, (size_t)v->size);
	char name[SZ_CHARSET_NAME_MAX];
	sz_charset_codepage(t->codepage, name, sizeof(name));
	struct sz_buf conv;
	sz_buf_init(&conv, out->max);
	if (sz_charset_to_utf8(name, v->data, n, false, &conv) != SZ_E_NOMEM)
		(void)sz_utf8_clean(out, conv.data ? (const char *)conv.data : "",
			conv.len, true);
	sz_buf_free(&conv);
}

static void file_name(const struct sz_tnef *t, Attachment *a, size_t index,
	char *out, size_t cap)
{
	struct sz_buf b;
	sz_buf_init(&b, cap - 1);
	variableLength *v;
	if ((v = prop(&a->MAPI, PT_UNICODE, PR_ATTACH_LONG_FILENAME)) != NULL)
		text_of(t, v, true, &b);
	else if ((v = prop(&a->MAPI, PT_STRING8, PR_ATTACH_LONG_FILENAME)) != NULL)
		text_of(t, v, false, &b);
	else if (a->Title.size > 0 && a->Title.data != NULL)
		text_of(t, &a->Title, false, &b);
	if (b.len == 0)
		snprintf(out, cap, "attachment-%zu", index + 1);
	else
		snprintf(out, cap, "%s", (const char *)b.data);
	sz_utf8_clean_field(out, cap);
	sz_buf_free(&b);
}

int sz_tnef_open(const uint8_t *p, size_t len, struct sz_tnef **out,
	struct sz_err *err)
{
	*out = NULL;
	if (len > SZ_TNEF_MAX_BYTES)
		return sz_err_set(err, SZ_E_LIMIT, "winmail.dat is larger than "
			"%u MiB", SZ_TNEF_MAX_BYTES >> 20);
	const char *why = check_stream(p, len);
	if (why != NULL)
		return sz_err_set(err, SZ_E_INVAL, "winmail.dat cannot be read: %s",
			why);
	struct sz_tnef *t = calloc(1, sizeof(*t));
	uint8_t *copy = malloc(len ? len : 1);
	if (t == NULL || copy == NULL) {
		free(t);
		free(copy);
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	memcpy(copy, p, len);
	TNEFInitialize(&t->t);
	int r = TNEFParseMemory(copy, (long)len, &t->t);
	free(copy);
	if (r < 0) {
		sz_tnef_free(t);
		return sz_err_set(err, SZ_E_INVAL, "winmail.dat cannot be read "
			"(libytnef error %d)", r);
	}
	if (t->t.CodePage.size >= 4 && t->t.CodePage.data != NULL)
		t->codepage = rd32(t->t.CodePage.data);
	if (t->codepage == 0)
		t->codepage = 1252;
	size_t n = 0;
	for (Attachment *a = t->t.starting_attach.next; a != NULL; a = a->next)
		n++;
	t->files = calloc(n ? n : 1, sizeof(*t->files));
	if (t->files == NULL) {
		sz_tnef_free(t);
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	for (Attachment *a = t->t.starting_attach.next; a != NULL; a = a->next) {
		struct sz_tnef_file *f = &t->files[t->nfiles];
		file_name(t, a, t->nfiles, f->name, sizeof(f->name));
		variableLength *v = NULL;
		if (a->FileData.size > 0 && a->FileData.data != NULL)
			v = &a->FileData;
		else
			v = prop(&a->MAPI, PT_BINARY, PR_ATTACH_DATA_OBJ);
		if (v != NULL) {
			f->data = v->data;
			f->len = (size_t)v->size;
		}
		t->nfiles++;
	}
	*out = t;
	return 0;
}

size_t sz_tnef_files(const struct sz_tnef *t,
	const struct sz_tnef_file **files)
{
	*files = t->files;
	return t->nfiles;
}

static int append(void *ctx, const uint8_t *p, size_t n)
{
	return sz_buf_append(ctx, p, n);
}

int sz_tnef_body(const struct sz_tnef *t, struct sz_buf *out)
{
	MAPIProps *m = (MAPIProps *)&t->t.MapiProperties;
	variableLength *v;
	size_t before = out->len;
	if ((v = prop(m, PT_UNICODE, PR_BODY)) != NULL)
		text_of(t, v, true, out);
	else if ((v = prop(m, PT_STRING8, PR_BODY)) != NULL)
		text_of(t, v, false, out);
	else if (t->t.body.size > 0 && t->t.body.data != NULL)
		text_of(t, &t->t.body, false, out);
	if (out->len > before)
		return 0;
	if ((v = prop(m, PT_BINARY, PR_BODY_HTML)) != NULL ||
	    (v = prop(m, PT_STRING8, PR_BODY_HTML)) != NULL) {
		struct sz_buf html;
		sz_buf_init(&html, SZ_DOC_MAX_MARKUP);
		int rc = sz_charset_to_utf8(NULL, v->data, (size_t)v->size, true,
			&html);
		struct text_out o = { .sink = append, .ctx = out };
		if ((rc == 0 || rc == SZ_E_LIMIT) && html.len > 0)
			(void)extract_html_mem((const char *)html.data, html.len,
				"UTF-8", &o);
		sz_buf_free(&html);
		if (out->len > before)
			return 0;
	}
	if ((v = prop(m, PT_BINARY, PR_RTF_COMPRESSED)) != NULL) {
		struct sz_buf rtf;
		sz_buf_init(&rtf, SZ_RTF_MAX);
		int rc = sz_rtf_decompress(v->data, (size_t)v->size, &rtf, NULL);
		if ((rc == 0 || rc == SZ_E_LIMIT) && rtf.len > 0)
			rc = sz_rtf_text(rtf.data, rtf.len, out);
		sz_buf_free(&rtf);
		return rc == SZ_E_NOMEM ? rc : 0;
	}
	return 0;
}

void sz_tnef_free(struct sz_tnef *t)
{
	if (t == NULL)
		return;
	TNEFFree(&t->t);
	free(t->files);
	free(t);
}
