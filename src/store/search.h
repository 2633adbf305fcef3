/*
 * search.h - a reader's search as plain data: what crosses the store
 * interface, and what each back end compiles into its own engine's
 * language, FTS5 for SQLite (search_fts5.c) and a tsquery for
 * PostgreSQL (search_tsquery.c); search.c builds one.  The search translator (search/query.c)
 * fills one from a reader's text; nothing here reads text, and no
 * engine's syntax ever leaves the back end that compiles it.
 *
 * The shape is flat on purpose, so its depth is bounded by construction:
 * terms joined by AND, where a term with or_before is an alternative to
 * what precedes it (AND binds tighter: "a b OR c" is (a AND b) OR c);
 * negated terms are left out together (NOT (n1 OR n2 ...)); the filters
 * are AND-ed with it all.  A term is one word or a phrase (its words in
 * order), optionally ending in a prefix.  Words are letters and digits
 * only (bytes >= 0x80 count as letters), so no operator, quote or column
 * name a reader types reaches an engine.
 *
 * Also the markers around matched words in the snippets a store returns:
 * text, never HTML; the web layer escapes it and turns the markers into
 * <mark> (web/html.h, sz_html_snippet).
 */
#ifndef SZ_STORE_SEARCH_H
#define SZ_STORE_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define SZ_SEARCH_TEXT_MAX 1000        /* bytes of a reader's search */
#define SZ_SEARCH_MAX_TERMS 32         /* words, phrases and filters */
/* Every term's words (never longer than the text) and their NULs. */
#define SZ_SEARCH_WORDS_MAX (SZ_SEARCH_TEXT_MAX + SZ_SEARCH_MAX_TERMS)
#define SZ_SEARCH_VALUE_MAX 256        /* bytes of a from:/to: value */

/* Around the matched words of a snippet.  Control characters, because
 * stored text never holds any (documents are cleaned when added, posts
 * when written), so a marker cannot be forged by what a document says. */
#define SZ_SEARCH_MARK_START '\x02'
#define SZ_SEARCH_MARK_END '\x03'
/* Bytes of a snippet a store returns: an engine's snippet is a few words,
 * but one "word" of a hostile document can be megabytes long. */
#define SZ_SEARCH_SNIPPET_MAX 4096

/* A copy of an engine's snippet (NULL: ""), cut to SZ_SEARCH_SNIPPET_MAX
 * bytes on a character boundary, ending in "…" when cut; the caller
 * frees it.  NULL when out of memory. */
char *sz_search_snippet_dup(const char *s);
/* Joins, in place, the markers of words a phrase of s matched one after
 * the other ("\x02double\x03 \x02payment\x03" for "double payment" in
 * quotes becomes "\x02double payment\x03"), as FTS5 marks a phrase,
 * for an engine that marks each word (PostgreSQL's ts_headline); words
 * that merely stand side by side keep a marker each, on both engines.
 * Words compare without regard to ASCII case. */
struct sz_search;
void sz_search_snippet_phrases(char *snippet, const struct sz_search *s);

struct sz_search_term {
	uint16_t at;          /* its words: words + at, NUL-terminated, one
	                         space between two; several make a phrase */
	bool prefix;          /* the last word is a beginning (pref*) */
	bool negated;         /* must not appear */
	bool or_before;       /* an alternative to the terms before it */
};

struct sz_search {
	struct sz_search_term terms[SZ_SEARCH_MAX_TERMS];
	size_t nterms;
	char words[SZ_SEARCH_WORDS_MAX];
	size_t words_len;
	/* Filters of the archive; empty or 0 when absent. */
	char from[SZ_SEARCH_VALUE_MAX], to[SZ_SEARCH_VALUE_MAX];  /* an
	                         address, a domain, or a name, as typed */
	char type[16];        /* a document type, lower case */
	int64_t release;
	int64_t after, before;   /* seconds, day-aligned: [after, before) */
	char signed_kind[8], verified_kind[8];   /* "dkim", "pgp" */
};

/* Appends a term to s: the words of text[0, len) (letters and digits,
 * split at anything else); 0 and nothing added when it holds no word,
 * 1 when added, -1 when s is full (SZ_SEARCH_MAX_TERMS). */
int sz_search_add(struct sz_search *s, const char *text, size_t len,
	bool prefix, bool negated, bool or_before);
/* Whether s has a filter of the archive. */
bool sz_search_filtered(const struct sz_search *s);
/* Whether s has a term that must appear (not negated). */
bool sz_search_positive(const struct sz_search *s);
/* Whether c is part of a word (letters, digits, any byte >= 0x80). */
bool sz_search_word_byte(unsigned char c);

/* How an engine writes a search, for the shared writers below: the
 * operators between terms, one term (its words as in sz_search_term), and
 * the shape of "any of these dates" around tags terms. */
struct sz_search_syntax {
	const char *and, *or;
	int (*phrase)(struct sz_buf *out, const char *words, bool prefix);
	const char *dates_open, *dates_or, *dates_close;
};
/* Appends s's terms, the negated ones or the others, joined (AND, or OR
 * before an alternative; OR between negated ones). */
int sz_search_join_terms(const struct sz_search *s, bool negated,
	const struct sz_search_syntax *syn, struct sz_buf *out);
/* Appends s's date range as its tags terms (sz_archive_date_terms). */
int sz_search_join_dates(const struct sz_search *s,
	const struct sz_search_syntax *syn, struct sz_buf *out);

/*
 * FTS5 (search_fts5.c).  The archive's table has the columns title, body,
 * sender, recipients and tags; filters are terms of tags (sz_archive_tags).
 * Appends to out: "(terms) AND filters NOT (exclusions)", nothing when s
 * has neither a positive term nor a filter.  SZ_E_LIMIT past out's cap.
 */
int sz_search_fts5(const struct sz_search *s, struct sz_buf *out);

/*
 * PostgreSQL (search_tsquery.c): to_tsquery text, given to the database
 * as a bind parameter, never pasted into SQL.  A document is two
 * tsvectors: its words (title weighted A, body B, sender C, recipients D)
 * and its tags (sz_archive_tags), both made with SZ_TSQUERY_CONFIG.
 * words gets "(terms) & !(exclusions)", with from:/to: names limited to
 * weights C and D; tags gets the filters AND-ed.  Either may be empty,
 * when that side has nothing to check (the SQL then skips it:
 * SZ_TSQUERY_WHERE).  Both empty: nothing to look for.  A search of
 * exclusions alone gives "!(...)", which PostgreSQL answers (all but
 * those); whether that is a search is the caller's to decide.
 */
struct sz_tsquery {
	struct sz_buf words, tags;
};
/* The text search configuration, one name whatever the server has:
 * simple (no stemming, no stop words: the archive is in many languages)
 * with unaccent in front, as FTS5's remove_diacritics folds (made by
 * SZ_TSQUERY_CONFIG_SQL after CREATE EXTENSION unaccent, which a database
 * owner may run: the extension is trusted); simple alone where the
 * extension is missing (SZ_TSQUERY_CONFIG_PLAIN_SQL). */
#define SZ_TSQUERY_CONFIG "samizdat_simple"
#define SZ_TSQUERY_CONFIG_PLAIN_SQL \
	"CREATE TEXT SEARCH CONFIGURATION samizdat_simple (COPY = simple);"
#define SZ_TSQUERY_CONFIG_SQL SZ_TSQUERY_CONFIG_PLAIN_SQL \
	" ALTER TEXT SEARCH CONFIGURATION samizdat_simple ALTER MAPPING FOR" \
	" asciiword, asciihword, hword_asciipart, word, hword, hword_part" \
	" WITH unaccent, simple;"
/* The condition on a table with tsvector columns words and tags, $1 the
 * words query and $2 the tags query (config being SZ_TSQUERY_CONFIG). */
#define SZ_TSQUERY_WHERE(config) \
	"($1 = '' OR words @@ to_tsquery('" config "', $1))" \
	" AND ($2 = '' OR tags @@ to_tsquery('" config "', $2))"

/* A column's text as its tsvector should read it, appended to out: every
 * run of bytes that are not word bytes (sz_search_word_byte) becomes one
 * space.  PostgreSQL's parser then splits words where the reader's words
 * were split, as FTS5's does, instead of keeping e-mail addresses, hosts
 * and URLs whole (tokens no reader's word could match). */
int sz_search_tsvector_text(struct sz_buf *out, const char *text, size_t len);
/* Fills q (sz_tsquery_free releases it, also after a failure). */
int sz_search_tsquery(const struct sz_search *s, struct sz_tsquery *q);
void sz_tsquery_free(struct sz_tsquery *q);
/* One term as tsquery phrase: 'w1' <-> 'w2' (':*' ending a prefix; weight
 * letters such as "CD" after each word when weights is not ""). */
int sz_search_tsquery_phrase(struct sz_buf *out, const char *words,
	bool prefix, const char *weights);

#endif
