/*
 * sqlite.c - the SQLite back end of the storage interface.
 *
 * A rollback journal (not WAL; kept, and truncated after each
 * transaction) with synchronous=FULL, so what is committed
 * survives a power cut, and so that reading leaves no trace: in WAL mode
 * a reader may write its read mark into the -shm file, whose time would
 * then say when a source last logged in or sent something.  Nothing a
 * source does writes here (store/staging.h); files are opened without
 * stamping access times.  secure_delete, so deleted rows are overwritten;
 * foreign keys on.  One connection, guarded by a mutex: SQLite serializes
 * writers anyway, and the inbox is not read-heavy.  Schema changes are
 * numbered migrations tracked in PRAGMA user_version.  Counts the inbox
 * shows are kept by triggers (migration 4), never by walking rows.
 */
#include "store/sqlite_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/io.h"
#include "crypto/codename.h"


static const char *const migrations[] = {
	/* 1: recipients, sources, submissions, items */
	"CREATE TABLE recipients ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  recipient TEXT NOT NULL UNIQUE,"
	"  added_day TEXT NOT NULL);"
	"CREATE TABLE sources ("
	"  id INTEGER PRIMARY KEY,"
	"  uid BLOB NOT NULL UNIQUE,"
	"  login_hash BLOB NOT NULL UNIQUE,"
	"  public_key BLOB NOT NULL,"
	"  created_day TEXT NOT NULL,"
	"  last_day TEXT NOT NULL,"
	"  starred INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE submissions ("
	"  id INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
	"  day TEXT NOT NULL);"
	"CREATE INDEX submissions_source ON submissions(source_id);"
	"CREATE TABLE items ("
	"  id INTEGER PRIMARY KEY,"
	"  submission_id INTEGER NOT NULL"
	"    REFERENCES submissions(id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('message', 'file')),"
	"  blob TEXT NOT NULL UNIQUE,"
	"  meta_blob TEXT,"
	"  padded_size INTEGER NOT NULL,"
	"  seen INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX items_submission ON items(submission_id);"
	"CREATE INDEX items_meta ON items(meta_blob);",
	/* 2: editors and the audit log */
	"CREATE TABLE editors ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  password_hash TEXT NOT NULL,"
	"  totp_secret BLOB NOT NULL,"
	"  totp_last INTEGER NOT NULL DEFAULT -1,"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  recipient TEXT NOT NULL,"
	"  created_day TEXT NOT NULL);"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  detail TEXT NOT NULL);",
	/* 3: replies from editors to sources */
	"CREATE TABLE replies ("
	"  id INTEGER PRIMARY KEY,"
	"  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,"
	"  blob TEXT NOT NULL UNIQUE,"
	"  day TEXT NOT NULL);"
	"CREATE INDEX replies_source ON replies(source_id);",
	/* 4: the inbox at any size.  Each source carries its designation
	 * (indexed, so a typed one is found without a scan) and its counts,
	 * and one row carries the inbox's totals; triggers keep them, so no
	 * page ever counts rows.  Partial indexes in the inbox's order serve
	 * each view a page at a time, covering what a page shows.  Items are deleted before their
	 * submission, since a cascade would delete them after it, when
	 * their source can no longer be found. */
	"ALTER TABLE sources ADD COLUMN designation INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE sources ADD COLUMN submissions INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE sources ADD COLUMN unread INTEGER NOT NULL DEFAULT 0;"
	"UPDATE sources SET designation = sz_designation_key(uid),"
	"  submissions = (SELECT count(*) FROM submissions b"
	"    WHERE b.source_id = sources.id),"
	"  unread = (SELECT count(*) FROM items i JOIN submissions b"
	"    ON b.id = i.submission_id WHERE b.source_id = sources.id"
	"    AND i.seen = 0);"
	"CREATE TABLE inbox_totals ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  sources INTEGER NOT NULL,"
	"  starred INTEGER NOT NULL,"
	"  unread_sources INTEGER NOT NULL,"
	"  unread_items INTEGER NOT NULL);"
	"INSERT INTO inbox_totals SELECT 1, count(*),"
	"  coalesce(sum(starred <> 0), 0), coalesce(sum(unread > 0), 0),"
	"  coalesce(sum(unread), 0) FROM sources WHERE submissions > 0;"
	"CREATE INDEX sources_activity ON sources(last_day, id, designation,"
	"  submissions, unread, starred) WHERE submissions > 0;"
	"CREATE INDEX sources_unread ON sources(last_day, id, designation,"
	"  submissions, unread, starred) WHERE submissions > 0 AND unread > 0;"
	"CREATE INDEX sources_starred ON sources(last_day, id, designation,"
	"  submissions, unread, starred) WHERE submissions > 0 AND starred <> 0;"
	"CREATE INDEX sources_designation ON sources(designation, last_day, id,"
	"  submissions, unread, starred) WHERE submissions > 0;"
	"CREATE TRIGGER submission_added AFTER INSERT ON submissions BEGIN"
	"  UPDATE sources SET submissions = submissions + 1"
	"    WHERE id = NEW.source_id; END;"
	"CREATE TRIGGER submission_removed BEFORE DELETE ON submissions BEGIN"
	"  DELETE FROM items WHERE submission_id = OLD.id;"
	"  UPDATE sources SET submissions = submissions - 1"
	"    WHERE id = OLD.source_id; END;"
	"CREATE TRIGGER item_added AFTER INSERT ON items WHEN NEW.seen = 0"
	"  BEGIN UPDATE sources SET unread = unread + 1 WHERE id ="
	"    (SELECT source_id FROM submissions WHERE id = NEW.submission_id);"
	"  END;"
	"CREATE TRIGGER item_removed AFTER DELETE ON items WHEN OLD.seen = 0"
	"  BEGIN UPDATE sources SET unread = unread - 1 WHERE id ="
	"    (SELECT source_id FROM submissions WHERE id = OLD.submission_id);"
	"  END;"
	"CREATE TRIGGER item_seen AFTER UPDATE OF seen ON items"
	"  WHEN (OLD.seen = 0) <> (NEW.seen = 0) BEGIN"
	"  UPDATE sources SET unread = unread +"
	"    (CASE WHEN NEW.seen = 0 THEN 1 ELSE -1 END) WHERE id ="
	"    (SELECT source_id FROM submissions WHERE id = NEW.submission_id);"
	"  END;"
	"CREATE TRIGGER source_counted AFTER UPDATE OF submissions, unread,"
	"  starred ON sources BEGIN UPDATE inbox_totals SET"
	"  sources = sources + (NEW.submissions > 0) - (OLD.submissions > 0),"
	"  starred = starred + (NEW.submissions > 0 AND NEW.starred <> 0)"
	"    - (OLD.submissions > 0 AND OLD.starred <> 0),"
	"  unread_sources = unread_sources"
	"    + (NEW.submissions > 0 AND NEW.unread > 0)"
	"    - (OLD.submissions > 0 AND OLD.unread > 0),"
	"  unread_items = unread_items + NEW.unread - OLD.unread; END;"
	"CREATE TRIGGER source_uncounted AFTER DELETE ON sources BEGIN"
	"  UPDATE inbox_totals SET"
	"  sources = sources - (OLD.submissions > 0),"
	"  starred = starred - (OLD.submissions > 0 AND OLD.starred <> 0),"
	"  unread_sources = unread_sources"
	"    - (OLD.submissions > 0 AND OLD.unread > 0),"
	"  unread_items = unread_items - OLD.unread; END;",
	/* 5: failed logins of names that are no editor (keyed hashes), so
	 * they lock as editors' accounts do */
	"CREATE TABLE login_failures ("
	"  name_key BLOB PRIMARY KEY,"
	"  failures INTEGER NOT NULL) WITHOUT ROWID;",
	/* 6: sources get random ids (53 bits), as new ones are now given when
	 * their codename is made, so row order says nothing of when sources
	 * came.  Their rows move in the table with their ids. */
	"PRAGMA defer_foreign_keys = ON;"
	"CREATE TEMP TABLE source_ids AS SELECT id AS old,"
	"  (random() & 9007199254740991) + 1 AS new FROM sources;"
	"UPDATE submissions SET source_id ="
	"  (SELECT new FROM temp.source_ids WHERE old = source_id);"
	"UPDATE replies SET source_id ="
	"  (SELECT new FROM temp.source_ids WHERE old = source_id);"
	"UPDATE sources SET id ="
	"  (SELECT new FROM temp.source_ids WHERE old = sources.id);"
	"DROP TABLE temp.source_ids;",
	/* 7: desks (store.h): groups of editors a source may write to.  A
	 * source's desk is 0 for none.  desk_totals keeps the inbox's counts
	 * per desk, as inbox_totals does for all, so an editor's counts
	 * cover only what that editor may read; the inbox's indexes cover
	 * the desk too, so a desk-filtered page still never reads the
	 * table. */
	"CREATE TABLE desks ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  closed INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE desk_editors ("
	"  desk_id INTEGER NOT NULL REFERENCES desks(id) ON DELETE CASCADE,"
	"  editor_id INTEGER NOT NULL REFERENCES editors(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (desk_id, editor_id)) WITHOUT ROWID;"
	"CREATE INDEX desk_editors_editor ON desk_editors(editor_id, desk_id);"
	"ALTER TABLE sources ADD COLUMN desk INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE desk_totals ("
	"  desk INTEGER PRIMARY KEY,"
	"  sources INTEGER NOT NULL,"
	"  starred INTEGER NOT NULL,"
	"  unread_sources INTEGER NOT NULL,"
	"  unread_items INTEGER NOT NULL);"
	"INSERT INTO desk_totals SELECT 0, sources, starred, unread_sources,"
	"  unread_items FROM inbox_totals;"
	"DROP INDEX sources_activity;"
	"DROP INDEX sources_unread;"
	"DROP INDEX sources_starred;"
	"DROP INDEX sources_designation;"
	"CREATE INDEX sources_activity ON sources(last_day, id, designation,"
	"  submissions, unread, starred, desk) WHERE submissions > 0;"
	"CREATE INDEX sources_unread ON sources(last_day, id, designation,"
	"  submissions, unread, starred, desk) WHERE submissions > 0"
	"  AND unread > 0;"
	"CREATE INDEX sources_starred ON sources(last_day, id, designation,"
	"  submissions, unread, starred, desk) WHERE submissions > 0"
	"  AND starred <> 0;"
	"CREATE INDEX sources_designation ON sources(designation, last_day,"
	"  id, submissions, unread, starred, desk) WHERE submissions > 0;"
	"CREATE TRIGGER source_desk_counted AFTER UPDATE OF submissions,"
	"  unread, starred, desk ON sources BEGIN"
	"  INSERT OR IGNORE INTO desk_totals VALUES (NEW.desk, 0, 0, 0, 0);"
	"  UPDATE desk_totals SET"
	"  sources = sources - (OLD.submissions > 0),"
	"  starred = starred - (OLD.submissions > 0 AND OLD.starred <> 0),"
	"  unread_sources = unread_sources"
	"    - (OLD.submissions > 0 AND OLD.unread > 0),"
	"  unread_items = unread_items - OLD.unread WHERE desk = OLD.desk;"
	"  UPDATE desk_totals SET"
	"  sources = sources + (NEW.submissions > 0),"
	"  starred = starred + (NEW.submissions > 0 AND NEW.starred <> 0),"
	"  unread_sources = unread_sources"
	"    + (NEW.submissions > 0 AND NEW.unread > 0),"
	"  unread_items = unread_items + NEW.unread WHERE desk = NEW.desk; END;"
	"CREATE TRIGGER source_desk_uncounted AFTER DELETE ON sources BEGIN"
	"  UPDATE desk_totals SET"
	"  sources = sources - (OLD.submissions > 0),"
	"  starred = starred - (OLD.submissions > 0 AND OLD.starred <> 0),"
	"  unread_sources = unread_sources"
	"    - (OLD.submissions > 0 AND OLD.unread > 0),"
	"  unread_items = unread_items - OLD.unread WHERE desk = OLD.desk;"
	"  END;"
	/* ...and a reply the source deleted after reading it stays listed
	 * for editors, marked, its file gone */
	"ALTER TABLE replies ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;",
	/* 8: who wrote each reply, for the editors' view of a conversation
	 * (the audit log says as much already; older replies say nobody). */
	"ALTER TABLE replies ADD COLUMN editor TEXT NOT NULL DEFAULT '';",
};

#define NMIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))
#define BUSY_RETRIES 50

void sz_store_day(time_t t, char day[SZ_STORE_DAY_SIZE])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(day, SZ_STORE_DAY_SIZE, "%Y-%m-%d", &tm);
}

void sz_store_today(char day[SZ_STORE_DAY_SIZE])
{
	sz_store_day(time(NULL), day);
}

void sz_store_days_ago(unsigned days, char day[SZ_STORE_DAY_SIZE])
{
	sz_store_day(time(NULL) - (time_t)days * 86400, day);
}

struct sqlite_store *sz_sqlite_impl(struct sz_store *s)
{
	return (struct sqlite_store *)s;
}

int sz_sqlite_error(sqlite3 *db, struct sz_err *err, const char *what)
{
	return sz_err_set(err, SZ_E_IO, "database error while %s: %s", what,
		sqlite3_errmsg(db));
}

/* Runs fixed SQL, retrying while the database is busy. */
void sz_sqlite_persist_wal(sqlite3 *db)
{
	int on = 1;
	sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &on);
}

int sz_sqlite_exec(sqlite3 *db, const char *sql, struct sz_err *err,
	const char *what)
{
	for (int i = 0; i < BUSY_RETRIES; i++) {
		int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return SZ_OK;
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		usleep(10000);
	}
	return sz_sqlite_error(db, err, what);
}

/* SQLite's unix VFS opens its files itself; this takes its place, so the
 * database and its journal are read without stamping their access time:
 * a login (a read) must not be dated on the disk. */
static int open_noatime(const char *path, int flags, int mode)
{
	return sz_open_noatime(path, flags, (mode_t)mode);
}

static void use_noatime(void)
{
	sqlite3_vfs *vfs = sqlite3_vfs_find("unix");
	if (vfs != NULL && vfs->iVersion >= 3 && vfs->xSetSystemCall != NULL)
		vfs->xSetSystemCall(vfs, "open",
			(sqlite3_syscall_ptr)(void (*)(void))open_noatime);
}

/* Makes path (if it is not there) and makes it private. */
static int create_private(const char *path, struct sz_err *err)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return sz_err_set(err, SZ_E_IO, "cannot create %s: %s", path,
			strerror(e));
	}
	close(fd);
	return SZ_OK;
}

int sz_sqlite_private_files(const char *path, struct sz_err *err)
{
	static const char *const sidecars[] = { "-wal", "-shm", "-journal" };
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, use_noatime);
	int rc = create_private(path, err);
	if (rc != SZ_OK)
		return rc;
	for (size_t i = 0; i < sizeof(sidecars) / sizeof(sidecars[0]); i++) {
		char side[4200];
		snprintf(side, sizeof(side), "%s%s", path, sidecars[i]);
		if (chmod(side, 0600) != 0 && errno != ENOENT)
			return sz_err_set(err, SZ_E_IO, "cannot restrict %s: %s",
				side, strerror(errno));
	}
	return SZ_OK;
}

void sz_sqlite_text(char *dst, size_t cap, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

int sz_sqlite_row_by_id(struct sz_store *s, const char *sql, int64_t id,
	void (*read)(sqlite3_stmt *st, void *out), void *out, const char *what,
	struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, sql, &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_int64(st, 1, id);
		int r = sz_sqlite_step(st);
		if (r == SQLITE_ROW)
			read(st, out);
		else if (r == SQLITE_DONE)
			rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such %s", what);
		else
			rc = sz_err_set(err, SZ_E_IO, "database error while "
				"reading a %s: %s", what, sqlite3_errmsg(q->db));
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

int sz_sqlite_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st,
	struct sz_err *err)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return sz_sqlite_error(db, err, "preparing a statement");
	return SZ_OK;
}

/* Steps a statement, retrying while busy; returns the SQLite code. */
int sz_sqlite_step(sqlite3_stmt *st)
{
	int rc;
	for (int i = 0; i < BUSY_RETRIES; i++) {
		rc = sqlite3_step(st);
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			return rc;
		sqlite3_reset(st);
		usleep(10000);
	}
	return rc;
}

int sz_sqlite_schema(sqlite3 *db, size_t n, int *version, struct sz_err *err)
{
	sqlite3_stmt *st;
	int rc = sz_sqlite_prepare(db, "PRAGMA user_version", &st, err);
	if (rc != SZ_OK)
		return rc;
	*version = 0;
	if (sz_sqlite_step(st) == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (*version > (int)n)
		return sz_err_set(err, SZ_E_UNSUPPORTED, "%s is from a newer "
			"samizdat (schema %d; this one knows %zu): install that "
			"newer samizdat again, or restore the backup made before "
			"it was installed", sqlite3_db_filename(db, "main"),
			*version, n);
	return SZ_OK;
}

int sz_sqlite_migrate(sqlite3 *db, const char *const *steps, size_t n,
	struct sz_err *err)
{
	/* Each step in its own IMMEDIATE transaction that reads the version
	 * first: two processes opening the database at once (faces starting
	 * together) take the steps in turn, and none is applied twice. */
	for (;;) {
		int version = 0, rc = sz_sqlite_exec(db, "BEGIN IMMEDIATE", err,
			"migrating");
		if (rc == SZ_OK)
			rc = sz_sqlite_schema(db, n, &version, err);
		if (rc == SZ_OK && version < (int)n) {
			char sql[64];
			snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
				version + 1);
			rc = sz_sqlite_exec(db, steps[version], err, "migrating");
			if (rc == SZ_OK)
				rc = sz_sqlite_exec(db, sql, err, "migrating");
		}
		if (rc == SZ_OK)
			rc = sz_sqlite_exec(db, "COMMIT", err, "migrating");
		if (rc != SZ_OK) {
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
		if (version >= (int)n)
			return SZ_OK;
	}
}

static int recipient_add(struct sz_store *s, const char *name,
	const char *recipient, struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	char day[SZ_STORE_DAY_SIZE];
	sz_store_today(day);
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, "INSERT INTO recipients (name, recipient, "
		"added_day) VALUES (?, ?, ?)", &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, recipient, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, day, -1, SQLITE_STATIC);
		int r = sz_sqlite_step(st);
		if (r == SQLITE_CONSTRAINT)
			rc = sz_err_set(err, SZ_E_EXISTS, "a recipient with "
				"that name or key is already registered");
		else if (r != SQLITE_DONE)
			rc = sz_sqlite_error(q->db, err, "adding a recipient");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

static int recipient_remove(struct sz_store *s, const char *name,
	struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, "DELETE FROM recipients WHERE name = ?", &st,
		err);
	if (rc == SZ_OK) {
		sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
		if (sz_sqlite_step(st) != SQLITE_DONE)
			rc = sz_sqlite_error(q->db, err, "removing a recipient");
		else if (sqlite3_changes(q->db) == 0)
			rc = sz_err_set(err, SZ_E_NOT_FOUND,
				"no recipient is named \"%.64s\"", name);
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

static int recipient_list(struct sz_store *s, struct sz_recipient_row **rows,
	size_t *n, struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	*rows = NULL;
	*n = 0;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, "SELECT name, recipient, added_day FROM "
		"recipients ORDER BY name", &st, err);
	int r;
	while (rc == SZ_OK && (r = sz_sqlite_step(st)) == SQLITE_ROW) {
		struct sz_recipient_row *more = realloc(*rows,
			(*n + 1) * sizeof(**rows));
		if (more == NULL) {
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
			break;
		}
		*rows = more;
		struct sz_recipient_row *row = &(*rows)[(*n)++];
		snprintf(row->name, sizeof(row->name), "%s",
			(const char *)sqlite3_column_text(st, 0));
		snprintf(row->recipient, sizeof(row->recipient), "%s",
			(const char *)sqlite3_column_text(st, 1));
		snprintf(row->added_day, sizeof(row->added_day), "%s",
			(const char *)sqlite3_column_text(st, 2));
	}
	if (rc == SZ_OK && r != SQLITE_DONE)
		rc = sz_sqlite_error(q->db, err, "listing recipients");
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	if (rc != SZ_OK) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

static int source_find(struct sz_store *s, const uint8_t login_hash[32],
	int64_t *id, struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	*id = 0;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, "SELECT id FROM sources WHERE login_hash = ?",
		&st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_blob(st, 1, login_hash, 32, SQLITE_STATIC);
		int r = sz_sqlite_step(st);
		if (r == SQLITE_ROW)
			*id = sqlite3_column_int64(st, 0);
		else if (r == SQLITE_DONE)
			rc = SZ_E_NOT_FOUND;
		else
			rc = sz_sqlite_error(q->db, err, "finding a source");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

/* Steps a prepared insert or update once; SQLITE_DONE or an error. */
static int step_once(sqlite3 *db, sqlite3_stmt *st, struct sz_err *err)
{
	int r = sz_sqlite_step(st);
	sqlite3_reset(st);
	return r == SQLITE_DONE ? SZ_OK :
		sz_sqlite_error(db, err, "storing submissions");
}

static int batch_add(struct sz_store *s, const struct sz_batch *b,
	struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *src = NULL, *sub = NULL, *item = NULL, *last = NULL,
		*desk = NULL;
	int64_t *ids = calloc(b->nsubs + 1, sizeof(*ids));
	if (ids == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_exec(q->db, "BEGIN IMMEDIATE", err,
		"storing submissions");
	if (rc != SZ_OK)
		goto out;
	rc = sz_sqlite_prepare(q->db, "INSERT INTO sources (id, uid, "
		"login_hash, public_key, created_day, last_day, designation) "
		"VALUES (?, ?, ?, ?, ?, ?, ?)", &src, err);
	if (rc == SZ_OK)
		rc = sz_sqlite_prepare(q->db, "INSERT INTO submissions "
			"(source_id, day) VALUES (?, ?)", &sub, err);
	/* a source's first submission fixes its desk, for good */
	if (rc == SZ_OK)
		rc = sz_sqlite_prepare(q->db, "UPDATE sources SET desk = ? "
			"WHERE id = ? AND submissions = 0 AND desk <> ?", &desk,
			err);
	if (rc == SZ_OK)
		rc = sz_sqlite_prepare(q->db, "UPDATE sources SET last_day = "
			"max(last_day, ?) WHERE id = ?", &last, err);
	if (rc == SZ_OK)
		rc = sz_sqlite_prepare(q->db, "INSERT INTO items (submission_id, "
			"kind, blob, padded_size) VALUES (?, ?, ?, ?)", &item, err);
	for (size_t i = 0; rc == SZ_OK && i < b->nsources; i++) {
		const struct sz_new_source *n = &b->sources[i];
		sqlite3_bind_int64(src, 1, n->id);
		sqlite3_bind_blob(src, 2, n->uid, sizeof(n->uid), SQLITE_STATIC);
		sqlite3_bind_blob(src, 3, n->login_hash, 32, SQLITE_STATIC);
		sqlite3_bind_blob(src, 4, n->public_key, 32, SQLITE_STATIC);
		sqlite3_bind_text(src, 5, n->day, -1, SQLITE_STATIC);
		sqlite3_bind_text(src, 6, n->day, -1, SQLITE_STATIC);
		sqlite3_bind_int64(src, 7, sz_designation_key(n->uid));
		rc = step_once(q->db, src, err);
	}
	for (size_t i = 0; rc == SZ_OK && i < b->nsubs; i++) {
		sqlite3_bind_int64(desk, 1, b->subs[i].desk);
		sqlite3_bind_int64(desk, 2, b->subs[i].source_id);
		sqlite3_bind_int64(desk, 3, b->subs[i].desk);
		rc = step_once(q->db, desk, err);
		if (rc != SZ_OK)
			break;
		sqlite3_bind_int64(sub, 1, b->subs[i].source_id);
		sqlite3_bind_text(sub, 2, b->subs[i].day, -1, SQLITE_STATIC);
		rc = step_once(q->db, sub, err);
		ids[i] = sqlite3_last_insert_rowid(q->db);
		sqlite3_bind_text(last, 1, b->subs[i].day, -1, SQLITE_STATIC);
		sqlite3_bind_int64(last, 2, b->subs[i].source_id);
		if (rc == SZ_OK)
			rc = step_once(q->db, last, err);
	}
	for (size_t i = 0; rc == SZ_OK && i < b->nitems; i++) {
		const struct sz_batch_item *it = &b->items[i];
		if (it->submission >= b->nsubs) {
			rc = sz_err_set(err, SZ_E_INVAL, "an item belongs to no "
				"submission");
			break;
		}
		sqlite3_bind_int64(item, 1, ids[it->submission]);
		sqlite3_bind_text(item, 2, it->row.kind == SZ_ITEM_FILE ?
			"file" : "message", -1, SQLITE_STATIC);
		sqlite3_bind_text(item, 3, it->row.blob, -1, SQLITE_STATIC);
		sqlite3_bind_int64(item, 4, (sqlite3_int64)it->row.padded_size);
		rc = step_once(q->db, item, err);
	}
	sqlite3_finalize(src);
	sqlite3_finalize(sub);
	sqlite3_finalize(desk);
	sqlite3_finalize(last);
	sqlite3_finalize(item);
	if (rc == SZ_OK)
		rc = sz_sqlite_exec(q->db, "COMMIT", err, "storing submissions");
	if (rc != SZ_OK)
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
out:
	pthread_mutex_unlock(&q->mu);
	free(ids);
	return rc;
}

static int source_submission_count(struct sz_store *s, int64_t source_id,
	int64_t *count, struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, "SELECT count(*) FROM submissions WHERE "
		"source_id = ?", &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_int64(st, 1, source_id);
		if (sz_sqlite_step(st) == SQLITE_ROW)
			*count = sqlite3_column_int64(st, 0);
		else
			rc = sz_sqlite_error(q->db, err, "counting submissions");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

static int purge_before(struct sz_store *s, const char *day,
	char (**blobs)[SZ_STORE_BLOB_NAME_MAX + 1], size_t *nblobs,
	size_t *nsubmissions, struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	*blobs = NULL;
	*nblobs = 0;
	*nsubmissions = 0;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_exec(q->db, "BEGIN IMMEDIATE", err, "purging");
	if (rc != SZ_OK)
		goto out;
	rc = sz_sqlite_prepare(q->db, "SELECT i.blob, i.meta_blob FROM items i JOIN "
		"submissions s ON s.id = i.submission_id WHERE s.day < ?", &st,
		err);
	if (rc == SZ_OK)
		sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	int r;
	while (rc == SZ_OK && (r = sz_sqlite_step(st)) == SQLITE_ROW) {
		for (int col = 0; col < 2 && rc == SZ_OK; col++) {
			const char *name = (const char *)sqlite3_column_text(st,
				col);
			if (name == NULL)
				continue;
			char (*more)[SZ_STORE_BLOB_NAME_MAX + 1] = realloc(*blobs,
				(*nblobs + 1) * sizeof(**blobs));
			if (more == NULL) {
				rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
				break;
			}
			*blobs = more;
			snprintf((*blobs)[(*nblobs)++], SZ_STORE_BLOB_NAME_MAX + 1,
				"%s", name);
		}
	}
	if (rc == SZ_OK && r != SQLITE_DONE)
		rc = sz_sqlite_error(q->db, err, "purging");
	sqlite3_finalize(st);
	st = NULL;
	if (rc == SZ_OK)
		rc = sz_sqlite_prepare(q->db, "DELETE FROM submissions WHERE day < ?", &st,
			err);
	if (rc == SZ_OK) {
		sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
		if (sz_sqlite_step(st) != SQLITE_DONE)
			rc = sz_sqlite_error(q->db, err, "purging");
		else
			*nsubmissions = (size_t)sqlite3_changes(q->db);
	}
	sqlite3_finalize(st);
	if (rc == SZ_OK)
		rc = sz_sqlite_exec(q->db, "COMMIT", err, "purging");
	if (rc != SZ_OK) {
		sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
		free(*blobs);
		*blobs = NULL;
		*nblobs = 0;
	}
out:
	pthread_mutex_unlock(&q->mu);
	return rc;
}

static int blob_referenced(struct sz_store *s, const char *blob,
	struct sz_err *err)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	sqlite3_stmt *st = NULL;
	pthread_mutex_lock(&q->mu);
	int rc = sz_sqlite_prepare(q->db, "SELECT 1 FROM items WHERE blob = ?1 OR "
		"meta_blob = ?1 UNION ALL SELECT 1 FROM replies WHERE blob = ?1 "
		"LIMIT 1", &st, err);
	if (rc == SZ_OK) {
		sqlite3_bind_text(st, 1, blob, -1, SQLITE_STATIC);
		int r = sz_sqlite_step(st);
		rc = r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 :
			sz_sqlite_error(q->db, err, "checking a blob");
	}
	sqlite3_finalize(st);
	pthread_mutex_unlock(&q->mu);
	return rc;
}

/* sz_designation_key(uid) in SQL, for migration 4 to fill in the
 * designations of sources created before it. */
static void designation_key_sql(sqlite3_context *ctx, int argc,
	sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) != SQLITE_BLOB ||
	    sqlite3_value_bytes(argv[0]) != 16) {
		sqlite3_result_error(ctx, "a source's uid is 16 bytes", -1);
		return;
	}
	sqlite3_result_int64(ctx, sz_designation_key(
		sqlite3_value_blob(argv[0])));
}

static void store_close(struct sz_store *s)
{
	struct sqlite_store *q = sz_sqlite_impl(s);
	if (q == NULL)
		return;
	sqlite3_close(q->db);
	pthread_mutex_destroy(&q->mu);
	free(q);
}

static const struct sz_store_ops sqlite_ops = {
	.recipient_add = recipient_add,
	.recipient_remove = recipient_remove,
	.recipient_list = recipient_list,
	.source_find = source_find,
	.batch_add = batch_add,
	.source_submission_count = source_submission_count,
	.purge_before = purge_before,
	.blob_referenced = blob_referenced,
	.editor_add = sz_sqlite_editor_add,
	.editor_remove = sz_sqlite_editor_remove,
	.editor_list = sz_sqlite_editor_list,
	.editor_get = sz_sqlite_editor_get,
	.editor_set_totp = sz_sqlite_editor_set_totp,
	.editor_totp_used = sz_sqlite_editor_totp_used,
	.editor_set_failures = sz_sqlite_editor_set_failures,
	.editor_failure_charge = sz_sqlite_editor_failure_charge,
	.inbox_page = sz_sqlite_inbox_page,
	.inbox_counts = sz_sqlite_inbox_counts,
	.desk_add = sz_sqlite_desk_add,
	.desk_remove = sz_sqlite_desk_remove,
	.desk_purge = sz_sqlite_desk_purge,
	.desk_list = sz_sqlite_desk_list,
	.desk_member = sz_sqlite_desk_member,
	.desk_recipients = sz_sqlite_desk_recipients,
	.desk_reader = sz_sqlite_desk_reader,
	.source_desk = sz_sqlite_source_desk,
	.source_get = sz_sqlite_source_get,
	.source_items = sz_sqlite_source_items,
	.item_get = sz_sqlite_item_get,
	.item_seen = sz_sqlite_item_seen,
	.source_seen = sz_sqlite_source_seen,
	.source_public_key = sz_sqlite_source_public_key,
	.source_star = sz_sqlite_source_star,
	.source_delete = sz_sqlite_source_delete,
	.reply_add = sz_sqlite_reply_add,
	.replies = sz_sqlite_replies,
	.reply_delete = sz_sqlite_reply_delete,
	.audit_add = sz_sqlite_audit_add,
	.audit_list = sz_sqlite_audit_list,
	.close = store_close,
};

/* A rollback journal (see the top of this file); a database an earlier
 * version left in WAL mode is switched, which needs it to itself. */
static int leave_wal(sqlite3 *db, const char *path, struct sz_err *err)
{
	sqlite3_stmt *st = NULL;
	char mode[16] = "";
	int rc = sz_sqlite_prepare(db, "PRAGMA journal_mode = TRUNCATE", &st,
		err);
	if (rc == SZ_OK && sz_sqlite_step(st) == SQLITE_ROW)
		sz_sqlite_text(mode, sizeof(mode), st, 0);
	sqlite3_finalize(st);
	if (rc == SZ_OK && strcmp(mode, "truncate") != 0)
		rc = sz_err_set(err, SZ_E_BUSY, "%s is in use by another "
			"process in WAL mode; stop it and start again", path);
	return rc;
}

/* The journal, made empty (an empty journal is never replayed) when the
 * database is opened and kept from then on (journal_mode TRUNCATE): a
 * face locked in to its files cannot make a file next to them. */
static int make_journal(const char *path, struct sz_err *err)
{
	char journal[4200];
	snprintf(journal, sizeof(journal), "%s-journal", path);
	return create_private(journal, err);
}

int sz_store_open_sqlite(struct sz_store **out, const char *dir,
	struct sz_err *err)
{
	char path[4096];
	*out = NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, SZ_STORE_DB_FILE);
	struct sqlite_store *q = calloc(1, sizeof(*q));
	if (q == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	q->base.ops = &sqlite_ops;
	pthread_mutex_init(&q->mu, NULL);
	int rc = sz_sqlite_private_files(path, err);
	if (rc == SZ_OK)
		rc = make_journal(path, err);
	if (rc != SZ_OK)
		goto out;
	if (sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE |
		    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) !=
	    SQLITE_OK) {
		rc = sz_err_set(err, SZ_E_IO, "cannot open %s: %s", path,
			q->db ? sqlite3_errmsg(q->db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(q->db, 5000);
	rc = leave_wal(q->db, path, err);
	/* temp_store: a locked-in face has no folder for temporary files
	 * (sandbox/landlock.c); statement journals and sorts stay in memory,
	 * which the store's bounded queries keep small. */
	if (rc == SZ_OK)
		rc = sz_sqlite_exec(q->db, "PRAGMA synchronous = FULL;"
			"PRAGMA foreign_keys = ON;"
			"PRAGMA secure_delete = ON;"
			"PRAGMA temp_store = MEMORY;", err, "opening the database");
	if (rc == SZ_OK && sqlite3_create_function(q->db, "sz_designation_key",
		    1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
		    NULL, designation_key_sql, NULL, NULL) != SQLITE_OK)
		rc = sz_sqlite_error(q->db, err, "opening the database");
	if (rc == SZ_OK)
		rc = sz_sqlite_migrate(q->db, migrations, NMIGRATIONS, err);
out:
	if (rc != SZ_OK) {
		store_close(&q->base);
		return rc;
	}
	*out = &q->base;
	return SZ_OK;
}
