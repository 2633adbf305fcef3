/* routes.c - every URL the public face answers, in one table. */
#include "web/public/public.h"
#include "web/web.h"

static const struct sz_route routes[] = {
	{ "GET", "/", sz_public_home, 0, NULL, NULL, NULL },
	{ "GET", "/style.css", sz_web_style, 0, NULL, NULL, NULL },
	{ "GET", "/feed.atom", sz_public_feed, 0, NULL, NULL, NULL },
	{ "GET", "/search", sz_public_search, 0, NULL, NULL, NULL },
	{ "GET", "/release/*", sz_public_release, 0, NULL, NULL, NULL },
	{ "GET", "/doc/*", sz_public_document, 0, NULL, NULL, NULL },
	{ "GET", "/file/*", sz_public_file, 0, NULL, NULL, NULL },
	{ "GET", "/email/*", sz_public_email, 0, NULL, NULL, NULL },
	{ "GET", "/thread/*", sz_public_thread, 0, NULL, NULL, NULL },
	{ "GET", "/from/*", sz_public_sender, 0, NULL, NULL, NULL },
	{ "GET", "/to/*", sz_public_recipient, 0, NULL, NULL, NULL },
	{ "GET", "/api/v1/releases", sz_public_api, 0, NULL, NULL, NULL },
	{ "GET", "/api/v1/search", sz_public_api, 0, NULL, NULL, NULL },
	{ "GET", "/api/v1/releases/*", sz_public_api, 0, NULL, NULL, NULL },
	{ "GET", "/api/v1/documents/*", sz_public_api, 0, NULL, NULL, NULL },
	{ "GET", "/api/v1/emails/*", sz_public_api, 0, NULL, NULL, NULL },
};

const struct sz_route *sz_public_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}
