/*
 * preview.c - /preview/...: the archive's pages, drafts included, for
 * logged-in editors: what a release will look like, exactly, before it is
 * published.  The pages are the archive page layer's, the same the public
 * face serves; links stay under /preview.
 */
#include <sodium.h>

#include "web/editor/editor.h"
#include "web/web.h"

/* The session, wiped at once: the preview needs only to know it is
 * there. */
static bool logged_in(struct sz_request *rq)
{
	struct sz_session s;
	if (!sz_editor_require(rq, &s))
		return false;
	sodium_memzero(&s, sizeof(s));
	return true;
}

int sz_editor_preview(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	if (!logged_in(rq))
		return 0;
	return sz_web_archive_page(rq, &app->preview, sz_editor_error_page);
}

int sz_editor_preview_file(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	if (!logged_in(rq))
		return 0;
	return sz_web_archive_file(rq, &app->preview, sz_editor_error_page);
}
