/*
 * sqlite_forum_changes.c - what a mirror's export reads from forum.db
 * (store/forum.h, "mirrors"): the change log that migration 2's triggers
 * fill, and the ids of what an anonymous reader may see, a batch at a
 * time so that a forum of any size costs bounded memory.
 *
 * What it deliberately does not do: decide which pages a change touches
 * (the export does), or keep any time: the log is ordered by seq only.
 */
#include <stdint.h>

#include "store/sqlite_forum_internal.h"

static const char SQL_LAST[] = "SELECT ifnull(max(seq), 0) FROM changes";
static const char SQL_CHANGES[] =
	"SELECT seq, kind, id FROM changes WHERE seq > ?1 ORDER BY seq LIMIT ?2";
static const char SQL_THREAD_IDS[] =
	"SELECT id FROM threads WHERE state IN (0, 3) AND id > ?1 ORDER BY id"
	" LIMIT ?2";
static const char SQL_MEMBER_IDS[] =
	"SELECT id FROM members WHERE state = 0 AND id > ?1 ORDER BY id LIMIT ?2";

/* Reads up to limit rows of st into each; 0 or SZ_E_IO saying what. */
static int read_rows(struct fq_conn *c, sqlite3_stmt *st, size_t limit,
	void (*each)(sqlite3_stmt *, size_t, void *), void *out, size_t *n,
	const char *what, struct sz_err *err)
{
	int r = SQLITE_DONE;
	while (*n < limit && (r = sqlite3_step(st)) == SQLITE_ROW)
		each(st, (*n)++, out);
	if (*n < limit && r != SQLITE_DONE) {
		int rc = fq_check(c, r, err, what);
		return rc == FQ_BUSY ? sz_err_set(err, SZ_E_IO, "the forum's "
			"database is busy") : rc;
	}
	return 0;
}

static void change_row(sqlite3_stmt *st, size_t i, void *out)
{
	struct sz_forum_change *r = (struct sz_forum_change *)out + i;
	r->seq = sqlite3_column_int64(st, 0);
	r->kind = (enum sz_forum_changed)sqlite3_column_int(st, 1);
	r->id = sqlite3_column_int64(st, 2);
}

int fq_changes(struct sz_forum *f, int64_t after, size_t limit,
	struct sz_forum_change *rows, size_t *n, int64_t *last,
	struct sz_err *err)
{
	*n = 0;
	*last = 0;
	struct fq_conn *c = fq_reader(fq(f));
	/* One read transaction: the last seq and the rows agree. */
	int rc = sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK ?
		0 : sz_err_set(err, SZ_E_IO, "the forum's database cannot be read");
	sqlite3_stmt *st = rc == 0 ? fq_stmt(c, SQL_LAST, err) : NULL;
	if (rc == 0 && st == NULL)
		rc = SZ_E_IO;
	if (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
		*last = sqlite3_column_int64(st, 0);
	if (st != NULL)
		sqlite3_reset(st);
	if (rc == 0 && limit > 0) {
		st = fq_stmt(c, SQL_CHANGES, err);
		rc = st ? 0 : SZ_E_IO;
		if (rc == 0) {
			sqlite3_bind_int64(st, 1, after);
			sqlite3_bind_int64(st, 2, (int64_t)limit);
			rc = read_rows(c, st, limit, change_row, rows, n,
				"reading the change log", err);
			sqlite3_reset(st);
		}
	}
	sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	fq_reader_done(fq(f), c);
	return rc;
}

static void id_row(sqlite3_stmt *st, size_t i, void *out)
{
	((int64_t *)out)[i] = sqlite3_column_int64(st, 0);
}

int fq_ids(struct sz_forum *f, enum sz_forum_target kind, int64_t after,
	size_t limit, int64_t *ids, size_t *n, struct sz_err *err)
{
	*n = 0;
	int rc = sz_forum_ids_check(kind, limit, err);
	if (rc != 0)
		return rc;
	struct fq_conn *c = fq_reader(fq(f));
	sqlite3_stmt *st = fq_stmt(c, kind == SZ_TARGET_THREAD ? SQL_THREAD_IDS :
		SQL_MEMBER_IDS, err);
	rc = st ? 0 : SZ_E_IO;
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, after);
		sqlite3_bind_int64(st, 2, (int64_t)limit);
		rc = read_rows(c, st, limit, id_row, ids, n, "listing ids", err);
		sqlite3_reset(st);
	}
	fq_reader_done(fq(f), c);
	return rc;
}
