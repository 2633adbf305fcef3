/*
 * fuzz_tnef.c - winmail.dat (tnef.c, through libytnef) and the RTF inside
 * it on arbitrary bytes: nothing may crash, leak or read out of bounds;
 * what comes out is named, and the body is valid UTF-8.
 */
#include <assert.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "docs/tnef.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sz_tnef *t;
	struct sz_err err;
	if (sz_tnef_open(data, size, &t, &err) != 0)
		return 0;
	const struct sz_tnef_file *f;
	size_t n = sz_tnef_files(t, &f);
	assert(n <= SZ_TNEF_MAX_FILES);
	for (size_t i = 0; i < n; i++) {
		assert(strlen(f[i].name) <= SZ_TNEF_NAME_MAX);
		assert(sz_utf8_valid(f[i].name, strlen(f[i].name)));
		assert(f[i].data != NULL || f[i].len == 0);
	}
	struct sz_buf body;
	sz_buf_init(&body, 16u << 20);
	(void)sz_tnef_body(t, &body);
	assert(sz_utf8_valid((const char *)body.data, body.len));
	sz_buf_free(&body);
	sz_tnef_free(t);
	return 0;
}
