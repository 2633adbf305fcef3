/*
 * pages.c - the source's pages: the start page, a new codename, logging
 * in and out, and the logged-in page with the submission form.
 *
 * A codename is shown once, travels sealed in its own confirmation form
 * (the server keeps nothing for a first visit), and is never written
 * anywhere.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/* The login form, with the pre-login token given (the one the codename
 * attempts are charged to), or a new one (which sets its cookie). */
static void login_form(struct sz_request *rq, const char *token)
{
	struct sz_buf *b = &rq->page;
	char pre[SZ_SESSION_TOKEN_LEN + 1];
	sz_buf_puts(b, "<form method=\"post\" action=\"/login\" "
		"autocomplete=\"off\">\n");
	if (token == NULL) {
		sz_source_pre_token(rq, pre);
		token = pre;
	}
	token_field(b, token);
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
	bool in = sz_source_session(rq, &s) && s.user_id != 0;
	sodium_memzero(&s, sizeof(s));
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
	if (in)
		sz_buf_puts(b, "<p>You are logged in: <a href=\"/source\">send "
			"more or read replies</a>.</p>\n");
	login_form(rq, NULL);
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
	return sz_html_end(b);
}

/* A new codename travels in its own form, sealed (XSalsa20-Poly1305
 * under a key this process made and holds only in memory) with the
 * minute it was made: a first visit needs no session, so a flood of them
 * fills nothing.  The page shows the same codename in the clear anyway;
 * the seal only makes the confirmation unforgeable and short-lived. */
#define SEALED_PLAIN (4 + SZ_CODENAME_MAX + 1)
#define SEALED_RAW (crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + \
	SEALED_PLAIN)
#define SEALED_TEXT (SEALED_RAW * 4 / 3 + 4)

static void seal_codename(struct sz_source_app *app, const char *codename,
	char out[SEALED_TEXT])
{
	uint8_t plain[SEALED_PLAIN], raw[SEALED_RAW];
	uint32_t m = (uint32_t)(time(NULL) / 60);
	memset(plain, 0, sizeof(plain));
	memcpy(plain, &m, 4);
	snprintf((char *)plain + 4, SZ_CODENAME_MAX + 1, "%s", codename);
	randombytes_buf(raw, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(raw + crypto_secretbox_NONCEBYTES, plain,
		sizeof(plain), raw, app->seal_key);
	sodium_bin2base64(out, SEALED_TEXT, raw, sizeof(raw),
		sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(plain, sizeof(plain));
}

/* The codename a /new form carries, if its seal is whole and fresh. */
static bool unseal_codename(struct sz_source_app *app, const char *text,
	char out[SZ_CODENAME_MAX + 1])
{
	uint8_t plain[SEALED_PLAIN], raw[SEALED_RAW];
	size_t len = 0;
	uint32_t made, now = (uint32_t)(time(NULL) / 60);
	bool ok = text != NULL &&
		sodium_base642bin(raw, sizeof(raw), text, strlen(text), NULL,
			&len, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0 &&
		len == sizeof(raw) &&
		crypto_secretbox_open_easy(plain, raw + crypto_secretbox_NONCEBYTES,
			sizeof(raw) - crypto_secretbox_NONCEBYTES, raw,
			app->seal_key) == 0;
	if (ok) {
		memcpy(&made, plain, 4);
		ok = made <= now && now - made <= SZ_SOURCE_NEW_MIN &&
			plain[SEALED_PLAIN - 1] == 0;
	}
	if (ok)
		snprintf(out, SZ_CODENAME_MAX + 1, "%s", (const char *)plain + 4);
	sodium_memzero(plain, sizeof(plain));
	return ok;
}

int sz_source_new_get(struct sz_request *rq)
{
	struct sz_source_app *app = rq->app;
	struct sz_session s;
	bool in = sz_source_session(rq, &s) && s.user_id != 0;
	sodium_memzero(&s, sizeof(s));
	if (in)
		return sz_source_redirect(rq, "/source");
	char codename[SZ_CODENAME_MAX + 1], sealed[SEALED_TEXT];
	char pre[SZ_SESSION_TOKEN_LEN + 1];
	sz_codename_generate(codename, sizeof(codename));
	seal_codename(app, codename, sealed);
	struct sz_buf *b = &rq->page;
	sz_html_begin(b, SZ_SOURCE_SITE, "Your codename");
	sz_buf_puts(b, "<h1>Your codename</h1>\n<p>This is the only way to "
		"come back, read replies from our journalists and send more. "
		"<strong>Memorise it.</strong> We cannot show it again or reset "
		"it: it is not stored anywhere.</p>\n<p class=\"codename\" "
		"id=\"codename\">");
	sz_html_escape(b, codename);
	sz_buf_puts(b, "</p>\n<p class=\"note\">If you must write it down, "
		"keep it somewhere only you can reach, and destroy it once you "
		"remember it.</p>\n<form method=\"post\" action=\"/new\">\n");
	sz_source_pre_token(rq, pre);
	token_field(b, pre);
	sz_buf_printf(b, "<input type=\"hidden\" name=\"sealed\" value=\"%s\">\n",
		sealed);
	sz_buf_puts(b, "<button type=\"submit\">I have memorised it: "
		"continue</button>\n</form>\n");
	sodium_memzero(codename, sizeof(codename));
	sodium_memzero(sealed, sizeof(sealed));
	return sz_html_end(b);
}

/* Loads the request's session and checks the form's CSRF token; on
 * failure the request is marked with a clear message. */
static int checked_form(struct sz_request *rq, struct sz_session *s,
	struct sz_form *form)
{
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
	if (!has)
		return sz_request_fail(rq, 403, "Your session has expired (or "
			"cookies are off). Go back to the start page and try "
			"again.");
	return sz_request_fail(rq, 403, "This form is out of date. Go "
		"back to the start page and try again.");
}

/* A new session, logged in as source id with its secret key: a new id
 * at every login, so a session id seen before is worth nothing.  A
 * session this browser had before (another source's) ends. */
static int log_in(struct sz_request *rq, int64_t id,
	const struct sz_source_keys *keys)
{
	struct sz_source_app *app = rq->app;
	struct sz_session s, old;
	struct sz_err err;
	if (sz_source_session(rq, &old))
		sz_session_drop(&app->sessions, &old);
	sodium_memzero(&old, sizeof(old));
	if (sz_session_new(&app->sessions, &s, &err) != SZ_OK)
		return sz_request_fail(rq, 503, "The server is busy. Please try "
			"again in a few minutes.");
	s.user_id = id;
	memcpy(s.secret, keys->secret, sizeof(s.secret));
	s.has_secret = true;
	bool kept = sz_session_put(&app->sessions, &s);
	if (kept)
		sz_source_set_cookie(rq, &s);
	sodium_memzero(&s, sizeof(s));
	if (!kept)
		return sz_request_fail(rq, 503, "The server is busy. Please try "
			"again in a few minutes.");
	return sz_source_redirect(rq, "/source");
}

static void wrong_codename_page(struct sz_request *rq, const char *token)
{
	/* One answer for every wrong codename, whatever the reason; the
	 * same token, so its attempts keep counting. */
	rq->status = 403;
	sz_html_begin(&rq->page, SZ_SOURCE_SITE, "Log in");
	sz_buf_puts(&rq->page, "<h1>Log in</h1>\n<p class=\"error\">That "
		"codename was not recognised. Check each word and try "
		"again.</p>\n");
	login_form(rq, token);
	sz_html_end(&rq->page);
}

/* Charges one attempt to the form's token; false (with the page set)
 * when the token is not good or has no attempt left. */
static bool charge(struct sz_request *rq, const char *token,
	uint8_t nonce[SZ_WEB_PRE_NONCE])
{
	struct sz_source_app *app = rq->app;
	struct timespec ts;
	if (!sz_source_pre_token_ok(rq, token, nonce)) {
		sz_request_fail(rq, 403, "This page is out of date (or cookies "
			"are off). Go back to the start page and try again.");
		return false;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	switch (sz_source_budget_charge(&app->budget, nonce, ts.tv_sec)) {
	case SZ_CHARGE_OK:
		return true;
	case SZ_CHARGE_SPENT:
		sz_request_fail(rq, 429, "That was the last try with this page. "
			"Go back to the start page to try again, and check each "
			"word of your codename.");
		return false;
	default:
		sz_request_fail(rq, 429, "Too many people are logging in right "
			"now. Wait a minute, then try again.");
		return false;
	}
}

/*
 * Both ways in: confirming the codename just shown (creating, from the
 * sealed copy in the form) or typing one (logging in).  Either costs one
 * attempt of the form's pre-login token, then the keys are derived, the
 * source is created or found, and a session is made, logged in.
 */
static int enter(struct sz_request *rq, bool creating)
{
	struct sz_source_app *app = rq->app;
	struct sz_store *st = app->in->store;
	struct sz_form form;
	struct sz_err err;
	uint8_t nonce[SZ_WEB_PRE_NONCE];
	char shown[SZ_CODENAME_MAX + 1] = "";
	int64_t id = 0;
	struct sz_source_keys *keys = sodium_malloc(sizeof(*keys));
	int rc = keys ? sz_form_parse(&form, (const char *)rq->body.data,
		rq->body.len, &err) : SZ_E_NOMEM;
	if (keys == NULL) {
		memset(&form, 0, sizeof(form));
		rc = sz_request_fail(rq, 500, "The server ran out of memory.");
		goto out;
	}
	if (rc != SZ_OK) {
		rc = sz_request_fail(rq, 400, err.msg);
		goto out;
	}
	const struct sz_form_field *tok = sz_form_get(&form, "csrf");
	const char *token = tok ? tok->value : NULL;
	if (!charge(rq, token, nonce)) {
		rc = SZ_E_LIMIT;
		goto out;
	}
	const char *typed = "";
	size_t len = 0;
	if (creating) {
		const struct sz_form_field *sealed = sz_form_get(&form, "sealed");
		if (!unseal_codename(app, sealed ? sealed->value : NULL, shown)) {
			rc = sz_request_fail(rq, 400, "This codename page is out of "
				"date. Get a new codename from the start page.");
			goto out;
		}
		typed = shown;
		len = strlen(shown);
	} else {
		const struct sz_form_field *cn = sz_form_get(&form, "codename");
		if (cn != NULL) {
			typed = cn->value;
			len = cn->value_len;
		}
	}
	rc = sz_source_derive(app, typed, len, keys);
	if (rc == SZ_E_LIMIT) {
		sz_source_budget_refund(&app->budget, nonce);
		rc = sz_request_fail(rq, 503, "Many people are logging in right "
			"now. Wait a minute, then try again.");
		goto out;
	}
	if (rc == SZ_OK && creating) {
		rc = st->ops->source_create(st, keys->login_hash, keys->public,
			&id, &err);
		if (rc == SZ_E_EXISTS)   /* confirmed twice: it is theirs */
			rc = st->ops->source_find(st, keys->login_hash, &id, &err);
	} else if (rc == SZ_OK) {
		rc = st->ops->source_find(st, keys->login_hash, &id, &err);
	}
	if (rc == SZ_E_NOT_FOUND && !creating) {
		wrong_codename_page(rq, token);
		rc = SZ_OK;
	} else if (rc != SZ_OK) {
		rc = sz_request_fail(rq, 500, creating ? "Your codename could "
			"not be set up. Nothing was kept; please try again." :
			"Logging in failed on the server. Please try again "
			"later.");
	} else {
		rc = log_in(rq, id, keys);
	}
out:
	sz_form_free(&form);
	sodium_memzero(shown, sizeof(shown));
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
	const char *sent = sz_request_query(rq, "sent");
	struct sz_buf *b = &rq->page;
	sz_html_begin(b, SZ_SOURCE_SITE, "Send documents");
	sz_buf_puts(b, "<h1>Send us documents or a message</h1>\n");
	if (sent != NULL && strcmp(sent, "1") == 0)
		sz_buf_puts(b, "<p class=\"ok\" id=\"sent\">Thank you. What you "
			"sent has been encrypted and stored for our editors. Come "
			"back in a few days with your codename to read any "
			"reply.</p>\n");
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
