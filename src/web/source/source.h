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
#include "store/staging.h"

#define SZ_SOURCE_SITE "samizdat"
#define SZ_SOURCE_COOKIE "sz_source"
#define SZ_SOURCE_PRE_COOKIE "sz_pre"
#define SZ_SOURCE_ARGON2_SLOTS 2

struct sz_source_app {
	struct sz_instance *in;
	struct sz_sessions sessions;
	/* codename attempts, for all sources together (no addresses to
	 * count by, by design) */
	pthread_mutex_t attempts_mu;
	time_t attempts_window;
	unsigned attempts;
	/* Argon2id runs at once, each costing argon2_memlimit_mb */
	sem_t argon2_slots;
	/* submissions and new sources held until their period ends, and
	 * the thread that stores each period (store/staging.h) */
	struct sz_clock clock;
	struct sz_staging *staging;
	struct sz_committer *committer;
};

/* With $SAMIZDAT_TEST_CLOCK set, periods follow the test clock in that
 * file (core/clock.h), and serve says so. */
int sz_source_app_init(struct sz_source_app *app, struct sz_instance *in,
	struct sz_err *err);
/* Stores every submission held, then frees (after the faces stopped). */
void sz_source_app_free(struct sz_source_app *app);

/* The route table. */
const struct sz_route *sz_source_routes(size_t *n);
/* Renders an error page in the face's look. */
void sz_source_error_page(struct sz_request *rq, unsigned status,
	const char *message);

/* ---- shared by the handlers (app.c) ---- */

/* The request's session, if its cookie names a live one. */
bool sz_source_session(struct sz_request *rq, struct sz_session *s);
/* The request's session, or a new one (setting the cookie). */
int sz_source_session_or_new(struct sz_request *rq, struct sz_session *s);
/* Sets the session cookie on the response. */
void sz_source_set_cookie(struct sz_request *rq, const struct sz_session *s);
/* A 303 redirect to path. */
int sz_source_redirect(struct sz_request *rq, const char *path);
/* A CSRF token for visitors without a session (the start page's login
 * form): a random nonce and its keyed MAC, also set as a cookie, so the
 * start page costs the server no memory per visitor. */
void sz_source_pre_token(struct sz_request *rq,
	char out[SZ_SESSION_TOKEN_LEN + 1]);
/* Checks a form's token against the pre-session cookie and its MAC. */
bool sz_source_pre_token_ok(struct sz_request *rq, const char *token);
/* Takes one codename attempt from the global budget; false when spent. */
bool sz_source_attempt(struct sz_source_app *app);
/* Derives a source's keys from a typed codename, under the Argon2 slots.
 * A malformed codename is still derived (from a fixed dummy), so the
 * answer and its timing do not depend on why a codename is wrong. */
int sz_source_derive(struct sz_source_app *app, const char *typed,
	size_t len, void *keys /* struct sz_source_keys * */);

/* Page handlers. */
int sz_source_landing(struct sz_request *rq);
int sz_source_new_get(struct sz_request *rq);
int sz_source_new_post(struct sz_request *rq);
int sz_source_login(struct sz_request *rq);
int sz_source_logout(struct sz_request *rq);
int sz_source_home(struct sz_request *rq);
/* The upload (submit.c). */
int sz_source_submit_begin(struct sz_request *rq);
int sz_source_submit_data(struct sz_request *rq, const uint8_t *data,
	size_t len);
int sz_source_submit(struct sz_request *rq);
void sz_source_submit_cleanup(struct sz_request *rq);

#endif
