/*
 * codename.c - generating codenames and deriving a source's keys from one.
 * Every intermediate secret is wiped; the codename itself is the caller's.
 */
#include "crypto/codename.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int sz_codename_generate(char *out, size_t cap)
{
	size_t o = 0;
	for (int i = 0; i < SZ_CODENAME_WORDS; i++) {
		const char *w = sz_codename_words[randombytes_uniform(
			SZ_CODENAME_LIST_SIZE)];
		size_t n = strlen(w);
		if (o + n + 2 > cap)
			return SZ_E_LIMIT;
		if (i > 0)
			out[o++] = ' ';
		memcpy(out + o, w, n);
		o += n;
	}
	out[o] = '\0';
	return SZ_OK;
}

int sz_codename_normalize(const char *in, size_t len, char *out, size_t cap)
{
	size_t o = 0;
	int words = 0, in_word = 0;
	if (len > SZ_CODENAME_INPUT_MAX || cap == 0)
		return SZ_E_INVAL;
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			in_word = 0;
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (!((c >= 'a' && c <= 'z') || c == '-'))
			return SZ_E_INVAL;
		if (!in_word) {
			if (words > 0) {
				if (o + 1 >= cap)
					return SZ_E_INVAL;
				out[o++] = ' ';
			}
			words++;
			in_word = 1;
		}
		if (o + 1 >= cap)
			return SZ_E_INVAL;
		out[o++] = c;
	}
	out[o] = '\0';
	return words > 0 ? SZ_OK : SZ_E_INVAL;
}

int sz_codename_derive(const char *codename,
	const uint8_t salt[SZ_INSTANCE_SALT_SIZE],
	const uint8_t key[SZ_INSTANCE_KEY_SIZE],
	uint64_t opslimit, size_t memlimit, struct sz_source_keys *out)
{
	uint8_t seed[64];
	if (crypto_pwhash(seed, sizeof(seed), codename, strlen(codename), salt,
		    opslimit, memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return SZ_E_NOMEM;
	/* First half: the login identifier, stored only under a keyed hash so
	 * a stolen database alone cannot test guesses offline. */
	crypto_generichash(out->login_hash, sizeof(out->login_hash), seed, 32,
		key, SZ_INSTANCE_KEY_SIZE);
	/* Second half: the X25519 key pair for replies. */
	memcpy(out->secret, seed + 32, 32);
	crypto_scalarmult_base(out->public, out->secret);
	sodium_memzero(seed, sizeof(seed));
	return SZ_OK;
}

void sz_designation(const uint8_t uid[16], char *out, size_t cap)
{
	unsigned a = ((unsigned)uid[0] << 8 | uid[1]) % SZ_CODENAME_LIST_SIZE;
	unsigned b = ((unsigned)uid[2] << 8 | uid[3]) % SZ_CODENAME_LIST_SIZE;
	snprintf(out, cap, "%s-%s", sz_codename_words[a], sz_codename_words[b]);
}
