/*
 * uu.h - files uuencoded inside a message's text (`begin 644 name` ...
 * `end`), as Outlook Express, Eudora and mailing-list software of the
 * 1990s and 2000s sent attachments.  Finds such blocks and decodes them;
 * works on bytes in memory, allocates nothing.
 */
#ifndef SZ_DOCS_UU_H
#define SZ_DOCS_UU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SZ_UU_NAME_MAX 255

struct sz_uu_block {
	size_t start;                   /* the `begin` line's first byte */
	size_t end;                     /* past the `end` line, or past the
	                                   last encoded line if it has none */
	size_t data;                    /* the first encoded line */
	char name[SZ_UU_NAME_MAX + 1];  /* as the `begin` line gives it */
};

/* Finds the first block in text[from, n): a `begin` line (a mode of 3 or
 * 4 octal digits and a name) followed by at least one encoded line.
 * false if there is none. */
bool sz_uu_find(const uint8_t *text, size_t n, size_t from,
	struct sz_uu_block *b);

/* Decodes block b of text, giving fn the bytes line by line; fn's
 * non-zero return stops and is returned.  A line shorter than its count
 * says reads as if the spaces a mailer strips were there, so a few bytes
 * could stand for many: decoding stops with SZ_UU_TOO_LARGE once more
 * bytes would come out than the block's encoded lines take. */
#define SZ_UU_TOO_LARGE (-2)
int sz_uu_decode(const uint8_t *text, const struct sz_uu_block *b,
	int (*fn)(void *ctx, const uint8_t *p, size_t n), void *ctx);

#endif
