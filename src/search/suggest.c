/*
 * suggest.c - suggestions for a search that found nothing (suggest.h):
 * respelling the words the index does not hold, and leaving out one
 * filter at a time, each checked by a counting search before it is
 * offered.
 */
#include <stdio.h>
#include <string.h>

#include "search/suggest.h"

#define NEAR_PER_WORD 3           /* spellings weighed for one word */

struct checker {
	struct sz_archive *a;
	const struct sz_archive_query *base;
	unsigned tries;
};

/* How many results text finds, or 0 if it cannot be searched (or the
 * tries are spent); *estimated says the back end estimated it. */
static int64_t count(struct checker *c, const char *text, bool *estimated)
{
	struct sz_query q;
	struct sz_archive_query aq;
	struct sz_search_result res;
	struct sz_err err;
	int64_t total = 0;
	if (c->tries == 0)
		return 0;
	c->tries--;
	if (sz_query_parse(&q, text, strlen(text)) == 0) {
		aq = *c->base;
		aq.search = sz_query_archive(&q) ? &q.search : NULL;
		aq.count_only = true;
		if (aq.search != NULL && c->a->ops->search(c->a, &aq, 0, 0, &res,
		    &err) == 0) {
			total = res.total;
			*estimated = res.estimated;
			sz_search_result_free(&res);
		}
	}
	sz_query_free(&q);
	return total;
}

/* text with term k replaced by with (NULL: left out), into out. */
static void rewrite(const char *text, const struct sz_query *q, size_t k,
	const char *with, char *out, size_t cap)
{
	const struct sz_query_term *t = &q->spans[k];
	const char *rest = text + t->start + t->len;
	size_t keep = t->start;
	if (with == NULL) {  /* the space after it goes too, or before it */
		rest += strspn(rest, " \t");
		if (*rest == 0)
			while (keep > 0 && (text[keep - 1] == ' ' ||
			    text[keep - 1] == '\t'))
				keep--;
	}
	snprintf(out, cap, "%.*s%s%s", (int)keep, text, with ? with : "",
		rest);
}

/* text with each respelt word replaced: by its first choice, except
 * word k by its choice alt (alt 0: every word by its first). */
static void spell(const char *text, const struct sz_query *q,
	struct sz_near_word near[][NEAR_PER_WORD], const size_t *nnear,
	size_t k, size_t alt, char *out, size_t cap)
{
	char piece[SZ_QUERY_MAX + 1];
	snprintf(out, cap, "%s", text);
	/* Right to left, so the places of earlier terms hold. */
	for (size_t j = q->nspans; j-- > 0;) {
		if (nnear[j] == 0)
			continue;
		snprintf(piece, sizeof(piece), "%s", out);
		rewrite(piece, q, j, near[j][j == k ? alt : 0].word, out, cap);
	}
}

/* The words of text that the index does not hold, each spelt as the
 * nearest word it holds; the first choice of each, then the next choice
 * of one word at a time. */
static void respell(struct checker *c, const char *text,
	const struct sz_query *q, struct sz_suggestion *out, size_t max,
	size_t *n)
{
	struct sz_near_word near[SZ_QUERY_MAX_TERMS][NEAR_PER_WORD];
	size_t nnear[SZ_QUERY_MAX_TERMS];
	bool any = false;
	for (size_t k = 0; k < q->nspans; k++) {
		const struct sz_query_term *t = &q->spans[k];
		char word[SZ_ARCHIVE_WORD_MAX + 1];
		bool known;
		nnear[k] = 0;
		if (t->kind != SZ_QTERM_WORD || t->len < SZ_SUGGEST_MIN_WORD ||
		    t->len > SZ_ARCHIVE_WORD_MAX)
			continue;
		snprintf(word, sizeof(word), "%.*s", (int)t->len, text + t->start);
		if (c->a->ops->words_near(c->a, word, near[k], NEAR_PER_WORD,
		    &nnear[k], &known, NULL) != 0 || known)
			nnear[k] = 0;
		any = any || nnear[k] > 0;
	}
	/* The best spelling of every word; then, one word at a time, its
	 * second and third best.  The first that finds something wins. */
	for (size_t k = 0, alt = 0; any && *n < max && c->tries > 0;) {
		char respelt[SZ_QUERY_MAX + 1];
		spell(text, q, near, nnear, k, alt, respelt, sizeof(respelt));
		bool estimated = false;
		int64_t total = count(c, respelt, &estimated);
		if (total > 0) {
			struct sz_suggestion *s = &out[(*n)++];
			memset(s, 0, sizeof(*s));
			s->kind = SZ_SUGGEST_SPELLING;
			snprintf(s->query, sizeof(s->query), "%s", respelt);
			s->total = total;
			s->estimated = estimated;
			return;
		}
		/* the next variant: word k's next choice, else the next word */
		if (alt > 0 && alt + 1 < nnear[k]) {
			alt++;
			continue;
		}
		k = alt > 0 ? k + 1 : 0;
		while (k < q->nspans && nnear[k] < 2)
			k++;
		if (k >= q->nspans)
			return;
		alt = 1;
	}
}

void sz_query_suggest(struct sz_archive *a, const char *text,
	const struct sz_query *q, const struct sz_archive_query *base,
	struct sz_suggestion *out, size_t max, size_t *n)
{
	struct checker c = { a, base, SZ_SUGGEST_TRIES };
	*n = 0;
	if (strlen(text) > SZ_QUERY_MAX)
		return;
	respell(&c, text, q, out, max, n);
	for (size_t k = 0; k < q->nspans && *n < max && c.tries > 0; k++) {
		const struct sz_query_term *t = &q->spans[k];
		if (t->kind != SZ_QTERM_FILTER)
			continue;
		char without[SZ_QUERY_MAX + 1];
		rewrite(text, q, k, NULL, without, sizeof(without));
		bool estimated = false;
		int64_t total = count(&c, without, &estimated);
		if (total == 0)
			continue;
		struct sz_suggestion *s = &out[(*n)++];
		memset(s, 0, sizeof(*s));
		s->kind = SZ_SUGGEST_DROP;
		snprintf(s->query, sizeof(s->query), "%s", without);
		snprintf(s->dropped, sizeof(s->dropped), "%.*s", (int)t->len,
			text + t->start);
		s->total = total;
		s->estimated = estimated;
	}
}
