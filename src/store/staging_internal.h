/*
 * staging_internal.h - what staging.c (holding) and commit.c (storing)
 * share; nothing else includes it.
 */
#ifndef SZ_STORE_STAGING_INTERNAL_H
#define SZ_STORE_STAGING_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>

#include "store/item.h"
#include "store/staging.h"

struct held_item {
	enum sz_item_kind kind;
	uint64_t off, len;          /* its ciphertext in the stage's memfd */
	uint64_t padded;
};

struct sz_stage {
	int64_t source_id;
	int64_t desk;               /* its items' readers (0: every one) */
	int fd;                     /* memfd: memory, never a file system */
	uint64_t reserved, used;
	struct held_item *items;
	size_t nitems, max_items;
	struct sz_item_writer *w;   /* the item being received */
	time_t period;              /* its period's start, once whole */
	bool taken;                 /* in the batch being stored */
};

struct held_source {
	struct sz_new_source row;
	time_t period;
	bool taken;                 /* in the batch being stored */
};

/* A reply its source deleted, removed when the period ends. */
struct held_delete {
	int64_t source_id, reply_id;
	time_t period;
	bool taken;                 /* in the batch being stored */
};

struct sz_staging {
	pthread_mutex_t mu;         /* everything below */
	pthread_mutex_t store_mu;   /* one sz_staging_store at a time */
	struct sz_store *store;
	struct sz_blobs *blobs;
	struct sz_clock *clock;
	unsigned period_s;
	uint64_t cap, reserved;     /* reserved: by stages received or held */
	size_t receiving;           /* stages begun, not yet held or dropped */
	struct held_source *sources;
	size_t nsources;
	struct sz_stage **held;     /* whole, waiting for their period's end */
	size_t nheld;
	struct held_delete *deletes;
	size_t ndeletes;
};

/* The start of the period t falls in. */
time_t sz_staging_period_of(const struct sz_staging *st, time_t t);
/* Closes a stage's memfd and frees it (no accounting). */
void sz_stage_free(struct sz_stage *s);
/* Under st->mu: forgets the held submissions, sources and reply
 * deletions taken for the batch just stored (stored) or puts them back
 * (!stored). */
void sz_staging_untake(struct sz_staging *st, bool stored);

#endif
