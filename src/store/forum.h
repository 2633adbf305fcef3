/*
 * forum.h - the discussion forum's storage: members, boards, threads,
 * posts, likes, edits, reports, the moderation log and invitations
 * (rate budgets are not stored here: web/budget.h keeps them in memory,
 * or store/sessions.h in PostgreSQL for every public process),
 * behind one table of operations (DESIGN.md §6, §8).  The SQLite back
 * end is sqlite_forum*.c (DIR/forum.db), the PostgreSQL one
 * postgres_forum*.c (database = postgresql://... in the settings); both
 * pass tests/unit/test_forum_store.c, which speaks only through it.
 *
 * The forum has its own database on purpose: the public face writes to it,
 * and that write access must never reach the archive or the inbox.
 *
 * What crosses this interface is engine-neutral: plain rows, counts and
 * structured queries.  No SQL, no FTS5 syntax and no HTML is built by a
 * caller for the store; the HTML a row carries is what the caller stored
 * (a post rendered once, when written), handed back as it was.  Snippets
 * come back as text with SZ_FORUM_MARK_START/END around matched words,
 * for the web layer to escape.
 *
 * Counters (a thread's posts, a member's messages and likes, totals) are
 * kept by the database as rows change, never read, changed and written
 * back by a caller.  Times are seconds since the epoch, UTC.
 *
 * Ownership: rows are the caller's; those with pointers (source, html,
 * text, snippet) are released with the matching _free function, which
 * accepts NULL.  Every operation may be called from several threads.
 */
#ifndef SZ_STORE_FORUM_H
#define SZ_STORE_FORUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/search.h"

#define SZ_FORUM_DB_FILE "forum.db"

/* Byte bounds of what the store keeps (callers check characters). */
#define SZ_FORUM_NAME_MAX 128         /* a member's name, UTF-8 */
#define SZ_FORUM_KEY_MAX 256          /* its normalised key */
#define SZ_FORUM_HASH_MAX 128         /* crypto_pwhash_STRBYTES */
#define SZ_FORUM_LABEL_MAX 96         /* a staff title or a badge */
#define SZ_FORUM_COUNTRY_MAX 16       /* "de", "europeanunion" */
#define SZ_FORUM_TITLE_MAX 400        /* a thread's title */
#define SZ_FORUM_BOARD_MAX 200        /* a board's name */
#define SZ_FORUM_ABOUT_MAX 1000       /* a board's description */
#define SZ_FORUM_REASON_MAX 1000      /* a report's or moderation's why */
#define SZ_FORUM_ACTOR_MAX 160        /* who acted, for the log */
#define SZ_FORUM_DAY_SIZE 11          /* "YYYY-MM-DD" */
#define SZ_FORUM_PAGE_MAX 100         /* rows a page may ask for */
#define SZ_FORUM_EDITS_MAX 50         /* edits of one post by its author */
#define SZ_FORUM_RANK_MAX 20000       /* search hits ranked, at most */

/* Snippet markers around matched words (never in stored text: control
 * characters are not allowed in posts): the archive's (store/search.h). */
#define SZ_FORUM_MARK_START SZ_SEARCH_MARK_START
#define SZ_FORUM_MARK_END SZ_SEARCH_MARK_END

enum sz_forum_role { SZ_FORUM_MEMBER, SZ_FORUM_MODERATOR, SZ_FORUM_ADMIN };

enum sz_forum_member_state {
	SZ_MEMBER_ACTIVE,
	SZ_MEMBER_PENDING,            /* registered, awaiting approval */
	SZ_MEMBER_DELETED,            /* gone: posts stay, name does not */
};

struct sz_forum_member {
	int64_t id;
	char name[SZ_FORUM_NAME_MAX + 1];      /* "" once deleted */
	char key[SZ_FORUM_KEY_MAX + 1];        /* unique among members */
	char password_hash[SZ_FORUM_HASH_MAX + 1];
	enum sz_forum_role role;
	char title[SZ_FORUM_LABEL_MAX + 1];    /* staff title set by an admin */
	char badge[SZ_FORUM_LABEL_MAX + 1];    /* team badge, "" for none */
	char country[SZ_FORUM_COUNTRY_MAX + 1];/* flag chosen, "" for none */
	char joined_day[SZ_FORUM_DAY_SIZE];
	enum sz_forum_member_state state;
	bool banned, silenced;
	int64_t posts;                /* messages published now */
	int64_t approved_posts;       /* posts ever published */
	int64_t likes_received, likes_given;
	int64_t posts_read, threads_entered;
};

/* What a post shows of its author (XenForo's block beside a post). */
struct sz_forum_author {
	int64_t id;
	char name[SZ_FORUM_NAME_MAX + 1];      /* "" for a deleted member */
	enum sz_forum_role role;
	char title[SZ_FORUM_LABEL_MAX + 1];
	char badge[SZ_FORUM_LABEL_MAX + 1];
	char country[SZ_FORUM_COUNTRY_MAX + 1];
	char joined_day[SZ_FORUM_DAY_SIZE];
	int64_t posts, likes_received;
	bool deleted, banned;
};

struct sz_forum_board {
	int64_t id;
	char name[SZ_FORUM_BOARD_MAX + 1];
	char about[SZ_FORUM_ABOUT_MAX + 1];
	int64_t position;             /* order on the forum's home page */
	bool archive;                 /* where discussions of the archive go */
	int64_t threads, posts;       /* visible ones */
};

/* What a thread discusses: nothing (a board's own thread), or a release,
 * document or e-mail of the archive, by its id there. */
enum sz_forum_subject {
	SZ_SUBJECT_NONE,
	SZ_SUBJECT_RELEASE,
	SZ_SUBJECT_DOCUMENT,
	SZ_SUBJECT_EMAIL,
};

enum sz_forum_thread_state {
	SZ_THREAD_VISIBLE,
	SZ_THREAD_HIDDEN,             /* by a moderator; staff still see it */
	SZ_THREAD_DELETED,
	SZ_THREAD_MERGED,             /* its posts moved to merged_into */
	SZ_THREAD_PENDING,            /* its first post awaits approval */
};

struct sz_forum_thread {
	int64_t id, board_id;
	char board_name[SZ_FORUM_BOARD_MAX + 1];
	enum sz_forum_subject subject;
	int64_t subject_id;
	char title[SZ_FORUM_TITLE_MAX + 1];
	int64_t author_id;
	char author_name[SZ_FORUM_NAME_MAX + 1];
	int64_t created, last_at;
	int64_t last_post_id;
	char last_author[SZ_FORUM_NAME_MAX + 1];
	int64_t last_position;        /* positions handed out so far */
	int64_t posts;                /* visible posts */
	bool sticky, locked;
	enum sz_forum_thread_state state;
	int64_t merged_into;
};

enum sz_forum_post_state {
	SZ_POST_VISIBLE,
	SZ_POST_PENDING,              /* waits for a moderator's approval */
	SZ_POST_HIDDEN,               /* by a moderator */
	SZ_POST_DELETED,              /* by its author or a moderator */
};

struct sz_forum_post {
	int64_t id, thread_id;
	char thread_title[SZ_FORUM_TITLE_MAX + 1];
	int64_t position;             /* 1, 2, ... within the thread */
	struct sz_forum_author author;
	int64_t created, edited;      /* edited: 0 if never */
	int64_t edits;
	enum sz_forum_post_state state;
	int64_t likes;
	bool liked;                   /* by the viewer a page was read for */
	int64_t quote_of;             /* the post it quotes, or 0 */
	char *source;                 /* owned: Markdown as written, if asked */
	char *html;                   /* owned: rendered when written */
	char *text;                   /* owned: plain text, if asked */
};

/* A new post: the caller renders source to html and text beforehand. */
struct sz_forum_post_new {
	int64_t thread_id;            /* reply; 0 with thread_create */
	int64_t author_id;
	int64_t created;
	enum sz_forum_post_state state;  /* VISIBLE or PENDING */
	int64_t quote_of;
	const char *source, *html, *text;
};

struct sz_forum_thread_new {
	int64_t board_id;             /* 0: the archive's board (made if need be) */
	enum sz_forum_subject subject;
	int64_t subject_id;
	const char *title;
};

struct sz_forum_edit {
	int64_t id, post_id;
	int64_t at;
	char editor[SZ_FORUM_ACTOR_MAX + 1];
	char *source;                 /* owned: the text before this edit */
};

struct sz_forum_report {
	int64_t id, post_id, thread_id;
	char thread_title[SZ_FORUM_TITLE_MAX + 1];
	int64_t reporter_id;
	char reporter[SZ_FORUM_NAME_MAX + 1];
	char reason[SZ_FORUM_REASON_MAX + 1];
	int64_t at;
	bool open;
	char resolved_by[SZ_FORUM_ACTOR_MAX + 1];
};

enum sz_forum_target { SZ_TARGET_POST = 1, SZ_TARGET_THREAD, SZ_TARGET_MEMBER,
	SZ_TARGET_BOARD };

/* One line of the public moderation log: who, what, when, why. */
struct sz_forum_log {
	int64_t id, at;
	char actor[SZ_FORUM_ACTOR_MAX + 1];
	char action[64];
	enum sz_forum_target target;
	int64_t target_id;
	char about[SZ_FORUM_TITLE_MAX + 1];   /* what it was: a title, a name;
	                                         for a post, its thread's title */
	char reason[SZ_FORUM_REASON_MAX + 1];
	/* for a post: its number in its thread and the thread, then (what
	 * the log shows, in the reader's language: "#5 in TITLE"); 0
	 * otherwise */
	int64_t position, thread_id;
};

struct sz_forum_totals {
	int64_t members, threads, posts;
};

/* ---- pages: keysets, never offsets ----------------------------------
 * A thread's posts are numbered 1, 2, ... (position): page n starts
 * after position (n - 1) * per_page, an index lookup whatever n is.  A
 * board's threads are ordered by their last activity, newest first; a
 * page starts after (or, going back, before) the key of a thread. */
struct sz_forum_key {
	int64_t at;                   /* last_at */
	int64_t id;
};

enum sz_forum_from { SZ_FORUM_FIRST, SZ_FORUM_OLDER, SZ_FORUM_NEWER };

struct sz_forum_thread_query {
	int64_t board_id;             /* 0: every board */
	bool sticky;                  /* only sticky threads (else none) */
	bool staff;                   /* hidden threads too */
	enum sz_forum_from from;
	struct sz_forum_key key;
	size_t limit;                 /* 1..SZ_FORUM_PAGE_MAX */
};

struct sz_forum_threads {
	struct sz_forum_thread *rows; /* malloc'd; free() */
	size_t n;
	bool older, newer;            /* more lie past either end */
};

struct sz_forum_post_query {
	int64_t thread_id;
	int64_t after;                /* position: the page shows after it */
	size_t limit;
	int64_t viewer_id;            /* their own pending posts show; their
	                                 likes are marked (0: anonymous) */
	bool staff;                   /* pending, hidden, deleted show too */
	bool with_source;
};

/* A post search: terms as the search translator parsed them (words are
 * letters and digits separated by single spaces), AND between terms
 * unless or_before, negated ones excluded. */
struct sz_forum_term {
	const char *words;
	bool prefix, negated, or_before;
};

struct sz_forum_search {
	const struct sz_forum_term *terms;
	size_t nterms;
	int64_t author_id;            /* 0: any */
};

struct sz_forum_hits {
	int64_t total;
	bool ranked;                  /* by relevance; else newest first */
	struct sz_forum_post *rows;   /* html left NULL; text is the snippet */
	size_t n;
};

/* A row of the change log that mirrors follow (seq only grows): a
 * thread (its posts, likes, moderation, or an author's name, title,
 * badge, flag or ban beside them), a board, a member's page, or a line
 * of the moderation log changed.  Nothing says when: no times. */
enum sz_forum_changed { SZ_CHANGED_THREAD = 1, SZ_CHANGED_BOARD,
	SZ_CHANGED_MEMBER, SZ_CHANGED_LOG };
struct sz_forum_change {
	int64_t seq;
	enum sz_forum_changed kind;
	int64_t id;
};
#define SZ_FORUM_IDS_MAX 10000        /* ids a list may ask for at once */

struct sz_forum;

struct sz_forum_ops {
	void (*close)(struct sz_forum *f);

	/* A batch (bulk loading: the benchmark's filler, the demo): every
	 * write between begin and commit in one transaction, from the
	 * calling thread only.  Reads meanwhile see the state before it. */
	int (*begin)(struct sz_forum *f, struct sz_err *err);
	int (*commit)(struct sz_forum *f, struct sz_err *err);

	/* ---- members ---- */
	/* SZ_E_EXISTS if the key is a member's or reserved.  With invite
	 * (a code's hash, 32 bytes), the invitation is used in the same
	 * transaction: SZ_E_NOT_FOUND if it is unknown or used. */
	int (*member_create)(struct sz_forum *f, const struct sz_forum_member *m,
		const uint8_t *invite, int64_t *id, struct sz_err *err);
	/* By id or by key; SZ_E_NOT_FOUND if none (the row is zeroed). */
	int (*member_get)(struct sz_forum *f, int64_t id,
		struct sz_forum_member *m, struct sz_err *err);
	int (*member_find)(struct sz_forum *f, const char *key,
		struct sz_forum_member *m, struct sz_err *err);
	int (*member_set_password)(struct sz_forum *f, int64_t id,
		const char *hash, struct sz_err *err);
	int (*member_set_role)(struct sz_forum *f, int64_t id,
		enum sz_forum_role role, struct sz_err *err);
	/* title, badge, country: "" clears one; NULL leaves it. */
	int (*member_set_labels)(struct sz_forum *f, int64_t id,
		const char *title, const char *badge, const char *country,
		struct sz_err *err);
	int (*member_set_state)(struct sz_forum *f, int64_t id,
		enum sz_forum_member_state state, struct sz_err *err);
	int (*member_set_flags)(struct sz_forum *f, int64_t id, bool banned,
		bool silenced, struct sz_err *err);
	/* Deletes an account: the name and password go, the posts stay
	 * (shown as a deleted member's), the key stays taken. */
	int (*member_delete)(struct sz_forum *f, int64_t id, struct sz_err *err);
	/* Members awaiting approval (pending true) or staff (false), oldest
	 * first, at most limit; *rows malloc'd. */
	int (*member_list)(struct sz_forum *f, bool pending, size_t limit,
		struct sz_forum_member **rows, size_t *n, struct sz_err *err);
	/* A member has read a thread up to position: the posts and threads
	 * read count toward trust (only what is new counts). */
	int (*member_read)(struct sz_forum *f, int64_t member_id,
		int64_t thread_id, int64_t upto, struct sz_err *err);
	/* Reserves a key so that no member can take it (staff words, the
	 * editors' names); reserving twice is not an error. */
	int (*reserve)(struct sz_forum *f, const char *key, const char *why,
		struct sz_err *err);
	/* 1 if key is reserved or a member's, 0 if free. */
	int (*key_taken)(struct sz_forum *f, const char *key, struct sz_err *err);
	int (*invite_add)(struct sz_forum *f, const uint8_t hash[32],
		struct sz_err *err);

	/* ---- boards and threads ---- */
	int (*board_create)(struct sz_forum *f, const char *name,
		const char *about, int64_t *id, struct sz_err *err);
	int (*board_get)(struct sz_forum *f, int64_t id,
		struct sz_forum_board *b, struct sz_err *err);
	/* By position, then id; *rows malloc'd. */
	int (*board_list)(struct sz_forum *f, struct sz_forum_board **rows,
		size_t *n, struct sz_err *err);
	/* Creates a thread with its first post, in one transaction.  A
	 * subject may have one thread only: SZ_E_EXISTS (and *thread_id set
	 * to it) if it has one. */
	int (*thread_create)(struct sz_forum *f,
		const struct sz_forum_thread_new *t,
		const struct sz_forum_post_new *first, int64_t *thread_id,
		int64_t *post_id, struct sz_err *err);
	int (*thread_get)(struct sz_forum *f, int64_t id,
		struct sz_forum_thread *t, struct sz_err *err);
	/* The thread of a release, document or e-mail; SZ_E_NOT_FOUND. */
	int (*thread_of_subject)(struct sz_forum *f,
		enum sz_forum_subject subject, int64_t subject_id,
		struct sz_forum_thread *t, struct sz_err *err);
	int (*threads_page)(struct sz_forum *f,
		const struct sz_forum_thread_query *q, struct sz_forum_threads *out,
		struct sz_err *err);
	/* The newest visible threads (board 0: all), newest first. */
	int (*threads_new)(struct sz_forum *f, int64_t board_id, size_t limit,
		struct sz_forum_threads *out, struct sz_err *err);
	int (*thread_set_flags)(struct sz_forum *f, int64_t id, bool sticky,
		bool locked, struct sz_err *err);
	int (*thread_set_state)(struct sz_forum *f, int64_t id,
		enum sz_forum_thread_state state, struct sz_err *err);
	int (*thread_move)(struct sz_forum *f, int64_t id, int64_t board_id,
		struct sz_err *err);
	/* Moves every post of thread from into thread into, in the order
	 * they were written, and marks from as merged. */
	int (*thread_merge)(struct sz_forum *f, int64_t from, int64_t into,
		struct sz_err *err);

	/* ---- posts ---- */
	/* A reply: SZ_E_NOT_FOUND if the thread is gone.  *position is its
	 * place in the thread. */
	int (*post_add)(struct sz_forum *f, const struct sz_forum_post_new *p,
		int64_t *id, int64_t *position, struct sz_err *err);
	/* One post with its author; source and text too if asked. */
	int (*post_get)(struct sz_forum *f, int64_t id, bool with_source,
		struct sz_forum_post *p, struct sz_err *err);
	/* A page of a thread, by position; *rows malloc'd (free with
	 * sz_forum_posts_free). */
	int (*posts_page)(struct sz_forum *f, const struct sz_forum_post_query *q,
		struct sz_forum_post **rows, size_t *n, struct sz_err *err);
	/* The newest visible posts in visible threads, of a board (0: all)
	 * or of one thread (thread_id), newest first; with replies_only,
	 * not the threads' first posts (those are new threads). */
	int (*posts_latest)(struct sz_forum *f, int64_t board_id,
		int64_t thread_id, bool replies_only, size_t limit,
		struct sz_forum_post **rows, size_t *n, struct sz_err *err);
	/* A member's visible posts, newest first, before post id before
	 * (0: the newest). */
	int (*posts_by)(struct sz_forum *f, int64_t author_id, int64_t before,
		size_t limit, struct sz_forum_post **rows, size_t *n,
		struct sz_err *err);
	/* Posts awaiting approval, oldest first. */
	int (*posts_pending)(struct sz_forum *f, size_t limit,
		struct sz_forum_post **rows, size_t *n, struct sz_err *err);
	/* Replaces a post's text, keeping what it said before in the
	 * post's history under editor (a name for the history).  With hold,
	 * the post becomes SZ_POST_PENDING in the same transaction (an edit
	 * awaiting approval): the new text is never visible or searchable
	 * before a moderator approves it. */
	int (*post_edit)(struct sz_forum *f, int64_t id, const char *editor,
		int64_t at, const char *source, const char *html,
		const char *text, bool hold, struct sz_err *err);
	int (*post_edits)(struct sz_forum *f, int64_t post_id,
		struct sz_forum_edit **rows, size_t *n, struct sz_err *err);
	int (*post_set_state)(struct sz_forum *f, int64_t id,
		enum sz_forum_post_state state, struct sz_err *err);
	/* Likes (on) or unlikes a post; liking twice is one like.
	 * SZ_E_NOT_FOUND if the post is not visible. */
	int (*like)(struct sz_forum *f, int64_t post_id, int64_t member_id,
		bool on, struct sz_err *err);

	/* ---- moderation ---- */
	/* SZ_E_EXISTS if this member reported this post already.  Only the
	 * day of at is kept: when a member reported is not for a seized disk. */
	int (*report_add)(struct sz_forum *f, int64_t post_id,
		int64_t reporter_id, const char *reason, int64_t at,
		struct sz_err *err);
	/* Open reports, oldest first; *rows malloc'd. */
	int (*reports_open)(struct sz_forum *f, size_t limit,
		struct sz_forum_report **rows, size_t *n, struct sz_err *err);
	/* Closes every open report of a post. */
	int (*reports_resolve)(struct sz_forum *f, int64_t post_id,
		const char *by, struct sz_err *err);
	int (*log_add)(struct sz_forum *f, const struct sz_forum_log *l,
		struct sz_err *err);
	/* The log, newest first, before id before (0: the newest). */
	int (*log_page)(struct sz_forum *f, int64_t before, size_t limit,
		struct sz_forum_log **rows, size_t *n, bool *more,
		struct sz_err *err);

	/* ---- reading ---- */
	int (*search)(struct sz_forum *f, const struct sz_forum_search *q,
		size_t offset, size_t limit, struct sz_forum_hits *out,
		struct sz_err *err);
	int (*totals)(struct sz_forum *f, struct sz_forum_totals *t,
		struct sz_err *err);
	/* A number that changes whenever anything in the forum changes,
	 * whoever changed it (this process or another): what a cache of
	 * pages is checked against. */
	int (*version)(struct sz_forum *f, int64_t *v, struct sz_err *err);

	/* ---- mirrors ---- */
	/* Up to limit rows of the change log after seq `after`, oldest
	 * first (rows: the caller's array of limit); *last is the newest
	 * seq there is (0 if none), read first. */
	int (*changes)(struct sz_forum *f, int64_t after, size_t limit,
		struct sz_forum_change *rows, size_t *n, int64_t *last,
		struct sz_err *err);
	/* Up to limit (1..SZ_FORUM_IDS_MAX) ids after `after`, ascending,
	 * of what an anonymous reader may see: visible (or merged) threads
	 * (SZ_TARGET_THREAD) or active members (SZ_TARGET_MEMBER). */
	int (*ids)(struct sz_forum *f, enum sz_forum_target kind, int64_t after,
		size_t limit, int64_t *ids, size_t *n, struct sz_err *err);
};

struct sz_forum {
	const struct sz_forum_ops *ops;
};

/* Opens (creating and migrating as needed) DIR/forum.db with SQLite. */
int sz_forum_open_sqlite(struct sz_forum **f, const char *dir,
	struct sz_err *err);
/* Opens (creating and migrating as needed) the forum in the PostgreSQL
 * database conninfo names (a postgresql:// URI or key=value pairs, as
 * libpq takes them). */
int sz_forum_open_postgres(struct sz_forum **f, const char *conninfo,
	struct sz_err *err);
/* Opens the forum of the instance in dir with its configured back end
 * (the database setting: sqlite, or PostgreSQL). */
int sz_forum_open(struct sz_forum **f, const char *dir, struct sz_err *err);
struct sz_config;
int sz_forum_open_config(struct sz_forum **f, const char *dir,
	const struct sz_config *cfg, struct sz_err *err);
/* Whether the instance in dir has a forum yet, without making one (the
 * first open does: the public face's start, a first board, a release
 * removed): DIR/forum.db on SQLite, the forum's schema in the database
 * on PostgreSQL.  *exists is false on failure. */
int sz_forum_exists(const char *dir, const struct sz_config *cfg,
	bool *exists, struct sz_err *err);
/* The same question for the PostgreSQL database conninfo names. */
int sz_forum_exists_postgres(const char *conninfo, bool *exists,
	struct sz_err *err);

/* Removing from the archive reaches the forum: the discussion of a
 * document or e-mail the newsroom removes (it may say who leaked it) is
 * hidden, as a moderator would hide it, with a line in the public
 * moderation log under actor that names neither it nor its title (its
 * thread carries its title and readers' quotes of it).  Staff still see
 * the thread, and may show it again.  0 also when there is no thread.
 * sz_forum_withdraw takes one subject; sz_forum_withdraw_doc a document
 * or e-mail with the attachments that came in it (call it before the
 * removal, while they are listed).  An unpublished release is not
 * removed: its discussions outlive it, saying so (web/forum). */
int sz_forum_withdraw(struct sz_forum *f, enum sz_forum_subject subject,
	int64_t id, const char *actor, struct sz_err *err);
struct sz_archive;
int sz_forum_withdraw_doc(struct sz_forum *f, struct sz_archive *a,
	int64_t doc_id, const char *actor, struct sz_err *err);

void sz_forum_post_clear(struct sz_forum_post *p);
void sz_forum_posts_free(struct sz_forum_post *rows, size_t n);
void sz_forum_edits_free(struct sz_forum_edit *rows, size_t n);
void sz_forum_hits_free(struct sz_forum_hits *h);

#endif
