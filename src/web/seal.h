/*
 * seal.h - encrypting a small plaintext held in memory (a message, a
 * file's name and type, a reply) into a new blob of the instance: created
 * in tmp/, age-encrypted to the given recipients, fsync'd; the caller
 * commits it (sz_blob_commit) or aborts it.
 */
#ifndef SZ_WEB_SEAL_H
#define SZ_WEB_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/age_keys.h"
#include "store/blobs.h"

int sz_web_seal(struct sz_blobs *blobs, struct sz_age_recipient *const *r,
	size_t nr, const uint8_t *data, size_t len, struct sz_blob_tmp *t,
	struct sz_err *err);

/* Reads a committed blob of at most max bytes of plaintext and decrypts
 * it with id into out (which the caller frees with sz_buf_free). */
int sz_web_open(struct sz_blobs *blobs, const char *name,
	struct sz_age_identity *id, size_t max, struct sz_buf *out,
	struct sz_err *err);

#endif
