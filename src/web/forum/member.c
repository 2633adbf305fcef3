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

static const char *const trust_names[] = { "new", "basic", "member" };

int fpage_member(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	struct sz_forum *f = pg->site->forum;
	struct sz_forum_member m;
	if (a->id == 0 || f->ops->member_get(f, a->id, &m, NULL) != 0 ||
	    m.state == SZ_MEMBER_DELETED ||
	    (m.state == SZ_MEMBER_PENDING && !pg->viewer->staff))
		return fv_missing(pg, 404, "There is no such member.");
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
		rc = sz_buf_puts(b, "<h1>");
	if (rc == 0)
		rc = fv_escape(b, m.name);
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
		rc = fv_escape(b, sz_forum_title(pg->site->cfg, &au));
	if (rc == 0)
		rc = sz_buf_printf(b, "%s%s</p>\n<dl class=\"facts\"><dt>Joined</dt>"
			"<dd>%s</dd><dt>Messages</dt><dd>%lld</dd><dt>Likes received"
			"</dt><dd>%lld</dd><dt>Trust level</dt><dd>%d (%s)</dd></dl>\n",
			m.banned ? " · banned" : "", m.silenced ? " · silenced" : "",
			m.joined_day, (long long)m.posts, (long long)m.likes_received,
			sz_forum_trust(pg->site->cfg, &m, m.role != SZ_FORUM_MEMBER),
			trust_names[sz_forum_trust(pg->site->cfg, &m,
				m.role != SZ_FORUM_MEMBER)]);
	if (rc == 0 && fv_live(pg) && pg->viewer->admin &&
	    (pg->viewer->editor || pg->viewer->m.id != m.id)) {
		rc = sz_buf_printf(b, "<form class=\"mod\" method=\"post\" action=\""
			"%s/forum/mod/member/%lld\">", pg->base, (long long)m.id);
		if (rc == 0)
			rc = fv_csrf(pg);
		if (rc == 0)
			rc = sz_buf_printf(b, "<select name=\"action\" aria-label=\""
				"Moderation\"><option value=\"%s\">%s</option><option "
				"value=\"%s\">%s</option>%s</select> <input type=\"text\" "
				"name=\"reason\" maxlength=\"500\" placeholder=\"Why (shown "
				"in the moderation log)\" aria-label=\"Why\"> <button>"
				"Moderate</button></form>\n",
				m.banned ? "unban" : "ban", m.banned ? "Unban" : "Ban",
				m.silenced ? "unsilence" : "silence",
				m.silenced ? "Let them post again" : "Silence",
				m.state == SZ_MEMBER_PENDING ? "<option value=\""
				"approve_member\">Approve</option><option value=\""
				"reject_member\">Reject</option>" : "");
	}
	if (rc == 0)
		rc = sz_buf_puts(b, "<h2>Recent posts</h2>\n<ul class=\"posts\">\n");
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = fv_post_line(pg, &posts[i], NULL, false);
	if (rc == 0 && n == 0)
		rc = sz_buf_puts(b, "<li>None yet.</li>\n");
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
			rc = sz_buf_puts(b, "\">Search their posts</a></p>\n");
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
		return fv_missing(pg, 403, "Log in to see your account.");
	const struct sz_config *cfg = pg->site->cfg;
	struct sz_buf *b = pg->out;
	int t = v->trust;
	int rc = fv_begin(pg, "Your account");
	if (rc == 0)
		rc = sz_buf_puts(b, "<h1>Your account</h1>\n");
	if (rc == 0 && fv_note(a->note))
		rc = fv_notice(pg, fv_note(a->note), false);
	if (rc == 0 && a->error)
		rc = fv_notice(pg, a->error, true);
	if (rc == 0)
		rc = sz_buf_printf(b, "<p>Trust level %d (%s): you have read %lld "
			"posts in %lld threads. You may post %llu times, like %llu "
			"posts and report %llu a day.%s</p>\n", t, trust_names[t],
			(long long)v->m.posts_read, (long long)v->m.threads_entered,
			(unsigned long long)cfg->forum_posts_per_day[t],
			(unsigned long long)cfg->forum_likes_per_day[t],
			(unsigned long long)cfg->forum_reports_per_day[t],
			t == 0 ? " Links to other sites and images come at level 1." :
			"");
	if (rc == 0)
		rc = sz_buf_printf(b, "<form method=\"post\" action=\"%s/forum/"
			"account/country\"><h2>Flag</h2>", pg->base);
	if (rc == 0)
		rc = fv_csrf(pg);
	if (rc == 0)
		rc = sz_buf_puts(b, "<label for=\"country\">Shown beside your posts "
			"(optional)</label><select id=\"country\" name=\"country\">");
	if (rc == 0)
		rc = flag_options(pg, v->m.country);
	if (rc == 0)
		rc = sz_buf_printf(b, "</select> <button>Save</button></form>\n"
			"<form method=\"post\" action=\"%s/forum/account/password\">"
			"<h2>Password</h2>", pg->base);
	if (rc == 0)
		rc = fv_csrf(pg);
	if (rc == 0)
		rc = sz_buf_printf(b, "<label for=\"old\">Your password</label>"
			"<input type=\"password\" id=\"old\" name=\"old\" maxlength="
			"\"%d\" required autocomplete=\"current-password\"><label for="
			"\"new\">A new password (%d characters at least)</label><input "
			"type=\"password\" id=\"new\" name=\"new\" maxlength=\"%d\" "
			"required autocomplete=\"new-password\"><button>Change the "
			"password</button></form>\n", SZ_FORUM_PASSWORD_MAX,
			SZ_FORUM_PASSWORD_MIN, SZ_FORUM_PASSWORD_MAX);
	if (rc == 0)
		rc = sz_buf_printf(b, "<form method=\"post\" action=\"%s/forum/"
			"account/delete\"><h2>Delete your account</h2><p>Your name "
			"and password go; your posts stay, signed by a deleted member. "
			"Nobody can take your name after you.</p>", pg->base);
	if (rc == 0)
		rc = fv_csrf(pg);
	if (rc == 0)
		rc = sz_buf_printf(b, "<label for=\"confirm\">Your password, to "
			"confirm</label><input type=\"password\" id=\"confirm\" name="
			"\"password\" maxlength=\"%d\" required autocomplete=\""
			"current-password\"><button>Delete my account</button></form>\n",
			SZ_FORUM_PASSWORD_MAX);
	return rc ? rc : fv_end(pg);
}
