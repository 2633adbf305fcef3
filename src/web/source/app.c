/*
 * app.c - the source face's state and the helpers its handlers share:
 * sessions and their cookie, pre-login tokens, the staging memory and its
 * committer (store/staging.h), and key derivation under a
 * bounded number of Argon2id slots (each costs argon2_memlimit_mb of
 * memory).  Codename attempts are charged to tokens in web/budget.c.
 */
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/i18n.h"
#include "crypto/codename.h"
#include "store/item.h"
#include "web/html.h"
#include "web/web.h"
#include "web/source/source.h"

static void sweep_sessions(void *ctx)
{
	struct sz_source_app *app = ctx;
	sz_sessions_sweep(&app->sessions);
}

/* The staging memory and its committer, on the system clock or a test's. */
static int start_staging(struct sz_source_app *app, struct sz_err *err)
{
	const struct sz_config *cfg = &app->in->cfg;
	const char *test = getenv(SZ_CLOCK_TEST_ENV);
	sz_clock_system(&app->clock);
	if (test != NULL && test[0] != '\0') {
		int rc = sz_clock_open_test(&app->clock, test, err);
		if (rc != SZ_OK)
			return rc;
		fprintf(stderr, "samizdat serve: periods follow the test clock "
			"in %s (%s: for tests only)\n", test, SZ_CLOCK_TEST_ENV);
	}
	uint64_t cap = cfg->staging_mb << 20;
	uint64_t largest = sz_item_ciphertext_bound(cfg->max_submission_mb << 20,
		1) + (cfg->max_files + 1) * sz_item_ciphertext_bound(0, 1);
	if (largest > cap)
		fprintf(stderr, "samizdat serve: staging_mb (%llu) cannot hold a "
			"submission of max_submission_mb (%llu): sources will be "
			"told to send large submissions in parts\n",
			(unsigned long long)cfg->staging_mb,
			(unsigned long long)cfg->max_submission_mb);
	int rc = sz_staging_new(&app->staging, app->in->store, &app->in->blobs,
		&app->clock, (unsigned)cfg->time_resolution_min * 60, cap, err);
	if (rc == SZ_OK)
		rc = sz_committer_start(&app->committer, app->staging,
			sweep_sessions, app, err);
	return rc;
}

int sz_source_app_init(struct sz_source_app *app, struct sz_instance *in,
	const struct sz_brand *brand, struct sz_err *err)
{
	memset(app, 0, sizeof(*app));
	app->in = in;
	sz_clock_system(&app->clock);
	int rc = sz_sessions_init(&app->sessions, in->cfg.max_sessions,
		(unsigned)in->cfg.session_idle_min * 60, err);
	if (rc != SZ_OK)
		return rc;
	/* Only logged-in sources have sessions: when the table is full the
	 * one idle longest goes, so logging in never stops working. */
	app->sessions.evict_logged_in = true;
	/* Sized for the most tokens the per-minute limit lets in over a
	 * token's life: none is forgotten early. */
	rc = sz_budget_init(&app->budget, (size_t)in->cfg.login_tokens_per_min *
		(SZ_WEB_PRE_TOKEN_MIN + 1), in->cfg.login_tokens_per_min,
		in->cfg.login_attempts_per_token,
		(time_t)SZ_WEB_PRE_TOKEN_MIN * 60 + 60, err);
	if (rc == SZ_OK)
		rc = sz_source_quota_init(&app->quota, in->cfg.max_sessions, err);
	app->seal_key = sodium_malloc(crypto_secretbox_KEYBYTES);
	if (rc == SZ_OK && app->seal_key == NULL)
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	if (rc != SZ_OK) {
		sz_source_quota_free(&app->quota);
		sz_budget_free(&app->budget);
		sz_sessions_free(&app->sessions);
		if (app->seal_key != NULL)
			sodium_free(app->seal_key);
		return rc;
	}
	crypto_secretbox_keygen(app->seal_key);
	sem_init(&app->argon2_slots, 0, SZ_SOURCE_ARGON2_SLOTS);
	app->brand = *brand;
	rc = start_staging(app, err);
	if (rc != SZ_OK)
		sz_source_app_free(app);
	return rc;
}

void sz_source_app_store_held(struct sz_source_app *app)
{
	struct sz_err err;
	size_t n = 0;
	if (app->staging != NULL &&
	    sz_staging_store(app->staging, (time_t)LLONG_MAX, &n, &err) != SZ_OK)
		fprintf(stderr, "samizdat serve: could not store the submissions "
			"held in memory (tried again when the face ends): %s\n",
			err.msg);
}

void sz_source_app_free(struct sz_source_app *app)
{
	sz_committer_stop(app->committer);   /* stores what is held */
	app->committer = NULL;
	sz_staging_free(app->staging);
	app->staging = NULL;
	sz_clock_close(&app->clock);
	sz_sessions_free(&app->sessions);
	sz_budget_free(&app->budget);
	sz_source_quota_free(&app->quota);
	sodium_free(app->seal_key);
	sem_destroy(&app->argon2_slots);
}

int sz_source_page_begin(struct sz_request *rq, const struct sz_lang *L,
	const char *title, const char *back)
{
	struct sz_source_app *app = rq->app;
	char here[SZ_PAGES_LINK_BASE];
	sz_web_switch_url(rq, back, here, sizeof(here));
	struct sz_html_frame f = { .site = app->brand.name, .title = title,
		.lang = L, .logo = app->brand.logo_url, .switch_to = here };
	return sz_html_frame_open(&rq->page, &f);
}

int sz_source_logo(struct sz_request *rq)
{
	struct sz_source_app *app = rq->app;
	return sz_brand_logo(rq, &app->brand);
}

void sz_source_error_page(struct sz_request *rq, unsigned status,
	const char *message)
{
	struct sz_session s;
	const struct sz_lang *L = sz_web_lang(rq);
	bool in = sz_source_session(rq, &s) && s.user_id != 0;
	sodium_memzero(&s, sizeof(s));
	/* where the source was: their page, or the page that holds the form
	 * that failed */
	const char *back = in ? "/source" : rq->route != NULL &&
		strcmp(rq->route->path, "/new") == 0 ? "/new" : "/";
	const char *back_label = in ? _(L, "Back to your page") :
		strcmp(back, "/new") == 0 ? _(L, "Get a new codename") :
		_(L, "Back to the start page");
	rq->page.len = 0;
	sz_web_error_frame(rq, L, status, message, back, back_label,
		sz_source_page_begin);
}

bool sz_source_session(struct sz_request *rq, struct sz_session *s)
{
	struct sz_source_app *app = rq->app;
	return sz_web_session(rq, &app->sessions, SZ_SOURCE_COOKIE, s);
}

void sz_source_set_cookie(struct sz_request *rq, const struct sz_session *s)
{
	sz_web_set_session_cookie(rq, SZ_SOURCE_COOKIE, s);
}

int sz_source_redirect(struct sz_request *rq, const char *path)
{
	rq->status = 303;
	snprintf(rq->location, sizeof(rq->location), "%s", path);
	return sz_buf_puts(&rq->page, "");
}

void sz_source_pre_token(struct sz_request *rq,
	char out[SZ_SESSION_TOKEN_LEN + 1])
{
	struct sz_source_app *app = rq->app;
	sz_web_pre_token(rq, sz_instance_hash_key(app->in), SZ_SOURCE_PRE_COOKIE,
		out);
}

void sz_source_budget_key(const uint8_t nonce[SZ_WEB_PRE_NONCE],
	uint8_t key[SZ_BUDGET_KEY])
{
	memset(key, 0, SZ_BUDGET_KEY);
	memcpy(key, nonce, SZ_WEB_PRE_NONCE);
}

bool sz_source_pre_token_ok(struct sz_request *rq, const char *token,
	uint8_t nonce[SZ_WEB_PRE_NONCE])
{
	struct sz_source_app *app = rq->app;
	return sz_web_pre_token_check(rq, sz_instance_hash_key(app->in),
		SZ_SOURCE_PRE_COOKIE, token, nonce);
}

int sz_source_derive(struct sz_source_app *app, const char *typed,
	size_t len, void *keys)
{
	char norm[SZ_CODENAME_MAX + 1];
	if (sz_codename_normalize(typed, len, norm, sizeof(norm)) != SZ_OK)
		snprintf(norm, sizeof(norm), "%s", "not a codename");
	if (!sz_web_slot_take(&app->argon2_slots)) {
		sodium_memzero(norm, sizeof(norm));
		return SZ_E_LIMIT;
	}
	int rc = sz_codename_derive(norm, sz_instance_salt(app->in),
		sz_instance_hash_key(app->in), app->in->cfg.argon2_opslimit,
		(size_t)app->in->cfg.argon2_memlimit_mb << 20, keys);
	sem_post(&app->argon2_slots);
	sodium_memzero(norm, sizeof(norm));
	return rc;
}

