/* fuzz_unpack.c - an inbox item's plaintext as `samizdat decrypt -C`
 * reads it (src/cli/unpack.c: libarchive's tar reader, our checks and
 * name sanitising), handed over in pieces as the decryptor would, with
 * nothing written.  A sanitised name is never empty, ".", "..", holds no
 * '/' and no control byte, and is at most SZ_ITEM_NAME_MAX bytes. */
#include <assert.h>
#include <string.h>

#include "cli/unpack.h"
#include "store/item.h"
#include "fuzz.h"

struct pieces {
	const uint8_t *data;
	size_t size, piece;
};

static ssize_t pull(void *ctx, const uint8_t **data, struct sz_err *err)
{
	struct pieces *p = ctx;
	(void)err;
	size_t n = p->size < p->piece ? p->size : p->piece;
	*data = p->data;
	p->data += n;
	p->size -= n;
	return (ssize_t)n;
}

static void check_name(const uint8_t *data, size_t size)
{
	char out[SZ_ITEM_NAME_MAX + 1];
	sz_item_sanitize_name((const char *)data, size, out);
	size_t n = strlen(out);
	assert(n > 0 && n <= SZ_ITEM_NAME_MAX);
	assert(strcmp(out, ".") != 0 && strcmp(out, "..") != 0);
	assert(out[0] != '.' && out[0] != '-');
	for (size_t i = 0; i < n; i++)
		assert(out[i] != '/' && (unsigned char)out[i] >= 0x20 &&
			out[i] != 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_name(data, size < 2048 ? size : 2048);
	struct pieces p = { .data = data, .size = size };
	p.piece = fuzz_piece(&p.data, &p.size) * 37;
	struct sz_unpack u;
	struct sz_err err;
	sz_unpack_init(&u, NULL);
	u.quiet = 1;
	sz_unpack_item(&u, "fuzz.age", pull, &p, &err);
	assert(u.files <= SZ_UNPACK_MAX_FILES);
	sz_unpack_free(&u);
	return 0;
}
