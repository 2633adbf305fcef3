/*
 * config.c - `samizdat config`: checks an instance's settings and says
 * which file they come from, so an operator can test an edit before
 * restarting the server; `--defaults` prints the template `init` writes
 * (the Debian package's /etc/samizdat/samizdat.conf is made with it).
 *
 * It reads the settings only: not the instance's key or databases.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/config.h"

static const char usage[] =
	"Usage: samizdat config [-d DIR]\n"
	"       samizdat config --defaults\n"
	"\n"
	"Checks the settings of the instance in DIR and prints them, with the\n"
	"file they come from: $SAMIZDAT_CONFIG if set, else DIR/samizdat.conf,\n"
	"else (for an instance without one, as the Debian package makes)\n"
	"the system-wide " SZ_CONFIG_SYSTEM ".\n"
	"Run it after editing the settings, before restarting the server.\n"
	"\n"
	"  -d, --dir DIR   the instance (default $SAMIZDAT_DIR, or\n"
	"                  /var/lib/samizdat)\n"
	"      --defaults  print every setting with its default and range, as\n"
	"                  `samizdat init` writes them\n";

/* Large enough for every setting with its comment, and every
 * introduction at its longest. */
#define CONFIG_TEXT_MAX (SZ_CONFIG_MAX_SIZE + 16384)

int sz_cmd_config(int argc, char **argv)
{
	enum { OPT_DEFAULTS = 256 };
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "defaults", no_argument, NULL, OPT_DEFAULTS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL;
	bool defaults = false;
	int c;
	while ((c = cli_getopt(argc, argv, "config", "d:h", longopts)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case OPT_DEFAULTS: defaults = true; break;
		case 'h': fputs(usage, stdout); return 0;
		default: return SZ_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return cli_usage("config", "unexpected argument \"%s\"",
			argv[optind]);
	if (defaults && dir != NULL)
		return cli_usage("config", "--defaults takes no instance");

	static struct sz_config cfg;
	static char text[CONFIG_TEXT_MAX];
	struct sz_err err;
	char path[4096];
	if (defaults) {
		sz_config_defaults(&cfg);
	} else {
		dir = cli_instance_dir(dir);
		if (sz_config_load(&cfg, dir, &err) != SZ_OK)
			return cli_fail("config", "%s", err.msg);
		sz_config_path(dir, path, sizeof(path));
	}
	int n = sz_config_format(&cfg, text, sizeof(text));
	if (n < 0)
		return cli_fail("config", "the settings do not fit in %d bytes",
			CONFIG_TEXT_MAX);
	if (!defaults)
		printf("# The settings of %s, read from %s: valid.\n", dir,
			path);
	fwrite(text, 1, (size_t)n, stdout);
	return fflush(stdout) == 0 ? 0 : cli_fail("config", "cannot write "
		"the settings");
}
