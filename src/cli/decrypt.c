/*
 * decrypt.c - `samizdat decrypt`, with age's flags: -i and -o.  Armor is
 * detected.  With -o, a file that fails to decrypt part-way leaves nothing
 * behind; on standard output what was authenticated before the failure has
 * been written, and the exit status says it failed.
 */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "crypto/age.h"
#include "crypto/age_keyfile.h"

static const char usage[] =
	"Usage: samizdat decrypt [-i IDENTITY_FILE]... [-o OUTPUT] [INPUT]\n"
	"       samizdat decrypt [--passphrase-file FILE] [-o OUTPUT] [INPUT]\n"
	"\n"
	"Decrypts an age file (binary or armored) from INPUT or standard\n"
	"input.  Without -i the file must be passphrase-encrypted, and the\n"
	"passphrase is asked on the terminal.\n"
	"\n"
	"  -i, --identity FILE   an identity file (AGE-SECRET-KEY-1… lines, as\n"
	"                        written by samizdat keygen or age-keygen);\n"
	"                        repeatable\n"
	"      --passphrase-file FILE  read the passphrase from FILE\n"
	"  -o, --output FILE     write to FILE, which appears only if the whole\n"
	"                        file decrypts\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit status: 0 on success, 1 if decryption failed (the message says\n"
	"why: no identity matched, header corrupted, payload corrupted or\n"
	"truncated), 2 on a usage error.\n";

struct ask_ctx {
	const char *file;
};

static int ask(void *ctx, char *buf, size_t cap, size_t *len)
{
	struct ask_ctx *a = ctx;
	struct sz_err err;
	int rc = cli_passphrase(a->file, false, buf, cap, len, &err);
	if (rc != SZ_OK)
		fprintf(stderr, "samizdat decrypt: %s\n", err.msg);
	return rc;
}

static int decrypt_update(void *d, const uint8_t *data, size_t n,
	struct sz_err *err)
{
	return sz_age_decrypt_update(d, data, n, err);
}

static int run(struct sz_age_identities *ids, bool by_passphrase,
	const char *in_path, const char *out_path)
{
	struct sz_err err;
	struct cli_output out;
	struct sz_age_decryptor *dec = NULL;
	struct sz_age_opts opts = { .threads = cli_threads() };
	int status = SZ_EXIT_FAIL;
	int in = cli_open_input(in_path, &err);
	if (in < 0)
		return cli_fail("decrypt", "%s", err.msg);
	if (cli_output_open(&out, out_path, 0600, &err) != SZ_OK) {
		cli_fail("decrypt", "%s", err.msg);
		goto done;
	}
	if (sz_age_decrypt_begin(&dec, ids->v, ids->n, &opts, cli_output_sink,
		    &out, &err) != SZ_OK ||
	    cli_pump(in, decrypt_update, dec, &err) != SZ_OK ||
	    sz_age_decrypt_finish(dec, &err) != SZ_OK ||
	    cli_output_commit(&out, &err) != SZ_OK) {
		cli_output_abort(&out);
		if (by_passphrase && err.code == SZ_E_NO_MATCH)
			cli_fail("decrypt", "the file is not encrypted with a "
				"passphrase: give its identity with -i FILE");
		else
			cli_fail("decrypt", "%s", err.msg);
		goto done;
	}
	status = 0;
done:
	sz_age_decrypt_free(dec);
	if (in > STDIN_FILENO)
		close(in);
	return status;
}

int sz_cmd_decrypt(int argc, char **argv)
{
	enum { OPT_PASSFILE = 256 };
	static const struct option longopts[] = {
		{ "identity", required_argument, NULL, 'i' },
		{ "passphrase-file", required_argument, NULL, OPT_PASSFILE },
		{ "output", required_argument, NULL, 'o' },
		{ "decrypt", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sz_age_identities ids = {0};
	struct ask_ctx actx = { NULL };
	struct sz_err err;
	const char *out_path = NULL;
	int c, status;
	bool by_passphrase = false;

	while ((c = cli_getopt(argc, argv, "decrypt", "i:o:dh", longopts)) != -1) {
		switch (c) {
		case 'i':
			if (sz_age_identities_load(&ids, optarg, &err) != SZ_OK) {
				sz_age_identities_free(&ids);
				return cli_fail("decrypt", "%s", err.msg);
			}
			break;
		case OPT_PASSFILE: actx.file = optarg; break;
		case 'o': out_path = optarg; break;
		case 'd': break; /* accepted for age compatibility */
		case 'h':
			fputs(usage, stdout);
			sz_age_identities_free(&ids);
			return 0;
		default:
			sz_age_identities_free(&ids);
			return SZ_EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		sz_age_identities_free(&ids);
		return cli_usage("decrypt", "give at most one input file");
	}
	if (ids.n > 0 && actx.file != NULL) {
		sz_age_identities_free(&ids);
		return cli_usage("decrypt",
			"--passphrase-file cannot be combined with -i");
	}
	if (ids.n == 0) {
		struct sz_age_identity *id;
		if (sz_age_identity_passphrase(NULL, 0, ask, &actx, &id,
			    &err) != SZ_OK ||
		    sz_age_identities_add(&ids, id, &err) != SZ_OK)
			return cli_fail("decrypt", "%s", err.msg);
		by_passphrase = true;
	}
	status = run(&ids, by_passphrase, optind < argc ? argv[optind] : NULL, out_path);
	sz_age_identities_free(&ids);
	return status;
}
