/*
 * pgp.h - PGP signatures of archived e-mails: PGP/MIME (multipart/signed,
 * RFC 3156) and inline (a cleartext-signed text part), checked with
 * GnuPG through GMime and GPGME against public keys the editor supplies
 * (an armoured or binary export), in a private temporary GNUPGHOME made
 * for the import and removed after it: never the machine's keyrings, no
 * network, no keyserver, no agent (gpg.conf says no-autostart).  As with
 * DKIM, the check must be repeatable offline, years later, so the keys
 * file is archived with the release.
 *
 * Not here: decryption (an encrypted part stays an attachment) and
 * S/MIME (its signature parts are simply not documents).
 */
#ifndef SZ_DOCS_PGP_H
#define SZ_DOCS_PGP_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define SZ_PGP_KEYS_MAX_BYTES (16u << 20)
#define SZ_PGP_DETAIL_MAX 255

/* The same order as the archive's enum sz_sig_state. */
enum sz_pgp_result {
	SZ_PGP_RESULT_NONE,      /* no PGP signature */
	SZ_PGP_RESULT_PASS,
	SZ_PGP_RESULT_FAIL,
	SZ_PGP_RESULT_UNKNOWN,   /* signed by a key not supplied */
};

struct sz_pgp;

/* Makes the private GNUPGHOME (under $TMPDIR, mode 0700, with a
 * gpg.conf that starts no agent) and finds the programs GPGME will run;
 * imports no key yet.  A process that locks itself in calls this first,
 * then allows sz_pgp_home read-write and sz_pgp_program execute. */
int sz_pgp_begin(struct sz_pgp **pgp, struct sz_err *err);
/* Imports the public keys in keys_path (NULL: none); SZ_E_INVAL when the
 * file holds no public key.  Runs gpg. */
int sz_pgp_import(struct sz_pgp *pgp, const char *keys_path,
	struct sz_err *err);
/* The GNUPGHOME; owned by pgp. */
const char *sz_pgp_home(const struct sz_pgp *pgp);
/* The programs GPGME runs: 0, gpg (always); 1, gpgconf (NULL if GPGME
 * does not know it).  Owned by pgp. */
const char *sz_pgp_program(const struct sz_pgp *pgp, int which);

/* sz_pgp_begin then sz_pgp_import: makes the private GNUPGHOME and imports the public keys
 * in keys_path (NULL: none, every signature is then "unknown key").
 * SZ_E_INVAL when the file holds no public key. */
int sz_pgp_open(const char *keys_path, struct sz_pgp **pgp,
	struct sz_err *err);
/* How many keys the file held. */
unsigned sz_pgp_key_count(const struct sz_pgp *pgp);
/* Removes the GNUPGHOME and everything in it (what it may: a process
 * locked in to the home's contents leaves the folder itself to its
 * parent's sz_pgp_close); accepts NULL. */
void sz_pgp_close(struct sz_pgp *pgp);

/* Checks the PGP signatures of the message at [off, off+len) of fd:
 * result and detail ("key FINGERPRINT, User <user@example.org>, signs the
 * whole message", or why it failed).  Every signature must verify for
 * PASS; one that fails makes FAIL. */
int sz_pgp_verify(struct sz_pgp *pgp, int fd, uint64_t off, uint64_t len,
	enum sz_pgp_result *result, char *detail, size_t cap,
	struct sz_err *err);

#endif
