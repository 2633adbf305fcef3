/*
 * pgp.c - PGP signatures checked in a private GNUPGHOME (see pgp.h).
 * GMime finds the signed data (a multipart/signed's first part, exactly
 * as it was sent, or a cleartext-signed text part) and asks GnuPG through
 * GPGME; GPGME's engine is pointed at our home for the whole process,
 * which is the importer's one thread.  Keys are imported once, with
 * GPGME directly.  The home is removed, files and all, by sz_pgp_close.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <gmime/gmime.h>
#include <gpgme.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/io.h"
#include "docs/extract.h"
#include "docs/mime.h"
#include "docs/pgp.h"

#define PGP_MAX_SIGNED 16u   /* signed parts checked per message */

/* no-autostart: no agent or dirmngr is started; trust-model always: the
 * keys the editor supplied are the ones trusted, nothing else. */
static const char gpg_conf[] = "no-autostart\ntrust-model always\n"
	"no-auto-key-retrieve\nno-auto-key-locate\n";
/* GnuPG 2.4 writes "use-keyboxd" into a new home's common.conf, and
 * keyboxd is a daemon it must start: a common.conf of our own, without
 * it, keeps the keys in pubring.kbx (2.2 reads no common.conf). */
static const char common_conf[] = "# no use-keyboxd: keys in pubring.kbx\n";

/* Writes text into a new file of the home. */
static int home_file(const char *home, const char *name, const char *text,
	size_t len, struct sz_err *err)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/%s", home, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int rc = fd < 0 || sz_write_all(fd, text, len) != 0 ?
		sz_err_set(err, SZ_E_IO, "cannot write %s", path) : 0;
	if (fd >= 0)
		close(fd);
	return rc;
}

struct sz_pgp {
	char home[4096];
	char gpg[4096];       /* the programs GPGME runs */
	char gpgconf[4096];
	unsigned keys;
};

static int rm_one(const char *path, const struct stat *st, int flag,
	struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

void sz_pgp_close(struct sz_pgp *pgp)
{
	if (pgp == NULL)
		return;
	if (pgp->home[0])
		nftw(pgp->home, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(pgp);
}

static int import_keys(struct sz_pgp *pgp, const char *path,
	struct sz_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sz_err_set(err, SZ_E_IO, "cannot read the PGP keys %s: %s",
			path, strerror(errno));
	char *buf = malloc(SZ_PGP_KEYS_MAX_BYTES + 1);
	ssize_t n = buf ? sz_read_full(fd, buf, SZ_PGP_KEYS_MAX_BYTES + 1) : -1;
	close(fd);
	int rc = 0;
	gpgme_ctx_t ctx = NULL;
	gpgme_data_t data = NULL;
	if (n < 0)
		rc = sz_err_set(err, buf ? SZ_E_IO : SZ_E_NOMEM, "cannot read the "
			"PGP keys %s", path);
	else if ((size_t)n > SZ_PGP_KEYS_MAX_BYTES)
		rc = sz_err_set(err, SZ_E_LIMIT, "the PGP key file is larger than "
			"%u MiB", SZ_PGP_KEYS_MAX_BYTES >> 20);
	else if (gpgme_new(&ctx) != 0 ||
		 gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP) != 0 ||
		 gpgme_data_new_from_mem(&data, buf, (size_t)n, 0) != 0)
		rc = sz_err_set(err, SZ_E_IO, "cannot start GnuPG (is gpg "
			"installed?)");
	else if (gpgme_op_import(ctx, data) != 0)
		rc = sz_err_set(err, SZ_E_INVAL, "%s holds no OpenPGP public key "
			"GnuPG can read", path);
	if (rc == 0) {
		gpgme_import_result_t r = gpgme_op_import_result(ctx);
		pgp->keys = r ? (unsigned)(r->imported + r->unchanged) : 0;
		if (pgp->keys == 0)
			rc = sz_err_set(err, SZ_E_INVAL, "%s holds no OpenPGP public "
				"key (export one with gpg --export --armor)", path);
	}
	gpgme_data_release(data);
	gpgme_release(ctx);
	free(buf);
	return rc;
}

int sz_pgp_begin(struct sz_pgp **out, struct sz_err *err)
{
	*out = NULL;
	mail_init();
	gpgme_check_version(NULL);
	struct sz_pgp *pgp = calloc(1, sizeof(*pgp));
	if (pgp == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	const char *tmp = getenv("TMPDIR");
	snprintf(pgp->home, sizeof(pgp->home), "%s/samizdat-gnupg-XXXXXX",
		tmp && tmp[0] ? tmp : "/tmp");
	if (mkdtemp(pgp->home) == NULL) {
		int e = errno;
		pgp->home[0] = 0;
		sz_pgp_close(pgp);
		return sz_err_set(err, SZ_E_IO, "cannot make a GnuPG home: %s",
			strerror(e));
	}
	int rc = home_file(pgp->home, "gpg.conf", gpg_conf,
		sizeof(gpg_conf) - 1, err);
	if (rc == 0)
		rc = home_file(pgp->home, "common.conf", common_conf,
			sizeof(common_conf) - 1, err);
	gpgme_engine_info_t info = NULL;
	if (rc == 0 && (gpgme_set_engine_info(GPGME_PROTOCOL_OpenPGP, NULL,
	    pgp->home) != 0 || gpgme_get_engine_info(&info) != 0))
		rc = sz_err_set(err, SZ_E_IO, "cannot start GnuPG (is gpg "
			"installed?)");
	/* The programs GPGME runs, found now (GPGME asks gpgconf once, and
	 * remembers): the engine for OpenPGP, and gpgconf itself. */
	for (; rc == 0 && info != NULL; info = info->next)
		if (info->protocol == GPGME_PROTOCOL_OpenPGP && info->file_name)
			snprintf(pgp->gpg, sizeof(pgp->gpg), "%s", info->file_name);
	const char *gpgconf = gpgme_get_dirinfo("gpgconf-name");
	snprintf(pgp->gpgconf, sizeof(pgp->gpgconf), "%s", gpgconf ? gpgconf : "");
	if (rc == 0 && pgp->gpg[0] == 0)
		rc = sz_err_set(err, SZ_E_IO, "cannot find gpg (is it installed?)");
	if (rc != 0) {
		sz_pgp_close(pgp);
		return rc;
	}
	*out = pgp;
	return 0;
}

int sz_pgp_import(struct sz_pgp *pgp, const char *keys_path,
	struct sz_err *err)
{
	return keys_path != NULL ? import_keys(pgp, keys_path, err) : 0;
}

int sz_pgp_open(const char *keys_path, struct sz_pgp **out,
	struct sz_err *err)
{
	int rc = sz_pgp_begin(out, err);
	if (rc == 0 && (rc = sz_pgp_import(*out, keys_path, err)) != 0) {
		sz_pgp_close(*out);
		*out = NULL;
	}
	return rc;
}

const char *sz_pgp_home(const struct sz_pgp *pgp)
{
	return pgp->home;
}

const char *sz_pgp_program(const struct sz_pgp *pgp, int which)
{
	return which == 0 ? pgp->gpg : pgp->gpgconf[0] ? pgp->gpgconf : NULL;
}

unsigned sz_pgp_key_count(const struct sz_pgp *pgp)
{
	return pgp ? pgp->keys : 0;
}

struct check {
	struct sz_pgp *pgp;
	enum sz_pgp_result result;
	char detail[SZ_PGP_DETAIL_MAX + 1];
	unsigned parts;
};

static int rank(enum sz_pgp_result r)
{
	return r == SZ_PGP_RESULT_FAIL ? 3 : r == SZ_PGP_RESULT_UNKNOWN ? 2 :
	       r == SZ_PGP_RESULT_PASS ? 1 : 0;
}

/* Keeps the worse of the result so far and r (a failure, then an
 * unknown key, then a pass: the first signer passing is the one named). */
static void keep(struct check *c, enum sz_pgp_result r, const char *d)
{
	if (rank(r) > rank(c->result)) {
		c->result = r;
		snprintf(c->detail, sizeof(c->detail), "%s", d);
	}
}

/* Folds one signature list (NULL when GMime could not check it) into
 * the message's result. */
static void fold(struct check *c, GMimeSignatureList *l, GError *gerr,
	const char *what)
{
	char d[SZ_PGP_DETAIL_MAX + 1];
	int n = l ? g_mime_signature_list_length(l) : 0;
	if (n == 0) {
		snprintf(d, sizeof(d), "it could not be checked: %s",
			gerr && gerr->message ? gerr->message :
			"no signature was found in it");
		keep(c, SZ_PGP_RESULT_UNKNOWN, d);
		return;
	}
	for (int i = 0; i < n; i++) {
		GMimeSignature *s = g_mime_signature_list_get_signature(l, i);
		GMimeSignatureStatus st = g_mime_signature_get_status(s);
		GMimeCertificate *cert = g_mime_signature_get_certificate(s);
		const char *fpr = cert ? g_mime_certificate_get_fingerprint(cert) : NULL;
		const char *uid = cert ? g_mime_certificate_get_user_id(cert) : NULL;
		const char *kid = cert ? g_mime_certificate_get_key_id(cert) : NULL;
		if (fpr == NULL || fpr[0] == 0)
			fpr = kid && kid[0] ? kid : "?";
		if (st & GMIME_SIGNATURE_STATUS_RED) {
			snprintf(d, sizeof(d), "the signature by key %s does not match "
				"%s: it was altered after signing", fpr, what);
			keep(c, SZ_PGP_RESULT_FAIL, d);
		} else if (st & GMIME_SIGNATURE_STATUS_KEY_MISSING) {
			snprintf(d, sizeof(d), "signed by key %s, which was not "
				"supplied", fpr);
			keep(c, SZ_PGP_RESULT_UNKNOWN, d);
		} else if (st & GMIME_SIGNATURE_STATUS_SYS_ERROR) {
			snprintf(d, sizeof(d), "the signature by key %s could not be "
				"checked", fpr);
			keep(c, SZ_PGP_RESULT_UNKNOWN, d);
		} else {
			snprintf(d, sizeof(d), "key %s (%s) signs %s%s", fpr,
				uid && uid[0] ? uid : "no user id", what,
				st & GMIME_SIGNATURE_STATUS_KEY_REVOKED ? "; the key has "
				"since been revoked" : st & GMIME_SIGNATURE_STATUS_KEY_EXPIRED ?
				"; the key has since expired" : "");
			keep(c, SZ_PGP_RESULT_PASS, d);
		}
	}
}

static void part(GMimeObject *parent, GMimeObject *obj, bool in_signed,
	void *data)
{
	(void)in_signed;
	struct check *c = data;
	bool mps = GMIME_IS_MULTIPART_SIGNED(obj);
	const char *proto = mps ? g_mime_object_get_content_type_parameter(obj,
		"protocol") : NULL;
	bool inline_signed = GMIME_IS_TEXT_PART(obj) &&
		g_mime_part_get_openpgp_data(GMIME_PART(obj)) ==
		GMIME_OPENPGP_DATA_SIGNED;
	if ((mps && (proto == NULL || strcasecmp(proto,
	    "application/pgp-signature") != 0)) || (!mps && !inline_signed))
		return;
	if (c->parts++ >= PGP_MAX_SIGNED)
		return;
	const char *what = inline_signed ? "the text of the message (signed "
		"inline)" : GMIME_IS_MESSAGE(parent) ? "the whole message" :
		"a part of the message";
	if (c->pgp == NULL || c->pgp->keys == 0) {
		if (c->result == SZ_PGP_RESULT_NONE) {
			c->result = SZ_PGP_RESULT_UNKNOWN;
			snprintf(c->detail, sizeof(c->detail), "signed, but no PGP "
				"keys were supplied to check it");
		}
		return;
	}
	GError *gerr = NULL;
	GMimeSignatureList *l = mps ?
		g_mime_multipart_signed_verify(GMIME_MULTIPART_SIGNED(obj),
			GMIME_VERIFY_NONE, &gerr) :
		g_mime_part_openpgp_verify(GMIME_PART(obj), GMIME_VERIFY_NONE, &gerr);
	fold(c, l, gerr, what);
	if (l != NULL)
		g_object_unref(l);
	if (gerr != NULL)
		g_error_free(gerr);
}

int sz_pgp_verify(struct sz_pgp *pgp, int fd, uint64_t off, uint64_t len,
	enum sz_pgp_result *result, char *detail, size_t cap,
	struct sz_err *err)
{
	*result = SZ_PGP_RESULT_NONE;
	detail[0] = 0;
	mail_init();
	int dfd = dup(fd);
	if (dfd < 0)
		return sz_err_set(err, SZ_E_IO, "cannot read: %s", strerror(errno));
	GMimeStream *base = g_mime_stream_fs_new(dfd);
	GMimeStream *s = g_mime_stream_substream(base, (gint64)off,
		(gint64)(off + len));
	g_object_unref(base);
	GMimeParser *p = g_mime_parser_new_with_stream(s);
	g_object_unref(s);
	GMimeMessage *m = g_mime_parser_construct_message(p, mime_options());
	g_object_unref(p);
	if (m == NULL)
		return 0;   /* the importer says what is wrong with it */
	struct check c = { .pgp = pgp };
	mime_walk(m, part, &c);
	g_object_unref(m);
	*result = c.result;
	snprintf(detail, cap, "%s", c.detail);
	return 0;
}
