/*
 * app.c - the public face's state, the archive opened read-only (with the
 * instance's settings that bound what a reader may cost), and its two
 * handlers: every archive page through the page layer, and files.
 */
#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "web/public/public.h"
#include "web/web.h"

int sz_public_app_init(struct sz_public_app *app, const char *dir,
	struct sz_err *err)
{
	memset(app, 0, sizeof(*app));
	app->site.links = SZ_LINKS_ROOTED;
	app->site.prefix = "";
	struct sz_config cfg;
	if (sz_config_load(&cfg, dir, NULL) != SZ_OK)
		sz_config_defaults(&cfg);
	app->site.search_ms = (unsigned)cfg.search_time_ms;
	snprintf(app->public_url, sizeof(app->public_url), "%s", cfg.public_url);
	app->site.public_url = app->public_url;
	app->site.cacheable = true;
	/* Created if missing, so a new instance serves an empty archive. */
	return sz_archive_open(&app->site.archive, dir, true, false, err);
}

void sz_public_app_free(struct sz_public_app *app)
{
	if (app->site.archive != NULL)
		app->site.archive->ops->close(app->site.archive);
	app->site.archive = NULL;
}

void sz_public_error_page(struct sz_request *rq, unsigned status,
	const char *message)
{
	rq->page.len = 0;
	rq->status = status;
	sz_web_error_page(rq, SZ_PUBLIC_SITE, status, message);
}

int sz_public_page(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	return sz_web_archive_page(rq, &app->site, sz_public_error_page);
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
