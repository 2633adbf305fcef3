/*
 * age_stream.c - STREAM sealing and opening with bounded memory.
 *
 * Chunks are collected into a batch of SZ_AGE_STREAM_BATCH slots.  A slot
 * is known not to be the last one only when more input arrives after it is
 * full, so a batch is processed when its last slot is full and one more
 * byte is pushed, or at finish.  Sealing happens in place;
 * opening writes to a second buffer, so that a full chunk whose tag fails
 * can be tried again with the other "last" flag.
 *
 * The buffer comes from sodium_malloc: it holds plaintext, so it is locked
 * in memory where the system allows (kept out of swap) and wiped on free.
 */
#include "crypto/age_stream.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#define SLOT_SIZE (SZ_AGE_CHUNK_SIZE + SZ_AGE_TAG_SIZE)

struct sz_age_stream {
	uint8_t key[SZ_AGE_STREAM_KEY_SIZE];
	bool decrypt;
	bool done;
	unsigned threads;
	sz_age_sink sink;
	void *ctx;
	uint64_t counter;            /* index of the batch's first chunk */
	unsigned cur;                /* slot being filled */
	size_t fill[SZ_AGE_STREAM_BATCH];
	int status[SZ_AGE_STREAM_BATCH];
	uint8_t *buf;                /* SZ_AGE_STREAM_BATCH * SLOT_SIZE */
	uint8_t *plain;              /* decryption output, same layout */
};

/* A chunk's outcome, beyond 0 (authentic, in its place) and -1 (forged
 * or corrupted): authentic, but with the wrong "last" flag for where it
 * stands.  Its plaintext is released, then the stream fails, as the
 * reference implementation does. */
enum { CHUNK_FINAL_TOO_EARLY = 1, CHUNK_NOT_FINAL_AT_END = 2 };

struct range {
	struct sz_age_stream *s;
	unsigned from, to, n;
	bool last;
};

static void make_nonce(uint8_t nonce[12], uint64_t counter, bool last)
{
	memset(nonce, 0, 12);
	for (int i = 0; i < 8; i++)
		nonce[10 - i] = (uint8_t)(counter >> (8 * i));
	nonce[11] = last ? 1 : 0;
}

static void process_chunk(struct sz_age_stream *s, unsigned j, bool last)
{
	uint8_t nonce[12];
	uint8_t *slot = s->buf + (size_t)j * SLOT_SIZE;
	size_t n = s->fill[j];
	make_nonce(nonce, s->counter + j, last);
	if (!s->decrypt) {
		crypto_aead_chacha20poly1305_ietf_encrypt_detached(slot,
			slot + n, NULL, slot, n, NULL, 0, NULL, nonce, s->key);
		s->fill[j] = n + SZ_AGE_TAG_SIZE;
		s->status[j] = 0;
		return;
	}
	if (n < SZ_AGE_TAG_SIZE) {
		s->status[j] = -1;
		return;
	}
	size_t m = n - SZ_AGE_TAG_SIZE;
	uint8_t *plain = s->plain + (size_t)j * SLOT_SIZE;
	s->fill[j] = m;
	s->status[j] = crypto_aead_chacha20poly1305_ietf_decrypt_detached(plain,
		NULL, slot, m, slot + m, NULL, 0, nonce, s->key);
	if (s->status[j] == 0 || n != SLOT_SIZE)
		return;
	/* A full chunk may carry either flag: try the other one. */
	make_nonce(nonce, s->counter + j, !last);
	if (crypto_aead_chacha20poly1305_ietf_decrypt_detached(plain, NULL,
		    slot, m, slot + m, NULL, 0, nonce, s->key) == 0)
		s->status[j] = last ? CHUNK_NOT_FINAL_AT_END :
			CHUNK_FINAL_TOO_EARLY;
}

static void *process_range(void *arg)
{
	struct range *r = arg;
	for (unsigned j = r->from; j < r->to; j++)
		process_chunk(r->s, j, r->last && j == r->n - 1);
	return NULL;
}

/* Seals or opens the first n slots, the last of which is final if last,
 * then hands them to the sink in order, stopping at the first failure. */
static int process_batch(struct sz_age_stream *s, unsigned n, bool last,
	struct sz_err *err)
{
	struct range lo = { s, 0, n, n, last }, hi = lo;
	pthread_t worker;
	bool threaded = false;
	if (s->threads > 1 && n >= 2) {
		lo.to = n / 2;
		hi.from = n / 2;
		threaded = pthread_create(&worker, NULL, process_range, &lo) == 0;
		if (!threaded)
			hi.from = 0;
	}
	process_range(&hi);
	if (threaded)
		pthread_join(worker, NULL);

	for (unsigned j = 0; j < n; j++) {
		unsigned long long idx = (unsigned long long)(s->counter + j);
		if (s->status[j] < 0)
			return sz_err_set(err, SZ_E_PAYLOAD,
				"payload chunk %llu does not authenticate: the "
				"file is corrupted or truncated", idx);
		const uint8_t *out = (s->decrypt ? s->plain : s->buf) +
			(size_t)j * SLOT_SIZE;
		int rc = s->sink(s->ctx, out, s->fill[j]);
		if (rc != 0)
			return sz_err_set(err, rc, "cannot write the output");
		if (s->status[j] == CHUNK_FINAL_TOO_EARLY)
			return sz_err_set(err, SZ_E_PAYLOAD,
				"data follows the final payload chunk %llu", idx);
		if (s->status[j] == CHUNK_NOT_FINAL_AT_END)
			return sz_err_set(err, SZ_E_PAYLOAD,
				"the payload ends without its final chunk: "
				"the file is truncated");
	}
	s->counter += n;
	memset(s->fill, 0, sizeof(s->fill));
	s->cur = 0;
	return SZ_OK;
}

int sz_age_stream_new(struct sz_age_stream **out,
	const uint8_t key[SZ_AGE_STREAM_KEY_SIZE], bool decrypt,
	unsigned threads, sz_age_sink sink, void *ctx, struct sz_err *err)
{
	*out = NULL;
	struct sz_age_stream *s = sodium_malloc(sizeof(*s));
	if (s == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	memset(s, 0, sizeof(*s));
	s->buf = sodium_malloc((size_t)SZ_AGE_STREAM_BATCH * SLOT_SIZE);
	if (s->buf != NULL && decrypt)
		s->plain = sodium_malloc((size_t)SZ_AGE_STREAM_BATCH *
			SLOT_SIZE);
	if (s->buf == NULL || (decrypt && s->plain == NULL)) {
		if (s->buf != NULL)
			sodium_free(s->buf);
		sodium_free(s);
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	memcpy(s->key, key, SZ_AGE_STREAM_KEY_SIZE);
	s->decrypt = decrypt;
	s->threads = threads < 1 ? 1 :
		threads > SZ_AGE_MAX_THREADS ? SZ_AGE_MAX_THREADS : threads;
	s->sink = sink;
	s->ctx = ctx;
	*out = s;
	return SZ_OK;
}

int sz_age_stream_update(struct sz_age_stream *s, const uint8_t *data,
	size_t len, struct sz_err *err)
{
	if (s->done)
		return sz_err_set(err, SZ_E_INVAL, "the stream has ended");
	size_t cap = s->decrypt ? SLOT_SIZE : SZ_AGE_CHUNK_SIZE;
	while (len > 0) {
		if (s->fill[s->cur] == cap) {
			/* More input follows a full slot: it is not the last. */
			if (s->cur + 1 == SZ_AGE_STREAM_BATCH) {
				int rc = process_batch(s, SZ_AGE_STREAM_BATCH,
					false, err);
				if (rc != 0) {
					s->done = true;
					return rc;
				}
			} else {
				s->cur++;
			}
			continue;
		}
		size_t take = cap - s->fill[s->cur];
		if (take > len)
			take = len;
		memcpy(s->buf + (size_t)s->cur * SLOT_SIZE + s->fill[s->cur],
			data, take);
		s->fill[s->cur] += take;
		data += take;
		len -= take;
	}
	return SZ_OK;
}

int sz_age_stream_finish(struct sz_age_stream *s, struct sz_err *err)
{
	if (s->done)
		return sz_err_set(err, SZ_E_INVAL, "the stream has ended");
	s->done = true;
	unsigned n = s->cur + 1;
	if (s->decrypt) {
		size_t last = s->fill[s->cur];
		uint64_t idx = s->counter + s->cur;
		const char *why = NULL;
		if (last == 0 && idx == 0)
			why = "the payload has no chunks: the file is truncated";
		else if (last < SZ_AGE_TAG_SIZE)
			why = "the final payload chunk is truncated";
		else if (last == SZ_AGE_TAG_SIZE && idx > 0)
			why = "the final payload chunk is empty, which only an "
			      "empty file may have";
		if (why != NULL) {
			/* Release what verified before the bad final chunk. */
			int rc = s->cur > 0 ?
				process_batch(s, s->cur, false, err) : 0;
			if (rc != 0)
				return rc;
			return sz_err_set(err, SZ_E_PAYLOAD, "%s", why);
		}
	}
	return process_batch(s, n, true, err);
}

void sz_age_stream_free(struct sz_age_stream *s)
{
	if (s == NULL)
		return;
	sodium_free(s->buf);
	if (s->plain != NULL)
		sodium_free(s->plain);
	sodium_free(s);
}
