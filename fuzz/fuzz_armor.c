/* fuzz_armor.c - the streaming armor decoder, fed in pieces; what decodes
 * must re-encode to a file that decodes to the same bytes. */
#include <assert.h>
#include <string.h>

#include "core/buf.h"
#include "crypto/armor.h"
#include "fuzz.h"

static int buf_sink(void *ctx, const uint8_t *d, size_t n)
{
	return sz_buf_append(ctx, d, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t piece = fuzz_piece(&data, &size);
	struct sz_armor_dec *d;
	struct sz_buf out, again;
	sz_buf_init(&out, 8u << 20);
	int rc = sz_armor_dec_new(&d, buf_sink, &out, NULL);
	for (size_t off = 0; rc == 0 && off < size; off += piece)
		rc = sz_armor_dec_update(d, data + off,
			size - off < piece ? size - off : piece, NULL);
	if (rc == 0)
		rc = sz_armor_dec_finish(d, NULL);
	sz_armor_dec_free(d);
	if (rc == 0) {
		struct sz_buf text;
		struct sz_armor_enc a;
		sz_buf_init(&text, 16u << 20);
		sz_armor_enc_init(&a, buf_sink, &text);
		assert(sz_armor_enc_write(&a, out.data, out.len) == 0);
		assert(sz_armor_enc_finish(&a) == 0);
		sz_buf_init(&again, 8u << 20);
		assert(sz_armor_dec_new(&d, buf_sink, &again, NULL) == 0);
		assert(sz_armor_dec_update(d, text.data, text.len, NULL) == 0);
		assert(sz_armor_dec_finish(d, NULL) == 0);
		assert(again.len == out.len &&
			(out.len == 0 || memcmp(again.data, out.data, out.len) == 0));
		sz_armor_dec_free(d);
		sz_buf_free(&again);
		sz_buf_free(&text);
	}
	sz_buf_free(&out);
	return 0;
}
