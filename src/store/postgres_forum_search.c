/*
 * postgres_forum_search.c - searching posts in the forum's PostgreSQL
 * back end: a structured query (struct sz_forum_search) compiled here,
 * and only here, into tsquery text that travels as a parameter of
 * to_tsquery('simple', ...).  Every word is cut down to letters and
 * digits and quoted, so nothing a reader typed can change the query's
 * shape: words of a term follow each other (<->), a prefix term's last
 * word ends in :*, terms are AND unless or_before, negated terms are
 * excluded together.  Readers see visible posts of visible threads only;
 * an author is a filter.  Snippets come from ts_headline with the
 * SZ_FORUM_MARK_START/END markers.  Also the forum's totals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/forum_backend.h"
#include "store/postgres_forum_internal.h"

#define EXPR_MAX 16384

/* tsquery: each word quoted, the words of a phrase in a row (<->); :*
 * makes the last word a prefix. */
static const struct sz_forum_syntax tsquery = {
	.open = "('", .between = "' <-> '", .close = "')",
	.close_prefix = "':*)", .and_ = " & ", .or_ = " | ",
};

static int compile(const struct sz_forum_search *q, struct sz_buf *out)
{
	struct sz_buf pos, neg;
	sz_buf_init(&pos, EXPR_MAX);
	sz_buf_init(&neg, EXPR_MAX);
	int rc = sz_forum_terms(q, &tsquery, &pos, &neg);
	if (rc == 0 && pos.len)
		rc = sz_buf_printf(out, "(%s)", (const char *)pos.data);
	if (rc == 0 && out->len == 0 && q->author_id == 0)
		rc = SZ_E_INVAL;   /* nothing to look for */
	if (rc == 0 && neg.len)
		rc = sz_buf_printf(out, "%s!(%s)", out->len ? " & " : "",
			(const char *)neg.data);
	sz_buf_free(&pos);
	sz_buf_free(&neg);
	return rc;
}

/* $1: the tsquery text ('' for an author's posts alone), $2: the author
 * or 0. */
#define HITS_WHERE " WHERE p.state = 0 AND t.state = 0" \
	" AND ($1::text = '' OR p.words @@ to_tsquery('simple', $1::text))" \
	" AND ($2::bigint = 0 OR p.author_id = $2::bigint)"
static const char SQL_COUNT[] =
	"SELECT count(*) FROM posts p JOIN threads t ON t.id = p.thread_id"
	HITS_WHERE;
#define HIT_COLS "SELECT " FP_POST_COLS ", CASE WHEN $1::text = '' THEN" \
	" left(p.text, 200) ELSE ts_headline('simple', p.text," \
	" to_tsquery('simple', $1::text), $5::text) END" FP_POST_FROM HITS_WHERE
static const char SQL_RANKED[] = HIT_COLS
	" ORDER BY ts_rank(p.words, to_tsquery('simple', $1::text)) DESC, p.id"
	" DESC LIMIT $3::bigint OFFSET $4::bigint";
static const char SQL_NEWEST[] = HIT_COLS
	" ORDER BY p.id DESC LIMIT $3::bigint OFFSET $4::bigint";

/* ts_headline's options: the markers, and about as many words as the
 * SQLite back end's snippets show. */
static const char HEADLINE[] = "StartSel=\x02, StopSel=\x03, MaxWords=16,"
	" MinWords=6, ShortWord=0, MaxFragments=1, FragmentDelimiter=…";

int fp_search(struct sz_forum *f, const struct sz_forum_search *q,
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
	int rc;
	const char *text = expr.data ? (const char *)expr.data : "";
	struct pg_value v[] = { PG_S(text), PG_I(q->author_id), PG_I(limit),
		PG_I(offset), PG_S(HEADLINE) };
	PGresult *res = pg_read(fpool(f), SQL_COUNT, v, 2, &rc, "searching", err);
	if (res != NULL) {
		out->total = PQntuples(res) > 0 ? pg_int(res, 0, 0) : 0;
		PQclear(res);
		out->ranked = out->total <= SZ_FORUM_RANK_MAX;
		res = pg_read(fpool(f), out->ranked ? SQL_RANKED : SQL_NEWEST, v, 5,
			&rc, "searching", err);
	}
	for (int i = 0; res != NULL && rc == 0 && i < PQntuples(res); i++) {
		struct sz_forum_post *p = sz_forum_grow((void **)&out->rows, &out->n,
			sizeof(*out->rows), limit);
		if (p == NULL || fp_post_read(res, i, p, true) != 0 ||
		    (p->text = pg_dup(res, i, FP_POST_NCOLS)) == NULL)
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	PQclear(res);
	sz_buf_free(&expr);
	if (rc != 0)
		sz_forum_hits_free(out);
	return rc;
}

static const char SQL_TOTALS[] =
	"SELECT coalesce(sum(members), 0), coalesce(sum(threads), 0),"
	" coalesce(sum(posts), 0) FROM tallies WHERE board_id = 0";

int fp_totals(struct sz_forum *f, struct sz_forum_totals *t,
	struct sz_err *err)
{
	int rc;
	memset(t, 0, sizeof(*t));
	PGresult *res = pg_read(fpool(f), SQL_TOTALS, NULL, 0, &rc,
		"reading its totals", err);
	if (res == NULL)
		return rc;
	if (PQntuples(res) > 0) {
		t->members = pg_int(res, 0, 0);
		t->threads = pg_int(res, 0, 1);
		t->posts = pg_int(res, 0, 2);
	} else {
		rc = sz_err_set(err, SZ_E_IO, "the forum has no totals");
	}
	PQclear(res);
	return rc;
}
