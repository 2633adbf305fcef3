/*
 * instance.h - an instance directory and everything in it:
 *
 *   DIR/samizdat.conf   settings (core/config.h; or $SAMIZDAT_CONFIG, or
 *                       for an instance without one the system-wide file)
 *   DIR/instance.key    the per-instance salt (16 bytes) and keyed-hash key
 *                       (32 bytes), mode 0600
 *   DIR/inbox.db        the SQLite database
 *   DIR/blobs/, tmp/    encrypted files (store/blobs.h)
 *
 * The directory is mode 0700: only the samizdat user reads it.
 */
#ifndef SZ_STORE_INSTANCE_H
#define SZ_STORE_INSTANCE_H

#include <stdint.h>

#include "core/config.h"
#include "core/err.h"
#include "store/blobs.h"
#include "store/store.h"

#define SZ_INSTANCE_SECRETS_FILE "instance.key"
#define SZ_INSTANCE_SALT_BYTES 16
#define SZ_INSTANCE_HASHKEY_BYTES 32

struct sz_instance {
	char dir[4096];
	struct sz_config cfg;
	uint8_t *secrets;        /* sodium_malloc'd: salt, then hash key */
	struct sz_store *store;
	struct sz_blobs blobs;
};

/* Creates a new instance in dir (which must not hold one already).  The
 * settings template goes into dir/samizdat.conf, or into the file
 * $SAMIZDAT_CONFIG names if that does not exist yet. */
int sz_instance_create(const char *dir, struct sz_err *err);
/* Whether dir holds an instance, readable by this user; if not, err
 * says what is wrong and what to do ("... does not exist: give the
 * instance's directory with -d DIR ..."), for every command that opens
 * one. */
int sz_instance_check(const char *dir, struct sz_err *err);
/* Opens an instance (checked first): settings, secrets, database, blob
 * tree. */
int sz_instance_open(struct sz_instance *in, const char *dir,
	struct sz_err *err);
void sz_instance_close(struct sz_instance *in);

/* Deletes submissions older than the instance's retention_days (or days,
 * if not 0): their rows, then their files, overwritten where the file
 * system allows.  *nsubmissions and *nfiles say how many. */
int sz_instance_purge(struct sz_instance *in, unsigned days,
	size_t *nsubmissions, size_t *nfiles, struct sz_err *err);

const uint8_t *sz_instance_salt(const struct sz_instance *in);
const uint8_t *sz_instance_hash_key(const struct sz_instance *in);

#endif
