/* fuzz_keys.c - key strings: Bech32, age recipients and identities.  A
 * string that parses must format back to the same key, and Bech32 that
 * decodes must re-encode to the same text (in its case). */
#include <assert.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "crypto/age_keys.h"
#include "crypto/bech32.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	char s[SZ_BECH32_MAX_LEN + 2];
	if (size > SZ_BECH32_MAX_LEN + 1 || sodium_init() < 0)
		return 0;
	memcpy(s, in, size);
	s[size] = '\0';

	char hrp[128], again[2 * SZ_BECH32_MAX_LEN];
	uint8_t data[SZ_BECH32_MAX_LEN];
	size_t len = 0;
	if (sz_bech32_decode(s, hrp, sizeof(hrp), data, &len, sizeof(data)) == 0 &&
	    sz_bech32_encode(hrp, data, len, false, again, sizeof(again)) == 0)
		assert(strcasecmp(again, s) == 0);

	struct sz_age_recipient *r;
	if (sz_age_recipient_parse(s, &r, NULL) == 0) {
		char out[SZ_AGE_RECIPIENT_STR_SIZE];
		assert(sz_age_recipient_format(r, out) == 0);
		assert(strcasecmp(out, s) == 0);
		sz_age_recipient_free(r);
	}
	struct sz_age_identity *id;
	if (sz_age_identity_parse(s, &id, NULL) == 0) {
		char out[SZ_AGE_IDENTITY_STR_SIZE];
		assert(sz_age_identity_format(id, out) == 0);
		assert(strcasecmp(out, s) == 0);
		sodium_memzero(out, sizeof(out));
		sz_age_identity_free(id);
	}
	return 0;
}
