/*
 * query.c - the parser of a reader's search (see query.h): text in, a
 * structured search (store/search.h) out, with advice about what it could
 * not understand.  It writes no engine's syntax: each store back end
 * compiles the structure (FTS5, tsquery).  Every limit (bytes, terms) is
 * checked before anything is kept, and terms live in fixed arrays, so a
 * query allocates nothing.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "core/i18n.h"
#include "search/query.h"

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

/* Adds a term to the search; counts positive ones.  -1 when full. */
static int add_term(struct sz_query *q, const char *s, size_t len,
	bool prefix, bool minus, int *npos, bool *or_next)
{
	int added = sz_search_add(&q->search, s, len, prefix, minus, *or_next);
	if (added > 0 && !minus) {
		(*npos)++;
		*or_next = false;
	}
	return added < 0 ? -1 : 0;
}

/* Letters (UTF-8 characters) in the last word of s[0..len). */
static size_t last_word_chars(const char *s, size_t len)
{
	size_t end = len, n = 0;
	while (end > 0 && !sz_search_word_byte((unsigned char)s[end - 1]))
		end--;
	while (end > 0 && sz_search_word_byte((unsigned char)s[end - 1])) {
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

/* Keeps a note about how the text was read (at most SZ_QUERY_NOTES):
 * the term it is about, quoted and cut to a few words, then says (a
 * fixed sentence marked N_(), which a page translates: note_says). */
static void note(struct sz_query *q, const char *term, size_t len,
	const char *says)
{
	if (q->nnotes == SZ_QUERY_NOTES)
		return;
	size_t k = q->nnotes++;
	char *out = q->notes[k];
	if (len > 40) {
		len = 40;
		while (len > 0 && ((unsigned char)term[len] & 0xc0) == 0x80)
			len--;   /* not in the middle of a character */
	}
	int n = snprintf(out, SZ_QUERY_NOTE_MAX, "“%.*s%s” ", (int)len, term,
		len == 40 ? "…" : "");
	if (n > 0 && n < SZ_QUERY_NOTE_MAX) {
		q->note_says[k] = (uint16_t)n;
		snprintf(out + n, SZ_QUERY_NOTE_MAX - (size_t)n, "%s", says);
	}
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

/* from:/to: an address or a domain is a filter term of its own; a name
 * is looked for by its words, so it needs one. */
static int person_check(struct sz_query *q, const char *v, bool from)
{
	if (strchr(v, '@') != NULL || strchr(v, '.') != NULL)
		return 0;
	for (const char *p = v; *p; p++)
		if (sz_search_word_byte((unsigned char)*p))
			return 0;
	return fail(q, from ? N_("from: takes a name or an address, as in "
		"from:anna or from:press@example.net.") :
		N_("to: takes a name or an address, as in to:anna."));
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
	struct sz_search *s = &q->search;
	memset(q, 0, sizeof(*q));
	int rc = 0, terms = 0, npos = 0;
	bool or_next = false;   /* "a OR b": the next word is an alternative */
	bool not_next = false;  /* "NOT a": the next word is left out */
	if (len > SZ_QUERY_MAX) {
		return fail(q, N_("The search is too long: use at most 1000 "
			"characters."));
	}
	size_t i = 0;
	while (i < len && rc == 0) {
		while (i < len && isspace((unsigned char)text[i]))
			i++;
		if (i >= len)
			break;
		if (++terms > SZ_QUERY_MAX_TERMS) {
			rc = fail(q, N_("Too many terms: use at most 32 words or filters."));
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
				note(q, "OR", 2, N_("needs a word on each side, as in "
					"invoice OR receipt; it was left out."));
			or_next = npos > 0 && next < len;
			continue;
		}
		if (len - i >= 3 && (memcmp(text + i, "AND", 3) == 0 ||
		    memcmp(text + i, "NOT", 3) == 0) &&
		    (len - i == 3 || isspace((unsigned char)text[i + 3]))) {
			not_next = text[i] == 'N';
			term_at(q, at, 3, SZ_QTERM_OTHER);
			note(q, text + i, 3, not_next ? N_("was read as a minus: the "
				"word after it is left out (write -draft).") :
				N_("was left out: every word must appear anyway."));
			i += 3;
			continue;
		}
		bool minus = text[i] == '-';
		if (minus)
			i++;
		minus = minus || not_next;
		not_next = false;
		if (i < len && text[i] == '"') {
			size_t st = ++i;
			while (i < len && text[i] != '"')
				i++;
			size_t end = i;
			if (i < len)
				i++;   /* an unclosed quote runs to the end */
			else
				note(q, text + st, end - st, N_("has no closing quote: the "
					"words to the end were looked for together."));
			term_at(q, at, i - at, SZ_QTERM_OTHER);
			size_t before = s->nterms;
			if (add_term(q, text + st, end - st, false, minus, &npos,
			    &or_next) != 0)
				rc = fail(q, N_("The search is too long."));
			else if (s->nterms == before)
				note(q, text + at, i - at, N_("has no letters or digits, so "
					"it was left out."));
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
				snprintf(s->from, sizeof(s->from), "%s", v);
				continue;
			}
			if (strcasecmp(f, "to") == 0) {
				snprintf(s->to, sizeof(s->to), "%s", v);
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
					rc = fail(q, N_("release: takes a release number, "
						"as in release:3."));
					break;
				}
				s->release = r;
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
					rc = fail(q, N_("type: takes a kind of document: pdf, "
						"docx, xlsx, pptx, odt, ods, odp, html, text, "
						"jpeg, png, mp3 or email; or post, for the "
						"discussion."));
					break;
				}
				snprintf(s->type, sizeof(s->type), "%s", v);
				for (char *p = s->type; *p; p++)
					*p = (char)tolower((unsigned char)*p);
				continue;
			}
			if (strcasecmp(f, "signed") == 0 || strcasecmp(f, "verified") == 0) {
				bool ver = strcasecmp(f, "verified") == 0;
				if (strcasecmp(v, "dkim") != 0 && strcasecmp(v, "pgp") != 0) {
					rc = fail(q, ver ? N_("verified: takes dkim or pgp, as "
						"in verified:pgp.") : N_("signed: takes dkim or pgp, "
						"as in signed:dkim."));
					break;
				}
				snprintf(ver ? s->verified_kind : s->signed_kind,
					sizeof(s->signed_kind), "%s",
					strcasecmp(v, "dkim") == 0 ? "dkim" : "pgp");
				continue;
			}
			if (strcasecmp(f, "after") == 0 || strcasecmp(f, "before") == 0 ||
			    strcasecmp(f, "date") == 0) {
				if (!parse_date(v, &s0, &s1)) {
					rc = fail(q, N_("Dates are written 2024, 2024-03 or "
						"2024-03-31, as in after:2024-01 before:2024-03-15."));
					break;
				}
				if (strcasecmp(f, "after") == 0)
					s->after = s0;
				else if (strcasecmp(f, "before") == 0)
					s->before = s0;
				else {
					s->after = s0;
					s->before = s1;
				}
				continue;
			}
			if (filter_like(f))
				note(q, text + st, i - st, N_("was looked for as words: "
					"it is not a filter (the filters are from:, to:, type:, "
					"release:, after:, before: and date:)."));
			*colon = ':';   /* not a filter: search the words */
		} else if (minus && colon != NULL && colon != tok) {
			*colon = 0;
			if (known_filter(tok))
				note(q, text + at, i - at, N_("was read as words to leave "
					"out: a filter cannot be turned around with a "
					"minus."));
			*colon = ':';
		}
		size_t tl = strlen(tok);
		bool prefix = tl > 1 && tok[tl - 1] == '*';
		if (prefix && last_word_chars(tok, tl - 1) < SZ_QUERY_MIN_PREFIX) {
			rc = fail(q, N_("Give at least 3 letters before a *: a shorter "
				"beginning matches too many words. Write more of the word, "
				"or the whole word."));
			break;
		}
		size_t before = s->nterms;
		bool plain = !minus && !prefix && !or_next;
		if (add_term(q, tok, prefix ? tl - 1 : tl, prefix, minus, &npos,
		    &or_next) != 0) {
			rc = fail(q, N_("The search is too long."));
		} else if (s->nterms == before) {
			note(q, text + at, i - at, N_("has no letters or digits, so it "
				"was left out."));
		} else {
			/* One word only, as typed, can be spelt otherwise. */
			bool one = plain && colon == NULL;
			for (size_t k = 0; one && k < tl; k++)
				one = sz_search_word_byte((unsigned char)tok[k]);
			term_at(q, at, i - at, one ? SZ_QTERM_WORD : SZ_QTERM_OTHER);
		}
	}
	if (rc == 0 && s->after && s->before && s->after >= s->before)
		rc = fail(q, N_("The date range is empty: 'after' must come before "
			"'before'."));
	if (rc == 0 && s->from[0])
		rc = person_check(q, s->from, true);
	if (rc == 0 && s->to[0])
		rc = person_check(q, s->to, false);
	bool negs = s->nterms > (size_t)npos;
	if (rc == 0 && npos == 0 && !sz_search_filtered(s) && negs)
		rc = fail(q, N_("Add a word to look for: a search cannot consist of "
			"exclusions (-word) alone."));
	if (rc == 0 && npos == 0 && !sz_search_filtered(s) && !negs && !q->by[0])
		rc = fail(q, N_("There is nothing to look for in this search: type "
			"words, \"a phrase\", or a filter such as from:anna."));
	return rc;
}

void sz_query_free(struct sz_query *q)
{
	/* What a reader looked for is theirs: nothing of it outlives the
	 * request, not even in freed stack. */
	sodium_memzero(q, sizeof(*q));
}

bool sz_query_archive(const struct sz_query *q)
{
	return sz_search_positive(&q->search) || sz_search_filtered(&q->search);
}

size_t sz_query_to_forum(const struct sz_query *q,
	struct sz_forum_term terms[SZ_QUERY_MAX_TERMS])
{
	const struct sz_search *s = &q->search;
	for (size_t i = 0; i < s->nterms; i++) {
		terms[i].words = s->words + s->terms[i].at;
		terms[i].prefix = s->terms[i].prefix;
		terms[i].negated = s->terms[i].negated;
		terms[i].or_before = s->terms[i].or_before;
	}
	return s->nterms;
}

void sz_query_to_archive(const struct sz_query *q, bool drafts,
	struct sz_archive_query *aq)
{
	memset(aq, 0, sizeof(*aq));
	aq->search = sz_query_archive(q) ? &q->search : NULL;
	aq->drafts = drafts;
}
