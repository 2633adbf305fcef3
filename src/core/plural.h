/*
 * plural.h - the Plural-Forms of a gettext catalogue, such as Russian's
 * "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 &&
 * (n%100<10 || n%100>=20) ? 1 : 2);": parsed once into a small tree, then
 * evaluated for each number shown.
 *
 * It accepts what gettext's own grammar does: n, decimal numbers, ! * / %
 * + - < > <= >= == != && || ?: and parentheses, with C's precedence, in
 * unsigned arithmetic.  It deliberately accepts nothing more (no other
 * variable, no unary minus, no assignment), bounds the text, the number of
 * nodes and the nesting, and gives 0 for a division by zero: a catalogue
 * is data, and data must not crash or hang a face.
 */
#ifndef SZ_CORE_PLURAL_H
#define SZ_CORE_PLURAL_H

#include <stdint.h>

#include "core/err.h"

#define SZ_PLURAL_MAX_FORMS 8       /* Arabic has 6, the most of any */
#define SZ_PLURAL_MAX_TEXT 512      /* the header's field, in bytes */
#define SZ_PLURAL_MAX_NODES 96
#define SZ_PLURAL_MAX_DEPTH 24      /* parentheses and ?: nested */

struct sz_plural_node {
	uint8_t op;
	uint8_t a, b, c;                /* operands: indices of nodes */
	unsigned long value;            /* a number */
};

struct sz_plural {
	unsigned nplurals;
	unsigned nnodes;
	uint8_t root;
	struct sz_plural_node nodes[SZ_PLURAL_MAX_NODES];
};

/* English's rule, and gettext's default: two forms, the first for 1. */
void sz_plural_default(struct sz_plural *p);

/* Parses the value of a Plural-Forms header field (len bytes; it need not
 * end with a NUL).  On failure p is left with the default and err says
 * what is wrong. */
int sz_plural_parse(struct sz_plural *p, const char *text, size_t len,
	struct sz_err *err);

/* The index of the form for n: always below p->nplurals (an expression
 * that gives more is read as 0, as gettext does). */
unsigned sz_plural_form(const struct sz_plural *p, unsigned long n);

#endif
