/*
 * sandbox_check.c - `samizdat sandbox-check --face NAME`: locks a process
 * in exactly as that face locks itself in (the same sz_face_open, with
 * its parts of the instance opened), then tries, one child each, what the
 * face must not do and what it must (sandbox_try.c).  For samizdat-doc
 * (--face doc) it runs `samizdat-doc sandbox-check`, whose lock-in is
 * samizdat-doc's own (doc_sandbox.c).
 *
 * It changes nothing in the instance: no sweep, no runner, and any file
 * an attempt managed to create is removed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/faces.h"

static const char usage[] =
	"Usage: samizdat sandbox-check --face source|editor|public [-d DIR]\n"
	"       samizdat sandbox-check --face doc [-d DIR] [--input FILE] [--pgp]\n"
	"\n"
	"Locks a process in as the face would be (or samizdat-doc, with the\n"
	"archive of DIR and FILE as its input), then tries what it must not\n"
	"do (--pgp: samizdat-doc as it checks PGP signatures, which may run\n"
	"gpg and nothing else): read the instance's secret key and the parts\n"
	"of the instance the face does not hold (the public face: inbox.db,\n"
	"the blob tree),\n"
	"write outside its folders, connect out, execute a program, trace\n"
	"another process.  Each attempt runs in a process of its own and is\n"
	"reported as denied (and how: an error, or killed by seccomp) or\n"
	"allowed.  What the face needs is tried too, and must work.  Exit\n"
	"status 0 if every forbidden attempt was stopped.\n";

struct face_lock {
	const struct sz_face *face;
	const char *dir;
};

static int lock_face(void *ctx, struct sz_err *err)
{
	struct face_lock *l = ctx;
	static struct sz_face_run r;   /* lives as long as the child */
	return sz_face_open(&r, l->face, l->dir, false, err);
}

int sz_cmd_sandbox_check(int argc, char **argv)
{
	enum { OPT_FACE = 256, OPT_INPUT, OPT_PGP };
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "face", required_argument, NULL, OPT_FACE },
		{ "input", required_argument, NULL, OPT_INPUT },
		{ "pgp", no_argument, NULL, OPT_PGP },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *name = NULL, *input = NULL;
	bool pgp = false;
	int c;
	while ((c = cli_getopt(argc, argv, "sandbox-check", "d:h", longopts)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case OPT_FACE: name = optarg; break;
		case OPT_INPUT: input = optarg; break;
		case OPT_PGP: pgp = true; break;
		case 'h': fputs(usage, stdout); return 0;
		default: return SZ_EXIT_USAGE;
		}
	}
	if (name == NULL || optind != argc)
		return cli_usage("sandbox-check", "give --face NAME");
	dir = cli_instance_dir(dir);
	if (strcmp(name, "doc") == 0) {
		char tool[4200];
		sz_sibling_program("samizdat-doc", "SAMIZDAT_DOC", tool,
			sizeof(tool));
		char *args[7] = { tool, "sandbox-check", "-d", (char *)dir };
		int k = 4;
		if (pgp)
			args[k++] = "--pgp";
		if (input != NULL) {
			args[k++] = "--input";
			args[k++] = (char *)input;
		}
		fflush(NULL);
		execv(tool, args);
		return cli_fail("sandbox-check", "cannot run %s: %s", tool,
			strerror(errno));
	}
	const struct sz_face *face = sz_face_find(name);
	if (face == NULL)
		return cli_usage("sandbox-check", "unknown face %s: source, "
			"editor, public or doc", name);
	if (input != NULL || pgp)
		return cli_usage("sandbox-check", "--input and --pgp are for "
			"--face doc");
	/* Root is given up here, once, as serve does before it starts the
	 * faces. */
	struct sz_config cfg;
	struct sz_err err;
	if (sz_config_load(&cfg, dir, &err) != SZ_OK ||
	    sz_sandbox_drop_root(cfg.user, dir, &err) != SZ_OK)
		return cli_fail("sandbox-check", "%s", err.msg);
	char who[64];
	snprintf(who, sizeof(who), "%s face", face->name);
	struct face_lock l = { face, dir };
	struct cli_may may = { NULL, NULL, NULL };
	return cli_sandbox_check(who, dir, face->opens, &may, lock_face, &l);
}
