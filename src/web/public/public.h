/*
 * public.h - the public face: the archive as readers see it, plain HTML
 * without JavaScript (Tor Browser's Safest mode), an Atom feed, and a
 * read-only JSON API; and the forum, where members discuss it.  The pages
 * themselves are the archive page layer's (web/archive/pages.h) and the
 * forum's (web/forum/forum.h); this face serves them.
 *
 * It has the archive read-only, and the forum's own database read-write
 * (forum.db: the only thing this face writes), and nothing else: never
 * the inbox, the blob tree or the instance's secrets (DESIGN.md §1).
 * Members' sessions live in memory only.
 */
#ifndef SZ_WEB_PUBLIC_H
#define SZ_WEB_PUBLIC_H

#include <stdbool.h>

#include "core/config.h"
#include "http/server.h"
#include "http/session.h"
#include "store/instance.h"
#include "web/archive/pages.h"
#include "web/forum/forum.h"
#include "web/brand.h"

#define SZ_PUBLIC_SITE SZ_PAGES_SITE
#define SZ_PUBLIC_COOKIE "sz_member"
#define SZ_PUBLIC_PRE_COOKIE "sz_member_pre"
/* A member's sessions at most (logged in from so many browsers): one
 * more login ends their session idle longest. */
#define SZ_PUBLIC_SESSIONS_PER_MEMBER 5

struct sz_public_app {
	struct sz_site site;        /* the archive, read-only, no drafts */
	struct sz_config cfg;
	struct sz_forum_site forum; /* the forum, read-write */
	struct sz_discussion discussion;   /* under the archive's pages */
	struct sz_sessions sessions;       /* members' */
	struct sz_forum_slots *slots;      /* password checks at once */
	struct sz_forum_cache *cache;      /* pages for readers not logged in */
	uint8_t pre_key[32];        /* for pre-session tokens; memory only */
	struct sz_brand brand;      /* the newsroom's name, words and logo:
	                               a copy of the face's, not owned */
};

/* Serves what the instance opened for this face (in->archive read-only,
 * in->forum read-write; neither owned, both outlive the app) under brand
 * (loaded before the lock-in, cli/faces.c; it must outlive app). */
int sz_public_app_init(struct sz_public_app *app, struct sz_instance *in,
	const struct sz_brand *brand, struct sz_err *err);
void sz_public_app_free(struct sz_public_app *app);
const struct sz_route *sz_public_routes(size_t *n);
void sz_public_error_page(struct sz_request *rq, unsigned status,
	const char *message);

/* Every page (the route's variant says which), and the file downloads. */
int sz_public_page(struct sz_request *rq);
int sz_public_file(struct sz_request *rq);
/* GET /logo.png, /logo.svg: the newsroom's logo, scrubbed (web/brand.h). */
int sz_public_logo(struct sz_request *rq);
/* The stylesheet, cacheable (the editor and source faces' is not). */
int sz_public_style(struct sz_request *rq);

/* ---- the forum (forum.c, forum_post.c) ---- */

/* Who is asking: a member with a live session (read fresh: a ban ends
 * it), or anonymous.  s gets the session (zeroed if none). */
void sz_public_viewer(struct sz_request *rq, struct sz_forum_viewer *v,
	struct sz_session *s);
/* A forum form's phases: its body parsed, the member's session and its
 * CSRF token checked.  False (with the request failed, a clear message
 * shown) if any is wrong. */
struct sz_form;
bool sz_public_forum_form(struct sz_request *rq, struct sz_form *form,
	struct sz_forum_viewer *v, struct sz_session *s);
/* Shows a forum page again (after a refusal) with args, in status. */
int sz_public_forum_again(struct sz_request *rq, enum sz_fpage kind,
	const struct sz_forum_viewer *v, const struct sz_forum_args *args,
	unsigned status);
/* Ends an action: a 303 to done->go, or its refusal as an error page. */
int sz_public_forum_done(struct sz_request *rq,
	const struct sz_forum_done *done);

int sz_public_forum(struct sz_request *rq);          /* GET pages */
int sz_public_forum_post_link(struct sz_request *rq);  /* /forum/post/:id */
int sz_public_forum_flag(struct sz_request *rq);     /* /forum/flag/:code */
int sz_public_forum_register(struct sz_request *rq);
int sz_public_forum_login(struct sz_request *rq);
int sz_public_forum_logout(struct sz_request *rq);
int sz_public_forum_new_thread(struct sz_request *rq);
int sz_public_forum_reply(struct sz_request *rq);
int sz_public_forum_comment(struct sz_request *rq);
int sz_public_forum_edit(struct sz_request *rq);
int sz_public_forum_delete(struct sz_request *rq);
int sz_public_forum_like(struct sz_request *rq);
int sz_public_forum_report(struct sz_request *rq);
int sz_public_forum_mod(struct sz_request *rq);
int sz_public_forum_account(struct sz_request *rq);

#endif
