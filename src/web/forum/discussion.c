/*
 * discussion.c - the forum as the archive's pages see it (the hook in
 * web/archive/pages.h): under a release, a document or an e-mail, "N
 * comments on ...", the latest of them, and "So what do you think?" (a
 * form for a member on a live site; a mirror's copy shows the comments
 * and links to the discussion, with no form); and the posts that match a
 * search, beside the archive's results.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search/query.h"
#include "web/forum/fview.h"
#include "web/forum/names.h"
#include "web/html.h"

static const struct sz_forum_viewer anonymous;

/* A page of the forum's helpers, made to write links the way the archive
 * page that holds it does. */
static void as_page(struct sz_forum_page *pg, const struct sz_discussion *d,
	const void *viewer, const char *base, const char *suffix,
	struct sz_buf *out)
{
	memset(pg, 0, sizeof(*pg));
	pg->site = d->ctx;
	pg->viewer = viewer ? viewer : &anonymous;
	pg->lang = pg->viewer->lang;
	pg->out = out;
	pg->suffix = suffix ? suffix : "";
	pg->status = 200;
	snprintf(pg->base, sizeof(pg->base), "%s", base ? base : "");
}

static int comment_form(struct sz_forum_page *pg, enum sz_discussed kind,
	int64_t id, const struct sz_forum_thread *t)
{
	const struct sz_forum_viewer *v = pg->viewer;
	if (!fv_live(pg) || v->editor)
		return 0;
	if (t && t->locked && !v->staff)
		return sz_buf_printf(pg->out, "<p class=\"notice\">%s</p>\n",
			_(pg->lang, "The discussion is locked."));
	if (!v->member)
		return fv_login_to(pg, _(pg->lang,
			"Members can say what they think."));
	if (v->m.silenced)
		return 0;
	static const char *const kinds[] = { "", "release", "document", "email" };
	char value[48];
	snprintf(value, sizeof(value), "%s:%lld", kinds[kind & 3], (long long)id);
	struct fv_form form = { "/forum/comment",
		_(pg->lang, "So what do you think?"),
		_(pg->lang, "Post the comment"), false, NULL, NULL, 0, "subject",
		value };
	return fv_post_form(pg, &form);
}

static int render(const struct sz_discussion *d, const void *viewer,
	enum sz_discussed kind, int64_t id, const char *title, const char *base,
	const char *suffix, struct sz_buf *out)
{
	struct sz_forum_page pg;
	as_page(&pg, d, viewer, base, suffix, out);
	struct sz_forum *f = pg.site->forum;
	struct sz_forum_thread t;
	bool has = f->ops->thread_of_subject(f, (enum sz_forum_subject)kind, id,
		&t, NULL) == 0 && (t.state == SZ_THREAD_VISIBLE ||
		(t.state != SZ_THREAD_DELETED && pg.viewer->staff));
	struct sz_forum_post *posts = NULL;
	size_t n = 0;
	if (has && f->ops->posts_latest(f, 0, t.id, false, SZ_FORUM_COMMENTS,
	    &posts, &n, NULL) != 0)
		return SZ_E_IO;
	long long count = has ? (long long)t.posts : 0LL;
	struct sz_buf on;
	sz_buf_init(&on, 4 * SZ_FORUM_TITLE_MAX + 16);
	int rc = sz_buf_puts(&on, "<bdi>");
	if (rc == 0)
		rc = fv_escape(&on, title);
	if (rc == 0)
		rc = sz_buf_puts(&on, "</bdi>");
	if (rc == 0)
		rc = sz_buf_puts(out, "<section class=\"discussion\" id=\""
			"discussion\">\n<h2>");
	/* TRANSLATORS: the heading of the comments under a release, a
	 * document or an e-mail; the second is its title. */
	if (rc == 0)
		rc = sz_buf_printf(out, NG_(pg.lang, "%lld comment on %s",
			"%lld comments on %s", (unsigned long)count), count,
			(const char *)on.data);
	sz_buf_free(&on);
	if (rc == 0)
		rc = sz_buf_puts(out, "</h2>\n");
	/* the latest few, oldest of them first */
	for (size_t i = n; rc == 0 && i > 0; i--)
		rc = fv_post(&pg, &posts[i - 1], &t);
	if (rc == 0 && has && t.posts > (int64_t)n) {
		char path[64];
		snprintf(path, sizeof(path), "/forum/thread/%lld", (long long)t.id);
		rc = sz_buf_puts(out, "<p>");
		if (rc == 0)
			rc = fv_a(&pg, path, _(pg.lang, "Read the whole discussion"));
		if (rc == 0)
			rc = sz_buf_puts(out, "</p>\n");
	}
	if (rc == 0)
		rc = comment_form(&pg, kind, id, has ? &t : NULL);
	sz_forum_posts_free(posts, n);
	return rc ? rc : sz_buf_puts(out, "</section>\n");
}

#define SEARCH_SHORT 3

/* The search link: the query as typed, with type:post added. */
static int all_posts_link(struct sz_forum_page *pg, const char *text,
	int64_t total)
{
	int rc = sz_buf_printf(pg->out, "<p><a href=\"%s/search?q=", pg->base);
	struct sz_buf q;
	sz_buf_init(&q, 2 * SZ_QUERY_MAX);
	if (rc == 0)
		rc = sz_buf_printf(&q, "%s type:post", text);
	if (rc == 0)
		rc = sz_html_urlencode(pg->out, (const char *)q.data);
	sz_buf_free(&q);
	if (rc == 0)
		rc = sz_buf_puts(pg->out, "\">");
	if (rc == 0)
		rc = sz_buf_printf(pg->out, NG_(pg->lang, "%lld matching post",
			"All %lld matching posts", (unsigned long)total),
			(long long)total);
	return rc ? rc : sz_buf_puts(pg->out, "</a></p>\n");
}

static int pager(struct sz_forum_page *pg, const char *text, size_t number,
	int64_t total)
{
	size_t pages = (size_t)((total + SZ_PAGES_PER_PAGE - 1) /
		SZ_PAGES_PER_PAGE);
	if (pages <= 1)
		return 0;
	int rc = sz_buf_puts(pg->out, "<nav class=\"pager\">");
	if (rc == 0)
		rc = sz_buf_printf(pg->out, _(pg->lang, "Page %zu of %zu"), number,
			pages);
	for (int dir = -1; rc == 0 && dir <= 1; dir += 2) {
		size_t to = dir < 0 ? number - 1 : number + 1;
		if (to < 1 || to > pages)
			continue;
		rc = sz_buf_printf(pg->out, " · <a rel=\"%s\" href=\"%s/search?q=",
			dir < 0 ? "prev" : "next", pg->base);
		if (rc == 0)
			rc = sz_html_urlencode(pg->out, text);
		if (rc == 0)
			rc = sz_buf_printf(pg->out, "&amp;page=%zu\">%s</a>", to,
				dir < 0 ? C_(pg->lang, "page", "previous") :
				C_(pg->lang, "page", "next"));
	}
	return rc ? rc : sz_buf_puts(pg->out, "</nav>\n");
}

static int search(const struct sz_discussion *d, const void *viewer,
	const struct sz_query *q, const char *text, size_t number, bool full,
	const char *base, struct sz_buf *out)
{
	struct sz_forum_page pg;
	as_page(&pg, d, viewer, base, "", out);
	struct sz_forum *f = pg.site->forum;
	struct sz_forum_term terms[SZ_QUERY_MAX_TERMS];
	struct sz_forum_search fs = { terms, sz_query_to_forum(q, terms), 0 };
	if (q->by[0]) {
		char key[SZ_FORUM_KEY_MAX + 1];
		struct sz_forum_member m;
		if (sz_name_key(q->by, strlen(q->by), key) != 0 ||
		    f->ops->member_find(f, key, &m, NULL) != 0 ||
		    m.state != SZ_MEMBER_ACTIVE) {
			struct sz_buf who;
			sz_buf_init(&who, 4 * SZ_QUERY_MAX + 16);
			int rc = sz_buf_puts(&who, "<bdi>");
			if (rc == 0)
				rc = fv_escape(&who, q->by);
			if (rc == 0)
				rc = sz_buf_puts(&who, "</bdi>");
			if (rc == 0)
				rc = sz_buf_puts(out, "<p class=\"notice\">");
			if (rc == 0)
				rc = sz_buf_printf(out, _(pg.lang, "No member of the "
					"forum is called %s."), (const char *)who.data);
			sz_buf_free(&who);
			return rc ? rc : sz_buf_puts(out, "</p>\n");
		}
		fs.author_id = m.id;
	}
	if (fs.nterms == 0 && fs.author_id == 0)
		return full ? sz_buf_printf(out, "<p class=\"notice\">%s</p>\n",
			_(pg.lang, "Add a word to look for in the discussion.")) : 0;
	size_t per = full ? SZ_PAGES_PER_PAGE : SEARCH_SHORT;
	size_t offset = full ? (number - 1) * SZ_PAGES_PER_PAGE : 0;
	struct sz_forum_hits h;
	if (f->ops->search(f, &fs, offset, per, &h, NULL) != 0)
		return sz_buf_printf(out, "<p class=\"notice\">%s</p>\n",
			_(pg.lang, "The discussion could not be searched with these "
			"words; try simpler ones."));
	int rc = 0;
	if (full || h.total > 0) {
		rc = sz_buf_printf(out, "<section class=\"discussion\"><h2>%s</h2>\n"
			"<p class=\"count\">", _(pg.lang, "In the discussion"));
		if (rc == 0)
			rc = sz_buf_printf(out, NG_(pg.lang, "%lld post", "%lld posts",
				(unsigned long)h.total), (long long)h.total);
		if (rc == 0)
			rc = sz_buf_puts(out, "</p>\n");
	}
	if (rc == 0 && h.n > 0)
		rc = sz_buf_puts(out, "<ol class=\"results posts\">\n");
	for (size_t i = 0; rc == 0 && i < h.n; i++)
		rc = fv_post_line(&pg, &h.rows[i], h.rows[i].text, true);
	if (rc == 0 && h.n > 0)
		rc = sz_buf_puts(out, "</ol>\n");
	if (rc == 0 && !full && h.total > (int64_t)h.n)
		rc = all_posts_link(&pg, text, h.total);
	if (rc == 0 && full)
		rc = pager(&pg, text, number, h.total);
	if (rc == 0 && (full || h.total > 0))
		rc = sz_buf_puts(out, "</section>\n");
	sz_forum_hits_free(&h);
	return rc;
}

void sz_forum_discussion(struct sz_discussion *d,
	const struct sz_forum_site *site)
{
	d->render = render;
	d->search = search;
	d->ctx = site;
}
