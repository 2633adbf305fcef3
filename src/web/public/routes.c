/* routes.c - every URL the public face answers, in one table. */
#include "web/public/public.h"
#include "web/web.h"

/* The archive's pages: the path names the page (web/archive/pages.h). */
#define PAGE(path) { "GET", path, sz_public_page, 0, NULL, NULL, NULL }

static const struct sz_route routes[] = {
	PAGE("/"),
	{ "GET", "/style.css", sz_public_style, 0, NULL, NULL, NULL },
	{ "GET", "/logo.png", sz_public_logo, 0, NULL, NULL, NULL },
	{ "GET", "/logo.svg", sz_public_logo, 0, NULL, NULL, NULL },
	PAGE("/feed.atom"),
	PAGE("/search"),
	PAGE("/release/:id"),
	PAGE("/doc/:id"),
	{ "GET", "/file/:id", sz_public_file, 0, NULL, NULL, NULL },
	PAGE("/email/:id"),
	PAGE("/thread/:thread"),
	PAGE("/from/:address"),
	PAGE("/to/:address"),
	PAGE("/api/v1"),
	PAGE("/api/v1/releases"),
	PAGE("/api/v1/search"),
	PAGE("/api/v1/releases/:id"),
	PAGE("/api/v1/documents/:id"),
	PAGE("/api/v1/emails/:id"),
};

const struct sz_route *sz_public_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}
