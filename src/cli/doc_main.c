/*
 * doc_main.c - samizdat-doc, the document pipeline's own program: inspect,
 * scrub, extract, summarize.  `samizdat inspect ...` and the others run
 * it.  Kept apart because it parses hostile files with large libraries
 * (poppler, qpdf, libxml2, GMime): a fault there stays in a short-lived
 * process that holds no keys, and the main program does not load them.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "docs/doc.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} tools[] = {
	{ "inspect", sz_cmd_inspect },
	{ "scrub", sz_cmd_scrub },
	{ "extract", sz_cmd_extract },
	{ "summarize", sz_cmd_summarize },
	{ "release", sz_cmd_release },
	{ "sandbox-check", sz_cmd_doc_sandbox_check },
};

int main(int argc, char **argv)
{
	umask(077);   /* as samizdat: the archive it writes is private */
	if (sodium_init() < 0) {
		fputs("samizdat: cannot initialise libsodium\n", stderr);
		return SZ_EXIT_FAIL;
	}
	sz_doc_init();
	for (size_t i = 0; argc >= 2 && i < sizeof(tools) / sizeof(tools[0]); i++)
		if (strcmp(argv[1], tools[i].name) == 0)
			return tools[i].run(argc - 1, argv + 1);
	fputs("Usage: samizdat-doc inspect|scrub|extract|summarize|release ...\n"
	      "(normally run as `samizdat inspect ...`)\n", stderr);
	return SZ_EXIT_USAGE;
}
