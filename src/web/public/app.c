/*
 * app.c - the public face's state (the archive, which the instance opened
 * read-only, and the settings that bound what a reader may cost) and its
 * two handlers: every archive page through the page layer, and files.
 */
#include <stdio.h>
#include <string.h>

#include "web/public/public.h"
#include "web/web.h"

void sz_public_app_init(struct sz_public_app *app, struct sz_archive *archive,
	unsigned search_ms, const struct sz_brand *brand)
{
	memset(app, 0, sizeof(*app));
	app->site.archive = archive;
	app->site.links = SZ_LINKS_ROOTED;
	app->site.prefix = "";
	app->site.search_ms = search_ms;
	/* the newsroom's name, introduction (in English until the archive's
	 * pages are translated) and logo, as on the source face */
	app->brand = *brand;
	app->site.name = app->brand.cfg != NULL && app->brand.cfg->name[0] ?
		app->brand.name : NULL;
	app->site.logo = app->brand.logo_url;
	app->site.intro = sz_brand_intro(&app->brand, NULL);
	/* where readers reach the face, for feeds' links and ids */
	app->site.public_url = app->brand.cfg != NULL ?
		app->brand.cfg->public_url : NULL;
	app->site.cacheable = true;
}

/* The newsroom's name, for the error pages. */
static const char *app_name(struct sz_request *rq)
{
	const struct sz_public_app *app = rq->app;
	return app != NULL && app->brand.name != NULL ? app->brand.name :
		SZ_PUBLIC_SITE;
}

void sz_public_error_page(struct sz_request *rq, unsigned status,
	const char *message)
{
	rq->page.len = 0;
	rq->status = status;
	sz_web_error_page(rq, app_name(rq), status, message);
}

int sz_public_page(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	return sz_web_archive_page(rq, &app->site, sz_public_error_page);
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
