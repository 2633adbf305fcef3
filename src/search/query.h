/*
 * query.h - a reader's search parsed into a structured search
 * (store/search.h: terms, phrases, prefixes, exclusions, OR, filters),
 * which each store back end compiles for its engine (FTS5, tsquery).
 * User text never reaches an engine as it is: words are cut down to
 * letters and digits, so no operator, quote or column name a reader types
 * can change the query's shape or make it fail.  What cannot be
 * understood gets a message that says how to write it, never an error
 * page.
 *
 *   words            all must appear (any order)
 *   "a phrase"       the words together, in order
 *   -word, -"a b"    must not appear
 *   pref*            any word starting with pref (3 letters at least)
 *   a OR b           either (AND binds tighter: a b OR c is (a b) OR c)
 *   from:x to:x      sender / recipient: an address or a domain exactly
 *                    (from:ministry.example), a name by its words
 *   release:N        release number N
 *   type:pdf         document type (pdf, docx, ..., email)
 *   after:2024-01-31 before:2024-03  e-mail date range (day, month or year)
 *   type:post        the discussion's posts only, not the archive
 *   by:NAME          posts by that member of the forum (posts only)
 *   signed:dkim signed:pgp      e-mails carrying such a signature (whether
 *                    it verified, failed or could not be checked)
 *   verified:dkim verified:pgp  e-mails whose signature verified
 *
 * Besides an error for what cannot be searched at all, the parser notes
 * what it could not understand but worked around (a quote left open, a
 * word with no letters, "form:" that is no filter), so the reader is
 * told how it was read; and it says where each term lies in the text, so
 * a page can offer the same search without one filter, or with a word
 * spelt as the index spells it (suggest.c).
 */
#ifndef SZ_SEARCH_QUERY_H
#define SZ_SEARCH_QUERY_H

#include <stdint.h>

#include "core/buf.h"
#include "store/archive.h"
#include "store/search.h"
#include "store/forum.h"

#define SZ_QUERY_MAX SZ_SEARCH_TEXT_MAX        /* bytes of query text */
#define SZ_QUERY_MAX_TERMS SZ_SEARCH_MAX_TERMS
/* Letters before a '*': "a*" would make the index merge every word that
 * starts with a (32 of them cost 2 s a query). */
#define SZ_QUERY_MIN_PREFIX 3

#define SZ_QUERY_NOTES 4          /* notes kept about one query */
#define SZ_QUERY_NOTE_MAX 240

enum sz_query_term_kind {
	SZ_QTERM_WORD,                /* a bare word, to look for */
	SZ_QTERM_FILTER,              /* from:, type:, release:, ... */
	SZ_QTERM_OTHER,               /* a phrase, prefix, exclusion, OR */
};

/* Where a term lies in the text parsed: text[start, start + len). */
struct sz_query_term {
	uint16_t start, len;
	enum sz_query_term_kind kind;
};

struct sz_query {
	struct sz_search search;      /* what the stores compile */
	char by[SZ_FORUM_NAME_MAX + 1];   /* by:NAME */
	bool posts;                   /* type:post or by:: posts only */
	char error[240];              /* set when parsing fails: a sentence
	                                 marked N_() (core/i18n.h), which
	                                 a page translates as it is */
	/* where each term lies in the text, for suggestions (suggest.c) */
	struct sz_query_term spans[SZ_QUERY_MAX_TERMS];
	size_t nspans;
	char notes[SZ_QUERY_NOTES][SZ_QUERY_NOTE_MAX];  /* how it was read */
	/* where each note's sentence starts (after the quoted term): a
	 * sentence marked N_(), for a page to translate */
	uint16_t note_says[SZ_QUERY_NOTES];
	size_t nnotes;
};

/* Parses text; 0, or SZ_E_INVAL with q->error saying what to change.
 * Allocates nothing; sz_query_free wipes q once it is used. */
int sz_query_parse(struct sz_query *q, const char *text, size_t len);
void sz_query_free(struct sz_query *q);
/* Whether the archive has anything to look for (a word or a filter; a
 * by: search looks at posts only). */
bool sz_query_archive(const struct sz_query *q);
/* The terms as the forum's store searches them (pointing into q, valid
 * while q lives); returns how many. */
size_t sz_query_to_forum(const struct sz_query *q,
	struct sz_forum_term terms[SZ_QUERY_MAX_TERMS]);
/* Fills an archive query that points into q (valid while q lives);
 * its search is NULL when the archive has nothing to look for. */
void sz_query_to_archive(const struct sz_query *q, bool drafts,
	struct sz_archive_query *aq);

#endif
