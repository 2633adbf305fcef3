/*
 * pdf_map.c - the hash map of pdf_map.h: SipHash-2-4 (libsodium's
 * crypto_shorthash) with the caller's random key, linear probing, doubled
 * at half full.  It does not remove entries or bound its own size: its
 * callers count what they put in (objects, names) against their limits.
 */
#include "docs/pdf_map.h"

#include <stdlib.h>
#include <string.h>

static size_t slot(const unsigned char *hkey, const void *k, size_t n,
	size_t cap)
{
	unsigned char h[crypto_shorthash_BYTES];
	crypto_shorthash(h, k, n, hkey);
	uint64_t v;
	memcpy(&v, h, sizeof(v));
	return (size_t)(v & (cap - 1));
}

void pdf_map_free(struct pdf_map *m, void (*free_val)(void *))
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->e[i].key);
		if (free_val && m->e[i].val)
			free_val(m->e[i].val);
	}
	free(m->e);
	memset(m, 0, sizeof(*m));
}

static bool grow(const unsigned char *hkey, struct pdf_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 16;
	struct pdf_map_entry *e = calloc(cap, sizeof(*e));
	if (!e)
		return false;
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->e[i].key)
			continue;
		size_t j = slot(hkey, m->e[i].key, m->e[i].klen, cap);
		while (e[j].key)
			j = (j + 1) & (cap - 1);
		e[j] = m->e[i];
	}
	free(m->e);
	m->e = e;
	m->cap = cap;
	return true;
}

struct pdf_map_entry *pdf_map_get(
	const unsigned char hkey[crypto_shorthash_KEYBYTES], struct pdf_map *m,
	const void *key, size_t klen, bool make, bool *oom)
{
	if (make && (m->used + 1) * 2 > m->cap && !grow(hkey, m)) {
		*oom = true;
		return NULL;
	}
	if (m->cap == 0)
		return NULL;
	size_t j = slot(hkey, key, klen, m->cap);
	for (; m->e[j].key; j = (j + 1) & (m->cap - 1))
		if (m->e[j].klen == klen && memcmp(m->e[j].key, key, klen) == 0)
			return &m->e[j];
	if (!make)
		return NULL;
	m->e[j].key = malloc(klen ? klen : 1);
	if (!m->e[j].key) {
		*oom = true;
		return NULL;
	}
	memcpy(m->e[j].key, key, klen);
	m->e[j].klen = klen;
	m->used++;
	return &m->e[j];
}
