/*
 * extract.c - `samizdat extract` (a document's text on standard output)
 * and `samizdat summarize` (its extractive summary and reading time).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/doc_sandbox.h"
#include "core/buf.h"
#include "docs/doc.h"

static const char extract_usage[] =
	"Usage: samizdat extract FILE\n"
	"\n"
	"Prints the text of FILE as UTF-8: PDF, DOCX, XLSX, PPTX, ODT, ODS,\n"
	"ODP, ODG, ODF formula, EPUB, HTML, e-mail (.eml) or plain text in\n"
	"any common character set.\n"
	"The type is detected from the content.\n";

static const char summarize_usage[] =
	"Usage: samizdat summarize [-n SENTENCES] FILE\n"
	"\n"
	"Prints the reading time of FILE (at 238 words per minute) and an\n"
	"extractive summary: its highest-ranked sentences (TextRank), in\n"
	"document order.\n"
	"\n"
	"  -n, --sentences N  how many sentences (default 3, at most 50)\n"
	"  -h, --help         show this help\n";

static int open_doc(const char *cmd, const char *path, enum sz_doc_type *t)
{
	struct sz_err err;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return cli_fail(cmd, "%s: %s", path, strerror(errno)), -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return cli_fail(cmd, "%s: not a regular file", path), -1;
	}
	if (sz_doc_detect(fd, t, NULL, &err) != 0) {
		close(fd);
		return cli_fail(cmd, "%s: %s", path, err.msg), -1;
	}
	return fd;
}

static int stdout_sink(void *ctx, const uint8_t *data, size_t len)
{
	(void)ctx;
	return fwrite(data, 1, len, stdout) == len ? 0 : -1;
}

/* Locks samizdat-doc in to reading the one document. */
static int lock_in(const char *cmd, const char *path)
{
	struct sz_sandbox sb;
	struct sz_err err;
	int rc = doc_sandbox_begin(&sb, &err);
	if (rc == 0)
		rc = doc_sandbox_input(&sb, path, &err);
	return doc_sandbox_lock(&sb, cmd, rc, &err);
}

int sz_cmd_extract(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		fputs(extract_usage, stdout);
		return 0;
	}
	if (argc != 2)
		return cli_usage("extract", "give exactly one file");
	int st = lock_in("extract", argv[1]);
	if (st != 0)
		return st;
	enum sz_doc_type t;
	int fd = open_doc("extract", argv[1], &t);
	if (fd < 0)
		return SZ_EXIT_FAIL;
	struct sz_err err;
	int rc = sz_doc_extract(fd, argv[1], t, stdout_sink, NULL, &err);
	close(fd);
	if (fflush(stdout) != 0 && rc == 0)
		rc = sz_err_set(&err, SZ_E_IO, "cannot write the text");
	if (rc != 0)
		return rc == SZ_E_UNSUPPORTED ? (cli_fail("extract", "%s: %s",
			argv[1], err.msg), 3) :
			cli_fail("extract", "%s: %s", argv[1], err.msg);
	return 0;
}

static int buf_sink(void *ctx, const uint8_t *data, size_t len)
{
	return sz_buf_append(ctx, data, len);
}

int sz_cmd_summarize(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sentences", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned n = 3;
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "summarize", "n:h", longopts)) != -1) {
		switch (c) {
		case 'n': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || v < 1 || v > 50)
				return cli_usage("summarize",
					"-n takes a number from 1 to 50");
			n = (unsigned)v;
			break;
		}
		case 'h': fputs(summarize_usage, stdout); return 0;
		default: return SZ_EXIT_USAGE;
		}
	}
	if (argc - optind != 1)
		return cli_usage("summarize", "give exactly one file");
	const char *path = argv[optind];
	if ((c = lock_in("summarize", path)) != 0)
		return c;
	enum sz_doc_type t;
	int fd = open_doc("summarize", path, &t);
	if (fd < 0)
		return SZ_EXIT_FAIL;
	struct sz_buf text, sum;
	struct sz_err err;
	size_t words = 0;
	sz_buf_init(&text, SZ_DOC_MAX_TEXT);
	sz_buf_init(&sum, 1u << 20);
	int rc = sz_doc_extract(fd, path, t, buf_sink, &text, &err);
	close(fd);
	if (rc == 0)
		rc = sz_doc_summarize((const char *)text.data, text.len, n, &sum,
			&words, &err);
	if (rc == 0) {
		unsigned m = sz_doc_reading_minutes(words);
		printf("%u minute read (%zu words)\n\n%s\n", m, words,
			sum.len ? (const char *)sum.data : "");
	}
	sz_buf_free(&text);
	sz_buf_free(&sum);
	if (rc != 0)
		return cli_fail("summarize", "%s: %s", path, err.msg);
	return 0;
}
