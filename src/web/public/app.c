/* app.c - the public face's state: the archive, opened read-only, and
 * the settings of the instance that bound what a reader may cost. */
#include <string.h>

#include "core/config.h"

#include "web/public/public.h"
#include "web/web.h"

int sz_public_app_init(struct sz_public_app *app, const char *dir,
	struct sz_err *err)
{
	memset(app, 0, sizeof(*app));
	app->prefix = "";
	struct sz_config cfg;
	if (sz_config_load(&cfg, dir, NULL) != SZ_OK)
		sz_config_defaults(&cfg);
	app->search_ms = (unsigned)cfg.search_time_ms;
	/* Created if missing, so a new instance serves an empty archive. */
	return sz_archive_open(&app->archive, dir, true, false, err);
}

void sz_public_app_free(struct sz_public_app *app)
{
	if (app->archive != NULL)
		app->archive->ops->close(app->archive);
	app->archive = NULL;
}

void sz_public_error_page(struct sz_request *rq, unsigned status,
	const char *message)
{
	rq->page.len = 0;
	rq->status = status;
	sz_web_error_page(rq, SZ_PUBLIC_SITE, status, message);
}
