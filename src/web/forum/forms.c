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
	int rc = sz_buf_puts(pg->out, "<label for=\"name\">Name</label>\n<input "
		"type=\"text\" id=\"name\" name=\"name\" maxlength=\"128\" required "
		"autocomplete=\"username\" value=\"");
	if (rc == 0)
		rc = fv_escape(pg->out, a->name);
	return rc ? rc : sz_buf_printf(pg->out, "\">\n<label for=\"password\">"
		"Password</label>\n<input type=\"password\" id=\"password\" "
		"name=\"password\" maxlength=\"%d\" required autocomplete=\"%s\">\n",
		SZ_FORUM_PASSWORD_MAX, pg->kind == SZ_FPAGE_REGISTER ?
		"new-password" : "current-password");
}

int fpage_register(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	const char *mode = pg->site->cfg->forum_registration;
	struct sz_buf *b = pg->out;
	int rc = fv_begin(pg, "Join the forum");
	if (rc == 0)
		rc = sz_buf_printf(b, "<h1>Join the forum</h1>\n<p>A name and a "
			"password are all it takes: no e-mail address, no phone "
			"number. Nothing can be recovered, so keep your password "
			"safe.%s</p>\n", strcmp(mode, "approval") == 0 ? " A moderator "
			"approves new accounts before they can log in." :
			strcmp(mode, "invite") == 0 ? " Joining takes an invitation "
			"code from the forum's staff." : "");
	if (rc == 0 && a->error)
		rc = fv_notice(pg, a->error, true);
	if (rc == 0)
		rc = sz_buf_printf(b, "<form method=\"post\" action=\"%s/forum/"
			"register\" autocomplete=\"off\">\n", pg->base);
	if (rc == 0)
		rc = pre_token(pg, a);
	if (rc == 0)
		rc = name_field(pg, a);
	if (rc == 0 && strcmp(mode, "invite") == 0)
		rc = sz_buf_printf(b, "<label for=\"invite\">Invitation code</label>\n"
			"<input type=\"text\" id=\"invite\" name=\"invite\" maxlength="
			"\"%d\" required>\n", SZ_FORUM_INVITE_CHARS + 8);
	if (rc == 0)
		rc = sz_buf_printf(b, "<p class=\"note\">Names have 3 to 32 letters, "
			"digits, spaces and - _ . in one alphabet; names that look "
			"like the staff's are kept for them. Passwords have %d "
			"characters or more.</p>\n<button type=\"submit\">Join</button>"
			"\n</form>\n<p>Already a member? ", SZ_FORUM_PASSWORD_MIN);
	if (rc == 0)
		rc = fv_a(pg, "/forum/login", "Log in");
	if (rc == 0)
		rc = sz_buf_puts(b, ".</p>\n");
	return rc ? rc : fv_end(pg);
}

int fpage_login(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	struct sz_buf *b = pg->out;
	int rc = fv_begin(pg, "Log in");
	if (rc == 0)
		rc = sz_buf_puts(b, "<h1>Log in</h1>\n");
	if (rc == 0 && fv_note(a->note))
		rc = fv_notice(pg, fv_note(a->note), false);
	if (rc == 0 && a->error)
		rc = fv_notice(pg, a->error, true);
	if (rc == 0)
		rc = sz_buf_printf(b, "<form method=\"post\" action=\"%s/forum/"
			"login\">\n", pg->base);
	if (rc == 0)
		rc = pre_token(pg, a);
	if (rc == 0)
		rc = name_field(pg, a);
	if (rc == 0)
		rc = sz_buf_puts(b, "<button type=\"submit\">Log in</button>\n"
			"</form>\n<p>New here? ");
	if (rc == 0)
		rc = fv_a(pg, "/forum/register", "Join the forum");
	if (rc == 0)
		rc = sz_buf_puts(b, ".</p>\n");
	return rc ? rc : fv_end(pg);
}
