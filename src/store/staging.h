/*
 * staging.h - submissions held in memory until their period ends, and
 * the committer that then stores a whole period at once.
 *
 * A seized disk must not tell when within a period (time_resolution_min)
 * a submission arrived.  A file's birth and change times cannot be set
 * from user space, and a database row's id and place say when it was
 * written, so nothing of a submission may be written when it arrives.
 * Its items are encrypted as they stream into memory (a memfd per
 * submission: never a file system), and when the period is over the
 * committer writes every submission of the period in one batch: files in
 * a shuffled order, dated (mtime, atime) at the period's start, then the
 * rows in one transaction, shuffled too.  Codenames made during the
 * period wait here as well, with a random id chosen when they are made,
 * since a source's row would otherwise date it.  Editors see a period's
 * submissions as soon as it ends.
 *
 * Memory is bounded by one cap for everything held (staging_mb): a
 * submission reserves room for its whole body before a byte is read, and
 * when the room is not there it is refused as busy (SZ_E_BUSY), or as too
 * large (SZ_E_LIMIT) when it could never fit.  A stop (sz_committer_stop)
 * stores everything held first; a crash loses it, by design
 * (docs/threat-model.md says why).
 *
 * What is held is ciphertext, except each item's first 64 KiB chunk while
 * it is being received (in locked memory, see item.h).  Every function
 * may be called from several threads at once.
 */
#ifndef SZ_STORE_STAGING_H
#define SZ_STORE_STAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/clock.h"
#include "core/err.h"
#include "crypto/age_keys.h"
#include "store/blobs.h"
#include "store/store.h"

#define SZ_STAGING_MAX_SOURCES 100000      /* new codenames per period */
#define SZ_STAGING_MAX_SUBMISSIONS 20000   /* held at once */
#define SZ_STAGING_MAX_DELETES 20000       /* reply deletions held */

struct sz_staging;
struct sz_stage;        /* a submission being received */
struct sz_committer;

/* Holds submissions for store and blobs, in periods of period_s seconds
 * (a divisor of a day) by clock, in at most cap bytes. */
int sz_staging_new(struct sz_staging **out, struct sz_store *store,
	struct sz_blobs *blobs, struct sz_clock *clock, unsigned period_s,
	uint64_t cap, struct sz_err *err);
/* Drops whatever is still held (stop the committer first: it stores it);
 * accepts NULL. */
void sz_staging_free(struct sz_staging *st);
/* The length of a period, in seconds. */
unsigned sz_staging_period(const struct sz_staging *st);

/* A new source, for a codename just made: SZ_E_EXISTS if its login hash
 * is taken.  *id is random and stays the source's id once stored. */
int sz_staging_source_create(struct sz_staging *st,
	const uint8_t login_hash[32], const uint8_t public_key[32],
	int64_t *id, struct sz_err *err);
/* The source of a login hash, held or stored; SZ_E_NOT_FOUND if none. */
int sz_staging_source_find(struct sz_staging *st,
	const uint8_t login_hash[32], int64_t *id, struct sz_err *err);
/* How many of a source's submissions are held. */
int64_t sz_staging_held_submissions(struct sz_staging *st,
	int64_t source_id);
/* Whether a submission of the source is held, and if so the desk it was
 * sent to (*desk): the source's first submission, held, fixes its desk
 * as a stored one would (store.h, source_desk). */
bool sz_staging_held_desk(struct sz_staging *st, int64_t source_id,
	int64_t *desk);

/* Reserves room for a submission whose body is body_bytes long, with up
 * to max_items items for nr recipients. */
int sz_stage_begin(struct sz_staging *st, int64_t source_id,
	uint64_t body_bytes, size_t max_items, size_t nr,
	struct sz_stage **out, struct sz_err *err);
/* Starts an item (store/item.h) holding a file called name. */
int sz_stage_item_begin(struct sz_stage *s, enum sz_item_kind kind,
	struct sz_age_recipient *const *r, size_t nr, const char *name,
	struct sz_err *err);
int sz_stage_item_write(struct sz_stage *s, const uint8_t *data,
	size_t len, struct sz_err *err);
int sz_stage_item_end(struct sz_stage *s, struct sz_err *err);
/* The desk the submission's items are encrypted for (0: none, the
 * default), stored with it: the store makes it its source's desk if the
 * source had sent nothing before (store.h, batch_add). */
void sz_stage_set_desk(struct sz_stage *s, int64_t desk);
/* Items begun so far. */
size_t sz_stage_items(const struct sz_stage *s);
/* The submission is whole: it is held until its period (the one it is
 * in now) ends.  Consumes s. */
void sz_stage_commit(struct sz_staging *st, struct sz_stage *s);
/* Drops a submission being received and its reservation; accepts NULL.
 * Consumes s. */
void sz_stage_abort(struct sz_staging *st, struct sz_stage *s);

/* A source deletes one of its replies: held, like a submission, until
 * the period ends, since removing its file and marking its row at once
 * would date the source's visit on the disk (the directory's and the
 * database's change times).  SZ_E_NOT_FOUND if the deletion is held
 * already, SZ_E_BUSY if too many are.  The caller has checked that the
 * reply is the source's. */
int sz_staging_reply_delete(struct sz_staging *st, int64_t source_id,
	int64_t reply_id, struct sz_err *err);
/* Whether the source's deletion of a reply is held. */
bool sz_staging_reply_deleted(struct sz_staging *st, int64_t source_id,
	int64_t reply_id);

/* Stores every submission (and new source) held whose period started
 * before `before`: all or nothing; on failure they stay held, to be
 * tried again.  *stored counts the submissions stored.  Held reply
 * deletions of those periods are carried out after them. */
int sz_staging_store(struct sz_staging *st, time_t before, size_t *stored,
	struct sz_err *err);

/* A thread that stores each period when it ends (tries again every
 * minute after a failure, saying why on stderr, never what or whose).
 * tick (if not NULL) is called with ctx each time it wakes, at least
 * once a minute: the source face wipes expired sessions there. */
int sz_committer_start(struct sz_committer **out, struct sz_staging *st,
	void (*tick)(void *ctx), void *ctx, struct sz_err *err);
/* Stops the thread, then stores everything held, whatever its period;
 * accepts NULL. */
void sz_committer_stop(struct sz_committer *c);

#endif
