/*
 * codename.c - generating codenames and deriving a source's keys from one,
 * and sources' designations: the two words an editor sees, as text and as
 * the number a store indexes.  Every intermediate secret is wiped; the
 * codename itself is the caller's.  Designations are not secret and not
 * unique: they only tell sources apart at a glance.
 */
#include "crypto/codename.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
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

uint32_t sz_designation_key(const uint8_t uid[16])
{
	uint32_t a = ((uint32_t)uid[0] << 8 | uid[1]) % SZ_CODENAME_LIST_SIZE;
	uint32_t b = ((uint32_t)uid[2] << 8 | uid[3]) % SZ_CODENAME_LIST_SIZE;
	return a * SZ_CODENAME_LIST_SIZE + b;
}

void sz_designation_name(uint32_t key, char *out, size_t cap)
{
	key %= SZ_DESIGNATION_KEYS;
	snprintf(out, cap, "%s-%s", sz_codename_words[key /
		SZ_CODENAME_LIST_SIZE], sz_codename_words[key %
		SZ_CODENAME_LIST_SIZE]);
}

void sz_designation(const uint8_t uid[16], char *out, size_t cap)
{
	sz_designation_name(sz_designation_key(uid), out, cap);
}

static int word_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/* The index of a listed word (the list is in byte order: gen-wordlist
 * checks), or -1. */
static long word_index(const char *w)
{
	const char *const *hit = bsearch(w, sz_codename_words,
		SZ_CODENAME_LIST_SIZE, sizeof(sz_codename_words[0]), word_cmp);
	return hit ? (long)(hit - sz_codename_words) : -1;
}

/* Splits "first-second" at the hyphen that leaves a listed word on both
 * sides (words may hold hyphens themselves: "t-shirt-yo-yo"). */
static int split_pair(char *tok, long *a, long *b)
{
	for (char *h = strchr(tok, '-'); h != NULL; h = strchr(h + 1, '-')) {
		*h = '\0';
		*a = word_index(tok);
		*b = word_index(h + 1);
		*h = '-';
		if (*a >= 0 && *b >= 0)
			return 1;
	}
	return 0;
}

int sz_designation_parse(const char *in, size_t len, uint32_t *lo,
	uint32_t *hi, char *out, size_t cap)
{
	char norm[SZ_DESIGNATION_INPUT_MAX + 1], *tok[3];
	size_t o = 0, ntok = 0;
	long a = -1, b = -1;
	if (cap > 0)
		out[0] = '\0';
	if (len > SZ_DESIGNATION_INPUT_MAX || cap < SZ_DESIGNATION_INPUT_MAX)
		return SZ_E_INVAL;
	/* lower case, one NUL between words */
	for (size_t i = 0; i < len; i++) {
		char c = in[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			if (o > 0 && norm[o - 1] != '\0')
				norm[o++] = '\0';
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (!((c >= 'a' && c <= 'z') || c == '-'))
			return SZ_E_INVAL;
		if (o == 0 || norm[o - 1] == '\0') {
			if (ntok == 3)
				return SZ_E_INVAL;
			tok[ntok++] = norm + o;
		}
		norm[o++] = c;
	}
	norm[o] = '\0';
	if (ntok == 2) {
		a = word_index(tok[0]);
		b = word_index(tok[1]);
	} else if (ntok == 1 && !split_pair(tok[0], &a, &b)) {
		a = word_index(tok[0]);   /* the first word alone */
		if (a >= 0) {
			*lo = (uint32_t)a * SZ_CODENAME_LIST_SIZE;
			*hi = *lo + SZ_CODENAME_LIST_SIZE - 1;
			snprintf(out, cap, "%s", sz_codename_words[a]);
			return SZ_OK;
		}
	}
	if (a < 0 || b < 0)
		return SZ_E_INVAL;
	*lo = *hi = (uint32_t)a * SZ_CODENAME_LIST_SIZE + (uint32_t)b;
	sz_designation_name(*lo, out, cap);
	return SZ_OK;
}
