/*
 * keygen.c - `samizdat keygen`: a new X25519 identity in the age format,
 * compatible with age-keygen's files.  No creation time is written: a key
 * file should say nothing about when or where it was made.
 */
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "crypto/age_keyfile.h"
#include "crypto/age_keys.h"

static const char usage[] =
	"Usage: samizdat keygen [-o FILE]\n"
	"       samizdat keygen -y [IDENTITY_FILE]\n"
	"\n"
	"Generates an age identity (a secret key, AGE-SECRET-KEY-1…) and\n"
	"prints its recipient (the public key, age1…) that others encrypt to.\n"
	"\n"
	"  -o, --output FILE  write the identity to FILE (mode 0600; FILE must\n"
	"                     not exist) and print the recipient on standard\n"
	"                     output; without -o the identity goes to standard\n"
	"                     output and the recipient to standard error\n"
	"  -y                 print the recipients of the identities in\n"
	"                     IDENTITY_FILE (or standard input)\n"
	"  -h, --help         show this help\n";

static int convert(const char *path)
{
	struct sz_age_identities ids = {0};
	struct sz_err err;
	int status = 0;
	if (sz_age_identities_load(&ids, path ? path : "-", &err) != SZ_OK)
		return cli_fail("keygen", "%s", err.msg);
	for (size_t i = 0; i < ids.n; i++) {
		struct sz_age_recipient *r;
		char s[SZ_AGE_RECIPIENT_STR_SIZE];
		if (sz_age_identity_recipient(ids.v[i], &r, &err) != SZ_OK) {
			status = cli_fail("keygen", "%s", err.msg);
			break;
		}
		sz_age_recipient_format(r, s);
		printf("%s\n", s);
		sz_age_recipient_free(r);
	}
	sz_age_identities_free(&ids);
	return status;
}

int sz_cmd_keygen(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out_path = NULL;
	int to_public = 0, c;
	while ((c = cli_getopt(argc, argv, "keygen", "+o:yh", longopts)) != -1) {
		switch (c) {
		case 'o': out_path = optarg; break;
		case 'y': to_public = 1; break;
		case 'h': fputs(usage, stdout); return 0;
		default: return SZ_EXIT_USAGE;
		}
	}
	if (to_public) {
		if (out_path != NULL || argc - optind > 1)
			return cli_usage("keygen", "-y takes one file and no -o");
		return convert(optind < argc ? argv[optind] : NULL);
	}
	if (optind != argc)
		return cli_usage("keygen", "unexpected argument \"%s\"",
			argv[optind]);

	struct sz_age_identity *id = NULL;
	struct sz_age_recipient *r = NULL;
	struct sz_err err;
	struct sz_outfile file;
	char secret[SZ_AGE_IDENTITY_STR_SIZE], pub[SZ_AGE_RECIPIENT_STR_SIZE];
	char text[256];
	int status = SZ_EXIT_FAIL;

	if (sz_age_identity_generate(&id, &err) != SZ_OK ||
	    sz_age_identity_recipient(id, &r, &err) != SZ_OK) {
		cli_fail("keygen", "%s", err.msg);
		goto out;
	}
	sz_age_identity_format(id, secret);
	sz_age_recipient_format(r, pub);
	int n = snprintf(text, sizeof(text), "# public key: %s\n%s\n", pub,
		secret);
	if (out_path == NULL) {
		if (sz_write_all(STDOUT_FILENO, text, (size_t)n) != SZ_OK) {
			cli_fail("keygen", "cannot write the identity");
			goto out;
		}
		if (!isatty(STDOUT_FILENO))
			fprintf(stderr, "Public key: %s\n", pub);
		status = 0;
		goto out;
	}
	if (sz_outfile_open(&file, out_path, 0600, 0, &err) != SZ_OK) {
		cli_fail("keygen", "%s", err.msg);
		goto out;
	}
	if (sz_write_all(file.fd, text, (size_t)n) != SZ_OK) {
		sz_outfile_abort(&file);
		cli_fail("keygen", "cannot write %s", out_path);
		goto out;
	}
	if (sz_outfile_commit(&file, &err) != SZ_OK) {
		cli_fail("keygen", "%s", err.msg);
		goto out;
	}
	printf("%s\n", pub);
	status = 0;
out:
	sodium_memzero(secret, sizeof(secret));
	sodium_memzero(text, sizeof(text));
	sz_age_recipient_free(r);
	sz_age_identity_free(id);
	return status;
}
