/*
 * pages.c - the source's pages: the start page, a new codename, logging
 * in and out, and the logged-in page with the submission form.
 *
 * A codename is shown once, kept only in the server's memory for the
 * session until the source confirms it, and never written anywhere.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/age_keys.h"
#include "crypto/codename.h"
#include "http/form.h"
#include "web/html.h"
#include "web/seal.h"
#include "web/source/source.h"

#define REPLY_SHOW_MAX (128 * 1024)

static void token_field(struct sz_buf *b, const char *token)
{
	sz_buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n",
		token);
}

static void csrf_field(struct sz_buf *b, const struct sz_session *s)
{
	token_field(b, s->csrf);
}

/* The login form, with the session's token, or without a session a
 * pre-session token (which sets its cookie). */
static void login_form(struct sz_request *rq, const struct sz_session *s)
{
	struct sz_buf *b = &rq->page;
	char pre[SZ_SESSION_TOKEN_LEN + 1];
	sz_buf_puts(b, "<form method=\"post\" action=\"/login\" "
		"autocomplete=\"off\">\n");
	if (s != NULL) {
		csrf_field(b, s);
	} else {
		sz_source_pre_token(rq, pre);
		token_field(b, pre);
	}
	sz_buf_puts(b, "<label for=\"codename\">Your codename</label>\n"
		"<input type=\"password\" id=\"codename\" name=\"codename\" "
		"maxlength=\"200\" autocomplete=\"off\" spellcheck=\"false\" "
		"required>\n<button type=\"submit\">Log in</button>\n</form>\n");
}

int sz_source_landing(struct sz_request *rq)
{
	struct sz_session s;
	/* No session is made here: the start page costs no server memory,
	 * so crawling it cannot push real sources' sessions out. */
	bool has = sz_source_session(rq, &s);
	struct sz_buf *b = &rq->page;
	sz_html_begin(b, SZ_SOURCE_SITE, "Share documents safely");
	sz_buf_puts(b,
		"<h1>Share documents with our newsroom, safely</h1>\n"
		"<p>This service lets you send documents and messages to our "
		"journalists without telling us who you are. Everything you send "
		"is encrypted on arrival so that only our editors can read it, "
		"and this server keeps no record of your address, your browser "
		"or the time you visited.</p>\n"
		"<div class=\"ways\">\n<div class=\"way\">\n"
		"<h2>First time here</h2>\n<p>You will get a <strong>codename"
		"</strong>: seven words that let you come back, read our replies "
		"and send more. It is the only way in.</p>\n"
		"<a class=\"button\" href=\"/new\">Get a codename and start</a>\n"
		"</div>\n<div class=\"way\">\n<h2>Coming back</h2>\n");
	login_form(rq, has ? &s : NULL);
	sodium_memzero(&s, sizeof(s));
	sz_buf_puts(b, "</div>\n</div>\n"
		"<h2>How to stay safe</h2>\n<ul class=\"tips\">\n"
		"<li>Use <strong>Tor Browser</strong>, ideally set to its "
		"<em>Safest</em> security level. This site works without "
		"JavaScript.</li>\n"
		"<li>Do not use a computer, phone or network that belongs to "
		"your employer, or that your employer can monitor.</li>\n"
		"<li>Documents carry <strong>metadata</strong>: author names, "
		"printer serial numbers, GPS positions in photos, tracked "
		"changes. We remove it before anything is published, but it can "
		"identify you to us and to anyone who intercepts the file. If "
		"you can, send a copy rather than the original, or a photo of "
		"a screen.</li>\n"
		"<li>Few people may have seen the documents you hold. Think about "
		"who could be suspected if they are published.</li>\n"
		"<li>Do not tell anyone that you are sending us material, and do "
		"not write your codename down anywhere it could be found.</li>\n"
		"</ul>\n");
	sodium_memzero(&s, sizeof(s));
	return sz_html_end(b);
}

int sz_source_new_get(struct sz_request *rq)
{
	struct sz_source_app *app = rq->app;
	struct sz_session s;
	if (sz_source_session_or_new(rq, &s) != SZ_OK)
		return SZ_E_LIMIT;
	if (s.user_id != 0) {
		sodium_memzero(&s, sizeof(s));
		return sz_source_redirect(rq, "/source");
	}
	sz_codename_generate(s.data, sizeof(s.data));
	sz_session_put(&app->sessions, &s);
	sz_request_secure_page(rq);
	struct sz_buf *b = &rq->page;
	sz_html_begin(b, SZ_SOURCE_SITE, "Your codename");
	sz_buf_puts(b, "<h1>Your codename</h1>\n<p>This is the only way to "
		"come back, read replies from our journalists and send more. "
		"<strong>Memorise it.</strong> We cannot show it again or reset "
		"it: it is not stored anywhere.</p>\n<p class=\"codename\" "
		"id=\"codename\">");
	sz_html_escape(b, s.data);
	sz_buf_puts(b, "</p>\n<p class=\"note\">If you must write it down, "
		"keep it somewhere only you can reach, and destroy it once you "
		"remember it.</p>\n<form method=\"post\" action=\"/new\">\n");
	csrf_field(b, &s);
	sz_buf_puts(b, "<button type=\"submit\">I have memorised it: "
		"continue</button>\n</form>\n");
	sodium_memzero(&s, sizeof(s));
	return sz_html_end(b);
}

/* Loads the request's session and checks the form's CSRF token; on
 * failure the request is marked with a clear message.  With pre_ok, a
 * visitor without a session may pass with a valid pre-session token, and
 * gets a new session. */
static int checked_form_ex(struct sz_request *rq, struct sz_session *s,
	struct sz_form *form, bool pre_ok)
{
	struct sz_source_app *app = rq->app;
	struct sz_err err;
	memset(form, 0, sizeof(*form));
	bool has = sz_source_session(rq, s);
	if (sz_form_parse(form, (const char *)rq->body.data, rq->body.len,
		    &err) != SZ_OK)
		return sz_request_fail(rq, 400, err.msg);
	const struct sz_form_field *tok = sz_form_get(form, "csrf");
	const char *t = tok ? tok->value : NULL;
	if (has && sz_session_csrf_ok(s, t))
		return SZ_OK;
	if (pre_ok && sz_source_pre_token_ok(rq, t)) {
		if (sz_session_new(&app->sessions, s, &err) != SZ_OK)
			return sz_request_fail(rq, 503, "The server is busy. "
				"Please try again in a few minutes.");
		return SZ_OK;
	}
	if (!has)
		return sz_request_fail(rq, 403, "Your session has expired (or "
			"cookies are off). Go back to the start page and try "
			"again.");
	return sz_request_fail(rq, 403, "This form is out of date. Go "
		"back to the start page and try again.");
}

static int checked_form(struct sz_request *rq, struct sz_session *s,
	struct sz_form *form)
{
	return checked_form_ex(rq, s, form, false);
}

static int log_in(struct sz_request *rq, struct sz_session *s, int64_t id,
	const struct sz_source_keys *keys)
{
	struct sz_source_app *app = rq->app;
	s->user_id = id;
	memcpy(s->secret, keys->secret, sizeof(s->secret));
	s->has_secret = true;
	sodium_memzero(s->data, sizeof(s->data));
	/* A new id at login: a session id seen before it is worth nothing. */
	if (!sz_session_renew(&app->sessions, s))
		return sz_request_fail(rq, 403, "Your session has expired. Go "
			"back to the start page and try again.");
	sz_source_set_cookie(rq, s);
	return sz_source_redirect(rq, "/source");
}

static void wrong_codename_page(struct sz_request *rq, struct sz_session *s)
{
	struct sz_source_app *app = rq->app;
	/* One answer for every wrong codename, whatever the reason. */
	rq->status = 403;
	sz_html_begin(&rq->page, SZ_SOURCE_SITE, "Log in");
	sz_buf_puts(&rq->page, "<h1>Log in</h1>\n<p class=\"error\">That "
		"codename was not recognised. Check each word and try "
		"again.</p>\n");
	sz_session_put(&app->sessions, s);
	sz_source_set_cookie(rq, s);
	login_form(rq, s);
	sz_html_end(&rq->page);
}

/*
 * Both ways in: confirming the codename just shown (creating, from the
 * session's copy of it) or typing one (logging in, from the form, against
 * the global attempt budget).  Either way the keys are derived, the source
 * is created or found, and the session is logged in.
 */
static int enter(struct sz_request *rq, bool creating)
{
	struct sz_source_app *app = rq->app;
	struct sz_session s;
	struct sz_form form = { 0 };
	struct sz_err err;
	int64_t id = 0;
	struct sz_source_keys *keys = sodium_malloc(sizeof(*keys));
	int rc = keys ? checked_form_ex(rq, &s, &form, !creating) : SZ_E_NOMEM;
	if (rc != SZ_OK)
		goto out;
	const char *typed = "";
	size_t len = 0;
	if (creating) {
		if (s.data[0] == '\0') {
			rc = sz_request_fail(rq, 400, "There is no codename to "
				"confirm. Start again from the start page.");
			goto out;
		}
		typed = s.data;
		len = strlen(s.data);
	} else {
		if (!sz_source_attempt(app)) {
			rc = sz_request_fail(rq, 429, "Too many people are trying "
				"to log in right now. Wait a minute, then try "
				"again.");
			goto out;
		}
		const struct sz_form_field *cn = sz_form_get(&form, "codename");
		if (cn != NULL) {
			typed = cn->value;
			len = cn->value_len;
		}
	}
	rc = sz_source_derive(app, typed, len, keys);
	/* A new source is held with the period's submissions: its row
	 * would date it. */
	if (rc == SZ_OK)
		rc = creating ? sz_staging_source_create(app->staging,
				keys->login_hash, keys->public, &id, &err) :
			sz_staging_source_find(app->staging, keys->login_hash,
				&id, &err);
	if (rc == SZ_E_NOT_FOUND && !creating) {
		wrong_codename_page(rq, &s);
		rc = SZ_OK;
	} else if (rc != SZ_OK) {
		rc = sz_request_fail(rq, 500, creating ? "Your codename could "
			"not be set up. Nothing was kept; please try again." :
			"Logging in failed on the server. Please try again "
			"later.");
	} else {
		rc = log_in(rq, &s, id, keys);
	}
out:
	sz_form_free(&form);
	sodium_memzero(&s, sizeof(s));
	if (keys != NULL)
		sodium_free(keys);
	return rc;
}

int sz_source_new_post(struct sz_request *rq)
{
	return enter(rq, true);
}

int sz_source_login(struct sz_request *rq)
{
	return enter(rq, false);
}

int sz_source_logout(struct sz_request *rq)
{
	struct sz_source_app *app = rq->app;
	struct sz_session s;
	struct sz_form form;
	int rc = checked_form(rq, &s, &form);
	sz_form_free(&form);
	if (rc != SZ_OK)
		return rc;
	sz_session_drop(&app->sessions, &s);
	sodium_memzero(&s, sizeof(s));
	snprintf(rq->set_cookie, sizeof(rq->set_cookie),
		"%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
		SZ_SOURCE_COOKIE);
	struct sz_buf *b = &rq->page;
	sz_html_begin(b, SZ_SOURCE_SITE, "Logged out");
	sz_buf_puts(b, "<h1>You are logged out</h1>\n<p>Thank you. To leave "
		"no trace on this computer, close Tor Browser now: it forgets "
		"everything from this visit.</p>\n");
	return sz_html_end(b);
}

/* The replies addressed to the logged-in source, decrypted in memory with
 * the secret key its codename gave (held only in its session). */
static void show_replies(struct sz_request *rq, const struct sz_session *s)
{
	struct sz_source_app *app = rq->app;
	struct sz_store *st = app->in->store;
	struct sz_reply_row *rows = NULL;
	struct sz_age_identity *id = NULL;
	struct sz_err err;
	size_t n = 0;
	struct sz_buf *b = &rq->page;
	if (st->ops->replies(st, s->user_id, &rows, &n, &err) != SZ_OK)
		n = 0;
	if (n == 0) {
		sz_buf_puts(b, "<p class=\"note\" id=\"replies\">No replies "
			"yet. Our journalists will answer here; check back in a "
			"few days.</p>\n");
		free(rows);
		return;
	}
	if (!s->has_secret ||
	    sz_age_identity_from_key(s->secret, &id, &err) != SZ_OK)
		n = 0;
	sz_buf_puts(b, "<div id=\"replies\">\n");
	for (size_t i = 0; i < n; i++) {
		struct sz_buf text;
		sz_buf_printf(b, "<div class=\"reply\"><p class=\"note\">%s</p>",
			rows[i].day);
		if (sz_web_open(&app->in->blobs, rows[i].blob, id,
			    REPLY_SHOW_MAX, &text, &err) == SZ_OK) {
			sz_buf_puts(b, "<p class=\"reply-text\">");
			sz_html_escape(b, (const char *)text.data);
			sz_buf_puts(b, "</p>");
			sz_buf_free(&text);
		} else {
			sz_buf_puts(b, "<p class=\"error\">This reply could not "
				"be read.</p>");
		}
		sz_buf_puts(b, "</div>\n");
	}
	sz_buf_puts(b, "</div>\n");
	sz_age_identity_free(id);
	free(rows);
}

int sz_source_home(struct sz_request *rq)
{
	struct sz_source_app *app = rq->app;
	struct sz_session s;
	struct sz_err err;
	if (!sz_source_session(rq, &s) || s.user_id == 0) {
		sodium_memzero(&s, sizeof(s));
		return sz_source_redirect(rq, "/");
	}
	int64_t count = 0;
	app->in->store->ops->source_submission_count(app->in->store,
		s.user_id, &count, &err);
	count += sz_staging_held_submissions(app->staging, s.user_id);
	const char *sent = sz_request_query(rq, "sent");
	struct sz_buf *b = &rq->page;
	sz_html_begin(b, SZ_SOURCE_SITE, "Send documents");
	sz_buf_puts(b, "<h1>Send us documents or a message</h1>\n");
	if (sent != NULL && strcmp(sent, "1") == 0)
		sz_buf_printf(b, "<p class=\"ok\" id=\"sent\">Thank you. What "
			"you sent has been encrypted for our editors; it reaches "
			"them within %u minutes, together with everything else "
			"sent in that time, so this server never records when you "
			"sent it. Come back in a few days with your codename to "
			"read any reply.</p>\n",
			sz_staging_period(app->staging) / 60);
	sz_buf_printf(b, "<p class=\"note\">You have sent %lld submission%s "
		"so far.</p>\n", (long long)count, count == 1 ? "" : "s");
	struct sz_recipient_row *rows = NULL;
	size_t nrcpt = 0;
	if (app->in->store->ops->recipient_list(app->in->store, &rows, &nrcpt,
		    &err) != SZ_OK)
		nrcpt = 0;
	free(rows);
	if (nrcpt == 0)
		sz_buf_puts(b, "<p class=\"error\" id=\"not-ready\">This inbox "
			"cannot receive anything yet: no editor has registered a "
			"key. Please come back later; nothing you send now could "
			"be kept.</p>\n");
	sz_buf_printf(b, "<form method=\"post\" action=\"/submit\" "
		"enctype=\"multipart/form-data\">\n");
	csrf_field(b, &s);
	sz_buf_printf(b, "<label for=\"message\">Message</label>\n"
		"<textarea id=\"message\" name=\"message\" maxlength=\"%llu\">"
		"</textarea>\n<label for=\"files\">Files (up to %llu, each up "
		"to %llu MB)</label>\n<input type=\"file\" id=\"files\" "
		"name=\"files\" multiple>\n<button type=\"submit\">Send "
		"securely</button>\n</form>\n",
		(unsigned long long)app->in->cfg.max_message_kb * 1024,
		(unsigned long long)app->in->cfg.max_files,
		(unsigned long long)app->in->cfg.max_file_mb);
	sz_buf_puts(b, "<h2>Replies</h2>\n");
	show_replies(rq, &s);
	sz_buf_puts(b, "<form method=\"post\" action=\"/logout\" "
		"class=\"inline\">\n");
	csrf_field(b, &s);
	sz_buf_puts(b, "<button type=\"submit\" class=\"quiet\">Log out</button>"
		"\n</form>\n");
	sodium_memzero(&s, sizeof(s));
	return sz_html_end(b);
}
