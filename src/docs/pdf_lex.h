/*
 * pdf_lex.h - reads a PDF content stream as it streams past, a chunk at a
 * time, for what drawing it costs: each "/Name Do" (a form or image
 * drawn) and the bytes of its text strings.  A token split between two
 * chunks is carried over; a name longer than a PDF allows (127 bytes)
 * draws nothing.  It over-counts rather than under-counts: a draw or a
 * string written inside a comment or inline image data counts too (see
 * pdf_lex.c).  It does not parse operands otherwise, check syntax or keep
 * anything but the token it is in (at most 256 bytes).
 *
 * Ownership: struct pdf_lex is the caller's, with no heap memory.
 */
#ifndef SZ_DOCS_PDF_LEX_H
#define SZ_DOCS_PDF_LEX_H

#include <stddef.h>
#include <stdint.h>

#define SZ_PDF_MAX_NAME 127u   /* a name's bytes, #xx escapes decoded */

/* Called for each "/Name Do" with the name as qpdf spells it (a leading
 * "/", escapes decoded; len <= 1 + SZ_PDF_MAX_NAME); nonzero stops. */
typedef int (*pdf_lex_draw)(void *ctx, const char *name, size_t len);

struct pdf_lex {
	pdf_lex_draw draw;
	void *ctx;
	uint64_t text;             /* bytes of text strings so far */
	int st, depth, hex;        /* strings */
	int escape, lt;
	int tk, name_last;         /* tokens */
	size_t ntok, nname;
	unsigned char tok[16];
	unsigned char name[256];
	char decoded[1 + SZ_PDF_MAX_NAME + 1];
	size_t ndecoded;
};

void pdf_lex_init(struct pdf_lex *l, pdf_lex_draw draw, void *ctx);
/* The next bytes; returns what draw returned if it stopped, else 0. */
int pdf_lex_feed(struct pdf_lex *l, const unsigned char *p, size_t n);

#endif
