/*
 * doc_sandbox.h - samizdat-doc locks itself in once it knows its inputs
 * and outputs (doc_sandbox.c): no network at all (no socket in its
 * seccomp list, no TCP in its Landlock rules), no program to run (but
 * gpg, when it checks PGP signatures: doc_sandbox_pgp), and no file
 * beyond the system's libraries and data (read), its inputs (read), the
 * folders its outputs go to, and, for `release`, the archive.
 * Whatever a hostile document makes of the parsers, that is all it can
 * reach.
 *
 * Usage: doc_sandbox_begin, then doc_sandbox_input / _output / _archive
 * for each, then doc_sandbox_lock (which frees the list, applied or not).
 */
#ifndef SZ_CLI_DOC_SANDBOX_H
#define SZ_CLI_DOC_SANDBOX_H

#include "docs/pgp.h"
#include "sandbox/sandbox.h"

int doc_sandbox_begin(struct sz_sandbox *sb, struct sz_err *err);
/* A file or folder read (one that does not exist is left out: opening
 * it fails as it would anyway). */
int doc_sandbox_input(struct sz_sandbox *sb, const char *path,
	struct sz_err *err);
/* n of them; past DOC_SANDBOX_EACH_MAX, the folders they are in (a rule
 * per file would cost more than the files). */
#define DOC_SANDBOX_EACH_MAX 256
int doc_sandbox_inputs(struct sz_sandbox *sb, char *const *paths, int n,
	struct sz_err *err);
/* The folder that the file at path is written into (through a temporary
 * file renamed into place). */
int doc_sandbox_output(struct sz_sandbox *sb, const char *path,
	struct sz_err *err);
/* Checking PGP signatures (release add --pgp-keys): the private
 * GNUPGHOME of pgp read-write, and executing the programs GPGME runs
 * (gpg, gpgconf) and nothing else; the seccomp list of a process that
 * may start them, where socket() still fails (no network, no agent). */
int doc_sandbox_pgp(struct sz_sandbox *sb, const struct sz_pgp *pgp,
	struct sz_err *err);
/* The archive of the instance in dir, read-write (it must exist). */
int doc_sandbox_archive(struct sz_sandbox *sb, const char *dir,
	struct sz_err *err);
/* Applies it; frees sb.  On failure prints why for cmd and returns the
 * exit status, else 0. */
int doc_sandbox_lock(struct sz_sandbox *sb, const char *cmd, int rc,
	struct sz_err *err);

#endif
