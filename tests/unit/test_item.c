/*
 * test_item.c - an inbox item's name and size: what a source's file name
 * becomes (nothing that could climb out of a directory, hide itself, pass
 * for an option or mislead the eye), and how much a size is padded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/tar.h"
#include "store/item.h"

static void expect_name(const char *in, const char *want)
{
	char out[SZ_ITEM_NAME_MAX + 1];
	sz_item_sanitize_name(in, strlen(in), out);
	assert_string_equal(out, want);
}

static void names_cannot_climb_out_or_hide(void **state)
{
	(void)state;
	expect_name("report.pdf", "report.pdf");
	expect_name("../../etc/passwd", "passwd");
	expect_name("C:\\Users\\anna\\Desktop\\budget.xlsx", "budget.xlsx");
	expect_name("..", "file");
	expect_name(".", "file");
	expect_name("", "file");
	expect_name("dir/", "file");
	expect_name(".bashrc", "_.bashrc");
	expect_name("-rf", "_-rf");
	expect_name("  memo.txt. ", "memo.txt");
	expect_name("esc\033[31mred.txt", "esc_[31mred.txt");
	expect_name("line\nbreak", "line_break");
	expect_name("invoice\xe2\x80\xae" "fdp.exe", "invoicefdp.exe");   /* RLO */
	expect_name("zero\xe2\x80\x8bwidth", "zerowidth");
	expect_name("bad\xff\xfeutf8", "bad__utf8");
	expect_name("caf\xc3\xa9 \xe2\x80\x94 r\xc3\xa9sum\xc3\xa9.odt",
		"caf\xc3\xa9 \xe2\x80\x94 r\xc3\xa9sum\xc3\xa9.odt");
}

static void long_names_are_cut_at_a_character_keeping_the_extension(
	void **state)
{
	(void)state;
	char in[2000], out[SZ_ITEM_NAME_MAX + 1];
	size_t o = 0;
	for (int i = 0; i < 400; i++) {   /* 800 bytes of "é" */
		in[o++] = (char)0xc3;
		in[o++] = (char)0xa9;
	}
	memcpy(in + o, ".pdf", 5);
	sz_item_sanitize_name(in, strlen(in), out);
	size_t n = strlen(out);
	assert_true(n <= SZ_ITEM_NAME_MAX && n >= SZ_ITEM_NAME_MAX - 2);
	assert_string_equal(out + n - 4, ".pdf");
	assert_int_equal((unsigned char)out[n - 5], 0xa9);  /* whole é */
}

static void padded_sizes_are_padme_in_whole_blocks(void **state)
{
	(void)state;
	uint64_t prev = 0;
	for (uint64_t len = SZ_TAR_BLOCK; len < (UINT64_C(1) << 34);
	     len = len * 3 / 2 + 7) {
		uint64_t p = sz_item_padded_size(len);
		assert_true(p >= len);
		assert_int_equal(p % SZ_TAR_BLOCK, 0);
		assert_true(p - len <= len / 8 + SZ_TAR_BLOCK);   /* Padmé: 12% */
		assert_true(p >= prev);
		prev = p;
	}
	/* Nearby sizes share a padded size: 2600 and 2650 byte messages. */
	assert_int_equal(sz_item_padded_size(512 + 3072 + 1024),
		sz_item_padded_size(512 + 3072 + 1024));
	assert_int_equal(sz_item_padded_size(100000),
		sz_item_padded_size(100200));
}

static void the_bound_covers_any_split_of_a_submission(void **state)
{
	(void)state;
	/* What one item of n bytes takes is within the bound of n. */
	for (uint64_t n = 0; n < (UINT64_C(1) << 32); n = n * 2 + 1000) {
		uint64_t tar = sz_tar_header_size("x") + n + sz_tar_padding(n) +
			SZ_TAR_END;
		uint64_t p = sz_item_padded_size(tar);
		uint64_t ct = 70 + 98 + 16 + p + 16 * ((p + 65535) / 65536);
		assert_true(ct <= sz_item_ciphertext_bound(n, 1));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_cannot_climb_out_or_hide),
		cmocka_unit_test(long_names_are_cut_at_a_character_keeping_the_extension),
		cmocka_unit_test(padded_sizes_are_padme_in_whole_blocks),
		cmocka_unit_test(the_bound_covers_any_split_of_a_submission),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
