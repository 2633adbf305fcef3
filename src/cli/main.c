/*
 * main.c - the samizdat command: one binary, one table of sub-commands.
 */
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/child.h"
#include "core/config.h"
#include "core/io.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* The limits samizdat-doc runs under: the settings of the instance the
 * command names (-d DIR, --dir DIR, or the usual places: cli.h), else
 * the defaults. */
static void doc_limits(int argc, char **argv, struct sz_child_limits *l)
{
	const char *dir = NULL;
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if ((strcmp(argv[i], "-d") == 0 || strcmp(argv[i], "--dir") == 0) &&
		    i + 1 < argc)
			dir = argv[i + 1];
		else if (strncmp(argv[i], "--dir=", 6) == 0)
			dir = argv[i] + 6;
	}
	struct sz_config c;
	if (sz_config_load(&c, cli_instance_dir(dir), NULL) != SZ_OK)
		sz_config_defaults(&c);
	sz_child_limits_of(&c, l);
}

/*
 * The document commands live in samizdat-doc, beside this program: they
 * parse hostile files with large libraries, in their own process (see
 * doc_main.c), under limits of memory, CPU, file size and open files,
 * and a wall-clock limit this process enforces (core/child.h).  argv[0]
 * is the command's name.
 */
static int run_doc_tool(int argc, char **argv)
{
	char tool[4200];
	struct sz_child_limits l;
	struct sz_err err;
	sz_sibling_program("samizdat-doc", "SAMIZDAT_DOC", tool, sizeof(tool));
	doc_limits(argc, argv, &l);
	if (access(tool, X_OK) != 0)
		return cli_fail(argv[0], "cannot run %s: %s (it is installed beside "
			"samizdat or in %s)", tool, strerror(errno), SZ_HELPER_DIR);
	char **args = calloc((size_t)argc + 2, sizeof(*args));
	if (args == NULL)
		return cli_fail(argv[0], "out of memory");
	args[0] = tool;
	for (int i = 0; i < argc; i++)
		args[i + 1] = argv[i];
	int status = 0;
	const char *why = NULL;
	int rc = sz_child_run(args, &l, NULL, &status, &why, &err);
	free(args);
	if (rc != SZ_OK)
		return cli_fail(argv[0], "%s (samizdat-doc is installed beside "
			"samizdat or in %s)", err.msg, SZ_HELPER_DIR);
	if (status == 127 && why == NULL)
		return cli_fail(argv[0], "cannot run %s (it is installed beside "
			"samizdat or in %s)", tool, SZ_HELPER_DIR);
	if (why != NULL)
		return cli_fail(argv[0], "samizdat-doc was stopped: %s; nothing "
			"of that document was kept", why);
	return status;
}

static const struct command commands[] = {
	{ "keygen", sz_cmd_keygen, "generate an age identity for an editor" },
	{ "encrypt", sz_cmd_encrypt, "encrypt a file in the age format" },
	{ "decrypt", sz_cmd_decrypt, "decrypt an age file" },
	{ "init", sz_cmd_init, "create an instance directory" },
	{ "config", sz_cmd_config,
	  "check an instance's settings and say where they come from" },
	{ "recipient", sz_cmd_recipient,
	  "add, list or remove the editors' public keys" },
	{ "serve", sz_cmd_serve, "run the web faces" },
	{ "sandbox-check", sz_cmd_sandbox_check,
	  "show that a face's sandbox stops what it must" },
	{ "purge", sz_cmd_purge, "delete submissions past their retention" },
	{ "editor", sz_cmd_editor,
	  "add, list or remove editors; reset or check their TOTP" },
	{ "audit", sz_cmd_audit, "print the log of editors' actions" },
	{ "forum", sz_cmd_forum,
	  "boards, roles, titles, badges and invitations of the forum" },
	{ "inbox", sz_cmd_inbox,
	  "list the inbox's sources and their items' encrypted files" },
	{ "desk", sz_cmd_desk,
	  "add, list or remove desks: groups of editors a source may choose" },
	{ "inspect", run_doc_tool, "list the identifying metadata in files" },
	{ "scrub", run_doc_tool, "copy files without identifying metadata" },
	{ "extract", run_doc_tool, "print the text of a document" },
	{ "summarize", run_doc_tool,
	  "print a document's summary and reading time" },
	{ "release", run_doc_tool,
	  "create, fill, publish and list releases of the public archive" },
	{ "mirror", sz_cmd_mirror,
	  "export, sign, check and seed copies of the public archive" },
};

static void help(FILE *f)
{
	fputs("samizdat - anonymous submissions, a newsroom inbox, and a\n"
	      "censorship-resistant public archive, in one program.\n\n"
	      "Usage: samizdat COMMAND [OPTIONS]\n\nCommands:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fputs("\n'samizdat COMMAND --help' tells more about each.\n", f);
}

int main(int argc, char **argv)
{
	/* Whatever the caller's umask, what samizdat creates (the instance's
	 * databases with their -wal and -shm, directories, files) is for
	 * its own user only.  Outputs meant for others set their mode. */
	umask(077);
	if (sodium_init() < 0) {
		fputs("samizdat: cannot initialise libsodium\n", stderr);
		return SZ_EXIT_FAIL;
	}
	if (argc < 2) {
		help(stderr);
		return SZ_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
	    strcmp(name, "help") == 0) {
		help(stdout);
		return 0;
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		printf("samizdat %s\n", SZ_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(name, commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "samizdat: unknown command \"%s\"\n", name);
	help(stderr);
	return SZ_EXIT_USAGE;
}
