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

void sz_source_login_form(struct sz_request *rq, const struct sz_lang *L,
	const char *token, const char *message)
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
	if (message != NULL) {
		sz_buf_printf(b, "<label for=\"message\">%s</label>\n<textarea "
			"id=\"message\" name=\"message\" dir=\"auto\">",
			_(L, "Your message"));
		sz_html_escape(b, message);
		sz_buf_puts(b, "</textarea>\n");
	}
	sz_buf_printf(b, "<label for=\"codename\">%s</label>\n"
		"<input type=\"password\" id=\"codename\" name=\"codename\" "
		"maxlength=\"200\" autocomplete=\"off\" spellcheck=\"false\" "
		"required>\n<button type=\"submit\">%s</button>\n</form>\n",
		_(L, "Your codename"), C_(L, "button", "Log in"));
}

int sz_source_landing(struct sz_request *rq)
{
	struct sz_source_app *app = rq->app;
	struct sz_session s;
	const struct sz_lang *L = sz_web_lang(rq);
	/* No session is made here: the start page costs no server memory,
	 * so crawling it cannot push real sources' sessions out. */
	bool in = sz_source_session(rq, &s) && s.user_id != 0;
	sodium_memzero(&s, sizeof(s));
	struct sz_buf *b = &rq->page;
	sz_source_page_begin(rq, L, _(L, "Share documents safely"), "/");
	sz_buf_printf(b, "<h1>%s</h1>\n",
		_(L, "Share documents with our newsroom, safely"));
	const char *intro = sz_brand_intro(&app->brand, L);
	if (intro[0] != '\0') {
		sz_buf_puts(b, "<p class=\"intro\" id=\"intro\">");
		sz_html_escape(b, intro);
		sz_buf_puts(b, "</p>\n");
	}
	if (in)
		sz_buf_printf(b, "<p class=\"ok\" id=\"logged-in\">%s "
			"<a class=\"button\" id=\"continue\" href=\"/source\">%s"
			"</a></p>\n", _(L, "You are still logged in."),
			_(L, "Continue where you left off"));
	sz_buf_printf(b, "<p>%s</p>\n<div class=\"ways\">\n<div class=\"way\">\n"
		"<h2>%s</h2>\n<p>%s</p>\n<a class=\"button\" href=\"/new\">%s</a>\n"
		"</div>\n<div class=\"way\">\n<h2>%s</h2>\n",
		_(L, "This service lets you send documents and messages to our "
		"journalists without telling us who you are. Everything you send "
		"is encrypted on arrival so that only our editors can read it, "
		"and this server keeps no record of your address, your browser "
		"or the time you visited."),
		_(L, "First time here"),
		_(L, "You will get a <strong>codename</strong>: seven words that "
		"let you come back, read our replies and send more. It is the "
		"only way in."),
		_(L, "Get a codename and start"),
		_(L, "Coming back"));
	sz_source_login_form(rq, L, NULL, NULL);
	sz_buf_printf(b, "</div>\n</div>\n<h2>%s</h2>\n<ul class=\"tips\">\n"
		"<li>%s</li>\n<li>%s</li>\n<li>%s</li>\n<li>%s</li>\n<li>%s</li>\n"
		"</ul>\n",
		_(L, "How to stay safe"),
		_(L, "Use <strong>Tor Browser</strong>, ideally set to its "
		"<em>Safest</em> security level. This site works without "
		"JavaScript."),
		_(L, "Do not use a computer, phone or network that belongs to "
		"your employer, or that your employer can monitor."),
		_(L, "Documents carry <strong>metadata</strong>: author names, "
		"printer serial numbers, GPS positions in photos, tracked "
		"changes. We remove it before anything is published, but it can "
		"identify you to us and to anyone who intercepts the file. If "
		"you can, send a copy rather than the original, or a photo of "
		"a screen."),
		_(L, "Few people may have seen the documents you hold. Think "
		"about who could be suspected if they are published."),
		_(L, "Do not tell anyone that you are sending us material, and do "
		"not write your codename down anywhere it could be found."));
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
	const struct sz_lang *L = sz_web_lang(rq);
	bool in = sz_source_session(rq, &s) && s.user_id != 0;
	sodium_memzero(&s, sizeof(s));
	if (in)
		return sz_source_redirect(rq, "/source");
	char codename[SZ_CODENAME_MAX + 1], sealed[SEALED_TEXT];
	char pre[SZ_SESSION_TOKEN_LEN + 1];
	sz_request_secure_page(rq);   /* it shows the codename */
	sz_codename_generate(codename, sizeof(codename));
	seal_codename(app, codename, sealed);
	struct sz_buf *b = &rq->page;
	sz_source_page_begin(rq, L, _(L, "Your codename"), "/new");
	/* the words are English whatever the page's language */
	sz_buf_printf(b, "<h1>%s</h1>\n<p>%s</p>\n<p class=\"codename\" "
		"lang=\"en\" dir=\"ltr\" id=\"codename\">", _(L, "Your codename"),
		_(L, "This is the only way to come back, read replies from our "
		"journalists and send more. <strong>Memorise it.</strong> We "
		"cannot show it again or reset it: it is not stored anywhere."));
	sz_html_escape(b, codename);
	sz_buf_printf(b, "</p>\n<p class=\"note\">%s</p>\n<form method=\"post\" "
		"action=\"/new\">\n", _(L, "If you must write it down, keep it "
		"somewhere only you can reach, and destroy it once you remember "
		"it."));
	sz_source_pre_token(rq, pre);
	token_field(b, pre);
	sz_buf_printf(b, "<input type=\"hidden\" name=\"sealed\" value=\"%s\">\n",
		sealed);
	sz_buf_printf(b, "<button type=\"submit\">%s</button>\n</form>\n",
		_(L, "I have memorised it: continue"));
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
		return sz_request_fail(rq, 403, N_("Your session has expired (or "
			"cookies are off). Log in again with your codename."));
	return sz_request_fail(rq, 403, N_("This form is out of date. Go back, "
		"reload the page and try again."));
}

/* A new session, logged in as source id with its secret key: a new id
 * at every login, so a session id seen before is worth nothing.  A
 * session this browser had before (another source's) ends. */
static int log_in(struct sz_request *rq, int64_t id,
	const struct sz_source_keys *keys, const char *message)
{
	struct sz_source_app *app = rq->app;
	struct sz_session s, old;
	struct sz_err err;
	if (sz_source_session(rq, &old))
		sz_session_drop(&app->sessions, &old);
	sodium_memzero(&old, sizeof(old));
	if (sz_session_new(&app->sessions, &s, &err) != SZ_OK)
		return sz_request_fail(rq, 503, N_("The server is busy. Please try "
			"again in a few minutes."));
	s.user_id = id;
	memcpy(s.secret, keys->secret, sizeof(s.secret));
	s.has_secret = true;
	bool kept = sz_session_put(&app->sessions, &s);
	if (kept)
		sz_source_set_cookie(rq, &s);
	if (kept && message != NULL && message[0] != '\0') {
		/* back from an ended session: the form, filled in again */
		const struct sz_lang *L = sz_web_lang(rq);
		struct sz_buf *b = &rq->page;
		sz_source_page_begin(rq, L, _(L, "Send documents"), "/source");
		sz_buf_printf(b, "<p class=\"ok\" id=\"again\">%s</p>\n<h1>%s"
			"</h1>\n", _(L, "You are logged in again. Your message is "
			"filled in below: choose your files again, then send."),
			_(L, "Send us documents or a message"));
		sz_source_submit_form(rq, L, &s, message);
		sodium_memzero(&s, sizeof(s));
		return sz_html_end(b);
	}
	sodium_memzero(&s, sizeof(s));
	if (!kept)
		return sz_request_fail(rq, 503, N_("The server is busy. Please try "
			"again in a few minutes."));
	return sz_source_redirect(rq, "/source");
}

static void wrong_codename_page(struct sz_request *rq, const char *token,
	const char *message)
{
	const struct sz_lang *L = sz_web_lang(rq);
	/* One answer for every wrong codename, whatever the reason; the
	 * same token, so its attempts keep counting. */
	rq->status = 403;
	sz_source_page_begin(rq, L, C_(L, "title", "Log in"), "/");
	sz_buf_printf(&rq->page, "<h1>%s</h1>\n<p class=\"error\" id=\"error\">"
		"%s</p>\n", C_(L, "title", "Log in"), _(L, "That codename was not "
		"recognised. Check each word and try again."));
	/* a message carried from an ended session stays with the form */
	sz_source_login_form(rq, L, token, message != NULL &&
		message[0] != '\0' ? message : NULL);
	sz_html_end(&rq->page);
}

/* Charges one attempt to the form's token; false (with the page set)
 * when the token is not good or has no attempt left. */
static bool charge(struct sz_request *rq, const char *token,
	uint8_t nonce[SZ_WEB_PRE_NONCE])
{
	struct sz_source_app *app = rq->app;
	uint8_t key[SZ_BUDGET_KEY];
	if (!sz_source_pre_token_ok(rq, token, nonce)) {
		sz_request_fail(rq, 403, N_("This page is out of date (or "
			"cookies are off). Go back to the start page and try "
			"again."));
		return false;
	}
	sz_source_budget_key(nonce, key);
	switch (sz_budget_charge(&app->budget, key, sz_budget_now())) {
	case SZ_CHARGE_OK:
		return true;
	case SZ_CHARGE_SPENT:
		sz_request_fail(rq, 429, N_("That was the last try with this "
			"page. Go back to the start page to try again, and check "
			"each word of your codename."));
		return false;
	default:
		sz_request_fail(rq, 429, N_("Too many people are logging in "
			"right now. Wait a minute, then try again."));
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
		rc = sz_request_fail(rq, 500, N_("The server ran out of "
			"memory."));
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
			rc = sz_request_fail(rq, 400, N_("This codename page is out "
				"of date. Get a new codename."));
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
		uint8_t key[SZ_BUDGET_KEY];
		sz_source_budget_key(nonce, key);
		sz_budget_refund(&app->budget, key);
		rc = sz_request_fail(rq, 503, N_("Many people are logging in "
			"right now. Wait a minute, then try again."));
		goto out;
	}
	/* A new source is held with the period's submissions: its row
	 * would date it. */
	if (rc == SZ_OK && creating) {
		rc = sz_staging_source_create(app->staging, keys->login_hash,
			keys->public, &id, &err);
		if (rc == SZ_E_EXISTS)   /* confirmed twice: it is theirs */
			rc = sz_staging_source_find(app->staging, keys->login_hash,
				&id, &err);
	} else if (rc == SZ_OK) {
		rc = sz_staging_source_find(app->staging, keys->login_hash, &id,
			&err);
	}
	if (rc == SZ_E_NOT_FOUND && !creating) {
		const struct sz_form_field *m = sz_form_get(&form, "message");
		wrong_codename_page(rq, token, m ? m->value : NULL);
		rc = SZ_OK;
	} else if (rc == SZ_E_BUSY) {
		rc = sz_request_fail(rq, 503, N_("The server is busy. Nothing "
			"was kept; please try again in a few minutes."));
	} else if (rc != SZ_OK) {
		rc = sz_request_fail(rq, 500, creating ? N_("Your codename could "
			"not be set up. Nothing was kept; please try again.") :
			N_("Logging in failed on the server. Please try again "
			"later."));
	} else {
		const struct sz_form_field *m = creating ? NULL :
			sz_form_get(&form, "message");
		rc = log_in(rq, id, keys, m ? m->value : NULL);
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
	const struct sz_lang *L = sz_web_lang(rq);
	struct sz_buf *b = &rq->page;
	sz_source_page_begin(rq, L, _(L, "Logged out"), "/");
	sz_buf_printf(b, "<h1>%s</h1>\n<p>%s</p>\n", _(L, "You are logged out"),
		_(L, "Thank you. To leave no trace on this computer, close Tor "
		"Browser now: it forgets everything from this visit."));
	return sz_html_end(b);
}

/* POST /reply/delete: a source deletes a reply it has read.  It is
 * gone from the source's page at once; its file goes, and its row is
 * marked (so the editors see it was read and deleted), when the period
 * ends, with the period's submissions (store/staging.h): done now, the
 * change times of the database and the blob directory would date the
 * source's visit on a seized disk. */
int sz_source_reply_delete(struct sz_request *rq)
{
	struct sz_source_app *app = rq->app;
	struct sz_store *st = app->in->store;
	struct sz_session s;
	struct sz_form form;
	struct sz_err err;
	struct sz_reply_row *rows = NULL;
	size_t n = 0;
	int rc = checked_form(rq, &s, &form);
	if (rc != SZ_OK)
		goto out;
	const struct sz_form_field *f = sz_form_get(&form, "reply");
	char *end = NULL;
	long long id = f != NULL ? strtoll(f->value, &end, 10) : 0;
	if (f == NULL || end == f->value || *end != '\0' || id <= 0) {
		rc = sz_request_fail(rq, 400, N_("There is no such reply."));
		goto out;
	}
	rc = st->ops->replies(st, s.user_id, &rows, &n, &err);
	bool mine = false;
	for (size_t i = 0; rc == SZ_OK && i < n && !mine; i++)
		mine = rows[i].id == id && !rows[i].deleted;
	if (rc == SZ_OK)
		rc = !mine ? SZ_E_NOT_FOUND : sz_staging_reply_delete(app->staging,
			s.user_id, id, &err);
	if (rc == SZ_E_NOT_FOUND) {
		rc = sz_request_fail(rq, 404, N_("This reply is gone already."));
		goto out;
	}
	if (rc != SZ_OK) {
		rc = sz_request_fail(rq, 500, N_("The reply could not be deleted. "
			"Please try again later."));
		goto out;
	}
	rc = sz_source_redirect(rq, "/source?deleted=1#replies");
out:
	if (rows != NULL)
		sodium_memzero(rows, n * sizeof(*rows));
	free(rows);
	sz_form_free(&form);
	sodium_memzero(&s, sizeof(s));
	return rc;
}

/* The replies addressed to the logged-in source (rows[0..n)), decrypted
 * in memory with the secret key its codename gave (held only in its
 * session). */
static void show_replies(struct sz_request *rq, const struct sz_lang *L,
	const struct sz_session *s, const struct sz_reply_row *rows, size_t n)
{
	struct sz_source_app *app = rq->app;
	struct sz_age_identity *id = NULL;
	struct sz_err err;
	struct sz_buf *b = &rq->page;
	size_t shown = 0;
	for (size_t i = 0; i < n; i++)
		shown += !rows[i].deleted;
	sz_buf_printf(b, "<h2 id=\"replies\">%s</h2>\n", _(L, "Replies"));
	if (shown == 0) {
		sz_buf_printf(b, "<p class=\"note\" id=\"no-replies\">%s</p>\n",
			_(L, "No replies yet. Our journalists will answer here; "
			"check back in a few days."));
		return;
	}
	if (!s->has_secret ||
	    sz_age_identity_from_key(s->secret, &id, &err) != SZ_OK)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		struct sz_buf text;
		if (rows[i].deleted)
			continue;
		sz_buf_printf(b, "<div class=\"reply\" id=\"reply-%lld\"><p "
			"class=\"note\">%s</p>", (long long)rows[i].id, rows[i].day);
		if (sz_web_open(&app->in->blobs, rows[i].blob, id,
			    REPLY_SHOW_MAX, &text, &err) == SZ_OK) {
			sz_buf_puts(b, "<p class=\"reply-text\" dir=\"auto\">");
			sz_html_escape(b, (const char *)text.data);
			sz_buf_puts(b, "</p>");
			sz_buf_free(&text);
		} else {
			sz_buf_printf(b, "<p class=\"error\">%s</p>",
				_(L, "This reply could not be read."));
		}
		sz_buf_puts(b, "<form method=\"post\" action=\"/reply/delete\" "
			"class=\"inline\">\n");
		csrf_field(b, s);
		sz_buf_printf(b, "<input type=\"hidden\" name=\"reply\" "
			"value=\"%lld\">\n<button type=\"submit\" class=\"quiet\">"
			"%s</button>\n</form>\n", (long long)rows[i].id,
			_(L, "Delete this reply"));
		sz_buf_puts(b, "</div>\n");
	}
	sz_age_identity_free(id);
}

int64_t sz_source_sent_count(struct sz_source_app *app,
	const struct sz_session *s)
{
	struct sz_store *st = app->in->store;
	struct sz_err err;
	int64_t count = 0;
	if (st->ops->source_submission_count(st, s->user_id, &count, &err) !=
	    SZ_OK)
		count = 0;
	count += sz_staging_held_submissions(app->staging, s->user_id);
	/* what another process of the face holds until its period's end
	 * is not here yet; the session remembers it */
	return count > s->sent_floor ? count : s->sent_floor;
}

int sz_source_home(struct sz_request *rq)
{
	struct sz_source_app *app = rq->app;
	struct sz_store *st = app->in->store;
	struct sz_session s;
	struct sz_err err;
	struct sz_reply_row *replies = NULL;
	size_t nreplies = 0;
	if (!sz_source_session(rq, &s) || s.user_id == 0) {
		sodium_memzero(&s, sizeof(s));
		return sz_source_redirect(rq, "/");
	}
	const struct sz_lang *L = sz_web_lang(rq);
	int64_t count = sz_source_sent_count(app, &s);
	if (st->ops->replies(st, s.user_id, &replies, &nreplies, &err) != SZ_OK)
		nreplies = 0;
	for (size_t i = 0; i < nreplies; i++)   /* deleted, until the period ends */
		if (sz_staging_reply_deleted(app->staging, s.user_id,
		    replies[i].id))
			replies[i].deleted = 1;
	const char *sent = sz_request_query(rq, "sent");
	struct sz_buf *b = &rq->page;
	sz_source_page_begin(rq, L, _(L, "Send documents"), "/source");
	/* a reply that arrived comes first, above everything else */
	size_t live = 0;
	for (size_t i = 0; i < nreplies; i++)
		live += !replies[i].deleted;
	const char *deleted = sz_request_query(rq, "deleted");
	if (deleted != NULL && strcmp(deleted, "1") == 0)
		sz_buf_printf(b, "<p class=\"ok\" id=\"reply-deleted\">%s</p>\n",
			_(L, "The reply was deleted: it is gone from this server."));
	if (live > 0) {
		sz_buf_puts(b, "<p class=\"notice\" id=\"reply-arrived\">"
			"<strong>");
		sz_buf_printf(b, NG_(L, "A reply from our journalists has "
			"arrived.", "%zu replies from our journalists have arrived.",
			live), live);
		sz_buf_printf(b, "</strong> <a href=\"#replies\">%s</a></p>\n",
			_(L, "Go to the replies"));
	}
	sz_buf_printf(b, "<h1>%s</h1>\n", _(L, "Send us documents or a message"));
	if (sent != NULL && strcmp(sent, "1") == 0) {
		unsigned minutes = sz_staging_period(app->staging) / 60;
		sz_buf_puts(b, "<p class=\"ok\" id=\"sent\">");
		sz_buf_printf(b, NG_(L, "Thank you. What you sent has been "
			"encrypted for our editors; it reaches them within %u "
			"minute, together with everything else sent in that time, "
			"so this server never records when you sent it. Come back "
			"in a few days with your codename to read any reply.",
			"Thank you. What you sent has been encrypted for our "
			"editors; it reaches them within %u minutes, together with "
			"everything else sent in that time, so this server never "
			"records when you sent it. Come back in a few days with "
			"your codename to read any reply.", minutes), minutes);
		sz_buf_puts(b, "</p>\n");
	}
	sz_buf_printf(b, "<p class=\"note\" id=\"count\">");
	sz_buf_printf(b, NG_(L, "You have sent %lld submission so far.",
		"You have sent %lld submissions so far.", (unsigned long)count),
		(long long)count);
	sz_buf_puts(b, "</p>\n");
	struct sz_recipient_row *rows = NULL;
	size_t nrcpt = 0;
	if (st->ops->recipient_list(st, &rows, &nrcpt, &err) != SZ_OK)
		nrcpt = 0;
	free(rows);
	if (nrcpt == 0)
		sz_buf_printf(b, "<p class=\"error\" id=\"not-ready\">%s</p>\n",
			_(L, "This inbox cannot receive anything yet: no editor has "
			"registered a key. Please come back later; nothing you send "
			"now could be kept."));
	sz_source_submit_form(rq, L, &s, NULL);
	show_replies(rq, L, &s, replies, nreplies);
	sz_buf_puts(b, "<form method=\"post\" action=\"/logout\" "
		"class=\"inline\">\n");
	csrf_field(b, &s);
	sz_buf_printf(b, "<button type=\"submit\" class=\"quiet\">%s</button>"
		"\n</form>\n", C_(L, "button", "Log out"));
	free(replies);
	sodium_memzero(&s, sizeof(s));
	return sz_html_end(b);
}
