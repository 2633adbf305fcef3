/*
 * source.h - the source face: where an anonymous source, in Tor Browser
 * with JavaScript off, gets a codename, sends messages and files, and
 * comes back later.  It may append to the inbox and read what is addressed
 * to the logged-in source; nothing else.
 *
 * Every route is listed in routes.c.  Handlers never see the client's
 * address, and nothing here logs a request.
 */
#ifndef SZ_WEB_SOURCE_H
#define SZ_WEB_SOURCE_H

#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <time.h>

#include "core/clock.h"
#include "http/server.h"
#include "http/session.h"
#include "store/instance.h"
#include "web/brand.h"
#include "web/i18n.h"
#include "store/staging.h"
#include "web/budget.h"
#include "web/web.h"

#define SZ_SOURCE_SITE "samizdat"
#define SZ_SOURCE_COOKIE "sz_source"
#define SZ_SOURCE_PRE_COOKIE "sz_pre"
#define SZ_SOURCE_ARGON2_SLOTS 2
#define SZ_SOURCE_NEW_MIN 60      /* a codename shown must be confirmed
                                     within this many minutes */

/* Codename attempts are charged to the pre-login token (web/budget.h):
 * the token's nonce, zero-padded, is the key. */
void sz_source_budget_key(const uint8_t nonce[SZ_WEB_PRE_NONCE],
	uint8_t key[SZ_BUDGET_KEY]);

/* What the inbox takes in per source and per day (quota.c). */
struct sz_source_quota {
	pthread_mutex_t mu;
	char day[SZ_STORE_DAY_SIZE];   /* the UTC day the counts are for */
	struct sz_quota_entry *v;
	size_t cap;
	uint64_t global_bytes;
	uint64_t clock;
};

/* One submission's reservation. */
struct sz_quota_hold {
	bool active;
	int64_t source_id;
	char day[SZ_STORE_DAY_SIZE];
	uint64_t bytes;          /* reserved */
	uint64_t received;       /* arrived so far */
};

int sz_source_quota_init(struct sz_source_quota *q, size_t sessions,
	struct sz_err *err);
void sz_source_quota_free(struct sz_source_quota *q);

struct sz_source_app {
	struct sz_instance *in;
	/* logged-in sources only: a first visit needs no session */
	struct sz_sessions sessions;
	struct sz_budget budget;
	struct sz_source_quota quota;
	/* Argon2id runs at once, each costing argon2_memlimit_mb */
	sem_t argon2_slots;
	/* submissions and new sources held until their period ends, and
	 * the thread that stores each period (store/staging.h) */
	struct sz_clock clock;
	struct sz_staging *staging;
	struct sz_committer *committer;
	/* seals the codename a first visit is shown into its own form */
	uint8_t *seal_key;         /* sodium_malloc'd, this process only */
	/* the newsroom's name, introduction and logo: a copy of the face's
	 * (loaded before the lock-in, cli/faces.c), not owned */
	struct sz_brand brand;
};

/* brand must outlive app.  With $SAMIZDAT_TEST_CLOCK set, periods follow
 * the test clock in that file (core/clock.h), and serve says so. */
int sz_source_app_init(struct sz_source_app *app, struct sz_instance *in,
	const struct sz_brand *brand, struct sz_err *err);
/* Stores every submission held now, whatever its period (at a stop
 * signal, before requests in flight are waited for). */
void sz_source_app_store_held(struct sz_source_app *app);
/* Stores every submission held, then frees (after the faces stopped). */
void sz_source_app_free(struct sz_source_app *app);

/* The route table. */
const struct sz_route *sz_source_routes(size_t *n);
/* Renders an error page in the face's look and the reader's language
 * (a message that is a msgid of the catalogue is shown translated), with
 * a link back to where the source was: their own page when logged in. */
void sz_source_error_page(struct sz_request *rq, unsigned status,
	const char *message);

/* ---- shared by the handlers (app.c) ---- */

/* Opens a page of the face in language L: the newsroom's name and logo,
 * and the language switcher, whose links lead to this page or, for a page
 * that answers a form (which cannot be fetched again), to back. */
int sz_source_page_begin(struct sz_request *rq, const struct sz_lang *L,
	const char *title, const char *back);
/* GET /logo.png, /logo.svg */
int sz_source_logo(struct sz_request *rq);

/* The request's session, if its cookie names a live one. */
bool sz_source_session(struct sz_request *rq, struct sz_session *s);
/* Sets the session cookie on the response. */
void sz_source_set_cookie(struct sz_request *rq, const struct sz_session *s);
/* A 303 redirect to path. */
int sz_source_redirect(struct sz_request *rq, const char *path);
/* A CSRF token for visitors without a session (the start page's login
 * form): a random nonce and its keyed MAC, also set as a cookie, so the
 * start page costs the server no memory per visitor. */
void sz_source_pre_token(struct sz_request *rq,
	char out[SZ_SESSION_TOKEN_LEN + 1]);
/* Checks a form's token against the pre-session cookie, its MAC and its
 * age; hands back its nonce. */
bool sz_source_pre_token_ok(struct sz_request *rq, const char *token,
	uint8_t nonce[SZ_WEB_PRE_NONCE]);
/* Derives a source's keys from a typed codename, under the Argon2 slots
 * (SZ_E_LIMIT if none came free in time).  A malformed codename is still
 * derived (from a fixed dummy), so the answer and its timing do not
 * depend on why a codename is wrong. */
int sz_source_derive(struct sz_source_app *app, const char *typed,
	size_t len, void *keys /* struct sz_source_keys * */);

/* Quotas, for the submit path: before anything is written (free disk,
 * the source's and everyone's bytes today, the source's submissions
 * today, from the declared length), as bytes arrive, and at the end
 * (kept: what arrived counts; not kept: nothing does).  A refusal marks
 * the request with a page saying which limit. */
/* The desk a source writes to (*desk; 0: none) and whether it is fixed
 * (*fixed): chosen with its first submission, stored or still held
 * (store/staging.h).  It only reads (form.c). */
int sz_source_desk(struct sz_source_app *app, int64_t source_id,
	int64_t *desk, bool *fixed, struct sz_err *err);

int sz_source_quota_begin(struct sz_request *rq, int64_t source_id,
	struct sz_quota_hold *h);
int sz_source_quota_more(struct sz_request *rq, struct sz_quota_hold *h,
	size_t n);
void sz_source_quota_end(struct sz_source_app *app, struct sz_quota_hold *h,
	bool kept);

/* Page handlers. */
int sz_source_landing(struct sz_request *rq);
int sz_source_new_get(struct sz_request *rq);
int sz_source_new_post(struct sz_request *rq);
int sz_source_login(struct sz_request *rq);
int sz_source_logout(struct sz_request *rq);
int sz_source_home(struct sz_request *rq);
/* The submissions a logged-in source has made: stored, held by this
 * process, or (the session's floor) held by another process of the face
 * until its period ends. */
int64_t sz_source_sent_count(struct sz_source_app *app,
	const struct sz_session *s);
int sz_source_reply_delete(struct sz_request *rq);
/* The most a login form may carry: a codename, or after a session ended
 * a message too (form.c), URL-encoded (up to three bytes a byte).  A
 * longer message is shown to be copied instead. */
#define SZ_SOURCE_LOGIN_BODY_MAX (64 * 1024)
#define SZ_SOURCE_CARRY_MAX (SZ_SOURCE_LOGIN_BODY_MAX / 3 - 1024)

/* The login form (pages.c), with the pre-login token given (the one the
 * codename attempts are charged to), or a new one (which sets its
 * cookie); message, if not NULL, goes with it in a text box of its own,
 * and comes back in the submission form once logged in. */
void sz_source_login_form(struct sz_request *rq, const struct sz_lang *L,
	const char *token, const char *message);
/* The submission form came back stale (form.c): the source's own page
 * again (s logged in) or, its session gone (s NULL), the login form,
 * either with message (NUL-terminated, or NULL) filled in and a word on
 * the files, which a browser cannot be made to choose again. */
int sz_source_form_again(struct sz_request *rq, const struct sz_session *s,
	const char *message, uint64_t files);
/* The submission form for the logged-in source s (form.c): the desks it
 * may choose, then the message, filled in with message (NULL: empty),
 * then the files. */
void sz_source_submit_form(struct sz_request *rq, const struct sz_lang *L,
	const struct sz_session *s, const char *message);
/* The upload (submit.c). */
int sz_source_submit_begin(struct sz_request *rq);
int sz_source_submit_data(struct sz_request *rq, const uint8_t *data,
	size_t len);
int sz_source_submit(struct sz_request *rq);
void sz_source_submit_cleanup(struct sz_request *rq);

#endif
