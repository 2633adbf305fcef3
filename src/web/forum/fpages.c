/*
 * fpages.c - one entry for every page of the forum: the table of pages
 * (path, renderer, whether it needs a live site), and rendering one.  A
 * page with forms asked of a mirror's copy does not exist there.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "web/forum/fview.h"

static const struct {
	const char *path;
	fpage_fn render;
	bool live;                    /* forms: not in a static copy */
} pages[SZ_FPAGE_KINDS] = {
	[SZ_FPAGE_HOME] = { "/forum", fpage_home, false },
	[SZ_FPAGE_BOARD] = { "/forum/board/:id", fpage_board, false },
	[SZ_FPAGE_BOARD_OLDER] = { "/forum/board/:id/older/:key", fpage_board,
		false },
	[SZ_FPAGE_BOARD_NEWER] = { "/forum/board/:id/newer/:key", fpage_board,
		false },
	[SZ_FPAGE_THREAD] = { "/forum/thread/:id", fpage_thread, false },
	[SZ_FPAGE_THREAD_PAGE] = { "/forum/thread/:id/page/:n", fpage_thread,
		false },
	[SZ_FPAGE_MEMBER] = { "/forum/member/:id", fpage_member, false },
	[SZ_FPAGE_LOG] = { "/forum/log", fpage_log, false },
	[SZ_FPAGE_LOG_OLDER] = { "/forum/log/older/:key", fpage_log, false },
	[SZ_FPAGE_FEED] = { "/forum/feed.atom", fpage_feed, false },
	[SZ_FPAGE_BOARD_FEED] = { "/forum/board/:id/feed.atom", fpage_feed,
		false },
	[SZ_FPAGE_THREAD_FEED] = { "/forum/thread/:id/feed.atom", fpage_feed,
		false },
	[SZ_FAPI_BOARDS] = { "/api/v1/forum/boards", fapi_boards, false },
	[SZ_FAPI_BOARD] = { "/api/v1/forum/boards/:id", fapi_board, false },
	[SZ_FAPI_THREAD] = { "/api/v1/forum/threads/:id", fapi_thread, false },
	[SZ_FAPI_POST] = { "/api/v1/forum/posts/:id", fapi_post, false },
	[SZ_FAPI_MEMBER] = { "/api/v1/forum/members/:id", fapi_member, false },
	[SZ_FPAGE_REGISTER] = { "/forum/register", fpage_register, true },
	[SZ_FPAGE_LOGIN] = { "/forum/login", fpage_login, true },
	[SZ_FPAGE_ACCOUNT] = { "/forum/account", fpage_account, true },
	[SZ_FPAGE_NEW_THREAD] = { "/forum/board/:id/new", fpage_new_thread,
		true },
	[SZ_FPAGE_REPLY] = { "/forum/thread/:id/reply", fpage_reply, true },
	[SZ_FPAGE_EDIT] = { "/forum/post/:id/edit", fpage_edit, true },
	[SZ_FPAGE_HISTORY] = { "/forum/post/:id/history", fpage_history, true },
	[SZ_FPAGE_REPORT] = { "/forum/post/:id/report", fpage_report, true },
	[SZ_FPAGE_QUEUE] = { "/forum/queue", fpage_queue, true },
};

const char *sz_fpage_path(enum sz_fpage kind)
{
	assert(kind < SZ_FPAGE_KINDS);
	return pages[kind].path;
}

enum sz_fpage sz_fpage_kind_of(const char *pattern)
{
	for (size_t i = 0; i < SZ_FPAGE_KINDS; i++)
		if (strcmp(pages[i].path, pattern) == 0)
			return (enum sz_fpage)i;
	return SZ_FPAGE_KINDS;
}

int sz_forum_render(struct sz_forum_page *pg, const struct sz_forum_site *site,
	const struct sz_forum_viewer *viewer, enum sz_fpage kind,
	const char *path, const struct sz_forum_args *args, struct sz_buf *out)
{
	static const struct sz_forum_viewer anonymous;
	assert(kind < SZ_FPAGE_KINDS && pages[kind].render != NULL);
	memset(pg, 0, sizeof(*pg));
	pg->site = site;
	pg->viewer = viewer ? viewer : &anonymous;
	pg->lang = pg->viewer->lang;
	pg->kind = kind;
	pg->path = path && path[0] == '/' ? path : "/forum";
	pg->out = out;
	pg->suffix = site->links == SZ_LINKS_RELATIVE && site->suffix ?
		site->suffix : "";
	pg->status = 200;
	pg->content_type = "text/html; charset=utf-8";
	if (pages[kind].live && site->links != SZ_LINKS_ROOTED)
		return fv_missing(pg, 404, _(pg->lang,
			"A copy of the forum has no forms."));
	int rc = sz_links_base(site->links, site->prefix, pg->path, pg->base,
		sizeof(pg->base));
	return rc ? rc : pages[kind].render(pg, args);
}
