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

#define SZ_PUBLIC_SITE SZ_PAGES_SITE

struct sz_public_app {
	struct sz_site site;        /* the archive, read-only, no drafts */
	char public_url[SZ_CONFIG_URL_SIZE];   /* site.public_url's */
};

/* Opens the archive in dir, with the instance's settings for it (the
 * search budget; public_url, where readers reach the face, for feeds'
 * links and ids). */
int sz_public_app_init(struct sz_public_app *app, const char *dir,
	struct sz_err *err);
void sz_public_app_free(struct sz_public_app *app);
const struct sz_route *sz_public_routes(size_t *n);
void sz_public_error_page(struct sz_request *rq, unsigned status,
	const char *message);

/* Every page (the route's variant says which), and the file downloads. */
int sz_public_page(struct sz_request *rq);
int sz_public_file(struct sz_request *rq);
/* The stylesheet, cacheable (the editor and source faces' is not). */
int sz_public_style(struct sz_request *rq);

#endif
