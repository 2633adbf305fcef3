/* fuzz_form.c - urlencoded forms: every field that parses is valid UTF-8
 * without NUL, and no more fields than the limit. */
#include <assert.h>
#include <string.h>

#include "core/utf8.h"
#include "http/form.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct sz_form f;
	if (sz_form_parse(&f, (const char *)in, size, NULL) == 0) {
		assert(f.n <= SZ_FORM_MAX_FIELDS);
		for (size_t i = 0; i < f.n; i++) {
			assert(strlen(f.f[i].value) == f.f[i].value_len);
			assert(sz_utf8_valid(f.f[i].value, f.f[i].value_len));
		}
		(void)sz_form_get(&f, "csrf");
	}
	sz_form_free(&f);
	return 0;
}
