/*
 * test_age.c - the age encryptor and decryptor as the inbox uses them:
 * streamed in pieces of any size, to several recipients, and failing
 * cleanly (with the right kind of error, releasing nothing unauthenticated)
 * on every kind of damage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/buf.h"
#include "crypto/age.h"
#include "crypto/age_header.h"

#define MAX_OUT (64u << 20)

static int buf_sink(void *ctx, const uint8_t *d, size_t n)
{
	return sz_buf_append(ctx, d, n);
}

static int failing_sink(void *ctx, const uint8_t *d, size_t n)
{
	(void)ctx, (void)d, (void)n;
	return SZ_E_IO;
}

static uint8_t *random_bytes(size_t n)
{
	uint8_t *p = malloc(n ? n : 1);
	assert_non_null(p);
	randombytes_buf(p, n);
	return p;
}

static void encrypt_to(struct sz_age_recipient *const *r, size_t nr,
	const uint8_t *plain, size_t n, size_t piece, bool armor,
	unsigned threads, struct sz_buf *out)
{
	struct sz_age_encryptor *e;
	struct sz_err err;
	struct sz_age_opts opts = { .armor = armor, .threads = threads };
	sz_buf_init(out, MAX_OUT);
	assert_int_equal(sz_age_encrypt_begin(&e, r, nr, &opts, buf_sink, out,
		&err), 0);
	for (size_t off = 0; off < n; off += piece) {
		size_t k = n - off < piece ? n - off : piece;
		assert_int_equal(sz_age_encrypt_update(e, plain + off, k, &err),
			0);
	}
	assert_int_equal(sz_age_encrypt_finish(e, &err), 0);
	sz_age_encrypt_free(e);
}

static int decrypt_with(struct sz_age_identity *const *ids, size_t n,
	const uint8_t *c, size_t len, size_t piece, unsigned threads,
	struct sz_buf *out, struct sz_err *err)
{
	struct sz_age_decryptor *d;
	struct sz_age_opts opts = { .threads = threads };
	sz_buf_init(out, MAX_OUT);
	int rc = sz_age_decrypt_begin(&d, ids, n, &opts, buf_sink, out, err);
	for (size_t off = 0; rc == 0 && off < len; off += piece) {
		size_t k = len - off < piece ? len - off : piece;
		rc = sz_age_decrypt_update(d, c + off, k, err);
	}
	if (rc == 0)
		rc = sz_age_decrypt_finish(d, err);
	sz_age_decrypt_free(d);
	return rc;
}

struct keys {
	struct sz_age_identity *id[3];
	struct sz_age_recipient *r[3];
};

static int keys_setup(void **state)
{
	struct keys *k = calloc(1, sizeof(*k));
	for (int i = 0; i < 3; i++) {
		assert_int_equal(sz_age_identity_generate(&k->id[i], NULL), 0);
		assert_int_equal(sz_age_identity_recipient(k->id[i], &k->r[i],
			NULL), 0);
	}
	*state = k;
	return 0;
}

static int keys_teardown(void **state)
{
	struct keys *k = *state;
	for (int i = 0; i < 3; i++) {
		sz_age_identity_free(k->id[i]);
		sz_age_recipient_free(k->r[i]);
	}
	free(k);
	return 0;
}

static void round_trips_at_chunk_boundaries(void **state)
{
	struct keys *k = *state;
	const size_t B = SZ_AGE_STREAM_BATCH * (size_t)SZ_AGE_CHUNK_SIZE;
	const size_t sizes[] = { 0, 1, 65535, 65536, 65537, 131072,
		B, B + 1, 2 * B + 65536, 2 * B + 65537 + 7 };
	const size_t pieces[] = { 1000003, 4096, 65536, 65537 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		uint8_t *plain = random_bytes(sizes[i]);
		assert(sizeof(pieces) / sizeof(*pieces) == 4);
		for (unsigned threads = 1; threads <= 2; threads++) {
			struct sz_buf c, p;
			struct sz_err err;
			size_t piece = pieces[(i + threads) % 4];
			encrypt_to(k->r, 1, plain, sizes[i], piece, false,
				threads, &c);
			assert_int_equal(decrypt_with(k->id, 1, c.data, c.len,
				pieces[i % 4], 3 - threads, &p, &err), 0);
			assert_int_equal(p.len, sizes[i]);
			if (sizes[i])
				assert_memory_equal(p.data, plain, sizes[i]);
			sz_buf_free(&c);
			sz_buf_free(&p);
		}
		free(plain);
	}
}

static void every_recipient_can_decrypt_alone(void **state)
{
	struct keys *k = *state;
	uint8_t *plain = random_bytes(100000);
	struct sz_buf c, p;
	struct sz_err err;
	encrypt_to(k->r, 3, plain, 100000, 777, false, 2, &c);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(decrypt_with(&k->id[i], 1, c.data, c.len, 999,
			1, &p, &err), 0);
		assert_memory_equal(p.data, plain, 100000);
		sz_buf_free(&p);
	}
	sz_buf_free(&c);
	free(plain);
}

static void armored_output_is_text_and_decrypts(void **state)
{
	struct keys *k = *state;
	uint8_t *plain = random_bytes(200001);
	struct sz_buf c, p;
	struct sz_err err;
	encrypt_to(k->r, 1, plain, 200001, 5000, true, 2, &c);
	assert_memory_equal(c.data, "-----BEGIN AGE ENCRYPTED FILE-----\n", 35);
	for (size_t i = 0; i < c.len; i++)
		assert_true(c.data[i] == '\n' || (c.data[i] >= 32 &&
			c.data[i] < 127));
	assert_int_equal(decrypt_with(k->id, 1, c.data, c.len, 3, 2, &p, &err),
		0);
	assert_int_equal(p.len, 200001);
	assert_memory_equal(p.data, plain, 200001);
	sz_buf_free(&c);
	sz_buf_free(&p);
	free(plain);
}

static void a_stranger_gets_no_match(void **state)
{
	struct keys *k = *state;
	struct sz_buf c, p;
	struct sz_err err;
	uint8_t plain[10] = "secret!!!";
	encrypt_to(k->r, 2, plain, sizeof(plain), 10, false, 1, &c);
	assert_int_equal(decrypt_with(&k->id[2], 1, c.data, c.len, 100, 1, &p,
		&err), SZ_E_NO_MATCH);
	assert_int_equal(p.len, 0);
	assert_non_null(strstr(err.msg, "no identity matched"));
	sz_buf_free(&c);
	sz_buf_free(&p);
}

/* Flips one byte at every position class: header, MAC, nonce, payload. */
static void damage_is_detected_and_nothing_forged_is_released(void **state)
{
	struct keys *k = *state;
	const size_t n = 3 * 65536 + 100;
	uint8_t *plain = random_bytes(n);
	struct sz_buf c, p;
	struct sz_err err;
	encrypt_to(k->r, 1, plain, n, 65536, false, 1, &c);
	const uint8_t *mac = memmem(c.data, c.len, "\n--- ", 5);
	assert_non_null(mac);
	size_t hdr_end = (size_t)((const uint8_t *)memchr(mac + 1, '\n',
		c.len) - c.data) + 1;
	struct { size_t at; int want; } cases[] = {
		{ 30, SZ_E_HEADER },                /* stanza argument */
		{ (size_t)(mac - c.data) + 10, SZ_E_HMAC }, /* the MAC */
		{ hdr_end + 3, SZ_E_PAYLOAD },      /* payload nonce */
		{ hdr_end + 16 + 65536 + 16 + 5, SZ_E_PAYLOAD }, /* chunk 1 */
		{ c.len - 1, SZ_E_PAYLOAD },        /* last tag */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		uint8_t was = c.data[cases[i].at];
		/* In the header's text, another valid base64 character (a
		 * flipped bit could make an invalid one: a parse error, not a
		 * MAC failure); in binary parts, a flipped bit. */
		c.data[cases[i].at] = cases[i].at < hdr_end ?
			(was == 'A' ? 'B' : 'A') : (uint8_t)(was ^ 0x01);
		int rc = decrypt_with(k->id, 1, c.data, c.len, 4096, 2, &p,
			&err);
		c.data[cases[i].at] = was;
		if (rc == SZ_E_NO_MATCH && cases[i].want == SZ_E_HEADER)
			rc = SZ_E_HEADER; /* a flipped share may still parse */
		assert_int_equal(rc, cases[i].want);
		/* Whatever was released is a prefix of the real plaintext,
		 * made of whole chunks. */
		assert_true(p.len % 65536 == 0 && p.len < n);
		if (p.len)
			assert_memory_equal(p.data, plain, p.len);
		sz_buf_free(&p);
	}
	sz_buf_free(&c);
	free(plain);
}

/* With two workers, batches are in flight while the next fills: damage in
 * a later batch must release exactly the chunks before it, in order. */
static void damage_in_a_later_batch_releases_only_what_came_before(void **state)
{
	struct keys *k = *state;
	const size_t chunks = 2 * SZ_AGE_STREAM_BATCH + 5;
	const size_t n = chunks * SZ_AGE_CHUNK_SIZE - 9;
	uint8_t *plain = random_bytes(n);
	struct sz_buf c, p;
	struct sz_err err;
	encrypt_to(k->r, 1, plain, n, 100000, false, 2, &c);
	size_t payload = c.len - chunks * SZ_AGE_CHUNK_SIZE -
		chunks * SZ_AGE_TAG_SIZE + 9;
	size_t bad = SZ_AGE_STREAM_BATCH + 3;
	c.data[payload + bad * (SZ_AGE_CHUNK_SIZE + SZ_AGE_TAG_SIZE) + 7] ^= 4;
	assert_int_equal(decrypt_with(k->id, 1, c.data, c.len, 77777, 2, &p,
		&err), SZ_E_PAYLOAD);
	assert_int_equal(p.len, bad * SZ_AGE_CHUNK_SIZE);
	assert_memory_equal(p.data, plain, p.len);
	sz_buf_free(&p);
	sz_buf_free(&c);
	free(plain);
}

static void truncation_and_trailing_data_are_payload_failures(void **state)
{
	struct keys *k = *state;
	const size_t n = 2 * 65536;
	uint8_t *plain = random_bytes(n);
	struct sz_buf c, p, longer;
	struct sz_err err;
	encrypt_to(k->r, 1, plain, n, n, false, 1, &c);
	/* Cut at the end of the first chunk: it authenticates, but is not
	 * marked final. */
	size_t cut = c.len - (65536 + 16);
	assert_int_equal(decrypt_with(k->id, 1, c.data, cut, 1 << 20, 1, &p,
		&err), SZ_E_PAYLOAD);
	assert_non_null(strstr(err.msg, "truncated"));
	sz_buf_free(&p);
	for (size_t drop = 1; drop <= 17; drop += 8) {
		assert_int_equal(decrypt_with(k->id, 1, c.data, c.len - drop,
			1 << 20, 2, &p, &err), SZ_E_PAYLOAD);
		sz_buf_free(&p);
	}
	sz_buf_init(&longer, MAX_OUT);
	assert_int_equal(sz_buf_append(&longer, c.data, c.len), 0);
	assert_int_equal(sz_buf_append(&longer, "x", 1), 0);
	assert_int_equal(decrypt_with(k->id, 1, longer.data, longer.len, 999,
		1, &p, &err), SZ_E_PAYLOAD);
	sz_buf_free(&p);
	sz_buf_free(&longer);
	sz_buf_free(&c);
	free(plain);
}

static void passphrase_round_trip_and_wrong_passphrase(void **state)
{
	(void)state;
	struct sz_age_recipient *r;
	struct sz_age_identity *good, *bad;
	struct sz_buf c, p;
	struct sz_err err;
	uint8_t plain[] = "the minutes of the meeting";
	/* A low work factor keeps the test fast; the format is the same. */
	assert_int_equal(sz_age_recipient_passphrase("correct horse", 13, 10,
		&r, &err), 0);
	encrypt_to(&r, 1, plain, sizeof(plain), 7, false, 1, &c);
	assert_non_null(memmem(c.data, c.len, "-> scrypt ", 10));
	assert_int_equal(sz_age_identity_passphrase("correct horse", 13, NULL,
		NULL, &good, &err), 0);
	assert_int_equal(sz_age_identity_passphrase("wrong horse", 11, NULL,
		NULL, &bad, &err), 0);
	assert_int_equal(decrypt_with(&good, 1, c.data, c.len, 5, 1, &p, &err),
		0);
	assert_memory_equal(p.data, plain, sizeof(plain));
	sz_buf_free(&p);
	assert_int_equal(decrypt_with(&bad, 1, c.data, c.len, 5, 1, &p, &err),
		SZ_E_NO_MATCH);
	sz_buf_free(&p);
	sz_buf_free(&c);
	sz_age_identity_free(good);
	sz_age_identity_free(bad);
	sz_age_recipient_free(r);
}

static void a_passphrase_cannot_join_other_recipients(void **state)
{
	struct keys *k = *state;
	struct sz_age_recipient *r[2] = { k->r[0], NULL };
	struct sz_age_encryptor *e;
	struct sz_buf out;
	struct sz_err err;
	sz_buf_init(&out, 1024);
	assert_int_equal(sz_age_recipient_passphrase("pw", 2, 10, &r[1], &err),
		0);
	assert_int_equal(sz_age_encrypt_begin(&e, r, 2, NULL, buf_sink, &out,
		&err), SZ_E_INVAL);
	assert_int_equal(sz_age_encrypt_begin(&e, r, 0, NULL, buf_sink, &out,
		&err), SZ_E_INVAL);
	sz_age_recipient_free(r[1]);
	sz_buf_free(&out);
}

static void an_endless_header_is_refused_within_its_limit(void **state)
{
	struct keys *k = *state;
	struct sz_age_decryptor *d;
	struct sz_buf out;
	struct sz_err err;
	sz_buf_init(&out, 1024);
	assert_int_equal(sz_age_decrypt_begin(&d, k->id, 1, NULL, buf_sink,
		&out, &err), 0);
	const char *start = "age-encryption.org/v1\n-> X25519 abc\n";
	int rc = sz_age_decrypt_update(d, (const uint8_t *)start,
		strlen(start), &err);
	char line[65];
	memset(line, 'A', 64);
	line[64] = '\n';
	size_t fed = strlen(start);
	while (rc == 0 && fed < 2 * SZ_AGE_MAX_HEADER_SIZE) {
		rc = sz_age_decrypt_update(d, (const uint8_t *)line, 65, &err);
		fed += 65;
	}
	assert_int_equal(rc, SZ_E_HEADER);
	assert_true(fed <= SZ_AGE_MAX_HEADER_SIZE + 65);
	sz_age_decrypt_free(d);
	sz_buf_free(&out);
}

static void not_an_age_file_fails_early(void **state)
{
	struct keys *k = *state;
	struct sz_buf p;
	struct sz_err err;
	const char *pdf = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n";
	assert_int_equal(decrypt_with(k->id, 1, (const uint8_t *)pdf,
		strlen(pdf), 4, 1, &p, &err), SZ_E_HEADER);
	assert_non_null(strstr(err.msg, "not an age file"));
	sz_buf_free(&p);
	assert_int_equal(decrypt_with(k->id, 1, (const uint8_t *)"", 0, 4, 1,
		&p, &err), SZ_E_HEADER);
	sz_buf_free(&p);
}

/* Found by fuzz_age_header: libsodium 1.0.18 decodes some bytes above
 * 0x7f as base64, so one header could be written two ways. */
static void non_ascii_bytes_in_base64_are_refused(void **state)
{
	(void)state;
	uint8_t out[64];
	assert_int_equal(sz_age_b64_decode("hjab\xc0\x9c\xcc\xac", 8, out,
		sizeof(out)), -1);
	assert_int_equal(sz_age_b64_decode("hjab////", 8, out, sizeof(out)), 6);
}

static int buf_sink_at(void *ctx, uint64_t off, const uint8_t *d, size_t n)
{
	struct sz_buf *b = ctx;
	if (off + n > b->len)
		return SZ_E_INVAL;
	memcpy(b->data + off, d, n);
	return 0;
}

/* The inbox writes a tar header whose size it learns only at the end: the
 * first chunk is held back, rewritten, and sealed last, in its place. */
static void a_held_first_chunk_is_rewritten_and_sealed_in_place(void **state)
{
	struct keys *k = *state;
	const size_t sizes[] = { 0, 1, 100, 65535, 65536, 65537, 200000,
		SZ_AGE_STREAM_BATCH * (size_t)SZ_AGE_CHUNK_SIZE + 3 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		size_t n = sizes[i];
		uint8_t *plain = random_bytes(n);
		struct sz_age_opts opts = { .sink_at = buf_sink_at };
		struct sz_age_encryptor *e;
		struct sz_buf c, p;
		struct sz_err err;
		size_t first_len;
		sz_buf_init(&c, MAX_OUT);
		assert_int_equal(sz_age_encrypt_begin(&e, k->r, 2, &opts,
			buf_sink, &c, &err), 0);
		for (size_t off = 0; off < n; off += 4099) {
			size_t m = n - off < 4099 ? n - off : 4099;
			assert_int_equal(sz_age_encrypt_update(e, plain + off, m,
				&err), 0);
		}
		uint8_t *first = sz_age_encrypt_first(e, &first_len);
		assert_int_equal(first_len, n < SZ_AGE_CHUNK_SIZE ? n :
			SZ_AGE_CHUNK_SIZE);
		if (n > 0) {
			first[0] ^= 0x5a;
			plain[0] ^= 0x5a;
		}
		assert_int_equal(sz_age_encrypt_finish(e, &err), 0);
		sz_age_encrypt_free(e);
		assert_int_equal(decrypt_with(&k->id[1], 1, c.data, c.len, 7777,
			1, &p, &err), 0);
		assert_int_equal(p.len, n);
		assert_true(n == 0 || memcmp(p.data, plain, n) == 0);
		sz_buf_free(&p);
		sz_buf_free(&c);
		free(plain);
	}
}

static void a_failing_sink_stops_the_stream(void **state)
{
	struct keys *k = *state;
	struct sz_age_encryptor *e;
	struct sz_err err;
	assert_int_equal(sz_age_encrypt_begin(&e, k->r, 1, NULL, failing_sink,
		NULL, &err), SZ_E_IO);
	assert_null(e);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trips_at_chunk_boundaries),
		cmocka_unit_test(every_recipient_can_decrypt_alone),
		cmocka_unit_test(armored_output_is_text_and_decrypts),
		cmocka_unit_test(a_stranger_gets_no_match),
		cmocka_unit_test(damage_is_detected_and_nothing_forged_is_released),
		cmocka_unit_test(damage_in_a_later_batch_releases_only_what_came_before),
		cmocka_unit_test(truncation_and_trailing_data_are_payload_failures),
		cmocka_unit_test(passphrase_round_trip_and_wrong_passphrase),
		cmocka_unit_test(a_passphrase_cannot_join_other_recipients),
		cmocka_unit_test(an_endless_header_is_refused_within_its_limit),
		cmocka_unit_test(not_an_age_file_fails_early),
		cmocka_unit_test(non_ascii_bytes_in_base64_are_refused),
		cmocka_unit_test(a_failing_sink_stops_the_stream),
		cmocka_unit_test(a_held_first_chunk_is_rewritten_and_sealed_in_place),
	};
	return cmocka_run_group_tests(tests, keys_setup, keys_teardown);
}
