/*
 * forms.c - the pages where a visitor joins the forum or logs in.  They
 * ask for a name and a password and nothing else: no e-mail, no phone.
 * Their token against forged forms is the face's pre-session one (args).
 */
#include <stdio.h>
#include <string.h>

#include "web/forum/fview.h"

static int pre_token(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	return sz_buf_printf(pg->out, "<input type=\"hidden\" name=\"csrf\" "
		"value=\"%s\">\n", a->pre_token ? a->pre_token : "");
}

static int name_field(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	int rc = sz_buf_printf(pg->out, "<label for=\"name\">%s</label>\n<input "
		"type=\"text\" id=\"name\" name=\"name\" maxlength=\"128\" required "
		"autocomplete=\"username\" value=\"", _(pg->lang, "Name"));
	if (rc == 0)
		rc = fv_escape(pg->out, a->name);
	return rc ? rc : sz_buf_printf(pg->out, "\">\n<label for=\"password\">"
		"%s</label>\n<input type=\"password\" id=\"password\" "
		"name=\"password\" maxlength=\"%d\" required autocomplete=\"%s\">\n",
		_(pg->lang, "Password"), SZ_FORUM_PASSWORD_MAX, pg->kind == SZ_FPAGE_REGISTER ?
		"new-password" : "current-password");
}

int fpage_register(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	const char *mode = pg->site->cfg->forum_registration;
	struct sz_buf *b = pg->out;
	const struct sz_lang *L = pg->lang;
	const char *how = strcmp(mode, "approval") == 0 ? _(L, "A moderator "
		"approves new accounts before they can log in.") :
		strcmp(mode, "invite") == 0 ? _(L, "Joining takes an invitation "
		"code from the forum's staff.") : NULL;
	int rc = fv_begin(pg, _(L, "Join the forum"));
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>%s</h1>\n<p>%s%s%s</p>\n",
			_(L, "Join the forum"), _(L, "A name and a password are all it "
			"takes: no e-mail address, no phone number. Nothing can be "
			"recovered, so keep your password safe."), how ? " " : "",
			how ? how : "");
	if (rc == 0 && a->error)
		rc = fv_notice(pg, _(pg->lang, a->error), true);
	if (rc == 0)
		rc = sz_buf_printf(b, "<form method=\"post\" action=\"%s/forum/"
			"register\" autocomplete=\"off\">\n", pg->base);
	if (rc == 0)
		rc = pre_token(pg, a);
	if (rc == 0)
		rc = name_field(pg, a);
	if (rc == 0 && strcmp(mode, "invite") == 0)
		rc = sz_buf_printf(b, "<label for=\"invite\">%s</label>\n"
			"<input type=\"text\" id=\"invite\" name=\"invite\" maxlength="
			"\"%d\" required>\n", _(L, "Invitation code"),
			SZ_FORUM_INVITE_CHARS + 8);
	if (rc == 0)
		rc = sz_buf_puts(b, "<p class=\"note\">");
	if (rc == 0)
		rc = sz_buf_printf(b, _(L, "Names have 3 to 32 letters, digits, "
			"spaces and - _ . in one alphabet; names that look like the "
			"staff's are kept for them. Passwords have %d characters or "
			"more."), SZ_FORUM_PASSWORD_MIN);
	if (rc == 0)
		rc = sz_buf_printf(b, "</p>\n<button type=\"submit\">%s</button>"
			"\n</form>\n<p>%s ", C_(L, "button", "Join"),
			_(L, "Already a member?"));
	if (rc == 0)
		rc = fv_a(pg, "/forum/login", _(L, "Log in"));
	if (rc == 0)
		rc = sz_buf_puts(b, "</p>\n");
	return rc ? rc : fv_end(pg);
}

int fpage_login(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	struct sz_buf *b = pg->out;
	const struct sz_lang *L = pg->lang;
	int rc = fv_begin(pg, C_(L, "title", "Log in"));
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>%s</h1>\n", C_(L, "title", "Log in"));
	if (rc == 0 && fv_note(pg, a->note))
		rc = fv_notice(pg, fv_note(pg, a->note), false);
	if (rc == 0 && a->error)
		rc = fv_notice(pg, _(pg->lang, a->error), true);
	if (rc == 0)
		rc = sz_buf_printf(b, "<form method=\"post\" action=\"%s/forum/"
			"login\">\n", pg->base);
	if (rc == 0)
		rc = pre_token(pg, a);
	if (rc == 0)
		rc = name_field(pg, a);
	if (rc == 0)
		rc = sz_buf_printf(b, "<button type=\"submit\">%s</button>\n"
			"</form>\n<p>%s ", C_(L, "button", "Log in"),
			_(L, "New here?"));
	if (rc == 0)
		rc = fv_a(pg, "/forum/register", _(L, "Join the forum"));
	if (rc == 0)
		rc = sz_buf_puts(b, "</p>\n");
	return rc ? rc : fv_end(pg);
}
