/*
 * unpack.h - extracting decrypted inbox items (store/item.h) into a
 * directory, for `samizdat decrypt -C DIR`.
 *
 * An item's plaintext is hostile input to the editor's machine: anyone
 * can encrypt to an editor's public key, and a seized server can plant
 * items.  It is read with libarchive (tar only, no decompression), only
 * regular files are extracted, at most SZ_UNPACK_MAX_FILES of them, each
 * under its name sanitised again (item.h), never over an existing file:
 * a name taken (in DIR, or earlier in this run) becomes "NAME (2).EXT".
 * A file appears only once the whole item has decrypted and
 * authenticated.  Plaintext that is not a tar (an item stored by an
 * earlier version) is written as it is, named after its label.
 */
#ifndef SZ_CLI_UNPACK_H
#define SZ_CLI_UNPACK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/err.h"

#define SZ_UNPACK_MAX_FILES 16      /* an item holds one */
#define SZ_UNPACK_MAX_NAMES 100000  /* names given in one run */

struct sz_unpack {
	const char *dir;     /* NULL: read and check all, write nothing */
	char **used;         /* names given so far (malloc'd) */
	size_t nused;
	size_t files;        /* files extracted */
	int quiet;           /* no "LABEL: NAME" line per file on stdout */
};

/* Hands out the item's plaintext in order: returns its length (and sets
 * *data, valid until the next call), 0 once the whole item has ended
 * and authenticated, or -1 with err set. */
typedef ssize_t (*sz_unpack_pull)(void *ctx, const uint8_t **data,
	struct sz_err *err);

void sz_unpack_init(struct sz_unpack *u, const char *dir);
void sz_unpack_free(struct sz_unpack *u);

/* Extracts one item, whose plaintext pull gives; label names it in
 * messages (and names the file of a plaintext that is not a tar). */
int sz_unpack_item(struct sz_unpack *u, const char *label,
	sz_unpack_pull pull, void *ctx, struct sz_err *err);

#endif
