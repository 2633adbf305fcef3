/* test_near_words.c - "did you mean" weighed without an engine
 * (store/near_words.h): over a vocabulary held here, a typo one edit away
 * or two letters swapped finds the word, the most used of equally near
 * words comes first, a word the index holds is no misspelling, and the
 * ranges a back end is asked to read are the typed word's first two
 * letters, swapped, then its first letter only when nothing is near. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "store/near_words.h"

static const struct {
	const char *word;
	int64_t docs;
} vocabulary[] = {   /* sorted, as an index reads them */
	{ "breach", 3 }, { "bribe", 9 }, { "bridge", 40 }, { "bridges", 5 },
	{ "brigde", 1 }, { "contract", 12 }, { "rbidge", 2 },
};
#define NVOCAB (sizeof(vocabulary) / sizeof(vocabulary[0]))

struct reads {
	char ranges[4][16];
	size_t n;
};

static int holds(void *ctx, const char *word, bool *known,
	struct sz_err *err)
{
	(void)ctx, (void)err;
	for (size_t i = 0; i < NVOCAB; i++)
		if (strcmp(vocabulary[i].word, word) == 0)
			*known = true;
	return 0;
}

static int scan(void *ctx, struct sz_near *nr, const char *lo,
	const char *hi, size_t len, struct sz_err *err)
{
	(void)err;
	struct reads *r = ctx;
	if (r->n < 4)
		snprintf(r->ranges[r->n++], 16, "%.*s", (int)len, lo);
	for (size_t i = 0; i < NVOCAB; i++) {
		const char *w = vocabulary[i].word;
		if (strncmp(w, lo, len) >= 0 && strncmp(w, hi, len) < 0)
			sz_near_consider(nr, w, strlen(w), vocabulary[i].docs);
	}
	return 0;
}

static size_t near(const char *typed, struct sz_near_word *out,
	struct reads *r, bool *known)
{
	struct sz_near_source src = { holds, scan, r };
	size_t n = 0;
	memset(r, 0, sizeof(*r));
	assert_int_equal(sz_near_words(typed, &src, out, 3, &n, known, NULL),
		0);
	return n;
}

static void a_typo_finds_the_word_most_used_first(void **state)
{
	(void)state;
	struct sz_near_word out[3];
	struct reads r;
	bool known;
	/* one letter missing: bridge (40 documents) before brigde (1) */
	assert_int_equal(near("bridg", out, &r, &known), 3);
	assert_false(known);
	assert_string_equal(out[0].word, "bridge");
	assert_int_equal(out[0].distance, 1);
	assert_int_equal(out[0].docs, 40);
	/* two letters swapped count one edit */
	assert_true(near("brdige", out, &r, &known) >= 1);
	assert_string_equal(out[0].word, "bridge");
	assert_int_equal(out[0].distance, 1);
}

static void a_word_the_index_holds_is_no_misspelling(void **state)
{
	(void)state;
	struct sz_near_word out[3];
	struct reads r;
	bool known;
	assert_int_equal(near("bribe", out, &r, &known), 0);
	assert_true(known);
	assert_int_equal(r.n, 0);
}

static void the_ranges_read_stay_bounded(void **state)
{
	(void)state;
	struct sz_near_word out[3];
	struct reads r;
	bool known;
	/* a word one edit away in "br": "rb" read too, not "b" alone */
	near("bridgr", out, &r, &known);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.ranges[0], "br");
	assert_string_equal(r.ranges[1], "rb");
	/* nothing near in "ca" or "ac": then "c" */
	near("cantract", out, &r, &known);
	assert_int_equal(r.n, 3);
	assert_string_equal(r.ranges[2], "c");
	assert_string_equal(out[0].word, "contract");
	/* misspelt in its first letter: not found, by design */
	assert_int_equal(near("vridge", out, &r, &known), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_typo_finds_the_word_most_used_first),
		cmocka_unit_test(a_word_the_index_holds_is_no_misspelling),
		cmocka_unit_test(the_ranges_read_stay_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
