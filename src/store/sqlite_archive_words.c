/*
 * sqlite_archive_words.c - words of the index near one a reader typed,
 * for "did you mean", SQLite's side: the index's own vocabulary (an
 * fts5vocab table over the FTS5 index, made per connection in temp) and
 * the typed word folded as the index folds text (its own unicode61
 * tokenizer).  How candidates are chosen and weighed (edit distance,
 * which ranges are read, at most SZ_ARCHIVE_NEAR_SCAN entries each) is
 * engine-neutral: near_words.c.
 *
 * Not here: deciding what to suggest (the caller checks a suggestion by
 * searching with it, which also keeps drafts' words out of sight).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/near_words.h"
#include "store/sqlite_archive_internal.h"

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

/* Reads the index's words in [lo, hi), at most SZ_ARCHIVE_NEAR_SCAN
 * entries; the tags column (filters' terms) is not a reader's
 * vocabulary. */
static int scan(void *ctx, struct sz_near *nr, const char *lo,
	const char *hi, size_t len, struct sz_err *err)
{
	sqlite3 *db = ctx;
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
		sz_near_consider(nr, (const char *)sqlite3_column_text(st, 0),
			(size_t)sqlite3_column_bytes(st, 0),
			sqlite3_column_int64(st, 2));
	}
	if (s != SQLITE_DONE)
		rc = sz_sqlite_error(db, err, "reading the index's words");
	sqlite3_finalize(st);
	return rc;
}

/* Whether the index holds the folded word itself (any column but tags). */
static int holds(void *ctx, const char *word, bool *known, struct sz_err *err)
{
	sqlite3 *db = ctx;
	sqlite3_stmt *st;
	int rc = sz_sqlite_prepare(db, "SELECT 1 FROM temp.sz_fts_words WHERE"
		" term = ? AND col <> 'tags'", &st, err);
	if (rc != 0)
		return rc;
	sqlite3_bind_text(st, 1, word, -1, SQLITE_STATIC);
	int s = sz_sqlite_step(st);
	if (s == SQLITE_ROW)
		*known = true;
	else if (s != SQLITE_DONE)
		rc = sz_sqlite_error(db, err, "reading the index's words");
	sqlite3_finalize(st);
	return rc;
}

int sz_archive_sqlite_words_near(struct sz_archive *a, const char *word,
	struct sz_near_word *out, size_t max, size_t *n, bool *known,
	struct sz_err *err)
{
	char folded[4 * SZ_ARCHIVE_WORD_MAX + 1];
	*n = 0;
	*known = false;
	if (max == 0 || strlen(word) > SZ_ARCHIVE_WORD_MAX)
		return 0;
	/* A read connection of the pool, as searches use: a reader's
	 * suggestions never wait on an editor's import. */
	struct sz_archive_reader *r = sz_archive_read_begin(a, err);
	if (r == NULL)
		return SZ_E_LIMIT;
	int rc = 0;
	if (!fold(r->db, word, folded, sizeof(folded)))
		goto out;
	if (r->writer)   /* readers have it from their start */
		rc = sz_sqlite_exec(r->db, SZ_ARCHIVE_WORDS_SQL, err,
			"reading the index's words");
	struct sz_near_source src = { holds, scan, r->db };
	if (rc == 0)
		rc = sz_near_words(folded, &src, out, max, n, known, err);
out:
	sz_archive_read_end(a, r);
	return rc;
}
