/*
 * query.c - the translator from a reader's words to FTS5 (see query.h).
 * Every term becomes a double-quoted FTS5 string built from letters and
 * digits only, so the output is always valid FTS5 whatever the input.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "search/query.h"

static bool word_byte(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* Appends "w1 w2 ..." (the word characters of s, split at anything else)
 * as one FTS5 phrase; returns how many words it held. */
static int phrase(struct sz_buf *b, const char *s, size_t len, bool prefix)
{
	int words = 0;
	size_t i = 0;
	while (i < len) {
		while (i < len && !word_byte((unsigned char)s[i]))
			i++;
		size_t st = i;
		while (i < len && word_byte((unsigned char)s[i]))
			i++;
		if (i == st)
			continue;
		if (sz_buf_puts(b, words ? " " : "\"") != 0 ||
		    sz_buf_append(b, s + st, i - st) != 0)
			return -1;
		words++;
	}
	if (words > 0 && (sz_buf_puts(b, "\"") != 0 ||
	    (prefix && sz_buf_puts(b, " *") != 0)))
		return -1;
	return words;
}

/* Parses YYYY, YYYY-MM or YYYY-MM-DD into the first second of that
 * period (*start) and the first second after it (*end). */
static bool parse_date(const char *s, int64_t *start, int64_t *end)
{
	int y = 0, m = 0, d = 0, n = 0;
	struct tm tm = { 0 };
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && s[n] == 0) {
		tm.tm_mday = d;
	} else if (sscanf(s, "%4d-%2d%n", &y, &m, &n) == 2 && s[n] == 0) {
		tm.tm_mday = 1;
		d = 0;
	} else if (sscanf(s, "%4d%n", &y, &n) == 1 && s[n] == 0 && n == 4) {
		m = 1;
		tm.tm_mday = 1;
		d = -1;
	} else {
		return false;
	}
	if (y < 1970 || y > 2200 || m < 1 || m > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31)
		return false;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	*start = (int64_t)timegm(&tm);
	if (d > 0)
		tm.tm_mday++;
	else if (d == 0)
		tm.tm_mon++;
	else
		tm.tm_year++;
	*end = (int64_t)timegm(&tm);
	return true;
}

/* Drops what a term added when it held no word (the buffer stays
 * NUL-terminated: a fuzz finding). */
static void truncate_to(struct sz_buf *b, size_t len)
{
	b->len = len;
	if (b->data != NULL)
		b->data[len] = 0;
}

/* Keeps a term for the forum's store too: its words (letters and digits,
 * one space between), NUL-terminated in q->words. */
static int keep_term(struct sz_query *q, const char *s, size_t len,
	bool prefix, bool minus, bool or)
{
	if (q->nterms >= SZ_QUERY_MAX_TERMS)
		return 0;
	size_t at = q->words.len;
	int words = 0;
	for (size_t i = 0; i < len;) {
		while (i < len && !word_byte((unsigned char)s[i]))
			i++;
		size_t st = i;
		while (i < len && word_byte((unsigned char)s[i]))
			i++;
		if (i > st && ((words++ && sz_buf_puts(&q->words, " ") != 0) ||
		    sz_buf_append(&q->words, s + st, i - st) != 0))
			return -1;
	}
	if (sz_buf_append(&q->words, "", 1) != 0)
		return -1;
	q->terms[q->nterms].at = at;
	q->terms[q->nterms].prefix = prefix;
	q->terms[q->nterms].negated = minus;
	q->terms[q->nterms].or_before = or && !minus;
	q->nterms++;
	return 0;
}

/* Appends one term (joined by OR or AND to what is there); a term without
 * words adds nothing.  Counts positive terms; -1 past the length limit. */
static int add_term(struct sz_query *q, struct sz_buf *b, bool or,
	const char *s, size_t len, bool prefix, bool minus, int *npos,
	bool *or_next)
{
	size_t mark = b->len;
	if (b->len && sz_buf_puts(b, or ? " OR " : " AND ") != 0)
		return -1;
	int w = phrase(b, s, len, prefix);
	if (w < 0)
		return -1;
	if (w == 0) {
		truncate_to(b, mark);
		return 0;
	}
	if (!minus) {
		(*npos)++;
		*or_next = false;
	}
	return keep_term(q, s, len, prefix, minus, or);
}

/* Letters (UTF-8 characters) in the last word of s[0..len). */
static size_t last_word_chars(const char *s, size_t len)
{
	size_t end = len, n = 0;
	while (end > 0 && !word_byte((unsigned char)s[end - 1]))
		end--;
	while (end > 0 && word_byte((unsigned char)s[end - 1])) {
		if (((unsigned char)s[end - 1] & 0xc0) != 0x80)
			n++;
		end--;
	}
	return n;
}

static int fail(struct sz_query *q, const char *msg)
{
	snprintf(q->error, sizeof(q->error), "%s", msg);
	return SZ_E_INVAL;
}

/* Keeps a note about how the text was read (at most SZ_QUERY_NOTES);
 * the term it is about is quoted, cut to a few words. */
__attribute__((format(printf, 4, 5)))
static void note(struct sz_query *q, const char *term, size_t len,
	const char *fmt, ...)
{
	if (q->nnotes == SZ_QUERY_NOTES)
		return;
	char *out = q->notes[q->nnotes++];
	if (len > 40) {
		len = 40;
		while (len > 0 && ((unsigned char)term[len] & 0xc0) == 0x80)
			len--;   /* not in the middle of a character */
	}
	int n = snprintf(out, SZ_QUERY_NOTE_MAX, "“%.*s%s” ", (int)len, term,
		len == 40 ? "…" : "");
	va_list ap;
	va_start(ap, fmt);
	if (n > 0 && n < SZ_QUERY_NOTE_MAX)
		vsnprintf(out + n, SZ_QUERY_NOTE_MAX - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Records where a term lies in the text. */
static void term_at(struct sz_query *q, size_t start, size_t len,
	enum sz_query_term_kind kind)
{
	if (q->nspans < SZ_QUERY_MAX_TERMS && start + len <= SZ_QUERY_MAX)
		q->spans[q->nspans++] = (struct sz_query_term){
			(uint16_t)start, (uint16_t)len, kind };
}

/* Whether s looks like a word meant as a filter's name ("form", not
 * "http" of a link). */
static bool filter_like(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 12 || strcasecmp(s, "http") == 0 ||
	    strcasecmp(s, "https") == 0 || strcasecmp(s, "mailto") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalpha((unsigned char)s[i]))
			return false;
	return true;
}

static const char filters_list[] = "from:, to:, type:, release:, after:, "
	"before: and date:";

/* from:/to: an address or a domain is one index term; a name is the
 * words of the sender or recipients column. */
static int person_filter(struct sz_query *q, struct sz_buf *f,
	const char *v, bool from)
{
	if (f->len && sz_buf_puts(f, " AND ") != 0)
		return fail(q, "The search is too long.");
	int e = sz_archive_address_term(v, from, f);
	if (e == 1) {
		e = sz_buf_puts(f, from ? "sender : " : "recipients : ");
		if (e == 0 && phrase(f, v, strlen(v), false) <= 0)
			return fail(q, from ? "from: takes a name or an address, as "
				"in from:anna or from:press@example.net." :
				"to: takes a name or an address, as in to:anna.");
	}
	return e ? fail(q, "The search is too long.") : 0;
}

/* The filters, and how each is written. */
static const struct {
	const char *name, *example;
} filters[] = {
	{ "from", "from:anna" }, { "to", "to:press@example.net" },
	{ "type", "type:pdf" }, { "release", "release:3" },
	{ "after", "after:2024-01" }, { "before", "before:2024-03-15" },
	{ "date", "date:2024-03" }, { "by", "by:anna" },
	{ "signed", "signed:dkim" }, { "verified", "verified:pgp" },
};

static bool known_filter(const char *name)
{
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		if (strcasecmp(name, filters[i].name) == 0)
			return true;
	return false;
}

static const char *filter_example(const char *name)
{
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		if (strcasecmp(name, filters[i].name) == 0)
			return filters[i].example;
	return "";
}

static const char *const types[] = { "pdf", "docx", "xlsx", "pptx", "odt",
	"ods", "odp", "jpeg", "png", "gif", "tiff", "webp", "mp3", "flac",
	"ogg", "text", "html", "email" };


int sz_query_parse(struct sz_query *q, const char *text, size_t len)
{
	struct sz_buf pos, neg;
	memset(q, 0, sizeof(*q));
	sz_buf_init(&q->match, 8 * SZ_QUERY_MAX);
	sz_buf_init(&q->words, 2 * SZ_QUERY_MAX + SZ_QUERY_MAX_TERMS);
	sz_buf_init(&pos, 8 * SZ_QUERY_MAX);
	sz_buf_init(&neg, 8 * SZ_QUERY_MAX);
	int rc = 0, terms = 0, npos = 0;
	bool or_next = false;   /* "a OR b": the next word is an alternative */
	bool not_next = false;  /* "NOT a": the next word is left out */
	if (len > SZ_QUERY_MAX) {
		rc = fail(q, "The search is too long: use at most 1000 characters.");
		goto out;
	}
	size_t i = 0;
	while (i < len && rc == 0) {
		while (i < len && isspace((unsigned char)text[i]))
			i++;
		if (i >= len)
			break;
		if (++terms > SZ_QUERY_MAX_TERMS) {
			rc = fail(q, "Too many terms: use at most 32 words or filters.");
			break;
		}
		size_t at = i;
		if (len - i >= 2 && memcmp(text + i, "OR", 2) == 0 &&
		    (len - i == 2 || isspace((unsigned char)text[i + 2]))) {
			term_at(q, at, 2, SZ_QTERM_OTHER);
			i += 2;
			size_t next = i;
			while (next < len && isspace((unsigned char)text[next]))
				next++;
			if (npos == 0 || next == len || or_next)
				note(q, "OR", 2, "needs a word on each side, as in "
					"invoice OR receipt; it was left out.");
			or_next = npos > 0 && next < len;
			continue;
		}
		if (len - i >= 3 && (memcmp(text + i, "AND", 3) == 0 ||
		    memcmp(text + i, "NOT", 3) == 0) &&
		    (len - i == 3 || isspace((unsigned char)text[i + 3]))) {
			not_next = text[i] == 'N';
			term_at(q, at, 3, SZ_QTERM_OTHER);
			note(q, text + i, 3, not_next ? "was read as a minus: the word "
				"after it is left out (write -draft)." :
				"was left out: every word must appear anyway.");
			i += 3;
			continue;
		}
		bool minus = text[i] == '-';
		if (minus)
			i++;
		minus = minus || not_next;
		not_next = false;
		struct sz_buf *b = minus ? &neg : &pos;
		if (i < len && text[i] == '"') {
			size_t st = ++i;
			while (i < len && text[i] != '"')
				i++;
			size_t end = i;
			if (i < len)
				i++;   /* an unclosed quote runs to the end */
			else
				note(q, text + st, end - st, "has no closing quote: the "
					"words to the end were looked for together.");
			term_at(q, at, i - at, SZ_QTERM_OTHER);
			size_t before = b->len;
			if (add_term(q, b, minus || or_next, text + st, end - st, false,
			    minus, &npos, &or_next) != 0)
				rc = fail(q, "The search is too long.");
			else if (b->len == before)
				note(q, text + at, i - at, "has no letters or digits, so "
					"it was left out.");
			continue;
		}
		size_t st = i;
		while (i < len && !isspace((unsigned char)text[i]))
			i++;
		char tok[SZ_QUERY_MAX + 1];
		memcpy(tok, text + st, i - st);
		tok[i - st] = 0;
		char *colon = strchr(tok, ':');
		if (!minus && colon != NULL && colon != tok) {
			*colon = 0;
			const char *f = tok, *v = colon + 1;
			int64_t s0, s1;
			if (known_filter(f) && v[0] == 0) {
				char msg[128];
				snprintf(msg, sizeof(msg), "%.12s: needs something after "
					"it, with no space, as in %.24s.", f, filter_example(f));
				rc = fail(q, msg);
				break;
			}
			if (known_filter(f))
				term_at(q, at, i - at, SZ_QTERM_FILTER);
			if (strcasecmp(f, "from") == 0) {
				snprintf(q->from, sizeof(q->from), "%s", v);
				continue;
			}
			if (strcasecmp(f, "to") == 0) {
				snprintf(q->to, sizeof(q->to), "%s", v);
				continue;
			}
			if (strcasecmp(f, "by") == 0) {
				/* a member of the forum: posts only */
				snprintf(q->by, sizeof(q->by), "%s", v);
				q->posts = true;
				continue;
			}
			if (strcasecmp(f, "release") == 0) {
				char *end;
				long long r = strtoll(v, &end, 10);
				if (*end || r <= 0) {
					rc = fail(q, "release: takes a release number, "
						"as in release:3.");
					break;
				}
				q->release = r;
				continue;
			}
			if (strcasecmp(f, "type") == 0 &&
			    strcasecmp(v, "post") == 0) {
				q->posts = true;   /* the discussion only */
				continue;
			}
			if (strcasecmp(f, "type") == 0) {
				bool ok = false;
				for (size_t k = 0; k < sizeof(types) / sizeof(types[0]); k++)
					ok = ok || strcasecmp(v, types[k]) == 0;
				if (!ok) {
					rc = fail(q, "type: takes a kind of document: pdf, "
						"docx, xlsx, pptx, odt, ods, odp, html, text, "
						"jpeg, png, mp3 or email; or post, for the "
						"discussion.");
					break;
				}
				snprintf(q->type, sizeof(q->type), "%s", v);
				for (char *p = q->type; *p; p++)
					*p = (char)tolower((unsigned char)*p);
				continue;
			}
			if (strcasecmp(f, "signed") == 0 || strcasecmp(f, "verified") == 0) {
				bool ver = strcasecmp(f, "verified") == 0;
				if (strcasecmp(v, "dkim") != 0 && strcasecmp(v, "pgp") != 0) {
					rc = fail(q, ver ? "verified: takes dkim or pgp, as in "
						"verified:pgp." : "signed: takes dkim or pgp, as in "
						"signed:dkim.");
					break;
				}
				snprintf(ver ? q->verified_kind : q->signed_kind,
					sizeof(q->signed_kind), "%s",
					strcasecmp(v, "dkim") == 0 ? "dkim" : "pgp");
				continue;
			}
			if (strcasecmp(f, "after") == 0 || strcasecmp(f, "before") == 0 ||
			    strcasecmp(f, "date") == 0) {
				if (!parse_date(v, &s0, &s1)) {
					rc = fail(q, "Dates are written 2024, 2024-03 or "
						"2024-03-31, as in after:2024-01 before:2024-03-15.");
					break;
				}
				if (strcasecmp(f, "after") == 0)
					q->after = s0;
				else if (strcasecmp(f, "before") == 0)
					q->before = s0;
				else {
					q->after = s0;
					q->before = s1;
				}
				continue;
			}
			if (filter_like(f))
				note(q, text + st, i - st, "was looked for as words: %s: "
					"is not a filter (the filters are %s).", f,
					filters_list);
			*colon = ':';   /* not a filter: search the words */
		} else if (minus && colon != NULL && colon != tok) {
			*colon = 0;
			if (known_filter(tok))
				note(q, text + at, i - at, "was read as words to leave "
					"out: a filter cannot be turned around with a "
					"minus.");
			*colon = ':';
		}
		size_t tl = strlen(tok);
		bool prefix = tl > 1 && tok[tl - 1] == '*';
		if (prefix && last_word_chars(tok, tl - 1) < SZ_QUERY_MIN_PREFIX) {
			rc = fail(q, "Give at least 3 letters before a *: a shorter "
				"beginning matches too many words. Write more of the word, "
				"or the whole word.");
			break;
		}
		size_t before = b->len;
		bool plain = !minus && !prefix && !or_next;
		if (add_term(q, b, minus || or_next, tok, prefix ? tl - 1 : tl, prefix,
		    minus, &npos, &or_next) != 0) {
			rc = fail(q, "The search is too long.");
		} else if (b->len == before) {
			note(q, text + at, i - at, "has no letters or digits, so it "
				"was left out.");
		} else {
			/* One word only, as typed, can be spelt otherwise. */
			bool one = plain && colon == NULL;
			for (size_t k = 0; one && k < tl; k++)
				one = word_byte((unsigned char)tok[k]);
			term_at(q, at, i - at, one ? SZ_QTERM_WORD : SZ_QTERM_OTHER);
		}
	}
	if (rc == 0 && q->after && q->before && q->after >= q->before)
		rc = fail(q, "The date range is empty: 'after' must come before "
			"'before'.");
	/* Filters are index terms too (columns sender and recipients, and
	 * the tags the archive indexes), so the index alone answers. */
	struct sz_buf f;
	sz_buf_init(&f, 64 * SZ_QUERY_MAX);
	int e = 0;
	if (rc == 0 && q->from[0])
		rc = person_filter(q, &f, q->from, true);
	if (rc == 0 && q->to[0])
		rc = person_filter(q, &f, q->to, false);
	if (rc == 0 && e == 0 && q->type[0])
		e = sz_buf_printf(&f, "%stags : \"zt%s\"", f.len ? " AND " : "",
			q->type);
	if (rc == 0 && e == 0 && q->signed_kind[0])
		e = sz_buf_printf(&f, "%stags : \"zs%s\"", f.len ? " AND " : "",
			q->signed_kind);
	if (rc == 0 && e == 0 && q->verified_kind[0])
		e = sz_buf_printf(&f, "%stags : \"zv%s\"", f.len ? " AND " : "",
			q->verified_kind);
	if (rc == 0 && e == 0 && q->release)
		e = sz_buf_printf(&f, "%stags : \"zr%lld\"", f.len ? " AND " : "",
			(long long)q->release);
	if (rc == 0 && e == 0 && (q->after || q->before)) {
		if (f.len)
			e = sz_buf_puts(&f, " AND ");
		if (e == 0)
			e = sz_archive_date_terms(q->after, q->before, &f);
	}
	if (rc == 0 && e != 0)
		rc = fail(q, "The search is too long.");
	if (rc == 0 && npos == 0 && f.len == 0 && neg.len > 0)
		rc = fail(q, "Add a word to look for: a search cannot consist of "
			"exclusions (-word) alone.");
	if (rc == 0 && npos == 0 && f.len == 0 && neg.len == 0 && !q->by[0])
		rc = fail(q, "There is nothing to look for in this search: type "
			"words, \"a phrase\", or a filter such as from:anna.");
	if (rc == 0 && (pos.len > 0 || f.len > 0)) {
		e = 0;
		if (pos.len > 0)
			e = sz_buf_printf(&q->match, "(%.*s)", (int)pos.len,
				(const char *)pos.data);
		if (e == 0 && f.len > 0)
			e = sz_buf_printf(&q->match, "%s%.*s", pos.len ? " AND " : "",
				(int)f.len, (const char *)f.data);
		if (e == 0 && neg.len > 0)
			e = sz_buf_printf(&q->match, " NOT (%.*s)", (int)neg.len,
				(const char *)neg.data);
		if (e != 0)
			rc = fail(q, "The search is too long.");
	}
	sz_buf_free(&f);
out:
	sz_buf_free(&pos);
	sz_buf_free(&neg);
	return rc;
}

void sz_query_free(struct sz_query *q)
{
	sz_buf_free(&q->match);
	sz_buf_free(&q->words);
}

size_t sz_query_to_forum(const struct sz_query *q,
	struct sz_forum_term terms[SZ_QUERY_MAX_TERMS])
{
	for (size_t i = 0; i < q->nterms; i++) {
		terms[i].words = (const char *)q->words.data + q->terms[i].at;
		terms[i].prefix = q->terms[i].prefix;
		terms[i].negated = q->terms[i].negated;
		terms[i].or_before = q->terms[i].or_before;
	}
	return q->nterms;
}

void sz_query_to_archive(const struct sz_query *q, bool drafts,
	struct sz_archive_query *aq)
{
	memset(aq, 0, sizeof(*aq));
	aq->match = q->match.len ? (const char *)q->match.data : NULL;
	aq->drafts = drafts;
}
