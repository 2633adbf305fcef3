/*
 * postgres_archive_search.c - searching the archive's PostgreSQL back
 * end: the structured query compiled to tsquery texts (search_tsquery.c),
 * given as parameters, never pasted into SQL; a count (exact up to
 * PA_COUNT_EXACT matches, then the planner's estimate, said as such), a
 * page ranked by ts_rank among bounded candidates with the title
 * weighing most (newest first past SZ_ARCHIVE_RANK_MAX matches) or
 * ordered by date; snippets by
 * ts_headline between the markers of store/search.h (text, never HTML);
 * facets by release, type and month up to SZ_ARCHIVE_FACET_MAX matches.
 * Each search is one snapshot under statement_timeout (the query's time
 * budget), at most PA_SEARCHES at once: an expensive search is cut off
 * with the same advice as SQLite's.  Also "did you mean": the typed word
 * folded by the index's own configuration, and the vocab table's words.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "store/near_words.h"
#include "store/postgres_archive_internal.h"

#define CFG "'" SZ_TSQUERY_CONFIG "'"
/* $1 the words query, $2 the tags query, $3 the tags of the releases
 * left out (the drafts, "zr2 | zr7"; '' for none): each index row
 * carries its release's tag, so the matches are found in fts alone, a
 * count reads no other table, and the GIN indexes find the rows
 * (search_tx turns sequential scans off: the planner does not see
 * that a tsvector match on a sequential scan unpacks every row's
 * words, and chose it for common words). */
#define HITS_FROM " FROM fts f JOIN documents d ON d.id = f.doc_id" \
	" JOIN releases r ON r.id = d.release_id"
#define HITS_WHERE " WHERE" \
	" ($1::text = '' OR f.words @@ to_tsquery(" CFG ", $1::text))" \
	" AND ($2::text = '' OR f.tags @@ to_tsquery(" CFG ", $2::text))" \
	" AND ($3::text = '' OR NOT f.tags @@ to_tsquery(" CFG ", $3::text))"
/* A count visits each match's row (PostgreSQL reads the table for every
 * match a GIN index finds: 200 ms for 18,000 matches at 100,000
 * e-mails, ten times that at a million), so matches are counted up to
 * PA_COUNT_EXACT ($4: one more); past that the total is the planner's
 * estimate from the index's statistics, rounded, and says so. */
#define PA_COUNT_EXACT SZ_ARCHIVE_FACET_MAX
/* Where the planner expects more matches than PA_EXACT_MAX, they are not
 * counted at all: the GIN indexes give each word's documents at once, as
 * a bitmap (40 ms for a word half of a million e-mails hold). */
#define PA_EXACT_MAX SZ_ARCHIVE_RANK_MAX
static const char SQL_MATCHES[] = "SELECT f.doc_id FROM fts f" HITS_WHERE
	" LIMIT $4::bigint";
/* Counted exactly, the matches are known by their ids ($8), so the page
 * and the facets read those rows and never match the query again (a
 * phrase is checked against each candidate row's words: three times
 * per search before).  $2 and $3 stay in the statement only to keep
 * their types: the statements share one list of values. */
#define IDS_WHERE " WHERE f.doc_id = ANY($8::bigint[]) AND $2::text IS NOT" \
	" NULL AND $3::text IS NOT NULL"
static const char SQL_ESTIMATE[] = "EXPLAIN (FORMAT JSON) SELECT FROM fts f"
	HITS_WHERE;
static const char SQL_LEFT_OUT[] = "SELECT coalesce(string_agg('zr' || id,"
	" ' | '), '') FROM releases WHERE state = 0";

/* ts_rank's weights, {D, C, B, A}: recipients, sender, body, title, as
 * the SQLite back end's bm25 weighs its columns (2, 3, 1, 10). */
#define RANK "ts_rank('{0.2, 0.3, 0.1, 1.0}', f.words," \
	" to_tsquery(" CFG ", $1::text))"
#define DATE_KEY "coalesce(nullif(e.date, 0), extract(epoch FROM" \
	" to_date(r.day, 'YYYY-MM-DD'))::bigint)"
/* ts_headline's options: the markers, and about as many words as the
 * SQLite back end's snippets. */
_Static_assert(SZ_SEARCH_MARK_START == '\x02' && SZ_SEARCH_MARK_END == '\x03',
	"HEADLINE marks matches with \\x02 and \\x03");
static const char HEADLINE[] = "StartSel=\x02, StopSel=\x03, MaxWords=24,"
	" MinWords=8, ShortWord=0, MaxFragments=1, FragmentDelimiter=…";
#define PA_TEXT_MAX_S "262144"
_Static_assert(PA_INDEX_TEXT_MAX == 262144, "PA_TEXT_MAX_S");
/* The page picked by its key first (the headline only for its rows). */
#define PAGE(key, dir, from) "SELECT " PA_DOC_COLS ", CASE WHEN $1::text" \
	" = '' THEN left(h.body, 200) ELSE ts_headline(" CFG ", left(h.body, " \
	PA_TEXT_MAX_S "), to_tsquery(" CFG ", $1::text), $6::text) END" \
	" FROM (SELECT f.doc_id, f.body, " key " AS k" from \
	HITS_WHERE " ORDER BY k " dir \
	", f.doc_id " dir " LIMIT $4::bigint OFFSET $5::bigint) h" \
	" JOIN documents d ON d.id = h.doc_id JOIN releases r" \
	" ON r.id = d.release_id LEFT JOIN emails e ON e.doc_id = d.id" \
	" ORDER BY h.k " dir ", h.doc_id " dir
#define DATE_FROM HITS_FROM " LEFT JOIN emails e ON e.doc_id = d.id"
/* Ranked: ts_rank reads a match's whole tsvector, so it is given a
 * bounded set of candidates, never every match.  Counted exactly (at
 * most PA_COUNT_EXACT matches, found by the GIN indexes): the newest
 * PA_RANK_CANDIDATES matches whose title holds the query (head, a small
 * tsvector under its own GIN index: a title match is what ranks first)
 * and the newest PA_RANK_CANDIDATES matches of all ($7 each).  Past
 * that, where reading every match's row costs too much: the matches
 * among the newest documents, a window ($7: the id it starts after)
 * sized to hold about PA_RANK_WINDOW_HITS of them, at most
 * PA_RANK_WINDOW_MAX documents.  Every page sees the candidates
 * first, ranked, then the other matches newest first (a page within the
 * first PA_RANK_CANDIDATES rows of a few matches reads the candidates
 * alone), so every page is a slice of one order. */
#define PA_RANK_CANDIDATES 200
#define PA_RANK_WINDOW_HITS 300
#define PA_RANK_WINDOW_MAX 20000
/* Newest first, as an expression no index gives: the planner would
 * otherwise walk the primary key backwards testing every row's words
 * (100,000 tsvectors unpacked for a phrase that one e-mail holds),
 * where the GIN indexes' matches sorted cost what there are of them. */
#define NEWEST " f.doc_id + 0 DESC"
#define CANDIDATES_FEW "WITH c AS MATERIALIZED ((SELECT f.doc_id FROM fts f" \
	IDS_WHERE " AND f.head @@ to_tsquery(" CFG ", $1::text) ORDER BY" \
	NEWEST " LIMIT $7::bigint) UNION (SELECT f.doc_id FROM fts f" \
	IDS_WHERE " ORDER BY" NEWEST " LIMIT $7::bigint))"
#define CANDIDATES_WINDOW "WITH c AS MATERIALIZED (SELECT f.doc_id FROM" \
	" fts f" HITS_WHERE " AND f.doc_id > $7::bigint)"
#define RANKED_C "SELECT c.doc_id, 0 AS t, (" RANK ")::float8 AS k" \
	" FROM c JOIN fts f ON f.doc_id = c.doc_id"
#define RANKED_PAGE(cand, u) cand ", h AS (SELECT u.doc_id, u.t, u.k FROM (" \
	u ") u ORDER BY u.t, u.k DESC, u.doc_id DESC LIMIT $4::bigint" \
	" OFFSET $5::bigint) SELECT " PA_DOC_COLS ", CASE WHEN $1::text = ''" \
	" THEN left(f.body, 200) ELSE ts_headline(" CFG ", left(f.body, " \
	PA_TEXT_MAX_S "), to_tsquery(" CFG ", $1::text), $6::text) END" \
	" FROM h JOIN fts f ON f.doc_id = h.doc_id JOIN documents d" \
	" ON d.id = h.doc_id JOIN releases r ON r.id = d.release_id" \
	" LEFT JOIN emails e ON e.doc_id = d.id" \
	" ORDER BY h.t, h.k DESC, h.doc_id DESC"
static const char SQL_RANKED[] = RANKED_PAGE(CANDIDATES_FEW, RANKED_C);
static const char SQL_RANKED_DEEP[] = RANKED_PAGE(CANDIDATES_FEW, RANKED_C
	" UNION ALL SELECT f.doc_id, 1, 0 FROM fts f" IDS_WHERE
	" AND f.doc_id NOT IN (SELECT doc_id FROM c)");
static const char SQL_RANKED_WINDOW_ONLY[] = RANKED_PAGE(CANDIDATES_WINDOW,
	RANKED_C);
/* with the rest, for a page the window does not fill (it may hold fewer
 * matches than the estimate said): older than the window, newest first as the
 * GIN indexes find them (walking the primary key back instead tests
 * every row's words, and a filter such as a year, whose documents are
 * not the newest, made that 32,000 rows at 100,000 e-mails) */
static const char SQL_RANKED_WINDOW[] = RANKED_PAGE(CANDIDATES_WINDOW,
	RANKED_C " UNION ALL (SELECT f.doc_id, 1, 0 FROM fts f" HITS_WHERE
	" AND f.doc_id <= $7::bigint ORDER BY" NEWEST
	" LIMIT $4::bigint + $5::bigint)");
/* With a date range, the newest documents may hold none of its matches
 * (an archive is imported about in date order: a year's e-mails are a
 * block of ids).  The window is then the e-mails of the range, newest
 * first along emails_date ($9, $10: [after, before), 0 for an open end;
 * $11 how many of them), and the candidates the newest
 * PA_RANK_CANDIDATES matches among them ($7); the rest newest first by
 * date.  The walk (search_tx turns bitmap scans off for it) reads about
 * $7 over the density of the matches rows, where the GIN indexes read
 * every document of the range and of each word.  The rest, wanted only
 * past the candidates or where the estimate was wrong (a phrase of
 * common words), is found by the GIN indexes ("+ 0": not by a walk,
 * which would read the whole range for a phrase few e-mails hold). */
#define IN_RANGE " e.date >= greatest($9::bigint, 1) AND ($10::bigint = 0" \
	" OR e.date < $10::bigint)"
#define CANDIDATES_IN_RANGE "WITH c AS MATERIALIZED (SELECT f.doc_id FROM" \
	" (SELECT e.doc_id, e.date FROM emails e WHERE" IN_RANGE " ORDER BY" \
	" e.date DESC, e.doc_id DESC LIMIT $11::bigint) e JOIN fts f" \
	" ON f.doc_id = e.doc_id" HITS_WHERE " AND $8::bigint[] IS NOT NULL" \
	" ORDER BY e.date DESC, e.doc_id DESC LIMIT $7::bigint)"
static const char SQL_RANKED_IN_RANGE_ONLY[] = RANKED_PAGE(
	CANDIDATES_IN_RANGE, RANKED_C);
static const char SQL_RANKED_IN_RANGE[] = RANKED_PAGE(CANDIDATES_IN_RANGE,
	RANKED_C " UNION ALL (SELECT f.doc_id, 1, e.date FROM emails e JOIN"
	" fts f ON f.doc_id = e.doc_id" HITS_WHERE " AND" IN_RANGE
	" AND f.doc_id NOT IN (SELECT doc_id FROM c) ORDER BY e.date + 0 DESC,"
	" e.doc_id + 0 DESC LIMIT $4::bigint + $5::bigint)");
static const char SQL_WALK[] = "SELECT set_config('enable_bitmapscan',"
	" $1::text, true)";
static const char SQL_NEWEST_ID[] = "SELECT coalesce(max(doc_id), 0) FROM fts";
static const char SQL_ADDED_DESC[] = PAGE("f.doc_id", "DESC", " FROM fts f");
static const char SQL_ADDED_ASC[] = PAGE("f.doc_id", "ASC", " FROM fts f");
static const char SQL_DATE_DESC[] = PAGE(DATE_KEY, "DESC", DATE_FROM);
static const char SQL_DATE_ASC[] = PAGE(DATE_KEY, "ASC", DATE_FROM);

/* $1 the matches' ids (counted exactly: at most SZ_ARCHIVE_FACET_MAX) */
static const char SQL_FACETS[] = "SELECT d.release_id, d.type,"
	" to_char(to_timestamp(nullif(e.date, 0)) AT TIME ZONE 'UTC',"
	" 'YYYY-MM'), count(*) FROM documents d LEFT JOIN emails e"
	" ON e.doc_id = d.id WHERE d.id = ANY($1::bigint[]) GROUP BY 1, 2, 3";
static const char SQL_RELEASE_TITLE[] = "SELECT title FROM releases"
	" WHERE id = $1::bigint";
/* The time budget; and plans made for each search's own values: a
 * generic plan cannot know that '' turns a condition off, and would
 * leave the GIN indexes unused; sequential scans off (HITS_WHERE), and
 * with them JIT compilation, which the cost of a scan turned off would
 * start (hundreds of milliseconds to compile a query of a few). */
static const char SQL_BUDGET[] = "SELECT set_config('statement_timeout',"
	" $1::text, true), set_config('plan_cache_mode', 'force_custom_plan',"
	" true), set_config('enable_seqscan', 'off', true),"
	" set_config('jit', 'off', true)";

/* few: up to SZ_ARCHIVE_RANK_MAX matches; window: more than
 * PA_COUNT_EXACT (their ids unknown) */
static const char *page_sql(enum sz_archive_order order, bool few,
	bool window, bool dated, size_t end)
{
	if (order == SZ_ORDER_NEWEST)
		return few ? SQL_DATE_DESC : SQL_ADDED_DESC;
	if (order == SZ_ORDER_OLDEST)
		return few ? SQL_DATE_ASC : SQL_ADDED_ASC;
	if (window)
		return dated ? SQL_RANKED_IN_RANGE : SQL_RANKED_WINDOW;
	if (!few)
		return SQL_ADDED_DESC;
	return end <= PA_RANK_CANDIDATES ? SQL_RANKED : SQL_RANKED_DEEP;
}

struct search {
	const struct sz_archive_query *q;
	struct pg_value v[11];
	char *left_out;              /* $3, read in the search's snapshot */
	struct sz_buf ids;           /* $8, the matches counted exactly */
	size_t offset, limit;
	struct sz_search_result *res;
};

/* What a statement that did not finish means for the reader. */
static int failed(int rc, struct sz_err *err)
{
	return rc == PG_CANCELED ? sz_search_too_slow(err) : rc;
}

static int facets(struct pg_conn *c, struct search *s, struct sz_err *err)
{
	struct sz_search_result *res = s->res;
	struct sz_facet_counter fc;
	int rc;
	if (sz_facets_begin(res, &fc) != 0) {
		sz_facets_end(res, &fc, false);
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	PGresult *r = pg_exec(c, SQL_FACETS, &s->v[7], 1, &rc, "searching",
		err);
	for (int i = 0; r != NULL && i < PQntuples(r); i++)
		sz_facets_add(res, &fc, pg_int(r, i, 0), PQgetvalue(r, i, 1),
			PQgetisnull(r, i, 2) ? NULL : PQgetvalue(r, i, 2),
			pg_int(r, i, 3));
	PQclear(r);
	/* out of time: results, no facets */
	sz_facets_end(res, &fc, r != NULL);
	if (r == NULL)
		return rc == PG_CANCELED ? PG_CANCELED : rc;
	for (size_t i = 0; i < res->nrelease; i++) {
		struct pg_value id = PG_I(res->by_release[i].id);
		if ((r = pg_exec(c, SQL_RELEASE_TITLE, &id, 1, &rc, "searching",
		    err)) == NULL)
			return rc;
		if (PQntuples(r) > 0)
			pg_text(res->by_release[i].key, sizeof(res->by_release[i].key),
				r, 0, 0);
		PQclear(r);
	}
	sz_facets_sort(res);
	return 0;
}

/* Two significant figures: an estimate that looks exact would mislead. */
static int64_t rounded(int64_t n)
{
	int64_t unit = 1;
	while (n / unit >= 100)
		unit *= 10;
	return (n + unit / 2) / unit * unit;
}

/* The planner's estimate of the matches, in *n: from the indexes'
 * statistics, without reading a match. */
static int planned(struct pg_conn *c, struct search *s, int64_t *n,
	struct sz_err *err)
{
	int rc;
	PGresult *r = pg_exec(c, SQL_ESTIMATE, s->v, 3, &rc, "searching", err);
	if (r == NULL)
		return rc;
	json_t *plan = PQntuples(r) > 0 ? json_loads(PQgetvalue(r, 0, 0), 0,
		NULL) : NULL;
	PQclear(r);
	json_t *rows = json_object_get(json_object_get(json_array_get(plan, 0),
		"Plan"), "Plan Rows");
	*n = json_is_number(rows) ? (int64_t)json_number_value(rows) : 0;
	json_decref(plan);
	return 0;
}

/* How many of the newest documents (ids are dense enough to count
 * them by) hold about PA_RANK_WINDOW_HITS of the res->total matches: at
 * least PA_RANK_CANDIDATES, at most PA_RANK_WINDOW_MAX; the newest id
 * in *newest. */
static int window_docs(struct pg_conn *c, struct search *s, int64_t *newest,
	int64_t *docs, struct sz_err *err)
{
	*newest = 0;
	int rc = pg_int_of(c, SQL_NEWEST_ID, NULL, 0, newest, "searching",
		err);
	if (rc != 0)
		return rc;
	double d = (double)PA_RANK_WINDOW_HITS * (double)*newest /
		(double)(s->res->total > 0 ? s->res->total : 1);
	*docs = d > PA_RANK_WINDOW_MAX ? PA_RANK_WINDOW_MAX :
		d < PA_RANK_CANDIDATES ? PA_RANK_CANDIDATES : (int64_t)d;
	return 0;
}

/* $7 of the window: the id after which the window starts. */
static int window(struct pg_conn *c, struct search *s, struct sz_err *err)
{
	int64_t newest, w;
	int rc = window_docs(c, s, &newest, &w, err);
	if (rc == 0)
		s->v[6] = PG_I(newest > w ? newest - w : 0);
	return rc;
}

/* The page of a search in a date range past PA_COUNT_EXACT matches:
 * the window's candidates walked along emails_date (bitmap scans off),
 * in *out; NULL, with 0, when they do not fill the page. */
static int in_range(struct pg_conn *c, struct search *s, PGresult **out,
	struct sz_err *err)
{
	int64_t newest, w;
	*out = NULL;
	int rc = window_docs(c, s, &newest, &w, err);
	if (rc != 0)
		return rc;
	s->v[6] = PG_I(PA_RANK_CANDIDATES);
	s->v[8] = PG_I(s->q->search->after);
	s->v[9] = PG_I(s->q->search->before);
	s->v[10] = PG_I(w);
	if (s->offset >= PA_RANK_CANDIDATES)
		return 0;   /* past the candidates: the whole query at once */
	struct pg_value off = PG_S("off"), on = PG_S("on");
	PGresult *r = pg_exec(c, SQL_WALK, &off, 1, &rc, "searching", err);
	if (r == NULL)
		return rc;
	PQclear(r);
	PGresult *page = pg_exec(c, SQL_RANKED_IN_RANGE_ONLY, s->v, 11, &rc,
		"searching", err);
	if (page == NULL)
		return rc;
	if ((r = pg_exec(c, SQL_WALK, &on, 1, &rc, "searching", err)) == NULL) {
		PQclear(page);
		return rc;
	}
	PQclear(r);
	if ((size_t)PQntuples(page) < s->limit)
		PQclear(page);
	else
		*out = page;
	return 0;
}

static int search_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct search *s = ctx;
	struct sz_search_result *res = s->res;
	int rc;
	sz_search_result_free(res);
	memset(res, 0, sizeof(*res));
	char ms[24];
	snprintf(ms, sizeof(ms), "%u", s->q->time_ms);
	struct pg_value b = PG_S(ms);
	PGresult *r = pg_exec(c, SQL_BUDGET, &b, 1, &rc, "searching", err);
	if (r == NULL)
		return rc;
	PQclear(r);
	free(s->left_out);
	s->left_out = NULL;
	if (!s->q->drafts) {
		if ((r = pg_exec(c, SQL_LEFT_OUT, NULL, 0, &rc, "searching",
		    err)) == NULL)
			return failed(rc, err);
		s->left_out = PQntuples(r) > 0 ? strdup(PQgetvalue(r, 0, 0)) :
			strdup("");
		PQclear(r);
		if (s->left_out == NULL)
			return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	s->v[2] = PG_S(s->left_out ? s->left_out : "");
	/* The planner's estimate first: past PA_EXACT_MAX, counting (even
	 * to PA_COUNT_EXACT) would read every document of each word (a
	 * GIN index gives its matches all at once, as a bitmap: 40 ms for
	 * a word that half of a million e-mails hold). */
	int64_t est = 0;
	if ((rc = planned(c, s, &est, err)) != 0)
		return failed(rc, err);
	/* A phrase is estimated as its words all anywhere (the statistics
	 * know no positions): one that few e-mails hold, of common words,
	 * would look like 20,000 and be sought in the window in vain.  It
	 * is counted, which costs what the e-mails holding its words do. */
	bool phrase = strstr(s->v[0].s, "<->") != NULL;
	/* Only by relevance: that page's window is bounded whatever the
	 * estimate, where newest or oldest first walks the primary key
	 * until it has a page (all of it for "the -the", which the planner
	 * takes for 250,000 matches). */
	bool uncounted = est > PA_EXACT_MAX && !phrase &&
		s->q->order == SZ_ORDER_RELEVANCE;
	sz_buf_consume(&s->ids, s->ids.len);   /* a retry starts again */
	rc = sz_buf_puts(&s->ids, "{");
	if (!uncounted) {
		struct pg_value cv[] = { s->v[0], s->v[1], s->v[2],
			PG_I(PA_COUNT_EXACT + 1) };
		if ((r = pg_exec(c, SQL_MATCHES, cv, 4, &rc, "searching",
		    err)) == NULL)
			return failed(rc, err);
		res->total = PQntuples(r);
		for (int i = 0; rc == 0 && i < PQntuples(r); i++)
			rc = sz_buf_printf(&s->ids, "%s%s", i ? "," : "",
				PQgetvalue(r, i, 0));
		PQclear(r);
	}
	if (rc == 0)
		rc = sz_buf_puts(&s->ids, "}");
	if (rc != 0)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	s->v[7] = PG_S((const char *)s->ids.data);
	/* past PA_COUNT_EXACT, the estimate (never fewer than counted) */
	int64_t most = res->total;
	if (res->total > PA_COUNT_EXACT || uncounted) {
		most = est > res->total ? est : res->total;
		res->total = rounded(most);
		res->estimated = true;
	}
	if (res->total == 0 || s->q->count_only)
		return 0;
	/* Past SZ_ARCHIVE_RANK_MAX, "not ranked" (the last added first), as
	 * the SQLite back end says; yet the page is the window's, whose
	 * candidates are the last added (or dated) and cost what a few do. */
	res->ranked = most <= SZ_ARCHIVE_RANK_MAX;
	const struct sz_search *q = s->q->search;
	const char *page = page_sql(s->q->order, res->ranked, res->estimated,
		q->after > 0 || q->before > 0, s->offset + s->limit);
	bool ranked = page != SQL_DATE_DESC && page != SQL_DATE_ASC &&
		page != SQL_ADDED_DESC && page != SQL_ADDED_ASC;
	s->v[6] = PG_I(PA_RANK_CANDIDATES);
	if (page == SQL_RANKED_WINDOW && (rc = window(c, s, err)) != 0)
		return failed(rc, err);
	/* the window alone first: past the window, the rest costs what
	 * there are of matches */
	r = NULL;
	if (page == SQL_RANKED_IN_RANGE && (rc = in_range(c, s, &r, err)) != 0)
		return failed(rc, err);
	if (page == SQL_RANKED_WINDOW) {
		if ((r = pg_exec(c, SQL_RANKED_WINDOW_ONLY, s->v, 7, &rc,
		    "searching", err)) == NULL)
			return failed(rc, err);
		if ((size_t)PQntuples(r) < s->limit) {
			PQclear(r);
			r = NULL;
		}
	}
	size_t nv = page == SQL_RANKED_IN_RANGE ? 11 : page == SQL_RANKED ||
		page == SQL_RANKED_DEEP ? 8 : ranked ? 7 : 6;
	if (r == NULL && (r = pg_exec(c, page, s->v, nv, &rc, "searching",
	    err)) == NULL)
		return failed(rc, err);
	int n = PQntuples(r);
	if ((size_t)n > s->limit)
		n = (int)s->limit;
	res->hits = calloc(n ? (size_t)n : 1, sizeof(*res->hits));
	if (res->hits == NULL)
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	for (int i = 0; rc == 0 && i < n; i++) {
		struct sz_search_hit *h = &res->hits[res->nhits++];
		pa_doc_read(r, i, 0, &h->doc);
		if ((h->snippet = sz_search_snippet_dup(PQgetvalue(r, i,
		    PA_DOC_NCOLS))) == NULL)
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		/* a phrase marked as one, as FTS5 marks it */
		sz_search_snippet_phrases(h->snippet, s->q->search);
	}
	PQclear(r);
	/* an estimate whose first page is not full: every match is on it */
	if (rc == 0 && res->estimated && s->offset == 0 && (size_t)n < s->limit) {
		res->total = n;
		res->estimated = false;
	}
	if (rc != 0 || res->estimated || res->total > SZ_ARCHIVE_FACET_MAX)
		return rc;
	/* The facets in a savepoint: cut off, the results stay. */
	PQclear(PQexec(c->pg, "SAVEPOINT facets"));
	rc = facets(c, s, err);
	if (rc == PG_CANCELED) {
		PQclear(PQexec(c->pg, "ROLLBACK TO SAVEPOINT facets"));
		rc = 0;
	}
	return rc;
}

/* A search slot, waiting at most the query's own budget for one. */
static bool search_slot(struct pg_archive *q, unsigned ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms ? ms / 1000 + 1 : PA_SEARCH_WAIT_S;
	int rc;
	while ((rc = sem_timedwait(&q->searches, &until)) != 0 && errno == EINTR)
		;
	return rc == 0;
}

int pa_search(struct sz_archive *a, const struct sz_archive_query *q,
	size_t offset, size_t limit, struct sz_search_result *res,
	struct sz_err *err)
{
	memset(res, 0, sizeof(*res));
	if (limit > SZ_ARCHIVE_PAGE_MAX)
		limit = SZ_ARCHIVE_PAGE_MAX;
	if (q->search == NULL)
		return 0;
	if (pa_raw_flush(a, err) != 0)   /* inside an import: what it decided */
		return SZ_E_IO;
	struct sz_tsquery tq;
	if (sz_search_tsquery(q->search, &tq) != 0) {
		sz_tsquery_free(&tq);
		return sz_err_set(err, SZ_E_LIMIT, "the search is too long");
	}
	const char *words = tq.words.data ? (const char *)tq.words.data : "";
	const char *tags = tq.tags.data ? (const char *)tq.tags.data : "";
	if (*words == 0 && *tags == 0) {
		sz_tsquery_free(&tq);
		return 0;   /* nothing to look for */
	}
	if (!search_slot(pa(a), q->time_ms)) {
		sz_tsquery_free(&tq);
		return sz_search_busy(err);
	}
	struct search s = { .q = q, .offset = offset, .limit = limit,
		.res = res, .v = { PG_S(words), PG_S(tags), PG_S(""),
			PG_I(limit), PG_I(offset), PG_S(HEADLINE),
			PG_I(PA_RANK_CANDIDATES) } };
	/* "{" and "}", and a 19-digit id and a comma per match counted */
	sz_buf_init(&s.ids, (PA_COUNT_EXACT + 1) * 20 + 3);
	int rc = pg_snapshot(papool(a), search_tx, &s, err);
	free(s.left_out);
	sz_buf_free(&s.ids);
	if (rc == PG_CANCELED)
		rc = sz_search_too_slow(err);
	sem_post(&pa(a)->searches);
	sz_tsquery_free(&tq);
	if (rc != 0)
		sz_search_result_free(res);
	return rc;
}

/* ---- did you mean ------------------------------------------------------------ */

static const char SQL_FOLD[] = "SELECT lexeme FROM unnest(to_tsvector(" CFG
	", $1::text))";
static const char SQL_HOLDS[] = "SELECT 1 FROM vocab WHERE word = $1::text"
	" AND docs > 0";
static const char SQL_SCAN[] = "SELECT key, docs FROM vocab WHERE"
	" key >= $1::bytea AND key < $2::bytea AND docs > 0 ORDER BY key"
	" LIMIT $3::bigint";

static int holds(void *ctx, const char *word, bool *known, struct sz_err *err)
{
	struct pg_value v = PG_S(word);
	int rc;
	PGresult *r = pg_read(ctx, SQL_HOLDS, &v, 1, &rc,
		"reading the index's words", err);
	if (r == NULL)
		return rc;
	if (PQntuples(r) > 0)
		*known = true;
	PQclear(r);
	return 0;
}

static int scan(void *ctx, struct sz_near *nr, const char *lo,
	const char *hi, size_t len, struct sz_err *err)
{
	struct pg_value v[] = { PG_B(lo, len), PG_B(hi, len),
		PG_I(SZ_ARCHIVE_NEAR_SCAN) };
	int rc;
	/* bytea comes back as text ("\x..."): read it as the bytes it is */
	PGresult *r = pg_read(ctx, SQL_SCAN, v, 3, &rc,
		"reading the index's words", err);
	if (r == NULL)
		return rc;
	for (int i = 0; i < PQntuples(r); i++) {
		size_t n = 0;
		unsigned char *w = PQunescapeBytea(
			(const unsigned char *)PQgetvalue(r, i, 0), &n);
		if (w == NULL)
			continue;
		sz_near_consider(nr, (const char *)w, n, pg_int(r, i, 1));
		PQfreemem(w);
	}
	PQclear(r);
	return 0;
}

int pa_words_near(struct sz_archive *a, const char *word,
	struct sz_near_word *out, size_t max, size_t *n, bool *known,
	struct sz_err *err)
{
	char folded[4 * SZ_ARCHIVE_WORD_MAX + 1];
	*n = 0;
	*known = false;
	if (max == 0 || strlen(word) > SZ_ARCHIVE_WORD_MAX)
		return 0;
	/* folded as the index folds text: one lexeme, or no suggestion */
	struct sz_buf t;
	sz_buf_init(&t, 4 * SZ_ARCHIVE_WORD_MAX + 16);
	int rc = sz_search_tsvector_text(&t, word, strlen(word));
	struct pg_value v = PG_S(t.data ? (const char *)t.data : "");
	PGresult *r = rc == 0 ? pg_read(papool(a), SQL_FOLD, &v, 1, &rc,
		"reading the index's words", err) : NULL;
	sz_buf_free(&t);
	if (r == NULL)
		return rc == SZ_E_LIMIT ? 0 : rc;
	bool one = PQntuples(r) == 1 && PQgetlength(r, 0, 0) > 0;
	if (one)
		pg_text(folded, sizeof(folded), r, 0, 0);
	PQclear(r);
	if (!one)
		return 0;
	struct sz_near_source src = { holds, scan, papool(a) };
	return sz_near_words(folded, &src, out, max, n, known, err);
}
