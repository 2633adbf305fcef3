/*
 * near_words.h - words of an index near one a reader typed, for "did you
 * mean", weighed the same way by every archive back end: an edit distance
 * (Damerau's, on characters) bounded by the word's length, the best
 * candidates kept, and which ranges of the vocabulary are read, so the
 * cost is bounded whatever the archive's size: the words that share the
 * typed word's first two letters (or those two swapped), then, only if
 * none is one edit away, its first letter.  So a word misspelt in its
 * first letter is not corrected: the price of never walking the whole
 * vocabulary.  The back end folds the typed word as its index folds text
 * and reads its vocabulary (struct sz_near_source); nothing here reads an
 * index.
 */
#ifndef SZ_STORE_NEAR_WORDS_H
#define SZ_STORE_NEAR_WORDS_H

#include "store/archive.h"

/* The words weighed for one typed word. */
struct sz_near {
	uint32_t w[SZ_ARCHIVE_WORD_MAX];   /* the typed word's characters */
	int nw;
	unsigned limit;                    /* edits allowed */
	const char *word;                  /* folded */
	struct sz_near_word *out;          /* the best, best first */
	size_t max, n;
	bool known;                        /* the index holds it */
};

/* A back end's vocabulary. */
struct sz_near_source {
	/* Sets *known when the index holds word itself (as a reader's word,
	 * not a filter's term). */
	int (*holds)(void *ctx, const char *word, bool *known,
		struct sz_err *err);
	/* Calls sz_near_consider for the index's words in [lo, hi) (len
	 * bytes each), at most SZ_ARCHIVE_NEAR_SCAN of them, filters' terms
	 * left out. */
	int (*scan)(void *ctx, struct sz_near *nr, const char *lo,
		const char *hi, size_t len, struct sz_err *err);
	void *ctx;
};

/* The words_near operation (archive.h) on a folded word. */
int sz_near_words(const char *folded, const struct sz_near_source *src,
	struct sz_near_word *out, size_t max, size_t *n, bool *known,
	struct sz_err *err);
/* Weighs one word of the index (docs: documents holding it). */
void sz_near_consider(struct sz_near *nr, const char *term, size_t len,
	int64_t docs);

#endif
