/*
 * serve.c - `samizdat serve`: with --face NAME, runs that face in this
 * process (faces.c); without, starts one process per face and watches
 * them (supervise.c).  Either way, a listening port that is taken is an
 * error that names it, before anything starts.
 *
 * It prints where it listens and nothing about any request.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/faces.h"
#include "cli/supervise.h"

static const char usage[] =
	"Usage: samizdat serve [--face source|editor|public] [-d DIR]\n"
	"                      [--listen HOST:PORT]\n"
	"\n"
	"Serves the web faces of the instance in DIR.  Without --face it\n"
	"starts each face in a process of its own, locked in to what that face\n"
	"needs, and restarts one that dies; with --face it runs that one face\n"
	"here.  Listen addresses come from samizdat.conf (loopback by\n"
	"default: put a Tor onion service in front); --listen overrides it for\n"
	"the one face given.  Started as root, the faces run as the setting\n"
	"`user` (or the owner of DIR).  SIGTERM or SIGINT stops it, after\n"
	"requests in flight end.\n"
	"\n"
	"  -d, --dir DIR        the instance (default $SAMIZDAT_DIR, or\n"
	"                       /var/lib/samizdat)\n"
	"      --face NAME      source, editor or public\n"
	"      --listen ADDR    HOST:PORT for that face (port 0: any free port)\n";

/* A descriptor number given by the supervisor. */
static int parse_fd(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	return *s && *end == '\0' && v >= 3 && v < 1024 ? (int)v : -1;
}

int sz_cmd_serve(int argc, char **argv)
{
	enum { OPT_FACE = 256, OPT_LISTEN, OPT_LISTEN_FD, OPT_READY_FD };
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "face", required_argument, NULL, OPT_FACE },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		/* from the supervisor: the listening socket, and where to say
		 * the face is up */
		{ "listen-fd", required_argument, NULL, OPT_LISTEN_FD },
		{ "ready-fd", required_argument, NULL, OPT_READY_FD },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *face_name = NULL, *listen = NULL;
	int listen_fd = -1, ready_fd = -1, c;
	while ((c = cli_getopt(argc, argv, "serve", "d:h", longopts)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case OPT_FACE: face_name = optarg; break;
		case OPT_LISTEN: listen = optarg; break;
		case OPT_LISTEN_FD:
			if ((listen_fd = parse_fd(optarg)) < 0)
				return cli_usage("serve", "bad --listen-fd");
			break;
		case OPT_READY_FD:
			if ((ready_fd = parse_fd(optarg)) < 0)
				return cli_usage("serve", "bad --ready-fd");
			break;
		case 'h': fputs(usage, stdout); return 0;
		default: return SZ_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return cli_usage("serve", "unexpected argument \"%s\"",
			argv[optind]);
	dir = cli_instance_dir(dir);
	struct sz_err err;
	if (sz_instance_check(dir, &err) != SZ_OK)
		return cli_fail("serve", "%s", err.msg);
	if (face_name == NULL) {
		if (listen != NULL || listen_fd >= 0)
			return cli_usage("serve", "--listen needs --face");
		return sz_supervise(dir);
	}
	const struct sz_face *face = sz_face_find(face_name);
	if (face == NULL)
		return cli_usage("serve", "unknown face %s: source, editor or "
			"public", face_name);

	struct sz_config cfg;
	if (sz_config_load(&cfg, dir, &err) != SZ_OK)
		return cli_fail("serve", "%s", err.msg);
	if (listen == NULL)
		listen = sz_face_listen(face, &cfg);
	if (listen_fd < 0 && sz_http_listen(listen, &listen_fd, &err) != SZ_OK)
		return cli_fail("serve", "the %s face: %s", face->name, err.msg);
	fcntl(listen_fd, F_SETFD, FD_CLOEXEC);
	if (ready_fd >= 0)
		fcntl(ready_fd, F_SETFD, FD_CLOEXEC);
	return sz_face_serve(face, dir, listen_fd, listen, ready_fd);
}
