/*
 * report.c - the list of what a handler found or removed, and the two
 * metadata containers several formats share (EXIF through libexif, XMP
 * through libxml2), reported property by property.
 *
 * Values are shown so an editor can see what would have leaked; they are
 * made printable and cut short, and nothing here is ever logged.
 */
#include <libexif/exif-data.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/utf8.h"
#include "docs/internal.h"

#define VALUE_MAX 200

void sz_doc_report_init(struct sz_doc_report *r)
{
	memset(r, 0, sizeof(*r));
}

/* Copies s into printable UTF-8: controls become spaces, invalid bytes
 * '?', runs of white space one space, at most VALUE_MAX bytes. */
static char *printable(const char *s, size_t len)
{
	size_t cap = (len < VALUE_MAX ? len : VALUE_MAX) + 4;
	char *out = malloc(cap + 4), *o = out;   /* room for "..." */
	if (out == NULL)
		return NULL;
	size_t i = 0;
	while (i < len && (size_t)(o - out) < cap - 4) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0 && i + 1 == len)
			break;
		if (c < 0x20 || c == 0x7f) {
			if (o > out && o[-1] != ' ')
				*o++ = ' ';
			i++;
			continue;
		}
		if (c < 0x80) {
			*o++ = (char)c;
			i++;
			continue;
		}
		size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
		if (i + n <= len && sz_utf8_valid(s + i, n)) {
			memcpy(o, s + i, n);
			o += n;
			i += n;
		} else {
			*o++ = '?';
			i++;
		}
	}
	if (i < len && !(i + 1 == len && s[i] == 0)) {
		memcpy(o, "...", 3);
		o += 3;
	}
	while (o > out && o[-1] == ' ')
		o--;
	*o = 0;
	return out;
}

void sz_doc_report_add(struct sz_doc_report *r, const char *kind,
	const char *name, const char *value, size_t value_len)
{
	if (r == NULL)
		return;
	if (r->len >= SZ_DOC_REPORT_MAX) {
		r->truncated = true;
		return;
	}
	if (r->len == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct sz_doc_item *n = realloc(r->items, cap * sizeof(*n));
		if (n == NULL) {
			r->truncated = true;
			return;
		}
		r->items = n;
		r->cap = cap;
	}
	struct sz_doc_item *it = &r->items[r->len];
	it->kind = strdup(kind);
	it->name = printable(name, strlen(name));
	it->value = value ? printable(value, value_len) : strdup("");
	if (it->kind == NULL || it->name == NULL || it->value == NULL) {
		free(it->kind);
		free(it->name);
		free(it->value);
		r->truncated = true;
		return;
	}
	r->len++;
}

void sz_doc_report_addf(struct sz_doc_report *r, const char *kind,
	const char *name, const char *fmt, ...)
{
	char v[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	sz_doc_report_add(r, kind, name, v, strlen(v));
}

void sz_doc_report_free(struct sz_doc_report *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->len; i++) {
		free(r->items[i].kind);
		free(r->items[i].name);
		free(r->items[i].value);
	}
	free(r->items);
	sz_doc_report_init(r);
}

static void exif_entry(ExifEntry *e, void *ctx)
{
	struct sz_doc_report *r = ctx;
	char v[256];
	const char *name = exif_tag_get_name_in_ifd(e->tag,
		exif_entry_get_ifd(e));
	char fallback[32];
	if (name == NULL) {
		snprintf(fallback, sizeof(fallback), "tag 0x%04x", e->tag);
		name = fallback;
	}
	exif_entry_get_value(e, v, sizeof(v));
	sz_doc_report_add(r, "EXIF", name, v, strlen(v));
}

static void exif_content(ExifContent *c, void *ctx)
{
	exif_content_foreach_entry(c, exif_entry, ctx);
}

void report_exif(struct sz_doc_report *r, const uint8_t *p, size_t len)
{
	/* libexif wants the APP1 form: "Exif\0\0" then the TIFF header. */
	static const uint8_t prefix[6] = { 'E', 'x', 'i', 'f', 0, 0 };
	uint8_t *copy = NULL;
	if (len < 6 || memcmp(p, prefix, 6) != 0) {
		if (len > SZ_DOC_MAX_SEGMENT || (copy = malloc(len + 6)) == NULL)
			goto opaque;
		memcpy(copy, prefix, 6);
		memcpy(copy + 6, p, len);
		p = copy;
		len += 6;
	}
	ExifData *d = exif_data_new();
	if (d == NULL)
		goto opaque;
	exif_data_unset_option(d, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
	exif_data_load_data(d, p, (unsigned)len);
	size_t before = r ? r->len : 0;
	exif_data_foreach_content(d, exif_content, r);
	if (d->data != NULL && d->size > 0)
		sz_doc_report_addf(r, "EXIF", "Thumbnail", "%u bytes",
			d->size);
	exif_data_unref(d);
	free(copy);
	if (r != NULL && r->len == before)
		sz_doc_report_addf(r, "EXIF", "block", "%zu bytes", len);
	return;
opaque:
	free(copy);
	sz_doc_report_addf(r, "EXIF", "block", "%zu bytes", len);
}

static bool is_rdf(const xmlNode *n)
{
	return n->ns != NULL && n->ns->href != NULL &&
	       strcmp((const char *)n->ns->href,
		       "http://www.w3.org/1999/02/22-rdf-syntax-ns#") == 0;
}

static void xmp_walk(struct sz_doc_report *r, const char *kind,
	xmlNode *n, const char *prop, int depth)
{
	for (; n != NULL && depth < 64; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			const char *t = (const char *)n->content;
			size_t l = t ? strlen(t) : 0;
			size_t s = strspn(t ? t : "", " \t\r\n");
			if (prop != NULL && s < l)
				sz_doc_report_add(r, kind, prop, t + s, l - s);
			continue;
		}
		if (n->type != XML_ELEMENT_NODE)
			continue;
		char name[160];
		const char *here = prop;
		if (!is_rdf(n) && strcmp((const char *)n->name, "xmpmeta") != 0) {
			snprintf(name, sizeof(name), "%s%s%s",
				n->ns && n->ns->prefix ? (const char *)n->ns->prefix : "",
				n->ns && n->ns->prefix ? ":" : "",
				(const char *)n->name);
			here = name;
		}
		for (xmlAttr *a = n->properties; a != NULL; a = a->next) {
			if (a->ns != NULL && a->ns->href != NULL &&
			    (strcmp((const char *)a->ns->href,
				     "http://www.w3.org/1999/02/22-rdf-syntax-ns#") == 0 ||
			     strcmp((const char *)a->ns->href,
				     "http://www.w3.org/XML/1998/namespace") == 0))
				continue;
			xmlChar *v = xmlNodeGetContent((xmlNode *)a);
			char an[160];
			snprintf(an, sizeof(an), "%s%s%s",
				a->ns && a->ns->prefix ? (const char *)a->ns->prefix : "",
				a->ns && a->ns->prefix ? ":" : "",
				(const char *)a->name);
			if (v != NULL && strcmp(an, "x:xmptk") != 0)
				sz_doc_report_add(r, kind, an, (const char *)v,
					strlen((const char *)v));
			xmlFree(v);
		}
		xmp_walk(r, kind, n->children, here, depth + 1);
	}
}

void report_xmp(struct sz_doc_report *r, const char *kind,
	const uint8_t *p, size_t len)
{
	size_t before = r ? r->len : 0;
	if (len <= SZ_DOC_MAX_SEGMENT) {
		xmlDoc *d = xmlReadMemory((const char *)p, (int)len, "xmp.xml",
			NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
			XML_PARSE_NOWARNING | XML_PARSE_RECOVER);
		if (d != NULL) {
			xmp_walk(r, kind, xmlDocGetRootElement(d), NULL, 0);
			xmlFreeDoc(d);
		}
	}
	if (r != NULL && r->len == before)
		sz_doc_report_addf(r, kind, "packet", "%zu bytes", len);
}

void report_bytes(struct sz_doc_report *r, int fd, const char *kind,
	const char *name, uint64_t at, uint64_t len)
{
	char head[VALUE_MAX], v[VALUE_MAX + 64];
	ssize_t got = pread(fd, head, len < sizeof(head) ? (size_t)len :
		sizeof(head), (off_t)at);
	char *text = got > 0 ? printable(head, (size_t)got) : NULL;
	snprintf(v, sizeof(v), "%llu bytes%s%s", (unsigned long long)len,
		text && text[0] ? ": " : "", text ? text : "");
	free(text);
	sz_doc_report_add(r, kind, name, v, strlen(v));
}
