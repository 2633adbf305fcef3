/*
 * multipart.h - a streaming parser for multipart/form-data (RFC 7578),
 * the body of every upload form.
 *
 * Bytes are pushed in pieces of any size; each part's headers are handed
 * over once, then its body in pieces, so a file of any size passes through
 * in constant memory (one buffer of SZ_MP_BUFFER bytes).  The parser is
 * strict where leniency would hide damage: a missing or malformed
 * boundary, part headers over SZ_MP_MAX_HEADER bytes, a part without a
 * form-data Content-Disposition and name, names that are not UTF-8, more
 * than max_parts parts, or a body that ends before the closing boundary
 * are all errors (SZ_E_INVAL or SZ_E_LIMIT) with a reason.
 */
#ifndef SZ_HTTP_MULTIPART_H
#define SZ_HTTP_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define SZ_MP_BOUNDARY_MAX 70
#define SZ_MP_MAX_HEADER 8192
#define SZ_MP_NAME_MAX 128
#define SZ_MP_FILENAME_MAX 1024
#define SZ_MP_TYPE_MAX 256
#define SZ_MP_BUFFER 65536

struct sz_mp_part {
	char name[SZ_MP_NAME_MAX + 1];
	char filename[SZ_MP_FILENAME_MAX + 1];
	bool has_filename;
	char content_type[SZ_MP_TYPE_MAX + 1];
};

/* Callbacks return 0, or a negative SZ_E_* code that stops the parser. */
struct sz_mp_handler {
	int (*begin)(void *ctx, const struct sz_mp_part *part);
	int (*data)(void *ctx, const uint8_t *data, size_t len);
	int (*end)(void *ctx);
};

struct sz_multipart;

/* content_type is the request's Content-Type header, which carries the
 * boundary. */
int sz_multipart_new(struct sz_multipart **out, const char *content_type,
	const struct sz_mp_handler *h, void *ctx, size_t max_parts,
	struct sz_err *err);
int sz_multipart_feed(struct sz_multipart *m, const uint8_t *data,
	size_t len, struct sz_err *err);
/* Checks that the closing boundary was seen. */
int sz_multipart_finish(struct sz_multipart *m, struct sz_err *err);
void sz_multipart_free(struct sz_multipart *m);

#endif
