/*
 * sqlite_archive.c - the archive's SQLite back end: the schema,
 * transactions, releases, documents and e-mails (searching them is
 * sqlite_archive_search.c), and an FTS5 index (unicode61, diacritics folded, prefix
 * indexes for "word*").  Writes go through one connection, serialised by
 * a mutex; reads through a pool of their own (sqlite_archive_read.c);
 * WAL, so readers never wait for each other or for an import.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/archive.h"
#include "store/sqlite_archive_internal.h"

static const char *const migrations[] = {
	"CREATE TABLE releases ("
	"  id INTEGER PRIMARY KEY,"
	"  title TEXT NOT NULL,"
	"  day TEXT NOT NULL,"
	"  intro TEXT NOT NULL DEFAULT '',"
	"  state INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE documents ("
	"  id INTEGER PRIMARY KEY,"
	"  release_id INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,"
	"  email INTEGER NOT NULL,"
	"  title TEXT NOT NULL,"
	"  filename TEXT NOT NULL,"
	"  type TEXT NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  summary TEXT NOT NULL DEFAULT '',"
	"  words INTEGER NOT NULL DEFAULT 0,"
	"  parent_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,"
	"  UNIQUE (release_id, sha256, parent_id));"
	"CREATE INDEX documents_release ON documents(release_id, email, title);"
	"CREATE INDEX documents_parent ON documents(parent_id);"
	"CREATE TABLE emails ("
	"  doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,"
	"  release_id INTEGER NOT NULL,"
	"  collection TEXT NOT NULL,"
	"  num INTEGER NOT NULL,"
	"  message_id TEXT NOT NULL DEFAULT '',"
	"  thread TEXT NOT NULL,"
	"  date INTEGER NOT NULL DEFAULT 0,"
	"  from_addr TEXT NOT NULL DEFAULT '',"
	"  from_name TEXT NOT NULL DEFAULT '',"
	"  to_addrs TEXT NOT NULL DEFAULT '',"
	"  cc_addrs TEXT NOT NULL DEFAULT '',"
	"  dkim INTEGER NOT NULL DEFAULT 0,"
	"  dkim_detail TEXT NOT NULL DEFAULT '',"
	"  UNIQUE (release_id, collection, num));"
	"CREATE INDEX emails_thread ON emails(thread, date);"
	"CREATE INDEX emails_from ON emails(from_addr, date);"
	"CREATE INDEX emails_date ON emails(date);"
	"CREATE TABLE recipients ("
	"  doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
	"  addr TEXT NOT NULL);"
	"CREATE INDEX recipients_addr ON recipients(addr);"
	"CREATE VIRTUAL TABLE fts USING fts5(title, body, sender, recipients,"
	"  tags, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');",
	/* 2: PGP signatures, and what of each raw message may be published.
	 * Raw messages imported before were published as received, trace
	 * headers and all: they are withheld until imported again. */
	"ALTER TABLE emails ADD COLUMN pgp INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE emails ADD COLUMN pgp_detail TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE emails ADD COLUMN raw_form INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE emails ADD COLUMN raw_flagged INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE emails ADD COLUMN raw_chosen INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE emails ADD COLUMN scrubbed_sha256 TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE emails ADD COLUMN scrubbed_size INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE emails ADD COLUMN raw_flags TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE emails ADD COLUMN raw_removed TEXT NOT NULL DEFAULT '';"
	"UPDATE emails SET raw_form = 2, raw_removed = 'imported before trace "
	"headers were removed: import it again to publish its raw message';"
	"CREATE INDEX emails_flagged ON emails(release_id, raw_flagged);"
	"UPDATE fts SET tags = tags || ' zsdkim' WHERE rowid IN"
	"  (SELECT doc_id FROM emails WHERE dkim != 0);"
	"UPDATE fts SET tags = tags || ' zvdkim' WHERE rowid IN"
	"  (SELECT doc_id FROM emails WHERE dkim = 1);",
	/* 3: the change log, for incremental mirror exports: every release or
	 * document added, changed or removed gets a row, written by triggers
	 * so that no operation, present or future, can change the archive
	 * without a mirror seeing it.  doc_id 0 is the release itself. */
	"CREATE TABLE changes ("
	"  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  release_id INTEGER NOT NULL,"
	"  doc_id INTEGER NOT NULL DEFAULT 0);"
	"CREATE TRIGGER changes_release_add AFTER INSERT ON releases BEGIN"
	"  INSERT INTO changes (release_id) VALUES (new.id); END;"
	"CREATE TRIGGER changes_release_edit AFTER UPDATE ON releases BEGIN"
	"  INSERT INTO changes (release_id) VALUES (new.id); END;"
	"CREATE TRIGGER changes_release_drop AFTER DELETE ON releases BEGIN"
	"  INSERT INTO changes (release_id) VALUES (old.id); END;"
	"CREATE TRIGGER changes_doc_add AFTER INSERT ON documents BEGIN"
	"  INSERT INTO changes (release_id, doc_id) VALUES (new.release_id, new.id);"
	"  END;"
	"CREATE TRIGGER changes_doc_edit AFTER UPDATE ON documents BEGIN"
	"  INSERT INTO changes (release_id, doc_id) VALUES (new.release_id, new.id);"
	"  END;"
	"CREATE TRIGGER changes_doc_drop AFTER DELETE ON documents BEGIN"
	"  INSERT INTO changes (release_id, doc_id) VALUES (old.release_id, old.id);"
	"  END;"
	"CREATE TRIGGER changes_email_edit AFTER UPDATE ON emails BEGIN"
	"  INSERT INTO changes (release_id, doc_id) VALUES (new.release_id,"
	"  new.doc_id); END;"
	/* an e-mail's recipients, for the mirror's recipient pages */
	"CREATE INDEX recipients_doc ON recipients(doc_id);"
	/* a release's documents in the order its pages list them */
	"CREATE INDEX documents_listing ON documents(release_id, email,"
	"  parent_id IS NOT NULL, title, id);",
	/* 4: what scrubbing removed from each document, for its editors (a
	 * table of its own: writing one is no change to what readers and
	 * mirrors see). */
	"CREATE TABLE doc_reports ("
	"  doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,"
	"  report TEXT NOT NULL);",
	/* 5: the day a release's feed id is minted from (RFC 4287 §4.2.6:
	 * an entry's id never changes), fixed when it is first published:
	 * its date then.  Releases published before keep the id the feed
	 * gave them, minted from their date as it is now. */
	"ALTER TABLE releases ADD COLUMN tag_day TEXT NOT NULL DEFAULT '';"
	"UPDATE releases SET tag_day = day WHERE state = 1;",
};
#define NMIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))

static void lock(struct sz_archive *a)
{
	pthread_mutex_lock(&impl(a)->mu);
}

static void unlock(struct sz_archive *a)
{
	pthread_mutex_unlock(&impl(a)->mu);
}

static char *text_dup(sqlite3_stmt *st, int col)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	return strdup(t ? t : "");
}

void sz_doc_row_clear(struct sz_doc_row *d)
{
	free(d->summary);
	free(d->to);
	free(d->cc);
	memset(d, 0, sizeof(*d));
}

void sz_doc_rows_free(struct sz_doc_row *rows, size_t n)
{
	for (size_t i = 0; rows != NULL && i < n; i++)
		sz_doc_row_clear(&rows[i]);
	free(rows);
}

void sz_release_rows_free(struct sz_release_row *rows, size_t n)
{
	for (size_t i = 0; rows != NULL && i < n; i++)
		free(rows[i].intro);
	free(rows);
}

/* ---- transactions ---------------------------------------------------- */

static void tx_rollback(struct sz_archive *a);

static int tx_begin(struct sz_archive *a, struct sz_err *err)
{
	lock(a);
	int rc = sz_sqlite_exec(impl(a)->db, "BEGIN IMMEDIATE", err,
		"starting an import");
	if (rc != 0) {
		unlock(a);
		return rc;
	}
	impl(a)->in_tx = true;
	impl(a)->tx_owner = pthread_self();
	a->in_import = true;
	rc = sz_archive_index_begin(a, err);
	if (rc != 0)
		tx_rollback(a);
	return rc;   /* the lock is held until commit or rollback */
}

static int tx_commit(struct sz_archive *a, struct sz_err *err)
{
	/* What waits for the index enters it; the import's files reach the
	 * disk before the rows that name them. */
	int rc = sz_archive_index_flush(a, err), dfd = -1;
	if (rc == 0 && ((dfd = open(a->files, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0 || syncfs(dfd) != 0))
		rc = sz_err_set(err, SZ_E_IO, "cannot sync the archive's files: %s",
			strerror(errno));
	if (dfd >= 0)
		close(dfd);
	if (rc == 0)
		rc = sz_sqlite_exec(impl(a)->db, "COMMIT", err, "saving the import");
	if (rc != 0) {
		sqlite3_exec(impl(a)->db, "ROLLBACK", NULL, NULL, NULL);
		sz_archive_index_forget(a);
	}
	impl(a)->in_tx = false;
	a->in_import = false;
	unlock(a);
	return rc;
}

static void tx_rollback(struct sz_archive *a)
{
	sqlite3_exec(impl(a)->db, "ROLLBACK", NULL, NULL, NULL);
	sz_archive_index_forget(a);
	impl(a)->in_tx = false;
	a->in_import = false;
	unlock(a);
}

/* Writes lock unless inside this thread's own transaction (which holds
 * the lock); another thread's writes wait for its commit. */
bool sz_archive_in_own_tx(struct sz_archive *a)
{
	return impl(a)->in_tx && pthread_equal(impl(a)->tx_owner,
		pthread_self());
}

void sz_archive_op_lock(struct sz_archive *a)
{
	if (!sz_archive_in_own_tx(a))
		lock(a);
}

void sz_archive_op_unlock(struct sz_archive *a)
{
	if (!sz_archive_in_own_tx(a))
		unlock(a);
}

/* ---- releases -------------------------------------------------------- */

static int release_create(struct sz_archive *a, const char *title,
	const char *day, const char *intro, int64_t *id, struct sz_err *err)
{
	sqlite3_stmt *st;
	const char *t, *in;
	size_t tl, il;
	char *own_t = NULL, *own_i = NULL;
	if (sz_archive_clean_str(title, strlen(title), false, &t, &tl,
	    &own_t) != 0 || sz_archive_clean_str(intro ? intro : "", intro ?
	    strlen(intro) : 0, true, &in, &il, &own_i) != 0) {
		free(own_t);
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	sz_archive_op_lock(a);
	int rc = sz_sqlite_prepare(impl(a)->db, "INSERT INTO releases"
		" (title, day, intro) VALUES (?, ?, ?)", &st, err);
	if (rc == 0) {
		sqlite3_bind_text(st, 1, t, (int)tl, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, day, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, in, (int)il, SQLITE_TRANSIENT);
		if (sz_sqlite_step(st) != SQLITE_DONE)
			rc = sz_sqlite_error(impl(a)->db, err, "creating a release");
		else
			*id = sqlite3_last_insert_rowid(impl(a)->db);
		sqlite3_finalize(st);
	}
	sz_archive_op_unlock(a);
	free(own_t);
	free(own_i);
	return rc;
}

static int release_set_state(struct sz_archive *a, int64_t id,
	enum sz_release_state state, struct sz_err *err)
{
	sqlite3_stmt *st;
	sz_archive_op_lock(a);
	int rc = sz_sqlite_prepare(impl(a)->db,
		"UPDATE releases SET state = ?1, tag_day = CASE WHEN ?1 = 1 AND"
		" tag_day = '' THEN day ELSE tag_day END WHERE id = ?2", &st, err);
	if (rc == 0) {
		sqlite3_bind_int(st, 1, (int)state);
		sqlite3_bind_int64(st, 2, id);
		rc = sz_archive_release_changed(impl(a)->db, st, id, err);
	}
	sz_archive_op_unlock(a);
	return rc;
}

int sz_archive_release_changed(sqlite3 *db, sqlite3_stmt *st, int64_t id,
	struct sz_err *err)
{
	int rc = 0;
	if (sz_sqlite_step(st) != SQLITE_DONE)
		rc = sz_sqlite_error(db, err, "changing a release");
	else if (sqlite3_changes(db) == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no release %lld",
			(long long)id);
	sqlite3_finalize(st);
	return rc;
}

#define RELEASE_COLS "r.id, r.title, r.day, r.intro, r.state," \
	" (SELECT count(*) FROM documents d WHERE d.release_id = r.id AND d.email = 0)," \
	" (SELECT count(*) FROM documents d WHERE d.release_id = r.id AND d.email = 1)," \
	" r.tag_day"

static void release_read(sqlite3_stmt *st, struct sz_release_row *r)
{
	r->id = sqlite3_column_int64(st, 0);
	sz_sqlite_text(r->title, sizeof(r->title), st, 1);
	sz_sqlite_text(r->day, sizeof(r->day), st, 2);
	r->intro = text_dup(st, 3);
	r->state = sqlite3_column_int(st, 4) ? SZ_RELEASE_PUBLISHED :
		SZ_RELEASE_DRAFT;
	r->documents = sqlite3_column_int64(st, 5);
	r->emails = sqlite3_column_int64(st, 6);
	sz_sqlite_text(r->tag_day, sizeof(r->tag_day), st, 7);
}

static int release_get(struct sz_archive *a, int64_t id,
	struct sz_release_row *row, struct sz_err *err)
{
	sqlite3_stmt *st;
	memset(row, 0, sizeof(*row));
	struct sz_archive_reader *r = sz_archive_read_begin(a, err);
	if (r == NULL)
		return SZ_E_LIMIT;
	sqlite3 *db = r->db;
	/* RELEASE_COLS with the counts left to sz_archive_release_counts,
	 * which remembers them while the archive does not change: each page
	 * of a release asks. */
	static const char sql[] = "SELECT r.id, r.title, r.day, r.intro,"
		" r.state, 0, 0, r.tag_day FROM releases r WHERE r.id = ?";
	int rc = sz_archive_stmt(r->stmts, db, sql, &st, err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, id);
		int s = sz_sqlite_step(st);
		if (s == SQLITE_ROW)
			release_read(st, row);
		else if (s == SQLITE_DONE)
			rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such release");
		else
			rc = sz_sqlite_error(db, err, "reading a release");
		sz_archive_stmt_done(r->stmts, st);
	}
	if (rc == 0)
		rc = sz_archive_release_counts(r, id, &row->documents,
			&row->emails, err);
	if (rc != 0) {
		free(row->intro);
		memset(row, 0, sizeof(*row));
	}
	sz_archive_read_end(a, r);
	return rc;
}

int sz_archive_count_rows(sqlite3 *db, const char *sql, int64_t bind1,
	int64_t *total, struct sz_err *err)
{
	sqlite3_stmt *st;
	*total = 0;
	int rc = sz_sqlite_prepare(db, sql, &st, err);
	if (rc != 0)
		return rc;
	if (sqlite3_bind_parameter_count(st) >= 1)
		sqlite3_bind_int64(st, 1, bind1);
	if (sz_sqlite_step(st) == SQLITE_ROW)
		*total = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

static int release_list(struct sz_archive *a, bool drafts, size_t offset,
	size_t limit, struct sz_release_row **rows, size_t *n, int64_t *total,
	struct sz_err *err)
{
	sqlite3_stmt *st;
	*rows = NULL;
	*n = 0;
	if (limit > SZ_ARCHIVE_PAGE_MAX)
		limit = SZ_ARCHIVE_PAGE_MAX;
	struct sz_archive_reader *r = sz_archive_read_begin(a, err);
	if (r == NULL)
		return SZ_E_LIMIT;
	sqlite3 *db = r->db;
	int rc = sz_archive_count_rows(db, drafts ?
		"SELECT count(*) FROM releases" :
		"SELECT count(*) FROM releases WHERE state = 1", 0, total, err);
	if (rc == 0)
		rc = sz_sqlite_prepare(db, drafts ?
			"SELECT " RELEASE_COLS " FROM releases r"
			" ORDER BY r.day DESC, r.id DESC LIMIT ? OFFSET ?" :
			"SELECT " RELEASE_COLS " FROM releases r WHERE r.state = 1"
			" ORDER BY r.day DESC, r.id DESC LIMIT ? OFFSET ?", &st, err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, (int64_t)limit);
		sqlite3_bind_int64(st, 2, (int64_t)offset);
		*rows = calloc(limit ? limit : 1, sizeof(**rows));
		if (*rows == NULL)
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		while (rc == 0 && *n < limit && sz_sqlite_step(st) == SQLITE_ROW)
			release_read(st, &(*rows)[(*n)++]);
		sqlite3_finalize(st);
	}
	sz_archive_read_end(a, r);
	return rc;
}

/* ---- documents ------------------------------------------------------- */

void sz_archive_doc_read(sqlite3_stmt *st, int c, struct sz_doc_row *d)
{
	d->id = sqlite3_column_int64(st, c + 0);
	d->release_id = sqlite3_column_int64(st, c + 1);
	d->email = sqlite3_column_int(st, c + 2) != 0;
	sz_sqlite_text(d->title, sizeof(d->title), st, c + 3);
	sz_sqlite_text(d->filename, sizeof(d->filename), st, c + 4);
	sz_sqlite_text(d->type, sizeof(d->type), st, c + 5);
	sz_sqlite_text(d->sha256, sizeof(d->sha256), st, c + 6);
	d->size = (uint64_t)sqlite3_column_int64(st, c + 7);
	d->summary = text_dup(st, c + 8);
	d->words = sqlite3_column_int64(st, c + 9);
	d->parent_id = sqlite3_column_int64(st, c + 10);
	sz_sqlite_text(d->release_title, sizeof(d->release_title), st, c + 11);
	d->published = sqlite3_column_int(st, c + 12) != 0;
	sz_sqlite_text(d->collection, sizeof(d->collection), st, c + 13);
	d->num = sqlite3_column_int64(st, c + 14);
	sz_sqlite_text(d->message_id, sizeof(d->message_id), st, c + 15);
	sz_sqlite_text(d->thread, sizeof(d->thread), st, c + 16);
	d->date = sqlite3_column_int64(st, c + 17);
	sz_sqlite_text(d->from_addr, sizeof(d->from_addr), st, c + 18);
	sz_sqlite_text(d->from_name, sizeof(d->from_name), st, c + 19);
	d->to = text_dup(st, c + 20);
	d->cc = text_dup(st, c + 21);
	d->dkim = (enum sz_dkim_state)sqlite3_column_int(st, c + 22);
	sz_sqlite_text(d->dkim_detail, sizeof(d->dkim_detail), st, c + 23);
	d->pgp = (enum sz_dkim_state)sqlite3_column_int(st, c + 24);
	sz_sqlite_text(d->pgp_detail, sizeof(d->pgp_detail), st, c + 25);
	int form = sqlite3_column_int(st, c + 26);
	d->raw_form = form == SZ_RAW_SCRUBBED ? SZ_RAW_SCRUBBED :
		form == SZ_RAW_VERIFIABLE ? SZ_RAW_VERIFIABLE : SZ_RAW_WITHHELD;
	d->raw_flagged = sqlite3_column_int(st, c + 27) != 0;
	d->raw_chosen = sqlite3_column_int(st, c + 28) != 0;
	sz_sqlite_text(d->scrubbed_sha256, sizeof(d->scrubbed_sha256), st, c + 29);
	d->scrubbed_size = (uint64_t)sqlite3_column_int64(st, c + 30);
}

void *sz_archive_rows_alloc(size_t limit, size_t size, size_t *cap)
{
	/* Grown as rows come (a document's row is 3 KiB): a thread of two
	 * e-mails must not cost the zeroing of a thousand.  Each row is
	 * zeroed as it is filled (sz_archive_row_next), the first also when
	 * none comes: zeroing all of them up front was 8% of an export's
	 * instructions. */
	*cap = limit < 16 ? (limit ? limit : 1) : 16;
	void *rows = malloc(*cap * size);
	if (rows != NULL)
		memset(rows, 0, size);
	return rows;
}

void *sz_archive_row_next(void **rows, size_t *cap, size_t n, size_t limit,
	size_t size)
{
	if (n == *cap) {
		size_t more = *cap * 2 < limit ? *cap * 2 : limit;
		void *bigger = realloc(*rows, more * size);
		if (bigger == NULL)
			return NULL;
		*rows = bigger;
		*cap = more;
	}
	unsigned char *row = (unsigned char *)*rows + n * size;
	memset(row, 0, size);
	return row;
}

int sz_archive_collect(sqlite3_stmt *st, size_t limit, struct sz_doc_row **rows,
	size_t *n, struct sz_err *err)
{
	size_t cap;
	void *all = sz_archive_rows_alloc(limit, sizeof(**rows), &cap);
	*rows = all;
	*n = 0;
	if (all == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	while (*n < limit && sz_sqlite_step(st) == SQLITE_ROW) {
		struct sz_doc_row *row = sz_archive_row_next(&all, &cap, *n, limit,
			sizeof(**rows));
		*rows = all;
		if (row == NULL)
			return sz_err_set(err, SZ_E_NOMEM, "out of memory");
		sz_archive_doc_read(st, 0, row);
		(*n)++;
	}
	return 0;
}

/* The addresses of a recipient list, one row each, for the recipient
 * pages. */
static int add_recipients(struct sz_archive *a, int64_t id,
	const char *list, struct sz_err *err)
{
	static const char sql[] = "INSERT INTO recipients (doc_id, addr)"
		" VALUES (?, lower(?))";
	sqlite3 *db = impl(a)->db;
	sqlite3_stmt *st;
	int rc = sz_archive_stmt(&impl(a)->wstmts, db, sql, &st, err);
	if (rc != 0)
		return rc;
	char addr[SZ_ARCHIVE_NAME_MAX + 1], name[SZ_ARCHIVE_NAME_MAX + 1];
	const char *p = list;
	unsigned count = 0;
	while (count++ < 1000 &&
	    sz_archive_addr_next(&p, addr, sizeof(addr), name, sizeof(name))) {
		if (strchr(addr, '@') == NULL)
			continue;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, addr, -1, SQLITE_TRANSIENT);
		if (sz_sqlite_step(st) != SQLITE_DONE) {
			rc = sz_sqlite_error(db, err, "indexing recipients");
			break;
		}
		sqlite3_reset(st);
	}
	sz_archive_stmt_done(&impl(a)->wstmts, st);
	return rc;
}

/* Every string is stored clean (sz_archive_clean_row): this is the one
 * place text enters the archive. */
static int doc_add_clean(struct sz_archive *a, const struct sz_doc_row *d,
	const char *text, size_t text_len, int64_t *id, struct sz_err *err);

static int doc_add(struct sz_archive *a, const struct sz_doc_row *d,
	const char *text, size_t text_len, int64_t *id, struct sz_err *err)
{
	struct sz_clean_row c;
	if (sz_archive_clean_row(d, text, text_len, &c) != 0)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	int rc = doc_add_clean(a, &c.row, c.text, c.text_len, id, err);
	sz_archive_clean_free(&c);
	return rc;
}

static const char SQL_DOC_FIND[] = "SELECT id FROM documents WHERE"
	" release_id = ? AND sha256 = ? AND ifnull(parent_id, 0) = ?";
static const char SQL_DOC_INSERT[] = "INSERT INTO documents (release_id,"
	" email, title, filename, type, sha256, size, summary, words,"
	" parent_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, nullif(?, 0))";
static const char SQL_EMAIL_INSERT[] = "INSERT INTO emails (doc_id,"
	" release_id, collection, num, message_id, thread, date, from_addr,"
	" from_name, to_addrs, cc_addrs, dkim, dkim_detail, pgp, pgp_detail,"
	" raw_form, raw_flagged, raw_chosen, scrubbed_sha256, scrubbed_size)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, lower(?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	" ?, ?)";

static int doc_add_clean(struct sz_archive *a, const struct sz_doc_row *d,
	const char *text, size_t text_len, int64_t *id, struct sz_err *err)
{
	sqlite3 *db = impl(a)->db;
	struct sz_archive_stmts *ws = &impl(a)->wstmts;   /* under the lock */
	sqlite3_stmt *st = NULL;
	sz_archive_op_lock(a);
	int rc = sz_archive_stmt(ws, db, SQL_DOC_FIND, &st, err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, d->release_id);
		sqlite3_bind_text(st, 2, d->sha256, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, d->parent_id);
		if (sz_sqlite_step(st) == SQLITE_ROW) {
			*id = sqlite3_column_int64(st, 0);
			rc = SZ_E_EXISTS;
		}
		sz_archive_stmt_done(ws, st);
	}
	if (rc == 0)
		rc = sz_archive_stmt(ws, db, SQL_DOC_INSERT, &st, err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, d->release_id);
		sqlite3_bind_int(st, 2, d->email);
		sqlite3_bind_text(st, 3, d->title, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, d->filename, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, d->type, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 6, d->sha256, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 7, (int64_t)d->size);
		sqlite3_bind_text(st, 8, d->summary ? d->summary : "", -1,
			SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 9, d->words);
		sqlite3_bind_int64(st, 10, d->parent_id);
		if (sz_sqlite_step(st) != SQLITE_DONE)
			rc = sz_sqlite_error(db, err, "adding a document");
		else
			*id = sqlite3_last_insert_rowid(db);
		sz_archive_stmt_done(ws, st);
	}
	if (rc == 0 && d->email) {
		rc = sz_archive_stmt(ws, db, SQL_EMAIL_INSERT, &st, err);
		if (rc == 0) {
			sqlite3_bind_int64(st, 1, *id);
			sqlite3_bind_int64(st, 2, d->release_id);
			sqlite3_bind_text(st, 3, d->collection, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(st, 4, d->num);
			sqlite3_bind_text(st, 5, d->message_id, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 6, d->thread, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(st, 7, d->date);
			sqlite3_bind_text(st, 8, d->from_addr, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 9, d->from_name, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 10, d->to ? d->to : "", -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 11, d->cc ? d->cc : "", -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(st, 12, (int)d->dkim);
			sqlite3_bind_text(st, 13, d->dkim_detail, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(st, 14, (int)d->pgp);
			sqlite3_bind_text(st, 15, d->pgp_detail, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int(st, 16, (int)d->raw_form);
			sqlite3_bind_int(st, 17, d->raw_flagged);
			sqlite3_bind_int(st, 18, d->raw_chosen);
			sqlite3_bind_text(st, 19, d->scrubbed_sha256, -1,
				SQLITE_TRANSIENT);
			sqlite3_bind_int64(st, 20, (int64_t)d->scrubbed_size);
			if (sz_sqlite_step(st) != SQLITE_DONE)
				rc = sz_sqlite_error(db, err, "adding an e-mail");
			sz_archive_stmt_done(ws, st);
		}
		if (rc == 0)
			rc = add_recipients(a, *id, d->to, err);
		if (rc == 0)
			rc = add_recipients(a, *id, d->cc, err);
	}
	if (rc == 0)
		rc = sz_archive_index_add(a, *id, d, text, text_len, err);
	sz_archive_op_unlock(a);
	return rc;
}

static int doc_get(struct sz_archive *a, int64_t id, struct sz_doc_row *d,
	struct sz_err *err)
{
	sqlite3_stmt *st;
	memset(d, 0, sizeof(*d));
	struct sz_archive_reader *r = sz_archive_read_begin(a, err);
	if (r == NULL)
		return SZ_E_LIMIT;
	sqlite3 *db = r->db;
	/* A copy's page of a document, its JSON and the export itself each
	 * ask for it: the connection keeps the last one read. */
	int64_t v = 0;
	int rc = sz_archive_doc_kept(r, id, d, &v);
	if (rc != SZ_E_NOT_FOUND) {
		sz_archive_read_end(a, r);
		return rc == 0 ? 0 : sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	rc = 0;
	static const char sql[] = "SELECT " DOC_COLS DOC_FROM " WHERE d.id = ?";
	rc = sz_archive_stmt(r->stmts, db, sql, &st, err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, id);
		int s = sz_sqlite_step(st);
		if (s == SQLITE_ROW)
			sz_archive_doc_read(st, 0, d);
		else if (s == SQLITE_DONE)
			rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such document");
		else
			rc = sz_sqlite_error(db, err, "reading a document");
		sz_archive_stmt_done(r->stmts, st);
	}
	if (rc == 0)
		sz_archive_doc_keep(r, d, v);
	sz_archive_read_end(a, r);
	return rc;
}

static int doc_text(struct sz_archive *a, int64_t id, struct sz_buf *out,
	struct sz_err *err)
{
	sqlite3_stmt *st;
	struct sz_archive_reader *r = sz_archive_read_begin(a, err);
	if (r == NULL)
		return SZ_E_LIMIT;
	/* The body as the index stores it, read from FTS5's own content
	 * table (fts_content: id is the rowid, c1 the second column, body)
	 * by its primary key: a plain B-tree lookup, so its statement can
	 * stay prepared, which a statement on the FTS5 table itself cannot
	 * (FTS5 keeps statements of its own behind each cursor). */
	static const char sql[] = "SELECT c1 FROM fts_content WHERE id = ?";
	int rc = sz_archive_stmt(r->stmts, r->db, sql, &st, err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, id);
		if (sz_sqlite_step(st) == SQLITE_ROW) {
			const void *t = sqlite3_column_text(st, 0);
			int len = sqlite3_column_bytes(st, 0);
			if (t != NULL && sz_buf_append(out, t, (size_t)len) != 0)
				rc = sz_err_set(err, SZ_E_LIMIT, "the text is too long");
		}
		sz_archive_stmt_done(r->stmts, st);
	}
	sz_archive_read_end(a, r);
	return rc;
}

int sz_archive_page_rows(struct sz_archive *a, const char *count_sql,
	const char *rows_sql, int64_t key, size_t offset, size_t limit,
	struct sz_doc_row **rows, size_t *n, int64_t *total, struct sz_err *err)
{
	sqlite3_stmt *st;
	if (limit > SZ_ARCHIVE_PAGE_MAX)
		limit = SZ_ARCHIVE_PAGE_MAX;
	*rows = NULL;
	*n = 0;
	struct sz_archive_reader *r = sz_archive_read_begin(a, err);
	if (r == NULL)
		return SZ_E_LIMIT;
	int rc = sz_archive_stmt(r->stmts, r->db, count_sql, &st, err);
	if (rc == 0) {
		*total = 0;
		sqlite3_bind_int64(st, 1, key);
		if (sz_sqlite_step(st) == SQLITE_ROW)
			*total = sqlite3_column_int64(st, 0);
		sz_archive_stmt_done(r->stmts, st);
		rc = sz_archive_stmt(r->stmts, r->db, rows_sql, &st, err);
	}
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, key);
		sqlite3_bind_int64(st, 2, (int64_t)limit);
		sqlite3_bind_int64(st, 3, (int64_t)offset);
		rc = sz_archive_collect(st, limit, rows, n, err);
		sz_archive_stmt_done(r->stmts, st);
	}
	sz_archive_read_end(a, r);
	return rc;
}

static int doc_children(struct sz_archive *a, int64_t parent,
	struct sz_doc_row **rows, size_t *n, struct sz_err *err)
{
	sqlite3_stmt *st;
	struct sz_archive_reader *r = sz_archive_read_begin(a, err);
	if (r == NULL)
		return SZ_E_LIMIT;
	sqlite3 *db = r->db;
	static const char sql[] = "SELECT " DOC_COLS DOC_FROM
		" WHERE d.parent_id = ? ORDER BY d.id LIMIT 1000";
	int rc = sz_archive_stmt(r->stmts, db, sql, &st, err);
	if (rc == 0) {
		sqlite3_bind_int64(st, 1, parent);
		rc = sz_archive_collect(st, 1000, rows, n, err);
		sz_archive_stmt_done(r->stmts, st);
	}
	sz_archive_read_end(a, r);
	return rc;
}

static int thread_list(struct sz_archive *a, const char *thread, bool drafts,
	struct sz_doc_row **rows, size_t *n, struct sz_err *err)
{
	sqlite3_stmt *st;
	struct sz_archive_reader *r = sz_archive_read_begin(a, err);
	if (r == NULL)
		return SZ_E_LIMIT;
	sqlite3 *db = r->db;
	static const char sql[] = "SELECT " DOC_COLS DOC_FROM
		" WHERE e.thread = ? AND (r.state = 1 OR ?) ORDER BY e.date,"
		" e.doc_id LIMIT 1000";   /* e.doc_id: emails_thread's order */
	int rc = sz_archive_stmt(r->stmts, db, sql, &st, err);
	if (rc == 0) {
		sqlite3_bind_text(st, 1, thread, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 2, drafts);
		rc = sz_archive_collect(st, 1000, rows, n, err);
		sz_archive_stmt_done(r->stmts, st);
	}
	sz_archive_read_end(a, r);
	return rc;
}

#define FROM_ADDR " WHERE e.from_addr = lower(:a)"
#define TO_ADDR " WHERE d.id IN (SELECT doc_id FROM recipients WHERE" \
	" addr = lower(:a))"
#define ADDR_COUNT(where) "SELECT count(*)" DOC_FROM where " AND" \
	" (r.state = 1 OR :d)"
#define ADDR_ROWS(where) "SELECT " DOC_COLS DOC_FROM where " AND" \
	" (r.state = 1 OR :d) ORDER BY e.date DESC, d.id LIMIT :l OFFSET :o"

static int by_address(struct sz_archive *a, const char *addr,
	const char *role, bool drafts, size_t offset, size_t limit,
	struct sz_doc_row **rows, size_t *n, int64_t *total, struct sz_err *err)
{
	/* static texts: the reader keeps them prepared (sz_archive_stmt) */
	static const char *const sql[2][2] = {
		{ ADDR_COUNT(TO_ADDR), ADDR_ROWS(TO_ADDR) },
		{ ADDR_COUNT(FROM_ADDR), ADDR_ROWS(FROM_ADDR) },
	};
	sqlite3_stmt *st;
	bool from = strcmp(role, "from") == 0;
	if (limit > SZ_ARCHIVE_PAGE_MAX)
		limit = SZ_ARCHIVE_PAGE_MAX;
	*rows = NULL;
	*n = 0;
	*total = 0;
	struct sz_archive_reader *r = sz_archive_read_begin(a, err);
	if (r == NULL)
		return SZ_E_LIMIT;
	sqlite3 *db = r->db;
	int rc = sz_archive_stmt(r->stmts, db, sql[from][0], &st, err);
	if (rc == 0) {
		sqlite3_bind_text(st, 1, addr, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 2, drafts);
		*total = sz_sqlite_step(st) == SQLITE_ROW ?
			sqlite3_column_int64(st, 0) : 0;
		sz_archive_stmt_done(r->stmts, st);
		rc = sz_archive_stmt(r->stmts, db, sql[from][1], &st, err);
	}
	if (rc == 0) {
		sqlite3_bind_text(st, 1, addr, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(st, 2, drafts);
		sqlite3_bind_int64(st, 3, (int64_t)limit);
		sqlite3_bind_int64(st, 4, (int64_t)offset);
		rc = sz_archive_collect(st, limit, rows, n, err);
		sz_archive_stmt_done(r->stmts, st);
	}
	sz_archive_read_end(a, r);
	return rc;
}

static int doc_set_summary(struct sz_archive *a, int64_t id,
	const char *summary, struct sz_err *err)
{
	sqlite3_stmt *st;
	const char *sum;
	size_t sl;
	char *own = NULL;
	if (sz_archive_clean_str(summary, strlen(summary), true, &sum, &sl,
	    &own) != 0)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	sz_archive_op_lock(a);
	int rc = sz_sqlite_prepare(impl(a)->db,
		"UPDATE documents SET summary = ? WHERE id = ?", &st, err);
	if (rc == 0) {
		sqlite3_bind_text(st, 1, sum, (int)sl, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, id);
		if (sz_sqlite_step(st) != SQLITE_DONE)
			rc = sz_sqlite_error(impl(a)->db, err, "saving a summary");
		else if (sqlite3_changes(impl(a)->db) == 0)
			rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such document");
		sqlite3_finalize(st);
	}
	sz_archive_op_unlock(a);
	free(own);
	return rc;
}

/* ---- opening --------------------------------------------------------- */

static void archive_close(struct sz_archive *a)
{
	if (a == NULL)
		return;
	sz_archive_readers_close(impl(a));
	sz_archive_stmts_free(&impl(a)->wstmts);
	sqlite3_close_v2(impl(a)->db);
	pthread_mutex_destroy(&impl(a)->mu);
	free(a);
}

static const struct sz_archive_ops ops = {
	.close = archive_close,
	.begin = tx_begin,
	.commit = tx_commit,
	.rollback = tx_rollback,
	.release_create = release_create,
	.release_set_state = release_set_state,
	.release_get = release_get,
	.release_list = release_list,
	.doc_add = doc_add,
	.doc_get = doc_get,
	.doc_text = doc_text,
	.doc_list = sz_archive_sqlite_doc_list,
	.doc_children = doc_children,
	.thread = thread_list,
	.by_address = by_address,
	.email_next_num = sz_archive_email_next_num,
	.email_set_raw = sz_archive_email_set_raw,
	.email_raw_notes = sz_archive_email_raw_notes,
	.email_choose_raw = sz_archive_email_choose_raw,
	.email_by_message_id = sz_archive_email_by_message_id,
	.email_flagged = sz_archive_email_flagged,
	.doc_set_summary = doc_set_summary,
	.search = sz_archive_sqlite_search,
	.release_update = sz_archive_sqlite_release_update,
	.doc_remove = sz_archive_sqlite_doc_remove,
	.doc_set_report = sz_archive_sqlite_doc_set_report,
	.doc_report = sz_archive_sqlite_doc_report,
	.doc_adjacent = sz_archive_sqlite_doc_adjacent,
	.words_near = sz_archive_sqlite_words_near,
	.changes = sz_archive_sqlite_changes,
	.doc_ids = sz_archive_sqlite_doc_ids,
	.doc_recipients = sz_archive_sqlite_doc_recipients,
	.months = sz_archive_sqlite_months,
	.by_month = sz_archive_sqlite_by_month,
	.addresses = sz_archive_sqlite_addresses,
};

bool sz_archive_is_sqlite(const struct sz_archive *a)
{
	return a->ops == &ops;
}

int sz_archive_open_sqlite(struct sz_archive **out, const char *dir,
	bool create, bool read_only, struct sz_err *err);
int sz_archive_open_sqlite(struct sz_archive **out, const char *dir,
	bool create, bool read_only, struct sz_err *err)
{
	char path[4096];
	*out = NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, SZ_ARCHIVE_DB_FILE);
	struct sqlite_archive *q = calloc(1, sizeof(*q));
	if (q == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	q->base.ops = &ops;
	snprintf(q->base.files, sizeof(q->base.files), "%s/%s", dir,
		SZ_ARCHIVE_DIR);
	pthread_mutex_init(&q->mu, NULL);
	sz_archive_readers_init(q);
	snprintf(q->path, sizeof(q->path), "%s", path);
	q->read_only = read_only;
	int flags = SQLITE_OPEN_FULLMUTEX | (read_only ? SQLITE_OPEN_READONLY :
		SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0));
	int rc = create && !read_only ? sz_sqlite_private_files(path, err) : 0;
	if (rc != 0)
		goto out;
	if (sqlite3_open_v2(path, &q->db, flags, NULL) != SQLITE_OK) {
		rc = sz_err_set(err, SZ_E_IO, "cannot open the archive %s: %s",
			path, q->db ? sqlite3_errmsg(q->db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(q->db, 5000);
	/* Readers of a large index: a bigger page cache, and mapped reads.
	 * No temporary files: a locked-in face has no folder for them. */
	rc = sz_sqlite_exec(q->db, "PRAGMA cache_size = -65536;"
		"PRAGMA mmap_size = 1073741824;"
		"PRAGMA temp_store = MEMORY;", err, "opening the archive");
	if (rc == 0 && !read_only) {
		rc = sz_sqlite_exec(q->db, "PRAGMA journal_mode = WAL;"
			"PRAGMA synchronous = FULL;"
			"PRAGMA foreign_keys = ON;", err, "opening the archive");
		if (rc == 0)
			rc = sz_sqlite_migrate(q->db, migrations, NMIGRATIONS, err);
		if (rc == 0)
			sz_sqlite_persist_wal(q->db);
	} else if (rc == 0) {
		/* A reader cannot migrate: it needs the schema it knows. */
		int version;
		rc = sz_sqlite_schema(q->db, NMIGRATIONS, &version, err);
		if (rc == 0 && version != (int)NMIGRATIONS)
			rc = sz_err_set(err, SZ_E_UNSUPPORTED, "%s is from an "
				"older samizdat: open it once for writing "
				"(samizdat serve, or samizdat release list) to "
				"bring it up to date", path);
	}
out:
	if (rc != 0) {
		archive_close(&q->base);
		return rc;
	}
	*out = &q->base;
	return 0;
}
