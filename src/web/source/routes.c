/* routes.c - every URL the source face answers, in one table. */
#include "web/source/source.h"
#include "web/web.h"

static const struct sz_route routes[] = {
	{ "GET", "/", sz_source_landing, 0, NULL, NULL, NULL },
	{ "GET", "/style.css", sz_web_style, 0, NULL, NULL, NULL },
	{ "GET", "/logo.png", sz_source_logo, 0, NULL, NULL, NULL },
	{ "GET", "/logo.svg", sz_source_logo, 0, NULL, NULL, NULL },
	{ "GET", "/new", sz_source_new_get, 0, NULL, NULL, NULL },
	{ "POST", "/new", sz_source_new_post, 4096, NULL, NULL, NULL },
	{ "POST", "/login", sz_source_login, SZ_SOURCE_LOGIN_BODY_MAX, NULL,
	  NULL, NULL },
	{ "GET", "/source", sz_source_home, 0, NULL, NULL, NULL },
	{ "POST", "/submit", sz_source_submit, 0, sz_source_submit_begin,
	  sz_source_submit_data, sz_source_submit_cleanup },
	{ "POST", "/logout", sz_source_logout, 4096, NULL, NULL, NULL },
	{ "POST", "/reply/delete", sz_source_reply_delete, 4096, NULL, NULL,
	  NULL },
};

const struct sz_route *sz_source_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}
