/*
 * hkdf.h - HKDF-SHA-256 (RFC 5869) on libsodium's HMAC-SHA-256, which the
 * age format uses for every derived key.  libsodium 1.0.18, the version in
 * Debian 12, has no HKDF of its own.  Output is limited to one hash block
 * (32 bytes), all that age ever derives.
 */
#ifndef SZ_CRYPTO_HKDF_H
#define SZ_CRYPTO_HKDF_H

#include <stddef.h>
#include <stdint.h>

#define SZ_HKDF_MAX_OUT 32

/* Derives out_len (<= 32) bytes; salt may be NULL/0 for the empty salt. */
void sz_hkdf_sha256(uint8_t *out, size_t out_len,
	const uint8_t *salt, size_t salt_len,
	const uint8_t *ikm, size_t ikm_len,
	const char *info);

#endif
