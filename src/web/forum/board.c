/*
 * board.c - a board: its sticky threads, then its threads by last
 * activity a page at a time (keyset: a page starts after or before the
 * key of a thread, so page 400 costs what page 1 does), its latest
 * replies and new threads; and the form that starts a thread in it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/forum/fview.h"

/* A live site pages by key; a mirror's copy, whose pages are written
 * in order, by number (args.number: this page's), so that every page has
 * one file whichever way a reader came to it. */
static int keyset_link(struct sz_forum_page *pg, int64_t board,
	const char *dir, const struct sz_forum_thread *t, const char *rel,
	const char *label, size_t number)
{
	char key[SZ_FORUM_KEY_TEXT], path[128];
	struct sz_forum_key k = { t->last_at, t->id };
	sz_forum_key_format(&k, key);
	size_t to = strcmp(dir, "older") == 0 ? number + 1 : number - 1;
	if (fv_live(pg) || number == 0)
		snprintf(path, sizeof(path), "/forum/board/%lld/%s/%s",
			(long long)board, dir, key);
	else if (to <= 1)
		snprintf(path, sizeof(path), "/forum/board/%lld", (long long)board);
	else
		snprintf(path, sizeof(path), "/forum/board/%lld/page/%zu",
			(long long)board, to);
	int rc = sz_buf_printf(pg->out, "<a rel=\"%s\" href=\"", rel);
	if (rc == 0)
		rc = fv_link(pg, pg->out, path);
	return rc ? rc : sz_buf_printf(pg->out, "\">%s</a>", label);
}

int fpage_board(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	struct sz_forum *f = pg->site->forum;
	struct sz_forum_board board;
	struct sz_forum_thread_query q;
	memset(&q, 0, sizeof(q));
	if (a->id == 0 || f->ops->board_get(f, a->id, &board, NULL) != 0)
		return fv_missing(pg, 404, _(pg->lang, "There is no such board."));
	q.board_id = a->id;
	q.staff = pg->viewer->staff;
	q.limit = SZ_FORUM_THREADS_PER_PAGE;
	if (pg->kind != SZ_FPAGE_BOARD) {
		if (sz_forum_key_parse(a->key, &q.key) != 0)
			return fv_missing(pg, 404, _(pg->lang, "That page of the board "
				"does not exist."));
		q.from = pg->kind == SZ_FPAGE_BOARD_OLDER ? SZ_FORUM_OLDER :
			SZ_FORUM_NEWER;
	}
	struct sz_forum_threads page, sticky;
	memset(&sticky, 0, sizeof(sticky));
	if (f->ops->threads_page(f, &q, &page, NULL) != 0)
		return SZ_E_IO;
	struct sz_forum_thread_query sq = q;
	sq.sticky = true;
	sq.from = SZ_FORUM_FIRST;
	sq.limit = SZ_FORUM_PAGE_MAX;
	if (!page.newer && f->ops->threads_page(f, &sq, &sticky, NULL) != 0) {
		free(page.rows);
		return SZ_E_IO;
	}
	struct sz_buf *b = pg->out;
	char path[96];
	int rc = fv_begin(pg, board.name);
	if (rc == 0)
		rc = sz_buf_puts(b, "<p class=\"crumbs\">");
	if (rc == 0)
		rc = fv_a(pg, "/forum", _(pg->lang, "Forum"));
	if (rc == 0)
		rc = sz_buf_puts(b, " ›</p>\n<h1>");
	if (rc == 0)
		rc = fv_escape(b, board.name);
	if (rc == 0)
		rc = sz_buf_puts(b, "</h1>\n");
	if (rc == 0 && board.about[0]) {
		rc = sz_buf_puts(b, "<p class=\"about\">");
		if (rc == 0)
			rc = fv_escape(b, board.about);
		if (rc == 0)
			rc = sz_buf_puts(b, "</p>\n");
	}
	snprintf(path, sizeof(path), "/forum/board/%lld/feed.atom",
		(long long)board.id);
	if (rc == 0)
		rc = sz_buf_puts(b, "<p class=\"meta\">");
	if (rc == 0)
		rc = fv_counts(pg, board.threads, board.posts);
	if (rc == 0)
		rc = sz_buf_puts(b, " · ");
	if (rc == 0)
		rc = fv_a(pg, path, _(pg->lang, "Atom feed"));
	if (rc == 0 && fv_live(pg) && pg->viewer->member &&
	    !pg->viewer->m.silenced) {
		snprintf(path, sizeof(path), "/forum/board/%lld/new",
			(long long)board.id);
		rc = sz_buf_puts(b, " · <a class=\"button\" href=\"");
		if (rc == 0)
			rc = fv_link(pg, b, path);
		if (rc == 0)
			rc = sz_buf_printf(b, "\">%s</a>", _(pg->lang,
				"Start a thread"));
	}
	if (rc == 0)
		rc = sz_buf_puts(b, "</p>\n");
	if (rc == 0 && fv_live(pg) && !pg->viewer->member && !pg->viewer->editor)
		rc = fv_login_to(pg, _(pg->lang, "Members can start threads."));
	if (rc == 0 && sticky.n > 0) {
		rc = sz_buf_puts(b, "<ul class=\"threads sticky\">\n");
		for (size_t i = 0; rc == 0 && i < sticky.n; i++)
			rc = fv_thread_row(pg, &sticky.rows[i]);
		if (rc == 0)
			rc = sz_buf_puts(b, "</ul>\n");
	}
	if (rc == 0)
		rc = sz_buf_puts(b, "<ul class=\"threads\">\n");
	for (size_t i = 0; rc == 0 && i < page.n; i++)
		rc = fv_thread_row(pg, &page.rows[i]);
	if (rc == 0 && page.n == 0)
		rc = sz_buf_printf(b, "<li>%s</li>\n", _(pg->lang,
			"No threads here."));
	if (rc == 0)
		rc = sz_buf_puts(b, "</ul>\n");
	if (rc == 0 && page.n > 0 && (page.newer || page.older)) {
		rc = sz_buf_puts(b, "<nav class=\"pager\">");
		if (rc == 0 && page.newer)
			rc = keyset_link(pg, board.id, "newer", &page.rows[0], "prev",
				_(pg->lang, "newer threads"), a->number);
		if (rc == 0 && page.older)
			rc = keyset_link(pg, board.id, "older",
				&page.rows[page.n - 1], "next",
				_(pg->lang, "older threads"), a->number);
		if (rc == 0)
			rc = sz_buf_puts(b, "</nav>\n");
	}
	if (rc == 0)
		rc = sz_buf_puts(b, "<div class=\"columns\">");
	if (rc == 0)
		rc = fv_latest_replies(pg, board.id);
	if (rc == 0)
		rc = fv_new_threads(pg, board.id);
	if (rc == 0)
		rc = sz_buf_puts(b, "</div>\n");
	if (rc == 0)
		rc = fv_end(pg);
	free(page.rows);
	free(sticky.rows);
	return rc;
}

int fpage_new_thread(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	struct sz_forum *f = pg->site->forum;
	struct sz_forum_board board;
	if (a->id == 0 || f->ops->board_get(f, a->id, &board, NULL) != 0)
		return fv_missing(pg, 404, _(pg->lang, "There is no such board."));
	if (!pg->viewer->member)
		return fv_missing(pg, 403, _(pg->lang,
			"Log in to start a thread."));
	char action[64], back[64];
	snprintf(action, sizeof(action), "/forum/board/%lld/new",
		(long long)board.id);
	snprintf(back, sizeof(back), "/forum/board/%lld", (long long)board.id);
	int rc = fv_begin(pg, _(pg->lang, "Start a thread"));
	if (rc == 0)
		rc = sz_buf_puts(pg->out, "<p class=\"crumbs\">");
	if (rc == 0)
		rc = fv_a(pg, back, board.name);
	if (rc == 0)
		rc = sz_buf_puts(pg->out, " ›</p>\n");
	if (rc == 0 && a->error)
		rc = fv_notice(pg, _(pg->lang, a->error), true);
	struct fv_form form = { action, _(pg->lang, "Start a thread"),
		_(pg->lang, "Post the thread"),
		true, a->title, a->draft, 0, NULL, NULL };
	if (rc == 0)
		rc = fv_post_form(pg, &form);
	return rc ? rc : fv_end(pg);
}
