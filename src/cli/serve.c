/*
 * serve.c - `samizdat serve`: runs the web faces until SIGTERM or SIGINT,
 * then stops accepting connections and lets requests in flight finish (a
 * second signal stops at once).  Before serving, it clears what a crash
 * may have left: incomplete uploads, and blobs with no database row.
 *
 * It prints where it listens and nothing about any request.
 */
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "http/server.h"
#include "store/instance.h"
#include "web/editor/editor.h"
#include "web/public/public.h"
#include "web/source/source.h"

static const char usage[] =
	"Usage: samizdat serve [--face source|editor|public] [-d DIR]\n"
	"                      [--listen HOST:PORT]\n"
	"\n"
	"Serves the web faces of the instance in DIR.  Each face is meant to\n"
	"run as its own process (--face); without --face all faces run in this\n"
	"one.  Listen addresses come from samizdat.conf (loopback by default:\n"
	"put a Tor onion service in front); --listen overrides it for the one\n"
	"face given.  SIGTERM or SIGINT stops it, after requests in flight end.\n"
	"\n"
	"  -d, --dir DIR        the instance (default $SAMIZDAT_DIR, or\n"
	"                       /var/lib/samizdat)\n"
	"      --face NAME      source, editor or public\n"
	"      --listen ADDR    HOST:PORT for that face (port 0: any free port)\n";

#define RETENTION_INTERVAL_S 3600

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

/* Starts one face; prints its URL. */
#define NFACES 3

static int start_face(const char *name, const char *addr,
	const struct sz_route *routes, size_t nroutes, sz_error_page_fn page,
	void *app, const struct sz_http_limits *limits,
	struct sz_http_server **srv)
{
	struct sz_err err;
	if (sz_http_start(srv, addr, routes, nroutes, limits, page, app,
		    &err) != SZ_OK)
		return cli_fail("serve", "%s face: %s", name, err.msg);
	char host[SZ_CONFIG_ADDR_SIZE];
	snprintf(host, sizeof(host), "%s", addr);
	char *colon = strrchr(host, ':');
	if (colon)
		*colon = '\0';
	printf("%s face: http://%s:%u/\n", name, host, sz_http_port(*srv));
	fflush(stdout);
	return 0;
}

int sz_cmd_serve(int argc, char **argv)
{
	enum { OPT_FACE = 256, OPT_LISTEN };
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "face", required_argument, NULL, OPT_FACE },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *face = NULL, *listen = NULL;
	int c;
	while ((c = cli_getopt(argc, argv, "serve", "d:h", longopts)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case OPT_FACE: face = optarg; break;
		case OPT_LISTEN: listen = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: return SZ_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return cli_usage("serve", "unexpected argument \"%s\"",
			argv[optind]);
	bool want_source = face == NULL || strcmp(face, "source") == 0;
	bool want_editor = face == NULL || strcmp(face, "editor") == 0;
	bool want_public = face == NULL || strcmp(face, "public") == 0;
	if (!want_source && !want_editor && !want_public)
		return cli_usage("serve", "unknown face %s: source, editor or "
			"public", face);
	if (listen != NULL && face == NULL)
		return cli_usage("serve", "--listen needs --face");

	/* Signals are taken by sigwait below, in this thread only. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct sz_instance in;
	struct sz_source_app source_app;
	struct sz_editor_app editor_app;
	struct sz_public_app public_app;
	struct sz_http_server *srv[NFACES] = { NULL, NULL, NULL };
	struct sz_err err;
	size_t swept = 0;
	int status = SZ_EXIT_FAIL;
	bool source_ready = false, editor_ready = false, public_ready = false;
	if (sz_instance_open(&in, cli_instance_dir(dir), &err) != SZ_OK)
		return cli_fail("serve", "%s", err.msg);
	if (sz_blobs_sweep(&in.blobs, in.store, &swept, &err) != SZ_OK) {
		cli_fail("serve", "%s", err.msg);
		goto out;
	}
	if (swept > 0)
		fprintf(stderr, "samizdat serve: removed %zu incomplete "
			"upload file%s left by an earlier stop\n", swept,
			swept == 1 ? "" : "s");
	struct sz_http_limits limits = {
		.max_connections = (unsigned)in.cfg.max_connections,
		.idle_timeout_s = (unsigned)in.cfg.idle_timeout_s,
		.header_timeout_s = (unsigned)in.cfg.header_timeout_s,
		.request_timeout_s = (unsigned)in.cfg.request_timeout_s,
		.max_header_bytes = (size_t)in.cfg.max_header_kb * 1024,
		.max_body = in.cfg.max_submission_mb << 20,
	};
	size_t nroutes;
	const struct sz_route *routes;
	if (want_source) {
		if (sz_source_app_init(&source_app, &in, &err) != SZ_OK) {
			cli_fail("serve", "%s", err.msg);
			goto out;
		}
		source_ready = true;
		routes = sz_source_routes(&nroutes);
		if (start_face("source", listen ? listen : in.cfg.listen_source,
			    routes, nroutes, sz_source_error_page, &source_app,
			    &limits, &srv[0]) != 0)
			goto out;
	}
	if (want_editor) {
		if (sz_editor_app_init(&editor_app, &in, &err) != SZ_OK) {
			cli_fail("serve", "%s", err.msg);
			goto out;
		}
		editor_ready = true;
		routes = sz_editor_routes(&nroutes);
		if (start_face("editor", listen ? listen : in.cfg.listen_editor,
			    routes, nroutes, sz_editor_error_page, &editor_app,
			    &limits, &srv[1]) != 0)
			goto out;
	}
	if (want_public) {
		/* The public face reads the archive only (store/archive.h). */
		if (sz_public_app_init(&public_app, in.dir, &err) != SZ_OK) {
			cli_fail("serve", "%s", err.msg);
			goto out;
		}
		public_ready = true;
		routes = sz_public_routes(&nroutes);
		if (start_face("public", listen ? listen : in.cfg.listen_public,
			    routes, nroutes, sz_public_error_page, &public_app,
			    &limits, &srv[2]) != 0)
			goto out;
	}

	/* Retention: at start-up, then every hour, until a signal. */
	for (;;) {
		retention(&in);
		struct timespec hour = { RETENTION_INTERVAL_S, 0 };
		if (sigtimedwait(&sigs, NULL, &hour) >= 0)
			break;
	}
	unsigned busy = 0;
	for (int i = 0; i < NFACES; i++)
		if (srv[i] != NULL) {
			busy += sz_http_in_flight(srv[i]);
			sz_http_quiesce(srv[i]);
		}
	fprintf(stderr, "samizdat serve: stopping; waiting for %u request%s "
		"in flight (signal again to stop now)\n", busy,
		busy == 1 ? "" : "s");
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	for (;;) {
		busy = 0;
		for (int i = 0; i < NFACES; i++)
			if (srv[i] != NULL)
				busy += sz_http_in_flight(srv[i]);
		if (busy == 0 || sigtimedwait(&sigs, NULL, &tick) >= 0)
			break;
	}
	status = 0;
out:
	for (int i = 0; i < NFACES; i++)
		sz_http_stop(srv[i], 0);
	if (source_ready)
		sz_source_app_free(&source_app);
	if (editor_ready)
		sz_editor_app_free(&editor_app);
	if (public_ready)
		sz_public_app_free(&public_app);
	sz_instance_close(&in);
	return status;
}
