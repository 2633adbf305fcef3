/*
 * export_state.c - what an export remembers between runs, in a SQLite
 * file of its own: every file it wrote (path, owner, SHA-256, size, the
 * run that last wrote it), which owners each document showed up in, and
 * a few values (the archive's change-log position, the signed version,
 * the MANIFEST it wrote).  Owners waiting to be rendered in this run are
 * a temporary table, so a million of them cost disk, not memory.
 *
 * It holds no secret and nothing about anyone's connection: only what
 * the public export itself shows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mirror/export_internal.h"
#include "store/sqlite_internal.h"

static const char schema[] =
	"PRAGMA journal_mode = DELETE;"
	"PRAGMA synchronous = NORMAL;"
	"PRAGMA cache_size = -16384;"
	"PRAGMA temp_store = FILE;"
	"CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value)"
	"  WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY,"
	"  owner TEXT NOT NULL, sha256 BLOB NOT NULL, size INTEGER NOT NULL,"
	"  run INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS files_owner ON files(owner, run);"
	"CREATE TABLE IF NOT EXISTS deps (doc INTEGER NOT NULL,"
	"  owner TEXT NOT NULL, PRIMARY KEY (doc, owner)) WITHOUT ROWID;"
	"CREATE TEMP TABLE dirty (stage INTEGER NOT NULL, owner TEXT NOT NULL,"
	"  PRIMARY KEY (owner)) WITHOUT ROWID;"
	"CREATE INDEX temp.dirty_stage ON dirty(stage, owner);";

/* Render workers (export.c) share this connection and its statements. */
static void lock(struct export *x)
{
	if (x->state_mu != NULL)
		pthread_mutex_lock(x->state_mu);
}

static void unlock(struct export *x)
{
	if (x->state_mu != NULL)
		pthread_mutex_unlock(x->state_mu);
}

static int prepare(struct export *x, const char *sql, sqlite3_stmt **st)
{
	return sz_sqlite_prepare(x->db, sql, st, x->err);
}

int state_open(struct export *x, const char *path, bool *fresh)
{
	int rc = 0;
	if (sqlite3_open_v2(path, &x->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		return sz_err_set(x->err, SZ_E_IO, "cannot open the export's state "
			"%s: %s", path, x->db ? sqlite3_errmsg(x->db) :
			"out of memory");
	sqlite3_busy_timeout(x->db, 5000);
	rc = sz_sqlite_exec(x->db, schema, x->err, "opening the export's state");
	if (rc == 0)
		rc = prepare(x, "SELECT sha256 FROM files WHERE path = ?",
			&x->st_get);
	if (rc == 0)
		rc = prepare(x, "INSERT INTO files (path, owner, sha256, size, run)"
			" VALUES (?, ?, ?, ?, ?) ON CONFLICT (path) DO UPDATE SET"
			" owner = excluded.owner, sha256 = excluded.sha256,"
			" size = excluded.size, run = excluded.run", &x->st_put);
	if (rc == 0)
		rc = prepare(x, "SELECT path FROM files WHERE owner = ? AND run != ?"
			" LIMIT 256", &x->st_stale);
	if (rc == 0)
		rc = prepare(x, "DELETE FROM files WHERE path = ?", &x->st_drop);
	if (rc == 0)
		rc = prepare(x, "INSERT INTO dirty (owner, stage) VALUES (?, ?)"
			" ON CONFLICT (owner) DO UPDATE SET"
			" stage = min(stage, excluded.stage)", &x->st_dirty);
	if (rc == 0)
		rc = prepare(x, "INSERT OR IGNORE INTO deps (doc, owner) VALUES"
			" (?, ?)", &x->st_dep);
	if (rc == 0)
		rc = prepare(x, "SELECT owner FROM deps WHERE doc = ?", &x->st_deps);
	if (rc == 0)
		rc = prepare(x, "DELETE FROM deps WHERE doc = ?", &x->st_undep);
	if (rc == 0) {
		x->queued = malloc(EXPORT_QUEUED_SLOTS * sizeof(*x->queued));
		if (x->queued == NULL)
			rc = sz_err_set(x->err, SZ_E_NOMEM, "out of memory");
		for (size_t i = 0; rc == 0 && i < EXPORT_QUEUED_SLOTS; i++)
			x->queued[i].stage = -1;
	}
	*fresh = rc == 0 && state_meta_int(x, "run") == 0;
	return rc;
}

void state_close(struct export *x)
{
	sqlite3_stmt *all[] = { x->st_get, x->st_put, x->st_stale, x->st_drop,
		x->st_dirty, x->st_dep, x->st_deps, x->st_undep };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		sqlite3_finalize(all[i]);
	free(x->queued);
	x->queued = NULL;
	if (x->db != NULL)
		sqlite3_close_v2(x->db);
	x->db = NULL;
}

int state_exec(struct export *x, const char *sql)
{
	return sz_sqlite_exec(x->db, sql, x->err, "updating the export's state");
}

int64_t state_meta_int(struct export *x, const char *key)
{
	sqlite3_stmt *st;
	int64_t v = 0;
	if (sqlite3_prepare_v2(x->db, "SELECT value FROM meta WHERE key = ?", -1,
	    &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

void state_meta_text(struct export *x, const char *key, char *out,
	size_t cap)
{
	sqlite3_stmt *st;
	out[0] = 0;
	if (sqlite3_prepare_v2(x->db, "SELECT value FROM meta WHERE key = ?", -1,
	    &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		sz_sqlite_text(out, cap, st, 0);
	sqlite3_finalize(st);
}

static int meta_set(struct export *x, const char *key, const char *text,
	int64_t v)
{
	sqlite3_stmt *st;
	int rc = prepare(x, "INSERT OR REPLACE INTO meta (key, value) VALUES"
		" (?, ?)", &st);
	if (rc != 0)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (text != NULL)
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 2, v);
	if (sz_sqlite_step(st) != SQLITE_DONE)
		rc = sz_sqlite_error(x->db, x->err, "updating the export's state");
	sqlite3_finalize(st);
	return rc;
}

int state_meta_set_int(struct export *x, const char *key, int64_t v)
{
	return meta_set(x, key, NULL, v);
}

int state_meta_set_text(struct export *x, const char *key, const char *v)
{
	return meta_set(x, key, v, 0);
}

/* Runs a prepared statement to its end, reset for the next use. */
static int run(struct export *x, sqlite3_stmt *st, const char *what)
{
	int s = sz_sqlite_step(st);
	int rc = s == SQLITE_DONE || s == SQLITE_ROW ? 0 :
		sz_sqlite_error(x->db, x->err, what);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

/* The slot of the queued cache an owner goes to (FNV-1a). */
static size_t queued_slot(const char *owner)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *p = (const unsigned char *)owner; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % EXPORT_QUEUED_SLOTS;
}

static int state_dirty_locked(struct export *x, const char *owner,
	enum export_stage s)
{
	if (strlen(owner) >= EXPORT_OWNER_MAX)
		return 0;   /* no page can carry such a key: nothing to render */
	/* Queued already at this stage or an earlier one (the dirty table
	 * only grows during a run, and keeps the earlier stage): the
	 * statement would change nothing.  Every e-mail queues the home
	 * page, the browse indexes, its release, sender and month. */
	struct export_queued *q = x->queued != NULL &&
		strlen(owner) < EXPORT_QUEUED_NAME ?
		&x->queued[queued_slot(owner)] : NULL;
	if (q != NULL && q->stage >= 0 && q->stage <= (int)s &&
	    strcmp(q->owner, owner) == 0)
		return 0;
	sqlite3_bind_text(x->st_dirty, 1, owner, -1, SQLITE_STATIC);
	sqlite3_bind_int(x->st_dirty, 2, (int)s);
	int rc = run(x, x->st_dirty, "queueing a page");
	if (rc == 0 && q != NULL) {
		snprintf(q->owner, sizeof(q->owner), "%s", owner);
		q->stage = (int)s;
	}
	return rc;
}

int state_dirty_batch(struct export *x, enum export_stage s,
	const char *after, char *names, size_t *n)
{
	sqlite3_stmt *st;
	*n = 0;
	int rc = prepare(x, "SELECT owner FROM dirty WHERE stage = ? AND"
		" owner > ? ORDER BY owner LIMIT ?", &st);
	if (rc != 0)
		return rc;
	sqlite3_bind_int(st, 1, (int)s);
	sqlite3_bind_text(st, 2, after, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, EXPORT_BATCH);
	while (*n < EXPORT_BATCH && sz_sqlite_step(st) == SQLITE_ROW) {
		sz_sqlite_text(names + *n * EXPORT_OWNER_MAX, EXPORT_OWNER_MAX, st,
			0);
		(*n)++;
	}
	sqlite3_finalize(st);
	return 0;
}

static uint64_t state_dirty_count_locked(struct export *x)
{
	sqlite3_stmt *st;
	uint64_t n = 0;
	if (sqlite3_prepare_v2(x->db, "SELECT count(*) FROM dirty", -1, &st,
	    NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Threads render their e-mails' pages; a document's page shows other
 * documents (an e-mail its attachments); the rest are lists. */
static enum export_stage stage_of(const char *owner)
{
	if (strncmp(owner, "thread:", 7) == 0)
		return STAGE_THREAD;
	if (strncmp(owner, "doc:", 4) == 0)
		return STAGE_PAGE;
	return STAGE_LIST;
}

/* Lists every document of a kind shows up in, implied by another of
 * its owners: a release's document is on the home page, a sender's
 * e-mail in the senders' index, and so on.  state_dep queues them and
 * records nothing (four rows fewer per e-mail in the state); requeueing
 * the owner queues its list. */
static const struct {
	const char *prefix, *list;
} implied[] = {
	{ "release:", "home" },
	{ "from:", "senders" },
	{ "to:", "recipients" },
	{ "month:", "months" },
};
#define NIMPLIED (sizeof(implied) / sizeof(implied[0]))

static bool is_implied(const char *owner)
{
	for (size_t i = 0; i < NIMPLIED; i++)
		if (strcmp(owner, implied[i].list) == 0)
			return true;
	return false;
}

static int queue_implied(struct export *x, const char *owner)
{
	for (size_t i = 0; i < NIMPLIED; i++)
		if (strncmp(owner, implied[i].prefix,
		    strlen(implied[i].prefix)) == 0)
			return state_dirty_locked(x, implied[i].list,
				stage_of(implied[i].list));
	return 0;
}

static int state_deps_requeue_locked(struct export *x, int64_t doc)
{
	char owner[EXPORT_OWNER_MAX];
	int rc = 0;
	/* Queueing writes the dirty table while this reads deps: SQLite
	 * allows that on one connection. */
	sqlite3_bind_int64(x->st_deps, 1, doc);
	while (rc == 0 && sz_sqlite_step(x->st_deps) == SQLITE_ROW) {
		sz_sqlite_text(owner, sizeof(owner), x->st_deps, 0);
		rc = state_dirty_locked(x, owner, stage_of(owner));
		if (rc == 0)
			rc = queue_implied(x, owner);
	}
	sqlite3_reset(x->st_deps);
	if (rc == 0) {
		sqlite3_bind_int64(x->st_undep, 1, doc);
		rc = run(x, x->st_undep, "forgetting a document's pages");
	}
	return rc;
}

static int state_shown_locked(struct export *x, int64_t doc,
	const char *owner)
{
	sqlite3_bind_int64(x->st_dep, 1, doc);
	sqlite3_bind_text(x->st_dep, 2, owner, -1, SQLITE_STATIC);
	return run(x, x->st_dep, "recording a document's pages");
}

static int state_dep_locked(struct export *x, int64_t doc, const char *owner)
{
	if (strlen(owner) >= EXPORT_OWNER_MAX)
		return 0;
	if (is_implied(owner))
		return state_dirty_locked(x, owner, stage_of(owner));
	int rc = state_shown_locked(x, doc, owner);
	return rc ? rc : state_dirty_locked(x, owner, stage_of(owner));
}

static bool state_file_get_locked(struct export *x, const char *path,
	uint8_t sha[32])
{
	bool found = false;
	sqlite3_bind_text(x->st_get, 1, path, -1, SQLITE_STATIC);
	if (sqlite3_step(x->st_get) == SQLITE_ROW &&
	    sqlite3_column_bytes(x->st_get, 0) == 32) {
		memcpy(sha, sqlite3_column_blob(x->st_get, 0), 32);
		found = true;
	}
	sqlite3_reset(x->st_get);
	sqlite3_clear_bindings(x->st_get);
	return found;
}

static int state_file_put_locked(struct export *x, const char *owner,
	const char *path, const uint8_t sha[32], uint64_t size)
{
	sqlite3_bind_text(x->st_put, 1, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(x->st_put, 2, owner, -1, SQLITE_STATIC);
	sqlite3_bind_blob(x->st_put, 3, sha, 32, SQLITE_STATIC);
	sqlite3_bind_int64(x->st_put, 4, (int64_t)size);
	sqlite3_bind_int64(x->st_put, 5, x->run);
	return run(x, x->st_put, "recording a file");
}

static int state_file_keep_locked(struct export *x, const char *path)
{
	sqlite3_stmt *st;
	int rc = prepare(x, "UPDATE files SET run = ?, owner = ? WHERE path = ?",
		&st);
	if (rc != 0)
		return rc;
	sqlite3_bind_int64(st, 1, x->run);
	sqlite3_bind_text(st, 2, x->owner, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, path, -1, SQLITE_STATIC);
	rc = run(x, st, "keeping a file");
	if (rc == 0 && sqlite3_changes(x->db) == 0)
		rc = SZ_E_NOT_FOUND;
	sqlite3_finalize(st);
	return rc;
}

static int state_owner_end_locked(struct export *x)
{
	char paths[256][SZ_MANIFEST_PATH_MAX + 1];
	size_t n;
	int rc = 0;
	do {
		n = 0;
		sqlite3_bind_text(x->st_stale, 1, x->owner, -1, SQLITE_STATIC);
		sqlite3_bind_int64(x->st_stale, 2, x->run);
		while (n < 256 && sqlite3_step(x->st_stale) == SQLITE_ROW)
			sz_sqlite_text(paths[n++], sizeof(paths[0]), x->st_stale, 0);
		sqlite3_reset(x->st_stale);
		for (size_t i = 0; rc == 0 && i < n; i++) {
			files_remove(x, paths[i]);
			x->stats->removed++;
			sqlite3_bind_text(x->st_drop, 1, paths[i], -1, SQLITE_STATIC);
			rc = run(x, x->st_drop, "forgetting a file");
		}
	} while (rc == 0 && n == 256);
	return rc;
}

/* ---- writes wait in the worker's own batch while workers render ----
 *
 * A worker that took the state's lock for every write (a file, a page an
 * e-mail shows up in, an owner queued: ten per e-mail) kept the other
 * waiting for it a good part of the time.  While the workers render,
 * writes are appended to the worker's batch (x->pending) and applied
 * together: when the batch is EXPORT_PENDING_TRY bytes long, if the lock
 * is free (else the worker renders on, and tries again after its next
 * write), and at EXPORT_PENDING_MAX bytes in any case.  A worker applies
 * its batch before it reads what it wrote (the files an owner made, the
 * pages a document showed up in) and at the end of each batch of owners,
 * before the next is read from the queue. */

enum pending_kind { PENDING_DIRTY, PENDING_DEP, PENDING_SHOWN, PENDING_PUT };

/* A write, followed by its owner's and its path's bytes. */
struct pending {
	int64_t doc;
	uint64_t size;
	uint8_t sha[32];
	uint16_t owner_len, path_len;
	uint8_t kind, stage;
};

static int apply_locked(struct export *x)
{
	struct sz_buf *b = &x->pending;
	char owner[EXPORT_OWNER_MAX], path[SZ_MANIFEST_PATH_MAX + 1];
	size_t at = 0;
	int rc = 0;
	while (rc == 0 && at < b->len) {
		struct pending p;
		memcpy(&p, b->data + at, sizeof(p));
		at += sizeof(p);
		memcpy(owner, b->data + at, p.owner_len);
		owner[p.owner_len] = 0;
		at += p.owner_len;
		memcpy(path, b->data + at, p.path_len);
		path[p.path_len] = 0;
		at += p.path_len;
		if (p.kind == PENDING_DIRTY)
			rc = state_dirty_locked(x, owner, (enum export_stage)p.stage);
		else if (p.kind == PENDING_DEP)
			rc = state_dep_locked(x, p.doc, owner);
		else if (p.kind == PENDING_SHOWN)
			rc = state_shown_locked(x, p.doc, owner);
		else
			rc = state_file_put_locked(x, owner, path, p.sha, p.size);
	}
	b->len = 0;
	return rc;
}

int state_flush(struct export *x)
{
	if (x->pending.len == 0)
		return 0;
	lock(x);
	int rc = apply_locked(x);
	unlock(x);
	return rc;
}

/* Writes now (no workers rendering), or appends to the batch. */
static int pend(struct export *x, const struct pending *p, const char *owner,
	const char *path)
{
	if (x->state_mu == NULL) {
		if (p->kind == PENDING_DIRTY)
			return state_dirty_locked(x, owner, (enum export_stage)p->stage);
		if (p->kind == PENDING_DEP)
			return state_dep_locked(x, p->doc, owner);
		if (p->kind == PENDING_SHOWN)
			return state_shown_locked(x, p->doc, owner);
		return state_file_put_locked(x, owner, path, p->sha, p->size);
	}
	struct sz_buf *b = &x->pending;
	size_t need = sizeof(*p) + p->owner_len + p->path_len;
	int rc = 0;
	if (b->len + need > EXPORT_PENDING_MAX)
		rc = state_flush(x);
	if (rc == 0)
		rc = sz_buf_append(b, p, sizeof(*p));
	if (rc == 0)
		rc = sz_buf_append(b, owner, p->owner_len);
	if (rc == 0)
		rc = sz_buf_append(b, path, p->path_len);
	if (rc != 0)
		return sz_err_set(x->err, SZ_E_NOMEM, "out of memory");
	if (b->len >= EXPORT_PENDING_TRY &&
	    pthread_mutex_trylock(x->state_mu) == 0) {
		rc = apply_locked(x);
		unlock(x);
	}
	return rc;
}

/* ---- the same, one thread at a time (render workers share the state)
 */

int state_dirty(struct export *x, const char *owner, enum export_stage s)
{
	struct pending p;
	size_t n = strlen(owner);
	if (n >= EXPORT_OWNER_MAX)
		return 0;   /* no page can carry such a key: nothing to render */
	memset(&p, 0, sizeof(p));
	p.kind = PENDING_DIRTY;
	p.stage = (uint8_t)s;
	p.owner_len = (uint16_t)n;
	return pend(x, &p, owner, "");
}

uint64_t state_dirty_count(struct export *x)
{
	lock(x);
	uint64_t r = state_dirty_count_locked(x);
	unlock(x);
	return r;
}

int state_deps_requeue(struct export *x, int64_t doc)
{
	int r = state_flush(x);
	if (r != 0)
		return r;
	lock(x);
	r = state_deps_requeue_locked(x, doc);
	unlock(x);
	return r;
}

/* A dependency row of kind PENDING_DEP or PENDING_SHOWN. */
static int pend_dep(struct export *x, enum pending_kind kind, int64_t doc,
	const char *owner)
{
	struct pending p;
	size_t n = strlen(owner);
	if (n >= EXPORT_OWNER_MAX)
		return 0;
	memset(&p, 0, sizeof(p));
	p.kind = (uint8_t)kind;
	p.doc = doc;
	p.owner_len = (uint16_t)n;
	return pend(x, &p, owner, "");
}

int state_dep(struct export *x, int64_t doc, const char *owner)
{
	return pend_dep(x, PENDING_DEP, doc, owner);
}

int state_shown(struct export *x, int64_t doc, const char *owner)
{
	return pend_dep(x, PENDING_SHOWN, doc, owner);
}

bool state_file_get(struct export *x, const char *path, uint8_t sha[32])
{
	lock(x);
	bool r = state_file_get_locked(x, path, sha);
	unlock(x);
	return r;
}

int state_file_put(struct export *x, const char *path, const uint8_t sha[32],
	uint64_t size)
{
	struct pending p;
	size_t n = strlen(path);
	if (n > SZ_MANIFEST_PATH_MAX)
		return sz_err_set(x->err, SZ_E_LIMIT, "a path too long: %s", path);
	memset(&p, 0, sizeof(p));
	p.kind = PENDING_PUT;
	p.size = size;
	memcpy(p.sha, sha, 32);
	p.owner_len = (uint16_t)strlen(x->owner);
	p.path_len = (uint16_t)n;
	return pend(x, &p, x->owner, path);
}

int state_file_keep(struct export *x, const char *path)
{
	lock(x);
	int r = state_file_keep_locked(x, path);
	unlock(x);
	return r;
}

int state_owner_end(struct export *x)
{
	/* Rendering everything, the state knew no file before this run. */
	if (x->everything)
		return 0;
	/* The owner's files this run wrote are recorded first. */
	int r = state_flush(x);
	if (r != 0)
		return r;
	lock(x);
	r = state_owner_end_locked(x);
	unlock(x);
	return r;
}
