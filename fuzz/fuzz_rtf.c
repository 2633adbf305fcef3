/*
 * fuzz_rtf.c - compressed RTF and RTF's text (rtf.c) on arbitrary bytes:
 * the first byte says whether they are decompressed first.  Nothing may
 * crash, hang or read out of bounds; the output stays in its bounds and
 * the text is valid UTF-8.
 */
#include <assert.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "docs/rtf.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	bool compressed = data[0] & 1;
	data++;
	size--;
	struct sz_buf rtf, text;
	struct sz_err err;
	sz_buf_init(&rtf, SZ_RTF_MAX);
	sz_buf_init(&text, 4u << 20);
	if (compressed) {
		if (sz_rtf_decompress(data, size, &rtf, &err) == 0 && rtf.len > 0)
			(void)sz_rtf_text(rtf.data, rtf.len, &text);
		assert(rtf.len <= SZ_RTF_MAX);
	} else {
		(void)sz_rtf_text(data, size, &text);
	}
	assert(sz_utf8_valid((const char *)text.data, text.len));
	sz_buf_free(&rtf);
	sz_buf_free(&text);
	return 0;
}
