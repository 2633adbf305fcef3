/*
 * bech32.h - the BIP 173 Bech32 encoding that age uses for its keys
 * ("age1…" recipients, "AGE-SECRET-KEY-1…" identities).
 *
 * Plain Bech32 (not Bech32m), 8-bit data converted to 5-bit groups.  Strings
 * of mixed case are refused, as the encoding requires; the 90-character
 * limit of BIP 173 is not applied (age does not apply it either), but
 * SZ_BECH32_MAX_LEN bounds every input.
 */
#ifndef SZ_CRYPTO_BECH32_H
#define SZ_CRYPTO_BECH32_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SZ_BECH32_MAX_LEN 1024

/* Encodes data under hrp into out (NUL-terminated), upper case if upper.
 * Returns 0, or -1 if out is too small or hrp is invalid. */
int sz_bech32_encode(const char *hrp, const uint8_t *data, size_t len,
	bool upper, char *out, size_t cap);

/* Decodes s.  hrp receives the human-readable part in lower case, data the
 * bytes.  Returns 0, or -1 if s is not valid Bech32 or does not fit. */
int sz_bech32_decode(const char *s, char *hrp, size_t hrp_cap,
	uint8_t *data, size_t *len, size_t data_cap);

#endif
