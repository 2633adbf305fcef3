/*
 * web.h - pieces every face shares: the stylesheet, error pages, the
 * pre-session CSRF token, and archive pages served on a request.
 */
#ifndef SZ_WEB_WEB_H
#define SZ_WEB_WEB_H

#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/i18n.h"
#include "http/server.h"
#include "http/session.h"
#include "web/archive/pages.h"
#include "web/forum/forum.h"

/* The session named by cookie `name`, if it is live (and refreshed). */
bool sz_web_session(struct sz_request *rq, struct sz_sessions *t,
	const char *name, struct sz_session *s);
/* Sets cookie `name` to the session's id: HttpOnly, SameSite=Strict, no
 * Max-Age (gone when the browser closes), no Secure (onion services are
 * plain HTTP; Tor encrypts). */
void sz_web_set_session_cookie(struct sz_request *rq, const char *name,
	const struct sz_session *s);

/* Takes one of a bounded number of slots for costly work (Argon2id: each
 * run holds tens of MiB), waiting at most SZ_WEB_SLOT_WAIT_S; false when
 * none came free, so a flood of logins queues no further than that and
 * gets a "busy" page instead of holding threads and memory. */
#define SZ_WEB_SLOT_WAIT_S 10
bool sz_web_slot_take(sem_t *slots);

/* GET /style.css */
int sz_web_style(struct sz_request *rq);
/* The stylesheet every face serves, appended to out (a mirror writes it
 * as a file). */
int sz_web_stylesheet(struct sz_buf *out);
/* An error page with the face's name, in English. */
void sz_web_error_page(struct sz_request *rq, const char *site,
	unsigned status, const char *message);
/* Opens a page of a face in language L (its frame: name, logo, switcher);
 * back is where the switcher leads when rq answers a form. */
typedef int (*sz_web_page_open_fn)(struct sz_request *rq,
	const struct sz_lang *L, const char *title, const char *back);
/* An error page in language L, opened by open: a title for the status,
 * the message (looked up in L's catalogue: what handlers give
 * sz_request_fail is marked N_, core/i18n.h) and a link to back. */
void sz_web_error_frame(struct sz_request *rq, const struct sz_lang *L,
	unsigned status, const char *message, const char *back,
	const char *back_label, sz_web_page_open_fn open);
/* A token for a visitor without a session; sets cookie.  It carries a
 * random nonce and the minute it was made, masked under key (only in
 * the token: nothing is kept on the server; nobody without the key reads
 * the minute), and is good for SZ_WEB_PRE_TOKEN_MIN minutes. */
#define SZ_WEB_PRE_TOKEN_MIN 60
#define SZ_WEB_PRE_NONCE 12
void sz_web_pre_token(struct sz_request *rq, const uint8_t key[32],
	const char *cookie, char out[SZ_SESSION_TOKEN_LEN + 1]);
/* Checks a form's token against the cookie, the MAC and its age. */
bool sz_web_pre_token_ok(struct sz_request *rq, const uint8_t key[32],
	const char *cookie, const char *token);
/* The same, handing back the token's nonce (what the source face counts
 * codename attempts under). */
bool sz_web_pre_token_check(struct sz_request *rq, const uint8_t key[32],
	const char *cookie, const char *token,
	uint8_t nonce[SZ_WEB_PRE_NONCE]);

/* Answers with the archive page that rq's route names (its pattern, less
 * the site's prefix, is the page's path: "/preview/doc/:id" is
 * "/doc/:id"), made from site; its parameters come from the path (":id",
 * ":thread", ":address") and the query (q, page).  A page that does not
 * exist gets error_page. */
int sz_web_archive_page(struct sz_request *rq, const struct sz_site *site,
	sz_error_page_fn error_page);
/* The same, for a viewer the site's discussion hook is given. */
int sz_web_archive_page_as(struct sz_request *rq, const struct sz_site *site,
	const void *viewer, sz_error_page_fn error_page);
/* Ends a request with what a page layer rendered into rq->page: rc not
 * 0, a 500 saying unreadable; a message, error_page with status; else
 * the page with its status and content type. */
int sz_web_rendered(struct sz_request *rq, int rc, unsigned status,
	const char *message, const char *content_type, const char *unreadable,
	sz_error_page_fn error_page);
/* A forum page's parameters (serve_forum.c): from rq's path (":id",
 * ":key", ":n") and query (after, page, quote, note). */
void sz_web_forum_args(struct sz_request *rq, struct sz_forum_args *a);
/* Answers with the forum page rq's route names (its pattern, less the
 * site's prefix, is the page's), as v sees it; a missing page gets
 * error_page.  A member's reading of a thread is noted. */
int sz_web_forum_page(struct sz_request *rq, const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, const struct sz_forum_args *args,
	sz_error_page_fn error_page);
/* Answers with the stored file of document ":id", if site shows it. */
int sz_web_archive_file(struct sz_request *rq, const struct sz_site *site,
	sz_error_page_fn error_page);

#endif
