/*
 * rtf.c - compressed RTF and RTF's text (see rtf.h).  The decompressor
 * follows [MS-OXRTFCP] §2.1.3.1: a 4096-byte ring dictionary primed with
 * a fixed string, control bytes whose bits (low first) choose a literal
 * byte or a 12-bit offset and 4-bit length reference; a reference to the
 * write position ends the stream.  Every read is bounds-checked and the
 * output is bounded, whatever the header claims.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docs/charset.h"
#include "docs/rtf.h"

#define DICT 4096u
#define MAGIC_LZFU 0x75465A4Cu
#define MAGIC_MELA 0x414C454Du

static const char prebuf[] = "{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}"
	"{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript \\fdecor MS Sans Serif"
	"SymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n"
	"\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";
_Static_assert(sizeof(prebuf) - 1 == 207, "the MS-OXRTFCP dictionary prefix");

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int sz_rtf_decompress(const uint8_t *p, size_t len, struct sz_buf *out,
	struct sz_err *err)
{
	if (len < 16)
		return sz_err_set(err, SZ_E_INVAL, "the rich text is truncated");
	uint32_t comp = le32(p), raw = le32(p + 4), magic = le32(p + 8);
	size_t end = comp >= 12 && (size_t)comp - 12 <= len - 16 ?
		16 + (size_t)comp - 12 : len;
	size_t want = raw < SZ_RTF_MAX ? raw : SZ_RTF_MAX;
	if (magic == MAGIC_MELA) {
		size_t n = end - 16 < want ? end - 16 : want;
		return sz_buf_append(out, p + 16, n) == 0 ? 0 :
			sz_err_set(err, SZ_E_LIMIT, "the rich text is too large");
	}
	if (magic != MAGIC_LZFU)
		return sz_err_set(err, SZ_E_INVAL, "the rich text is neither "
			"compressed nor stored");
	uint8_t dict[DICT], chunk[4096];
	size_t chunk_len = 0, produced = 0, in = 16;
	uint32_t w = sizeof(prebuf) - 1;
	memset(dict, 0, sizeof(dict));
	memcpy(dict, prebuf, sizeof(prebuf) - 1);
	int rc = 0;
	bool done = false;
	while (!done && in < end && produced < want && rc == 0) {
		uint8_t control = p[in++];
		for (int bit = 0; bit < 8 && !done && produced < want; bit++) {
			if (!(control >> bit & 1)) {
				if (in >= end) {
					done = true;
					break;
				}
				uint8_t c = p[in++];
				dict[w] = c;
				w = (w + 1) % DICT;
				chunk[chunk_len++] = c;
				produced++;
			} else {
				if (in + 2 > end) {
					done = true;
					break;
				}
				uint32_t ref = (uint32_t)p[in] << 8 | p[in + 1];
				in += 2;
				uint32_t off = ref >> 4, n = (ref & 0xF) + 2;
				if (off == w) {
					done = true;
					break;
				}
				for (uint32_t k = 0; k < n && produced < want; k++) {
					uint8_t c = dict[(off + k) % DICT];
					dict[w] = c;
					w = (w + 1) % DICT;
					chunk[chunk_len++] = c;
					produced++;
					if (chunk_len == sizeof(chunk)) {
						rc = sz_buf_append(out, chunk, chunk_len);
						chunk_len = 0;
						if (rc != 0)
							break;
					}
				}
			}
			if (rc == 0 && chunk_len >= sizeof(chunk) - 32) {
				rc = sz_buf_append(out, chunk, chunk_len);
				chunk_len = 0;
			}
		}
	}
	if (rc == 0 && chunk_len > 0)
		rc = sz_buf_append(out, chunk, chunk_len);
	return rc == 0 ? 0 : sz_err_set(err, SZ_E_LIMIT, "the rich text is too "
		"large");
}

/* ---- RTF to text ---------------------------------------------------- */

struct group {
	bool skip;          /* not text (a table, a \* destination) */
	unsigned uc;        /* fallback characters after \uN */
};

struct reader {
	const uint8_t *p;
	size_t len, i;
	struct group g[SZ_RTF_MAX_DEPTH];
	size_t depth;       /* may exceed the stack: deeper groups skip */
	unsigned codepage;
	unsigned skip_chars;       /* fallbacks still to skip after \uN */
	struct sz_buf *out;
	uint8_t bytes[64];         /* \'hh bytes waiting for conversion */
	size_t nbytes;
	int rc;
};

static struct group *top(struct reader *r)
{
	size_t d = r->depth < SZ_RTF_MAX_DEPTH ? r->depth : SZ_RTF_MAX_DEPTH - 1;
	return &r->g[d];
}

static bool skipping(struct reader *r)
{
	return r->depth >= SZ_RTF_MAX_DEPTH || top(r)->skip;
}

static void put(struct reader *r, const char *s, size_t n)
{
	if (r->rc == 0 && n > 0)
		r->rc = sz_buf_append(r->out, s, n);
}

static int to_out(void *ctx, const char *p, size_t n)
{
	return sz_buf_append(ctx, p, n);
}

/* Converts the \'hh bytes collected so far from the document's code
 * page. */
static void flush_bytes(struct reader *r)
{
	if (r->nbytes == 0 || r->rc != 0)
		return;
	char name[SZ_CHARSET_NAME_MAX];
	sz_charset_codepage(r->codepage, name, sizeof(name));
	struct sz_charset_conv *c;
	if (sz_charset_open(&c, name, to_out, r->out, NULL) == 0 ||
	    sz_charset_open(&c, "WINDOWS-1252", to_out, r->out, NULL) == 0) {
		r->rc = sz_charset_feed(c, r->bytes, r->nbytes, true);
		sz_charset_close(c);
	}
	r->nbytes = 0;
}

static void put_unicode(struct reader *r, long u)
{
	if (u < 0)
		u += 65536;
	if (u <= 0 || u > 0x10FFFF || (u >= 0xD800 && u <= 0xDFFF))
		u = 0xFFFD;   /* lone surrogate halves, as RTF writes them */
	char e[4];
	size_t n;
	if (u < 0x80) {
		e[0] = (char)u;
		n = 1;
	} else if (u < 0x800) {
		e[0] = (char)(0xC0 | u >> 6);
		e[1] = (char)(0x80 | (u & 0x3F));
		n = 2;
	} else if (u < 0x10000) {
		e[0] = (char)(0xE0 | u >> 12);
		e[1] = (char)(0x80 | (u >> 6 & 0x3F));
		e[2] = (char)(0x80 | (u & 0x3F));
		n = 3;
	} else {
		e[0] = (char)(0xF0 | u >> 18);
		e[1] = (char)(0x80 | (u >> 12 & 0x3F));
		e[2] = (char)(0x80 | (u >> 6 & 0x3F));
		e[3] = (char)(0x80 | (u & 0x3F));
		n = 4;
	}
	put(r, e, n);
}

/* Destinations whose group is not text. */
static bool not_text(const char *w)
{
	static const char *const d[] = { "fonttbl", "colortbl", "stylesheet",
		"info", "pict", "object", "objdata", "fldinst", "listtable",
		"listoverridetable", "rsidtbl", "generator", "xmlnstbl",
		"themedata", "colorschememapping", "datastore", "latentstyles",
		"filetbl", "revtbl", "header", "footer", "headerl", "headerr",
		"headerf", "footerl", "footerr", "footerf", "bkmkstart", "bkmkend",
		"nonshppict", "shppict", "userprops", "xe", "tc", "template",
		"mmathPr", "pgdsctbl", "operator", "author", "title", "subject" };
	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++)
		if (strcmp(w, d[i]) == 0)
			return true;
	return false;
}

static void control_word(struct reader *r, const char *w, bool has, long n,
	bool first)
{
	static const struct {
		const char *word, *text;
	} chars[] = {
		{ "par", "\n" }, { "line", "\n" }, { "sect", "\n\n" },
		{ "page", "\n\n" }, { "row", "\n" }, { "cell", "\t" },
		{ "tab", "\t" }, { "emdash", "\xe2\x80\x94" },
		{ "endash", "\xe2\x80\x93" }, { "lquote", "\xe2\x80\x98" },
		{ "rquote", "\xe2\x80\x99" }, { "ldblquote", "\xe2\x80\x9c" },
		{ "rdblquote", "\xe2\x80\x9d" }, { "bullet", "\xe2\x80\xa2" },
		{ "emspace", " " }, { "enspace", " " }, { "qmspace", " " },
	};
	if (strcmp(w, "bin") == 0) {
		/* Binary data: skipped whatever the group. */
		size_t k = has && n > 0 ? (size_t)n : 0;
		r->i += k < r->len - r->i ? k : r->len - r->i;
		return;
	}
	if (strcmp(w, "ansicpg") == 0 && has && n > 0) {
		flush_bytes(r);
		r->codepage = (unsigned)n;
		return;
	}
	if (strcmp(w, "uc") == 0 && has && n >= 0 && n < 10) {
		top(r)->uc = (unsigned)n;
		return;
	}
	if (first && not_text(w)) {
		top(r)->skip = true;
		return;
	}
	if (skipping(r))
		return;
	if (strcmp(w, "u") == 0 && has) {
		flush_bytes(r);
		put_unicode(r, n);
		r->skip_chars = top(r)->uc;
		return;
	}
	for (size_t i = 0; i < sizeof(chars) / sizeof(chars[0]); i++)
		if (strcmp(w, chars[i].word) == 0) {
			flush_bytes(r);
			put(r, chars[i].text, strlen(chars[i].text));
			return;
		}
}

static int hexval(uint8_t c)
{
	return isdigit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 :
	       (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
}

/* A character of the text (or a fallback after \uN, skipped). */
static void text_byte(struct reader *r, uint8_t c, bool escaped)
{
	if (skipping(r))
		return;
	if (r->skip_chars > 0) {
		r->skip_chars--;
		return;
	}
	if (escaped || c >= 0x80) {
		if (r->nbytes == sizeof(r->bytes))
			flush_bytes(r);
		r->bytes[r->nbytes++] = c;
		return;
	}
	flush_bytes(r);
	put(r, (const char *)&c, 1);
}

int sz_rtf_text(const uint8_t *p, size_t len, struct sz_buf *out)
{
	struct reader *r = calloc(1, sizeof(*r));
	if (r == NULL)
		return SZ_E_NOMEM;
	r->p = p;
	r->len = len;
	r->out = out;
	r->codepage = 1252;
	r->g[0].uc = 1;
	bool first = false;   /* the next control word opens a group */
	while (r->i < r->len && r->rc == 0) {
		uint8_t c = p[r->i++];
		if (c == '{') {
			flush_bytes(r);
			struct group g = *top(r);
			r->depth++;
			if (r->depth < SZ_RTF_MAX_DEPTH)
				r->g[r->depth] = g;
			first = true;
			r->skip_chars = 0;
			continue;
		}
		if (c == '}') {
			flush_bytes(r);
			if (r->depth > 0)
				r->depth--;
			first = false;
			r->skip_chars = 0;
			continue;
		}
		if (c == '\r' || c == '\n') {
			continue;
		}
		if (c != '\\') {
			first = false;
			text_byte(r, c, false);
			continue;
		}
		if (r->i >= r->len)
			break;
		c = p[r->i++];
		if (isalpha(c)) {
			char w[32];
			size_t wl = 0;
			w[wl++] = (char)c;
			while (r->i < r->len && isalpha(p[r->i])) {
				if (wl + 1 < sizeof(w))
					w[wl++] = (char)p[r->i];
				r->i++;
			}
			w[wl] = 0;
			bool neg = false, has = false;
			long n = 0;
			if (r->i < r->len && p[r->i] == '-') {
				neg = true;
				r->i++;
			}
			while (r->i < r->len && isdigit(p[r->i])) {
				if (n < 100000000)
					n = n * 10 + (p[r->i] - '0');
				has = true;
				r->i++;
			}
			if (neg)
				n = -n;
			if (r->i < r->len && p[r->i] == ' ')
				r->i++;
			control_word(r, w, has, n, first);
			first = false;
			continue;
		}
		switch (c) {
		case '*':
			if (first)
				top(r)->skip = true;
			break;
		case '\'':
			if (r->i + 2 <= r->len && hexval(p[r->i]) >= 0 &&
			    hexval(p[r->i + 1]) >= 0) {
				text_byte(r, (uint8_t)(hexval(p[r->i]) * 16 +
					hexval(p[r->i + 1])), true);
				r->i += 2;
			}
			first = false;
			break;
		case '~':
			if (!skipping(r)) {
				flush_bytes(r);
				put(r, "\xc2\xa0", 2);
			}
			first = false;
			break;
		case '_':
			if (!skipping(r)) {
				flush_bytes(r);
				put(r, "-", 1);
			}
			first = false;
			break;
		case '\r':
		case '\n':
			if (!skipping(r)) {
				flush_bytes(r);
				put(r, "\n", 1);
			}
			first = false;
			break;
		case '\\':
		case '{':
		case '}':
			first = false;
			text_byte(r, c, false);
			break;
		default:
			first = false;   /* \- \| \: and the like: not text */
			break;
		}
	}
	flush_bytes(r);
	int rc = r->rc;
	free(r);
	return rc;
}
