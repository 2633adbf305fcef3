/*
 * fuzz_langtag.c - an Accept-Language header (or a ?lang= value) from
 * arbitrary bytes: the answer is one of the languages offered or none,
 * and a tag matches a language at most "exactly".
 */
#include <assert.h>

#include "core/langtag.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const codes[] = { "en", "ar", "ru", "zh_CN", "pt_BR" };
	int i = sz_langtag_accept((const char *)data, size, codes, 5);
	assert(i >= -1 && i < 5);
	for (size_t k = 0; k < 5; k++) {
		int m = sz_langtag_match((const char *)data, size, codes[k]);
		assert(m >= 0 && m <= 2);
	}
	sz_langtag_is_code((const char *)data, size);
	return 0;
}
