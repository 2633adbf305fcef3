/*
 * near_words.c - weighing the words of an index near one a reader typed
 * (near_words.h): edit distance, the best candidates, the ranges read.
 * Engine-neutral; the back ends fold words and read their vocabularies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/near_words.h"

#define CHARS_MAX SZ_ARCHIVE_WORD_MAX   /* characters of a word compared */

/* The characters (code points) of UTF-8 s, at most CHARS_MAX; -1 if it
 * has more. */
static int chars(const char *s, size_t len, uint32_t *c)
{
	int n = 0;
	for (size_t i = 0; i < len;) {
		unsigned char b = (unsigned char)s[i];
		size_t k = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
		if (n == CHARS_MAX || i + k > len)
			return -1;
		uint32_t v = k == 1 ? b : b & (0x3f >> (k - 1));
		for (size_t j = 1; j < k; j++)
			v = v << 6 | ((unsigned char)s[i + j] & 0x3f);
		c[n++] = v;
		i += k;
	}
	return n;
}

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;
	return m < c ? m : c;
}

/* Damerau's distance (adjacent swaps count one) between a and b, or
 * limit + 1 once it must exceed limit. */
static unsigned distance(const uint32_t *a, int na, const uint32_t *b,
	int nb, unsigned limit)
{
	unsigned rows[3][CHARS_MAX + 1];
	unsigned *pp = rows[0], *p = rows[1], *c = rows[2];
	if ((unsigned)abs(na - nb) > limit)
		return limit + 1;
	for (int j = 0; j <= nb; j++)
		p[j] = (unsigned)j;
	for (int i = 1; i <= na; i++) {
		unsigned best = c[0] = (unsigned)i;
		for (int j = 1; j <= nb; j++) {
			unsigned cost = a[i - 1] != b[j - 1];
			c[j] = min3(p[j] + 1, c[j - 1] + 1, p[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < c[j])
				c[j] = pp[j - 2] + 1;
			if (c[j] < best)
				best = c[j];
		}
		if (best > limit)
			return limit + 1;
		unsigned *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[nb];
}

static bool better(const struct sz_near_word *x, const struct sz_near_word *y)
{
	if (x->distance != y->distance)
		return x->distance < y->distance;
	if (x->docs != y->docs)
		return x->docs > y->docs;
	return strcmp(x->word, y->word) < 0;
}

void sz_near_consider(struct sz_near *nr, const char *term, size_t len,
	int64_t docs)
{
	uint32_t c[CHARS_MAX];
	if (len > SZ_ARCHIVE_WORD_MAX)
		return;
	if (strlen(nr->word) == len && memcmp(term, nr->word, len) == 0) {
		nr->known = true;
		return;
	}
	int nc = chars(term, len, c);
	if (nc < 2)
		return;
	unsigned d = distance(nr->w, nr->nw, c, nc, nr->limit);
	if (d > nr->limit)
		return;
	struct sz_near_word cand = { .distance = d, .docs = docs };
	memcpy(cand.word, term, len);
	for (size_t i = 0; i < nr->n; i++)
		if (strcmp(nr->out[i].word, cand.word) == 0) {
			if (docs > nr->out[i].docs)
				nr->out[i].docs = docs;
			return;
		}
	/* Insertion into the sorted list of the best max. */
	size_t at = nr->n;
	while (at > 0 && better(&cand, &nr->out[at - 1]))
		at--;
	if (at >= nr->max)
		return;
	size_t last = nr->n < nr->max ? nr->n : nr->max - 1;
	memmove(&nr->out[at + 1], &nr->out[at], (last - at) * sizeof(cand));
	nr->out[at] = cand;
	if (nr->n < nr->max)
		nr->n++;
}

/* Bytes of the first n characters of s. */
static size_t prefix_bytes(const char *s, int n)
{
	size_t i = 0;
	for (int k = 0; k < n && s[i]; k++) {
		i++;
		while ((s[i] & 0xc0) == 0x80)
			i++;
	}
	return i;
}

/* Reads the words in [lo, lo + 1 at its last byte). */
static int scan(const struct sz_near_source *src, struct sz_near *nr,
	const char *lo, size_t len, struct sz_err *err)
{
	char hi[16];
	if (len == 0 || len >= sizeof(hi) || (unsigned char)lo[len - 1] == 0xff)
		return 0;
	memcpy(hi, lo, len);
	hi[len - 1]++;
	return src->scan(src->ctx, nr, lo, hi, len, err);
}

int sz_near_words(const char *folded, const struct sz_near_source *src,
	struct sz_near_word *out, size_t max, size_t *n, bool *known,
	struct sz_err *err)
{
	struct sz_near nr = { .out = out, .max = max, .word = folded };
	*n = 0;
	*known = false;
	if (max == 0 || (nr.nw = chars(folded, strlen(folded), nr.w)) < 2)
		return 0;
	nr.limit = nr.nw <= SZ_ARCHIVE_NEAR_SHORT ? 1 : 2;
	/* A word the index holds is no misspelling. */
	int rc = src->holds(src->ctx, folded, &nr.known, err);
	if (rc != 0 || nr.known) {
		*known = nr.known;
		return rc;
	}
	/* The first two letters, then the same swapped. */
	size_t one = prefix_bytes(folded, 1), two = prefix_bytes(folded, 2);
	char swapped[16];
	rc = scan(src, &nr, folded, two, err);
	if (rc == 0 && two < sizeof(swapped)) {
		memcpy(swapped, folded + one, two - one);
		memcpy(swapped + two - one, folded, one);
		rc = scan(src, &nr, swapped, two, err);
	}
	if (rc == 0 && (nr.n == 0 || nr.out[0].distance > 1))
		rc = scan(src, &nr, folded, one, err);
	*n = rc == 0 ? nr.n : 0;
	return rc;
}
