/*
 * fuzz_uu.c - finding and decoding files uuencoded inside text (uu.c) on
 * arbitrary bytes.  Properties: every block found lies within the text,
 * after the one before it and after where the search started; its name
 * is a NUL-terminated string within its bound; a line's decoded bytes
 * are at most the 63 a length character can say, and a block never
 * decodes to more bytes than its encoded lines take.
 */
#include <assert.h>
#include <string.h>

#include "docs/uu.h"
#include "fuzz.h"

static int count(void *ctx, const uint8_t *p, size_t n)
{
	(void)p;
	assert(n <= 63);
	*(size_t *)ctx += n;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sz_uu_block b;
	size_t at = 0;
	while (sz_uu_find(data, size, at, &b)) {
		assert(b.start >= at && b.start < b.data && b.data <= b.end &&
			b.end <= size);
		assert(strlen(b.name) > 0 && strlen(b.name) <= SZ_UU_NAME_MAX);
		size_t total = 0;
		int rc = sz_uu_decode(data, &b, count, &total);
		assert(rc == 0 || rc == SZ_UU_TOO_LARGE);
		assert(total <= b.end - b.data);
		at = b.end;
	}
	return 0;
}
