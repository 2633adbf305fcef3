/*
 * app.c - the source face's state and the helpers its handlers share:
 * sessions and their cookie, the global budget of codename attempts, and
 * key derivation under a bounded number of Argon2id slots (each costs
 * argon2_memlimit_mb of memory).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/codename.h"
#include "store/item.h"
#include "web/html.h"
#include "web/web.h"
#include "web/source/source.h"

static time_t now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void sweep_sessions(void *ctx)
{
	struct sz_source_app *app = ctx;
	sz_sessions_sweep(&app->sessions);
}

/* The staging memory and its committer, on the system clock or a test's. */
static int start_staging(struct sz_source_app *app, struct sz_err *err)
{
	const struct sz_config *cfg = &app->in->cfg;
	const char *test = getenv("SAMIZDAT_TEST_CLOCK");
	sz_clock_system(&app->clock);
	if (test != NULL && test[0] != '\0') {
		int rc = sz_clock_open_test(&app->clock, test, err);
		if (rc != SZ_OK)
			return rc;
		fprintf(stderr, "samizdat serve: periods follow the test clock "
			"in %s (SAMIZDAT_TEST_CLOCK: for tests only)\n", test);
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
	struct sz_err *err)
{
	memset(app, 0, sizeof(*app));
	app->in = in;
	sz_clock_system(&app->clock);
	int rc = sz_sessions_init(&app->sessions, in->cfg.max_sessions,
		(unsigned)in->cfg.session_idle_min * 60, err);
	if (rc != SZ_OK)
		return rc;
	pthread_mutex_init(&app->attempts_mu, NULL);
	sem_init(&app->argon2_slots, 0, SZ_SOURCE_ARGON2_SLOTS);
	rc = start_staging(app, err);
	if (rc != SZ_OK)
		sz_source_app_free(app);
	return rc;
}

void sz_source_app_free(struct sz_source_app *app)
{
	sz_committer_stop(app->committer);   /* stores what is held */
	app->committer = NULL;
	sz_staging_free(app->staging);
	app->staging = NULL;
	sz_clock_close(&app->clock);
	sz_sessions_free(&app->sessions);
	pthread_mutex_destroy(&app->attempts_mu);
	sem_destroy(&app->argon2_slots);
}

void sz_source_error_page(struct sz_request *rq, unsigned status,
	const char *message)
{
	sz_web_error_page(rq, SZ_SOURCE_SITE, status, message);
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

void sz_source_pre_token(struct sz_request *rq,
	char out[SZ_SESSION_TOKEN_LEN + 1])
{
	struct sz_source_app *app = rq->app;
	sz_web_pre_token(rq, sz_instance_hash_key(app->in), SZ_SOURCE_PRE_COOKIE,
		out);
}

bool sz_source_pre_token_ok(struct sz_request *rq, const char *token)
{
	struct sz_source_app *app = rq->app;
	return sz_web_pre_token_ok(rq, sz_instance_hash_key(app->in),
		SZ_SOURCE_PRE_COOKIE, token);
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

