/*
 * pages.h - the archive's pages: the list of releases, a release, a
 * document, an e-mail, a thread, the e-mails from or to an address,
 * search results, the Atom feed and the JSON API, rendered from the
 * archive alone into a buffer.
 *
 * A site says how pages are made: which archive, whether drafts show, and
 * how links are written: rooted under a prefix ("" for the public face,
 * "/preview" for the editors' preview), or relative to the page itself
 * with a suffix (a mirror's files: "../doc/12.html"), so an export works
 * under any path and from a disk.  Relative sites have no search (a
 * static copy cannot answer one): their pages carry no search form, and
 * their search page says so and points to the browse indexes (by
 * release, month, sender and recipient), which every site has.
 *
 * What it deliberately does not do: know about connections, requests or
 * faces (the caller passes a page's parameters and gets a body, a status
 * and a content type back), read anything but the archive, or render
 * error pages (a page that does not exist comes back as status 404 with a
 * sentence for the reader, which the caller shows in its own style).
 *
 * Ownership: the site and its archive belong to the caller and must
 * outlive every page; the body is appended to the caller's buffer.
 */
#ifndef SZ_WEB_ARCHIVE_PAGES_H
#define SZ_WEB_ARCHIVE_PAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/i18n.h"
#include "store/archive.h"

#define SZ_PAGES_SITE "samizdat archive"
#define SZ_PAGES_PER_PAGE 20          /* items on one page of a list */
#define SZ_PAGES_INDEX_PER_PAGE 100   /* entries on a page of an index */
#define SZ_PAGES_MAX_PAGE 100000u     /* ?page=N beyond this reads as 1 */
#define SZ_PAGES_LINK_BASE 1024       /* bytes of a link's base */
#define SZ_PAGES_MESSAGE 160

enum sz_links {
	SZ_LINKS_ROOTED,      /* prefix + "/doc/12" */
	SZ_LINKS_RELATIVE,    /* "../doc/12" + suffix, from the page itself */
};

/* The discussion of releases, documents and e-mails (DESIGN.md §6): an
 * optional hook that a face or a mirror fills (web/forum/forum.h has
 * one), so this layer's pages show "N comments", the latest of them and
 * a reply form without knowing how or where the forum keeps them.  Both
 * functions append HTML to out, their links written like the page's own
 * (base, then the path, then suffix); viewer is what the page's args
 * carried, passed through. */
enum sz_discussed { SZ_DISCUSS_RELEASE = 1, SZ_DISCUSS_DOCUMENT,
	SZ_DISCUSS_EMAIL };
struct sz_query;
struct sz_discussion {
	int (*render)(const struct sz_discussion *d, const void *viewer,
		enum sz_discussed kind, int64_t id, const char *title,
		const char *base, const char *suffix, struct sz_buf *out);
	/* Posts that match a search: the first few (full false), or page
	 * number of them with a pager (full true); text is the query as
	 * typed, for links. */
	int (*search)(const struct sz_discussion *d, const void *viewer,
		const struct sz_query *q, const char *text, size_t number,
		bool full, const char *base, struct sz_buf *out);
	const void *ctx;
};

struct sz_site {
	struct sz_archive *archive;
	bool drafts;                  /* unpublished releases show too */
	enum sz_links links;
	const char *prefix;           /* rooted: "" or "/preview" */
	const char *suffix;           /* relative: ".html" (pages only) */
	const struct sz_discussion *discussion;   /* NULL: none shown */
	unsigned search_ms;           /* a search's time budget (the setting
	                                 search_time_ms); 0: none */
	/* The newsroom's own (web/brand.h), borrowed: its name (NULL:
	 * SZ_PAGES_SITE), the URL of its logo and its introduction, shown
	 * on the start page (NULL: none). */
	const char *name, *logo, *intro;
	const char *public_url;       /* where readers reach the site
	                                 ("http://x.onion"): feeds link to
	                                 it and mint tag: ids from its host;
	                                 NULL or "": feeds link relatively */
	bool cacheable;               /* served to anyone: caches may keep
	                                 pages (with an ETag) and files */
};

/* Which page, and its path as a route pattern (http/route.h): a face
 * serves these under its prefix, a mirror names its files after them.
 * The table in render.c maps each to its path and renderer. */
enum sz_page_kind {
	SZ_PAGE_HOME,                 /* "/": the releases, newest first */
	SZ_PAGE_FEED,                 /* "/feed.atom" */
	SZ_PAGE_SEARCH,               /* "/search": args.query */
	SZ_PAGE_RELEASE,              /* "/release/:id" */
	SZ_PAGE_DOCUMENT,             /* "/doc/:id" */
	SZ_PAGE_EMAIL,                /* "/email/:id" */
	SZ_PAGE_THREAD,               /* "/thread/:thread": args.key */
	SZ_PAGE_FROM,                 /* "/from/:address": args.key */
	SZ_PAGE_TO,                   /* "/to/:address": args.key */
	SZ_API_RELEASES,              /* "/api/v1/releases"; JSON from here */
	SZ_API_RELEASE,               /* "/api/v1/releases/:id" */
	SZ_API_DOCUMENT,              /* "/api/v1/documents/:id" */
	SZ_API_EMAIL,                 /* "/api/v1/emails/:id" */
	SZ_API_SEARCH,                /* "/api/v1/search": args.query */
	SZ_API_INDEX,                 /* "/api/v1": what the API answers */
	SZ_PAGE_BROWSE,               /* "/browse": the browse indexes; HTML */
	SZ_PAGE_MONTHS,               /* "/browse/months" */
	SZ_PAGE_MONTH,                /* "/browse/month/:month": args.key */
	SZ_PAGE_SENDERS,              /* "/browse/senders" */
	SZ_PAGE_RECIPIENTS,           /* "/browse/recipients" */
	SZ_PAGE_KINDS
};

/* The stored files of documents and raw e-mails: "/file/:id" (no page;
 * see sz_page_file). */
#define SZ_PAGE_FILE_PATH "/file/:id"

/* What links on the page at path start with (into base, cap bytes):
 * rooted, the prefix; relative, one ".." for each folder the page's own
 * file sits in ("/doc/12" is doc/12.html: ".."), or "." at the top. */
int sz_links_base(enum sz_links links, const char *prefix, const char *path,
	char *base, size_t cap);

/* The route pattern of a page ("/doc/:id"). */
const char *sz_page_path(enum sz_page_kind kind);
/* The page whose pattern is path, or SZ_PAGE_KINDS if none is. */
enum sz_page_kind sz_page_kind_of(const char *pattern);

/* A page's parameters, as its path and query gave them. */
struct sz_page_args {
	int64_t id;                   /* 0: none or not a number */
	const char *key;              /* thread or address, or NULL */
	const char *query;            /* search text, or NULL */
	size_t number;                /* page of a list, from 1 */
	const char *sort;             /* search order: "relevance" (or
	                                 NULL), "newest", "oldest" */
	const void *viewer;           /* for the discussion hook, or NULL */
	const struct sz_lang *lang;   /* the language the page is written
	                                 in (a request's, web/i18n.h); NULL:
	                                 the instance's default (a mirror) */
	const char *switch_to;        /* the language switcher's links (a URL
	                                 ending in '?', sz_html_frame); NULL:
	                                 none (a copy on disk cannot switch) */
};

/* One page being rendered. */
struct sz_page {
	const struct sz_site *site;
	const char *path;             /* its own path, "/doc/12" */
	size_t number;                /* page of a list, from 1 */
	struct sz_buf *out;           /* the body, appended */
	char base[SZ_PAGES_LINK_BASE];/* what links start with: the prefix,
	                                 or "..", "../..", "." */
	const char *suffix;           /* what page links end with */
	const char *query;            /* the search, shown in the header's
	                                 search box; or NULL */
	const char *sort;             /* the search's order, for its pages'
	                                 links; NULL: by relevance */
	int64_t release;              /* the release the page belongs to, or
	                                 0: the preview links to its editing */
	bool draft;                   /* ... and it is not published */
	unsigned status;              /* 200, or 404 with message */
	size_t pages;                 /* how many pages its list has (1 if
	                                 it is not a list) */
	int64_t adjacent[2];          /* the documents a document's page
	                                 links as previous and next (0: none):
	                                 a copy renders it again when they
	                                 change */
	const char *content_type;
	char message[SZ_PAGES_MESSAGE];   /* an English msgid (marked N_):
	                                     the caller shows it translated */
	const struct sz_lang *lang;   /* never NULL */
	const char *switch_to;        /* or NULL */
};

/* Renders one page of site into out.  path is the page's own path (for
 * relative links; e.g. "/release/3" or "/release/3/page/2").  Returns 0
 * with pg->status 200 and the body in out; or 0 with another status and
 * either pg->message saying what is wrong (nothing in out: the caller
 * shows the message in its own style) or, for the API, a JSON body that
 * says it; or a negative SZ_E code if the page could not be made (out of
 * room, the archive unreadable). */
int sz_page_render(struct sz_page *pg, const struct sz_site *site,
	enum sz_page_kind kind, const char *path,
	const struct sz_page_args *args, struct sz_buf *out);

/* A key (an address, a thread, a month) as it is written in paths,
 * appended to out.  Rooted sites percent-encode it.  Relative sites
 * write it in lower case, encoded so it is one safe file name (letters,
 * digits, "-_.@%", never starting with "."): that is the name of its
 * file in a copy (sz_page_key_file), and links carry it encoded once
 * more, because a web server or a browser reading a disk decodes a link
 * once before it looks for the file. */
int sz_page_key(const struct sz_site *site, const char *key,
	struct sz_buf *out);
/* The file-name form of a key in a relative site (see sz_page_key). */
int sz_page_key_file(const char *key, struct sz_buf *out);

/* The page number in a "?page=N" value; anything else reads as 1. */
size_t sz_page_number(const char *text);

/* A stored file to download: a document or a raw e-mail, if visible on
 * the site.  On success *fd is open for reading (the caller closes it),
 * *size is its length and name a plain ASCII file name safe in a header.
 * Returns 0, or SZ_E_NOT_FOUND with nothing open. */
int sz_page_file(const struct sz_site *site, int64_t id, int *fd,
	uint64_t *size, char *name, size_t cap);

/* The same, with what a server says about the file: its SHA-256 (an
 * ETag that never changes for the same bytes) and, for images a browser
 * shows, their type (an image document's page shows it inline). */
struct sz_page_file_info {
	int fd;                       /* open for reading (the caller's) */
	uint64_t size;
	char name[128];               /* plain ASCII, safe in a header */
	char sha256[SZ_ARCHIVE_SHA256_HEX];
	const char *mime;             /* "image/png"..., or NULL */
};
int sz_page_file_open(const struct sz_site *site, int64_t id,
	struct sz_page_file_info *f);

/* The media type of a document type ("png") that browsers show in an
 * <img>, or NULL. */
const char *sz_page_image_type(const char *type);

#endif
