/*
 * summary.c - an extractive summary: the document's own sentences, ranked
 * by TextRank (PageRank over a graph whose edges weigh the words two
 * sentences share, normalised by their lengths), the best few given back
 * in document order.  And the reading time, at 238 words per minute.
 *
 * Language-neutral apart from a short English stop-word list; words are
 * runs of letters and digits (any byte >= 0x80 counts as a letter, so
 * UTF-8 words stay whole).  Quadratic in sentences, hence the cap.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "docs/doc.h"

#define MAX_SENTENCE 2000      /* bytes of one sentence kept for output */
#define ITERATIONS 50
#define DAMPING 0.85

struct sentence {
	size_t start, len;
	uint32_t *words;   /* sorted, unique word hashes */
	size_t nwords;
	double score;
};

static bool is_word_byte(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

static const char *const stop[] = {
	"a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "for",
	"from", "had", "has", "have", "he", "her", "his", "i", "in", "is", "it",
	"its", "of", "on", "or", "she", "that", "the", "their", "they", "this",
	"to", "was", "we", "were", "which", "with", "you", "not", "will",
};

static bool is_stop(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(stop) / sizeof(stop[0]); i++)
		if (strlen(stop[i]) == n && memcmp(stop[i], w, n) == 0)
			return true;
	return false;
}

static uint32_t hash_word(const char *w, size_t n)
{
	uint32_t h = 2166136261u;   /* FNV-1a, lowercased */
	for (size_t i = 0; i < n; i++) {
		h ^= (uint8_t)tolower((unsigned char)w[i]);
		h *= 16777619u;
	}
	return h;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* A sentence ends at . ! ? followed by white space, or at a blank line
 * or a line break after a line without final punctuation (a heading). */
#define HEADING_MAX 60   /* a shorter line without final punctuation,
                            followed by a capital, is a heading */

static size_t sentence_end(const char *t, size_t len, size_t i)
{
	size_t line = i;
	for (; i < len; i++) {
		char c = t[i];
		if ((c == '.' || c == '!' || c == '?') &&
		    (i + 1 == len || isspace((unsigned char)t[i + 1])))
			return i + 1;
		if (c == '\n' && i + 1 < len && t[i + 1] == '\n')
			return i;
		if (c == '\n') {
			size_t j = i;
			while (j > line && isspace((unsigned char)t[j - 1]))
				j--;
			bool heading = i - line < HEADING_MAX && j > line &&
				!strchr(".!?,;:-", t[j - 1]) && i + 1 < len &&
				isupper((unsigned char)t[i + 1]);
			if (heading)
				return i;
			line = i + 1;
		}
	}
	return len;
}

static int words_of(const char *t, size_t len, struct sentence *s)
{
	size_t cap = 16;
	s->words = malloc(cap * sizeof(*s->words));
	if (s->words == NULL)
		return SZ_E_NOMEM;
	for (size_t i = 0; i < len;) {
		while (i < len && !is_word_byte((unsigned char)t[i]))
			i++;
		size_t b = i;
		while (i < len && is_word_byte((unsigned char)t[i]))
			i++;
		if (i == b) {
			continue;
		}
		char low[32];
		size_t n = i - b < sizeof(low) ? i - b : sizeof(low);
		for (size_t k = 0; k < n; k++)
			low[k] = (char)tolower((unsigned char)t[b + k]);
		if (n < 2 || is_stop(low, n))
			continue;
		if (s->nwords == cap) {
			uint32_t *w = realloc(s->words, 2 * cap * sizeof(*w));
			if (w == NULL)
				return SZ_E_NOMEM;
			s->words = w;
			cap *= 2;
		}
		s->words[s->nwords++] = hash_word(t + b, i - b);
	}
	qsort(s->words, s->nwords, sizeof(*s->words), cmp_u32);
	size_t u = 0;
	for (size_t k = 0; k < s->nwords; k++)
		if (u == 0 || s->words[u - 1] != s->words[k])
			s->words[u++] = s->words[k];
	s->nwords = u;
	return 0;
}

static size_t common(const struct sentence *a, const struct sentence *b)
{
	size_t i = 0, j = 0, n = 0;
	while (i < a->nwords && j < b->nwords) {
		if (a->words[i] == b->words[j]) {
			n++;
			i++;
			j++;
		} else if (a->words[i] < b->words[j]) {
			i++;
		} else {
			j++;
		}
	}
	return n;
}

static int by_score(const void *a, const void *b)
{
	const struct sentence *const *x = a, *const *y = b;
	if ((*x)->score != (*y)->score)
		return (*x)->score > (*y)->score ? -1 : 1;
	return (*x)->start < (*y)->start ? -1 : 1;
}

static int by_position(const void *a, const void *b)
{
	const struct sentence *const *x = a, *const *y = b;
	return (*x)->start < (*y)->start ? -1 : 1;
}

/* Appends a sentence with its white space collapsed. */
static int put_sentence(struct sz_buf *out, const char *t, size_t len)
{
	bool space = false;
	size_t n = 0;
	for (size_t i = 0; i < len && n < MAX_SENTENCE; i++) {
		unsigned char c = (unsigned char)t[i];
		if (isspace(c) || c < 0x20) {
			space = true;
			continue;
		}
		if (space && n > 0 && sz_buf_append(out, " ", 1) != 0)
			return SZ_E_LIMIT;
		space = false;
		if (sz_buf_append(out, &t[i], 1) != 0)
			return SZ_E_LIMIT;
		n++;
	}
	return 0;
}

int sz_doc_summarize(const char *text, size_t len, unsigned n,
	struct sz_buf *out, size_t *words, struct sz_err *err)
{
	struct sentence *s = calloc(SZ_SUMMARY_MAX_SENTENCES, sizeof(*s));
	struct sentence **order = NULL;
	double *w = NULL, *next = NULL;
	size_t ns = 0;
	int rc = 0;
	if (words != NULL) {
		/* Words as a reader counts them: runs between white space
		 * that hold a letter or digit ("minister's" is one). */
		*words = 0;
		bool in = false, counted = false;
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)text[i];
			if (isspace(c)) {
				in = counted = false;
				continue;
			}
			in = true;
			if (!counted && is_word_byte(c)) {
				(*words)++;
				counted = true;
			}
		}
		(void)in;
	}
	if (s == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	/* Headings (short, no final punctuation) are left out, unless the
	 * text has nothing else (a slide deck of titles). */
	bool skip_headings = true;
again:
	for (size_t i = 0; i < len && ns < SZ_SUMMARY_MAX_SENTENCES;) {
		while (i < len && isspace((unsigned char)text[i]))
			i++;
		if (i >= len)
			break;
		size_t e = sentence_end(text, len, i);
		struct sentence *c = &s[ns];
		c->start = i;
		c->len = e - i;
		if ((rc = words_of(text + i, e - i, c)) != 0) {
			rc = sz_err_set(err, rc, "out of memory");
			ns++;
			goto out;
		}
		ns++;
		/* A sentence without words, or a repeat of an earlier one (a
		 * boilerplate line would otherwise vote for itself), is not a
		 * candidate. */
		size_t last = e;
		while (last > i && isspace((unsigned char)text[last - 1]))
			last--;
		bool heading = skip_headings && e - i < HEADING_MAX && last > i &&
			!strchr(".!?", text[last - 1]);
		bool repeat = c->nwords == 0 || heading;
		for (size_t k = 0; !repeat && k + 1 < ns; k++)
			repeat = s[k].nwords == c->nwords &&
				 memcmp(s[k].words, c->words,
					 c->nwords * sizeof(*c->words)) == 0;
		if (repeat) {
			free(c->words);
			c->words = NULL;
			c->nwords = 0;
			ns--;
		}
		i = e > i ? e : i + 1;
	}
	if (ns == 0 && skip_headings) {
		skip_headings = false;
		goto again;
	}
	if (ns == 0)
		goto out;
	/* Edge weights: shared words / (log|a| + log|b|), row sums for the
	 * random walk. */
	w = calloc(ns * ns, sizeof(*w));
	next = calloc(ns, sizeof(*next));
	double *rows = calloc(ns, sizeof(*rows));
	order = calloc(ns, sizeof(*order));
	if (w == NULL || next == NULL || rows == NULL || order == NULL) {
		free(rows);
		rc = sz_err_set(err, SZ_E_NOMEM, "the text has too many sentences");
		goto out;
	}
	for (size_t i = 0; i < ns; i++)
		for (size_t j = i + 1; j < ns; j++) {
			size_t c = common(&s[i], &s[j]);
			if (c == 0)
				continue;
			double d = log((double)s[i].nwords + 1) +
				   log((double)s[j].nwords + 1);
			double v = (double)c / (d > 0 ? d : 1);
			w[i * ns + j] = w[j * ns + i] = v;
			rows[i] += v;
			rows[j] += v;
		}
	for (size_t i = 0; i < ns; i++)
		s[i].score = 1.0;
	for (int it = 0; it < ITERATIONS; it++) {
		for (size_t i = 0; i < ns; i++) {
			double sum = 0;
			for (size_t j = 0; j < ns; j++)
				if (w[j * ns + i] > 0 && rows[j] > 0)
					sum += w[j * ns + i] / rows[j] * s[j].score;
			next[i] = (1 - DAMPING) + DAMPING * sum;
		}
		for (size_t i = 0; i < ns; i++)
			s[i].score = next[i];
	}
	free(rows);
	for (size_t i = 0; i < ns; i++)
		order[i] = &s[i];
	qsort(order, ns, sizeof(*order), by_score);
	size_t take = n < ns ? n : ns;
	qsort(order, take, sizeof(*order), by_position);
	for (size_t i = 0; i < take; i++) {
		if (i > 0 && sz_buf_append(out, " ", 1) != 0)
			rc = SZ_E_LIMIT;
		if (rc == 0)
			rc = put_sentence(out, text + order[i]->start, order[i]->len);
		if (rc != 0) {
			rc = sz_err_set(err, rc, "the summary is too long");
			break;
		}
	}
out:
	for (size_t i = 0; i < ns; i++)
		free(s[i].words);
	free(s);
	free(order);
	free(w);
	free(next);
	return rc;
}
