/*
 * faces.c - the face table and one face's life in its process: open what
 * its row lists, lock in, serve, stop (faces.h).  Order matters and is
 * kept in one place, sz_face_open: root is given up before anything is
 * opened (files made belong to the instance's user), the document runner
 * is forked before anything of the instance is in memory, the lock-in
 * comes after every file the face will write is open or exists, and
 * before the first thread; what it only reads is opened after the lock-in,
 * so no descriptor keeps a write access the lock-in took away.
 *
 * It prints where it listens and nothing about any request.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/faces.h"
#include "core/i18n.h"
#include "core/clock.h"
#include "http/session_key.h"
#include "store/postgres.h"
#include "store/sessions.h"

#define RETENTION_INTERVAL_S 3600
/* How long a stop waits for requests in flight: well under systemd's
 * TimeoutStopSec (2 min in debian/samizdat.service), so the face ends
 * on its own, with everything held stored, before it would be killed. */
#define STOP_GRACE_S 60

static int source_init(struct sz_face_run *r, struct sz_err *err)
{
	return sz_source_app_init(&r->app.source, &r->in, &r->brand, err);
}

static void source_free(struct sz_face_run *r)
{
	sz_source_app_free(&r->app.source);
}

/* What sources were told is kept is stored at once: a request still in
 * flight (a slow upload) must not hold it in memory until a service
 * manager's kill. */
static void source_stopping(struct sz_face_run *r)
{
	sz_source_app_store_held(&r->app.source);
}

static int editor_init(struct sz_face_run *r, struct sz_err *err)
{
	return sz_editor_app_init(&r->app.editor, &r->in, &r->runner, err);
}

static void editor_free(struct sz_face_run *r)
{
	sz_editor_app_free(&r->app.editor);
}

static int public_init(struct sz_face_run *r, struct sz_err *err)
{
	return sz_public_app_init(&r->app.pub, &r->in, &r->brand, err);
}

static void public_free(struct sz_face_run *r)
{
	sz_public_app_free(&r->app.pub);
}

static const struct sz_face faces[] = {
	{
		.name = "source", .process = "samizdat-source",
		.opens = SZ_PART_SECRETS | SZ_PART_INBOX | SZ_PART_BLOBS,
		.listen = offsetof(struct sz_config, listen_source),
		.init = source_init, .free = source_free,
		.stopping = source_stopping,
		.routes = sz_source_routes, .error_page = sz_source_error_page,
		.syscalls = SZ_SYSCALLS_FACE,
		.chores = SZ_FACE_SWEEP | SZ_FACE_RETENTION | SZ_FACE_SPEAKS |
			SZ_FACE_PERIODS,
	},
	{
		.name = "editor", .process = "samizdat-editor",
		.opens = SZ_PART_SECRETS | SZ_PART_INBOX | SZ_PART_BLOBS |
			SZ_PART_ARCHIVE | SZ_PART_FORUM,
		.listen = offsetof(struct sz_config, listen_editor),
		.init = editor_init, .free = editor_free,
		.routes = sz_editor_routes, .error_page = sz_editor_error_page,
		.syscalls = SZ_SYSCALLS_FACE,
		.chores = SZ_FACE_RUNNER,
	},
	{
		.name = "public", .process = "samizdat-public",
		.opens = SZ_PART_ARCHIVE_RO | SZ_PART_FORUM,
		.listen = offsetof(struct sz_config, listen_public),
		.init = public_init, .free = public_free,
		.routes = sz_public_routes, .error_page = sz_public_error_page,
		.syscalls = SZ_SYSCALLS_FACE,
		.reads = SZ_FORUM_FLAGS_DIR,    /* members' country flags */
		.chores = SZ_FACE_SPEAKS,
	},
};

const struct sz_face *sz_faces(size_t *n)
{
	*n = sizeof(faces) / sizeof(faces[0]);
	return faces;
}

const struct sz_face *sz_face_find(const char *name)
{
	for (size_t i = 0; i < sizeof(faces) / sizeof(faces[0]); i++)
		if (strcmp(faces[i].name, name) == 0)
			return &faces[i];
	return NULL;
}

const char *sz_face_listen(const struct sz_face *face,
	const struct sz_config *cfg)
{
	return (const char *)cfg + face->listen;
}

/* Incomplete uploads and blobs without a row, left by a crash. */
static int sweep(struct sz_face_run *r, struct sz_err *err)
{
	size_t swept = 0;
	int rc = sz_blobs_sweep(&r->in.blobs, r->in.store, &swept, err);
	if (rc == SZ_OK && swept > 0)
		fprintf(stderr, "samizdat serve: removed %zu incomplete upload "
			"file%s left by an earlier stop\n", swept,
			swept == 1 ? "" : "s");
	return rc;
}

/* A test clock (core/clock.h; tests only) is a file outside the
 * instance: the face reads it once locked in, and writes the file beside
 * it that says what has been stored, made here while it still can be. */
static int allow_test_clock(struct sz_sandbox *sb, struct sz_err *err)
{
	const char *path = getenv(SZ_CLOCK_TEST_ENV);
	char done[SZ_SANDBOX_PATH_MAX];
	if (path == NULL || path[0] == '\0')
		return SZ_OK;
	snprintf(done, sizeof(done), "%s%s", path, SZ_CLOCK_DONE_SUFFIX);
	int fd = open(done, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return sz_err_set(err, SZ_E_IO, "cannot create %s: %s", done,
			strerror(errno));
	close(fd);
	int rc = sz_sandbox_allow(sb, path, SZ_SB_READ, err);
	if (rc == SZ_OK)
		rc = sz_sandbox_allow(sb, done, SZ_SB_READ | SZ_SB_WRITE, err);
	return rc;
}

/* The face's session table, the database its sessions may live in (NULL
 * for SQLite) and its kind; false for a face without sessions. */
static bool sessions_of(struct sz_face_run *r, struct sz_sessions **t,
	const char **conninfo, int *kind)
{
	const struct sz_config *cfg = &r->in.cfg;
	if (r->face->init == source_init || r->face->init == editor_init) {
		*t = r->face->init == source_init ? &r->app.source.sessions :
			&r->app.editor.sessions;
		*kind = r->face->init == source_init ? SZ_SESSION_KIND_SOURCE :
			SZ_SESSION_KIND_EDITOR;
		*conninfo = sz_config_postgres_inbox(cfg) ?
			cfg->inbox_database : NULL;
		return true;
	}
	if (r->face->init == public_init) {
		*t = &r->app.pub.sessions;
		*kind = SZ_SESSION_KIND_FORUM;
		*conninfo = sz_config_postgres(cfg) ? cfg->database : NULL;
		return true;
	}
	return false;
}

/* Reads session_key_file (before the lock-in), for a face with
 * sessions on PostgreSQL. */
static int read_session_key(struct sz_face_run *r, struct sz_err *err)
{
	struct sz_sessions *t;
	const char *conninfo;
	int kind;
	if (!sessions_of(r, &t, &conninfo, &kind) || conninfo == NULL)
		return SZ_OK;
	if (r->in.cfg.session_key_file[0] == '\0') {
		fprintf(stderr, "samizdat serve: the %s face keeps its sessions "
			"in this process (no session_key_file): behind a load "
			"balancer, keep each visitor on one process\n",
			r->face->name);
		return SZ_OK;
	}
	int rc = sz_session_key_load(r->in.cfg.session_key_file,
		&r->session_key, err);
	if (rc != SZ_OK)
		return rc;
	/* Each face keeps only a key of its own, derived from the file's
	 * (the same in every process of that face): the public face, the
	 * most exposed one, must not hold what unseals the source face's
	 * sessions (a logged-in source's secret key, a codename being
	 * shown) or signs its forms. */
	uint8_t own[SZ_SESSION_KEY_SIZE];
	sz_session_key_derive(r->session_key, r->face->name, own, sizeof(own));
	memcpy(r->session_key, own, sizeof(own));
	sodium_memzero(own, sizeof(own));
	return SZ_OK;
}

/* The source face's codename budget, counted in the database for every
 * process of the face; a database out of reach makes the attempt wait
 * (and the face answer 503). */
static enum sz_budget_charge shared_charge(void *ctx,
	const uint8_t key[SZ_BUDGET_KEY], uint64_t per_key, uint64_t per_min,
	time_t life_s)
{
	struct sz_err err;
	int out = 0;
	if (sz_session_store_charge(ctx, key, per_key, per_min,
		    (int64_t)life_s, &out, &err) != SZ_OK)
		return SZ_CHARGE_BUSY;
	return out == 0 ? SZ_CHARGE_OK : out == 1 ? SZ_CHARGE_SPENT :
		SZ_CHARGE_BUSY;
}

static void shared_refund(void *ctx, const uint8_t key[SZ_BUDGET_KEY])
{
	struct sz_err err;
	(void)sz_session_store_refund(ctx, key, &err);
}

/* The forum's use budgets (posts, likes, reports, registrations), counted
 * in the database for every public process; a database out of reach
 * refuses the use for now (the forum answers "busy"). */
static enum sz_budget_charge shared_spend(void *ctx, int what,
	const uint8_t key[SZ_BUDGET_KEY], time_t window_s, uint64_t max)
{
	struct sz_err err;
	int out = 1;
	if (sz_session_store_spend(ctx, what, key, (int64_t)window_s, max,
		    &out, &err) != SZ_OK)
		return SZ_CHARGE_BUSY;
	return out == 0 ? SZ_CHARGE_OK : SZ_CHARGE_SPENT;
}

/* Moves the face's sessions (and the source face's codename budget, the
 * forum's login token, daily post, like, report and hourly registration
 * budgets) into the
 * database, sealed under the session key, and makes the keys its forms
 * are sealed and signed with the ones every process of the face derives
 * from it. */
static int share_sessions(struct sz_face_run *r, struct sz_err *err)
{
	struct sz_sessions *t;
	const char *conninfo;
	int kind;
	if (r->session_key == NULL || !sessions_of(r, &t, &conninfo, &kind))
		return SZ_OK;
	int rc = sz_session_store_open_postgres(&r->session_store, conninfo,
		kind, r->session_key, err);
	if (rc != SZ_OK)
		return rc;
	sz_sessions_use_store(t, r->session_store);
	r->budget_store = (struct sz_budget_store){ .charge = shared_charge,
		.refund = shared_refund, .spend = shared_spend,
		.ctx = r->session_store };
	if (kind == SZ_SESSION_KIND_SOURCE) {
		sz_session_key_derive(r->session_key, "codename",
			r->app.source.seal_key, crypto_secretbox_KEYBYTES);
		r->app.source.budget.store = &r->budget_store;
	} else if (kind == SZ_SESSION_KIND_FORUM) {
		sz_session_key_derive(r->session_key, "pre-csrf",
			r->app.pub.pre_key, sizeof(r->app.pub.pre_key));
		sz_forum_slots_share(r->app.pub.slots, &r->budget_store);
	}
	return SZ_OK;
}

/* A face that does not open the inbox, locked in, tries to log in to
 * the inbox's PostgreSQL database: if it can, a bug in it reaches every
 * submission's record whatever the sandbox says (one operating-system
 * user for every face, so peer authentication, trust, or one password
 * file for both roles let it in).  Said at every start, on the journal;
 * docs/operations.md ("PostgreSQL") says how to close it.  Only where
 * the face's own database is PostgreSQL too: otherwise its sandbox
 * keeps no connection to allow. */
static void warn_inbox_reach(const struct sz_face_run *r)
{
	const struct sz_config *cfg = &r->in.cfg;
	char role[64];
	if ((r->face->opens & SZ_PART_INBOX) || !sz_config_postgres_inbox(cfg) ||
	    !sz_config_postgres(cfg) ||
	    !sz_pg_logs_in(cfg->inbox_database, role, sizeof(role)))
		return;
	fprintf(stderr, "samizdat serve: WARNING: the %s face, locked in, "
		"can log in to the inbox's database (inbox_database, as role "
		"\"%s\"): a bug in it would reach every source's record. Give "
		"the inbox's role a password in a file only inbox_database names "
		"(passfile=), require it in pg_hba.conf (scram-sha-256, no peer "
		"or trust for that role), as docs/operations.md says under "
		"\"PostgreSQL\".\n", r->face->name, role);
}

int sz_face_open(struct sz_face_run *r, const struct sz_face *face,
	const char *dir, bool serving, struct sz_err *err)
{
	struct sz_config cfg;
	memset(r, 0, sizeof(*r));
	r->face = face;
	int rc = sz_config_load(&cfg, dir, err);
	if (rc == SZ_OK)
		rc = sz_sandbox_drop_root(cfg.user, dir, err);
	if (rc != SZ_OK)
		return rc;
	sz_sandbox_no_dumps();
	prctl(PR_SET_NAME, face->process);
	/* The runner's rules name the archive's files: they must exist. */
	if (serving && (face->chores & SZ_FACE_RUNNER)) {
		struct sz_child_limits limits;
		sz_child_limits_of(&cfg, &limits);
		rc = sz_archive_prepare(dir, err);
		if (rc == SZ_OK)
			rc = sz_doc_runner_start(&r->runner, dir, &limits, err);
		if (rc != SZ_OK)
			return rc;
		r->runner_started = true;
	}
	rc = sz_instance_open_parts(&r->in, dir, face->opens, err);
	if (rc != SZ_OK)
		return rc;
	r->in_open = true;
	if (serving && (face->chores & SZ_FACE_SWEEP))
		rc = sweep(r, err);
	if (rc != SZ_OK)
		return rc;
	/* The catalogues and the logo are read (the logo scrubbed by
	 * samizdat-doc) while their paths are still reachable. */
	if (face->chores & SZ_FACE_SPEAKS) {
		rc = sz_i18n_load(r->in.cfg.languages, err);
		if (rc == SZ_OK) {
			r->speaks = true;
			rc = sz_brand_load(&r->brand, &r->in.cfg, err);
		}
		if (rc != SZ_OK)
			return rc;
	}
	if (serving) {
		rc = read_session_key(r, err);
		if (rc != SZ_OK)
			return rc;
	}
	char name[64];
	snprintf(name, sizeof(name), "the %s face", face->name);
	struct sz_sandbox sb;
	sz_sandbox_init(&sb, name, face->syscalls);
	rc = sz_instance_confine(&r->in, &sb, err);
	if (rc == SZ_OK && serving && (face->chores & SZ_FACE_PERIODS))
		rc = allow_test_clock(&sb, err);
	if (rc == SZ_OK && face->reads != NULL)
		rc = sz_sandbox_allow(&sb, face->reads, SZ_SB_READ |
			SZ_SB_OPTIONAL, err);
	if (rc == SZ_OK)
		rc = sz_sandbox_apply(&sb, err);
	sz_sandbox_free(&sb);
	if (rc == SZ_OK && serving)
		warn_inbox_reach(r);
	/* Locked in: what is read-only is opened now, and read-only. */
	if (rc == SZ_OK)
		rc = sz_instance_open_readers(&r->in, err);
	if (rc == SZ_OK)
		rc = face->init(r, err);
	if (rc == SZ_OK)
		r->app_ready = true;
	if (rc == SZ_OK)
		rc = share_sessions(r, err);
	return rc;
}

void sz_face_close(struct sz_face_run *r)
{
	if (r->app_ready)
		r->face->free(r);
	r->app_ready = false;
	sz_session_store_close(r->session_store);
	r->session_store = NULL;
	sz_session_key_free(r->session_key);
	r->session_key = NULL;
	if (r->in_open)
		sz_instance_close(&r->in);
	r->in_open = false;
	if (r->runner_started)
		sz_doc_runner_stop(&r->runner);
	r->runner_started = false;
	if (r->speaks) {
		sz_brand_free(&r->brand);
		sz_i18n_unload();
	}
	r->speaks = false;
}

/* Deletes what is past retention_days, saying only how much: nothing
 * about whose it was or when it came. */
static void retention(struct sz_instance *in)
{
	struct sz_err err;
	size_t subs = 0, files = 0;
	if (sz_instance_purge(in, 0, &subs, &files, &err) != SZ_OK)
		fprintf(stderr, "samizdat serve: retention: %s\n", err.msg);
	else if (subs > 0) {
		char detail[96];
		snprintf(detail, sizeof(detail), "%zu submissions older than "
			"%llu days", subs,
			(unsigned long long)in->cfg.retention_days);
		in->store->ops->audit_add(in->store, "server", "retention",
			detail, NULL);
		fprintf(stderr, "samizdat serve: retention: deleted %zu "
			"submission%s (%zu file%s) older than %llu days\n", subs,
			subs == 1 ? "" : "s", files, files == 1 ? "" : "s",
			(unsigned long long)in->cfg.retention_days);
	}
}

/* "NAME face: http://HOST:PORT/" on stdout, or to the supervisor. */
static void announce(const struct sz_face *face, const char *addr,
	unsigned port, int ready_fd)
{
	char host[SZ_CONFIG_ADDR_SIZE], line[SZ_CONFIG_ADDR_SIZE + 64];
	snprintf(host, sizeof(host), "%s", addr);
	char *colon = strrchr(host, ':');
	if (colon)
		*colon = '\0';
	int n = snprintf(line, sizeof(line), "%s face: http://%s:%u/\n",
		face->name, host, port);
	if (ready_fd < 0) {
		fputs(line, stdout);
		fflush(stdout);
	} else {
		if (write(ready_fd, line, (size_t)n) != n)
			fprintf(stderr, "samizdat serve: cannot tell the "
				"supervisor that the %s face is up\n", face->name);
		close(ready_fd);
	}
}

int sz_face_serve(const struct sz_face *face, const char *dir,
	int listen_fd, const char *listen_addr, int ready_fd)
{
	/* Signals are taken by sigtimedwait below, in this thread only:
	 * blocked before any thread starts, so every thread inherits it. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct sz_face_run r;
	struct sz_http_server *srv = NULL;
	struct sz_err err;
	int status = SZ_EXIT_FAIL;
	if (sz_face_open(&r, face, dir, true, &err) != SZ_OK) {
		close(listen_fd);
		cli_fail("serve", "the %s face: %s", face->name, err.msg);
		goto out;
	}
	const struct sz_config *cfg = &r.in.cfg;
	struct sz_http_limits limits = {
		.max_connections = (unsigned)cfg->max_connections,
		.idle_timeout_s = (unsigned)cfg->idle_timeout_s,
		.header_timeout_s = (unsigned)cfg->header_timeout_s,
		.request_timeout_s = (unsigned)cfg->request_timeout_s,
		.max_header_bytes = (size_t)cfg->max_header_kb * 1024,
		.max_body = cfg->max_submission_mb << 20,
	};
	size_t nroutes;
	const struct sz_route *routes = face->routes(&nroutes);
	if (sz_http_start_fd(&srv, listen_fd, routes, nroutes, &limits,
	    face->error_page, &r.app, &err) != SZ_OK) {
		cli_fail("serve", "the %s face: %s", face->name, err.msg);
		goto out;
	}
	announce(face, listen_addr, sz_http_port(srv), ready_fd);

	/* Chores (retention: at start-up, then hourly) until a signal. */
	for (;;) {
		if (face->chores & SZ_FACE_RETENTION)
			retention(&r.in);
		struct timespec hour = { RETENTION_INTERVAL_S, 0 };
		if (sigtimedwait(&sigs, NULL, &hour) >= 0)
			break;
	}
	unsigned busy = sz_http_in_flight(srv);
	sz_http_quiesce(srv);
	if (face->stopping != NULL)
		face->stopping(&r);
	/* Under the supervisor, it says so once for every face. */
	if (ready_fd < 0)
		fprintf(stderr, "samizdat serve: stopping the %s face; waiting "
			"for %u request%s in flight (signal again to stop now)\n",
			face->name, busy, busy == 1 ? "" : "s");
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	for (unsigned t = 0; sz_http_in_flight(srv) > 0 &&
	     t < STOP_GRACE_S * 10 && sigtimedwait(&sigs, NULL, &tick) < 0;
	     t++)
		;
	if (sz_http_in_flight(srv) > 0 && ready_fd < 0)
		fprintf(stderr, "samizdat serve: the %s face stops with %u "
			"request%s unfinished after %d s\n", face->name,
			sz_http_in_flight(srv), sz_http_in_flight(srv) == 1 ? "" :
			"s", STOP_GRACE_S);
	status = 0;
out:
	sz_http_stop(srv, 0);
	sz_face_close(&r);
	return status;
}
