/*
 * minisign.h - signing keys and signatures in minisign's format (Ed25519,
 * https://jedisct1.github.io/minisign/), so that `minisign -V` checks what
 * samizdat signs, and samizdat uses and checks keys and signatures that
 * minisign made.
 *
 *   public key   "untrusted comment: minisign public key <KEYID>\n"
 *                base64("Ed" keynum[8] pk[32])
 *   secret key   "untrusted comment: minisign encrypted secret key\n"
 *                base64("Ed" kdf[2] "B2" salt[32] opslimit[8] memlimit[8]
 *                       (keynum[8] sk[64] checksum[32]) XOR scrypt stream)
 *                kdf "Sc" (scrypt, libsodium's scryptsalsa208sha256) or
 *                "\0\0" (no passphrase, as `minisign -G -W` writes: then
 *                salt, limits and checksum are zero and nothing is XORed);
 *                checksum = BLAKE2b-256("Ed" keynum sk)
 *   signature    "untrusted comment: ...\n" base64("ED" keynum sig[64])
 *                "\ntrusted comment: ...\n" base64(global_sig[64]) "\n"
 *                sig signs BLAKE2b-512(file) (minisign's pre-hashed mode);
 *                global_sig signs sig followed by the trusted comment.
 *
 * What it deliberately does not do: the legacy, non-pre-hashed "Ed"
 * signatures (they need the whole file in memory; minisign stopped making
 * them), or read files: callers pass text and get text, within the size
 * limits below, checked before anything is decoded.
 *
 * Ownership: a decrypted secret key lives in sodium_malloc'd memory and is
 * released (wiped) with sz_minisign_key_free; parsed public keys and
 * signatures are plain structs the caller owns.  Passphrases stay the
 * caller's, who wipes them.
 */
#ifndef SZ_MIRROR_MINISIGN_H
#define SZ_MIRROR_MINISIGN_H

#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define SZ_MINISIGN_KEYNUM 8
#define SZ_MINISIGN_PREHASH 64              /* BLAKE2b-512 of the file */
#define SZ_MINISIGN_COMMENT_MAX 1024        /* minisign's COMMENTMAXBYTES */
#define SZ_MINISIGN_TRUSTED_MAX 8192        /* TRUSTEDCOMMENTMAXBYTES */
#define SZ_MINISIGN_FILE_MAX 16384          /* a key or signature file */
#define SZ_MINISIGN_PASSPHRASE_MAX 1024     /* PASSWORDMAXBYTES */
#define SZ_MINISIGN_PUB_BASE64 57           /* 56 characters and a NUL */
/* What minisign -G uses (libsodium's "sensitive" scrypt cost, 1 GiB);
 * a key file asking for more than twice that is refused unread, so a
 * hostile key cannot make a verifier allocate without bound. */
#define SZ_MINISIGN_OPSLIMIT crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE
#define SZ_MINISIGN_MEMLIMIT crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE
#define SZ_MINISIGN_OPSLIMIT_MAX (2ull * SZ_MINISIGN_OPSLIMIT)
#define SZ_MINISIGN_MEMLIMIT_MAX (2ull * SZ_MINISIGN_MEMLIMIT)

struct sz_minisign_pub {
	uint8_t keynum[SZ_MINISIGN_KEYNUM];
	uint8_t pk[crypto_sign_PUBLICKEYBYTES];
};

/* A secret key, decrypted: only ever in sodium_malloc'd memory. */
struct sz_minisign_key {
	uint8_t keynum[SZ_MINISIGN_KEYNUM];
	uint8_t sk[crypto_sign_SECRETKEYBYTES];
};

struct sz_minisign_sig {
	bool prehashed;                     /* "ED"; false for legacy "Ed" */
	uint8_t keynum[SZ_MINISIGN_KEYNUM];
	uint8_t sig[crypto_sign_BYTES];
	char trusted[SZ_MINISIGN_TRUSTED_MAX];   /* the trusted comment */
	uint8_t global_sig[crypto_sign_BYTES];
};

/* A new key pair; *sk is freed with sz_minisign_key_free. */
int sz_minisign_keypair(struct sz_minisign_key **sk,
	struct sz_minisign_pub *pk, struct sz_err *err);
/* The public half of a secret key. */
void sz_minisign_key_public(const struct sz_minisign_key *sk,
	struct sz_minisign_pub *pk);
/* Wipes and frees; accepts NULL. */
void sz_minisign_key_free(struct sz_minisign_key *sk);

/* The key id as minisign prints it: 16 upper-case hex digits. */
void sz_minisign_keyid(const uint8_t keynum[SZ_MINISIGN_KEYNUM],
	char out[17]);

/* The public key's base64 line (what `minisign -P` takes). */
void sz_minisign_pub_base64(const struct sz_minisign_pub *pk,
	char out[SZ_MINISIGN_PUB_BASE64]);
/* A public key file (comment line and base64 line), appended to out. */
int sz_minisign_pub_format(const struct sz_minisign_pub *pk,
	struct sz_buf *out);
/* Reads a public key file's text, or a bare base64 key. */
int sz_minisign_pub_parse(const char *text, size_t len,
	struct sz_minisign_pub *pk, struct sz_err *err);

/* A secret key file, appended to out (which should wipe: sz_buf does):
 * encrypted with the passphrase at minisign's cost, or, with pass NULL,
 * unencrypted exactly as `minisign -G -W` writes it. */
int sz_minisign_sec_format(const struct sz_minisign_key *sk,
	const char *pass, size_t pass_len, struct sz_buf *out,
	struct sz_err *err);
/* Whether a secret key file's text asks for a passphrase (false when it
 * cannot be read: sz_minisign_sec_parse then says why). */
bool sz_minisign_sec_encrypted(const char *text, size_t len);
/* Reads a secret key file, decrypting it with the passphrase if it is
 * encrypted (a wrong one is SZ_E_CRYPTO, "wrong passphrase").  *sk is
 * freed with sz_minisign_key_free. */
int sz_minisign_sec_parse(const char *text, size_t len, const char *pass,
	size_t pass_len, struct sz_minisign_key **sk, struct sz_err *err)
	__attribute__((warn_unused_result));

/* The pre-hash of a file, fed in pieces. */
struct sz_minisign_hash {
	crypto_generichash_state st;
};
void sz_minisign_hash_init(struct sz_minisign_hash *h);
void sz_minisign_hash_update(struct sz_minisign_hash *h, const void *data,
	size_t len);
void sz_minisign_hash_final(struct sz_minisign_hash *h,
	uint8_t out[SZ_MINISIGN_PREHASH]);

/* Whether a trusted or untrusted comment can be written: no line break,
 * no NUL, within minisign's limit. */
bool sz_minisign_comment_ok(const char *s, size_t max);

/* A signature file for the file whose pre-hash is given, appended to out;
 * the comments must pass sz_minisign_comment_ok. */
int sz_minisign_sign(const struct sz_minisign_key *sk,
	const uint8_t prehash[SZ_MINISIGN_PREHASH], const char *untrusted,
	const char *trusted, struct sz_buf *out, struct sz_err *err);

/* Reads a signature file (strictly: four lines, the prefixes, base64 of
 * the right lengths); s is zeroed first. */
int sz_minisign_sig_parse(const char *text, size_t len,
	struct sz_minisign_sig *s, struct sz_err *err);
/* Checks a parsed signature with pk over the file's pre-hash, the
 * trusted comment included: SZ_E_NO_MATCH when it names another key,
 * SZ_E_UNSUPPORTED for a legacy signature, SZ_E_CRYPTO when it does not
 * verify. */
int sz_minisign_verify(const struct sz_minisign_sig *s,
	const struct sz_minisign_pub *pk,
	const uint8_t prehash[SZ_MINISIGN_PREHASH], struct sz_err *err)
	__attribute__((warn_unused_result));

#endif
