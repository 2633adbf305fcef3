/* routes.c - every URL the editor face answers, in one table. */
#include "web/editor/editor.h"
#include "web/web.h"

/* The archive's pages, drafts included (preview.c): the path after
 * /preview names the page (web/archive/pages.h). */
#define PREVIEW(path) { "GET", path, sz_editor_preview, 0, NULL, NULL, NULL }
/* The forum's pages, for staff (forum.c). */
#define FORUM(path) { "GET", path, sz_editor_forum, 0, NULL, NULL, NULL }

static const struct sz_route routes[] = {
	{ "GET", "/", sz_editor_login_page, 0, NULL, NULL, NULL },
	{ "GET", "/style.css", sz_web_style, 0, NULL, NULL, NULL },
	{ "POST", "/login", sz_editor_login, 4096, NULL, NULL, NULL },
	{ "POST", "/logout", sz_editor_logout, 4096, NULL, NULL, NULL },
	{ "GET", "/inbox", sz_editor_inbox, 0, NULL, NULL, NULL },
	{ "GET", "/source", sz_editor_source, 0, NULL, NULL, NULL },
	{ "GET", "/download", sz_editor_download, 0, NULL, NULL, NULL },
	{ "GET", "/archive", sz_editor_archive, 0, NULL, NULL, NULL },
	{ "POST", "/reply", sz_editor_reply, 80 * 1024, NULL, NULL, NULL },
	{ "POST", "/star", sz_editor_star, 4096, NULL, NULL, NULL },
	{ "POST", "/seen", sz_editor_seen, 4096, NULL, NULL, NULL },
	{ "POST", "/delete", sz_editor_delete, 4096, NULL, NULL, NULL },
	{ "GET", "/releases", sz_editor_releases, 0, NULL, NULL, NULL },
	{ "GET", "/release", sz_editor_release, 0, NULL, NULL, NULL },
	{ "POST", "/release/create", sz_editor_release_create, 64 * 1024, NULL,
	  NULL, NULL },
	{ "POST", "/release/state", sz_editor_release_state, 4096, NULL, NULL,
	  NULL },
	{ "POST", "/release/summary", sz_editor_release_summary, 64 * 1024,
	  NULL, NULL, NULL },
	{ "POST", "/release/edit", sz_editor_release_edit, 64 * 1024, NULL,
	  NULL, NULL },
	{ "GET", "/release/remove", sz_editor_release_remove_ask, 0, NULL,
		NULL, NULL },
	{ "POST", "/release/remove", sz_editor_release_remove, 4096, NULL,
	  NULL, NULL },
	{ "POST", "/release/raw", sz_editor_release_raw, 4096, NULL, NULL,
	  NULL },
	{ "POST", "/release/upload", sz_editor_upload, 0,
	  sz_editor_upload_begin, sz_editor_upload_data,
	  sz_editor_upload_cleanup },
	PREVIEW("/preview"),
	PREVIEW("/preview/search"),
	PREVIEW("/preview/feed.atom"),
	PREVIEW("/preview/release/:id"),
	PREVIEW("/preview/doc/:id"),
	{ "GET", "/preview/file/:id", sz_editor_preview_file, 0, NULL, NULL,
	  NULL },
	PREVIEW("/preview/email/:id"),
	PREVIEW("/preview/thread/:thread"),
	PREVIEW("/preview/from/:address"),
	PREVIEW("/preview/to/:address"),
	FORUM("/forum"),
	FORUM("/forum/queue"),
	FORUM("/forum/log"),
	FORUM("/forum/log/older/:key"),
	FORUM("/forum/board/:id"),
	FORUM("/forum/board/:id/older/:key"),
	FORUM("/forum/board/:id/newer/:key"),
	FORUM("/forum/thread/:id"),
	FORUM("/forum/thread/:id/page/:n"),
	FORUM("/forum/member/:id"),
	FORUM("/forum/post/:id/history"),
	{ "GET", "/forum/post/:id", sz_editor_forum_post_link, 0, NULL, NULL,
	  NULL },
	{ "POST", "/forum/mod/post/:id", sz_editor_forum_mod, 4096, NULL, NULL,
	  NULL },
	{ "POST", "/forum/mod/thread/:id", sz_editor_forum_mod, 4096, NULL, NULL,
	  NULL },
	{ "POST", "/forum/mod/member/:id", sz_editor_forum_mod, 4096, NULL, NULL,
	  NULL },
	PREVIEW("/preview/browse"),
	PREVIEW("/preview/browse/months"),
	PREVIEW("/preview/browse/month/:month"),
	PREVIEW("/preview/browse/senders"),
	PREVIEW("/preview/browse/recipients"),
};

const struct sz_route *sz_editor_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}
