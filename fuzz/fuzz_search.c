/*
 * fuzz_search.c - the search parser's structured query and its tsquery
 * compilation on arbitrary text: whatever a reader types, the query
 * stays within its limits (terms, words, spans inside the text), every
 * term is words of letters and digits with single spaces, and the tsquery
 * text is well formed by to_tsquery's grammar (checked here by a small
 * recursive-descent reader, since the fuzzer has no PostgreSQL; the unit
 * test runs real queries on one).  fuzz_query.c runs the FTS5 side on a
 * real FTS5 table.
 */
#include <assert.h>
#include <stdbool.h>
#include <string.h>

#include "search/query.h"
#include "fuzz.h"

#define DEPTH_MAX 8   /* the compiler nests three deep at most */

struct reader {
	const char *p;
	int depth;
};

static bool lit(struct reader *r, const char *s)
{
	size_t n = strlen(s);
	if (strncmp(r->p, s, n) != 0)
		return false;
	r->p += n;
	return true;
}

static bool disjunction(struct reader *r);

/* 'lexeme' of word bytes, then :*, weights or both. */
static bool operand(struct reader *r)
{
	if (lit(r, "(")) {
		if (++r->depth > DEPTH_MAX || !disjunction(r) || !lit(r, ")"))
			return false;
		r->depth--;
		return true;
	}
	if (!lit(r, "'"))
		return false;
	const char *st = r->p;
	while (*r->p && *r->p != '\'') {
		if (!sz_search_word_byte((unsigned char)*r->p))
			return false;
		r->p++;
	}
	if (r->p == st || !lit(r, "'"))
		return false;
	if (lit(r, ":")) {
		bool any = lit(r, "*");
		while (*r->p >= 'A' && *r->p <= 'D') {
			r->p++;
			any = true;
		}
		return any;
	}
	return true;
}

static bool phrase(struct reader *r)
{
	if (!operand(r))
		return false;
	while (lit(r, " <-> "))
		if (!operand(r))
			return false;
	return true;
}

static bool conjunction(struct reader *r)
{
	do {
		(void)lit(r, "!");
		if (!phrase(r))
			return false;
	} while (lit(r, " & "));
	return true;
}

static bool disjunction(struct reader *r)
{
	do {
		if (!conjunction(r))
			return false;
	} while (lit(r, " | "));
	return true;
}

static void well_formed(const struct sz_buf *b)
{
	if (b->len == 0)
		return;
	struct reader r = { (const char *)b->data, 0 };
	assert(disjunction(&r) && *r.p == '\0');
}

static void within_limits(const struct sz_query *q, size_t size)
{
	const struct sz_search *s = &q->search;
	assert(s->nterms <= SZ_SEARCH_MAX_TERMS);
	assert(s->words_len <= sizeof(s->words));
	for (size_t i = 0; i < s->nterms; i++) {
		const struct sz_search_term *t = &s->terms[i];
		const char *w = s->words + t->at;
		assert(t->at < s->words_len && !(t->negated && t->or_before));
		assert(w[0] != '\0' && w[0] != ' ');
		for (size_t k = 0; w[k]; k++)
			assert(sz_search_word_byte((unsigned char)w[k]) ||
				(w[k] == ' ' && w[k + 1] != ' ' && w[k + 1] != '\0'));
	}
	assert(q->nspans <= SZ_QUERY_MAX_TERMS);
	for (size_t i = 0; i < q->nspans; i++)
		assert((size_t)q->spans[i].start + q->spans[i].len <= size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sz_query q;
	if (sz_query_parse(&q, (const char *)data, size) != 0) {
		assert(q.error[0] != 0);
		sz_query_free(&q);
		return 0;
	}
	within_limits(&q, size);
	struct sz_tsquery t;
	int rc = sz_search_tsquery(&q.search, &t);
	assert(rc == 0);
	assert(!sz_query_archive(&q) || t.words.len > 0 || t.tags.len > 0);
	well_formed(&t.words);
	well_formed(&t.tags);
	sz_tsquery_free(&t);
	sz_query_free(&q);
	return 0;
}
