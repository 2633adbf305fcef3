/* test_armor.c - the age ASCII armor, both directions, and its strictness. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/buf.h"
#include "crypto/armor.h"

static int buf_sink(void *ctx, const uint8_t *d, size_t n)
{
	return sz_buf_append(ctx, d, n);
}

static int decode(const char *text, size_t piece, struct sz_buf *out)
{
	struct sz_armor_dec *d;
	struct sz_err err;
	size_t len = strlen(text);
	sz_buf_init(out, 1 << 20);
	int rc = sz_armor_dec_new(&d, buf_sink, out, &err);
	for (size_t off = 0; rc == 0 && off < len; off += piece)
		rc = sz_armor_dec_update(d, (const uint8_t *)text + off,
			len - off < piece ? len - off : piece, &err);
	if (rc == 0)
		rc = sz_armor_dec_finish(d, &err);
	sz_armor_dec_free(d);
	return rc;
}

static void every_length_round_trips_with_64_column_lines(void **state)
{
	(void)state;
	uint8_t in[300];
	randombytes_buf(in, sizeof(in));
	for (size_t n = 0; n <= sizeof(in); n++) {
		struct sz_armor_enc a;
		struct sz_buf text, back;
		sz_buf_init(&text, 1 << 20);
		sz_armor_enc_init(&a, buf_sink, &text);
		assert_int_equal(sz_armor_enc_write(&a, in, n / 2), 0);
		assert_int_equal(sz_armor_enc_write(&a, in + n / 2, n - n / 2), 0);
		assert_int_equal(sz_armor_enc_finish(&a), 0);
		/* Every line but the markers and the last data line is full. */
		char *s = (char *)text.data, *line = strchr(s, '\n') + 1;
		while (strncmp(line, "-----END", 8) != 0) {
			char *nl = strchr(line, '\n');
			char *next = nl + 1;
			if (strncmp(next, "-----END", 8) != 0)
				assert_int_equal(nl - line, 64);
			line = next;
		}
		assert_int_equal(decode(s, 1 + n % 7, &back), 0);
		assert_int_equal(back.len, n);
		if (n)
			assert_memory_equal(back.data, in, n);
		sz_buf_free(&text);
		sz_buf_free(&back);
	}
}

static void crlf_and_surrounding_whitespace_are_accepted(void **state)
{
	(void)state;
	struct sz_buf out;
	assert_int_equal(decode("\n  \t-----BEGIN AGE ENCRYPTED FILE-----\r\n"
		"aGVsbG8=\r\n-----END AGE ENCRYPTED FILE-----\r\n \n", 3, &out), 0);
	assert_int_equal(out.len, 5);
	assert_memory_equal(out.data, "hello", 5);
	sz_buf_free(&out);
	assert_int_equal(decode("-----BEGIN AGE ENCRYPTED FILE-----\n"
		"aGVsbG8=\n-----END AGE ENCRYPTED FILE-----", 100, &out), 0);
	sz_buf_free(&out);
}

static void malformed_armor_is_refused(void **state)
{
	(void)state;
	static const char *bad[] = {
		"garbage\n-----BEGIN AGE ENCRYPTED FILE-----\naGVsbG8=\n"
		"-----END AGE ENCRYPTED FILE-----\n",
		"-----BEGIN AGE ENCRYPTED FILE-----\naGVsbG8\n"
		"-----END AGE ENCRYPTED FILE-----\n",          /* no padding */
		"-----BEGIN AGE ENCRYPTED FILE-----\naGVsbG9=\n"
		"-----END AGE ENCRYPTED FILE-----\n",          /* not canonical */
		"-----BEGIN AGE ENCRYPTED FILE-----\naGVs\naGVs\n"
		"-----END AGE ENCRYPTED FILE-----\n",          /* short line */
		"-----BEGIN AGE ENCRYPTED FILE-----\n\naGVsbG8=\n"
		"-----END AGE ENCRYPTED FILE-----\n",          /* empty line */
		"-----BEGIN AGE ENCRYPTED FILE-----\naGVsbG8= \n"
		"-----END AGE ENCRYPTED FILE-----\n",          /* trailing space */
		"-----BEGIN AGE ENCRYPTED FILE-----\naGVsbG8=\n",  /* no END */
		"-----BEGIN AGE ENCRYPTED FILE-----\naGVsbG8=\n"
		"-----END AGE ENCRYPTED FILE-----\nmore\n",   /* trailing data */
		"-----BEGIN PGP MESSAGE-----\naGVsbG8=\n"
		"-----END PGP MESSAGE-----\n",
		"-----BEGIN AGE ENCRYPTED FILE-----\n"
		"YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFh\n"
		"-----END AGE ENCRYPTED FILE-----\n",          /* long line */
		"-----BEGIN AGE ENCRYPTED FILE-----\naGVs\xc0\x9c\xcc\xac\n"
		"-----END AGE ENCRYPTED FILE-----\n",          /* non-ASCII */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct sz_buf out;
		assert_int_equal(decode(bad[i], 5, &out), SZ_E_ARMOR);
		sz_buf_free(&out);
	}
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_length_round_trips_with_64_column_lines),
		cmocka_unit_test(crlf_and_surrounding_whitespace_are_accepted),
		cmocka_unit_test(malformed_armor_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
