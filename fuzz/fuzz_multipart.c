/* fuzz_multipart.c - the streaming multipart/form-data parser.  The first
 * input line is the Content-Type header (with the boundary); the rest is
 * the body, fed in pieces.  Part data must never come out larger than what
 * went in. */
#include <assert.h>
#include <string.h>

#include "http/multipart.h"
#include "fuzz.h"

struct count {
	size_t parts, bytes;
	int open;
};

static int begin(void *ctx, const struct sz_mp_part *p)
{
	struct count *c = ctx;
	assert(!c->open);
	assert(strlen(p->name) <= SZ_MP_NAME_MAX);
	c->parts++;
	c->open = 1;
	return 0;
}

static int data(void *ctx, const uint8_t *d, size_t n)
{
	struct count *c = ctx;
	(void)d;
	assert(c->open);
	c->bytes += n;
	return 0;
}

static int end(void *ctx)
{
	struct count *c = ctx;
	assert(c->open);
	c->open = 0;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	static const struct sz_mp_handler h = { begin, data, end };
	size_t piece = fuzz_piece(&in, &size);
	const uint8_t *nl = memchr(in, '\n', size);
	if (nl == NULL || (size_t)(nl - in) > 200)
		return 0;
	char ct[256];
	memcpy(ct, in, (size_t)(nl - in));
	ct[nl - in] = '\0';
	const uint8_t *body = nl + 1;
	size_t len = size - (size_t)(body - in);
	struct count c = { 0, 0, 0 };
	struct sz_multipart *m;
	if (sz_multipart_new(&m, ct, &h, &c, 16, NULL) != 0)
		return 0;
	int rc = 0;
	for (size_t off = 0; rc == 0 && off < len; off += piece)
		rc = sz_multipart_feed(m, body + off,
			len - off < piece ? len - off : piece, NULL);
	if (rc == 0)
		rc = sz_multipart_finish(m, NULL);
	assert(c.bytes <= len && c.parts <= 16);
	sz_multipart_free(m);
	return 0;
}
