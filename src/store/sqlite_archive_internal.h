/*
 * sqlite_archive_internal.h - shared by the files of the archive's SQLite
 * back end only (sqlite_archive.c, sqlite_archive_search.c,
 * sqlite_archive_read.c, sqlite_archive_edit.c, sqlite_archive_words.c):
 * the handle, its locking, its pool of read connections, and reading a
 * document row.
 */
#ifndef SZ_STORE_SQLITE_ARCHIVE_INTERNAL_H
#define SZ_STORE_SQLITE_ARCHIVE_INTERNAL_H

#include <pthread.h>
#include <semaphore.h>
#include <sqlite3.h>

#include "store/archive.h"
#include "store/sqlite_internal.h"

/* Read connections: each page reads through one of its own (WAL: readers
 * never wait for each other or for a writer), and a search may run only
 * on SZ_ARCHIVE_SEARCHES of them at once, so pages always find one. */
#define SZ_ARCHIVE_READERS 8
#define SZ_ARCHIVE_SEARCHES 4
#define SZ_ARCHIVE_READER_CACHE_KB 16384   /* page cache per reader */
#define SZ_ARCHIVE_READER_WAIT_S 10

/* Prepared statements kept on one connection for the pages' hot reads,
 * keyed by the address of their SQL (a string with static storage):
 * prepared once (SQLITE_PREPARE_PERSISTENT), reset after each use.  Not
 * for FTS5 queries: FTS5 keeps statements of its own behind a cursor,
 * and those must not outlive the query. */
#define SZ_ARCHIVE_STMTS 40
/* A browse index of addresses (senders or recipients with their
 * counts), read whole once and kept with a connection while the archive
 * does not change (PRAGMA data_version): a copy or a reader pages through
 * it in order, and each page would otherwise count every address again.
 * One larger than SZ_ARCHIVE_COUNTS_BYTES is not kept. */
#define SZ_ARCHIVE_COUNTS_BYTES (8u << 20)
struct sz_archive_counts {
	bool valid;
	bool drafts;
	int64_t version;         /* the data_version it was read at */
	size_t n;
	char *keys;              /* n keys, each ended by a NUL */
	size_t *at;              /* where each key starts in keys */
	int64_t *count;
};

/* A release's lists walked page by page (a copy writes every page of
 * each, a reader pages through them), kept with a connection while the
 * archive does not change: the counts of its documents and e-mails
 * (each page and the release itself show them, and counting costs a
 * step per row), and, for its e-mails, where the last page read ended,
 * so that the next one starts there with one index seek instead of
 * stepping over every row before it (sqlite_archive_list.c). */
#define SZ_ARCHIVE_WALKS 2
struct sz_archive_walk {
	bool valid;
	int64_t version;         /* the data_version it was read at */
	int64_t release_id;
	int64_t count[2];        /* documents (email 0), e-mails (email 1) */
	size_t mark_offset[2];   /* offsets a page of e-mails may start at */
	int64_t mark_after[2];   /* ... after the e-mail with this id */
};

struct sz_archive_stmts {
	size_t n;
	const char *sql[SZ_ARCHIVE_STMTS];
	sqlite3_stmt *st[SZ_ARCHIVE_STMTS];
	struct sz_archive_counts counts[2];   /* senders, recipients */
	struct sz_archive_walk walks[SZ_ARCHIVE_WALKS];
	unsigned walk_next;                  /* the slot taken next */
	struct sz_doc_row doc;               /* the last read by doc_get */
	int64_t doc_version;                 /* ... at this data_version */
	bool doc_valid;
};

/* PRAGMA data_version of r's connection (-1 if it cannot be read): it
 * changes when another connection commits. */
struct sz_archive_reader;
int64_t sz_archive_data_version(struct sz_archive_reader *r);
/* The number of documents and e-mails of a release (sqlite_archive_list.c):
 * remembered with r's connection while the archive does not change. */
int sz_archive_release_counts(struct sz_archive_reader *r, int64_t id,
	int64_t *docs, int64_t *emails, struct sz_err *err);
/* A copy of the document id into d when the connection kept it at
 * this state of the archive: 0; SZ_E_NOMEM; else SZ_E_NOT_FOUND and *v
 * is the state to give sz_archive_doc_keep, which keeps a copy of d (a
 * copy, a reader and the export ask for one document several times in
 * a row).  Nothing is kept on the writer. */
int sz_archive_doc_kept(struct sz_archive_reader *r, int64_t id,
	struct sz_doc_row *d, int64_t *v);
void sz_archive_doc_keep(struct sz_archive_reader *r,
	const struct sz_doc_row *d, int64_t v);
/* The op doc_list (sqlite_archive_list.c). */
int sz_archive_sqlite_doc_list(struct sz_archive *a, int64_t release_id,
	bool email, size_t offset, size_t limit, struct sz_doc_row **rows,
	size_t *n, int64_t *total, struct sz_err *err);

/* Forgets a kept index (its memory freed). */
void sz_archive_counts_free(struct sz_archive_counts *c);

struct sz_archive_reader {
	sqlite3 *db;
	struct sz_archive_stmts *stmts;   /* this connection's */
	bool writer;             /* the writer connection, locked for us */
	int64_t deadline_ms;     /* for the progress handler, 0: none */
};

struct sqlite_archive {
	struct sz_archive base;
	sqlite3 *db;             /* the writer (and imports' reader) */
	struct sz_archive_stmts wstmts;   /* the writer's, used under mu */
	pthread_mutex_t mu;
	bool in_tx;
	size_t fts_pending;      /* index rows the import holds back */
	pthread_t tx_owner;      /* the thread holding the transaction */
	char path[4096];
	bool read_only;
	/* the pool (sqlite_archive_read.c) */
	pthread_mutex_t pool_mu;
	pthread_cond_t pool_cv;
	struct sz_archive_reader readers[SZ_ARCHIVE_READERS];
	struct sz_archive_stmts rstmts[SZ_ARCHIVE_READERS];
	bool busy[SZ_ARCHIVE_READERS];
	size_t nreaders;
	sem_t searches;
};

static inline struct sqlite_archive *impl(struct sz_archive *a)
{
	return (struct sqlite_archive *)a;
}

/* Take the archive's lock unless inside the caller's import transaction
 * (same thread: the transaction holds it).  For writes. */
void sz_archive_op_lock(struct sz_archive *a);
void sz_archive_op_unlock(struct sz_archive *a);
/* True if this thread holds the import transaction. */
bool sz_archive_in_own_tx(struct sz_archive *a);
/* Room for a list of at most limit rows of size bytes, grown as rows
 * come: sz_archive_rows_alloc gives the first *cap (the first zeroed),
 * sz_archive_row_next row n zeroed, growing *rows (NULL when out of
 * memory; *rows stays the caller's to free). */
void *sz_archive_rows_alloc(size_t limit, size_t size, size_t *cap);
void *sz_archive_row_next(void **rows, size_t *cap, size_t n, size_t limit,
	size_t size);
/* Whether a is this engine's (sz_archive_hold_reads acts only there). */
bool sz_archive_is_sqlite(const struct sz_archive *a);

/* A connection to read with: this thread's transaction's, or one of the
 * pool (opened on first use), waiting up to SZ_ARCHIVE_READER_WAIT_S;
 * NULL (err says the archive is busy) if none came free.  Give it back
 * with sz_archive_read_end. */
struct sz_archive_reader *sz_archive_read_begin(struct sz_archive *a,
	struct sz_err *err);
void sz_archive_read_end(struct sz_archive *a, struct sz_archive_reader *r);
/* Interrupts what r runs past ms milliseconds from now (0: no limit). */
void sz_archive_read_budget(struct sz_archive_reader *r, unsigned ms);
void sz_archive_readers_init(struct sqlite_archive *q);
/* A statement for sql (static storage: its address is the key) on db,
 * from c: give it back with sz_archive_stmt_done, never finalize it.
 * When c is full the statement is prepared for this use alone, and
 * done finalizes it. */
int sz_archive_stmt(struct sz_archive_stmts *c, sqlite3 *db, const char *sql,
	sqlite3_stmt **st, struct sz_err *err);
/* Resets st (its bindings cleared), or finalizes one c does not keep. */
void sz_archive_stmt_done(struct sz_archive_stmts *c, sqlite3_stmt *st);
/* Finalizes what c keeps (before its connection closes). */
void sz_archive_stmts_free(struct sz_archive_stmts *c);
void sz_archive_readers_close(struct sqlite_archive *q);

/* sqlite_archive_index.c: a document's index row.  Inside this thread's
 * import transaction rows wait in a temporary table and enter the FTS5
 * index SZ_ARCHIVE_INDEX_BATCH at a time (each write statement of an
 * import otherwise makes FTS5 write out a segment of its own); flush
 * adds what waits (the commit, a read or a removal inside the import
 * call it), forget drops the count after a rollback. */
#define SZ_ARCHIVE_INDEX_BATCH 1000
int sz_archive_index_begin(struct sz_archive *a, struct sz_err *err);
int sz_archive_index_add(struct sz_archive *a, int64_t id,
	const struct sz_doc_row *d, const char *text, size_t text_len,
	struct sz_err *err);
int sz_archive_index_flush(struct sz_archive *a, struct sz_err *err);
void sz_archive_index_forget(struct sz_archive *a);

/* The columns of a document row (documents, releases, emails), and the
 * joins they come from; sz_archive_doc_read reads them from column c. */
#define DOC_COLS "d.id, d.release_id, d.email, d.title, d.filename, d.type," \
	" d.sha256, d.size, d.summary, d.words, ifnull(d.parent_id, 0)," \
	" r.title, r.state, ifnull(e.collection, ''), ifnull(e.num, 0)," \
	" ifnull(e.message_id, ''), ifnull(e.thread, ''), ifnull(e.date, 0)," \
	" ifnull(e.from_addr, ''), ifnull(e.from_name, ''), ifnull(e.to_addrs, '')," \
	" ifnull(e.cc_addrs, ''), ifnull(e.dkim, 0), ifnull(e.dkim_detail, '')," \
	" ifnull(e.pgp, 0), ifnull(e.pgp_detail, ''), ifnull(e.raw_form, 0)," \
	" ifnull(e.raw_flagged, 0), ifnull(e.raw_chosen, 0)," \
	" ifnull(e.scrubbed_sha256, ''), ifnull(e.scrubbed_size, 0)"
#define DOC_FROM " FROM documents d JOIN releases r ON r.id = d.release_id" \
	" LEFT JOIN emails e ON e.doc_id = d.id"

void sz_archive_doc_read(sqlite3_stmt *st, int c, struct sz_doc_row *d);
/* Collects up to limit rows of a prepared statement (rows owned by the
 * caller, sz_doc_rows_free). */
int sz_archive_collect(sqlite3_stmt *st, size_t limit,
	struct sz_doc_row **rows, size_t *n, struct sz_err *err);
/* *total = the first column of sql's first row (bind1 bound to ?1 if it
 * has one). */
int sz_archive_count_rows(sqlite3 *db, const char *sql, int64_t bind1,
	int64_t *total, struct sz_err *err);

/* One page of rows: count_sql counts them (?1 = key), rows_sql selects
 * DOC_COLS with ?1 = key, ?2 = limit, ?3 = offset. */
int sz_archive_page_rows(struct sz_archive *a, const char *count_sql,
	const char *rows_sql, int64_t key, size_t offset, size_t limit,
	struct sz_doc_row **rows, size_t *n, int64_t *total, struct sz_err *err);

/* sqlite_archive_email.c */
int sz_archive_email_next_num(struct sz_archive *a, int64_t release_id,
	const char *collection, int64_t *num, struct sz_err *err);
int sz_archive_email_set_raw(struct sz_archive *a, int64_t id,
	const struct sz_email_raw *r, struct sz_err *err);
int sz_archive_email_raw_notes(struct sz_archive *a, int64_t id,
	struct sz_buf *flags, struct sz_buf *removed, struct sz_err *err);
int sz_archive_email_by_message_id(struct sz_archive *a,
	int64_t release_id, const char *message_id, int64_t *id,
	int64_t *count, struct sz_err *err);
int sz_archive_email_choose_raw(struct sz_archive *a, int64_t release_id,
	int64_t id, enum sz_raw_form form, int64_t *changed,
	struct sz_err *err);
int sz_archive_email_flagged(struct sz_archive *a, int64_t release_id,
	size_t offset, size_t limit, struct sz_doc_row **rows, size_t *n,
	int64_t *total, struct sz_err *err);

int sz_archive_sqlite_search(struct sz_archive *a,
	const struct sz_archive_query *q, size_t offset, size_t limit,
	struct sz_search_result *res, struct sz_err *err);

/* Steps st, an UPDATE of release id, and finalizes it: 0, or
 * SZ_E_NOT_FOUND if there is no such release (sqlite_archive.c). */
int sz_archive_release_changed(sqlite3 *db, sqlite3_stmt *st, int64_t id,
	struct sz_err *err);

/* sqlite_archive_edit.c: editors' changes, and a document's neighbours. */
int sz_archive_sqlite_release_update(struct sz_archive *a, int64_t id,
	const char *title, const char *day, const char *intro,
	struct sz_err *err);
int sz_archive_sqlite_doc_remove(struct sz_archive *a, int64_t id,
	size_t *removed, struct sz_err *err);
int sz_archive_sqlite_doc_set_report(struct sz_archive *a, int64_t id,
	const char *report, struct sz_err *err);
int sz_archive_sqlite_doc_report(struct sz_archive *a, int64_t id,
	struct sz_buf *out, struct sz_err *err);
int sz_archive_sqlite_doc_adjacent(struct sz_archive *a,
	const struct sz_doc_row *d, struct sz_doc_row *prev,
	struct sz_doc_row *next, struct sz_err *err);

/* sqlite_archive_words.c: words of the index near a typed one, read
 * through this view of the index's vocabulary; made on each connection
 * before it turns query_only (a reader cannot make it later). */
#define SZ_ARCHIVE_WORDS_SQL "CREATE VIRTUAL TABLE IF NOT EXISTS" \
	" temp.sz_fts_words USING fts5vocab(main, fts, col)"
int sz_archive_sqlite_words_near(struct sz_archive *a, const char *word,
	struct sz_near_word *out, size_t max, size_t *n, bool *known,
	struct sz_err *err);
/* sqlite_archive_browse.c: the change log, keyset lists and browse
 * indexes (archive.h says what each does). */
int sz_archive_sqlite_changes(struct sz_archive *a, int64_t after,
	size_t limit, struct sz_archive_change *rows, size_t *n, int64_t *last,
	struct sz_err *err);
int sz_archive_sqlite_doc_ids(struct sz_archive *a, int64_t release_id,
	int64_t after, size_t limit, int64_t *ids, size_t *n,
	struct sz_err *err);
int sz_archive_sqlite_doc_recipients(struct sz_archive *a, int64_t id,
	struct sz_count_row **rows, size_t *n, struct sz_err *err);
int sz_archive_sqlite_months(struct sz_archive *a, bool drafts,
	size_t offset, size_t limit, struct sz_count_row **rows, size_t *n,
	int64_t *total, struct sz_err *err);
int sz_archive_sqlite_by_month(struct sz_archive *a, const char *month,
	bool drafts, size_t offset, size_t limit, struct sz_doc_row **rows,
	size_t *n, int64_t *total, struct sz_err *err);
int sz_archive_sqlite_addresses(struct sz_archive *a, const char *role,
	bool drafts, size_t offset, size_t limit, struct sz_count_row **rows,
	size_t *n, int64_t *total, struct sz_err *err);

#endif
