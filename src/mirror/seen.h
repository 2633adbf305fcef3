/*
 * seen.h - the highest signed version a reader's `mirror verify` has
 * seen for each key, so a mirror that serves an older (validly signed)
 * export is caught: a rolled-back mirror can hide a correction or a
 * release, and its signature alone cannot say so.
 *
 * One small text file, $XDG_STATE_HOME/samizdat/mirror-versions (or
 * ~/.local/state/samizdat/mirror-versions), one "KEY VERSION" line per
 * public key (KEY as minisign's base64 line), replaced whole on update.
 *
 * What it deliberately does not keep: which mirrors were checked, when,
 * or anything else about the reader's reading.
 */
#ifndef SZ_MIRROR_SEEN_H
#define SZ_MIRROR_SEEN_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define SZ_SEEN_FILE_MAX (1u << 20)   /* the whole file */
#define SZ_SEEN_KEYS_MAX 10000        /* lines kept */

/* The default file's path, into out (cap bytes). */
int sz_seen_path(char *out, size_t cap, struct sz_err *err);
/* The highest version seen for key (0 if none). */
int sz_seen_get(const char *file, const char *key, uint64_t *version,
	struct sz_err *err);
/* Records version for key, if it is higher than what is there. */
int sz_seen_put(const char *file, const char *key, uint64_t version,
	struct sz_err *err);

#endif
