/*
 * utf8.c - the validation table of RFC 3629 §4, as a small state machine,
 * and cleaning built on it (see utf8.h).  Cleaning never fails on input:
 * it is the last line before text is shown or indexed.
 */
#include "core/utf8.h"

#include <stdint.h>
#include <string.h>

size_t sz_utf8_next(const char *str, size_t len, uint32_t *cp)
{
	const uint8_t *s = (const uint8_t *)str;
	if (len == 0)
		return 0;
	uint8_t c = s[0];
	size_t need;
	uint8_t lo = 0x80, hi = 0xBF;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		return 0;
	}
	if (len <= need || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t k = 2; k <= need; k++)
		if (s[k] < 0x80 || s[k] > 0xBF)
			return 0;
	uint32_t v = c & (0x3F >> need);
	for (size_t k = 1; k <= need; k++)
		v = v << 6 | (s[k] & 0x3F);
	*cp = v;
	return need + 1;
}

size_t sz_utf8_seq(const unsigned char *s, size_t len)
{
	uint32_t cp;
	return sz_utf8_next((const char *)s, len, &cp);
}

bool sz_utf8_valid(const char *str, size_t len)
{
	size_t i = 0;
	uint32_t cp;
	while (i < len) {
		size_t n = sz_utf8_next(str + i, len - i, &cp);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

/* Whether the character at s (a valid sequence of n bytes) is a control
 * character cleaning removes or replaces. */
static bool control(const unsigned char *s, size_t n, bool multiline)
{
	if (n == 1)
		return s[0] < 0x20 || s[0] == 0x7f ?
			!(multiline && (s[0] == '\t' || s[0] == '\n')) : false;
	return n == 2 && s[0] == 0xC2 && s[1] < 0xA0;   /* C1: U+0080-U+009F */
}

bool sz_utf8_is_clean(const char *str, size_t len, bool multiline)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		size_t n = sz_utf8_seq(s + i, len - i);
		if (n == 0 || control(s + i, n, multiline))
			return false;
		i += n;
	}
	return true;
}

/* Appends the valid run s[0..n), or as much of it as fits, cut where a
 * character starts. */
static int put_run(struct sz_buf *out, const unsigned char *s, size_t n)
{
	int rc = sz_buf_append(out, s, n);
	if (rc == SZ_E_LIMIT && out->len < out->max) {
		size_t k = out->max - out->len;
		while (k > 0 && (s[k] & 0xC0) == 0x80)
			k--;
		(void)sz_buf_append(out, s, k);
	}
	return rc;
}

int sz_utf8_clean(struct sz_buf *out, const char *str, size_t len,
	bool multiline)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0;
	int rc = 0;
	/* Valid runs are copied whole; the rest one character at a time. */
	while (i < len && rc == 0) {
		size_t n = sz_utf8_seq(s + i, len - i);
		if (n != 0 && !control(s + i, n, multiline)) {
			i += n;
			continue;
		}
		rc = put_run(out, s + run, i - run);
		const char *rep = NULL;
		if (n == 0)
			rep = "\xef\xbf\xbd";
		else if (s[i] == '\r')
			rep = i + 1 < len && s[i + 1] == '\n' ? "" :
				multiline ? "\n" : " ";
		else if (s[i] == '\t' || s[i] == '\n')
			rep = " ";   /* single-line text */
		if (rc == 0 && rep != NULL)
			rc = sz_buf_puts(out, rep);
		i += n ? n : 1;
		run = i;
	}
	return rc == 0 ? put_run(out, s + run, i - run) : rc;
}

void sz_utf8_clean_field(char *field, size_t cap)
{
	size_t len = strnlen(field, cap);
	if (len >= cap || sz_utf8_is_clean(field, len, false))
		return;
	struct sz_buf b;
	sz_buf_init(&b, cap - 1);
	(void)sz_utf8_clean(&b, field, len, false);
	size_t n = b.len;
	if (n > 0)
		memcpy(field, b.data, n);
	field[n] = 0;
	sz_buf_free(&b);
}
