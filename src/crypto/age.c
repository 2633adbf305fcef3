/*
 * age.c - age v1 files: header, payload nonce and STREAM put together.
 *
 * The 16-byte file key lives only inside the encryptor or decryptor (in
 * sodium_malloc'd memory) and is wiped as soon as the payload key is
 * derived.  No plaintext is released before the header MAC verifies.
 */
#include "crypto/age.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "crypto/age_header.h"
#include "crypto/armor.h"
#include "crypto/hkdf.h"

static unsigned opt_threads(const struct sz_age_opts *opts)
{
	return (opts == NULL || opts->threads == 0) ? 1 : opts->threads;
}

static void payload_key(const uint8_t file_key[SZ_AGE_FILE_KEY_SIZE],
	const uint8_t nonce[SZ_AGE_NONCE_SIZE], uint8_t key[32])
{
	sz_hkdf_sha256(key, 32, nonce, SZ_AGE_NONCE_SIZE, file_key,
		SZ_AGE_FILE_KEY_SIZE, "payload");
}

/* ---- encryption ---- */

struct sz_age_encryptor {
	struct sz_age_stream *stream;
	struct sz_armor_enc armor;
	bool armored;
	sz_age_sink sink;  /* where ciphertext goes: the user's or the armor */
	void *ctx;
	int failed;
	/* with opts->sink_at: chunk 0 held back (sodium_malloc'd, with room
	 * for its tag), the payload key to seal it, and where it goes */
	sz_age_sink_at sink_at;
	uint8_t *first;
	size_t first_len;
	uint8_t *key;
	uint64_t first_at;
	bool first_placed;  /* a placeholder for it is written: not last */
};

#define FIRST_SLOT (SZ_AGE_CHUNK_SIZE + SZ_AGE_TAG_SIZE)

int sz_age_encrypt_begin(struct sz_age_encryptor **out,
	struct sz_age_recipient *const *recipients, size_t n,
	const struct sz_age_opts *opts, sz_age_sink sink, void *ctx,
	struct sz_err *err)
{
	struct sz_age_encryptor *e = NULL;
	struct sz_age_stanza *stanzas = NULL;
	struct sz_buf header;
	uint8_t file_key[SZ_AGE_FILE_KEY_SIZE], nonce[SZ_AGE_NONCE_SIZE];
	uint8_t key[32];
	size_t nst = 0;
	int rc;

	*out = NULL;
	sz_buf_init(&header, SZ_AGE_MAX_HEADER_SIZE);
	if (n == 0)
		return sz_err_set(err, SZ_E_INVAL, "no recipients were given");
	if (n > SZ_AGE_MAX_STANZAS)
		return sz_err_set(err, SZ_E_LIMIT,
			"more than %d recipients", SZ_AGE_MAX_STANZAS);
	for (size_t i = 0; i < n; i++)
		if (n > 1 && sz_age_recipient_is_passphrase(recipients[i]))
			return sz_err_set(err, SZ_E_INVAL,
				"a passphrase cannot be combined with other "
				"recipients");

	e = calloc(1, sizeof(*e));
	stanzas = calloc(n, sizeof(*stanzas));
	if (e == NULL || stanzas == NULL) {
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		goto out;
	}
	e->armored = opts != NULL && opts->armor;
	e->sink_at = opts != NULL ? opts->sink_at : NULL;
	if (e->sink_at != NULL && e->armored) {
		rc = sz_err_set(err, SZ_E_INVAL, "a held-back first chunk "
			"cannot be armored");
		goto out;
	}
	if (e->sink_at != NULL) {
		e->first = sodium_malloc(FIRST_SLOT);
		e->key = sodium_malloc(32);
		if (e->first == NULL || e->key == NULL) {
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
			goto out;
		}
	}
	if (e->armored) {
		sz_armor_enc_init(&e->armor, sink, ctx);
		e->sink = sz_armor_enc_write;
		e->ctx = &e->armor;
	} else {
		e->sink = sink;
		e->ctx = ctx;
	}

	randombytes_buf(file_key, sizeof(file_key));
	for (nst = 0; nst < n; nst++) {
		rc = sz_age_recipient_wrap(recipients[nst], file_key,
			&stanzas[nst], err);
		if (rc != SZ_OK)
			goto out;
	}
	rc = sz_age_header_write(stanzas, nst, file_key, &header);
	if (rc != SZ_OK) {
		sz_err_set(err, rc, "the header is too large");
		goto out;
	}
	randombytes_buf(nonce, sizeof(nonce));
	rc = e->sink(e->ctx, header.data, header.len);
	if (rc == SZ_OK)
		rc = e->sink(e->ctx, nonce, sizeof(nonce));
	if (rc != SZ_OK) {
		sz_err_set(err, rc, "cannot write the output");
		goto out;
	}
	payload_key(file_key, nonce, key);
	rc = sz_age_stream_new(&e->stream, key, false, opt_threads(opts),
		e->sink, e->ctx, err);
	if (rc == SZ_OK && e->sink_at != NULL) {
		memcpy(e->key, key, 32);
		e->first_at = header.len + sizeof(nonce);
		sz_age_stream_start_at(e->stream, 1);
	}
out:
	sodium_memzero(file_key, sizeof(file_key));
	sodium_memzero(key, sizeof(key));
	for (size_t i = 0; i < nst; i++)
		sz_age_stanza_clear(&stanzas[i]);
	free(stanzas);
	sz_buf_free(&header);
	if (rc != SZ_OK) {
		sz_age_encrypt_free(e);
		return rc;
	}
	*out = e;
	return SZ_OK;
}

/* Fills the held-back first chunk; once it is full and more follows, it
 * is known not to be the last: a placeholder takes its place in the
 * output, and the rest goes to the stream (from chunk 1). */
static int hold_first(struct sz_age_encryptor *e, const uint8_t **data,
	size_t *len, struct sz_err *err)
{
	size_t take = SZ_AGE_CHUNK_SIZE - e->first_len;
	if (take > *len)
		take = *len;
	memcpy(e->first + e->first_len, *data, take);
	e->first_len += take;
	*data += take;
	*len -= take;
	if (*len == 0)
		return SZ_OK;
	static const uint8_t zeros[FIRST_SLOT];
	int rc = e->sink(e->ctx, zeros, sizeof(zeros));
	if (rc != SZ_OK)
		return sz_err_set(err, rc, "cannot write the output");
	e->first_placed = true;
	return SZ_OK;
}

int sz_age_encrypt_update(struct sz_age_encryptor *e, const uint8_t *data,
	size_t len, struct sz_err *err)
{
	if (e->failed)
		return sz_err_set(err, e->failed, "encryption already failed");
	int rc = SZ_OK;
	if (e->first != NULL && !e->first_placed)
		rc = hold_first(e, &data, &len, err);
	if (rc == SZ_OK && len > 0)
		rc = sz_age_stream_update(e->stream, data, len, err);
	if (rc != SZ_OK)
		e->failed = rc;
	return rc;
}

uint8_t *sz_age_encrypt_first(struct sz_age_encryptor *e, size_t *len)
{
	*len = e->first_len;
	return e->first;
}

/* Seals the held-back chunk 0 and writes it: at its place after the
 * stream's chunks, or, when it is the only chunk, as the last. */
static int finish_first(struct sz_age_encryptor *e, struct sz_err *err)
{
	int rc = SZ_OK;
	if (e->first_placed)
		rc = sz_age_stream_finish(e->stream, err);
	if (rc != SZ_OK)
		return rc;
	sz_age_seal_chunk(e->key, 0, !e->first_placed, e->first,
		e->first_len);
	size_t n = e->first_len + SZ_AGE_TAG_SIZE;
	rc = e->first_placed ? e->sink_at(e->ctx, e->first_at, e->first, n) :
		e->sink(e->ctx, e->first, n);
	sodium_memzero(e->first, FIRST_SLOT);
	return rc == SZ_OK ? SZ_OK :
		sz_err_set(err, rc, "cannot write the output");
}

int sz_age_encrypt_finish(struct sz_age_encryptor *e, struct sz_err *err)
{
	if (e->failed)
		return sz_err_set(err, e->failed, "encryption already failed");
	int rc = e->first != NULL ? finish_first(e, err) :
		sz_age_stream_finish(e->stream, err);
	if (rc == SZ_OK && e->armored) {
		rc = sz_armor_enc_finish(&e->armor);
		if (rc != SZ_OK)
			sz_err_set(err, rc, "cannot write the output");
	}
	if (rc != SZ_OK)
		e->failed = rc;
	return rc;
}

void sz_age_encrypt_free(struct sz_age_encryptor *e)
{
	if (e == NULL)
		return;
	sz_age_stream_free(e->stream);
	if (e->first != NULL)
		sodium_free(e->first);
	if (e->key != NULL)
		sodium_free(e->key);
	sodium_memzero(e, sizeof(*e));
	free(e);
}

/* ---- decryption ---- */

enum dec_state { DETECT, HEADER, NONCE, PAYLOAD };

struct sz_age_decryptor {
	enum dec_state state;
	struct sz_age_identity *const *ids;
	size_t nids;
	unsigned threads;
	sz_age_sink sink;
	void *ctx;
	struct sz_armor_dec *armor;   /* non-NULL for armored input */
	struct sz_buf header;
	size_t scan;
	uint8_t *file_key;            /* sodium_malloc'd */
	uint8_t nonce[SZ_AGE_NONCE_SIZE];
	size_t nonce_len;
	struct sz_age_stream *stream;
	struct sz_err *err;           /* the current call's, for the sinks */
	bool force_armor;
	int failed;
};

int sz_age_decrypt_begin(struct sz_age_decryptor **out,
	struct sz_age_identity *const *identities, size_t n,
	const struct sz_age_opts *opts, sz_age_sink sink, void *ctx,
	struct sz_err *err)
{
	*out = NULL;
	struct sz_age_decryptor *d = calloc(1, sizeof(*d));
	if (d == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	d->file_key = sodium_malloc(SZ_AGE_FILE_KEY_SIZE);
	if (d->file_key == NULL) {
		free(d);
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	d->ids = identities;
	d->nids = n;
	d->threads = opt_threads(opts);
	d->force_armor = opts != NULL && opts->armor;
	d->sink = sink;
	d->ctx = ctx;
	sz_buf_init(&d->header, SZ_AGE_MAX_HEADER_SIZE);
	*out = d;
	return SZ_OK;
}

/* Finds the file key among the stanzas, then checks the MAC with it. */
static int open_header(struct sz_age_decryptor *d, size_t len,
	struct sz_err *err)
{
	struct sz_age_header h;
	int rc = sz_age_header_parse(d->header.data, len, &h, err);
	if (rc != SZ_OK)
		return rc;
	rc = SZ_E_NO_MATCH;
	for (size_t i = 0; i < h.nstanzas && rc == SZ_E_NO_MATCH; i++)
		for (size_t j = 0; j < d->nids && rc == SZ_E_NO_MATCH; j++)
			rc = sz_age_identity_unwrap(d->ids[j], &h.stanzas[i],
				d->file_key, err);
	if (rc == SZ_E_NO_MATCH)
		sz_err_set(err, rc, "no identity matched any of the file's "
			"%zu recipient stanza%s", h.nstanzas,
			h.nstanzas == 1 ? "" : "s");
	if (rc == SZ_OK)
		rc = sz_age_header_verify(&h, d->header.data, d->file_key,
			err);
	sz_age_header_clear(&h);
	return rc;
}

static int feed_binary(struct sz_age_decryptor *d, const uint8_t *data,
	size_t len);

static int feed_header(struct sz_age_decryptor *d, const uint8_t *data,
	size_t len)
{
	struct sz_err *err = d->err;
	size_t room = SZ_AGE_MAX_HEADER_SIZE - d->header.len;
	size_t take = len < room ? len : room;
	size_t end = 0;
	if (sz_buf_append(&d->header, data, take) != 0)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	int found = sz_age_header_find_end(d->header.data, d->header.len,
		&d->scan, &end, err);
	if (found < 0)
		return found;
	if (found == 0) {
		if (take < len)
			return sz_err_set(err, SZ_E_HEADER,
				"the age header is larger than %d bytes",
				SZ_AGE_MAX_HEADER_SIZE);
		return SZ_OK;
	}
	int rc = open_header(d, end, err);
	if (rc != SZ_OK)
		return rc;
	d->state = NONCE;
	/* What followed the header in this piece belongs to the payload. */
	size_t extra = d->header.len - end;
	uint8_t *tail = d->header.data + end;
	rc = feed_binary(d, tail, extra);
	if (rc == SZ_OK && take < len)
		rc = feed_binary(d, data + take, len - take);
	sz_buf_free(&d->header);
	return rc;
}

static int feed_binary(struct sz_age_decryptor *d, const uint8_t *data,
	size_t len)
{
	if (len == 0)
		return SZ_OK;
	switch (d->state) {
	case DETECT:
	case HEADER:
		d->state = HEADER;
		return feed_header(d, data, len);
	case NONCE: {
		size_t take = SZ_AGE_NONCE_SIZE - d->nonce_len;
		if (take > len)
			take = len;
		memcpy(d->nonce + d->nonce_len, data, take);
		d->nonce_len += take;
		if (d->nonce_len < SZ_AGE_NONCE_SIZE)
			return SZ_OK;
		uint8_t key[32];
		payload_key(d->file_key, d->nonce, key);
		sodium_memzero(d->file_key, SZ_AGE_FILE_KEY_SIZE);
		int rc = sz_age_stream_new(&d->stream, key, true, d->threads,
			d->sink, d->ctx, d->err);
		sodium_memzero(key, sizeof(key));
		if (rc != SZ_OK)
			return rc;
		d->state = PAYLOAD;
		return feed_binary(d, data + take, len - take);
	}
	case PAYLOAD:
		return sz_age_stream_update(d->stream, data, len, d->err);
	}
	return SZ_E_INVAL;
}

static int armor_sink(void *ctx, const uint8_t *data, size_t len)
{
	return feed_binary(ctx, data, len);
}

int sz_age_decrypt_update(struct sz_age_decryptor *d, const uint8_t *data,
	size_t len, struct sz_err *err)
{
	if (d->failed)
		return sz_err_set(err, d->failed, "decryption already failed");
	if (len == 0)
		return SZ_OK;
	d->err = err;
	int rc;
	if (d->state == DETECT && (d->force_armor || data[0] == '-' || data[0] == ' ' ||
		    data[0] == '\t' || data[0] == '\r' || data[0] == '\n')) {
		rc = sz_armor_dec_new(&d->armor, armor_sink, d, err);
		if (rc != SZ_OK)
			goto out;
		d->state = HEADER;
	}
	if (d->armor != NULL)
		rc = sz_armor_dec_update(d->armor, data, len, err);
	else
		rc = feed_binary(d, data, len);
out:
	d->err = NULL;
	if (rc != SZ_OK)
		d->failed = rc;
	return rc;
}

int sz_age_decrypt_finish(struct sz_age_decryptor *d, struct sz_err *err)
{
	if (d->failed)
		return sz_err_set(err, d->failed, "decryption already failed");
	int rc = SZ_OK;
	if (d->armor != NULL)
		rc = sz_armor_dec_finish(d->armor, err);
	if (rc == SZ_OK) {
		switch (d->state) {
		case DETECT:
			rc = sz_err_set(err, SZ_E_HEADER,
				"the input is empty: not an age file");
			break;
		case HEADER:
			rc = sz_err_set(err, SZ_E_HEADER,
				"the age header is truncated");
			break;
		case NONCE:
			rc = sz_err_set(err, SZ_E_HEADER,
				"the payload nonce is missing or truncated");
			break;
		case PAYLOAD:
			rc = sz_age_stream_finish(d->stream, err);
			break;
		}
	}
	if (rc != SZ_OK)
		d->failed = rc;
	else
		d->failed = SZ_E_INVAL; /* finished: no more input */
	return rc;
}

void sz_age_decrypt_free(struct sz_age_decryptor *d)
{
	if (d == NULL)
		return;
	sz_age_stream_free(d->stream);
	sz_armor_dec_free(d->armor);
	sz_buf_free(&d->header);
	sodium_free(d->file_key);
	free(d);
}
