/* test_forum_store.c - the forum's storage interface as every back end
 * must honour it.  It speaks only through struct sz_forum_ops and is run
 * once per back end in the table `backends` (SQLite, and PostgreSQL on the
 * throw-away cluster of tests/pg/ when SAMIZDAT_TEST_PG names one; its
 * cases skip, saying why, when it does not): members and their keys, invitations used once,
 * threads with their first post, pages by position and by key that never
 * shift, counts that follow every change (posting, hiding, approving,
 * liking, moving, merging, deleting), edits kept, search that sees only
 * what readers may see, reports (kept by the day), the log, no table of
 * budgets (they live in memory: web/budget.h), the change log and the
 * ids a mirror's export reads, and processes opening a new forum at
 * once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sodium.h>
#include <sqlite3.h>

#include "pg_fixture.h"
#include "store/forum.h"

/* ---- back ends ---------------------------------------------------------- */

struct backend {
	const char *name;
	int (*open)(struct sz_forum **f, const char *dir, struct sz_err *err);
	bool (*make)(const char *dir);     /* before a first open, or NULL */
	void (*drop)(const char *dir);     /* after the last close */
	bool (*absent)(void);              /* true: skip (it says why) */
};

static void sqlite_drop(const char *dir)
{
	static const char *const files[] = { "forum.db", "forum.db-wal",
		"forum.db-shm", NULL };
	char path[128];
	for (const char *const *n = files; *n; n++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *n);
		unlink(path);
	}
}

/* PostgreSQL: a database per test, named after its directory. */
static int pg_open(struct sz_forum **f, const char *dir, struct sz_err *err)
{
	char conninfo[1200];
	pg_fixture_conninfo(dir, conninfo, sizeof(conninfo));
	return sz_forum_open_postgres(f, conninfo, err);
}

static bool pg_absent(void)
{
	return pg_fixture_cluster() == NULL;
}

static const struct backend backends[] = {
	{ "sqlite", sz_forum_open_sqlite, NULL, sqlite_drop, NULL },
	{ "postgresql", pg_open, pg_fixture_create, pg_fixture_drop,
	  pg_absent },
};

static const struct backend *current;

struct fixture {
	char dir[64];
	struct sz_forum *f;
	int64_t anna, ben, board;
};

static int64_t add_member(struct sz_forum *f, const char *name)
{
	struct sz_forum_member m;
	int64_t id = 0;
	memset(&m, 0, sizeof(m));
	snprintf(m.name, sizeof(m.name), "%s", name);
	snprintf(m.key, sizeof(m.key), "key:%s", name);
	snprintf(m.password_hash, sizeof(m.password_hash), "$argon2id$x");
	snprintf(m.joined_day, sizeof(m.joined_day), "2024-05-01");
	assert_int_equal(f->ops->member_create(f, &m, NULL, &id, NULL), 0);
	return id;
}

/* Every case runs once per back end: its initial state names it. */
static int choose(void **state)
{
	current = *state;
	return 0;
}


static int setup(void **state)
{
	choose(state);
	struct fixture *x = calloc(1, sizeof(*x));
	snprintf(x->dir, sizeof(x->dir), "/tmp/sz-forum-XXXXXX");
	assert_non_null(mkdtemp(x->dir));
	struct sz_err err;
	if (current->make != NULL)
		assert_true(current->make(x->dir));
	if (current->open(&x->f, x->dir, &err) != 0)
		fail_msg("%s: %s", current->name, err.msg);
	x->anna = add_member(x->f, "anna");
	x->ben = add_member(x->f, "ben");
	assert_int_equal(x->f->ops->board_create(x->f, "General", "Talk",
		&x->board, NULL), 0);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *x = *state;
	x->f->ops->close(x->f);
	current->drop(x->dir);
	rmdir(x->dir);
	free(x);
	return 0;
}

static struct sz_forum_post_new post_by(int64_t author, int64_t when,
	const char *text)
{
	struct sz_forum_post_new p = { 0, author, when, SZ_POST_VISIBLE, 0,
		text, text, text };
	return p;
}

static int64_t new_thread(struct fixture *x, int64_t board, const char *title,
	int64_t author, int64_t when, const char *text, int64_t *post)
{
	struct sz_forum_thread_new t = { board, SZ_SUBJECT_NONE, 0, title };
	struct sz_forum_post_new p = post_by(author, when, text);
	int64_t id = 0, pid = 0;
	assert_int_equal(x->f->ops->thread_create(x->f, &t, &p, &id, &pid,
		NULL), 0);
	if (post)
		*post = pid;
	return id;
}

static int64_t reply(struct fixture *x, int64_t thread, int64_t author,
	int64_t when, const char *text)
{
	struct sz_forum_post_new p = post_by(author, when, text);
	int64_t id = 0, pos = 0;
	p.thread_id = thread;
	assert_int_equal(x->f->ops->post_add(x->f, &p, &id, &pos, NULL), 0);
	return id;
}

static struct sz_forum_member member(struct fixture *x, int64_t id)
{
	struct sz_forum_member m;
	assert_int_equal(x->f->ops->member_get(x->f, id, &m, NULL), 0);
	return m;
}

static struct sz_forum_thread thread(struct fixture *x, int64_t id)
{
	struct sz_forum_thread t;
	assert_int_equal(x->f->ops->thread_get(x->f, id, &t, NULL), 0);
	return t;
}

static struct sz_forum_board board(struct fixture *x, int64_t id)
{
	struct sz_forum_board b;
	assert_int_equal(x->f->ops->board_get(x->f, id, &b, NULL), 0);
	return b;
}

static int64_t hits(struct fixture *x, const char *words, int64_t author)
{
	struct sz_forum_term t = { words, false, false, false };
	struct sz_forum_search q = { &t, words ? 1 : 0, author };
	struct sz_forum_hits h;
	assert_int_equal(x->f->ops->search(x->f, &q, 0, 20, &h, NULL), 0);
	int64_t n = h.total;
	sz_forum_hits_free(&h);
	return n;
}

/* ---- members ------------------------------------------------------------ */

static void member_keys_are_unique_and_reserved_keys_taken(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	struct sz_forum_member m, got;
	struct sz_err err;
	int64_t id = 0;
	memset(&m, 0, sizeof(m));
	snprintf(m.name, sizeof(m.name), "Anna");
	snprintf(m.key, sizeof(m.key), "key:anna");
	snprintf(m.joined_day, sizeof(m.joined_day), "2024-05-02");
	assert_int_equal(f->ops->member_create(f, &m, NULL, &id, &err),
		SZ_E_EXISTS);
	assert_int_equal(f->ops->reserve(f, "admin", "staff word", NULL), 0);
	assert_int_equal(f->ops->reserve(f, "admin", "twice", NULL), 0);
	snprintf(m.key, sizeof(m.key), "admin");
	assert_int_equal(f->ops->member_create(f, &m, NULL, &id, &err),
		SZ_E_EXISTS);
	assert_int_equal(f->ops->key_taken(f, "admin", NULL), 1);
	assert_int_equal(f->ops->key_taken(f, "key:anna", NULL), 1);
	assert_int_equal(f->ops->key_taken(f, "free", NULL), 0);
	assert_int_equal(f->ops->member_find(f, "key:ben", &got, NULL), 0);
	assert_int_equal(got.id, x->ben);
	assert_string_equal(got.name, "ben");
	assert_int_equal(f->ops->member_find(f, "nobody", &got, NULL),
		SZ_E_NOT_FOUND);
	assert_int_equal(got.id, 0);   /* zeroed when not found */
}

static void an_invitation_is_used_once_with_the_account(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	uint8_t code[32], other[32];
	randombytes_buf(code, sizeof(code));
	randombytes_buf(other, sizeof(other));
	assert_int_equal(f->ops->invite_add(f, code, NULL), 0);
	struct sz_forum_member m, got;
	memset(&m, 0, sizeof(m));
	snprintf(m.name, sizeof(m.name), "carla");
	snprintf(m.key, sizeof(m.key), "key:carla");
	snprintf(m.joined_day, sizeof(m.joined_day), "2024-05-02");
	int64_t id = 0;
	assert_int_equal(f->ops->member_create(f, &m, other, &id, NULL),
		SZ_E_NOT_FOUND);
	/* the failed invitation took the account with it */
	assert_int_equal(f->ops->member_find(f, "key:carla", &got, NULL),
		SZ_E_NOT_FOUND);
	assert_int_equal(f->ops->member_create(f, &m, code, &id, NULL), 0);
	snprintf(m.key, sizeof(m.key), "key:dora");
	assert_int_equal(f->ops->member_create(f, &m, code, &id, NULL),
		SZ_E_NOT_FOUND);
}

static void member_settings_and_deletion(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	assert_int_equal(f->ops->member_set_role(f, x->anna, SZ_FORUM_ADMIN,
		NULL), 0);
	assert_int_equal(f->ops->member_set_labels(f, x->anna, "The Chairman",
		"STAFF", "de", NULL), 0);
	assert_int_equal(f->ops->member_set_labels(f, x->anna, NULL, NULL, "",
		NULL), 0);
	assert_int_equal(f->ops->member_set_flags(f, x->ben, false, true, NULL),
		0);
	assert_int_equal(f->ops->member_set_password(f, x->ben, "$new", NULL),
		0);
	struct sz_forum_member a = member(x, x->anna), b = member(x, x->ben);
	assert_int_equal(a.role, SZ_FORUM_ADMIN);
	assert_string_equal(a.title, "The Chairman");
	assert_string_equal(a.badge, "STAFF");
	assert_string_equal(a.country, "");
	assert_true(b.silenced && !b.banned);
	assert_string_equal(b.password_hash, "$new");
	struct sz_forum_member *rows = NULL;
	size_t n = 0;
	assert_int_equal(f->ops->member_list(f, false, 10, &rows, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, x->anna);
	free(rows);
	assert_int_equal(f->ops->member_set_state(f, x->ben, SZ_MEMBER_PENDING,
		NULL), 0);
	assert_int_equal(f->ops->member_list(f, true, 10, &rows, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, x->ben);
	free(rows);

	/* deleting: the posts stay, the name and password go, the key stays
	 * taken */
	int64_t t = new_thread(x, x->board, "Hello", x->ben, 100, "hi", NULL);
	struct sz_forum_totals before, after;
	assert_int_equal(f->ops->totals(f, &before, NULL), 0);
	assert_int_equal(f->ops->member_delete(f, x->ben, NULL), 0);
	b = member(x, x->ben);
	assert_int_equal(b.state, SZ_MEMBER_DELETED);
	assert_string_equal(b.name, "");
	assert_string_equal(b.password_hash, "");
	assert_int_equal(f->ops->key_taken(f, "key:ben", NULL), 1);
	assert_int_equal(f->ops->totals(f, &after, NULL), 0);
	assert_int_equal(after.members, before.members - 1);
	struct sz_forum_post *p = NULL;
	size_t np = 0;
	struct sz_forum_post_query q = { t, 0, 20, 0, false, false };
	assert_int_equal(f->ops->posts_page(f, &q, &p, &np, NULL), 0);
	assert_int_equal(np, 1);
	assert_true(p[0].author.deleted);
	assert_string_equal(p[0].author.name, "");
	sz_forum_posts_free(p, np);
	assert_int_equal(f->ops->member_delete(f, x->ben, NULL), SZ_E_NOT_FOUND);
}

static void reading_counts_only_what_is_new(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	int64_t t = new_thread(x, x->board, "T", x->anna, 1, "a", NULL);
	assert_int_equal(f->ops->member_read(f, x->ben, t, 20, NULL), 0);
	assert_int_equal(f->ops->member_read(f, x->ben, t, 10, NULL), 0);
	assert_int_equal(f->ops->member_read(f, x->ben, t, 25, NULL), 0);
	struct sz_forum_member b = member(x, x->ben);
	assert_int_equal(b.posts_read, 25);
	assert_int_equal(b.threads_entered, 1);
}

/* ---- threads and posts ------------------------------------------------- */

static void a_thread_starts_with_its_post_and_counts_follow(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	int64_t first = 0;
	int64_t t = new_thread(x, x->board, "Welcome", x->anna, 1000, "hello",
		&first);
	int64_t r = reply(x, t, x->ben, 1100, "hi there");
	struct sz_forum_thread th = thread(x, t);
	assert_int_equal(th.posts, 2);
	assert_int_equal(th.last_position, 2);
	assert_int_equal(th.last_post_id, r);
	assert_int_equal(th.last_at, 1100);
	assert_string_equal(th.last_author, "ben");
	assert_string_equal(th.author_name, "anna");
	assert_string_equal(th.board_name, "General");
	struct sz_forum_board b = board(x, x->board);
	assert_int_equal(b.threads, 1);
	assert_int_equal(b.posts, 2);
	assert_int_equal(member(x, x->anna).posts, 1);
	struct sz_forum_totals tot;
	assert_int_equal(f->ops->totals(f, &tot, NULL), 0);
	assert_int_equal(tot.threads, 1);
	assert_int_equal(tot.posts, 2);
	assert_int_equal(tot.members, 2);

	/* hiding the reply: every count follows, and the thread's last post
	 * is the first again */
	assert_int_equal(f->ops->post_set_state(f, r, SZ_POST_HIDDEN, NULL), 0);
	th = thread(x, t);
	assert_int_equal(th.posts, 1);
	assert_int_equal(th.last_post_id, first);
	assert_int_equal(board(x, x->board).posts, 1);
	assert_int_equal(member(x, x->ben).posts, 0);
	assert_int_equal(f->ops->post_set_state(f, r, SZ_POST_VISIBLE, NULL), 0);
	assert_int_equal(thread(x, t).posts, 2);
	assert_int_equal(member(x, x->ben).posts, 1);
	assert_int_equal(member(x, x->ben).approved_posts, 1);

	/* a hidden thread leaves its board's counts */
	assert_int_equal(f->ops->thread_set_state(f, t, SZ_THREAD_HIDDEN, NULL),
		0);
	b = board(x, x->board);
	assert_int_equal(b.threads, 0);
	assert_int_equal(b.posts, 0);
	assert_int_equal(f->ops->totals(f, &tot, NULL), 0);
	assert_int_equal(tot.threads, 0);
	assert_int_equal(f->ops->thread_set_state(f, t, SZ_THREAD_VISIBLE, NULL),
		0);
	assert_int_equal(board(x, x->board).posts, 2);

	struct sz_forum_post_new p = post_by(x->ben, 1, "x");
	int64_t id, pos;
	p.thread_id = 999999;
	assert_int_equal(f->ops->post_add(f, &p, &id, &pos, NULL),
		SZ_E_NOT_FOUND);
}

static void a_subject_has_one_discussion_on_the_archive_board(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	struct sz_forum_thread_new t = { 0, SZ_SUBJECT_DOCUMENT, 12,
		"Re: report.pdf" };
	struct sz_forum_post_new p = post_by(x->anna, 10, "first comment");
	int64_t id = 0, pid = 0, again = 0;
	assert_int_equal(f->ops->thread_create(f, &t, &p, &id, &pid, NULL), 0);
	p = post_by(x->ben, 11, "second");
	assert_int_equal(f->ops->thread_create(f, &t, &p, &again, &pid, NULL),
		SZ_E_EXISTS);
	assert_int_equal(again, id);
	struct sz_forum_thread th;
	assert_int_equal(f->ops->thread_of_subject(f, SZ_SUBJECT_DOCUMENT, 12,
		&th, NULL), 0);
	assert_int_equal(th.id, id);
	struct sz_forum_board b = board(x, th.board_id);
	assert_int_equal(f->ops->thread_of_subject(f, SZ_SUBJECT_EMAIL, 12,
		&th, NULL), SZ_E_NOT_FOUND);
	assert_int_equal(th.id, 0);
	assert_true(b.archive);
	/* a second subject lands on the same board */
	t.subject_id = 13;
	p = post_by(x->ben, 12, "other");
	int64_t id2 = 0;
	assert_int_equal(f->ops->thread_create(f, &t, &p, &id2, &pid, NULL), 0);
	assert_int_equal(thread(x, id2).board_id, b.id);
	struct sz_forum_board *rows = NULL;
	size_t n = 0;
	assert_int_equal(f->ops->board_list(f, &rows, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_true(rows[0].archive);   /* position 0: first */
	free(rows);
	/* a deleted discussion frees its subject for a new one */
	assert_int_equal(f->ops->thread_set_state(f, id, SZ_THREAD_DELETED,
		NULL), 0);
	t.subject_id = 12;
	assert_int_equal(f->ops->thread_create(f, &t, &p, &again, &pid, NULL),
		0);
	assert_true(again != id);
}

static void thread_pages_are_positions_and_never_shift(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	int64_t t = new_thread(x, x->board, "Long", x->anna, 1, "post 1", NULL);
	int64_t ids[250];
	for (int i = 2; i <= 250; i++) {
		char text[32];
		snprintf(text, sizeof(text), "post %d", i);
		ids[i - 1] = reply(x, t, i % 2 ? x->anna : x->ben, i, text);
	}
	/* post 205 hidden: page 11 (positions 201..220) shows 19, in order */
	assert_int_equal(f->ops->post_set_state(f, ids[204], SZ_POST_HIDDEN,
		NULL), 0);
	struct sz_forum_post_query q = { t, 200, 20, 0, false, true };
	struct sz_forum_post *p = NULL;
	size_t n = 0;
	assert_int_equal(f->ops->posts_page(f, &q, &p, &n, NULL), 0);
	assert_int_equal(n, 19);
	assert_int_equal(p[0].position, 201);
	assert_string_equal(p[0].source, "post 201");
	assert_int_equal(p[4].position, 206);
	assert_int_equal(p[18].position, 220);
	sz_forum_posts_free(p, n);
	/* staff see it, marked */
	q.staff = true;
	assert_int_equal(f->ops->posts_page(f, &q, &p, &n, NULL), 0);
	assert_int_equal(n, 20);
	assert_int_equal(p[4].state, SZ_POST_HIDDEN);
	sz_forum_posts_free(p, n);
	/* the last page */
	q.after = 240;
	q.staff = false;
	assert_int_equal(f->ops->posts_page(f, &q, &p, &n, NULL), 0);
	assert_int_equal(n, 10);
	sz_forum_posts_free(p, n);
	q.after = 260;
	assert_int_equal(f->ops->posts_page(f, &q, &p, &n, NULL), 0);
	assert_int_equal(n, 0);
	q.limit = 0;
	assert_int_equal(f->ops->posts_page(f, &q, &p, &n, NULL), SZ_E_INVAL);
}

static void a_pending_post_shows_to_its_author_and_staff_only(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	int64_t t = new_thread(x, x->board, "T", x->anna, 1, "a", NULL);
	struct sz_forum_post_new p = post_by(x->ben, 2, "waiting");
	int64_t id, pos;
	p.thread_id = t;
	p.state = SZ_POST_PENDING;
	assert_int_equal(f->ops->post_add(f, &p, &id, &pos, NULL), 0);
	assert_int_equal(thread(x, t).posts, 1);
	assert_int_equal(hits(x, "waiting", 0), 0);
	struct sz_forum_post_query q = { t, 0, 20, 0, false, false };
	struct sz_forum_post *rows = NULL;
	size_t n = 0;
	assert_int_equal(f->ops->posts_page(f, &q, &rows, &n, NULL), 0);
	assert_int_equal(n, 1);
	sz_forum_posts_free(rows, n);
	q.viewer_id = x->ben;
	assert_int_equal(f->ops->posts_page(f, &q, &rows, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[1].state, SZ_POST_PENDING);
	sz_forum_posts_free(rows, n);
	assert_int_equal(f->ops->posts_pending(f, 10, &rows, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, id);
	sz_forum_posts_free(rows, n);
	assert_int_equal(f->ops->post_set_state(f, id, SZ_POST_VISIBLE, NULL), 0);
	assert_int_equal(thread(x, t).posts, 2);
	assert_int_equal(member(x, x->ben).approved_posts, 1);
	assert_int_equal(hits(x, "waiting", 0), 1);
	assert_int_equal(f->ops->posts_pending(f, 10, &rows, &n, NULL), 0);
	assert_int_equal(n, 0);
	free(rows);
}

static void a_thread_whose_first_post_waits_is_not_listed(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	struct sz_forum_thread_new t = { x->board, SZ_SUBJECT_NONE, 0, "New" };
	struct sz_forum_post_new p = post_by(x->ben, 5, "spam or not");
	p.state = SZ_POST_PENDING;
	int64_t id, pid;
	assert_int_equal(f->ops->thread_create(f, &t, &p, &id, &pid, NULL), 0);
	assert_int_equal(thread(x, id).state, SZ_THREAD_PENDING);
	assert_int_equal(board(x, x->board).threads, 0);
	struct sz_forum_thread_query q = { x->board, false, false,
		SZ_FORUM_FIRST, { 0, 0 }, 10 };
	struct sz_forum_threads page;
	assert_int_equal(f->ops->threads_page(f, &q, &page, NULL), 0);
	assert_int_equal(page.n, 0);
	free(page.rows);
	q.staff = true;
	assert_int_equal(f->ops->threads_page(f, &q, &page, NULL), 0);
	assert_int_equal(page.n, 1);
	free(page.rows);
	assert_int_equal(f->ops->post_set_state(f, pid, SZ_POST_VISIBLE, NULL),
		0);
	assert_int_equal(thread(x, id).state, SZ_THREAD_VISIBLE);
	struct sz_forum_board b = board(x, x->board);
	assert_int_equal(b.threads, 1);
	assert_int_equal(b.posts, 1);
	assert_int_equal(hits(x, "spam", 0), 1);
	/* a rejected first post takes its thread with it */
	p.state = SZ_POST_PENDING;
	assert_int_equal(f->ops->thread_create(f, &t, &p, &id, &pid, NULL), 0);
	assert_int_equal(f->ops->post_set_state(f, pid, SZ_POST_DELETED, NULL),
		0);
	assert_int_equal(thread(x, id).state, SZ_THREAD_DELETED);
}

static void board_pages_by_key_in_both_directions(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	int64_t ids[23];
	for (int i = 0; i < 23; i++)
		ids[i] = new_thread(x, x->board, "t", x->anna, 1000 + i / 2, "x",
			NULL);  /* pairs share a time: ids break the tie */
	int64_t sticky = new_thread(x, x->board, "rules", x->anna, 1, "x", NULL);
	assert_int_equal(f->ops->thread_set_flags(f, sticky, true, false, NULL),
		0);
	struct sz_forum_thread_query q = { x->board, false, false,
		SZ_FORUM_FIRST, { 0, 0 }, 5 };
	struct sz_forum_threads page;
	int64_t seen[23];
	size_t nseen = 0;
	for (int round = 0; round < 10; round++) {
		assert_int_equal(f->ops->threads_page(f, &q, &page, NULL), 0);
		assert_true(page.n <= 5);
		for (size_t i = 0; i < page.n; i++)
			seen[nseen++] = page.rows[i].id;
		assert_int_equal(page.newer, round > 0);
		bool older = page.older;
		if (page.n > 0) {
			q.from = SZ_FORUM_OLDER;
			q.key.at = page.rows[page.n - 1].last_at;
			q.key.id = page.rows[page.n - 1].id;
		}
		free(page.rows);
		if (!older)
			break;
	}
	assert_int_equal(nseen, 23);
	for (size_t i = 0; i < 23; i++)
		assert_int_equal(seen[i], ids[22 - i]);   /* newest first */
	/* back from the oldest: the page before it */
	q.from = SZ_FORUM_NEWER;
	q.key.at = 1000;
	q.key.id = ids[1];
	assert_int_equal(f->ops->threads_page(f, &q, &page, NULL), 0);
	assert_int_equal(page.n, 5);
	assert_int_equal(page.rows[0].id, ids[6]);
	assert_int_equal(page.rows[4].id, ids[2]);
	assert_true(page.newer && page.older);
	free(page.rows);
	q.sticky = true;
	q.from = SZ_FORUM_FIRST;
	assert_int_equal(f->ops->threads_page(f, &q, &page, NULL), 0);
	assert_int_equal(page.n, 1);
	assert_int_equal(page.rows[0].id, sticky);
	assert_true(page.rows[0].sticky);
	free(page.rows);
	assert_int_equal(f->ops->threads_new(f, x->board, 3, &page, NULL), 0);
	assert_int_equal(page.n, 3);
	assert_int_equal(page.rows[0].id, ids[22]);  /* by when created */
	free(page.rows);
}

static void latest_replies_and_a_members_posts(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	int64_t other = 0;
	assert_int_equal(f->ops->board_create(f, "Other", "", &other, NULL), 0);
	int64_t t1 = new_thread(x, x->board, "one", x->anna, 1, "a", NULL);
	int64_t t2 = new_thread(x, other, "two", x->anna, 2, "b", NULL);
	int64_t r1 = reply(x, t1, x->ben, 3, "c");
	int64_t r2 = reply(x, t2, x->ben, 4, "d");
	struct sz_forum_post *p = NULL;
	size_t n = 0;
	assert_int_equal(f->ops->posts_latest(f, 0, 0, true, 10, &p, &n, NULL), 0);
	assert_int_equal(n, 2);   /* first posts are threads, not replies */
	assert_int_equal(p[0].id, r2);
	assert_string_equal(p[0].thread_title, "two");
	sz_forum_posts_free(p, n);
	assert_int_equal(f->ops->posts_latest(f, x->board, 0, true, 10, &p, &n,
		NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].id, r1);
	sz_forum_posts_free(p, n);
	assert_int_equal(f->ops->posts_latest(f, 0, t1, false, 10, &p, &n, NULL),
		0);
	assert_int_equal(n, 2);   /* of one thread: its first post too */
	sz_forum_posts_free(p, n);
	assert_int_equal(f->ops->posts_latest(f, 0, 0, false, 10, &p, &n, NULL),
		0);
	assert_int_equal(n, 4);   /* everything, for a feed */
	sz_forum_posts_free(p, n);
	assert_int_equal(f->ops->posts_by(f, x->ben, 0, 1, &p, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].id, r2);
	sz_forum_posts_free(p, n);
	assert_int_equal(f->ops->posts_by(f, x->ben, r2, 10, &p, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(p[0].id, r1);
	sz_forum_posts_free(p, n);
}

static void likes_count_once_and_only_on_visible_posts(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	int64_t post = 0;
	int64_t t = new_thread(x, x->board, "T", x->anna, 1, "a", &post);
	assert_int_equal(f->ops->like(f, post, x->ben, true, NULL), 0);
	assert_int_equal(f->ops->like(f, post, x->ben, true, NULL), 0);
	assert_int_equal(member(x, x->anna).likes_received, 1);
	assert_int_equal(member(x, x->ben).likes_given, 1);
	struct sz_forum_post_query q = { t, 0, 20, x->ben, false, false };
	struct sz_forum_post *p = NULL;
	size_t n = 0;
	assert_int_equal(f->ops->posts_page(f, &q, &p, &n, NULL), 0);
	assert_int_equal(p[0].likes, 1);
	assert_true(p[0].liked);
	assert_int_equal(p[0].author.likes_received, 1);
	sz_forum_posts_free(p, n);
	assert_int_equal(f->ops->like(f, post, x->ben, false, NULL), 0);
	assert_int_equal(member(x, x->anna).likes_received, 0);
	assert_int_equal(f->ops->post_set_state(f, post, SZ_POST_HIDDEN, NULL),
		0);
	assert_int_equal(f->ops->like(f, post, x->ben, true, NULL),
		SZ_E_NOT_FOUND);
	assert_int_equal(f->ops->like(f, 999999, x->ben, true, NULL),
		SZ_E_NOT_FOUND);
}

static void edits_keep_their_history(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	int64_t post = 0;
	new_thread(x, x->board, "T", x->anna, 1, "the first words", &post);
	assert_int_equal(f->ops->post_edit(f, post, "anna", 50, "second words",
		"<p>second words</p>", "second words", false, NULL), 0);
	assert_int_equal(f->ops->post_edit(f, post, "moderator mo", 60,
		"third words", "<p>third words</p>", "third words", false, NULL),
		0);
	struct sz_forum_post p;
	assert_int_equal(f->ops->post_get(f, post, true, &p, NULL), 0);
	assert_string_equal(p.source, "third words");
	assert_string_equal(p.html, "<p>third words</p>");
	assert_int_equal(p.edits, 2);
	assert_int_equal(p.edited, 60);
	sz_forum_post_clear(&p);
	struct sz_forum_edit *e = NULL;
	size_t n = 0;
	assert_int_equal(f->ops->post_edits(f, post, &e, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_string_equal(e[0].source, "the first words");
	assert_string_equal(e[0].editor, "anna");
	assert_string_equal(e[1].source, "second words");
	assert_int_equal(e[1].at, 60);
	sz_forum_edits_free(e, n);
	assert_int_equal(hits(x, "third", 0), 1);
	assert_int_equal(hits(x, "first", 0), 0);
	assert_int_equal(f->ops->post_edit(f, 999999, "x", 1, "a", "a", "a",
		false, NULL), SZ_E_NOT_FOUND);
	assert_int_equal(f->ops->post_edit(f, 999999, "x", 1, "a", "a", "a",
		true, NULL), SZ_E_NOT_FOUND);
}

/* An unreviewed edit published through the gap between writing it and
 * holding it: a held edit is one step, so its text is never visible or
 * searchable before approval. */
static void unreviewed_edit_is_never_live(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	int64_t post = 0;
	int64_t t = new_thread(x, x->board, "T", x->anna, 1, "harmless words",
		&post);
	reply(x, t, x->ben, 2, "a reply");
	assert_int_equal(f->ops->post_edit(f, post, "anna", 50, "spamlink now",
		"<p>spamlink now</p>", "spamlink now", true, NULL), 0);
	struct sz_forum_post p;
	assert_int_equal(f->ops->post_get(f, post, true, &p, NULL), 0);
	assert_int_equal(p.state, SZ_POST_PENDING);
	assert_string_equal(p.source, "spamlink now");
	assert_int_equal(p.edits, 1);
	sz_forum_post_clear(&p);
	assert_int_equal(hits(x, "spamlink", 0), 0);
	assert_int_equal(hits(x, "harmless", 0), 0);
	/* approved, it is what readers find */
	assert_int_equal(f->ops->post_set_state(f, post, SZ_POST_VISIBLE, NULL),
		0);
	assert_int_equal(hits(x, "spamlink", 0), 1);
}

static void search_sees_what_readers_may_see(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	int64_t first = 0;
	int64_t t = new_thread(x, x->board, "Bridge invoices", x->anna, 1,
		"The contractor was paid twice", &first);
	int64_t r = reply(x, t, x->ben, 2, "Twice? The ministry denies it");
	reply(x, t, x->ben, 3, "contracting is hard");
	int64_t hidden = new_thread(x, x->board, "Secret", x->anna, 4,
		"contractor gossip", NULL);
	assert_int_equal(hits(x, "contractor", 0), 2);
	assert_int_equal(f->ops->thread_set_state(f, hidden, SZ_THREAD_HIDDEN,
		NULL), 0);
	assert_int_equal(hits(x, "contractor", 0), 1);
	assert_int_equal(hits(x, "bridge", 0), 3);   /* the thread's title */
	assert_int_equal(hits(x, "twice", x->ben), 1);
	assert_int_equal(hits(x, NULL, x->ben), 2);
	/* quotes, operators and column names typed are only words */
	assert_int_equal(hits(x, "\"twice\" OR tags:zm1 NEAR(", 0), 0);

	struct sz_forum_term terms[] = {
		{ "contract", true, false, false },     /* contract* */
		{ "ministry", false, true, false },     /* -ministry */
	};
	struct sz_forum_search q = { terms, 2, 0 };
	struct sz_forum_hits h;
	assert_int_equal(f->ops->search(f, &q, 0, 10, &h, NULL), 0);
	assert_int_equal(h.total, 2);
	assert_true(h.ranked);
	assert_non_null(strchr(h.rows[0].text, SZ_FORUM_MARK_START));
	assert_non_null(strchr(h.rows[0].text, SZ_FORUM_MARK_END));
	assert_null(h.rows[0].html);
	sz_forum_hits_free(&h);
	struct sz_forum_term either[] = {
		{ "denies", false, false, false },
		{ "hard", false, false, true },         /* denies OR hard */
	};
	q.terms = either;
	assert_int_equal(f->ops->search(f, &q, 0, 10, &h, NULL), 0);
	assert_int_equal(h.total, 2);
	sz_forum_hits_free(&h);
	q.nterms = 0;
	assert_int_equal(f->ops->search(f, &q, 0, 10, &h, NULL), SZ_E_INVAL);
	assert_int_equal(f->ops->post_set_state(f, r, SZ_POST_DELETED, NULL), 0);
	assert_int_equal(hits(x, "ministry", 0), 0);
	(void)first;
}

static void moving_and_merging_keep_counts_and_order(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	int64_t other = 0;
	assert_int_equal(f->ops->board_create(f, "Other", "", &other, NULL), 0);
	int64_t a = new_thread(x, x->board, "A", x->anna, 10, "a1", NULL);
	reply(x, a, x->ben, 30, "a2");
	int64_t b = new_thread(x, other, "B", x->ben, 20, "b1", NULL);
	reply(x, b, x->anna, 40, "b2");
	assert_int_equal(f->ops->thread_move(f, a, other, NULL), 0);
	assert_int_equal(board(x, x->board).posts, 0);
	assert_int_equal(board(x, other).threads, 2);
	assert_int_equal(board(x, other).posts, 4);
	assert_int_equal(f->ops->thread_move(f, a, 999999, NULL),
		SZ_E_NOT_FOUND);
	/* an archive discussion merged into a board thread hands over its
	 * subject */
	struct sz_forum_thread_new st = { 0, SZ_SUBJECT_RELEASE, 7, "Release" };
	struct sz_forum_post_new p = post_by(x->anna, 25, "r1");
	int64_t r = 0, pid = 0;
	assert_int_equal(f->ops->thread_create(f, &st, &p, &r, &pid, NULL), 0);
	assert_int_equal(f->ops->thread_merge(f, a, b, NULL), 0);
	assert_int_equal(f->ops->thread_merge(f, r, b, NULL), 0);
	struct sz_forum_thread tb = thread(x, b);
	assert_int_equal(tb.posts, 5);
	assert_int_equal(tb.last_position, 5);
	assert_int_equal(tb.subject, SZ_SUBJECT_RELEASE);
	assert_int_equal(thread(x, a).state, SZ_THREAD_MERGED);
	assert_int_equal(thread(x, a).merged_into, b);
	assert_int_equal(board(x, other).threads, 1);
	assert_int_equal(board(x, other).posts, 5);
	struct sz_forum_post_query q = { b, 0, 20, 0, false, true };
	struct sz_forum_post *rows = NULL;
	size_t n = 0;
	assert_int_equal(f->ops->posts_page(f, &q, &rows, &n, NULL), 0);
	assert_int_equal(n, 5);
	const char *order[] = { "a1", "b1", "r1", "a2", "b2" };
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(rows[i].source, order[i]);
		assert_int_equal(rows[i].position, (int64_t)i + 1);
	}
	sz_forum_posts_free(rows, n);
	struct sz_forum_thread found;
	assert_int_equal(f->ops->thread_of_subject(f, SZ_SUBJECT_RELEASE, 7,
		&found, NULL), 0);
	assert_int_equal(found.id, b);
	assert_int_equal(hits(x, "a1", 0), 1);
	assert_int_equal(f->ops->thread_merge(f, a, b, NULL), SZ_E_NOT_FOUND);
	assert_int_equal(f->ops->thread_merge(f, b, b, NULL), SZ_E_INVAL);
}

/* ---- moderation and abuse ---------------------------------------------- */

static void reports_queue_once_per_member(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	int64_t post = 0;
	new_thread(x, x->board, "T", x->anna, 1, "rude", &post);
	assert_int_equal(f->ops->report_add(f, post, x->ben, "rude", 5, NULL),
		0);
	assert_int_equal(f->ops->report_add(f, post, x->ben, "again", 6, NULL),
		SZ_E_EXISTS);
	assert_int_equal(f->ops->report_add(f, 999999, x->ben, "x", 6, NULL),
		SZ_E_NOT_FOUND);
	struct sz_forum_report *r = NULL;
	size_t n = 0;
	assert_int_equal(f->ops->reports_open(f, 10, &r, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].reason, "rude");
	assert_string_equal(r[0].reporter, "ben");
	assert_string_equal(r[0].thread_title, "T");
	free(r);
	assert_int_equal(f->ops->reports_resolve(f, post, "mo", NULL), 0);
	assert_int_equal(f->ops->reports_open(f, 10, &r, &n, NULL), 0);
	assert_int_equal(n, 0);
	free(r);
}

static void the_log_pages_newest_first(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	for (int i = 0; i < 7; i++) {
		struct sz_forum_log l;
		memset(&l, 0, sizeof(l));
		l.at = 100 + i;
		snprintf(l.actor, sizeof(l.actor), "mo");
		snprintf(l.action, sizeof(l.action), "hid a post");
		l.target = SZ_TARGET_POST;
		l.target_id = i;
		snprintf(l.reason, sizeof(l.reason), "reason %d", i);
		assert_int_equal(f->ops->log_add(f, &l, NULL), 0);
	}
	struct sz_forum_log *rows = NULL;
	size_t n = 0;
	bool more = false;
	assert_int_equal(f->ops->log_page(f, 0, 5, &rows, &n, &more, NULL), 0);
	assert_int_equal(n, 5);
	assert_true(more);
	assert_string_equal(rows[0].reason, "reason 6");
	int64_t last = rows[4].id;
	free(rows);
	assert_int_equal(f->ops->log_page(f, last, 5, &rows, &n, &more, NULL),
		0);
	assert_int_equal(n, 2);
	assert_false(more);
	assert_string_equal(rows[1].reason, "reason 0");
	free(rows);
}

/* Runs sql on the test's database directly (what an older samizdat left
 * there), outside the store. */
static void raw_sql(struct fixture *x, const char *sqlite_sql,
	const char *pg_sql)
{
	if (current->make == NULL) {
		char path[128];
		sqlite3 *db = NULL;
		snprintf(path, sizeof(path), "%s/forum.db", x->dir);
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		char *msg = NULL;
		if (sqlite3_exec(db, sqlite_sql, NULL, NULL, &msg) != SQLITE_OK)
			fail_msg("%s", msg);
		sqlite3_close(db);
		return;
	}
	char conninfo[1200];
	pg_fixture_conninfo(x->dir, conninfo, sizeof(conninfo));
	PGconn *c = PQconnectdb(conninfo);
	PGresult *r = PQexec(c, pg_sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s", PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

/* A post's line in the moderation log keeps the post's number and thread
 * (the page says "#N in TITLE" in the reader's language); a line an
 * older samizdat wrote as English text is taken apart when the schema
 * is brought up to date, and reads the same. */
static void a_posts_log_line_keeps_its_number_and_thread(void **state)
{
	struct fixture *x = *state;
	int64_t t = new_thread(x, x->board, "The ledger", x->anna, 1, "a", NULL);
	int64_t p = reply(x, t, x->ben, 2, "b");
	struct sz_forum_log l;
	memset(&l, 0, sizeof(l));
	l.at = 100;
	snprintf(l.actor, sizeof(l.actor), "mo");
	snprintf(l.action, sizeof(l.action), "hid a post");
	l.target = SZ_TARGET_POST;
	l.target_id = p;
	snprintf(l.about, sizeof(l.about), "The ledger");
	l.position = 2;
	l.thread_id = t;
	assert_int_equal(x->f->ops->log_add(x->f, &l, NULL), 0);
	struct sz_forum_log *rows = NULL;
	size_t n = 0;
	bool more = false;
	assert_int_equal(x->f->ops->log_page(x->f, 0, 5, &rows, &n, &more,
		NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].position, 2);
	assert_int_equal(rows[0].thread_id, t);
	assert_string_equal(rows[0].about, "The ledger");
	free(rows);
	/* the forum as the schema before it left it, with a line of text */
	x->f->ops->close(x->f);
	x->f = NULL;
	char sqlite_sql[512], pg_sql[1024];
	snprintf(sqlite_sql, sizeof(sqlite_sql),
		"DELETE FROM modlog; ALTER TABLE modlog DROP COLUMN position;"
		" ALTER TABLE modlog DROP COLUMN thread_id;"
		" INSERT INTO modlog (at, actor, action, target, target_id, about,"
		" reason) VALUES (100, 'mo', 'hid a post', 1, %lld,"
		" '#2 in The ledger in winter', ''), (101, 'mo', 'hid a thread', 2,"
		" %lld, '#3 in a title', ''); PRAGMA user_version = 3;",
		(long long)p, (long long)t);
	snprintf(pg_sql, sizeof(pg_sql),
		"DELETE FROM modlog; ALTER TABLE modlog DROP COLUMN position,"
		" DROP COLUMN thread_id;"
		" INSERT INTO modlog (at, actor, action, target, target_id, about,"
		" reason) VALUES (100, 'mo', 'hid a post', 1, %lld,"
		" '#2 in The ledger in winter', ''), (101, 'mo', 'hid a thread', 2,"
		" %lld, '#3 in a title', '');"
		" DROP FUNCTION forum_changed_row, forum_changed_board,"
		" forum_changed_posts, forum_changed_threads, forum_changed_members"
		" CASCADE; DROP TABLE forum_changes;"
		" UPDATE schema_version SET version = 2 WHERE part = 'forum';",
		(long long)p, (long long)t);
	raw_sql(x, sqlite_sql, pg_sql);
	assert_int_equal(current->open(&x->f, x->dir, NULL), 0);
	assert_int_equal(x->f->ops->log_page(x->f, 0, 5, &rows, &n, &more,
		NULL), 0);
	assert_int_equal(n, 2);
	/* a thread's title that looks like a post's line is left alone */
	assert_int_equal(rows[0].position, 0);
	assert_string_equal(rows[0].about, "#3 in a title");
	assert_int_equal(rows[1].position, 2);
	assert_int_equal(rows[1].thread_id, t);
	assert_string_equal(rows[1].about, "The ledger in winter");
	free(rows);
}

static void the_version_changes_with_every_change(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f, *other;
	int64_t v0 = 0, v1 = 0, v2 = 0, v3 = 0;
	assert_int_equal(f->ops->version(f, &v0, NULL), 0);
	assert_int_equal(f->ops->version(f, &v1, NULL), 0);
	assert_int_equal(v0, v1);   /* reading changes nothing */
	int64_t t = new_thread(x, x->board, "T", x->anna, 1, "a", NULL);
	assert_int_equal(f->ops->version(f, &v2, NULL), 0);
	assert_true(v2 != v1);
	/* another process's change shows too */
	assert_int_equal(current->open(&other, x->dir, NULL), 0);
	assert_int_equal(other->ops->thread_set_flags(other, t, true, true,
		NULL), 0);
	other->ops->close(other);
	assert_int_equal(f->ops->version(f, &v3, NULL), 0);
	assert_true(v3 != v2);
}

static void a_batch_is_one_transaction(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	assert_int_equal(f->ops->begin(f, NULL), 0);
	assert_int_equal(f->ops->begin(f, NULL), SZ_E_INVAL);
	int64_t t = new_thread(x, x->board, "Bulk", x->anna, 1, "1", NULL);
	for (int i = 0; i < 500; i++)
		reply(x, t, x->ben, 2 + i, "bulk");
	assert_int_equal(f->ops->commit(f, NULL), 0);
	assert_int_equal(f->ops->commit(f, NULL), SZ_E_INVAL);
	assert_int_equal(thread(x, t).posts, 501);
	assert_int_equal(board(x, x->board).posts, 501);
	assert_int_equal(hits(x, "bulk", 0), 501);
}

/* ---- mirrors: the change log and the ids ------------------------------- */

enum { LOG_MAX = 256 };

struct logged {
	struct sz_forum_change rows[LOG_MAX];
	size_t n;
	int64_t last;
};

/* Every row of the change log after `after`, read a few at a time as an
 * export does; checks that seq only grows and that *last is the newest. */
static int64_t changes_since(struct fixture *x, int64_t after,
	struct logged *out)
{
	struct sz_forum_change page[3];
	size_t n = 0;
	int64_t last = 0, at = after;
	memset(out, 0, sizeof(*out));
	assert_int_equal(x->f->ops->changes(x->f, INT64_MAX, 0, page, &n,
		&out->last, NULL), 0);
	assert_int_equal(n, 0);
	do {
		assert_int_equal(x->f->ops->changes(x->f, at, 3, page, &n, &last,
			NULL), 0);
		assert_true(n <= 3);
		assert_true(last >= out->last);
		for (size_t i = 0; i < n; i++) {
			assert_true(page[i].seq > at);
			assert_true(page[i].seq <= last);
			at = page[i].seq;
			assert_true(out->n < LOG_MAX);
			out->rows[out->n++] = page[i];
		}
	} while (n == 3);
	assert_true(out->n == 0 || out->rows[out->n - 1].seq == out->last);
	return out->last;
}

/* What each engine's run of the_change_log_names_what_each_change_touches
 * logged, step by step (each step's kinds and ids, sorted, once each):
 * the engines run in turn, SQLite first, and must agree. */
static char transcript[2][4096];

static int by_kind_and_id(const void *a, const void *b)
{
	const struct sz_forum_change *x = a, *y = b;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static void transcribe(const struct logged *l)
{
	struct sz_forum_change rows[LOG_MAX];
	char *t = transcript[current->make != NULL];
	size_t len = strlen(t);
	memcpy(rows, l->rows, l->n * sizeof(rows[0]));
	qsort(rows, l->n, sizeof(rows[0]), by_kind_and_id);
	for (size_t i = 0; i < l->n; i++) {
		if (i > 0 && by_kind_and_id(&rows[i - 1], &rows[i]) == 0)
			continue;
		len += (size_t)snprintf(t + len, sizeof(transcript[0]) - len,
			"%d:%lld ", (int)rows[i].kind, (long long)rows[i].id);
		assert_true(len < sizeof(transcript[0]));
	}
	len += (size_t)snprintf(t + len, sizeof(transcript[0]) - len, "| ");
	assert_true(len < sizeof(transcript[0]));
}

static bool has(const struct logged *l, enum sz_forum_changed kind,
	int64_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->rows[i].kind == kind && l->rows[i].id == id)
			return true;
	return false;
}

/* The log says which pages an export must write again after each kind
 * of change, and reading or a new password leaves no row in it.  Every
 * step logs the same kinds and ids on both engines (the PostgreSQL run
 * compares its transcript with SQLite's), so an export renders the same
 * pages from either. */
static void the_change_log_names_what_each_change_touches(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	struct logged l;
	transcript[current->make != NULL][0] = '\0';
	int64_t mark = changes_since(x, 0, &l);
	transcribe(&l);
	assert_true(has(&l, SZ_CHANGED_MEMBER, x->anna));   /* joined */
	assert_true(has(&l, SZ_CHANGED_BOARD, x->board));   /* made */

	int64_t t = new_thread(x, x->board, "Ledger", x->anna, 10, "a", NULL);
	mark = changes_since(x, mark, &l);
	transcribe(&l);
	assert_true(has(&l, SZ_CHANGED_THREAD, t));
	assert_true(has(&l, SZ_CHANGED_BOARD, x->board));
	assert_true(has(&l, SZ_CHANGED_MEMBER, x->anna));   /* her count */

	int64_t r = reply(x, t, x->ben, 11, "b");
	mark = changes_since(x, mark, &l);
	transcribe(&l);
	assert_true(has(&l, SZ_CHANGED_THREAD, t));
	assert_true(has(&l, SZ_CHANGED_MEMBER, x->ben));
	assert_false(has(&l, SZ_CHANGED_MEMBER, x->anna));

	/* reading, or a new password: no page changes */
	assert_int_equal(f->ops->member_read(f, x->ben, t, 2, NULL), 0);
	assert_int_equal(f->ops->member_set_password(f, x->ben, "$x", NULL), 0);
	assert_int_equal(changes_since(x, mark, &l), mark);
	assert_int_equal(l.n, 0);

	/* a like: the thread, and the liked author's count */
	assert_int_equal(f->ops->like(f, r, x->anna, true, NULL), 0);
	mark = changes_since(x, mark, &l);
	transcribe(&l);
	assert_true(has(&l, SZ_CHANGED_THREAD, t));
	assert_true(has(&l, SZ_CHANGED_MEMBER, x->ben));
	assert_false(has(&l, SZ_CHANGED_MEMBER, x->anna));

	/* an edit, then hiding the reply */
	assert_int_equal(f->ops->post_edit(f, r, "ben", 12, "c", "<p>c</p>", "c",
		false, NULL), 0);
	mark = changes_since(x, mark, &l);
	transcribe(&l);
	assert_true(has(&l, SZ_CHANGED_THREAD, t));
	assert_int_equal(f->ops->post_set_state(f, r, SZ_POST_HIDDEN, NULL), 0);
	mark = changes_since(x, mark, &l);
	transcribe(&l);
	assert_true(has(&l, SZ_CHANGED_THREAD, t));
	assert_true(has(&l, SZ_CHANGED_MEMBER, x->ben));   /* one post fewer */

	/* what shows beside a member's posts: every thread they wrote in */
	int64_t u = new_thread(x, x->board, "Other", x->ben, 13, "d", NULL);
	mark = changes_since(x, mark, &l);
	transcribe(&l);
	assert_int_equal(f->ops->member_set_labels(f, x->ben, "Auditor", NULL,
		NULL, NULL), 0);
	mark = changes_since(x, mark, &l);
	transcribe(&l);
	assert_true(has(&l, SZ_CHANGED_MEMBER, x->ben));
	assert_true(has(&l, SZ_CHANGED_THREAD, t));
	assert_true(has(&l, SZ_CHANGED_THREAD, u));
	assert_false(has(&l, SZ_CHANGED_MEMBER, x->anna));

	/* a thread hidden: it, its board, and every member who wrote in it */
	assert_int_equal(f->ops->thread_set_state(f, t, SZ_THREAD_HIDDEN, NULL),
		0);
	mark = changes_since(x, mark, &l);
	transcribe(&l);
	assert_true(has(&l, SZ_CHANGED_THREAD, t));
	assert_true(has(&l, SZ_CHANGED_BOARD, x->board));
	assert_true(has(&l, SZ_CHANGED_MEMBER, x->anna));
	assert_true(has(&l, SZ_CHANGED_MEMBER, x->ben));

	/* moved: both boards; a new board shows too */
	int64_t b2 = 0;
	assert_int_equal(f->ops->board_create(f, "Leaks", "", &b2, NULL), 0);
	mark = changes_since(x, mark, &l);
	transcribe(&l);
	assert_true(has(&l, SZ_CHANGED_BOARD, b2));
	assert_int_equal(f->ops->thread_move(f, u, b2, NULL), 0);
	mark = changes_since(x, mark, &l);
	transcribe(&l);
	assert_true(has(&l, SZ_CHANGED_THREAD, u));
	assert_true(has(&l, SZ_CHANGED_BOARD, x->board));
	assert_true(has(&l, SZ_CHANGED_BOARD, b2));

	/* merged: both threads, and the moved posts' authors */
	int64_t v = new_thread(x, b2, "Third", x->anna, 14, "e", NULL);
	mark = changes_since(x, mark, &l);
	transcribe(&l);
	assert_int_equal(f->ops->thread_merge(f, v, u, NULL), 0);
	mark = changes_since(x, mark, &l);
	transcribe(&l);
	assert_true(has(&l, SZ_CHANGED_THREAD, v));
	assert_true(has(&l, SZ_CHANGED_THREAD, u));
	assert_true(has(&l, SZ_CHANGED_MEMBER, x->anna));

	/* a line of the moderation log */
	struct sz_forum_log line, *rows = NULL;
	size_t n = 0;
	bool more = false;
	memset(&line, 0, sizeof(line));
	snprintf(line.actor, sizeof(line.actor), "mo");
	snprintf(line.action, sizeof(line.action), "hid a thread");
	line.target = SZ_TARGET_THREAD;
	line.target_id = t;
	assert_int_equal(f->ops->log_add(f, &line, NULL), 0);
	assert_int_equal(f->ops->log_page(f, 0, 1, &rows, &n, &more, NULL), 0);
	assert_int_equal(n, 1);
	mark = changes_since(x, mark, &l);
	transcribe(&l);
	assert_true(has(&l, SZ_CHANGED_LOG, rows[0].id));
	free(rows);

	/* nothing after the newest */
	assert_int_equal(changes_since(x, mark, &l), mark);
	assert_int_equal(l.n, 0);
	/* the same pages, step by step, on both engines */
	if (current->make != NULL && transcript[0][0] != '\0')
		assert_string_equal(transcript[1], transcript[0]);
}

/* A writer outside the store whose transaction stays open until
 * slow_commit: it has written (and, on PostgreSQL, taken its seq). */
struct slow {
	sqlite3 *db;
	PGconn *pg;
};

static void slow_begin(struct fixture *x, struct slow *w, const char *sql)
{
	memset(w, 0, sizeof(*w));
	if (current->make == NULL) {
		char path[128];
		snprintf(path, sizeof(path), "%s/forum.db", x->dir);
		assert_int_equal(sqlite3_open(path, &w->db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(w->db, "BEGIN IMMEDIATE", NULL, NULL,
			NULL), SQLITE_OK);
		assert_int_equal(sqlite3_exec(w->db, sql, NULL, NULL, NULL),
			SQLITE_OK);
		return;
	}
	char conninfo[1200];
	pg_fixture_conninfo(x->dir, conninfo, sizeof(conninfo));
	w->pg = PQconnectdb(conninfo);
	assert_int_equal(PQstatus(w->pg), CONNECTION_OK);
	PQclear(PQexec(w->pg, "BEGIN"));
	PGresult *r = PQexec(w->pg, sql);
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
}

static void slow_commit(struct slow *w)
{
	if (w->db != NULL) {
		assert_int_equal(sqlite3_exec(w->db, "COMMIT", NULL, NULL, NULL),
			SQLITE_OK);
		sqlite3_close(w->db);
	} else {
		PGresult *r = PQexec(w->pg, "COMMIT");
		assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
		PQclear(r);
		PQfinish(w->pg);
	}
}

/* An export reads the log while a slow writer's transaction is open:
 * the slow change is in that read or in the next one, which goes on
 * from the last seq the first said.  On PostgreSQL many write at once,
 * and a quicker writer commits a later seq meanwhile: an export that
 * read that one alone would carry on past the slow seq and never render
 * what it changed.  (SQLite has one writer at a time: there the next
 * read finds it.) */
static void a_change_committed_late_is_never_skipped(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	struct logged l;
	struct slow w;
	int64_t slow_board = 0;
	assert_int_equal(f->ops->board_create(f, "Slow", "", &slow_board, NULL),
		0);
	int64_t mark = changes_since(x, 0, &l);
	int out[2], go[2];
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(go), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* the export, in a process of its own (open before the slow
		 * writer starts, reading once it has): the slow change seen, and
		 * the last seq it would go on from */
		struct sz_forum *g = NULL;
		struct sz_forum_change rows[LOG_MAX];
		size_t n = 0;
		int64_t answer[2] = { 0, 0 };
		char c;
		close(out[0]);
		close(go[1]);
		if (current->open(&g, x->dir, NULL) != 0 ||
		    read(go[0], &c, 1) != 1 ||
		    g->ops->changes(g, mark, LOG_MAX, rows, &n, &answer[1],
		    NULL) != 0)
			_exit(1);
		for (size_t i = 0; i < n; i++)
			if (rows[i].kind == SZ_CHANGED_BOARD &&
			    rows[i].id == slow_board)
				answer[0] = 1;
		g->ops->close(g);
		_exit(write(out[1], answer, sizeof(answer)) == sizeof(answer) ?
			0 : 1);
	}
	close(out[1]);
	close(go[0]);
	char sql[128];
	snprintf(sql, sizeof(sql), "UPDATE boards SET about = 'renamed'"
		" WHERE id = %lld", (long long)slow_board);
	slow_begin(x, &w, sql);
	if (w.pg != NULL)
		new_thread(x, x->board, "Quick", x->anna, 1, "q", NULL);
	assert_int_equal(write(go[1], "r", 1), 1);
	close(go[1]);
	/* on PostgreSQL, until the export has read or is held back by the
	 * log's lock while the slow one is open (SQLite has one writer: the
	 * export's read, before or after, is the case below either way) */
	if (w.pg != NULL)
		pg_fixture_await(out[0], w.pg);
	slow_commit(&w);
	int64_t answer[2] = { 0, 0 };
	assert_int_equal(read(out[0], answer, sizeof(answer)), sizeof(answer));
	close(out[0]);
	int status = -1;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	changes_since(x, answer[1], &l);
	assert_true(answer[0] == 1 || has(&l, SZ_CHANGED_BOARD, slow_board));
}

/* A batch's posts are logged as one by one: its threads and authors. */
static void a_batch_logs_every_thread_it_touched(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	struct logged l;
	int64_t t = new_thread(x, x->board, "A", x->anna, 1, "1", NULL);
	int64_t u = new_thread(x, x->board, "B", x->anna, 2, "2", NULL);
	int64_t mark = changes_since(x, 0, &l);
	assert_int_equal(f->ops->begin(f, NULL), 0);
	for (int i = 0; i < 20; i++)
		reply(x, i % 2 ? t : u, x->ben, 3 + i, "bulk");
	assert_int_equal(f->ops->commit(f, NULL), 0);
	changes_since(x, mark, &l);
	assert_true(has(&l, SZ_CHANGED_THREAD, t));
	assert_true(has(&l, SZ_CHANGED_THREAD, u));
	assert_true(has(&l, SZ_CHANGED_BOARD, x->board));
	assert_true(has(&l, SZ_CHANGED_MEMBER, x->ben));
}

/* The ids an export renders: threads a reader may open (visible, or
 * merged: its page says where it went) and active members, ascending,
 * a bounded batch at a time. */
static void ids_list_what_readers_see_a_batch_at_a_time(void **state)
{
	struct fixture *x = *state;
	struct sz_forum *f = x->f;
	int64_t th[6], ids[SZ_FORUM_IDS_MAX + 1], want[6];
	size_t n = 0, nw = 0;
	struct sz_err err;
	for (int i = 0; i < 6; i++)
		th[i] = new_thread(x, x->board, "T", x->anna, 1 + i, "x", NULL);
	assert_int_equal(f->ops->thread_set_state(f, th[1], SZ_THREAD_HIDDEN,
		NULL), 0);
	assert_int_equal(f->ops->thread_set_state(f, th[2], SZ_THREAD_DELETED,
		NULL), 0);
	assert_int_equal(f->ops->thread_merge(f, th[3], th[0], NULL), 0);
	want[nw++] = th[0];
	want[nw++] = th[3];      /* merged: its page points on */
	want[nw++] = th[4];
	want[nw++] = th[5];
	/* two at a time, as far as they go */
	int64_t after = 0;
	size_t seen = 0;
	do {
		assert_int_equal(f->ops->ids(f, SZ_TARGET_THREAD, after, 2, ids, &n,
			NULL), 0);
		for (size_t i = 0; i < n; i++) {
			assert_true(seen < nw);
			assert_int_equal(ids[i], want[seen++]);
			after = ids[i];
		}
	} while (n == 2);
	assert_int_equal(seen, nw);

	int64_t carla = add_member(f, "carla"), dora = add_member(f, "dora");
	assert_int_equal(f->ops->member_set_state(f, carla, SZ_MEMBER_PENDING,
		NULL), 0);
	assert_int_equal(f->ops->member_delete(f, dora, NULL), 0);
	assert_int_equal(f->ops->ids(f, SZ_TARGET_MEMBER, 0, SZ_FORUM_IDS_MAX,
		ids, &n, NULL), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], x->anna);
	assert_int_equal(ids[1], x->ben);
	assert_int_equal(f->ops->ids(f, SZ_TARGET_MEMBER, x->ben, 10, ids, &n,
		NULL), 0);
	assert_int_equal(n, 0);

	/* refused: no ids, or more than a batch; posts are not listed */
	assert_int_equal(f->ops->ids(f, SZ_TARGET_THREAD, 0, 0, ids, &n, &err),
		SZ_E_INVAL);
	assert_int_equal(n, 0);
	assert_int_equal(f->ops->ids(f, SZ_TARGET_THREAD, 0,
		SZ_FORUM_IDS_MAX + 1, ids, &n, &err), SZ_E_INVAL);
	assert_non_null(strstr(err.msg, "1 to"));
	assert_int_equal(f->ops->ids(f, SZ_TARGET_POST, 0, 10, ids, &n, &err),
		SZ_E_INVAL);
	assert_non_null(strstr(err.msg, "threads and members"));
}

/* Rolled-back transactions in the test's PostgreSQL database so far (a
 * writer retried after a serialization failure rolls back once); 0 on
 * SQLite, whose writers wait for each other instead. */
static long pg_rollbacks(const char *dir)
{
	if (current->make == NULL)
		return 0;
	char conninfo[1200];
	pg_fixture_conninfo(dir, conninfo, sizeof(conninfo));
	PGconn *c = PQconnectdb(conninfo);
	PGresult *r = PQexec(c, "SELECT xact_rollback FROM pg_stat_database"
		" WHERE datname = current_database()");
	long n = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ?
		atol(PQgetvalue(r, 0, 0)) : -1;
	PQclear(r);
	PQfinish(c);
	return n;
}

/* Posters in different threads at once, each in a process of its own (as
 * public processes behind a load balancer): every post is kept and
 * counted, and on PostgreSQL none of them had to be retried, because no
 * row (the version, the totals, the board's counts) is common to them. */
static void concurrent_posters_in_different_threads_never_conflict(
	void **state)
{
	struct fixture *x = *state;
	enum { POSTERS = 4, POSTS = 60 };
	int64_t threads[POSTERS], authors[POSTERS], v0 = 0, v1 = 0;
	struct sz_forum_totals t0, t1;
	char name[16];
	for (int i = 0; i < POSTERS; i++) {
		snprintf(name, sizeof(name), "poster%d", i);
		authors[i] = add_member(x->f, name);
		threads[i] = new_thread(x, x->board, name, authors[i], 1, "start",
			NULL);
	}
	assert_int_equal(x->f->ops->totals(x->f, &t0, NULL), 0);
	assert_int_equal(x->f->ops->version(x->f, &v0, NULL), 0);
	long before = pg_rollbacks(x->dir);
	int go[2];
	assert_int_equal(pipe(go), 0);
	pid_t pids[POSTERS];
	for (int i = 0; i < POSTERS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			char c;
			struct sz_forum *f = NULL;
			struct sz_err err;
			close(go[1]);
			if (current->open(&f, x->dir, &err) != 0 ||
			    read(go[0], &c, 1) != 0)   /* all start when it closes */
				_exit(1);
			for (int k = 0; k < POSTS; k++) {
				struct sz_forum_post_new p = post_by(authors[i], 2 + k,
					"at once");
				int64_t id = 0, pos = 0;
				p.thread_id = threads[i];
				if (f->ops->post_add(f, &p, &id, &pos, &err) != 0) {
					fprintf(stderr, "poster %d: %s\n", i, err.msg);
					_exit(1);
				}
			}
			f->ops->close(f);
			_exit(0);
		}
	}
	close(go[0]);
	usleep(200 * 1000);   /* every child connected */
	close(go[1]);
	for (int i = 0; i < POSTERS; i++) {
		int status = -1;
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	for (int i = 0; i < POSTERS; i++)
		assert_int_equal(thread(x, threads[i]).posts, 1 + POSTS);
	assert_int_equal(board(x, x->board).posts, POSTERS * (1 + POSTS));
	assert_int_equal(board(x, x->board).threads, POSTERS);
	assert_int_equal(x->f->ops->totals(x->f, &t1, NULL), 0);
	assert_int_equal(t1.posts - t0.posts, POSTERS * POSTS);
	assert_int_equal(t1.threads, t0.threads);
	assert_int_equal(x->f->ops->version(x->f, &v1, NULL), 0);
	assert_true(v1 != v0);
	long after = pg_rollbacks(x->dir);
	if (after != before)
		fprintf(stderr, "%s: %ld transactions rolled back\n",
			current->name, after - before);
	assert_int_equal(after, before);
}

/* Faces start together: each process opening a new forum at once finds
 * it ready (its schema made once), none fails on the others' tables. */
static void processes_opening_a_new_forum_at_once_all_succeed(void **state)
{
	(void)state;
	enum { OPENERS = 4 };
	char dir[64];
	snprintf(dir, sizeof(dir), "/tmp/sz-forum-XXXXXX");
	assert_non_null(mkdtemp(dir));
	if (current->make != NULL)
		assert_true(current->make(dir));
	int go[2];
	assert_int_equal(pipe(go), 0);
	pid_t pids[OPENERS];
	for (int i = 0; i < OPENERS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0) {
			char c;
			close(go[1]);
			if (read(go[0], &c, 1) != 0)   /* all start when it closes */
				_exit(2);
			struct sz_forum *f = NULL;
			struct sz_err err;
			if (current->open(&f, dir, &err) != 0) {
				fprintf(stderr, "opener %d: %s\n", i, err.msg);
				_exit(1);
			}
			f->ops->close(f);
			_exit(0);
		}
	}
	close(go[0]);
	close(go[1]);
	for (int i = 0; i < OPENERS; i++) {
		int status = -1;
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	struct sz_forum *f = NULL;
	assert_int_equal(current->open(&f, dir, NULL), 0);
	int64_t board = 0;
	assert_int_equal(f->ops->board_create(f, "General", "Talk", &board,
		NULL), 0);
	f->ops->close(f);
	current->drop(dir);
	rmdir(dir);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
#define NBACKENDS (sizeof(backends) / sizeof(backends[0]))

int main(void)
{
	const struct CMUnitTest cases[] = {
		T(member_keys_are_unique_and_reserved_keys_taken),
		T(an_invitation_is_used_once_with_the_account),
		T(member_settings_and_deletion),
		T(reading_counts_only_what_is_new),
		T(a_thread_starts_with_its_post_and_counts_follow),
		T(a_subject_has_one_discussion_on_the_archive_board),
		T(thread_pages_are_positions_and_never_shift),
		T(a_pending_post_shows_to_its_author_and_staff_only),
		T(a_thread_whose_first_post_waits_is_not_listed),
		T(board_pages_by_key_in_both_directions),
		T(latest_replies_and_a_members_posts),
		T(likes_count_once_and_only_on_visible_posts),
		T(edits_keep_their_history),
		T(unreviewed_edit_is_never_live),
		T(search_sees_what_readers_may_see),
		T(moving_and_merging_keep_counts_and_order),
		T(reports_queue_once_per_member),
		T(the_log_pages_newest_first),
		T(a_posts_log_line_keeps_its_number_and_thread),
		T(the_version_changes_with_every_change),
		T(a_batch_is_one_transaction),
		T(the_change_log_names_what_each_change_touches),
		T(a_batch_logs_every_thread_it_touched),
		T(a_change_committed_late_is_never_skipped),
		T(ids_list_what_readers_see_a_batch_at_a_time),
		T(concurrent_posters_in_different_threads_never_conflict),
		cmocka_unit_test_setup(
			processes_opening_a_new_forum_at_once_all_succeed, choose),
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
	return pg_fixture_run("forum store", cases,
		sizeof(cases) / sizeof(cases[0]), engine, state, absent,
		NBACKENDS);
}
