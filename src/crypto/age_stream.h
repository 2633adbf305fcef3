/*
 * age_stream.h - the age payload: STREAM over ChaCha20-Poly1305 in 64 KiB
 * chunks (C2SP age.md, "Payload").
 *
 * Push-style: the caller feeds bytes in pieces of any size and the stream
 * hands finished output to a sink in order.  Memory is bounded by one batch
 * of SZ_AGE_STREAM_BATCH chunks whatever the payload size.  A batch's chunks
 * are independent, so with threads > 1 they are sealed or opened on two
 * cores at once.
 *
 * Decryption releases plaintext only chunk by chunk after each chunk's tag
 * has verified; a failure stops the stream and nothing after it is released.
 * It does not read the payload nonce or derive the key: age.c does that.
 */
#ifndef SZ_CRYPTO_AGE_STREAM_H
#define SZ_CRYPTO_AGE_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define SZ_AGE_CHUNK_SIZE 65536
#define SZ_AGE_TAG_SIZE 16
#define SZ_AGE_STREAM_KEY_SIZE 32
#define SZ_AGE_STREAM_BATCH 64
#define SZ_AGE_MAX_THREADS 2

/* Receives output; returns 0 or a negative SZ_E_* code to stop the stream. */
typedef int (*sz_age_sink)(void *ctx, const uint8_t *data, size_t len);

struct sz_age_stream;

/* Creates a stream with a copy of key (the caller may wipe its own).
 * threads is clamped to 1..SZ_AGE_MAX_THREADS.  Free with
 * sz_age_stream_free(). */
int sz_age_stream_new(struct sz_age_stream **out,
	const uint8_t key[SZ_AGE_STREAM_KEY_SIZE], bool decrypt,
	unsigned threads, sz_age_sink sink, void *ctx, struct sz_err *err);

/* Makes an encrypting stream start at chunk index counter instead of 0;
 * before the first byte.  (age.c seals chunk 0 itself when it holds it
 * back; see sz_age_encrypt_first.) */
void sz_age_stream_start_at(struct sz_age_stream *s, uint64_t counter);

/* Seals one chunk of len bytes in place, as chunk index counter (last:
 * the final chunk); buf holds len + SZ_AGE_TAG_SIZE bytes. */
void sz_age_seal_chunk(const uint8_t key[SZ_AGE_STREAM_KEY_SIZE],
	uint64_t counter, bool last, uint8_t *buf, size_t len);

/* Feeds len bytes. */
int sz_age_stream_update(struct sz_age_stream *s, const uint8_t *data,
	size_t len, struct sz_err *err);

/* Ends the stream: seals or opens the final chunk. */
int sz_age_stream_finish(struct sz_age_stream *s, struct sz_err *err);

/* Wipes and frees; accepts NULL. */
void sz_age_stream_free(struct sz_age_stream *s);

#endif
