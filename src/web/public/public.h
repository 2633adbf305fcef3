/*
 * public.h - the public face: the archive as readers see it, plain HTML
 * without JavaScript (Tor Browser's Safest mode), an Atom feed, and a
 * read-only JSON API.  The pages themselves are the archive page layer's
 * (web/archive/pages.h); this face serves them, published releases only.
 *
 * It opens the archive read-only and nothing else: never the inbox, the
 * blob tree or the instance's secrets (DESIGN.md §1).
 */
#ifndef SZ_WEB_PUBLIC_H
#define SZ_WEB_PUBLIC_H

#include <stdbool.h>

#include "core/config.h"
#include "http/server.h"
#include "web/archive/pages.h"
#include "web/brand.h"

#define SZ_PUBLIC_SITE SZ_PAGES_SITE

struct sz_public_app {
	struct sz_site site;        /* the archive, read-only, no drafts */
	struct sz_brand brand;      /* the newsroom's name, words and logo:
	                               a copy of the face's, not owned */
};

/* Serves archive (the instance's, opened read-only; not owned) under
 * brand (loaded before the lock-in, cli/faces.c; it must outlive app). */
void sz_public_app_init(struct sz_public_app *app, struct sz_archive *archive,
	unsigned search_ms, const struct sz_brand *brand);
const struct sz_route *sz_public_routes(size_t *n);
void sz_public_error_page(struct sz_request *rq, unsigned status,
	const char *message);

/* Every page (the route's variant says which), and the file downloads. */
int sz_public_page(struct sz_request *rq);
int sz_public_file(struct sz_request *rq);
/* GET /logo.png, /logo.svg: the newsroom's logo, scrubbed (web/brand.h). */
int sz_public_logo(struct sz_request *rq);
/* The stylesheet, cacheable (the editor and source faces' is not). */
int sz_public_style(struct sz_request *rq);

#endif
