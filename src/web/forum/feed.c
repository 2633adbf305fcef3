/*
 * feed.c - Atom feeds of the forum: the whole forum, a board, a thread;
 * the newest posts first, each with its HTML.  Links are written like the
 * pages' own, so a mirror's copy of a feed points into the copy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "web/forum/fview.h"

#define FEED_ENTRIES 20

static void iso(int64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL)
		snprintf(out, cap, "1970-01-01T00:00:00Z");
	else
		strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int entry(struct sz_forum_page *pg, const struct sz_forum_post *p)
{
	struct sz_buf *b = pg->out, html, *out = pg->out;
	char when[32], path[96];
	iso(p->created, when, sizeof(when));
	snprintf(path, sizeof(path), "/forum/thread/%lld/page/%lld#p%lld",
		(long long)p->thread_id,
		(long long)((p->position - 1) / SZ_FORUM_PER_PAGE + 1),
		(long long)p->id);
	int rc = sz_buf_printf(b, "<entry>\n<id>urn:samizdat:forum:post:%lld"
		"</id>\n<title>%s%s", (long long)p->id, p->position > 1 ?
		_(pg->lang, "Re:") : "", p->position > 1 ? " " : "");
	if (rc == 0)
		rc = fv_escape(b, p->thread_title);
	if (rc == 0)
		rc = sz_buf_puts(b, "</title>\n<link href=\"");
	if (rc == 0)
		rc = fv_link(pg, b, path);
	if (rc == 0)
		rc = sz_buf_printf(b, "\"/>\n<updated>%s</updated>\n<author><name>",
			when);
	if (rc == 0)
		rc = fv_escape(b, p->author.deleted || !p->author.name[0] ?
			"deleted member" : p->author.name);
	if (rc == 0)
		rc = sz_buf_puts(b, "</name></author>\n<content type=\"html\">");
	/* the post's HTML with the site's links, then escaped as text */
	sz_buf_init(&html, out->max);
	pg->out = &html;
	if (rc == 0)
		rc = fv_post_html(pg, p->html ? p->html : "");
	pg->out = out;
	if (rc == 0)
		rc = fv_escape(b, html.data ? (const char *)html.data : "");
	sz_buf_free(&html);
	return rc ? rc : sz_buf_puts(b, "</content>\n</entry>\n");
}

int fpage_feed(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	struct sz_forum *f = pg->site->forum;
	int64_t board = 0, thread = 0;
	char title[SZ_FORUM_TITLE_MAX + 64], id[64], self[96];
	/* TRANSLATORS: a feed's title: the newsroom's name, then this. */
	snprintf(title, sizeof(title), _(pg->lang, "%s: forum"),
		pg->site->name);
	snprintf(id, sizeof(id), "urn:samizdat:forum");
	snprintf(self, sizeof(self), "/forum/feed.atom");
	if (pg->kind == SZ_FPAGE_BOARD_FEED) {
		struct sz_forum_board bd;
		if (a->id == 0 || f->ops->board_get(f, a->id, &bd, NULL) != 0)
			return fv_missing(pg, 404, _(pg->lang,
				"There is no such board."));
		board = bd.id;
		snprintf(title, sizeof(title), "%s: %s", pg->site->name, bd.name);
		snprintf(id, sizeof(id), "urn:samizdat:forum:board:%lld",
			(long long)bd.id);
		snprintf(self, sizeof(self), "/forum/board/%lld/feed.atom",
			(long long)bd.id);
	} else if (pg->kind == SZ_FPAGE_THREAD_FEED) {
		struct sz_forum_thread t;
		if (a->id == 0 || f->ops->thread_get(f, a->id, &t, NULL) != 0 ||
		    t.state != SZ_THREAD_VISIBLE)
			return fv_missing(pg, 404, C_(pg->lang, "forum",
				"There is no such thread."));
		thread = t.id;
		snprintf(title, sizeof(title), "%s: %s", pg->site->name, t.title);
		snprintf(id, sizeof(id), "urn:samizdat:forum:thread:%lld",
			(long long)t.id);
		snprintf(self, sizeof(self), "/forum/thread/%lld/feed.atom",
			(long long)t.id);
	}
	struct sz_forum_post *posts = NULL;
	size_t n = 0;
	if (f->ops->posts_latest(f, board, thread, false, FEED_ENTRIES, &posts,
	    &n, NULL) != 0)
		return SZ_E_IO;
	struct sz_buf *b = pg->out;
	char updated[32];
	iso(n > 0 ? posts[0].created : 0, updated, sizeof(updated));
	int rc = sz_buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		"<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>");
	if (rc == 0)
		rc = fv_escape(b, title);
	if (rc == 0)
		rc = sz_buf_printf(b, "</title>\n<id>%s</id>\n<link rel=\"self\" "
			"href=\"", id);
	if (rc == 0)
		rc = sz_buf_printf(b, "%s%s", pg->base, self);
	if (rc == 0)
		rc = sz_buf_printf(b, "\"/>\n<updated>%s</updated>\n", updated);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = entry(pg, &posts[i]);
	if (rc == 0)
		rc = sz_buf_puts(b, "</feed>\n");
	pg->content_type = "application/atom+xml; charset=utf-8";
	sz_forum_posts_free(posts, n);
	return rc;
}
