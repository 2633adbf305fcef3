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

const char *fv_note(const char *code)
{
	static const struct {
		const char *code, *text;
	} notes[] = {
		{ "pending", "Your post waits for a moderator's approval: it "
		  "appears once approved. A new member's first posts do." },
		{ "welcome", "Welcome! You are logged in." },
		{ "approval", "Your account waits for a moderator's approval. "
		  "Log in once it is approved." },
		{ "reported", "Thank you: the moderators will look at your "
		  "report." },
		{ "password", "Your password is changed." },
		{ "deleted", "The post is deleted." },
		{ "edited", "The post is changed; what it said before is kept "
		  "in its history." },
		{ "done", "Done: the moderation log says so." },
		{ "country", "Your flag is changed." },
		{ "bye", "Your account is deleted. Your posts stay, signed by a "
		  "deleted member." },
	};
	for (size_t i = 0; code && i < sizeof(notes) / sizeof(notes[0]); i++)
		if (strcmp(code, notes[i].code) == 0)
			return notes[i].text;
	return NULL;
}

static int nav(struct sz_forum_page *pg)
{
	const struct sz_forum_viewer *v = pg->viewer;
	struct sz_buf *b = pg->out;
	int rc = sz_buf_puts(b, "<nav class=\"forum-nav\">");
	if (rc == 0)
		rc = fv_a(pg, "/forum", "Forum");
	if (rc == 0)
		rc = sz_buf_puts(b, " · ");
	if (rc == 0)
		rc = fv_a(pg, "/forum/log", "Moderation log");
	if (rc == 0 && v->staff && fv_live(pg)) {
		rc = sz_buf_puts(b, " · ");
		if (rc == 0)
			rc = fv_a(pg, "/forum/queue", "Moderation queue");
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
			rc = fv_a(pg, "/forum/account", "Account");
		if (rc == 0)
			rc = sz_buf_printf(b, " <form class=\"inline\" method=\"post\" "
				"action=\"%s/forum/logout\">", pg->base);
		if (rc == 0)
			rc = fv_csrf(pg);
		if (rc == 0)
			rc = sz_buf_puts(b, "<button class=\"quiet\">Log out</button>"
				"</form></span>");
	} else if (rc == 0 && fv_live(pg) && !v->editor) {
		rc = sz_buf_puts(b, "<span class=\"me\">");
		if (rc == 0)
			rc = fv_a(pg, "/forum/login", "Log in");
		if (rc == 0)
			rc = sz_buf_puts(b, " · ");
		if (rc == 0)
			rc = fv_a(pg, "/forum/register", "Register");
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
	int rc = sz_html_open(pg->out, pg->site->name, title, style, home);
	if (rc == 0 && fv_live(pg) && !pg->viewer->editor)
		rc = sz_buf_printf(pg->out, "<form class=\"search\" method=\"get\" "
			"action=\"%s/search\"><input type=\"search\" name=\"q\" "
			"aria-label=\"Search the archive and the forum\" placeholder="
			"\"Search the archive and the forum\"> <button>Search</button>"
			"</form>\n", pg->base);
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
		return sz_buf_puts(pg->out, "<span class=\"name gone\">deleted "
			"member</span>");
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
	if (rc == 0)
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
			rc = fv_escape(b, sz_forum_title(pg->site->cfg, a));
		if (rc == 0 && a->banned)
			rc = sz_buf_puts(b, " · banned");
		if (rc == 0)
			rc = sz_buf_puts(b, "</span>");
	}
	if (rc == 0 && a->country[0] && !a->deleted)
		rc = sz_buf_printf(b, "<img class=\"flag\" src=\"%s/forum/flag/%s."
			"png\" alt=\"%s\" title=\"%s\" width=\"16\" height=\"11\">",
			pg->base, a->country, a->country, a->country);
	if (rc == 0 && !a->deleted) {
		rc = sz_buf_puts(b, "<dl><dt>Joined</dt><dd>");
		if (rc == 0)
			rc = sz_buf_puts(b, a->joined_day);
		if (rc == 0 && !live)
			rc = sz_buf_puts(b, "</dd></dl>");
	}
	if (rc == 0 && !a->deleted && live) {
		rc = sz_buf_puts(b, "</dd><dt>Messages</dt><dd>");
		if (rc == 0)
			rc = sz_buf_int(b, a->posts);
		if (rc == 0)
			rc = sz_buf_puts(b, "</dd><dt>Likes</dt><dd>");
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
		rc = sz_buf_int(b, p->likes);
	if (rc == 0)
		rc = sz_buf_puts(b, p->likes == 1 ? " like</span>" : " likes</span>");
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
				p->liked ? "Unlike" : "Like");
	}
	if (rc == 0 && v->member && (!(t && t->locked) || v->staff) &&
	    !v->m.silenced) {
		snprintf(path, sizeof(path), "/forum/thread/%lld/reply?quote=%lld",
			(long long)p->thread_id, (long long)p->id);
		rc = sz_buf_puts(b, " · ");
		if (rc == 0)
			rc = fv_a(pg, path, "Quote");
	}
	if (rc == 0 && v->member && !mine) {
		snprintf(path, sizeof(path), "/forum/post/%lld/report",
			(long long)p->id);
		rc = sz_buf_puts(b, " · ");
		if (rc == 0)
			rc = fv_a(pg, path, "Report");
	}
	if (rc == 0 && fv_may_edit(pg, p)) {
		snprintf(path, sizeof(path), "/forum/post/%lld/edit",
			(long long)p->id);
		rc = sz_buf_puts(b, " · ");
		if (rc == 0)
			rc = fv_a(pg, path, "Edit");
	}
	if (rc == 0 && mine) {
		rc = sz_buf_printf(b, " · <form class=\"inline\" method=\"post\" "
			"action=\"%s/forum/post/%lld/delete\">", pg->base,
			(long long)p->id);
		if (rc == 0)
			rc = fv_csrf(pg);
		if (rc == 0)
			rc = sz_buf_puts(b, "<button class=\"quiet\">Delete</button>"
				"</form>");
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
		    &md) == 0)
		rc = fv_post_html(pg, md.html.data ?
			(const char *)md.html.data : "");
	else
		rc = sz_buf_puts(pg->out, "<p class=\"notice\">This post cannot "
			"be shown: its text does not render.</p>");
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
		rc = sz_buf_puts(b, " · <span class=\"re\">Re: ");
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
		rc = sz_buf_puts(b, " · <span class=\"edited\">edited");
		bool may_see = fv_live(pg) && (v->staff || (v->member &&
			v->m.id == p->author.id));
		if (rc == 0 && may_see) {
			snprintf(path, sizeof(path), "/forum/post/%lld/history",
				(long long)p->id);
			rc = sz_buf_puts(b, " (");
			if (rc == 0)
				rc = fv_a(pg, path, "history");
			if (rc == 0)
				rc = sz_buf_puts(b, ")");
		}
		if (rc == 0)
			rc = sz_buf_puts(b, "</span>");
	}
	if (rc == 0)
		rc = sz_buf_puts(b, "</header>");
	static const char *const says[] = { NULL,
		"Waits for a moderator's approval: only you and the moderators "
		"see it.", "Hidden by a moderator.", "Deleted." };
	if (rc == 0 && p->state != SZ_POST_VISIBLE)
		rc = sz_buf_printf(b, "<p class=\"notice\">%s</p>",
			says[p->state & 3]);
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
		rc = sz_buf_puts(b, "<span class=\"tag\">Sticky</span> ");
	if (rc == 0 && t->locked)
		rc = sz_buf_puts(b, "<span class=\"tag\">Locked</span> ");
	if (rc == 0 && t->state == SZ_THREAD_HIDDEN)
		rc = sz_buf_puts(b, "<span class=\"tag\">Hidden</span> ");
	if (rc == 0 && t->state == SZ_THREAD_PENDING)
		rc = sz_buf_puts(b, "<span class=\"tag\">Waiting</span> ");
	if (rc == 0)
		rc = fv_a(pg, path, t->title);
	if (rc == 0)
		rc = sz_buf_puts(b, " <span class=\"meta\">by ");
	if (rc == 0)
		rc = fv_escape(b, t->author_name[0] ? t->author_name :
			"deleted member");
	if (rc == 0)
		rc = sz_buf_printf(b, " · %lld repl%s · last %s", (long long)(
			t->posts > 0 ? t->posts - 1 : 0), t->posts == 2 ? "y" : "ies",
			when);
	if (rc == 0 && t->last_author[0] && t->posts > 1) {
		rc = sz_buf_puts(b, " by ");
		if (rc == 0)
			rc = fv_escape(b, t->last_author);
	}
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
	int rc = sz_buf_printf(b, "<nav class=\"pager\"><span>Page %zu of %zu"
		"</span><span>", page, pages);
	char num[24];
	if (rc == 0 && page > 1)
		rc = page_link(pg, thread_id, 1, NULL, "first");
	if (rc == 0 && page > 1)
		rc = page_link(pg, thread_id, page - 1, "prev", "previous");
	for (size_t n = page > 2 ? page - 2 : 1; rc == 0 && n <= page + 2 &&
	     n <= pages; n++) {
		snprintf(num, sizeof(num), "%zu", n);
		rc = n == page ? sz_buf_printf(b, " <strong>%zu</strong>", n) :
			page_link(pg, thread_id, n, NULL, num);
	}
	if (rc == 0 && page < pages)
		rc = page_link(pg, thread_id, page + 1, "next", "next");
	if (rc == 0 && page < pages)
		rc = page_link(pg, thread_id, pages, NULL, "last");
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
	return rc ? rc : sz_buf_puts(pg->out, "<select name=\"action\" "
		"aria-label=\"Moderation\">");
}

static int mod_close(struct sz_forum_page *pg)
{
	return sz_buf_puts(pg->out, " <input type=\"text\" "
		"name=\"reason\" maxlength=\"500\" placeholder=\"Why (shown in "
		"the moderation log)\" aria-label=\"Why\"> <button>Moderate</button>"
		"</form>");
}

int fv_mod_post_form(struct sz_forum_page *pg, const struct sz_forum_post *p)
{
	int rc = mod_open(pg, "post", p->id);
	struct sz_buf *b = pg->out;
	if (rc == 0 && p->state == SZ_POST_PENDING)
		rc = sz_buf_puts(b, "<option value=\"approve\">Approve</option>"
			"<option value=\"reject\">Reject</option>");
	if (rc == 0 && pg->in_queue && p->state != SZ_POST_PENDING)
		rc = sz_buf_puts(b, "<option value=\"dismiss\">Dismiss the "
			"reports</option>");
	if (rc == 0 && p->state == SZ_POST_VISIBLE)
		rc = sz_buf_puts(b, "<option value=\"hide\">Hide</option>");
	if (rc == 0 && p->state == SZ_POST_HIDDEN)
		rc = sz_buf_puts(b, "<option value=\"unhide\">Unhide</option>");
	if (rc == 0 && p->state != SZ_POST_DELETED)
		rc = sz_buf_puts(b, "<option value=\"delete\">Delete</option>");
	if (rc == 0 && p->state == SZ_POST_DELETED)
		rc = sz_buf_puts(b, "<option value=\"unhide\">Restore</option>");
	if (rc == 0 && pg->viewer->admin && !p->author.deleted &&
	    (pg->viewer->editor || p->author.id != pg->viewer->m.id))
		rc = sz_buf_puts(b, "<option value=\"silence\">Silence the author"
			"</option><option value=\"ban\">Ban the author</option>");
	if (rc == 0)
		rc = sz_buf_puts(b, "</select>");
	return rc ? rc : mod_close(pg);
}

int fv_mod_thread_form(struct sz_forum_page *pg,
	const struct sz_forum_thread *t)
{
	struct sz_buf *b = pg->out;
	int rc = mod_open(pg, "thread", t->id);
	if (rc == 0)
		rc = sz_buf_printf(b, "<option value=\"%s\">%s</option>"
			"<option value=\"%s\">%s</option>",
			t->locked ? "unlock" : "lock", t->locked ? "Unlock" : "Lock",
			t->sticky ? "unpin" : "pin", t->sticky ? "Unpin" : "Pin");
	if (rc == 0)
		rc = sz_buf_printf(b, "<option value=\"%s\">%s</option>",
			t->state == SZ_THREAD_HIDDEN ? "unhide_thread" : "hide_thread",
			t->state == SZ_THREAD_HIDDEN ? "Unhide the thread" :
			"Hide the thread");
	if (rc == 0)
		rc = sz_buf_puts(b, "<option value=\"delete_thread\">Delete the "
			"thread</option><option value=\"move\">Move to the board"
			"</option><option value=\"merge\">Merge into the thread"
			"</option></select> ");
	struct sz_forum_board *boards = NULL;
	size_t n = 0;
	struct sz_forum *f = pg->site->forum;
	if (rc == 0 && f->ops->board_list(f, &boards, &n, NULL) == 0 && n > 0) {
		rc = sz_buf_puts(b, "<select name=\"board\" aria-label=\"Board\">");
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
		rc = sz_buf_puts(b, "<input type=\"text\" name=\"into\" "
			"inputmode=\"numeric\" size=\"8\" placeholder=\"thread number\" "
			"aria-label=\"Merge into thread number\">");
	return rc ? rc : mod_close(pg);
}
