/*
 * postgres_forum_changes.c - what a mirror's export reads from the
 * forum's PostgreSQL database (store/forum.h, "mirrors"): the change log
 * that schema step 4's triggers fill, and the ids of what an anonymous
 * reader may see, a batch at a time so that a forum of any size costs
 * bounded memory.  The same answers as sqlite_forum_changes.c.
 *
 * The log is read with nothing in flight below it.  Many processes
 * write at once here (SQLite has one writer), and a seq is taken when a
 * row is inserted, not when its transaction commits: a reader could see
 * seq 11 committed while 10 is still to come, and an export that went on
 * from 11 would never render what 10 changed.  So the read first takes
 * the log's table in SHARE mode, which waits for every transaction that
 * has written to it to end (and holds new writers back for the moment
 * the read lasts); its snapshot, taken after, sees every seq up to the
 * last there is (pg_read_log).
 *
 * What it deliberately does not do: decide which pages a change touches
 * (the export does), or keep any time: the log is ordered by seq only.
 */
#include <stdint.h>

#include "store/postgres_forum_internal.h"

static const char SQL_SETTLE[] = "LOCK TABLE forum_changes IN SHARE MODE";
static const char SQL_LAST[] =
	"SELECT coalesce(max(seq), 0) FROM forum_changes";
static const char SQL_CHANGES[] = "SELECT seq, kind, id FROM forum_changes"
	" WHERE seq > $1::bigint ORDER BY seq LIMIT $2::bigint";
static const char SQL_THREAD_IDS[] = "SELECT id FROM threads"
	" WHERE state IN (0, 3) AND id > $1::bigint ORDER BY id LIMIT $2::bigint";
static const char SQL_MEMBER_IDS[] = "SELECT id FROM members"
	" WHERE state = 0 AND id > $1::bigint ORDER BY id LIMIT $2::bigint";

static const struct pg_log changes_log = { SQL_SETTLE, SQL_LAST, SQL_CHANGES,
	"the forum's" };

static void change_fill(const PGresult *r, int row, void *dst)
{
	struct sz_forum_change *c = dst;
	c->seq = pg_int(r, row, 0);
	c->kind = (enum sz_forum_changed)pg_int(r, row, 1);
	c->id = pg_int(r, row, 2);
}

int fp_changes(struct sz_forum *f, int64_t after, size_t limit,
	struct sz_forum_change *rows, size_t *n, int64_t *last,
	struct sz_err *err)
{
	return pg_read_log(fpool(f), &changes_log, after, limit, rows,
		sizeof(*rows), change_fill, n, last, err);
}

int fp_ids(struct sz_forum *f, enum sz_forum_target kind, int64_t after,
	size_t limit, int64_t *ids, size_t *n, struct sz_err *err)
{
	*n = 0;
	int rc = sz_forum_ids_check(kind, limit, err);
	if (rc != 0)
		return rc;
	struct pg_value v[] = { PG_I(after), PG_I(limit) };
	return pg_read_ids(fpool(f), kind == SZ_TARGET_THREAD ? SQL_THREAD_IDS :
		SQL_MEMBER_IDS, v, 2, ids, limit, n, "listing ids", err);
}
