/*
 * sqlite_forum_search.c - searching posts in the forum's SQLite back end:
 * a structured query (struct sz_forum_search) compiled here, and only
 * here, into an FTS5 expression.  Every word is quoted after being cut
 * down to letters and digits, so nothing a reader typed can change the
 * expression's shape; words match titles and bodies, an author is an
 * index term of the tags column ("zm" and the member's id).  Also the
 * forum's totals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "store/sqlite_forum_internal.h"

#define EXPR_MAX 16384

static bool word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		(c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* {title body} : "w1 w2" (*): 0 words appends nothing (returns 0). */
static int phrase(struct sz_buf *b, const char *s, bool prefix, int *words)
{
	size_t mark = b->len;
	int rc = 0;
	*words = 0;
	for (const char *p = s; rc == 0 && p && *p;) {
		while (*p && !word_byte((unsigned char)*p))
			p++;
		const char *st = p;
		while (*p && word_byte((unsigned char)*p))
			p++;
		if (p == st)
			continue;
		rc = sz_buf_puts(b, *words ? " " : "{title body} : \"");
		if (rc == 0)
			rc = sz_buf_append(b, st, (size_t)(p - st));
		(*words)++;
	}
	if (rc == 0 && *words)
		rc = sz_buf_puts(b, prefix ? "\" *" : "\"");
	if (rc != 0) {
		b->len = mark;
		if (b->data)
			b->data[mark] = '\0';
	}
	return rc;
}

static int compile(const struct sz_forum_search *q, struct sz_buf *out)
{
	struct sz_buf pos, neg;
	sz_buf_init(&pos, EXPR_MAX);
	sz_buf_init(&neg, EXPR_MAX);
	int rc = 0, w;
	for (size_t i = 0; rc == 0 && i < q->nterms; i++) {
		const struct sz_forum_term *t = &q->terms[i];
		struct sz_buf *b = t->negated ? &neg : &pos;
		size_t mark = b->len;
		if (b->len)
			rc = sz_buf_puts(b, t->negated || t->or_before ? " OR " :
				" AND ");
		if (rc == 0)
			rc = phrase(b, t->words, t->prefix, &w);
		if (rc == 0 && w == 0) {
			b->len = mark;
			if (b->data)
				b->data[mark] = '\0';
		}
	}
	if (rc == 0 && pos.len)
		rc = sz_buf_printf(out, "(%s)", (const char *)pos.data);
	if (rc == 0 && q->author_id > 0)
		rc = sz_buf_printf(out, "%stags : \"zm%lld\"", out->len ? " AND " :
			"", (long long)q->author_id);
	if (rc == 0 && out->len == 0)
		rc = SZ_E_INVAL;   /* nothing to look for */
	if (rc == 0 && neg.len)
		rc = sz_buf_printf(out, " NOT (%s)", (const char *)neg.data);
	sz_buf_free(&pos);
	sz_buf_free(&neg);
	return rc;
}

static const char SQL_COUNT[] =
	"SELECT count(*) FROM post_fts WHERE post_fts MATCH ?";
#define HIT_COLS "SELECT " FQ_POST_COLS ", snippet(post_fts, 1, char(2)," \
	" char(3), '…', 16) FROM post_fts JOIN posts p ON p.id = post_fts.rowid" \
	" JOIN threads t ON t.id = p.thread_id JOIN members m ON m.id = p.author_id" \
	" WHERE post_fts MATCH ?1"
static const char SQL_RANKED[] = HIT_COLS
	" ORDER BY post_fts.rank LIMIT ?2 OFFSET ?3";
static const char SQL_NEWEST[] = HIT_COLS
	" ORDER BY post_fts.rowid DESC LIMIT ?2 OFFSET ?3";

int fq_search(struct sz_forum *f, const struct sz_forum_search *q,
	size_t offset, size_t limit, struct sz_forum_hits *out,
	struct sz_err *err)
{
	memset(out, 0, sizeof(*out));
	if (limit > SZ_FORUM_PAGE_MAX)
		limit = SZ_FORUM_PAGE_MAX;
	struct sz_buf expr;
	sz_buf_init(&expr, 3 * EXPR_MAX);
	if (compile(q, &expr) != 0) {
		sz_buf_free(&expr);
		return sz_err_set(err, SZ_E_INVAL, "give a word to look for");
	}
	struct fq_conn *c = fq_reader(fq(f));
	sqlite3_stmt *st = fq_stmt(c, SQL_COUNT, err);
	int rc = st ? 0 : SZ_E_IO, r = SQLITE_DONE;
	if (rc == 0) {
		sqlite3_bind_text(st, 1, (const char *)expr.data, -1,
			SQLITE_STATIC);
		if ((r = sqlite3_step(st)) == SQLITE_ROW)
			out->total = sqlite3_column_int64(st, 0);
		else
			rc = sz_err_set(err, SZ_E_IO, "the search could not run: %s",
				sqlite3_errmsg(c->db));
		sqlite3_reset(st);
	}
	out->ranked = out->total <= SZ_FORUM_RANK_MAX;
	if (rc == 0 && (st = fq_stmt(c, out->ranked ? SQL_RANKED : SQL_NEWEST,
	    err)) == NULL)
		rc = SZ_E_IO;
	if (rc == 0) {
		sqlite3_bind_text(st, 1, (const char *)expr.data, -1,
			SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, (int64_t)limit);
		sqlite3_bind_int64(st, 3, (int64_t)offset);
	}
	while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
		struct sz_forum_post *p = fq_grow((void **)&out->rows, &out->n,
			sizeof(*out->rows), limit);
		if (p == NULL || fq_post_read(st, p, true) != 0 ||
		    (p->text = fq_dup(st, FQ_POST_NCOLS)) == NULL)
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	if (rc == 0 && r != SQLITE_DONE)
		rc = sz_err_set(err, SZ_E_IO, "the search could not run: %s",
			sqlite3_errmsg(c->db));
	fq_reader_done(fq(f), c);
	sz_buf_free(&expr);
	if (rc != 0)
		sz_forum_hits_free(out);
	return rc;
}

static void totals_read(sqlite3_stmt *st, void *out)
{
	struct sz_forum_totals *t = out;
	t->members = sqlite3_column_int64(st, 0);
	t->threads = sqlite3_column_int64(st, 1);
	t->posts = sqlite3_column_int64(st, 2);
}

static const char SQL_TOTALS[] =
	"SELECT members, threads, posts FROM totals WHERE id = 1";

int fq_totals(struct sz_forum *f, struct sz_forum_totals *t,
	struct sz_err *err)
{
	memset(t, 0, sizeof(*t));
	return fq_read_one(fq(f), SQL_TOTALS, NULL, 0, totals_read, t,
		"the forum has no totals", err);
}
