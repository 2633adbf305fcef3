/*
 * member.c - a member's profile (join date, messages, likes received,
 * flag, title and badge, trust level, recent posts) and their own
 * account page (password, flag, deleting the account).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/forum/fview.h"
#include "web/html.h"

/* TRANSLATORS: a member's trust level, after its number: "1 (basic)". */
static const char *const trust_names[] = { N_("new"), N_("basic"),
	N_("member") };

int fpage_member(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	struct sz_forum *f = pg->site->forum;
	struct sz_forum_member m;
	if (a->id == 0 || f->ops->member_get(f, a->id, &m, NULL) != 0 ||
	    m.state == SZ_MEMBER_DELETED ||
	    (m.state == SZ_MEMBER_PENDING && !pg->viewer->staff))
		return fv_missing(pg, 404, _(pg->lang, "There is no such member."));
	memset(m.password_hash, 0, sizeof(m.password_hash));
	struct sz_forum_post *posts = NULL;
	size_t n = 0;
	if (f->ops->posts_by(f, m.id, 0, 10, &posts, &n, NULL) != 0)
		return SZ_E_IO;
	struct sz_forum_author au;
	memset(&au, 0, sizeof(au));
	au.id = m.id;
	au.role = m.role;
	au.posts = m.posts;
	snprintf(au.title, sizeof(au.title), "%s", m.title);
	struct sz_buf *b = pg->out;
	int rc = fv_begin(pg, m.name);
	if (rc == 0)
		rc = sz_buf_puts(b, "<h1><bdi>");
	if (rc == 0)
		rc = fv_escape(b, m.name);
	if (rc == 0)
		rc = sz_buf_puts(b, "</bdi>");
	if (rc == 0 && m.badge[0]) {
		rc = sz_buf_puts(b, " <span class=\"badge\">");
		if (rc == 0)
			rc = fv_escape(b, m.badge);
		if (rc == 0)
			rc = sz_buf_puts(b, "</span>");
	}
	if (rc == 0 && m.country[0])
		rc = sz_buf_printf(b, " <img class=\"flag\" src=\"%s/forum/flag/"
			"%s.png\" alt=\"%s\" width=\"16\" height=\"11\">", pg->base,
			m.country, m.country);
	if (rc == 0)
		rc = sz_buf_puts(b, "</h1>\n<p class=\"title\">");
	if (rc == 0)
		rc = fv_escape(b, sz_forum_title(pg->site->cfg, pg->lang, &au));
	if (rc == 0)
		rc = sz_buf_printf(b, "%s%s%s%s</p>\n<dl class=\"facts\"><dt>%s</dt>"
			"<dd>%s</dd><dt>%s</dt><dd>%lld</dd><dt>%s</dt><dd>%lld</dd>"
			"<dt>%s</dt><dd>%d (%s)</dd></dl>\n",
			m.banned ? " · " : "", m.banned ? _(pg->lang, "banned") : "",
			m.silenced ? " · " : "",
			m.silenced ? _(pg->lang, "silenced") : "",
			_(pg->lang, "Joined"), m.joined_day, _(pg->lang, "Messages"),
			(long long)m.posts, _(pg->lang, "Likes received"),
			(long long)m.likes_received, _(pg->lang, "Trust level"),
			sz_forum_trust(pg->site->cfg, &m, m.role != SZ_FORUM_MEMBER),
			_(pg->lang, trust_names[sz_forum_trust(pg->site->cfg, &m,
				m.role != SZ_FORUM_MEMBER)]));
	if (rc == 0 && fv_live(pg) && pg->viewer->admin &&
	    (pg->viewer->editor || pg->viewer->m.id != m.id)) {
		rc = sz_buf_printf(b, "<form class=\"mod\" method=\"post\" action=\""
			"%s/forum/mod/member/%lld\">", pg->base, (long long)m.id);
		if (rc == 0)
			rc = fv_csrf(pg);
		if (rc == 0)
			rc = sz_buf_printf(b, "<select name=\"action\" aria-label=\""
				"%s\"><option value=\"%s\">%s</option><option "
				"value=\"%s\">%s</option>",
				_(pg->lang, "Moderation"),
				m.banned ? "unban" : "ban", m.banned ? _(pg->lang, "Unban") :
				_(pg->lang, "Ban"), m.silenced ? "unsilence" : "silence",
				m.silenced ? _(pg->lang, "Let them post again") :
				_(pg->lang, "Silence"));
		if (rc == 0 && m.state == SZ_MEMBER_PENDING)
			rc = sz_buf_printf(b, "<option value=\"approve_member\">%s"
				"</option><option value=\"reject_member\">%s</option>",
				_(pg->lang, "Approve"), _(pg->lang, "Reject"));
		if (rc == 0)
			rc = sz_buf_puts(b, "</select>");
		if (rc == 0)
			rc = fv_mod_reason(pg);
	}
	if (rc == 0)
		rc = sz_buf_printf(b, "<h2>%s</h2>\n<ul class=\"posts\">\n",
			_(pg->lang, "Recent posts"));
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = fv_post_line(pg, &posts[i], NULL, false);
	if (rc == 0 && n == 0)
		rc = sz_buf_printf(b, "<li>%s</li>\n", _(pg->lang, "None yet."));
	if (rc == 0)
		rc = sz_buf_puts(b, "</ul>\n");
	if (rc == 0 && fv_live(pg)) {
		/* by:NAME with _ for spaces: the key is the same */
		char name[SZ_FORUM_NAME_MAX + 1];
		snprintf(name, sizeof(name), "%s", m.name);
		for (char *p = name; *p; p++)
			*p = *p == ' ' ? '_' : *p;
		rc = sz_buf_printf(b, "<p><a href=\"%s/search?q=by%%3A", pg->base);
		if (rc == 0)
			rc = sz_html_urlencode(b, name);
		if (rc == 0)
			rc = sz_buf_printf(b, "\">%s</a></p>\n",
				_(pg->lang, "Search their posts"));
	}
	sz_forum_posts_free(posts, n);
	return rc ? rc : fv_end(pg);
}

/* The flags there are, as options of a select. */
static int flag_options(struct sz_forum_page *pg, const char *chosen)
{
	const char (*list)[SZ_FORUM_COUNTRY_MAX + 1];
	size_t n = sz_forum_flags(&list);
	int rc = sz_buf_puts(pg->out, "<option value=\"\">none</option>");
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = sz_buf_printf(pg->out, "<option value=\"%s\"%s>%s</option>",
			list[i], strcmp(list[i], chosen) == 0 ? " selected" : "",
			list[i]);
	return rc;
}

int fpage_account(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	const struct sz_forum_viewer *v = pg->viewer;
	if (!v->member)
		return fv_missing(pg, 403, _(pg->lang,
			"Log in to see your account."));
	const struct sz_config *cfg = pg->site->cfg;
	struct sz_buf *b = pg->out;
	int t = v->trust;
	const struct sz_lang *L = pg->lang;
	int rc = fv_begin(pg, _(L, "Your account"));
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>%s</h1>\n", _(L, "Your account"));
	if (rc == 0 && fv_note(pg, a->note))
		rc = fv_notice(pg, fv_note(pg, a->note), false);
	if (rc == 0 && a->error)
		rc = fv_notice(pg, _(pg->lang, a->error), true);
	if (rc == 0)
		rc = sz_buf_puts(b, "<p>");
	/* TRANSLATORS: the level's number, its name, then what the member
	 * has read; the counts are often large, so a plural of their own
	 * is not asked for: write a form that reads well with any number. */
	if (rc == 0)
		rc = sz_buf_printf(b, _(L, "Trust level %d (%s): you have read "
			"posts: %lld, in threads: %lld."), t, _(L, trust_names[t]),
			(long long)v->m.posts_read, (long long)v->m.threads_entered);
	if (rc == 0)
		rc = sz_buf_puts(b, " ");
	if (rc == 0)
		rc = sz_buf_printf(b, _(L, "Each day you may post %llu times, like "
			"%llu posts and report %llu."),
			(unsigned long long)cfg->forum_posts_per_day[t],
			(unsigned long long)cfg->forum_likes_per_day[t],
			(unsigned long long)cfg->forum_reports_per_day[t]);
	if (rc == 0 && t == 0)
		rc = sz_buf_printf(b, " %s", _(L, "Links to other sites and images "
			"come at level 1."));
	if (rc == 0)
		rc = sz_buf_puts(b, "</p>\n");
	if (rc == 0)
		rc = sz_buf_printf(b, "<form method=\"post\" action=\"%s/forum/"
			"account/country\"><h2>%s</h2>", pg->base, _(L, "Flag"));
	if (rc == 0)
		rc = fv_csrf(pg);
	if (rc == 0)
		rc = sz_buf_printf(b, "<label for=\"country\">%s</label><select "
			"id=\"country\" name=\"country\">", _(L, "Shown beside your "
			"posts (optional)"));
	if (rc == 0)
		rc = flag_options(pg, v->m.country);
	if (rc == 0)
		rc = sz_buf_printf(b, "</select> <button>%s</button></form>\n"
			"<form method=\"post\" action=\"%s/forum/account/password\">"
			"<h2>%s</h2>", _(L, "Save"), pg->base, _(L, "Password"));
	if (rc == 0)
		rc = fv_csrf(pg);
	if (rc == 0)
		rc = sz_buf_printf(b, "<label for=\"old\">%s</label>"
			"<input type=\"password\" id=\"old\" name=\"old\" maxlength="
			"\"%d\" required autocomplete=\"current-password\"><label for="
			"\"new\">", _(L, "Your password"), SZ_FORUM_PASSWORD_MAX);
	if (rc == 0)
		rc = sz_buf_printf(b, _(L, "A new password (%d characters at "
			"least)"), SZ_FORUM_PASSWORD_MIN);
	if (rc == 0)
		rc = sz_buf_printf(b, "</label><input type=\"password\" id=\"new\" "
			"name=\"new\" maxlength=\"%d\" required autocomplete=\""
			"new-password\"><button>%s</button></form>\n",
			SZ_FORUM_PASSWORD_MAX, _(L, "Change the password"));
	if (rc == 0)
		rc = sz_buf_printf(b, "<form method=\"post\" action=\"%s/forum/"
			"account/delete\"><h2>%s</h2><p>%s</p>", pg->base,
			_(L, "Delete your account"), _(L, "Your name and password go; "
			"your posts stay, signed by a deleted member. Nobody can take "
			"your name after you."));
	if (rc == 0)
		rc = fv_csrf(pg);
	if (rc == 0)
		rc = sz_buf_printf(b, "<label for=\"confirm\">%s</label><input "
			"type=\"password\" id=\"confirm\" name=\"password\" maxlength="
			"\"%d\" required autocomplete=\"current-password\"><button>%s"
			"</button></form>\n", _(L, "Your password, to confirm"),
			SZ_FORUM_PASSWORD_MAX, _(L, "Delete my account"));
	return rc ? rc : fv_end(pg);
}
