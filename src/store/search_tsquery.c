/*
 * search_tsquery.c - a structured search (search.h) compiled into
 * PostgreSQL's to_tsquery text: & | ! and parentheses, <-> between the
 * words of a phrase, :* after a prefix, weights C and D for the sender's
 * and the recipients' names.  Each word is a single-quoted lexeme (quotes
 * and backslashes doubled, though words hold letters and digits only),
 * so the text is valid whatever a reader typed; it is bound as a
 * parameter, never pasted into SQL.  It does not run the query.
 */
#include <stdio.h>
#include <string.h>

#include "store/archive.h"
#include "store/search.h"

/* 'word' as a tsquery operand. */
static int lexeme(struct sz_buf *out, const char *w, size_t n)
{
	int rc = sz_buf_puts(out, "'");
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = w[i] == '\'' || w[i] == '\\' ? sz_buf_printf(out, "%c%c", w[i],
			w[i]) : sz_buf_append(out, w + i, 1);
	return rc ? rc : sz_buf_puts(out, "'");
}

int sz_search_tsquery_phrase(struct sz_buf *out, const char *words,
	bool prefix, const char *weights)
{
	int rc = 0;
	const char *p = words;
	while (rc == 0 && *p) {
		const char *sp = strchr(p, ' ');
		size_t n = sp ? (size_t)(sp - p) : strlen(p);
		rc = lexeme(out, p, n);
		if (rc == 0 && (weights[0] || (prefix && sp == NULL)))
			rc = sz_buf_printf(out, ":%s%s", prefix && sp == NULL ? "*" : "",
				weights);
		p += n;
		if (rc == 0 && *p == ' ') {
			rc = sz_buf_puts(out, " <-> ");
			p++;
		}
	}
	return rc;
}

static int phrase(struct sz_buf *out, const char *words, bool prefix)
{
	return sz_search_tsquery_phrase(out, words, prefix, "");
}

static const struct sz_search_syntax tsquery = {
	.and = " & ", .or = " | ", .phrase = phrase,
	.dates_open = "('", .dates_or = "' | '", .dates_close = "')",
};

/* from:/to: an address or a domain is one tags lexeme; a name is the
 * words of the sender (weight C) or recipients (D). */
static int person(struct sz_tsquery *q, const char *value, bool from)
{
	struct sz_buf term;
	struct sz_search one;
	sz_buf_init(&term, SZ_SEARCH_VALUE_MAX + 8);
	int e = sz_archive_address_term(value, from, &term), rc = e;
	if (e == 0 && q->tags.len)
		rc = sz_buf_puts(&q->tags, " & ");
	if (e == 0 && rc == 0)
		rc = lexeme(&q->tags, (const char *)term.data, term.len);
	sz_buf_free(&term);
	if (e != 1)
		return rc;
	memset(&one, 0, sizeof(one));
	if (sz_search_add(&one, value, strlen(value), false, false, false) <= 0)
		return 0;   /* a name with no words: the parser refuses it */
	rc = q->words.len ? sz_buf_puts(&q->words, " & ") : 0;
	return rc ? rc : sz_search_tsquery_phrase(&q->words, one.words, false,
		from ? "C" : "D");
}

/* One tags lexeme, kind and value: 'ztpdf'. */
static int tag(struct sz_buf *out, const char *kind, const char *value)
{
	return sz_buf_printf(out, "%s'%s%s'", out->len ? " & " : "", kind,
		value);
}

int sz_search_tsquery(const struct sz_search *s, struct sz_tsquery *q)
{
	struct sz_buf pos, neg;
	char release[24];
	sz_buf_init(&q->words, 16 * SZ_SEARCH_WORDS_MAX);
	sz_buf_init(&q->tags, 32 * SZ_ARCHIVE_DATE_TERMS);
	sz_buf_init(&pos, 16 * SZ_SEARCH_WORDS_MAX);
	sz_buf_init(&neg, 16 * SZ_SEARCH_WORDS_MAX);
	int rc = sz_search_join_terms(s, false, &tsquery, &pos);
	if (rc == 0)
		rc = sz_search_join_terms(s, true, &tsquery, &neg);
	if (rc == 0 && pos.len)
		rc = sz_buf_printf(&q->words, "(%s)", (const char *)pos.data);
	if (rc == 0 && s->from[0])
		rc = person(q, s->from, true);
	if (rc == 0 && s->to[0])
		rc = person(q, s->to, false);
	/* type and kinds are fixed words the parser checked; lower case */
	if (rc == 0 && s->type[0])
		rc = tag(&q->tags, "zt", s->type);
	if (rc == 0 && s->signed_kind[0])
		rc = tag(&q->tags, "zs", s->signed_kind);
	if (rc == 0 && s->verified_kind[0])
		rc = tag(&q->tags, "zv", s->verified_kind);
	snprintf(release, sizeof(release), "%lld", (long long)s->release);
	if (rc == 0 && s->release)
		rc = tag(&q->tags, "zr", release);
	if (rc == 0 && (s->after || s->before) && q->tags.len)
		rc = sz_buf_puts(&q->tags, " & ");
	if (rc == 0 && (s->after || s->before))
		rc = sz_search_join_dates(s, &tsquery, &q->tags);
	/* ! stands alone in a tsquery: exclusions need no other term here
	 * (a forum's author filter is SQL, not a term) */
	if (rc == 0 && neg.len)
		rc = sz_buf_printf(&q->words, "%s!(%s)", q->words.len ? " & " : "",
			(const char *)neg.data);
	sz_buf_free(&pos);
	sz_buf_free(&neg);
	return rc ? SZ_E_LIMIT : 0;
}

int sz_search_tsvector_text(struct sz_buf *out, const char *text, size_t len)
{
	int rc = 0;
	size_t i = 0;
	while (rc == 0 && i < len) {
		size_t st = i;
		while (i < len && sz_search_word_byte((unsigned char)text[i]))
			i++;
		rc = sz_buf_append(out, text + st, i - st);
		if (rc == 0 && i < len)
			rc = sz_buf_puts(out, " ");
		while (i < len && !sz_search_word_byte((unsigned char)text[i]))
			i++;
	}
	return rc;
}

void sz_tsquery_free(struct sz_tsquery *q)
{
	sz_buf_free(&q->words);
	sz_buf_free(&q->tags);
}
