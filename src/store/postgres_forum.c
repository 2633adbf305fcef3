/*
 * postgres_forum.c - the forum's PostgreSQL back end (database =
 * postgresql://... in the settings): opening it on a pool of libpq
 * connections (postgres_pool.c: prepared statements only, SERIALIZABLE
 * writes retried on serialization failures and deadlocks), bringing the
 * schema up to date in numbered steps (postgres_forum_schema.c), batches,
 * the version, whether a database holds a forum yet (without making one,
 * for mirrors), and the rows the other postgres_forum_*.c files share.
 *
 * Counters are kept by triggers in the database, as in the SQLite
 * schema, on rows of their own (a thread's, a member's); the forum's
 * totals and a board's counts are sums of rows each change inserts
 * (tallies), so writers to different threads share no row.  Every
 * committed change also inserts a row into forum_bumps in the same
 * transaction: their sum is the forum's version, seen by every process
 * on the database at once.  Reading the version folds both into a few
 * rows when they have grown.
 *
 * What it deliberately does not do: keep anything about a reader, and
 * choose where the database lives (the conninfo does; docs/operations.md).
 */
#include "store/postgres_forum_internal.h"

#include <stdlib.h>
#include <string.h>

/* Every change inserts a row of 1: the version is their sum.  An insert
 * reads no row, so concurrent writers never wait on, or conflict over,
 * a common one (schema step 2). */
static const char SQL_BUMP[] =
	"INSERT INTO forum_bumps DEFAULT VALUES";

/* A batch counts its posts at its end (schema step 2): its posts are
 * noted in a temporary table (this connection's alone: no other
 * transaction sees or locks it), and applied to each thread and member
 * once before the commit. */
static const char SQL_BATCH_TABLE[] =
	"CREATE TEMPORARY TABLE IF NOT EXISTS forum_batch_posts ("
	"  thread_id bigint NOT NULL, author_id bigint NOT NULL,"
	"  post_id bigint NOT NULL, created bigint NOT NULL,"
	"  position bigint NOT NULL, visible integer NOT NULL)"
	" ON COMMIT DELETE ROWS";
static const char SQL_BATCH_ON[] =
	"SELECT set_config('samizdat.forum_batch', 'on', true)";
static const char SQL_BATCH_THREADS[] =
	"UPDATE threads t SET posts = t.posts + d.posts,"
	" last_at = greatest(t.last_at, d.last_at),"
	" last_post_id = greatest(t.last_post_id, d.last_post_id),"
	" last_position = greatest(t.last_position, d.last_position)"
	" FROM (SELECT thread_id, sum(visible) AS posts,"
	"  max(created) FILTER (WHERE visible = 1) AS last_at,"
	"  max(post_id) FILTER (WHERE visible = 1) AS last_post_id,"
	"  max(position) AS last_position"
	"  FROM forum_batch_posts GROUP BY thread_id) d"
	" WHERE t.id = d.thread_id";
static const char SQL_BATCH_MEMBERS[] =
	"UPDATE members m SET posts = m.posts + d.n,"
	" approved_posts = m.approved_posts + d.n"
	" FROM (SELECT author_id, sum(visible) AS n FROM forum_batch_posts"
	"  GROUP BY author_id HAVING sum(visible) > 0) d"
	" WHERE m.id = d.author_id";
static const char SQL_BATCH_OFF[] =
	"SELECT set_config('samizdat.forum_batch', 'off', true)";

static int batch_on_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	(void)ctx;
	int rc = pg_run(c, SQL_BATCH_TABLE, NULL, 0, NULL, "starting a batch",
		err);
	if (rc == 0)
		rc = pg_run(c, SQL_BATCH_ON, NULL, 0, NULL, "starting a batch",
			err);
	return rc;
}

static int batch_apply_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	(void)ctx;
	int rc = pg_run(c, SQL_BATCH_OFF, NULL, 0, NULL, "counting a batch",
		err);
	if (rc == 0)
		rc = pg_run(c, SQL_BATCH_THREADS, NULL, 0, NULL,
			"counting a batch", err);
	if (rc == 0)
		rc = pg_run(c, SQL_BATCH_MEMBERS, NULL, 0, NULL,
			"counting a batch", err);
	return rc;
}

static int batch_begin(struct sz_forum *base, struct sz_err *err)
{
	int rc = pg_batch_begin(fpool(base), err);
	if (rc == 0 && (rc = pg_transaction(fpool(base), batch_on_tx, NULL,
	    err)) != 0)
		pg_batch_rollback(fpool(base));
	return rc;
}

static void fold(struct sz_forum *base);

static int batch_commit(struct sz_forum *base, struct sz_err *err)
{
	int rc = pg_transaction(fpool(base), batch_apply_tx, NULL, err);
	if (rc != 0) {
		pg_batch_rollback(fpool(base));
		return rc;
	}
	rc = pg_batch_commit(fpool(base), err);
	if (rc == 0)
		fold(base);   /* a batch adds many tallies at once */
	return rc;
}

/* ---- rows shared by the files ----------------------------------------- */

int fp_post_read(const PGresult *r, int row, struct sz_forum_post *p,
	bool skip_html)
{
	memset(p, 0, sizeof(*p));
	p->id = pg_int(r, row, 0);
	p->thread_id = pg_int(r, row, 1);
	pg_text(p->thread_title, sizeof(p->thread_title), r, row, 2);
	p->position = pg_int(r, row, 3);
	p->created = pg_int(r, row, 4);
	p->edited = pg_int(r, row, 5);
	p->edits = pg_int(r, row, 6);
	p->state = (enum sz_forum_post_state)pg_int(r, row, 7);
	p->likes = pg_int(r, row, 8);
	p->quote_of = pg_int(r, row, 9);
	struct sz_forum_author *a = &p->author;
	a->id = pg_int(r, row, 11);
	pg_text(a->name, sizeof(a->name), r, row, 12);
	a->role = (enum sz_forum_role)pg_int(r, row, 13);
	pg_text(a->title, sizeof(a->title), r, row, 14);
	pg_text(a->badge, sizeof(a->badge), r, row, 15);
	pg_text(a->country, sizeof(a->country), r, row, 16);
	pg_text(a->joined_day, sizeof(a->joined_day), r, row, 17);
	a->posts = pg_int(r, row, 18);
	a->likes_received = pg_int(r, row, 19);
	a->deleted = pg_int(r, row, 20) == SZ_MEMBER_DELETED;
	a->banned = pg_int(r, row, 21) != 0;
	if (!skip_html && (p->html = pg_dup(r, row, 10)) == NULL)
		return SZ_E_NOMEM;
	return 0;
}

void fp_thread_read(const PGresult *r, int row, struct sz_forum_thread *t)
{
	memset(t, 0, sizeof(*t));
	t->id = pg_int(r, row, 0);
	t->board_id = pg_int(r, row, 1);
	pg_text(t->board_name, sizeof(t->board_name), r, row, 2);
	t->subject = (enum sz_forum_subject)pg_int(r, row, 3);
	t->subject_id = pg_int(r, row, 4);
	pg_text(t->title, sizeof(t->title), r, row, 5);
	t->author_id = pg_int(r, row, 6);
	pg_text(t->author_name, sizeof(t->author_name), r, row, 7);
	t->created = pg_int(r, row, 8);
	t->last_at = pg_int(r, row, 9);
	t->last_post_id = pg_int(r, row, 10);
	pg_text(t->last_author, sizeof(t->last_author), r, row, 11);
	t->last_position = pg_int(r, row, 12);
	t->posts = pg_int(r, row, 13);
	t->sticky = pg_int(r, row, 14) != 0;
	t->locked = pg_int(r, row, 15) != 0;
	t->state = (enum sz_forum_thread_state)pg_int(r, row, 16);
	t->merged_into = pg_int(r, row, 17);
}

/* ---- opening ----------------------------------------------------------- */

static void forum_close(struct sz_forum *base)
{
	struct pg_forum *f = fp(base);
	if (f == NULL)
		return;
	pg_pool_close(&f->pool);
	free(f);
}

static const char SQL_VERSION[] =
	"SELECT coalesce(sum(n), 0), count(*) FROM forum_bumps";
/* Folding: each a single statement outside any SERIALIZABLE transaction,
 * so it is atomic (a reader sees the rows before or after, with the
 * same sums) and a writer's insert still in flight, not seen, is left
 * for the next fold; two folds at once each move only the rows they
 * delete. */
static const char SQL_FOLD_BUMPS[] =
	"WITH gone AS (DELETE FROM forum_bumps RETURNING n)"
	" INSERT INTO forum_bumps (n) SELECT sum(n) FROM gone"
	" HAVING count(*) > 0";
static const char SQL_FOLD_TALLIES[] =
	"WITH gone AS (DELETE FROM tallies"
	"  RETURNING board_id, members, threads, posts)"
	" INSERT INTO tallies (board_id, members, threads, posts)"
	" SELECT board_id, sum(members), sum(threads), sum(posts) FROM gone"
	" GROUP BY board_id";

/* Folds the version's rows into one, and the tallies into one a board,
 * once changes have added FP_FOLD_AFTER rows: what the sums read stays
 * small. */
static void fold(struct sz_forum *base)
{
	int rc;
	struct sz_err err;
	PGresult *res = pg_read(fpool(base), SQL_FOLD_TALLIES, NULL, 0, &rc,
		"folding its counts", &err);
	if (res != NULL)
		PQclear(res);
	res = pg_read(fpool(base), SQL_FOLD_BUMPS, NULL, 0, &rc,
		"folding its version", &err);
	if (res != NULL)
		PQclear(res);
}

static int forum_version(struct sz_forum *base, int64_t *v,
	struct sz_err *err)
{
	int rc;
	PGresult *res = pg_read(fpool(base), SQL_VERSION, NULL, 0, &rc,
		"reading its version", err);
	if (res == NULL)
		return rc;
	*v = PQntuples(res) > 0 ? pg_int(res, 0, 0) : 0;
	bool many = PQntuples(res) > 0 && pg_int(res, 0, 1) > FP_FOLD_AFTER;
	PQclear(res);
	if (many)
		fold(base);
	return 0;
}

static const struct sz_forum_ops postgres_forum_ops = {
	.close = forum_close,
	.begin = batch_begin,
	.commit = batch_commit,
	.member_create = fp_member_create,
	.member_get = fp_member_get,
	.member_find = fp_member_find,
	.member_set_password = fp_member_set_password,
	.member_set_role = fp_member_set_role,
	.member_set_labels = fp_member_set_labels,
	.member_set_state = fp_member_set_state,
	.member_set_flags = fp_member_set_flags,
	.member_delete = fp_member_delete,
	.member_list = fp_member_list,
	.member_read = fp_member_read,
	.reserve = fp_reserve,
	.key_taken = fp_key_taken,
	.invite_add = fp_invite_add,
	.board_create = fp_board_create,
	.board_get = fp_board_get,
	.board_list = fp_board_list,
	.thread_create = fp_thread_create,
	.thread_get = fp_thread_get,
	.thread_of_subject = fp_thread_of_subject,
	.threads_page = fp_threads_page,
	.threads_new = fp_threads_new,
	.thread_set_flags = fp_thread_set_flags,
	.thread_set_state = fp_thread_set_state,
	.thread_move = fp_thread_move,
	.thread_merge = fp_thread_merge,
	.post_add = fp_post_add,
	.post_get = fp_post_get,
	.posts_page = fp_posts_page,
	.posts_latest = fp_posts_latest,
	.posts_by = fp_posts_by,
	.posts_pending = fp_posts_pending,
	.post_edit = fp_post_edit,
	.post_edits = fp_post_edits,
	.post_set_state = fp_post_set_state,
	.like = fp_like,
	.report_add = fp_report_add,
	.reports_open = fp_reports_open,
	.reports_resolve = fp_reports_resolve,
	.log_add = fp_log_add,
	.log_page = fp_log_page,
	.search = fp_search,
	.totals = fp_totals,
	.version = forum_version,
	.changes = fp_changes,
	.ids = fp_ids,
};

/* Made by the first open's migrations (pg_migrate), which number the
 * forum's steps in schema_version; nothing here makes either. */
static const char SQL_EXISTS_TABLE[] =
	"SELECT to_regclass('schema_version') IS NOT NULL";
static const char SQL_EXISTS_FORUM[] =
	"SELECT count(*) > 0 FROM schema_version WHERE part = 'forum'";

static bool is_true(PGresult *res)
{
	return PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
		strcmp(PQgetvalue(res, 0, 0), "t") == 0;
}

int sz_forum_exists_postgres(const char *conninfo, bool *exists,
	struct sz_err *err)
{
	*exists = false;
	PGconn *c = PQconnectdb(conninfo);
	if (c == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	int rc = 0;
	if (PQstatus(c) != CONNECTION_OK) {
		rc = sz_err_set(err, SZ_E_IO, "cannot connect to the forum's "
			"database (PostgreSQL, the database setting): %s",
			PQerrorMessage(c));
		goto out;
	}
	PGresult *res = PQexec(c, SQL_EXISTS_TABLE);
	bool table = is_true(res);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = sz_err_set(err, SZ_E_IO, "the forum's database cannot be "
			"read: %s", PQerrorMessage(c));
	PQclear(res);
	if (rc == 0 && table) {
		res = PQexec(c, SQL_EXISTS_FORUM);
		*exists = is_true(res);
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			rc = sz_err_set(err, SZ_E_IO, "the forum's database cannot "
				"be read: %s", PQerrorMessage(c));
		PQclear(res);
	}
out:
	PQfinish(c);
	if (rc != 0)
		*exists = false;
	return rc;
}

int sz_forum_open_postgres(struct sz_forum **out, const char *conninfo,
	struct sz_err *err)
{
	*out = NULL;
	struct pg_forum *f = calloc(1, sizeof(*f));
	if (f == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	f->base.ops = &postgres_forum_ops;
	int rc = pg_pool_open(&f->pool, conninfo, "the forum's database",
		SQL_BUMP, err);
	if (rc == 0)
		rc = pg_migrate(&f->pool, "forum", fp_migrations, fp_nmigrations,
			err);
	if (rc != 0) {
		forum_close(&f->base);
		return rc;
	}
	*out = &f->base;
	return 0;
}
