/*
 * archive.h - the public archive: releases, their documents and e-mails,
 * and the full-text index, behind one table of operations (the SQLite back
 * end is sqlite_archive*.c, the PostgreSQL one postgres_archive*.c).
 *
 * The archive is separate from the inbox on purpose: its own database
 * (DIR/archive.db) and file tree (DIR/archive/), holding only what editors
 * published or are preparing to publish.  The public face opens nothing
 * else, so a compromise of the public face reaches no submission.
 *
 * Files are content-addressed (DIR/archive/xx/SHA256): a repeated import
 * adds nothing.  Every operation may be called from several threads.
 */
#ifndef SZ_STORE_ARCHIVE_H
#define SZ_STORE_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "store/search.h"
#include "core/err.h"

#define SZ_ARCHIVE_DB_FILE "archive.db"
#define SZ_ARCHIVE_DIR "archive"
#define SZ_ARCHIVE_TITLE_MAX 300
#define SZ_ARCHIVE_INTRO_MAX 20000
#define SZ_ARCHIVE_NAME_MAX 255
#define SZ_ARCHIVE_PAGE_MAX 100       /* rows per page, at most */
#define SZ_ARCHIVE_SHA256_HEX 65

enum sz_release_state { SZ_RELEASE_DRAFT, SZ_RELEASE_PUBLISHED };

struct sz_release_row {
	int64_t id;
	char title[SZ_ARCHIVE_TITLE_MAX + 1];
	char day[11];                 /* the release's date, YYYY-MM-DD */
	char *intro;                  /* owned, may be "" */
	enum sz_release_state state;
	int64_t documents, emails;    /* counts */
	char tag_day[11];             /* its date when first published, kept
	                                 when the date is edited: what its
	                                 feed id is minted from; "" while it
	                                 never was */
};

/* A signature's state, DKIM's or PGP's. */
enum sz_dkim_state { SZ_DKIM_NONE, SZ_DKIM_PASS, SZ_DKIM_FAIL, SZ_DKIM_UNKNOWN };

/* What /file/N serves of an e-mail.  A leaked mailbox's messages carry
 * what the mail system added on the way to its owner, and attachments
 * with metadata; both can name the leaker (docs/mail_raw.h). */
enum sz_raw_form {
	SZ_RAW_VERIFIABLE,   /* header cut to what the message says plus what
	                        a live DKIM signature covers; body exact, so
	                        the signatures still verify */
	SZ_RAW_SCRUBBED,     /* header cut to what the message says, and
	                        attachments scrubbed: signatures no longer
	                        verify */
	SZ_RAW_WITHHELD,     /* no raw message is published */
};
#define SZ_ARCHIVE_NOTES_MAX (16u << 10)   /* editors' notes on a raw form */

struct sz_doc_row {
	int64_t id, release_id;
	bool email;
	char title[SZ_ARCHIVE_TITLE_MAX + 1];
	char filename[SZ_ARCHIVE_NAME_MAX + 1];
	char type[16];                /* "pdf", "docx", "email"... */
	char sha256[SZ_ARCHIVE_SHA256_HEX];
	uint64_t size;
	char *summary;                /* owned */
	int64_t words;
	int64_t parent_id;            /* the e-mail an attachment came in, or 0 */
	char release_title[SZ_ARCHIVE_TITLE_MAX + 1];
	bool published;
	/* e-mails only */
	char collection[SZ_ARCHIVE_NAME_MAX + 1];
	int64_t num;                  /* its stable number in the collection */
	char message_id[SZ_ARCHIVE_NAME_MAX + 1];
	char thread[SZ_ARCHIVE_SHA256_HEX];
	int64_t date;                 /* seconds since the epoch, 0 if none */
	char from_addr[SZ_ARCHIVE_NAME_MAX + 1];
	char from_name[SZ_ARCHIVE_NAME_MAX + 1];
	/* owned: one recipient per line, "address\tname\n" (see
	 * sz_archive_addr_next) */
	char *to;
	char *cc;
	enum sz_dkim_state dkim;
	char dkim_detail[SZ_ARCHIVE_NAME_MAX + 1];
	enum sz_dkim_state pgp;
	char pgp_detail[SZ_ARCHIVE_NAME_MAX + 1];
	/* the raw message: sha256 and size above are its verifiable form
	 * (the e-mail's identity, stored only when it may be served) */
	enum sz_raw_form raw_form;    /* what is served */
	bool raw_flagged;             /* signed parts carry identifying data:
	                                 an editor chooses the form */
	bool raw_chosen;              /* an editor chose raw_form */
	char scrubbed_sha256[SZ_ARCHIVE_SHA256_HEX];   /* "" if none made */
	uint64_t scrubbed_size;
};

/* What may be published of an e-mail's raw message, known once its
 * attachments are: see email_set_raw. */
struct sz_email_raw {
	enum sz_raw_form form;
	bool flagged, chosen;
	char scrubbed_sha256[SZ_ARCHIVE_SHA256_HEX];
	uint64_t scrubbed_size;
	const char *flags;            /* for editors: what identifies, in the
	                                 signed parts, one finding per line */
	const char *removed;          /* for editors: the header fields left
	                                 out ("Received (3), Delivered-To") */
};

/* The order of search results. */
enum sz_archive_order {
	SZ_ORDER_RELEVANCE,           /* BM25, the title weighing most */
	SZ_ORDER_NEWEST,              /* by date: an e-mail's, else its release's */
	SZ_ORDER_OLDEST,
};

/* A search, already parsed (search/query.h makes one from user text):
 * a structured query (store/search.h) that the back end compiles for its
 * engine, filters included (they are indexed as terms of the tags
 * column, see sz_archive_tags), so the index alone answers it. */
struct sz_archive_query {
	const struct sz_search *search;   /* NULL: nothing to look for */
	bool drafts;                  /* include unpublished releases */
	unsigned time_ms;             /* the most it may take; 0: no limit */
	enum sz_archive_order order;
	bool count_only;              /* the total only: no hits, no facets */
};

/* Results past these are not ranked (newest first instead) and get no
 * facets: ranking and grouping cost in proportion to the matches. */
#define SZ_ARCHIVE_RANK_MAX 20000
#define SZ_ARCHIVE_FACET_MAX 2000

struct sz_search_hit {
	struct sz_doc_row doc;
	char *snippet;                /* owned: text, the matches between
	                                 SZ_SEARCH_MARK_START and _END
	                                 (store/search.h); not HTML */
};

struct sz_facet {
	char key[SZ_ARCHIVE_TITLE_MAX + 1];   /* release title, type, or a
	                                         year "2024" or month
	                                         "2024-03" of e-mails */
	int64_t id;                           /* release id, 0 otherwise */
	int64_t count;
};
#define SZ_ARCHIVE_FACETS 50              /* keys kept per facet */

struct sz_search_result {
	int64_t total;
	bool estimated;               /* total is an estimate, rounded (a back
	                                 end that counts matches one by one
	                                 counts only so many exactly) */
	bool ranked;                  /* by relevance; else newest first */
	bool faceted;                 /* facets were counted */
	struct sz_search_hit *hits;
	size_t nhits;
	struct sz_facet *by_release, *by_type;
	size_t nrelease, ntype;
	/* E-mails' dates: by year, newest first, or by month when they all
	 * fall in one year (the date: filter narrows either way). */
	struct sz_facet *by_date;
	size_t ndate;
};

/* A word of the index near one a reader typed (words_near). */
#define SZ_ARCHIVE_WORD_MAX 64            /* bytes of a word considered */
struct sz_near_word {
	char word[SZ_ARCHIVE_WORD_MAX + 1];   /* as the index folds it */
	unsigned distance;                    /* edits from the typed word */
	int64_t docs;                         /* documents holding it */
};
/* Edits allowed between a typed word and a suggestion: 1 for words of
 * up to 4 letters, 2 for longer ones; and the most index entries looked
 * at per word, so a suggestion costs the same in any archive. */
#define SZ_ARCHIVE_NEAR_SHORT 4
#define SZ_ARCHIVE_NEAR_SCAN 4000
/* A row of the change log: a release (doc_id 0) or a document added,
 * changed or removed.  seq only grows. */
struct sz_archive_change {
	int64_t seq, release_id, doc_id;
};

/* A key and how many e-mails it has: a month ("2024-03"), an address. */
struct sz_count_row {
	char key[SZ_ARCHIVE_NAME_MAX + 1];
	int64_t count;
};

struct sz_archive;

struct sz_archive_ops {
	void (*close)(struct sz_archive *a);

	/* An import is one transaction: all of it or none. */
	int (*begin)(struct sz_archive *a, struct sz_err *err);
	int (*commit)(struct sz_archive *a, struct sz_err *err);
	void (*rollback)(struct sz_archive *a);

	int (*release_create)(struct sz_archive *a, const char *title,
		const char *day, const char *intro, int64_t *id,
		struct sz_err *err);
	int (*release_set_state)(struct sz_archive *a, int64_t id,
		enum sz_release_state state, struct sz_err *err);
	int (*release_get)(struct sz_archive *a, int64_t id,
		struct sz_release_row *row, struct sz_err *err);
	/* Newest first; drafts too if asked. */
	int (*release_list)(struct sz_archive *a, bool drafts, size_t offset,
		size_t limit, struct sz_release_row **rows, size_t *n,
		int64_t *total, struct sz_err *err);

	/* Adds a document or e-mail with its text; SZ_E_EXISTS (and *id
	 * set to the existing one) if the release holds that file already. */
	int (*doc_add)(struct sz_archive *a, const struct sz_doc_row *d,
		const char *text, size_t text_len, int64_t *id,
		struct sz_err *err);
	int (*doc_get)(struct sz_archive *a, int64_t id, struct sz_doc_row *d,
		struct sz_err *err);
	/* The indexed text of a document (appended to out). */
	int (*doc_text)(struct sz_archive *a, int64_t id, struct sz_buf *out,
		struct sz_err *err);
	/* A release's documents (email: e-mails or not), by title or date. */
	int (*doc_list)(struct sz_archive *a, int64_t release_id, bool email,
		size_t offset, size_t limit, struct sz_doc_row **rows, size_t *n,
		int64_t *total, struct sz_err *err);
	/* Attachments of an e-mail. */
	int (*doc_children)(struct sz_archive *a, int64_t parent,
		struct sz_doc_row **rows, size_t *n, struct sz_err *err);
	/* The e-mails of one thread, by date. */
	int (*thread)(struct sz_archive *a, const char *thread, bool drafts,
		struct sz_doc_row **rows, size_t *n, struct sz_err *err);
	/* E-mails from (role "from") or to ("to": To or Cc) an address. */
	int (*by_address)(struct sz_archive *a, const char *addr,
		const char *role, bool drafts, size_t offset, size_t limit,
		struct sz_doc_row **rows, size_t *n, int64_t *total,
		struct sz_err *err);
	/* Replaces a document's summary (an editor's edit). */
	int (*doc_set_summary)(struct sz_archive *a, int64_t id,
		const char *summary, struct sz_err *err);
	/* Records what may be published of an e-mail's raw message. */
	int (*email_set_raw)(struct sz_archive *a, int64_t id,
		const struct sz_email_raw *r, struct sz_err *err);
	/* The editors' notes on an e-mail's raw message (appended to flags
	 * and removed); never shown to the public. */
	int (*email_raw_notes)(struct sz_archive *a, int64_t id,
		struct sz_buf *flags, struct sz_buf *removed, struct sz_err *err);
	/* An editor's choice for flagged e-mails of a release: one (id) or
	 * all of them (id 0); *changed says how many.  SZ_E_NOT_FOUND when
	 * id is not a flagged e-mail of that release. */
	int (*email_choose_raw)(struct sz_archive *a, int64_t release_id,
		int64_t id, enum sz_raw_form form, int64_t *changed,
		struct sz_err *err);
	/* The flagged e-mails of a release, by collection and number. */
	int (*email_flagged)(struct sz_archive *a, int64_t release_id,
		size_t offset, size_t limit, struct sz_doc_row **rows, size_t *n,
		int64_t *total, struct sz_err *err);
	/* The e-mail of a release with this Message-ID (with or without its
	 * angle brackets): *id its number, *count how many of the release's
	 * e-mails carry it (a mailbox may hold copies: then *id is the
	 * first).  SZ_E_NOT_FOUND when none does. */
	int (*email_by_message_id)(struct sz_archive *a, int64_t release_id,
		const char *message_id, int64_t *id, int64_t *count,
		struct sz_err *err);
	/* The next free number in an e-mail collection. */
	int (*email_next_num)(struct sz_archive *a, int64_t release_id,
		const char *collection, int64_t *num, struct sz_err *err);

	/* SZ_E_LIMIT when it ran past q->time_ms, or too many searches were
	 * running to start it: err then says what to do, for the reader. */
	int (*search)(struct sz_archive *a, const struct sz_archive_query *q,
		size_t offset, size_t limit, struct sz_search_result *res,
		struct sz_err *err);

	/* Editors' changes (sqlite_archive_edit.c). */
	/* A release's title, date (YYYY-MM-DD) and introduction. */
	int (*release_update)(struct sz_archive *a, int64_t id,
		const char *title, const char *day, const char *intro,
		struct sz_err *err);
	/* Removes a document or e-mail (with the attachments that came in
	 * it) from its release and the index, and its stored file when no
	 * other document holds the same one.  It is gone from the public
	 * face at once, and from mirrors at their next export (the change
	 * is recorded like any other).  *removed says how many documents
	 * went. */
	int (*doc_remove)(struct sz_archive *a, int64_t id, size_t *removed,
		struct sz_err *err);
	/* What scrubbing removed from a document, kept for its editors: one
	 * "Kind: name, name" line per kind, never the values (a value is
	 * what would have identified someone, and the archive is readable
	 * by the public face). */
	int (*doc_set_report)(struct sz_archive *a, int64_t id,
		const char *report, struct sz_err *err);
	/* Appends the report to out (it may be "": nothing was removed);
	 * SZ_E_NOT_FOUND if none was kept (e-mails, and documents added
	 * before reports were). */
	int (*doc_report)(struct sz_archive *a, int64_t id, struct sz_buf *out,
		struct sz_err *err);
	/* The document (or e-mail) before and after d in its release's list
	 * (the order doc_list gives); a row's id is 0 where there is none.
	 * The caller clears both rows. */
	int (*doc_adjacent)(struct sz_archive *a, const struct sz_doc_row *d,
		struct sz_doc_row *prev, struct sz_doc_row *next,
		struct sz_err *err);
	/* Words of the index within the allowed edits of word (folded as
	 * the index folds text), closest first and then the most common,
	 * at most max; *known says word itself is in the index.  Drafts'
	 * words count too: a caller shows a suggestion only after a search
	 * with it finds something (sqlite_archive_words.c). */
	int (*words_near)(struct sz_archive *a, const char *word,
		struct sz_near_word *out, size_t max, size_t *n, bool *known,
		struct sz_err *err);
	/* For mirrors and browsing (sqlite_archive_browse.c).  Lists that
	 * a mirror walks whole are read in batches after a key (keyset),
	 * so reading all of them costs one index walk, whatever their
	 * size. */
	/* Up to limit rows of the change log after seq `after`, oldest
	 * first; *last is the newest seq in the log (0 if none). */
	int (*changes)(struct sz_archive *a, int64_t after, size_t limit,
		struct sz_archive_change *rows, size_t *n, int64_t *last,
		struct sz_err *err);
	/* Up to limit document ids after `after`, ascending: of one release,
	 * or of all of them (release_id 0). */
	int (*doc_ids)(struct sz_archive *a, int64_t release_id, int64_t after,
		size_t limit, int64_t *ids, size_t *n, struct sz_err *err);
	/* The addresses an e-mail went to (To and Cc), as indexed for the
	 * recipient pages (lower case), at most SZ_ARCHIVE_PAGE_MAX * 10. */
	int (*doc_recipients)(struct sz_archive *a, int64_t id,
		struct sz_count_row **rows, size_t *n, struct sz_err *err);
	/* Months with e-mails ("YYYY-MM", by the e-mails' dates), newest
	 * first, with their counts. */
	int (*months)(struct sz_archive *a, bool drafts, size_t offset,
		size_t limit, struct sz_count_row **rows, size_t *n,
		int64_t *total, struct sz_err *err);
	/* The e-mails of one month ("YYYY-MM"), oldest first. */
	int (*by_month)(struct sz_archive *a, const char *month, bool drafts,
		size_t offset, size_t limit, struct sz_doc_row **rows, size_t *n,
		int64_t *total, struct sz_err *err);
	/* Senders (role "from") or recipients ("to") with their counts, by
	 * address. */
	int (*addresses)(struct sz_archive *a, const char *role, bool drafts,
		size_t offset, size_t limit, struct sz_count_row **rows,
		size_t *n, int64_t *total, struct sz_err *err);
};

struct sz_archive {
	const struct sz_archive_ops *ops;
	char files[4096];             /* DIR/archive */
	bool in_import;               /* between begin and commit: files are
	                                 synced once, at commit */
};

/* Opens (creating if asked) the archive in the instance directory dir.
 * A read-only archive must exist with its WAL files (sz_archive_prepare):
 * a reader that cannot write cannot make them. */
int sz_archive_open(struct sz_archive **a, const char *dir, bool create,
	bool read_only, struct sz_err *err);
/* The same with the instance's settings already read: the back end is
 * the one database names (sqlite: DIR/archive.db; PostgreSQL: that
 * database, one for the archive and the forum, with the file tree still
 * in DIR/archive). */
struct sz_config;
int sz_archive_open_config(struct sz_archive **a, const char *dir,
	const struct sz_config *cfg, bool create, bool read_only,
	struct sz_err *err);
/* The PostgreSQL back end itself (postgres_archive.c). */
int sz_archive_open_postgres(struct sz_archive **a, const char *dir,
	const char *conninfo, struct sz_err *err);
/* Makes sure the archive in dir exists at the current schema with the
 * files a read-only reader needs: the WAL and its shared-memory index,
 * which stay when the last writer closes (the WAL is persistent). */
int sz_archive_prepare(const char *dir, struct sz_err *err);

/* Holds one read snapshot of the archive for the calling thread (on),
 * or lets it go (off): every read the thread makes between the two sees
 * the same archive and goes through one connection, in one transaction,
 * instead of taking and dropping the database's lock for each statement
 * (a mirror export renders an owner's pages between them).  Keep it
 * short: a writer's checkpoint waits behind it.  Engines without such a
 * transaction need none: 0, nothing held. */
int sz_archive_hold_reads(struct sz_archive *a, bool on,
	struct sz_err *err);

/* Adds to sb the archive's files in the instance directory dir with what
 * (on PostgreSQL: what libpq needs to connect, and the file tree)
 * a locked-in process may do to them: read and write the database and its
 * WAL files, make, move and remove in the file tree; or, read_only, read
 * them (and write the shared-memory index, where readers take their
 * locks).  They must exist (sz_archive_prepare). */
struct sz_sandbox;
int sz_archive_confine(const char *dir, bool read_only,
	struct sz_sandbox *sb, struct sz_err *err);

/* Stores the file at fd (read from its start) content-addressed under
 * files/; sha256 receives its hex digest.  Already there: nothing written.
 * Inside an import the file is made durable by the commit (one syncfs
 * for all of them), otherwise at once. */
int sz_archive_put_file(struct sz_archive *a, int fd, char *sha256,
	uint64_t *size, struct sz_err *err);
/* The SHA-256 (hex, into sha256) of the len bytes of fd at off. */
int sz_archive_hash_range(int fd, uint64_t off, uint64_t len, char *sha256,
	struct sz_err *err);
/* The path of a stored file (into path, cap bytes). */
void sz_archive_file_path(const struct sz_archive *a, const char *sha256,
	char *path, size_t cap);

/* The tags column of a document, appended to out: its type, release and,
 * for e-mails, date, sender and recipients as index terms ("zt<type>
 * zr<release> zy<YYYY> zm<YYYYMM> zd<YYYYMMDD>", "zf<address> zg<domain>"
 * for the sender, "zo"/"zp" for each recipient, "zsdkim"/"zspgp" when
 * signed and "zvdkim"/"zvpgp" when the signature verified), so filters
 * are lookups in the index. */
int sz_archive_tags(const struct sz_doc_row *d, struct sz_buf *out);
/* The tags term for from: (or to:) value when it is an address or a
 * domain ("zfpressexamplenet", appended to out); 1 if it is neither (a
 * name). */
int sz_archive_address_term(const char *value, bool from, struct sz_buf *out);
/* The tags terms for dates in [after, before) (seconds, day-aligned; 0 for
 * an open end), one space between two, any of which matches: whole years,
 * months and days, so the count stays small (at most
 * SZ_ARCHIVE_DATE_TERMS; "zd00000000", which no document has, for an
 * empty range). */
#define SZ_ARCHIVE_DATE_TERMS 2000
int sz_archive_date_terms(int64_t after, int64_t before, struct sz_buf *out);

/* The seconds of [start, end) of a month "YYYY-MM" (UTC); false if it is
 * not one. */
bool sz_archive_month_range(const char *month, int64_t *start, int64_t *end);

/* The next recipient of a stored To or Cc list (*p advances; false at
 * its end): one per line, "address\tname", as the importer writes them
 * from GMime's parsed lists (a display name is never an address); lists
 * stored before that ("Name <addr>, ...") are read as well as they can
 * be.  addr and name are cut to their caps. */
bool sz_archive_addr_next(const char **p, char *addr, size_t acap,
	char *name, size_t ncap);

/* The file /file/N serves of a document or e-mail (into sha256, with its
 * size); false when none is (an e-mail whose raw form is withheld). */
bool sz_archive_served(const struct sz_doc_row *d, char *sha256,
	uint64_t *size);

/* A copy of a row and its text in which every string is clean UTF-8
 * (core/utf8.h: invalid bytes U+FFFD, no control characters): what every
 * back end stores, so nothing else reaches a page, a feed, JSON or the
 * index.  Strings already clean are not copied.  Free with
 * sz_archive_clean_free. */
struct sz_clean_row {
	struct sz_doc_row row;        /* owned pointers are the copies' */
	const char *text;
	size_t text_len;
	char *own[4];
};
int sz_archive_clean_row(const struct sz_doc_row *d, const char *text,
	size_t text_len, struct sz_clean_row *c);
void sz_archive_clean_free(struct sz_clean_row *c);
/* Cleans a string into a new allocation when it needs it: *out is s
 * itself when clean, else the copy (*own, to free). */
int sz_archive_clean_str(const char *s, size_t len, bool multiline,
	const char **out, size_t *out_len, char **own);

void sz_doc_row_clear(struct sz_doc_row *d);
void sz_doc_rows_free(struct sz_doc_row *rows, size_t n);
void sz_release_rows_free(struct sz_release_row *rows, size_t n);
void sz_search_result_free(struct sz_search_result *r);

/* Facets, assembled the same way by every back end (archive_search.c):
 * sz_facets_begin allocates them in res, sz_facets_add counts one group
 * of n matches (a release, a type, an e-mail month "YYYY-MM" or NULL),
 * sz_facets_end folds years into months when there is one year (complete
 * false: the counting was cut short, no facets); the back end then names
 * the releases (by_release[i].key) and sz_facets_sort orders them all and
 * marks res faceted.  res owns everything (sz_search_result_free). */
struct sz_facet_counter {
	struct sz_facet *months;
	size_t nmonths;
	bool more_months;
};
int sz_facets_begin(struct sz_search_result *res, struct sz_facet_counter *c);
void sz_facets_add(struct sz_search_result *res, struct sz_facet_counter *c,
	int64_t release_id, const char *type, const char *month, int64_t n);
void sz_facets_end(struct sz_search_result *res, struct sz_facet_counter *c,
	bool complete);
void sz_facets_sort(struct sz_search_result *res);
/* What a reader is told, whatever the engine, when a search ran out of
 * its time budget, or when too many run at once: SZ_E_LIMIT. */
int sz_search_too_slow(struct sz_err *err);
int sz_search_busy(struct sz_err *err);

#endif
