/*
 * armor.h - the age ASCII armor ("-----BEGIN AGE ENCRYPTED FILE-----"),
 * a strict PEM-like encoding (C2SP age.md, "ASCII armor").
 *
 * Both directions are push filters with constant memory: bytes go in, and
 * the encoded or decoded bytes go out to a sink as each line completes.
 * The decoder accepts whitespace before the first line and after the last
 * line, LF or CRLF line ends, and nothing else: no headers, no checksum, no
 * blank or short lines except the last, canonical padded base64.
 */
#ifndef SZ_CRYPTO_ARMOR_H
#define SZ_CRYPTO_ARMOR_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "crypto/age_stream.h"

#define SZ_ARMOR_BEGIN "-----BEGIN AGE ENCRYPTED FILE-----"
#define SZ_ARMOR_END "-----END AGE ENCRYPTED FILE-----"
#define SZ_ARMOR_COLUMNS 64

struct sz_armor_enc {
	sz_age_sink sink;
	void *ctx;
	int started;
	size_t pending;
	uint8_t group[48];
};

void sz_armor_enc_init(struct sz_armor_enc *a, sz_age_sink sink, void *ctx);
/* A sink function: feeds binary bytes to be armored (ctx is the encoder). */
int sz_armor_enc_write(void *enc, const uint8_t *data, size_t len);
int sz_armor_enc_finish(struct sz_armor_enc *a);

struct sz_armor_dec;

/* Creates a decoder that hands decoded bytes to sink. */
int sz_armor_dec_new(struct sz_armor_dec **out, sz_age_sink sink, void *ctx,
	struct sz_err *err);
int sz_armor_dec_update(struct sz_armor_dec *d, const uint8_t *data,
	size_t len, struct sz_err *err);
/* Checks that the END line was seen. */
int sz_armor_dec_finish(struct sz_armor_dec *d, struct sz_err *err);
void sz_armor_dec_free(struct sz_armor_dec *d);

#endif
