/* fuzz_inbox_args.c - what an editor's inbox links and search box carry:
 * a typed designation (sz_designation_parse) and a page key
 * (sz_inbox_key_parse).  Whatever parses reads back the same: a
 * designation's canonical text parses to the same keys, a key formats to
 * exactly the text it came from. */
#include <assert.h>
#include <string.h>

#include "crypto/codename.h"
#include "fuzz.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	char canon[SZ_DESIGNATION_INPUT_MAX + 1], again[sizeof(canon)];
	uint32_t lo, hi, lo2, hi2;
	if (sz_designation_parse((const char *)in, size, &lo, &hi, canon,
		    sizeof(canon)) == SZ_OK) {
		assert(lo <= hi && hi < SZ_DESIGNATION_KEYS);
		assert(hi - lo == 0 || hi - lo == SZ_CODENAME_LIST_SIZE - 1);
		assert(sz_designation_parse(canon, strlen(canon), &lo2, &hi2,
			again, sizeof(again)) == SZ_OK);
		assert(lo2 == lo && hi2 == hi && strcmp(again, canon) == 0);
		if (lo == hi) {
			sz_designation_name(lo, again, sizeof(again));
			assert(strcmp(again, canon) == 0);
		}
	} else {
		assert(canon[0] == '\0');
	}

	char text[64], out[SZ_INBOX_KEY_TEXT];
	struct sz_inbox_key k, k2;
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
	memcpy(text, in, n);
	text[n] = '\0';
	if (sz_inbox_key_parse(text, &k) == SZ_OK) {
		assert(k.id > 0);
		sz_inbox_key_format(&k, out);
		assert(strcmp(out, text) == 0);
		assert(sz_inbox_key_parse(out, &k2) == SZ_OK);
		assert(k2.id == k.id && strcmp(k2.day, k.day) == 0);
	}
	return 0;
}
