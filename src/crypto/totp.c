/* totp.c - TOTP on liboath; the secret is never logged or printed except
 * in the URI made for the editor's own authenticator. */
#include "crypto/totp.h"

#include <liboath/oath.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sz_totp_init(struct sz_err *err)
{
	if (oath_init() != OATH_OK)
		return sz_err_set(err, SZ_E_CRYPTO, "cannot initialise liboath");
	return SZ_OK;
}

static void uri_escape(const char *in, char *out, size_t cap)
{
	size_t o = 0;
	for (; *in && o + 4 < cap; in++) {
		unsigned char c = (unsigned char)*in;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c))
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, cap - o, "%%%02X", c);
	}
	out[o] = '\0';
}

int sz_totp_uri(const uint8_t *secret, size_t len, const char *issuer,
	const char *account, char *out, size_t cap, struct sz_err *err)
{
	char *b32 = NULL, eissuer[128], eaccount[256];
	size_t b32len = 0;
	if (oath_base32_encode((const char *)secret, len, &b32, &b32len) !=
	    OATH_OK)
		return sz_err_set(err, SZ_E_CRYPTO, "cannot encode the secret");
	/* Authenticator apps want the secret without '=' padding. */
	while (b32len > 0 && b32[b32len - 1] == '=')
		b32[--b32len] = '\0';
	uri_escape(issuer, eissuer, sizeof(eissuer));
	uri_escape(account, eaccount, sizeof(eaccount));
	int n = snprintf(out, cap, "otpauth://totp/%s:%s?secret=%s&issuer=%s"
		"&algorithm=SHA1&digits=%d&period=%d", eissuer, eaccount, b32,
		eissuer, SZ_TOTP_DIGITS, SZ_TOTP_STEP);
	sodium_memzero(b32, b32len);
	free(b32);
	if (n < 0 || (size_t)n >= cap)
		return sz_err_set(err, SZ_E_LIMIT, "the URI is too long");
	return SZ_OK;
}

int sz_totp_verify(const uint8_t *secret, size_t len, const char *code,
	time_t now, int64_t *last)
{
	if (code == NULL || strlen(code) != SZ_TOTP_DIGITS)
		return SZ_E_INVAL;
	for (int i = 0; i < SZ_TOTP_DIGITS; i++)
		if (code[i] < '0' || code[i] > '9')
			return SZ_E_INVAL;
	int pos = 0;
	uint64_t counter = 0;
	int rc = oath_totp_validate3((const char *)secret, len, now,
		SZ_TOTP_STEP, 0, 1, &pos, &counter, code);
	if (rc < 0)
		return SZ_E_INVAL;
	if ((int64_t)counter <= *last)
		return SZ_E_EXISTS;
	*last = (int64_t)counter;
	return SZ_OK;
}
