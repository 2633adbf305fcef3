/*
 * charset.c - deciding a text's charset as mail clients and browsers do,
 * and converting it to UTF-8 with iconv (see charset.h).  Labels follow
 * the WHATWG Encoding Standard where it differs from iconv's names; the
 * rest are passed to iconv as they are.  It never fails on bad input:
 * what cannot be read becomes U+FFFD.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"
#include "docs/charset.h"

#define REPLACEMENT "\xef\xbf\xbd"
#define WIN1252 "WINDOWS-1252"

/* WHATWG labels whose iconv name differs (or which mean windows-1252). */
static const struct {
	const char *label, *name;
} labels[] = {
	{ "utf-8", "UTF-8" }, { "utf8", "UTF-8" },
	{ "unicode-1-1-utf-8", "UTF-8" }, { "unicode11utf8", "UTF-8" },
	{ "unicode20utf8", "UTF-8" }, { "x-unicode20utf8", "UTF-8" },
	{ "ansi_x3.4-1968", WIN1252 }, { "ascii", WIN1252 },
	{ "cp1252", WIN1252 }, { "cp819", WIN1252 }, { "csisolatin1", WIN1252 },
	{ "ibm819", WIN1252 }, { "iso-8859-1", WIN1252 },
	{ "iso-ir-100", WIN1252 }, { "iso8859-1", WIN1252 },
	{ "iso88591", WIN1252 }, { "iso_8859-1", WIN1252 },
	{ "iso_8859-1:1987", WIN1252 }, { "l1", WIN1252 }, { "latin1", WIN1252 },
	{ "us-ascii", WIN1252 }, { "windows-1252", WIN1252 },
	{ "x-cp1252", WIN1252 }, { "iso8859_1", WIN1252 }, { "us_ascii", WIN1252 },
	{ "iso-8859-9", "WINDOWS-1254" }, { "iso8859-9", "WINDOWS-1254" },
	{ "iso88599", "WINDOWS-1254" }, { "iso_8859-9", "WINDOWS-1254" },
	{ "latin5", "WINDOWS-1254" }, { "l5", "WINDOWS-1254" },
	{ "csisolatin5", "WINDOWS-1254" }, { "iso-ir-148", "WINDOWS-1254" },
	{ "iso-8859-11", "WINDOWS-874" }, { "iso8859-11", "WINDOWS-874" },
	{ "tis-620", "WINDOWS-874" }, { "dos-874", "WINDOWS-874" },
	{ "gb2312", "GB18030" }, { "gbk", "GB18030" }, { "x-gbk", "GB18030" },
	{ "chinese", "GB18030" }, { "csgb2312", "GB18030" },
	{ "gb_2312", "GB18030" }, { "gb_2312-80", "GB18030" },
	{ "iso-ir-58", "GB18030" }, { "cp936", "GB18030" },
	{ "ms936", "GB18030" }, { "windows-936", "GB18030" },
	{ "big5", "BIG5-HKSCS" }, { "big5-hkscs", "BIG5-HKSCS" },
	{ "cn-big5", "BIG5-HKSCS" }, { "csbig5", "BIG5-HKSCS" },
	{ "x-x-big5", "BIG5-HKSCS" },
	{ "euc-kr", "CP949" }, { "ks_c_5601-1987", "CP949" },
	{ "ks_c_5601-1989", "CP949" }, { "ksc5601", "CP949" },
	{ "ksc_5601", "CP949" }, { "korean", "CP949" },
	{ "csksc56011987", "CP949" }, { "iso-ir-149", "CP949" },
	{ "windows-949", "CP949" },
	{ "shift_jis", "CP932" }, { "shift-jis", "CP932" }, { "sjis", "CP932" },
	{ "ms_kanji", "CP932" }, { "ms932", "CP932" }, { "windows-31j", "CP932" },
	{ "x-sjis", "CP932" }, { "csshiftjis", "CP932" },
	{ "x-mac-roman", "MACINTOSH" }, { "mac", "MACINTOSH" },
	{ "csmacintosh", "MACINTOSH" },
	{ "iso-8859-8-i", "ISO-8859-8" }, { "csiso88598i", "ISO-8859-8" },
	{ "logical", "ISO-8859-8" },
	{ "utf-16", "UTF-16LE" }, { "utf-16le", "UTF-16LE" },
	{ "utf-16be", "UTF-16BE" },
	/* labels that say nothing */
	{ "unknown-8bit", NULL }, { "x-unknown", NULL }, { "unknown", NULL },
	{ "default", NULL }, { "x-user-defined", NULL }, { "8bit", NULL },
};

/* The iconv name for a label, into name; false when unknown (or a label
 * that says nothing). */
static bool canonical(const char *label, char *name, size_t cap)
{
	char l[SZ_CHARSET_NAME_MAX];
	size_t n = 0;
	if (label == NULL)
		return false;
	while (*label == ' ' || *label == '\t' || *label == '"' || *label == '\'')
		label++;
	for (; *label && n + 1 < sizeof(l); label++) {
		unsigned char c = (unsigned char)*label;
		if (c == '"' || c == '\'' || c == ' ' || c == '\t' || c == ';')
			break;
		if (!isalnum(c) && c != '-' && c != '_' && c != '.' && c != ':')
			return false;
		l[n++] = (char)tolower(c);
	}
	l[n] = 0;
	if (n == 0 || (*label && !strchr("\"' \t;", *label)))
		return false;   /* too long to be a charset */
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(l, labels[i].label) == 0) {
			if (labels[i].name == NULL)
				return false;
			snprintf(name, cap, "%s", labels[i].name);
			return true;
		}
	for (size_t i = 0; i < n; i++)
		l[i] = (char)toupper((unsigned char)l[i]);
	iconv_t cd = iconv_open("UTF-8", l);
	if (cd == (iconv_t)-1)
		return false;
	iconv_close(cd);
	snprintf(name, cap, "%s", l);
	return true;
}

/* Whether the head is valid UTF-8 (a sequence cut by the end of the head
 * counts as valid), and whether it holds a multi-byte character. */
static void utf8_shape(const uint8_t *p, size_t len, bool *valid,
	bool *multibyte)
{
	*valid = true;
	*multibyte = false;
	size_t i = 0;
	while (i < len) {
		size_t n = sz_utf8_seq(p + i, len - i);
		if (n == 0) {
			/* A lead byte whose sequence runs past the head. */
			size_t want = p[i] >= 0xF0 ? 4 : p[i] >= 0xE0 ? 3 : 2;
			bool cut = p[i] >= 0xC2 && p[i] <= 0xF4 && len - i < want;
			for (size_t k = i + 1; cut && k < len; k++)
				cut = (p[k] & 0xC0) == 0x80;
			if (!cut)
				*valid = false;
			return;
		}
		*multibyte = *multibyte || n > 1;
		i += n;
	}
}

/* Any valid multi-byte character at all (even among invalid bytes). */
static bool any_multibyte(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i] >= 0xC2 && sz_utf8_seq(p + i, len - i) > 1)
			return true;
	return false;
}

/* The attribute at *p in a tag (name into n, value into v); false at the
 * end of the tag. */
static bool attribute(const uint8_t **pp, const uint8_t *end, char *n,
	size_t ncap, char *v, size_t vcap)
{
	const uint8_t *p = *pp;
	size_t nl = 0, vl = 0;
	while (p < end && (isspace(*p) || *p == '/'))
		p++;
	if (p >= end || *p == '>')
		return false;
	while (p < end && !isspace(*p) && *p != '=' && *p != '>' && *p != '/') {
		if (nl + 1 < ncap)
			n[nl++] = (char)tolower(*p);
		p++;
	}
	n[nl] = 0;
	while (p < end && isspace(*p))
		p++;
	v[0] = 0;
	if (p < end && *p == '=') {
		p++;
		while (p < end && isspace(*p))
			p++;
		uint8_t q = p < end && (*p == '"' || *p == '\'') ? *p++ : 0;
		while (p < end && (q ? *p != q : !isspace(*p) && *p != '>')) {
			if (vl + 1 < vcap)
				v[vl++] = (char)*p;
			p++;
		}
		if (q && p < end)
			p++;
		v[vl] = 0;
	}
	*pp = p;
	return true;
}

bool sz_charset_meta(const uint8_t *p, size_t len, char *label, size_t cap)
{
	const uint8_t *end = p + (len < SZ_CHARSET_META_SCAN ? len :
		SZ_CHARSET_META_SCAN);
	while (p < end) {
		if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			const uint8_t *c = p + 4;
			while (c + 3 <= end && memcmp(c, "-->", 3) != 0)
				c++;
			p = c + 3;
			continue;
		}
		if (end - p >= 6 && *p == '<' && strncasecmp((const char *)p + 1,
		    "meta", 4) == 0 && (isspace(p[5]) || p[5] == '/')) {
			const uint8_t *a = p + 5;
			char n[32], v[256], cs[SZ_CHARSET_NAME_MAX] = "";
			bool http_ct = false, content_cs = false;
			while (attribute(&a, end, n, sizeof(n), v, sizeof(v))) {
				if (strcmp(n, "charset") == 0 && cs[0] == 0) {
					snprintf(cs, sizeof(cs), "%.*s", (int)sizeof(cs) - 1, v);
				} else if (strcmp(n, "http-equiv") == 0) {
					http_ct = strcasecmp(v, "content-type") == 0;
				} else if (strcmp(n, "content") == 0 && cs[0] == 0) {
					const char *c = strcasestr(v, "charset");
					c = c ? c + 7 : NULL;
					while (c && isspace((unsigned char)*c))
						c++;
					if (c && *c == '=') {
						snprintf(cs, sizeof(cs), "%.*s",
							(int)sizeof(cs) - 1, c + 1);
						content_cs = true;
					}
				}
			}
			if (cs[0] && (!content_cs || http_ct)) {
				snprintf(label, cap, "%s", cs);
				return true;
			}
			p = a;
			continue;
		}
		if (*p == '<' && end - p >= 2 && (isalpha(p[1]) || p[1] == '/' ||
		    p[1] == '!' || p[1] == '?')) {
			while (p < end && *p != '>')
				p++;
		}
		p++;
	}
	return false;
}

size_t sz_charset_decide(const char *label, const uint8_t *head, size_t len,
	bool html, char *name, size_t cap)
{
	if (len >= 3 && memcmp(head, "\xef\xbb\xbf", 3) == 0) {
		snprintf(name, cap, "UTF-8");
		return 3;
	}
	if (len >= 2 && (memcmp(head, "\xff\xfe", 2) == 0 ||
	    memcmp(head, "\xfe\xff", 2) == 0)) {
		snprintf(name, cap, head[0] == 0xff ? "UTF-16LE" : "UTF-16BE");
		return 2;
	}
	if (len > SZ_CHARSET_SNIFF_MAX)
		len = SZ_CHARSET_SNIFF_MAX;
	char c[SZ_CHARSET_NAME_MAX], meta[SZ_CHARSET_NAME_MAX];
	bool known = label && label[0] && canonical(label, c, sizeof(c));
	if (!known && html && sz_charset_meta(head, len, meta, sizeof(meta)))
		known = canonical(meta, c, sizeof(c));
	/* A <meta> cannot say UTF-16 in bytes that are not; nor can a label
	 * of text without NUL bytes. */
	if (known && strncmp(c, "UTF-16", 6) == 0 && memchr(head, 0, len) == NULL)
		snprintf(c, sizeof(c), "UTF-8");
	if (!known)
		snprintf(c, sizeof(c), WIN1252);
	bool valid, multibyte;
	if (strcmp(c, WIN1252) == 0) {
		utf8_shape(head, len, &valid, &multibyte);
		if (valid && multibyte)
			snprintf(c, sizeof(c), "UTF-8");
	} else if (strcmp(c, "UTF-8") == 0) {
		utf8_shape(head, len, &valid, &multibyte);
		if (!valid && !any_multibyte(head, len))
			snprintf(c, sizeof(c), WIN1252);
	}
	snprintf(name, cap, "%s", c);
	return 0;
}

void sz_charset_codepage(unsigned cp, char *name, size_t cap)
{
	static const struct {
		unsigned cp;
		const char *name;
	} pages[] = {
		{ 65001, "UTF-8" }, { 1200, "UTF-16LE" }, { 1201, "UTF-16BE" },
		{ 20127, WIN1252 }, { 28591, WIN1252 }, { 932, "CP932" },
		{ 936, "GB18030" }, { 54936, "GB18030" }, { 949, "CP949" },
		{ 950, "BIG5-HKSCS" }, { 10000, "MACINTOSH" }, { 20866, "KOI8-R" },
		{ 21866, "KOI8-U" }, { 50220, "ISO-2022-JP" }, { 51932, "EUC-JP" },
	};
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (pages[i].cp == cp) {
			snprintf(name, cap, "%s", pages[i].name);
			return;
		}
	char l[16];
	if (cp >= 28592 && cp <= 28606)
		snprintf(l, sizeof(l), "iso-8859-%u", cp - 28590);
	else
		snprintf(l, sizeof(l), "cp%u", cp);
	if (!canonical(l, name, cap))
		snprintf(name, cap, WIN1252);
}

struct sz_charset_conv {
	iconv_t cd;
	sz_charset_sink sink;
	void *ctx;
	size_t keep;                  /* bytes of a cut sequence kept */
	char carry[16];
};

int sz_charset_open(struct sz_charset_conv **out, const char *name,
	sz_charset_sink sink, void *ctx, struct sz_err *err)
{
	*out = NULL;
	struct sz_charset_conv *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	c->cd = iconv_open("UTF-8", name);
	if (c->cd == (iconv_t)-1) {
		free(c);
		return sz_err_set(err, SZ_E_UNSUPPORTED,
			"the character set %s is not supported", name);
	}
	c->sink = sink;
	c->ctx = ctx;
	*out = c;
	return 0;
}

/* Passes converted text on without U+0000, and valid: iconv writes
 * whole characters, but its UTF-8 decoder lets some invalid sequences
 * through (old 5- and 6-byte forms), and what it writes then is not
 * UTF-8; each such byte becomes U+FFFD here. */
static int emit(struct sz_charset_conv *c, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, run = 0;
	int rc = 0;
	while (i < n && rc == 0) {
		size_t k = sz_utf8_seq(s + i, n - i);
		if (k != 0 && s[i] != 0) {
			i += k;
			continue;
		}
		if (i > run)
			rc = c->sink(c->ctx, p + run, i - run);
		if (rc == 0 && s[i] != 0)
			rc = c->sink(c->ctx, REPLACEMENT, 3);
		run = ++i;
	}
	if (rc == 0 && n > run)
		rc = c->sink(c->ctx, p + run, n - run);
	return rc;
}

/* Converts all of in (il bytes); returns the sink's error or 0, with
 * *left set to the bytes of an incomplete sequence at the end. */
static int convert(struct sz_charset_conv *c, char *in, size_t il,
	size_t *left)
{
	char out[8192];
	int rc = 0;
	while (il > 0 && rc == 0) {
		char *op = out;
		size_t ol = sizeof(out);
		size_t r = iconv(c->cd, &in, &il, &op, &ol);
		int e = errno;
		if (op > out)
			rc = emit(c, out, (size_t)(op - out));
		if (r != (size_t)-1 || rc != 0)
			continue;
		if (e == EILSEQ) {
			in++;
			il--;
			rc = c->sink(c->ctx, REPLACEMENT, 3);
		} else if (e == EINVAL) {
			break;   /* a sequence cut by the end of this piece */
		} else if (e != E2BIG) {
			in++;
			il--;
		}
	}
	*left = il;
	return rc;
}

int sz_charset_feed(struct sz_charset_conv *c, const uint8_t *in, size_t len,
	bool last)
{
	int rc = 0;
	size_t left = 0;
	if (c == NULL)
		return SZ_E_INVAL;
	/* First complete a sequence cut at the end of the last piece, a
	 * byte at a time. */
	while (c->keep > 0 && len > 0 && rc == 0) {
		c->carry[c->keep++] = (char)*in++;
		len--;
		size_t had = c->keep;
		rc = convert(c, c->carry, had, &left);
		memmove(c->carry, c->carry + had - left, left);
		c->keep = left;
		if (c->keep >= sizeof(c->carry) - 1) {
			c->keep = 0;   /* no charset has sequences this long */
			rc = c->sink(c->ctx, REPLACEMENT, 3);
		}
	}
	if (rc == 0 && len > 0) {
		rc = convert(c, (char *)in, len, &left);
		if (rc == 0 && left > 0) {
			if (left < sizeof(c->carry) - 1) {
				memcpy(c->carry, in + len - left, left);
				c->keep = left;
			} else {
				rc = c->sink(c->ctx, REPLACEMENT, 3);
			}
		}
	}
	if (rc == 0 && last) {
		if (c->keep > 0)
			rc = c->sink(c->ctx, REPLACEMENT, 3);
		c->keep = 0;
		char out[64], *op = out;
		size_t ol = sizeof(out);
		iconv(c->cd, NULL, NULL, &op, &ol);   /* stateful charsets */
		if (rc == 0 && op > out)
			rc = emit(c, out, (size_t)(op - out));
	}
	return rc;
}

void sz_charset_close(struct sz_charset_conv *c)
{
	if (c == NULL)
		return;
	iconv_close(c->cd);
	free(c);
}

static int buf_sink(void *ctx, const char *p, size_t n)
{
	return sz_buf_append(ctx, p, n);
}

int sz_charset_to_utf8(const char *label, const uint8_t *p, size_t len,
	bool html, struct sz_buf *out)
{
	char name[SZ_CHARSET_NAME_MAX];
	size_t skip = sz_charset_decide(label, p, len, html, name, sizeof(name));
	struct sz_charset_conv *c;
	int rc = sz_charset_open(&c, name, buf_sink, out, NULL);
	if (rc != 0)
		return rc;
	rc = sz_charset_feed(c, p + skip, len - skip, true);
	sz_charset_close(c);
	return rc;
}
