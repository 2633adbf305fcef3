/*
 * test_archive_store.c - the archive's storage (store/archive.h) as every
 * back end must honour it: the same cases on SQLite and on a throw-away
 * PostgreSQL (tests/pg/): what a draft hides and publishing shows, the
 * same hits for a table of readers' searches (words, phrases, prefixes,
 * exclusions, OR, from:/to:/release:/type:/date filters), snippets with
 * their markers, facets, the browse indexes, the change log mirrors
 * read, "did you mean", and removal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>
#include <sodium.h>

#include "pg_fixture.h"
#include "search/query.h"
#include "store/archive.h"

int sz_archive_open_sqlite(struct sz_archive **out, const char *dir,
	bool create, bool read_only, struct sz_err *err);

/* ---- back ends ------------------------------------------------------------ */

struct backend {
	const char *name;
	int (*open)(struct sz_archive **a, const char *dir, struct sz_err *err);
	bool (*make)(const char *dir);
	void (*drop)(const char *dir);
	bool (*absent)(void);
};

static int sqlite_open(struct sz_archive **a, const char *dir,
	struct sz_err *err)
{
	return sz_archive_open_sqlite(a, dir, true, false, err);
}

static void sqlite_drop(const char *dir)
{
	static const char *const files[] = { "archive.db", "archive.db-wal",
		"archive.db-shm", NULL };
	char path[128];
	for (const char *const *n = files; *n; n++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *n);
		unlink(path);
	}
}

static int pg_open(struct sz_archive **a, const char *dir, struct sz_err *err)
{
	char conninfo[1200];
	pg_fixture_conninfo(dir, conninfo, sizeof(conninfo));
	return sz_archive_open_postgres(a, dir, conninfo, err);
}

static bool pg_absent(void)
{
	return pg_fixture_cluster() == NULL;
}

static const struct backend backends[] = {
	{ "sqlite", sqlite_open, NULL, sqlite_drop, NULL },
	{ "postgresql", pg_open, pg_fixture_create, pg_fixture_drop,
	  pg_absent },
};
#define NBACKENDS (sizeof(backends) / sizeof(backends[0]))

static const struct backend *current;

static int choose(void **state)
{
	current = *state;
	return 0;
}

/* ---- an archive ----------------------------------------------------------- */

struct fixture {
	char dir[64];
	struct sz_archive *a;
	int64_t rel, draft;          /* a published release and a draft */
	int64_t report, memo, mail[4];
};

static int64_t add_doc(struct sz_archive *a, int64_t rel, const char *title,
	const char *type, const char *sha, const char *text)
{
	struct sz_doc_row d;
	memset(&d, 0, sizeof(d));
	d.release_id = rel;
	snprintf(d.title, sizeof(d.title), "%s", title);
	snprintf(d.filename, sizeof(d.filename), "%s.%s", sha, type);
	snprintf(d.type, sizeof(d.type), "%s", type);
	snprintf(d.sha256, sizeof(d.sha256), "%s", sha);
	d.size = strlen(text);
	d.summary = (char *)"";
	int64_t id = 0;
	struct sz_err err;
	if (a->ops->doc_add(a, &d, text, strlen(text), &id, &err) != 0)
		fail_msg("doc_add: %s", err.msg);
	return id;
}

static int64_t add_mail(struct sz_archive *a, int64_t rel, int64_t num,
	const char *subject, const char *from, const char *to, int64_t date,
	const char *thread, const char *text)
{
	struct sz_doc_row d;
	char sha[SZ_ARCHIVE_SHA256_HEX], list[300];
	memset(&d, 0, sizeof(d));
	snprintf(sha, sizeof(sha), "%064lld", (long long)(1000 + num));
	snprintf(list, sizeof(list), "%s\t\n", to);
	d.release_id = rel;
	d.email = true;
	snprintf(d.title, sizeof(d.title), "%s", subject);
	snprintf(d.filename, sizeof(d.filename), "%lld.eml", (long long)num);
	snprintf(d.type, sizeof(d.type), "email");
	snprintf(d.sha256, sizeof(d.sha256), "%s", sha);
	d.size = strlen(text);
	d.summary = (char *)"";
	snprintf(d.collection, sizeof(d.collection), "inbox");
	d.num = num;
	snprintf(d.thread, sizeof(d.thread), "%s", thread);
	snprintf(d.message_id, sizeof(d.message_id), "m%lld.%lld@example.org",
		(long long)rel, (long long)num);
	d.date = date;
	snprintf(d.from_addr, sizeof(d.from_addr), "%s", from);
	snprintf(d.from_name, sizeof(d.from_name), "Someone");
	d.to = list;
	d.cc = (char *)"";
	d.raw_form = SZ_RAW_VERIFIABLE;
	int64_t id = 0;
	struct sz_err err;
	if (a->ops->doc_add(a, &d, text, strlen(text), &id, &err) != 0)
		fail_msg("doc_add: %s", err.msg);
	return id;
}

static int setup(void **state)
{
	choose(state);
	struct fixture *x = calloc(1, sizeof(*x));
	struct sz_err err;
	snprintf(x->dir, sizeof(x->dir), "/tmp/sz-archive-XXXXXX");
	assert_non_null(mkdtemp(x->dir));
	char files[128];
	snprintf(files, sizeof(files), "%s/%s", x->dir, SZ_ARCHIVE_DIR);
	assert_int_equal(mkdir(files, 0700), 0);
	if (current->make != NULL)
		assert_true(current->make(x->dir));
	if (current->open(&x->a, x->dir, &err) != 0)
		fail_msg("%s: %s", current->name, err.msg);
	struct sz_archive *a = x->a;
	assert_int_equal(a->ops->release_create(a, "Budget papers", "2024-04-01",
		"What the ministry spent.", &x->rel, &err), 0);
	assert_int_equal(a->ops->release_create(a, "Unfinished", "2024-05-01",
		"", &x->draft, &err), 0);
	x->report = add_doc(a, x->rel, "Secret budget report", "pdf",
		"aa11", "The secret budget of the ministry grew. Pensions fell.");
	x->memo = add_doc(a, x->rel, "Pension memo", "docx", "bb22",
		"A memo about pensions and the budgeting office.");
	x->mail[0] = add_mail(a, x->rel, 1, "Budget meeting",
		"anna@example.org", "ben@example.net", 1709294400 /* 2024-03-01 */,
		"t1", "Let us meet about the budget on Friday.");
	x->mail[1] = add_mail(a, x->rel, 2, "Re: Budget meeting",
		"ben@example.net", "anna@example.org", 1709380800 /* 03-02 */,
		"t1", "Friday suits me; bring the secret figures.");
	x->mail[2] = add_mail(a, x->rel, 3, "Holiday",
		"carl@example.com", "anna@example.org", 1712000000 /* 04-01 */,
		"t2", "Off to the seaside next week.");
	x->mail[3] = add_mail(a, x->draft, 1, "Unpublished budget",
		"dora@example.org", "ben@example.net", 1712000000, "t3",
		"A budget nobody may see yet.");
	assert_int_equal(a->ops->release_set_state(a, x->rel,
		SZ_RELEASE_PUBLISHED, &err), 0);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *x = *state;
	x->a->ops->close(x->a);
	current->drop(x->dir);
	char files[128];
	snprintf(files, sizeof(files), "%s/%s", x->dir, SZ_ARCHIVE_DIR);
	rmdir(files);
	rmdir(x->dir);
	free(x);
	return 0;
}

/* The hits of a reader's search (their ids into ids, up to 16). */
static int64_t search(struct fixture *x, const char *text, bool drafts,
	int64_t *ids, struct sz_search_result *keep)
{
	struct sz_query q;
	struct sz_archive_query aq;
	struct sz_search_result res;
	struct sz_err err;
	if (sz_query_parse(&q, text, strlen(text)) != 0)
		fail_msg("%s: %s", text, q.error);
	sz_query_to_archive(&q, drafts, &aq);
	aq.time_ms = 5000;
	if (x->a->ops->search(x->a, &aq, 0, 16, &res, &err) != 0)
		fail_msg("%s: %s", text, err.msg);
	for (size_t i = 0; ids != NULL && i < res.nhits && i < 16; i++)
		ids[i] = res.hits[i].doc.id;
	int64_t total = res.total;
	if (keep != NULL)
		*keep = res;
	else
		sz_search_result_free(&res);
	sz_query_free(&q);
	return total;
}

/* ---- cases ----------------------------------------------------------------- */

static void a_draft_is_seen_only_when_asked_and_publishing_shows_it(
	void **state)
{
	struct fixture *x = *state;
	struct sz_archive *a = x->a;
	struct sz_release_row *rows;
	size_t n;
	int64_t total;
	struct sz_err err;
	assert_int_equal(a->ops->release_list(a, false, 0, 10, &rows, &n, &total,
		&err), 0);
	assert_int_equal(total, 1);
	assert_int_equal(rows[0].id, x->rel);
	assert_int_equal(rows[0].documents, 2);
	assert_int_equal(rows[0].emails, 3);
	sz_release_rows_free(rows, n);
	assert_int_equal(search(x, "unpublished", false, NULL, NULL), 0);
	assert_int_equal(search(x, "unpublished", true, NULL, NULL), 1);
	assert_int_equal(a->ops->release_set_state(a, x->draft,
		SZ_RELEASE_PUBLISHED, &err), 0);
	assert_int_equal(search(x, "unpublished", false, NULL, NULL), 1);
	assert_int_equal(a->ops->release_list(a, false, 0, 10, &rows, &n, &total,
		&err), 0);
	assert_int_equal(total, 2);
	sz_release_rows_free(rows, n);
	assert_int_equal(a->ops->release_set_state(a, 999, SZ_RELEASE_PUBLISHED,
		&err), SZ_E_NOT_FOUND);
	/* the feed id's day is the date when first published, kept when the
	 * date is edited */
	struct sz_release_row r;
	assert_int_equal(a->ops->release_update(a, x->rel, "Budget papers",
		"2024-06-30", "", &err), 0);
	assert_int_equal(a->ops->release_get(a, x->rel, &r, &err), 0);
	assert_string_equal(r.day, "2024-06-30");
	assert_string_equal(r.tag_day, "2024-04-01");
	free(r.intro);
}

static void an_email_is_found_by_its_message_id(void **state)
{
	struct fixture *x = *state;
	int64_t id, count;
	struct sz_err err;
	char mid[64];
	snprintf(mid, sizeof(mid), "<m%lld.2@example.org>", (long long)x->rel);
	assert_int_equal(x->a->ops->email_by_message_id(x->a, x->rel, mid, &id,
		&count, &err), 0);
	assert_int_equal(id, x->mail[1]);
	assert_int_equal(count, 1);
	assert_int_equal(x->a->ops->email_by_message_id(x->a, x->draft, mid, &id,
		&count, &err), SZ_E_NOT_FOUND);
}

static void every_engine_finds_the_same_documents(void **state)
{
	struct fixture *x = *state;
	char buf[64];
	snprintf(buf, sizeof(buf), "release:%lld budget", (long long)x->rel);
	const struct { const char *q; int64_t total; } table[] = {
		{ "budget", 3 },                 /* title or text */
		{ "\"secret budget\"", 1 },      /* a phrase */
		{ "budg*", 4 },                  /* budgeting too */
		{ "budget -secret", 1 },
		{ "seaside OR pensions", 3 },
		{ "from:anna@example.org", 1 },
		{ "to:anna@example.org", 2 },
		{ "from:example.net budget", 1 },
		{ "type:pdf", 1 },
		{ "date:2024-03", 2 },
		{ "after:2024-03-15", 1 },
		{ "before:2024-03-02 budget", 1 },
		{ buf, 3 },
		{ "nothingatall", 0 },
	};
	int wrong = 0;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		int64_t got = search(x, table[i].q, false, NULL, NULL);
		if (got != table[i].total && ++wrong)
			print_error("%s: \"%s\" finds %lld, not %lld\n", current->name,
				table[i].q, (long long)got, (long long)table[i].total);
	}
	assert_int_equal(wrong, 0);
}

static void the_title_ranks_first_and_snippets_mark_matches(void **state)
{
	struct fixture *x = *state;
	struct sz_search_result res;
	int64_t ids[16] = { 0 };
	assert_int_equal(search(x, "secret", false, ids, &res), 2);
	assert_true(res.ranked);
	assert_int_equal(ids[0], x->report);   /* in its title */
	const char *s = res.hits[0].snippet;
	assert_non_null(s);
	assert_non_null(strchr(s, SZ_SEARCH_MARK_START));
	assert_non_null(strchr(s, SZ_SEARCH_MARK_END));
	assert_non_null(strstr(s, "\x02secret\x03"));
	assert_non_null(strstr(s, "ministry"));
	/* facets: one release, two types */
	assert_true(res.faceted);
	assert_int_equal(res.nrelease, 1);
	assert_string_equal(res.by_release[0].key, "Budget papers");
	assert_int_equal(res.by_release[0].count, 2);
	assert_int_equal(res.ntype, 2);
	sz_search_result_free(&res);
}

/* A phrase is marked as one, on both engines; the same words searched
 * one by one keep a marker each. */
static void a_phrase_is_marked_as_one(void **state)
{
	struct fixture *x = *state;
	struct sz_search_result res;
	assert_int_equal(search(x, "\"secret budget\"", false, NULL, &res), 1);
	assert_non_null(strstr(res.hits[0].snippet, "\x02secret budget\x03"));
	sz_search_result_free(&res);
	assert_int_equal(search(x, "secret budget ministry", false, NULL, &res),
		1);
	assert_non_null(strstr(res.hits[0].snippet,
		"\x02secret\x03 \x02" "budget\x03"));
	sz_search_result_free(&res);
}

static void the_newest_comes_first_when_asked(void **state)
{
	struct fixture *x = *state;
	struct sz_query q;
	struct sz_archive_query aq;
	struct sz_search_result res;
	struct sz_err err;
	assert_int_equal(sz_query_parse(&q, "budget", 6), 0);
	sz_query_to_archive(&q, false, &aq);
	aq.order = SZ_ORDER_NEWEST;
	assert_int_equal(x->a->ops->search(x->a, &aq, 0, 10, &res, &err), 0);
	assert_int_equal(res.nhits, 3);
	/* the release's documents carry its day (2024-04-01), after the
	 * e-mails of March */
	assert_int_equal(res.hits[0].doc.id, x->report);
	assert_int_equal(res.hits[1].doc.id, x->mail[1]);
	assert_int_equal(res.hits[2].doc.id, x->mail[0]);
	sz_search_result_free(&res);
	aq.order = SZ_ORDER_OLDEST;
	assert_int_equal(x->a->ops->search(x->a, &aq, 0, 10, &res, &err), 0);
	assert_int_equal(res.hits[0].doc.id, x->mail[0]);
	sz_search_result_free(&res);
	sz_query_free(&q);
}

static void browse_indexes_count_published_mail(void **state)
{
	struct fixture *x = *state;
	struct sz_archive *a = x->a;
	struct sz_count_row *rows;
	struct sz_doc_row *docs;
	size_t n;
	int64_t total;
	struct sz_err err;
	assert_int_equal(a->ops->months(a, false, 0, 10, &rows, &n, &total, &err),
		0);
	assert_int_equal(total, 2);
	assert_string_equal(rows[0].key, "2024-04");
	assert_int_equal(rows[0].count, 1);
	assert_string_equal(rows[1].key, "2024-03");
	assert_int_equal(rows[1].count, 2);
	free(rows);
	assert_int_equal(a->ops->addresses(a, "from", false, 0, 10, &rows, &n,
		&total, &err), 0);
	assert_int_equal(total, 3);
	assert_string_equal(rows[0].key, "anna@example.org");
	free(rows);
	assert_int_equal(a->ops->addresses(a, "to", true, 0, 10, &rows, &n,
		&total, &err), 0);
	assert_int_equal(total, 2);
	assert_string_equal(rows[1].key, "ben@example.net");
	assert_int_equal(rows[1].count, 2);   /* the draft's too */
	free(rows);
	assert_int_equal(a->ops->by_month(a, "2024-03", false, 0, 10, &docs, &n,
		&total, &err), 0);
	assert_int_equal(total, 2);
	assert_int_equal(docs[0].id, x->mail[0]);
	sz_doc_rows_free(docs, n);
	assert_int_equal(a->ops->by_address(a, "ANNA@example.org", "to", false, 0,
		10, &docs, &n, &total, &err), 0);
	assert_int_equal(total, 2);
	assert_int_equal(docs[0].id, x->mail[2]);   /* newest first */
	sz_doc_rows_free(docs, n);
	assert_int_equal(a->ops->thread(a, "t1", false, &docs, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(docs[1].title, "Re: Budget meeting");
	assert_string_equal(docs[1].from_addr, "ben@example.net");
	sz_doc_rows_free(docs, n);
	assert_int_equal(a->ops->doc_recipients(a, x->mail[0], &rows, &n, &err),
		0);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].key, "ben@example.net");
	free(rows);
	/* a release's lists, and the neighbours of one of them */
	assert_int_equal(a->ops->doc_list(a, x->rel, false, 0, 10, &docs, &n,
		&total, &err), 0);
	assert_int_equal(total, 2);
	assert_string_equal(docs[0].title, "Pension memo");
	struct sz_doc_row prev, next;
	assert_int_equal(a->ops->doc_adjacent(a, &docs[0], &prev, &next, &err),
		0);
	assert_int_equal(prev.id, 0);
	assert_int_equal(next.id, x->report);
	sz_doc_row_clear(&prev);
	sz_doc_row_clear(&next);
	sz_doc_rows_free(docs, n);
}

/* The ids of a release's e-mails read a page of one at a time, at the
 * offsets given (a copy reads each page twice, HTML then JSON), with the
 * total each page says. */
static void page_ids(struct sz_archive *a, int64_t rel, const size_t *offs,
	size_t n, int64_t *ids, int64_t *total)
{
	struct sz_err err;
	for (size_t i = 0; i < n; i++) {
		struct sz_doc_row *docs;
		size_t got;
		assert_int_equal(a->ops->doc_list(a, rel, true, offs[i], 1, &docs,
			&got, total, &err), 0);
		ids[i] = got == 1 ? docs[0].id : 0;
		sz_doc_rows_free(docs, got);
	}
}

/* A copy pages through a release while the newsroom adds to it: each
 * page, count and document is the archive as it is now, never as a page
 * read before it left it. */
static void a_release_paged_through_shows_every_change(void **state)
{
	struct fixture *x = *state;
	struct sz_archive *a = x->a;
	struct sz_release_row r;
	struct sz_doc_row d;
	struct sz_err err;
	static const size_t offs[] = { 0, 0, 1, 1, 2, 2, 3 };
	int64_t ids[7], total;
	page_ids(a, x->rel, offs, 7, ids, &total);
	assert_int_equal(total, 3);
	assert_int_equal(ids[0], x->mail[0]);
	assert_int_equal(ids[1], x->mail[0]);
	assert_int_equal(ids[2], x->mail[1]);
	assert_int_equal(ids[3], x->mail[1]);
	assert_int_equal(ids[5], x->mail[2]);
	assert_int_equal(ids[6], 0);
	memset(&d, 0, sizeof(d));
	assert_int_equal(a->ops->doc_get(a, x->mail[1], &d, &err), 0);
	assert_string_equal(d.summary, "");
	sz_doc_row_clear(&d);
	assert_int_equal(a->ops->release_get(a, x->rel, &r, &err), 0);
	assert_int_equal(r.emails, 3);
	assert_int_equal(r.documents, 2);
	free(r.intro);
	/* a new e-mail, between two known ones in the release's order */
	int64_t added = add_mail(a, x->rel, 0, "Agenda", "anna@example.org",
		"ben@example.net", 1709200000, "t4", "The agenda.");
	assert_int_equal(a->ops->doc_set_summary(a, x->mail[1], "Friday.",
		&err), 0);
	page_ids(a, x->rel, offs, 7, ids, &total);
	assert_int_equal(total, 4);
	assert_int_equal(ids[0], added);
	assert_int_equal(ids[2], x->mail[0]);
	assert_int_equal(ids[4], x->mail[1]);
	assert_int_equal(ids[6], x->mail[2]);
	memset(&d, 0, sizeof(d));
	assert_int_equal(a->ops->doc_get(a, x->mail[1], &d, &err), 0);
	assert_string_equal(d.summary, "Friday.");
	sz_doc_row_clear(&d);
	assert_int_equal(a->ops->release_get(a, x->rel, &r, &err), 0);
	assert_int_equal(r.emails, 4);
	free(r.intro);
}

static void a_repeated_file_is_not_added_twice(void **state)
{
	struct fixture *x = *state;
	struct sz_doc_row d;
	int64_t id = 0;
	struct sz_err err;
	memset(&d, 0, sizeof(d));
	d.release_id = x->rel;
	snprintf(d.title, sizeof(d.title), "Again");
	snprintf(d.type, sizeof(d.type), "pdf");
	snprintf(d.sha256, sizeof(d.sha256), "aa11");
	assert_int_equal(x->a->ops->doc_add(x->a, &d, "x", 1, &id, &err),
		SZ_E_EXISTS);
	assert_int_equal(id, x->report);
}

static void an_import_rolled_back_leaves_nothing(void **state)
{
	struct fixture *x = *state;
	struct sz_archive *a = x->a;
	struct sz_err err;
	assert_int_equal(a->ops->begin(a, &err), 0);
	add_doc(a, x->rel, "Half an import", "pdf", "cc33", "zebra crossing");
	a->ops->rollback(a);
	assert_int_equal(search(x, "zebra", true, NULL, NULL), 0);
	assert_int_equal(a->ops->begin(a, &err), 0);
	add_doc(a, x->rel, "A whole import", "pdf", "dd44", "zebra crossing");
	assert_int_equal(a->ops->commit(a, &err), 0);
	assert_int_equal(search(x, "zebra", true, NULL, NULL), 1);
}

/* An import larger than the batch SQLite holds its index rows back in
 * (SZ_ARCHIVE_INDEX_BATCH, 1000): every message is found after the
 * commit, one removed inside the import is not, and the same import
 * rolled back leaves nothing. */
#define BIG_IMPORT 1100
static void a_large_import_is_found_whole(void **state)
{
	struct fixture *x = *state;
	struct sz_archive *a = x->a;
	struct sz_err err;
	size_t removed;
	int64_t id = 0;
	for (int round = 0; round < 2; round++) {
		assert_int_equal(a->ops->begin(a, &err), 0);
		for (int64_t i = 0; i < BIG_IMPORT; i++) {
			char text[64];
			snprintf(text, sizeof(text), "walrus number w%lld",
				(long long)i);
			id = add_mail(a, x->rel, 100 + i, "Walrus census",
				"zoo@example.org", "keeper@example.org", 1712000000,
				"t9", text);
		}
		if (round == 0) {
			a->ops->rollback(a);
			assert_int_equal(search(x, "walrus", true, NULL, NULL), 0);
			continue;
		}
		assert_int_equal(a->ops->doc_remove(a, id, &removed, &err), 0);
		assert_int_equal(a->ops->commit(a, &err), 0);
	}
	assert_int_equal(search(x, "walrus", true, NULL, NULL), BIG_IMPORT - 1);
	assert_int_equal(search(x, "w0", true, NULL, NULL), 1);
	assert_int_equal(search(x, "w1098", true, NULL, NULL), 1);
	assert_int_equal(search(x, "w1099", true, NULL, NULL), 0);
}

/* A word held by hundreds of e-mails, the oldest three with it in
 * their subject: those three still come first (PostgreSQL ranks a
 * bounded set of candidates, the title matches among them), and paging
 * through the whole ranked result shows every match exactly once. */
#define MANY_MATCHES 450
static void title_matches_lead_among_many_and_pages_show_each_once(
	void **state)
{
	struct fixture *x = *state;
	struct sz_archive *a = x->a;
	struct sz_err err;
	int64_t first = 0;
	assert_int_equal(a->ops->begin(a, &err), 0);
	for (int64_t i = 0; i < MANY_MATCHES; i++) {
		char text[64];
		snprintf(text, sizeof(text), "the ledger of lot l%lld",
			(long long)i);
		int64_t id = add_mail(a, x->rel, 100 + i, i < 3 ? "Ledger" :
			"Stock", "clerk@example.org", "office@example.org",
			1712000000 + i, "t8", text);
		if (i == 0)
			first = id;
	}
	assert_int_equal(a->ops->commit(a, &err), 0);
	struct sz_query q;
	struct sz_archive_query aq;
	assert_int_equal(sz_query_parse(&q, "ledger", 6), 0);
	sz_query_to_archive(&q, false, &aq);
	aq.time_ms = 5000;
	char *seen = calloc(MANY_MATCHES, 1);
	assert_non_null(seen);
	size_t shown = 0;
	for (size_t off = 0; off < MANY_MATCHES; off += SZ_ARCHIVE_PAGE_MAX) {
		struct sz_search_result res;
		if (a->ops->search(a, &aq, off, SZ_ARCHIVE_PAGE_MAX, &res, &err))
			fail_msg("%s: %s", current->name, err.msg);
		assert_int_equal(res.total, MANY_MATCHES);
		assert_true(res.ranked);
		for (size_t i = 0; i < res.nhits; i++) {
			int64_t k = res.hits[i].doc.id - first;
			assert_true(k >= 0 && k < MANY_MATCHES);
			assert_int_equal(seen[k], 0);
			seen[k] = 1;
			if (off == 0 && i < 3)   /* the subjects come first */
				assert_true(k < 3);
		}
		shown += res.nhits;
		sz_search_result_free(&res);
	}
	assert_int_equal(shown, MANY_MATCHES);
	free(seen);
	sz_query_free(&q);
}

/* More matches than a back end counts one by one (PostgreSQL reads a
 * row per match: past SZ_ARCHIVE_FACET_MAX it estimates): the total is
 * then near the truth and says it is an estimate; SQLite counts from
 * its index and is exact.  The first page is full and ranked. */
#define COUNTED_PAST (SZ_ARCHIVE_FACET_MAX + 500)
static void a_large_count_is_exact_or_says_it_is_an_estimate(void **state)
{
	struct fixture *x = *state;
	struct sz_archive *a = x->a;
	struct sz_err err;
	assert_int_equal(a->ops->begin(a, &err), 0);
	for (int64_t i = 0; i < COUNTED_PAST; i++) {
		char text[64];
		snprintf(text, sizeof(text), "a heron seen at s%lld", (long long)i);
		add_mail(a, x->rel, 100 + i, "Birds", "warden@example.org",
			"office@example.org", 1712000000 + i, "t7", text);
	}
	assert_int_equal(a->ops->commit(a, &err), 0);
	struct sz_search_result res;
	int64_t total = search(x, "heron", false, NULL, &res);
	assert_true(res.ranked);
	assert_int_equal(res.nhits, 16);
	assert_false(res.faceted);
	if (res.estimated) {
		assert_string_equal(current->name, "postgresql");
		assert_true(total > COUNTED_PAST / 2 && total < COUNTED_PAST * 2);
	} else {
		assert_int_equal(total, COUNTED_PAST);
	}
	sz_search_result_free(&res);
	/* a few matches are counted exactly on every engine */
	assert_int_equal(search(x, "s7", false, NULL, &res), 1);
	assert_false(res.estimated);
	sz_search_result_free(&res);
}

/* A date range whose e-mails are not the newest, with more matches than
 * are counted one by one: an archive imported in date order keeps a
 * year's e-mails in one block of documents, and a search bounded to the
 * newest documents (PostgreSQL past SZ_ARCHIVE_FACET_MAX) found none of
 * them.  Every page is full, inside the range, and no e-mail comes
 * twice. */
#define RANGE_FIRST 1546300800     /* 2019-01-01 */
#define RANGE_END 1577836800       /* 2020-01-01 */
static void a_date_range_of_older_mail_past_the_count_fills_its_pages(
	void **state)
{
	struct fixture *x = *state;
	struct sz_archive *a = x->a;
	struct sz_err err;
	assert_int_equal(a->ops->begin(a, &err), 0);
	for (int64_t i = 0; i < 2 * COUNTED_PAST; i++) {
		/* the first half in 2019, then as many in 2024 */
		int64_t date = i < COUNTED_PAST ? RANGE_FIRST + i * 3600 :
			1704067200 + i * 60;
		add_mail(a, x->rel, 100 + i, "Lapwing", "warden@example.org",
			"office@example.org", date, "t8", "a lapwing flew over");
	}
	assert_int_equal(a->ops->commit(a, &err), 0);
	struct sz_query q;
	struct sz_archive_query aq;
	const char *text = "lapwing after:2019-01-01 before:2020-01-01";
	if (sz_query_parse(&q, text, strlen(text)) != 0)
		fail_msg("%s", q.error);
	sz_query_to_archive(&q, false, &aq);
	aq.time_ms = 5000;
	int64_t seen[48];
	size_t shown = 0;
	for (size_t off = 0; off < 48; off += 16) {
		struct sz_search_result res;
		if (a->ops->search(a, &aq, off, 16, &res, &err) != 0)
			fail_msg("%s: %s", current->name, err.msg);
		assert_int_equal(res.nhits, 16);
		if (!res.estimated)
			assert_int_equal(res.total, COUNTED_PAST);
		for (size_t i = 0; i < res.nhits; i++) {
			int64_t d = res.hits[i].doc.date;
			assert_true(d >= RANGE_FIRST && d < RANGE_END);
			for (size_t k = 0; k < shown; k++)
				assert_true(seen[k] != res.hits[i].doc.id);
			seen[shown++] = res.hits[i].doc.id;
		}
		sz_search_result_free(&res);
	}
	sz_query_free(&q);
}

static void mirrors_see_every_change_and_removal(void **state)
{
	struct fixture *x = *state;
	struct sz_archive *a = x->a;
	struct sz_archive_change ch[64];
	size_t n, removed;
	int64_t last, ids[16];
	struct sz_err err;
	assert_int_equal(a->ops->changes(a, 0, 64, ch, &n, &last, &err), 0);
	assert_true(n >= 8);   /* two releases, six documents, the publishing */
	assert_int_equal(ch[n - 1].seq, last);
	assert_int_equal(a->ops->doc_ids(a, x->rel, 0, 16, ids, &n, &err), 0);
	assert_int_equal(n, 5);
	assert_int_equal(a->ops->doc_ids(a, 0, ids[1], 2, ids, &n, &err), 0);
	assert_int_equal(n, 2);
	/* an editor removes the report: gone from search, pages and index */
	int64_t before = last;
	assert_int_equal(a->ops->doc_remove(a, x->report, &removed, &err), 0);
	assert_int_equal(removed, 1);
	assert_int_equal(a->ops->changes(a, before, 64, ch, &n, &last, &err), 0);
	assert_true(n >= 1);
	assert_int_equal(ch[0].doc_id, x->report);
	assert_int_equal(search(x, "\"secret budget\"", true, NULL, NULL), 0);
	struct sz_doc_row d;
	assert_int_equal(a->ops->doc_get(a, x->report, &d, &err), SZ_E_NOT_FOUND);
	sz_doc_row_clear(&d);
	assert_int_equal(a->ops->doc_remove(a, x->report, &removed, &err),
		SZ_E_NOT_FOUND);
	/* an edit is a change too */
	assert_int_equal(a->ops->doc_set_summary(a, x->memo, "About pensions.",
		&err), 0);
	assert_int_equal(a->ops->changes(a, last, 64, ch, &n, &last, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ch[0].doc_id, x->memo);
}

/* A mirror's export reads the change log while an editor's slow change
 * is still open and another, quicker one has committed a later seq (on
 * PostgreSQL many processes write at once, and a seq is taken at
 * insert, not at commit): an export that went on from the quick seq
 * would never render the slow change.  The slow change is in that read
 * or in the next one.  (SQLite has one writer at a time.) */
static void a_change_committed_late_is_never_skipped(void **state)
{
	struct fixture *x = *state;
	struct sz_archive *a = x->a;
	struct sz_archive_change ch[64];
	size_t n;
	int64_t mark;
	struct sz_err err;
	if (strcmp(current->name, "postgresql") != 0)
		return;
	assert_int_equal(a->ops->changes(a, 0, 0, ch, &n, &mark, &err), 0);
	int out[2], go[2];
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(go), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* the export, in a process of its own, reading once the slow
		 * change is open and the quick one committed: whether it saw the
		 * slow one, and the last seq it would go on from */
		struct sz_archive *g = NULL;
		int64_t answer[2] = { 0, 0 };
		char c;
		close(out[0]);
		close(go[1]);
		if (current->open(&g, x->dir, NULL) != 0 ||
		    read(go[0], &c, 1) != 1 ||
		    g->ops->changes(g, mark, 64, ch, &n, &answer[1], NULL) != 0)
			_exit(1);
		for (size_t i = 0; i < n; i++)
			if (ch[i].doc_id == x->memo)
				answer[0] = 1;
		g->ops->close(g);
		_exit(write(out[1], answer, sizeof(answer)) == sizeof(answer) ?
			0 : 1);
	}
	close(out[1]);
	close(go[0]);
	char conninfo[256], sql[96];
	pg_fixture_conninfo(x->dir, conninfo, sizeof(conninfo));
	PGconn *slow = PQconnectdb(conninfo);
	assert_int_equal(PQstatus(slow), CONNECTION_OK);
	PQclear(PQexec(slow, "BEGIN"));
	snprintf(sql, sizeof(sql), "UPDATE documents SET summary = 'slow'"
		" WHERE id = %lld", (long long)x->memo);
	PGresult *r = PQexec(slow, sql);
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	assert_int_equal(a->ops->doc_set_summary(a, x->report, "Quick.", &err),
		0);
	assert_int_equal(write(go[1], "r", 1), 1);
	close(go[1]);
	pg_fixture_await(out[0], slow);   /* read, or held, while it is open */
	r = PQexec(slow, "COMMIT");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	PQfinish(slow);
	int64_t answer[2] = { 0, 0 };
	assert_int_equal(read(out[0], answer, sizeof(answer)), sizeof(answer));
	close(out[0]);
	int status = -1;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	bool seen = answer[0] == 1;
	assert_int_equal(a->ops->changes(a, answer[1], 64, ch, &n, &mark, &err),
		0);
	for (size_t i = 0; i < n; i++)
		if (ch[i].doc_id == x->memo)
			seen = true;
	assert_true(seen);
}

static void did_you_mean_finds_a_word_of_the_index(void **state)
{
	struct fixture *x = *state;
	struct sz_near_word w[4];
	size_t n;
	bool known;
	struct sz_err err;
	assert_int_equal(x->a->ops->words_near(x->a, "budgte", w, 4, &n, &known,
		&err), 0);
	assert_false(known);
	assert_true(n >= 1);
	assert_string_equal(w[0].word, "budget");
	assert_int_equal(x->a->ops->words_near(x->a, "Budget", w, 4, &n, &known,
		&err), 0);
	assert_true(known);
}

static void reports_and_raw_forms_are_kept_for_editors(void **state)
{
	struct fixture *x = *state;
	struct sz_archive *a = x->a;
	struct sz_buf out, flags, removed;
	struct sz_err err;
	sz_buf_init(&out, 1u << 20);
	sz_buf_init(&flags, 1u << 20);
	sz_buf_init(&removed, 1u << 20);
	assert_int_equal(a->ops->doc_report(a, x->memo, &out, &err),
		SZ_E_NOT_FOUND);
	assert_int_equal(a->ops->doc_set_report(a, x->memo, "Author: 1", &err), 0);
	assert_int_equal(a->ops->doc_report(a, x->memo, &out, &err), 0);
	assert_int_equal(out.len, 9);
	struct sz_email_raw r = { SZ_RAW_WITHHELD, true, false, "", 0,
		"Received: names the leaker", "Received (3)" };
	assert_int_equal(a->ops->email_set_raw(a, x->mail[0], &r, &err), 0);
	assert_int_equal(a->ops->email_raw_notes(a, x->mail[0], &flags, &removed,
		&err), 0);
	assert_int_equal(removed.len, strlen("Received (3)"));
	int64_t changed = 0, num = 0, last = 0;
	struct sz_archive_change ch[64];
	size_t nch;
	assert_int_equal(a->ops->changes(a, 0, 64, ch, &nch, &last, &err), 0);
	assert_int_equal(a->ops->email_choose_raw(a, x->rel, 0,
		SZ_RAW_SCRUBBED, &changed, &err), 0);
	assert_int_equal(changed, 1);
	/* the choice changes the e-mail's page: mirrors see it */
	assert_int_equal(a->ops->changes(a, last, 64, ch, &nch, &last, &err), 0);
	assert_int_equal(nch, 1);
	assert_int_equal(ch[0].doc_id, x->mail[0]);
	struct sz_doc_row *rows;
	size_t n;
	int64_t total;
	assert_int_equal(a->ops->email_flagged(a, x->rel, 0, 10, &rows, &n,
		&total, &err), 0);
	assert_int_equal(total, 1);
	assert_int_equal(rows[0].raw_form, SZ_RAW_SCRUBBED);
	assert_true(rows[0].raw_chosen);
	sz_doc_rows_free(rows, n);
	assert_int_equal(a->ops->email_next_num(a, x->rel, "inbox", &num, &err),
		0);
	assert_int_equal(num, 4);
	sz_buf_free(&out);
	sz_buf_free(&flags);
	sz_buf_free(&removed);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest cases[] = {
		T(a_draft_is_seen_only_when_asked_and_publishing_shows_it),
		T(every_engine_finds_the_same_documents),
		T(the_title_ranks_first_and_snippets_mark_matches),
		T(a_phrase_is_marked_as_one),
		T(the_newest_comes_first_when_asked),
		T(browse_indexes_count_published_mail),
		T(a_release_paged_through_shows_every_change),
		T(a_repeated_file_is_not_added_twice),
		T(an_email_is_found_by_its_message_id),
		T(an_import_rolled_back_leaves_nothing),
		T(a_large_import_is_found_whole),
		T(title_matches_lead_among_many_and_pages_show_each_once),
		T(a_large_count_is_exact_or_says_it_is_an_estimate),
		T(a_date_range_of_older_mail_past_the_count_fills_its_pages),
		T(a_change_committed_late_is_never_skipped),
		T(mirrors_see_every_change_and_removal),
		T(did_you_mean_finds_a_word_of_the_index),
		T(reports_and_raw_forms_are_kept_for_editors),
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
	return pg_fixture_run("archive store", cases,
		sizeof(cases) / sizeof(cases[0]), engine, state, absent,
		NBACKENDS);
}
