/*
 * fview.c - what the forum's pages share: the frame and navigation,
 * links, times, a member's block, a post with its buttons, rows of
 * lists, pagers and the staff's forms.  Everything a member typed is
 * escaped here or was rendered safe when posted (markdown.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/forum/fview.h"
#include "web/forum/markdown.h"
#include "web/html.h"

bool fv_live(const struct sz_forum_page *pg)
{
	return pg->site->links == SZ_LINKS_ROOTED;
}

int fv_escape(struct sz_buf *b, const char *s)
{
	return sz_html_escape(b, s ? s : "");
}

int fv_link(struct sz_forum_page *pg, struct sz_buf *b, const char *path)
{
	/* the suffix names a page's file (a feed is a file already; keys
	 * of keyset pages have dots too): it goes before an anchor */
	static const char feed[] = ".atom";
	const char *hash = strchr(path, '#');
	size_t n = hash ? (size_t)(hash - path) : strlen(path);
	bool file = n >= sizeof(feed) - 1 &&
		memcmp(path + n - (sizeof(feed) - 1), feed, sizeof(feed) - 1) == 0;
	int rc = sz_buf_puts(b, pg->base);
	if (rc == 0)
		rc = sz_buf_append(b, path, n);
	if (rc == 0 && !file)
		rc = sz_buf_puts(b, pg->suffix);
	return rc || hash == NULL ? rc : sz_buf_puts(b, hash);
}

/* The link to a post in its thread: its page and its anchor (the
 * thread's pages are the hottest: no printf on their way). */
static int post_link(struct sz_forum_page *pg, struct sz_buf *b,
	const struct sz_forum_post *p)
{
	int rc = sz_buf_puts(b, pg->base);
	if (rc == 0)
		rc = sz_buf_puts(b, "/forum/thread/");
	if (rc == 0)
		rc = sz_buf_int(b, p->thread_id);
	if (rc == 0)
		rc = sz_buf_puts(b, "/page/");
	if (rc == 0)
		rc = sz_buf_int(b, (p->position - 1) / SZ_FORUM_PER_PAGE + 1);
	if (rc == 0)
		rc = sz_buf_puts(b, pg->suffix);
	if (rc == 0)
		rc = sz_buf_puts(b, "#p");
	return rc ? rc : sz_buf_int(b, p->id);
}

int fv_a(struct sz_forum_page *pg, const char *path, const char *text)
{
	int rc = sz_buf_puts(pg->out, "<a href=\"");
	if (rc == 0)
		rc = fv_link(pg, pg->out, path);
	if (rc == 0)
		rc = sz_buf_puts(pg->out, "\">");
	if (rc == 0)
		rc = fv_escape(pg->out, text);
	return rc ? rc : sz_buf_puts(pg->out, "</a>");
}

void fv_time(int64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (cap < 21 || gmtime_r(&tt, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 8099) {
		snprintf(out, cap, "?");
		return;
	}
	/* "2024-05-01 14:03 UTC", by hand: strftime is slow on a hot page */
	int v[] = { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		tm.tm_min };
	char *o = out;
	for (int i = 0; i < 5; i++) {
		int width = i == 0 ? 4 : 2;
		for (int k = width - 1; k >= 0; k--, v[i] /= 10)
			o[k] = (char)('0' + v[i] % 10);
		o += width;
		*o++ = i < 2 ? '-' : i == 2 ? ' ' : i == 3 ? ':' : ' ';
	}
	memcpy(o, "UTC", 4);
}

int fv_missing(struct sz_forum_page *pg, unsigned status, const char *why)
{
	pg->status = status;
	snprintf(pg->message, sizeof(pg->message), "%s", why);
	return 0;
}

int fv_csrf(struct sz_forum_page *pg)
{
	int rc = sz_buf_puts(pg->out, "<input type=\"hidden\" name=\"csrf\" "
		"value=\"");
	if (rc == 0)
		rc = sz_buf_puts(pg->out, pg->viewer->csrf);
	return rc ? rc : sz_buf_puts(pg->out, "\">");
}

int fv_notice(struct sz_forum_page *pg, const char *text, bool error)
{
	int rc = sz_buf_puts(pg->out, error ? "<p class=\"error\" id=\"error\">" :
		"<p class=\"ok\" id=\"notice\">");
	if (rc == 0)
		rc = fv_escape(pg->out, text);
	return rc ? rc : sz_buf_puts(pg->out, "</p>\n");
}

const char *fv_note(const struct sz_forum_page *pg, const char *code)
{
	static const struct {
		const char *code, *text;
	} notes[] = {
		{ "pending", N_("Your post waits for a moderator's approval: it "
		  "appears once approved. A new member's first posts do.") },
		{ "welcome", N_("Welcome! You are logged in.") },
		{ "approval", N_("Your account waits for a moderator's approval. "
		  "Log in once it is approved.") },
		{ "reported", N_("Thank you: the moderators will look at your "
		  "report.") },
		{ "password", N_("Your password is changed.") },
		{ "deleted", N_("The post is deleted.") },
		{ "edited", N_("The post is changed; what it said before is kept "
		  "in its history.") },
		{ "done", N_("Done: the moderation log says so.") },
		{ "country", N_("Your flag is changed.") },
		{ "bye", N_("Your account is deleted. Your posts stay, signed by a "
		  "deleted member.") },
	};
	for (size_t i = 0; code && i < sizeof(notes) / sizeof(notes[0]); i++)
		if (strcmp(code, notes[i].code) == 0)
			return _(pg->lang, notes[i].text);
	return NULL;
}

static int nav(struct sz_forum_page *pg)
{
	const struct sz_forum_viewer *v = pg->viewer;
	struct sz_buf *b = pg->out;
	int rc = sz_buf_puts(b, "<nav class=\"forum-nav\">");
	if (rc == 0)
		rc = fv_a(pg, "/forum", _(pg->lang, "Forum"));
	if (rc == 0)
		rc = sz_buf_puts(b, " · ");
	if (rc == 0)
		rc = fv_a(pg, "/forum/log", _(pg->lang, "Moderation log"));
	if (rc == 0 && v->staff && fv_live(pg)) {
		rc = sz_buf_puts(b, " · ");
		if (rc == 0)
			rc = fv_a(pg, "/forum/queue", _(pg->lang, "Moderation queue"));
	}
	if (rc == 0 && fv_live(pg) && v->editor)
		rc = sz_buf_puts(b, " · <a href=\"/inbox\">Inbox</a>");
	if (rc == 0 && fv_live(pg) && v->member) {
		rc = sz_buf_puts(b, "<span class=\"me\">");
		if (rc == 0)
			rc = fv_name(pg, v->m.id, v->m.name, false);
		if (rc == 0)
			rc = sz_buf_puts(b, " · ");
		if (rc == 0)
			rc = fv_a(pg, "/forum/account", _(pg->lang, "Account"));
		if (rc == 0)
			rc = sz_buf_printf(b, " <form class=\"inline\" method=\"post\" "
				"action=\"%s/forum/logout\">", pg->base);
		if (rc == 0)
			rc = fv_csrf(pg);
		if (rc == 0)
			rc = sz_buf_printf(b, "<button class=\"quiet\">%s</button>"
				"</form></span>", C_(pg->lang, "button", "Log out"));
	} else if (rc == 0 && fv_live(pg) && !v->editor) {
		rc = sz_buf_puts(b, "<span class=\"me\">");
		if (rc == 0)
			rc = fv_a(pg, "/forum/login", _(pg->lang, "Log in"));
		if (rc == 0)
			rc = sz_buf_puts(b, " · ");
		if (rc == 0)
			rc = fv_a(pg, "/forum/register", _(pg->lang, "Join the forum"));
		if (rc == 0)
			rc = sz_buf_puts(b, "</span>");
	}
	return rc ? rc : sz_buf_puts(b, "</nav>\n");
}

int fv_begin(struct sz_forum_page *pg, const char *title)
{
	char style[SZ_PAGES_LINK_BASE + 16], home[SZ_PAGES_LINK_BASE + 16];
	if (fv_live(pg)) {
		snprintf(style, sizeof(style), "/style.css");
		snprintf(home, sizeof(home), "%s/", pg->base);
	} else {
		snprintf(style, sizeof(style), "%s/style.css", pg->base);
		snprintf(home, sizeof(home), "%s/index%s", pg->base, pg->suffix);
	}
	pg->content_type = "text/html; charset=utf-8";
	const char *what = _(pg->lang, "Search the archive and the forum");
	struct sz_html_frame f = { .site = pg->site->name, .title = title,
		.lang = pg->lang, .style = style, .home = home,
		.switch_to = pg->viewer->switch_to[0] ? pg->viewer->switch_to :
		NULL };
	int rc = sz_html_frame_open(pg->out, &f);
	if (rc == 0 && fv_live(pg) && !pg->viewer->editor)
		rc = sz_buf_printf(pg->out, "<form class=\"search\" method=\"get\" "
			"action=\"%s/search\"><input type=\"search\" name=\"q\" "
			"aria-label=\"%s\" placeholder=\"%s\"> <button>%s</button>"
			"</form>\n", pg->base, what, what,
			C_(pg->lang, "button", "Search"));
	return rc ? rc : nav(pg);
}

int fv_end(struct sz_forum_page *pg)
{
	return sz_html_end(pg->out);
}

int fv_name(struct sz_forum_page *pg, int64_t id, const char *name,
	bool deleted)
{
	if (deleted || name == NULL || name[0] == '\0')
		return sz_buf_printf(pg->out, "<span class=\"name gone\">%s</span>",
			_(pg->lang, "deleted member"));
	int rc = sz_buf_puts(pg->out, "<a class=\"name\" href=\"");
	if (rc == 0)
		rc = sz_buf_puts(pg->out, pg->base);
	if (rc == 0)
		rc = sz_buf_puts(pg->out, "/forum/member/");
	if (rc == 0)
		rc = sz_buf_int(pg->out, id);
	if (rc == 0)
		rc = sz_buf_puts(pg->out, pg->suffix);
	if (rc == 0)
		rc = sz_buf_puts(pg->out, "\">");
	if (rc == 0)   /* its own direction: a.name in the stylesheet */
		rc = fv_escape(pg->out, name);
	return rc ? rc : sz_buf_puts(pg->out, "</a>");
}

/* A mirror's copy shows beside a post only what changes when the
 * author's thread pages are written again (forum.db's change log):
 * name, staff title, badge, flag, ban and join date.  Counts and titles
 * earned by activity change with every post they write anywhere; they
 * are on the member's own page. */
int fv_author(struct sz_forum_page *pg, const struct sz_forum_author *a)
{
	struct sz_buf *b = pg->out;
	bool live = fv_live(pg);
	bool titled = live || a->title[0] || a->role != SZ_FORUM_MEMBER;
	int rc = sz_buf_puts(b, "<aside class=\"author\">");
	if (rc == 0)
		rc = fv_name(pg, a->id, a->name, a->deleted);
	if (rc == 0 && a->badge[0] && !a->deleted) {
		rc = sz_buf_puts(b, " <span class=\"badge\">");
		if (rc == 0)
			rc = fv_escape(b, a->badge);
		if (rc == 0)
			rc = sz_buf_puts(b, "</span>");
	}
	if (rc == 0 && !a->deleted && (titled || a->banned)) {
		rc = sz_buf_puts(b, "<span class=\"title\">");
		if (rc == 0 && titled)
			rc = fv_escape(b, sz_forum_title(pg->site->cfg, pg->lang, a));
		if (rc == 0 && a->banned)
			rc = sz_buf_printf(b, " · %s", _(pg->lang, "banned"));
		if (rc == 0)
			rc = sz_buf_puts(b, "</span>");
	}
	if (rc == 0 && a->country[0] && !a->deleted)
		rc = sz_buf_printf(b, "<img class=\"flag\" src=\"%s/forum/flag/%s."
			"png\" alt=\"%s\" title=\"%s\" width=\"16\" height=\"11\">",
			pg->base, a->country, a->country, a->country);
	if (rc == 0 && !a->deleted) {
		rc = sz_buf_printf(b, "<dl><dt>%s</dt><dd>", _(pg->lang, "Joined"));
		if (rc == 0)
			rc = sz_buf_puts(b, a->joined_day);
		if (rc == 0 && !live)
			rc = sz_buf_puts(b, "</dd></dl>");
	}
	if (rc == 0 && !a->deleted && live) {
		rc = sz_buf_printf(b, "</dd><dt>%s</dt><dd>",
			_(pg->lang, "Messages"));
		if (rc == 0)
			rc = sz_buf_int(b, a->posts);
		if (rc == 0)
			rc = sz_buf_printf(b, "</dd><dt>%s</dt><dd>",
				_(pg->lang, "Likes"));
		if (rc == 0)
			rc = sz_buf_int(b, a->likes_received);
		if (rc == 0)
			rc = sz_buf_puts(b, "</dd></dl>");
	}
	return rc ? rc : sz_buf_puts(b, "</aside>");
}

/* Stored posts link within the site with rooted paths ("/forum/...",
 * "/doc/12"): on a live site at the root they stand as they are; else
 * each is given the page's base (and, for a page in a copy, its
 * suffix). */
int fv_post_html(struct sz_forum_page *pg, const char *html)
{
	struct sz_buf *b = pg->out;
	if (fv_live(pg) && pg->base[0] == '\0')
		return sz_buf_puts(b, html);
	int rc = 0;
	const char *p = html;
	while (rc == 0 && *p) {
		const char *h = strstr(p, "href=\"/"), *s = strstr(p, "src=\"/");
		const char *at = h && (!s || h < s) ? h : s;
		if (at == NULL) {
			rc = sz_buf_puts(b, p);
			break;
		}
		size_t attr = at == h ? 6 : 5;     /* href=" or src=" */
		if (at[attr + 1] == '/') {         /* "//host": not ours */
			rc = sz_buf_append(b, p, (size_t)(at - p) + attr + 2);
			p = at + attr + 2;
			continue;
		}
		rc = sz_buf_append(b, p, (size_t)(at - p) + attr);
		const char *path = at + attr;
		size_t n = strcspn(path, "\"#?");
		if (rc == 0)
			rc = sz_buf_puts(b, pg->base);
		if (rc == 0)
			rc = sz_buf_append(b, path, n);
		/* a page (no dot in its last segment) gets the copy's suffix */
		const char *last = memrchr(path, '/', n);
		if (rc == 0 && !fv_live(pg) && at == h && last &&
		    memchr(last, '.', n - (size_t)(last - path)) == NULL)
			rc = sz_buf_puts(b, pg->suffix);
		p = path + n;
	}
	return rc;
}

bool fv_may_edit(const struct sz_forum_page *pg,
	const struct sz_forum_post *p)
{
	const struct sz_forum_viewer *v = pg->viewer;
	if (v->staff)
		return true;
	if (!v->member || v->m.id != p->author.id || v->m.silenced)
		return false;
	uint64_t window = pg->site->cfg->forum_edit_window_min * 60;
	return (uint64_t)(time(NULL) - p->created) < window;
}

static int post_actions(struct sz_forum_page *pg,
	const struct sz_forum_post *p, const struct sz_forum_thread *t)
{
	const struct sz_forum_viewer *v = pg->viewer;
	struct sz_buf *b = pg->out;
	bool mine = v->member && v->m.id == p->author.id;
	int rc = sz_buf_puts(b, "<footer class=\"actions\"><span class=\"likes\">");
	if (rc == 0)
		rc = sz_buf_printf(b, NG_(pg->lang, "%lld like", "%lld likes",
			(unsigned long)p->likes), (long long)p->likes);
	if (rc == 0)
		rc = sz_buf_puts(b, "</span>");
	if (!fv_live(pg) || p->state != SZ_POST_VISIBLE)
		goto staff;
	char path[96];
	if (rc == 0 && v->member && !mine && !v->m.silenced) {
		rc = sz_buf_printf(b, " <form class=\"inline\" method=\"post\" "
			"action=\"%s/forum/post/%lld/like\">", pg->base,
			(long long)p->id);
		if (rc == 0)
			rc = fv_csrf(pg);
		if (rc == 0)
			rc = sz_buf_printf(b, "<input type=\"hidden\" name=\"on\" "
				"value=\"%d\"><button>%s</button></form>", !p->liked,
				p->liked ? _(pg->lang, "Unlike") : _(pg->lang, "Like"));
	}
	if (rc == 0 && v->member && (!(t && t->locked) || v->staff) &&
	    !v->m.silenced) {
		snprintf(path, sizeof(path), "/forum/thread/%lld/reply?quote=%lld",
			(long long)p->thread_id, (long long)p->id);
		rc = sz_buf_puts(b, " · ");
		if (rc == 0)
			rc = fv_a(pg, path, _(pg->lang, "Quote"));
	}
	if (rc == 0 && v->member && !mine) {
		snprintf(path, sizeof(path), "/forum/post/%lld/report",
			(long long)p->id);
		rc = sz_buf_puts(b, " · ");
		if (rc == 0)
			rc = fv_a(pg, path, _(pg->lang, "Report"));
	}
	if (rc == 0 && fv_may_edit(pg, p)) {
		snprintf(path, sizeof(path), "/forum/post/%lld/edit",
			(long long)p->id);
		rc = sz_buf_puts(b, " · ");
		if (rc == 0)
			rc = fv_a(pg, path, _(pg->lang, "Edit"));
	}
	if (rc == 0 && mine) {
		rc = sz_buf_printf(b, " · <form class=\"inline\" method=\"post\" "
			"action=\"%s/forum/post/%lld/delete\">", pg->base,
			(long long)p->id);
		if (rc == 0)
			rc = fv_csrf(pg);
		if (rc == 0)
			rc = sz_buf_printf(b, "<button class=\"quiet\">%s</button>"
				"</form>", _(pg->lang, "Delete"));
	}
staff:
	if (rc == 0 && fv_live(pg) && v->staff)
		rc = fv_mod_post_form(pg, p);
	return rc ? rc : sz_buf_puts(b, "</footer>");
}

/* The editor face never prints HTML read from forum.db, which the public
 * face (the most exposed process, which writes it) could have forged: it
 * renders the post again from its Markdown, links to other sites and
 * images shown as their text and address, never followed. */
static int editor_post_html(struct sz_forum_page *pg,
	const struct sz_forum_post *p)
{
	struct sz_forum *f = pg->site->forum;
	struct sz_forum_post full;
	memset(&full, 0, sizeof(full));
	const char *src = p->source;
	if (src == NULL && f->ops->post_get(f, p->id, true, &full, NULL) == 0)
		src = full.source;
	struct sz_md md;
	int rc;
	if (src != NULL && sz_md_render(src, strlen(src), SZ_MD_LINKS_AS_TEXT,
		    pg->lang, &md) == 0)
		rc = fv_post_html(pg, md.html.data ?
			(const char *)md.html.data : "");
	else
		rc = sz_buf_printf(pg->out, "<p class=\"notice\">%s</p>",
			_(pg->lang, "This post cannot be shown: its text does not "
			"render."));
	if (src != NULL)
		sz_md_free(&md);
	sz_forum_post_clear(&full);
	return rc;
}

int fv_post(struct sz_forum_page *pg, const struct sz_forum_post *p,
	const struct sz_forum_thread *t)
{
	struct sz_buf *b = pg->out;
	const struct sz_forum_viewer *v = pg->viewer;
	static const char *const state_class[] = { "", " pending", " hidden",
		" deleted" };
	char when[40], path[96];
	fv_time(p->created, when, sizeof(when));
	int rc = sz_buf_puts(b, "<article class=\"post");
	if (rc == 0)
		rc = sz_buf_puts(b, state_class[p->state & 3]);
	if (rc == 0)
		rc = sz_buf_puts(b, "\" id=\"p");
	if (rc == 0)
		rc = sz_buf_int(b, p->id);
	if (rc == 0)
		rc = sz_buf_puts(b, "\">");
	if (rc == 0)
		rc = fv_author(pg, &p->author);
	if (rc == 0)
		rc = sz_buf_puts(b, "<div class=\"body\"><header class=\"meta\">"
			"<a href=\"");
	if (rc == 0)
		rc = post_link(pg, b, p);
	if (rc == 0)
		rc = sz_buf_puts(b, "\">#");
	if (rc == 0)
		rc = sz_buf_int(b, p->position);
	if (rc == 0)
		rc = sz_buf_puts(b, "</a>");
	if (rc == 0 && p->position > 1) {
		rc = sz_buf_printf(b, " · <span class=\"re\">%s ",
			_(pg->lang, "Re:"));
		if (rc == 0)
			rc = fv_escape(b, t ? t->title : p->thread_title);
		if (rc == 0)
			rc = sz_buf_puts(b, "</span>");
	}
	if (rc == 0)
		rc = sz_buf_puts(b, " · <time>");
	if (rc == 0)
		rc = sz_buf_puts(b, when);
	if (rc == 0)
		rc = sz_buf_puts(b, "</time>");
	if (rc == 0 && p->edits > 0) {
		rc = sz_buf_printf(b, " · <span class=\"edited\">%s",
			_(pg->lang, "edited"));
		bool may_see = fv_live(pg) && (v->staff || (v->member &&
			v->m.id == p->author.id));
		if (rc == 0 && may_see) {
			snprintf(path, sizeof(path), "/forum/post/%lld/history",
				(long long)p->id);
			rc = sz_buf_puts(b, " (");
			if (rc == 0)
				rc = fv_a(pg, path, _(pg->lang, "history"));
			if (rc == 0)
				rc = sz_buf_puts(b, ")");
		}
		if (rc == 0)
			rc = sz_buf_puts(b, "</span>");
	}
	if (rc == 0)
		rc = sz_buf_puts(b, "</header>");
	static const char *const says[] = { NULL,
		N_("Waits for a moderator's approval: only you and the moderators "
		"see it."), N_("Hidden by a moderator."), N_("Deleted.") };
	if (rc == 0 && p->state != SZ_POST_VISIBLE)
		rc = sz_buf_printf(b, "<p class=\"notice\">%s</p>",
			_(pg->lang, says[p->state & 3]));
	if (rc == 0)
		rc = sz_buf_puts(b, "<div class=\"text\">");
	if (rc == 0 && pg->site->editor_face)
		rc = editor_post_html(pg, p);
	else if (rc == 0 && p->html)
		rc = fv_post_html(pg, p->html);
	if (rc == 0)
		rc = sz_buf_puts(b, "</div>");
	if (rc == 0)
		rc = post_actions(pg, p, t);
	return rc ? rc : sz_buf_puts(b, "</div></article>\n");
}

int fv_thread_row(struct sz_forum_page *pg, const struct sz_forum_thread *t)
{
	struct sz_buf *b = pg->out;
	char path[64], when[40];
	snprintf(path, sizeof(path), "/forum/thread/%lld", (long long)t->id);
	fv_time(t->last_at, when, sizeof(when));
	int rc = sz_buf_puts(b, "<li>");
	if (rc == 0 && t->sticky)
		rc = sz_buf_printf(b, "<span class=\"tag\">%s</span> ",
			_(pg->lang, "Sticky"));
	if (rc == 0 && t->locked)
		rc = sz_buf_printf(b, "<span class=\"tag\">%s</span> ",
			_(pg->lang, "Locked"));
	if (rc == 0 && t->state == SZ_THREAD_HIDDEN)
		rc = sz_buf_printf(b, "<span class=\"tag\">%s</span> ",
			_(pg->lang, "Hidden"));
	if (rc == 0 && t->state == SZ_THREAD_PENDING)
		rc = sz_buf_printf(b, "<span class=\"tag\">%s</span> ",
			_(pg->lang, "Waiting"));
	if (rc == 0)
		rc = fv_a(pg, path, t->title);
	if (rc == 0)
		rc = sz_buf_puts(b, " <span class=\"meta\">");
	long long replies = t->posts > 0 ? (long long)t->posts - 1 : 0;
	struct sz_buf name, last;
	sz_buf_init(&name, 4 * SZ_FORUM_NAME_MAX + 16);
	sz_buf_init(&last, 4 * SZ_FORUM_NAME_MAX + 16);
	if (rc == 0)
		rc = sz_buf_puts(&name, "<bdi>");
	if (rc == 0)
		rc = fv_escape(&name, t->author_name[0] ? t->author_name :
			_(pg->lang, "deleted member"));
	if (rc == 0)
		rc = sz_buf_puts(&name, "</bdi>");
	if (rc == 0 && t->last_author[0] && t->posts > 1) {
		rc = sz_buf_puts(&last, "<bdi>");
		if (rc == 0)
			rc = fv_escape(&last, t->last_author);
		if (rc == 0)
			rc = sz_buf_puts(&last, "</bdi>");
	}
	/* TRANSLATORS: a thread in a list: its author, how many replies,
	 * and when the last one came (a date). */
	if (rc == 0)
		rc = sz_buf_printf(b, NG_(pg->lang, "by %s · %lld reply · last %s",
			"by %s · %lld replies · last %s", (unsigned long)replies),
			(const char *)name.data, replies, when);
	if (rc == 0 && last.len > 0)
		/* TRANSLATORS: after the date of a thread's last reply: its
		 * author. */
		rc = sz_buf_printf(b, _(pg->lang, " by %s"),
			(const char *)last.data);
	sz_buf_free(&name);
	sz_buf_free(&last);
	return rc ? rc : sz_buf_puts(b, "</span></li>\n");
}

int fv_excerpt(struct sz_buf *b, const char *text, size_t n)
{
	size_t len = strlen(text);
	if (len <= n)
		return sz_html_escape(b, text);
	size_t cut = n;
	while (cut > n / 2 && text[cut] != ' ')
		cut--;
	while (cut > 0 && ((unsigned char)text[cut] & 0xc0) == 0x80)
		cut--;   /* never inside a character */
	char piece[1024];
	if (cut >= sizeof(piece))
		cut = sizeof(piece) - 1;
	memcpy(piece, text, cut);
	piece[cut] = '\0';
	int rc = sz_html_escape(b, piece);
	return rc ? rc : sz_buf_puts(b, "…");
}

int fv_post_line(struct sz_forum_page *pg, const struct sz_forum_post *p,
	const char *excerpt, bool snippet)
{
	struct sz_buf *b = pg->out;
	char path[96], when[40];
	snprintf(path, sizeof(path), "/forum/thread/%lld/page/%lld#p%lld",
		(long long)p->thread_id,
		(long long)((p->position - 1) / SZ_FORUM_PER_PAGE + 1),
		(long long)p->id);
	fv_time(p->created, when, sizeof(when));
	int rc = sz_buf_puts(b, "<li>");
	if (rc == 0)
		rc = fv_a(pg, path, p->thread_title);
	if (rc == 0)
		rc = sz_buf_puts(b, " <span class=\"meta\">");
	if (rc == 0)
		rc = fv_name(pg, p->author.id, p->author.name, p->author.deleted);
	if (rc == 0)
		rc = sz_buf_printf(b, " · %s</span>", when);
	if (rc == 0 && excerpt && excerpt[0]) {
		rc = sz_buf_puts(b, "<p class=\"snippet\">");
		if (rc == 0)
			rc = snippet ? sz_html_snippet(b, excerpt) :
				fv_excerpt(b, excerpt, 200);
		if (rc == 0)
			rc = sz_buf_puts(b, "</p>");
	}
	return rc ? rc : sz_buf_puts(b, "</li>\n");
}

static int page_link(struct sz_forum_page *pg, int64_t thread, size_t n,
	const char *rel, const char *label)
{
	char path[80];
	if (n == 1)
		snprintf(path, sizeof(path), "/forum/thread/%lld", (long long)thread);
	else
		snprintf(path, sizeof(path), "/forum/thread/%lld/page/%zu",
			(long long)thread, n);
	int rc = sz_buf_printf(pg->out, " <a%s%s%s href=\"", rel ? " rel=\"" : "",
		rel ? rel : "", rel ? "\"" : "");
	if (rc == 0)
		rc = fv_link(pg, pg->out, path);
	if (rc == 0)
		rc = sz_buf_puts(pg->out, "\">");
	if (rc == 0)
		rc = fv_escape(pg->out, label);
	return rc ? rc : sz_buf_puts(pg->out, "</a>");
}

int fv_thread_pager(struct sz_forum_page *pg, int64_t thread_id, size_t page,
	size_t pages)
{
	if (pages <= 1)
		return 0;
	struct sz_buf *b = pg->out;
	int rc = sz_buf_puts(b, "<nav class=\"pager\"><span>");
	if (rc == 0)
		rc = sz_buf_printf(b, _(pg->lang, "Page %zu of %zu"), page, pages);
	if (rc == 0)
		rc = sz_buf_puts(b, "</span><span>");
	char num[24];
	if (rc == 0 && page > 1)
		rc = page_link(pg, thread_id, 1, NULL, _(pg->lang, "first"));
	if (rc == 0 && page > 1)
		rc = page_link(pg, thread_id, page - 1, "prev",
			C_(pg->lang, "page", "previous"));
	for (size_t n = page > 2 ? page - 2 : 1; rc == 0 && n <= page + 2 &&
	     n <= pages; n++) {
		snprintf(num, sizeof(num), "%zu", n);
		rc = n == page ? sz_buf_printf(b, " <strong>%zu</strong>", n) :
			page_link(pg, thread_id, n, NULL, num);
	}
	if (rc == 0 && page < pages)
		rc = page_link(pg, thread_id, page + 1, "next",
			C_(pg->lang, "page", "next"));
	if (rc == 0 && page < pages)
		rc = page_link(pg, thread_id, pages, NULL, _(pg->lang, "last"));
	return rc ? rc : sz_buf_puts(b, "</span></nav>\n");
}

static int mod_open(struct sz_forum_page *pg, const char *what, int64_t id)
{
	bool to_queue = pg->in_queue;
	int rc = sz_buf_printf(pg->out, "<form class=\"mod\" method=\"post\" "
		"action=\"%s/forum/mod/%s/%lld\">", pg->base, what, (long long)id);
	if (rc == 0)
		rc = fv_csrf(pg);
	if (rc == 0 && to_queue)
		rc = sz_buf_puts(pg->out, "<input type=\"hidden\" name=\"from\" "
			"value=\"queue\">");
	return rc ? rc : sz_buf_printf(pg->out, "<select name=\"action\" "
		"aria-label=\"%s\">", _(pg->lang, "Moderation"));
}

int fv_mod_reason(struct sz_forum_page *pg)
{
	const char *why = _(pg->lang, "Why (shown in the moderation log)");
	return sz_buf_printf(pg->out, " <input type=\"text\" name=\"reason\" "
		"maxlength=\"%d\" placeholder=\"%s\" aria-label=\"%s\"> <button>%s"
		"</button></form>", SZ_FORUM_REASON_CHARS, why, why,
		_(pg->lang, "Moderate"));
}

/* One choice of a staff form, its label in the page's language. */
static int option(struct sz_forum_page *pg, const char *value,
	const char *label)
{
	return sz_buf_printf(pg->out, "<option value=\"%s\">%s</option>", value,
		_(pg->lang, label));
}

int fv_mod_post_form(struct sz_forum_page *pg, const struct sz_forum_post *p)
{
	int rc = mod_open(pg, "post", p->id);
	if (rc == 0 && p->state == SZ_POST_PENDING)
		rc = option(pg, "approve", N_("Approve"));
	if (rc == 0 && p->state == SZ_POST_PENDING)
		rc = option(pg, "reject", N_("Reject"));
	if (rc == 0 && pg->in_queue && p->state != SZ_POST_PENDING)
		rc = option(pg, "dismiss", N_("Dismiss the reports"));
	if (rc == 0 && p->state == SZ_POST_VISIBLE)
		rc = option(pg, "hide", N_("Hide"));
	if (rc == 0 && p->state == SZ_POST_HIDDEN)
		rc = option(pg, "unhide", N_("Unhide"));
	if (rc == 0 && p->state != SZ_POST_DELETED)
		rc = option(pg, "delete", N_("Delete"));
	if (rc == 0 && p->state == SZ_POST_DELETED)
		rc = option(pg, "unhide", N_("Restore"));
	if (rc == 0 && pg->viewer->admin && !p->author.deleted &&
	    (pg->viewer->editor || p->author.id != pg->viewer->m.id)) {
		rc = option(pg, "silence", N_("Silence the author"));
		if (rc == 0)
			rc = option(pg, "ban", N_("Ban the author"));
	}
	if (rc == 0)
		rc = sz_buf_puts(pg->out, "</select>");
	return rc ? rc : fv_mod_reason(pg);
}

int fv_mod_thread_form(struct sz_forum_page *pg,
	const struct sz_forum_thread *t)
{
	struct sz_buf *b = pg->out;
	int rc = mod_open(pg, "thread", t->id);
	if (rc == 0)
		rc = t->locked ? option(pg, "unlock", N_("Unlock")) :
			option(pg, "lock", N_("Lock"));
	if (rc == 0)
		rc = t->sticky ? option(pg, "unpin", N_("Unpin")) :
			option(pg, "pin", N_("Pin"));
	if (rc == 0)
		rc = t->state == SZ_THREAD_HIDDEN ?
			option(pg, "unhide_thread", N_("Unhide the thread")) :
			option(pg, "hide_thread", N_("Hide the thread"));
	if (rc == 0)
		rc = option(pg, "delete_thread", N_("Delete the thread"));
	if (rc == 0)
		rc = option(pg, "move", N_("Move to the board"));
	if (rc == 0)
		rc = option(pg, "merge", N_("Merge into the thread"));
	if (rc == 0)
		rc = sz_buf_puts(b, "</select> ");
	struct sz_forum_board *boards = NULL;
	size_t n = 0;
	struct sz_forum *f = pg->site->forum;
	if (rc == 0 && f->ops->board_list(f, &boards, &n, NULL) == 0 && n > 0) {
		rc = sz_buf_printf(b, "<select name=\"board\" aria-label=\"%s\">",
			_(pg->lang, "Board"));
		for (size_t i = 0; rc == 0 && i < n; i++) {
			rc = sz_buf_printf(b, "<option value=\"%lld\"%s>",
				(long long)boards[i].id, boards[i].id == t->board_id ?
				" selected" : "");
			if (rc == 0)
				rc = fv_escape(b, boards[i].name);
			if (rc == 0)
				rc = sz_buf_puts(b, "</option>");
		}
		if (rc == 0)
			rc = sz_buf_puts(b, "</select> ");
	}
	free(boards);
	if (rc == 0)
		rc = sz_buf_printf(b, "<input type=\"text\" name=\"into\" "
			"inputmode=\"numeric\" size=\"8\" placeholder=\"%s\" "
			"aria-label=\"%s\">", _(pg->lang, "thread number"),
			_(pg->lang, "Merge into thread number"));
	return rc ? rc : fv_mod_reason(pg);
}

int fv_counts(struct sz_forum_page *pg, int64_t threads, int64_t posts)
{
	int rc = sz_buf_printf(pg->out, NG_(pg->lang, "%lld thread",
		"%lld threads", (unsigned long)threads), (long long)threads);
	if (rc == 0)
		rc = sz_buf_puts(pg->out, " · ");
	return rc ? rc : sz_buf_printf(pg->out, NG_(pg->lang, "%lld post",
		"%lld posts", (unsigned long)posts), (long long)posts);
}
