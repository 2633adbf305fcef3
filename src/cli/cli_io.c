/*
 * cli_io.c - input, output and passphrases for the command-line tools.
 * The passphrase is read from /dev/tty, not standard input, so that
 * standard input stays free for the data (as age does).
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define PUMP_SIZE (1024 * 1024)

__attribute__((format(printf, 2, 0)))
static void vsay(const char *cmd, const char *fmt, va_list ap)
{
	fprintf(stderr, "samizdat %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int cli_fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(cmd, fmt, ap);
	va_end(ap);
	return SZ_EXIT_FAIL;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(cmd, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'samizdat %s --help'.\n", cmd);
	return SZ_EXIT_USAGE;
}

int cli_open_input(const char *path, struct sz_err *err)
{
	if (path == NULL || strcmp(path, "-") == 0)
		return STDIN_FILENO;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		sz_err_set(err, SZ_E_IO, "cannot open %s: %s", path,
			strerror(errno));
	return fd;
}

int cli_output_open(struct cli_output *o, const char *path, int mode,
	struct sz_err *err)
{
	memset(o, 0, sizeof(*o));
	o->fd = STDOUT_FILENO;
	sz_writer_init(&o->w, o->fd);
	if (path == NULL || strcmp(path, "-") == 0)
		return SZ_OK;
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* A device or a pipe (/dev/null, a FIFO): write straight to
		 * it, there is no partial file to avoid. */
		o->fd = open(path, O_WRONLY | O_CLOEXEC);
		if (o->fd < 0)
			return sz_err_set(err, SZ_E_IO, "cannot open %s: %s",
				path, strerror(errno));
		o->is_device = true;
		sz_writer_init(&o->w, o->fd);
		return SZ_OK;
	}
	int rc = sz_outfile_open(&o->file, path, mode, 1, err);
	if (rc != SZ_OK)
		return rc;
	o->is_file = true;
	o->fd = o->file.fd;
	sz_writer_init(&o->w, o->fd);
	return SZ_OK;
}

static void close_device(struct cli_output *o)
{
	if (o->is_device)
		close(o->fd);
	o->is_device = false;
}

int cli_output_commit(struct cli_output *o, struct sz_err *err)
{
	int rc = sz_writer_flush(&o->w);
	sz_writer_free(&o->w);
	if (rc != SZ_OK) {
		cli_output_abort(o);
		return sz_err_set(err, rc, "cannot write the output: %s",
			strerror(errno));
	}
	close_device(o);
	if (!o->is_file)
		return SZ_OK;
	o->is_file = false;
	return sz_outfile_commit(&o->file, err);
}

void cli_output_abort(struct cli_output *o)
{
	/* Standard output already has what was authenticated; a file is
	 * removed whole, so its buffer is dropped. */
	if (!o->is_file)
		sz_writer_flush(&o->w);
	sz_writer_free(&o->w);
	close_device(o);
	if (o->is_file)
		sz_outfile_abort(&o->file);
	o->is_file = false;
}

int cli_output_sink(void *ctx, const uint8_t *data, size_t len)
{
	struct cli_output *o = ctx;
	return sz_writer_write(&o->w, data, len);
}

int cli_pump(int fd, cli_update_fn update, void *obj, struct sz_err *err)
{
	uint8_t *buf = malloc(PUMP_SIZE);
	int rc = SZ_OK;
	if (buf == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	for (;;) {
		ssize_t n = read(fd, buf, PUMP_SIZE);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = sz_err_set(err, SZ_E_IO, "cannot read the input: %s",
				strerror(errno));
			break;
		}
		if (n == 0)
			break;
		rc = update(obj, buf, (size_t)n, err);
		if (rc != SZ_OK)
			break;
	}
	free(buf);
	return rc;
}

static int read_tty_line(int fd, char *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n' || c == '\r')
			break;
		if (n + 1 >= cap)
			return SZ_E_LIMIT;
		buf[n++] = c;
	}
	*len = n;
	return SZ_OK;
}

static int ask_tty(int fd, const char *prompt, char *buf, size_t cap,
	size_t *len)
{
	struct termios old, quiet;
	bool restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= (tcflag_t)~ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		/* nothing to do: the read below still works */
	}
	int rc = read_tty_line(fd, buf, cap, len);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	return rc;
}

int cli_passphrase(const char *file, bool confirm, char *buf, size_t cap,
	size_t *len, struct sz_err *err)
{
	int rc;
	if (file != NULL) {
		int fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return sz_err_set(err, SZ_E_IO, "cannot open %s: %s",
				file, strerror(errno));
		rc = read_tty_line(fd, buf, cap, len);
		close(fd);
		if (rc != SZ_OK)
			return sz_err_set(err, rc, "the passphrase in %s is too "
				"long", file);
		if (*len == 0)
			return sz_err_set(err, SZ_E_INVAL,
				"%s holds an empty passphrase", file);
		return SZ_OK;
	}
	int tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (tty < 0)
		return sz_err_set(err, SZ_E_IO, "there is no terminal to ask "
			"for a passphrase; use --passphrase-file FILE");
	rc = ask_tty(tty, "Enter passphrase: ", buf, cap, len);
	if (rc == SZ_OK && *len == 0)
		rc = sz_err_set(err, SZ_E_INVAL, "the passphrase is empty");
	else if (rc != SZ_OK)
		sz_err_set(err, rc, "the passphrase is too long");
	if (rc == SZ_OK && confirm) {
		char *again = sodium_malloc(cap);
		size_t alen = 0;
		if (again == NULL) {
			rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		} else {
			rc = ask_tty(tty, "Confirm passphrase: ", again, cap,
				&alen);
			if (rc != SZ_OK || alen != *len ||
			    sodium_memcmp(again, buf, alen) != 0)
				rc = sz_err_set(err, SZ_E_INVAL,
					"the passphrases do not match");
			sodium_free(again);
		}
	}
	close(tty);
	return rc;
}

unsigned cli_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n >= 2 ? 2 : 1;
}

const char *cli_instance_dir(const char *opt)
{
	if (opt != NULL)
		return opt;
	const char *env = getenv("SAMIZDAT_DIR");
	return env != NULL && env[0] ? env : "/var/lib/samizdat";
}

int cli_getopt(int argc, char **argv, const char *cmd, const char *opts,
	const struct option *longopts)
{
	/* A leading ':' (after '+', which stops at the first operand) makes
	 * getopt tell a missing value (':') from an unknown option ('?'),
	 * and opterr = 0 keeps its own English line off stderr. */
	char spec[64];
	bool stop = opts[0] == '+';
	if (snprintf(spec, sizeof(spec), "%s:%s", stop ? "+" : "",
	    opts + stop) >= (int)sizeof(spec))
		return cli_usage(cmd, "too many options"), '?';
	opterr = 0;
	int c = getopt_long(argc, argv, spec, longopts, NULL);
	if (c != '?' && c != ':')
		return c;
	/* argv[optind - 1] is the word getopt stopped at ("--bogus",
	 * "-d"); for short options bundled in one word, optopt says which. */
	const char *word = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	bool long_opt = strncmp(word, "--", 2) == 0;
	char shown[80];
	if (long_opt)
		snprintf(shown, sizeof(shown), "%.*s", (int)strcspn(word, "="),
			word);
	else
		snprintf(shown, sizeof(shown), "-%c", optopt ? optopt : '?');
	if (c == ':')
		cli_usage(cmd, "option %s needs a value", shown);
	else if (long_opt && strchr(word, '=') != NULL && optopt != 0)
		cli_usage(cmd, "option %s takes no value", shown);
	else
		cli_usage(cmd, "unknown option %s", shown);
	return '?';
}

int cli_dir_only(int argc, char **argv, const char *cmd, const char *usage,
	const char **dir)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	*dir = NULL;
	while ((c = cli_getopt(argc, argv, cmd, "d:h", longopts)) != -1) {
		switch (c) {
		case 'd': *dir = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: return SZ_EXIT_USAGE;
		}
	}
	return -1;
}
