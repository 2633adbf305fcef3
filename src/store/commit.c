/*
 * commit.c - storing what staging.c holds, a period at a time: the
 * committer thread wakes when a period ends, writes every item of the
 * period's submissions to the blob tree in a shuffled order, each file
 * dated (mtime and atime) at its period's start, then adds the rows in
 * one transaction, also shuffled.  A file's birth and change times are
 * then the moment of the commit, the same for the whole period, and
 * nothing on the disk orders the period's submissions.  The replies
 * sources deleted during the period go then too, after the rows.
 *
 * What it does not do: hold anything (staging.c), or say anything about
 * what it stored beyond an error.
 */
#include "store/staging_internal.h"

#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RETRY_S 60              /* after a failed store */
#define TEST_TICK_NS 50000000   /* how often a test clock is read */
#define WAIT_MAX_S 60           /* the clock is looked at again at least
                                   this often (it may be set) */
#define COPY_BUF (256 * 1024)

struct sz_committer {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	struct sz_staging *st;
	void (*tick)(void *ctx);
	void *tick_ctx;
};

/* One item of the batch: where it is held, and its blob once written. */
struct out_item {
	size_t sub;                 /* index in the batch's submissions */
	const struct held_item *held;
	char blob[SZ_BLOB_NAME_LEN + 1];   /* "" until it is in the tree */
};

struct batch {
	struct sz_stage **subs;
	size_t nsubs;
	struct sz_new_source *sources;
	size_t nsources;
	struct out_item *items;
	size_t nitems;
	struct held_delete *deletes;
	size_t ndeletes;
};

static void shuffle(void *base, size_t n, size_t size)
{
	uint8_t tmp[sizeof(struct out_item) > sizeof(struct sz_new_source) ?
		sizeof(struct out_item) : sizeof(struct sz_new_source)];
	uint8_t *a = base;
	for (size_t i = n; i > 1; i--) {
		size_t j = randombytes_uniform((uint32_t)i);
		memcpy(tmp, a + (i - 1) * size, size);
		memmove(a + (i - 1) * size, a + j * size, size);
		memcpy(a + j * size, tmp, size);
	}
}

static void batch_free(struct batch *b)
{
	free(b->subs);
	if (b->sources != NULL)
		sodium_memzero(b->sources, b->nsources * sizeof(*b->sources));
	free(b->sources);
	free(b->items);
	free(b->deletes);
	memset(b, 0, sizeof(*b));
}

/* Takes what was held of the periods before `before` (under st->mu):
 * the stages stay held, marked taken, until the batch is stored. */
static int take(struct sz_staging *st, time_t before, struct batch *b,
	struct sz_err *err)
{
	memset(b, 0, sizeof(*b));
	size_t nsubs = 0, nsrc = 0, nitems = 0, ndel = 0;
	for (size_t i = 0; i < st->nheld; i++)
		if (st->held[i]->period < before) {
			nsubs++;
			nitems += st->held[i]->nitems;
		}
	for (size_t i = 0; i < st->nsources; i++)
		nsrc += st->sources[i].period < before;
	for (size_t i = 0; i < st->ndeletes; i++)
		ndel += st->deletes[i].period < before;
	if (nsubs + nsrc + ndel == 0)
		return SZ_OK;
	b->subs = calloc(nsubs + 1, sizeof(*b->subs));
	b->sources = calloc(nsrc + 1, sizeof(*b->sources));
	b->items = calloc(nitems + 1, sizeof(*b->items));
	b->deletes = calloc(ndel + 1, sizeof(*b->deletes));
	if (b->subs == NULL || b->sources == NULL || b->items == NULL ||
	    b->deletes == NULL) {
		batch_free(b);
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < st->nheld; i++)
		if (st->held[i]->period < before) {
			st->held[i]->taken = true;
			b->subs[b->nsubs++] = st->held[i];
		}
	for (size_t i = 0; i < st->nsources; i++)
		if (st->sources[i].period < before) {
			st->sources[i].taken = true;
			b->sources[b->nsources++] = st->sources[i].row;
		}
	for (size_t i = 0; i < st->ndeletes; i++)
		if (st->deletes[i].period < before) {
			st->deletes[i].taken = true;
			b->deletes[b->ndeletes++] = st->deletes[i];
		}
	return SZ_OK;
}

/* Leaves out submissions whose source is not stored and not in this
 * batch.  Of the period just ended, they stay held for the next batch:
 * with several processes of the source face, the source may have been
 * made through another process, which stores it at its own moment of
 * this period.  Older ones are dropped with the batch: an editor deleted
 * their source while they were held, so their rows could not be stored. */
static void drop_orphans(struct sz_staging *st, struct batch *b,
	time_t before)
{
	size_t o = 0;
	for (size_t i = 0; i < b->nsubs; i++) {
		int64_t id = b->subs[i]->source_id;
		bool known = false;
		for (size_t j = 0; j < b->nsources && !known; j++)
			known = b->sources[j].id == id;
		uint8_t pk[32];
		if (!known && st->store->ops->source_public_key(st->store, id,
			    pk, NULL) == SZ_E_NOT_FOUND) {
			if (b->subs[i]->period >= before - st->period_s) {
				pthread_mutex_lock(&st->mu);
				b->subs[i]->taken = false;   /* held still */
				pthread_mutex_unlock(&st->mu);
			}
			continue;
		}
		b->subs[o++] = b->subs[i];
	}
	b->nsubs = o;
}

/* Copies a held item into a new blob, dated at its period's start, and
 * moves it into the tree. */
static int write_item(struct sz_staging *st, const struct sz_stage *s,
	struct out_item *it, uint8_t *buf, struct sz_err *err)
{
	struct sz_blob_tmp t = { .fd = -1 };
	int rc = sz_blob_create(st->blobs, &t, err);
	for (uint64_t done = 0; rc == SZ_OK && done < it->held->len;) {
		size_t want = it->held->len - done < COPY_BUF ?
			(size_t)(it->held->len - done) : COPY_BUF;
		ssize_t n = pread(s->fd, buf, want,
			(off_t)(it->held->off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			rc = sz_err_set(err, SZ_E_IO, "cannot read a held "
				"submission");
		else if (sz_blob_write(&t, buf, (size_t)n) != SZ_OK)
			rc = sz_err_set(err, SZ_E_IO, "cannot write a file: %s",
				strerror(errno));
		else
			done += (uint64_t)n;
	}
	if (rc == SZ_OK)
		rc = sz_blob_date(&t, s->period, err);
	if (rc == SZ_OK)
		rc = sz_blob_seal(&t, err);
	if (rc == SZ_OK)
		rc = sz_blob_commit(st->blobs, &t, err);
	if (rc == SZ_OK)
		memcpy(it->blob, t.name, sizeof(it->blob));
	sz_blob_abort(&t);
	return rc;
}

/* Writes every item's file, in the batch's (shuffled) order. */
static int write_files(struct sz_staging *st, struct batch *b,
	struct sz_err *err)
{
	uint8_t *buf = malloc(COPY_BUF);
	int rc = buf ? SZ_OK : sz_err_set(err, SZ_E_NOMEM, "out of memory");
	for (size_t i = 0; rc == SZ_OK && i < b->nitems; i++)
		rc = write_item(st, b->subs[b->items[i].sub], &b->items[i], buf,
			err);
	free(buf);
	return rc;
}

static int add_rows(struct sz_staging *st, const struct batch *b,
	struct sz_err *err)
{
	struct sz_batch_submission *subs = calloc(b->nsubs + 1, sizeof(*subs));
	struct sz_batch_item *items = calloc(b->nitems + 1, sizeof(*items));
	int rc = SZ_OK;
	if (subs == NULL || items == NULL) {
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < b->nsubs; i++) {
		subs[i].source_id = b->subs[i]->source_id;
		subs[i].desk = b->subs[i]->desk;
		sz_store_day(b->subs[i]->period, subs[i].day);
	}
	for (size_t i = 0; i < b->nitems; i++) {
		items[i].submission = b->items[i].sub;
		items[i].row.kind = b->items[i].held->kind;
		items[i].row.padded_size = b->items[i].held->padded;
		snprintf(items[i].row.blob, sizeof(items[i].row.blob), "%s",
			b->items[i].blob);
	}
	struct sz_batch rows = {
		.sources = b->sources, .nsources = b->nsources,
		.subs = subs, .nsubs = b->nsubs,
		.items = items, .nitems = b->nitems,
	};
	rc = st->store->ops->batch_add(st->store, &rows, err);
out:
	free(subs);
	free(items);
	return rc;
}

/* Carries out the batch's reply deletions: each row marked, its file
 * removed.  One that fails (not one already gone) is held again for the
 * next batch; the rest are done whatever happens to it. */
static void delete_replies(struct sz_staging *st, const struct batch *b)
{
	for (size_t i = 0; i < b->ndeletes; i++) {
		const struct held_delete *d = &b->deletes[i];
		char blob[SZ_STORE_BLOB_NAME_MAX + 1] = "";
		struct sz_err err;
		int rc = st->store->ops->reply_delete(st->store, d->source_id,
			d->reply_id, blob, &err);
		if (rc == SZ_OK && blob[0] != '\0')
			sz_blob_remove(st->blobs, blob, NULL);
		if (rc == SZ_OK || rc == SZ_E_NOT_FOUND)
			continue;
		fprintf(stderr, "samizdat serve: a reply's deletion waits for "
			"the next period: %s\n", err.msg);
		pthread_mutex_lock(&st->mu);
		for (size_t j = 0; j < st->ndeletes; j++)
			if (st->deletes[j].reply_id == d->reply_id &&
			    st->deletes[j].source_id == d->source_id)
				st->deletes[j].taken = false;
		pthread_mutex_unlock(&st->mu);
	}
}

/* Deletes the desks removed (closed) that no stored source chose and no
 * held submission was sent to; while an upload is being received (its
 * desk perhaps just chosen) it waits for a later batch.  A failure only
 * leaves a closed desk for the next batch to delete. */
static void purge_desks(struct sz_staging *st)
{
	int64_t held[SZ_STORE_DESKS_MAX];
	size_t n = 0;
	bool busy = false;
	pthread_mutex_lock(&st->mu);
	busy = st->receiving > 0;
	for (size_t i = 0; !busy && i < st->nheld; i++) {
		int64_t d = st->held[i]->desk;
		size_t k = 0;
		while (k < n && held[k] != d)
			k++;
		if (d == 0 || k < n)
			continue;
		if (n == SZ_STORE_DESKS_MAX)
			busy = true;   /* more desks than there can be: keep all */
		else
			held[n++] = d;
	}
	pthread_mutex_unlock(&st->mu);
	struct sz_err err;
	if (!busy && st->store->ops->desk_purge(st->store, held, n, &err) !=
	    SZ_OK)
		fprintf(stderr, "samizdat serve: closed desks not deleted (tried "
			"again after the next period): %s\n", err.msg);
}

int sz_staging_store(struct sz_staging *st, time_t before, size_t *stored,
	struct sz_err *err)
{
	struct batch b;
	*stored = 0;
	pthread_mutex_lock(&st->store_mu);
	pthread_mutex_lock(&st->mu);
	int rc = take(st, before, &b, err);
	pthread_mutex_unlock(&st->mu);
	if (rc != SZ_OK || b.nsubs + b.nsources + b.ndeletes == 0)
		goto out;
	drop_orphans(st, &b, before);
	shuffle(b.subs, b.nsubs, sizeof(*b.subs));
	shuffle(b.sources, b.nsources, sizeof(*b.sources));
	for (size_t i = 0; i < b.nsubs; i++)
		for (size_t j = 0; j < b.subs[i]->nitems; j++) {
			struct out_item *it = &b.items[b.nitems++];
			it->sub = i;
			it->held = &b.subs[i]->items[j];
		}
	shuffle(b.items, b.nitems, sizeof(*b.items));
	rc = write_files(st, &b, err);
	if (rc == SZ_OK && b.nsubs + b.nsources > 0)
		rc = add_rows(st, &b, err);
	for (size_t i = 0; rc != SZ_OK && i < b.nitems; i++)
		if (b.items[i].blob[0])
			sz_blob_remove(st->blobs, b.items[i].blob, NULL);
	if (rc == SZ_OK) {
		*stored = b.nsubs;
		delete_replies(st, &b);
	}
	pthread_mutex_lock(&st->mu);
	sz_staging_untake(st, rc == SZ_OK);
	pthread_mutex_unlock(&st->mu);
out:
	batch_free(&b);
	if (rc == SZ_OK)
		purge_desks(st);
	pthread_mutex_unlock(&st->store_mu);
	return rc;
}

/* Waits up to ns nanoseconds, or until told to stop (under c->mu). */
static void nap(struct sz_committer *c, long long ns)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)(ns / 1000000000);
	until.tv_nsec += (long)(ns % 1000000000);
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	while (!c->stop && pthread_cond_timedwait(&c->cv, &c->mu, &until) !=
		    ETIMEDOUT)
		;
}

static void *run(void *arg)
{
	struct sz_committer *c = arg;
	struct sz_staging *st = c->st;
	time_t done = 0;
	pthread_mutex_lock(&c->mu);
	while (!c->stop) {
		time_t now = sz_clock_now(st->clock);
		time_t current = sz_staging_period_of(st, now);
		struct sz_err err;
		size_t n = 0;
		pthread_mutex_unlock(&c->mu);
		if (c->tick != NULL)
			c->tick(c->tick_ctx);
		int rc = sz_staging_store(st, current, &n, &err);
		if (rc != SZ_OK)
			fprintf(stderr, "samizdat serve: could not store the "
				"submissions of an ended period (they are kept in "
				"memory; trying again in %d s): %s\n", RETRY_S,
				err.msg);
		else if (sz_clock_is_test(st->clock) && now != done)
			sz_clock_done(st->clock, done = now);
		pthread_mutex_lock(&c->mu);
		long long wait = (long long)(current + st->period_s - now);
		if (rc != SZ_OK)
			wait = RETRY_S;
		else if (wait > WAIT_MAX_S)
			wait = WAIT_MAX_S;
		nap(c, sz_clock_is_test(st->clock) ? TEST_TICK_NS :
			wait * 1000000000LL);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

int sz_committer_start(struct sz_committer **out, struct sz_staging *st,
	void (*tick)(void *ctx), void *ctx, struct sz_err *err)
{
	*out = NULL;
	struct sz_committer *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&c->cv, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&c->mu, NULL);
	c->st = st;
	c->tick = tick;
	c->tick_ctx = ctx;
	if (pthread_create(&c->th, NULL, run, c) != 0) {
		pthread_cond_destroy(&c->cv);
		pthread_mutex_destroy(&c->mu);
		free(c);
		return sz_err_set(err, SZ_E_NOMEM, "cannot start the committer");
	}
	*out = c;
	return SZ_OK;
}

void sz_committer_stop(struct sz_committer *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	c->stop = true;
	pthread_cond_signal(&c->cv);
	pthread_mutex_unlock(&c->mu);
	pthread_join(c->th, NULL);
	struct sz_err err;
	size_t n = 0;
	if (sz_staging_store(c->st, (time_t)LLONG_MAX, &n, &err) != SZ_OK)
		fprintf(stderr, "samizdat serve: could not store the "
			"submissions held in memory; they are lost: %s\n",
			err.msg);
	pthread_cond_destroy(&c->cv);
	pthread_mutex_destroy(&c->mu);
	free(c);
}
