/* routes.c - every URL the public face answers, in one table. */
#include "web/public/public.h"
#include "web/web.h"

/* The archive's pages: the path names the page (web/archive/pages.h). */
#define PAGE(path) { "GET", path, sz_public_page, 0, NULL, NULL, NULL }
/* The forum's pages (web/forum/forum.h), the same way. */
#define FORUM(path) { "GET", path, sz_public_forum, 0, NULL, NULL, NULL }
/* The forum's forms: a post is at most SZ_MD_SOURCE_MAX bytes, which
 * percent-encoding can triple; anything larger is refused unread. */
#define FORM_POST (128 * 1024)
#define FORM_SMALL (16 * 1024)
#define POST(path, fn, max) { "POST", path, fn, max, NULL, NULL, NULL }

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
	/* the forum */
	FORUM("/forum"),
	FORUM("/forum/board/:id"),
	FORUM("/forum/board/:id/older/:key"),
	FORUM("/forum/board/:id/newer/:key"),
	FORUM("/forum/board/:id/new"),
	FORUM("/forum/board/:id/feed.atom"),
	FORUM("/forum/thread/:id"),
	FORUM("/forum/thread/:id/page/:n"),
	FORUM("/forum/thread/:id/reply"),
	FORUM("/forum/thread/:id/feed.atom"),
	FORUM("/forum/member/:id"),
	FORUM("/forum/log"),
	FORUM("/forum/log/older/:key"),
	FORUM("/forum/feed.atom"),
	FORUM("/forum/register"),
	FORUM("/forum/login"),
	FORUM("/forum/account"),
	FORUM("/forum/post/:id/edit"),
	FORUM("/forum/post/:id/history"),
	FORUM("/forum/post/:id/report"),
	FORUM("/forum/queue"),
	FORUM("/api/v1/forum/boards"),
	FORUM("/api/v1/forum/boards/:id"),
	FORUM("/api/v1/forum/threads/:id"),
	FORUM("/api/v1/forum/posts/:id"),
	FORUM("/api/v1/forum/members/:id"),
	{ "GET", "/forum/post/:id", sz_public_forum_post_link, 0, NULL, NULL,
	  NULL },
	{ "GET", "/forum/flag/:code", sz_public_forum_flag, 0, NULL, NULL, NULL },
	POST("/forum/register", sz_public_forum_register, FORM_SMALL),
	POST("/forum/login", sz_public_forum_login, FORM_SMALL),
	POST("/forum/logout", sz_public_forum_logout, FORM_SMALL),
	POST("/forum/board/:id/new", sz_public_forum_new_thread, FORM_POST),
	POST("/forum/thread/:id/reply", sz_public_forum_reply, FORM_POST),
	POST("/forum/comment", sz_public_forum_comment, FORM_POST),
	POST("/forum/post/:id/edit", sz_public_forum_edit, FORM_POST),
	POST("/forum/post/:id/delete", sz_public_forum_delete, FORM_SMALL),
	POST("/forum/post/:id/like", sz_public_forum_like, FORM_SMALL),
	POST("/forum/post/:id/report", sz_public_forum_report, FORM_SMALL),
	POST("/forum/mod/post/:id", sz_public_forum_mod, FORM_SMALL),
	POST("/forum/mod/thread/:id", sz_public_forum_mod, FORM_SMALL),
	POST("/forum/mod/member/:id", sz_public_forum_mod, FORM_SMALL),
	POST("/forum/account/password", sz_public_forum_account, FORM_SMALL),
	POST("/forum/account/country", sz_public_forum_account, FORM_SMALL),
	POST("/forum/account/delete", sz_public_forum_account, FORM_SMALL),
	PAGE("/browse"),
	PAGE("/browse/months"),
	PAGE("/browse/month/:month"),
	PAGE("/browse/senders"),
	PAGE("/browse/recipients"),
};

const struct sz_route *sz_public_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}
