/*
 * budget.c - attempt budgets in memory (budget.h).  Its first use, and
 * why it is shaped so: codename attempts, charged to the pre-login token
 * they come with, not to everyone at once.
 *
 * The server keeps no address to count by, so a budget shared by all
 * sources is one an attacker drains for all of them (60 wrong codenames
 * a minute used to lock every returning source out).  Instead each
 * attempt (logging in, or confirming a new codename: either costs one
 * Argon2id derivation) must bring a token from the start page, and each
 * token allows login_attempts_per_token attempts.  Tokens cost the server
 * nothing to hand out; what is limited, globally, is how many new tokens
 * may start being used per minute (login_tokens_per_min): an attacker who
 * wants to stop returning sources must bring that many fresh tokens a
 * minute, each with its own Argon2id derivation, and the derivations
 * themselves queue in a couple of slots.
 *
 * The forum's login uses the same for its form's token and for the name
 * tried, so a name that exists and one that does not run out alike.
 *
 * What it keeps: for each key used within its life, the key and a count,
 * in memory only.  The source face sizes the table for the most tokens
 * the per-minute limit lets in over a token's life, so it never has to
 * forget a token early.  Nothing says who, or what codename was tried.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "web/budget.h"

struct sz_budget_entry {
	uint8_t key[SZ_BUDGET_KEY];
	uint32_t attempts;
	time_t until;           /* monotonic seconds; 0: a free slot */
};

time_t sz_budget_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

int sz_budget_init(struct sz_budget *b, size_t cap, uint64_t per_min,
	uint64_t per_key, time_t life_s, struct sz_err *err)
{
	memset(b, 0, sizeof(*b));
	b->per_min = per_min;
	b->per_key = per_key;
	b->life_s = life_s;
	b->cap = cap;
	b->used = cap ? calloc(b->cap, sizeof(*b->used)) : NULL;
	if (b->used == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory for the "
			"login budget");
	pthread_mutex_init(&b->mu, NULL);
	return SZ_OK;
}

void sz_budget_free(struct sz_budget *b)
{
	if (b->used == NULL)
		return;
	sodium_memzero(b->used, b->cap * sizeof(*b->used));
	free(b->used);
	b->used = NULL;
	pthread_mutex_destroy(&b->mu);
}

enum sz_budget_charge sz_budget_charge(struct sz_budget *b,
	const uint8_t key[SZ_BUDGET_KEY], time_t now)
{
	if (b->store != NULL)
		return b->store->charge(b->store->ctx, key, b->per_key,
			b->per_min, b->life_s);
	return sz_budget_charge_upto(b, key, now, b->per_key);
}

enum sz_budget_charge sz_budget_charge_upto(struct sz_budget *b,
	const uint8_t key[SZ_BUDGET_KEY], time_t now, uint64_t max)
{
	enum sz_budget_charge out = SZ_CHARGE_OK;
	struct sz_budget_entry *slot = NULL, *free_slot = NULL;
	pthread_mutex_lock(&b->mu);
	for (size_t i = 0; i < b->cap && slot == NULL; i++) {
		struct sz_budget_entry *u = &b->used[i];
		if (u->until != 0 && u->until <= now)
			sodium_memzero(u, sizeof(*u));   /* its life has ended */
		if (u->until == 0) {
			if (free_slot == NULL)
				free_slot = u;
		} else if (sodium_memcmp(u->key, key, SZ_BUDGET_KEY) == 0) {
			slot = u;
		}
	}
	if (slot == NULL) {
		/* A key's first attempt: the one thing limited globally. */
		if (now - b->window >= 60)
			b->started = 0;   /* a new minute */
		if ((b->per_min && b->started >= b->per_min) || free_slot == NULL) {
			out = SZ_CHARGE_BUSY;
			goto out;
		}
		if (b->started++ == 0)
			b->window = now;
		slot = free_slot;
		memcpy(slot->key, key, SZ_BUDGET_KEY);
		slot->until = now + b->life_s;
	}
	if (slot->attempts >= max)
		out = SZ_CHARGE_SPENT;
	else
		slot->attempts++;
out:
	pthread_mutex_unlock(&b->mu);
	return out;
}

void sz_budget_refund(struct sz_budget *b, const uint8_t key[SZ_BUDGET_KEY])
{
	if (b->store != NULL) {
		b->store->refund(b->store->ctx, key);
		return;
	}
	pthread_mutex_lock(&b->mu);
	for (size_t i = 0; i < b->cap; i++) {
		struct sz_budget_entry *u = &b->used[i];
		if (u->until != 0 && u->attempts > 0 &&
		    sodium_memcmp(u->key, key, SZ_BUDGET_KEY) == 0) {
			u->attempts--;
			break;
		}
	}
	pthread_mutex_unlock(&b->mu);
}
