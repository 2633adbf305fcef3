/* utf8.c - the validation table of RFC 3629 §4, as a small state machine. */
#include "core/utf8.h"

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
	if (len <= need)
		return 0;
	if (s[1] < lo || s[1] > hi)
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
