/*
 * public.h - the public face: the archive as readers see it, plain HTML
 * without JavaScript (Tor Browser's Safest mode), an Atom feed, and a
 * read-only JSON API.  It opens the archive only (never the inbox), and
 * shows drafts only when the app says so (the editors' preview).
 */
#ifndef SZ_WEB_PUBLIC_H
#define SZ_WEB_PUBLIC_H

#include <stdbool.h>

#include "http/server.h"
#include "store/archive.h"

#define SZ_PUBLIC_SITE "samizdat archive"
#define SZ_PUBLIC_PAGE_SIZE 20
#define SZ_PUBLIC_MAX_PAGE 100000u

struct sz_public_app {
	struct sz_archive *archive;
	bool drafts;                /* the editors' preview: drafts visible */
	const char *prefix;         /* "" or "/preview": where links point */
	unsigned search_ms;         /* a search's time budget (search_time_ms) */
};

int sz_public_app_init(struct sz_public_app *app, const char *dir,
	struct sz_err *err);
void sz_public_app_free(struct sz_public_app *app);
const struct sz_route *sz_public_routes(size_t *n);
void sz_public_error_page(struct sz_request *rq, unsigned status,
	const char *message);

/* Handlers, one family per file. */
int sz_public_home(struct sz_request *rq);       /* home.c */
int sz_public_feed(struct sz_request *rq);
int sz_public_release(struct sz_request *rq);    /* release.c */
int sz_public_document(struct sz_request *rq);   /* document.c */
int sz_public_file(struct sz_request *rq);
int sz_public_email(struct sz_request *rq);      /* email.c */
int sz_public_thread(struct sz_request *rq);
int sz_public_sender(struct sz_request *rq);
int sz_public_recipient(struct sz_request *rq);
int sz_public_search(struct sz_request *rq);     /* search.c */
int sz_public_api(struct sz_request *rq);        /* api.c */

/* view.c: what the pages share. */
struct sz_buf;
int view_begin(struct sz_request *rq, const char *title);
int view_end(struct sz_request *rq);
/* The number after the route's prefix ("/doc/12" -> 12), or 0. */
int64_t view_id(const struct sz_request *rq, const char *prefix);
/* The text after the route's prefix, URL-decoded into out; false if none. */
bool view_arg(const struct sz_request *rq, const char *prefix, char *out,
	size_t cap);
/* ?page=N (1-based) as an offset; out of range reads as the first page. */
size_t view_page(struct sz_request *rq, size_t *page);
/* "Page 2 of 9 · newer · older" links (base has the query so far). */
int view_pager(struct sz_buf *b, const char *base, size_t page,
	int64_t total);
/* One document or e-mail in a list, with an optional snippet (HTML). */
int view_doc_item(struct sz_buf *b, const struct sz_public_app *app,
	const struct sz_doc_row *d, const char *snippet);
/* A date as YYYY-MM-DD HH:MM UTC. */
void view_date(int64_t t, char *out, size_t cap);
/* A 404 in the face's style. */
int view_not_found(struct sz_request *rq, const char *what);
int view_escape(struct sz_buf *b, const char *s);
/* Appends s percent-encoded for a URL path or query. */
int view_urlencode(struct sz_buf *b, const char *s);

#endif
