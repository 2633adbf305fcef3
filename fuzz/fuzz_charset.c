/*
 * fuzz_charset.c - deciding a charset and converting to UTF-8 (charset.c),
 * and cleaning (core/utf8.c), on arbitrary bytes.  The first byte picks
 * the declared label and whether it is HTML.  Properties: the output is
 * valid UTF-8 without U+0000; converting in pieces of any size gives the
 * same text as converting whole; cleaning leaves clean text, and cleaning
 * again changes nothing.
 */
#include <assert.h>
#include <string.h>

#include "core/buf.h"
#include "core/utf8.h"
#include "docs/charset.h"
#include "fuzz.h"

static const char *const labels[] = { NULL, "", "utf-8", "us-ascii",
	"iso-8859-1", "windows-1252", "koi8-r", "shift_jis", "gb2312",
	"iso-2022-jp", "utf-16", "x-does-not-exist", "euc-kr", "big5",
	"\"latin1\"", "utf8; format=flowed" };

static int to_buf(void *ctx, const char *p, size_t n)
{
	return sz_buf_append(ctx, p, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const char *label = labels[data[0] & 15];
	bool html = data[0] & 16;
	size_t piece = (size_t)(data[0] >> 5) * 3 + 1;
	data++;
	size--;
	struct sz_buf whole, parts, clean, again;
	sz_buf_init(&whole, 16u << 20);
	sz_buf_init(&parts, 16u << 20);
	sz_buf_init(&clean, 16u << 20);
	sz_buf_init(&again, 16u << 20);
	assert(sz_charset_to_utf8(label, data, size, html, &whole) == 0);
	assert(sz_utf8_valid((const char *)whole.data, whole.len));
	assert(whole.len == 0 || memchr(whole.data, 0, whole.len) == NULL);
	/* The same, streamed in pieces. */
	char name[SZ_CHARSET_NAME_MAX];
	size_t skip = sz_charset_decide(label, data, size, html, name,
		sizeof(name));
	struct sz_charset_conv *c;
	assert(sz_charset_open(&c, name, to_buf, &parts, NULL) == 0);
	for (size_t at = skip; at < size; at += piece)
		assert(sz_charset_feed(c, data + at, size - at < piece ?
			size - at : piece, false) == 0);
	assert(sz_charset_feed(c, NULL, 0, true) == 0);
	sz_charset_close(c);
	assert(parts.len == whole.len &&
	       (whole.len == 0 || memcmp(parts.data, whole.data, whole.len) == 0));
	/* Cleaning: clean, and a fixed point. */
	assert(sz_utf8_clean(&clean, (const char *)data, size, html) == 0);
	assert(sz_utf8_is_clean((const char *)clean.data, clean.len, html));
	assert(sz_utf8_clean(&again, (const char *)clean.data, clean.len,
		html) == 0);
	assert(again.len == clean.len &&
	       (clean.len == 0 || memcmp(again.data, clean.data, clean.len) == 0));
	char label_out[SZ_CHARSET_NAME_MAX];
	(void)sz_charset_meta(data, size, label_out, sizeof(label_out));
	sz_buf_free(&whole);
	sz_buf_free(&parts);
	sz_buf_free(&clean);
	sz_buf_free(&again);
	return 0;
}
