/*
 * pdf_map.h - a hash map from byte strings to two counts and a pointer,
 * for the PDF bomb check (pdf_budget.c): the objects it has walked, the
 * names a content stream draws, the drawings it has read.  Keyed with the
 * caller's random SipHash key, so a PDF cannot choose names that collide.
 * Open addressing, grown at half full; nothing is ever removed.
 *
 * Ownership: the map copies and owns its keys; the pointers are the
 * caller's, handed to free_val by pdf_map_free.  A zeroed map is empty.
 */
#ifndef SZ_DOCS_PDF_MAP_H
#define SZ_DOCS_PDF_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

struct pdf_map_entry {
	unsigned char *key;
	size_t klen;
	uint64_t n, n2;
	void *val;
};

struct pdf_map {
	struct pdf_map_entry *e;
	size_t cap, used;
};

/* The entry for key, made (zeroed) if absent and make; NULL if absent
 * and not make, or out of memory (*oom then set). */
struct pdf_map_entry *pdf_map_get(
	const unsigned char hkey[crypto_shorthash_KEYBYTES], struct pdf_map *m,
	const void *key, size_t klen, bool make, bool *oom);
/* Frees the keys and, through free_val (unless NULL), the pointers. */
void pdf_map_free(struct pdf_map *m, void (*free_val)(void *));

#endif
