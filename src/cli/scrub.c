/*
 * scrub.c - `samizdat inspect` and `samizdat scrub`: what identifying
 * metadata a file carries, and a copy without it.  The type comes from the
 * content (libmagic), never the name.  Output appears only when complete
 * (a temporary file renamed into place), so a refused file leaves nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/doc_sandbox.h"
#include "core/child.h"
#include "docs/doc.h"

/* Exit status for an unsupported type, beside 0, 1 (failed) and 2 (usage). */
#define EXIT_UNSUPPORTED 3

static const char inspect_usage[] =
	"Usage: samizdat inspect FILE...\n"
	"\n"
	"Lists the identifying metadata found in each file, grouped by kind\n"
	"(EXIF, XMP, PDF Info, docProps...).  The type is detected from the\n"
	"content.  Exit status: 0 all files read, 1 a file is damaged or\n"
	"unreadable, 3 a file's type is not supported.\n";

static const char scrub_usage[] =
	"Usage: samizdat scrub [-o OUT | --in-place] [--allow-unknown] FILE...\n"
	"\n"
	"Writes a copy of each FILE without identifying metadata and lists\n"
	"what was removed.  Without -o or --in-place the copy is written\n"
	"beside the file as NAME.cleaned.EXT.\n"
	"\n"
	"  -o, --output OUT   write the copy to OUT (a directory when several\n"
	"                     files are given)\n"
	"  -i, --in-place     replace each file with its scrubbed copy\n"
	"  --allow-unknown    copy zip members (of Office, OpenDocument and\n"
	"                     EPUB files) that samizdat does not know,\n"
	"                     instead of refusing\n"
	"  -q, --quiet        print only errors\n"
	"  -h, --help         show this help\n"
	"\n"
	"Exit status: 0 every file scrubbed, 1 a file is damaged, too large\n"
	"or could not be written (no output is left for it), 2 bad usage,\n"
	"3 a file's type is not supported.\n";

static void print_report(const struct sz_doc_report *r, const char *none)
{
	if (r->len == 0) {
		printf("  %s\n", none);
		return;
	}
	/* Grouped by kind, kinds in order of first appearance. */
	bool *done = calloc(r->len, sizeof(*done));
	for (size_t i = 0; i < r->len; i++) {
		if (done != NULL && done[i])
			continue;
		printf("  %s:\n", r->items[i].kind);
		for (size_t j = i; j < r->len; j++) {
			if (strcmp(r->items[j].kind, r->items[i].kind) != 0 ||
			    (done != NULL && done[j]))
				continue;
			if (done != NULL)
				done[j] = true;
			if (r->items[j].value[0])
				printf("    %s: %s\n", r->items[j].name,
					r->items[j].value);
			else
				printf("    %s\n", r->items[j].name);
			if (done == NULL)
				break;
		}
	}
	if (r->truncated)
		printf("  (more items not shown)\n");
	free(done);
}

static int status_of(int rc)
{
	return rc == SZ_E_UNSUPPORTED ? EXIT_UNSUPPORTED : SZ_EXIT_FAIL;
}

/* Opens and detects one input; -1 with a message printed on failure. */
static int open_typed(const char *cmd, const char *path,
	enum sz_doc_type *type, int *status)
{
	struct sz_err err;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0) {
		*status = cli_fail(cmd, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		*status = cli_fail(cmd, "%s: not a regular file", path);
		return -1;
	}
	char *mime = NULL;
	if (sz_doc_detect(fd, type, &mime, &err) != 0) {
		close(fd);
		*status = cli_fail(cmd, "%s: %s", path, err.msg);
		return -1;
	}
	if (*type == SZ_DOC_UNKNOWN) {
		const char *why = sz_doc_refusal(fd, mime);
		if (why != NULL)
			cli_fail(cmd, "%s: unsupported type (%s): %s", path,
				mime ? mime : "unknown", why);
		else
			cli_fail(cmd, "%s: unsupported type (%s); samizdat scrubs "
				"%s", path, mime ? mime : "unknown",
				sz_doc_supported_list());
		*status = EXIT_UNSUPPORTED;
		free(mime);
		close(fd);
		return -1;
	}
	free(mime);
	return fd;
}

int sz_cmd_inspect(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		fputs(inspect_usage, stdout);
		return 0;
	}
	if (argc < 2)
		return cli_usage("inspect", "no file given");
	struct sz_sandbox sb;
	struct sz_err lock_err;
	int status = doc_sandbox_begin(&sb, &lock_err);
	if (status == 0)
		status = doc_sandbox_inputs(&sb, argv + 1, argc - 1, &lock_err);
	if ((status = doc_sandbox_lock(&sb, "inspect", status, &lock_err)) != 0)
		return status;
	for (int i = 1; i < argc; i++) {
		enum sz_doc_type type;
		int st = 0;
		if (i > 1)
			sz_child_progress();
		int fd = open_typed("inspect", argv[i], &type, &st);
		if (fd < 0) {
			status = status ? status : st;
			continue;
		}
		struct sz_doc_report r;
		struct sz_err err;
		sz_doc_report_init(&r);
		int rc = sz_doc_scrub(fd, type, NULL, &r, &err);
		close(fd);
		if (rc != 0) {
			cli_fail("inspect", "%s: %s", argv[i], err.msg);
			status = status ? status : status_of(rc);
		} else {
			printf("%s: %s\n", argv[i], sz_doc_type_name(type));
			print_report(&r, "no metadata found");
		}
		sz_doc_report_free(&r);
	}
	fflush(stdout);
	return status;
}

/* NAME.cleaned.EXT beside the input. */
static char *beside(const char *path)
{
	size_t n = strlen(path);
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(path, '.');
	if (dot == NULL || (slash && dot < slash) || dot == path ||
	    (slash && dot == slash + 1))
		dot = path + n;
	char *out = malloc(n + 16);
	if (out != NULL)
		snprintf(out, n + 16, "%.*s.cleaned%s", (int)(dot - path), path,
			dot);
	return out;
}

static char *destination(const char *in, const char *opt, bool in_place,
	bool dir)
{
	if (in_place)
		return strdup(in);
	if (opt == NULL)
		return beside(in);
	if (!dir)
		return strdup(opt);
	char *copy = strdup(in);
	if (copy == NULL)
		return NULL;
	const char *base = basename(copy);
	size_t n = strlen(opt) + strlen(base) + 2;
	char *out = malloc(n);
	if (out != NULL)
		snprintf(out, n, "%s/%s", opt, base);
	free(copy);
	return out;
}

struct scrub_job {
	int status;                  /* exit status for this file */
	enum sz_doc_type type;
	char *dest;
	struct sz_doc_report report;
	struct sz_err err;
};

struct scrub_batch {
	char **argv;
	int n, next;
	const char *out_opt;
	bool in_place, dir;
	struct scrub_job *jobs;
	pthread_mutex_t mu;
};

/* Opens and detects one input; -1 with j->status and j->err set. */
static int open_job(const char *path, struct scrub_job *j)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0) {
		sz_err_set(&j->err, SZ_E_IO, "%s", strerror(errno));
		j->status = SZ_EXIT_FAIL;
		return -1;
	}
	char *mime = NULL;
	int rc = fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ?
		sz_err_set(&j->err, SZ_E_IO, "not a regular file") :
		sz_doc_detect(fd, &j->type, &mime, &j->err);
	if (rc == 0 && j->type == SZ_DOC_UNKNOWN) {
		const char *why = sz_doc_refusal(fd, mime);
		if (why != NULL)
			sz_err_set(&j->err, SZ_E_UNSUPPORTED, "unsupported type "
				"(%s): %s", mime ? mime : "unknown", why);
		else
			sz_err_set(&j->err, SZ_E_UNSUPPORTED, "unsupported type "
				"(%s); samizdat scrubs %s", mime ? mime : "unknown",
				sz_doc_supported_list());
		rc = SZ_E_UNSUPPORTED;
	}
	free(mime);
	if (rc != 0) {
		j->status = status_of(rc);
		close(fd);
		return -1;
	}
	return fd;
}

static void scrub_one(struct scrub_batch *b, int i)
{
	struct scrub_job *j = &b->jobs[i];
	sz_doc_report_init(&j->report);
	int fd = open_job(b->argv[i], j);
	if (fd < 0)
		return;
	j->dest = destination(b->argv[i], b->out_opt, b->in_place, b->dir);
	struct sz_outfile out;
	int rc = j->dest ? sz_outfile_open(&out, j->dest, 0644, b->in_place,
		&j->err) : sz_err_set(&j->err, SZ_E_NOMEM, "out of memory");
	if (rc == 0) {
		rc = sz_doc_scrub(fd, j->type, out.tmp_path, &j->report, &j->err);
		if (rc == 0)
			rc = sz_outfile_commit(&out, &j->err);
		else
			sz_outfile_abort(&out);
	}
	close(fd);
	if (rc != 0)
		j->status = status_of(rc);
}

static void *scrub_worker(void *arg)
{
	struct scrub_batch *b = arg;
	for (;;) {
		pthread_mutex_lock(&b->mu);
		int i = b->next < b->n ? b->next++ : -1;
		pthread_mutex_unlock(&b->mu);
		if (i < 0) {
			sz_doc_thread_done();
			return NULL;
		}
		scrub_one(b, i);
		sz_child_progress();   /* one document done: its limits reset */
	}
}

/* Locks samizdat-doc in: the inputs to read, the folders their copies
 * go to. */
static int lock_in(char **files, int n, const char *out_opt, bool in_place,
	bool dir)
{
	struct sz_sandbox sb;
	struct sz_err err;
	int rc = doc_sandbox_begin(&sb, &err);
	if (rc == 0)
		rc = doc_sandbox_inputs(&sb, files, n, &err);
	for (int i = 0; rc == 0 && i < n; i++) {
		char *dest = destination(files[i], out_opt, in_place, dir);
		rc = dest ? doc_sandbox_output(&sb, dest, &err) :
			sz_err_set(&err, SZ_E_NOMEM, "out of memory");
		free(dest);
	}
	return doc_sandbox_lock(&sb, "scrub", rc, &err);
}

int sz_cmd_scrub(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "in-place", no_argument, NULL, 'i' },
		{ "allow-unknown", no_argument, NULL, 'u' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out_opt = NULL;
	bool in_place = false, quiet = false;
	struct sz_doc_options opts = { 0 };
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "scrub", "o:iqh", longopts)) != -1) {
		switch (c) {
		case 'o': out_opt = optarg; break;
		case 'i': in_place = true; break;
		case 'u': opts.allow_unknown_members = true; break;
		case 'q': quiet = true; break;
		case 'h': fputs(scrub_usage, stdout); return 0;
		default: return SZ_EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage("scrub", "no file given");
	if (out_opt && in_place)
		return cli_usage("scrub", "-o and --in-place exclude each other");
	struct stat st;
	bool dir = out_opt && stat(out_opt, &st) == 0 && S_ISDIR(st.st_mode);
	if (out_opt && !dir && argc - optind > 1)
		return cli_usage("scrub",
			"with several files, -o must name a directory");
	sz_doc_set_options(&opts);
	if ((c = lock_in(argv + optind, argc - optind, out_opt, in_place,
	    dir)) != 0)
		return c;
	/* Files are independent: scrubbed on up to two threads (the
	 * machine's cores), reported in the order given. */
	struct scrub_batch b = { .argv = argv + optind, .n = argc - optind,
		.out_opt = out_opt, .in_place = in_place, .dir = dir };
	b.jobs = calloc((size_t)b.n, sizeof(*b.jobs));
	if (b.jobs == NULL)
		return cli_fail("scrub", "out of memory");
	pthread_mutex_init(&b.mu, NULL);
	unsigned nthreads = cli_threads();
	pthread_t th[2];
	unsigned started = 0;
	for (unsigned t = 1; t < nthreads && b.n > 1; t++)
		if (pthread_create(&th[started], NULL, scrub_worker, &b) == 0)
			started++;
	scrub_worker(&b);
	for (unsigned t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	int status = 0;
	for (int i = 0; i < b.n; i++) {
		struct scrub_job *j = &b.jobs[i];
		if (j->status != 0) {
			cli_fail("scrub", "%s: %s", b.argv[i], j->err.msg);
			status = status ? status : j->status;
		} else if (!quiet) {
			printf("%s: %s -> %s\n", b.argv[i], sz_doc_type_name(j->type),
				j->dest);
			print_report(&j->report, "nothing to remove");
		}
		sz_doc_report_free(&j->report);
		free(j->dest);
	}
	pthread_mutex_destroy(&b.mu);
	free(b.jobs);
	fflush(stdout);
	return status;
}
