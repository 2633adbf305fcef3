/*
 * pdf_decode.c - the chunked filter chain of pdf_decode.h: each stage
 * decodes what it is pushed into its own SZ_PDF_DECODE_CHUNK buffer and
 * pushes that on when it fills, so a stream of any size flows through in
 * fixed memory (an LZW table of 4,096 entries and a zlib window at most
 * per stage).  It decodes for counting and for reading content-stream
 * operators: it does not apply predictors or decode images (see the
 * header), and it never keeps what has gone through (its buffers are
 * wiped when the chain is freed).
 */
#include "docs/pdf_decode.h"

#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define LZW_TABLE 4096u
#define LZW_CLEAR 256u
#define LZW_EOD 257u
#define LZW_FIRST 258u
#define LZW_NONE 0xffffu

struct lzw {
	uint16_t prefix[LZW_TABLE], len[LZW_TABLE];
	uint8_t suffix[LZW_TABLE], first[LZW_TABLE];
	uint8_t tmp[LZW_TABLE];
	unsigned next, bits, prev, nacc;
	uint32_t acc;
};

struct stage {
	enum pdf_filter f;
	int early;
	int done;                  /* its end-of-data mark has passed */
	struct stage *next;        /* NULL: the chain's sink */
	struct pdf_chain *chain;
	size_t n;                  /* bytes waiting in out */
	unsigned char out[SZ_PDF_DECODE_CHUNK];
	union {
		struct {
			z_stream z;
			int live;
		} fl;
		struct lzw *lzw;
		struct {
			int mode;          /* 0: a length; 1: literal; 2: repeat */
			unsigned count;
		} rl;
		int hi;                /* ASCIIHex: a pending digit, or -1 */
		struct {
			uint64_t v;
			int k;
			int tilde;
		} a85;
	} u;
};

struct pdf_chain {
	struct pdf_sink *sink;
	int rc;                    /* sticky: once not OK, stays so */
	size_t n;
	struct stage *st[SZ_PDF_MAX_FILTERS];
};

static const struct {
	const char *name;
	enum pdf_filter f;
} filters[] = {
	{ "/FlateDecode", PDF_FLATE }, { "/Fl", PDF_FLATE },
	{ "/LZWDecode", PDF_LZW }, { "/LZW", PDF_LZW },
	{ "/RunLengthDecode", PDF_RUNLENGTH }, { "/RL", PDF_RUNLENGTH },
	{ "/ASCIIHexDecode", PDF_ASCIIHEX }, { "/AHx", PDF_ASCIIHEX },
	{ "/ASCII85Decode", PDF_ASCII85 }, { "/A85", PDF_ASCII85 },
};

int pdf_filter_of(const char *name)
{
	for (size_t i = 0; name && i < sizeof(filters) / sizeof(filters[0]);
	     i++)
		if (strcmp(name, filters[i].name) == 0)
			return (int)filters[i].f;
	return -1;
}

static int stage_push(struct stage *s, const unsigned char *p, size_t n);
static int stage_end(struct stage *s);

static int flush(struct stage *s)
{
	size_t n = s->n;
	s->n = 0;
	if (n == 0)
		return 0;
	if (s->next)
		return stage_push(s->next, s->out, n);
	return s->chain->sink->push(s->chain->sink, s->out, n);
}

/* n bytes out: from p, or n times c if p is NULL. */
static int put(struct stage *s, const unsigned char *p, unsigned char c,
	size_t n)
{
	while (n > 0) {
		size_t room = SZ_PDF_DECODE_CHUNK - s->n;
		size_t k = n < room ? n : room;
		if (p) {
			memcpy(s->out + s->n, p, k);
			p += k;
		} else {
			memset(s->out + s->n, c, k);
		}
		s->n += k;
		n -= k;
		if (s->n == SZ_PDF_DECODE_CHUNK) {
			int rc = flush(s);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int emit(struct stage *s, const unsigned char *p, size_t n)
{
	return put(s, p, 0, n);
}

static int flate_push(struct stage *s, const unsigned char *p, size_t n)
{
	z_stream *z = &s->u.fl.z;
	while (n > 0 && !s->done) {
		uInt in = n > (1u << 30) ? 1u << 30 : (uInt)n;
		z->next_in = (Bytef *)(uintptr_t)p;
		z->avail_in = in;
		for (;;) {
			z->next_out = s->out + s->n;
			z->avail_out = (uInt)(SZ_PDF_DECODE_CHUNK - s->n);
			int zr = inflate(z, Z_NO_FLUSH);
			s->n = SZ_PDF_DECODE_CHUNK - z->avail_out;
			if (s->n == SZ_PDF_DECODE_CHUNK) {
				int rc = flush(s);
				if (rc)
					return rc;
			}
			if (zr == Z_STREAM_END) {
				s->done = 1;
				break;
			}
			if (zr == Z_BUF_ERROR)
				break;         /* it wants more input */
			if (zr != Z_OK)
				return PDF_DECODE_BAD;
			if (z->avail_in == 0 && z->avail_out != 0)
				break;
		}
		size_t used = in - z->avail_in;
		p += used;
		n -= used;
		if (used == 0)
			break;
	}
	return 0;
}

static int lzw_code(struct stage *s, unsigned code)
{
	struct lzw *l = s->u.lzw;
	if (code == LZW_CLEAR) {
		l->next = LZW_FIRST;
		l->bits = 9;
		l->prev = LZW_NONE;
		return 0;
	}
	if (code == LZW_EOD) {
		s->done = 1;
		return 0;
	}
	if (l->prev == LZW_NONE) {
		if (code > 255)
			return PDF_DECODE_BAD;
		l->prev = code;
		unsigned char c = (unsigned char)code;
		return emit(s, &c, 1);
	}
	if (code > l->next || (code == l->next && l->next >= LZW_TABLE))
		return PDF_DECODE_BAD;
	if (l->next < LZW_TABLE) {
		/* The new entry: prev's string and the first byte of code's
		 * (of prev's own when code is the entry being made). */
		unsigned nx = l->next;
		l->prefix[nx] = (uint16_t)l->prev;
		l->suffix[nx] = code == nx ? l->first[l->prev] : l->first[code];
		l->first[nx] = l->first[l->prev];
		l->len[nx] = (uint16_t)(l->len[l->prev] + 1);
		l->next++;
		if (l->next + (unsigned)s->early >= (1u << l->bits) &&
		    l->bits < 12)
			l->bits++;
	}
	unsigned c = code, i = l->len[code];
	while (c >= LZW_FIRST) {
		l->tmp[--i] = l->suffix[c];
		c = l->prefix[c];
	}
	l->tmp[--i] = (uint8_t)c;
	l->prev = code;
	return emit(s, l->tmp, l->len[code]);
}

static int lzw_push(struct stage *s, const unsigned char *p, size_t n)
{
	struct lzw *l = s->u.lzw;
	for (size_t i = 0; i < n && !s->done; i++) {
		l->acc = (l->acc << 8) | p[i];
		l->nacc += 8;
		while (l->nacc >= l->bits && !s->done) {
			l->nacc -= l->bits;
			unsigned code = (l->acc >> l->nacc) & ((1u << l->bits) - 1);
			l->acc &= (1u << l->nacc) - 1;
			int rc = lzw_code(s, code);
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int rl_push(struct stage *s, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n && !s->done; i++) {
		unsigned b = p[i];
		int rc = 0;
		switch (s->u.rl.mode) {
		case 0:
			if (b < 128) {
				s->u.rl.mode = 1;
				s->u.rl.count = b + 1;
			} else if (b == 128) {
				s->done = 1;
			} else {
				s->u.rl.mode = 2;
				s->u.rl.count = 257 - b;
			}
			break;
		case 1: {
			/* As many literal bytes as there are, in one go. */
			size_t k = n - i < s->u.rl.count ? n - i : s->u.rl.count;
			rc = emit(s, p + i, k);
			s->u.rl.count -= (unsigned)k;
			i += k - 1;
			if (s->u.rl.count == 0)
				s->u.rl.mode = 0;
			break;
		}
		default:
			rc = put(s, NULL, (unsigned char)b, s->u.rl.count);
			s->u.rl.mode = 0;
			break;
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
	       c == '\0';
}

static int hex_value(unsigned char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
		c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int hex_end(struct stage *s);

static int hex_push(struct stage *s, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n && !s->done; i++) {
		int v = hex_value(p[i]);
		if (p[i] == '>') {
			s->done = 1;
			int rc = hex_end(s);
			if (rc)
				return rc;
		} else if (v >= 0) {
			if (s->u.hi < 0) {
				s->u.hi = v;
			} else {
				unsigned char c = (unsigned char)(s->u.hi * 16 + v);
				s->u.hi = -1;
				int rc = emit(s, &c, 1);
				if (rc)
					return rc;
			}
		} else if (!is_space(p[i])) {
			return PDF_DECODE_BAD;
		}
	}
	return 0;
}

/* An odd last digit: as if a 0 followed it. */
static int hex_end(struct stage *s)
{
	if (s->u.hi < 0)
		return 0;
	unsigned char c = (unsigned char)(s->u.hi * 16);
	s->u.hi = -1;
	return emit(s, &c, 1);
}

/* A85's last group of k < 5 digits: padded with 'u', k - 1 bytes out. */
static int a85_tail(struct stage *s)
{
	int k = s->u.a85.k;
	if (k == 0)
		return 0;
	if (k == 1)
		return PDF_DECODE_BAD;
	uint64_t v = s->u.a85.v;
	for (int i = k; i < 5; i++)
		v = v * 85 + 84;
	if (v > UINT32_MAX)
		return PDF_DECODE_BAD;
	unsigned char b[4] = { (unsigned char)(v >> 24),
		(unsigned char)(v >> 16), (unsigned char)(v >> 8),
		(unsigned char)v };
	s->u.a85.k = 0;
	s->u.a85.v = 0;
	return emit(s, b, (size_t)k - 1);
}

static int a85_push(struct stage *s, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n && !s->done; i++) {
		unsigned char c = p[i];
		int rc = 0;
		if (s->u.a85.tilde) {
			if (c != '>')
				return PDF_DECODE_BAD;
			rc = a85_tail(s);
			s->done = 1;
		} else if (c == '~') {
			s->u.a85.tilde = 1;
		} else if (c == 'z' && s->u.a85.k == 0) {
			static const unsigned char zero[4];
			rc = emit(s, zero, 4);
		} else if (c >= '!' && c <= 'u') {
			s->u.a85.v = s->u.a85.v * 85 + (uint64_t)(c - '!');
			if (++s->u.a85.k == 5) {
				uint64_t v = s->u.a85.v;
				if (v > UINT32_MAX)
					return PDF_DECODE_BAD;
				unsigned char b[4] = { (unsigned char)(v >> 24),
					(unsigned char)(v >> 16),
					(unsigned char)(v >> 8), (unsigned char)v };
				s->u.a85.k = 0;
				s->u.a85.v = 0;
				rc = emit(s, b, 4);
			}
		} else if (!is_space(c)) {
			return PDF_DECODE_BAD;
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int stage_push(struct stage *s, const unsigned char *p, size_t n)
{
	if (s->done)
		return 0;
	switch (s->f) {
	case PDF_FLATE:
		return flate_push(s, p, n);
	case PDF_LZW:
		return lzw_push(s, p, n);
	case PDF_RUNLENGTH:
		return rl_push(s, p, n);
	case PDF_ASCIIHEX:
		return hex_push(s, p, n);
	case PDF_ASCII85:
		return a85_push(s, p, n);
	}
	return PDF_DECODE_BAD;
}

static int stage_end(struct stage *s)
{
	int rc = 0;
	if (!s->done) {
		if (s->f == PDF_ASCIIHEX)
			rc = hex_end(s);
		else if (s->f == PDF_ASCII85)
			rc = a85_tail(s);
	}
	if (rc == 0)
		rc = flush(s);
	if (rc == 0 && s->next)
		rc = stage_end(s->next);
	return rc;
}

void pdf_chain_free(struct pdf_chain *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		struct stage *s = c->st[i];
		if (s->f == PDF_FLATE && s->u.fl.live)
			inflateEnd(&s->u.fl.z);
		/* What went through was a document's content. */
		if (s->f == PDF_LZW && s->u.lzw) {
			sodium_memzero(s->u.lzw, sizeof(*s->u.lzw));
			free(s->u.lzw);
		}
		sodium_memzero(s, sizeof(*s));
		free(s);
	}
	free(c);
}

int pdf_chain_open(struct pdf_chain **out, const enum pdf_filter *f,
	const int *early_change, size_t n, struct pdf_sink *sink)
{
	*out = NULL;
	if (n == 0 || n > SZ_PDF_MAX_FILTERS)
		return PDF_DECODE_BAD;
	struct pdf_chain *c = calloc(1, sizeof(*c));
	if (!c)
		return PDF_DECODE_NOMEM;
	c->sink = sink;
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		struct stage *s = calloc(1, sizeof(*s));
		if (!s) {
			rc = PDF_DECODE_NOMEM;
			goto out;
		}
		c->st[c->n++] = s;
		s->f = f[i];
		s->chain = c;
		s->early = early_change && early_change[i] == 0 ? 0 : 1;
		if (i > 0)
			c->st[i - 1]->next = s;
		switch (f[i]) {
		case PDF_FLATE:
			if (inflateInit(&s->u.fl.z) != Z_OK) {
				rc = PDF_DECODE_NOMEM;
				goto out;
			}
			s->u.fl.live = 1;
			break;
		case PDF_LZW:
			s->u.lzw = calloc(1, sizeof(*s->u.lzw));
			if (!s->u.lzw) {
				rc = PDF_DECODE_NOMEM;
				goto out;
			}
			for (unsigned k = 0; k < 256; k++) {
				s->u.lzw->len[k] = 1;
				s->u.lzw->first[k] = (uint8_t)k;
				s->u.lzw->suffix[k] = (uint8_t)k;
			}
			s->u.lzw->next = LZW_FIRST;
			s->u.lzw->bits = 9;
			s->u.lzw->prev = LZW_NONE;
			break;
		case PDF_ASCIIHEX:
			s->u.hi = -1;
			break;
		case PDF_RUNLENGTH:
		case PDF_ASCII85:
			break;
		default:
			rc = PDF_DECODE_BAD;
			goto out;
		}
	}
out:
	if (rc) {
		pdf_chain_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

int pdf_chain_push(struct pdf_chain *c, const unsigned char *p, size_t n)
{
	if (c->rc == 0)
		c->rc = stage_push(c->st[0], p, n);
	return c->rc;
}

int pdf_chain_end(struct pdf_chain *c)
{
	if (c->rc == 0)
		c->rc = stage_end(c->st[0]);
	return c->rc;
}
