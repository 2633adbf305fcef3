/*
 * totp.h - time-based one-time codes (RFC 6238) for editors, on liboath:
 * 6 digits, 30-second steps, HMAC-SHA-1 (what every authenticator app
 * speaks), accepted one step either side of now, and each code only once.
 */
#ifndef SZ_CRYPTO_TOTP_H
#define SZ_CRYPTO_TOTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/err.h"

#define SZ_TOTP_SECRET_SIZE 20
#define SZ_TOTP_STEP 30
#define SZ_TOTP_DIGITS 6
#define SZ_TOTP_URI_MAX 512

/* Initialises liboath (once per process). */
int sz_totp_init(struct sz_err *err);

/* The otpauth:// URI an authenticator app scans. */
int sz_totp_uri(const uint8_t *secret, size_t len, const char *issuer,
	const char *account, char *out, size_t cap, struct sz_err *err);

/* Checks code at time now.  *last is the step counter of the last code
 * accepted (-1 for none): a code at or before it is a replay and is
 * refused, so a code seen over a shoulder cannot be used again.  On
 * success *last is updated.  0, or SZ_E_INVAL (wrong code), or
 * SZ_E_EXISTS (replayed). */
__attribute__((warn_unused_result))
int sz_totp_verify(const uint8_t *secret, size_t len, const char *code,
	time_t now, int64_t *last);

#endif
