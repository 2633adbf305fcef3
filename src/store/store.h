/*
 * store.h - the storage interface: what samizdat keeps about editors'
 * recipients, sources and their submissions, behind one table of
 * operations so that another back end (PostgreSQL) can serve it.
 *
 * What is kept about a source, by design (DESIGN.md §2): an opaque id, the
 * keyed hash of its login identifier, its public key, and the day (never
 * the time) and padded size of each item.  Nothing here can name a source.
 * The SQLite back end is sqlite.c; SQL lives only there.
 *
 * Every operation may be called from several threads at once.
 */
#ifndef SZ_STORE_STORE_H
#define SZ_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/err.h"

#define SZ_STORE_DB_FILE "inbox.db"
#define SZ_STORE_NAME_MAX 64
#define SZ_STORE_RECIPIENT_MAX 128
#define SZ_STORE_BLOB_NAME_MAX 64
#define SZ_STORE_DAY_SIZE 11   /* "YYYY-MM-DD" */

struct sz_recipient_row {
	char name[SZ_STORE_NAME_MAX + 1];
	char recipient[SZ_STORE_RECIPIENT_MAX + 1];
	char added_day[SZ_STORE_DAY_SIZE];
};

enum sz_item_kind { SZ_ITEM_MESSAGE, SZ_ITEM_FILE };

/* One encrypted item of a submission, as stored. */
struct sz_item_row {
	enum sz_item_kind kind;
	char blob[SZ_STORE_BLOB_NAME_MAX + 1];       /* the ciphertext */
	/* Items stored before the item format of store/item.h kept the
	 * file's name and type in this second blob; "" for every item since
	 * (the name is inside the item). */
	char meta_blob[SZ_STORE_BLOB_NAME_MAX + 1];
	uint64_t padded_size;
};

#define SZ_STORE_HASH_MAX 128       /* crypto_pwhash_STRBYTES */
#define SZ_STORE_TOTP_SECRET 20
#define SZ_STORE_AUDIT_TEXT 256

struct sz_editor_row {
	char name[SZ_STORE_NAME_MAX + 1];
	char password_hash[SZ_STORE_HASH_MAX + 1];
	uint8_t totp_secret[SZ_STORE_TOTP_SECRET];
	int64_t totp_last;          /* step of the last code accepted, or -1 */
	int64_t failures;           /* failed logins in a row */
	char recipient[SZ_STORE_RECIPIENT_MAX + 1];
	char created_day[SZ_STORE_DAY_SIZE];
};

struct sz_audit_row {
	char at[20];                /* "YYYY-MM-DD HH:MM", UTC */
	char actor[SZ_STORE_NAME_MAX + 16];
	char action[64];
	char detail[SZ_STORE_AUDIT_TEXT + 1];
};

struct sz_source_row {
	int64_t id;
	uint32_t designation;       /* sz_designation_key() of its opaque uid */
	char last_day[SZ_STORE_DAY_SIZE];
	int64_t submissions;
	int64_t unread;             /* items not yet marked seen */
	int starred;
	int64_t desk;               /* the desk it wrote to; 0: none */
};

/*
 * Desks (`samizdat desk`): groups of editors a source may address.  A
 * source writing to a desk is read by that desk's editors only: its
 * submissions are encrypted to their recipients alone, and only they see
 * it in the inbox.  A source writing to no desk is read by everyone: every
 * editor and every instance-wide recipient (`samizdat recipient add`, a
 * key that belongs to no editor, such as an offline archive key).  So an
 * instance-wide recipient never receives a desk's submissions: a desk is
 * a promise to the source about who can read.
 */
#define SZ_STORE_DESKS_MAX 64
#define SZ_STORE_DESK_EDITORS_TEXT 256

struct sz_desk_row {
	int64_t id;
	char name[SZ_STORE_NAME_MAX + 1];
	int closed;                 /* removed: offered to no one new, kept
	                               for the sources that chose it (one
	                               no source chose is deleted by the next
	                               batch that holds nothing for it) */
	int64_t sources;            /* that chose it */
	char editors[SZ_STORE_DESK_EDITORS_TEXT + 1]; /* "anna, boris" */
	int64_t neditors;
};

/* A period's submissions, stored in one transaction when the period
 * ends (store/staging.h), rows in the order given: the caller shuffles
 * them, so row ids say nothing of the order they came in. */
struct sz_new_source {           /* a codename made during the period */
	int64_t id;                  /* random, chosen when it was made */
	uint8_t uid[16];
	uint8_t login_hash[32];
	uint8_t public_key[32];
	char day[SZ_STORE_DAY_SIZE];
};

struct sz_batch_submission {
	int64_t source_id;
	char day[SZ_STORE_DAY_SIZE];
	int64_t desk;                /* the desk it was encrypted for (0:
	                                none): becomes its source's, if the
	                                source had no submission yet */
};

struct sz_batch_item {
	size_t submission;           /* its index in the batch's subs */
	struct sz_item_row row;
};

struct sz_batch {
	const struct sz_new_source *sources;
	size_t nsources;
	const struct sz_batch_submission *subs;
	size_t nsubs;
	const struct sz_batch_item *items;
	size_t nitems;
};

/*
 * The inbox, a page at a time.  Its order is newest activity first
 * (last_day), then the higher id first, so every source has one place in
 * it; a page starts after a key (the day and id of the last source shown),
 * never at an offset, so reading page 2,000 costs what page 1 does, and a
 * source that arrives meanwhile shifts nothing.  Only sources that have
 * sent something are listed.
 */
#define SZ_INBOX_PAGE_MAX 200

enum sz_inbox_view { SZ_INBOX_ALL, SZ_INBOX_UNREAD, SZ_INBOX_STARRED };
enum sz_inbox_from {
	SZ_INBOX_FIRST,  /* the newest */
	SZ_INBOX_OLDER,  /* the next ones after key, going older */
	SZ_INBOX_NEWER,  /* the ones just before key, going newer */
};

/* A place in the inbox's order. */
struct sz_inbox_key {
	char day[SZ_STORE_DAY_SIZE];
	int64_t id;
};

struct sz_inbox_query {
	const char *editor;         /* only what this editor's desks may read
	                               (NULL: everything) */
	enum sz_inbox_view view;
	bool by_designation;        /* only designation keys in [lo, hi] */
	uint32_t designation_lo, designation_hi;
	enum sz_inbox_from from;
	struct sz_inbox_key key;    /* for OLDER and NEWER */
};

struct sz_inbox_page {
	struct sz_source_row *rows; /* the caller's array of limit rows */
	size_t limit;               /* 1..SZ_INBOX_PAGE_MAX */
	size_t n;                   /* filled, newest first */
	bool older, newer;          /* more sources lie past either end */
	int64_t matching;           /* sources the view and designation match */
};

/* What the inbox holds, kept by the database as rows change. */
struct sz_inbox_counts {
	int64_t sources;            /* that have sent something */
	int64_t unread_sources;
	int64_t starred_sources;
	int64_t unread_items;
};

/* The text form of a key, "YYYY-MM-DD.ID", for links; parsing is strict
 * (SZ_E_INVAL on anything else).  store/inbox_key.c. */
#define SZ_INBOX_KEY_TEXT 32
void sz_inbox_key_format(const struct sz_inbox_key *k,
	char out[SZ_INBOX_KEY_TEXT]);
int sz_inbox_key_parse(const char *text, struct sz_inbox_key *k);

struct sz_item_full {
	int64_t id;
	int64_t source_id;
	char day[SZ_STORE_DAY_SIZE];
	struct sz_item_row row;
	int seen;
};

struct sz_reply_row {
	int64_t id;
	char blob[SZ_STORE_BLOB_NAME_MAX + 1];   /* "" once deleted */
	char day[SZ_STORE_DAY_SIZE];
	int deleted;                /* by the source, after reading it */
	char editor[SZ_STORE_NAME_MAX + 1];   /* who wrote it; "" if unknown */
};

struct sz_store;

struct sz_store_ops {
	int (*recipient_add)(struct sz_store *s, const char *name,
		const char *recipient, struct sz_err *err);
	int (*recipient_remove)(struct sz_store *s, const char *name,
		struct sz_err *err);
	/* *rows is malloc'd; free() it. */
	int (*recipient_list)(struct sz_store *s, struct sz_recipient_row **rows,
		size_t *n, struct sz_err *err);
	/* SZ_E_NOT_FOUND when no source has this login hash. */
	int (*source_find)(struct sz_store *s, const uint8_t login_hash[32],
		int64_t *id, struct sz_err *err);
	/* Stores a batch: its new sources, then its submissions and their
	 * items, each submission moving its source's last day on and fixing
	 * its source's desk if it is the source's first; all or nothing. */
	int (*batch_add)(struct sz_store *s, const struct sz_batch *b,
		struct sz_err *err);
	/* How many submissions a source has made. */
	int (*source_submission_count)(struct sz_store *s, int64_t source_id,
		int64_t *count, struct sz_err *err);
	/* Deletes every submission dated before day (YYYY-MM-DD), in one
	 * transaction, and hands back the names of the blobs they held (to
	 * be removed from disk after the commit: a crash in between leaves
	 * only orphans, which start-up sweeps).  *blobs is malloc'd. */
	int (*purge_before)(struct sz_store *s, const char *day,
		char (**blobs)[SZ_STORE_BLOB_NAME_MAX + 1], size_t *nblobs,
		size_t *nsubmissions, struct sz_err *err);
	/* 1 if a blob name is referenced by any item, else 0. */
	int (*blob_referenced)(struct sz_store *s, const char *blob,
		struct sz_err *err);

	/* Editors.  Adding one also registers its recipient under its name,
	 * in the same transaction; removing one removes that recipient. */
	int (*editor_add)(struct sz_store *s, const struct sz_editor_row *e,
		struct sz_err *err);
	int (*editor_remove)(struct sz_store *s, const char *name,
		struct sz_err *err);
	/* *rows is malloc'd (secrets left out: hash and TOTP zeroed). */
	int (*editor_list)(struct sz_store *s, struct sz_editor_row **rows,
		size_t *n, struct sz_err *err);
	/* SZ_E_NOT_FOUND if there is no such editor. */
	int (*editor_get)(struct sz_store *s, const char *name,
		struct sz_editor_row *e, struct sz_err *err);
	/* A new TOTP secret; the last accepted step is forgotten. */
	int (*editor_set_totp)(struct sz_store *s, const char *name,
		const uint8_t secret[SZ_STORE_TOTP_SECRET], struct sz_err *err);
	/* Records that step's code as used, atomically: SZ_E_EXISTS if a code
	 * of that step or later was accepted already (a replay). */
	int (*editor_totp_used)(struct sz_store *s, const char *name,
		int64_t step, struct sz_err *err);

	/* Sets an editor's count of failed logins in a row (0 unlocks);
	 * SZ_E_NOT_FOUND if there is no such editor. */
	int (*editor_set_failures)(struct sz_store *s, const char *name,
		int64_t failures, struct sz_err *err);
	/* Charges one failed login to a name before its password is tried,
	 * atomically (so parallel guesses cannot all be checked before the
	 * lock): SZ_OK with *failures the new count, or SZ_E_LIMIT if the
	 * name has max failures already (locked).  A name that is no editor
	 * is counted the same way, under name_key (a keyed hash of it), so
	 * an unknown name locks exactly as a real one does. */
	int (*editor_failure_charge)(struct sz_store *s, const char *name,
		const uint8_t name_key[32], int64_t max, int64_t *failures,
		struct sz_err *err);

	/* One page of the inbox (see struct sz_inbox_query): index lookups
	 * only, whatever the number of sources. */
	int (*inbox_page)(struct sz_store *s, const struct sz_inbox_query *q,
		struct sz_inbox_page *page, struct sz_err *err);
	/* The counts of what editor may read (NULL: everything). */
	int (*inbox_counts)(struct sz_store *s, const char *editor,
		struct sz_inbox_counts *c, struct sz_err *err);
	/* One source by id (zeroes *row first); SZ_E_NOT_FOUND if none. */
	int (*source_get)(struct sz_store *s, int64_t id,
		struct sz_source_row *row, struct sz_err *err);
	/* A source's items, newest first (*rows malloc'd). */
	int (*source_items)(struct sz_store *s, int64_t source_id,
		struct sz_item_full **rows, size_t *n, struct sz_err *err);
	/* One item; SZ_E_NOT_FOUND if there is none. */
	int (*item_get)(struct sz_store *s, int64_t id, struct sz_item_full *it,
		struct sz_err *err);
	/* Marks an item read. */
	int (*item_seen)(struct sz_store *s, int64_t id, struct sz_err *err);
	/* Marks all of a source's items read. */
	int (*source_seen)(struct sz_store *s, int64_t source_id,
		struct sz_err *err);

	/* Flips a source's star. */
	int (*source_star)(struct sz_store *s, int64_t source_id,
		struct sz_err *err);
	/* Deletes a source with its submissions, items and replies, in one
	 * transaction; hands back the blobs to remove (*blobs malloc'd). */
	int (*source_delete)(struct sz_store *s, int64_t source_id,
		char (**blobs)[SZ_STORE_BLOB_NAME_MAX + 1], size_t *nblobs,
		struct sz_err *err);

	/* Replies: the source's public key to encrypt to, a reply's blob
	 * and the editor who wrote it, and a source's replies (*rows
	 * malloc'd, oldest first). */
	int (*source_public_key)(struct sz_store *s, int64_t source_id,
		uint8_t key[32], struct sz_err *err);
	int (*reply_add)(struct sz_store *s, int64_t source_id,
		const char *blob, const char *editor, struct sz_err *err);
	int (*replies)(struct sz_store *s, int64_t source_id,
		struct sz_reply_row **rows, size_t *n, struct sz_err *err);
	/* A source deletes a reply it has read: the row stays, marked (so
	 * editors see it was deleted), and its blob's name is handed back to
	 * be removed after; SZ_E_NOT_FOUND if the source has no such reply
	 * left. */
	int (*reply_delete)(struct sz_store *s, int64_t source_id,
		int64_t reply_id, char blob[SZ_STORE_BLOB_NAME_MAX + 1],
		struct sz_err *err);

	/* Desks (the comment above struct sz_desk_row).  Adding a closed
	 * desk opens it again; SZ_E_EXISTS if one of that name is open. */
	int (*desk_add)(struct sz_store *s, const char *name,
		struct sz_err *err);
	/* Closes a desk: no new source may choose it; its sources and
	 * editors stay.  *closed: stored sources chose it, so it stays, closed,
	 * for good; else desk_purge deletes it once no held submission is for
	 * it.  SZ_E_NOT_FOUND if there is none. */
	int (*desk_remove)(struct sz_store *s, const char *name, bool *closed,
		struct sz_err *err);
	/* Deletes the closed desks that no stored source chose and that are
	 * not among held (n desk ids the submissions still held in memory
	 * were sent to).  The staging batch calls it on each pass. */
	int (*desk_purge)(struct sz_store *s, const int64_t *held, size_t n,
		struct sz_err *err);
	/* Every desk, open ones first, by name (*rows malloc'd). */
	int (*desk_list)(struct sz_store *s, struct sz_desk_row **rows,
		size_t *n, struct sz_err *err);
	/* Puts an editor on a desk (on) or takes it off. */
	int (*desk_member)(struct sz_store *s, const char *desk,
		const char *editor, bool on, struct sz_err *err);
	/* Who a submission to desk (0: none) is encrypted to: that desk's
	 * editors, or for none every recipient (*rows malloc'd; none at all
	 * for a desk without editors).  A closed desk still has its editors:
	 * its sources write to them and are answered; whether a new source
	 * may choose a desk is desk_list's closed. */
	int (*desk_recipients)(struct sz_store *s, int64_t desk,
		struct sz_recipient_row **rows, size_t *n, struct sz_err *err);
	/* Whether editor may read what was written to desk (0: yes). */
	int (*desk_reader)(struct sz_store *s, int64_t desk,
		const char *editor, bool *yes, struct sz_err *err);
	/* The desk a stored source writes to (*desk; 0: none) and whether
	 * it is fixed (*fixed: chosen with its first submission, for good);
	 * SZ_E_NOT_FOUND if no such source is stored.  It only reads: the
	 * choice is written with the source's first submission, by
	 * batch_add (struct sz_batch_submission's desk), since a write when
	 * a source sends would date it (store/staging.h). */
	int (*source_desk)(struct sz_store *s, int64_t source_id,
		int64_t *desk, bool *fixed, struct sz_err *err);

	/* The audit log of editors' and administrators' actions.  Never
	 * anything about a source beyond its designation. */
	int (*audit_add)(struct sz_store *s, const char *actor,
		const char *action, const char *detail, struct sz_err *err);
	/* *rows is malloc'd, oldest first. */
	int (*audit_list)(struct sz_store *s, struct sz_audit_row **rows,
		size_t *n, struct sz_err *err);
	void (*close)(struct sz_store *s);
};

struct sz_store {
	const struct sz_store_ops *ops;
};

/* Opens (creating and migrating as needed) DIR/inbox.db. */
int sz_store_open_sqlite(struct sz_store **out, const char *dir,
	struct sz_err *err);

/* The date of t in UTC as YYYY-MM-DD: the only time samizdat keeps. */
void sz_store_day(time_t t, char day[SZ_STORE_DAY_SIZE]);
/* Today's date in UTC as YYYY-MM-DD. */
void sz_store_today(char day[SZ_STORE_DAY_SIZE]);
/* The day that many days before today. */
void sz_store_days_ago(unsigned days, char day[SZ_STORE_DAY_SIZE]);

#endif
