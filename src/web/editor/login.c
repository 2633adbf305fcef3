/*
 * login.c - editors' login: a password (Argon2id, at most
 * SZ_EDITOR_ARGON2_SLOTS at once) and a TOTP code, both required, each
 * code accepted once; after SZ_EDITOR_MAX_FAILURES failures in a row the
 * account locks until an administrator unlocks it (`samizdat editor
 * unlock`).  An unknown name looks, answers and locks exactly like a real
 * one.  Logins, failures and lock-outs of real accounts go to the audit
 * log.
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
	struct sz_doc_runner *runner, struct sz_err *err)
{
	app->in = in;
	app->runner = runner;
	uint8_t junk[32];
	randombytes_buf(junk, sizeof(junk));
	if (crypto_pwhash_str(app->dummy_hash, (const char *)junk, sizeof(junk),
		    SZ_EDITOR_PWHASH_OPS, SZ_EDITOR_PWHASH_MEM) != 0)
		return sz_err_set(err, SZ_E_NOMEM, "not enough memory for "
			"Argon2id");
	sem_init(&app->argon2_slots, 0, SZ_EDITOR_ARGON2_SLOTS);
	int rc = sz_totp_init(err);
	if (rc == SZ_OK)
		rc = sz_sessions_init(&app->sessions, 1024,
			(unsigned)in->cfg.session_idle_min * 60, err);
	/* The preview shows the archive as the public will see it, drafts
	 * included, under /preview. */
	app->preview.archive = in->archive;
	app->preview.drafts = true;
	app->preview.links = SZ_LINKS_ROOTED;
	app->preview.prefix = "/preview";
	app->preview.search_ms = (unsigned)in->cfg.search_time_ms;
	if (rc == SZ_OK)
		sz_editor_forum_init(app);
	return rc;
}

void sz_editor_app_free(struct sz_editor_app *app)
{
	sz_sessions_free(&app->sessions);
	sem_destroy(&app->argon2_slots);
	app->preview.archive = NULL;   /* the instance's */
	app->forum.forum = NULL;       /* the instance's */
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

/* A keyed hash of a typed name: what an unknown name's failures are
 * counted under (never the name itself: it may be anything). */
static void name_key(struct sz_editor_app *app, const char *name,
	uint8_t key[32])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, sz_instance_hash_key(app->in), 32, 32);
	crypto_generichash_update(&st, (const uint8_t *)"sz-editor-name", 14);
	crypto_generichash_update(&st, (const uint8_t *)name, strlen(name));
	crypto_generichash_final(&st, key, 32);
}

static const char locked_msg[] = "This account is locked after repeated "
	"failed logins. An administrator can unlock it with: samizdat editor "
	"unlock NAME";

/*
 * Checks a name, password and code.  Every answer but success is one of
 * two messages, chosen only by the count of failures charged to the typed
 * name, so nothing tells a real editor's name from an unknown one, a
 * wrong password from a used code, or an unknown name from a locked one:
 * an unknown name is counted (and locks) exactly like a real one, and is
 * checked against a dummy hash of the same cost.  The failure is charged
 * before the password is tried, atomically: parallel guesses get at most
 * SZ_EDITOR_MAX_FAILURES checks, and a locked account's password is never
 * tried at all.
 */
static int check_login(struct sz_request *rq, const char *name,
	const struct sz_form_field *pw, const char *code, int64_t *failures)
{
	struct sz_editor_app *app = rq->app;
	struct sz_store *st = app->in->store;
	struct sz_err err;
	uint8_t key[32];
	name_key(app, name, key);
	int rc = st->ops->editor_failure_charge(st, name, key,
		SZ_EDITOR_MAX_FAILURES, failures, &err);
	if (rc != SZ_OK && rc != SZ_E_LIMIT)
		return rc;
	bool open = rc == SZ_OK;
	struct sz_editor_row *e = sodium_malloc(sizeof(*e));
	if (e == NULL)
		return SZ_E_NOMEM;
	memset(e, 0, sizeof(*e));
	bool known = st->ops->editor_get(st, name, e, &err) == SZ_OK;
	if (known && !open)
		st->ops->audit_add(st, name, "login refused", "account locked",
			NULL);
	known = known && open;
	bool ok = crypto_pwhash_str_verify(known ? e->password_hash :
		app->dummy_hash, pw->value, pw->value_len) == 0 && known;
	int64_t step = e->totp_last;
	if (ok)
		ok = sz_totp_verify(e->totp_secret, SZ_TOTP_SECRET_SIZE, code,
			time(NULL), &step) == SZ_OK &&
			st->ops->editor_totp_used(st, name, step, &err) == SZ_OK;
	if (known)
		st->ops->audit_add(st, name, ok ? "login" : "login failed", ok ?
			"" : *failures >= SZ_EDITOR_MAX_FAILURES ?
			"account now locked" : "", NULL);
	if (ok)
		st->ops->editor_set_failures(st, name, 0, NULL);
	else if (!open)
		*failures = SZ_EDITOR_MAX_FAILURES;
	sodium_free(e);
	return ok ? SZ_OK : SZ_E_INVAL;
}

int sz_editor_login(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_form form;
	struct sz_err err;
	int rc = SZ_OK;
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
	if (name == NULL || pw == NULL || code == NULL ||
	    name->value_len == 0 || name->value_len > SZ_STORE_NAME_MAX) {
		rc = sz_request_fail(rq, 400, "Give your name, password and "
			"code.");
		goto out;
	}
	/* A slot before anything is charged: a login turned away for lack of
	 * one costs its account no failure. */
	if (!sz_web_slot_take(&app->argon2_slots)) {
		rc = sz_request_fail(rq, 503, "Many logins are being checked "
			"right now. Wait a minute, then try again.");
		goto out;
	}
	int64_t failures = 0;
	int ok = check_login(rq, name->value, pw, code->value, &failures);
	sem_post(&app->argon2_slots);
	if (ok != SZ_OK && ok != SZ_E_INVAL) {
		rc = sz_request_fail(rq, 500, "The login could not be checked; "
			"please try again.");
		goto out;
	}
	if (ok != SZ_OK) {
		rq->status = 403;
		login_form(rq, failures >= SZ_EDITOR_MAX_FAILURES ? locked_msg :
			"Wrong name, password or code (each code works once: "
			"if you just used it, wait for the next).");
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
	sz_web_set_session_cookie(rq, SZ_EDITOR_COOKIE, &s);
	rq->status = 303;
	snprintf(rq->location, sizeof(rq->location), "/inbox");
	sodium_memzero(&s, sizeof(s));
out:
	sz_form_free(&form);
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
