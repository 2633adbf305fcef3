/*
 * view.h - what the archive's pages share (view.c): the frame, links,
 * pagination, and a document or e-mail as one line of a list.  Internal
 * to src/web/archive/; the pages' interface is pages.h.
 *
 * Links: a page link is pg->base, the path ("/doc/12"), pg->suffix; a
 * file link (a download, the stylesheet) has no suffix.
 */
#ifndef SZ_WEB_ARCHIVE_VIEW_H
#define SZ_WEB_ARCHIVE_VIEW_H

#include "web/archive/pages.h"

/* Renderers, one family per file: each fills pg->out (and pg->status). */
int page_home(struct sz_page *pg, const struct sz_page_args *a);   /* home.c */
int page_feed(struct sz_page *pg, const struct sz_page_args *a);
int page_release(struct sz_page *pg, const struct sz_page_args *a); /* release.c */
int page_document(struct sz_page *pg, const struct sz_page_args *a); /* document.c */
int page_email(struct sz_page *pg, const struct sz_page_args *a);  /* email.c */
int page_thread(struct sz_page *pg, const struct sz_page_args *a);
int page_from(struct sz_page *pg, const struct sz_page_args *a);
int page_to(struct sz_page *pg, const struct sz_page_args *a);
int page_search(struct sz_page *pg, const struct sz_page_args *a); /* search.c */
int api_releases(struct sz_page *pg, const struct sz_page_args *a); /* api.c */
int api_release(struct sz_page *pg, const struct sz_page_args *a);
int api_document(struct sz_page *pg, const struct sz_page_args *a);
int api_email(struct sz_page *pg, const struct sz_page_args *a);
int api_search(struct sz_page *pg, const struct sz_page_args *a);
int api_index(struct sz_page *pg, const struct sz_page_args *a);
int page_browse(struct sz_page *pg, const struct sz_page_args *a); /* browse.c */
int page_months(struct sz_page *pg, const struct sz_page_args *a);
int page_month(struct sz_page *pg, const struct sz_page_args *a);
int page_senders(struct sz_page *pg, const struct sz_page_args *a);
int page_recipients(struct sz_page *pg, const struct sz_page_args *a);

/* The frame: the page's head, the site's header and, where the site can
 * search, the search form. */
int view_begin(struct sz_page *pg, const char *title);
int view_end(struct sz_page *pg);
/* The page does not exist: status 404 and what to tell the reader (an
 * English msgid marked N_: the face's error page translates it). */
int view_not_found(struct sz_page *pg, const char *what);
/* Whether the site answers searches (not a static copy). */
bool view_searchable(const struct sz_page *pg);
/* Appends the link to the page at path ("/" is the start page). */
int view_link(struct sz_page *pg, struct sz_buf *b, const char *path);
/* The offset of the page's first item in a list. */
size_t view_offset(const struct sz_page *pg);
/* "Page 2 of 9 · previous · next" for the list at path; query is the
 * search text, or NULL. */
int view_pager(struct sz_page *pg, const char *path, const char *query,
	int64_t total);
/* One document or e-mail in a list, with an optional snippet (text with
 * match markers, store/search.h; escaped here). */
int view_doc_item(struct sz_page *pg, const struct sz_doc_row *d,
	const char *snippet);
/* "← previous · next →" within d's release (documents among documents,
 * e-mails among e-mails, in the release page's order). */
int view_adjacent(struct sz_page *pg, const struct sz_doc_row *d);
/* Whether a document or e-mail shows on this site. */
bool view_visible(const struct sz_page *pg, const struct sz_doc_row *d);
/* The value of header field name ("Date") in the header of a raw
 * message (its first len bytes), unfolded, printable ASCII, at most
 * cap - 1 bytes; false if the header has none (header.c). */
bool view_header_field(const char *head, size_t len, const char *name,
	char *out, size_t cap);
/* The next address of a list as the archive keeps it ("Name <a@b>,
 * c@d"): its display name ("" if none) and address, each cut to fit;
 * *list moves past it.  False when the list is done (header.c). */
bool view_address_next(const char **list, char *name, size_t ncap,
	char *addr, size_t acap);
/* A search's order from ?sort= ("newest", "oldest"; anything else is
 * relevance). */
enum sz_archive_order view_order_of(const char *sort);
/* The discussion of a release, document or e-mail, if the site has a
 * hook for it (pages.h). */
int view_discussion(struct sz_page *pg, const struct sz_page_args *a,
	enum sz_discussed kind, int64_t id, const char *title);
/* A date as YYYY-MM-DD HH:MM UTC. */
void view_date(const struct sz_page *pg, int64_t t, char *out, size_t cap);
int view_escape(struct sz_buf *b, const char *s);
/* Appends s percent-encoded for a URL path or query. */
int view_urlencode(struct sz_buf *b, const char *s);
/* Appends a key (an address) as this site writes it in paths
 * (sz_page_key). */
int view_key(struct sz_page *pg, struct sz_buf *b, const char *key);
/* "Page 2 of 9 · previous · next" for a list of total entries shown
 * per_page at a time. */
int view_pager_of(struct sz_page *pg, const char *path, const char *query,
	int64_t total, size_t per_page);

#endif
