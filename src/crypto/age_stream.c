/*
 * age_stream.c - STREAM sealing and opening with bounded memory.
 *
 * Chunks are collected into a batch of SZ_AGE_STREAM_BATCH slots.  A slot
 * is known not to be the last one only when more input arrives after it is
 * full, so a batch is processed when its last slot is full and one more
 * byte is pushed, or at finish.  Sealing and opening happen in place.
 *
 * With threads > 1 the stream keeps two batches and a pool of worker
 * threads: while the workers seal or open one batch (taking chunks one at
 * a time, so both cores stay busy), the caller fills the other.  Output is
 * handed to the sink on the caller's thread, in order.  Worker threads
 * start only once a stream has more than one batch, so small streams never
 * pay for them.
 *
 * Buffers come from sodium_malloc: they hold plaintext, so they are locked
 * in memory where the system allows (kept out of swap) and wiped on free.
 */
#include "crypto/age_stream.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <string.h>

#define SLOT_SIZE (SZ_AGE_CHUNK_SIZE + SZ_AGE_TAG_SIZE)
#define BATCH_BYTES ((size_t)SZ_AGE_STREAM_BATCH * SLOT_SIZE)

/* A chunk's outcome, beyond 0 (authentic, in its place) and -1 (forged
 * or corrupted): authentic, but with the wrong "last" flag for where it
 * stands.  Its plaintext is released, then the stream fails, as the
 * reference implementation does. */
enum { CHUNK_FINAL_TOO_EARLY = 1, CHUNK_NOT_FINAL_AT_END = 2 };

struct batch {
	uint8_t *buf;     /* input slots; output in place */
	bool full;        /* buf has all SZ_AGE_STREAM_BATCH slots */
	size_t fill[SZ_AGE_STREAM_BATCH];
	int status[SZ_AGE_STREAM_BATCH];
	unsigned n;       /* chunks to process */
	bool last;        /* the batch's final chunk ends the stream */
	uint64_t counter; /* index of its first chunk */
};

struct sz_age_stream {
	uint8_t key[SZ_AGE_STREAM_KEY_SIZE];
	bool decrypt;
	bool done;
	unsigned threads;
	sz_age_sink sink;
	void *ctx;
	uint64_t counter;      /* index of the filling batch's first chunk */
	struct batch b[2];
	unsigned filling;      /* which of b[] is being filled */
	unsigned cur;          /* its slot being filled */
	bool in_flight;        /* b[!filling] is with the workers */

	/* the worker pool */
	pthread_t th[SZ_AGE_MAX_THREADS];
	unsigned nth;
	pthread_mutex_t mu;
	pthread_cond_t job_cv, done_cv;
	struct batch *job;
	atomic_uint next;      /* next chunk of job to take */
	unsigned active;       /* workers still on job */
	uint64_t gen;          /* job generation */
	bool quit;
};

static void make_nonce(uint8_t nonce[12], uint64_t counter, bool last)
{
	memset(nonce, 0, 12);
	for (int i = 0; i < 8; i++)
		nonce[10 - i] = (uint8_t)(counter >> (8 * i));
	nonce[11] = last ? 1 : 0;
}

/*
 * Opens a ChaCha20-Poly1305 (RFC 8439) chunk in place: the tag is checked
 * first (libsodium verifies without decrypting when given no output), and
 * only then is the keystream, which starts at block 1, applied.  The same
 * work as an ordinary open, but a chunk that fails keeps its ciphertext, so
 * it can be tried with the other flag, without a second buffer.
 */
static int open_in_place(const struct sz_age_stream *s, uint8_t *slot,
	size_t m, const uint8_t nonce[12])
{
	if (crypto_aead_chacha20poly1305_ietf_decrypt_detached(NULL, NULL,
		    slot, m, slot + m, NULL, 0, nonce, s->key) != 0)
		return -1;
	crypto_stream_chacha20_ietf_xor_ic(slot, slot, m, nonce, 1, s->key);
	return 0;
}

static void process_chunk(const struct sz_age_stream *s, struct batch *b,
	unsigned j)
{
	uint8_t nonce[12];
	uint8_t *slot = b->buf + (size_t)j * SLOT_SIZE;
	size_t n = b->fill[j];
	bool last = b->last && j == b->n - 1;
	if (!s->decrypt) {
		sz_age_seal_chunk(s->key, b->counter + j, last, slot, n);
		b->fill[j] = n + SZ_AGE_TAG_SIZE;
		b->status[j] = 0;
		return;
	}
	if (n < SZ_AGE_TAG_SIZE) {
		b->status[j] = -1;
		return;
	}
	make_nonce(nonce, b->counter + j, last);
	size_t m = n - SZ_AGE_TAG_SIZE;
	b->fill[j] = m;
	b->status[j] = open_in_place(s, slot, m, nonce);
	if (b->status[j] == 0 || n != SLOT_SIZE)
		return;
	/* A full chunk may carry either flag: try the other one. */
	make_nonce(nonce, b->counter + j, !last);
	if (open_in_place(s, slot, m, nonce) == 0)
		b->status[j] = last ? CHUNK_NOT_FINAL_AT_END :
			CHUNK_FINAL_TOO_EARLY;
}

static void *worker(void *arg)
{
	struct sz_age_stream *s = arg;
	uint64_t seen = 0;
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (s->gen == seen && !s->quit)
			pthread_cond_wait(&s->job_cv, &s->mu);
		if (s->quit)
			break;
		seen = s->gen;
		struct batch *b = s->job;
		pthread_mutex_unlock(&s->mu);
		for (;;) {
			unsigned j = atomic_fetch_add(&s->next, 1);
			if (j >= b->n)
				break;
			process_chunk(s, b, j);
		}
		pthread_mutex_lock(&s->mu);
		if (--s->active == 0)
			pthread_cond_signal(&s->done_cv);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* Starts the workers; false if the system would not (the stream then
 * works on the caller's thread). */
static bool pool_start(struct sz_age_stream *s)
{
	if (s->nth > 0)
		return true;
	if (pthread_mutex_init(&s->mu, NULL) != 0)
		return false;
	pthread_cond_init(&s->job_cv, NULL);
	pthread_cond_init(&s->done_cv, NULL);
	for (unsigned i = 0; i < s->threads; i++) {
		if (pthread_create(&s->th[i], NULL, worker, s) != 0)
			break;
		s->nth++;
	}
	if (s->nth == 0) {
		pthread_cond_destroy(&s->job_cv);
		pthread_cond_destroy(&s->done_cv);
		pthread_mutex_destroy(&s->mu);
		s->threads = 1;
		return false;
	}
	return true;
}

static void pool_submit(struct sz_age_stream *s, struct batch *b)
{
	pthread_mutex_lock(&s->mu);
	s->job = b;
	atomic_store(&s->next, 0);
	s->active = s->nth;
	s->gen++;
	pthread_cond_broadcast(&s->job_cv);
	pthread_mutex_unlock(&s->mu);
}

static void pool_wait(struct sz_age_stream *s)
{
	pthread_mutex_lock(&s->mu);
	while (s->active > 0)
		pthread_cond_wait(&s->done_cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
}

static void pool_stop(struct sz_age_stream *s)
{
	if (s->nth == 0)
		return;
	pthread_mutex_lock(&s->mu);
	s->quit = true;
	pthread_cond_broadcast(&s->job_cv);
	pthread_mutex_unlock(&s->mu);
	for (unsigned i = 0; i < s->nth; i++)
		pthread_join(s->th[i], NULL);
	pthread_cond_destroy(&s->job_cv);
	pthread_cond_destroy(&s->done_cv);
	pthread_mutex_destroy(&s->mu);
	s->nth = 0;
}

/* Hands a processed batch to the sink in order, stopping at the first
 * chunk that failed. */
static int emit(struct sz_age_stream *s, struct batch *b, struct sz_err *err)
{
	for (unsigned j = 0; j < b->n; j++) {
		unsigned long long idx = (unsigned long long)(b->counter + j);
		if (b->status[j] < 0)
			return sz_err_set(err, SZ_E_PAYLOAD,
				"payload chunk %llu does not authenticate: the "
				"file is corrupted or truncated", idx);
		int rc = s->sink(s->ctx, b->buf + (size_t)j * SLOT_SIZE,
			b->fill[j]);
		if (rc != 0)
			return sz_err_set(err, rc, "cannot write the output");
		if (b->status[j] == CHUNK_FINAL_TOO_EARLY)
			return sz_err_set(err, SZ_E_PAYLOAD,
				"data follows the final payload chunk %llu", idx);
		if (b->status[j] == CHUNK_NOT_FINAL_AT_END)
			return sz_err_set(err, SZ_E_PAYLOAD,
				"the payload ends without its final chunk: "
				"the file is truncated");
	}
	return SZ_OK;
}

/* Waits for the batch with the workers, if any, and emits it. */
static int drain(struct sz_age_stream *s, struct sz_err *err)
{
	if (!s->in_flight)
		return SZ_OK;
	pool_wait(s);
	s->in_flight = false;
	return emit(s, &s->b[!s->filling], err);
}

/* Gives a batch room for all its slots.  A stream starts with room for
 * one chunk, so a short message costs 64 KiB, not a whole batch. */
static int grow_batch(struct batch *b)
{
	if (b->full)
		return 0;
	uint8_t *buf = sodium_malloc(BATCH_BYTES);
	if (buf == NULL)
		return -1;
	if (b->buf != NULL) {
		memcpy(buf, b->buf, SLOT_SIZE);
		sodium_free(b->buf);
	}
	b->buf = buf;
	b->full = true;
	return 0;
}

/* Closes the filling batch with n chunks and processes it: with workers,
 * in the background (unless wait), else here and now. */
static int dispatch(struct sz_age_stream *s, unsigned n, bool last,
	bool wait, struct sz_err *err)
{
	struct batch *b = &s->b[s->filling];
	b->n = n;
	b->last = last;
	b->counter = s->counter;
	s->counter += n;
	int rc = drain(s, err);
	if (rc != SZ_OK)
		return rc;
	if (s->threads > 1 && (!wait || s->nth > 0) &&
	    grow_batch(&s->b[!s->filling]) == 0 && pool_start(s)) {
		pool_submit(s, b);
		s->in_flight = true;
		s->filling = !s->filling;
		s->cur = 0;
		memset(s->b[s->filling].fill, 0, sizeof(b->fill));
		return wait ? drain(s, err) : SZ_OK;
	}
	for (unsigned j = 0; j < n; j++)
		process_chunk(s, b, j);
	rc = emit(s, b, err);
	s->cur = 0;
	memset(b->fill, 0, sizeof(b->fill));
	return rc;
}

static void free_batch(struct batch *b)
{
	if (b->buf != NULL)
		sodium_free(b->buf);
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
	s->threads = threads < 1 ? 1 :
		threads > SZ_AGE_MAX_THREADS ? SZ_AGE_MAX_THREADS : threads;
	s->b[0].buf = sodium_malloc(SLOT_SIZE);
	if (s->b[0].buf == NULL) {
		sz_age_stream_free(s);
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	memcpy(s->key, key, SZ_AGE_STREAM_KEY_SIZE);
	s->decrypt = decrypt;
	s->sink = sink;
	s->ctx = ctx;
	*out = s;
	return SZ_OK;
}

void sz_age_stream_start_at(struct sz_age_stream *s, uint64_t counter)
{
	s->counter = counter;
}

void sz_age_seal_chunk(const uint8_t key[SZ_AGE_STREAM_KEY_SIZE],
	uint64_t counter, bool last, uint8_t *buf, size_t len)
{
	uint8_t nonce[12];
	make_nonce(nonce, counter, last);
	crypto_aead_chacha20poly1305_ietf_encrypt_detached(buf, buf + len,
		NULL, buf, len, NULL, 0, NULL, nonce, key);
}

int sz_age_stream_update(struct sz_age_stream *s, const uint8_t *data,
	size_t len, struct sz_err *err)
{
	if (s->done)
		return sz_err_set(err, SZ_E_INVAL, "the stream has ended");
	size_t cap = s->decrypt ? SLOT_SIZE : SZ_AGE_CHUNK_SIZE;
	while (len > 0) {
		struct batch *b = &s->b[s->filling];
		if (b->fill[s->cur] == cap) {
			/* More input follows a full slot: it is not the last. */
			if (s->cur + 1 == SZ_AGE_STREAM_BATCH) {
				int rc = dispatch(s, SZ_AGE_STREAM_BATCH, false,
					false, err);
				if (rc != 0) {
					s->done = true;
					return rc;
				}
			} else {
				if (grow_batch(b) != 0) {
					s->done = true;
					return sz_err_set(err, SZ_E_NOMEM,
						"out of memory");
				}
				s->cur++;
			}
			continue;
		}
		size_t take = cap - b->fill[s->cur];
		if (take > len)
			take = len;
		memcpy(b->buf + (size_t)s->cur * SLOT_SIZE + b->fill[s->cur],
			data, take);
		b->fill[s->cur] += take;
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
	if (s->decrypt) {
		size_t last = s->b[s->filling].fill[s->cur];
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
				dispatch(s, s->cur, false, true, err) :
				drain(s, err);
			if (rc != 0)
				return rc;
			return sz_err_set(err, SZ_E_PAYLOAD, "%s", why);
		}
	}
	return dispatch(s, s->cur + 1, true, true, err);
}

void sz_age_stream_free(struct sz_age_stream *s)
{
	if (s == NULL)
		return;
	if (s->in_flight)
		pool_wait(s);
	pool_stop(s);
	free_batch(&s->b[0]);
	free_batch(&s->b[1]);
	sodium_free(s);
}
