/*
 * suggest.h - what to offer a reader whose search found nothing: the same
 * search spelt as the index spells its words ("did you mean"), and the
 * same search without one of its filters, each with how many results it
 * finds.  A suggestion is offered only once a search with it has found
 * something, with the same visibility as the reader's own: so none leads
 * nowhere, and words that only drafts hold never show on the public face.
 *
 * It speaks to the archive through its interface (words_near, search), so
 * it serves any back end.  What it costs is bounded: at most
 * SZ_SUGGEST_TRIES counting searches, and words_near's own bound per word.
 */
#ifndef SZ_SEARCH_SUGGEST_H
#define SZ_SEARCH_SUGGEST_H

#include <stddef.h>
#include <stdint.h>

#include "search/query.h"
#include "store/archive.h"

#define SZ_SUGGEST_MAX 6          /* suggestions offered */
#define SZ_SUGGEST_TRIES 8        /* counting searches run to check them */
#define SZ_SUGGEST_MIN_WORD 3     /* letters of a word worth respelling */

enum sz_suggestion_kind {
	SZ_SUGGEST_SPELLING,          /* query: the text, respelt */
	SZ_SUGGEST_DROP,              /* query: the text without `dropped` */
};

struct sz_suggestion {
	enum sz_suggestion_kind kind;
	char query[SZ_QUERY_MAX + 1]; /* the search to offer */
	char dropped[SZ_QUERY_MAX + 1];  /* the filter it leaves out */
	int64_t total;                /* what it finds */
	bool estimated;               /* total is an estimate (see
	                                 sz_search_result) */
};

/* Suggestions for text (parsed into q, which found nothing with base:
 * its visibility and limits are kept, its match replaced) into out, at
 * most max; *n says how many.  Never fails: what cannot be checked is
 * not offered. */
void sz_query_suggest(struct sz_archive *a, const char *text,
	const struct sz_query *q, const struct sz_archive_query *base,
	struct sz_suggestion *out, size_t max, size_t *n);

#endif
