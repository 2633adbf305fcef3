/*
 * instance.c - `samizdat init` and `samizdat recipient`: creating an
 * instance and registering the editors' public keys (recipients) that
 * every submission is encrypted to.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "crypto/age_keys.h"
#include "store/instance.h"

static const char init_usage[] =
	"Usage: samizdat init DIR\n"
	"\n"
	"Creates an instance in DIR (mode 0700): the settings file\n"
	"samizdat.conf, a random per-instance salt and key (instance.key), the\n"
	"database and the tree of encrypted files.  Then register at least one\n"
	"editor's recipient with `samizdat recipient add`.\n";

int sz_cmd_init(int argc, char **argv)
{
	struct sz_err err;
	if (argc == 2 && (strcmp(argv[1], "-h") == 0 ||
		    strcmp(argv[1], "--help") == 0)) {
		fputs(init_usage, stdout);
		return 0;
	}
	if (argc != 2)
		return cli_usage("init", "give the directory to create");
	if (sz_instance_create(argv[1], &err) != SZ_OK)
		return cli_fail("init", "%s", err.msg);
	printf("Created a samizdat instance in %s.\n"
		"Next: register an editor's public key, which every submission "
		"will be encrypted to:\n"
		"  samizdat keygen -o editor.key        (on the editor's own, "
		"ideally offline, machine)\n"
		"  samizdat recipient add -d %s NAME age1...\n"
		"then: samizdat serve -d %s\n", argv[1], argv[1], argv[1]);
	return 0;
}

static const char recipient_usage[] =
	"Usage: samizdat recipient add [-d DIR] NAME RECIPIENT\n"
	"       samizdat recipient list [-d DIR]\n"
	"       samizdat recipient remove [-d DIR] NAME\n"
	"\n"
	"Manages the editors' public keys (age1…, from samizdat keygen or\n"
	"age-keygen).  Every submission is encrypted to all of them; the server\n"
	"never holds a key that can decrypt.  The source face refuses\n"
	"submissions while none is registered.\n"
	"\n"
	"  -d, --dir DIR   the instance (default $SAMIZDAT_DIR, or\n"
	"                  /var/lib/samizdat)\n";

bool cli_valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > SZ_STORE_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

int sz_cmd_recipient(int argc, char **argv)
{
	const char *dir;
	int parsed = cli_dir_only(argc, argv, "recipient", recipient_usage, &dir);
	if (parsed >= 0)
		return parsed;
	if (optind >= argc)
		return cli_usage("recipient", "say add, list or remove");
	const char *verb = argv[optind++];
	int nargs = argc - optind;
	if (!((strcmp(verb, "add") == 0 && nargs == 2) ||
		    (strcmp(verb, "list") == 0 && nargs == 0) ||
		    (strcmp(verb, "remove") == 0 && nargs == 1)))
		return cli_usage("recipient", "wrong use of \"%s\"", verb);

	struct sz_instance in;
	struct sz_err err;
	if (sz_instance_open(&in, cli_instance_dir(dir), &err) != SZ_OK)
		return cli_fail("recipient", "%s", err.msg);
	struct sz_store *st = in.store;
	int status = 0;
	if (strcmp(verb, "add") == 0) {
		const char *name = argv[optind], *key = argv[optind + 1];
		struct sz_age_recipient *r;
		char canon[SZ_AGE_RECIPIENT_STR_SIZE];
		if (!cli_valid_name(name)) {
			status = cli_usage("recipient", "a name must have 1 to "
				"%d printable characters", SZ_STORE_NAME_MAX);
		} else if (sz_age_recipient_parse(key, &r, &err) != SZ_OK) {
			status = cli_fail("recipient", "%s", err.msg);
		} else {
			sz_age_recipient_format(r, canon);
			sz_age_recipient_free(r);
			if (st->ops->recipient_add(st, name, canon, &err) != SZ_OK)
				status = cli_fail("recipient", "%s", err.msg);
			else
				printf("Added %s: %s\n", name, canon);
		}
	} else if (strcmp(verb, "remove") == 0) {
		if (st->ops->recipient_remove(st, argv[optind], &err) != SZ_OK)
			status = cli_fail("recipient", "%s", err.msg);
		else
			printf("Removed %s. Submissions from now on are not "
				"encrypted to it.\n", argv[optind]);
	} else {
		struct sz_recipient_row *rows;
		size_t n;
		if (st->ops->recipient_list(st, &rows, &n, &err) != SZ_OK) {
			status = cli_fail("recipient", "%s", err.msg);
		} else {
			for (size_t i = 0; i < n; i++)
				printf("%s\t%s\t%s\n", rows[i].name,
					rows[i].recipient, rows[i].added_day);
			if (n == 0)
				fprintf(stderr, "No recipients: the source face "
					"refuses submissions until one is "
					"added.\n");
			free(rows);
		}
	}
	sz_instance_close(&in);
	return status;
}

static const char purge_usage[] =
	"Usage: samizdat purge [-d DIR] [--days N]\n"
	"\n"
	"Deletes submissions older than the instance's retention_days (or N\n"
	"days): their database rows, then their encrypted files, overwritten\n"
	"where the file system allows.  `samizdat serve` does this by itself at\n"
	"start-up and every hour.\n";

int sz_cmd_purge(int argc, char **argv)
{
	enum { OPT_DAYS = 256 };
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "days", required_argument, NULL, OPT_DAYS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL;
	long days = 0;
	int c;
	char *end;
	while ((c = cli_getopt(argc, argv, "purge", "d:h", longopts)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case OPT_DAYS:
			days = strtol(optarg, &end, 10);
			if (*end != '\0' || days < 1 || days > 36500)
				return cli_usage("purge", "--days takes a whole "
					"number from 1 to 36500");
			break;
		case 'h': fputs(purge_usage, stdout); return 0;
		default: return SZ_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return cli_usage("purge", "unexpected argument \"%s\"",
			argv[optind]);
	struct sz_instance in;
	struct sz_err err;
	size_t subs = 0, files = 0;
	if (sz_instance_open(&in, cli_instance_dir(dir), &err) != SZ_OK)
		return cli_fail("purge", "%s", err.msg);
	int status = 0;
	unsigned d = days ? (unsigned)days : (unsigned)in.cfg.retention_days;
	if (sz_instance_purge(&in, d, &subs, &files, &err) != SZ_OK) {
		status = cli_fail("purge", "%s", err.msg);
	} else {
		char detail[96];
		snprintf(detail, sizeof(detail), "%zu submissions older than %u "
			"days", subs, d);
		in.store->ops->audit_add(in.store, "admin (command line)",
			"purge", detail, NULL);
		printf("Deleted %zu submission%s (%zu file%s) older than %u "
			"days.\n", subs, subs == 1 ? "" : "s", files,
			files == 1 ? "" : "s", d);
	}
	sz_instance_close(&in);
	return status;
}
