/*
 * forum.h - the forum's pages and what members and staff do there,
 * connection-independent (DESIGN.md §6): given the forum's store, a site
 * (how links are written, as in web/archive/pages.h) and a viewer
 * (anonymous, a member with their trust and role, or staff), a page is
 * rendered into a buffer; an action (posting, liking, moderating...) is
 * checked against the rules and done.  The public face serves the pages
 * with forms, the editor face shows staff the same pages, and a mirror
 * writes them for anonymous readers with relative links and no forms.
 *
 * What it deliberately does not do: know about connections, cookies or
 * sessions (the face builds the viewer, checks CSRF tokens, and turns a
 * result into a redirect or an error page), open the archive (a
 * discussion of a release is keyed by the release's id; the face checks
 * that it exists), or keep anything about a reader who is not a member.
 *
 * Ownership: the site, its store and config belong to the caller and
 * outlive every page; pages are appended to the caller's buffer.
 */
#ifndef SZ_WEB_FORUM_FORUM_H
#define SZ_WEB_FORUM_FORUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"
#include "http/session.h"
#include "store/forum.h"
#include "web/archive/pages.h"

#define SZ_FORUM_PER_PAGE 20          /* posts on a page of a thread */
#define SZ_FORUM_THREADS_PER_PAGE 25  /* threads on a page of a board */
#define SZ_FORUM_LATEST 8             /* latest replies, new threads */
#define SZ_FORUM_COMMENTS 5           /* latest comments on an archive page */
#define SZ_FORUM_TITLE_CHARS 120      /* a new thread's title */
#define SZ_FORUM_SWITCH_MAX 512       /* the language switcher's link */
#define SZ_FORUM_REASON_CHARS 500     /* a report's or moderation's why */
#define SZ_FORUM_PASSWORD_MIN 10      /* bytes of a member's password */
#define SZ_FORUM_PASSWORD_MAX 1024
#define SZ_FORUM_ARGON2_SLOTS 2       /* password checks at once */
#define SZ_FORUM_LOGINS_PER_HOUR 20   /* failed tries on one name, whether
                                         an account has it or not, before
                                         each check on it is slowed */
#define SZ_FORUM_LOGIN_SLOW_S 3       /* the wait of every check on such a
                                         name, right or wrong */
#define SZ_FORUM_LOGIN_NAMES_MAX (1u << 18)   /* names counted at once
                                         (8 MiB); past it, logins wait */
#define SZ_FORUM_LOGIN_TOKEN_BYTES 12 /* the login form token's nonce
                                         (SZ_WEB_PRE_NONCE) */
#define SZ_FORUM_FLAGS_DIR "/usr/share/flags/countries/16x11"
#define SZ_FORUM_INVITE_CHARS 19      /* "xxxx-xxxx-xxxx-xxxx" */

struct sz_forum_site {
	struct sz_forum *forum;
	const struct sz_config *cfg;  /* the forum.* settings */
	enum sz_links links;          /* rooted (faces) or relative (mirrors) */
	const char *prefix;           /* rooted: "" */
	const char *suffix;           /* relative: ".html" */
	const char *name;             /* the site's name in page headers */
	bool editor_face;             /* staff pages of the editor face */
	struct sz_forum_slots *slots; /* the public face's Argon2 slots and
	                                 budgets; NULL where only staff act */
	/* Whether the archive shows a thread's subject (a mirror's copy has
	 * no page for what was unpublished, so its thread names it without
	 * a link); NULL: always linked. */
	bool (*subject_shown)(const struct sz_forum_site *site,
		enum sz_forum_subject subject, int64_t id);
	const void *subject_ctx;      /* for subject_shown */
};

/* Who is looking.  Built by the face for each request (a member's row
 * read fresh, so a ban takes effect at once). */
struct sz_forum_viewer {
	bool member;                  /* logged in: m is theirs */
	struct sz_forum_member m;
	bool staff;                   /* a moderator, an admin, or an editor */
	bool admin;                   /* an admin, or an editor */
	bool editor;                  /* an editor, on the editor face */
	int trust;                    /* 0..2 (sz_forum_trust) */
	char actor[SZ_FORUM_ACTOR_MAX + 1];   /* for the log and histories */
	char csrf[SZ_SESSION_TOKEN_LEN + 1];  /* the session's, for forms */
	/* The reader's language (core/i18n.h; NULL: the default one loaded,
	 * the first of `languages` in a mirror's copy, English on the editor
	 * face, which loads none) and where the language switcher's
	 * links lead ("PATH?", web/i18n.h; empty: no switcher). */
	const struct sz_lang *lang;
	char switch_to[SZ_FORUM_SWITCH_MAX];
};

/* The forum's pages.  Each has a route pattern (http/route.h) under the
 * site's prefix; the table in fpages.c maps each to its renderer. */
enum sz_fpage {
	SZ_FPAGE_HOME,                /* "/forum" */
	SZ_FPAGE_BOARD,               /* "/forum/board/:id" */
	SZ_FPAGE_BOARD_OLDER,         /* "/forum/board/:id/older/:key" */
	SZ_FPAGE_BOARD_NEWER,         /* "/forum/board/:id/newer/:key" */
	SZ_FPAGE_THREAD,              /* "/forum/thread/:id" */
	SZ_FPAGE_THREAD_PAGE,         /* "/forum/thread/:id/page/:n" */
	SZ_FPAGE_MEMBER,              /* "/forum/member/:id" */
	SZ_FPAGE_LOG,                 /* "/forum/log": moderation, public */
	SZ_FPAGE_LOG_OLDER,           /* "/forum/log/older/:key" */
	SZ_FPAGE_FEED,                /* "/forum/feed.atom" */
	SZ_FPAGE_BOARD_FEED,          /* "/forum/board/:id/feed.atom" */
	SZ_FPAGE_THREAD_FEED,         /* "/forum/thread/:id/feed.atom" */
	SZ_FAPI_BOARDS,               /* "/api/v1/forum/boards" */
	SZ_FAPI_BOARD,                /* "/api/v1/forum/boards/:id" */
	SZ_FAPI_THREAD,               /* "/api/v1/forum/threads/:id" */
	SZ_FAPI_POST,                 /* "/api/v1/forum/posts/:id" */
	SZ_FAPI_MEMBER,               /* "/api/v1/forum/members/:id" */
	/* pages with forms, on a face only */
	SZ_FPAGE_REGISTER,            /* "/forum/register" */
	SZ_FPAGE_LOGIN,               /* "/forum/login" */
	SZ_FPAGE_ACCOUNT,             /* "/forum/account" */
	SZ_FPAGE_NEW_THREAD,          /* "/forum/board/:id/new" */
	SZ_FPAGE_REPLY,               /* "/forum/thread/:id/reply" */
	SZ_FPAGE_EDIT,                /* "/forum/post/:id/edit" */
	SZ_FPAGE_HISTORY,             /* "/forum/post/:id/history" */
	SZ_FPAGE_REPORT,              /* "/forum/post/:id/report" */
	SZ_FPAGE_QUEUE,               /* "/forum/queue": staff */
	SZ_FPAGE_KINDS
};

const char *sz_fpage_path(enum sz_fpage kind);
/* The page whose pattern is pattern, or SZ_FPAGE_KINDS. */
enum sz_fpage sz_fpage_kind_of(const char *pattern);

/* A page's parameters, as its path and query gave them. */
struct sz_forum_args {
	int64_t id;                   /* ":id", 0 if none or not a number */
	const char *key;              /* ":key" of a keyset page */
	size_t number;                /* ":n", a page of a thread, from 1; a
	                                 mirror also numbers a board's pages */
	int64_t quote;                /* ?quote=: the post a reply quotes */
	const char *note;             /* ?note=: a fixed notice's code */
	/* a form shown again after a refusal */
	const char *error;            /* what to change */
	const char *draft;            /* what was typed, kept */
	const char *title;            /* a new thread's title, kept */
	const char *name;             /* a name typed, kept */
	const char *pre_token;        /* register and login forms' token */
};

struct sz_forum_page {
	const struct sz_forum_site *site;
	const struct sz_forum_viewer *viewer;
	const struct sz_lang *lang;   /* the viewer's: the page's language */
	enum sz_fpage kind;
	const char *path;
	struct sz_buf *out;
	char base[SZ_PAGES_LINK_BASE];
	const char *suffix;
	unsigned status;              /* 200, or another with message */
	const char *content_type;
	char message[SZ_PAGES_MESSAGE];
	/* set by a thread page for a member: read up to this position */
	int64_t read_thread, read_upto;
	bool in_queue;                /* staff forms come back to the queue */
};

/* Renders one page into out (see sz_page_render in pages.h: a missing
 * page comes back as a status and a message, nothing in out). */
int sz_forum_render(struct sz_forum_page *pg, const struct sz_forum_site *site,
	const struct sz_forum_viewer *viewer, enum sz_fpage kind,
	const char *path, const struct sz_forum_args *args, struct sz_buf *out);

/* ---- viewers and rules (rules.c) ---- */

/* The trust level a member has earned (0, 1 or 2; DESIGN.md §6): 1 once
 * they have read forum.trust1_read_posts posts and had their first posts
 * approved, 2 once they have also read, posted, been liked and been a
 * member long enough (forum.trust2_*).  Staff count as 2. */
int sz_forum_trust(const struct sz_config *cfg,
	const struct sz_forum_member *m, bool staff);
/* The title shown under a name: a staff title if an admin set one, else
 * by activity: "New Member", "Regular Member", "Senior Member"; in
 * lang (NULL: English, as the API gives it). */
const char *sz_forum_title(const struct sz_config *cfg,
	const struct sz_lang *lang, const struct sz_forum_author *a);
/* A viewer for a member (anonymous for NULL); actor names them. */
void sz_forum_viewer_member(struct sz_forum_viewer *v,
	const struct sz_config *cfg, const struct sz_forum_member *m);
/* A viewer for an editor of the newsroom, on the editor face: staff,
 * acting as SZ_FORUM_EDITORS_ACTOR (the editor face's audit log says
 * which editor). */
#define SZ_FORUM_EDITORS_ACTOR "the editors"
void sz_forum_viewer_editor(struct sz_forum_viewer *v);
/* Whether code is a flag members may choose ("de", "europeanunion"). */
bool sz_forum_country_ok(const char *code);
/* The flags there are, sorted (*list points into a static table); read
 * from SZ_FORUM_FLAGS_DIR once, the first time either is called (a face
 * that serves flags is let read that folder: cli/faces.c). */
#define SZ_FORUM_FLAGS_MAX 400
size_t sz_forum_flags(const char (**list)[SZ_FORUM_COUNTRY_MAX + 1]);

/* ---- actions (post.c, account.c, moderate.c) ---- */

/* What an action did: status 0 and where to go next (a path under the
 * site's prefix), or an HTTP status and a sentence for the member.  A
 * sentence with a number or an error in it is written in lang; a fixed
 * one is the English marked N_(), translated where it is shown. */
struct sz_forum_done {
	unsigned status;
	char message[320];
	char go[256];
	int64_t id;                   /* what was made: a post, a member */
	const struct sz_lang *lang;   /* the member's (NULL: English) */
};

/* Clears d for an action, keeping lang as given: an action with a
 * viewer passes the viewer's; register and login, which have none, pass
 * d->lang, which their caller sets. */
void sz_forum_done_start(struct sz_forum_done *d, const struct sz_lang *lang);
/* Fills a refusal (status and a printf-style sentence, already in
 * d->lang); SZ_E_INVAL. */
int sz_forum_refuse(struct sz_forum_done *d, unsigned status,
	const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A whole number from 1 up written plainly (digits, no sign, no leading
 * zero, at most 18), or 0: an id a client sent. */
int64_t sz_forum_id(const char *s);

struct sz_forum_posting {
	int64_t board_id;             /* a new thread in a board, */
	int64_t thread_id;            /* or a reply, */
	enum sz_forum_subject subject;/* or a comment on the archive */
	int64_t subject_id;
	const char *title;            /* a new thread's, or a subject's */
	const char *text;             /* Markdown */
	size_t text_len;
	int64_t quote_of;             /* a post quoted, or 0 */
};

int sz_forum_post(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, const struct sz_forum_posting *p,
	struct sz_forum_done *done);
int sz_forum_edit(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, int64_t post_id, const char *text,
	size_t text_len, struct sz_forum_done *done);
/* An author deletes their own post. */
int sz_forum_delete_own(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, int64_t post_id,
	struct sz_forum_done *done);
int sz_forum_like(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, int64_t post_id, bool on,
	struct sz_forum_done *done);
int sz_forum_report(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, int64_t post_id, const char *reason,
	struct sz_forum_done *done);
/* The reply form's text for quoting post_id: attributed, linked back,
 * its own quotes left out (appended to out). */
int sz_forum_quote(const struct sz_forum_site *site, int64_t post_id,
	struct sz_buf *out);
/* The one check of who sees a post, for every path that fetches one by
 * id: staff see all; others a visible post in a visible thread, or
 * their own pending post in a visible or their own pending thread.  0
 * with p filled (the caller clears it with sz_forum_post_clear), else
 * SZ_E_NOT_FOUND with p zeroed. */
int sz_forum_post_seen(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, int64_t id, bool source,
	struct sz_forum_post *p);
/* The path of the page of a thread that shows post_id, with its anchor
 * ("/forum/thread/3/page/2#p41"); SZ_E_NOT_FOUND if the viewer may not
 * see it. */
int sz_forum_post_path(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, int64_t post_id, char *out,
	size_t cap);

/* Accounts.  Password checks run under slots (a semaphore the face
 * owns: Argon2id costs forum.argon2_memlimit_mb each), which also hold
 * the budgets of logins and registrations, in memory (web/budget.h). */
struct sz_forum_slots;
struct sz_forum_slots *sz_forum_slots_new(const struct sz_config *cfg,
	unsigned n);
void sz_forum_slots_free(struct sz_forum_slots *s);

/* Members' rate budgets, in memory with the slots (web/budget.h): at most
 * limit uses per window_s seconds (a day, or a minute for bursts),
 * counted from the first.  0, SZ_E_LIMIT when spent, SZ_E_BUSY when the
 * table is full (SZ_FORUM_BUDGET_KEYS members at once).  Shared (below):
 * the daily ones counted in the store, in the UTC day; SZ_E_BUSY when
 * the store cannot be reached. */
enum sz_forum_budget { SZ_BUDGET_POST, SZ_BUDGET_BURST, SZ_BUDGET_LIKE,
	SZ_BUDGET_REPORT, SZ_BUDGET_KINDS };
#define SZ_FORUM_BUDGET_KEYS 20000
int sz_forum_spend(struct sz_forum_slots *s, enum sz_forum_budget kind,
	int64_t member, uint64_t limit);
/* From now on the slots' login tokens, registrations and members' daily
 * posts, likes and reports are counted in store, which every process of
 * the face shares (borrowed: it must outlive the slots).  Bursts (a
 * minute) and failed tries per name (an hour) stay in this process: the
 * store would date a member's activity finer than a day. */
struct sz_budget_store;
void sz_forum_slots_share(struct sz_forum_slots *s,
	const struct sz_budget_store *store);

/* register and login refuse in done->lang: set it before the call. */
int sz_forum_register(const struct sz_forum_site *site,
	struct sz_forum_slots *slots, const char *name, const char *password,
	const char *invite, struct sz_forum_done *done);
/* Logs in: done->id is the member's id.  Each try is charged to the
 * login form's token (its nonce) before any Argon2 runs; failed tries
 * count against the name tried, and past SZ_FORUM_LOGINS_PER_HOUR an
 * hour every try on it waits SZ_FORUM_LOGIN_SLOW_S but is still checked,
 * so the owner's right password still logs in.  A name nobody has costs
 * and answers the same as a real one, whatever the budgets say. */
int sz_forum_login(const struct sz_forum_site *site,
	struct sz_forum_slots *slots,
	const uint8_t token[SZ_FORUM_LOGIN_TOKEN_BYTES], const char *name,
	const char *password, struct sz_forum_done *done);
int sz_forum_change_password(const struct sz_forum_site *site,
	struct sz_forum_slots *slots, const struct sz_forum_viewer *v,
	const char *old_password, const char *new_password,
	struct sz_forum_done *done);
int sz_forum_delete_account(const struct sz_forum_site *site,
	struct sz_forum_slots *slots, const struct sz_forum_viewer *v,
	const char *password, struct sz_forum_done *done);
int sz_forum_set_country(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, const char *code,
	struct sz_forum_done *done);
/* A new invitation code (into code); its hash goes to the store. */
int sz_forum_invite(struct sz_forum *f, char code[SZ_FORUM_INVITE_CHARS + 1],
	struct sz_err *err);

/* Moderation, from a form (moderate.c).  target says what kind of
 * thing the path named. */
enum sz_forum_mod_action {
	SZ_MOD_NONE,
	/* posts */
	SZ_MOD_HIDE, SZ_MOD_UNHIDE, SZ_MOD_DELETE, SZ_MOD_APPROVE, SZ_MOD_REJECT,
	SZ_MOD_DISMISS,               /* close a post's reports */
	/* threads */
	SZ_MOD_LOCK, SZ_MOD_UNLOCK, SZ_MOD_PIN, SZ_MOD_UNPIN, SZ_MOD_MOVE,
	SZ_MOD_MERGE, SZ_MOD_HIDE_THREAD, SZ_MOD_UNHIDE_THREAD,
	SZ_MOD_DELETE_THREAD,
	/* members */
	SZ_MOD_BAN, SZ_MOD_UNBAN, SZ_MOD_SILENCE, SZ_MOD_UNSILENCE,
	SZ_MOD_APPROVE_MEMBER, SZ_MOD_REJECT_MEMBER,
};

struct sz_forum_mod {
	enum sz_forum_target target;
	int64_t id;
	enum sz_forum_mod_action action;
	char reason[SZ_FORUM_REASON_MAX + 1];
	int64_t board_id;             /* move: to this board */
	int64_t into;                 /* merge: into this thread */
	bool to_queue;                /* go back to the queue after */
};

/* Reads a moderation form's fields (action, reason, board, into, from)
 * for target id; SZ_E_INVAL with why.  A parser of what a client sends:
 * it has a fuzz target. */
struct sz_form;
int sz_forum_mod_parse(const struct sz_form *form, enum sz_forum_target target,
	int64_t id, struct sz_forum_mod *mod, char *why, size_t cap);
int sz_forum_moderate(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, const struct sz_forum_mod *mod,
	struct sz_forum_done *done);

/* ---- pages for readers not logged in, while the forum is unchanged
 * (cache.c) ---- */
#define SZ_FORUM_CACHE_SLOTS 64
#define SZ_FORUM_CACHE_PAGE_MAX (256 * 1024)
#define SZ_FORUM_CACHE_PATH_MAX 256
struct sz_forum_cache;
struct sz_forum_cache *sz_forum_cache_new(void);
void sz_forum_cache_free(struct sz_forum_cache *c);
/* Appends the page kept for path at version (the store's) to out; false
 * if there is none. */
bool sz_forum_cache_get(struct sz_forum_cache *c, const char *path,
	int64_t version, struct sz_buf *out, unsigned *status,
	const char **content_type);
/* Keeps a copy of page for path at version (pages over the bound are not
 * kept). */
void sz_forum_cache_put(struct sz_forum_cache *c, const char *path,
	int64_t version, const struct sz_buf *page, unsigned status,
	const char *content_type);

/* ---- the archive's discussions (discussion.c) ---- */

/* Fills an archive site's discussion hook (pages.h) with this forum:
 * d and site must outlive the archive site. */
void sz_forum_discussion(struct sz_discussion *d,
	const struct sz_forum_site *site);

/* A page key's text form for links ("AT.ID") and back; parsing is strict. */
#define SZ_FORUM_KEY_TEXT 48
void sz_forum_key_format(const struct sz_forum_key *k,
	char out[SZ_FORUM_KEY_TEXT]);
int sz_forum_key_parse(const char *text, struct sz_forum_key *k);

#endif
