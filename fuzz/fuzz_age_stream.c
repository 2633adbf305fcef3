/* fuzz_age_stream.c - the STREAM payload.  The input, used as ciphertext
 * under a fixed key, must be refused cleanly; used as plaintext, it must
 * come back unchanged from sealing and opening in pieces. */
#include <assert.h>
#include <sodium.h>
#include <string.h>

#include "core/buf.h"
#include "crypto/age_stream.h"
#include "fuzz.h"

static int buf_sink(void *ctx, const uint8_t *d, size_t n)
{
	return sz_buf_append(ctx, d, n);
}

static int run(const uint8_t *key, int decrypt, const uint8_t *data,
	size_t size, size_t piece, struct sz_buf *out)
{
	struct sz_age_stream *s;
	sz_buf_init(out, 16u << 20);
	int rc = sz_age_stream_new(&s, key, decrypt, 1 + piece % 2, buf_sink,
		out, NULL);
	for (size_t off = 0; rc == 0 && off < size; off += piece)
		rc = sz_age_stream_update(s, data + off,
			size - off < piece ? size - off : piece, NULL);
	if (rc == 0)
		rc = sz_age_stream_finish(s, NULL);
	sz_age_stream_free(s);
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[SZ_AGE_STREAM_KEY_SIZE] = { 1, 2, 3 };
	if (sodium_init() < 0)
		return 0;
	size_t piece = fuzz_piece(&data, &size);
	struct sz_buf a, b;
	run(key, 1, data, size, piece, &a);
	sz_buf_free(&a);
	assert(run(key, 0, data, size, piece, &a) == 0);
	assert(run(key, 1, a.data, a.len, piece + 3, &b) == 0);
	assert(b.len == size && (size == 0 || memcmp(b.data, data, size) == 0));
	sz_buf_free(&a);
	sz_buf_free(&b);
	return 0;
}
