/*
 * item.h - what an item of the inbox is: one age file (to every editor's
 * recipient) whose plaintext is a tar archive holding one regular file
 * under its sanitised name, then the archive's end blocks, then zeros up
 * to the Padmé size of the whole.  The ciphertext's length says no more
 * than the padded size, the length of the name included, and there is no
 * other record of the name or type: `age -d -i KEY ITEM | tar x` gives the
 * file back under its own name, and `samizdat decrypt -C DIR` does it in
 * one step.  A message is an item holding "message.txt".
 *
 * The writer encrypts an item as it streams in, in bounded memory: the
 * tar header, which carries the size, sits in the first age chunk, which
 * the encryptor holds back (in locked memory) until the end.  It does not
 * know where the ciphertext goes: the caller's sink and sink_at.
 */
#ifndef SZ_STORE_ITEM_H
#define SZ_STORE_ITEM_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "crypto/age.h"

#define SZ_ITEM_NAME_MAX 255          /* bytes, as file systems allow */
#define SZ_ITEM_MESSAGE_NAME "message.txt"

/* The Padmé size (Nikitin et al., PETS 2019: at most 12% more, leaking
 * O(log log n) bits) of a tar stream of len bytes, rounded up to whole
 * tar blocks. */
uint64_t sz_item_padded_size(uint64_t len);

/* The most ciphertext an item holding file_bytes bytes can take, to n
 * X25519 recipients.  Summed over items, plus this of 0 for each, it
 * bounds a submission whatever way its bytes are split. */
uint64_t sz_item_ciphertext_bound(uint64_t file_bytes, size_t n);

/* A file name a source sent (or a tar member's name), made safe to
 * create on an editor's machine: the last path component only; no
 * control, bidirectional or invisible characters; no leading dot or dash;
 * not empty, "." or ".."; at most SZ_ITEM_NAME_MAX bytes, cut at a
 * character and keeping a short extension.  Bytes that are not UTF-8
 * become '_'.  out holds SZ_ITEM_NAME_MAX + 1 bytes. */
void sz_item_sanitize_name(const char *in, size_t len,
	char out[SZ_ITEM_NAME_MAX + 1]);

struct sz_item_writer;

/* Starts an item holding a file called name (sanitised here).  The age
 * header and payload go to sink; the held-back first chunk is written at
 * the end through sink_at, into the same ctx.  Free with sz_item_free. */
int sz_item_begin(struct sz_item_writer **out,
	struct sz_age_recipient *const *r, size_t nr, const char *name,
	sz_age_sink sink, sz_age_sink_at sink_at, void *ctx,
	struct sz_err *err);
/* Appends len bytes of the file. */
int sz_item_write(struct sz_item_writer *w, const uint8_t *data,
	size_t len, struct sz_err *err);
/* Ends the file, pads the archive and seals it; *padded is the padded
 * plaintext size (what the inbox records). */
int sz_item_finish(struct sz_item_writer *w, uint64_t *padded,
	struct sz_err *err);
/* Wipes and frees; accepts NULL. */
void sz_item_free(struct sz_item_writer *w);

#endif
