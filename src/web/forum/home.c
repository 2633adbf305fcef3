/*
 * home.c - the forum's start page: its boards, the latest replies and
 * the new threads, and the forum's totals.
 */
#include <stdio.h>
#include <stdlib.h>

#include "web/forum/fview.h"

int fv_latest_replies(struct sz_forum_page *pg, int64_t board_id)
{
	struct sz_forum *f = pg->site->forum;
	struct sz_forum_post *posts = NULL;
	size_t n = 0;
	if (f->ops->posts_latest(f, board_id, 0, true, SZ_FORUM_LATEST, &posts,
	    &n, NULL) != 0)
		return SZ_E_IO;
	int rc = sz_buf_printf(pg->out, "<section class=\"latest\"><h2>%s"
		"</h2>\n<ul class=\"posts\">\n", _(pg->lang, "Latest replies"));
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = fv_post_line(pg, &posts[i], NULL, false);
	if (rc == 0 && n == 0)
		rc = sz_buf_printf(pg->out, "<li>%s</li>\n",
			_(pg->lang, "No replies yet."));
	sz_forum_posts_free(posts, n);
	return rc ? rc : sz_buf_puts(pg->out, "</ul></section>\n");
}

int fv_new_threads(struct sz_forum_page *pg, int64_t board_id)
{
	struct sz_forum *f = pg->site->forum;
	struct sz_forum_threads t;
	if (f->ops->threads_new(f, board_id, SZ_FORUM_LATEST, &t, NULL) != 0)
		return SZ_E_IO;
	int rc = sz_buf_printf(pg->out, "<section class=\"latest\"><h2>%s"
		"</h2>\n<ul class=\"threads\">\n", _(pg->lang, "New threads"));
	for (size_t i = 0; rc == 0 && i < t.n; i++)
		rc = fv_thread_row(pg, &t.rows[i]);
	if (rc == 0 && t.n == 0)
		rc = sz_buf_printf(pg->out, "<li>%s</li>\n",
			_(pg->lang, "No threads yet."));
	free(t.rows);
	return rc ? rc : sz_buf_puts(pg->out, "</ul></section>\n");
}

int fpage_home(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	struct sz_forum *f = pg->site->forum;
	struct sz_forum_board *boards = NULL;
	struct sz_forum_totals tot;
	size_t n = 0;
	if (f->ops->board_list(f, &boards, &n, NULL) != 0 ||
	    f->ops->totals(f, &tot, NULL) != 0) {
		free(boards);
		return SZ_E_IO;
	}
	struct sz_buf *b = pg->out;
	int rc = fv_begin(pg, _(pg->lang, "Forum"));
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>%s</h1>\n", _(pg->lang, "Forum"));
	if (rc == 0 && fv_note(pg, a->note))
		rc = fv_notice(pg, fv_note(pg, a->note), false);
	if (rc == 0)
		rc = sz_buf_puts(b, "<p class=\"meta\">");
	if (rc == 0)
		rc = sz_buf_printf(b, NG_(pg->lang, "%lld member", "%lld members",
			(unsigned long)tot.members), (long long)tot.members);
	if (rc == 0)
		rc = sz_buf_puts(b, " · ");
	if (rc == 0)
		rc = fv_counts(pg, tot.threads, tot.posts);
	if (rc == 0)
		rc = sz_buf_puts(b, " · <a href=\"");
	if (rc == 0)
		rc = fv_link(pg, b, "/forum/feed.atom");
	if (rc == 0)
		rc = sz_buf_printf(b, "\">%s</a></p>\n<ul class=\"boards\">\n",
			_(pg->lang, "Atom feed"));
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/forum/board/%lld",
			(long long)boards[i].id);
		rc = sz_buf_puts(b, "<li>");
		if (rc == 0)
			rc = fv_a(pg, path, boards[i].name);
		if (rc == 0)
			rc = sz_buf_puts(b, " <span class=\"meta\">");
		if (rc == 0)
			rc = fv_counts(pg, boards[i].threads, boards[i].posts);
		if (rc == 0)
			rc = sz_buf_puts(b, "</span>");
		if (rc == 0 && boards[i].about[0]) {
			rc = sz_buf_puts(b, "<p>");
			if (rc == 0)
				rc = fv_escape(b, boards[i].about);
			if (rc == 0)
				rc = sz_buf_puts(b, "</p>");
		}
		if (rc == 0)
			rc = sz_buf_puts(b, "</li>\n");
	}
	if (rc == 0 && n == 0)
		rc = sz_buf_printf(b, "<li>%s</li>\n", _(pg->lang, "No boards yet: "
			"an administrator makes them (samizdat forum board create)."));
	if (rc == 0)
		rc = sz_buf_puts(b, "</ul>\n<div class=\"columns\">");
	if (rc == 0)
		rc = fv_latest_replies(pg, 0);
	if (rc == 0)
		rc = fv_new_threads(pg, 0);
	if (rc == 0)
		rc = sz_buf_puts(b, "</div>\n");
	if (rc == 0)
		rc = fv_end(pg);
	free(boards);
	return rc;
}
