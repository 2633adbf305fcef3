/*
 * hkdf.c - HKDF-SHA-256, extract then a single expand block.  The
 * pseudo-random key is wiped before returning.
 */
#include "crypto/hkdf.h"

#include <assert.h>
#include <sodium.h>
#include <string.h>

void sz_hkdf_sha256(uint8_t *out, size_t out_len,
	const uint8_t *salt, size_t salt_len,
	const uint8_t *ikm, size_t ikm_len,
	const char *info)
{
	assert(out_len <= SZ_HKDF_MAX_OUT);
	uint8_t zero_salt[crypto_auth_hmacsha256_BYTES] = {0};
	uint8_t prk[crypto_auth_hmacsha256_BYTES];
	uint8_t block[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;

	if (salt == NULL || salt_len == 0) {
		salt = zero_salt;
		salt_len = sizeof(zero_salt);
	}
	crypto_auth_hmacsha256_init(&st, salt, salt_len);
	crypto_auth_hmacsha256_update(&st, ikm, ikm_len);
	crypto_auth_hmacsha256_final(&st, prk);

	const uint8_t one = 1;
	crypto_auth_hmacsha256_init(&st, prk, sizeof(prk));
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)info, strlen(info));
	crypto_auth_hmacsha256_update(&st, &one, 1);
	crypto_auth_hmacsha256_final(&st, block);
	memcpy(out, block, out_len);

	sodium_memzero(prk, sizeof(prk));
	sodium_memzero(block, sizeof(block));
	sodium_memzero(&st, sizeof(st));
}
