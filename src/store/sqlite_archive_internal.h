/*
 * sqlite_archive_internal.h - shared by the files of the archive's SQLite
 * back end only (sqlite_archive.c, sqlite_archive_search.c,
 * sqlite_archive_edit.c, sqlite_archive_words.c): the handle,
 * its locking, and reading a document row.
 */
#ifndef SZ_STORE_SQLITE_ARCHIVE_INTERNAL_H
#define SZ_STORE_SQLITE_ARCHIVE_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>

#include "store/archive.h"
#include "store/sqlite_internal.h"

struct sqlite_archive {
	struct sz_archive base;
	sqlite3 *db;
	pthread_mutex_t mu;
	bool in_tx;
};

static inline struct sqlite_archive *impl(struct sz_archive *a)
{
	return (struct sqlite_archive *)a;
}

/* Take the archive's lock unless inside the caller's import transaction
 * (same thread: the transaction holds it). */
void sz_archive_op_lock(struct sz_archive *a);
void sz_archive_op_unlock(struct sz_archive *a);

/* The columns of a document row (documents, releases, emails), and the
 * joins they come from; sz_archive_doc_read reads them from column c. */
#define DOC_COLS "d.id, d.release_id, d.email, d.title, d.filename, d.type," \
	" d.sha256, d.size, d.summary, d.words, ifnull(d.parent_id, 0)," \
	" r.title, r.state, ifnull(e.collection, ''), ifnull(e.num, 0)," \
	" ifnull(e.message_id, ''), ifnull(e.thread, ''), ifnull(e.date, 0)," \
	" ifnull(e.from_addr, ''), ifnull(e.from_name, ''), ifnull(e.to_addrs, '')," \
	" ifnull(e.cc_addrs, ''), ifnull(e.dkim, 0), ifnull(e.dkim_detail, '')"
#define DOC_FROM " FROM documents d JOIN releases r ON r.id = d.release_id" \
	" LEFT JOIN emails e ON e.doc_id = d.id"

void sz_archive_doc_read(sqlite3_stmt *st, int c, struct sz_doc_row *d);

int sz_archive_sqlite_search(struct sz_archive *a,
	const struct sz_archive_query *q, size_t offset, size_t limit,
	struct sz_search_result *res, struct sz_err *err);

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

/* sqlite_archive_words.c: words of the index near a typed one. */
int sz_archive_sqlite_words_near(struct sz_archive *a, const char *word,
	struct sz_near_word *out, size_t max, size_t *n, bool *known,
	struct sz_err *err);

#endif
