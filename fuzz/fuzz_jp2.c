/*
 * fuzz_jp2.c - a JPEG 2000 file's boxes (jp2.c), as a PDF's JPXDecode
 * image holds them, on arbitrary bytes.  Properties: inspecting and
 * cleaning agree (the same result and the same report); the clean copy
 * is never longer than the input, reads back and has nothing left to
 * remove, and cleaning it again gives the same bytes.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "docs/jp2.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sz_doc_report seen, removed;
	struct sz_err err;
	uint8_t *out = NULL;
	size_t out_len = 0;
	sz_doc_report_init(&seen);
	sz_doc_report_init(&removed);
	int a = sz_jp2_clean(data, size, NULL, NULL, &seen, &err);
	int b = sz_jp2_clean(data, size, &out, &out_len, &removed, &err);
	assert(a == b && seen.len == removed.len);
	if (b == 0) {
		struct sz_doc_report again;
		uint8_t *twice = NULL;
		size_t twice_len = 0;
		sz_doc_report_init(&again);
		assert(out_len <= size);
		assert(sz_jp2_clean(out, out_len, &twice, &twice_len, &again,
			&err) == 0);
		assert(again.len == 0 && twice_len == out_len &&
			memcmp(twice, out, out_len) == 0);
		free(twice);
		sz_doc_report_free(&again);
	} else {
		assert(out == NULL);
	}
	free(out);
	sz_doc_report_free(&seen);
	sz_doc_report_free(&removed);
	return 0;
}
