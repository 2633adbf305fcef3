/* fuzz_age_decrypt.c - a whole age file, binary or armored, through the
 * decryptor with the identity of the C2SP test vectors, so mutations of
 * the seed corpus reach the MAC check and the payload. */
#include <sodium.h>

#include "crypto/age.h"
#include "fuzz.h"

static int null_sink(void *ctx, const uint8_t *d, size_t n)
{
	(void)ctx, (void)d, (void)n;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sz_age_identity *id;
	if (id == NULL) {
		if (sodium_init() < 0 || sz_age_identity_parse(
			    "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDK"
			    "WYKLMGR48UAWX40Q2P2LM0", &id, NULL) != 0)
			return 0;
	}
	size_t piece = fuzz_piece(&data, &size);
	struct sz_age_decryptor *d;
	if (sz_age_decrypt_begin(&d, &id, 1, NULL, null_sink, NULL, NULL) != 0)
		return 0;
	int rc = 0;
	for (size_t off = 0; rc == 0 && off < size; off += piece)
		rc = sz_age_decrypt_update(d, data + off,
			size - off < piece ? size - off : piece, NULL);
	if (rc == 0)
		rc = sz_age_decrypt_finish(d, NULL);
	sz_age_decrypt_free(d);
	return 0;
}
