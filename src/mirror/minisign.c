/*
 * minisign.c - minisign's key and signature files (see minisign.h for the
 * layouts): making keys, encrypting and decrypting secret keys with
 * scrypt, signing a pre-hashed file and checking such a signature.
 *
 * It does not read or write files, or ask for passphrases: callers do.
 */
#include "mirror/minisign.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define SIGALG "Ed"
#define SIGALG_HASHED "ED"
#define KDFALG "Sc"
#define KDFNONE "\0\0"
#define CHKALG "B2"
#define COMMENT_PREFIX "untrusted comment: "
#define TRUSTED_PREFIX "trusted comment: "
#define SECKEY_COMMENT "minisign encrypted secret key"

/* The decoded secret key file, byte for byte. */
struct seckey {
	uint8_t sig_alg[2];
	uint8_t kdf_alg[2];
	uint8_t chk_alg[2];
	uint8_t salt[crypto_pwhash_scryptsalsa208sha256_SALTBYTES];
	uint8_t opslimit[8];
	uint8_t memlimit[8];
	struct {
		uint8_t keynum[SZ_MINISIGN_KEYNUM];
		uint8_t sk[crypto_sign_SECRETKEYBYTES];
		uint8_t chk[crypto_generichash_BYTES];
	} enc;
};

struct pubkey {
	uint8_t sig_alg[2];
	uint8_t keynum[SZ_MINISIGN_KEYNUM];
	uint8_t pk[crypto_sign_PUBLICKEYBYTES];
};

struct sigbox {
	uint8_t sig_alg[2];
	uint8_t keynum[SZ_MINISIGN_KEYNUM];
	uint8_t sig[crypto_sign_BYTES];
};

_Static_assert(sizeof(struct seckey) == 158, "minisign's secret key layout");
_Static_assert(sizeof(struct pubkey) == 42, "minisign's public key layout");
_Static_assert(sizeof(struct sigbox) == 74, "minisign's signature layout");

static void le64_store(uint8_t out[8], uint64_t v)
{
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t le64_load(const uint8_t in[8])
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | in[i];
	return v;
}

void sz_minisign_keyid(const uint8_t keynum[SZ_MINISIGN_KEYNUM], char out[17])
{
	snprintf(out, 17, "%016" PRIX64, le64_load(keynum));
}

int sz_minisign_keypair(struct sz_minisign_key **sk,
	struct sz_minisign_pub *pk, struct sz_err *err)
{
	*sk = sodium_malloc(sizeof(**sk));
	if (*sk == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	randombytes_buf((*sk)->keynum, sizeof((*sk)->keynum));
	if (crypto_sign_keypair(pk->pk, (*sk)->sk) != 0) {
		sz_minisign_key_free(*sk);
		*sk = NULL;
		return sz_err_set(err, SZ_E_CRYPTO, "cannot make a key pair");
	}
	memcpy(pk->keynum, (*sk)->keynum, sizeof(pk->keynum));
	return 0;
}

void sz_minisign_key_public(const struct sz_minisign_key *sk,
	struct sz_minisign_pub *pk)
{
	memcpy(pk->keynum, sk->keynum, sizeof(pk->keynum));
	crypto_sign_ed25519_sk_to_pk(pk->pk, sk->sk);
}

void sz_minisign_key_free(struct sz_minisign_key *sk)
{
	if (sk != NULL)
		sodium_free(sk);   /* wipes */
}

/* ---- text lines ------------------------------------------------------ */

/* The next line of text (without its "\n" or "\r\n"); false at the end. */
static bool next_line(const char **p, const char *end, const char **line,
	size_t *len)
{
	if (*p >= end)
		return false;
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	const char *stop = nl ? nl : end;
	*line = *p;
	*len = (size_t)(stop - *p);
	if (*len > 0 && (*line)[*len - 1] == '\r')
		(*len)--;
	*p = nl ? nl + 1 : end;
	return true;
}

static bool has_prefix(const char *line, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(line, prefix, n) == 0;
}

/* Decodes a whole base64 line into exactly want bytes. */
static bool b64_exact(const char *line, size_t len, void *out, size_t want)
{
	size_t got = 0;
	const char *end = NULL;
	if (len == 0 || len > 4 * want / 3 + 8)
		return false;
	if (sodium_base642bin(out, want, line, len, NULL, &got, &end,
	    sodium_base64_VARIANT_ORIGINAL) != 0)
		return false;
	return got == want && end == line + len;
}

static int b64_append(struct sz_buf *out, const void *bin, size_t len)
{
	char b64[512];
	size_t need = sodium_base64_ENCODED_LEN(len,
		sodium_base64_VARIANT_ORIGINAL);
	if (need > sizeof(b64))
		return SZ_E_LIMIT;
	sodium_bin2base64(b64, sizeof(b64), bin, len,
		sodium_base64_VARIANT_ORIGINAL);
	int rc = sz_buf_puts(out, b64);
	sodium_memzero(b64, sizeof(b64));
	return rc ? rc : sz_buf_puts(out, "\n");
}

bool sz_minisign_comment_ok(const char *s, size_t max)
{
	size_t n = strlen(s);
	return n < max && strpbrk(s, "\r\n") == NULL;
}

/* ---- public keys ----------------------------------------------------- */

void sz_minisign_pub_base64(const struct sz_minisign_pub *pk,
	char out[SZ_MINISIGN_PUB_BASE64])
{
	struct pubkey box;
	memcpy(box.sig_alg, SIGALG, 2);
	memcpy(box.keynum, pk->keynum, sizeof(box.keynum));
	memcpy(box.pk, pk->pk, sizeof(box.pk));
	sodium_bin2base64(out, SZ_MINISIGN_PUB_BASE64, (const uint8_t *)&box,
		sizeof(box), sodium_base64_VARIANT_ORIGINAL);
}

int sz_minisign_pub_format(const struct sz_minisign_pub *pk,
	struct sz_buf *out)
{
	char id[17], b64[SZ_MINISIGN_PUB_BASE64];
	sz_minisign_keyid(pk->keynum, id);
	sz_minisign_pub_base64(pk, b64);
	return sz_buf_printf(out, COMMENT_PREFIX "minisign public key %s\n%s\n",
		id, b64);
}

int sz_minisign_pub_parse(const char *text, size_t len,
	struct sz_minisign_pub *pk, struct sz_err *err)
{
	const char *p = text, *end = text + len, *line;
	size_t n;
	struct pubkey box;
	memset(pk, 0, sizeof(*pk));
	if (len > SZ_MINISIGN_FILE_MAX)
		return sz_err_set(err, SZ_E_LIMIT, "a public key is a few lines, "
			"not %zu bytes", len);
	if (!next_line(&p, end, &line, &n))
		return sz_err_set(err, SZ_E_INVAL, "the public key is empty");
	/* A file: the comment line, then the key. */
	if (has_prefix(line, n, COMMENT_PREFIX) &&
	    (n > SZ_MINISIGN_COMMENT_MAX || !next_line(&p, end, &line, &n)))
		return sz_err_set(err, SZ_E_INVAL, "the public key file has no "
			"key after its comment line");
	if (!b64_exact(line, n, &box, sizeof(box)))
		return sz_err_set(err, SZ_E_INVAL, "this is not a minisign public "
			"key (a base64 line of 56 characters starting RW)");
	if (memcmp(box.sig_alg, SIGALG, 2) != 0)
		return sz_err_set(err, SZ_E_UNSUPPORTED, "the public key is not "
			"an Ed25519 minisign key");
	memcpy(pk->keynum, box.keynum, sizeof(pk->keynum));
	memcpy(pk->pk, box.pk, sizeof(pk->pk));
	return 0;
}

/* ---- secret keys ----------------------------------------------------- */

static void seckey_checksum(const struct seckey *s,
	uint8_t chk[crypto_generichash_BYTES])
{
	crypto_generichash_state hs;
	crypto_generichash_init(&hs, NULL, 0, crypto_generichash_BYTES);
	crypto_generichash_update(&hs, s->sig_alg, sizeof(s->sig_alg));
	crypto_generichash_update(&hs, s->enc.keynum, sizeof(s->enc.keynum));
	crypto_generichash_update(&hs, s->enc.sk, sizeof(s->enc.sk));
	crypto_generichash_final(&hs, chk, crypto_generichash_BYTES);
	sodium_memzero(&hs, sizeof(hs));
}

/* XORs the key part with scrypt(passphrase) at the file's own cost. */
static int seckey_xor(struct seckey *s, const char *pass, size_t pass_len,
	struct sz_err *err)
{
	uint8_t *stream = sodium_malloc(sizeof(s->enc));
	if (stream == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	int rc = 0;
	if (crypto_pwhash_scryptsalsa208sha256(stream, sizeof(s->enc), pass,
	    pass_len, s->salt, le64_load(s->opslimit),
	    (size_t)le64_load(s->memlimit)) != 0)
		rc = sz_err_set(err, SZ_E_NOMEM, "not enough memory to derive "
			"the key from the passphrase (%" PRIu64 " MiB)",
			le64_load(s->memlimit) >> 20);
	else
		for (size_t i = 0; i < sizeof(s->enc); i++)
			((uint8_t *)&s->enc)[i] ^= stream[i];
	sodium_free(stream);
	return rc;
}

int sz_minisign_sec_format(const struct sz_minisign_key *sk,
	const char *pass, size_t pass_len, struct sz_buf *out,
	struct sz_err *err)
{
	struct seckey *s = sodium_malloc(sizeof(*s));
	if (s == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	memset(s, 0, sizeof(*s));
	memcpy(s->sig_alg, SIGALG, 2);
	memcpy(s->kdf_alg, pass ? KDFALG : KDFNONE, 2);
	memcpy(s->chk_alg, CHKALG, 2);
	memcpy(s->enc.keynum, sk->keynum, sizeof(s->enc.keynum));
	memcpy(s->enc.sk, sk->sk, sizeof(s->enc.sk));
	int rc = 0;
	if (pass != NULL) {
		/* minisign computes the checksum only for encrypted keys: a
		 * -W key carries zeros there, and so does ours. */
		randombytes_buf(s->salt, sizeof(s->salt));
		le64_store(s->opslimit, SZ_MINISIGN_OPSLIMIT);
		le64_store(s->memlimit, SZ_MINISIGN_MEMLIMIT);
		seckey_checksum(s, s->enc.chk);
		rc = seckey_xor(s, pass, pass_len, err);
	}
	if (rc == 0)
		rc = sz_buf_puts(out, COMMENT_PREFIX SECKEY_COMMENT "\n");
	if (rc == 0)
		rc = b64_append(out, s, sizeof(*s));
	if (rc != 0 && err != NULL && err->msg[0] == 0)
		sz_err_set(err, rc, "the key file does not fit");
	sodium_free(s);
	return rc;
}

/* Decodes the second line of a secret key file into s. */
static int seckey_decode(const char *text, size_t len, struct seckey *s,
	struct sz_err *err)
{
	const char *p = text, *end = text + len, *line;
	size_t n;
	if (len > SZ_MINISIGN_FILE_MAX)
		return sz_err_set(err, SZ_E_LIMIT, "a secret key is two lines, "
			"not %zu bytes", len);
	if (!next_line(&p, end, &line, &n) ||
	    !has_prefix(line, n, COMMENT_PREFIX) ||
	    n > SZ_MINISIGN_COMMENT_MAX || !next_line(&p, end, &line, &n) ||
	    !b64_exact(line, n, s, sizeof(*s)))
		return sz_err_set(err, SZ_E_INVAL, "this is not a minisign secret "
			"key file");
	if (memcmp(s->sig_alg, SIGALG, 2) != 0 ||
	    memcmp(s->chk_alg, CHKALG, 2) != 0)
		return sz_err_set(err, SZ_E_UNSUPPORTED, "the secret key is not "
			"an Ed25519 minisign key");
	if (memcmp(s->kdf_alg, KDFALG, 2) != 0 &&
	    memcmp(s->kdf_alg, KDFNONE, 2) != 0)
		return sz_err_set(err, SZ_E_UNSUPPORTED, "the secret key is "
			"protected in a way minisign does not use");
	return 0;
}

bool sz_minisign_sec_encrypted(const char *text, size_t len)
{
	struct seckey *s = sodium_malloc(sizeof(*s));
	bool enc = s != NULL && seckey_decode(text, len, s, NULL) == 0 &&
		memcmp(s->kdf_alg, KDFALG, 2) == 0;
	if (s != NULL)
		sodium_free(s);
	return enc;
}

int sz_minisign_sec_parse(const char *text, size_t len, const char *pass,
	size_t pass_len, struct sz_minisign_key **out, struct sz_err *err)
{
	*out = NULL;
	struct seckey *s = sodium_malloc(sizeof(*s));
	if (s == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	int rc = seckey_decode(text, len, s, err);
	if (rc == 0 && memcmp(s->kdf_alg, KDFALG, 2) == 0) {
		uint8_t chk[crypto_generichash_BYTES];
		if (pass == NULL)
			rc = sz_err_set(err, SZ_E_INVAL, "the secret key is "
				"encrypted: give its passphrase");
		else if (le64_load(s->opslimit) > SZ_MINISIGN_OPSLIMIT_MAX ||
		    le64_load(s->memlimit) > SZ_MINISIGN_MEMLIMIT_MAX)
			rc = sz_err_set(err, SZ_E_LIMIT, "the secret key asks for "
				"more work to decrypt than minisign ever sets");
		if (rc == 0)
			rc = seckey_xor(s, pass, pass_len, err);
		if (rc == 0) {
			seckey_checksum(s, chk);
			if (sodium_memcmp(chk, s->enc.chk, sizeof(chk)) != 0)
				rc = sz_err_set(err, SZ_E_CRYPTO, "wrong passphrase "
					"for that key");
		}
		sodium_memzero(chk, sizeof(chk));
	}
	struct sz_minisign_key *k = NULL;
	if (rc == 0 && (k = sodium_malloc(sizeof(*k))) == NULL)
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	if (rc == 0) {
		memcpy(k->keynum, s->enc.keynum, sizeof(k->keynum));
		memcpy(k->sk, s->enc.sk, sizeof(k->sk));
		*out = k;
	}
	sodium_free(s);
	return rc;
}

/* ---- signatures ------------------------------------------------------ */

void sz_minisign_hash_init(struct sz_minisign_hash *h)
{
	crypto_generichash_init(&h->st, NULL, 0, SZ_MINISIGN_PREHASH);
}

void sz_minisign_hash_update(struct sz_minisign_hash *h, const void *data,
	size_t len)
{
	crypto_generichash_update(&h->st, data, len);
}

void sz_minisign_hash_final(struct sz_minisign_hash *h,
	uint8_t out[SZ_MINISIGN_PREHASH])
{
	crypto_generichash_final(&h->st, out, SZ_MINISIGN_PREHASH);
}

/* The global signature's message: the signature, then the comment. */
static int global_message(const uint8_t sig[crypto_sign_BYTES],
	const char *trusted, struct sz_buf *m)
{
	sz_buf_init(m, crypto_sign_BYTES + SZ_MINISIGN_TRUSTED_MAX);
	int rc = sz_buf_append(m, sig, crypto_sign_BYTES);
	return rc ? rc : sz_buf_puts(m, trusted);
}

int sz_minisign_sign(const struct sz_minisign_key *sk,
	const uint8_t prehash[SZ_MINISIGN_PREHASH], const char *untrusted,
	const char *trusted, struct sz_buf *out, struct sz_err *err)
{
	if (!sz_minisign_comment_ok(untrusted, SZ_MINISIGN_COMMENT_MAX -
	    sizeof(COMMENT_PREFIX)) || !sz_minisign_comment_ok(trusted,
	    SZ_MINISIGN_TRUSTED_MAX - sizeof(TRUSTED_PREFIX)))
		return sz_err_set(err, SZ_E_INVAL, "a signature's comment is one "
			"line of at most %d bytes", SZ_MINISIGN_TRUSTED_MAX / 2);
	struct sigbox box;
	uint8_t global[crypto_sign_BYTES];
	struct sz_buf m;
	memcpy(box.sig_alg, SIGALG_HASHED, 2);
	memcpy(box.keynum, sk->keynum, sizeof(box.keynum));
	crypto_sign_detached(box.sig, NULL, prehash, SZ_MINISIGN_PREHASH, sk->sk);
	int rc = global_message(box.sig, trusted, &m);
	if (rc == 0)
		crypto_sign_detached(global, NULL, m.data, m.len, sk->sk);
	sz_buf_free(&m);
	if (rc == 0)
		rc = sz_buf_printf(out, COMMENT_PREFIX "%s\n", untrusted);
	if (rc == 0)
		rc = b64_append(out, &box, sizeof(box));
	if (rc == 0)
		rc = sz_buf_printf(out, TRUSTED_PREFIX "%s\n", trusted);
	if (rc == 0)
		rc = b64_append(out, global, sizeof(global));
	return rc ? sz_err_set(err, rc, "the signature does not fit") : 0;
}

int sz_minisign_sig_parse(const char *text, size_t len,
	struct sz_minisign_sig *s, struct sz_err *err)
{
	const char *p = text, *end = text + len, *line;
	size_t n;
	struct sigbox box;
	memset(s, 0, sizeof(*s));
	if (len > SZ_MINISIGN_FILE_MAX)
		return sz_err_set(err, SZ_E_LIMIT, "a signature is four lines, "
			"not %zu bytes", len);
	if (!next_line(&p, end, &line, &n) ||
	    !has_prefix(line, n, COMMENT_PREFIX) || n >= SZ_MINISIGN_COMMENT_MAX)
		return sz_err_set(err, SZ_E_INVAL, "the signature does not start "
			"with \"" COMMENT_PREFIX "\"");
	if (!next_line(&p, end, &line, &n) ||
	    !b64_exact(line, n, &box, sizeof(box)))
		return sz_err_set(err, SZ_E_INVAL, "the signature's second line "
			"is not a minisign signature (truncated or damaged?)");
	if (memcmp(box.sig_alg, SIGALG_HASHED, 2) == 0)
		s->prehashed = true;
	else if (memcmp(box.sig_alg, SIGALG, 2) != 0)
		return sz_err_set(err, SZ_E_UNSUPPORTED, "the signature uses an "
			"algorithm minisign does not know");
	if (!next_line(&p, end, &line, &n) ||
	    !has_prefix(line, n, TRUSTED_PREFIX))
		return sz_err_set(err, SZ_E_INVAL, "the signature has no "
			"\"" TRUSTED_PREFIX "\" line");
	size_t tl = n - strlen(TRUSTED_PREFIX);
	if (tl >= sizeof(s->trusted) - sizeof(TRUSTED_PREFIX) ||
	    memchr(line + strlen(TRUSTED_PREFIX), 0, tl) != NULL)
		return sz_err_set(err, SZ_E_LIMIT, "the trusted comment is too "
			"long or holds a NUL");
	memcpy(s->trusted, line + strlen(TRUSTED_PREFIX), tl);
	s->trusted[tl] = 0;
	if (!next_line(&p, end, &line, &n) ||
	    !b64_exact(line, n, s->global_sig, sizeof(s->global_sig)))
		return sz_err_set(err, SZ_E_INVAL, "the signature's last line is "
			"missing or damaged (truncated?)");
	/* Nothing but blank lines may follow. */
	while (next_line(&p, end, &line, &n))
		if (n != 0)
			return sz_err_set(err, SZ_E_INVAL, "the signature has more "
				"than four lines");
	memcpy(s->keynum, box.keynum, sizeof(s->keynum));
	memcpy(s->sig, box.sig, sizeof(s->sig));
	return 0;
}

int sz_minisign_verify(const struct sz_minisign_sig *s,
	const struct sz_minisign_pub *pk,
	const uint8_t prehash[SZ_MINISIGN_PREHASH], struct sz_err *err)
{
	if (!s->prehashed)
		return sz_err_set(err, SZ_E_UNSUPPORTED, "a legacy (not "
			"pre-hashed) signature: sign again with minisign 0.10 or "
			"later");
	if (memcmp(s->keynum, pk->keynum, sizeof(s->keynum)) != 0) {
		char a[17], b[17];
		sz_minisign_keyid(s->keynum, a);
		sz_minisign_keyid(pk->keynum, b);
		return sz_err_set(err, SZ_E_NO_MATCH, "signed by key %s, not by "
			"the given key %s", a, b);
	}
	if (crypto_sign_verify_detached(s->sig, prehash, SZ_MINISIGN_PREHASH,
	    pk->pk) != 0)
		return sz_err_set(err, SZ_E_CRYPTO, "the signature does not match "
			"the file");
	struct sz_buf m;
	int rc = global_message(s->sig, s->trusted, &m);
	if (rc == 0 && crypto_sign_verify_detached(s->global_sig, m.data, m.len,
	    pk->pk) != 0)
		rc = sz_err_set(err, SZ_E_CRYPTO, "the trusted comment's "
			"signature does not verify: it was altered");
	else if (rc != 0)
		rc = sz_err_set(err, rc, "out of memory");
	sz_buf_free(&m);
	return rc;
}
