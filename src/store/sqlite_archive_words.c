/*
 * sqlite_archive_words.c - words of the index near one a reader typed,
 * for "did you mean": the index's own vocabulary (an fts5vocab table over
 * the FTS5 index, made per connection in temp), the typed word folded as
 * the index folds text (its own unicode61 tokenizer), and an edit
 * distance (Damerau's, on characters) bounded by the word's length.
 *
 * The cost is bounded whatever the archive's size: candidates are the
 * index's words that share the typed word's first two letters (or its
 * first two swapped), then, only if none is one edit away, its first
 * letter; at most SZ_ARCHIVE_NEAR_SCAN entries of each range are read.
 * So a word misspelt in its first letter is not corrected: the price of
 * never walking the whole vocabulary.
 *
 * Not here: deciding what to suggest (the caller checks a suggestion by
 * searching with it, which also keeps drafts' words out of sight).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_archive_internal.h"

#define CHARS_MAX SZ_ARCHIVE_WORD_MAX   /* characters of a word compared */

/* ---- the typed word, folded like the index ------------------------- */

static fts5_api *fts5_of(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
		sqlite3_step(st);
	}
	sqlite3_finalize(st);
	return api;
}

struct fold {
	char *out;
	size_t cap;
	int tokens;
};

static int on_token(void *ctx, int flags, const char *tok, int n, int start,
	int end)
{
	(void)flags, (void)start, (void)end;
	struct fold *f = ctx;
	if (f->tokens++ == 0 && n > 0 && (size_t)n < f->cap) {
		memcpy(f->out, tok, (size_t)n);
		f->out[n] = 0;
	}
	return SQLITE_OK;
}

/* The word as the index holds it (one token), into out; false if it is
 * not one token. */
static bool fold(sqlite3 *db, const char *word, char *out, size_t cap)
{
	/* The table's own tokenizer and arguments (see the migrations). */
	static const char *args[] = { "remove_diacritics", "2" };
	fts5_api *api = fts5_of(db);
	fts5_tokenizer tk;
	void *ctx = NULL;
	Fts5Tokenizer *t = NULL;
	struct fold f = { out, cap, 0 };
	out[0] = 0;
	if (api == NULL || api->xFindTokenizer(api, "unicode61", &ctx, &tk) !=
	    SQLITE_OK || tk.xCreate(ctx, args, 2, &t) != SQLITE_OK)
		return false;
	tk.xTokenize(t, &f, FTS5_TOKENIZE_QUERY, word, (int)strlen(word),
		on_token);
	tk.xDelete(t);
	return f.tokens == 1 && out[0] != 0;
}

/* ---- edit distance --------------------------------------------------- */

/* The characters (code points) of UTF-8 s, at most CHARS_MAX; -1 if it
 * has more. */
static int chars(const char *s, size_t len, uint32_t *c)
{
	int n = 0;
	for (size_t i = 0; i < len;) {
		unsigned char b = (unsigned char)s[i];
		size_t k = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
		if (n == CHARS_MAX || i + k > len)
			return -1;
		uint32_t v = k == 1 ? b : b & (0x3f >> (k - 1));
		for (size_t j = 1; j < k; j++)
			v = v << 6 | ((unsigned char)s[i + j] & 0x3f);
		c[n++] = v;
		i += k;
	}
	return n;
}

static unsigned min3(unsigned a, unsigned b, unsigned c)
{
	unsigned m = a < b ? a : b;
	return m < c ? m : c;
}

/* Damerau's distance (adjacent swaps count one) between a and b, or
 * limit + 1 once it must exceed limit. */
static unsigned distance(const uint32_t *a, int na, const uint32_t *b,
	int nb, unsigned limit)
{
	unsigned rows[3][CHARS_MAX + 1];
	unsigned *pp = rows[0], *p = rows[1], *c = rows[2];
	if ((unsigned)abs(na - nb) > limit)
		return limit + 1;
	for (int j = 0; j <= nb; j++)
		p[j] = (unsigned)j;
	for (int i = 1; i <= na; i++) {
		unsigned best = c[0] = (unsigned)i;
		for (int j = 1; j <= nb; j++) {
			unsigned cost = a[i - 1] != b[j - 1];
			c[j] = min3(p[j] + 1, c[j - 1] + 1, p[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < c[j])
				c[j] = pp[j - 2] + 1;
			if (c[j] < best)
				best = c[j];
		}
		if (best > limit)
			return limit + 1;
		unsigned *t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[nb];
}

/* ---- the vocabulary ------------------------------------------------ */

struct near {
	uint32_t w[CHARS_MAX];
	int nw;
	unsigned limit;
	const char *word;            /* folded */
	struct sz_near_word *out;
	size_t max, n;
	bool known;
};

static bool better(const struct sz_near_word *x, const struct sz_near_word *y)
{
	if (x->distance != y->distance)
		return x->distance < y->distance;
	if (x->docs != y->docs)
		return x->docs > y->docs;
	return strcmp(x->word, y->word) < 0;
}

/* Weighs one word of the index (docs: documents holding it). */
static void consider(struct near *nr, const char *term, size_t len,
	int64_t docs)
{
	uint32_t c[CHARS_MAX];
	if (len > SZ_ARCHIVE_WORD_MAX)
		return;
	if (strlen(nr->word) == len && memcmp(term, nr->word, len) == 0) {
		nr->known = true;
		return;
	}
	int nc = chars(term, len, c);
	if (nc < 2)
		return;
	unsigned d = distance(nr->w, nr->nw, c, nc, nr->limit);
	if (d > nr->limit)
		return;
	struct sz_near_word cand = { .distance = d, .docs = docs };
	memcpy(cand.word, term, len);
	for (size_t i = 0; i < nr->n; i++)
		if (strcmp(nr->out[i].word, cand.word) == 0) {
			if (docs > nr->out[i].docs)
				nr->out[i].docs = docs;
			return;
		}
	/* Insertion into the sorted list of the best max. */
	size_t at = nr->n;
	while (at > 0 && better(&cand, &nr->out[at - 1]))
		at--;
	if (at >= nr->max)
		return;
	size_t last = nr->n < nr->max ? nr->n : nr->max - 1;
	memmove(&nr->out[at + 1], &nr->out[at], (last - at) * sizeof(cand));
	nr->out[at] = cand;
	if (nr->n < nr->max)
		nr->n++;
}

/* Reads the index's words in [lo, lo + 1 at its last byte), at most
 * SZ_ARCHIVE_NEAR_SCAN entries; the tags column (filters' terms) is not
 * a reader's vocabulary. */
static int scan(sqlite3 *db, struct near *nr, const char *lo, size_t len,
	struct sz_err *err)
{
	char hi[16];
	if (len == 0 || len >= sizeof(hi) || (unsigned char)lo[len - 1] == 0xff)
		return 0;
	memcpy(hi, lo, len);
	hi[len - 1]++;
	sqlite3_stmt *st;
	int rc = sz_sqlite_prepare(db, "SELECT term, col, doc FROM"
		" temp.sz_fts_words WHERE term >= ? AND term < ? LIMIT ?", &st,
		err);
	if (rc != 0)
		return rc;
	sqlite3_bind_text(st, 1, lo, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hi, (int)len, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, SZ_ARCHIVE_NEAR_SCAN);
	int s;
	while ((s = sz_sqlite_step(st)) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(st, 1);
		if (col != NULL && strcmp(col, "tags") == 0)
			continue;
		consider(nr, (const char *)sqlite3_column_text(st, 0),
			(size_t)sqlite3_column_bytes(st, 0),
			sqlite3_column_int64(st, 2));
	}
	if (s != SQLITE_DONE)
		rc = sz_sqlite_error(db, err, "reading the index's words");
	sqlite3_finalize(st);
	return rc;
}

/* Whether the index holds the folded word itself (any column but tags). */
static int holds(sqlite3 *db, struct near *nr, struct sz_err *err)
{
	sqlite3_stmt *st;
	int rc = sz_sqlite_prepare(db, "SELECT 1 FROM temp.sz_fts_words WHERE"
		" term = ? AND col <> 'tags'", &st, err);
	if (rc != 0)
		return rc;
	sqlite3_bind_text(st, 1, nr->word, -1, SQLITE_STATIC);
	int s = sz_sqlite_step(st);
	if (s == SQLITE_ROW)
		nr->known = true;
	else if (s != SQLITE_DONE)
		rc = sz_sqlite_error(db, err, "reading the index's words");
	sqlite3_finalize(st);
	return rc;
}

/* Bytes of the first n characters of s. */
static size_t prefix_bytes(const char *s, int n)
{
	size_t i = 0;
	for (int k = 0; k < n && s[i]; k++) {
		i++;
		while ((s[i] & 0xc0) == 0x80)
			i++;
	}
	return i;
}

int sz_archive_sqlite_words_near(struct sz_archive *a, const char *word,
	struct sz_near_word *out, size_t max, size_t *n, bool *known,
	struct sz_err *err)
{
	struct near nr = { .out = out, .max = max };
	char folded[4 * CHARS_MAX + 1];
	*n = 0;
	*known = false;
	if (max == 0 || strlen(word) > SZ_ARCHIVE_WORD_MAX)
		return 0;
	/* A read connection of the pool, as searches use: a reader's
	 * suggestions never wait on an editor's import. */
	struct sz_archive_reader *r = sz_archive_read_begin(a, err);
	if (r == NULL)
		return SZ_E_LIMIT;
	sqlite3 *db = r->db;
	int rc = 0;
	if (!fold(db, word, folded, sizeof(folded)) ||
	    (nr.nw = chars(folded, strlen(folded), nr.w)) < 2)
		goto out;
	nr.word = folded;
	nr.limit = nr.nw <= SZ_ARCHIVE_NEAR_SHORT ? 1 : 2;
	if (r->writer)   /* readers have it from their start */
		rc = sz_sqlite_exec(db, SZ_ARCHIVE_WORDS_SQL, err,
			"reading the index's words");
	/* A word the index holds is no misspelling. */
	if (rc == 0)
		rc = holds(db, &nr, err);
	if (rc != 0 || nr.known)
		goto out;
	/* The first two letters, then the same swapped. */
	size_t one = prefix_bytes(folded, 1), two = prefix_bytes(folded, 2);
	char swapped[16];
	if (rc == 0)
		rc = scan(db, &nr, folded, two, err);
	if (rc == 0 && two < sizeof(swapped)) {
		memcpy(swapped, folded + one, two - one);
		memcpy(swapped + two - one, folded, one);
		rc = scan(db, &nr, swapped, two, err);
	}
	if (rc == 0 && (nr.n == 0 || nr.out[0].distance > 1))
		rc = scan(db, &nr, folded, one, err);
out:
	sz_archive_read_end(a, r);
	*n = rc == 0 ? nr.n : 0;
	*known = nr.known;
	return rc;
}
