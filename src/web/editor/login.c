/*
 * login.c - editors' login: a password (Argon2id) and a TOTP code, both
 * required, each code accepted once; after SZ_EDITOR_MAX_FAILURES failures
 * in a row the account locks until an administrator resets it.  A wrong
 * name costs the same time as a wrong password.  Logins, failures and
 * lock-outs go to the audit log.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypto/totp.h"
#include "http/form.h"
#include "web/editor/editor.h"
#include "web/html.h"
#include "web/web.h"

int sz_editor_app_init(struct sz_editor_app *app, struct sz_instance *in,
	struct sz_err *err)
{
	app->in = in;
	uint8_t junk[32];
	randombytes_buf(junk, sizeof(junk));
	if (crypto_pwhash_str(app->dummy_hash, (const char *)junk, sizeof(junk),
		    crypto_pwhash_OPSLIMIT_INTERACTIVE,
		    crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return sz_err_set(err, SZ_E_NOMEM, "not enough memory for "
			"Argon2id");
	int rc = sz_totp_init(err);
	if (rc == SZ_OK)
		rc = sz_sessions_init(&app->sessions, 1024,
			(unsigned)in->cfg.session_idle_min * 60, err);
	/* The preview shows the archive as the public will see it, drafts
	 * included, under /preview. */
	if (rc == SZ_OK)
		rc = sz_archive_open(&app->preview.archive, in->dir, true, false,
			err);
	app->preview.drafts = true;
	app->preview.links = SZ_LINKS_ROOTED;
	app->preview.prefix = "/preview";
	if (rc == SZ_OK)
		rc = sz_editor_forum_open(app, err);
	return rc;
}

void sz_editor_app_free(struct sz_editor_app *app)
{
	sz_sessions_free(&app->sessions);
	if (app->preview.archive != NULL)
		app->preview.archive->ops->close(app->preview.archive);
	app->preview.archive = NULL;
	if (app->forum.forum != NULL)
		app->forum.forum->ops->close(app->forum.forum);
	app->forum.forum = NULL;
}

void sz_editor_error_page(struct sz_request *rq, unsigned status,
	const char *message)
{
	sz_web_error_page(rq, SZ_EDITOR_SITE, status, message);
}

bool sz_editor_require(struct sz_request *rq, struct sz_session *s)
{
	struct sz_editor_app *app = rq->app;
	if (sz_web_session(rq, &app->sessions, SZ_EDITOR_COOKIE, s) &&
	    s->user_id != 0)
		return true;
	rq->status = 303;
	snprintf(rq->location, sizeof(rq->location), "/");
	return false;
}

static void login_form(struct sz_request *rq, const char *error)
{
	struct sz_editor_app *app = rq->app;
	char token[SZ_SESSION_TOKEN_LEN + 1];
	sz_web_pre_token(rq, sz_instance_hash_key(app->in),
		SZ_EDITOR_PRE_COOKIE, token);
	struct sz_buf *b = &rq->page;
	sz_html_begin(b, SZ_EDITOR_SITE, "Editors' login");
	sz_buf_puts(b, "<h1>Editors' login</h1>\n");
	if (error != NULL) {
		sz_buf_puts(b, "<p class=\"error\" id=\"error\">");
		sz_html_escape(b, error);
		sz_buf_puts(b, "</p>\n");
	}
	sz_buf_printf(b, "<form method=\"post\" action=\"/login\" "
		"autocomplete=\"off\">\n<input type=\"hidden\" name=\"csrf\" "
		"value=\"%s\">\n<label for=\"name\">Name</label>\n<input "
		"type=\"text\" id=\"name\" name=\"name\" maxlength=\"64\" "
		"required>\n<label for=\"password\">Password</label>\n<input "
		"type=\"password\" id=\"password\" name=\"password\" "
		"maxlength=\"1024\" required>\n<label for=\"code\">Code from "
		"your authenticator app</label>\n<input type=\"text\" id=\"code\" "
		"name=\"code\" inputmode=\"numeric\" pattern=\"[0-9]{6}\" "
		"maxlength=\"6\" required>\n<button type=\"submit\">Log in"
		"</button>\n</form>\n", token);
	sz_html_end(b);
}

int sz_editor_login_page(struct sz_request *rq)
{
	struct sz_session s;
	if (sz_editor_require(rq, &s)) {
		sodium_memzero(&s, sizeof(s));
		rq->status = 303;
		snprintf(rq->location, sizeof(rq->location), "/inbox");
		return SZ_OK;
	}
	rq->status = 200;
	rq->location[0] = '\0';
	login_form(rq, NULL);
	return SZ_OK;
}

int sz_editor_login(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_store *st = app->in->store;
	struct sz_form form;
	struct sz_err err;
	struct sz_editor_row *e = sodium_malloc(sizeof(*e));
	int rc = SZ_OK;
	memset(&form, 0, sizeof(form));
	if (e == NULL)
		return sz_request_fail(rq, 500, "The server ran out of memory.");
	if (sz_form_parse(&form, (const char *)rq->body.data, rq->body.len,
		    &err) != SZ_OK) {
		rc = sz_request_fail(rq, 400, err.msg);
		goto out;
	}
	const struct sz_form_field *tok = sz_form_get(&form, "csrf"),
		*name = sz_form_get(&form, "name"),
		*pw = sz_form_get(&form, "password"),
		*code = sz_form_get(&form, "code");
	if (!sz_web_pre_token_ok(rq, sz_instance_hash_key(app->in),
		    SZ_EDITOR_PRE_COOKIE, tok ? tok->value : NULL)) {
		rc = sz_request_fail(rq, 403, "This login form is out of date "
			"(or cookies are off). Reload the page and try again.");
		goto out;
	}
	if (name == NULL || pw == NULL || code == NULL) {
		rc = sz_request_fail(rq, 400, "Give your name, password and "
			"code.");
		goto out;
	}
	bool known = st->ops->editor_get(st, name->value, e, &err) == SZ_OK;
	if (known && e->failures >= SZ_EDITOR_MAX_FAILURES) {
		st->ops->audit_add(st, name->value, "login refused",
			"account locked", NULL);
		rq->status = 403;
		login_form(rq, "This account is locked after repeated failed "
			"logins. An administrator can unlock it with: samizdat "
			"editor reset-totp NAME");
		goto out;
	}
	/* An unknown name is checked against a real hash too: the same
	 * time as a wrong password. */
	bool ok = crypto_pwhash_str_verify(known ? e->password_hash :
			app->dummy_hash, pw->value, pw->value_len) == 0 && known;
	int64_t step = known ? e->totp_last : -1;
	int code_rc = known ? sz_totp_verify(e->totp_secret,
			SZ_TOTP_SECRET_SIZE, code->value, time(NULL), &step) :
		SZ_E_INVAL;
	if (ok && code_rc == SZ_OK)
		code_rc = st->ops->editor_totp_used(st, name->value, step, &err);
	if (!ok || code_rc != SZ_OK) {
		const char *why = "Wrong name, password or code.";
		if (ok && code_rc == SZ_E_EXISTS)
			why = "That code was used already. Wait for the next "
				"one, then try again.";
		if (known) {
			int64_t f = e->failures + 1;
			st->ops->editor_set_failures(st, name->value, f, NULL);
			st->ops->audit_add(st, name->value, "login failed",
				f >= SZ_EDITOR_MAX_FAILURES ? "account now locked" :
				"", NULL);
			if (f >= SZ_EDITOR_MAX_FAILURES)
				why = "Wrong name, password or code. This account "
					"is now locked; an administrator can unlock "
					"it.";
		}
		rq->status = 403;
		login_form(rq, why);
		goto out;
	}
	struct sz_session s;
	if (sz_session_new(&app->sessions, &s, &err) != SZ_OK) {
		rc = sz_request_fail(rq, 503, "Too many sessions; try again "
			"later.");
		goto out;
	}
	s.user_id = 1;
	snprintf(s.data, sizeof(s.data), "%s", name->value);
	sz_session_put(&app->sessions, &s);
	st->ops->editor_set_failures(st, name->value, 0, NULL);
	st->ops->audit_add(st, name->value, "login", "", NULL);
	sz_web_set_session_cookie(rq, SZ_EDITOR_COOKIE, &s);
	rq->status = 303;
	snprintf(rq->location, sizeof(rq->location), "/inbox");
	sodium_memzero(&s, sizeof(s));
out:
	sz_form_free(&form);
	sodium_free(e);
	return rc;
}

int sz_editor_logout(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_session s;
	struct sz_form form;
	struct sz_err err;
	if (!sz_editor_require(rq, &s))
		return SZ_OK;
	int rc = sz_form_parse(&form, (const char *)rq->body.data,
		rq->body.len, &err);
	const struct sz_form_field *tok = rc == SZ_OK ?
		sz_form_get(&form, "csrf") : NULL;
	if (!sz_session_csrf_ok(&s, tok ? tok->value : NULL)) {
		sz_form_free(&form);
		rq->location[0] = '\0';
		return sz_request_fail(rq, 403, "This form is out of date.");
	}
	sz_form_free(&form);
	app->in->store->ops->audit_add(app->in->store, s.data, "logout", "",
		NULL);
	sz_session_drop(&app->sessions, &s);
	sodium_memzero(&s, sizeof(s));
	snprintf(rq->set_cookie, sizeof(rq->set_cookie),
		"%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
		SZ_EDITOR_COOKIE);
	rq->status = 303;
	snprintf(rq->location, sizeof(rq->location), "/");
	return SZ_OK;
}
