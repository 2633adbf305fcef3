/* test_inbox_store.c - the inbox operations of the storage interface, as
 * any back end must honour them (run here against SQLite): pages by key
 * show every source once in both directions, ties on a day broken by id
 * (random, as the committer gives them);
 * views and designations narrow them; counts follow every change (a new
 * submission, reading, starring, deleting, retention); a source is found
 * by id; a removed desk is closed, and deleted only once no source chose
 * it and no held submission names it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

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

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/sz-inbox-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_int_equal(sz_store_open_sqlite(&f->st, f->dir, NULL), 0);
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
	char path[128];
	f->st->ops->close(f->st);
	for (const char *const *x = (const char *const[]){ "inbox.db",
		     "inbox.db-wal", "inbox.db-shm", NULL }; *x; x++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, *x);
		unlink(path);
	}
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

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			pages_show_every_source_once_both_ways, setup, teardown),
		cmocka_unit_test_setup_teardown(
			views_and_counts_follow_every_change, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_designation_finds_its_sources_only, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_first_submission_fixes_the_desk, setup, teardown),
		cmocka_unit_test_setup_teardown(
			a_removed_desk_stays_while_anything_refers_to_it, setup,
			teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
