/* test_budget.c - attempt budgets in memory (web/budget.h), as the
 * source face's codenames and the forum's logins, posts, likes and
 * reports use them: a key's attempts cannot be overdrawn, even by many
 * threads at once; other keys keep their own; a key's count ends with
 * its life; new keys a minute and the table's size are bounded, and a
 * full table refuses rather than forgets; a refund gives one back. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "web/budget.h"

static void key_of(uint8_t key[SZ_BUDGET_KEY], int n)
{
	memset(key, 0, SZ_BUDGET_KEY);
	memcpy(key, &n, sizeof(n));
}

static void budgets_cannot_be_overdrawn(void **state)
{
	(void)state;
	struct sz_budget b;
	uint8_t ben[SZ_BUDGET_KEY], anna[SZ_BUDGET_KEY];
	key_of(ben, 1);
	key_of(anna, 2);
	assert_int_equal(sz_budget_init(&b, 8, 0, 3, 60, NULL), SZ_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(sz_budget_charge(&b, ben, 1000), SZ_CHARGE_OK);
	assert_int_equal(sz_budget_charge(&b, ben, 1000), SZ_CHARGE_SPENT);
	assert_int_equal(sz_budget_charge(&b, ben, 1059), SZ_CHARGE_SPENT);
	/* another key: its own */
	assert_int_equal(sz_budget_charge(&b, anna, 1000), SZ_CHARGE_OK);
	/* a refund gives one back */
	sz_budget_refund(&b, ben);
	assert_int_equal(sz_budget_charge(&b, ben, 1000), SZ_CHARGE_OK);
	assert_int_equal(sz_budget_charge(&b, ben, 1000), SZ_CHARGE_SPENT);
	/* a limit of the caller's (a trust level's) */
	assert_int_equal(sz_budget_charge_upto(&b, anna, 1000, 1),
		SZ_CHARGE_SPENT);
	assert_int_equal(sz_budget_charge_upto(&b, anna, 1000, 5), SZ_CHARGE_OK);
	/* its life over, the key starts again */
	assert_int_equal(sz_budget_charge(&b, ben, 1060), SZ_CHARGE_OK);
	sz_budget_free(&b);
}

static void a_full_table_refuses_new_keys(void **state)
{
	(void)state;
	struct sz_budget b;
	uint8_t k[SZ_BUDGET_KEY];
	assert_int_equal(sz_budget_init(&b, 4, 0, 2, 60, NULL), SZ_OK);
	for (int i = 0; i < 4; i++) {
		key_of(k, i);
		assert_int_equal(sz_budget_charge(&b, k, 100), SZ_CHARGE_OK);
	}
	key_of(k, 99);
	assert_int_equal(sz_budget_charge(&b, k, 100), SZ_CHARGE_BUSY);
	/* the keys held are not forgotten to make room */
	key_of(k, 0);
	assert_int_equal(sz_budget_charge(&b, k, 100), SZ_CHARGE_OK);
	assert_int_equal(sz_budget_charge(&b, k, 100), SZ_CHARGE_SPENT);
	/* once their life ends, there is room */
	key_of(k, 99);
	assert_int_equal(sz_budget_charge(&b, k, 160), SZ_CHARGE_OK);
	sz_budget_free(&b);
}

static void new_keys_a_minute_are_bounded(void **state)
{
	(void)state;
	struct sz_budget b;
	uint8_t k[SZ_BUDGET_KEY];
	assert_int_equal(sz_budget_init(&b, 100, 3, 5, 3600, NULL), SZ_OK);
	for (int i = 0; i < 3; i++) {
		key_of(k, i);
		assert_int_equal(sz_budget_charge(&b, k, 500), SZ_CHARGE_OK);
	}
	key_of(k, 3);
	assert_int_equal(sz_budget_charge(&b, k, 530), SZ_CHARGE_BUSY);
	/* a key already started goes on */
	key_of(k, 0);
	assert_int_equal(sz_budget_charge(&b, k, 530), SZ_CHARGE_OK);
	/* the next minute, new keys again */
	key_of(k, 3);
	assert_int_equal(sz_budget_charge(&b, k, 561), SZ_CHARGE_OK);
	sz_budget_free(&b);
}

#define THREADS 8
#define TRIES 200
#define LIMIT 300

struct racer {
	struct sz_budget *b;
	int ok;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	uint8_t k[SZ_BUDGET_KEY];
	key_of(k, 7);
	for (int i = 0; i < TRIES; i++)
		r->ok += sz_budget_charge(r->b, k, 10) == SZ_CHARGE_OK;
	return NULL;
}

static void threads_at_once_cannot_overdraw(void **state)
{
	(void)state;
	struct sz_budget b;
	struct racer r[THREADS];
	pthread_t t[THREADS];
	assert_int_equal(sz_budget_init(&b, 16, 0, LIMIT, 60, NULL), SZ_OK);
	for (int i = 0; i < THREADS; i++) {
		r[i].b = &b;
		r[i].ok = 0;
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	int ok = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		ok += r[i].ok;
	}
	assert_int_equal(ok, LIMIT);
	sz_budget_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(budgets_cannot_be_overdrawn),
		cmocka_unit_test(a_full_table_refuses_new_keys),
		cmocka_unit_test(new_keys_a_minute_are_bounded),
		cmocka_unit_test(threads_at_once_cannot_overdraw),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
