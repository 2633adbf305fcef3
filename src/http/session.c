/* session.c - the in-memory session table (a bounded array; linear search
 * is cheap at these sizes and keeps the code obvious).  A table given a
 * store hands every operation to session_store.c instead. */
#include "http/session_internal.h"

#include <sodium.h>
#include <string.h>

static time_t now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static time_t wall_s(void)
{
	return time(NULL);
}

void sz_sessions_use_store(struct sz_sessions *t,
	const struct sz_session_store *store)
{
	pthread_mutex_lock(&t->mu);   /* the source face's committer sweeps */
	t->store = store;
	pthread_mutex_unlock(&t->mu);
}

int sz_sessions_init(struct sz_sessions *t, size_t cap, unsigned idle_s,
	struct sz_err *err)
{
	t->v = sodium_allocarray(cap, sizeof(*t->v));
	if (t->v == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory for sessions");
	memset(t->v, 0, cap * sizeof(*t->v));
	t->cap = cap;
	t->idle_s = idle_s;
	t->evict_logged_in = false;
	t->per_user_max = 0;
	t->swept = 0;
	t->uses = 0;
	t->now = now_s;
	t->store = NULL;
	t->wall = wall_s;
	pthread_mutex_init(&t->mu, NULL);
	return SZ_OK;
}

void sz_sessions_free(struct sz_sessions *t)
{
	if (t->v == NULL)
		return;
	sodium_free(t->v);
	t->v = NULL;
	pthread_mutex_destroy(&t->mu);
}

static void token(char out[SZ_SESSION_TOKEN_LEN + 1], const uint8_t *bin)
{
	sodium_bin2base64(out, SZ_SESSION_TOKEN_LEN + 1, bin, 32,
		sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void sz_session_cookie(const struct sz_session *s,
	char out[SZ_SESSION_TOKEN_LEN + 1])
{
	token(out, s->id);
}

static bool expired(const struct sz_sessions *t, const struct sz_session *s,
	time_t now)
{
	return now - s->last_used > (time_t)t->idle_s;
}

/* Under the lock: wipes every expired session (a logged-in source's
 * secret key included), at most once a second. */
static void sweep(struct sz_sessions *t, time_t now)
{
	if (t->swept == now)
		return;
	t->swept = now;
	for (size_t i = 0; i < t->cap; i++)
		if (t->v[i].in_use && expired(t, &t->v[i], now))
			sodium_memzero(&t->v[i], sizeof(t->v[i]));
}

/* Under the lock: the slot of id, or NULL. */
static struct sz_session *find(struct sz_sessions *t, const uint8_t *id)
{
	for (size_t i = 0; i < t->cap; i++)
		if (t->v[i].in_use && sodium_memcmp(t->v[i].id, id,
			    SZ_SESSION_ID_SIZE) == 0)
			return &t->v[i];
	return NULL;
}

bool sz_session_get(struct sz_sessions *t, const char *cookie,
	struct sz_session *copy)
{
	uint8_t id[SZ_SESSION_ID_SIZE];
	size_t len = 0;
	sodium_memzero(copy, sizeof(*copy));   /* read whatever we answer */
	if (cookie == NULL || strlen(cookie) != SZ_SESSION_TOKEN_LEN ||
	    sodium_base642bin(id, sizeof(id), cookie, SZ_SESSION_TOKEN_LEN,
		    NULL, &len, NULL,
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len != sizeof(id))
		return false;
	if (t->store != NULL) {
		bool found = sz_store_session_get(t, id, copy);
		sodium_memzero(id, sizeof(id));
		return found;
	}
	bool ok = false;
	time_t now = t->now();
	pthread_mutex_lock(&t->mu);
	sweep(t, now);
	struct sz_session *s = find(t, id);
	if (s != NULL && expired(t, s, now)) {
		sodium_memzero(s, sizeof(*s));
	} else if (s != NULL) {
		s->last_used = now;
		s->use = ++t->uses;
		*copy = *s;
		ok = true;
	}
	pthread_mutex_unlock(&t->mu);
	return ok;
}

int sz_session_new(struct sz_sessions *t, struct sz_session *copy,
	struct sz_err *err)
{
	if (t->store != NULL)
		return sz_store_session_new(t, copy, err);
	time_t now = t->now();
	uint8_t csrf[32];
	pthread_mutex_lock(&t->mu);
	sweep(t, now);
	struct sz_session *slot = NULL, *oldest_anon = NULL, *oldest = NULL;
	for (size_t i = 0; i < t->cap && slot == NULL; i++) {
		struct sz_session *s = &t->v[i];
		if (!s->in_use || expired(t, s, now))
			slot = s;
		else if (s->user_id == 0 && (oldest_anon == NULL ||
			    s->use < oldest_anon->use))
			oldest_anon = s;
		else if (s->user_id != 0 && (oldest == NULL ||
			    s->use < oldest->use))
			oldest = s;
	}
	if (slot == NULL)
		slot = oldest_anon;
	if (slot == NULL && t->evict_logged_in)
		slot = oldest;
	if (slot == NULL) {
		pthread_mutex_unlock(&t->mu);
		return sz_err_set(err, SZ_E_LIMIT, "too many sessions");
	}
	sodium_memzero(slot, sizeof(*slot));
	randombytes_buf(slot->id, sizeof(slot->id));
	randombytes_buf(csrf, sizeof(csrf));
	token(slot->csrf, csrf);
	slot->in_use = true;
	slot->last_used = now;
	slot->use = ++t->uses;
	*copy = *slot;
	pthread_mutex_unlock(&t->mu);
	return SZ_OK;
}

/* Under the lock: as s becomes user_id's, ends that user's other
 * sessions idle longest until at most per_user_max remain with s. */
static void cap_user(struct sz_sessions *t, int64_t user_id,
	const struct sz_session *s)
{
	if (user_id == 0 || t->per_user_max == 0)
		return;
	for (;;) {
		size_t n = 1;
		struct sz_session *oldest = NULL;
		for (size_t i = 0; i < t->cap; i++) {
			struct sz_session *o = &t->v[i];
			if (o == s || !o->in_use || o->user_id != user_id)
				continue;
			n++;
			if (oldest == NULL || o->use < oldest->use)
				oldest = o;
		}
		if (n <= t->per_user_max || oldest == NULL)
			return;
		sodium_memzero(oldest, sizeof(*oldest));
	}
}

bool sz_session_put(struct sz_sessions *t, const struct sz_session *copy)
{
	if (t->store != NULL)
		return sz_store_session_put(t, copy);
	pthread_mutex_lock(&t->mu);
	struct sz_session *s = find(t, copy->id);
	if (s != NULL && copy->user_id != s->user_id)
		cap_user(t, copy->user_id, s);
	if (s != NULL) {
		uint64_t use = s->use;   /* the copy's may be older */
		*s = *copy;
		s->use = use;
	}
	pthread_mutex_unlock(&t->mu);
	return s != NULL;
}

bool sz_session_renew(struct sz_sessions *t, struct sz_session *copy)
{
	if (t->store != NULL)
		return sz_store_session_renew(t, copy);
	pthread_mutex_lock(&t->mu);
	struct sz_session *s = find(t, copy->id);
	if (s != NULL) {
		if (copy->user_id != s->user_id)
			cap_user(t, copy->user_id, s);
		randombytes_buf(copy->id, sizeof(copy->id));
		uint64_t use = s->use;
		*s = *copy;
		s->use = use;
	}
	pthread_mutex_unlock(&t->mu);
	return s != NULL;
}

void sz_session_drop(struct sz_sessions *t, const struct sz_session *copy)
{
	if (t->store != NULL) {
		sz_store_session_drop(t, copy);
		return;
	}
	pthread_mutex_lock(&t->mu);
	struct sz_session *s = find(t, copy->id);
	if (s != NULL)
		sodium_memzero(s, sizeof(*s));
	pthread_mutex_unlock(&t->mu);
}

void sz_sessions_drop_user(struct sz_sessions *t, int64_t user_id,
	const struct sz_session *keep)
{
	if (user_id == 0)
		return;
	if (t->store != NULL) {
		sz_store_sessions_drop_user(t, user_id, keep);
		return;
	}
	pthread_mutex_lock(&t->mu);
	for (size_t i = 0; i < t->cap; i++)
		if (t->v[i].in_use && t->v[i].user_id == user_id && (keep == NULL ||
		    sodium_memcmp(t->v[i].id, keep->id, SZ_SESSION_ID_SIZE) != 0))
			sodium_memzero(&t->v[i], sizeof(t->v[i]));
	pthread_mutex_unlock(&t->mu);
}

bool sz_session_csrf_ok(const struct sz_session *s, const char *tok)
{
	if (tok == NULL || strlen(tok) != SZ_SESSION_TOKEN_LEN)
		return false;
	return sodium_memcmp(s->csrf, tok, SZ_SESSION_TOKEN_LEN) == 0;
}

void sz_sessions_sweep(struct sz_sessions *t)
{
	pthread_mutex_lock(&t->mu);   /* set while the committer runs */
	bool stored = t->store != NULL;
	pthread_mutex_unlock(&t->mu);
	if (stored) {
		sz_store_sessions_sweep(t);
		return;
	}
	time_t now = t->now();
	pthread_mutex_lock(&t->mu);
	for (size_t i = 0; i < t->cap; i++)
		if (t->v[i].in_use && expired(t, &t->v[i], now))
			sodium_memzero(&t->v[i], sizeof(t->v[i]));
	pthread_mutex_unlock(&t->mu);
}
