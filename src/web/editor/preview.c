/*
 * preview.c - /preview/...: the public face's own pages, drafts included,
 * for logged-in editors: what a release will look like, exactly, before
 * it is published.  Links stay under /preview.
 */
#include <sodium.h>
#include <string.h>

#include "web/editor/editor.h"

static const struct {
	const char *prefix;
	int (*handle)(struct sz_request *rq);
} pages[] = {
	{ "/release/", sz_public_release },
	{ "/doc/", sz_public_document },
	{ "/file/", sz_public_file },
	{ "/email/", sz_public_email },
	{ "/thread/", sz_public_thread },
	{ "/from/", sz_public_sender },
	{ "/to/", sz_public_recipient },
	{ "/search", sz_public_search },
	{ "/feed.atom", sz_public_feed },
};

int sz_editor_preview(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_session s;
	if (!sz_editor_require(rq, &s))
		return 0;
	sodium_memzero(&s, sizeof(s));
	const char *path = rq->path + strlen("/preview");
	rq->app = &app->preview;
	rq->path = path[0] ? path : "/";
	for (size_t i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (strncmp(rq->path, pages[i].prefix, strlen(pages[i].prefix)) == 0)
			return pages[i].handle(rq);
	return sz_public_home(rq);
}
