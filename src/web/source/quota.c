/*
 * quota.c - how much the inbox takes in: per source and per day (bytes
 * and submissions), for all sources together per day (bytes), and never
 * past a floor of free disk space.  Every check is made before anything
 * of a submission is written: from its declared length when it has one,
 * then again as its bytes arrive (chunked uploads, and the disk filling
 * from elsewhere).
 *
 * Bytes are reserved as they are checked and given back if the
 * submission is not kept, so an upload that fails or is abandoned costs
 * its source nothing, while parallel uploads cannot together pass a
 * limit.
 *
 * What it keeps: today's counts per source id, in memory only (nothing
 * new on disk: the database already says which days a source sent
 * something).  A restart forgets them; the day's limits then start over.
 * The table holds SZ_QUOTA_SOURCES_PER_SESSION entries per session slot;
 * past that the entry charged longest ago is forgotten (the global limit
 * still holds).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "web/source/source.h"

#define SZ_QUOTA_SOURCES_PER_SESSION 2
#define DISK_CHECK_EVERY (16u << 20)   /* bytes between free-space checks */

struct sz_quota_entry {
	int64_t source_id;          /* 0: a free slot */
	uint64_t bytes;
	uint64_t submissions;
	uint64_t last;              /* a counter: bigger is more recent */
};

static void today(char day[SZ_STORE_DAY_SIZE])
{
	sz_store_today(day);
}

int sz_source_quota_init(struct sz_source_quota *q, size_t sessions,
	struct sz_err *err)
{
	memset(q, 0, sizeof(*q));
	q->cap = sessions * SZ_QUOTA_SOURCES_PER_SESSION;
	q->v = calloc(q->cap, sizeof(*q->v));
	if (q->v == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory for quotas");
	today(q->day);
	pthread_mutex_init(&q->mu, NULL);
	return SZ_OK;
}

void sz_source_quota_free(struct sz_source_quota *q)
{
	if (q->v == NULL)
		return;
	free(q->v);
	q->v = NULL;
	pthread_mutex_destroy(&q->mu);
}

/* Under the lock: a new day starts every count from zero. */
static void roll(struct sz_source_quota *q)
{
	char d[SZ_STORE_DAY_SIZE];
	today(d);
	if (strcmp(d, q->day) == 0)
		return;
	memcpy(q->day, d, sizeof(d));
	memset(q->v, 0, q->cap * sizeof(*q->v));
	q->global_bytes = 0;
}

/* Under the lock: the source's entry, made if need be. */
static struct sz_quota_entry *entry(struct sz_source_quota *q, int64_t id)
{
	struct sz_quota_entry *free_slot = NULL, *oldest = NULL;
	for (size_t i = 0; i < q->cap; i++) {
		struct sz_quota_entry *e = &q->v[i];
		if (e->source_id == id)
			return e;
		if (e->source_id == 0 && free_slot == NULL)
			free_slot = e;
		if (e->source_id != 0 && (oldest == NULL || e->last < oldest->last))
			oldest = e;
	}
	struct sz_quota_entry *e = free_slot ? free_slot : oldest;
	if (e != NULL) {
		memset(e, 0, sizeof(*e));
		e->source_id = id;
	}
	return e;
}

/* Free bytes for the instance's files, or UINT64_MAX if unknown. */
static uint64_t free_bytes(const struct sz_source_app *app)
{
	struct statvfs sv;
	if (statvfs(app->in->dir, &sv) != 0)
		return UINT64_MAX;
	return (uint64_t)sv.f_bavail * sv.f_frsize;
}

static int refuse(struct sz_request *rq, unsigned status, const char *msg)
{
	return sz_request_fail(rq, status, msg);
}

/* Under the lock: reserves n more bytes (and the submission itself if
 * first) for the hold, or refuses saying which limit. */
static int reserve(struct sz_request *rq, struct sz_source_quota *q,
	struct sz_quota_hold *h, uint64_t n, bool first)
{
	struct sz_source_app *app = rq->app;
	const struct sz_config *cfg = &app->in->cfg;
	const struct sz_lang *L = sz_web_lang(rq);
	char msg[1024];
	roll(q);
	if (strcmp(h->day, q->day) != 0 && !first)
		h->bytes = 0;   /* yesterday's reservation went with the day */
	struct sz_quota_entry *e = entry(q, h->source_id);
	if (e == NULL)
		return refuse(rq, 503, N_("The server is busy. Please try again "
			"in a few minutes. Nothing was kept."));
	uint64_t per_source = cfg->source_mb_per_day << 20;
	uint64_t global = cfg->inbox_mb_per_day << 20;
	if (first && e->submissions >= cfg->source_submissions_per_day) {
		snprintf(msg, sizeof(msg), NG_(L, "You have sent %llu submission "
			"today, the most one source may send in a day. Please send "
			"the rest tomorrow. Nothing was kept.", "You have sent %llu "
			"submissions today, the most one source may send in a day. "
			"Please send the rest tomorrow. Nothing was kept.",
			(unsigned long)e->submissions),
			(unsigned long long)e->submissions);
		return refuse(rq, 429, msg);
	}
	if (e->bytes + n > per_source) {
		snprintf(msg, sizeof(msg), _(L, "This would take what you have "
			"sent today past %llu MB, the most one source may send in a "
			"day. Please send the rest tomorrow. Nothing was kept."),
			(unsigned long long)cfg->source_mb_per_day);
		return refuse(rq, 429, msg);
	}
	if (q->global_bytes + n > global)
		return refuse(rq, 503, N_("The inbox has taken in all it can for "
			"today. Please try again tomorrow. Nothing was kept."));
	e->bytes += n;
	e->last = ++q->clock;
	q->global_bytes += n;
	if (first)
		e->submissions++;
	h->bytes += n;
	memcpy(h->day, q->day, sizeof(h->day));
	return SZ_OK;
}

static int disk_ok(struct sz_request *rq, uint64_t more)
{
	struct sz_source_app *app = rq->app;
	uint64_t floor = app->in->cfg.min_free_disk_mb << 20;
	uint64_t have = free_bytes(app);
	if (have != UINT64_MAX && (have < floor || have - floor < more))
		return refuse(rq, 507, N_("The server is short of disk space and "
			"cannot take this now. Please try again in a few days. "
			"Nothing was kept."));
	return SZ_OK;
}

int sz_source_quota_begin(struct sz_request *rq, int64_t source_id,
	struct sz_quota_hold *h)
{
	struct sz_source_app *app = rq->app;
	memset(h, 0, sizeof(*h));
	h->source_id = source_id;
	uint64_t declared = 0;
	const char *cl = sz_request_header(rq, "Content-Length");
	if (cl != NULL)
		declared = strtoull(cl, NULL, 10);
	int rc = disk_ok(rq, declared);
	if (rc != SZ_OK)
		return rc;
	pthread_mutex_lock(&app->quota.mu);
	rc = reserve(rq, &app->quota, h, declared, true);
	pthread_mutex_unlock(&app->quota.mu);
	if (rc == SZ_OK)
		h->active = true;
	return rc;
}

int sz_source_quota_more(struct sz_request *rq, struct sz_quota_hold *h,
	size_t n)
{
	struct sz_source_app *app = rq->app;
	if (!h->active)
		return SZ_E_INVAL;
	h->received += n;
	int rc = SZ_OK;
	if (h->received / DISK_CHECK_EVERY != (h->received - n) /
	    DISK_CHECK_EVERY)
		rc = disk_ok(rq, 0);
	if (rc == SZ_OK && h->received > h->bytes) {
		pthread_mutex_lock(&app->quota.mu);
		rc = reserve(rq, &app->quota, h, h->received - h->bytes, false);
		pthread_mutex_unlock(&app->quota.mu);
	}
	return rc;
}

void sz_source_quota_end(struct sz_source_app *app, struct sz_quota_hold *h,
	bool kept)
{
	if (!h->active)
		return;
	struct sz_source_quota *q = &app->quota;
	pthread_mutex_lock(&q->mu);
	roll(q);
	/* Kept: only what arrived counts.  Not kept: nothing does. */
	uint64_t back = kept ? (h->bytes > h->received ?
		h->bytes - h->received : 0) : h->bytes;
	if (strcmp(h->day, q->day) == 0) {
		struct sz_quota_entry *e = NULL;
		for (size_t i = 0; i < q->cap && e == NULL; i++)
			if (q->v[i].source_id == h->source_id)
				e = &q->v[i];
		if (e != NULL) {
			e->bytes -= back < e->bytes ? back : e->bytes;
			if (!kept && e->submissions > 0)
				e->submissions--;
		}
		q->global_bytes -= back < q->global_bytes ? back :
			q->global_bytes;
	}
	pthread_mutex_unlock(&q->mu);
	h->active = false;
}
