/* fuzz_mail_view.c - what an e-mail's page reads from archived text: the
 * format=flowed decoder (docs/flowed.h), one header field of a raw
 * message and the split of an address list (web/archive/header.c).  The
 * first byte picks DelSp; any input decodes within twice its length,
 * with no CR left, and every split ends. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "docs/flowed.h"
#include "fuzz.h"
#include "web/archive/view.h"

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	if (size == 0)
		return 0;
	bool delsp = in[0] & 1;
	const char *text = (const char *)in + 1;
	size_t len = size - 1;
	struct sz_buf out;
	sz_buf_init(&out, 2 * len + 1);
	if (sz_flowed_decode(text, len, delsp, &out) == 0) {
		assert(out.len <= 2 * len);
		assert(out.data == NULL || memchr(out.data, '\r', out.len) == NULL);
	}
	sz_buf_free(&out);

	char field[256];
	if (view_header_field(text, len, "Date", field, sizeof(field)))
		assert(strlen(field) < sizeof(field));

	/* The address splitter reads a NUL-terminated list. */
	char *list = malloc(len + 1);
	if (list == NULL)
		return 0;
	memcpy(list, text, len);
	list[len] = 0;
	const char *p = list;
	char name[64], addr[64];
	size_t n = 0;
	while (view_address_next(&p, name, sizeof(name), addr, sizeof(addr))) {
		assert(p >= list && p <= list + strlen(list));
		assert(++n <= len + 1);
	}
	free(list);
	return 0;
}
