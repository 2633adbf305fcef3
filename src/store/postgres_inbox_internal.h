/*
 * postgres_inbox_internal.h - shared by the files of the inbox's
 * PostgreSQL back end only (connections, statements and transactions are
 * postgres_pool.h's):
 *
 *   postgres_inbox.c          opening, the schema, recipients, batches,
 *                             retention, blobs
 *   postgres_inbox_read.c     pages, counts, one source, items, replies,
 *                             stars, deleting a source
 *   postgres_editors.c        editors, their logins, desks, the audit log
 */
#ifndef SZ_STORE_POSTGRES_INBOX_INTERNAL_H
#define SZ_STORE_POSTGRES_INBOX_INTERNAL_H

#include "store/postgres_pool.h"
#include "store/store.h"

struct pg_inbox {
	struct sz_store base;
	struct pg_pool pool;
};

static inline struct pg_pool *ipool(struct sz_store *s)
{
	return &((struct pg_inbox *)s)->pool;
}

/* Appends every non-empty text in the columns of res to a malloc'd list
 * of blob names. */
int pi_blobs(const PGresult *res, char (**blobs)[SZ_STORE_BLOB_NAME_MAX + 1],
	size_t *n, struct sz_err *err);

/* Runs sql (values v) whose rows are name, recipient, day into a
 * malloc'd list. */
int pi_recipient_query(struct sz_store *s, const char *sql,
	const struct pg_value *v, size_t nv, struct sz_recipient_row **rows,
	size_t *n, struct sz_err *err);

/* postgres_inbox_read.c */
int pi_inbox_page(struct sz_store *s, const struct sz_inbox_query *q,
	struct sz_inbox_page *page, struct sz_err *err);
int pi_inbox_counts(struct sz_store *s, const char *editor,
	struct sz_inbox_counts *c, struct sz_err *err);
int pi_source_get(struct sz_store *s, int64_t id, struct sz_source_row *row,
	struct sz_err *err);
int pi_source_items(struct sz_store *s, int64_t source_id,
	struct sz_item_full **rows, size_t *n, struct sz_err *err);
int pi_item_get(struct sz_store *s, int64_t id, struct sz_item_full *it,
	struct sz_err *err);
int pi_item_seen(struct sz_store *s, int64_t id, struct sz_err *err);
int pi_source_seen(struct sz_store *s, int64_t source_id,
	struct sz_err *err);
int pi_source_star(struct sz_store *s, int64_t source_id,
	struct sz_err *err);
int pi_source_delete(struct sz_store *s, int64_t source_id,
	char (**blobs)[SZ_STORE_BLOB_NAME_MAX + 1], size_t *nblobs,
	struct sz_err *err);
int pi_source_public_key(struct sz_store *s, int64_t source_id,
	uint8_t key[32], struct sz_err *err);
int pi_reply_add(struct sz_store *s, int64_t source_id, const char *blob,
	const char *editor, struct sz_err *err);
int pi_replies(struct sz_store *s, int64_t source_id,
	struct sz_reply_row **rows, size_t *n, struct sz_err *err);
int pi_reply_delete(struct sz_store *s, int64_t source_id, int64_t reply_id,
	char blob[SZ_STORE_BLOB_NAME_MAX + 1], struct sz_err *err);

/* postgres_editors.c */
int pi_editor_add(struct sz_store *s, const struct sz_editor_row *e,
	struct sz_err *err);
int pi_editor_remove(struct sz_store *s, const char *name,
	struct sz_err *err);
int pi_editor_list(struct sz_store *s, struct sz_editor_row **rows,
	size_t *n, struct sz_err *err);
int pi_editor_get(struct sz_store *s, const char *name,
	struct sz_editor_row *e, struct sz_err *err);
int pi_editor_set_totp(struct sz_store *s, const char *name,
	const uint8_t secret[SZ_STORE_TOTP_SECRET], struct sz_err *err);
int pi_editor_totp_used(struct sz_store *s, const char *name, int64_t step,
	struct sz_err *err);
int pi_editor_set_failures(struct sz_store *s, const char *name,
	int64_t failures, struct sz_err *err);
int pi_editor_failure_charge(struct sz_store *s, const char *name,
	const uint8_t name_key[32], int64_t max, int64_t *failures,
	struct sz_err *err);
int pi_audit_add(struct sz_store *s, const char *actor, const char *action,
	const char *detail, struct sz_err *err);
int pi_audit_list(struct sz_store *s, struct sz_audit_row **rows, size_t *n,
	struct sz_err *err);
int pi_desk_add(struct sz_store *s, const char *name, struct sz_err *err);
int pi_desk_remove(struct sz_store *s, const char *name, bool *closed,
	struct sz_err *err);
int pi_desk_purge(struct sz_store *s, const int64_t *held, size_t n,
	struct sz_err *err);
int pi_desk_list(struct sz_store *s, struct sz_desk_row **rows, size_t *n,
	struct sz_err *err);
int pi_desk_member(struct sz_store *s, const char *desk, const char *editor,
	bool on, struct sz_err *err);
int pi_desk_recipients(struct sz_store *s, int64_t desk,
	struct sz_recipient_row **rows, size_t *n, struct sz_err *err);
int pi_desk_reader(struct sz_store *s, int64_t desk, const char *editor,
	bool *yes, struct sz_err *err);
int pi_source_desk(struct sz_store *s, int64_t source_id, int64_t *desk,
	bool *fixed, struct sz_err *err);

#endif
