/*
 * modpages.c - the pages around a post and around moderation: editing a
 * post, its history (its author and staff only), reporting it, the
 * staff's queue (posts and members awaiting approval, open reports), and
 * the public moderation log (who, what, when, why).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/forum/fview.h"

/* A post the viewer may see (sz_forum_post_seen: its thread too), with
 * its source if asked; else false with p zeroed. */
static bool visible_post(struct sz_forum_page *pg, int64_t id, bool source,
	struct sz_forum_post *p)
{
	return sz_forum_post_seen(pg->site, pg->viewer, id, source, p) == 0;
}

int fpage_edit(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	struct sz_forum_post p;
	if (!visible_post(pg, a->id, true, &p))
		return fv_missing(pg, 404, _(pg->lang, "There is no such post."));
	if (!fv_may_edit(pg, &p)) {
		sz_forum_post_clear(&p);
		return fv_missing(pg, 403, _(pg->lang, "Only its author (for a "
			"while after posting) and the moderators may edit a post."));
	}
	char action[64];
	snprintf(action, sizeof(action), "/forum/post/%lld/edit",
		(long long)p.id);
	int rc = fv_begin(pg, _(pg->lang, "Edit a post"));
	if (rc == 0)
		rc = sz_buf_puts(pg->out, "<p class=\"crumbs\">");
	char back[96];
	snprintf(back, sizeof(back), "/forum/thread/%lld", (long long)p.thread_id);
	if (rc == 0)
		rc = fv_a(pg, back, p.thread_title);
	if (rc == 0)
		rc = sz_buf_puts(pg->out, " ›</p>\n");
	if (rc == 0 && a->error)
		rc = fv_notice(pg, _(pg->lang, a->error), true);
	struct fv_form form = { action, _(pg->lang, "Edit the post"),
		_(pg->lang, "Save the change"),
		false, NULL, a->draft ? a->draft : p.source, 0, NULL, NULL };
	if (rc == 0)
		rc = fv_post_form(pg, &form);
	if (rc == 0)
		rc = sz_buf_printf(pg->out, "<p class=\"note\">%s</p>\n",
			_(pg->lang, "What the post says now is kept in its history, "
			"which you and the moderators can see."));
	sz_forum_post_clear(&p);
	return rc ? rc : fv_end(pg);
}

int fpage_history(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	struct sz_forum *f = pg->site->forum;
	const struct sz_forum_viewer *v = pg->viewer;
	struct sz_forum_post p;
	if (!visible_post(pg, a->id, true, &p))
		return fv_missing(pg, 404, _(pg->lang, "There is no such post."));
	if (!v->staff && !(v->member && v->m.id == p.author.id)) {
		sz_forum_post_clear(&p);
		return fv_missing(pg, 403, _(pg->lang, "A post's history is for "
			"its author and the moderators."));
	}
	struct sz_forum_edit *e = NULL;
	size_t n = 0;
	if (f->ops->post_edits(f, p.id, &e, &n, NULL) != 0) {
		sz_forum_post_clear(&p);
		return SZ_E_IO;
	}
	struct sz_buf *b = pg->out;
	char back[96], when[40];
	snprintf(back, sizeof(back), "/forum/thread/%lld/page/%lld#p%lld",
		(long long)p.thread_id,
		(long long)((p.position - 1) / SZ_FORUM_PER_PAGE + 1),
		(long long)p.id);
	int rc = fv_begin(pg, _(pg->lang, "A post's history"));
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>%s</h1>\n<p>",
			_(pg->lang, "A post's history"));
	if (rc == 0)
		rc = fv_a(pg, back, p.thread_title);
	if (rc == 0)
		rc = sz_buf_printf(b, " #%lld. ", (long long)p.position);
	if (rc == 0)
		rc = sz_buf_printf(b, NG_(pg->lang, "Edited %lld time. Oldest first; "
			"the post itself says what it says now.", "Edited %lld times. "
			"Oldest first; the post itself says what it says now.",
			(unsigned long)n), (long long)n);
	if (rc == 0)
		rc = sz_buf_puts(b, "</p>\n<ol class=\"history\">\n");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		fv_time(e[i].at, when, sizeof(when));
		struct sz_buf who;
		sz_buf_init(&who, 4 * SZ_FORUM_ACTOR_MAX + 16);
		rc = sz_buf_puts(&who, "<bdi>");
		if (rc == 0)
			rc = fv_escape(&who, e[i].editor);
		if (rc == 0)
			rc = sz_buf_puts(&who, "</bdi>");
		if (rc == 0)
			rc = sz_buf_puts(b, "<li><p class=\"meta\">");
		/* TRANSLATORS: a time ("2024-05-01 14:03 UTC"), then who edited */
		if (rc == 0)
			rc = sz_buf_printf(b, _(pg->lang, "Before the edit of %s by %s:"),
				when, (const char *)who.data);
		sz_buf_free(&who);
		if (rc == 0)
			rc = sz_buf_puts(b, "</p><pre class=\"text\">");
		if (rc == 0)
			rc = fv_escape(b, e[i].source);
		if (rc == 0)
			rc = sz_buf_puts(b, "</pre></li>\n");
	}
	if (rc == 0)
		rc = sz_buf_printf(b, "</ol>\n<h2>%s</h2>\n<pre class=\"text\">",
			_(pg->lang, "Now"));
	if (rc == 0)
		rc = fv_escape(b, p.source);
	if (rc == 0)
		rc = sz_buf_puts(b, "</pre>\n");
	sz_forum_edits_free(e, n);
	sz_forum_post_clear(&p);
	return rc ? rc : fv_end(pg);
}

int fpage_report(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	const struct sz_forum_viewer *v = pg->viewer;
	struct sz_forum_post p;
	if (!visible_post(pg, a->id, false, &p) || p.state != SZ_POST_VISIBLE) {
		sz_forum_post_clear(&p);
		return fv_missing(pg, 404, _(pg->lang, "There is no such post."));
	}
	if (!v->member) {
		sz_forum_post_clear(&p);
		return fv_missing(pg, 403, _(pg->lang, "Log in to report a post."));
	}
	struct sz_buf *b = pg->out;
	int rc = fv_begin(pg, _(pg->lang, "Report a post"));
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>%s</h1>\n", _(pg->lang, "Report a post"));
	if (rc == 0 && a->error)
		rc = fv_notice(pg, _(pg->lang, a->error), true);
	if (rc == 0)
		rc = fv_post(pg, &p, NULL);
	if (rc == 0)
		rc = sz_buf_printf(b, "<form method=\"post\" action=\"%s/forum/post/"
			"%lld/report\">", pg->base, (long long)p.id);
	if (rc == 0)
		rc = fv_csrf(pg);
	if (rc == 0)
		rc = sz_buf_printf(b, "<label for=\"reason\">%s</label><textarea "
			"id=\"reason\" name=\"reason\" rows=\"3\" maxlength=\"%d\" "
			"required>", _(pg->lang, "What is wrong with it?"),
			SZ_FORUM_REASON_CHARS * 4);
	if (rc == 0)
		rc = fv_escape(b, a->draft);
	if (rc == 0)
		rc = sz_buf_printf(b, "</textarea><p class=\"note\">%s</p><button>"
			"%s</button></form>\n", _(pg->lang, "The moderators see your "
			"report and your name; nobody else does."),
			_(pg->lang, "Report it"));
	sz_forum_post_clear(&p);
	return rc ? rc : fv_end(pg);
}

static int queue_members(struct sz_forum_page *pg)
{
	struct sz_forum *f = pg->site->forum;
	struct sz_forum_member *m = NULL;
	size_t n = 0;
	if (f->ops->member_list(f, true, 50, &m, &n, NULL) != 0)
		return SZ_E_IO;
	struct sz_buf *b = pg->out;
	int rc = sz_buf_puts(b, "<h2>");
	if (rc == 0)
		rc = sz_buf_printf(b, _(pg->lang, "Members awaiting approval (%zu)"),
			n);
	if (rc == 0)
		rc = sz_buf_puts(b, "</h2>\n<ul class=\"queue\">\n");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		rc = sz_buf_puts(b, "<li>");
		if (rc == 0)
			rc = fv_name(pg, m[i].id, m[i].name, false);
		if (rc == 0)
			rc = sz_buf_printf(b, " <span class=\"meta\">%s %s</span> "
				"<form class=\"mod\" method=\"post\" action=\"%s/forum/mod/"
				"member/%lld\">", _(pg->lang, "Joined"), m[i].joined_day,
				pg->base, (long long)m[i].id);
		if (rc == 0)
			rc = fv_csrf(pg);
		if (rc == 0)
			rc = sz_buf_printf(b, "<input type=\"hidden\" name=\"from\" "
				"value=\"queue\"><select name=\"action\" aria-label=\"%s\">"
				"<option value=\"approve_member\">%s</option><option "
				"value=\"reject_member\">%s</option></select>",
				_(pg->lang, "Moderation"), _(pg->lang, "Approve"),
				_(pg->lang, "Reject"));
		if (rc == 0)
			rc = fv_mod_reason(pg);
		if (rc == 0)
			rc = sz_buf_puts(b, "</li>\n");
	}
	if (rc == 0 && n == 0)
		rc = sz_buf_printf(b, "<li>%s</li>\n", _(pg->lang, "None."));
	free(m);
	return rc ? rc : sz_buf_puts(b, "</ul>\n");
}

static int queue_reports(struct sz_forum_page *pg)
{
	struct sz_forum *f = pg->site->forum;
	struct sz_forum_report *r = NULL;
	size_t n = 0;
	if (f->ops->reports_open(f, 50, &r, &n, NULL) != 0)
		return SZ_E_IO;
	struct sz_buf *b = pg->out;
	int rc = sz_buf_puts(b, "<h2>");
	if (rc == 0)
		rc = sz_buf_printf(b, _(pg->lang, "Reports (%zu)"), n);
	if (rc == 0)
		rc = sz_buf_puts(b, "</h2>\n");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char when[40];
		fv_time(r[i].at, when, sizeof(when));
		when[strcspn(when, " ")] = '\0';   /* a report keeps its day only */
		rc = sz_buf_puts(b, "<div class=\"report\"><p class=\"meta\">");
		if (rc == 0)
			rc = fv_name(pg, r[i].reporter_id, r[i].reporter, false);
		if (rc == 0)
			rc = sz_buf_puts(b, " ");
		/* TRANSLATORS: after the reporter's name; a day, 2024-05-01 */
		if (rc == 0)
			rc = sz_buf_printf(b, _(pg->lang, "reported on %s:"), when);
		if (rc == 0)
			rc = sz_buf_puts(b, " <q>");
		if (rc == 0)
			rc = fv_escape(b, r[i].reason);
		if (rc == 0)
			rc = sz_buf_puts(b, "</q></p>");
		struct sz_forum_post p;
		if (rc == 0 && f->ops->post_get(f, r[i].post_id, false, &p,
		    NULL) == 0) {
			rc = fv_post(pg, &p, NULL);
			sz_forum_post_clear(&p);
		}
		if (rc == 0)
			rc = sz_buf_puts(b, "</div>\n");
	}
	if (rc == 0 && n == 0)
		rc = sz_buf_printf(b, "<p>%s</p>\n", _(pg->lang, "None open."));
	free(r);
	return rc;
}

int fpage_queue(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	struct sz_forum *f = pg->site->forum;
	if (!pg->viewer->staff)
		return fv_missing(pg, 403, _(pg->lang, "The moderation queue is "
			"for the forum's staff."));
	struct sz_forum_post *posts = NULL;
	size_t n = 0;
	if (f->ops->posts_pending(f, 50, &posts, &n, NULL) != 0)
		return SZ_E_IO;
	pg->in_queue = true;
	struct sz_buf *b = pg->out;
	int rc = fv_begin(pg, _(pg->lang, "Moderation queue"));
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>%s</h1>\n",
			_(pg->lang, "Moderation queue"));
	if (rc == 0 && fv_note(pg, a->note))
		rc = fv_notice(pg, fv_note(pg, a->note), false);
	if (rc == 0 && a->error)
		rc = fv_notice(pg, _(pg->lang, a->error), true);
	if (rc == 0)
		rc = sz_buf_puts(b, "<h2>");
	if (rc == 0)
		rc = sz_buf_printf(b, _(pg->lang, "Posts awaiting approval (%zu)"),
			n);
	if (rc == 0)
		rc = sz_buf_puts(b, "</h2>\n");
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = fv_post(pg, &posts[i], NULL);
	if (rc == 0 && n == 0)
		rc = sz_buf_printf(b, "<p>%s</p>\n", _(pg->lang, "None."));
	if (rc == 0)
		rc = queue_members(pg);
	if (rc == 0)
		rc = queue_reports(pg);
	sz_forum_posts_free(posts, n);
	return rc ? rc : fv_end(pg);
}

#define LOG_PAGE 50

/* Whether thread id is there for the public (visible, or merged into
 * another: its page says where). */
static bool thread_public(struct sz_forum_page *pg, int64_t id)
{
	struct sz_forum *f = pg->site->forum;
	struct sz_forum_thread t;
	return f->ops->thread_get(f, id, &t, NULL) == 0 &&
		(t.state == SZ_THREAD_VISIBLE || t.state == SZ_THREAD_MERGED);
}

/* Whether the viewer may read the title of thread id: a thread hidden
 * or deleted since keeps its title out of the log but for staff. */
static bool title_shown(struct sz_forum_page *pg, int64_t id)
{
	return pg->viewer->staff || thread_public(pg, id);
}

/* The thread of post id, or 0. */
static int64_t thread_of(struct sz_forum_page *pg, int64_t id)
{
	struct sz_forum *f = pg->site->forum;
	struct sz_forum_post p;
	if (f->ops->post_get(f, id, false, &p, NULL) != 0)
		return 0;
	int64_t t = p.thread_id;
	sz_forum_post_clear(&p);
	return t;
}

/* Whether a mirror's copy has a page for what a log line is about (a
 * live site links anyway: staff may see it). */
static bool copied(struct sz_forum_page *pg, const struct sz_forum_log *l)
{
	struct sz_forum *f = pg->site->forum;
	struct sz_forum_member m;
	if (fv_live(pg))
		return true;
	if (l->target == SZ_TARGET_THREAD)
		return thread_public(pg, l->target_id);
	return f->ops->member_get(f, l->target_id, &m, NULL) == 0 &&
		m.state == SZ_MEMBER_ACTIVE;
}

static int log_about(struct sz_forum_page *pg, const struct sz_forum_log *l)
{
	char path[64], post[SZ_FORUM_TITLE_MAX + 64];
	/* a post's line: its number and its thread's title, said in the
	 * reader's language (lines an older samizdat wrote that could not be
	 * taken apart keep their text) */
	const char *about = l->about;
	if (l->target == SZ_TARGET_POST && l->position > 0) {
		/* TRANSLATORS: the moderation log's line about a post: its
		 * number in its thread, then the thread's title */
		snprintf(post, sizeof(post), _(pg->lang, "#%lld in %s"),
			(long long)l->position, l->about);
		about = post;
	}
	if (l->target == SZ_TARGET_THREAD && !title_shown(pg, l->target_id))
		return fv_escape(pg->out, _(pg->lang, "a hidden thread"));
	if (l->target == SZ_TARGET_POST &&
	    !title_shown(pg, thread_of(pg, l->target_id)))
		return fv_escape(pg->out, _(pg->lang, "a post in a hidden thread"));
	if ((l->target == SZ_TARGET_THREAD || l->target == SZ_TARGET_MEMBER) &&
	    !copied(pg, l))
		return fv_escape(pg->out, about);
	switch (l->target) {
	case SZ_TARGET_THREAD:
		snprintf(path, sizeof(path), "/forum/thread/%lld",
			(long long)l->target_id);
		return fv_a(pg, path, about);
	case SZ_TARGET_MEMBER:
		snprintf(path, sizeof(path), "/forum/member/%lld",
			(long long)l->target_id);
		return fv_a(pg, path, about);
	case SZ_TARGET_POST:
		if (fv_live(pg)) {
			snprintf(path, sizeof(path), "/forum/post/%lld",
				(long long)l->target_id);
			return fv_a(pg, path, about);
		}
		return fv_escape(pg->out, about);
	default:
		return fv_escape(pg->out, about);
	}
}

int fpage_log(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	struct sz_forum *f = pg->site->forum;
	struct sz_forum_key key = { 0, 0 };
	if (pg->kind == SZ_FPAGE_LOG_OLDER && sz_forum_key_parse(a->key,
	    &key) != 0)
		return fv_missing(pg, 404, _(pg->lang,
			"That page of the log does not exist."));
	struct sz_forum_log *l = NULL;
	size_t n = 0;
	bool more = false;
	if (f->ops->log_page(f, key.id, LOG_PAGE, &l, &n, &more, NULL) != 0)
		return SZ_E_IO;
	struct sz_buf *b = pg->out;
	const struct sz_lang *L = pg->lang;
	int rc = fv_begin(pg, _(L, "Moderation log"));
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>%s</h1>\n<p>%s</p>\n<div class=\"scroll\">"
			"<table class=\"log\"><thead><tr><th>%s</th><th>%s</th><th>%s"
			"</th><th>%s</th><th>%s</th></tr></thead><tbody>\n",
			_(L, "Moderation log"), _(L, "Everything the moderators do is "
			"written here, for anyone to see: who, what, when and why."),
			C_(L, "log", "When"), C_(L, "log", "Who"), C_(L, "log", "What"),
			C_(L, "log", "About"), C_(L, "log", "Why"));
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char when[40];
		fv_time(l[i].at, when, sizeof(when));
		rc = sz_buf_printf(b, "<tr><td class=\"day\">%s</td><td>", when);
		if (rc == 0)
			rc = fv_escape(b, l[i].actor);
		if (rc == 0)
			rc = sz_buf_puts(b, "</td><td>");
		if (rc == 0)
			rc = fv_escape(b, l[i].action);
		if (rc == 0)
			rc = sz_buf_puts(b, "</td><td>");
		if (rc == 0)
			rc = log_about(pg, &l[i]);
		if (rc == 0)
			rc = sz_buf_puts(b, "</td><td>");
		if (rc == 0)
			rc = fv_escape(b, l[i].reason[0] ? l[i].reason :
				_(L, "(no reason given)"));
		if (rc == 0)
			rc = sz_buf_puts(b, "</td></tr>\n");
	}
	if (rc == 0)
		rc = sz_buf_puts(b, "</tbody></table></div>\n");
	if (rc == 0 && n == 0)
		rc = sz_buf_printf(b, "<p>%s</p>\n", _(L, "Nothing yet."));
	if (rc == 0 && more) {
		char k[SZ_FORUM_KEY_TEXT], path[96];
		struct sz_forum_key last = { l[n - 1].at, l[n - 1].id };
		sz_forum_key_format(&last, k);
		snprintf(path, sizeof(path), "/forum/log/older/%s", k);
		rc = sz_buf_puts(b, "<nav class=\"pager\"><a rel=\"next\" href=\"");
		if (rc == 0)
			rc = fv_link(pg, b, path);
		if (rc == 0)
			rc = sz_buf_printf(b, "\">%s</a></nav>\n",
				C_(L, "log", "older"));
	}
	free(l);
	return rc ? rc : fv_end(pg);
}
