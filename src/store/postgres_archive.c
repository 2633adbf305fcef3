/*
 * postgres_archive.c - the archive's PostgreSQL back end (database =
 * postgresql://... in the settings): opening it on a pool of libpq
 * connections (postgres_pool.c: prepared statements only, SERIALIZABLE
 * writes retried on serialization failures and deadlocks), imports as
 * one batch, releases, documents and e-mails with their index rows.
 * Editing, browsing and the change log are postgres_archive_edit.c;
 * searching and "did you mean", postgres_archive_search.c; the schema,
 * postgres_archive_schema.c.
 *
 * What it deliberately does not do: store files (the content-addressed
 * tree stays on the file system, archive.c: shared storage behind
 * several machines), or choose where the database lives (the conninfo
 * does; docs/operations.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/postgres_archive_internal.h"

/* ---- rows ---------------------------------------------------------------- */

void pa_doc_read(const PGresult *r, int row, int c, struct sz_doc_row *d)
{
	d->id = pg_int(r, row, c + 0);
	d->release_id = pg_int(r, row, c + 1);
	d->email = pg_int(r, row, c + 2) != 0;
	pg_text(d->title, sizeof(d->title), r, row, c + 3);
	pg_text(d->filename, sizeof(d->filename), r, row, c + 4);
	pg_text(d->type, sizeof(d->type), r, row, c + 5);
	pg_text(d->sha256, sizeof(d->sha256), r, row, c + 6);
	d->size = (uint64_t)pg_int(r, row, c + 7);
	d->summary = pg_dup(r, row, c + 8);
	d->words = pg_int(r, row, c + 9);
	d->parent_id = pg_int(r, row, c + 10);
	pg_text(d->release_title, sizeof(d->release_title), r, row, c + 11);
	d->published = pg_int(r, row, c + 12) != 0;
	pg_text(d->collection, sizeof(d->collection), r, row, c + 13);
	d->num = pg_int(r, row, c + 14);
	pg_text(d->message_id, sizeof(d->message_id), r, row, c + 15);
	pg_text(d->thread, sizeof(d->thread), r, row, c + 16);
	d->date = pg_int(r, row, c + 17);
	pg_text(d->from_addr, sizeof(d->from_addr), r, row, c + 18);
	pg_text(d->from_name, sizeof(d->from_name), r, row, c + 19);
	d->to = pg_dup(r, row, c + 20);
	d->cc = pg_dup(r, row, c + 21);
	d->dkim = (enum sz_dkim_state)pg_int(r, row, c + 22);
	pg_text(d->dkim_detail, sizeof(d->dkim_detail), r, row, c + 23);
	d->pgp = (enum sz_dkim_state)pg_int(r, row, c + 24);
	pg_text(d->pgp_detail, sizeof(d->pgp_detail), r, row, c + 25);
	int64_t form = pg_int(r, row, c + 26);
	d->raw_form = form == SZ_RAW_SCRUBBED ? SZ_RAW_SCRUBBED :
		form == SZ_RAW_VERIFIABLE ? SZ_RAW_VERIFIABLE : SZ_RAW_WITHHELD;
	d->raw_flagged = pg_int(r, row, c + 27) != 0;
	d->raw_chosen = pg_int(r, row, c + 28) != 0;
	pg_text(d->scrubbed_sha256, sizeof(d->scrubbed_sha256), r, row, c + 29);
	d->scrubbed_size = (uint64_t)pg_int(r, row, c + 30);
}

void pa_doc_fill(const PGresult *r, int row, void *dst)
{
	pa_doc_read(r, row, 0, dst);
}

int pa_doc_rows(struct sz_archive *a, const char *sql,
	const struct pg_value *v, size_t nv, size_t max,
	struct sz_doc_row **rows, size_t *n, struct sz_err *err)
{
	void *out = NULL;
	*rows = NULL;
	*n = 0;
	if (pa_raw_flush(a, err) != 0)
		return SZ_E_IO;
	int rc = pg_read_rows(papool(a), sql, v, nv, sizeof(**rows), max,
		pa_doc_fill, &out, n, "reading documents", err);
	*rows = out;
	return rc;
}

int pa_count(struct sz_archive *a, const char *sql, const struct pg_value *v,
	size_t nv, int64_t *n, struct sz_err *err)
{
	int rc;
	*n = 0;
	PGresult *res = pg_read(papool(a), sql, v, nv, &rc, "counting", err);
	if (res == NULL)
		return rc;
	*n = PQntuples(res) > 0 ? pg_int(res, 0, 0) : 0;
	PQclear(res);
	return 0;
}

int pa_page_rows(struct sz_archive *a, const char *count_sql,
	const char *rows_sql, struct pg_value key, size_t offset, size_t limit,
	struct sz_doc_row **rows, size_t *n, int64_t *total, struct sz_err *err)
{
	*rows = NULL;
	*n = 0;
	if (limit > SZ_ARCHIVE_PAGE_MAX)
		limit = SZ_ARCHIVE_PAGE_MAX;
	int rc = pa_count(a, count_sql, &key, 1, total, err);
	if (rc != 0)
		return rc;
	struct pg_value v[] = { key, PG_I(limit), PG_I(offset) };
	return pa_doc_rows(a, rows_sql, v, 3, limit, rows, n, err);
}

/* ---- imports -------------------------------------------------------------- */

static int tx_begin(struct sz_archive *a, struct sz_err *err)
{
	int rc = pg_batch_begin(papool(a), err);
	if (rc == 0) {
		pa(a)->importer = pthread_self();
		pa(a)->import_added = 0;
		a->in_import = true;
	}
	return rc;
}

static int vocab_flush_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	(void)ctx;
	return pg_run(c, PA_SQL_VOCAB_FLUSH, NULL, 0, NULL,
		"counting the index's words", err);
}

/* After a large import: the grown tables vacuumed (visibility map: a
 * count reads the index alone) and analyzed (plans that use the GIN
 * indexes).  Outside any transaction, as VACUUM must be; a failure
 * (another owner, the server gone) leaves it to autovacuum, and the
 * import stands. */
static void tables_tidy(struct sz_archive *a)
{
	struct pg_conn *c = pg_acquire(papool(a));
	PQclear(PQexec(c->pg, "VACUUM (ANALYZE) fts, documents, emails,"
		" recipients, vocab"));
	pg_release(papool(a), c);
}

static int tx_commit(struct sz_archive *a, struct sz_err *err)
{
	/* The raw forms that wait join the batch; the import's files reach
	 * the disk before the rows that name them. */
	int rc = pa_raw_flush(a, err), dfd = -1;
	pa_raw_forget(a);
	if (rc == 0 && ((dfd = open(a->files, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0 || syncfs(dfd) != 0))
		rc = sz_err_set(err, SZ_E_IO, "cannot sync the archive's files: %s",
			strerror(errno));
	if (dfd >= 0)
		close(dfd);
	/* the import's words, counted at once (joins the batch) */
	if (rc == 0)
		rc = pg_transaction(papool(a), vocab_flush_tx, NULL, err);
	if (rc == 0)
		rc = pg_batch_commit(papool(a), err);
	else
		pg_batch_rollback(papool(a));
	a->in_import = false;
	if (rc == 0 && pa(a)->import_added >= PA_ANALYZE_MIN_DOCS)
		tables_tidy(a);
	return rc;
}

static void tx_rollback(struct sz_archive *a)
{
	pa_raw_forget(a);
	pg_batch_rollback(papool(a));
	a->in_import = false;
}

/* ---- releases -------------------------------------------------------------- */

static const char SQL_RELEASE_ADD[] = "INSERT INTO releases (title, day,"
	" intro) VALUES ($1::text, $2::text, $3::text) RETURNING id";

struct release_new {
	const char *title, *day, *intro;
	int64_t id;
};

static int release_create_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct release_new *r = ctx;
	struct pg_value v[] = { PG_S(r->title), PG_S(r->day), PG_S(r->intro) };
	return pg_int_of(c, SQL_RELEASE_ADD, v, 3, &r->id, "creating a release",
		err);
}

static int release_create(struct sz_archive *a, const char *title,
	const char *day, const char *intro, int64_t *id, struct sz_err *err)
{
	const char *t, *in;
	size_t tl, il;
	char *own_t = NULL, *own_i = NULL;
	if (sz_archive_clean_str(title, strlen(title), false, &t, &tl,
	    &own_t) != 0 || sz_archive_clean_str(intro ? intro : "", intro ?
	    strlen(intro) : 0, true, &in, &il, &own_i) != 0) {
		free(own_t);
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	struct release_new r = { t, day, in, 0 };
	int rc = pg_transaction(papool(a), release_create_tx, &r, err);
	if (rc == 0)
		*id = r.id;
	free(own_t);
	free(own_i);
	return rc;
}

static const char SQL_RELEASE_STATE[] =
	"UPDATE releases SET state = $1::integer, tag_day = CASE WHEN"
	" $1::integer = 1 AND tag_day = '' THEN day ELSE tag_day END"
	" WHERE id = $2::bigint";

static int release_set_state(struct sz_archive *a, int64_t id,
	enum sz_release_state state, struct sz_err *err)
{
	struct pg_value v[] = { PG_I(state), PG_I(id) };
	return pg_write(papool(a), SQL_RELEASE_STATE, v, 2, "changing a release",
		"no such release", err);
}

#define RELEASE_COLS "r.id, r.title, r.day, r.intro, r.state," \
	" (SELECT count(*) FROM documents d WHERE d.release_id = r.id" \
	" AND d.email = 0)," \
	" (SELECT count(*) FROM documents d WHERE d.release_id = r.id" \
	" AND d.email = 1), r.tag_day"

static void release_fill(const PGresult *res, int row, void *dst)
{
	struct sz_release_row *r = dst;
	r->id = pg_int(res, row, 0);
	pg_text(r->title, sizeof(r->title), res, row, 1);
	pg_text(r->day, sizeof(r->day), res, row, 2);
	r->intro = pg_dup(res, row, 3);
	r->state = pg_int(res, row, 4) ? SZ_RELEASE_PUBLISHED : SZ_RELEASE_DRAFT;
	r->documents = pg_int(res, row, 5);
	r->emails = pg_int(res, row, 6);
	pg_text(r->tag_day, sizeof(r->tag_day), res, row, 7);
}

static const char SQL_RELEASE_GET[] = "SELECT " RELEASE_COLS
	" FROM releases r WHERE r.id = $1::bigint";

static int release_get(struct sz_archive *a, int64_t id,
	struct sz_release_row *row, struct sz_err *err)
{
	struct pg_value v = PG_I(id);
	return pg_read_row(papool(a), SQL_RELEASE_GET, &v, 1, row, sizeof(*row),
		release_fill, "no such release", "reading a release", err);
}

static const char SQL_RELEASE_COUNT[] = "SELECT count(*) FROM releases"
	" WHERE state = 1 OR $1::integer = 1";
static const char SQL_RELEASE_LIST[] = "SELECT " RELEASE_COLS
	" FROM releases r WHERE r.state = 1 OR $1::integer = 1"
	" ORDER BY r.day DESC, r.id DESC LIMIT $2::bigint OFFSET $3::bigint";

static int release_list(struct sz_archive *a, bool drafts, size_t offset,
	size_t limit, struct sz_release_row **rows, size_t *n, int64_t *total,
	struct sz_err *err)
{
	*rows = NULL;
	*n = 0;
	*total = 0;
	if (limit > SZ_ARCHIVE_PAGE_MAX)
		limit = SZ_ARCHIVE_PAGE_MAX;
	struct pg_value v[] = { PG_I(drafts), PG_I(limit), PG_I(offset) };
	int rc = pa_count(a, SQL_RELEASE_COUNT, v, 1, total, err);
	if (rc != 0)
		return rc;
	void *out = NULL;
	rc = pg_read_rows(papool(a), SQL_RELEASE_LIST, v, 3, sizeof(**rows),
		limit, release_fill, &out, n, "listing releases", err);
	*rows = out;
	return rc;
}

/* ---- documents -------------------------------------------------------------- */

static const char SQL_DOC_FIND[] = "SELECT id FROM documents WHERE"
	" release_id = $1::bigint AND sha256 = $2::text AND"
	" coalesce(parent_id, 0) = $3::bigint";
#define TSV(n, w) "setweight(to_tsvector('" SZ_TSQUERY_CONFIG "', $" #n \
	"::text), '" w "')"
/* A document, its e-mail row, its recipients, its index row and its
 * place in the words to count, in one statement (one round trip to the
 * server each, where an import adds a million); no row when the release
 * holds that file already. */
static const char SQL_DOC_ADD[] = "WITH d AS (INSERT INTO documents"
	" (release_id, email, title, filename, type, sha256, size, summary,"
	" words, parent_id) VALUES ($1::bigint, $2::integer, $3::text, $4::text,"
	" $5::text, $6::text, $7::bigint, $8::text, $9::bigint,"
	" nullif($10::bigint, 0)) ON CONFLICT (release_id, sha256,"
	" coalesce(parent_id, 0)) DO NOTHING RETURNING id),"
	" e AS (INSERT INTO emails (doc_id, release_id, collection, num,"
	" message_id, thread, date, from_addr, from_name, to_addrs, cc_addrs,"
	" dkim, dkim_detail, pgp, pgp_detail, raw_form, raw_flagged, raw_chosen,"
	" scrubbed_sha256, scrubbed_size) SELECT d.id, $1::bigint, $11::text,"
	" $12::bigint, $13::text, $14::text, $15::bigint, lower($16::text),"
	" $17::text, $18::text, $19::text, $20::integer, $21::text, $22::integer,"
	" $23::text, $24::integer, $25::integer, $26::integer, $27::text,"
	" $28::bigint FROM d WHERE $2::integer = 1),"
	" r AS (INSERT INTO recipients (doc_id, addr) SELECT d.id, lower(a)"
	" FROM d, unnest(string_to_array($29::text, E'\\n')) a WHERE a <> ''),"
	" f AS (INSERT INTO fts (doc_id, body, words, tags, head) SELECT d.id,"
	" $30::text, " TSV(31, "A") " || " TSV(32, "B") " || " TSV(33, "C")
	" || " TSV(34, "D") ", to_tsvector('" SZ_TSQUERY_CONFIG "', $35::text),"
	" " TSV(31, "A") " FROM d),"
	" p AS (INSERT INTO vocab_pending (doc_id) SELECT id FROM d)"
	" SELECT id FROM d";

/* An added document's rows: its texts as the tsvector reads them
 * (sz_search_tsvector_text) and its recipients' addresses, one a line,
 * made before the transaction. */
struct doc_new {
	const struct sz_doc_row *d;
	const char *text;
	size_t text_len;
	struct sz_buf title, body, sender, rcpt, tags, addrs;
	int64_t id;
	bool existed;
	bool in_import;       /* its words are counted at the commit */
};

/* The addresses of a recipient list, one a line, for the recipient
 * pages. */
static int list_addresses(struct sz_buf *out, const char *list)
{
	char addr[SZ_ARCHIVE_NAME_MAX + 1], name[SZ_ARCHIVE_NAME_MAX + 1];
	const char *p = list ? list : "";
	unsigned count = 0;
	int rc = 0;
	while (rc == 0 && count++ < PA_RECIPIENTS_MAX &&
	    sz_archive_addr_next(&p, addr, sizeof(addr), name, sizeof(name)))
		if (strchr(addr, '@') != NULL && strchr(addr, '\n') == NULL)
			rc = sz_buf_printf(out, "%s\n", addr);
	return rc;
}

static const char *buf_str(const struct sz_buf *b)
{
	return b->data ? (const char *)b->data : "";
}

static int doc_add_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct doc_new *x = ctx;
	const struct sz_doc_row *d = x->d;
	int rc;
	x->existed = false;
	struct pg_value v[] = { PG_I(d->release_id), PG_I(d->email),
		PG_S(d->title), PG_S(d->filename), PG_S(d->type), PG_S(d->sha256),
		PG_I(d->size), PG_S(d->summary ? d->summary : ""), PG_I(d->words),
		PG_I(d->parent_id),
		PG_S(d->collection), PG_I(d->num), PG_S(d->message_id),
		PG_S(d->thread), PG_I(d->date), PG_S(d->from_addr),
		PG_S(d->from_name), PG_S(d->to ? d->to : ""),
		PG_S(d->cc ? d->cc : ""), PG_I(d->dkim), PG_S(d->dkim_detail),
		PG_I(d->pgp), PG_S(d->pgp_detail), PG_I(d->raw_form),
		PG_I(d->raw_flagged), PG_I(d->raw_chosen),
		PG_S(d->scrubbed_sha256), PG_I(d->scrubbed_size),
		PG_S(buf_str(&x->addrs)), PG_B(x->text, x->text_len),
		PG_S(buf_str(&x->title)), PG_S(buf_str(&x->body)),
		PG_S(buf_str(&x->sender)), PG_S(buf_str(&x->rcpt)),
		PG_S(buf_str(&x->tags)) };
	PGresult *res = pg_exec(c, SQL_DOC_ADD, v, sizeof(v) / sizeof(v[0]), &rc,
		"adding a document", err);
	if (res == NULL)
		return rc;
	if (PQntuples(res) > 0)
		x->id = pg_int(res, 0, 0);
	x->existed = PQntuples(res) == 0;
	PQclear(res);
	struct pg_value f[] = { PG_I(d->release_id), PG_S(d->sha256),
		PG_I(d->parent_id) };
	if (x->existed)
		return pg_int_of(c, SQL_DOC_FIND, f, 3, &x->id, "adding a document",
			err);
	return x->in_import ? 0 : vocab_flush_tx(c, NULL, err);
}

/* The texts of x's index row. */
static int doc_texts(struct doc_new *x)
{
	const struct sz_doc_row *d = x->d;
	size_t body = x->text_len > PA_INDEX_TEXT_MAX ? PA_INDEX_TEXT_MAX :
		x->text_len;
	sz_buf_init(&x->title, 4 * SZ_ARCHIVE_TITLE_MAX);
	sz_buf_init(&x->body, PA_INDEX_TEXT_MAX + 16);
	sz_buf_init(&x->sender, 4 * SZ_ARCHIVE_NAME_MAX);
	sz_buf_init(&x->rcpt, 4u << 20);
	sz_buf_init(&x->tags, 64u << 10);
	sz_buf_init(&x->addrs, 2 * PA_RECIPIENTS_MAX * (SZ_ARCHIVE_NAME_MAX + 1));
	char sender[2 * SZ_ARCHIVE_NAME_MAX + 4];
	snprintf(sender, sizeof(sender), "%s %s", d->from_name, d->from_addr);
	int rc = sz_search_tsvector_text(&x->title, d->title, strlen(d->title));
	if (rc == 0 && body)
		rc = sz_search_tsvector_text(&x->body, x->text, body);
	if (rc == 0)
		rc = sz_search_tsvector_text(&x->sender, sender, strlen(sender));
	if (rc == 0 && d->to)
		rc = sz_search_tsvector_text(&x->rcpt, d->to, strlen(d->to));
	if (rc == 0 && d->cc && (rc = sz_buf_puts(&x->rcpt, " ")) == 0)
		rc = sz_search_tsvector_text(&x->rcpt, d->cc, strlen(d->cc));
	if (rc == 0)
		rc = sz_archive_tags(d, &x->tags);
	if (rc == 0 && d->email && (rc = list_addresses(&x->addrs, d->to)) == 0)
		rc = list_addresses(&x->addrs, d->cc);
	return rc;
}

static void doc_texts_free(struct doc_new *x)
{
	sz_buf_free(&x->title);
	sz_buf_free(&x->body);
	sz_buf_free(&x->sender);
	sz_buf_free(&x->rcpt);
	sz_buf_free(&x->tags);
	sz_buf_free(&x->addrs);
}

static int doc_add(struct sz_archive *a, const struct sz_doc_row *row,
	const char *text, size_t text_len, int64_t *id, struct sz_err *err)
{
	/* Every string is stored clean (sz_archive_clean_row). */
	struct sz_clean_row c;
	if (sz_archive_clean_row(row, text, text_len, &c) != 0)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	struct doc_new x = { .d = &c.row, .text = c.text ? c.text : "",
		.text_len = c.text ? c.text_len : 0, .in_import = a->in_import };
	int rc = doc_texts(&x);
	if (rc != 0)
		rc = sz_err_set(err, SZ_E_LIMIT, "too many addresses to index");
	else
		rc = pg_transaction(papool(a), doc_add_tx, &x, err);
	if (rc == 0) {
		*id = x.id;
		if (x.existed)
			rc = SZ_E_EXISTS;
		else
			pa(a)->import_added += a->in_import;
	}
	doc_texts_free(&x);
	sz_archive_clean_free(&c);
	return rc;
}

static const char SQL_DOC_GET[] = "SELECT " PA_DOC_COLS PA_DOC_FROM
	" WHERE d.id = $1::bigint";

static int doc_get(struct sz_archive *a, int64_t id, struct sz_doc_row *d,
	struct sz_err *err)
{
	struct pg_value v = PG_I(id);
	memset(d, 0, sizeof(*d));
	if (pa_raw_flush(a, err) != 0)
		return SZ_E_IO;
	return pg_read_row(papool(a), SQL_DOC_GET, &v, 1, d, sizeof(*d),
		pa_doc_fill, "no such document", "reading a document", err);
}

static const char SQL_DOC_TEXT[] = "SELECT body FROM fts"
	" WHERE doc_id = $1::bigint";

static int doc_text(struct sz_archive *a, int64_t id, struct sz_buf *out,
	struct sz_err *err)
{
	struct pg_value v = PG_I(id);
	int rc;
	PGresult *res = pg_read(papool(a), SQL_DOC_TEXT, &v, 1, &rc,
		"reading a document's text", err);
	if (res == NULL)
		return rc;
	if (PQntuples(res) > 0 && sz_buf_append(out, PQgetvalue(res, 0, 0),
	    (size_t)PQgetlength(res, 0, 0)) != 0)
		rc = sz_err_set(err, SZ_E_LIMIT, "the text is too long");
	PQclear(res);
	return rc;
}

static const char SQL_LIST_COUNT_EMAIL[] = "SELECT count(*) FROM documents"
	" WHERE release_id = $1::bigint AND email = 1";
static const char SQL_LIST_COUNT_DOCS[] = "SELECT count(*) FROM documents"
	" WHERE release_id = $1::bigint AND email = 0";
static const char SQL_LIST_EMAIL[] = "SELECT " PA_DOC_COLS PA_DOC_FROM
	" WHERE e.release_id = $1::bigint ORDER BY e.collection, e.num"
	" LIMIT $2::bigint OFFSET $3::bigint";
static const char SQL_LIST_DOCS[] = "SELECT " PA_DOC_COLS PA_DOC_FROM
	" WHERE d.release_id = $1::bigint AND d.email = 0 ORDER BY"
	" (d.parent_id IS NOT NULL), d.title, d.id"
	" LIMIT $2::bigint OFFSET $3::bigint";

static int doc_list(struct sz_archive *a, int64_t release_id, bool email,
	size_t offset, size_t limit, struct sz_doc_row **rows, size_t *n,
	int64_t *total, struct sz_err *err)
{
	return pa_page_rows(a, email ? SQL_LIST_COUNT_EMAIL : SQL_LIST_COUNT_DOCS,
		email ? SQL_LIST_EMAIL : SQL_LIST_DOCS, PG_I(release_id), offset,
		limit, rows, n, total, err);
}

#define CHILDREN_MAX 1000
static const char SQL_CHILDREN[] = "SELECT " PA_DOC_COLS PA_DOC_FROM
	" WHERE d.parent_id = $1::bigint ORDER BY d.id LIMIT 1000";

static int doc_children(struct sz_archive *a, int64_t parent,
	struct sz_doc_row **rows, size_t *n, struct sz_err *err)
{
	struct pg_value v = PG_I(parent);
	return pa_doc_rows(a, SQL_CHILDREN, &v, 1, CHILDREN_MAX, rows, n, err);
}

static const char SQL_THREAD[] = "SELECT " PA_DOC_COLS PA_DOC_FROM
	" WHERE e.thread = $1::text AND (r.state = 1 OR $2::integer = 1)"
	" ORDER BY e.date, d.id LIMIT 1000";

static int thread_list(struct sz_archive *a, const char *thread, bool drafts,
	struct sz_doc_row **rows, size_t *n, struct sz_err *err)
{
	struct pg_value v[] = { PG_S(thread), PG_I(drafts) };
	return pa_doc_rows(a, SQL_THREAD, v, 2, CHILDREN_MAX, rows, n, err);
}

#define FROM_ADDR " WHERE e.from_addr = lower($1::text)"
#define TO_ADDR " WHERE d.id IN (SELECT doc_id FROM recipients WHERE" \
	" addr = lower($1::text))"
#define ADDR_COUNT(where) "SELECT count(*)" PA_DOC_FROM where " AND" \
	" (r.state = 1 OR $2::integer = 1)"
#define ADDR_ROWS(where) "SELECT " PA_DOC_COLS PA_DOC_FROM where " AND" \
	" (r.state = 1 OR $2::integer = 1) ORDER BY e.date DESC, d.id" \
	" LIMIT $3::bigint OFFSET $4::bigint"

static int by_address(struct sz_archive *a, const char *addr,
	const char *role, bool drafts, size_t offset, size_t limit,
	struct sz_doc_row **rows, size_t *n, int64_t *total, struct sz_err *err)
{
	static const char *const sql[2][2] = {
		{ ADDR_COUNT(TO_ADDR), ADDR_ROWS(TO_ADDR) },
		{ ADDR_COUNT(FROM_ADDR), ADDR_ROWS(FROM_ADDR) },
	};
	bool from = strcmp(role, "from") == 0;
	*rows = NULL;
	*n = 0;
	*total = 0;
	if (limit > SZ_ARCHIVE_PAGE_MAX)
		limit = SZ_ARCHIVE_PAGE_MAX;
	struct pg_value v[] = { PG_S(addr), PG_I(drafts), PG_I(limit),
		PG_I(offset) };
	int rc = pa_count(a, sql[from][0], v, 2, total, err);
	return rc ? rc : pa_doc_rows(a, sql[from][1], v, 4, limit, rows, n, err);
}

static const char SQL_SUMMARY[] = "UPDATE documents SET summary = $1::text"
	" WHERE id = $2::bigint";

static int doc_set_summary(struct sz_archive *a, int64_t id,
	const char *summary, struct sz_err *err)
{
	const char *sum;
	size_t sl;
	char *own = NULL;
	if (sz_archive_clean_str(summary, strlen(summary), true, &sum, &sl,
	    &own) != 0)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	struct pg_value v[] = { PG_S(sum), PG_I(id) };
	int rc = pg_write(papool(a), SQL_SUMMARY, v, 2, "saving a summary",
		"no such document", err);
	free(own);
	return rc;
}

/* ---- e-mails --------------------------------------------------------------- */

static const char SQL_SET_RAW[] = "UPDATE emails SET raw_form = $1::integer,"
	" raw_flagged = $2::integer, raw_chosen = $3::integer,"
	" scrubbed_sha256 = $4::text, scrubbed_size = $5::bigint,"
	" raw_flags = $6::text, raw_removed = $7::text WHERE doc_id = $8::bigint";

/* s cut to at most max bytes, not inside a character (into *own). */
static int notes_cut(const char *in, bool multiline, const char **out,
	char **own)
{
	size_t len;
	if (sz_archive_clean_str(in ? in : "", in ? strlen(in) : 0, multiline,
	    out, &len, own) != 0)
		return -1;
	if (len <= SZ_ARCHIVE_NOTES_MAX)
		return 0;
	size_t cut = SZ_ARCHIVE_NOTES_MAX;
	while (cut > 0 && ((*out)[cut] & 0xC0) == 0x80)
		cut--;
	char *c = strndup(*out, cut);
	if (c == NULL)
		return -1;
	free(*own);
	*own = c;
	*out = c;
	return 0;
}

static int email_set_raw(struct sz_archive *a, int64_t id,
	const struct sz_email_raw *r, struct sz_err *err)
{
	const char *flags = NULL, *removed = NULL;
	char *own_f = NULL, *own_r = NULL;
	int rc = 0;
	if (notes_cut(r->flags, true, &flags, &own_f) != 0 ||
	    notes_cut(r->removed, false, &removed, &own_r) != 0)
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	if (rc == 0) {
		struct pg_value v[] = { PG_I(r->form), PG_I(r->flagged),
			PG_I(r->chosen), PG_S(r->scrubbed_sha256),
			PG_I(r->scrubbed_size), PG_S(flags), PG_S(removed), PG_I(id) };
		rc = pa_raw_batching(a) ? pa_raw_queue(a, id, r, flags, removed,
			err) : pg_write(papool(a), SQL_SET_RAW, v, 8, "saving an e-mail",
			"no such e-mail", err);
	}
	free(own_f);
	free(own_r);
	return rc;
}

static const char SQL_RAW_NOTES[] = "SELECT raw_flags, raw_removed"
	" FROM emails WHERE doc_id = $1::bigint";

static int email_raw_notes(struct sz_archive *a, int64_t id,
	struct sz_buf *flags, struct sz_buf *removed, struct sz_err *err)
{
	struct pg_value v = PG_I(id);
	int rc = pa_raw_flush(a, err);
	if (rc != 0)
		return rc;
	PGresult *res = pg_read(papool(a), SQL_RAW_NOTES, &v, 1, &rc,
		"reading an e-mail", err);
	if (res == NULL)
		return rc;
	if (PQntuples(res) == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such e-mail");
	else if (sz_buf_append(flags, PQgetvalue(res, 0, 0),
	    (size_t)PQgetlength(res, 0, 0)) != 0 || sz_buf_append(removed,
	    PQgetvalue(res, 0, 1), (size_t)PQgetlength(res, 0, 1)) != 0)
		rc = sz_err_set(err, SZ_E_LIMIT, "the notes are too long");
	PQclear(res);
	return rc;
}

static const char SQL_BY_MESSAGE_ID[] = "SELECT coalesce(min(doc_id), 0),"
	" count(*) FROM emails WHERE release_id = $1::bigint AND"
	" message_id = $2::text";

static int email_by_message_id(struct sz_archive *a, int64_t release_id,
	const char *message_id, int64_t *id, int64_t *count, struct sz_err *err)
{
	*id = 0;
	*count = 0;
	/* kept as the header gives it, less its angle brackets */
	const char *m = message_id + (message_id[0] == '<');
	size_t n = strlen(m);
	if (n > 0 && m[n - 1] == '>' && message_id[0] == '<')
		n--;
	int rc = 0;
	if (n > 0 && n <= SZ_ARCHIVE_NAME_MAX) {
		char key[SZ_ARCHIVE_NAME_MAX + 1];
		memcpy(key, m, n);
		key[n] = 0;
		struct pg_value v[] = { PG_I(release_id), PG_S(key) };
		PGresult *res = pg_read(papool(a), SQL_BY_MESSAGE_ID, v, 2, &rc,
			"finding an e-mail", err);
		if (res == NULL)
			return rc;
		if (PQntuples(res) > 0) {
			*id = pg_int(res, 0, 0);
			*count = pg_int(res, 0, 1);
		}
		PQclear(res);
	}
	if (*count == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no e-mail of release %lld "
			"has that Message-ID", (long long)release_id);
	return rc;
}

/* Only flagged e-mails are the editors' to choose. */
static const char SQL_CHOOSE_RAW[] = "UPDATE emails SET raw_form = $1::integer,"
	" raw_chosen = 1 WHERE release_id = $2::bigint AND raw_flagged = 1 AND"
	" ($3::bigint = 0 OR doc_id = $3::bigint)";

struct choose {
	struct pg_value v[3];
	int64_t changed;
};

static int choose_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct choose *x = ctx;
	return pg_run(c, SQL_CHOOSE_RAW, x->v, 3, &x->changed,
		"choosing a raw form", err);
}

static int email_choose_raw(struct sz_archive *a, int64_t release_id,
	int64_t id, enum sz_raw_form form, int64_t *changed, struct sz_err *err)
{
	struct choose x = { { PG_I(form), PG_I(release_id), PG_I(id) }, 0 };
	int rc = pa_raw_flush(a, err);
	if (rc == 0)
		rc = pg_transaction(papool(a), choose_tx, &x, err);
	*changed = rc == 0 ? x.changed : 0;
	if (rc == 0 && id != 0 && x.changed == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "e-mail %lld is not a "
			"flagged e-mail of release %lld", (long long)id,
			(long long)release_id);
	return rc;
}

static const char SQL_FLAGGED_COUNT[] = "SELECT count(*) FROM emails WHERE"
	" release_id = $1::bigint AND raw_flagged = 1";
static const char SQL_FLAGGED[] = "SELECT " PA_DOC_COLS PA_DOC_FROM
	" WHERE e.release_id = $1::bigint AND e.raw_flagged = 1"
	" ORDER BY e.collection, e.num LIMIT $2::bigint OFFSET $3::bigint";

static int email_flagged(struct sz_archive *a, int64_t release_id,
	size_t offset, size_t limit, struct sz_doc_row **rows, size_t *n,
	int64_t *total, struct sz_err *err)
{
	return pa_page_rows(a, SQL_FLAGGED_COUNT, SQL_FLAGGED, PG_I(release_id),
		offset, limit, rows, n, total, err);
}

static const char SQL_NEXT_NUM[] = "SELECT coalesce(max(num), 0) + 1"
	" FROM emails WHERE release_id = $1::bigint AND collection = $2::text";

static int email_next_num(struct sz_archive *a, int64_t release_id,
	const char *collection, int64_t *num, struct sz_err *err)
{
	struct pg_value v[] = { PG_I(release_id), PG_S(collection) };
	return pa_count(a, SQL_NEXT_NUM, v, 2, num, err);
}

/* ---- opening ------------------------------------------------------------------ */

static void archive_close(struct sz_archive *a)
{
	if (a == NULL)
		return;
	pa_raw_forget(a);
	pg_pool_close(papool(a));
	sem_destroy(&pa(a)->searches);
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
	.doc_list = doc_list,
	.doc_children = doc_children,
	.thread = thread_list,
	.by_address = by_address,
	.email_next_num = email_next_num,
	.email_set_raw = email_set_raw,
	.email_raw_notes = email_raw_notes,
	.email_choose_raw = email_choose_raw,
	.email_by_message_id = email_by_message_id,
	.email_flagged = email_flagged,
	.doc_set_summary = doc_set_summary,
	.search = pa_search,
	.release_update = pa_release_update,
	.doc_remove = pa_doc_remove,
	.doc_set_report = pa_doc_set_report,
	.doc_report = pa_doc_report,
	.doc_adjacent = pa_doc_adjacent,
	.words_near = pa_words_near,
	.changes = pa_changes,
	.doc_ids = pa_doc_ids,
	.doc_recipients = pa_doc_recipients,
	.months = pa_months,
	.by_month = pa_by_month,
	.addresses = pa_addresses,
};

int sz_archive_open_postgres(struct sz_archive **out, const char *dir,
	const char *conninfo, struct sz_err *err)
{
	*out = NULL;
	struct pg_archive *q = calloc(1, sizeof(*q));
	if (q == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	q->base.ops = &ops;
	snprintf(q->base.files, sizeof(q->base.files), "%s/%s", dir,
		SZ_ARCHIVE_DIR);
	sem_init(&q->searches, 0, PA_SEARCHES);
	int rc = pg_pool_open(&q->pool, conninfo, "the archive's database", NULL,
		err);
	if (rc == 0)
		rc = pg_migrate(&q->pool, "archive", pa_migrations, pa_nmigrations,
			err);
	if (rc != 0) {
		archive_close(&q->base);
		return rc;
	}
	*out = &q->base;
	return 0;
}
