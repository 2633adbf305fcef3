/*
 * codename.h - a source's codename and what is derived from it.
 *
 * A codename is seven words drawn uniformly from the EFF long word list
 * (7,776 words: about 90 bits).  The server never stores it.  Argon2id with
 * the instance salt turns it into 64 bytes: a login identifier (stored only
 * as a keyed hash) and an X25519 key pair (the public half is stored so
 * editors can reply; the secret half exists only while the source is
 * logged in).
 */
#ifndef SZ_CRYPTO_CODENAME_H
#define SZ_CRYPTO_CODENAME_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define SZ_CODENAME_WORDS 7
#define SZ_CODENAME_LIST_SIZE 7776
#define SZ_CODENAME_MAX 128       /* bytes of a normalized codename */
#define SZ_CODENAME_INPUT_MAX 512 /* bytes accepted from a form */
#define SZ_INSTANCE_SALT_SIZE 16
#define SZ_INSTANCE_KEY_SIZE 32

extern const char *const sz_codename_words[SZ_CODENAME_LIST_SIZE];

/* The derived secrets; keep in sodium_malloc'd memory and wipe. */
struct sz_source_keys {
	uint8_t login_hash[32];  /* keyed hash of the login identifier */
	uint8_t secret[32];      /* X25519 secret key */
	uint8_t public[32];      /* X25519 public key */
};

/* Writes a new codename (words separated by single spaces) into out. */
int sz_codename_generate(char *out, size_t cap);

/* Lower-cases, trims and collapses white space, so a codename typed with
 * capitals or extra spaces still works.  Returns 0, or SZ_E_INVAL if the
 * input is empty, too long or has characters no codename has. */
int sz_codename_normalize(const char *in, size_t len, char *out, size_t cap);

/* A source's designation for editors: two words derived from its opaque
 * id ("abacus-zebra"), stable, and unrelated to its codename.  Two
 * sources may share one (there are 7,776 x 7,776 of them). */
void sz_designation(const uint8_t uid[16], char *out, size_t cap);

/* A designation as a number, first word x 7,776 + second word, so that a
 * store can index it and find every source whose designation is typed (or
 * starts with a typed first word) with one range lookup. */
#define SZ_DESIGNATION_KEYS \
	((uint32_t)SZ_CODENAME_LIST_SIZE * SZ_CODENAME_LIST_SIZE)
#define SZ_DESIGNATION_INPUT_MAX 64  /* bytes of a typed designation */
uint32_t sz_designation_key(const uint8_t uid[16]);
/* The words of key (< SZ_DESIGNATION_KEYS), "first-second". */
void sz_designation_name(uint32_t key, char *out, size_t cap);
/* Reads what an editor typed: "abacus-zebra", "Abacus Zebra" or just the
 * first word, "abacus".  Sets the range of keys it stands for (lo == hi
 * for two words) and its canonical text in out ("abacus-zebra", or
 * "abacus"; cap of at least SZ_DESIGNATION_INPUT_MAX); SZ_E_INVAL, with
 * out empty, if it is empty, too long, or not made of listed words. */
int sz_designation_parse(const char *in, size_t len, uint32_t *lo,
	uint32_t *hi, char *out, size_t cap);

/* Derives the keys from a normalized codename.  Costs what the limits say
 * (memory in bytes); SZ_E_NOMEM if the memory cannot be had. */
int sz_codename_derive(const char *codename,
	const uint8_t salt[SZ_INSTANCE_SALT_SIZE],
	const uint8_t key[SZ_INSTANCE_KEY_SIZE],
	uint64_t opslimit, size_t memlimit, struct sz_source_keys *out);

#endif
