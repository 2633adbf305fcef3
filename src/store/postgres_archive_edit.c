/*
 * postgres_archive_edit.c - the archive's PostgreSQL back end for what
 * editors change after an import (a release's title, date and
 * introduction; removing a document with its attachments, and its stored
 * file once nothing else holds it; scrub reports; a document's
 * neighbours), and what mirrors and browsing read: the change log,
 * document ids in keyset batches, an e-mail's recipients, months,
 * e-mails of a month, senders and recipients with their counts.
 *
 * Not here: who may edit (the editor face and the command line check),
 * or writing the change log (the schema's triggers do, whoever changes
 * a row).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/postgres_archive_internal.h"

#define REPORT_MAX (64u << 10)    /* bytes of a kept scrub report */
#define REMOVE_MAX 1000u          /* documents removed at once */
#define RECIPIENTS_MAX (SZ_ARCHIVE_PAGE_MAX * 10)

static const char SQL_RELEASE_UPDATE[] = "UPDATE releases SET"
	" title = $1::text, day = $2::text, intro = $3::text"
	" WHERE id = $4::bigint";

int pa_release_update(struct sz_archive *a, int64_t id, const char *title,
	const char *day, const char *intro, struct sz_err *err)
{
	struct pg_value v[] = { PG_S(title), PG_S(day), PG_S(intro ? intro : ""),
		PG_I(id) };
	char missing[64];
	snprintf(missing, sizeof(missing), "no release %lld", (long long)id);
	return pg_write(papool(a), SQL_RELEASE_UPDATE, v, 4, "changing a release",
		missing, err);
}

/* The document and everything attached to it, at any depth. */
#define TREE "WITH RECURSIVE tree(id) AS (SELECT id FROM documents" \
	" WHERE id = $1::bigint UNION SELECT d.id FROM documents d JOIN tree" \
	" ON d.parent_id = tree.id) "
static const char SQL_TREE_FILES[] = TREE "SELECT DISTINCT d.sha256 FROM"
	" documents d JOIN tree ON tree.id = d.id LIMIT $2::bigint";
static const char SQL_TREE_DELETE[] = TREE "DELETE FROM documents WHERE id IN"
	" (SELECT id FROM tree)";
static const char SQL_FILE_HELD[] = "SELECT 1 FROM documents WHERE"
	" sha256 = $1::text LIMIT 1";

struct removal {
	int64_t id;
	char (*files)[SZ_ARCHIVE_SHA256_HEX];
	bool *gone;
	size_t nfiles;
	int64_t removed;
};

static int remove_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct removal *x = ctx;
	struct pg_value v[] = { PG_I(x->id), PG_I(REMOVE_MAX + 1) };
	int rc;
	x->nfiles = 0;
	PGresult *res = pg_exec(c, SQL_TREE_FILES, v, 2, &rc,
		"removing a document", err);
	if (res == NULL)
		return rc;
	size_t n = (size_t)PQntuples(res);
	if (n > REMOVE_MAX)
		rc = sz_err_set(err, SZ_E_LIMIT, "this document has more than %u "
			"attachments; it cannot be removed at once", REMOVE_MAX);
	else if (n == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no document %lld",
			(long long)x->id);
	for (size_t i = 0; rc == 0 && i < n; i++)
		pg_text(x->files[i], SZ_ARCHIVE_SHA256_HEX, res, (int)i, 0);
	PQclear(res);
	if (rc != 0)
		return rc;
	x->nfiles = n;
	/* the index rows, e-mails, recipients and reports go with their
	 * documents (ON DELETE CASCADE) */
	rc = pg_run(c, SQL_TREE_DELETE, v, 1, &x->removed, "removing a document",
		err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct pg_value f = PG_S(x->files[i]);
		if ((res = pg_exec(c, SQL_FILE_HELD, &f, 1, &rc,
		    "removing a document", err)) == NULL)
			break;
		x->gone[i] = PQntuples(res) == 0;
		PQclear(res);
	}
	return rc;
}

int pa_doc_remove(struct sz_archive *a, int64_t id, size_t *removed,
	struct sz_err *err)
{
	struct removal x = { .id = id };
	*removed = 0;
	x.files = calloc(REMOVE_MAX + 1, sizeof(*x.files));
	x.gone = calloc(REMOVE_MAX + 1, sizeof(*x.gone));
	int rc = x.files && x.gone ? pg_transaction(papool(a), remove_tx, &x,
		err) : sz_err_set(err, SZ_E_NOMEM, "out of memory");
	if (rc == 0)
		*removed = (size_t)x.removed;
	/* Files go after the rows that named them are gone for good;
	 * inside the caller's import they stay (the rows might come back). */
	for (size_t i = 0; rc == 0 && !a->in_import && i < x.nfiles; i++) {
		char path[4300];
		if (!x.gone[i])
			continue;
		sz_archive_file_path(a, x.files[i], path, sizeof(path));
		unlink(path);
	}
	free(x.files);
	free(x.gone);
	return rc;
}

static const char SQL_REPORT_SET[] = "INSERT INTO doc_reports (doc_id, report)"
	" SELECT id, $1::text FROM documents WHERE id = $2::bigint"
	" ON CONFLICT (doc_id) DO UPDATE SET report = excluded.report";

int pa_doc_set_report(struct sz_archive *a, int64_t id, const char *report,
	struct sz_err *err)
{
	size_t len = strlen(report);
	if (len > REPORT_MAX)
		len = REPORT_MAX;
	while (len > 0 && len < strlen(report) && (report[len] & 0xC0) == 0x80)
		len--;
	char missing[64];
	snprintf(missing, sizeof(missing), "no document %lld", (long long)id);
	struct pg_value v[] = { PG_B(report, len), PG_I(id) };
	return pg_write(papool(a), SQL_REPORT_SET, v, 2, "keeping a report",
		missing, err);
}

static const char SQL_REPORT[] = "SELECT report FROM doc_reports"
	" WHERE doc_id = $1::bigint";

int pa_doc_report(struct sz_archive *a, int64_t id, struct sz_buf *out,
	struct sz_err *err)
{
	struct pg_value v = PG_I(id);
	int rc;
	PGresult *res = pg_read(papool(a), SQL_REPORT, &v, 1, &rc,
		"reading a report", err);
	if (res == NULL)
		return rc;
	if (PQntuples(res) == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no report is kept for "
			"document %lld", (long long)id);
	else if (sz_buf_append(out, PQgetvalue(res, 0, 0),
	    (size_t)PQgetlength(res, 0, 0)) != 0)
		rc = sz_err_set(err, SZ_E_LIMIT, "the report is too long");
	PQclear(res);
	return rc;
}

/* The orders of doc_list: e-mails by collection and number, documents
 * by title with attachments last. */
#define EMAIL_FROM " FROM emails e JOIN documents d ON d.id = e.doc_id" \
	" JOIN releases r ON r.id = d.release_id"
static const char SQL_DOC_PREV[] = "SELECT " PA_DOC_COLS PA_DOC_FROM
	" WHERE d.release_id = $1::bigint AND d.email = 0 AND"
	" ((d.parent_id IS NOT NULL)::integer, d.title, d.id) <"
	" ($2::integer, $3::text, $4::bigint) ORDER BY"
	" (d.parent_id IS NOT NULL) DESC, d.title DESC, d.id DESC LIMIT 1";
static const char SQL_DOC_NEXT[] = "SELECT " PA_DOC_COLS PA_DOC_FROM
	" WHERE d.release_id = $1::bigint AND d.email = 0 AND"
	" ((d.parent_id IS NOT NULL)::integer, d.title, d.id) >"
	" ($2::integer, $3::text, $4::bigint) ORDER BY"
	" (d.parent_id IS NOT NULL), d.title, d.id LIMIT 1";
static const char SQL_EMAIL_PREV[] = "SELECT " PA_DOC_COLS EMAIL_FROM
	" WHERE e.release_id = $1::bigint AND (e.collection, e.num) <"
	" ($2::text, $3::bigint) ORDER BY e.collection DESC, e.num DESC LIMIT 1";
static const char SQL_EMAIL_NEXT[] = "SELECT " PA_DOC_COLS EMAIL_FROM
	" WHERE e.release_id = $1::bigint AND (e.collection, e.num) >"
	" ($2::text, $3::bigint) ORDER BY e.collection, e.num LIMIT 1";

static int neighbour(struct sz_archive *a, const char *sql,
	const struct sz_doc_row *d, struct sz_doc_row *row, struct sz_err *err)
{
	struct pg_value ve[] = { PG_I(d->release_id), PG_S(d->collection),
		PG_I(d->num) };
	struct pg_value vd[] = { PG_I(d->release_id), PG_I(d->parent_id != 0),
		PG_S(d->title), PG_I(d->id) };
	int rc = pg_read_row(papool(a), sql, d->email ? ve : vd, d->email ? 3 : 4,
		row, sizeof(*row), pa_doc_fill, "none", "reading a release's list",
		err);
	if (rc == SZ_E_NOT_FOUND) {
		memset(row, 0, sizeof(*row));
		rc = 0;
	}
	return rc;
}

int pa_doc_adjacent(struct sz_archive *a, const struct sz_doc_row *d,
	struct sz_doc_row *prev, struct sz_doc_row *next, struct sz_err *err)
{
	memset(prev, 0, sizeof(*prev));
	memset(next, 0, sizeof(*next));
	int rc = neighbour(a, d->email ? SQL_EMAIL_PREV : SQL_DOC_PREV, d, prev,
		err);
	if (rc == 0)
		rc = neighbour(a, d->email ? SQL_EMAIL_NEXT : SQL_DOC_NEXT, d, next,
			err);
	return rc;
}

/* ---- mirrors and browsing -------------------------------------------------- */

/* The log is read with nothing in flight below its last seq, in one
 * snapshot (pg_read_log: many imports and editors write at once, and a
 * seq is taken at insert, not at commit). */
static const char SQL_CHANGES_SETTLE[] = "LOCK TABLE changes IN SHARE MODE";
static const char SQL_CHANGES_LAST[] = "SELECT coalesce(max(seq), 0)"
	" FROM changes";
static const char SQL_CHANGES[] = "SELECT seq, release_id, doc_id FROM changes"
	" WHERE seq > $1::bigint ORDER BY seq LIMIT $2::bigint";
static const struct pg_log changes_log = { SQL_CHANGES_SETTLE,
	SQL_CHANGES_LAST, SQL_CHANGES, "the archive's" };

static void change_fill(const PGresult *r, int row, void *dst)
{
	struct sz_archive_change *c = dst;
	c->seq = pg_int(r, row, 0);
	c->release_id = pg_int(r, row, 1);
	c->doc_id = pg_int(r, row, 2);
}

int pa_changes(struct sz_archive *a, int64_t after, size_t limit,
	struct sz_archive_change *rows, size_t *n, int64_t *last,
	struct sz_err *err)
{
	return pg_read_log(papool(a), &changes_log, after, limit, rows,
		sizeof(*rows), change_fill, n, last, err);
}

static const char SQL_IDS[] = "SELECT id FROM documents WHERE id > $1::bigint"
	" ORDER BY id LIMIT $2::bigint";
static const char SQL_IDS_RELEASE[] = "SELECT id FROM documents WHERE"
	" id > $1::bigint AND release_id = $3::bigint ORDER BY id"
	" LIMIT $2::bigint";

int pa_doc_ids(struct sz_archive *a, int64_t release_id, int64_t after,
	size_t limit, int64_t *ids, size_t *n, struct sz_err *err)
{
	struct pg_value v[] = { PG_I(after), PG_I(limit), PG_I(release_id) };
	return pg_read_ids(papool(a), release_id ? SQL_IDS_RELEASE : SQL_IDS, v,
		release_id ? 3 : 2, ids, limit, n, "listing documents", err);
}

static void count_fill(const PGresult *r, int row, void *dst)
{
	struct sz_count_row *c = dst;
	pg_text(c->key, sizeof(c->key), r, row, 0);
	c->count = pg_int(r, row, 1);
}

static const char SQL_RECIPIENTS[] = "SELECT addr, count(*) FROM recipients"
	" WHERE doc_id = $1::bigint GROUP BY addr ORDER BY addr LIMIT $2::bigint";

int pa_doc_recipients(struct sz_archive *a, int64_t id,
	struct sz_count_row **rows, size_t *n, struct sz_err *err)
{
	struct pg_value v[] = { PG_I(id), PG_I(RECIPIENTS_MAX) };
	void *out = NULL;
	int rc = pg_read_rows(papool(a), SQL_RECIPIENTS, v, 2, sizeof(**rows),
		RECIPIENTS_MAX, count_fill, &out, n, "reading recipients", err);
	*rows = out;
	return rc;
}

/* A counted list: count_sql gives the total, rows_sql the rows, both
 * with $1 (drafts); rows_sql also $2 (limit) and $3 (offset). */
static int count_page(struct sz_archive *a, const char *count_sql,
	const char *rows_sql, bool drafts, size_t offset, size_t limit,
	struct sz_count_row **rows, size_t *n, int64_t *total,
	struct sz_err *err)
{
	*rows = NULL;
	*n = 0;
	*total = 0;
	if (limit > SZ_ARCHIVE_PAGE_MAX)
		limit = SZ_ARCHIVE_PAGE_MAX;
	struct pg_value v[] = { PG_I(drafts), PG_I(limit), PG_I(offset) };
	int rc = pa_count(a, count_sql, v, 1, total, err);
	if (rc != 0)
		return rc;
	void *out = NULL;
	rc = pg_read_rows(papool(a), rows_sql, v, 3, sizeof(**rows), limit,
		count_fill, &out, n, "reading an index", err);
	*rows = out;
	return rc;
}

#define MONTH_OF "to_char(to_timestamp(e.date) AT TIME ZONE 'UTC', 'YYYY-MM')"
#define VISIBLE_EMAILS " FROM emails e JOIN releases r ON r.id = e.release_id" \
	" WHERE e.date > 0 AND (r.state = 1 OR $1::integer = 1)"
static const char SQL_MONTHS_COUNT[] = "SELECT count(DISTINCT " MONTH_OF ")"
	VISIBLE_EMAILS;
static const char SQL_MONTHS[] = "SELECT " MONTH_OF " AS m, count(*)"
	VISIBLE_EMAILS " GROUP BY m ORDER BY m DESC LIMIT $2::bigint"
	" OFFSET $3::bigint";

int pa_months(struct sz_archive *a, bool drafts, size_t offset,
	size_t limit, struct sz_count_row **rows, size_t *n, int64_t *total,
	struct sz_err *err)
{
	return count_page(a, SQL_MONTHS_COUNT, SQL_MONTHS, drafts, offset, limit,
		rows, n, total, err);
}

#define MONTH_WHERE " WHERE e.date >= $1::bigint AND e.date < $2::bigint" \
	" AND (r.state = 1 OR $3::integer = 1)"
static const char SQL_MONTH_COUNT[] = "SELECT count(*) FROM emails e"
	" JOIN releases r ON r.id = e.release_id" MONTH_WHERE;
static const char SQL_MONTH[] = "SELECT " PA_DOC_COLS PA_DOC_FROM MONTH_WHERE
	" ORDER BY e.date, d.id LIMIT $4::bigint OFFSET $5::bigint";

int pa_by_month(struct sz_archive *a, const char *month, bool drafts,
	size_t offset, size_t limit, struct sz_doc_row **rows, size_t *n,
	int64_t *total, struct sz_err *err)
{
	int64_t start, end;
	*rows = NULL;
	*n = 0;
	*total = 0;
	if (!sz_archive_month_range(month, &start, &end))
		return sz_err_set(err, SZ_E_NOT_FOUND, "no such month");
	if (limit > SZ_ARCHIVE_PAGE_MAX)
		limit = SZ_ARCHIVE_PAGE_MAX;
	struct pg_value v[] = { PG_I(start), PG_I(end), PG_I(drafts),
		PG_I(limit), PG_I(offset) };
	int rc = pa_count(a, SQL_MONTH_COUNT, v, 3, total, err);
	return rc ? rc : pa_doc_rows(a, SQL_MONTH, v, 5, limit, rows, n, err);
}

static const char SQL_SENDERS_COUNT[] = "SELECT count(DISTINCT e.from_addr)"
	" FROM emails e JOIN releases r ON r.id = e.release_id WHERE"
	" e.from_addr != '' AND (r.state = 1 OR $1::integer = 1)";
static const char SQL_SENDERS[] = "SELECT e.from_addr, count(*) FROM emails e"
	" JOIN releases r ON r.id = e.release_id WHERE e.from_addr != '' AND"
	" (r.state = 1 OR $1::integer = 1) GROUP BY e.from_addr"
	" ORDER BY e.from_addr COLLATE \"C\" LIMIT $2::bigint OFFSET $3::bigint";
static const char SQL_RCPTS_COUNT[] = "SELECT count(DISTINCT c.addr)"
	" FROM recipients c JOIN documents d ON d.id = c.doc_id JOIN releases r"
	" ON r.id = d.release_id WHERE (r.state = 1 OR $1::integer = 1)";
static const char SQL_RCPTS[] = "SELECT c.addr, count(DISTINCT c.doc_id)"
	" FROM recipients c JOIN documents d ON d.id = c.doc_id JOIN releases r"
	" ON r.id = d.release_id WHERE (r.state = 1 OR $1::integer = 1)"
	" GROUP BY c.addr ORDER BY c.addr LIMIT $2::bigint OFFSET $3::bigint";

int pa_addresses(struct sz_archive *a, const char *role, bool drafts,
	size_t offset, size_t limit, struct sz_count_row **rows, size_t *n,
	int64_t *total, struct sz_err *err)
{
	bool from = strcmp(role, "from") == 0;
	return count_page(a, from ? SQL_SENDERS_COUNT : SQL_RCPTS_COUNT,
		from ? SQL_SENDERS : SQL_RCPTS, drafts, offset, limit, rows, n,
		total, err);
}
