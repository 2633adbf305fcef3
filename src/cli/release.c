/*
 * release.c - `samizdat release`: releases in the public archive, for
 * bulk work on the command line (the editor face does the same one file
 * at a time).  Each `add` argument is one transaction: a failed import
 * leaves nothing of itself, and running it again is a no-op for what is
 * already there.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/doc_sandbox.h"
#include "core/child.h"
#include "cli/publish.h"
#include "docs/dkim.h"
#include "docs/doc.h"
#include "docs/mail.h"
#include "docs/pgp.h"
#include "store/archive.h"
#include "store/forum.h"
#include "store/instance.h"

#define WITHDRAW_ACTOR "the editors (command line)"

static const char usage[] =
	"Usage: samizdat release create -d DIR [--date YYYY-MM-DD]\n"
	"                               [--intro TEXT | --intro-file FILE] TITLE\n"
	"       samizdat release add -d DIR [--dkim-keys FILE] [--pgp-keys FILE]\n"
	"                                [--flagged none|raw|scrubbed]\n"
	"                                ID FILE|MBOX|MAILDIR|EML...\n"
	"       samizdat release publish|unpublish -d DIR ID\n"
	"       samizdat release list -d DIR\n"
	"       samizdat release flagged -d DIR ID\n"
	"       samizdat release raw -d DIR ID EMAIL|all none|raw|scrubbed\n"
	"       samizdat release remove -d DIR ID DOCUMENT|EMAIL|MESSAGE-ID\n"
	"\n"
	"Releases of the public archive.  `create` prints the new release's\n"
	"number; it starts as a draft that only editors see.  `add` puts files\n"
	"through the document pipeline (type detection, scrubbing, text\n"
	"extraction, summary, index) and imports e-mail collections (mbox,\n"
	"MMDF, Maildir, .eml; any line ends) with their attachments; a file\n"
	"that cannot be scrubbed is not published.  `publish` makes a release\n"
	"public.  `remove` takes a document or e-mail (with the attachments\n"
	"that came in it) out of a release, by its number (the N of /doc/N or\n"
	"/email/N) or an e-mail's Message-ID: it is gone from the public face\n"
	"at once, from mirrors at their next export.\n"
	"\n"
	"  --dkim-keys FILE  DNS TXT records of the senders' DKIM keys (as\n"
	"                    opendkim-genkey writes them, or NAME VALUE lines):\n"
	"                    each e-mail's signature is checked against them,\n"
	"                    never against live DNS, and the file is archived\n"
	"                    so the check can be repeated\n"
	"  --pgp-keys FILE   OpenPGP public keys (gpg --export) to check PGP/MIME\n"
	"                    and inline signatures with, in a private GnuPG home\n"
	"                    (no keyserver, no network); archived like the DKIM keys\n"
	"\n"
	"Raw e-mails are published without the trace and routing headers the\n"
	"mail system added (Received, Delivered-To, X-Originating-IP, ...),\n"
	"keeping what a DKIM signature covers so it still verifies.  An e-mail\n"
	"whose signed parts carry identifying data (a signed trace header, an\n"
	"attachment with metadata) is flagged: `flagged` lists them with what\n"
	"would go out, and `raw` chooses what each publishes: none (the raw\n"
	"message is withheld; the default), raw (as signed: the signature\n"
	"verifies, the identifying data goes out) or scrubbed (trace headers\n"
	"and metadata removed; the signature no longer verifies).  --flagged\n"
	"makes that choice at import.\n";

static struct sz_instance audit_in;   /* for the audit log */
static bool audit_open;
static bool audit_pg;    /* the log is in PostgreSQL (inbox_database) */
static char audit_why[SZ_ERR_MSG_SIZE];   /* why it is not */

/* Opens the instance's store for the audit log; the log is written after
 * the lock-in, through the store opened (and read once, so its journal
 * is open too, or its connections made) before it: on PostgreSQL the
 * lock-in keeps those connections and opens no other.  Run by the editor
 * face (which audits the upload itself), the face's own lock-in may keep
 * the inbox out of reach: then this process writes no audit line, and
 * says why. */
static void open_audit(const char *dir)
{
	struct sz_err err;
	struct sz_audit_row *rows = NULL;
	size_t nrows = 0;
	struct sz_config cfg;
	audit_pg = sz_config_load(&cfg, dir, &err) == SZ_OK &&
		sz_config_postgres_inbox(&cfg);
	if (sz_instance_open(&audit_in, dir, &err) == SZ_OK) {
		audit_open = true;
		audit_in.store->ops->audit_list(audit_in.store, &rows, &nrows,
			NULL);
		free(rows);
	} else {
		snprintf(audit_why, sizeof(audit_why), "%s", err.msg);
	}
}

/* The forum, for hiding the discussion of what is removed (store/
 * forum.h): opened, and read once, before the lock-in, which then keeps
 * its files (SQLite) or its connections (PostgreSQL). */
static struct sz_forum *withdraw_forum;
static bool withdraw_pg;
static char withdraw_why[SZ_ERR_MSG_SIZE];

static void open_withdraw_forum(const char *dir_opt)
{
	struct sz_err err;
	struct sz_config cfg;
	struct sz_forum_thread t;
	const char *dir = cli_instance_dir(dir_opt);
	withdraw_pg = sz_config_load(&cfg, dir, &err) == SZ_OK &&
		sz_config_postgres(&cfg);
	if (sz_forum_open(&withdraw_forum, dir, &err) != 0) {
		withdraw_forum = NULL;
		snprintf(withdraw_why, sizeof(withdraw_why), "%s", err.msg);
		return;
	}
	withdraw_forum->ops->thread_of_subject(withdraw_forum,
		SZ_SUBJECT_RELEASE, 1, &t, NULL);
}

/* Opens the archive, then locks samizdat-doc in to it and to the
 * inputs (n paths, and the key files if not NULL).  Checking PGP
 * signatures (pgp not NULL) adds its private GnuPG home and gpg, the
 * one program it may run (doc_sandbox_pgp). */
static int open_archive(const char *dir_opt, struct sz_archive **a,
	char *const *inputs, int n, const char *keys, const char *pgp_keys,
	const struct sz_pgp *pgp)
{
	struct sz_err err;
	struct sz_sandbox sb;
	const char *dir = cli_instance_dir(dir_opt);
	if (sz_instance_check(dir, &err) != 0 ||
	    sz_archive_open(a, dir, true, false, &err) != 0)
		return cli_fail("release", "%s", err.msg);
	/* Checking PGP signatures, the import runs in a child that leaves
	 * the audit log to its parent: gpg's process holds no inbox. */
	if (pgp == NULL)
		open_audit(dir);
	int rc = doc_sandbox_begin(&sb, &err);
	if (rc == 0)
		rc = doc_sandbox_archive(&sb, dir, &err);
	if (rc == 0)
		rc = doc_sandbox_inputs(&sb, inputs, n, &err);
	if (rc == 0 && keys != NULL)
		rc = doc_sandbox_input(&sb, keys, &err);
	if (rc == 0 && pgp_keys != NULL)
		rc = doc_sandbox_input(&sb, pgp_keys, &err);
	if (rc == 0 && pgp != NULL)
		rc = doc_sandbox_pgp(&sb, pgp, &err);
	/* The audit log's database and its rollback journal (which SQLite
	 * opens anew for each write), those two files only: as the store
	 * opened before the lock-in could write them anyway.  On PostgreSQL,
	 * the store's connections, made already. */
	if (rc == 0 && ((audit_open && audit_pg) ||
	    (withdraw_forum != NULL && withdraw_pg)))
		sz_sandbox_keep_connections(&sb);
	static const char *const forum_files[] = { "forum.db", "forum.db-wal",
		"forum.db-shm" };
	for (size_t i = 0; rc == 0 && withdraw_forum != NULL && !withdraw_pg &&
	     i < sizeof(forum_files) / sizeof(forum_files[0]); i++) {
		char path[4300];
		snprintf(path, sizeof(path), "%s/%s", dir, forum_files[i]);
		rc = sz_sandbox_allow(&sb, path, SZ_SB_READ | SZ_SB_WRITE, &err);
	}
	for (int i = 0; rc == 0 && audit_open && !audit_pg && i < 2; i++) {
		char path[4300];
		snprintf(path, sizeof(path), "%s/%s%s", dir, SZ_STORE_DB_FILE,
			i ? "-journal" : "");
		rc = sz_sandbox_allow(&sb, path, SZ_SB_READ | SZ_SB_WRITE, &err);
	}
	int st = doc_sandbox_lock(&sb, "release", rc, &err);
	if (st != 0) {
		(*a)->ops->close(*a);
		*a = NULL;
	}
	return st;
}

/* Writes what was done to the instance's audit log, as the editor face
 * does for the same actions.  The change is made by then: a log that
 * cannot be written is reported (status 1), not undone. */
static int audit(const char *dir_opt, const char *action, const char *fmt,
	...) __attribute__((format(printf, 3, 4)));
static int audit(const char *dir_opt, const char *action, const char *fmt,
	...)
{
	char detail[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	(void)dir_opt;
	struct sz_err err;
	if (!audit_open) {
		fprintf(stderr, "samizdat release: not written to the audit log: "
			"%s\n", audit_why);
		return 0;
	}
	int rc = audit_in.store->ops->audit_add(audit_in.store,
		"admin (command line)", action, detail, &err);
	sz_instance_close(&audit_in);
	audit_open = false;
	return rc != SZ_OK ? cli_fail("release", "%s (done, but not written "
		"to the audit log)", err.msg) : 0;
}

/* Opens the archive and prints every page of a listing (key: what it
 * lists, for the page function); the status to exit with. */
static int each_page(const char *dir, int64_t key,
	int (*page)(struct sz_archive *a, int64_t key, size_t offset, size_t *n,
		int64_t *total, struct sz_err *err))
{
	struct sz_archive *a = NULL;
	struct sz_err err;
	int st = open_archive(dir, &a, NULL, 0, NULL, NULL, NULL);
	size_t offset = 0;
	while (st == 0) {
		size_t n = 0;
		int64_t total = 0;
		if (page(a, key, offset, &n, &total, &err) != 0)
			st = cli_fail("release", "%s", err.msg);
		offset += n;
		if (st != 0 || n == 0 || (int64_t)offset >= total)
			break;
	}
	if (a != NULL)
		a->ops->close(a);
	return st;
}

static bool valid_day(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *end = strptime(s, "%Y-%m-%d", &tm);
	return end != NULL && *end == 0 && strlen(s) == 10;
}

static int cmd_create(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "date", required_argument, NULL, 't' },
		{ "intro", required_argument, NULL, 'i' },
		{ "intro-file", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *day = NULL, *intro = "", *intro_file = NULL;
	char today[11];
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "release", "d:h", longopts)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 't': day = optarg; break;
		case 'i': intro = optarg; break;
		case 'f': intro_file = optarg; break;
		case 'h': fputs(usage, stdout); return 0;
		default: return SZ_EXIT_USAGE;
		}
	}
	if (argc - optind != 1)
		return cli_usage("release", "create takes one TITLE");
	const char *title = argv[optind];
	if (title[0] == 0 || strlen(title) > SZ_ARCHIVE_TITLE_MAX)
		return cli_usage("release", "the title must have 1 to %d bytes",
			SZ_ARCHIVE_TITLE_MAX);
	if (day == NULL) {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(today, sizeof(today), "%Y-%m-%d", &tm);
		day = today;
	} else if (!valid_day(day)) {
		return cli_usage("release", "--date takes YYYY-MM-DD");
	}
	char *buf = NULL;
	if (intro_file != NULL) {
		FILE *f = fopen(intro_file, "r");
		buf = calloc(1, SZ_ARCHIVE_INTRO_MAX + 1);
		if (f == NULL || buf == NULL) {
			if (f)
				fclose(f);
			free(buf);
			return cli_fail("release", "%s: %s", intro_file,
				strerror(errno));
		}
		size_t n = fread(buf, 1, SZ_ARCHIVE_INTRO_MAX + 1, f);
		fclose(f);
		if (n > SZ_ARCHIVE_INTRO_MAX) {
			free(buf);
			return cli_fail("release", "the introduction is longer than "
				"%d bytes", SZ_ARCHIVE_INTRO_MAX);
		}
		buf[n] = 0;
		intro = buf;
	}
	struct sz_archive *a;
	struct sz_err err;
	int64_t id;
	int st = open_archive(dir, &a, NULL, 0, NULL, NULL, NULL);
	if (st == 0) {
		if (a->ops->release_create(a, title, day, intro, &id, &err) != 0)
			st = cli_fail("release", "%s", err.msg);
		else
			printf("%lld\n", (long long)id);
		a->ops->close(a);
		if (st == 0)
			st = audit(dir, "create release", "release %lld", (long long)id);
	}
	free(buf);
	return st;
}

static int parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*s == 0 || *end != 0 || v <= 0)
		return -1;
	*id = v;
	return 0;
}

/* The raw forms by the names the CLI and the editor face use. */
static const char *const form_names[] = { [SZ_RAW_VERIFIABLE] = "raw",
	[SZ_RAW_SCRUBBED] = "scrubbed", [SZ_RAW_WITHHELD] = "none" };

static int parse_form(const char *s, enum sz_raw_form *f)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(s, form_names[i]) == 0) {
			*f = (enum sz_raw_form)i;
			return 0;
		}
	return -1;
}

static void progress(const struct publish_stats *s)
{
	fprintf(stderr, "  %lld messages read, %lld new, %lld attachments\n",
		(long long)s->messages, (long long)s->added,
		(long long)s->attachments);
}

static bool is_mail(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return false;
	if (S_ISDIR(st.st_mode))
		return true;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool mbox = sz_mail_is_box(fd);
	enum sz_doc_type t = SZ_DOC_UNKNOWN;
	if (!mbox)
		sz_doc_detect(fd, &t, NULL, NULL);
	close(fd);
	return mbox || t == SZ_DOC_EMAIL;
}

static int add_one(struct sz_archive *a, int64_t release, const char *path,
	const struct publish_mail_options *o)
{
	struct sz_err err;
	sz_child_progress();   /* each file starts a document's clock */
	int rc = a->ops->begin(a, &err);
	if (rc != 0)
		return cli_fail("release", "%s", err.msg);
	if (is_mail(path)) {
		struct publish_stats s = { 0 };
		fprintf(stderr, "%s: importing e-mail\n", path);
		rc = publish_mail(a, release, path, o, &s, progress, &err);
		sz_child_progress();   /* the commit gets a clock of its own */
		if (rc == 0)
			rc = a->ops->commit(a, &err);
		else
			a->ops->rollback(a);
		if (rc != 0)
			return cli_fail("release", "%s: %s (nothing of it was imported)",
				path, err.msg);
		printf("%s: %lld messages, %lld new, %lld attachments published",
			path, (long long)s.messages, (long long)s.added,
			(long long)s.attachments);
		if (s.skipped)
			printf(", %lld attachments not publishable", (long long)s.skipped);
		if (s.unreadable)
			printf(", %lld files or messages skipped: no e-mail header "
				"in them", (long long)s.unreadable);
		if (s.dkim_pass + s.dkim_fail + s.dkim_unknown > 0)
			printf("; DKIM: %lld verified, %lld failed, %lld could not be "
				"checked", (long long)s.dkim_pass, (long long)s.dkim_fail,
				(long long)s.dkim_unknown);
		if (s.pgp_pass + s.pgp_fail + s.pgp_unknown > 0)
			printf("; PGP: %lld verified, %lld failed, %lld unknown key",
				(long long)s.pgp_pass, (long long)s.pgp_fail,
				(long long)s.pgp_unknown);
		if (s.scrubbed > 0)
			printf("; %lld raw e-mails published with attachments scrubbed",
				(long long)s.scrubbed);
		printf("\n");
		if (s.flagged > 0)
			printf("%s: %lld e-mails flagged: their signed parts carry "
				"identifying data; see `samizdat release flagged -d DIR "
				"%lld` and choose with `samizdat release raw`\n", path,
				(long long)s.flagged, (long long)release);
		return 0;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		a->ops->rollback(a);
		return cli_fail("release", "%s: %s", path, strerror(errno));
	}
	char copy[4096];
	snprintf(copy, sizeof(copy), "%s", path);
	int64_t id;
	bool added;
	rc = publish_file(a, release, fd, basename(copy), 0, &id, &added, NULL,
		&err);
	close(fd);
	if (rc == 0)
		rc = a->ops->commit(a, &err);
	else
		a->ops->rollback(a);
	if (rc != 0)
		return rc == SZ_E_UNSUPPORTED ? (cli_fail("release", "%s: %s", path,
			err.msg), 3) : cli_fail("release", "%s: %s", path, err.msg);
	printf("%s: document %lld%s\n", path, (long long)id,
		added ? "" : " (already in the release)");
	/* What scrubbing removed, as kept with the document. */
	struct sz_buf report;
	sz_buf_init(&report, 64u << 10);
	if (added && a->ops->doc_report(a, id, &report, &err) == 0) {
		const char *p = report.len ? (const char *)report.data : NULL;
		if (p == NULL)
			printf("  scrubbing found nothing to remove\n");
		while (p != NULL && *p) {
			size_t n = strcspn(p, "\n");
			printf("  removed %.*s\n", (int)n, p);
			p += n + (p[n] == '\n');
		}
	}
	sz_buf_free(&report);
	return 0;
}

/* Stores a key file in the archive (content-addressed): its hash in sha. */
static int archive_file(struct sz_archive *a, const char *path, char *sha,
	struct sz_err *err)
{
	uint64_t size;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sz_err_set(err, SZ_E_IO, "%s", strerror(errno));
	int rc = sz_archive_put_file(a, fd, sha, &size, err);
	close(fd);
	return rc;
}

/* Writes "add to release" to the audit log: done files. */
static int audit_add(const char *dir, int64_t id, int done)
{
	return audit(dir, "add to release", "release %lld: %d file%s or "
		"mailbox%s", (long long)id, done, done == 1 ? "" : "s",
		done == 1 ? "" : "es");
}

/* The parent of a PGP import: waits for the child that does it, then
 * writes the audit line for what it added (the child, locked in with
 * gpg, holds no inbox); the exit status. */
static int wait_import(pid_t pid, int count, const char *dir, int64_t id)
{
	int ws = 0, done = 0;
	if (sz_read_full(count, &done, sizeof(done)) != (ssize_t)sizeof(done))
		done = 0;   /* it ended before saying: nothing to log */
	while (waitpid(pid, &ws, 0) < 0)
		if (errno != EINTR)
			return cli_fail("release", "cannot wait for the import: %s",
				strerror(errno));
	int st = WIFEXITED(ws) ? WEXITSTATUS(ws) : cli_fail("release", "the "
		"import was stopped by signal %d%s", WTERMSIG(ws),
		WTERMSIG(ws) == SIGSYS ? " (a system call its sandbox does not "
		"allow)" : "");
	if (done > 0) {
		open_audit(cli_instance_dir(dir));
		int a = audit_add(dir, id, done);
		if (a != 0 && st == 0)
			st = a;
	}
	return st;
}

/* add: each file into release id, locked in (open_archive). */
static int add_all(const char *dir, int64_t id, char **files, int nfiles,
	const char *keys_path, const char *pgp_path, struct sz_pgp *pgp,
	struct publish_mail_options *o, int count)
{
	struct sz_archive *a;
	int st;
	if ((st = open_archive(dir, &a, files, nfiles, keys_path, pgp_path,
	    pgp)) != 0)
		return st;
	struct sz_release_row r;
	struct sz_err err;
	if (a->ops->release_get(a, id, &r, &err) != 0) {
		a->ops->close(a);
		return cli_fail("release", "release %lld: %s", (long long)id, err.msg);
	}
	free(r.intro);
	struct sz_dkim_keys *keys = NULL;
	char sha[SZ_ARCHIVE_SHA256_HEX] = "", pgp_sha[SZ_ARCHIVE_SHA256_HEX] = "";
	int status = 0, done = 0;
	/* Key files are parsed first (a bad file stops here), then archived
	 * so the checks can be repeated. */
	if (keys_path != NULL && (sz_dkim_keys_load(keys_path, &keys, &err) != 0 ||
	    archive_file(a, keys_path, sha, &err) != 0))
		status = cli_fail("release", "%s: %s", keys_path, err.msg);
	if (status == 0 && pgp_path != NULL &&
	    (sz_pgp_import(pgp, pgp_path, &err) != 0 ||
	     archive_file(a, pgp_path, pgp_sha, &err) != 0))
		status = cli_fail("release", "%s: %s", pgp_path, err.msg);
	o->dkim = keys;
	o->dkim_sha256 = keys ? sha : NULL;
	o->pgp = pgp;
	o->pgp_sha256 = pgp_path ? pgp_sha : NULL;
	for (int i = 0; status == 0 && i < nfiles; i++) {
		int s = add_one(a, id, files[i], o);
		if (s != 0 && status == 0)
			status = s;
		done += s == 0;
	}
	sz_dkim_keys_free(keys);
	a->ops->close(a);
	/* Counted, not named: a file's name can say who gave it.  A PGP
	 * import's parent writes it (count: the pipe to it). */
	if (count >= 0) {
		if (write(count, &done, sizeof(done)) != (ssize_t)sizeof(done))
			fprintf(stderr, "samizdat release: not written to the audit "
				"log: %s\n", strerror(errno));
	} else if (done > 0 && (st = audit_add(dir, id, done)) != 0 &&
	    status == 0) {
		status = st;
	}
	return status;
}

static int cmd_add(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "dkim-keys", required_argument, NULL, 'k' },
		{ "pgp-keys", required_argument, NULL, 'p' },
		{ "flagged", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = NULL, *keys_path = NULL, *pgp_path = NULL;
	struct publish_mail_options o = { .flagged_form = SZ_RAW_WITHHELD };
	int c, st;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "release", "d:h", longopts)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'k': keys_path = optarg; break;
		case 'p': pgp_path = optarg; break;
		case 'f':
			if (parse_form(optarg, &o.flagged_form) != 0)
				return cli_usage("release", "--flagged takes none, raw or "
					"scrubbed");
			o.flagged_chosen = true;
			break;
		case 'h': fputs(usage, stdout); return 0;
		default: return SZ_EXIT_USAGE;
		}
	}
	int64_t id;
	if (argc - optind < 2 || parse_id(argv[optind], &id) != 0)
		return cli_usage("release", "add takes a release number and files");
	struct sz_pgp *pgp = NULL;
	struct sz_err err;
	/* Checking PGP signatures: the private GnuPG home is made here,
	 * before the lock-in, and the import runs in a child locked in to
	 * it; the home is removed here after (a locked-in process may empty
	 * it but not remove the folder from $TMPDIR). */
	int count[2] = { -1, -1 };   /* the child tells how many it added */
	if (pgp_path != NULL) {
		if (sz_pgp_begin(&pgp, &err) != 0)
			return cli_fail("release", "%s: %s", pgp_path, err.msg);
		if (pipe2(count, O_CLOEXEC) != 0) {
			sz_pgp_close(pgp);
			return cli_fail("release", "cannot make a pipe: %s",
				strerror(errno));
		}
		fflush(NULL);
		pid_t pid = fork();
		if (pid != 0) {
			close(count[1]);
			st = pid < 0 ? cli_fail("release", "cannot fork: %s",
				strerror(errno)) : wait_import(pid, count[0], dir, id);
			close(count[0]);
			sz_pgp_close(pgp);
			return st;
		}
		close(count[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);   /* dies with its parent */
	}
	st = add_all(dir, id, argv + optind + 1, argc - optind - 1, keys_path,
		pgp_path, pgp, &o, count[1]);
	sz_pgp_close(pgp);
	return st;
}

/* Prints one page of a release's flagged e-mails, with what would go
 * out if each were published raw. */
static int flagged_page(struct sz_archive *a, int64_t id, size_t offset,
	size_t *n, int64_t *total, struct sz_err *err)
{
	struct sz_doc_row *rows;
	if (a->ops->email_flagged(a, id, offset, SZ_ARCHIVE_PAGE_MAX, &rows, n,
	    total, err) != 0)
		return err->code;
	for (size_t i = 0; i < *n; i++) {
		struct sz_buf flags, removed;
		sz_buf_init(&flags, SZ_ARCHIVE_NOTES_MAX + 1);
		sz_buf_init(&removed, SZ_ARCHIVE_NOTES_MAX + 1);
		a->ops->email_raw_notes(a, rows[i].id, &flags, &removed, err);
		printf("e-mail %lld\t%s #%lld\traw form: %s%s\t%s\n",
			(long long)rows[i].id, rows[i].collection,
			(long long)rows[i].num, form_names[rows[i].raw_form],
			rows[i].raw_chosen ? "" : " (not chosen yet)", rows[i].title);
		const char *p = flags.data ? (const char *)flags.data : "";
		while (*p) {
			size_t l = strcspn(p, "\n");
			printf("  would go out: %.*s\n", (int)l, p);
			p += l + (p[l] == '\n');
		}
		sz_buf_free(&flags);
		sz_buf_free(&removed);
	}
	sz_doc_rows_free(rows, *n);
	return 0;
}

/* The e-mails of a release whose signed parts carry identifying data. */
static int cmd_flagged(int argc, char **argv)
{
	const char *dir;
	int st = cli_dir_only(argc, argv, "release", usage, &dir);
	if (st >= 0)
		return st;
	int64_t id;
	if (argc - optind != 1 || parse_id(argv[optind], &id) != 0)
		return cli_usage("release", "flagged takes a release number");
	return each_page(dir, id, flagged_page);
}

/* An editor's choice for one or all flagged e-mails of a release. */
static int cmd_raw(int argc, char **argv)
{
	const char *dir;
	int st = cli_dir_only(argc, argv, "release", usage, &dir);
	if (st >= 0)
		return st;
	int64_t id, email = 0;
	enum sz_raw_form form;
	if (argc - optind != 3 || parse_id(argv[optind], &id) != 0 ||
	    (strcmp(argv[optind + 1], "all") != 0 &&
	     parse_id(argv[optind + 1], &email) != 0) ||
	    parse_form(argv[optind + 2], &form) != 0)
		return cli_usage("release", "raw takes a release number, an e-mail "
			"number or \"all\", and none, raw or scrubbed");
	struct sz_archive *a;
	struct sz_err err;
	int64_t changed;
	if ((st = open_archive(dir, &a, NULL, 0, NULL, NULL, NULL)) != 0)
		return st;
	if (a->ops->email_choose_raw(a, id, email, form, &changed, &err) != 0)
		st = cli_fail("release", "%s", err.msg);
	else
		printf("%lld flagged e-mails now publish %s\n", (long long)changed,
			form == SZ_RAW_VERIFIABLE ? "their raw message as signed" :
			form == SZ_RAW_SCRUBBED ? "their raw message scrubbed" :
			"no raw message");
	a->ops->close(a);
	if (st == 0 && changed > 0)
		st = audit(dir, "choose raw form", "release %lld: %lld e-mail%s "
			"publish %s", (long long)id, (long long)changed,
			changed == 1 ? "" : "s", form_names[form]);
	return st;
}

/* The forum's side of a removal (store/forum.h): the discussion of a
 * document or e-mail and its attachments is hidden too.  An exit
 * status. */
static int withdraw_discussion(struct sz_archive *a, int64_t doc)
{
	struct sz_forum *f = withdraw_forum;
	struct sz_err err;
	int rc = f == NULL ? sz_err_set(&err, SZ_E_IO, "%s", withdraw_why) :
		sz_forum_withdraw_doc(f, a, doc, WITHDRAW_ACTOR, &err);
	if (f != NULL)
		f->ops->close(f);
	withdraw_forum = NULL;
	return rc == 0 ? 0 : cli_fail("release", "its discussion in the forum "
		"could not be hidden (hide it there by hand): %s", err.msg);
}

static int cmd_state(int argc, char **argv, enum sz_release_state state)
{
	const char *dir;
	int st = cli_dir_only(argc, argv, "release", usage, &dir);
	if (st >= 0)
		return st;
	int64_t id;
	if (argc - optind != 1 || parse_id(argv[optind], &id) != 0)
		return cli_usage("release", "give one release number");
	struct sz_archive *a;
	struct sz_err err;
	if ((st = open_archive(dir, &a, NULL, 0, NULL, NULL, NULL)) != 0)
		return st;
	if (a->ops->release_set_state(a, id, state, &err) != 0)
		st = cli_fail("release", "%s", err.msg);
	else
		printf("release %lld is %s\n", (long long)id,
			state == SZ_RELEASE_PUBLISHED ? "published" : "a draft again");
	a->ops->close(a);
	if (st == 0)
		st = audit(dir, state == SZ_RELEASE_PUBLISHED ? "publish release" :
			"unpublish release", "release %lld", (long long)id);
	return st;
}

/* `release remove ID DOC|MESSAGE-ID`: a number names a document or an
 * e-mail of that release (never of another: a mistyped number must not
 * take one from elsewhere); anything else is an e-mail's Message-ID. */
static int cmd_remove(int argc, char **argv)
{
	const char *dir;
	int st = cli_dir_only(argc, argv, "release", usage, &dir);
	if (st >= 0)
		return st;
	int64_t release, id = 0, count = 1;
	if (argc - optind != 2 || parse_id(argv[optind], &release) != 0)
		return cli_usage("release", "remove takes a release number and a "
			"document or e-mail number or an e-mail's Message-ID");
	const char *which = argv[optind + 1];
	bool by_number = parse_id(which, &id) == 0;
	struct sz_archive *a;
	struct sz_err err;
	struct sz_doc_row d;
	size_t removed = 0;
	int hid = 0;
	memset(&d, 0, sizeof(d));
	open_withdraw_forum(dir);
	if ((st = open_archive(dir, &a, NULL, 0, NULL, NULL, NULL)) != 0)
		return st;
	if (!by_number && a->ops->email_by_message_id(a, release, which, &id,
	    &count, &err) != 0)
		st = cli_fail("release", "%s", err.msg);
	else if (count > 1)
		st = cli_fail("release", "%lld e-mails of release %lld have that "
			"Message-ID: give the number of the one to remove",
			(long long)count, (long long)release);
	else if (a->ops->doc_get(a, id, &d, &err) != 0 ||
	    d.release_id != release)
		st = cli_fail("release", "release %lld has no document or e-mail "
			"%lld", (long long)release, (long long)id);
	else {
		/* the discussion first, while the attachments are still
		 * listed; a forum out of reach holds back no removal */
		hid = withdraw_discussion(a, id);
		if (a->ops->doc_remove(a, id, &removed, &err) != 0)
			st = cli_fail("release", "%s", err.msg);
		else
			printf("removed %s %lld \"%s\" from release %lld (%zu "
				"document%s with its attachments)\n", d.email ? "e-mail" :
				"document", (long long)id, d.title, (long long)release,
				removed, removed == 1 ? "" : "s");
	}
	bool email = d.email;
	sz_doc_row_clear(&d);
	a->ops->close(a);
	if (st == 0)
		st = audit(dir, "remove from release", "%s %lld", email ? "e-mail" :
			"document", (long long)id);
	return st != 0 ? st : hid;
}

/* Prints one page of releases from offset: how many, and of how many. */
static int list_page(struct sz_archive *a, int64_t key, size_t offset,
	size_t *n, int64_t *total, struct sz_err *err)
{
	(void)key;
	struct sz_release_row *rows;
	if (a->ops->release_list(a, true, offset, SZ_ARCHIVE_PAGE_MAX, &rows, n,
	    total, err) != 0)
		return err->code;
	for (size_t i = 0; i < *n; i++)
		printf("%lld\t%s\t%s\t%lld documents\t%lld e-mails\t%s\n",
			(long long)rows[i].id, rows[i].day,
			rows[i].state == SZ_RELEASE_PUBLISHED ? "published" : "draft",
			(long long)rows[i].documents, (long long)rows[i].emails,
			rows[i].title);
	sz_release_rows_free(rows, *n);
	return 0;
}

static int cmd_list(int argc, char **argv)
{
	const char *dir;
	int st = cli_dir_only(argc, argv, "release", usage, &dir);
	if (st >= 0)
		return st;
	if (argc - optind != 0)
		return cli_usage("release", "list takes no arguments");
	return each_page(dir, 0, list_page);
}

int sz_cmd_release(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? SZ_EXIT_USAGE : 0;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "create") == 0)
		return cmd_create(argc - 1, argv + 1);
	if (strcmp(sub, "add") == 0)
		return cmd_add(argc - 1, argv + 1);
	if (strcmp(sub, "publish") == 0)
		return cmd_state(argc - 1, argv + 1, SZ_RELEASE_PUBLISHED);
	if (strcmp(sub, "unpublish") == 0)
		return cmd_state(argc - 1, argv + 1, SZ_RELEASE_DRAFT);
	if (strcmp(sub, "list") == 0)
		return cmd_list(argc - 1, argv + 1);
	if (strcmp(sub, "flagged") == 0)
		return cmd_flagged(argc - 1, argv + 1);
	if (strcmp(sub, "raw") == 0)
		return cmd_raw(argc - 1, argv + 1);
	if (strcmp(sub, "remove") == 0)
		return cmd_remove(argc - 1, argv + 1);
	return cli_usage("release", "unknown sub-command \"%s\"", sub);
}
