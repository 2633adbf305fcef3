/*
 * staging.c - holding a period's submissions and new sources in memory
 * (staging.h says why).  Each submission's items stream, encrypted, into
 * a memfd of its own; the reservation taken when it began bounds what it
 * may write.  What it does not do: write anything to a disk, or decide
 * when a period is stored (commit.c).
 */
#include "store/staging_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/io.h"

#define ID_BITS_MASK ((UINT64_C(1) << 53) - 1)  /* ids stay exact in JSON */
#define ID_TRIES 8

int sz_staging_new(struct sz_staging **out, struct sz_store *store,
	struct sz_blobs *blobs, struct sz_clock *clock, unsigned period_s,
	uint64_t cap, struct sz_err *err)
{
	*out = NULL;
	if (period_s == 0 || 86400 % period_s != 0)
		return sz_err_set(err, SZ_E_INVAL, "a period must divide a day");
	struct sz_staging *st = calloc(1, sizeof(*st));
	if (st == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	pthread_mutex_init(&st->mu, NULL);
	pthread_mutex_init(&st->store_mu, NULL);
	st->store = store;
	st->blobs = blobs;
	st->clock = clock;
	st->period_s = period_s;
	st->cap = cap;
	/* One memfd per held submission: allow as many open files as the
	 * system lets this process have. */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	*out = st;
	return SZ_OK;
}

void sz_stage_free(struct sz_stage *s)
{
	if (s == NULL)
		return;
	sz_item_free(s->w);
	if (s->fd >= 0)
		close(s->fd);
	free(s->items);
	free(s);
}

void sz_staging_free(struct sz_staging *st)
{
	if (st == NULL)
		return;
	for (size_t i = 0; i < st->nheld; i++)
		sz_stage_free(st->held[i]);
	free(st->held);
	if (st->sources != NULL)
		sodium_memzero(st->sources, st->nsources * sizeof(*st->sources));
	free(st->sources);
	free(st->deletes);
	pthread_mutex_destroy(&st->mu);
	pthread_mutex_destroy(&st->store_mu);
	free(st);
}

unsigned sz_staging_period(const struct sz_staging *st)
{
	return st->period_s;
}

time_t sz_staging_period_of(const struct sz_staging *st, time_t t)
{
	return t - t % (time_t)st->period_s;
}

/* Under st->mu: the held source of a login hash, or NULL. */
static struct held_source *held_by_hash(struct sz_staging *st,
	const uint8_t login_hash[32])
{
	for (size_t i = 0; i < st->nsources; i++)
		if (sodium_memcmp(st->sources[i].row.login_hash, login_hash,
			    32) == 0)
			return &st->sources[i];
	return NULL;
}

static bool held_id(struct sz_staging *st, int64_t id)
{
	for (size_t i = 0; i < st->nsources; i++)
		if (st->sources[i].row.id == id)
			return true;
	return false;
}

/* A random id no source has, stored or held (under st->mu). */
static int fresh_id(struct sz_staging *st, int64_t *id, struct sz_err *err)
{
	for (int i = 0; i < ID_TRIES; i++) {
		uint64_t v;
		uint8_t pk[32];
		randombytes_buf(&v, sizeof(v));
		v &= ID_BITS_MASK;
		if (v == 0 || held_id(st, (int64_t)v))
			continue;
		int rc = st->store->ops->source_public_key(st->store,
			(int64_t)v, pk, err);
		if (rc == SZ_E_NOT_FOUND) {
			*id = (int64_t)v;
			return SZ_OK;
		}
		if (rc != SZ_OK)
			return rc;
	}
	return sz_err_set(err, SZ_E_EXISTS, "no free source id was found");
}

int sz_staging_source_create(struct sz_staging *st,
	const uint8_t login_hash[32], const uint8_t public_key[32],
	int64_t *id, struct sz_err *err)
{
	int64_t stored;
	int rc = st->store->ops->source_find(st->store, login_hash, &stored,
		err);
	if (rc == SZ_OK)
		return sz_err_set(err, SZ_E_EXISTS, "that codename is already "
			"in use");
	if (rc != SZ_E_NOT_FOUND)
		return rc;
	pthread_mutex_lock(&st->mu);
	if (held_by_hash(st, login_hash) != NULL) {
		rc = sz_err_set(err, SZ_E_EXISTS, "that codename is already in "
			"use");
	} else if (st->nsources >= SZ_STAGING_MAX_SOURCES) {
		rc = sz_err_set(err, SZ_E_BUSY, "too many new codenames at once");
	} else {
		rc = fresh_id(st, id, err);
	}
	struct held_source *more = NULL;
	if (rc == SZ_OK) {
		more = realloc(st->sources, (st->nsources + 1) *
			sizeof(*st->sources));
		if (more == NULL)
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	if (rc == SZ_OK) {
		st->sources = more;
		struct held_source *h = &st->sources[st->nsources++];
		memset(h, 0, sizeof(*h));
		h->row.id = *id;
		randombytes_buf(h->row.uid, sizeof(h->row.uid));
		memcpy(h->row.login_hash, login_hash, 32);
		memcpy(h->row.public_key, public_key, 32);
		h->period = sz_staging_period_of(st, sz_clock_now(st->clock));
		sz_store_day(h->period, h->row.day);
	}
	pthread_mutex_unlock(&st->mu);
	return rc;
}

int sz_staging_source_find(struct sz_staging *st,
	const uint8_t login_hash[32], int64_t *id, struct sz_err *err)
{
	/* Held first: a source is forgotten here only once it is stored,
	 * so one of the two always has it. */
	pthread_mutex_lock(&st->mu);
	struct held_source *h = held_by_hash(st, login_hash);
	if (h != NULL)
		*id = h->row.id;
	pthread_mutex_unlock(&st->mu);
	if (h != NULL)
		return SZ_OK;
	return st->store->ops->source_find(st->store, login_hash, id, err);
}

int64_t sz_staging_held_submissions(struct sz_staging *st,
	int64_t source_id)
{
	int64_t n = 0;
	pthread_mutex_lock(&st->mu);
	for (size_t i = 0; i < st->nheld; i++)
		n += st->held[i]->source_id == source_id;
	pthread_mutex_unlock(&st->mu);
	return n;
}

bool sz_staging_held_desk(struct sz_staging *st, int64_t source_id,
	int64_t *desk)
{
	bool found = false;
	*desk = 0;
	pthread_mutex_lock(&st->mu);
	for (size_t i = 0; i < st->nheld && !found; i++)
		if (st->held[i]->source_id == source_id) {
			*desk = st->held[i]->desk;
			found = true;
		}
	pthread_mutex_unlock(&st->mu);
	return found;
}

int sz_stage_begin(struct sz_staging *st, int64_t source_id,
	uint64_t body_bytes, size_t max_items, size_t nr,
	struct sz_stage **out, struct sz_err *err)
{
	*out = NULL;
	uint64_t need = sz_item_ciphertext_bound(body_bytes, nr) +
		(uint64_t)max_items * sz_item_ciphertext_bound(0, nr);
	if (need > st->cap)
		return sz_err_set(err, SZ_E_LIMIT, "a submission this large "
			"cannot be held");
	struct sz_stage *s = calloc(1, sizeof(*s));
	if (s != NULL)
		s->items = calloc(max_items, sizeof(*s->items));
	if (s == NULL || s->items == NULL) {
		free(s);
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	s->fd = -1;
	s->source_id = source_id;
	s->max_items = max_items;
	s->reserved = need;
	int rc = SZ_OK;
	pthread_mutex_lock(&st->mu);
	if (st->reserved + need > st->cap ||
	    st->nheld + st->receiving >= SZ_STAGING_MAX_SUBMISSIONS)
		rc = sz_err_set(err, SZ_E_BUSY, "the staging memory is full");
	else {
		st->reserved += need;
		st->receiving++;
	}
	pthread_mutex_unlock(&st->mu);
	if (rc == SZ_OK) {
		s->fd = memfd_create("samizdat-stage", MFD_CLOEXEC);
		if (s->fd < 0) {
			rc = sz_err_set(err, SZ_E_IO, "cannot hold a submission "
				"in memory: %s", strerror(errno));
			sz_stage_abort(st, s);
			return rc;
		}
		*out = s;
		return SZ_OK;
	}
	sz_stage_free(s);
	return rc;
}

static int stage_sink(void *ctx, const uint8_t *data, size_t len)
{
	struct sz_stage *s = ctx;
	if (len > s->reserved - s->used)
		return SZ_E_LIMIT;
	if (sz_write_all(s->fd, data, len) != SZ_OK)
		return SZ_E_IO;
	s->used += len;
	s->items[s->nitems - 1].len += len;
	return SZ_OK;
}

static int stage_sink_at(void *ctx, uint64_t offset, const uint8_t *data,
	size_t len)
{
	struct sz_stage *s = ctx;
	struct held_item *it = &s->items[s->nitems - 1];
	if (offset > it->len || len > it->len - offset)
		return SZ_E_INVAL;
	off_t at = (off_t)(it->off + offset);
	while (len > 0) {
		ssize_t n = pwrite(s->fd, data, len, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return SZ_E_IO;
		data += n;
		len -= (size_t)n;
		at += n;
	}
	return SZ_OK;
}

int sz_stage_item_begin(struct sz_stage *s, enum sz_item_kind kind,
	struct sz_age_recipient *const *r, size_t nr, const char *name,
	struct sz_err *err)
{
	if (s->w != NULL || s->nitems == s->max_items)
		return sz_err_set(err, SZ_E_LIMIT, "too many items");
	struct held_item *it = &s->items[s->nitems++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->off = s->used;
	return sz_item_begin(&s->w, r, nr, name, stage_sink, stage_sink_at,
		s, err);
}

int sz_stage_item_write(struct sz_stage *s, const uint8_t *data,
	size_t len, struct sz_err *err)
{
	if (s->w == NULL)
		return sz_err_set(err, SZ_E_INVAL, "no item is open");
	return sz_item_write(s->w, data, len, err);
}

int sz_stage_item_end(struct sz_stage *s, struct sz_err *err)
{
	if (s->w == NULL)
		return sz_err_set(err, SZ_E_INVAL, "no item is open");
	int rc = sz_item_finish(s->w, &s->items[s->nitems - 1].padded, err);
	sz_item_free(s->w);
	s->w = NULL;
	return rc;
}

void sz_stage_set_desk(struct sz_stage *s, int64_t desk)
{
	s->desk = desk;
}

size_t sz_stage_items(const struct sz_stage *s)
{
	return s->nitems;
}

void sz_stage_commit(struct sz_staging *st, struct sz_stage *s)
{
	pthread_mutex_lock(&st->mu);
	struct sz_stage **more = realloc(st->held, (st->nheld + 1) *
		sizeof(*st->held));
	if (more == NULL) {
		/* Cannot happen in practice: the slot count is bounded. */
		pthread_mutex_unlock(&st->mu);
		sz_stage_abort(st, s);
		return;
	}
	st->held = more;
	st->receiving--;
	st->reserved -= s->reserved - s->used;
	s->reserved = s->used;
	s->period = sz_staging_period_of(st, sz_clock_now(st->clock));
	st->held[st->nheld++] = s;
	pthread_mutex_unlock(&st->mu);
}

void sz_stage_abort(struct sz_staging *st, struct sz_stage *s)
{
	if (s == NULL)
		return;
	pthread_mutex_lock(&st->mu);
	st->receiving--;
	st->reserved -= s->reserved;
	pthread_mutex_unlock(&st->mu);
	sz_stage_free(s);
}

int sz_staging_reply_delete(struct sz_staging *st, int64_t source_id,
	int64_t reply_id, struct sz_err *err)
{
	int rc = SZ_OK;
	pthread_mutex_lock(&st->mu);
	for (size_t i = 0; i < st->ndeletes; i++)
		if (st->deletes[i].reply_id == reply_id &&
		    st->deletes[i].source_id == source_id) {
			rc = sz_err_set(err, SZ_E_NOT_FOUND, "this reply is deleted "
				"already");
			goto out;
		}
	if (st->ndeletes >= SZ_STAGING_MAX_DELETES) {
		rc = sz_err_set(err, SZ_E_BUSY, "too many deletions are waiting");
		goto out;
	}
	struct held_delete *more = realloc(st->deletes, (st->ndeletes + 1) *
		sizeof(*st->deletes));
	if (more == NULL) {
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		goto out;
	}
	st->deletes = more;
	st->deletes[st->ndeletes++] = (struct held_delete){
		.source_id = source_id, .reply_id = reply_id,
		.period = sz_staging_period_of(st, sz_clock_now(st->clock)),
	};
out:
	pthread_mutex_unlock(&st->mu);
	return rc;
}

bool sz_staging_reply_deleted(struct sz_staging *st, int64_t source_id,
	int64_t reply_id)
{
	bool held = false;
	pthread_mutex_lock(&st->mu);
	for (size_t i = 0; i < st->ndeletes && !held; i++)
		held = st->deletes[i].reply_id == reply_id &&
			st->deletes[i].source_id == source_id;
	pthread_mutex_unlock(&st->mu);
	return held;
}

void sz_staging_untake(struct sz_staging *st, bool stored)
{
	size_t o = 0;
	for (size_t i = 0; i < st->nheld; i++) {
		struct sz_stage *h = st->held[i];
		if (h->taken && stored) {
			st->reserved -= h->reserved;
			sz_stage_free(h);
			continue;
		}
		h->taken = false;
		st->held[o++] = h;
	}
	st->nheld = o;
	o = 0;
	for (size_t i = 0; i < st->nsources; i++) {
		if (st->sources[i].taken && stored)
			continue;
		st->sources[i].taken = false;
		st->sources[o++] = st->sources[i];
	}
	if (o < st->nsources)
		sodium_memzero(st->sources + o, (st->nsources - o) *
			sizeof(*st->sources));
	st->nsources = o;
	o = 0;
	for (size_t i = 0; i < st->ndeletes; i++) {
		if (st->deletes[i].taken && stored)
			continue;
		st->deletes[i].taken = false;
		st->deletes[o++] = st->deletes[i];
	}
	st->ndeletes = o;
}
