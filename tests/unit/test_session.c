/* test_session.c - sessions expire when idle, the table stays bounded
 * without pushing out logged-in users, and tokens are checked exactly;
 * the session key is read only from a private file on tmpfs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include "http/session.h"
#include "http/session_key.h"

static time_t fake_now;

static time_t fake_clock(void)
{
	return fake_now;
}

static void setup_table(struct sz_sessions *t, size_t cap)
{
	assert_int_equal(sz_sessions_init(t, cap, 60, NULL), 0);
	t->now = fake_clock;
	fake_now = 1000;
}

static void an_idle_session_expires(void **state)
{
	(void)state;
	struct sz_sessions t;
	struct sz_session s, got;
	char cookie[SZ_SESSION_TOKEN_LEN + 1];
	setup_table(&t, 4);
	assert_int_equal(sz_session_new(&t, &s, NULL), 0);
	sz_session_cookie(&s, cookie);
	fake_now += 59;
	assert_true(sz_session_get(&t, cookie, &got));  /* refreshed */
	fake_now += 59;
	assert_true(sz_session_get(&t, cookie, &got));
	fake_now += 61;
	assert_false(sz_session_get(&t, cookie, &got));
	assert_false(sz_session_get(&t, "not a cookie", &got));
	sz_sessions_free(&t);
}

static void a_full_table_evicts_anonymous_sessions_only(void **state)
{
	(void)state;
	struct sz_sessions t;
	struct sz_session s[4], extra, got;
	char cookie[SZ_SESSION_TOKEN_LEN + 1];
	setup_table(&t, 3);
	for (int i = 0; i < 3; i++) {
		fake_now++;
		assert_int_equal(sz_session_new(&t, &s[i], NULL), 0);
		s[i].user_id = 7;  /* logged in */
		assert_true(sz_session_put(&t, &s[i]));
	}
	/* All logged in and fresh: no room, and nobody is pushed out. */
	assert_int_not_equal(sz_session_new(&t, &extra, NULL), 0);
	for (int i = 0; i < 3; i++) {
		sz_session_cookie(&s[i], cookie);
		assert_true(sz_session_get(&t, cookie, &got));
	}
	s[1].user_id = 0;  /* one logs out to anonymous */
	assert_true(sz_session_put(&t, &s[1]));
	assert_int_equal(sz_session_new(&t, &extra, NULL), 0);
	sz_session_cookie(&s[1], cookie);
	assert_false(sz_session_get(&t, cookie, &got));
	sz_session_cookie(&s[0], cookie);
	assert_true(sz_session_get(&t, cookie, &got));
	sz_sessions_free(&t);
}

/* The source face's table holds logged-in sources only: a flood of logins
 * pushes out whoever has been idle longest, never refuses the newcomer. */
static void a_full_table_of_logins_evicts_the_idlest(void **state)
{
	(void)state;
	struct sz_sessions t;
	struct sz_session s[3], extra, got;
	char cookie[SZ_SESSION_TOKEN_LEN + 1];
	setup_table(&t, 3);
	t.evict_logged_in = true;
	for (int i = 0; i < 3; i++) {
		fake_now++;
		assert_int_equal(sz_session_new(&t, &s[i], NULL), 0);
		s[i].user_id = 7 + i;
		s[i].has_secret = true;
		memset(s[i].secret, 0xa5, sizeof(s[i].secret));
		assert_true(sz_session_put(&t, &s[i]));
	}
	fake_now++;
	sz_session_cookie(&s[0], cookie);
	assert_true(sz_session_get(&t, cookie, &got));  /* s[0] is active */
	fake_now++;
	assert_int_equal(sz_session_new(&t, &extra, NULL), 0);
	sz_session_cookie(&s[1], cookie);
	assert_false(sz_session_get(&t, cookie, &got));  /* idlest: gone */
	sz_session_cookie(&s[0], cookie);
	assert_true(sz_session_get(&t, cookie, &got));
	sz_session_cookie(&s[2], cookie);
	assert_true(sz_session_get(&t, cookie, &got));
	sz_sessions_free(&t);
}

/* Session-table exhaustion: one member logging in again and again ends
 * their own idlest session, never another member's. */
static void session_flood_by_one_member_ends_only_their_own(void **state)
{
	(void)state;
	struct sz_sessions t;
	struct sz_session bob, a[6], got;
	char cookie[SZ_SESSION_TOKEN_LEN + 1];
	setup_table(&t, 8);
	t.evict_logged_in = true;
	t.per_user_max = 3;
	assert_int_equal(sz_session_new(&t, &bob, NULL), 0);
	bob.user_id = 2;
	assert_true(sz_session_put(&t, &bob));
	for (int i = 0; i < 6; i++) {
		fake_now++;
		assert_int_equal(sz_session_new(&t, &a[i], NULL), 0);
		a[i].user_id = 1;
		assert_true(sz_session_put(&t, &a[i]));
	}
	for (int i = 0; i < 6; i++) {
		sz_session_cookie(&a[i], cookie);
		assert_int_equal(sz_session_get(&t, cookie, &got), i >= 3);
	}
	sz_session_cookie(&bob, cookie);
	assert_true(sz_session_get(&t, cookie, &got));  /* idlest, yet kept */
	/* a renewed login counts the same way: a[3] is now the idlest */
	for (int i = 3; i <= 5; i++) {
		fake_now++;
		sz_session_cookie(&a[i], cookie);
		assert_true(sz_session_get(&t, cookie, &got));
	}
	fake_now++;
	sz_session_cookie(&a[5], cookie);
	assert_true(sz_session_get(&t, cookie, &got));
	fake_now++;
	struct sz_session r;
	assert_int_equal(sz_session_new(&t, &r, NULL), 0);
	r.user_id = 1;
	assert_true(sz_session_renew(&t, &r));
	sz_session_cookie(&a[3], cookie);
	assert_false(sz_session_get(&t, cookie, &got));
	sz_session_cookie(&a[4], cookie);
	assert_true(sz_session_get(&t, cookie, &got));
	sz_session_cookie(&r, cookie);
	assert_true(sz_session_get(&t, cookie, &got));
	sz_sessions_free(&t);
}

/* An expired session's secret key is wiped on the next use of the table,
 * not whenever its slot happens to be reused. */
static void an_expired_session_is_wiped_promptly(void **state)
{
	(void)state;
	struct sz_sessions t;
	struct sz_session s, other;
	char cookie[SZ_SESSION_TOKEN_LEN + 1];
	static const uint8_t zero[32];
	setup_table(&t, 4);
	assert_int_equal(sz_session_new(&t, &s, NULL), 0);
	s.user_id = 3;
	s.has_secret = true;
	memset(s.secret, 0x5a, sizeof(s.secret));
	assert_true(sz_session_put(&t, &s));
	assert_int_equal(sz_session_new(&t, &other, NULL), 0);
	fake_now += 61;
	sz_session_cookie(&other, cookie);
	assert_false(sz_session_get(&t, cookie, &other));  /* any use */
	for (size_t i = 0; i < t.cap; i++)
		assert_memory_equal(t.v[i].secret, zero, sizeof(zero));
	sz_sessions_free(&t);
}

static void tokens_must_match_exactly(void **state)
{
	(void)state;
	struct sz_sessions t;
	struct sz_session s;
	setup_table(&t, 2);
	assert_int_equal(sz_session_new(&t, &s, NULL), 0);
	assert_true(sz_session_csrf_ok(&s, s.csrf));
	char wrong[SZ_SESSION_TOKEN_LEN + 1];
	memcpy(wrong, s.csrf, sizeof(wrong));
	wrong[5] = wrong[5] == 'A' ? 'B' : 'A';
	assert_false(sz_session_csrf_ok(&s, wrong));
	assert_false(sz_session_csrf_ok(&s, ""));
	assert_false(sz_session_csrf_ok(&s, NULL));
	/* A renewed session has a new id; the old cookie is worthless. */
	char before[SZ_SESSION_TOKEN_LEN + 1], after[SZ_SESSION_TOKEN_LEN + 1];
	struct sz_session got;
	sz_session_cookie(&s, before);
	assert_true(sz_session_renew(&t, &s));
	sz_session_cookie(&s, after);
	assert_string_not_equal(before, after);
	assert_false(sz_session_get(&t, before, &got));
	assert_true(sz_session_get(&t, after, &got));
	sz_sessions_free(&t);
}

/* Writes n bytes of data to path with mode; the key's load result. */
static int load_key(const char *path, const void *data, size_t n,
	mode_t mode, uint8_t **key)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
	struct sz_err err;
	int rc = sz_session_key_load(path, key, &err);
	unlink(path);
	return rc;
}

static void session_key_is_read_only_from_a_private_file_on_tmpfs(
	void **state)
{
	(void)state;
	char dir[] = "/dev/shm/sz-key-test-XXXXXX", path[64];
	struct statfs fs;
	uint8_t *key = NULL, raw[32];
	if (mkdtemp(dir) == NULL) {
		print_message("# no /dev/shm: left out\n");
		return;
	}
	if (statfs(dir, &fs) != 0 || fs.f_type != TMPFS_MAGIC) {
		print_message("# /dev/shm is not tmpfs: left out\n");
		rmdir(dir);
		return;
	}
	snprintf(path, sizeof(path), "%s/key", dir);
	randombytes_buf(raw, sizeof(raw));
	assert_int_equal(load_key(path, raw, 32, 0600, &key), SZ_OK);
	assert_memory_equal(key, raw, 32);
	sz_session_key_free(key);
	char hex[66];
	sodium_bin2hex(hex, sizeof(hex), raw, 32);
	hex[64] = '\n';
	assert_int_equal(load_key(path, hex, 65, 0600, &key), SZ_OK);
	assert_memory_equal(key, raw, 32);
	sz_session_key_free(key);
	/* readable by others, too short, too long, not hex: refused */
	assert_int_equal(load_key(path, raw, 32, 0644, &key), SZ_E_INVAL);
	assert_null(key);
	assert_int_equal(load_key(path, raw, 31, 0600, &key), SZ_E_INVAL);
	assert_int_equal(load_key(path, hex, 66, 0600, &key), SZ_E_INVAL);
	hex[3] = 'z';
	assert_int_equal(load_key(path, hex, 64, 0600, &key), SZ_E_INVAL);
	rmdir(dir);
	/* a file on a disk is refused: the key must never reach one */
	char disk[] = "sz-key-disk-XXXXXX";
	assert_non_null(mkdtemp(disk));
	if (statfs(disk, &fs) == 0 && fs.f_type != TMPFS_MAGIC &&
	    fs.f_type != RAMFS_MAGIC) {
		snprintf(path, sizeof(path), "%s/key", disk);
		assert_int_equal(load_key(path, raw, 32, 0600, &key),
			SZ_E_INVAL);
		assert_null(key);
	}
	rmdir(disk);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_idle_session_expires),
		cmocka_unit_test(a_full_table_evicts_anonymous_sessions_only),
		cmocka_unit_test(a_full_table_of_logins_evicts_the_idlest),
		cmocka_unit_test(session_flood_by_one_member_ends_only_their_own),
		cmocka_unit_test(an_expired_session_is_wiped_promptly),
		cmocka_unit_test(tokens_must_match_exactly),
		cmocka_unit_test(
			session_key_is_read_only_from_a_private_file_on_tmpfs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
