/*
 * tar.c - ustar headers, and a pax 'x' header before one whose name needs
 * it.  Sizes of 8 GiB and more go in the size field in base-256, which GNU
 * tar and libarchive read, so the headers' length never depends on the
 * size (the inbox writes them before it knows it).
 */
#include "core/tar.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define USTAR_NAME 100
#define PAX_NAME "PaxHeader/item"

static bool needs_pax(const char *name)
{
	size_t n = strlen(name);
	if (n >= USTAR_NAME)
		return true;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] >= 0x80)
			return true;
	return false;
}

/* One pax record, "LEN path=NAME\n", where LEN counts the whole record,
 * its own digits included. */
static size_t pax_record_len(const char *name)
{
	size_t body = strlen(" path=") + strlen(name) + 1;
	size_t len = body + 1;
	while (len != body + (size_t)snprintf(NULL, 0, "%zu", len))
		len = body + (size_t)snprintf(NULL, 0, "%zu", len);
	return len;
}

size_t sz_tar_padding(uint64_t size)
{
	return (size_t)((SZ_TAR_BLOCK - size % SZ_TAR_BLOCK) % SZ_TAR_BLOCK);
}

size_t sz_tar_header_size(const char *name)
{
	if (!needs_pax(name))
		return SZ_TAR_BLOCK;
	size_t rec = pax_record_len(name);
	return 2 * SZ_TAR_BLOCK + rec + sz_tar_padding(rec);
}

static void ustar(uint8_t h[SZ_TAR_BLOCK], const char *name, uint64_t size,
	char type)
{
	memset(h, 0, SZ_TAR_BLOCK);
	memcpy(h, name, strnlen(name, USTAR_NAME - 1));
	memcpy(h + 100, "0000600", 8);
	memcpy(h + 108, "0000000", 8);
	memcpy(h + 116, "0000000", 8);
	if (size < (uint64_t)1 << 33) {
		snprintf((char *)h + 124, 12, "%011llo",
			(unsigned long long)size);
	} else {
		h[124] = 0x80;   /* base-256, big-endian */
		for (int i = 0; i < 8; i++)
			h[135 - i] = (uint8_t)(size >> (8 * i));
	}
	memcpy(h + 136, "00000000000", 12);
	memset(h + 148, ' ', 8);
	h[156] = (uint8_t)type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	unsigned sum = 0;
	for (int i = 0; i < SZ_TAR_BLOCK; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
}

void sz_tar_header(const char *name, uint64_t size, uint8_t *out)
{
	if (!needs_pax(name)) {
		ustar(out, name, size, '0');
		return;
	}
	size_t rec = pax_record_len(name);
	ustar(out, PAX_NAME, rec, 'x');
	uint8_t *p = out + SZ_TAR_BLOCK;
	memset(p, 0, rec + sz_tar_padding(rec));
	snprintf((char *)p, rec + 1, "%zu path=%s\n", rec, name);
	p += rec + sz_tar_padding(rec);
	/* The ustar name, for readers without pax: the name's ASCII, cut. */
	char plain[USTAR_NAME];
	size_t o = 0;
	for (size_t i = 0; name[i] && o < sizeof(plain) - 1; i++)
		plain[o++] = (unsigned char)name[i] < 0x80 ? name[i] : '_';
	plain[o] = '\0';
	ustar(p, plain, size, '0');
}
