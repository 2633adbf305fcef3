/*
 * export.c - one run of `samizdat mirror export` (export.h): check that
 * the folder is the one this state describes, queue what changed (or
 * everything), render the queued owners stage by stage, sweep what an
 * interrupted run left, then sign and put the MANIFEST in place.
 *
 * The order of what reaches the disk is what keeps a copy consistent:
 * pages first (each renamed into place), then syncfs, then the state
 * (committed, naming the MANIFEST about to be written), then MANIFEST
 * and its signature.  An interruption anywhere leaves either the old
 * MANIFEST or the new one, and a state that the next run can continue
 * from.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/io.h"
#include "mirror/export_internal.h"

/* Where pages come from (see export_internal.h): the archive, then the
 * forum's boards and threads. */
static const struct export_source *const sources[] = {
	&export_archive,
	&export_forum,
};
#define NSOURCES (sizeof(sources) / sizeof(sources[0]))

static int render_owner(struct export *x, const char *owner)
{
	const char *colon = strchr(owner, ':');
	size_t klen = colon ? (size_t)(colon - owner) : strlen(owner);
	for (size_t s = 0; s < NSOURCES; s++)
		for (size_t k = 0; k < sources[s]->nkinds; k++) {
			const struct export_kind *kind = &sources[s]->kinds[k];
			if (strlen(kind->name) != klen ||
			    memcmp(kind->name, owner, klen) != 0)
				continue;
			snprintf(x->owner, sizeof(x->owner), "%s", owner);
			/* An owner's pages read one snapshot of the archive, on
			 * one connection, without a lock per statement. */
			struct sz_archive *a = x->site.archive;
			int rc = sz_archive_hold_reads(a, true, x->err);
			if (rc == 0)
				rc = kind->render(x, colon ? colon + 1 : NULL);
			int end = sz_archive_hold_reads(a, false, x->err);
			if (rc == 0)
				rc = end;
			if (rc == 0)
				rc = state_owner_end(x);
			x->stats->owners++;
			return rc;
		}
	return 0;   /* a kind no source knows any more: nothing to make */
}

static double since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) +
		(double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

const char *const sz_export_phase_names[SZ_EXPORT_PHASES] = {
	[SZ_EXPORT_PHASE_QUEUE] = "queue",
	[SZ_EXPORT_PHASE_CHANGED] = "documents",
	[SZ_EXPORT_PHASE_THREADS] = "threads",
	[SZ_EXPORT_PHASE_PAGES] = "pages",
	[SZ_EXPORT_PHASE_LISTS] = "lists",
	[SZ_EXPORT_PHASE_SWEEP] = "sweep",
	[SZ_EXPORT_PHASE_MANIFEST] = "manifest",
	[SZ_EXPORT_PHASE_SYNC] = "sync",
	[SZ_EXPORT_PHASE_COMMIT] = "commit",
};

void export_phase(struct export *x, enum sz_export_phase p)
{
	x->stats->seconds[p] += since(&x->phase_start);
	clock_gettime(CLOCK_MONOTONIC, &x->phase_start);
}

static void progress(struct export *x, bool last)
{
	if (!x->o->progress || (!last && since(&x->last_progress) < 1.0))
		return;
	clock_gettime(CLOCK_MONOTONIC, &x->last_progress);
	fprintf(stderr, "\rexport: %llu of %llu pages and lists, %llu files "
		"written, %llu unchanged, %llu removed%s",
		(unsigned long long)x->stats->owners,
		(unsigned long long)state_dirty_count(x),
		(unsigned long long)x->stats->written,
		(unsigned long long)x->stats->unchanged,
		(unsigned long long)x->stats->removed, last ? "\n" : "");
	fflush(stderr);
}

/* A batch of owners, taken one at a time by whichever worker is free
 * (a worker slowed by a large owner, or by another program on a busy
 * machine, leaves the rest to the other), and the second worker. */
struct helper {
	struct export_worker w;
	const char *names;
	size_t n;
	atomic_size_t next;           /* the next owner of names to render */
};

/* The next owner of the batch for x, or NULL when none is left. */
static const char *take(struct helper *h)
{
	size_t i = atomic_fetch_add(&h->next, 1);
	return i < h->n ? h->names + i * EXPORT_OWNER_MAX : NULL;
}

static void *help(void *p)
{
	struct helper *h = p;
	const char *owner;
	while (h->w.rc == 0 && (owner = take(h)) != NULL)
		h->w.rc = render_owner(&h->w.x, owner);
	int rc = state_flush(&h->w.x);
	if (h->w.rc == 0)
		h->w.rc = rc;
	return NULL;
}

void export_worker_init(struct export_worker *w, const struct export *x)
{
	w->x = *x;
	w->x.stats = &w->stats;
	w->x.err = &w->err;
	w->x.last_dir[0] = '\0';
	w->x.dir = -1;             /* its own folder cache */
	memset(w->x.dirs, 0, sizeof(w->x.dirs));
	w->x.dir_next = 0;
	sz_buf_init(&w->x.page, SZ_EXPORT_PAGE_MAX);
	sz_buf_init(&w->x.pending, EXPORT_PENDING_MAX);
	memset(&w->stats, 0, sizeof(w->stats));
	sz_err_clear(&w->err);
	w->rc = 0;
}

int export_worker_end(struct export_worker *w, struct export *x, int rc)
{
	struct sz_export_stats *to = x->stats, *s = &w->stats;
	to->owners += s->owners;
	to->written += s->written;
	to->unchanged += s->unchanged;
	to->removed += s->removed;
	to->skipped += s->skipped;
	memset(s, 0, sizeof(*s));
	if (rc == 0 && w->rc != 0) {
		rc = w->rc;
		if (x->err != NULL)
			*x->err = w->err;
	}
	w->rc = 0;
	return rc;
}

void export_worker_free(struct export_worker *w)
{
	files_close(&w->x);
	sz_buf_free(&w->x.page);
	sz_buf_free(&w->x.pending);
}

/* Renders the queued owners stage by stage, a batch at a time, in two
 * workers (the machine's cores; the page layers are thread-safe, as the
 * faces serve from many threads): this thread and a helper thread each
 * take the batch's next owner until none is left; owners of a stage
 * never write each other's files.  Without a second thread it renders
 * alone. */
static int render_queued(struct export *x)
{
	char *names = malloc((size_t)EXPORT_BATCH * EXPORT_OWNER_MAX);
	struct helper *h = calloc(1, sizeof(*h));
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	int rc = names && h ? 0 : sz_err_set(x->err, SZ_E_NOMEM,
		"out of memory");
	if (rc == 0) {
		x->state_mu = &mu;
		export_worker_init(&h->w, x);
		h->names = names;
	}
	for (int s = 0; rc == 0 && s < STAGE_COUNT; s++) {
		char after[EXPORT_OWNER_MAX] = "";
		size_t n;
		x->stage = h->w.x.stage = (enum export_stage)s;
		do {
			rc = state_dirty_batch(x, x->stage, after, names, &n);
			pthread_t t;
			const char *owner;
			h->n = rc == 0 ? n : 0;
			atomic_store(&h->next, 0);
			bool two = rc == 0 && n > 1 &&
				pthread_create(&t, NULL, help, h) == 0;
			while (rc == 0 && (owner = take(h)) != NULL) {
				rc = render_owner(x, owner);
				progress(x, false);
			}
			/* a failure here leaves the helper nothing more to take */
			atomic_store(&h->next, h->n);
			int flushed = state_flush(x);  /* before the next batch */
			if (rc == 0)
				rc = flushed;
			if (two)
				pthread_join(t, NULL);
			rc = export_worker_end(&h->w, x, rc);
			if (n > 0)
				memcpy(after, names + (n - 1) * EXPORT_OWNER_MAX,
					EXPORT_OWNER_MAX);
		} while (rc == 0 && n == EXPORT_BATCH);
		export_phase(x, (enum sz_export_phase)(SZ_EXPORT_PHASE_CHANGED + s));
	}
	x->state_mu = NULL;
	if (h != NULL && names != NULL)
		export_worker_free(&h->w);
	free(h);
	free(names);
	progress(x, true);
	return rc;
}

/* OUT/name opened for reading if it is a plain file; -1 otherwise, with
 * errno ENOENT for anything else planted there (a FIFO, whose open would
 * wait for a writer forever without O_NONBLOCK: whoever may write into
 * the export could stall every later export). */
static int open_plain(int dir, const char *name)
{
	struct stat st;
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
		O_CLOEXEC);
	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -1;
		errno = ENOENT;
	}
	return fd;
}

/* The SHA-256 (hex) of OUT/name, or "" if there is none. */
static int file_sha256(int dir, const char *name, char hex[65])
{
	struct sha256_ctx h;     /* nettle's: the processor's SHA instructions */
	uint8_t buf[65536], sha[32];
	hex[0] = 0;
	int fd = open_plain(dir, name);
	if (fd < 0)
		return errno == ENOENT ? 0 : SZ_E_IO;
	sha256_init(&h);
	ssize_t got;
	while ((got = sz_read_full(fd, buf, sizeof(buf))) > 0)
		sha256_update(&h, (size_t)got, buf);
	close(fd);
	if (got < 0)
		return SZ_E_IO;
	sha256_digest(&h, sizeof(sha), sha);
	sodium_bin2hex(hex, 65, sha, sizeof(sha));
	return 0;
}

/* The version the copy in OUT was signed with (0 if none can be read):
 * a state lost with its instance must not sign an older version. */
static uint64_t signed_version(int dir)
{
	char text[SZ_MINISIGN_FILE_MAX + 1];
	struct sz_minisign_sig sig;
	struct sz_manifest_claim claim;
	int fd = open_plain(dir, SZ_MANIFEST_SIG_FILE);
	if (fd < 0)
		return 0;
	ssize_t n = sz_read_full(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0 || sz_minisign_sig_parse(text, (size_t)n, &sig, NULL) != 0 ||
	    sz_manifest_claim_parse(sig.trusted, &claim, NULL) != 0)
		return 0;
	return claim.version;
}

/* Whether OUT is the folder this state wrote last; err says otherwise. */
static int check_folder(struct export *x, bool fresh, const char *abs)
{
	char known[PATH_MAX], have[65], last[65], next[65];
	if (fresh) {
		if (files_nonempty(x->out))
			return sz_err_set(x->err, SZ_E_EXISTS, "%s is not empty and "
				"was not exported to from this instance: export into an "
				"empty folder, or add --rebuild to replace what is in it",
				x->o->out);
		return state_meta_set_text(x, "out", abs);
	}
	state_meta_text(x, "out", known, sizeof(known));
	if (strcmp(known, abs) != 0)
		return sz_err_set(x->err, SZ_E_INVAL, "this export state belongs "
			"to %s, not %s", known, abs);
	if (file_sha256(x->out, SZ_MANIFEST_FILE, have) != 0)
		return sz_err_set(x->err, SZ_E_IO, "cannot read %s/" SZ_MANIFEST_FILE
			": %s", x->o->out, strerror(errno));
	state_meta_text(x, "manifest", last, sizeof(last));
	state_meta_text(x, "manifest_next", next, sizeof(next));
	if (strcmp(have, last) != 0 && strcmp(have, next) != 0)
		return sz_err_set(x->err, SZ_E_EXISTS, "%s was changed since "
			"samizdat last exported there (its MANIFEST is not the one "
			"written): add --rebuild to export everything again",
			x->o->out);
	return 0;
}

/* DIR/mirror/<first 16 hex digits of SHA-256(abs)>.db */
static int state_path(const struct sz_export_opts *o, const char *abs,
	char *out, size_t cap, struct sz_err *err)
{
	uint8_t h[32];
	char hex[65];
	if (o->state != NULL) {
		snprintf(out, cap, "%s", o->state);
		return 0;
	}
	snprintf(out, cap, "%s/%s", o->instance, SZ_EXPORT_STATE_DIR);
	if (mkdir(out, 0700) != 0 && errno != EEXIST)
		return sz_err_set(err, SZ_E_IO, "cannot make %s: %s", out,
			strerror(errno));
	crypto_hash_sha256(h, (const uint8_t *)abs, strlen(abs));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	int n = snprintf(out, cap, "%s/%s/%.16s.db", o->instance,
		SZ_EXPORT_STATE_DIR, hex);
	return n > 0 && (size_t)n < cap ? 0 :
		sz_err_set(err, SZ_E_LIMIT, "the instance's path is too long");
}

/* Whether the copy has a page for a thread's subject: published. */
static bool subject_shown(const struct sz_forum_site *fsite,
	enum sz_forum_subject subject, int64_t id)
{
	const struct export *x = fsite->subject_ctx;
	struct sz_archive *a = x->site.archive;
	struct sz_err ignore;
	bool shown = false;
	if (subject == SZ_SUBJECT_RELEASE) {
		struct sz_release_row r;
		memset(&r, 0, sizeof(r));
		shown = a->ops->release_get(a, id, &r, &ignore) == 0 &&
			r.state == SZ_RELEASE_PUBLISHED;
		free(r.intro);
	} else {
		struct sz_doc_row d;
		memset(&d, 0, sizeof(d));
		shown = a->ops->doc_get(a, id, &d, &ignore) == 0 && d.published;
		sz_doc_row_clear(&d);
	}
	return shown;
}

/* The instance's forum, if it has one, for its pages and the comments
 * under the archive's (the same rules and links as the public face's,
 * for a reader who is not logged in). */
static int open_forum(struct export *x)
{
	bool exists = false;
	int rc = sz_config_load(&x->cfg, x->o->instance, x->err);
	if (rc == 0)
		rc = sz_forum_exists(x->o->instance, &x->cfg, &exists, x->err);
	if (rc != 0 || !exists)
		return rc;
	rc = sz_forum_open_config(&x->forum, x->o->instance, &x->cfg, x->err);
	if (rc != 0)
		return rc;
	x->fsite.forum = x->forum;
	x->fsite.cfg = &x->cfg;
	x->fsite.links = SZ_LINKS_RELATIVE;
	x->fsite.prefix = "";
	x->fsite.suffix = x->site.suffix;
	x->fsite.name = x->site.name ? x->site.name : SZ_PAGES_SITE;
	x->fsite.subject_shown = subject_shown;
	x->fsite.subject_ctx = x;
	sz_forum_discussion(&x->disc, &x->fsite);
	const char (*flags)[SZ_FORUM_COUNTRY_MAX + 1];
	sz_forum_flags(&flags);   /* listed once, before the workers start */
	x->site.discussion = &x->disc;
	return 0;
}

/* Queues this run's work; *seqs receive each source's new position. */
static int queue(struct export *x, bool everything, int64_t *seqs)
{
	int rc = 0;
	for (size_t s = 0; rc == 0 && s < NSOURCES; s++) {
		char key[64];
		snprintf(key, sizeof(key), "%s_seq", sources[s]->name);
		/* a source this state never followed (the forum, to an export
		 * made before it was a source) is read whole */
		char had[32];
		state_meta_text(x, key, had, sizeof(had));
		bool all = everything || had[0] == '\0';
		seqs[s] = all ? 0 : state_meta_int(x, key);
		rc = all ? sources[s]->queue_all(x, &seqs[s]) :
			sources[s]->queue_changes(x, &seqs[s]);
		if (rc == 0)
			rc = sources[s]->queue_always(x);
	}
	return rc;
}

/* Signs, records and puts the MANIFEST in place (see the file's top). */
static int finish(struct export *x, const int64_t *seqs, bool sweep)
{
	char trusted[SZ_MINISIGN_TRUSTED_MAX], sha[SZ_ARCHIVE_SHA256_HEX];
	struct sz_manifest_claim c;
	int rc = sweep ? files_sweep(x) : 0;
	export_phase(x, SZ_EXPORT_PHASE_SWEEP);
	uint64_t v = (uint64_t)state_meta_int(x, "version"),
		sv = signed_version(x->out);
	memset(&c, 0, sizeof(c));
	snprintf(c.archive, sizeof(c.archive), "%s", x->o->archive_name);
	c.version = (v > sv ? v : sv) + 1;
	c.expires = (int64_t)time(NULL) + (int64_t)x->o->expiry_days * 86400;
	if (rc == 0 && sz_manifest_claim_format(&c, trusted, sizeof(trusted)))
		rc = sz_err_set(x->err, SZ_E_INVAL, "the archive's name cannot be "
			"signed: one line of plain text, at most %d bytes",
			SZ_MANIFEST_ARCHIVE_MAX);
	if (rc == 0)
		rc = files_manifest(x, trusted, sha);
	for (size_t s = 0; rc == 0 && s < NSOURCES; s++) {
		char key[64];
		snprintf(key, sizeof(key), "%s_seq", sources[s]->name);
		rc = state_meta_set_int(x, key, seqs[s]);
	}
	if (rc == 0)
		rc = state_meta_set_int(x, "version", (int64_t)c.version);
	if (rc == 0)
		rc = state_meta_set_text(x, "manifest_next", sha);
	if (rc == 0)
		rc = state_meta_set_int(x, "clean", 1);
	if (rc == 0)
		rc = state_exec(x, "COMMIT");
	export_phase(x, SZ_EXPORT_PHASE_COMMIT);
	/* The state now names both; the folder gets the new one. */
	if (rc == 0 && (renameat(x->out, EXPORT_TMP_MANIFEST, x->out,
	    SZ_MANIFEST_FILE) != 0 || renameat(x->out, EXPORT_TMP_SIG, x->out,
	    SZ_MANIFEST_SIG_FILE) != 0 || fsync(x->out) != 0))
		rc = sz_err_set(x->err, SZ_E_IO, "cannot put the MANIFEST in "
			"place: %s", strerror(errno));
	if (rc == 0)
		rc = state_meta_set_text(x, "manifest", sha);
	x->stats->version = c.version;
	x->stats->expires = c.expires;
	return rc;
}

int sz_mirror_export(const struct sz_export_opts *o,
	struct sz_export_stats *stats, struct sz_err *err)
{
	struct export x;
	char abs[PATH_MAX], spath[PATH_MAX + 64];
	int64_t seqs[NSOURCES];
	bool fresh = false, in_tx = false;
	int rc = 0;
	memset(&x, 0, sizeof(x));
	memset(stats, 0, sizeof(*stats));
	x.o = o;
	x.stats = stats;
	x.err = err;
	x.out = -1;
	x.dir = -1;
	clock_gettime(CLOCK_MONOTONIC, &x.phase_start);
	/* Each page's rows and buffers are freed and taken again thousands
	 * of times a second: glibc gave the heap's top back to the kernel
	 * and faulted it in again each time (brk, madvise, page faults: a
	 * tenth of an export's CPU).  Freed memory up to EXPORT_TRIM_BYTES
	 * stays; an allocation of a page's size (SZ_EXPORT_PAGE_MAX) comes
	 * from the heap. */
	x.umask = umask(0);   /* read once, before any thread starts */
	umask(x.umask);
	mallopt(M_TRIM_THRESHOLD, EXPORT_TRIM_BYTES);
	mallopt(M_MMAP_THRESHOLD, EXPORT_MMAP_BYTES);
	sz_buf_init(&x.page, SZ_EXPORT_PAGE_MAX);
	sz_buf_init(&x.pending, EXPORT_PENDING_MAX);
	if (!sz_manifest_archive_ok(o->archive_name))
		return sz_err_set(err, SZ_E_INVAL, "the archive's name must be one "
			"line of plain text, at most %d bytes", SZ_MANIFEST_ARCHIVE_MAX);
	if (o->expiry_days < 1 || o->expiry_days > SZ_EXPORT_EXPIRY_DAYS_MAX)
		return sz_err_set(err, SZ_E_INVAL, "the expiry is 1 to %d days",
			SZ_EXPORT_EXPIRY_DAYS_MAX);
	if (mkdir(o->out, 0755) != 0 && errno != EEXIST)
		return sz_err_set(err, SZ_E_IO, "cannot make %s: %s", o->out,
			strerror(errno));
	x.out = open(o->out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (x.out < 0 || realpath(o->out, abs) == NULL) {
		rc = sz_err_set(err, SZ_E_IO, "cannot open %s: %s", o->out,
			strerror(errno));
		goto out;
	}
	rc = state_path(o, abs, spath, sizeof(spath), err);
	if (rc == 0)
		rc = sz_archive_open(&x.site.archive, o->instance, false, true, err);
	if (rc != 0)
		goto out;
	x.site.links = SZ_LINKS_RELATIVE;
	x.site.suffix = ".html";
	if (rc == 0)
		rc = open_forum(&x);
	if (rc == 0)
		rc = state_open(&x, spath, &fresh);
	/* A forum that appeared (or went) since the last run changes every
	 * page of the archive (its discussion links and comments): the run
	 * is then a rebuild, once the folder is known to be this state's.
	 * A state from before this was kept has no answer, and rebuilds
	 * once if there is a forum now. */
	char had_forum[8] = "";
	if (rc == 0 && !o->rebuild)
		rc = check_folder(&x, fresh, abs);
	if (rc == 0 && !fresh)
		state_meta_text(&x, "forum", had_forum, sizeof(had_forum));
	bool rebuild = o->rebuild || (rc == 0 && !fresh &&
		(had_forum[0] == '1') != (x.forum != NULL));
	/* A rebuild: what the state knew is forgotten, and whatever is in
	 * the folder and not made again is swept. */
	if (rc == 0 && rebuild)
		rc = state_exec(&x, "DELETE FROM files; DELETE FROM deps;"
			"DELETE FROM meta WHERE key != 'run';");
	if (rc == 0 && rebuild)
		rc = state_meta_set_text(&x, "out", abs);
	/* A first export into a folder with nothing in it, not even a
	 * MANIFEST: no file to replace under a reader, so none is renamed. */
	x.direct = rc == 0 && fresh && !rebuild &&
		faccessat(x.out, SZ_MANIFEST_FILE, F_OK, AT_SYMLINK_NOFOLLOW) != 0 &&
		faccessat(x.out, SZ_MANIFEST_SIG_FILE, F_OK, AT_SYMLINK_NOFOLLOW) != 0;
	bool everything = fresh || rebuild;
	x.everything = rc == 0 && everything;
	bool sweep = rebuild || (!fresh && state_meta_int(&x, "clean") == 0);
	/* Marked unclean (and the run counted) before any file changes. */
	x.run = state_meta_int(&x, "run") + 1;
	if (rc == 0)
		rc = state_meta_set_int(&x, "clean", 0);
	if (rc == 0)
		rc = state_meta_set_int(&x, "run", x.run);
	if (rc == 0 && (rc = state_exec(&x, "BEGIN")) == 0)
		in_tx = true;
	if (rc == 0)
		rc = queue(&x, everything, seqs);
	export_phase(&x, SZ_EXPORT_PHASE_QUEUE);
	if (rc == 0)
		rc = render_queued(&x);
	if (rc == 0)
		rc = state_meta_set_int(&x, "forum", x.forum != NULL);
	if (rc == 0)
		rc = finish(&x, seqs, sweep);
	if (rc == 0)
		in_tx = false;      /* committed by finish */
	stats->full = everything;
out:
	if (in_tx)
		state_exec(&x, "ROLLBACK");
	if (x.db != NULL)
		state_close(&x);
	if (x.site.archive != NULL)
		x.site.archive->ops->close(x.site.archive);
	files_close(&x);
	if (x.forum != NULL)
		x.forum->ops->close(x.forum);
	if (x.out >= 0)
		close(x.out);
	sz_buf_free(&x.page);
	sz_buf_free(&x.pending);
	return rc;
}
