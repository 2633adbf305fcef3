/* test_designation.c - a source's designation: the same two words for the
 * same source as before designations were indexed, and what an editor
 * types into the inbox's search box read as they mean it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/codename.h"

static int parse(const char *in, uint32_t *lo, uint32_t *hi, char *canon)
{
	return sz_designation_parse(in, strlen(in), lo, hi, canon,
		SZ_DESIGNATION_INPUT_MAX + 1);
}

static void a_source_keeps_its_designation(void **state)
{
	(void)state;
	/* words 0x1234 % 7776 and 0x5678 % 7776 of the EFF list, as
	 * sz_designation has always derived them */
	const uint8_t uid[16] = { 0x12, 0x34, 0x56, 0x78 };
	char d[64];
	sz_designation(uid, d, sizeof(d));
	assert_string_equal(d, "player-sushi");
	assert_int_equal(sz_designation_key(uid), 4660u * 7776u + 6584u);
	sz_designation_name(sz_designation_key(uid), d, sizeof(d));
	assert_string_equal(d, "player-sushi");
}

static void typed_designations_are_found_however_written(void **state)
{
	(void)state;
	uint32_t lo, hi, lo2, hi2;
	char canon[SZ_DESIGNATION_INPUT_MAX + 1];
	assert_int_equal(parse("player-sushi", &lo, &hi, canon), 0);
	assert_int_equal(lo, 4660u * 7776u + 6584u);
	assert_int_equal(hi, lo);
	assert_string_equal(canon, "player-sushi");
	assert_int_equal(parse("  Player   SUSHI\n", &lo2, &hi2, canon), 0);
	assert_int_equal(lo2, lo);
	assert_string_equal(canon, "player-sushi");
	/* words with hyphens of their own split where both halves are words */
	assert_int_equal(parse("t-shirt-yo-yo", &lo, &hi, canon), 0);
	assert_int_equal(lo, 6639u * 7776u + 7747u);
	assert_string_equal(canon, "t-shirt-yo-yo");
}

static void a_first_word_alone_finds_every_designation_it_begins(void **state)
{
	(void)state;
	uint32_t lo, hi;
	char canon[SZ_DESIGNATION_INPUT_MAX + 1];
	assert_int_equal(parse("abacus", &lo, &hi, canon), 0);
	assert_int_equal(lo, 0);
	assert_int_equal(hi, 7775);
	assert_int_equal(parse("t-shirt", &lo, &hi, canon), 0);
	assert_int_equal(lo, 6639u * 7776u);
	assert_int_equal(hi, 6639u * 7776u + 7775u);
	assert_int_equal(parse("zoom", &lo, &hi, canon), 0);
	assert_int_equal(hi, 7776u * 7776u - 1);
}

static void what_is_not_a_designation_is_refused(void **state)
{
	(void)state;
	uint32_t lo, hi;
	char canon[SZ_DESIGNATION_INPUT_MAX + 1];
	static const char *bad[] = {
		"", "   ", "abacus-", "-abacus", "abacus--zebra", "abacus zoom zoom",
		"abacusx", "abacus-zebrax", "<script>", "abacus_zoom", "abacüs",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		snprintf(canon, sizeof(canon), "x");
		assert_int_not_equal(parse(bad[i], &lo, &hi, canon), 0);
		assert_string_equal(canon, "");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_source_keeps_its_designation),
		cmocka_unit_test(typed_designations_are_found_however_written),
		cmocka_unit_test(a_first_word_alone_finds_every_designation_it_begins),
		cmocka_unit_test(what_is_not_a_designation_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
