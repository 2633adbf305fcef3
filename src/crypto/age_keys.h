/*
 * age_keys.h - age recipients (who a file is encrypted to) and identities
 * (what decrypts it): native X25519 keys in their Bech32 forms, and
 * passphrases (scrypt).  Each wraps and unwraps the 16-byte file key into
 * and out of a header stanza.
 *
 * Identities hold secrets: they live in sodium_malloc'd memory, are wiped
 * on free, and their text form is only ever produced into a caller's buffer
 * that the caller wipes.  Plugins and SSH keys are not supported.
 */
#ifndef SZ_CRYPTO_AGE_KEYS_H
#define SZ_CRYPTO_AGE_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "crypto/age_header.h"

/* "age1" + 58 characters, and "AGE-SECRET-KEY-1" + 58, with NUL. */
#define SZ_AGE_RECIPIENT_STR_SIZE 64
#define SZ_AGE_IDENTITY_STR_SIZE 80
/* scrypt work factors (log2 N): what we write, and the most we accept on
 * decryption (as age does; 2^22 needs 4 GiB of memory). */
#define SZ_AGE_SCRYPT_WORK_FACTOR 18
#define SZ_AGE_SCRYPT_MAX_WORK_FACTOR 22
#define SZ_AGE_MAX_PASSPHRASE 1024

struct sz_age_recipient;
struct sz_age_identity;

/* Parses "age1…".  Free with sz_age_recipient_free(). */
int sz_age_recipient_parse(const char *s, struct sz_age_recipient **out,
	struct sz_err *err);
/* An X25519 recipient from a raw 32-byte public key (a source's). */
int sz_age_recipient_from_key(const uint8_t key[32],
	struct sz_age_recipient **out, struct sz_err *err);
/* An X25519 identity from a raw 32-byte secret key (copied). */
int sz_age_identity_from_key(const uint8_t key[32],
	struct sz_age_identity **out, struct sz_err *err);
/* A passphrase recipient (scrypt, SZ_AGE_SCRYPT_WORK_FACTOR unless
 * work_factor > 0).  The passphrase is copied. */
int sz_age_recipient_passphrase(const char *pass, size_t len,
	int work_factor, struct sz_age_recipient **out, struct sz_err *err);
/* Writes "age1…" into out (X25519 recipients only); -1 otherwise. */
int sz_age_recipient_format(const struct sz_age_recipient *r,
	char out[SZ_AGE_RECIPIENT_STR_SIZE]);
/* 1 for a passphrase recipient, which must be the only one of a file. */
int sz_age_recipient_is_passphrase(const struct sz_age_recipient *r);
void sz_age_recipient_free(struct sz_age_recipient *r);

/* A new random X25519 identity. */
int sz_age_identity_generate(struct sz_age_identity **out,
	struct sz_err *err);
/* Parses "AGE-SECRET-KEY-1…". */
int sz_age_identity_parse(const char *s, struct sz_age_identity **out,
	struct sz_err *err);
/* Writes the secret text form into out; the caller wipes it. */
int sz_age_identity_format(const struct sz_age_identity *id,
	char out[SZ_AGE_IDENTITY_STR_SIZE]);
/* The identity's recipient (X25519 only). */
int sz_age_identity_recipient(const struct sz_age_identity *id,
	struct sz_age_recipient **out, struct sz_err *err);

/* Asks for a passphrase when one is first needed: writes at most cap bytes
 * into buf and their count into *len.  Returns 0 or an SZ_E_* code. */
typedef int (*sz_age_ask_fn)(void *ctx, char *buf, size_t cap, size_t *len);

/* A passphrase identity: either the passphrase itself (pass != NULL), or
 * ask, called only if a file has a passphrase stanza. */
int sz_age_identity_passphrase(const char *pass, size_t len,
	sz_age_ask_fn ask, void *ask_ctx, struct sz_age_identity **out,
	struct sz_err *err);
void sz_age_identity_free(struct sz_age_identity *id);

/* Wraps file_key for r into a new stanza (the caller clears it). */
int sz_age_recipient_wrap(const struct sz_age_recipient *r,
	const uint8_t file_key[SZ_AGE_FILE_KEY_SIZE],
	struct sz_age_stanza *st, struct sz_err *err);

/* Tries to unwrap st with id.  0 with file_key filled; SZ_E_NO_MATCH if the
 * stanza is not for this identity; another code if the stanza must make the
 * whole file fail (SZ_E_HEADER). */
__attribute__((warn_unused_result))
int sz_age_identity_unwrap(struct sz_age_identity *id,
	const struct sz_age_stanza *st,
	uint8_t file_key[SZ_AGE_FILE_KEY_SIZE], struct sz_err *err);

#endif
