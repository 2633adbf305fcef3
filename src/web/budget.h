/*
 * budget.h - attempt budgets kept in memory (budget.c), shared by the
 * faces: the source face charges codename attempts to the pre-login
 * token they come with; the forum charges login tries to the login
 * form's token and to the name tried (whether or not anyone has it), and
 * members' posts, likes and reports to the member.
 *
 * A budget holds, for each key seen within its life (a token's nonce, a
 * keyed hash of a name, a member's id), a count of attempts; a key's
 * count ends with its life, counted from its first attempt.  Optionally,
 * how many new keys may start per minute is limited (everyone together:
 * there are no addresses to count by).  Nothing is written anywhere: a
 * seized disk says nothing about who tried what, or when.
 *
 * What it does not do: decide what to answer (the caller says "try
 * later" the same way whatever the key stands for), or grow: the table
 * has a fixed number of keys, given at init, and a new key that finds it
 * full is refused (SZ_CHARGE_BUSY) until one ends.
 *
 * Ownership: struct sz_budget owns its table; sz_budget_free wipes and
 * frees it.  Thread-safe.
 */
#ifndef SZ_WEB_BUDGET_H
#define SZ_WEB_BUDGET_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/err.h"

#define SZ_BUDGET_KEY 16       /* bytes of a key */

struct sz_budget_entry;

struct sz_budget_store;

struct sz_budget {
	pthread_mutex_t mu;
	/* NULL: the table below; else every charge and refund goes to it */
	const struct sz_budget_store *store;
	struct sz_budget_entry *used;   /* keys in their life, with counts */
	size_t cap;
	uint64_t per_min;          /* new keys a minute; 0: no limit */
	uint64_t per_key;          /* attempts per key in its life */
	time_t life_s;
	time_t window;             /* the minute new keys are counted in */
	uint64_t started;          /* keys first used in it */
};

enum sz_budget_charge {
	SZ_CHARGE_OK,      /* go on: one attempt taken */
	SZ_CHARGE_SPENT,   /* this key has had its attempts */
	SZ_CHARGE_BUSY,    /* too many new keys this minute, or no room */
};

/* A budget shared by every process of a face (store/sessions.h keeps one
 * in PostgreSQL): charge and refund as below, on wall-clock time; a store
 * that cannot be reached answers SZ_CHARGE_BUSY (and the face 503). */
struct sz_budget_store {
	enum sz_budget_charge (*charge)(void *ctx,
		const uint8_t key[SZ_BUDGET_KEY], uint64_t per_key,
		uint64_t per_min, time_t life_s);
	void (*refund)(void *ctx, const uint8_t key[SZ_BUDGET_KEY]);
	/* Use budgets counted in fixed windows of window_s seconds (the UTC
	 * day, hour or minute: the store keeps the window's number, never a
	 * finer time), each kind (what, below SZ_BUDGET_STORE_KINDS) apart:
	 * spend takes one use of at most max in the window. */
	enum sz_budget_charge (*spend)(void *ctx, int what,
		const uint8_t key[SZ_BUDGET_KEY], time_t window_s, uint64_t max);
	void *ctx;
};
#define SZ_BUDGET_STORE_KINDS 8

/* cap keys at most, each good for per_key attempts over life_s seconds;
 * per_min new keys a minute at most (0: no limit but cap). */
int sz_budget_init(struct sz_budget *b, size_t cap, uint64_t per_min,
	uint64_t per_key, time_t life_s, struct sz_err *err);
void sz_budget_free(struct sz_budget *b);
/* Takes one attempt from key; now is monotonic seconds. */
enum sz_budget_charge sz_budget_charge(struct sz_budget *b,
	const uint8_t key[SZ_BUDGET_KEY], time_t now);
/* The same, with this key's attempts limited to max rather than
 * per_key (a member's limit depends on their trust level). */
enum sz_budget_charge sz_budget_charge_upto(struct sz_budget *b,
	const uint8_t key[SZ_BUDGET_KEY], time_t now, uint64_t max);
/* Gives one back: the attempt could not be made. */
void sz_budget_refund(struct sz_budget *b, const uint8_t key[SZ_BUDGET_KEY]);
/* Whether key has had its attempts, without taking one; true too for a
 * key not counted yet that would find the table full (whatever cannot be
 * counted is treated as spent). */
bool sz_budget_over(struct sz_budget *b, const uint8_t key[SZ_BUDGET_KEY],
	time_t now);
/* Monotonic seconds, for now above. */
time_t sz_budget_now(void);

#endif
