/*
 * editor.c - `samizdat editor add|list|remove|reset-totp|unlock|verify` and
 * `samizdat audit`: editors' accounts, administered on the command line
 * (never from the web), and the log of what editors and administrators did.
 *
 * A password is hashed with Argon2id; a TOTP secret is made for each
 * editor and shown once, as an otpauth:// URI and a QR code for an
 * authenticator app.  The editor's age recipient joins the instance's
 * recipients, so every submission is encrypted to it.
 */
#include <getopt.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "crypto/age_keys.h"
#include "crypto/totp.h"
#include "store/instance.h"
#include "web/editor/editor.h"

#define MIN_PASSWORD 12
#define ACTOR "admin (command line)"

static const char usage[] =
	"Usage: samizdat editor add [-d DIR] NAME --recipient age1…\n"
	"                           [--password-file FILE] [--desk DESK]...\n"
	"       samizdat editor list [-d DIR]\n"
	"       samizdat editor remove [-d DIR] NAME\n"
	"       samizdat editor reset-totp [-d DIR] NAME\n"
	"       samizdat editor unlock [-d DIR] NAME\n"
	"       samizdat editor verify [-d DIR] NAME CODE\n"
	"\n"
	"Editors log in to the editor face with a password and a code from an\n"
	"authenticator app.  `add` asks for the password (at least 12\n"
	"characters) on the terminal, or reads the first line of FILE, and\n"
	"shows the TOTP secret once as a QR code and an otpauth:// URI.  The\n"
	"editor's recipient (from `samizdat keygen` on the editor's own\n"
	"machine) is added to the instance's recipients.  --desk puts the\n"
	"editor on a desk (samizdat desk), so it also reads the sources that\n"
	"write to that desk.  `verify` checks a code from the app (each code\n"
	"works once).  After 5 failed logins in a row an account locks;\n"
	"`unlock` opens it again, keeping its TOTP secret (`reset-totp` makes\n"
	"a new one, and unlocks too).\n"
	"\n"
	"  -d, --dir DIR   the instance (default $SAMIZDAT_DIR, or\n"
	"                  /var/lib/samizdat)\n";

/* Prints a QR code with Unicode half blocks, light modules drawn, as
 * `qrencode -t UTF8` does, so it scans from a dark terminal. */
static void print_qr(const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (qr == NULL)
		return;
	const int quiet = 2, w = qr->width;
	for (int y = -quiet; y < w + quiet; y += 2) {
		for (int x = -quiet; x < w + quiet; x++) {
			int top = y >= 0 && y < w && x >= 0 && x < w &&
				(qr->data[y * w + x] & 1);
			int bot = y + 1 >= 0 && y + 1 < w && x >= 0 && x < w &&
				(qr->data[(y + 1) * w + x] & 1);
			fputs(!top && !bot ? "\u2588" : !top ? "\u2580" :
				!bot ? "\u2584" : " ", stdout);
		}
		fputc('\n', stdout);
	}
	QRcode_free(qr);
}

static int show_totp(const char *name, const uint8_t *secret)
{
	char uri[SZ_TOTP_URI_MAX];
	struct sz_err err;
	if (sz_totp_uri(secret, SZ_TOTP_SECRET_SIZE, "samizdat", name, uri,
		    sizeof(uri), &err) != SZ_OK)
		return cli_fail("editor", "%s", err.msg);
	printf("Scan this with the editor's authenticator app (or enter the "
		"URI by hand).\nIt is shown only now.\n\n");
	print_qr(uri);
	printf("\n%s\n", uri);
	sodium_memzero(uri, sizeof(uri));
	return 0;
}

/* Whether every desk named exists (before an editor is made for them). */
static bool desks_exist(struct sz_store *st, char **desks, size_t n)
{
	struct sz_desk_row *rows = NULL;
	size_t nrows = 0;
	struct sz_err err;
	if (n == 0)
		return true;
	if (st->ops->desk_list(st, &rows, &nrows, &err) != SZ_OK) {
		cli_fail("editor", "%s", err.msg);
		return false;
	}
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++) {
		ok = false;
		for (size_t k = 0; k < nrows && !ok; k++)
			ok = strcmp(rows[k].name, desks[i]) == 0;
		if (!ok)
			cli_fail("editor", "there is no desk named \"%.64s\" "
				"(samizdat desk add %.64s)", desks[i], desks[i]);
	}
	free(rows);
	return ok;
}

static int add(struct sz_instance *in, const char *name,
	const char *recipient, const char *pw_file, char **desks,
	size_t ndesks)
{
	struct sz_store *st = in->store;
	struct sz_age_recipient *r;
	struct sz_err err;
	int status = SZ_EXIT_FAIL;
	struct sz_editor_row *e = sodium_malloc(sizeof(*e));
	char *pw = sodium_malloc(SZ_AGE_MAX_PASSPHRASE + 1);
	size_t len = 0;
	if (e == NULL || pw == NULL) {
		cli_fail("editor", "out of memory");
		goto out;
	}
	memset(e, 0, sizeof(*e));
	if (!cli_valid_name(name)) {
		status = cli_usage("editor", "a name must have 1 to %d printable "
			"characters", SZ_STORE_NAME_MAX);
		goto out;
	}
	if (recipient == NULL) {
		status = cli_usage("editor", "give the editor's recipient with "
			"--recipient age1…");
		goto out;
	}
	if (sz_age_recipient_parse(recipient, &r, &err) != SZ_OK) {
		cli_fail("editor", "%s", err.msg);
		goto out;
	}
	if (!desks_exist(st, desks, ndesks)) {
		sz_age_recipient_free(r);
		goto out;
	}
	sz_age_recipient_format(r, e->recipient);
	sz_age_recipient_free(r);
	if (cli_passphrase(pw_file, true, pw, SZ_AGE_MAX_PASSPHRASE + 1, &len,
		    &err) != SZ_OK) {
		cli_fail("editor", "%s", err.msg);
		goto out;
	}
	if (len < MIN_PASSWORD) {
		cli_fail("editor", "the password must have at least %d "
			"characters", MIN_PASSWORD);
		goto out;
	}
	if (crypto_pwhash_str(e->password_hash, pw, len, SZ_EDITOR_PWHASH_OPS,
		    SZ_EDITOR_PWHASH_MEM) != 0) {
		cli_fail("editor", "not enough memory to hash the password");
		goto out;
	}
	snprintf(e->name, sizeof(e->name), "%s", name);
	randombytes_buf(e->totp_secret, sizeof(e->totp_secret));
	if (st->ops->editor_add(st, e, &err) != SZ_OK) {
		cli_fail("editor", "%s", err.msg);
		goto out;
	}
	st->ops->audit_add(st, ACTOR, "editor add", name, NULL);
	printf("Added editor %s; submissions are now also encrypted to %s.\n",
		name, e->recipient);
	/* the account exists now: its TOTP secret is shown whatever else
	 * fails, or it could never log in */
	bool desks_ok = true;
	for (size_t i = 0; i < ndesks; i++) {
		char detail[2 * SZ_STORE_NAME_MAX + 8];
		if (st->ops->desk_member(st, desks[i], name, true, &err) !=
		    SZ_OK) {
			cli_fail("editor", "%s (samizdat desk join)", err.msg);
			desks_ok = false;
			continue;
		}
		snprintf(detail, sizeof(detail), "%s: %s", desks[i], name);
		st->ops->audit_add(st, ACTOR, "desk join", detail, NULL);
		printf("%s is on the %s desk.\n", name, desks[i]);
	}
	putchar('\n');
	status = show_totp(name, e->totp_secret);
	if (status == 0 && !desks_ok)
		status = SZ_EXIT_FAIL;
out:
	if (e != NULL)
		sodium_free(e);
	if (pw != NULL)
		sodium_free(pw);
	return status;
}

static int reset_totp(struct sz_instance *in, const char *name)
{
	struct sz_store *st = in->store;
	struct sz_err err;
	uint8_t secret[SZ_TOTP_SECRET_SIZE];
	randombytes_buf(secret, sizeof(secret));
	int status;
	if (st->ops->editor_set_totp(st, name, secret, &err) != SZ_OK) {
		status = cli_fail("editor", "%s", err.msg);
	} else {
		st->ops->audit_add(st, ACTOR, "editor reset-totp", name, NULL);
		printf("New TOTP secret for %s; the old one no longer works.\n\n",
			name);
		status = show_totp(name, secret);
	}
	sodium_memzero(secret, sizeof(secret));
	return status;
}

static int verify(struct sz_instance *in, const char *name, const char *code)
{
	struct sz_store *st = in->store;
	struct sz_err err;
	struct sz_editor_row *e = sodium_malloc(sizeof(*e));
	int status = SZ_EXIT_FAIL;
	if (e == NULL)
		return cli_fail("editor", "out of memory");
	if (st->ops->editor_get(st, name, e, &err) != SZ_OK) {
		cli_fail("editor", "%s", err.msg);
		goto out;
	}
	int64_t last = e->totp_last;
	int rc = sz_totp_verify(e->totp_secret, SZ_TOTP_SECRET_SIZE, code,
		time(NULL), &last);
	if (rc == SZ_OK)
		rc = st->ops->editor_totp_used(st, name, last, &err);
	if (rc == SZ_E_EXISTS) {
		cli_fail("editor", "that code was used already; wait for the "
			"next one");
	} else if (rc != SZ_OK) {
		cli_fail("editor", "wrong code: check the app shows %s's "
			"samizdat entry, and that this machine's clock is right",
			name);
	} else {
		printf("The code is right: %s's authenticator is set up.\n",
			name);
		status = 0;
	}
out:
	sodium_free(e);
	return status;
}

int sz_cmd_editor(int argc, char **argv)
{
	enum { OPT_RECIPIENT = 256, OPT_PWFILE, OPT_DESK };
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "recipient", required_argument, NULL, OPT_RECIPIENT },
		{ "password-file", required_argument, NULL, OPT_PWFILE },
		{ "desk", required_argument, NULL, OPT_DESK },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *recipient = NULL, *pw_file = NULL;
	char *desks[SZ_STORE_DESKS_MAX];
	size_t ndesks = 0;
	int c;
	while ((c = cli_getopt(argc, argv, "editor", "d:h", longopts)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case OPT_RECIPIENT: recipient = optarg; break;
		case OPT_PWFILE: pw_file = optarg; break;
		case OPT_DESK:
			if (ndesks == SZ_STORE_DESKS_MAX)
				return cli_usage("editor", "more than %d desks",
					SZ_STORE_DESKS_MAX);
			desks[ndesks++] = optarg;
			break;
		case 'h': fputs(usage, stdout); return 0;
		default: return SZ_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage("editor", "say add, list, remove, reset-totp, "
			"unlock or verify");
	const char *verb = argv[optind++];
	int nargs = argc - optind;
	struct {
		const char *verb;
		int nargs;
	} const shapes[] = { { "add", 1 }, { "list", 0 }, { "remove", 1 },
		{ "reset-totp", 1 }, { "verify", 2 }, { "unlock", 1 } };
	bool known = false;
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		if (strcmp(verb, shapes[i].verb) == 0 && nargs == shapes[i].nargs)
			known = true;
	if (!known)
		return cli_usage("editor", "wrong use of \"%s\"", verb);

	struct sz_instance in;
	struct sz_err err;
	if (sz_totp_init(&err) != SZ_OK ||
	    sz_instance_open(&in, cli_instance_dir(dir), &err) != SZ_OK)
		return cli_fail("editor", "%s", err.msg);
	struct sz_store *st = in.store;
	int status = 0;
	if (strcmp(verb, "add") == 0) {
		status = add(&in, argv[optind], recipient, pw_file, desks,
			ndesks);
	} else if (strcmp(verb, "remove") == 0) {
		if (st->ops->editor_remove(st, argv[optind], &err) != SZ_OK) {
			status = cli_fail("editor", "%s", err.msg);
		} else {
			st->ops->audit_add(st, ACTOR, "editor remove",
				argv[optind], NULL);
			printf("Removed editor %s and its recipient.\n",
				argv[optind]);
		}
	} else if (strcmp(verb, "reset-totp") == 0) {
		status = reset_totp(&in, argv[optind]);
	} else if (strcmp(verb, "unlock") == 0) {
		if (st->ops->editor_set_failures(st, argv[optind], 0, &err) !=
		    SZ_OK) {
			status = cli_fail("editor", "%s", err.msg);
		} else {
			st->ops->audit_add(st, ACTOR, "editor unlock",
				argv[optind], NULL);
			printf("Unlocked editor %s; the TOTP secret is unchanged.\n",
				argv[optind]);
		}
	} else if (strcmp(verb, "verify") == 0) {
		status = verify(&in, argv[optind], argv[optind + 1]);
	} else {
		struct sz_editor_row *rows;
		size_t n;
		if (st->ops->editor_list(st, &rows, &n, &err) != SZ_OK) {
			status = cli_fail("editor", "%s", err.msg);
		} else {
			for (size_t i = 0; i < n; i++)
				printf("%s\t%s\t%s\n", rows[i].name,
					rows[i].recipient, rows[i].created_day);
			free(rows);
		}
	}
	sz_instance_close(&in);
	return status;
}

static const char audit_usage[] =
	"Usage: samizdat audit [-d DIR]\n"
	"\n"
	"Prints the audit log: what editors and administrators did, when (UTC,\n"
	"to the minute), oldest first.  It never records anything about a\n"
	"source beyond its designation.\n";

int sz_cmd_audit(int argc, char **argv)
{
	const char *dir;
	int parsed = cli_dir_only(argc, argv, "audit", audit_usage, &dir);
	if (parsed >= 0)
		return parsed;
	if (optind != argc)
		return cli_usage("audit", "unexpected argument \"%s\"",
			argv[optind]);
	struct sz_instance in;
	struct sz_err err;
	struct sz_audit_row *rows;
	size_t n;
	if (sz_instance_open(&in, cli_instance_dir(dir), &err) != SZ_OK)
		return cli_fail("audit", "%s", err.msg);
	int status = 0;
	if (in.store->ops->audit_list(in.store, &rows, &n, &err) != SZ_OK) {
		status = cli_fail("audit", "%s", err.msg);
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%s  %-22s  %-18s  %s\n", rows[i].at, rows[i].actor,
				rows[i].action, rows[i].detail);
		free(rows);
	}
	sz_instance_close(&in);
	return status;
}
