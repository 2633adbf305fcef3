/*
 * search_fts5.c - a structured search (search.h) compiled into an FTS5
 * expression for SQLite's back ends.  Every word is a double-quoted FTS5
 * string of letters and digits, so the expression is valid whatever a
 * reader typed.
 * It does not run the expression, nor add what only the store knows
 * (which releases are drafts): the back end does.
 */
#include <string.h>

#include "store/archive.h"
#include "store/search.h"

/* One term as an FTS5 phrase, "w1 w2" (then " *" for a prefix), after
 * scope (a column filter such as "sender : ", or ""). */
static int scoped_phrase(struct sz_buf *out, const char *scope,
	const char *words, bool prefix)
{
	int rc = sz_buf_printf(out, "%s\"%s\"", scope, words);
	return rc == 0 && prefix ? sz_buf_puts(out, " *") : rc;
}

static int phrase(struct sz_buf *out, const char *words, bool prefix)
{
	return scoped_phrase(out, "", words, prefix);
}

static const struct sz_search_syntax fts5 = {
	.and = " AND ", .or = " OR ", .phrase = phrase,
	.dates_open = "tags : (\"", .dates_or = "\" OR \"",
	.dates_close = "\")",
};

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
	return scoped_phrase(out, from ? "sender : " : "recipients : ",
		one.words, false);
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
			sz_search_join_dates(s, &fts5, f);
	return rc;
}

int sz_search_fts5(const struct sz_search *s, struct sz_buf *out)
{
	struct sz_buf pos, neg, f;
	sz_buf_init(&pos, 8 * SZ_SEARCH_WORDS_MAX);
	sz_buf_init(&neg, 8 * SZ_SEARCH_WORDS_MAX);
	sz_buf_init(&f, 32 * SZ_ARCHIVE_DATE_TERMS);
	int rc = sz_search_join_terms(s, false, &fts5, &pos);
	if (rc == 0)
		rc = sz_search_join_terms(s, true, &fts5, &neg);
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
