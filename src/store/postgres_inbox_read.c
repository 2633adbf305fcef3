/*
 * postgres_inbox_read.c - what the editor face reads and changes of the
 * inbox on PostgreSQL: pages by key (newest activity first, keyset, never
 * offsets), the counts the triggers keep, one source, its items and
 * replies, stars, and deleting a source.  An editor's pages and counts
 * hold only what its desks may read (store.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/postgres_inbox_internal.h"

#define COLS "id, designation, last_day, submissions, unread, starred, desk"
/* the desks $6, an editor, may read: none (0) and its own; NULL: all */
#define READABLE "($6::text IS NULL OR desk IN (SELECT 0 UNION ALL" \
	" SELECT m.desk_id FROM desk_editors m JOIN editors e" \
	" ON e.id = m.editor_id WHERE e.name = $6::text))"
/* $7: the view; $8: 1 to keep designations in [$3, $4] only */
#define MATCHES " submissions > 0 AND ($7::integer = 0" \
	" OR ($7::integer = 1 AND unread > 0)" \
	" OR ($7::integer = 2 AND starred <> 0)) AND " READABLE \
	" AND ($8::integer = 0 OR designation BETWEEN $3::bigint" \
	" AND $4::bigint)"
/* Past the key $1/$2 going older (or from the top), going newer; at most
 * $5 rows. */
static const char SQL_OLDER[] =
	"SELECT " COLS " FROM sources WHERE" MATCHES
	" AND (last_day, id) < ($1::text, $2::bigint)"
	" ORDER BY last_day DESC, id DESC LIMIT $5::bigint";
static const char SQL_NEWER[] =
	"SELECT " COLS " FROM sources WHERE" MATCHES
	" AND (last_day, id) > ($1::text, $2::bigint)"
	" ORDER BY last_day, id LIMIT $5::bigint";
static const char SQL_MATCHING[] =
	"SELECT count(*) FROM sources WHERE" MATCHES
	" AND $1::text IS NOT NULL AND $2::bigint IS NOT NULL"
	" AND $5::bigint IS NOT NULL";
/* a day after every day: the top of the inbox */
#define TOP_DAY "9999-99-99"

static void read_source(const PGresult *r, int row, void *dst)
{
	struct sz_source_row *s = dst;
	memset(s, 0, sizeof(*s));
	s->id = pg_int(r, row, 0);
	s->designation = (uint32_t)pg_int(r, row, 1);
	pg_text(s->last_day, sizeof(s->last_day), r, row, 2);
	s->submissions = pg_int(r, row, 3);
	s->unread = pg_int(r, row, 4);
	s->starred = pg_int(r, row, 5) != 0;
	s->desk = pg_int(r, row, 6);
}

struct page_ctx {
	const struct sz_inbox_query *q;
	struct sz_inbox_page *page;
	bool more, beyond;
};

/* Runs one page query going from; up to cap rows into rows (if not
 * NULL); whether there were more. */
static int run_page(struct pg_conn *c, const struct sz_inbox_query *q,
	enum sz_inbox_from from, struct sz_source_row *rows, size_t cap,
	size_t *n, bool *more, struct sz_err *err)
{
	int rc;
	bool top = from == SZ_INBOX_FIRST;
	struct pg_value v[] = { PG_S(top ? TOP_DAY : q->key.day),
		PG_I(top ? INT64_MAX : q->key.id), PG_I(q->designation_lo),
		PG_I(q->designation_hi), PG_I(cap + 1), PG_S(q->editor),
		PG_I(q->view), PG_I(q->by_designation) };
	*n = 0;
	*more = false;
	PGresult *res = pg_exec(c, from == SZ_INBOX_NEWER ? SQL_NEWER :
		SQL_OLDER, v, 8, &rc, "reading the inbox", err);
	if (res == NULL)
		return rc;
	for (int i = 0; i < PQntuples(res); i++) {
		if (*n == cap) {
			*more = true;
			break;
		}
		if (rows != NULL)
			read_source(res, i, &rows[*n]);
		(*n)++;
	}
	PQclear(res);
	return SZ_OK;
}

/* The counts of everything, or of what editor may read. */
static const char SQL_TOTALS[] =
	"SELECT sources, unread_sources, starred, unread_items FROM inbox_totals";
static const char SQL_DESK_TOTALS[] =
	"SELECT coalesce(sum(sources), 0), coalesce(sum(unread_sources), 0),"
	" coalesce(sum(starred), 0), coalesce(sum(unread_items), 0)"
	" FROM desk_totals WHERE desk IN (SELECT 0 UNION ALL SELECT m.desk_id"
	" FROM desk_editors m JOIN editors e ON e.id = m.editor_id"
	" WHERE e.name = $1::text)";

static int totals(struct pg_conn *c, const char *editor,
	struct sz_inbox_counts *t, struct sz_err *err)
{
	int rc;
	struct pg_value v[] = { PG_S(editor) };
	PGresult *res = pg_exec(c, editor ? SQL_DESK_TOTALS : SQL_TOTALS, v,
		editor ? 1 : 0, &rc, "counting the inbox", err);
	if (res == NULL)
		return rc;
	if (PQntuples(res) > 0) {
		t->sources = pg_int(res, 0, 0);
		t->unread_sources = pg_int(res, 0, 1);
		t->starred_sources = pg_int(res, 0, 2);
		t->unread_items = pg_int(res, 0, 3);
	}
	PQclear(res);
	return SZ_OK;
}

static int page_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct page_ctx *x = ctx;
	const struct sz_inbox_query *q = x->q;
	struct sz_inbox_page *page = x->page;
	size_t unused;
	int rc = run_page(c, q, q->from, page->rows, page->limit, &page->n,
		&x->more, err);
	/* is there anything on the other side of the key? */
	if (rc == SZ_OK && q->from != SZ_INBOX_FIRST)
		rc = run_page(c, q, q->from == SZ_INBOX_OLDER ? SZ_INBOX_NEWER :
			SZ_INBOX_OLDER, NULL, 0, &unused, &x->beyond, err);
	if (rc == SZ_OK && q->by_designation) {
		struct pg_value v[] = { PG_S(""), PG_I(0),
			PG_I(q->designation_lo), PG_I(q->designation_hi), PG_I(0),
			PG_S(q->editor), PG_I(q->view), PG_I(1) };
		rc = pg_int_of(c, SQL_MATCHING, v, 8, &page->matching,
			"counting the inbox", err);
	} else if (rc == SZ_OK) {
		struct sz_inbox_counts t = { 0 };
		rc = totals(c, q->editor, &t, err);
		page->matching = q->view == SZ_INBOX_UNREAD ? t.unread_sources :
			q->view == SZ_INBOX_STARRED ? t.starred_sources : t.sources;
	}
	return rc;
}

int pi_inbox_page(struct sz_store *s, const struct sz_inbox_query *q,
	struct sz_inbox_page *page, struct sz_err *err)
{
	page->n = 0;
	page->older = page->newer = false;
	page->matching = 0;
	if (page->limit == 0 || page->limit > SZ_INBOX_PAGE_MAX ||
	    (unsigned)q->view > SZ_INBOX_STARRED ||
	    (unsigned)q->from > SZ_INBOX_NEWER)
		return sz_err_set(err, SZ_E_INVAL, "an inbox page of %zu rows "
			"cannot be read", page->limit);
	/* one snapshot: the rows and the counts agree */
	struct page_ctx x = { q, page, false, false };
	int rc = pg_snapshot(ipool(s), page_tx, &x, err);
	if (rc != SZ_OK) {
		page->n = 0;
		return rc;
	}
	if (q->from == SZ_INBOX_NEWER) {
		/* read going newer; shown newest first */
		for (size_t i = 0; i < page->n / 2; i++) {
			struct sz_source_row t = page->rows[i];
			page->rows[i] = page->rows[page->n - 1 - i];
			page->rows[page->n - 1 - i] = t;
		}
		page->newer = x.more;
		page->older = x.beyond;
	} else {
		page->older = x.more;
		page->newer = x.beyond;
	}
	return SZ_OK;
}

struct counts_ctx {
	const char *editor;
	struct sz_inbox_counts *c;
};

static int counts_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct counts_ctx *x = ctx;
	return totals(c, x->editor, x->c, err);
}

int pi_inbox_counts(struct sz_store *s, const char *editor,
	struct sz_inbox_counts *c, struct sz_err *err)
{
	memset(c, 0, sizeof(*c));
	struct counts_ctx x = { editor, c };
	return pg_snapshot(ipool(s), counts_tx, &x, err);
}

static const char SQL_SOURCE_GET[] =
	"SELECT " COLS " FROM sources WHERE id = $1::bigint";

int pi_source_get(struct sz_store *s, int64_t id, struct sz_source_row *row,
	struct sz_err *err)
{
	struct pg_value v[] = { PG_I(id) };
	return pg_read_row(ipool(s), SQL_SOURCE_GET, v, 1, row, sizeof(*row),
		read_source, "no such source", "reading a source", err);
}

/* ---- items --------------------------------------------------------------- */

#define ITEM_SELECT "SELECT i.id, b.source_id, b.day, i.kind, i.blob," \
	" coalesce(i.meta_blob, ''), i.padded_size, i.seen FROM items i" \
	" JOIN submissions b ON b.id = i.submission_id "
static const char SQL_ITEMS[] =
	ITEM_SELECT "WHERE b.source_id = $1::bigint ORDER BY i.id DESC";
static const char SQL_ITEM[] = ITEM_SELECT "WHERE i.id = $1::bigint";

static void read_item(const PGresult *r, int row, void *dst)
{
	struct sz_item_full *it = dst;
	memset(it, 0, sizeof(*it));
	it->id = pg_int(r, row, 0);
	it->source_id = pg_int(r, row, 1);
	pg_text(it->day, sizeof(it->day), r, row, 2);
	it->row.kind = strcmp(PQgetvalue(r, row, 3), "file") == 0 ?
		SZ_ITEM_FILE : SZ_ITEM_MESSAGE;
	pg_text(it->row.blob, sizeof(it->row.blob), r, row, 4);
	pg_text(it->row.meta_blob, sizeof(it->row.meta_blob), r, row, 5);
	it->row.padded_size = (uint64_t)pg_int(r, row, 6);
	it->seen = (int)pg_int(r, row, 7);
}

int pi_source_items(struct sz_store *s, int64_t source_id,
	struct sz_item_full **rows, size_t *n, struct sz_err *err)
{
	struct pg_value v[] = { PG_I(source_id) };
	return pg_read_rows(ipool(s), SQL_ITEMS, v, 1, sizeof(**rows),
		SIZE_MAX, read_item, (void **)rows, n, "listing items", err);
}

int pi_item_get(struct sz_store *s, int64_t id, struct sz_item_full *it,
	struct sz_err *err)
{
	struct pg_value v[] = { PG_I(id) };
	return pg_read_row(ipool(s), SQL_ITEM, v, 1, it, sizeof(*it), read_item,
		"no such item", "reading an item", err);
}

static const char SQL_ITEM_SEEN[] =
	"UPDATE items SET seen = 1 WHERE id = $1::bigint AND seen = 0";
static const char SQL_SOURCE_SEEN[] =
	"UPDATE items SET seen = 1 WHERE seen = 0 AND submission_id IN"
	" (SELECT id FROM submissions WHERE source_id = $1::bigint)";
static const char SQL_STAR[] =
	"UPDATE sources SET starred = 1 - starred WHERE id = $1::bigint";

int pi_item_seen(struct sz_store *s, int64_t id, struct sz_err *err)
{
	struct pg_value v[] = { PG_I(id) };
	return pg_write(ipool(s), SQL_ITEM_SEEN, v, 1, "marking items read",
		NULL, err);
}

int pi_source_seen(struct sz_store *s, int64_t source_id,
	struct sz_err *err)
{
	struct pg_value v[] = { PG_I(source_id) };
	return pg_write(ipool(s), SQL_SOURCE_SEEN, v, 1, "marking items read",
		NULL, err);
}

int pi_source_star(struct sz_store *s, int64_t source_id,
	struct sz_err *err)
{
	struct pg_value v[] = { PG_I(source_id) };
	return pg_write(ipool(s), SQL_STAR, v, 1, "starring a source",
		"no such source", err);
}

struct delete_ctx {
	int64_t id;
	char (*blobs)[SZ_STORE_BLOB_NAME_MAX + 1];
	size_t n;
};

static const char SQL_SOURCE_BLOBS[] =
	"SELECT i.blob, i.meta_blob FROM items i JOIN submissions b"
	" ON b.id = i.submission_id WHERE b.source_id = $1::bigint"
	" UNION ALL SELECT blob, NULL FROM replies WHERE source_id = $1::bigint"
	" AND deleted = 0";
static const char SQL_SOURCE_DELETE[] =
	"DELETE FROM sources WHERE id = $1::bigint";

static int delete_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct delete_ctx *x = ctx;
	int rc;
	int64_t gone = 0;
	struct pg_value v[] = { PG_I(x->id) };
	free(x->blobs);
	x->blobs = NULL;
	x->n = 0;
	PGresult *res = pg_exec(c, SQL_SOURCE_BLOBS, v, 1, &rc,
		"deleting a source", err);
	if (res == NULL)
		return rc;
	rc = pi_blobs(res, &x->blobs, &x->n, err);
	PQclear(res);
	if (rc == SZ_OK)
		rc = pg_run(c, SQL_SOURCE_DELETE, v, 1, &gone, "deleting a source",
			err);
	if (rc == SZ_OK && gone == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such source");
	return rc;
}

int pi_source_delete(struct sz_store *s, int64_t source_id,
	char (**blobs)[SZ_STORE_BLOB_NAME_MAX + 1], size_t *nblobs,
	struct sz_err *err)
{
	struct delete_ctx x = { source_id, NULL, 0 };
	int rc = pg_transaction(ipool(s), delete_tx, &x, err);
	if (rc != SZ_OK) {
		free(x.blobs);
		x.blobs = NULL;
		x.n = 0;
	}
	*blobs = x.blobs;
	*nblobs = x.n;
	return rc;
}

/* ---- replies ------------------------------------------------------------- */

static const char SQL_PUBLIC_KEY[] =
	"SELECT public_key FROM sources WHERE id = $1::bigint";

int pi_source_public_key(struct sz_store *s, int64_t source_id,
	uint8_t key[32], struct sz_err *err)
{
	int rc;
	memset(key, 0, 32);
	struct pg_value v[] = { PG_I(source_id) };
	/* bytea comes back as text ("\x..."): decoded with libpq */
	PGresult *res = pg_read(ipool(s), SQL_PUBLIC_KEY, v, 1, &rc,
		"reading a source", err);
	if (res == NULL)
		return rc;
	size_t len = 0;
	unsigned char *bin = PQntuples(res) > 0 ? PQunescapeBytea(
		(const unsigned char *)PQgetvalue(res, 0, 0), &len) : NULL;
	if (bin != NULL && len == 32)
		memcpy(key, bin, 32);
	else
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such source");
	PQfreemem(bin);
	PQclear(res);
	return rc;
}

static const char SQL_REPLY_ADD[] =
	"INSERT INTO replies (source_id, blob, day, editor) VALUES ($1::bigint,"
	" $2::text, $3::text, $4::text)";
static const char SQL_REPLIES[] =
	"SELECT id, blob, day, deleted, editor FROM replies"
	" WHERE source_id = $1::bigint ORDER BY id";

int pi_reply_add(struct sz_store *s, int64_t source_id, const char *blob,
	const char *editor, struct sz_err *err)
{
	char day[SZ_STORE_DAY_SIZE];
	sz_store_today(day);
	struct pg_value v[] = { PG_I(source_id), PG_S(blob), PG_S(day),
		PG_S(editor ? editor : "") };
	return pg_write(ipool(s), SQL_REPLY_ADD, v, 4, "saving a reply", NULL,
		err);
}

static void read_reply(const PGresult *res, int i, void *dst)
{
	struct sz_reply_row *r = dst;
	r->id = pg_int(res, i, 0);
	r->deleted = pg_int(res, i, 3) != 0;
	if (!r->deleted)
		pg_text(r->blob, sizeof(r->blob), res, i, 1);
	pg_text(r->day, sizeof(r->day), res, i, 2);
	pg_text(r->editor, sizeof(r->editor), res, i, 4);
}

int pi_replies(struct sz_store *s, int64_t source_id,
	struct sz_reply_row **rows, size_t *n, struct sz_err *err)
{
	struct pg_value v[] = { PG_I(source_id) };
	return pg_read_rows(ipool(s), SQL_REPLIES, v, 1, sizeof(**rows),
		SIZE_MAX, read_reply, (void **)rows, n, "reading replies", err);
}

struct reply_delete_ctx {
	int64_t source, reply;
	char *blob;
};

static const char SQL_REPLY_BLOB[] =
	"SELECT blob FROM replies WHERE id = $1::bigint"
	" AND source_id = $2::bigint AND deleted = 0";
/* the row keeps a name no blob has, so the file it named is no longer
 * referenced: a crash before the file goes leaves an orphan that
 * start-up sweeps */
static const char SQL_REPLY_DELETE[] =
	"UPDATE replies SET deleted = 1, blob = 'deleted-' || id"
	" WHERE id = $1::bigint AND source_id = $2::bigint";

static int reply_delete_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct reply_delete_ctx *x = ctx;
	int rc;
	struct pg_value v[] = { PG_I(x->reply), PG_I(x->source) };
	PGresult *res = pg_exec(c, SQL_REPLY_BLOB, v, 2, &rc,
		"deleting a reply", err);
	if (res == NULL)
		return rc;
	if (PQntuples(res) == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such reply");
	else
		pg_text(x->blob, SZ_STORE_BLOB_NAME_MAX + 1, res, 0, 0);
	PQclear(res);
	if (rc == SZ_OK)
		rc = pg_run(c, SQL_REPLY_DELETE, v, 2, NULL, "deleting a reply",
			err);
	return rc;
}

int pi_reply_delete(struct sz_store *s, int64_t source_id, int64_t reply_id,
	char blob[SZ_STORE_BLOB_NAME_MAX + 1], struct sz_err *err)
{
	struct reply_delete_ctx x = { source_id, reply_id, blob };
	blob[0] = '\0';
	int rc = pg_transaction(ipool(s), reply_delete_tx, &x, err);
	if (rc != SZ_OK)
		blob[0] = '\0';
	return rc;
}
