/* fuzz_age_header.c - the age header parser: finding its end, parsing it,
 * and writing back a parsed header must never crash or read out of
 * bounds; a header that parses must re-encode to the same bytes. */
#include <assert.h>
#include <string.h>

#include "crypto/age_header.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t scan = 0, end = 0;
	if (size > SZ_AGE_MAX_HEADER_SIZE)
		return 0;
	if (sz_age_header_find_end(data, size, &scan, &end, NULL) != 1)
		return 0;
	struct sz_age_header h;
	if (sz_age_header_parse(data, end, &h, NULL) != SZ_OK)
		return 0;
	/* Strict parsing means one text per header: re-encode and compare
	 * (up to the MAC, which needs the file key). */
	struct sz_buf out;
	sz_buf_init(&out, SZ_AGE_MAX_HEADER_SIZE);
	int rc = sz_buf_puts(&out, SZ_AGE_VERSION_LINE "\n");
	for (size_t i = 0; rc == 0 && i < h.nstanzas; i++)
		rc = sz_age_stanza_write(&h.stanzas[i], &out);
	assert(rc != 0 || (out.len == h.mac_input_len - 3 &&
		memcmp(out.data, data, out.len) == 0));
	sz_buf_free(&out);
	sz_age_header_clear(&h);
	return 0;
}
