/*
 * export_internal.h - shared by the export's files only: export.c (the
 * run), export_state.c (what the last run wrote, and what waits to be
 * rendered), export_files.c (files on disk, the MANIFEST) and
 * export_pages.c and export_forum.c (the page sources).
 *
 * Owners: every file of an export belongs to one owner, "kind:key" or a
 * bare kind ("doc:12", "thread:ab12...", "home").  Rendering an owner
 * writes all of its files; whatever it wrote last time and did not write
 * now is removed.  Owners wait in the state's dirty table, in stages:
 * changed documents first (they say which other owners they touch), then
 * threads (which touch their e-mails' pages), then everything else.
 */
#ifndef SZ_MIRROR_EXPORT_INTERNAL_H
#define SZ_MIRROR_EXPORT_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "core/buf.h"
#include "mirror/export.h"
#include "mirror/manifest.h"
#include "core/config.h"
#include "web/archive/pages.h"
#include "web/forum/forum.h"

#define EXPORT_OWNER_MAX 400          /* bytes of an owner name */
#define EXPORT_BATCH 1024             /* owners read from the state at once
                                         (400 KiB of names) */
#define EXPORT_WORKERS 2              /* owners rendered side by side */
#define EXPORT_QUEUED_SLOTS 32768     /* owners remembered as queued
                                         (4 MiB: every e-mail queues its
                                         sender, recipients and thread) */
#define EXPORT_QUEUED_NAME 120        /* a longer owner is not remembered */
#define EXPORT_LIST_SPLIT 16         /* a list of more pages is written
                                         by two threads */
#define EXPORT_PENDING_TRY (16u << 10)   /* a worker's batch of state
                                         writes is applied from here if the
                                         lock is free */
#define EXPORT_PENDING_MAX (256u << 10)  /* and at this size in any case */
#define EXPORT_DIRS 16                /* folders a worker keeps open */
#define EXPORT_TRIM_BYTES (64 << 20)  /* freed heap kept (M_TRIM_THRESHOLD) */
#define EXPORT_MMAP_BYTES (32 << 20)  /* larger allocations are mapped */

enum export_stage {
	STAGE_CHANGED,                /* a document that changed: renders and
	                                 says which owners it touches */
	STAGE_THREAD,                 /* a thread: its e-mails' pages too */
	STAGE_PAGE,                   /* a document whose page shows others */
	STAGE_LIST,                   /* lists, indexes, the site's pages */
	STAGE_COUNT
};

/* An owner this run queued, and at which stage (-1: an empty slot). */
struct export_queued {
	char owner[EXPORT_QUEUED_NAME];
	int stage;
};

/* A folder of the export a worker keeps open (used: the slot holds
 * one), walked to without following a link (export_files.c). */
struct export_dir {
	char path[SZ_MANIFEST_PATH_MAX + 1];
	int fd;
	bool used;
};

/* One run, as each render worker sees it: a worker renders into its own
 * page, owner, folder cache, stats and err, and shares the rest (the
 * archive and the forum are read through their own thread-safe
 * connections; the state through state_mu). */
struct export {
	const struct sz_export_opts *o;
	struct sz_export_stats *stats;
	struct sz_site site;          /* relative links, ".html" */
	struct sz_config cfg;         /* the instance's (the forum's rules) */
	struct sz_forum *forum;       /* NULL: the instance has no forum */
	struct sz_forum_site fsite;   /* the forum's pages, linked alike */
	struct sz_discussion disc;    /* comments under the archive's pages */
	int out;                      /* the export's folder */
	sqlite3 *db;                  /* the state */
	pthread_mutex_t *state_mu;    /* held for it while workers render */
	sqlite3_stmt *st_get, *st_put, *st_stale, *st_drop, *st_dirty,
		*st_dep, *st_deps, *st_undep;
	struct export_queued *queued; /* EXPORT_QUEUED_SLOTS, by owner's
	                                 hash: queueing them again is skipped */
	int64_t run;                  /* this run's number */
	bool direct;                  /* the folder was empty: files are
	                                 made under their own names (and the
	                                 state lists none to compare) */
	bool everything;              /* every document, thread and list was
	                                 queued at the start, and the state
	                                 knows no document's owners */
	mode_t umask;                 /* the process's, read at the start */
	enum export_stage stage;      /* the stage being rendered */
	struct sz_buf page;           /* the page being written */
	struct sz_buf pending;        /* state writes waiting (export_state.c) */
	char owner[EXPORT_OWNER_MAX]; /* the owner being rendered */
	int64_t adjacent[2];          /* the last page's previous and next
	                                 documents (sz_page.adjacent) */
	char last_dir[SZ_MANIFEST_PATH_MAX + 1];   /* opened last */
	int dir;                      /* last_dir, open (-1: none) */
	struct export_dir dirs[EXPORT_DIRS];   /* open folders, dir among them
	                                 (a page's, its JSON's, its file's) */
	unsigned dir_next;            /* the slot the next one takes */
	struct timespec last_progress;
	struct timespec phase_start;  /* when the current phase began */
	uint64_t todo, done;          /* for the progress line */
	struct sz_err *err;
};

/* A render worker of its own beside x (a thread renders with it): a
 * copy of x with its own page, folder cache, stats and err, sharing
 * the rest (export.c). */
struct export_worker {
	struct export x;
	struct sz_export_stats stats;
	struct sz_err err;
	int rc;                       /* what its thread returned */
};
void export_worker_init(struct export_worker *w, const struct export *x);
/* After its thread ended: adds its stats to x's and returns rc, or,
 * where rc is 0, the worker's failure (its err copied to x's). */
int export_worker_end(struct export_worker *w, struct export *x, int rc);
void export_worker_free(struct export_worker *w);

/* Counts the time since the last call (or the run's start) to phase p
 * (export.c). */
void export_phase(struct export *x, enum sz_export_phase p);

/* ---- export_state.c -------------------------------------------------- */

/* Opens (creating) the state database at path; *fresh says it is new. */
int state_open(struct export *x, const char *path, bool *fresh);
void state_close(struct export *x);
int state_exec(struct export *x, const char *sql);
/* A value of the meta table (0 or "" when absent). */
int64_t state_meta_int(struct export *x, const char *key);
void state_meta_text(struct export *x, const char *key, char *out,
	size_t cap);
int state_meta_set_int(struct export *x, const char *key, int64_t v);
int state_meta_set_text(struct export *x, const char *key, const char *v);
/* Queues an owner at a stage (an owner queued twice keeps the earlier). */
int state_dirty(struct export *x, const char *owner, enum export_stage s);
/* Applies the state writes this worker has waiting (they wait while
 * workers render: state_dirty, state_dep, state_file_put). */
int state_flush(struct export *x);
/* Up to EXPORT_BATCH owners of a stage after `after` (by name), into
 * names (EXPORT_BATCH * EXPORT_OWNER_MAX bytes); *n how many. */
int state_dirty_batch(struct export *x, enum export_stage s,
	const char *after, char *names, size_t *n);
uint64_t state_dirty_count(struct export *x);
/* The owners a document showed up in last time (each queued, with the
 * index its release, sender, recipient or month is listed in), then
 * forgotten; state_dep records one for this time (the home page and
 * those indexes it only queues: they are implied by the others). */
int state_deps_requeue(struct export *x, int64_t doc);
int state_dep(struct export *x, int64_t doc, const char *owner);
/* The same, without queueing owner (it is being rendered): a document's
 * page shows its neighbours' titles. */
int state_shown(struct export *x, int64_t doc, const char *owner);
/* The SHA-256 a path had last time: true if it is known. */
bool state_file_get(struct export *x, const char *path, uint8_t sha[32]);
/* Records a file as written (or found unchanged) by x->owner this run. */
int state_file_put(struct export *x, const char *path,
	const uint8_t sha[32], uint64_t size);
/* Keeps a file of x->owner as it is (rendered before, unchanged):
 * SZ_E_NOT_FOUND if the state does not list it. */
int state_file_keep(struct export *x, const char *path);
/* Removes the files of x->owner that this run did not write. */
int state_owner_end(struct export *x);

/* ---- export_files.c -------------------------------------------------- */

/* Writes bytes as path (relative to the export) for x->owner, unless
 * the file already holds exactly them. */
int files_write(struct export *x, const char *path, const void *data,
	size_t len);
/* Copies an open file (read from its start, closed here) as path. */
int files_copy(struct export *x, const char *path, int fd);
/* The same for a file of the archive's, whose SHA-256 and size the
 * archive knows (it names the file by them): copied in the kernel and
 * not hashed again; nothing copied when the state knows path holds it. */
int files_copy_known(struct export *x, const char *path, int fd,
	const uint8_t sha[32], uint64_t size);
/* Removes a file and the folders it leaves empty. */
void files_remove(struct export *x, const char *path);
/* Whether the export's folder holds anything but a MANIFEST and its
 * signature (true on error: the caller refuses then). */
bool files_nonempty(int out);
/* Closes the folder the last file went to (at the end of an export). */
void files_close(struct export *x);
/* Removes every file below the export that the state does not list
 * (left by an interrupted run, or by someone else). */
int files_sweep(struct export *x);
/* Writes MANIFEST and MANIFEST.minisig from the state under their
 * temporary names (EXPORT_TMP_MANIFEST, EXPORT_TMP_SIG), after every
 * file of the export reached the disk; sha256 (hex) is the MANIFEST's.
 * The caller renames them into place. */
#define EXPORT_TMP_MANIFEST "." SZ_MANIFEST_FILE ".tmp"
#define EXPORT_TMP_SIG "." SZ_MANIFEST_SIG_FILE ".tmp"
int files_manifest(struct export *x, const char *trusted,
	char sha256[SZ_ARCHIVE_SHA256_HEX]);

/* ---- page sources ---------------------------------------------------- */

/* A kind of owner: "doc" owns "doc:12"; a kind without keys owns itself
 * ("home"). */
struct export_kind {
	const char *name;
	int (*render)(struct export *x, const char *key);  /* NULL key: bare */
};

/* Where pages come from: the archive (export_pages.c); the forum's
 * boards and threads are a second source of the same shape.  Each keeps
 * its own place in its own change log (meta "<name>_seq"). */
struct export_source {
	const char *name;
	const struct export_kind *kinds;
	size_t nkinds;
	/* Queues everything it has (a first or rebuilt export); *seq
	 * receives its change log's position, read before anything else. */
	int (*queue_all)(struct export *x, int64_t *seq);
	/* Queues what changed after *seq; advances *seq. */
	int (*queue_changes)(struct export *x, int64_t *seq);
	/* Queues the owners every run renders again (cheap, always current:
	 * the stylesheet, the browse and search pages). */
	int (*queue_always)(struct export *x);
};

extern const struct export_source export_archive;   /* export_pages.c */
extern const struct export_source export_forum;     /* export_forum.c */
/* Queues the forum's thread about a release, document or e-mail, if
 * there is one (its page links the subject while it is published). */
int forum_queue_subject(struct export *x, enum sz_forum_subject subject,
	int64_t id);

/* Writes the page a page layer rendered into x->page (rc and status as
 * it returned them) as path's file: path without its leading "/", plus
 * ext ("index" for "/"); nothing for a status other than 200, a warning
 * for a page over SZ_EXPORT_PAGE_MAX; source ("archive", "forum") names
 * what could not be read. */
int pages_put(struct export *x, int rc, unsigned status, const char *path,
	const char *ext, const char *source);
/* Renders a page of the site into x->page and writes it as file (the
 * page's path, without its leading "/", plus ext; "index.html" for "/"),
 * unless it does not exist (404: nothing written).  *pages (if not NULL)
 * receives how many pages its list has. */
int pages_write(struct export *x, enum sz_page_kind kind, const char *path,
	const struct sz_page_args *args, const char *ext, size_t *pages);

#endif
