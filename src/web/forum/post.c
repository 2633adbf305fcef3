/*
 * post.c - what members do with posts: start a thread, reply, comment on
 * the archive, edit within the window, delete their own, like, report,
 * quote.  Each is checked against the rules before anything is written:
 * who may (members, not silenced; the thread not locked), what (Markdown
 * rendered and limited by markdown.c; no links or images at trust 0),
 * how often (budgets per day by trust, a burst limit per minute: no
 * addresses to count by, so accounts are what is counted), and whether
 * it waits for approval (a new member's first posts do).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/utf8.h"
#include "web/forum/forum.h"
#include "web/forum/markdown.h"

#define fail sz_forum_refuse

static int trouble(struct sz_forum_done *d, const struct sz_err *err)
{
	return fail(d, 500, _(d->lang, "The forum could not save that (%s). "
		"Please try again."), err->msg);
}

/* May this member post at all? */
static int may_post(const struct sz_forum_viewer *v, struct sz_forum_done *d)
{
	if (!v->member)
		return fail(d, 403, N_("Log in to post."));
	if (v->m.banned)
		return fail(d, 403, N_("This account is banned."));
	if (v->m.silenced)
		return fail(d, 403, N_("You are silenced: a moderator has stopped you "
			"from posting, liking and reporting. You can still read."));
	return 0;
}

/* The sentence for a spent budget, in d->lang: limit uses counted, and
 * the member's trust level. */
static int spent(struct sz_forum_done *d, enum sz_forum_budget kind,
	unsigned long long limit, int trust)
{
	const struct sz_lang *l = d->lang;
	switch (kind) {
	case SZ_BUDGET_POST:
		return fail(d, 429, NG_(l, "You have posted %llu time today, the "
			"most a member at trust level %d may: please wait. Limits "
			"rise as you take part.", "You have posted %llu times today, "
			"the most a member at trust level %d may: please wait. "
			"Limits rise as you take part.", limit), limit, trust);
	case SZ_BUDGET_BURST:
		return fail(d, 429, NG_(l, "You have posted or edited %llu time "
			"this minute, the most a member at trust level %d may: "
			"please wait. Limits rise as you take part.", "You have "
			"posted or edited %llu times this minute, the most a member "
			"at trust level %d may: please wait. Limits rise as you take "
			"part.", limit), limit, trust);
	case SZ_BUDGET_LIKE:
		return fail(d, 429, NG_(l, "You have liked %llu post today, the "
			"most a member at trust level %d may: please wait. Limits "
			"rise as you take part.", "You have liked %llu posts today, "
			"the most a member at trust level %d may: please wait. "
			"Limits rise as you take part.", limit), limit, trust);
	default:
		return fail(d, 429, NG_(l, "You have reported %llu post today, the "
			"most a member at trust level %d may: please wait. Limits "
			"rise as you take part.", "You have reported %llu posts "
			"today, the most a member at trust level %d may: please "
			"wait. Limits rise as you take part.", limit), limit, trust);
	}
}

/* One use of a daily (or, for SZ_BUDGET_BURST, per-minute) budget (kept
 * in the face's memory, never in forum.db); staff are not counted. */
static int spend(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, enum sz_forum_budget kind,
	uint64_t limit, struct sz_forum_done *d)
{
	if (v->staff)
		return 0;
	int rc = site->slots ? sz_forum_spend(site->slots, kind, v->m.id,
		limit) : SZ_E_BUSY;
	if (rc == SZ_E_LIMIT)
		return spent(d, kind, (unsigned long long)limit, v->trust);
	return rc ? fail(d, 503, N_("The forum is busy; please try again in a "
		"minute.")) : 0;
}

/* A title: trimmed, 1 to SZ_FORUM_TITLE_CHARS characters of text. */
static int check_title(const char *in, char *out, size_t cap,
	struct sz_forum_done *d)
{
	while (*in == ' ')
		in++;
	size_t n = strlen(in);
	while (n > 0 && in[n - 1] == ' ')
		n--;
	size_t chars = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c < 0x20 || c == 0x7f)
			return fail(d, 400, N_("A title is one line of text."));
		chars += (c & 0xc0) != 0x80;
	}
	if (chars == 0)
		return fail(d, 400, N_("Give the thread a title."));
	if (chars > SZ_FORUM_TITLE_CHARS || n >= cap || !sz_utf8_valid(in, n))
		return fail(d, 400, NG_(d->lang, "A title can be at most %d "
			"character.", "A title can be at most %d characters.",
			SZ_FORUM_TITLE_CHARS), SZ_FORUM_TITLE_CHARS);
	/* Direction overrides, embeddings and isolates (U+202A-U+202E,
	 * U+2066-U+2069) go: not closed, they would turn the rest of every
	 * line the title is shown on (its author, counts, dates) around. */
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *u = (const unsigned char *)in + i;
		if (i + 2 < n && u[0] == 0xe2 && ((u[1] == 0x80 && u[2] >= 0xaa &&
		    u[2] <= 0xae) || (u[1] == 0x81 && u[2] >= 0xa6 && u[2] <= 0xa9))) {
			i += 2;
			continue;
		}
		out[o++] = in[i];
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	size_t lead = 0;
	while (lead < o && out[lead] == ' ')
		lead++;
	memmove(out, out + lead, o - lead);
	out[o - lead] = '\0';
	if (o == lead)
		return fail(d, 400, N_("Give the thread a title."));
	return 0;
}

static int render(const struct sz_forum_viewer *v, const char *text,
	size_t len, struct sz_md *md, struct sz_forum_done *d)
{
	size_t i = 0;
	while (i < len && (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' ||
	    text[i] == '\t'))
		i++;
	if (i == len) {
		sz_md_render("", 0, 0, d->lang, md);
		return fail(d, 400, N_("Write something first."));
	}
	int rc = sz_md_render(text, len, v->trust == 0 && !v->staff ?
		SZ_MD_NO_LINKS : 0, d->lang, md);
	return rc ? fail(d, rc == SZ_E_LIMIT ? 413 : 400, "%s", md->error) : 0;
}

static void post_go(struct sz_forum_done *d, int64_t thread, int64_t position,
	int64_t post, const char *note)
{
	snprintf(d->go, sizeof(d->go), "/forum/thread/%lld/page/%lld%s%s#p%lld",
		(long long)thread,
		(long long)((position - 1) / SZ_FORUM_PER_PAGE + 1),
		note ? "?note=" : "", note ? note : "", (long long)post);
}

/* Where a reply goes: the thread, if the viewer may reply to it. */
static int reply_target(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, int64_t id, struct sz_forum_thread *t,
	struct sz_forum_done *d)
{
	struct sz_forum *f = site->forum;
	if (f->ops->thread_get(f, id, t, NULL) != 0 ||
	    (t->state != SZ_THREAD_VISIBLE && !v->staff) ||
	    t->state == SZ_THREAD_MERGED || t->state == SZ_THREAD_DELETED)
		return fail(d, 404, "%s", C_(d->lang, "forum",
			"There is no such thread."));
	if (t->locked && !v->staff)
		return fail(d, 403, N_("This thread is locked: no more replies."));
	return 0;
}

int sz_forum_post(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, const struct sz_forum_posting *p,
	struct sz_forum_done *d)
{
	struct sz_forum *f = site->forum;
	const struct sz_config *cfg = site->cfg;
	struct sz_forum_thread t;
	struct sz_forum_board board;
	struct sz_md md;
	struct sz_err err;
	char title[SZ_FORUM_TITLE_MAX + 1];
	sz_forum_done_start(d, v->lang);
	memset(&md, 0, sizeof(md));
	int rc = may_post(v, d);
	bool reply = p->thread_id != 0;
	if (rc == 0 && reply)
		rc = reply_target(site, v, p->thread_id, &t, d);
	else if (rc == 0 && p->subject != SZ_SUBJECT_NONE) {
		/* a comment joins the discussion if there is one */
		if (f->ops->thread_of_subject(f, p->subject, p->subject_id, &t,
		    NULL) == 0) {
			reply = true;
			rc = reply_target(site, v, t.id, &t, d);
		}
		if (rc == 0 && !reply)
			rc = check_title(p->title, title, sizeof(title), d);
	} else if (rc == 0) {
		if (f->ops->board_get(f, p->board_id, &board, NULL) != 0)
			rc = fail(d, 404, N_("There is no such board."));
		if (rc == 0)
			rc = check_title(p->title ? p->title : "", title,
				sizeof(title), d);
	}
	if (rc == 0)
		rc = render(v, p->text, p->text_len, &md, d);
	if (rc == 0)
		rc = spend(site, v, SZ_BUDGET_POST,
			cfg->forum_posts_per_day[v->trust], d);
	if (rc == 0)
		rc = spend(site, v, SZ_BUDGET_BURST, cfg->forum_posts_per_minute,
			d);
	if (rc != 0) {
		sz_md_free(&md);
		return rc;
	}
	struct sz_forum_post q;
	int64_t quote = 0;
	if (p->quote_of && sz_forum_post_seen(site, v, p->quote_of, false,
	    &q) == 0) {
		quote = q.state == SZ_POST_VISIBLE ? q.id : 0;
		sz_forum_post_clear(&q);
	}
	bool wait = !v->staff &&
		(uint64_t)v->m.approved_posts < cfg->forum_approve_first_posts;
	struct sz_forum_post_new np = { reply ? t.id : 0, v->m.id, time(NULL),
		wait ? SZ_POST_PENDING : SZ_POST_VISIBLE, quote,
		p->text, (const char *)md.html.data, (const char *)md.text.data };
	int64_t post = 0, position = 1, thread = 0;
	if (reply) {
		thread = t.id;
		rc = f->ops->post_add(f, &np, &post, &position, &err);
	} else {
		struct sz_forum_thread_new nt = { p->subject ? 0 : p->board_id,
			p->subject, p->subject_id, title };
		rc = f->ops->thread_create(f, &nt, &np, &thread, &post, &err);
		if (rc == SZ_E_EXISTS) {
			/* someone else began the discussion meanwhile */
			np.thread_id = thread;
			rc = f->ops->post_add(f, &np, &post, &position, &err);
		}
	}
	sz_md_free(&md);
	if (rc != 0)
		return trouble(d, &err);
	d->id = post;
	post_go(d, thread, position, post, wait ? "pending" : NULL);
	return 0;
}

int sz_forum_post_seen(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, int64_t id, bool source,
	struct sz_forum_post *p)
{
	struct sz_forum *f = site->forum;
	struct sz_forum_thread t;
	memset(p, 0, sizeof(*p));
	if (id == 0 || f->ops->post_get(f, id, source, p, NULL) != 0) {
		sz_forum_post_clear(p);
		return SZ_E_NOT_FOUND;
	}
	bool mine = v->member && v->m.id == p->author.id;
	bool ok = v->staff || p->state == SZ_POST_VISIBLE ||
		(p->state == SZ_POST_PENDING && mine);
	if (ok && !v->staff && (f->ops->thread_get(f, p->thread_id, &t,
	    NULL) != 0 || (t.state != SZ_THREAD_VISIBLE &&
	    !(t.state == SZ_THREAD_PENDING && mine))))
		ok = false;
	if (!ok) {
		sz_forum_post_clear(p);
		return SZ_E_NOT_FOUND;
	}
	return 0;
}

/* A post as the viewer may see it (its source too); 404 otherwise. */
static int seen_post(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, int64_t id, bool source,
	struct sz_forum_post *p, struct sz_forum_done *d)
{
	if (sz_forum_post_seen(site, v, id, source, p) != 0)
		return fail(d, 404, N_("There is no such post."));
	return 0;
}

int sz_forum_post_path(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, int64_t post_id, char *out, size_t cap)
{
	struct sz_forum_post p;
	struct sz_forum_done d;
	if (seen_post(site, v, post_id, false, &p, &d) != 0)
		return SZ_E_NOT_FOUND;
	snprintf(out, cap, "/forum/thread/%lld/page/%lld#p%lld",
		(long long)p.thread_id,
		(long long)((p.position - 1) / SZ_FORUM_PER_PAGE + 1),
		(long long)p.id);
	sz_forum_post_clear(&p);
	return 0;
}

static int log_staff(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, const char *action,
	const struct sz_forum_post *p)
{
	struct sz_forum_log l;
	memset(&l, 0, sizeof(l));
	l.at = time(NULL);
	snprintf(l.actor, sizeof(l.actor), "%s", v->actor);
	snprintf(l.action, sizeof(l.action), "%s", action);
	l.target = SZ_TARGET_POST;
	l.target_id = p->id;
	snprintf(l.about, sizeof(l.about), "%s", p->thread_title);
	l.position = p->position;
	l.thread_id = p->thread_id;
	return site->forum->ops->log_add(site->forum, &l, NULL);
}

int sz_forum_edit(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, int64_t post_id, const char *text,
	size_t text_len, struct sz_forum_done *d)
{
	struct sz_forum *f = site->forum;
	struct sz_forum_post p;
	struct sz_md md;
	struct sz_err err;
	sz_forum_done_start(d, v->lang);
	memset(&md, 0, sizeof(md));
	if (!v->member && !v->staff)
		return fail(d, 403, N_("Log in to edit your posts."));
	int rc = seen_post(site, v, post_id, true, &p, d);
	if (rc != 0)
		return rc;
	bool mine = v->member && v->m.id == p.author.id;
	uint64_t window = site->cfg->forum_edit_window_min * 60;
	if (!v->staff && !mine)
		rc = fail(d, 403, N_("Only its author and the moderators may edit a "
			"post."));
	else if (!v->staff && v->m.silenced)
		rc = may_post(v, d);
	else if (!v->staff && (uint64_t)(time(NULL) - p.created) >= window)
		rc = fail(d, 403, NG_(d->lang, "Posts can be edited for %llu "
			"minute after they are posted; that time is over for this "
			"one.", "Posts can be edited for %llu minutes after they are "
			"posted; that time is over for this one.",
			site->cfg->forum_edit_window_min),
			(unsigned long long)site->cfg->forum_edit_window_min);
	else if (!v->staff && p.edits >= SZ_FORUM_EDITS_MAX)
		rc = fail(d, 403, NG_(d->lang, "This post has been edited %d time, "
			"the most a post may be: write a new one instead.", "This "
			"post has been edited %d times, the most a post may be: write "
			"a new one instead.", SZ_FORUM_EDITS_MAX), SZ_FORUM_EDITS_MAX);
	if (rc == 0)
		rc = render(v, text, text_len, &md, d);
	/* Each edit keeps what the post said before: edits are counted
	 * with posts, so history cannot fill the disk. */
	bool changed = rc == 0 && strcmp(text, p.source) != 0;
	if (changed)
		rc = spend(site, v, SZ_BUDGET_BURST,
			site->cfg->forum_posts_per_minute, d);
	/* A member whose posts still wait for approval cannot swap an
	 * approved text for another: the edit waits too. */
	bool wait = changed && mine && !v->staff &&
		p.state == SZ_POST_VISIBLE && (uint64_t)v->m.approved_posts <
		site->cfg->forum_approve_first_posts;
	if (changed && rc == 0) {
		/* one transaction: the held text is never live, even briefly */
		rc = f->ops->post_edit(f, p.id, v->actor, time(NULL), text,
			(const char *)md.html.data, (const char *)md.text.data, wait,
			&err);
		if (rc != 0)
			rc = trouble(d, &err);
		else if (!mine)
			log_staff(site, v, "edited a post", &p);
	}
	if (rc == 0)
		post_go(d, p.thread_id, p.position, p.id, wait ? "pending" :
			"edited");
	sz_md_free(&md);
	sz_forum_post_clear(&p);
	return rc;
}

int sz_forum_delete_own(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, int64_t post_id,
	struct sz_forum_done *d)
{
	struct sz_forum *f = site->forum;
	struct sz_forum_post p;
	struct sz_err err;
	sz_forum_done_start(d, v->lang);
	if (!v->member)
		return fail(d, 403, N_("Log in to delete your posts."));
	int rc = seen_post(site, v, post_id, false, &p, d);
	if (rc != 0)
		return rc;
	if (p.author.id != v->m.id)
		rc = fail(d, 403, N_("Only its author may delete a post (moderators "
			"hide or delete others' posts, and say why in the log)."));
	else if (f->ops->post_set_state(f, p.id, SZ_POST_DELETED, &err) != 0)
		rc = trouble(d, &err);
	if (rc == 0)
		snprintf(d->go, sizeof(d->go), "/forum/thread/%lld?note=deleted",
			(long long)p.thread_id);
	sz_forum_post_clear(&p);
	return rc;
}

/* A member acting on a post they see (liking, reporting): may they act
 * at all, and is the post there for them? */
static int act_on(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, int64_t post_id,
	struct sz_forum_post *p, struct sz_forum_done *d)
{
	sz_forum_done_start(d, v->lang);
	memset(p, 0, sizeof(*p));
	int rc = may_post(v, d);
	return rc ? rc : seen_post(site, v, post_id, false, p, d);
}

int sz_forum_like(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, int64_t post_id, bool on,
	struct sz_forum_done *d)
{
	struct sz_forum *f = site->forum;
	struct sz_forum_post p;
	struct sz_err err;
	int rc = act_on(site, v, post_id, &p, d);
	if (rc != 0)
		return rc;
	if (p.state != SZ_POST_VISIBLE)
		rc = fail(d, 404, N_("There is no such post."));
	else if (p.author.id == v->m.id)
		rc = fail(d, 403, N_("You cannot like your own post."));
	if (rc == 0 && on)
		rc = spend(site, v, SZ_BUDGET_LIKE,
			site->cfg->forum_likes_per_day[v->trust], d);
	if (rc == 0 && f->ops->like(f, p.id, v->m.id, on, &err) != 0)
		rc = trouble(d, &err);
	if (rc == 0)
		post_go(d, p.thread_id, p.position, p.id, NULL);
	sz_forum_post_clear(&p);
	return rc;
}

int sz_forum_report(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, int64_t post_id, const char *reason,
	struct sz_forum_done *d)
{
	struct sz_forum *f = site->forum;
	struct sz_forum_post p;
	struct sz_err err;
	int rc = act_on(site, v, post_id, &p, d);
	if (rc != 0)
		return rc;
	size_t chars = 0, n = reason ? strlen(reason) : 0;
	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)reason[i] & 0xc0) != 0x80;
	if (p.author.id == v->m.id)
		rc = fail(d, 403, N_("You cannot report your own post; edit or delete "
			"it instead."));
	else if (chars == 0)
		rc = fail(d, 400, N_("Say what is wrong with the post."));
	else if (chars > SZ_FORUM_REASON_CHARS || n > SZ_FORUM_REASON_MAX ||
	    !sz_utf8_valid(reason, n))
		rc = fail(d, 400, NG_(d->lang, "A report can be at most %d "
			"character.", "A report can be at most %d characters.",
			SZ_FORUM_REASON_CHARS), SZ_FORUM_REASON_CHARS);
	if (rc == 0)
		rc = spend(site, v, SZ_BUDGET_REPORT,
			site->cfg->forum_reports_per_day[v->trust], d);
	if (rc == 0) {
		int r = f->ops->report_add(f, p.id, v->m.id, reason, time(NULL),
			&err);
		if (r == SZ_E_EXISTS)
			rc = fail(d, 409, N_("You have reported this post already."));
		else if (r != 0)
			rc = trouble(d, &err);
	}
	if (rc == 0)
		post_go(d, p.thread_id, p.position, p.id, "reported");
	sz_forum_post_clear(&p);
	return rc;
}

/* Markdown's own characters in a name, escaped. */
static int md_name(struct sz_buf *b, const char *name)
{
	int rc = 0;
	for (const char *s = name; rc == 0 && *s; s++) {
		if (strchr("\\`*_[]<>#!|~", *s))
			rc = sz_buf_puts(b, "\\");
		if (rc == 0)
			rc = sz_buf_append(b, s, 1);
	}
	return rc;
}

int sz_forum_quote(const struct sz_forum_site *site, int64_t post_id,
	struct sz_buf *out)
{
	static const struct sz_forum_viewer anonymous;
	struct sz_forum_post p;
	struct sz_forum_done d;
	if (seen_post(site, &anonymous, post_id, true, &p, &d) != 0)
		return SZ_E_NOT_FOUND;
	int rc = sz_buf_puts(out, "> **[");
	if (rc == 0)
		rc = p.author.deleted || !p.author.name[0] ?
			sz_buf_puts(out, "a deleted member") :
			md_name(out, p.author.name);
	if (rc == 0)
		rc = sz_buf_printf(out, "](/forum/thread/%lld/page/%lld#p%lld) "
			"wrote:**\n>\n", (long long)p.thread_id,
			(long long)((p.position - 1) / SZ_FORUM_PER_PAGE + 1),
			(long long)p.id);
	/* its own quotes are left out: quoting a quote quotes one level */
	bool blank = true;
	for (const char *line = p.source; rc == 0 && line && *line;) {
		size_t n = strcspn(line, "\n");
		size_t k = 0;
		while (k < n && k < 3 && line[k] == ' ')
			k++;
		bool quoted = k < n && line[k] == '>';
		bool empty = n == 0 || (n == 1 && line[0] == '\r');
		if (!quoted && !(empty && blank)) {
			rc = sz_buf_puts(out, n ? "> " : ">");
			if (rc == 0)
				rc = sz_buf_append(out, line, n);
			if (rc == 0)
				rc = sz_buf_puts(out, "\n");
			blank = empty;
		}
		line += n + (line[n] == '\n');
	}
	if (rc == 0)
		rc = sz_buf_puts(out, "\n");
	sz_forum_post_clear(&p);
	return rc;
}
