/* routes.c - every URL the editor face answers, in one table. */
#include "web/editor/editor.h"
#include "web/web.h"

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
};

const struct sz_route *sz_editor_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}
