/*
 * thread.c - a thread, a page of posts at a time: page n is the posts at
 * positions after (n - 1) * SZ_FORUM_PER_PAGE, one index range, and a
 * post's HTML is read as stored, so page 5,000 costs what page 1 does.
 * Also the reply form (with a quoted post filled in, no script needed)
 * and the form every posting page shares.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/forum/fview.h"
#include "web/forum/markdown.h"

int fv_login_to(struct sz_forum_page *pg, const char *why)
{
	int rc = sz_buf_puts(pg->out, "<p class=\"login-to\">");
	if (rc == 0)
		rc = fv_escape(pg->out, why);
	if (rc == 0)
		rc = sz_buf_puts(pg->out, " ");
	if (rc == 0)
		rc = fv_a(pg, "/forum/login", _(pg->lang, "Log in"));
	if (rc == 0)
		rc = sz_buf_puts(pg->out, " · ");
	if (rc == 0)
		rc = fv_a(pg, "/forum/register", _(pg->lang, "Join the forum"));
	return rc ? rc : sz_buf_puts(pg->out, "</p>\n");
}

int fv_post_form(struct sz_forum_page *pg, const struct fv_form *form)
{
	const struct sz_forum_viewer *v = pg->viewer;
	struct sz_buf *b = pg->out;
	int rc = sz_buf_printf(b, "<form class=\"post-form\" method=\"post\" "
		"action=\"%s%s\">\n<h2>", pg->base, form->action);
	if (rc == 0)
		rc = fv_escape(b, form->heading);
	if (rc == 0)
		rc = sz_buf_puts(b, "</h2>\n");
	if (rc == 0)
		rc = fv_csrf(pg);
	if (rc == 0 && form->title) {
		rc = sz_buf_printf(b, "\n<label for=\"title\">%s</label>\n<input "
			"type=\"text\" id=\"title\" name=\"title\" maxlength=\"%d\" "
			"required value=\"", _(pg->lang, "Title"),
			SZ_FORUM_TITLE_CHARS * 4);
		if (rc == 0)
			rc = fv_escape(b, form->title_value);
		if (rc == 0)
			rc = sz_buf_puts(b, "\">");
	}
	if (rc == 0)
		rc = sz_buf_printf(b, "\n<label for=\"text\">%s</label>\n"
			"<textarea id=\"text\" name=\"text\" rows=\"8\" "
			"maxlength=\"32768\" required>", _(pg->lang, "Your post"));
	if (rc == 0)
		rc = fv_escape(b, form->draft);
	if (rc == 0)
		rc = sz_buf_puts(b, "</textarea>\n");
	if (rc == 0 && form->quote_of)
		rc = sz_buf_printf(b, "<input type=\"hidden\" name=\"quote\" "
			"value=\"%lld\">\n", (long long)form->quote_of);
	if (rc == 0 && form->hidden_name)
		rc = sz_buf_printf(b, "<input type=\"hidden\" name=\"%s\" "
			"value=\"%s\">\n", form->hidden_name, form->hidden_value);
	if (rc == 0)
		rc = sz_buf_puts(b, "<p class=\"note\">");
	/* TRANSLATORS: Markdown's marks stay as they are; translate the
	 * words between them. */
	if (rc == 0)
		rc = fv_escape(b, _(pg->lang, "Markdown: **bold**, *italic*, > a "
			"quote, [a link](https://…), `code`."));
	uint64_t first = pg->site->cfg->forum_approve_first_posts;
	if (rc == 0 && !v->staff && (uint64_t)v->m.approved_posts < first) {
		rc = sz_buf_puts(b, " ");
		if (rc == 0)
			rc = sz_buf_printf(b, NG_(pg->lang, "A new member's first "
				"%llu post waits for a moderator's approval.", "A new "
				"member's first %llu posts wait for a moderator's approval.",
				(unsigned long)first), (unsigned long long)first);
	}
	if (rc == 0 && v->trust == 0)
		rc = sz_buf_printf(b, " %s", _(pg->lang, "Links to other sites and "
			"images come with trust: read a little more first."));
	if (rc == 0)
		rc = sz_buf_printf(b, "</p>\n<button type=\"submit\">%s</button>\n"
			"</form>\n", form->button);
	return rc;
}

/* Whether the viewer may see a thread in this state. */
static bool may_see(const struct sz_forum_page *pg,
	const struct sz_forum_thread *t)
{
	const struct sz_forum_viewer *v = pg->viewer;
	switch (t->state) {
	case SZ_THREAD_VISIBLE:
	case SZ_THREAD_MERGED:
		return true;
	case SZ_THREAD_PENDING:
		return v->staff || (v->member && v->m.id == t->author_id);
	default:
		return v->staff;
	}
}

static const char *subject_kind(enum sz_forum_subject s)
{
	return s == SZ_SUBJECT_RELEASE ? "release" :
		s == SZ_SUBJECT_DOCUMENT ? "doc" : "email";
}

static int reply_box(struct sz_forum_page *pg, const struct sz_forum_thread *t,
	const struct sz_forum_args *a)
{
	const struct sz_forum_viewer *v = pg->viewer;
	if (!fv_live(pg) || v->editor)
		return 0;
	if (t->locked && !v->staff)
		return sz_buf_printf(pg->out, "<p class=\"notice\">%s</p>\n",
			_(pg->lang, "This thread is locked: no more replies."));
	if (!v->member)
		return fv_login_to(pg, _(pg->lang, "Members can reply."));
	if (v->m.silenced)
		return sz_buf_printf(pg->out, "<p class=\"notice\">%s</p>\n",
			_(pg->lang, "You are silenced: you can read, but not post."));
	char action[64];
	snprintf(action, sizeof(action), "/forum/thread/%lld/reply",
		(long long)t->id);
	struct fv_form form = { action, C_(pg->lang, "title", "Reply"),
		_(pg->lang, "Post the reply"), false, NULL,
		a->draft, 0, NULL, NULL };
	return fv_post_form(pg, &form);
}

int fpage_thread(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	struct sz_forum *f = pg->site->forum;
	const struct sz_forum_viewer *v = pg->viewer;
	struct sz_forum_thread t;
	if (a->id == 0 || f->ops->thread_get(f, a->id, &t, NULL) != 0 ||
	    !may_see(pg, &t))
		return fv_missing(pg, 404, C_(pg->lang, "forum",
			"There is no such thread."));
	size_t pages = (size_t)((t.last_position + SZ_FORUM_PER_PAGE - 1) /
		SZ_FORUM_PER_PAGE);
	size_t page = pg->kind == SZ_FPAGE_THREAD_PAGE ? a->number : 1;
	if (pages == 0)
		pages = 1;
	if (page < 1 || page > pages)
		return fv_missing(pg, 404, _(pg->lang, "That page of the thread "
			"does not exist."));
	struct sz_forum_post_query q = { t.id,
		(int64_t)(page - 1) * SZ_FORUM_PER_PAGE, SZ_FORUM_PER_PAGE,
		v->member ? v->m.id : 0, v->staff, false };
	struct sz_forum_post *posts = NULL;
	size_t n = 0;
	if (t.state != SZ_THREAD_MERGED &&
	    f->ops->posts_page(f, &q, &posts, &n, NULL) != 0)
		return SZ_E_IO;
	struct sz_buf *b = pg->out;
	char title[SZ_FORUM_TITLE_MAX + 32], path[96];
	if (page > 1)
		snprintf(title, sizeof(title), _(pg->lang, "%s · page %zu"), t.title,
			page);
	else
		snprintf(title, sizeof(title), "%s", t.title);
	int rc = fv_begin(pg, title);
	snprintf(path, sizeof(path), "/forum/board/%lld", (long long)t.board_id);
	if (rc == 0)
		rc = sz_buf_puts(b, "<p class=\"crumbs\">");
	if (rc == 0)
		rc = fv_a(pg, "/forum", _(pg->lang, "Forum"));
	if (rc == 0)
		rc = sz_buf_puts(b, " › ");
	if (rc == 0)
		rc = fv_a(pg, path, t.board_name);
	if (rc == 0)
		rc = sz_buf_puts(b, " ›</p>\n<h1>");
	if (rc == 0)
		rc = fv_escape(b, t.title);
	if (rc == 0)
		rc = sz_buf_puts(b, "</h1>\n");
	if (rc == 0 && t.state == SZ_THREAD_MERGED) {
		snprintf(path, sizeof(path), "/forum/thread/%lld",
			(long long)t.merged_into);
		rc = sz_buf_printf(b, "<p class=\"notice\">%s ", _(pg->lang,
			"This thread was merged into another: its posts are there "
			"now."));
		if (rc == 0)
			rc = fv_a(pg, path, _(pg->lang, "Go to that thread"));
		if (rc == 0)
			rc = sz_buf_puts(b, "</p>\n");
		return rc ? rc : fv_end(pg);
	}
	if (rc == 0 && t.subject != SZ_SUBJECT_NONE) {
		char sub[64];
		const struct sz_lang *L = pg->lang;
		const char *what = t.subject == SZ_SUBJECT_RELEASE ?
			_(L, "This is the discussion of a release of the archive.") :
			t.subject == SZ_SUBJECT_DOCUMENT ?
			_(L, "This is the discussion of a document of the archive.") :
			_(L, "This is the discussion of an e-mail of the archive."),
			*gone = t.subject == SZ_SUBJECT_RELEASE ?
			_(L, "This was the discussion of a release that is no longer "
			"published.") : t.subject == SZ_SUBJECT_DOCUMENT ?
			_(L, "This was the discussion of a document that is no longer "
			"published.") :
			_(L, "This was the discussion of an e-mail that is no longer "
			"published.");
		bool shown = pg->site->subject_shown == NULL ||
			pg->site->subject_shown(pg->site, t.subject, t.subject_id);
		snprintf(sub, sizeof(sub), "/%s/%lld", subject_kind(t.subject),
			(long long)t.subject_id);
		rc = sz_buf_puts(b, "<p class=\"subject\">");
		if (rc == 0)
			rc = fv_escape(b, shown ? what : gone);
		if (rc == 0 && shown)
			rc = sz_buf_puts(b, " ");
		if (rc == 0 && shown)
			rc = fv_a(pg, sub, _(L, "Read it"));
		if (rc == 0)
			rc = sz_buf_puts(b, "</p>\n");
	}
	snprintf(path, sizeof(path), "/forum/thread/%lld/feed.atom",
		(long long)t.id);
	if (rc == 0)
		rc = sz_buf_puts(b, "<p class=\"meta\">");
	if (rc == 0)
		rc = sz_buf_printf(b, NG_(pg->lang, "%lld post", "%lld posts",
			(unsigned long)t.posts), (long long)t.posts);
	const char *state = t.state == SZ_THREAD_HIDDEN ?
		_(pg->lang, "hidden by a moderator") :
		t.state == SZ_THREAD_DELETED ? _(pg->lang, "deleted") :
		t.state == SZ_THREAD_PENDING ? _(pg->lang, "waits for approval") :
		NULL;
	if (rc == 0 && t.sticky)
		rc = sz_buf_printf(b, " · %s", _(pg->lang, "sticky"));
	if (rc == 0 && t.locked)
		rc = sz_buf_printf(b, " · %s", _(pg->lang, "locked"));
	if (rc == 0 && state)
		rc = sz_buf_printf(b, " · %s", state);
	if (rc == 0)
		rc = sz_buf_puts(b, " · ");
	if (rc == 0)
		rc = fv_a(pg, path, _(pg->lang, "Atom feed"));
	if (rc == 0)
		rc = sz_buf_puts(b, "</p>\n");
	if (rc == 0 && fv_note(pg, a->note))
		rc = fv_notice(pg, fv_note(pg, a->note), false);
	if (rc == 0 && a->error)
		rc = fv_notice(pg, _(pg->lang, a->error), true);
	if (rc == 0 && fv_live(pg) && v->staff)
		rc = fv_mod_thread_form(pg, &t);
	if (rc == 0)
		rc = fv_thread_pager(pg, t.id, page, pages);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = fv_post(pg, &posts[i], &t);
	if (rc == 0 && n == 0)
		rc = sz_buf_puts(b, "<p>Nothing to show on this page.</p>\n");
	if (rc == 0)
		rc = fv_thread_pager(pg, t.id, page, pages);
	if (rc == 0)
		rc = reply_box(pg, &t, a);
	if (rc == 0)
		rc = fv_end(pg);
	/* what a member has read counts toward their trust */
	pg->read_thread = t.id;
	pg->read_upto = n > 0 ? posts[n - 1].position : 0;
	sz_forum_posts_free(posts, n);
	return rc;
}

int fpage_reply(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	struct sz_forum *f = pg->site->forum;
	const struct sz_forum_viewer *v = pg->viewer;
	struct sz_forum_thread t;
	if (a->id == 0 || f->ops->thread_get(f, a->id, &t, NULL) != 0 ||
	    !may_see(pg, &t) || t.state == SZ_THREAD_MERGED)
		return fv_missing(pg, 404, C_(pg->lang, "forum",
			"There is no such thread."));
	if (!v->member)
		return fv_missing(pg, 403, _(pg->lang, "Log in to reply."));
	if (t.locked && !v->staff)
		return fv_missing(pg, 403, _(pg->lang, "This thread is locked: no "
			"more replies."));
	struct sz_buf quote;
	sz_buf_init(&quote, 2 * SZ_MD_SOURCE_MAX);
	int rc = 0;
	if (a->quote && a->draft == NULL &&
	    sz_forum_quote(pg->site, a->quote, &quote) != 0) {
		sz_buf_free(&quote);
		return fv_missing(pg, 404, _(pg->lang,
			"There is no such post to quote."));
	}
	char action[64], back[64];
	snprintf(action, sizeof(action), "/forum/thread/%lld/reply",
		(long long)t.id);
	snprintf(back, sizeof(back), "/forum/thread/%lld", (long long)t.id);
	rc = fv_begin(pg, C_(pg->lang, "title", "Reply"));
	if (rc == 0)
		rc = sz_buf_puts(pg->out, "<p class=\"crumbs\">");
	if (rc == 0)
		rc = fv_a(pg, back, t.title);
	if (rc == 0)
		rc = sz_buf_puts(pg->out, " ›</p>\n");
	if (rc == 0 && a->error)
		rc = fv_notice(pg, _(pg->lang, a->error), true);
	struct fv_form form = { action, C_(pg->lang, "title", "Reply"),
		_(pg->lang, "Post the reply"), false, NULL,
		a->draft ? a->draft : quote.data ? (const char *)quote.data : "",
		a->quote, NULL, NULL };
	if (rc == 0)
		rc = fv_post_form(pg, &form);
	sz_buf_free(&quote);
	return rc ? rc : fv_end(pg);
}
