/*
 * budget.c - codename attempts, charged to the pre-login token they come
 * with, not to everyone at once.
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
 * What it keeps: for each token used in the last SZ_WEB_PRE_TOKEN_MIN
 * minutes, its random nonce and a count, in memory only.  The table is
 * sized for the most tokens the per-minute limit lets in over a token's
 * life, so it never has to forget a token early.  Nothing says who, or
 * what codename was tried.
 */
#include <sodium.h>
#include <string.h>

#include "web/source/source.h"

struct sz_source_used_token {
	uint8_t nonce[SZ_WEB_PRE_NONCE];
	uint32_t attempts;
	time_t until;           /* monotonic seconds; 0: a free slot */
};

int sz_source_budget_init(struct sz_source_budget *b, uint64_t per_min,
	uint64_t per_token, struct sz_err *err)
{
	memset(b, 0, sizeof(*b));
	b->per_min = per_min;
	b->per_token = per_token;
	b->cap = (size_t)per_min * (SZ_WEB_PRE_TOKEN_MIN + 1);
	b->used = calloc(b->cap, sizeof(*b->used));
	if (b->used == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory for the "
			"login budget");
	pthread_mutex_init(&b->mu, NULL);
	return SZ_OK;
}

void sz_source_budget_free(struct sz_source_budget *b)
{
	if (b->used == NULL)
		return;
	sodium_memzero(b->used, b->cap * sizeof(*b->used));
	free(b->used);
	b->used = NULL;
	pthread_mutex_destroy(&b->mu);
}

enum sz_source_charge sz_source_budget_charge(struct sz_source_budget *b,
	const uint8_t nonce[SZ_WEB_PRE_NONCE], time_t now)
{
	enum sz_source_charge out = SZ_CHARGE_OK;
	struct sz_source_used_token *slot = NULL, *free_slot = NULL;
	pthread_mutex_lock(&b->mu);
	for (size_t i = 0; i < b->cap && slot == NULL; i++) {
		struct sz_source_used_token *u = &b->used[i];
		if (u->until != 0 && u->until <= now)
			memset(u, 0, sizeof(*u));   /* its token has expired */
		if (u->until == 0) {
			if (free_slot == NULL)
				free_slot = u;
		} else if (sodium_memcmp(u->nonce, nonce,
			    SZ_WEB_PRE_NONCE) == 0) {
			slot = u;
		}
	}
	if (slot == NULL) {
		/* A token's first attempt: the one thing limited globally. */
		if (now - b->window >= 60)
			b->started = 0;   /* a new minute */
		if (b->started >= b->per_min || free_slot == NULL) {
			out = SZ_CHARGE_BUSY;
			goto out;
		}
		if (b->started++ == 0)
			b->window = now;
		slot = free_slot;
		memcpy(slot->nonce, nonce, SZ_WEB_PRE_NONCE);
		slot->until = now + (time_t)SZ_WEB_PRE_TOKEN_MIN * 60 + 60;
	}
	if (slot->attempts >= b->per_token)
		out = SZ_CHARGE_SPENT;
	else
		slot->attempts++;
out:
	pthread_mutex_unlock(&b->mu);
	return out;
}

void sz_source_budget_refund(struct sz_source_budget *b,
	const uint8_t nonce[SZ_WEB_PRE_NONCE])
{
	pthread_mutex_lock(&b->mu);
	for (size_t i = 0; i < b->cap; i++) {
		struct sz_source_used_token *u = &b->used[i];
		if (u->until != 0 && u->attempts > 0 &&
		    sodium_memcmp(u->nonce, nonce, SZ_WEB_PRE_NONCE) == 0) {
			u->attempts--;
			break;
		}
	}
	pthread_mutex_unlock(&b->mu);
}
