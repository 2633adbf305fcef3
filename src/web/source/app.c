/*
 * app.c - the source face's state and the helpers its handlers share:
 * sessions and their cookie, the global budget of codename attempts, and
 * key derivation under a bounded number of Argon2id slots (each costs
 * argon2_memlimit_mb of memory).
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "crypto/codename.h"
#include "web/html.h"
#include "web/source/source.h"

static time_t now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

int sz_source_app_init(struct sz_source_app *app, struct sz_instance *in,
	struct sz_err *err)
{
	memset(app, 0, sizeof(*app));
	app->in = in;
	int rc = sz_sessions_init(&app->sessions, in->cfg.max_sessions,
		(unsigned)in->cfg.session_idle_min * 60, err);
	if (rc != SZ_OK)
		return rc;
	pthread_mutex_init(&app->attempts_mu, NULL);
	sem_init(&app->argon2_slots, 0, SZ_SOURCE_ARGON2_SLOTS);
	return SZ_OK;
}

void sz_source_app_free(struct sz_source_app *app)
{
	sz_sessions_free(&app->sessions);
	pthread_mutex_destroy(&app->attempts_mu);
	sem_destroy(&app->argon2_slots);
}

void sz_source_error_page(struct sz_request *rq, unsigned status,
	const char *message)
{
	char title[64];
	snprintf(title, sizeof(title), "%s",
		status == 404 ? "Page not found" :
		status == 403 ? "Not allowed" :
		status == 413 ? "Too large" :
		status == 429 ? "Please wait" :
		status >= 500 ? "Server problem" : "Something is wrong");
	sz_html_begin(&rq->page, SZ_SOURCE_SITE, title);
	sz_buf_printf(&rq->page, "<h1>%s</h1>\n<p class=\"error\">", title);
	sz_html_escape(&rq->page, message);
	sz_buf_puts(&rq->page, "</p>\n<p><a href=\"/\">Back to the start "
		"page</a></p>\n");
	sz_html_end(&rq->page);
}

bool sz_source_session(struct sz_request *rq, struct sz_session *s)
{
	struct sz_source_app *app = rq->app;
	char cookie[SZ_SESSION_TOKEN_LEN + 2];
	if (!sz_request_cookie(rq, SZ_SOURCE_COOKIE, cookie, sizeof(cookie)))
		return false;
	return sz_session_get(&app->sessions, cookie, s);
}

void sz_source_set_cookie(struct sz_request *rq, const struct sz_session *s)
{
	char v[SZ_SESSION_TOKEN_LEN + 1];
	sz_session_cookie(s, v);
	/* No Secure flag: onion services are plain HTTP, and Tor provides
	 * the encryption.  No Max-Age: gone when the browser closes. */
	snprintf(rq->set_cookie, sizeof(rq->set_cookie),
		"%s=%s; Path=/; HttpOnly; SameSite=Strict", SZ_SOURCE_COOKIE, v);
}

int sz_source_session_or_new(struct sz_request *rq, struct sz_session *s)
{
	struct sz_source_app *app = rq->app;
	if (sz_source_session(rq, s))
		return SZ_OK;
	struct sz_err err;
	int rc = sz_session_new(&app->sessions, s, &err);
	if (rc == SZ_OK)
		sz_source_set_cookie(rq, s);
	else
		sz_request_fail(rq, 503, "The server is busy. Please try again "
			"in a few minutes.");
	return rc;
}

int sz_source_redirect(struct sz_request *rq, const char *path)
{
	rq->status = 303;
	snprintf(rq->location, sizeof(rq->location), "%s", path);
	return sz_buf_puts(&rq->page, "");
}

static void pre_mac(struct sz_source_app *app, const uint8_t nonce[16],
	uint8_t mac[16])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, sz_instance_hash_key(app->in), 32, 16);
	crypto_generichash_update(&st, (const uint8_t *)"sz-pre-csrf", 11);
	crypto_generichash_update(&st, nonce, 16);
	crypto_generichash_final(&st, mac, 16);
}

void sz_source_pre_token(struct sz_request *rq,
	char out[SZ_SESSION_TOKEN_LEN + 1])
{
	uint8_t raw[32];
	randombytes_buf(raw, 16);
	pre_mac(rq->app, raw, raw + 16);
	sodium_bin2base64(out, SZ_SESSION_TOKEN_LEN + 1, raw, sizeof(raw),
		sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(rq->set_cookie, sizeof(rq->set_cookie),
		"%s=%s; Path=/; HttpOnly; SameSite=Strict",
		SZ_SOURCE_PRE_COOKIE, out);
}

bool sz_source_pre_token_ok(struct sz_request *rq, const char *token)
{
	char cookie[SZ_SESSION_TOKEN_LEN + 2];
	uint8_t raw[32], mac[16];
	size_t len = 0;
	if (token == NULL || strlen(token) != SZ_SESSION_TOKEN_LEN ||
	    !sz_request_cookie(rq, SZ_SOURCE_PRE_COOKIE, cookie,
		    sizeof(cookie)) ||
	    sodium_memcmp(cookie, token, SZ_SESSION_TOKEN_LEN) != 0 ||
	    sodium_base642bin(raw, sizeof(raw), token, SZ_SESSION_TOKEN_LEN,
		    NULL, &len, NULL,
		    sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len != sizeof(raw))
		return false;
	pre_mac(rq->app, raw, mac);
	return sodium_memcmp(mac, raw + 16, sizeof(mac)) == 0;
}

bool sz_source_attempt(struct sz_source_app *app)
{
	bool ok;
	time_t now = now_s();
	pthread_mutex_lock(&app->attempts_mu);
	if (now - app->attempts_window >= 60) {
		app->attempts_window = now;
		app->attempts = 0;
	}
	ok = app->attempts < app->in->cfg.login_attempts_per_min;
	if (ok)
		app->attempts++;
	pthread_mutex_unlock(&app->attempts_mu);
	return ok;
}

int sz_source_derive(struct sz_source_app *app, const char *typed,
	size_t len, void *keys)
{
	char norm[SZ_CODENAME_MAX + 1];
	if (sz_codename_normalize(typed, len, norm, sizeof(norm)) != SZ_OK)
		snprintf(norm, sizeof(norm), "%s", "not a codename");
	sem_wait(&app->argon2_slots);
	int rc = sz_codename_derive(norm, sz_instance_salt(app->in),
		sz_instance_hash_key(app->in), app->in->cfg.argon2_opslimit,
		(size_t)app->in->cfg.argon2_memlimit_mb << 20, keys);
	sem_post(&app->argon2_slots);
	sodium_memzero(norm, sizeof(norm));
	return rc;
}

int sz_source_style(struct sz_request *rq)
{
	static const char css[] =
		":root{--fg:#1d1d1f;--bg:#fbfbf8;--muted:#5b5b60;--accent:#7a1f1f;"
		"--line:#d8d6cf}\n"
		"*{box-sizing:border-box}\n"
		"body{margin:0;font:17px/1.55 Georgia,'DejaVu Serif',serif;"
		"color:var(--fg);background:var(--bg)}\n"
		"header{border-bottom:1px solid var(--line);padding:.8rem 1rem}\n"
		"header .site{font:bold 1.1rem/1 system-ui,sans-serif;"
		"color:var(--accent);text-decoration:none;letter-spacing:.05em}\n"
		"main{max-width:42rem;margin:0 auto;padding:1rem 1rem 4rem}\n"
		"h1{font-size:1.7rem;line-height:1.2;margin:1.2rem 0 .6rem}\n"
		"h2{font-size:1.2rem;margin:2rem 0 .4rem}\n"
		"a{color:var(--accent)}\n"
		".ways{display:flex;flex-wrap:wrap;gap:1rem;margin:1.5rem 0}\n"
		".way{flex:1 1 16rem;border:1px solid var(--line);padding:1rem;"
		"background:#fff}\n"
		".way h2{margin-top:0}\n"
		"label{display:block;font:600 .95rem system-ui,sans-serif;"
		"margin:.8rem 0 .3rem}\n"
		"input[type=text],input[type=password],textarea{width:100%;"
		"font:1rem/1.4 system-ui,sans-serif;padding:.5rem;"
		"border:1px solid #aaa;background:#fff}\n"
		"textarea{min-height:10rem}\n"
		"input[type=file]{display:block;margin:.3rem 0}\n"
		"button,.button{display:inline-block;margin-top:.8rem;"
		"font:600 1rem system-ui,sans-serif;padding:.6rem 1.2rem;"
		"border:0;background:var(--accent);color:#fff;cursor:pointer;"
		"text-decoration:none}\n"
		"button.quiet{background:#555}\n"
		".codename{font:600 1.35rem/1.6 'DejaVu Sans Mono',monospace;"
		"background:#fff;border:2px dashed var(--accent);padding:1rem;"
		"word-spacing:.3em}\n"
		".note{color:var(--muted);font-size:.95rem}\n"
		".error{color:#8b0000;font-weight:600}\n"
		".ok{border-left:4px solid #2e6b2e;padding:.4rem .8rem;"
		"background:#eef6ee}\n"
		"ul.tips li{margin:.3rem 0}\n"
		"form.inline{display:inline}\n";
	rq->content_type = "text/css; charset=utf-8";
	return sz_buf_append(&rq->page, css, sizeof(css) - 1);
}
