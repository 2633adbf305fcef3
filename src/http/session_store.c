/*
 * session_store.c - sessions kept in a shared store (session.h): each
 * row sealed with XChaCha20-Poly1305 under a key derived from the
 * session key, found by a keyed BLAKE2b hash of the cookie's id, its
 * user a keyed hash too, its expiry a coarse bucket.
 *
 * It does not talk to any database (the store's ops do, e.g.
 * store/postgres_sessions.c), nor read the session key (session_key.c).
 * What goes in a row: the CSRF token, the user's id, the source's secret
 * key, the data (a codename being shown) and a source's count of
 * submissions, all sealed; plaintext is
 * wiped from every buffer before it is left.
 */
#include "http/session_internal.h"

#include <sodium.h>
#include <string.h>

/* Whether the calling thread's last store operation failed to reach the
 * store (read by sz_sessions_down on the same request's thread). */
static _Thread_local bool down;

#define KDF_CONTEXT "szsessn1"
enum { KEY_ROW = 1, KEY_USER = 2, KEY_SEAL = 3 };

bool sz_sessions_down(struct sz_sessions *t)
{
	return t->store != NULL && down;
}

static void subkey(const struct sz_session_store *s, int which,
	uint8_t out[32])
{
	crypto_kdf_derive_from_key(out, 32, (uint64_t)which, KDF_CONTEXT,
		s->key);
}

/* The row's key: BLAKE2b, under its own key, of the face and the id. */
static void row_hash(const struct sz_session_store *s, const uint8_t *id,
	uint8_t out[SZ_SESSION_HASH_SIZE])
{
	uint8_t k[32], in[1 + SZ_SESSION_ID_SIZE];
	subkey(s, KEY_ROW, k);
	in[0] = (uint8_t)s->kind;
	memcpy(in + 1, id, SZ_SESSION_ID_SIZE);
	crypto_generichash(out, SZ_SESSION_HASH_SIZE, in, sizeof(in), k,
		sizeof(k));
	sodium_memzero(k, sizeof(k));
	sodium_memzero(in, sizeof(in));
}

/* The user's: the same, of the face and the user's id. */
static void user_hash(const struct sz_session_store *s, int64_t user_id,
	uint8_t out[SZ_SESSION_USER_HASH_SIZE])
{
	uint8_t k[32], in[9];
	subkey(s, KEY_USER, k);
	in[0] = (uint8_t)s->kind;
	for (int i = 0; i < 8; i++)
		in[1 + i] = (uint8_t)((uint64_t)user_id >> (8 * i));
	crypto_generichash(out, SZ_SESSION_USER_HASH_SIZE, in, sizeof(in), k,
		sizeof(k));
	sodium_memzero(k, sizeof(k));
}

/* The additional data a row is sealed with: the face and the row's key,
 * so a row copied under another key or face does not open. */
static void ad_of(const struct sz_session_store *s, const uint8_t *hid,
	uint8_t ad[1 + SZ_SESSION_HASH_SIZE])
{
	ad[0] = (uint8_t)s->kind;
	memcpy(ad + 1, hid, SZ_SESSION_HASH_SIZE);
}

static void seal(const struct sz_session_store *s, const uint8_t *hid,
	const struct sz_session *c, uint8_t out[SZ_SESSION_SEALED_SIZE])
{
	uint8_t plain[SZ_SESSION_PLAIN_SIZE], k[32];
	uint8_t ad[1 + SZ_SESSION_HASH_SIZE];
	uint8_t *p = plain;
	memcpy(p, c->csrf, SZ_SESSION_TOKEN_LEN);
	p += SZ_SESSION_TOKEN_LEN;
	for (int i = 0; i < 8; i++)
		*p++ = (uint8_t)((uint64_t)c->user_id >> (8 * i));
	*p++ = c->has_secret ? 1 : 0;
	memcpy(p, c->secret, 32);
	p += 32;
	memcpy(p, c->data, SZ_SESSION_DATA_MAX);
	p += SZ_SESSION_DATA_MAX;
	for (int i = 0; i < 8; i++)
		*p++ = (uint8_t)((uint64_t)c->sent_floor >> (8 * i));
	subkey(s, KEY_SEAL, k);
	ad_of(s, hid, ad);
	randombytes_buf(out, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + 24, NULL, plain,
		sizeof(plain), ad, sizeof(ad), NULL, out, k);
	sodium_memzero(plain, sizeof(plain));
	sodium_memzero(k, sizeof(k));
}

static bool unseal(const struct sz_session_store *s, const uint8_t *hid,
	const uint8_t in[SZ_SESSION_SEALED_SIZE], struct sz_session *c)
{
	uint8_t plain[SZ_SESSION_PLAIN_SIZE], k[32];
	uint8_t ad[1 + SZ_SESSION_HASH_SIZE];
	subkey(s, KEY_SEAL, k);
	ad_of(s, hid, ad);
	bool ok = crypto_aead_xchacha20poly1305_ietf_decrypt(plain, NULL,
		NULL, in + 24, SZ_SESSION_SEALED_SIZE - 24, ad, sizeof(ad), in,
		k) == 0;
	sodium_memzero(k, sizeof(k));
	if (ok) {
		const uint8_t *p = plain;
		memcpy(c->csrf, p, SZ_SESSION_TOKEN_LEN);
		c->csrf[SZ_SESSION_TOKEN_LEN] = '\0';
		p += SZ_SESSION_TOKEN_LEN;
		uint64_t u = 0;
		for (int i = 0; i < 8; i++)
			u |= (uint64_t)*p++ << (8 * i);
		c->user_id = (int64_t)u;
		c->has_secret = *p++ != 0;
		memcpy(c->secret, p, 32);
		p += 32;
		memcpy(c->data, p, SZ_SESSION_DATA_MAX);
		c->data[SZ_SESSION_DATA_MAX - 1] = '\0';
		p += SZ_SESSION_DATA_MAX;
		u = 0;
		for (int i = 0; i < 8; i++)
			u |= (uint64_t)*p++ << (8 * i);
		c->sent_floor = (int64_t)u;
		c->in_use = true;
	}
	sodium_memzero(plain, sizeof(plain));
	return ok;
}

static int64_t bucket_now(struct sz_sessions *t)
{
	return (int64_t)t->wall() / SZ_SESSION_BUCKET_S;
}

/* The expiry a use now gives: idle_s from now, rounded up to a bucket. */
static int64_t expiry(struct sz_sessions *t)
{
	return ((int64_t)t->wall() + (int64_t)t->idle_s) /
		SZ_SESSION_BUCKET_S + 1;
}

/* Notes whether an operation reached the store. */
static bool reached(int rc)
{
	down = rc != SZ_OK && rc != SZ_E_NOT_FOUND && rc != SZ_E_LIMIT;
	return rc == SZ_OK;
}

bool sz_store_session_get(struct sz_sessions *t, const uint8_t *id,
	struct sz_session *copy)
{
	const struct sz_session_store *s = t->store;
	uint8_t hid[SZ_SESSION_HASH_SIZE], sealed[SZ_SESSION_SEALED_SIZE];
	int64_t expires = 0, want = expiry(t);
	struct sz_err err;
	row_hash(s, id, hid);
	if (!reached(s->ops->load(s->ctx, hid, bucket_now(t), sealed, &expires,
		    &err)))
		return false;
	bool ok = unseal(s, hid, sealed, copy);
	sodium_memzero(sealed, sizeof(sealed));
	if (!ok)
		return false;   /* not sealed under this key: as if absent */
	memcpy(copy->id, id, SZ_SESSION_ID_SIZE);
	copy->last_used = t->now();
	/* a use moves the expiry on only when it crosses into a later
	 * bucket: at most one write a bucket, and no finer time */
	if (want > expires && !reached(s->ops->touch(s->ctx, hid, want,
		    &err))) {
		sodium_memzero(copy, sizeof(*copy));
		return false;
	}
	return true;
}

int sz_store_session_new(struct sz_sessions *t, struct sz_session *copy,
	struct sz_err *err)
{
	const struct sz_session_store *s = t->store;
	uint8_t hid[SZ_SESSION_HASH_SIZE], sealed[SZ_SESSION_SEALED_SIZE];
	uint8_t csrf[32];
	sodium_memzero(copy, sizeof(*copy));
	randombytes_buf(copy->id, sizeof(copy->id));
	randombytes_buf(csrf, sizeof(csrf));
	sodium_bin2base64(copy->csrf, sizeof(copy->csrf), csrf, sizeof(csrf),
		sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	copy->in_use = true;
	copy->last_used = t->now();
	row_hash(s, copy->id, hid);
	seal(s, hid, copy, sealed);
	int rc = s->ops->insert(s->ctx, hid, NULL, sealed, expiry(t), t->cap,
		t->evict_logged_in, bucket_now(t), err);
	reached(rc);
	if (rc == SZ_E_LIMIT)
		rc = sz_err_set(err, SZ_E_LIMIT, "too many sessions");
	if (rc != SZ_OK)
		sodium_memzero(copy, sizeof(*copy));
	return rc;
}

/* Writes copy back under new_id (its own id or a new one). */
static bool replace(struct sz_sessions *t, const struct sz_session *copy,
	const uint8_t *new_id)
{
	const struct sz_session_store *s = t->store;
	uint8_t old[SZ_SESSION_HASH_SIZE], hid[SZ_SESSION_HASH_SIZE];
	uint8_t uh[SZ_SESSION_USER_HASH_SIZE], sealed[SZ_SESSION_SEALED_SIZE];
	struct sz_err err;
	row_hash(s, copy->id, old);
	row_hash(s, new_id, hid);
	if (copy->user_id != 0)
		user_hash(s, copy->user_id, uh);
	seal(s, hid, copy, sealed);
	return reached(s->ops->replace(s->ctx, old, hid,
		copy->user_id != 0 ? uh : NULL, sealed, expiry(t),
		t->per_user_max, &err));
}

bool sz_store_session_put(struct sz_sessions *t,
	const struct sz_session *copy)
{
	return replace(t, copy, copy->id);
}

bool sz_store_session_renew(struct sz_sessions *t, struct sz_session *copy)
{
	uint8_t id[SZ_SESSION_ID_SIZE];
	randombytes_buf(id, sizeof(id));
	bool ok = replace(t, copy, id);
	if (ok)
		memcpy(copy->id, id, sizeof(id));
	sodium_memzero(id, sizeof(id));
	return ok;
}

void sz_store_session_drop(struct sz_sessions *t,
	const struct sz_session *copy)
{
	const struct sz_session_store *s = t->store;
	uint8_t hid[SZ_SESSION_HASH_SIZE];
	struct sz_err err;
	row_hash(s, copy->id, hid);
	reached(s->ops->drop(s->ctx, hid, &err));
}

void sz_store_sessions_drop_user(struct sz_sessions *t, int64_t user_id,
	const struct sz_session *keep)
{
	const struct sz_session_store *s = t->store;
	uint8_t uh[SZ_SESSION_USER_HASH_SIZE], hid[SZ_SESSION_HASH_SIZE];
	struct sz_err err;
	user_hash(s, user_id, uh);
	if (keep != NULL)
		row_hash(s, keep->id, hid);
	reached(s->ops->drop_user(s->ctx, uh, keep != NULL ? hid : NULL,
		&err));
}

void sz_store_sessions_sweep(struct sz_sessions *t)
{
	struct sz_err err;
	reached(t->store->ops->sweep(t->store->ctx, bucket_now(t), &err));
}
