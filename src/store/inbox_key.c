/*
 * inbox_key.c - a place in the inbox's order as text ("2024-05-01.42"),
 * for the links that page through it.  Engine-neutral: every back end
 * pages by the same key.  The text is checked strictly, since it comes
 * back in a URL; it says nothing a page did not already show.
 */
#include <stdio.h>
#include <string.h>

#include "store/store.h"

#define KEY_ID_DIGITS_MAX 18   /* below INT64_MAX whatever the digits */

void sz_inbox_key_format(const struct sz_inbox_key *k,
	char out[SZ_INBOX_KEY_TEXT])
{
	snprintf(out, SZ_INBOX_KEY_TEXT, "%.10s.%lld", k->day,
		(long long)k->id);
}

static int digits(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

int sz_inbox_key_parse(const char *text, struct sz_inbox_key *k)
{
	memset(k, 0, sizeof(*k));
	size_t len = text ? strlen(text) : 0;
	/* YYYY-MM-DD . 1 to 18 digits, no leading zero */
	if (len < 12 || len > 11 + KEY_ID_DIGITS_MAX || text[10] != '.' ||
	    !digits(text, 4) || text[4] != '-' || !digits(text + 5, 2) ||
	    text[7] != '-' || !digits(text + 8, 2) ||
	    !digits(text + 11, len - 11) || text[11] == '0')
		return SZ_E_INVAL;
	memcpy(k->day, text, 10);
	k->day[10] = '\0';
	int64_t id = 0;
	for (size_t i = 11; i < len; i++)
		id = id * 10 + (text[i] - '0');
	k->id = id;
	return SZ_OK;
}
