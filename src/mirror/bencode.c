/*
 * bencode.c - the canonical bencoding writer (bencode.h).
 */
#include "mirror/bencode.h"

#include <assert.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"

void sz_bencode_init(struct sz_bencode *b, sz_bencode_sink sink, void *ctx)
{
	memset(b, 0, sizeof(*b));
	b->sink = sink;
	b->ctx = ctx;
}

void sz_bencode_raw(struct sz_bencode *b, const void *data, size_t len)
{
	if (b->err == 0 && len > 0)
		b->err = b->sink(b->ctx, data, len) ? SZ_E_IO : 0;
}

void sz_bencode_int(struct sz_bencode *b, int64_t v)
{
	char s[32];
	int n = snprintf(s, sizeof(s), "i%" PRId64 "e", v);
	sz_bencode_raw(b, s, (size_t)n);
}

void sz_bencode_str_head(struct sz_bencode *b, uint64_t len)
{
	char s[32];
	int n = snprintf(s, sizeof(s), "%" PRIu64 ":", len);
	sz_bencode_raw(b, s, (size_t)n);
}

void sz_bencode_str(struct sz_bencode *b, const void *s, size_t len)
{
	sz_bencode_str_head(b, len);
	sz_bencode_raw(b, s, len);
}

void sz_bencode_cstr(struct sz_bencode *b, const char *s)
{
	sz_bencode_str(b, s, strlen(s));
}

void sz_bencode_key(struct sz_bencode *b, const char *key)
{
	int d = b->depth - 1;
	size_t n = strlen(key);
	bool ok = d >= 0 && b->is_dict[d] && n <= SZ_BENCODE_KEY_MAX &&
		(b->last[d][0] == 0 || strcmp(b->last[d], key) < 0);
	assert(ok && "bencode keys in byte order, inside a dictionary");
	if (!ok) {
		if (b->err == 0)
			b->err = SZ_E_INVAL;
		return;
	}
	memcpy(b->last[d], key, n + 1);
	sz_bencode_str(b, key, n);
}

static void begin(struct sz_bencode *b, bool dict)
{
	if (b->depth >= SZ_BENCODE_DEPTH) {
		if (b->err == 0)
			b->err = SZ_E_LIMIT;
		return;
	}
	b->is_dict[b->depth] = dict;
	b->last[b->depth][0] = 0;
	b->depth++;
	sz_bencode_raw(b, dict ? "d" : "l", 1);
}

void sz_bencode_list(struct sz_bencode *b)
{
	begin(b, false);
}

void sz_bencode_dict(struct sz_bencode *b)
{
	begin(b, true);
}

void sz_bencode_end(struct sz_bencode *b)
{
	if (b->depth > 0)
		b->depth--;
	sz_bencode_raw(b, "e", 1);
}

int sz_bencode_done(struct sz_bencode *b)
{
	return b->err ? b->err : b->depth ? SZ_E_INVAL : 0;
}
