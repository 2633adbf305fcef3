/*
 * app.c - the public face's state (the archive, which the instance opened
 * read-only, and the settings that bound what a reader may cost) and its
 * two handlers: every archive page through the page layer, and files.
 */
#include <string.h>

#include "web/public/public.h"
#include "web/web.h"

void sz_public_app_init(struct sz_public_app *app, struct sz_archive *archive,
	unsigned search_ms)
{
	memset(app, 0, sizeof(*app));
	app->site.archive = archive;
	app->site.links = SZ_LINKS_ROOTED;
	app->site.prefix = "";
	app->site.search_ms = search_ms;
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
