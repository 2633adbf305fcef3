/*
 * uu.c - finding and decoding files uuencoded inside text (see uu.h).
 * A line of the encoding starts with its byte count (a character from
 * ' ' to '`', 0 to 63 bytes) and carries four characters per three
 * bytes; a line with characters outside the encoding, or one of zero
 * bytes, ends the block, and so does its `end` line.  It does not handle xxencode or BinHex,
 * and it does not judge the name: callers clean it.
 */
#include <string.h>

#include "docs/uu.h"

static size_t line_end(const uint8_t *t, size_t n, size_t at)
{
	const uint8_t *nl = memchr(t + at, '\n', n - at);
	return nl ? (size_t)(nl - t) : n;
}

static bool uu_char(uint8_t c)
{
	return c >= ' ' && c <= '`';
}

/* The length of line t[0, len) without its CR. */
static size_t trim_cr(const uint8_t *t, size_t len)
{
	while (len > 0 && t[len - 1] == '\r')
		len--;
	return len;
}

/* How many bytes the encoded line t[0, len) holds, or -1 if it is not one.
 * Mailers strip trailing spaces, which encode zero bits, so a line may be
 * shorter than its count says: what is missing reads as spaces. */
static int uu_line(const uint8_t *t, size_t len)
{
	len = trim_cr(t, len);
	if (len == 0 || !uu_char(t[0]))
		return -1;
	int count = (t[0] - ' ') & 63;
	size_t need = ((size_t)count + 2) / 3 * 4;
	for (size_t i = 1; i < len && i <= need; i++)
		if (!uu_char(t[i]))
			return -1;
	return count;
}

/* `begin MODE NAME`: the name into b, true if the line is one. */
static bool begin_line(const uint8_t *t, size_t len, struct sz_uu_block *b)
{
	while (len > 0 && (t[len - 1] == '\r' || t[len - 1] == ' ' ||
	    t[len - 1] == '\t'))
		len--;
	if (len < 6 || memcmp(t, "begin ", 6) != 0)
		return false;
	size_t i = 6, digits = 0;
	while (i < len && t[i] >= '0' && t[i] <= '7' && digits < 5) {
		i++;
		digits++;
	}
	if (digits < 3 || digits > 4 || i >= len || t[i] != ' ')
		return false;
	i++;
	size_t nlen = len - i;
	if (nlen == 0 || memchr(t + i, 0, nlen) != NULL)
		return false;   /* no name, or one no C string can hold */
	if (nlen > SZ_UU_NAME_MAX)
		nlen = SZ_UU_NAME_MAX;
	memcpy(b->name, t + i, nlen);
	b->name[nlen] = 0;
	return true;
}

bool sz_uu_find(const uint8_t *text, size_t n, size_t from,
	struct sz_uu_block *b)
{
	size_t at = from;
	/* Start at a line's beginning. */
	while (at > 0 && at < n && text[at - 1] != '\n')
		at++;
	while (at < n) {
		size_t e = line_end(text, n, at);
		if (begin_line(text + at, e - at, b)) {
			b->start = at;
			b->data = e < n ? e + 1 : n;
			size_t p = b->data, lines = 0;
			while (p < n) {
				size_t le = line_end(text, n, p);
				int c = uu_line(text + p, le - p);
				if (c < 0)
					break;
				lines++;
				p = le < n ? le + 1 : n;
				if (c == 0)
					break;
			}
			if (lines > 0) {
				size_t le = line_end(text, n, p);
				size_t len = trim_cr(text + p, le - p);
				while (len > 0 && text[p + len - 1] == ' ')
					len--;
				if (p < n && len == 3 && memcmp(text + p, "end", 3) == 0)
					p = le < n ? le + 1 : n;
				b->end = p;
				return true;
			}
		}
		at = e < n ? e + 1 : n;
	}
	return false;
}

int sz_uu_decode(const uint8_t *text, const struct sz_uu_block *b,
	int (*fn)(void *ctx, const uint8_t *p, size_t n), void *ctx)
{
	size_t p = b->data, total = 0;
	while (p < b->end) {
		size_t le = line_end(text, b->end, p);
		int count = uu_line(text + p, le - p);
		if (count <= 0)
			break;
		total += (size_t)count;
		if (total > b->end - b->data)
			return SZ_UU_TOO_LARGE;
		size_t len = trim_cr(text + p, le - p);
		uint8_t out[66];   /* 63 bytes at most, in threes */
		size_t o = 0;
		for (int k = 0; k < count; k += 3) {
			uint8_t v[4];
			for (size_t j = 0; j < 4; j++) {
				size_t at = 1 + (size_t)k / 3 * 4 + j;
				v[j] = at < len ? (uint8_t)((text[p + at] - ' ') & 63) : 0;
			}
			uint8_t three[3] = { (uint8_t)(v[0] << 2 | v[1] >> 4),
				(uint8_t)(v[1] << 4 | v[2] >> 2),
				(uint8_t)(v[2] << 6 | v[3]) };
			for (int j = 0; j < 3 && k + j < count; j++)
				out[o++] = three[j];
		}
		int rc = fn(ctx, out, o);
		if (rc != 0)
			return rc;
		p = le < b->end ? le + 1 : b->end;
	}
	return 0;
}
