/* test_inbox_store.c - the inbox operations of the storage interface, as
 * any back end must honour them, run on every back end in `backends`
 * (SQLite, and PostgreSQL on tests/pg/'s throw-away cluster when
 * SAMIZDAT_TEST_PG names one; its cases are left out, saying why, when it
 * does not): pages by key
 * show every source once in both directions, ties on a day broken by id
 * (random, as the committer gives them);
 * views and designations narrow them; counts follow every change (a new
 * submission, reading, starring, deleting, retention); a source is found
 * by id. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "pg_fixture.h"
#include "store/store.h"

#define SOURCES 23
#define PAGE 5

struct fixture {
	char dir[64];
	struct sz_store *st;
	int64_t ids[SOURCES];
};

/* A source as the committer stores one (with a random id), with a
 * submission of that many items, today. */
static int64_t add_source(struct sz_store *st, size_t items)
{
	struct sz_new_source src;
	struct sz_batch_submission sub;
	struct sz_batch_item rows[4];
	uint8_t b[8];
	uint64_t v;
	memset(&src, 0, sizeof(src));
	memset(&sub, 0, sizeof(sub));
	memset(rows, 0, sizeof(rows));
	randombytes_buf(&v, sizeof(v));
	src.id = (int64_t)(v >> 11) + 1;
	randombytes_buf(src.uid, sizeof(src.uid));
	randombytes_buf(src.login_hash, sizeof(src.login_hash));
	randombytes_buf(src.public_key, sizeof(src.public_key));
	sz_store_today(src.day);
	sub.source_id = src.id;
	memcpy(sub.day, src.day, sizeof(sub.day));
	for (size_t i = 0; i < items; i++) {
		randombytes_buf(b, sizeof(b));
		sodium_bin2hex(rows[i].row.blob, sizeof(rows[i].row.blob), b,
			sizeof(b));
		rows[i].row.padded_size = 1024;
	}
	struct sz_batch batch = { &src, 1, &sub, items > 0 ? 1 : 0, rows,
		items };
	assert_int_equal(st->ops->batch_add(st, &batch, NULL), 0);
	return src.id;
}

static int by_id_desc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? 1 : x > y ? -1 : 0;
}

/* ---- back ends ---------------------------------------------------------- */

struct backend {
	const char *name;
	int (*open)(struct sz_store **s, const char *dir, struct sz_err *err);
	bool (*make)(const char *dir);     /* before the open, or NULL */
	void (*drop)(const char *dir);     /* after the close */
	bool (*absent)(void);              /* true: left out (main says why) */
};

static void sqlite_drop(const char *dir)
{
	char path[128];
	for (const char *const *x = (const char *const[]){ "inbox.db",
		     "inbox.db-wal", "inbox.db-shm", "inbox.db-journal", NULL };
	     *x; x++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *x);
		unlink(path);
	}
}

static int pg_open(struct sz_store **s, const char *dir, struct sz_err *err)
{
	char conninfo[1200];
	pg_fixture_conninfo(dir, conninfo, sizeof(conninfo));
	return sz_store_open_postgres(s, conninfo, err);
}

static bool pg_absent(void)
{
	return pg_fixture_cluster() == NULL;
}

static const struct backend backends[] = {
	{ "sqlite", sz_store_open_sqlite, NULL, sqlite_drop, NULL },
	{ "postgresql", pg_open, pg_fixture_create, pg_fixture_drop,
	  pg_absent },
};
#define NBACKENDS (sizeof(backends) / sizeof(backends[0]))

static const struct backend *current;

static int setup(void **state)
{
	current = *state;
	struct fixture *f = calloc(1, sizeof(*f));
	struct sz_err err;
	snprintf(f->dir, sizeof(f->dir), "/tmp/sz-inbox-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	if (current->make != NULL)
		assert_true(current->make(f->dir));
	if (current->open(&f->st, f->dir, &err) != 0)
		fail_msg("%s: %s", current->name, err.msg);
	/* all on one day (the store writes today): the id breaks the ties */
	for (size_t i = 0; i < SOURCES; i++)
		f->ids[i] = add_source(f->st, 1 + i % 3);
	add_source(f->st, 0);   /* has sent nothing: never listed */
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	f->st->ops->close(f->st);
	current->drop(f->dir);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void set_key(struct sz_inbox_query *q, const struct sz_source_row *r)
{
	q->key.id = r->id;
	memcpy(q->key.day, r->last_day, sizeof(q->key.day));
}

/* Walks a view from the first page older to the end, then newer back to
 * the first, checking the same pages come back; out gets the ids in
 * order (SOURCES at most); returns how many. */
static size_t walk(struct sz_store *st, struct sz_inbox_query q,
	int64_t *out, size_t *pages)
{
	struct sz_source_row rows[PAGE], seen[SOURCES];
	struct sz_inbox_page p = { .rows = rows, .limit = PAGE };
	size_t n = 0;
	*pages = 0;
	q.from = SZ_INBOX_FIRST;
	for (;;) {
		assert_int_equal(st->ops->inbox_page(st, &q, &p, NULL), 0);
		assert_true(p.n <= PAGE);
		assert_int_equal(p.newer, *pages > 0);
		for (size_t i = 0; i < p.n; i++) {
			assert_true(n < SOURCES);
			seen[n++] = rows[i];
		}
		(*pages)++;
		if (!p.older)
			break;
		q.from = SZ_INBOX_OLDER;
		set_key(&q, &rows[p.n - 1]);
	}
	/* back, from the first source of the last page */
	size_t end = n - p.n;
	q.from = SZ_INBOX_NEWER;
	if (n > 0)
		set_key(&q, &seen[end]);
	while (end > 0) {
		assert_int_equal(st->ops->inbox_page(st, &q, &p, NULL), 0);
		assert_int_equal(p.n, end < PAGE ? end : PAGE);
		for (size_t i = 0; i < p.n; i++)
			assert_int_equal(rows[i].id, seen[end - p.n + i].id);
		assert_true(p.older);
		assert_int_equal(p.newer, end > p.n);
		end -= p.n;
		set_key(&q, &rows[0]);
	}
	for (size_t i = 0; i < n; i++)
		out[i] = seen[i].id;
	return n;
}

static void pages_show_every_source_once_both_ways(void **state)
{
	struct fixture *f = *state;
	struct sz_inbox_query q = { .view = SZ_INBOX_ALL };
	int64_t ids[SOURCES];
	size_t pages;
	assert_int_equal(walk(f->st, q, ids, &pages), SOURCES);
	assert_int_equal(pages, (SOURCES + PAGE - 1) / PAGE);
	int64_t want[SOURCES];   /* all of a day: the higher (random) id first */
	memcpy(want, f->ids, sizeof(want));
	qsort(want, SOURCES, sizeof(*want), by_id_desc);
	for (size_t i = 0; i < SOURCES; i++)
		assert_int_equal(ids[i], want[i]);
}

static void views_and_counts_follow_every_change(void **state)
{
	struct fixture *f = *state;
	struct sz_store *st = f->st;
	struct sz_inbox_counts c;
	int64_t ids[SOURCES];
	size_t pages;
	assert_int_equal(st->ops->inbox_counts(st, NULL, &c, NULL), 0);
	assert_int_equal(c.sources, SOURCES);
	assert_int_equal(c.unread_sources, SOURCES);
	assert_int_equal(c.unread_items, (SOURCES / 3) * 6 + 1 + 2);
	assert_int_equal(c.starred_sources, 0);

	assert_int_equal(st->ops->source_seen(st, f->ids[0], NULL), 0);
	assert_int_equal(st->ops->source_star(st, f->ids[1], NULL), 0);
	assert_int_equal(st->ops->source_star(st, f->ids[2], NULL), 0);
	assert_int_equal(st->ops->inbox_counts(st, NULL, &c, NULL), 0);
	assert_int_equal(c.unread_sources, SOURCES - 1);
	assert_int_equal(c.unread_items, (SOURCES / 3) * 6 + 2);
	assert_int_equal(c.starred_sources, 2);
	struct sz_inbox_query q = { .view = SZ_INBOX_STARRED };
	assert_int_equal(walk(st, q, ids, &pages), 2);
	assert_int_equal(ids[0], f->ids[1] > f->ids[2] ? f->ids[1] : f->ids[2]);
	q.view = SZ_INBOX_UNREAD;
	assert_int_equal(walk(st, q, ids, &pages), SOURCES - 1);

	char (*blobs)[SZ_STORE_BLOB_NAME_MAX + 1] = NULL;
	size_t nblobs = 0, nsub = 0;
	assert_int_equal(st->ops->source_delete(st, f->ids[1], &blobs, &nblobs,
		NULL), 0);
	free(blobs);
	assert_int_equal(st->ops->inbox_counts(st, NULL, &c, NULL), 0);
	assert_int_equal(c.sources, SOURCES - 1);
	assert_int_equal(c.starred_sources, 1);
	/* retention: everything is from before tomorrow */
	char tomorrow[SZ_STORE_DAY_SIZE];
	snprintf(tomorrow, sizeof(tomorrow), "9999-12-31");
	assert_int_equal(st->ops->purge_before(st, tomorrow, &blobs, &nblobs,
		&nsub, NULL), 0);
	free(blobs);
	assert_int_equal(nsub, SOURCES - 1);
	assert_int_equal(st->ops->inbox_counts(st, NULL, &c, NULL), 0);
	assert_int_equal(c.sources, 0);
	assert_int_equal(c.unread_sources, 0);
	assert_int_equal(c.unread_items, 0);
	assert_int_equal(c.starred_sources, 0);
}

static void a_designation_finds_its_sources_only(void **state)
{
	struct fixture *f = *state;
	struct sz_source_row row, rows[PAGE];
	struct sz_inbox_page p = { .rows = rows, .limit = PAGE };
	assert_int_equal(f->st->ops->source_get(f->st, f->ids[7], &row, NULL), 0);
	assert_int_equal(row.id, f->ids[7]);
	assert_int_equal(row.submissions, 1);
	struct sz_inbox_query q = { .by_designation = true,
		.designation_lo = row.designation,
		.designation_hi = row.designation };
	assert_int_equal(f->st->ops->inbox_page(f->st, &q, &p, NULL), 0);
	assert_true(p.n >= 1 && p.matching == (int64_t)p.n);
	bool found = false;
	for (size_t i = 0; i < p.n; i++) {
		assert_int_equal(rows[i].designation, row.designation);
		found = found || rows[i].id == f->ids[7];
	}
	assert_true(found);
	assert_int_equal(f->st->ops->source_get(f->st, 999999, &row, NULL),
		SZ_E_NOT_FOUND);
	assert_int_equal(row.id, 0);
}

/* One submission of one item by a stored source, to desk. */
static void send_to(struct sz_store *st, int64_t id, int64_t desk)
{
	struct sz_batch_submission sub;
	struct sz_batch_item item;
	memset(&sub, 0, sizeof(sub));
	memset(&item, 0, sizeof(item));
	sub.source_id = id;
	sub.desk = desk;
	sz_store_today(sub.day);
	uint8_t b[8];
	randombytes_buf(b, sizeof(b));
	sodium_bin2hex(item.row.blob, sizeof(item.row.blob), b, sizeof(b));
	item.row.padded_size = 1024;
	struct sz_batch batch = { NULL, 0, &sub, 1, &item, 1 };
	assert_int_equal(st->ops->batch_add(st, &batch, NULL), 0);
}

/* The desk is only read by source_desk; the batch of a source's first
 * submission writes it, and later ones leave it. */
static void a_first_submission_fixes_the_desk(void **state)
{
	struct fixture *f = *state;
	struct sz_store *st = f->st;
	int64_t id = add_source(st, 0), desk = -1;
	bool fixed = true;
	assert_int_equal(st->ops->source_desk(st, id, &desk, &fixed, NULL), 0);
	assert_int_equal(desk, 0);
	assert_false(fixed);
	send_to(st, id, 5);
	assert_int_equal(st->ops->source_desk(st, id, &desk, &fixed, NULL), 0);
	assert_int_equal(desk, 5);
	assert_true(fixed);
	send_to(st, id, 7);
	assert_int_equal(st->ops->source_desk(st, id, &desk, &fixed, NULL), 0);
	assert_int_equal(desk, 5);
	assert_int_equal(st->ops->source_desk(st, 999999, &desk, &fixed, NULL),
		SZ_E_NOT_FOUND);
}

static void add_editor(struct sz_store *st, const char *name,
	const char *recipient)
{
	struct sz_editor_row e;
	memset(&e, 0, sizeof(e));
	snprintf(e.name, sizeof(e.name), "%s", name);
	snprintf(e.password_hash, sizeof(e.password_hash), "$argon2id$%s", name);
	memset(e.totp_secret, 0x5a, sizeof(e.totp_secret));
	snprintf(e.recipient, sizeof(e.recipient), "%s", recipient);
	assert_int_equal(st->ops->editor_add(st, &e, NULL), 0);
}

static bool has_recipient(struct sz_store *st, const char *name)
{
	struct sz_recipient_row *rows = NULL;
	size_t n = 0;
	bool found = false;
	assert_int_equal(st->ops->recipient_list(st, &rows, &n, NULL), 0);
	for (size_t i = 0; i < n; i++)
		found |= strcmp(rows[i].name, name) == 0;
	free(rows);
	return found;
}

/* An editor's key is a recipient while the editor exists; the list
 * never carries secrets; names and keys are unique. */
static void editors_bring_and_take_their_recipients(void **state)
{
	struct fixture *f = *state;
	struct sz_store *st = f->st;
	add_editor(st, "anna", "age1anna");
	assert_true(has_recipient(st, "anna"));
	struct sz_editor_row e;
	memset(&e, 0, sizeof(e));
	snprintf(e.name, sizeof(e.name), "anna");
	snprintf(e.recipient, sizeof(e.recipient), "age1other");
	assert_int_equal(st->ops->editor_add(st, &e, NULL), SZ_E_EXISTS);
	assert_int_equal(st->ops->editor_get(st, "anna", &e, NULL), 0);
	assert_string_equal(e.password_hash, "$argon2id$anna");
	assert_int_equal(e.totp_secret[19], 0x5a);
	assert_int_equal(e.totp_last, -1);
	struct sz_editor_row *rows = NULL;
	size_t n = 0;
	assert_int_equal(st->ops->editor_list(st, &rows, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].password_hash, "");
	assert_int_equal(rows[0].totp_secret[0], 0);
	free(rows);
	assert_int_equal(st->ops->recipient_add(st, "archive", "age1anna",
		NULL), SZ_E_EXISTS);
	assert_int_equal(st->ops->editor_remove(st, "anna", NULL), 0);
	assert_false(has_recipient(st, "anna"));
	assert_int_equal(st->ops->editor_remove(st, "anna", NULL),
		SZ_E_NOT_FOUND);
	assert_int_equal(st->ops->editor_get(st, "anna", &e, NULL),
		SZ_E_NOT_FOUND);
}

/* Failed logins are charged before a password is tried and stop at the
 * limit, for an editor and for a name that is none alike; a one-time
 * code is taken once. */
static void logins_lock_at_the_limit_and_codes_work_once(void **state)
{
	struct fixture *f = *state;
	struct sz_store *st = f->st;
	uint8_t key[32];
	int64_t n = 0;
	add_editor(st, "boris", "age1boris");
	memset(key, 1, sizeof(key));
	for (int64_t i = 1; i <= 3; i++) {
		assert_int_equal(st->ops->editor_failure_charge(st, "boris", key, 3,
			&n, NULL), 0);
		assert_int_equal(n, i);
		assert_int_equal(st->ops->editor_failure_charge(st, "nobody", key,
			3, &n, NULL), 0);
		assert_int_equal(n, i);
	}
	assert_int_equal(st->ops->editor_failure_charge(st, "boris", key, 3, &n,
		NULL), SZ_E_LIMIT);
	assert_int_equal(st->ops->editor_failure_charge(st, "nobody", key, 3,
		&n, NULL), SZ_E_LIMIT);
	assert_int_equal(st->ops->editor_set_failures(st, "boris", 0, NULL), 0);
	assert_int_equal(st->ops->editor_failure_charge(st, "boris", key, 3, &n,
		NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(st->ops->editor_set_failures(st, "nobody", 0, NULL),
		SZ_E_NOT_FOUND);
	assert_int_equal(st->ops->editor_totp_used(st, "boris", 100, NULL), 0);
	assert_int_equal(st->ops->editor_totp_used(st, "boris", 100, NULL),
		SZ_E_EXISTS);
	assert_int_equal(st->ops->editor_totp_used(st, "boris", 99, NULL),
		SZ_E_EXISTS);
	assert_int_equal(st->ops->editor_totp_used(st, "boris", 101, NULL), 0);
	uint8_t secret[SZ_STORE_TOTP_SECRET] = { 7 };
	assert_int_equal(st->ops->editor_set_totp(st, "boris", secret, NULL),
		0);
	assert_int_equal(st->ops->editor_totp_used(st, "boris", 50, NULL), 0);
}

/* A desk is read by its editors only, closed or not; adding a closed
 * one again opens it. */
static void desks_choose_who_reads(void **state)
{
	struct fixture *f = *state;
	struct sz_store *st = f->st;
	add_editor(st, "anna", "age1anna");
	add_editor(st, "boris", "age1boris");
	assert_int_equal(st->ops->recipient_add(st, "archive", "age1archive",
		NULL), 0);
	assert_int_equal(st->ops->desk_add(st, "politics", NULL), 0);
	assert_int_equal(st->ops->desk_add(st, "politics", NULL), SZ_E_EXISTS);
	assert_int_equal(st->ops->desk_member(st, "politics", "anna", true,
		NULL), 0);
	assert_int_equal(st->ops->desk_member(st, "sport", "anna", true, NULL),
		SZ_E_NOT_FOUND);
	assert_int_equal(st->ops->desk_member(st, "politics", "carla", true,
		NULL), SZ_E_NOT_FOUND);
	struct sz_desk_row *desks = NULL;
	size_t n = 0;
	assert_int_equal(st->ops->desk_list(st, &desks, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(desks[0].editors, "anna");
	int64_t desk = desks[0].id;
	free(desks);
	struct sz_recipient_row *rows = NULL;
	assert_int_equal(st->ops->desk_recipients(st, desk, &rows, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].recipient, "age1anna");
	free(rows);
	assert_int_equal(st->ops->desk_recipients(st, 0, &rows, &n, NULL), 0);
	assert_int_equal(n, 3);
	free(rows);
	bool yes = false;
	assert_int_equal(st->ops->desk_reader(st, desk, "anna", &yes, NULL), 0);
	assert_true(yes);
	assert_int_equal(st->ops->desk_reader(st, desk, "boris", &yes, NULL), 0);
	assert_false(yes);
	/* boris's inbox leaves out what the desk's source sent */
	int64_t id = add_source(st, 0);
	send_to(st, id, desk);
	struct sz_inbox_counts all, boris;
	assert_int_equal(st->ops->inbox_counts(st, NULL, &all, NULL), 0);
	assert_int_equal(st->ops->inbox_counts(st, "boris", &boris, NULL), 0);
	assert_int_equal(all.sources, boris.sources + 1);
	/* closed, a desk keeps its editors: its sources are still read */
	bool sources = false;
	assert_int_equal(st->ops->desk_remove(st, "politics", &sources, NULL),
		0);
	assert_true(sources);
	assert_int_equal(st->ops->desk_recipients(st, desk, &rows, &n, NULL), 0);
	assert_int_equal(n, 1);
	free(rows);
	assert_int_equal(st->ops->desk_add(st, "politics", NULL), 0);
	assert_int_equal(st->ops->desk_list(st, &desks, &n, NULL), 0);
	assert_false(desks[0].closed);
	free(desks);
}

/* Replies are kept in order, a source deletes one it read (the row stays,
 * marked); deleting a source and retention hand back every blob. */
static void replies_deleting_and_retention_hand_back_blobs(void **state)
{
	struct fixture *f = *state;
	struct sz_store *st = f->st;
	int64_t id = f->ids[0];
	struct sz_item_full *items = NULL;
	size_t nitems = 0;
	assert_int_equal(st->ops->source_items(st, id, &items, &nitems, NULL),
		0);
	assert_int_equal(nitems, 1);
	assert_int_equal(st->ops->blob_referenced(st, items[0].row.blob, NULL),
		1);
	uint8_t key[32];
	assert_int_equal(st->ops->source_public_key(st, id, key, NULL), 0);
	assert_int_equal(st->ops->reply_add(st, id, "reply-one", "anna", NULL),
		0);
	assert_int_equal(st->ops->reply_add(st, id, "reply-two", "boris", NULL),
		0);
	struct sz_reply_row *replies = NULL;
	size_t n = 0;
	assert_int_equal(st->ops->replies(st, id, &replies, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_string_equal(replies[1].editor, "boris");
	char blob[SZ_STORE_BLOB_NAME_MAX + 1];
	assert_int_equal(st->ops->reply_delete(st, id, replies[0].id, blob,
		NULL), 0);
	assert_string_equal(blob, "reply-one");
	assert_int_equal(st->ops->reply_delete(st, id, replies[0].id, blob,
		NULL), SZ_E_NOT_FOUND);
	free(replies);
	assert_int_equal(st->ops->replies(st, id, &replies, &n, NULL), 0);
	assert_true(replies[0].deleted);
	assert_string_equal(replies[0].blob, "");
	free(replies);
	assert_int_equal(st->ops->blob_referenced(st, "reply-one", NULL), 0);
	char (*blobs)[SZ_STORE_BLOB_NAME_MAX + 1] = NULL;
	size_t nblobs = 0, nsubs = 0;
	struct sz_inbox_counts before, after;
	assert_int_equal(st->ops->inbox_counts(st, NULL, &before, NULL), 0);
	assert_int_equal(st->ops->source_delete(st, id, &blobs, &nblobs, NULL),
		0);
	bool item_blob = false, reply_blob = false;
	for (size_t i = 0; i < nblobs; i++) {
		item_blob |= strcmp(blobs[i], items[0].row.blob) == 0;
		reply_blob |= strcmp(blobs[i], "reply-two") == 0;
	}
	assert_true(item_blob && reply_blob);
	free(blobs);
	free(items);
	assert_int_equal(st->ops->inbox_counts(st, NULL, &after, NULL), 0);
	assert_int_equal(after.sources, before.sources - 1);
	assert_int_equal(st->ops->source_delete(st, id, &blobs, &nblobs, NULL),
		SZ_E_NOT_FOUND);
	/* retention: everything before tomorrow goes */
	char tomorrow[SZ_STORE_DAY_SIZE];
	sz_store_day(time(NULL) + 86400, tomorrow);
	assert_int_equal(st->ops->purge_before(st, tomorrow, &blobs, &nblobs,
		&nsubs, NULL), 0);
	assert_int_equal(nsubs, SOURCES - 1);
	assert_true(nblobs >= SOURCES - 1);
	free(blobs);
	assert_int_equal(st->ops->inbox_counts(st, NULL, &after, NULL), 0);
	assert_int_equal(after.sources, 0);
	assert_int_equal(after.unread_items, 0);
}

/* Finds desk name in desk_list: its id and whether it is closed; false
 * if it is not there. */
static bool desk_find(struct sz_store *st, const char *name, int64_t *id,
	bool *closed)
{
	struct sz_desk_row *rows = NULL;
	size_t n = 0;
	bool found = false;
	assert_int_equal(st->ops->desk_list(st, &rows, &n, NULL), 0);
	for (size_t i = 0; i < n && !found; i++)
		if (strcmp(rows[i].name, name) == 0) {
			*id = rows[i].id;
			*closed = rows[i].closed != 0;
			found = true;
		}
	free(rows);
	return found;
}

/* desk remove closes; the staging batch's desk_purge deletes what is
 * closed, chosen by no stored source and named by no held submission. */
static void a_removed_desk_stays_while_anything_refers_to_it(void **state)
{
	struct fixture *f = *state;
	struct sz_store *st = f->st;
	int64_t legal = 0, empty = 0, id = add_source(st, 0);
	bool closed = true, sources = true;
	assert_int_equal(st->ops->desk_add(st, "Legal", NULL), 0);
	assert_int_equal(st->ops->desk_add(st, "Empty", NULL), 0);
	assert_true(desk_find(st, "Legal", &legal, &closed));
	assert_false(closed);
	assert_int_equal(st->ops->desk_remove(st, "Legal", &sources, NULL), 0);
	assert_false(sources);
	assert_int_equal(st->ops->desk_remove(st, "Empty", &sources, NULL), 0);
	assert_true(desk_find(st, "Legal", &legal, &closed));
	assert_true(closed);
	assert_true(desk_find(st, "Empty", &empty, &closed));
	assert_true(closed);
	/* a submission to Legal is held: Legal stays, Empty goes */
	assert_int_equal(st->ops->desk_purge(st, &legal, 1, NULL), 0);
	assert_true(desk_find(st, "Legal", &legal, &closed));
	assert_false(desk_find(st, "Empty", &empty, &closed));
	/* its batch writes it; then it stays because the source chose it */
	send_to(st, id, legal);
	assert_int_equal(st->ops->desk_purge(st, NULL, 0, NULL), 0);
	assert_true(desk_find(st, "Legal", &legal, &closed));
	assert_true(closed);
	assert_int_equal(st->ops->desk_remove(st, "Legal", &sources, NULL), 0);
	assert_true(sources);
	/* adding it again opens it */
	assert_int_equal(st->ops->desk_add(st, "Legal", NULL), 0);
	assert_true(desk_find(st, "Legal", &legal, &closed));
	assert_false(closed);
	assert_int_equal(st->ops->desk_remove(st, "Nowhere", &sources, NULL),
		SZ_E_NOT_FOUND);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest cases[] = {
		T(pages_show_every_source_once_both_ways),
		T(views_and_counts_follow_every_change),
		T(a_designation_finds_its_sources_only),
		T(a_first_submission_fixes_the_desk),
		T(editors_bring_and_take_their_recipients),
		T(logins_lock_at_the_limit_and_codes_work_once),
		T(desks_choose_who_reads),
		T(replies_deleting_and_retention_hand_back_blobs),
		T(a_removed_desk_stays_while_anything_refers_to_it),
	};
	const char *engine[NBACKENDS];
	void *state[NBACKENDS];
	bool absent[NBACKENDS];
	if (sodium_init() < 0)
		return 1;
	for (size_t b = 0; b < NBACKENDS; b++) {
		engine[b] = backends[b].name;
		state[b] = (void *)&backends[b];
		absent[b] = backends[b].absent != NULL && backends[b].absent();
	}
	return pg_fixture_run("inbox store", cases,
		sizeof(cases) / sizeof(cases[0]), engine, state, absent,
		NBACKENDS);
}
