/*
 * cli.h - the samizdat sub-commands and the small pieces they share:
 * opening inputs and outputs, pumping a file through a stream, asking for
 * a passphrase on the terminal.
 */
#ifndef SZ_CLI_CLI_H
#define SZ_CLI_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/io.h"

/* Exit statuses: 0 success, 1 failure of the operation, 2 bad usage. */
#define SZ_EXIT_FAIL 1
#define SZ_EXIT_USAGE 2

int sz_cmd_keygen(int argc, char **argv);
int sz_cmd_encrypt(int argc, char **argv);
int sz_cmd_decrypt(int argc, char **argv);
int sz_cmd_init(int argc, char **argv);
int sz_cmd_config(int argc, char **argv);
int sz_cmd_recipient(int argc, char **argv);
int sz_cmd_serve(int argc, char **argv);
int sz_cmd_purge(int argc, char **argv);
int sz_cmd_editor(int argc, char **argv);
int sz_cmd_audit(int argc, char **argv);
int sz_cmd_forum(int argc, char **argv);
int sz_cmd_desk(int argc, char **argv);
int sz_cmd_inbox(int argc, char **argv);
int sz_cmd_inspect(int argc, char **argv);
int sz_cmd_scrub(int argc, char **argv);
int sz_cmd_extract(int argc, char **argv);
int sz_cmd_summarize(int argc, char **argv);
int sz_cmd_release(int argc, char **argv);
int sz_cmd_mirror(int argc, char **argv);

/* getopt_long for every command: getopt prints nothing itself; an
 * unknown option, or one missing its value, is reported once, naming it
 * ("unknown option --bogus", "option -d needs a value"), with the pointer
 * to --help.  Returns the option, -1 after the last, or '?' once the
 * error is printed (the caller returns SZ_EXIT_USAGE).  opts may start
 * with '+' (stop at the first operand). */
struct option;
int cli_getopt(int argc, char **argv, const char *cmd, const char *opts,
	const struct option *longopts);

/* Parses the options of a command that takes only -d DIR and -h: returns
 * -1 to go on (with *dir set and optind at the first operand), or the exit
 * status to return (after --help, or a usage error). */
int cli_dir_only(int argc, char **argv, const char *cmd, const char *usage,
	const char **dir);

/* 1 to SZ_STORE_NAME_MAX printable characters (editor and recipient
 * names). */
bool cli_valid_name(const char *s);

/* The instance directory: -d DIR if given, else $SAMIZDAT_DIR, else
 * /var/lib/samizdat. */
const char *cli_instance_dir(const char *opt);

/* Prints "samizdat CMD: " and the message to stderr; returns SZ_EXIT_FAIL. */
int cli_fail(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Prints a usage error with a pointer to --help; returns SZ_EXIT_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Opens path for reading, or standard input for NULL or "-"; -1 on error
 * (with the message in err). */
int cli_open_input(const char *path, struct sz_err *err);

/* Standard output, or a file that appears only when committed. */
struct cli_output {
	int fd;
	bool is_file;
	bool is_device;
	struct sz_outfile file;
	struct sz_writer w;   /* buffered, aligned writes to fd */
};
int cli_output_open(struct cli_output *o, const char *path, int mode,
	struct sz_err *err);
int cli_output_commit(struct cli_output *o, struct sz_err *err);
void cli_output_abort(struct cli_output *o);

/* A sink that writes to an output (ctx is the struct cli_output). */
int cli_output_sink(void *ctx, const uint8_t *data, size_t len);

typedef int (*cli_update_fn)(void *obj, const uint8_t *data, size_t len,
	struct sz_err *err);
/* Reads fd to its end and feeds each piece to update. */
int cli_pump(int fd, cli_update_fn update, void *obj, struct sz_err *err);

/* Reads a passphrase from the terminal without echo (twice if confirm),
 * or the first line of file when file is not NULL.  buf must hold cap
 * bytes; the caller wipes it. */
int cli_passphrase(const char *file, bool confirm, char *buf, size_t cap,
	size_t *len, struct sz_err *err);

/* How many worker threads a stream may use here (1 or 2). */
unsigned cli_threads(void);

/* Locks the calling process in as a process under check would be. */
typedef int (*cli_lock_fn)(void *ctx, struct sz_err *err);
/* `sandbox-check`: in a child of its own for each, locks in with lock
 * and tries what the process must not do (read the instance's secrets,
 * write outside its folders, connect out, execve, ptrace, and the parts
 * of the instance in dir it does not hold: parts are SZ_PART_...), and
 * what it must (the parts it holds, its input if not NULL, and, if
 * not NULL, the one program it may run and the folder it may write).
 * Prints one line each; 0 if every forbidden attempt was stopped and
 * every other worked, else SZ_EXIT_FAIL (sandbox_try.c). */
struct cli_may {
	const char *input;        /* a file it reads */
	const char *program;      /* the one program it may execute */
	const char *folder;       /* a folder of its own it writes */
};
int cli_sandbox_check(const char *who, const char *dir, unsigned parts,
	const struct cli_may *may, cli_lock_fn lock, void *ctx);
int sz_cmd_sandbox_check(int argc, char **argv);
int sz_cmd_doc_sandbox_check(int argc, char **argv);

#endif
