/*
 * blobs.h - the tree of encrypted files: DIR/blobs/xx/NAME.age, written
 * through DIR/tmp/ so that only whole, fsync'd files ever appear in the
 * tree.  Names are random (128 bits, hex): they say nothing about a file.
 *
 * A crash can leave files in tmp/ (incomplete) and, rarely, a committed
 * blob whose database row was never written; sz_blobs_sweep() removes both
 * at start-up.  Only ciphertext is ever written here.
 */
#ifndef SZ_STORE_BLOBS_H
#define SZ_STORE_BLOBS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/err.h"
#include "core/io.h"
#include "store/store.h"

#define SZ_BLOB_NAME_LEN 32

struct sz_blobs {
	char dir[4096];   /* the instance directory */
};

/* A blob being written. */
struct sz_blob_tmp {
	int fd;
	uint64_t size;
	struct sz_writer out;
	char name[SZ_BLOB_NAME_LEN + 1];
	char tmp_path[4200];
};

/* Creates DIR/blobs and DIR/tmp if needed. */
int sz_blobs_open(struct sz_blobs *b, const char *dir, struct sz_err *err);

int sz_blob_create(struct sz_blobs *b, struct sz_blob_tmp *t,
	struct sz_err *err);
/* A sink (sz_age_sink) that appends to the blob; ctx is the sz_blob_tmp. */
int sz_blob_write(void *t, const uint8_t *data, size_t len);
/* Sets the file's modification and access times to when (what it has
 * been written so far is flushed first; write nothing after). */
int sz_blob_date(struct sz_blob_tmp *t, time_t when, struct sz_err *err);
/* fsyncs and closes the temporary file (still invisible). */
int sz_blob_seal(struct sz_blob_tmp *t, struct sz_err *err);
/* Moves a sealed blob into the tree and fsyncs the directory. */
int sz_blob_commit(struct sz_blobs *b, struct sz_blob_tmp *t,
	struct sz_err *err);
/* Removes a temporary blob (sealed or not); safe to call twice. */
void sz_blob_abort(struct sz_blob_tmp *t);

/* Path of a committed blob. */
void sz_blob_path(const struct sz_blobs *b, const char *name, char *out,
	size_t cap);
/* Overwrites a committed blob with zeros where the file system allows,
 * then unlinks it. */
int sz_blob_remove(struct sz_blobs *b, const char *name, struct sz_err *err);

/* Removes everything in tmp/, and committed blobs that the store does not
 * reference.  *removed counts them. */
int sz_blobs_sweep(struct sz_blobs *b, struct sz_store *store,
	size_t *removed, struct sz_err *err);

#endif
