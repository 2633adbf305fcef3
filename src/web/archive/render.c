/*
 * render.c - one entry for every page of the archive: the table of pages
 * (path and renderer by kind), and what links on a page start with.  A
 * kind without a renderer is a programmer's error, caught here rather
 * than in a reader's browser.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "web/archive/view.h"

typedef int (*renderer)(struct sz_page *pg, const struct sz_page_args *a);

static const struct {
	const char *path;
	renderer render;
} pages[SZ_PAGE_KINDS] = {
	[SZ_PAGE_HOME] = { "/", page_home },
	[SZ_PAGE_FEED] = { "/feed.atom", page_feed },
	[SZ_PAGE_SEARCH] = { "/search", page_search },
	[SZ_PAGE_RELEASE] = { "/release/:id", page_release },
	[SZ_PAGE_DOCUMENT] = { "/doc/:id", page_document },
	[SZ_PAGE_EMAIL] = { "/email/:id", page_email },
	[SZ_PAGE_THREAD] = { "/thread/:thread", page_thread },
	[SZ_PAGE_FROM] = { "/from/:address", page_from },
	[SZ_PAGE_TO] = { "/to/:address", page_to },
	[SZ_API_RELEASES] = { "/api/v1/releases", api_releases },
	[SZ_API_RELEASE] = { "/api/v1/releases/:id", api_release },
	[SZ_API_DOCUMENT] = { "/api/v1/documents/:id", api_document },
	[SZ_API_EMAIL] = { "/api/v1/emails/:id", api_email },
	[SZ_API_SEARCH] = { "/api/v1/search", api_search },
	[SZ_API_INDEX] = { "/api/v1", api_index },
	[SZ_PAGE_BROWSE] = { "/browse", page_browse },
	[SZ_PAGE_MONTHS] = { "/browse/months", page_months },
	[SZ_PAGE_MONTH] = { "/browse/month/:month", page_month },
	[SZ_PAGE_SENDERS] = { "/browse/senders", page_senders },
	[SZ_PAGE_RECIPIENTS] = { "/browse/recipients", page_recipients },
};

const char *sz_page_path(enum sz_page_kind kind)
{
	assert(kind < SZ_PAGE_KINDS);
	return pages[kind].path;
}

enum sz_page_kind sz_page_kind_of(const char *pattern)
{
	/* A face's bare prefix ("/preview") is the start page. */
	if (pattern[0] == '\0')
		return SZ_PAGE_HOME;
	for (size_t i = 0; i < SZ_PAGE_KINDS; i++)
		if (strcmp(pages[i].path, pattern) == 0)
			return (enum sz_page_kind)i;
	return SZ_PAGE_KINDS;
}

int sz_links_base(enum sz_links links, const char *prefix, const char *path,
	char *base, size_t cap)
{
	if (links == SZ_LINKS_ROOTED) {
		int n = snprintf(base, cap, "%s", prefix ? prefix : "");
		return n >= 0 && (size_t)n < cap ? 0 : SZ_E_LIMIT;
	}
	size_t depth = 0, k = 0;
	for (const char *p = path + 1; *p; p++)
		depth += *p == '/';
	if (depth == 0 && k + 2 <= cap)
		base[k++] = '.';
	for (size_t i = 0; i < depth; i++) {
		if (k + 4 > cap)
			return SZ_E_LIMIT;
		if (i > 0)
			base[k++] = '/';
		base[k++] = '.';
		base[k++] = '.';
	}
	if (k >= cap)
		return SZ_E_LIMIT;
	base[k] = '\0';
	return 0;
}

int sz_page_render(struct sz_page *pg, const struct sz_site *site,
	enum sz_page_kind kind, const char *path,
	const struct sz_page_args *args, struct sz_buf *out)
{
	assert(kind < SZ_PAGE_KINDS && pages[kind].render != NULL);
	memset(pg, 0, sizeof(*pg));
	pg->site = site;
	pg->path = path && path[0] == '/' ? path : "/";
	pg->number = args->number >= 1 && args->number <= SZ_PAGES_MAX_PAGE ?
		args->number : 1;
	pg->out = out;
	pg->query = args->query;
	pg->lang = args->lang ? args->lang : sz_i18n_default();
	pg->switch_to = args->switch_to;
	pg->suffix = site->links == SZ_LINKS_RELATIVE && site->suffix ?
		site->suffix : "";
	pg->status = 200;
	pg->pages = 1;
	pg->content_type = "text/html; charset=utf-8";
	int rc = sz_links_base(site->links, site->prefix, pg->path, pg->base,
		sizeof(pg->base));
	return rc ? rc : pages[kind].render(pg, args);
}
