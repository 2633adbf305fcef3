/*
 * postgres_archive_raw.c - the raw-form decision of each imported e-mail
 * (email_set_raw), written to PostgreSQL in batches during an import.
 *
 * An import decides an e-mail's raw form after its row exists (its
 * attachments, published as its children, decide it), so each message
 * cost a second round trip to the server; on a busy machine a round trip
 * is a wake-up of two processes, and those were most of an import's
 * time.  Inside an import (the caller's batch transaction) the decisions
 * wait here, as a JSON array (jansson), and go in one UPDATE ... FROM
 * jsonb_to_recordset for PA_RAW_BATCH e-mails or PA_RAW_BATCH_BYTES of
 * notes, whichever comes first, and before the commit or any read of an
 * e-mail row inside the import.  Outside an import each is written at
 * once, as before.
 *
 * It deliberately does not change what is stored: the same columns, cut
 * the same way (notes_cut in postgres_archive.c), and an e-mail that is
 * not there is still an error (the batch counts the rows it changed).
 */
#include <jansson.h>
#include <string.h>

#include "store/postgres_archive_internal.h"

static const char SQL_SET_RAW_MANY[] = "UPDATE emails e SET"
	" raw_form = u.form, raw_flagged = u.flagged, raw_chosen = u.chosen,"
	" scrubbed_sha256 = u.sha, scrubbed_size = u.size, raw_flags = u.flags,"
	" raw_removed = u.removed FROM jsonb_to_recordset($1::jsonb) AS u(id"
	" bigint, form integer, flagged integer, chosen integer, sha text,"
	" size bigint, flags text, removed text) WHERE e.doc_id = u.id";

bool pa_raw_batching(struct sz_archive *a)
{
	struct pg_archive *p = pa(a);
	return a->in_import && pthread_equal(p->importer, pthread_self());
}

struct raw_many {
	const char *json;
	size_t rows;
};

static int raw_many_tx(struct pg_conn *c, void *ctx, struct sz_err *err)
{
	struct raw_many *m = ctx;
	struct pg_value v[] = { PG_S(m->json) };
	int64_t changed = 0;
	int rc = pg_run(c, SQL_SET_RAW_MANY, v, 1, &changed, "saving e-mails",
		err);
	if (rc == 0 && changed != (int64_t)m->rows)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such e-mail");
	return rc;
}

int pa_raw_flush(struct sz_archive *a, struct sz_err *err)
{
	struct pg_archive *p = pa(a);
	if (p->raw_rows == NULL || !pa_raw_batching(a))
		return 0;
	json_t *rows = p->raw_rows;
	struct raw_many m = { NULL, json_array_size(rows) };
	p->raw_rows = NULL;
	p->raw_bytes = 0;
	char *json = json_dumps(rows, JSON_COMPACT);
	json_decref(rows);
	if (json == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	m.json = json;
	int rc = pg_transaction(papool(a), raw_many_tx, &m, err);
	free(json);
	return rc;
}

void pa_raw_forget(struct sz_archive *a)
{
	struct pg_archive *p = pa(a);
	json_decref(p->raw_rows);
	p->raw_rows = NULL;
	p->raw_bytes = 0;
}

int pa_raw_queue(struct sz_archive *a, int64_t id,
	const struct sz_email_raw *r, const char *flags, const char *removed,
	struct sz_err *err)
{
	struct pg_archive *p = pa(a);
	if (p->raw_rows == NULL && (p->raw_rows = json_array()) == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	json_t *o = json_pack("{sI sI sI sI ss sI ss ss}", "id", (json_int_t)id,
		"form", (json_int_t)r->form, "flagged", (json_int_t)r->flagged,
		"chosen", (json_int_t)r->chosen, "sha", r->scrubbed_sha256,
		"size", (json_int_t)r->scrubbed_size, "flags", flags,
		"removed", removed);
	/* NULL also when a note is not UTF-8, which notes_cut rules out */
	if (o == NULL || json_array_append_new(p->raw_rows, o) != 0)
		return sz_err_set(err, SZ_E_NOMEM, "cannot queue an e-mail's raw "
			"form");
	p->raw_bytes += strlen(flags) + strlen(removed) + 128;
	if (json_array_size(p->raw_rows) >= PA_RAW_BATCH ||
	    p->raw_bytes >= PA_RAW_BATCH_BYTES)
		return pa_raw_flush(a, err);
	return 0;
}
