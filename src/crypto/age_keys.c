/*
 * age_keys.c - X25519 and scrypt recipients and identities (C2SP age.md,
 * "X25519 recipient stanza", "scrypt recipient stanza").
 *
 * A shared secret of all zeros (a low-order or identity share) is refused
 * as the specification requires: it would let an attacker who controls
 * the share know the wrapping key.  Key structs come from sodium_malloc so
 * secrets are locked in memory where possible and wiped when freed.
 */
#include "crypto/age_keys.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/bech32.h"
#include "crypto/hkdf.h"

#define X25519_LABEL "age-encryption.org/v1/X25519"
#define SCRYPT_LABEL "age-encryption.org/v1/scrypt"
#define SCRYPT_SALT_SIZE 16

enum key_type { KEY_X25519, KEY_SCRYPT };

struct sz_age_recipient {
	enum key_type type;
	uint8_t pk[crypto_scalarmult_BYTES];
	int work_factor;
	size_t pass_len;
	char pass[SZ_AGE_MAX_PASSPHRASE];
};

struct sz_age_identity {
	enum key_type type;
	uint8_t sk[crypto_scalarmult_SCALARBYTES];
	uint8_t pk[crypto_scalarmult_BYTES];
	bool have_pass;
	size_t pass_len;
	char pass[SZ_AGE_MAX_PASSPHRASE];
	sz_age_ask_fn ask;
	void *ask_ctx;
};

static void *secure_zalloc(size_t n)
{
	void *p = sodium_malloc(n);
	if (p != NULL)
		memset(p, 0, n);
	return p;
}

int sz_age_recipient_parse(const char *s, struct sz_age_recipient **out,
	struct sz_err *err)
{
	char hrp[32];
	uint8_t data[64];
	size_t len = 0;
	*out = NULL;
	if (sz_bech32_decode(s, hrp, sizeof(hrp), data, &len, sizeof(data)) != 0
	    || strcmp(hrp, "age") != 0 || len != crypto_scalarmult_BYTES)
		return sz_err_set(err, SZ_E_INVAL,
			"\"%.80s\" is not an age recipient (age1…)", s);
	struct sz_age_recipient *r = secure_zalloc(sizeof(*r));
	if (r == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	r->type = KEY_X25519;
	memcpy(r->pk, data, sizeof(r->pk));
	*out = r;
	return SZ_OK;
}

int sz_age_recipient_from_key(const uint8_t key[32],
	struct sz_age_recipient **out, struct sz_err *err)
{
	struct sz_age_recipient *r = secure_zalloc(sizeof(*r));
	*out = NULL;
	if (r == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	r->type = KEY_X25519;
	memcpy(r->pk, key, sizeof(r->pk));
	*out = r;
	return SZ_OK;
}

int sz_age_recipient_passphrase(const char *pass, size_t len,
	int work_factor, struct sz_age_recipient **out, struct sz_err *err)
{
	*out = NULL;
	if (len == 0 || len > SZ_AGE_MAX_PASSPHRASE)
		return sz_err_set(err, SZ_E_INVAL,
			"a passphrase must have 1 to %d bytes",
			SZ_AGE_MAX_PASSPHRASE);
	if (work_factor <= 0)
		work_factor = SZ_AGE_SCRYPT_WORK_FACTOR;
	if (work_factor > SZ_AGE_SCRYPT_MAX_WORK_FACTOR)
		return sz_err_set(err, SZ_E_INVAL,
			"the scrypt work factor must be at most %d",
			SZ_AGE_SCRYPT_MAX_WORK_FACTOR);
	struct sz_age_recipient *r = secure_zalloc(sizeof(*r));
	if (r == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	r->type = KEY_SCRYPT;
	r->work_factor = work_factor;
	memcpy(r->pass, pass, len);
	r->pass_len = len;
	*out = r;
	return SZ_OK;
}

int sz_age_recipient_format(const struct sz_age_recipient *r,
	char out[SZ_AGE_RECIPIENT_STR_SIZE])
{
	if (r->type != KEY_X25519)
		return -1;
	return sz_bech32_encode("age", r->pk, sizeof(r->pk), false, out,
		SZ_AGE_RECIPIENT_STR_SIZE);
}

int sz_age_recipient_is_passphrase(const struct sz_age_recipient *r)
{
	return r->type == KEY_SCRYPT;
}

void sz_age_recipient_free(struct sz_age_recipient *r)
{
	if (r != NULL)
		sodium_free(r);
}

static int identity_from_secret(const uint8_t sk[32],
	struct sz_age_identity **out, struct sz_err *err)
{
	struct sz_age_identity *id = secure_zalloc(sizeof(*id));
	if (id == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	id->type = KEY_X25519;
	memcpy(id->sk, sk, sizeof(id->sk));
	crypto_scalarmult_base(id->pk, id->sk);
	*out = id;
	return SZ_OK;
}

static int identity_from_secret(const uint8_t sk[32],
	struct sz_age_identity **out, struct sz_err *err);

int sz_age_identity_from_key(const uint8_t key[32],
	struct sz_age_identity **out, struct sz_err *err)
{
	*out = NULL;
	return identity_from_secret(key, out, err);
}

int sz_age_identity_generate(struct sz_age_identity **out, struct sz_err *err)
{
	uint8_t sk[crypto_scalarmult_SCALARBYTES];
	randombytes_buf(sk, sizeof(sk));
	int rc = identity_from_secret(sk, out, err);
	sodium_memzero(sk, sizeof(sk));
	return rc;
}

int sz_age_identity_parse(const char *s, struct sz_age_identity **out,
	struct sz_err *err)
{
	char hrp[32];
	uint8_t data[64];
	size_t len = 0;
	*out = NULL;
	int ok = sz_bech32_decode(s, hrp, sizeof(hrp), data, &len,
			sizeof(data)) == 0 &&
		strcmp(hrp, "age-secret-key-") == 0 &&
		len == crypto_scalarmult_SCALARBYTES;
	int rc = ok ? identity_from_secret(data, out, err) :
		/* Never echo the string: it may be a mistyped secret. */
		sz_err_set(err, SZ_E_INVAL,
			"not an age identity (AGE-SECRET-KEY-1…)");
	sodium_memzero(data, sizeof(data));
	return rc;
}

int sz_age_identity_format(const struct sz_age_identity *id,
	char out[SZ_AGE_IDENTITY_STR_SIZE])
{
	if (id->type != KEY_X25519)
		return -1;
	return sz_bech32_encode("AGE-SECRET-KEY-", id->sk, sizeof(id->sk),
		true, out, SZ_AGE_IDENTITY_STR_SIZE);
}

int sz_age_identity_recipient(const struct sz_age_identity *id,
	struct sz_age_recipient **out, struct sz_err *err)
{
	*out = NULL;
	if (id->type != KEY_X25519)
		return sz_err_set(err, SZ_E_INVAL,
			"a passphrase has no recipient");
	struct sz_age_recipient *r = secure_zalloc(sizeof(*r));
	if (r == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	r->type = KEY_X25519;
	memcpy(r->pk, id->pk, sizeof(r->pk));
	*out = r;
	return SZ_OK;
}

int sz_age_identity_passphrase(const char *pass, size_t len,
	sz_age_ask_fn ask, void *ask_ctx, struct sz_age_identity **out,
	struct sz_err *err)
{
	*out = NULL;
	if (pass != NULL && (len == 0 || len > SZ_AGE_MAX_PASSPHRASE))
		return sz_err_set(err, SZ_E_INVAL,
			"a passphrase must have 1 to %d bytes",
			SZ_AGE_MAX_PASSPHRASE);
	struct sz_age_identity *id = secure_zalloc(sizeof(*id));
	if (id == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	id->type = KEY_SCRYPT;
	if (pass != NULL) {
		memcpy(id->pass, pass, len);
		id->pass_len = len;
		id->have_pass = true;
	}
	id->ask = ask;
	id->ask_ctx = ask_ctx;
	*out = id;
	return SZ_OK;
}

void sz_age_identity_free(struct sz_age_identity *id)
{
	if (id != NULL)
		sodium_free(id);
}

/* The wrapping key and the AEAD over the 16-byte file key, shared by both
 * stanza types: a zero nonce is safe because each key is used once. */
static void seal_file_key(const uint8_t key[32],
	const uint8_t file_key[SZ_AGE_FILE_KEY_SIZE], uint8_t body[32])
{
	static const uint8_t nonce[12];
	crypto_aead_chacha20poly1305_ietf_encrypt(body, NULL, file_key,
		SZ_AGE_FILE_KEY_SIZE, NULL, 0, NULL, nonce, key);
}

static int open_file_key(const uint8_t key[32], const uint8_t *body,
	size_t body_len, uint8_t file_key[SZ_AGE_FILE_KEY_SIZE])
{
	static const uint8_t nonce[12];
	if (body_len != SZ_AGE_FILE_KEY_SIZE + crypto_aead_chacha20poly1305_ietf_ABYTES)
		return -1;
	return crypto_aead_chacha20poly1305_ietf_decrypt(file_key, NULL, NULL,
		body, body_len, NULL, 0, nonce, key);
}

static int stanza_alloc(struct sz_age_stanza *st, const char *const *args,
	size_t nargs, const uint8_t *body, size_t body_len)
{
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < nargs; i++) {
		st->args[i] = strdup(args[i]);
		if (st->args[i] == NULL)
			goto fail;
		st->nargs++;
	}
	st->body = malloc(body_len);
	if (st->body == NULL)
		goto fail;
	memcpy(st->body, body, body_len);
	st->body_len = body_len;
	return SZ_OK;
fail:
	sz_age_stanza_clear(st);
	return SZ_E_NOMEM;
}

static void x25519_wrap_key(const uint8_t shared[32], const uint8_t share[32],
	const uint8_t pk[32], uint8_t key[32])
{
	uint8_t salt[64];
	memcpy(salt, share, 32);
	memcpy(salt + 32, pk, 32);
	sz_hkdf_sha256(key, 32, salt, sizeof(salt), shared, 32, X25519_LABEL);
}

static int scrypt_key(const char *pass, size_t pass_len,
	const uint8_t salt[SCRYPT_SALT_SIZE], int work_factor, uint8_t key[32])
{
	uint8_t full_salt[sizeof(SCRYPT_LABEL) - 1 + SCRYPT_SALT_SIZE];
	memcpy(full_salt, SCRYPT_LABEL, sizeof(SCRYPT_LABEL) - 1);
	memcpy(full_salt + sizeof(SCRYPT_LABEL) - 1, salt, SCRYPT_SALT_SIZE);
	return crypto_pwhash_scryptsalsa208sha256_ll((const uint8_t *)pass,
		pass_len, full_salt, sizeof(full_salt),
		(uint64_t)1 << work_factor, 8, 1, key, 32);
}

int sz_age_recipient_wrap(const struct sz_age_recipient *r,
	const uint8_t file_key[SZ_AGE_FILE_KEY_SIZE],
	struct sz_age_stanza *st, struct sz_err *err)
{
	uint8_t key[32], body[32];
	char b64[48];
	int rc = SZ_OK;
	if (r->type == KEY_X25519) {
		uint8_t eph[32], share[32], shared[32];
		randombytes_buf(eph, sizeof(eph));
		crypto_scalarmult_base(share, eph);
		if (crypto_scalarmult(shared, eph, r->pk) != 0) {
			rc = sz_err_set(err, SZ_E_INVAL,
				"the recipient is not a valid X25519 key");
		} else {
			x25519_wrap_key(shared, share, r->pk, key);
			seal_file_key(key, file_key, body);
			sz_age_b64_encode(share, sizeof(share), b64,
				sizeof(b64));
			const char *args[] = { "X25519", b64 };
			rc = stanza_alloc(st, args, 2, body, sizeof(body));
		}
		sodium_memzero(eph, sizeof(eph));
		sodium_memzero(shared, sizeof(shared));
	} else {
		uint8_t salt[SCRYPT_SALT_SIZE];
		char wf[8];
		randombytes_buf(salt, sizeof(salt));
		if (scrypt_key(r->pass, r->pass_len, salt, r->work_factor,
			    key) != 0) {
			rc = sz_err_set(err, SZ_E_NOMEM,
				"not enough memory for scrypt");
		} else {
			seal_file_key(key, file_key, body);
			sz_age_b64_encode(salt, sizeof(salt), b64, sizeof(b64));
			snprintf(wf, sizeof(wf), "%d", r->work_factor);
			const char *args[] = { "scrypt", b64, wf };
			rc = stanza_alloc(st, args, 3, body, sizeof(body));
		}
	}
	if (rc == SZ_E_NOMEM)
		sz_err_set(err, rc, "out of memory");
	sodium_memzero(key, sizeof(key));
	return rc;
}

static int unwrap_x25519(struct sz_age_identity *id,
	const struct sz_age_stanza *st, uint8_t file_key[SZ_AGE_FILE_KEY_SIZE],
	struct sz_err *err)
{
	uint8_t share[33], shared[32], key[32];
	int rc;
	if (sz_age_b64_decode(st->args[1], strlen(st->args[1]), share,
		    sizeof(share)) != 32)
		return sz_err_set(err, SZ_E_HEADER, "malformed X25519 stanza");
	if (crypto_scalarmult(shared, id->sk, share) != 0) {
		rc = sz_err_set(err, SZ_E_HEADER,
			"an X25519 stanza has a low-order share");
		goto out;
	}
	x25519_wrap_key(shared, share, id->pk, key);
	rc = open_file_key(key, st->body, st->body_len, file_key) == 0 ?
		SZ_OK : SZ_E_NO_MATCH;
out:
	sodium_memzero(shared, sizeof(shared));
	sodium_memzero(key, sizeof(key));
	return rc;
}

static int unwrap_scrypt(struct sz_age_identity *id,
	const struct sz_age_stanza *st, uint8_t file_key[SZ_AGE_FILE_KEY_SIZE],
	struct sz_err *err)
{
	uint8_t salt[SCRYPT_SALT_SIZE + 1], key[32];
	int wf = atoi(st->args[2]);
	if (sz_age_b64_decode(st->args[1], strlen(st->args[1]), salt,
		    sizeof(salt)) != SCRYPT_SALT_SIZE)
		return sz_err_set(err, SZ_E_HEADER, "malformed scrypt stanza");
	if (wf > SZ_AGE_SCRYPT_MAX_WORK_FACTOR)
		return sz_err_set(err, SZ_E_HEADER,
			"the passphrase's scrypt work factor %d is above the "
			"limit of %d", wf, SZ_AGE_SCRYPT_MAX_WORK_FACTOR);
	if (!id->have_pass) {
		if (id->ask == NULL)
			return SZ_E_NO_MATCH;
		int rc = id->ask(id->ask_ctx, id->pass, sizeof(id->pass),
			&id->pass_len);
		if (rc != 0 || id->pass_len == 0)
			return sz_err_set(err, rc ? rc : SZ_E_INVAL,
				"no passphrase was given");
		id->have_pass = true;
	}
	if (scrypt_key(id->pass, id->pass_len, salt, wf, key) != 0)
		return sz_err_set(err, SZ_E_NOMEM,
			"not enough memory for scrypt");
	int rc = open_file_key(key, st->body, st->body_len, file_key) == 0 ?
		SZ_OK : SZ_E_NO_MATCH;
	sodium_memzero(key, sizeof(key));
	return rc;
}

int sz_age_identity_unwrap(struct sz_age_identity *id,
	const struct sz_age_stanza *st, uint8_t file_key[SZ_AGE_FILE_KEY_SIZE],
	struct sz_err *err)
{
	if (id->type == KEY_X25519 && strcmp(st->args[0], "X25519") == 0)
		return unwrap_x25519(id, st, file_key, err);
	if (id->type == KEY_SCRYPT && strcmp(st->args[0], "scrypt") == 0)
		return unwrap_scrypt(id, st, file_key, err);
	return SZ_E_NO_MATCH;
}
