/*
 * search_fts5.c - a structured search (search.h) compiled into an FTS5
 * expression for SQLite's back ends, and the engine-neutral helpers that
 * build a struct sz_search.  Every word is a double-quoted FTS5 string of
 * letters and digits, so the expression is valid whatever a reader typed.
 * It does not run the expression, nor add what only the store knows
 * (which releases are drafts): the back end does.
 */
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

int sz_search_fts5_phrase(struct sz_buf *out, const char *scope,
	const char *words, bool prefix, int *n)
{
	*n = 0;
	if (words[0] == '\0')
		return 0;
	*n = 1;
	for (const char *p = words; *p; p++)
		*n += *p == ' ';
	int rc = sz_buf_printf(out, "%s\"%s\"", scope, words);
	return rc == 0 && prefix ? sz_buf_puts(out, " *") : rc;
}

/* The reader's terms, negated ones or the others, joined. */
static int terms(const struct sz_search *s, bool negated, struct sz_buf *out)
{
	int rc = 0, n;
	bool first = true;
	for (size_t i = 0; rc == 0 && i < s->nterms; i++) {
		const struct sz_search_term *t = &s->terms[i];
		if (t->negated != negated)
			continue;
		if (!first)
			rc = sz_buf_puts(out, negated || t->or_before ? " OR " :
				" AND ");
		if (rc == 0)
			rc = sz_search_fts5_phrase(out, "", s->words + t->at, t->prefix,
				&n);
		first = false;
	}
	return rc;
}

/* Drops what was appended after mark (the buffer stays NUL-terminated). */
static void cut(struct sz_buf *b, size_t mark)
{
	b->len = mark;
	if (b->data != NULL)
		b->data[mark] = '\0';
}

/* from:/to: an address or a domain is one tags term; a name is the words
 * of the sender or recipients column. */
static int person(struct sz_buf *out, const char *value, bool from)
{
	struct sz_search one;
	int n;
	size_t mark = out->len;
	int rc = sz_buf_puts(out, "tags : \"");
	int e = rc ? rc : sz_archive_address_term(value, from, out);
	if (e == 0)
		return sz_buf_puts(out, "\"");
	if (e < 0)
		return e;
	cut(out, mark);
	memset(&one, 0, sizeof(one));
	if (sz_search_add(&one, value, strlen(value), false, false, false) <= 0)
		return 0;   /* a name with no words: the parser refuses it */
	return sz_search_fts5_phrase(out, from ? "sender : " : "recipients : ",
		one.words, false, &n);
}

/* "tags : ("zy2024" OR "zm202501")" */
static int dates(struct sz_buf *out, int64_t after, int64_t before)
{
	struct sz_buf t;
	sz_buf_init(&t, 16 * SZ_ARCHIVE_DATE_TERMS);
	int rc = sz_archive_date_terms(after, before, &t);
	if (rc == 0)
		rc = sz_buf_puts(out, "tags : (\"");
	for (size_t i = 0; rc == 0 && i < t.len; i++)
		rc = t.data[i] == ' ' ? sz_buf_puts(out, "\" OR \"") :
			sz_buf_append(out, t.data + i, 1);
	if (rc == 0)
		rc = sz_buf_puts(out, "\")");
	sz_buf_free(&t);
	return rc;
}

/* The filters, AND-ed, in a fixed order. */
static int filters(const struct sz_search *s, struct sz_buf *f)
{
	int rc = 0;
	if (s->from[0])
		rc = person(f, s->from, true);
	if (rc == 0 && s->to[0])
		rc = (f->len ? sz_buf_puts(f, " AND ") : 0) ||
			person(f, s->to, false);
	if (rc == 0 && s->type[0])
		rc = sz_buf_printf(f, "%stags : \"zt%s\"", f->len ? " AND " : "",
			s->type);
	if (rc == 0 && s->signed_kind[0])
		rc = sz_buf_printf(f, "%stags : \"zs%s\"", f->len ? " AND " : "",
			s->signed_kind);
	if (rc == 0 && s->verified_kind[0])
		rc = sz_buf_printf(f, "%stags : \"zv%s\"", f->len ? " AND " : "",
			s->verified_kind);
	if (rc == 0 && s->release)
		rc = sz_buf_printf(f, "%stags : \"zr%lld\"", f->len ? " AND " : "",
			(long long)s->release);
	if (rc == 0 && (s->after || s->before))
		rc = (f->len ? sz_buf_puts(f, " AND ") : 0) ||
			dates(f, s->after, s->before);
	return rc;
}

int sz_search_fts5(const struct sz_search *s, struct sz_buf *out)
{
	struct sz_buf pos, neg, f;
	sz_buf_init(&pos, 8 * SZ_SEARCH_WORDS_MAX);
	sz_buf_init(&neg, 8 * SZ_SEARCH_WORDS_MAX);
	sz_buf_init(&f, 32 * SZ_ARCHIVE_DATE_TERMS);
	int rc = terms(s, false, &pos);
	if (rc == 0)
		rc = terms(s, true, &neg);
	if (rc == 0)
		rc = filters(s, &f);
	if (rc == 0 && pos.len)
		rc = sz_buf_printf(out, "(%s)", (const char *)pos.data);
	if (rc == 0 && f.len)
		rc = sz_buf_printf(out, "%s%s", pos.len ? " AND " : "",
			(const char *)f.data);
	if (rc == 0 && (pos.len || f.len) && neg.len)
		rc = sz_buf_printf(out, " NOT (%s)", (const char *)neg.data);
	sz_buf_free(&pos);
	sz_buf_free(&neg);
	sz_buf_free(&f);
	return rc ? SZ_E_LIMIT : 0;
}
