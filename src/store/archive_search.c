/*
 * archive_search.c - what every archive back end's search shares, with
 * no engine in it: the result's memory, the facets assembled from the
 * counts a back end reads (by release, type and e-mail month; years
 * folded, or months when the matches fall in one year; sorted as the
 * page shows them), and what a reader is told when a search is refused
 * for load.  It runs no query: the back ends count (sqlite_archive_search.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/archive.h"

void sz_search_result_free(struct sz_search_result *r)
{
	for (size_t i = 0; r->hits != NULL && i < r->nhits; i++) {
		sz_doc_row_clear(&r->hits[i].doc);
		free(r->hits[i].snippet);
	}
	free(r->hits);
	free(r->by_release);
	free(r->by_type);
	free(r->by_date);
	memset(r, 0, sizeof(*r));
}

/* Adds count to the facet keyed (key, id); at most SZ_ARCHIVE_FACETS
 * keys. */
static void facet_add(struct sz_facet *f, size_t *n, const char *key,
	int64_t id, int64_t count)
{
	for (size_t i = 0; i < *n; i++)
		if (f[i].id == id && strcmp(f[i].key, key) == 0) {
			f[i].count += count;
			return;
		}
	if (*n >= SZ_ARCHIVE_FACETS)
		return;
	snprintf(f[*n].key, sizeof(f[*n].key), "%s", key);
	f[*n].id = id;
	f[*n].count = count;
	(*n)++;
}

static int by_count(const void *a, const void *b)
{
	const struct sz_facet *x = a, *y = b;
	return x->count != y->count ? (x->count > y->count ? -1 : 1) :
		strcmp(x->key, y->key);
}

/* Dates newest first. */
static int by_key_desc(const void *a, const void *b)
{
	const struct sz_facet *x = a, *y = b;
	return strcmp(y->key, x->key);
}

int sz_facets_begin(struct sz_search_result *res, struct sz_facet_counter *c)
{
	memset(c, 0, sizeof(*c));
	if (res->by_release == NULL)
		res->by_release = calloc(SZ_ARCHIVE_FACETS, sizeof(*res->by_release));
	if (res->by_type == NULL)
		res->by_type = calloc(SZ_ARCHIVE_FACETS, sizeof(*res->by_type));
	if (res->by_date == NULL)
		res->by_date = calloc(SZ_ARCHIVE_FACETS, sizeof(*res->by_date));
	c->months = calloc(SZ_ARCHIVE_FACETS, sizeof(*c->months));
	return res->by_release && res->by_type && res->by_date && c->months ?
		0 : SZ_E_NOMEM;
}

void sz_facets_add(struct sz_search_result *res, struct sz_facet_counter *c,
	int64_t release_id, const char *type, const char *month, int64_t n)
{
	facet_add(res->by_release, &res->nrelease, "", release_id, n);
	facet_add(res->by_type, &res->ntype, type ? type : "", 0, n);
	if (month == NULL || strlen(month) != 7)
		return;
	char year[5];
	memcpy(year, month, 4);
	year[4] = 0;
	facet_add(res->by_date, &res->ndate, year, 0, n);
	if (c->nmonths == SZ_ARCHIVE_FACETS)
		c->more_months = true;
	facet_add(c->months, &c->nmonths, month, 0, n);
}

void sz_facets_end(struct sz_search_result *res, struct sz_facet_counter *c,
	bool complete)
{
	if (!complete) {   /* out of time: results, no facets */
		res->nrelease = res->ntype = res->ndate = 0;
	} else if (res->ndate == 1 && !c->more_months) {
		/* One year only: its months say more. */
		free(res->by_date);
		res->by_date = c->months;
		res->ndate = c->nmonths;
		c->months = NULL;
	}
	free(c->months);
	c->months = NULL;
}

void sz_facets_sort(struct sz_search_result *res)
{
	qsort(res->by_release, res->nrelease, sizeof(*res->by_release),
		by_count);
	qsort(res->by_type, res->ntype, sizeof(*res->by_type), by_count);
	qsort(res->by_date, res->ndate, sizeof(*res->by_date), by_key_desc);
	res->faceted = true;
}

int sz_search_too_slow(struct sz_err *err)
{
	return sz_err_set(err, SZ_E_LIMIT, "This search takes too long to "
		"answer. Use longer or rarer words, fewer of them, or a filter "
		"such as type:, release: or after:.");
}

int sz_search_busy(struct sz_err *err)
{
	return sz_err_set(err, SZ_E_LIMIT, "Many searches are running right "
		"now. Try again in a moment.");
}
