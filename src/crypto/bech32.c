/*
 * bech32.c - Bech32 after the BIP 173 reference implementation.
 * Decoding works on a bounded copy and never reads past SZ_BECH32_MAX_LEN.
 */
#include "crypto/bech32.h"

#include <string.h>

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t polymod_step(uint32_t pre)
{
	uint8_t b = (uint8_t)(pre >> 25);
	return ((pre & 0x1FFFFFF) << 5) ^
		(-((b >> 0) & 1) & 0x3b6a57b2UL) ^
		(-((b >> 1) & 1) & 0x26508e6dUL) ^
		(-((b >> 2) & 1) & 0x1ea119faUL) ^
		(-((b >> 3) & 1) & 0x3d4233ddUL) ^
		(-((b >> 4) & 1) & 0x2a1462b3UL);
}

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static uint32_t hrp_checksum(const char *hrp, size_t hlen)
{
	uint32_t chk = 1;
	for (size_t i = 0; i < hlen; i++)
		chk = polymod_step(chk) ^ ((uint32_t)lower(hrp[i]) >> 5);
	chk = polymod_step(chk);
	for (size_t i = 0; i < hlen; i++)
		chk = polymod_step(chk) ^ ((uint32_t)lower(hrp[i]) & 0x1f);
	return chk;
}

int sz_bech32_encode(const char *hrp, const uint8_t *data, size_t len,
	bool upper, char *out, size_t cap)
{
	size_t hlen = strlen(hrp);
	size_t groups = (len * 8 + 4) / 5;
	if (hlen == 0 || hlen + 1 + groups + 6 + 1 > cap)
		return -1;
	for (size_t i = 0; i < hlen; i++)
		if (hrp[i] < 33 || hrp[i] > 126)
			return -1;
	uint32_t chk = hrp_checksum(hrp, hlen);
	size_t o = 0;
	for (size_t i = 0; i < hlen; i++)
		out[o++] = (char)lower(hrp[i]);
	out[o++] = '1';
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < len; i++) {
		acc = (acc << 8) | data[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			uint32_t v = (acc >> bits) & 31;
			chk = polymod_step(chk) ^ v;
			out[o++] = charset[v];
		}
	}
	if (bits > 0) {
		uint32_t v = (acc << (5 - bits)) & 31;
		chk = polymod_step(chk) ^ v;
		out[o++] = charset[v];
	}
	for (int i = 0; i < 6; i++)
		chk = polymod_step(chk);
	chk ^= 1;
	for (int i = 0; i < 6; i++)
		out[o++] = charset[(chk >> ((5 - i) * 5)) & 31];
	out[o] = '\0';
	if (upper)
		for (size_t i = 0; i < o; i++)
			if (out[i] >= 'a' && out[i] <= 'z')
				out[i] = (char)(out[i] - 32);
	return 0;
}

static int charset_rev(int c)
{
	const char *p = c ? strchr(charset, c) : NULL;
	return p ? (int)(p - charset) : -1;
}

int sz_bech32_decode(const char *s, char *hrp, size_t hrp_cap,
	uint8_t *data, size_t *len, size_t data_cap)
{
	size_t n = strnlen(s, SZ_BECH32_MAX_LEN + 1);
	if (n > SZ_BECH32_MAX_LEN || n < 8)
		return -1;
	bool has_lower = false, has_upper = false;
	size_t sep = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 33 || c > 126)
			return -1;
		has_lower |= (c >= 'a' && c <= 'z');
		has_upper |= (c >= 'A' && c <= 'Z');
		if (c == '1')
			sep = i;
	}
	if (has_lower && has_upper)
		return -1;
	if (sep == 0 || sep + 7 > n || sep + 1 > hrp_cap)
		return -1;
	uint32_t chk = hrp_checksum(s, sep);
	for (size_t i = 0; i < sep; i++)
		hrp[i] = (char)lower(s[i]);
	hrp[sep] = '\0';

	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	size_t data_end = n - 6;
	for (size_t i = sep + 1; i < n; i++) {
		int v = charset_rev(lower(s[i]));
		if (v < 0)
			return -1;
		chk = polymod_step(chk) ^ (uint32_t)v;
		if (i >= data_end)
			continue;
		acc = ((acc << 5) | (uint32_t)v) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (o >= data_cap)
				return -1;
			data[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* Leftover bits must be fewer than 5 and all zero. */
	if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0)
		return -1;
	if (chk != 1)
		return -1;
	*len = o;
	return 0;
}
