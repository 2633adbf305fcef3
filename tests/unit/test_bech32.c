/* test_bech32.c - Bech32 as BIP 173 defines it, and age's key strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "crypto/age_keys.h"
#include "crypto/bech32.h"

static void bip173_valid_strings_decode(void **state)
{
	(void)state;
	static const char *valid[] = {
		"A12UEL5L", "a12uel5l",
		"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
		"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
		("an83characterlonghumanreadablepartthatcontainsthenumber1"
		 "andtheexcludedcharactersbio1tt5tgs"),
	};
	for (size_t i = 0; i < sizeof(valid) / sizeof(*valid); i++) {
		char hrp[128];
		uint8_t data[128];
		size_t len;
		assert_int_equal(sz_bech32_decode(valid[i], hrp, sizeof(hrp),
			data, &len, sizeof(data)), 0);
	}
}

static void corrupted_or_mixed_case_strings_are_refused(void **state)
{
	(void)state;
	static const char *invalid[] = {
		"A12UEL5l",        /* mixed case */
		"a12uel5m",        /* checksum */
		"1nwldj5",         /* empty HRP */
		"a1b2c3d4",        /* invalid data characters */
		"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxx",
		"x1",              /* too short */
	};
	for (size_t i = 0; i < sizeof(invalid) / sizeof(*invalid); i++) {
		char hrp[128];
		uint8_t data[128];
		size_t len;
		assert_int_not_equal(sz_bech32_decode(invalid[i], hrp,
			sizeof(hrp), data, &len, sizeof(data)), 0);
	}
}

static void encode_decode_round_trip_in_both_cases(void **state)
{
	(void)state;
	uint8_t in[32], out[64];
	char s[128], hrp[64];
	size_t len;
	randombytes_buf(in, sizeof(in));
	for (int upper = 0; upper < 2; upper++) {
		assert_int_equal(sz_bech32_encode("age", in, sizeof(in), upper,
			s, sizeof(s)), 0);
		assert_int_equal(sz_bech32_decode(s, hrp, sizeof(hrp), out,
			&len, sizeof(out)), 0);
		assert_string_equal(hrp, "age");
		assert_int_equal(len, 32);
		assert_memory_equal(in, out, 32);
	}
	/* Too small an output buffer is an error, never an overflow. */
	assert_int_not_equal(sz_bech32_encode("age", in, sizeof(in), 0, s, 20),
		0);
}

static void identity_text_round_trips_to_the_same_recipient(void **state)
{
	(void)state;
	struct sz_age_identity *id, *again;
	struct sz_age_recipient *r1, *r2;
	char sk[SZ_AGE_IDENTITY_STR_SIZE], a[SZ_AGE_RECIPIENT_STR_SIZE],
		b[SZ_AGE_RECIPIENT_STR_SIZE];
	assert_int_equal(sz_age_identity_generate(&id, NULL), 0);
	assert_int_equal(sz_age_identity_format(id, sk), 0);
	assert_int_equal(strncmp(sk, "AGE-SECRET-KEY-1", 16), 0);
	assert_int_equal(strlen(sk), 74);
	assert_int_equal(sz_age_identity_parse(sk, &again, NULL), 0);
	assert_int_equal(sz_age_identity_recipient(id, &r1, NULL), 0);
	assert_int_equal(sz_age_identity_recipient(again, &r2, NULL), 0);
	sz_age_recipient_format(r1, a);
	sz_age_recipient_format(r2, b);
	assert_string_equal(a, b);
	assert_int_equal(strncmp(a, "age1", 4), 0);
	assert_int_equal(strlen(a), 62);
	/* A recipient is not an identity, and the reverse. */
	struct sz_age_identity *bad_id;
	struct sz_age_recipient *bad_r;
	assert_int_not_equal(sz_age_identity_parse(a, &bad_id, NULL), 0);
	assert_int_not_equal(sz_age_recipient_parse(sk, &bad_r, NULL), 0);
	sodium_memzero(sk, sizeof(sk));
	sz_age_recipient_free(r1);
	sz_age_recipient_free(r2);
	sz_age_identity_free(id);
	sz_age_identity_free(again);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bip173_valid_strings_decode),
		cmocka_unit_test(corrupted_or_mixed_case_strings_are_refused),
		cmocka_unit_test(encode_decode_round_trip_in_both_cases),
		cmocka_unit_test(identity_text_round_trips_to_the_same_recipient),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
