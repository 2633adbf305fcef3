/* fuzz_minisign.c - minisign files from anyone: signatures (a mirror
 * serves them), public keys (a reader pastes them) and secret keys.  The
 * first byte picks the parser.  Whatever parses must verify only what it
 * signed: a parsed signature is checked against a fixed key and file and
 * must not verify (it was not made with that key); a parsed public key
 * formats back to the same key; a parsed unencrypted secret key signs,
 * and its own public key verifies that. */
#include <assert.h>
#include <string.h>

#include <sodium.h>

#include "fuzz.h"
#include "mirror/minisign.h"

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	if (size < 1 || size > SZ_MINISIGN_FILE_MAX + 16 || sodium_init() < 0)
		return 0;
	const char *text = (const char *)in + 1;
	size_t len = size - 1;
	uint8_t h[SZ_MINISIGN_PREHASH];
	struct sz_minisign_hash hs;
	sz_minisign_hash_init(&hs);
	sz_minisign_hash_update(&hs, "MANIFEST", 8);
	sz_minisign_hash_final(&hs, h);
	switch (in[0] % 3) {
	case 0: {
		struct sz_minisign_sig sig;
		struct sz_minisign_pub pk;
		memset(&pk, 0x42, sizeof(pk));
		if (sz_minisign_sig_parse(text, len, &sig, NULL) == 0) {
			assert(strlen(sig.trusted) < sizeof(sig.trusted));
			memcpy(pk.keynum, sig.keynum, sizeof(pk.keynum));
			assert(sz_minisign_verify(&sig, &pk, h, NULL) != 0);
		}
		break;
	}
	case 1: {
		struct sz_minisign_pub pk, back;
		if (sz_minisign_pub_parse(text, len, &pk, NULL) == 0) {
			char b64[SZ_MINISIGN_PUB_BASE64];
			sz_minisign_pub_base64(&pk, b64);
			assert(sz_minisign_pub_parse(b64, strlen(b64), &back,
				NULL) == 0);
			assert(memcmp(&pk, &back, sizeof(pk)) == 0);
		}
		break;
	}
	default: {
		/* No passphrase: an encrypted key is refused before any
		 * scrypt, whatever cost it asks for. */
		struct sz_minisign_key *sk;
		if (sz_minisign_sec_parse(text, len, NULL, 0, &sk, NULL) == 0) {
			struct sz_minisign_pub pk;
			struct sz_minisign_sig sig;
			struct sz_buf out;
			sz_minisign_key_public(sk, &pk);
			sz_buf_init(&out, SZ_MINISIGN_FILE_MAX);
			assert(sz_minisign_sign(sk, h, "u", "t", &out, NULL) == 0);
			assert(sz_minisign_sig_parse((char *)out.data, out.len, &sig,
				NULL) == 0);
			assert(sz_minisign_verify(&sig, &pk, h, NULL) == 0);
			sz_buf_free(&out);
			sz_minisign_key_free(sk);
		}
		break;
	}
	}
	return 0;
}
