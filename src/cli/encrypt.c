/*
 * encrypt.c - `samizdat encrypt`, with age's flags: -r, -R, -i, -p, -a, -o.
 * The output file appears only once it is complete.
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
	"Usage: samizdat encrypt [-a] [-o OUTPUT] (-r RECIPIENT | -R FILE |\n"
	"                        -i IDENTITY_FILE)... [INPUT]\n"
	"       samizdat encrypt -p [--passphrase-file FILE] [-a] [-o OUTPUT]\n"
	"                        [INPUT]\n"
	"\n"
	"Encrypts INPUT (or standard input) in the age format, readable by\n"
	"`age -d` and `samizdat decrypt`.\n"
	"\n"
	"  -r, --recipient R     encrypt to the recipient R (age1…); repeatable\n"
	"  -R, --recipients-file FILE  encrypt to every recipient in FILE\n"
	"  -i, --identity FILE   encrypt to the recipients of the identities\n"
	"  -p, --passphrase      encrypt with a passphrase asked on the terminal\n"
	"      --passphrase-file FILE  with -p: read the passphrase from FILE\n"
	"  -a, --armor           write PEM-style ASCII armor\n"
	"  -o, --output FILE     write to FILE instead of standard output\n"
	"  -h, --help            show this help\n";

struct enc_job {
	struct sz_age_recipients rcpts;
	int passphrase;
	const char *pass_file;
	struct sz_age_opts opts;
	const char *out_path, *in_path;
};

static int add_identity_recipients(struct sz_age_recipients *list,
	const char *path, struct sz_err *err)
{
	struct sz_age_identities ids = {0};
	int rc = sz_age_identities_load(&ids, path, err);
	for (size_t i = 0; rc == SZ_OK && i < ids.n; i++) {
		struct sz_age_recipient *r;
		rc = sz_age_identity_recipient(ids.v[i], &r, err);
		if (rc == SZ_OK)
			rc = sz_age_recipients_add(list, r, err);
	}
	sz_age_identities_free(&ids);
	return rc;
}

static int encrypt_update(void *e, const uint8_t *d, size_t n,
	struct sz_err *err)
{
	return sz_age_encrypt_update(e, d, n, err);
}

static int run(struct enc_job *job)
{
	struct sz_err err;
	struct cli_output out;
	struct sz_age_encryptor *enc = NULL;
	int in = -1, status = SZ_EXIT_FAIL;

	if (job->passphrase) {
		char *pass = sodium_malloc(SZ_AGE_MAX_PASSPHRASE + 1);
		size_t len = 0;
		struct sz_age_recipient *r = NULL;
		int rc = pass == NULL ? sz_err_set(&err, SZ_E_NOMEM,
				"out of memory") :
			cli_passphrase(job->pass_file, true, pass,
				SZ_AGE_MAX_PASSPHRASE + 1, &len, &err);
		if (rc == SZ_OK)
			rc = sz_age_recipient_passphrase(pass, len, 0, &r, &err);
		if (pass != NULL)
			sodium_free(pass);
		if (rc == SZ_OK)
			rc = sz_age_recipients_add(&job->rcpts, r, &err);
		if (rc != SZ_OK)
			return cli_fail("encrypt", "%s", err.msg);
	}
	in = cli_open_input(job->in_path, &err);
	if (in < 0)
		return cli_fail("encrypt", "%s", err.msg);
	if (cli_output_open(&out, job->out_path, 0644, &err) != SZ_OK) {
		cli_fail("encrypt", "%s", err.msg);
		goto done;
	}
	if (sz_age_encrypt_begin(&enc, job->rcpts.v, job->rcpts.n, &job->opts,
		    cli_output_sink, &out, &err) != SZ_OK ||
	    cli_pump(in, encrypt_update, enc, &err) != SZ_OK ||
	    sz_age_encrypt_finish(enc, &err) != SZ_OK ||
	    cli_output_commit(&out, &err) != SZ_OK) {
		cli_output_abort(&out);
		cli_fail("encrypt", "%s", err.msg);
		goto done;
	}
	status = 0;
done:
	sz_age_encrypt_free(enc);
	if (in > STDIN_FILENO)
		close(in);
	return status;
}

int sz_cmd_encrypt(int argc, char **argv)
{
	enum { OPT_PASSFILE = 256 };
	static const struct option longopts[] = {
		{ "recipient", required_argument, NULL, 'r' },
		{ "recipients-file", required_argument, NULL, 'R' },
		{ "identity", required_argument, NULL, 'i' },
		{ "passphrase", no_argument, NULL, 'p' },
		{ "passphrase-file", required_argument, NULL, OPT_PASSFILE },
		{ "armor", no_argument, NULL, 'a' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct enc_job job;
	struct sz_err err;
	int c, status;
	memset(&job, 0, sizeof(job));
	job.opts.threads = cli_threads();

	while ((c = cli_getopt(argc, argv, "encrypt", "r:R:i:pao:h", longopts)) != -1) {
		struct sz_age_recipient *r;
		int rc = SZ_OK;
		switch (c) {
		case 'r':
			rc = sz_age_recipient_parse(optarg, &r, &err);
			if (rc == SZ_OK)
				rc = sz_age_recipients_add(&job.rcpts, r, &err);
			break;
		case 'R':
			rc = sz_age_recipients_load(&job.rcpts, optarg, &err);
			break;
		case 'i':
			rc = add_identity_recipients(&job.rcpts, optarg, &err);
			break;
		case 'p': job.passphrase = 1; break;
		case OPT_PASSFILE: job.pass_file = optarg; break;
		case 'a': job.opts.armor = true; break;
		case 'o': job.out_path = optarg; break;
		case 'h':
			fputs(usage, stdout);
			sz_age_recipients_free(&job.rcpts);
			return 0;
		default:
			sz_age_recipients_free(&job.rcpts);
			return SZ_EXIT_USAGE;
		}
		if (rc != SZ_OK) {
			sz_age_recipients_free(&job.rcpts);
			return cli_usage("encrypt", "%s", err.msg);
		}
	}
	if (argc - optind > 1)
		status = cli_usage("encrypt", "give at most one input file");
	else if (job.passphrase && job.rcpts.n > 0)
		status = cli_usage("encrypt",
			"-p cannot be combined with -r, -R or -i");
	else if (!job.passphrase && job.rcpts.n == 0)
		status = cli_usage("encrypt", "give a recipient with -r, -R or "
			"-i, or a passphrase with -p");
	else if (job.pass_file != NULL && !job.passphrase)
		status = cli_usage("encrypt", "--passphrase-file needs -p");
	else if (!job.opts.armor && (job.out_path == NULL ||
		    strcmp(job.out_path, "-") == 0) && isatty(STDOUT_FILENO))
		status = cli_usage("encrypt", "refusing to write binary "
			"ciphertext to a terminal; use -a or -o FILE");
	else {
		job.in_path = optind < argc ? argv[optind] : NULL;
		status = run(&job);
	}
	sz_age_recipients_free(&job.rcpts);
	return status;
}
