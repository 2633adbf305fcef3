/*
 * age.h - encrypting and decrypting whole age v1 files as streams.
 *
 * This is the API the inbox uses: bytes are pushed in pieces of any size
 * (as they arrive from a network upload, say) and output goes to a sink,
 * with memory bounded whatever the file size.  Encryption writes to any
 * number of X25519 recipients, or to one passphrase.  Decryption detects
 * the ASCII armor by itself, tries every identity on every stanza, checks
 * the header MAC before it releases a byte, and releases plaintext only in
 * authenticated chunks.
 *
 * Errors name what failed: SZ_E_HEADER, SZ_E_NO_MATCH, SZ_E_HMAC,
 * SZ_E_PAYLOAD, SZ_E_ARMOR (or the sink's own code).  After an error every
 * later call fails with the same code.
 *
 * As with libsodium itself, sodium_init() must have been called first.
 */
#ifndef SZ_CRYPTO_AGE_H
#define SZ_CRYPTO_AGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "crypto/age_keys.h"
#include "crypto/age_stream.h"

/* Writes len bytes at offset of the output already written. */
typedef int (*sz_age_sink_at)(void *ctx, uint64_t offset,
	const uint8_t *data, size_t len);

struct sz_age_opts {
	bool armor;        /* encrypt: write the ASCII armor; decrypt: the
	                      input must be armored (otherwise detected) */
	unsigned threads;  /* 1 (default when 0) or 2 cores per stream */
	/* encrypt: hold the first chunk's plaintext back (in locked memory)
	 * until finish, so the caller may still rewrite it with
	 * sz_age_encrypt_first() (a header whose size is known only at the
	 * end); finish seals it and writes it in its place with this, into
	 * the same ctx as the sink.  Not with armor. */
	sz_age_sink_at sink_at;
};

struct sz_age_encryptor;
struct sz_age_decryptor;

/* Starts a file to the n recipients and writes its header to sink.  opts
 * may be NULL.  Free with sz_age_encrypt_free(). */
int sz_age_encrypt_begin(struct sz_age_encryptor **out,
	struct sz_age_recipient *const *recipients, size_t n,
	const struct sz_age_opts *opts, sz_age_sink sink, void *ctx,
	struct sz_err *err);
int sz_age_encrypt_update(struct sz_age_encryptor *e, const uint8_t *data,
	size_t len, struct sz_err *err);
/* With opts->sink_at: the first chunk's plaintext so far (*len bytes, at
 * most SZ_AGE_CHUNK_SIZE), which the caller may rewrite until finish. */
uint8_t *sz_age_encrypt_first(struct sz_age_encryptor *e, size_t *len);
/* Writes the final chunk (and armor footer). */
int sz_age_encrypt_finish(struct sz_age_encryptor *e, struct sz_err *err);
void sz_age_encrypt_free(struct sz_age_encryptor *e);

/* Starts decrypting with n identities (not copied: they must outlive the
 * decryptor; with none, the header is still checked and SZ_E_NO_MATCH
 * follows).  opts may be NULL. */
int sz_age_decrypt_begin(struct sz_age_decryptor **out,
	struct sz_age_identity *const *identities, size_t n,
	const struct sz_age_opts *opts, sz_age_sink sink, void *ctx,
	struct sz_err *err);
__attribute__((warn_unused_result))
int sz_age_decrypt_update(struct sz_age_decryptor *d, const uint8_t *data,
	size_t len, struct sz_err *err);
/* Checks that the file ended properly: the final chunk, the armor's END. */
__attribute__((warn_unused_result))
int sz_age_decrypt_finish(struct sz_age_decryptor *d, struct sz_err *err);
void sz_age_decrypt_free(struct sz_age_decryptor *d);

#endif
