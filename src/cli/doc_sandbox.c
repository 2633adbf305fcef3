/*
 * doc_sandbox.c - the lock-in of samizdat-doc (doc_sandbox.h): the
 * system's libraries and data read-only, its inputs read-only, its
 * output folders and the archive writable, the seccomp list of a process
 * that only reads, writes and computes.  Checking PGP signatures adds
 * gpg (doc_sandbox_pgp), and nothing else.
 */
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/doc_sandbox.h"
#include "store/instance.h"

int doc_sandbox_begin(struct sz_sandbox *sb, struct sz_err *err)
{
	sz_sandbox_init(sb, "samizdat-doc", SZ_SYSCALLS_DOC);
	return sz_sandbox_allow_system(sb, err);
}

int doc_sandbox_input(struct sz_sandbox *sb, const char *path,
	struct sz_err *err)
{
	return sz_sandbox_allow(sb, path, SZ_SB_READ | SZ_SB_OPTIONAL, err);
}

int doc_sandbox_inputs(struct sz_sandbox *sb, char *const *paths, int n,
	struct sz_err *err)
{
	int rc = SZ_OK;
	for (int i = 0; rc == SZ_OK && i < n; i++) {
		if (n <= DOC_SANDBOX_EACH_MAX) {
			rc = doc_sandbox_input(sb, paths[i], err);
			continue;
		}
		char *copy = strdup(paths[i]);
		rc = copy ? sz_sandbox_allow(sb, dirname(copy), SZ_SB_READ |
			SZ_SB_OPTIONAL, err) : sz_err_set(err, SZ_E_NOMEM,
			"out of memory");
		free(copy);
	}
	return rc;
}

int doc_sandbox_output(struct sz_sandbox *sb, const char *path,
	struct sz_err *err)
{
	char *copy = strdup(path);
	if (copy == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	int rc = sz_sandbox_allow(sb, dirname(copy), SZ_SB_READ | SZ_SB_WRITE |
		SZ_SB_CREATE | SZ_SB_REMOVE | SZ_SB_OPTIONAL, err);
	free(copy);
	return rc;
}

int doc_sandbox_pgp(struct sz_sandbox *sb, const struct sz_pgp *pgp,
	struct sz_err *err)
{
	sb->syscalls = SZ_SYSCALLS_DOC_PGP;
	int rc = sz_sandbox_allow(sb, sz_pgp_home(pgp), SZ_SB_READ |
		SZ_SB_WRITE | SZ_SB_CREATE | SZ_SB_REMOVE, err);
	for (int i = 0; rc == SZ_OK && i < 2; i++)
		if (sz_pgp_program(pgp, i) != NULL)
			rc = sz_sandbox_allow(sb, sz_pgp_program(pgp, i), SZ_SB_READ |
				SZ_SB_EXEC | (i ? SZ_SB_OPTIONAL : 0), err);
	/* The loader that starts gpg; GPGME gives gpg /dev/null for the
	 * standard streams it does not use. */
	if (rc == SZ_OK)
		rc = sz_sandbox_allow_interpreter(sb, err);
	if (rc == SZ_OK)
		rc = sz_sandbox_allow(sb, "/dev/null", SZ_SB_READ | SZ_SB_WRITE,
			err);
	return rc;
}

int doc_sandbox_archive(struct sz_sandbox *sb, const char *dir,
	struct sz_err *err)
{
	return sz_archive_confine(dir, false, sb, err);
}

int doc_sandbox_lock(struct sz_sandbox *sb, const char *cmd, int rc,
	struct sz_err *err)
{
	if (rc == SZ_OK)
		rc = sz_sandbox_apply(sb, err);
	sz_sandbox_free(sb);
	return rc == SZ_OK ? 0 : cli_fail(cmd, "%s", err->msg);
}

/* samizdat-doc locked in as for `release add -d DIR FILE`, its widest,
 * or with --pgp as for `release add --pgp-keys`, which also runs gpg. */
struct doc_lock {
	const char *dir;
	const char *input;
	struct sz_pgp *pgp;
};

static int lock_doc(void *ctx, struct sz_err *err)
{
	struct doc_lock *l = ctx;
	struct sz_archive *a = NULL;
	struct sz_sandbox sb;
	int rc = sz_archive_open(&a, l->dir, true, false, err);
	if (rc == SZ_OK)
		rc = doc_sandbox_begin(&sb, err);
	if (rc == SZ_OK) {
		rc = doc_sandbox_archive(&sb, l->dir, err);
		if (rc == SZ_OK && l->input != NULL)
			rc = doc_sandbox_input(&sb, l->input, err);
		if (rc == SZ_OK && l->pgp != NULL)
			rc = doc_sandbox_pgp(&sb, l->pgp, err);
		if (rc == SZ_OK)
			rc = sz_sandbox_apply(&sb, err);
		sz_sandbox_free(&sb);
	}
	return rc;   /* the archive stays open, as in an import */
}

int sz_cmd_doc_sandbox_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "input", required_argument, NULL, 'i' },
		{ "pgp", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct doc_lock l = { NULL, NULL, NULL };
	bool pgp = false;
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "sandbox-check", "d:", longopts)) != -1) {
		switch (c) {
		case 'd': l.dir = optarg; break;
		case 'i': l.input = optarg; break;
		case 'p': pgp = true; break;
		default: return SZ_EXIT_USAGE;
		}
	}
	l.dir = cli_instance_dir(l.dir);
	struct cli_may may = { l.input, NULL, NULL };
	struct sz_err err;
	/* One GnuPG home for every attempt, made and removed here as the
	 * import's parent does. */
	if (pgp && sz_pgp_begin(&l.pgp, &err) != 0)
		return cli_fail("sandbox-check", "%s", err.msg);
	if (pgp) {
		may.program = sz_pgp_program(l.pgp, 0);
		may.folder = sz_pgp_home(l.pgp);
	}
	int st = cli_sandbox_check(pgp ? "samizdat-doc (PGP)" : "samizdat-doc",
		l.dir, SZ_PART_ARCHIVE, &may, lock_doc, &l);
	sz_pgp_close(l.pgp);
	return st;
}
