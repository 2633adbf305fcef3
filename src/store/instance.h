/*
 * instance.h - an instance directory and everything in it:
 *
 *   DIR/samizdat.conf   settings (core/config.h; or $SAMIZDAT_CONFIG, or
 *                       for an instance without one the system-wide file)
 *   DIR/instance.key    the per-instance salt (16 bytes) and keyed-hash key
 *                       (32 bytes), mode 0600
 *   DIR/inbox.db        the SQLite database
 *   DIR/blobs/, tmp/    encrypted files (store/blobs.h)
 *   DIR/archive.db, archive/   the public archive (store/archive.h)
 *   DIR/forum.db        the forum (store/forum.h)
 *
 * The directory is mode 0700: only the samizdat user reads it.
 *
 * A process opens only the parts it needs (a face's "opens", DESIGN.md
 * §1), and sz_instance_confine() lists what those parts let it do once
 * it is locked in: the public face opens the archive read-only and the
 * forum, nothing else, so its sandbox holds no path to the inbox at all.
 */
#ifndef SZ_STORE_INSTANCE_H
#define SZ_STORE_INSTANCE_H

#include <stdint.h>

#include "core/config.h"
#include "core/err.h"
#include "sandbox/sandbox.h"
#include "store/archive.h"
#include "store/blobs.h"
#include "store/forum.h"
#include "store/store.h"

#define SZ_INSTANCE_SECRETS_FILE "instance.key"
#define SZ_INSTANCE_SALT_BYTES 16
#define SZ_INSTANCE_HASHKEY_BYTES 32

/* The parts of an instance a process may open. */
enum {
	SZ_PART_SECRETS = 1 << 0,    /* instance.key, into locked memory */
	SZ_PART_INBOX = 1 << 1,      /* inbox.db: sources, submissions,
	                                replies, recipients, editors, audit */
	SZ_PART_BLOBS = 1 << 2,      /* blobs/ and tmp/: the ciphertext */
	SZ_PART_ARCHIVE = 1 << 3,    /* archive.db and archive/, read-write */
	SZ_PART_ARCHIVE_RO = 1 << 4, /* the same, read-only */
	SZ_PART_FORUM = 1 << 5,      /* forum.db, read-write */
};
/* What the command-line tools open with sz_instance_open(). */
#define SZ_PARTS_INBOX (SZ_PART_SECRETS | SZ_PART_INBOX | SZ_PART_BLOBS)

struct sz_instance {
	char dir[4096];
	struct sz_config cfg;
	unsigned parts;          /* SZ_PART_..., what is open */
	uint8_t *secrets;        /* sodium_malloc'd: salt, then hash key */
	struct sz_store *store;
	struct sz_blobs blobs;
	struct sz_archive *archive;
	struct sz_forum *forum;
};

/* Creates a new instance in dir (which must not hold one already).  The
 * settings template goes into dir/samizdat.conf, or into the file
 * $SAMIZDAT_CONFIG names if that does not exist yet. */
int sz_instance_create(const char *dir, struct sz_err *err);
/* Whether dir holds an instance, readable by this user; if not, err
 * says what is wrong and what to do ("... does not exist: give the
 * instance's directory with -d DIR ..."), for every command that opens
 * one (sz_instance_open_parts checks first). */
int sz_instance_check(const char *dir, struct sz_err *err);
/* Opens an instance's settings and the parts asked for (SZ_PART_...).
 * The read-only archive is only made ready here (sz_archive_prepare:
 * created or brought to the current schema if needed, so that it can be
 * read at all); sz_instance_open_readers opens it. */
int sz_instance_open_parts(struct sz_instance *in, const char *dir,
	unsigned parts, struct sz_err *err);
/* Opens the parts that are read-only, after the lock-in: a descriptor
 * opened before it would keep the write access the lock-in takes away
 * (SQLite opens a WAL read-write whenever it can). */
int sz_instance_open_readers(struct sz_instance *in, struct sz_err *err);
/* Opens settings, secrets, database and blob tree (SZ_PARTS_INBOX). */
int sz_instance_open(struct sz_instance *in, const char *dir,
	struct sz_err *err);
void sz_instance_close(struct sz_instance *in);

/* Adds to sb the paths of the open parts with what may be done to them:
 * the inbox's database files read-write, blobs/ and tmp/ for writing,
 * moving and removing ciphertext, the archive read-write or read-only,
 * the forum's database files read-write.
 * The secrets and the settings were read already: no path for them. */
int sz_instance_confine(const struct sz_instance *in, struct sz_sandbox *sb,
	struct sz_err *err);

/* Deletes submissions older than the instance's retention_days (or days,
 * if not 0): their rows, then their files, overwritten where the file
 * system allows.  *nsubmissions and *nfiles say how many. */
int sz_instance_purge(struct sz_instance *in, unsigned days,
	size_t *nsubmissions, size_t *nfiles, struct sz_err *err);

const uint8_t *sz_instance_salt(const struct sz_instance *in);
const uint8_t *sz_instance_hash_key(const struct sz_instance *in);

#endif
