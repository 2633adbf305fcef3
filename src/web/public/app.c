/*
 * app.c - the public face's state over what the instance opened for it
 * (the archive read-only, the forum read-write), the settings that bound
 * what a reader may cost, members' sessions; and its two archive
 * handlers: every archive page through the page layer (with the
 * discussion under it), and files.
 */
#include <stdio.h>
#include <sodium.h>
#include <string.h>

#include "web/public/public.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/web.h"

int sz_public_app_init(struct sz_public_app *app, struct sz_instance *in,
	const struct sz_brand *brand, struct sz_err *err)
{
	memset(app, 0, sizeof(*app));
	app->site.archive = in->archive;
	app->site.links = SZ_LINKS_ROOTED;
	app->site.prefix = "";
	app->cfg = in->cfg;
	app->site.search_ms = (unsigned)app->cfg.search_time_ms;
	app->forum.forum = in->forum;
	int rc = sz_sessions_init(&app->sessions, app->cfg.max_sessions,
		(unsigned)app->cfg.forum_session_idle_min * 60, err);
	/* every public session is a member's: a full table ends the one idle
	 * longest rather than refusing every login, and a member keeps at
	 * most a few, so a handful of accounts cannot fill it (or churn
	 * others out faster than they use the forum) */
	app->sessions.evict_logged_in = true;
	app->sessions.per_user_max = SZ_PUBLIC_SESSIONS_PER_MEMBER;
	if (rc == 0 && (app->slots = sz_forum_slots_new(&app->cfg,
	    SZ_FORUM_ARGON2_SLOTS)) == NULL)
		rc = sz_err_set(err, SZ_E_NOMEM, "not enough memory for Argon2id "
			"(forum.argon2_memlimit_mb)");
	if (rc == 0 && (app->cache = sz_forum_cache_new()) == NULL)
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	if (rc != 0)
		return rc;
	app->forum.cfg = &app->cfg;
	app->forum.slots = app->slots;
	app->forum.links = SZ_LINKS_ROOTED;
	app->forum.prefix = "";
	app->forum.name = SZ_PUBLIC_SITE;
	sz_forum_discussion(&app->discussion, &app->forum);
	const char (*flags)[SZ_FORUM_COUNTRY_MAX + 1];
	sz_forum_flags(&flags);   /* listed once, at start */
	app->site.discussion = &app->discussion;
	/* Pre-session tokens need a key; this face holds none of the
	 * instance's secrets, so it makes one that lives as long as it. */
	randombytes_buf(app->pre_key, sizeof(app->pre_key));
	/* the newsroom's name, introduction (each reader's language is
	 * picked per page, sz_public_page) and logo, as on the source face */
	app->brand = *brand;
	app->site.name = app->brand.cfg != NULL && app->brand.cfg->name[0] ?
		app->brand.name : NULL;
	app->site.logo = app->brand.logo_url;
	app->site.intro = sz_brand_intro(&app->brand, NULL);
	/* where readers reach the face, for feeds' links and ids */
	app->site.public_url = app->brand.cfg != NULL ?
		app->brand.cfg->public_url : NULL;
	app->site.cacheable = true;
	return 0;
}

void sz_public_app_free(struct sz_public_app *app)
{
	app->site.archive = NULL;   /* the instance's */
	app->forum.forum = NULL;    /* the instance's */
	sz_sessions_free(&app->sessions);
	sz_forum_slots_free(app->slots);
	app->slots = NULL;
	sz_forum_cache_free(app->cache);
	app->cache = NULL;
	sodium_memzero(app->pre_key, sizeof(app->pre_key));
}

/* The newsroom's name, for the error pages. */
static const char *app_name(struct sz_request *rq)
{
	const struct sz_public_app *app = rq->app;
	return app != NULL && app->brand.name != NULL ? app->brand.name :
		SZ_PUBLIC_SITE;
}

/* An error page's frame: the newsroom's name and logo, and the language
 * switcher, as on the archive's pages. */
static int error_open(struct sz_request *rq, const struct sz_lang *L,
	const char *title, const char *back)
{
	const struct sz_public_app *app = rq->app;
	char switch_to[SZ_PAGES_LINK_BASE];
	sz_web_switch_url(rq, back, switch_to, sizeof(switch_to));
	struct sz_html_frame f = { .site = app_name(rq), .title = title,
		.lang = L, .logo = app ? app->brand.logo_url : NULL,
		.switch_to = switch_to };
	return sz_html_frame_open(&rq->page, &f);
}

void sz_public_error_page(struct sz_request *rq, unsigned status,
	const char *message)
{
	const struct sz_lang *L = sz_web_lang(rq);
	rq->page.len = 0;
	rq->status = status;
	/* a forum action's refusal is an English sentence marked N_() */
	sz_web_error_frame(rq, L, status, _(L, message), "/",
		_(L, "Back to the start page"), error_open);
}

int sz_public_page(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	struct sz_forum_viewer v;
	struct sz_session s;
	sz_public_viewer(rq, &v, &s);
	/* A member's page carries their session's forms: theirs alone, never
	 * in a shared cache. */
	struct sz_site site = app->site;
	site.cacheable = app->site.cacheable && !v.member;
	site.intro = sz_brand_intro(&app->brand, sz_web_lang(rq));
	int rc = sz_web_archive_page_as(rq, &site, &v, sz_public_error_page);
	sodium_memzero(&s, sizeof(s));
	sodium_memzero(&v, sizeof(v));
	return rc;
}

int sz_public_logo(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	return sz_brand_logo(rq, &app->brand);
}

int sz_public_file(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	return sz_web_archive_file(rq, &app->site, sz_public_error_page);
}

int sz_public_style(struct sz_request *rq)
{
	/* The same for every reader: any cache may keep it a day. */
	rq->cache_control = "public, max-age=86400";
	return sz_web_style(rq);
}
