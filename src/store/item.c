/*
 * item.c - an inbox item's plaintext (a padded tar of one file) and its
 * streaming writer.  The file's bytes pass straight into the age
 * encryptor; only the tar header waits, in the held-back first chunk,
 * until the size is known.  Nothing here touches a disk.
 */
#include "store/item.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/tar.h"
#include "core/utf8.h"

#define EXT_MAX 16                 /* bytes of an extension kept on a cut */
#define COMPONENT_MAX 4096         /* bytes of a name looked at */
#define STANZA_BOUND 256           /* an X25519 stanza is 98 bytes */

static const uint8_t zeros[65536];

struct sz_item_writer {
	struct sz_age_encryptor *enc;
	char name[SZ_ITEM_NAME_MAX + 1];
	size_t header_len;
	uint64_t size;
};

/* Padmé: keeps the top bits of len that say its order of magnitude and
 * rounds the rest up, so the size leaks O(log log n) bits. */
static uint64_t padme(uint64_t len)
{
	if (len < 2)
		return len;
	int e = 63 - __builtin_clzll(len);
	int s = 64 - __builtin_clzll((uint64_t)e);
	int last = e - s;
	uint64_t mask = last > 0 ? ((uint64_t)1 << last) - 1 : 0;
	return (len + mask) & ~mask;
}

uint64_t sz_item_padded_size(uint64_t len)
{
	uint64_t p = padme(len);
	return p + sz_tar_padding(p);
}

uint64_t sz_item_ciphertext_bound(uint64_t file_bytes, size_t n)
{
	uint64_t tar = SZ_TAR_HEADER_MAX + file_bytes + SZ_TAR_BLOCK +
		SZ_TAR_END;
	uint64_t padded = tar + tar / 8 + SZ_TAR_BLOCK;
	uint64_t chunks = padded / SZ_AGE_CHUNK_SIZE + 1;
	return 128 + (uint64_t)n * STANZA_BOUND + padded +
		chunks * SZ_AGE_TAG_SIZE;
}

/* Characters that change how a name reads without being seen. */
static bool invisible(uint32_t c)
{
	return c == 0xad || c == 0x61c || c == 0x180e ||
		(c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
		(c >= 0x2060 && c <= 0x206f) || c == 0xfeff ||
		(c >= 0xfff9 && c <= 0xfffb);
}

static bool control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 ||
		c == 0x2029;
}

/* The start of the last character that ends at or before max. */
static size_t cut_at_char(const char *s, size_t max)
{
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

void sz_item_sanitize_name(const char *in, size_t len,
	char out[SZ_ITEM_NAME_MAX + 1])
{
	char tmp[COMPONENT_MAX + 8];
	size_t start = 0, o = 0;
	for (size_t i = 0; i < len; i++)
		if (in[i] == '/' || in[i] == '\\')
			start = i + 1;
	const char *s = in + start;
	size_t left = len - start;
	while (left > 0 && o < COMPONENT_MAX) {
		uint32_t c = 0;
		size_t n = sz_utf8_next(s, left, &c);
		if (n == 0) {
			tmp[o++] = '_';
			n = 1;
		} else if (control(c)) {
			tmp[o++] = '_';
		} else if (!invisible(c)) {
			memcpy(tmp + o, s, n);
			o += n;
		}
		s += n;
		left -= n;
	}
	tmp[o] = '\0';
	/* No surrounding blanks, no trailing dots (Windows drops them). */
	char *p = tmp;
	while (*p == ' ')
		p++;
	size_t n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '.'))
		p[--n] = '\0';
	/* Not hidden, and never taken for an option. */
	size_t lead = (p[0] == '.' || p[0] == '-') ? 1 : 0;
	if (lead)
		out[0] = '_';
	if (n == 0) {
		memcpy(out, "file", 5);
	} else if (lead + n <= SZ_ITEM_NAME_MAX) {
		memcpy(out + lead, p, n + 1);
	} else {
		const char *dot = strrchr(p, '.');
		size_t ext = dot != NULL && strlen(dot) <= EXT_MAX ?
			strlen(dot) : 0;
		size_t stem = cut_at_char(p, SZ_ITEM_NAME_MAX - lead - ext);
		memcpy(out + lead, p, stem);
		memcpy(out + lead + stem, p + n - ext, ext);
		out[lead + stem + ext] = '\0';
	}
	sodium_memzero(tmp, sizeof(tmp));
}

static int feed_zeros(struct sz_item_writer *w, uint64_t n,
	struct sz_err *err)
{
	while (n > 0) {
		size_t k = n < sizeof(zeros) ? (size_t)n : sizeof(zeros);
		int rc = sz_age_encrypt_update(w->enc, zeros, k, err);
		if (rc != SZ_OK)
			return rc;
		n -= k;
	}
	return SZ_OK;
}

int sz_item_begin(struct sz_item_writer **out,
	struct sz_age_recipient *const *r, size_t nr, const char *name,
	sz_age_sink sink, sz_age_sink_at sink_at, void *ctx,
	struct sz_err *err)
{
	struct sz_age_opts opts = { .sink_at = sink_at };
	*out = NULL;
	struct sz_item_writer *w = calloc(1, sizeof(*w));
	if (w == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	sz_item_sanitize_name(name, strlen(name), w->name);
	w->header_len = sz_tar_header_size(w->name);
	int rc = sz_age_encrypt_begin(&w->enc, r, nr, &opts, sink, ctx, err);
	/* Room for the header, which is written over it at the end. */
	if (rc == SZ_OK)
		rc = feed_zeros(w, w->header_len, err);
	if (rc != SZ_OK) {
		sz_item_free(w);
		return rc;
	}
	*out = w;
	return SZ_OK;
}

int sz_item_write(struct sz_item_writer *w, const uint8_t *data,
	size_t len, struct sz_err *err)
{
	w->size += len;
	return sz_age_encrypt_update(w->enc, data, len, err);
}

int sz_item_finish(struct sz_item_writer *w, uint64_t *padded,
	struct sz_err *err)
{
	uint64_t tail = sz_tar_padding(w->size) + SZ_TAR_END;
	uint64_t len = w->header_len + w->size + tail;
	*padded = sz_item_padded_size(len);
	int rc = feed_zeros(w, tail + (*padded - len), err);
	if (rc != SZ_OK)
		return rc;
	size_t first_len;
	uint8_t *first = sz_age_encrypt_first(w->enc, &first_len);
	if (first == NULL || first_len < w->header_len)
		return sz_err_set(err, SZ_E_INVAL, "the item's header is lost");
	sz_tar_header(w->name, w->size, first);
	return sz_age_encrypt_finish(w->enc, err);
}

void sz_item_free(struct sz_item_writer *w)
{
	if (w == NULL)
		return;
	sz_age_encrypt_free(w->enc);
	sodium_memzero(w, sizeof(*w));
	free(w);
}
