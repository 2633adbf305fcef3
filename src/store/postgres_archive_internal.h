/*
 * postgres_archive_internal.h - shared by the files of the archive's
 * PostgreSQL back end only (postgres_archive.c, postgres_archive_edit.c,
 * postgres_archive_search.c): the handle, the columns of a document row
 * and reading them, and the pages every list reads.
 *
 * Ownership: the handle owns its pool; rows read here are the caller's
 * (sz_doc_rows_free).
 */
#ifndef SZ_STORE_POSTGRES_ARCHIVE_INTERNAL_H
#define SZ_STORE_POSTGRES_ARCHIVE_INTERNAL_H

#include <pthread.h>
#include <semaphore.h>

#include "store/archive.h"
#include "store/postgres_pool.h"

/* Searches running at once: one connection of the pool stays for pages. */
#define PA_SEARCHES (PG_CONNS - 1)
#define PA_SEARCH_WAIT_S 10
/* Bytes of a document's text its tsvector and snippets are made from
 * (a tsvector holds at most 1 MiB, positions past 16,383 are one): the
 * whole text is kept for doc_text all the same. */
#define PA_INDEX_TEXT_MAX (256u << 10)
/* Addresses of one To or Cc list indexed for the recipient pages. */
#define PA_RECIPIENTS_MAX 1000u

/* An import's raw-form decisions written together (postgres_archive_raw.c):
 * at most this many e-mails, or this many bytes of their notes. */
#define PA_RAW_BATCH 500u
#define PA_RAW_BATCH_BYTES (4u << 20)
/* An import that added at least this many documents has the tables it
 * grew vacuumed and analyzed once it commits: the planner's statistics
 * of an archive that grew tenfold send searches down sequential scans,
 * and a vacuumed table lets a count read the GIN index alone. */
#define PA_ANALYZE_MIN_DOCS 1000u

struct pg_archive {
	struct sz_archive base;
	struct pg_pool pool;
	sem_t searches;
	pthread_t importer;      /* the thread holding the import's batch */
	void *raw_rows;          /* its waiting raw forms (a json_t array) */
	size_t raw_bytes;
	size_t import_added;     /* documents the import added */
};

static inline struct pg_archive *pa(struct sz_archive *a)
{
	return (struct pg_archive *)a;
}

static inline struct pg_pool *papool(struct sz_archive *a)
{
	return &pa(a)->pool;
}

/* The columns of a document row and the joins they come from. */
#define PA_DOC_COLS "d.id, d.release_id, d.email, d.title, d.filename, d.type," \
	" d.sha256, d.size, d.summary, d.words, coalesce(d.parent_id, 0)," \
	" r.title, r.state, coalesce(e.collection, ''), coalesce(e.num, 0)," \
	" coalesce(e.message_id, ''), coalesce(e.thread, '')," \
	" coalesce(e.date, 0), coalesce(e.from_addr, '')," \
	" coalesce(e.from_name, ''), coalesce(e.to_addrs, '')," \
	" coalesce(e.cc_addrs, ''), coalesce(e.dkim, 0)," \
	" coalesce(e.dkim_detail, ''), coalesce(e.pgp, 0)," \
	" coalesce(e.pgp_detail, ''), coalesce(e.raw_form, 0)," \
	" coalesce(e.raw_flagged, 0), coalesce(e.raw_chosen, 0)," \
	" coalesce(e.scrubbed_sha256, ''), coalesce(e.scrubbed_size, 0)"
#define PA_DOC_NCOLS 31
#define PA_DOC_FROM " FROM documents d JOIN releases r ON r.id = d.release_id" \
	" LEFT JOIN emails e ON e.doc_id = d.id"

/* Reads a document row from column c of row `row` (a pg_fill_fn when c
 * is 0: pa_doc_fill). */
void pa_doc_read(const PGresult *r, int row, int c, struct sz_doc_row *d);
void pa_doc_fill(const PGresult *r, int row, void *dst);
/* *n = the first column of sql's first row (0 if none). */
int pa_count(struct sz_archive *a, const char *sql, const struct pg_value *v,
	size_t nv, int64_t *n, struct sz_err *err);
/* One page: count_sql counts ($1 = key), rows_sql selects PA_DOC_COLS
 * with $1 = key, $2 = limit, $3 = offset. */
int pa_page_rows(struct sz_archive *a, const char *count_sql,
	const char *rows_sql, struct pg_value key, size_t offset, size_t limit,
	struct sz_doc_row **rows, size_t *n, int64_t *total, struct sz_err *err);
/* Reads up to max rows of sql (PA_DOC_COLS) into rows. */
int pa_doc_rows(struct sz_archive *a, const char *sql,
	const struct pg_value *v, size_t nv, size_t max,
	struct sz_doc_row **rows, size_t *n, struct sz_err *err);

/* postgres_archive_raw.c: inside this thread's import, email_set_raw
 * queues (pa_raw_queue, the notes already cut); flush writes what waits
 * (the commit and every read of e-mail rows inside the import call it;
 * a no-op elsewhere), forget drops it (a rollback, the close). */
bool pa_raw_batching(struct sz_archive *a);
int pa_raw_queue(struct sz_archive *a, int64_t id,
	const struct sz_email_raw *r, const char *flags, const char *removed,
	struct sz_err *err);
int pa_raw_flush(struct sz_archive *a, struct sz_err *err);
void pa_raw_forget(struct sz_archive *a);

/* postgres_archive_schema.c: the numbered steps of the schema. */
extern const char *const *pa_migrations;
extern const size_t pa_nmigrations;
/* Counts the documents waiting in vocab_pending into vocab. */
extern const char PA_SQL_VOCAB_FLUSH[];

/* postgres_archive_edit.c */
int pa_release_update(struct sz_archive *a, int64_t id, const char *title,
	const char *day, const char *intro, struct sz_err *err);
int pa_doc_remove(struct sz_archive *a, int64_t id, size_t *removed,
	struct sz_err *err);
int pa_doc_set_report(struct sz_archive *a, int64_t id, const char *report,
	struct sz_err *err);
int pa_doc_report(struct sz_archive *a, int64_t id, struct sz_buf *out,
	struct sz_err *err);
int pa_doc_adjacent(struct sz_archive *a, const struct sz_doc_row *d,
	struct sz_doc_row *prev, struct sz_doc_row *next, struct sz_err *err);
int pa_changes(struct sz_archive *a, int64_t after, size_t limit,
	struct sz_archive_change *rows, size_t *n, int64_t *last,
	struct sz_err *err);
int pa_doc_ids(struct sz_archive *a, int64_t release_id, int64_t after,
	size_t limit, int64_t *ids, size_t *n, struct sz_err *err);
int pa_doc_recipients(struct sz_archive *a, int64_t id,
	struct sz_count_row **rows, size_t *n, struct sz_err *err);
int pa_months(struct sz_archive *a, bool drafts, size_t offset,
	size_t limit, struct sz_count_row **rows, size_t *n, int64_t *total,
	struct sz_err *err);
int pa_by_month(struct sz_archive *a, const char *month, bool drafts,
	size_t offset, size_t limit, struct sz_doc_row **rows, size_t *n,
	int64_t *total, struct sz_err *err);
int pa_addresses(struct sz_archive *a, const char *role, bool drafts,
	size_t offset, size_t limit, struct sz_count_row **rows, size_t *n,
	int64_t *total, struct sz_err *err);

/* postgres_archive_search.c */
int pa_search(struct sz_archive *a, const struct sz_archive_query *q,
	size_t offset, size_t limit, struct sz_search_result *res,
	struct sz_err *err);
int pa_words_near(struct sz_archive *a, const char *word,
	struct sz_near_word *out, size_t max, size_t *n, bool *known,
	struct sz_err *err);

#endif
