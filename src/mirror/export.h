/*
 * export.h - `samizdat mirror export`: the public archive (and, through
 * the same list of page sources, its discussion) as a folder of static
 * files that any web server, a USB stick or a torrent can carry, with a
 * signed MANIFEST of every file's SHA-256.
 *
 * The pages are exactly what the archive page layer renders, with links
 * relative to each page (".html" files), so the copy works under any path
 * prefix and from a disk; documents and raw e-mails are copied as files;
 * the Atom feed and the JSON API's documents are files too; browse
 * indexes stand in for search.
 *
 * Incremental: the export keeps a state (a small SQLite database, by
 * default DIR/mirror/<hash of OUT's path>.db) of every file it wrote, which
 * owner (a page source and key: "doc:12", "from:a@b.org") made it, and
 * which owners each document shows up in.  The archive's change log says
 * which documents and releases changed since the last run; only their
 * owners are rendered again, files whose bytes did not change are not
 * rewritten, and files an owner no longer makes are removed.  A file is
 * written under a temporary name in its folder and renamed, so a reader
 * never sees half of one; all files reach the disk (syncfs) before the
 * MANIFEST and then its signature replace the old ones, last.
 *
 * Memory stays bounded whatever the archive's size: owners waiting to be
 * rendered live in the state database, and one page per render worker
 * (EXPORT_WORKERS, 2) is in memory at a time (SZ_EXPORT_PAGE_MAX; a
 * larger page is left out with a warning).
 *
 * What it deliberately does not do: serve, upload or sync the copy to
 * mirrors (rsync, a web server or a torrent client do), or search.
 */
#ifndef SZ_MIRROR_EXPORT_H
#define SZ_MIRROR_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "mirror/manifest.h"
#include "mirror/minisign.h"

#define SZ_EXPORT_PAGE_MAX (16u << 20)      /* one rendered page */
#define SZ_EXPORT_EXPIRY_DAYS 30            /* default validity */
#define SZ_EXPORT_EXPIRY_DAYS_MAX SZ_MANIFEST_EXPIRY_DAYS_MAX  /* manifest.h */
#define SZ_EXPORT_STATE_DIR "mirror"        /* in the instance directory */

struct sz_export_opts {
	const char *instance;         /* the instance directory */
	const char *out;              /* the export's folder (made if absent) */
	const char *state;            /* the state file, or NULL for the
	                                 default in the instance */
	const struct sz_minisign_key *key;   /* signs the MANIFEST */
	const char *archive_name;     /* in the signed claim */
	unsigned expiry_days;         /* 1 .. SZ_EXPORT_EXPIRY_DAYS_MAX */
	bool rebuild;                 /* forget the state: render everything,
	                                 remove what else is in out */
	bool progress;                /* a progress line on standard error */
};

/* Where an export's time goes, phase by phase (wall-clock seconds, for
 * `samizdat mirror export --verbose`): finding what to render, each
 * rendering stage (export_internal.h), the sweep of what no owner made,
 * the MANIFEST (written and signed), syncfs, and the state's commit. */
enum sz_export_phase {
	SZ_EXPORT_PHASE_QUEUE,
	SZ_EXPORT_PHASE_CHANGED,
	SZ_EXPORT_PHASE_THREADS,
	SZ_EXPORT_PHASE_PAGES,
	SZ_EXPORT_PHASE_LISTS,
	SZ_EXPORT_PHASE_SWEEP,
	SZ_EXPORT_PHASE_MANIFEST,
	SZ_EXPORT_PHASE_SYNC,
	SZ_EXPORT_PHASE_COMMIT,
	SZ_EXPORT_PHASES
};
/* The phases' names, in that order ("queue", "documents", ...). */
extern const char *const sz_export_phase_names[SZ_EXPORT_PHASES];

struct sz_export_stats {
	uint64_t owners;              /* page sources rendered */
	uint64_t written;             /* files written (new or changed) */
	uint64_t unchanged;           /* rendered, same bytes, left alone */
	uint64_t removed;             /* files no longer made, removed */
	uint64_t skipped;             /* pages too large, left out */
	uint64_t files;               /* files in the MANIFEST */
	uint64_t version;             /* the signed version */
	int64_t expires;              /* the signed expiry */
	bool full;                    /* everything was rendered */
	double seconds[SZ_EXPORT_PHASES];   /* wall clock, by phase */
};

/* Exports the archive of o->instance into o->out. */
int sz_mirror_export(const struct sz_export_opts *o,
	struct sz_export_stats *stats, struct sz_err *err);

#endif
