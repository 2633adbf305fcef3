/*
 * search.c - building a structured search (search.h) and what its
 * compilers share, engine-neutral: adding a term, asking what a search
 * holds, and writing its terms and its date range in the shape each
 * engine's syntax gives (the compilers, search_fts5.c and
 * search_tsquery.c, say which shape).  It parses no text: search/query.c
 * does.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "store/archive.h"
#include "store/search.h"

bool sz_search_word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		(c >= 'A' && c <= 'Z') || c >= 0x80;
}

int sz_search_add(struct sz_search *s, const char *text, size_t len,
	bool prefix, bool negated, bool or_before)
{
	if (s->nterms >= SZ_SEARCH_MAX_TERMS)
		return -1;
	size_t at = s->words_len, w = at;
	/* Words are never longer than their text: check before copying. */
	if (len + 1 > sizeof(s->words) - at)
		return -1;
	for (size_t i = 0; i < len;) {
		while (i < len && !sz_search_word_byte((unsigned char)text[i]))
			i++;
		size_t st = i;
		while (i < len && sz_search_word_byte((unsigned char)text[i]))
			i++;
		if (i == st)
			continue;
		if (w > at)
			s->words[w++] = ' ';
		memcpy(s->words + w, text + st, i - st);
		w += i - st;
	}
	if (w == at)
		return 0;
	s->words[w++] = '\0';
	s->words_len = w;
	s->terms[s->nterms++] = (struct sz_search_term){ (uint16_t)at, prefix,
		negated, or_before && !negated };
	return 1;
}

bool sz_search_filtered(const struct sz_search *s)
{
	return s->from[0] || s->to[0] || s->type[0] || s->signed_kind[0] ||
		s->verified_kind[0] || s->release || s->after || s->before;
}

bool sz_search_positive(const struct sz_search *s)
{
	for (size_t i = 0; i < s->nterms; i++)
		if (!s->terms[i].negated)
			return true;
	return false;
}

int sz_search_join_terms(const struct sz_search *s, bool negated,
	const struct sz_search_syntax *syn, struct sz_buf *out)
{
	int rc = 0;
	bool first = true;
	for (size_t i = 0; rc == 0 && i < s->nterms; i++) {
		const struct sz_search_term *t = &s->terms[i];
		if (t->negated != negated)
			continue;
		if (!first)
			rc = sz_buf_puts(out, negated || t->or_before ? syn->or :
				syn->and);
		if (rc == 0)
			rc = syn->phrase(out, s->words + t->at, t->prefix);
		first = false;
	}
	return rc;
}

int sz_search_join_dates(const struct sz_search *s,
	const struct sz_search_syntax *syn, struct sz_buf *out)
{
	struct sz_buf t;
	sz_buf_init(&t, 16 * SZ_ARCHIVE_DATE_TERMS);
	int rc = sz_archive_date_terms(s->after, s->before, &t);
	if (rc == 0)
		rc = sz_buf_puts(out, syn->dates_open);
	for (size_t i = 0; rc == 0 && i < t.len; i++)
		rc = t.data[i] == ' ' ? sz_buf_puts(out, syn->dates_or) :
			sz_buf_append(out, t.data + i, 1);
	if (rc == 0)
		rc = sz_buf_puts(out, syn->dates_close);
	sz_buf_free(&t);
	return rc;
}

static bool same_word(const char *a, size_t na, const char *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return false;
	return true;
}

/* Whether a, then b, are two words in a row of one of s's phrases (the
 * last word of a prefix phrase only beginning b). */
static bool phrase_pair(const struct sz_search *s, const char *a, size_t na,
	const char *b, size_t nb)
{
	for (size_t t = 0; t < s->nterms; t++) {
		const struct sz_search_term *term = &s->terms[t];
		if (term->negated)
			continue;
		const char *x = s->words + term->at;
		for (const char *sp = strchr(x, ' '); sp != NULL;
		    x = sp + 1, sp = strchr(x, ' ')) {
			const char *y = sp + 1;
			size_t ny = strcspn(y, " ");
			bool last = y[ny] == '\0';
			if (same_word(x, (size_t)(sp - x), a, na) &&
			    (same_word(y, ny, b, nb) || (last && term->prefix &&
			    ny <= nb && same_word(y, ny, b, ny))))
				return true;
		}
	}
	return false;
}

void sz_search_snippet_phrases(char *snippet, const struct sz_search *s)
{
	if (snippet == NULL || s == NULL)
		return;
	char *end;
	for (char *p = snippet; (end = strchr(p, SZ_SEARCH_MARK_END)) != NULL;
	    p = end + 1) {
		char *next = end + 1 + strspn(end + 1, " ");
		if (*next != SZ_SEARCH_MARK_START)
			continue;
		char *close = strchr(next + 1, SZ_SEARCH_MARK_END);
		if (close == NULL)
			break;
		char *a = end;   /* the last word before the marker */
		while (a > snippet && a[-1] != ' ' && a[-1] != SZ_SEARCH_MARK_START)
			a--;
		if (!phrase_pair(s, a, (size_t)(end - a), next + 1,
		    (size_t)(close - next - 1)))
			continue;
		/* drop the end marker and the next start marker */
		memmove(end, end + 1, (size_t)(next - end - 1));
		memmove(next - 1, next + 1, strlen(next + 1) + 1);
		end -= 1;   /* p moves on to the joined word's end marker */
	}
}

char *sz_search_snippet_dup(const char *s)
{
	static const char ellipsis[] = "…";
	size_t n = s ? strlen(s) : 0;
	bool cut = n > SZ_SEARCH_SNIPPET_MAX;
	if (cut) {
		n = SZ_SEARCH_SNIPPET_MAX - sizeof(ellipsis);
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;   /* never inside a character */
	}
	char *out = malloc(n + sizeof(ellipsis));
	if (out == NULL)
		return NULL;
	if (n)
		memcpy(out, s, n);
	out[n] = '\0';
	if (cut)
		memcpy(out + n, ellipsis, sizeof(ellipsis));
	return out;
}
