/*
 * manifest.h - an export's MANIFEST and what its signature vouches for.
 *
 * MANIFEST is sha256sum's format, one line per file, sorted by path (byte
 * order), paths relative to the export:
 *
 *   <64 hex digits><two spaces><path>\n
 *
 * so `sha256sum -c MANIFEST` checks an export with no samizdat at all.
 * MANIFEST.minisig signs it in minisign's format; its trusted comment is
 * the claim below, tab-separated:
 *
 *   archive:<name>\tversion:<n>\texpires:<YYYY-MM-DDTHH:MM:SSZ>
 *
 * What it deliberately does not do: read files or directories (export.c
 * writes, verify.c checks).  Paths are held to a safe set (see
 * sz_manifest_path_ok) both when written and when read, so no manifest
 * can name a file outside its export, a hidden file, or one that needs
 * sha256sum's escaping.
 */
#ifndef SZ_MIRROR_MANIFEST_H
#define SZ_MIRROR_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define SZ_MANIFEST_FILE "MANIFEST"
#define SZ_MANIFEST_SIG_FILE "MANIFEST.minisig"
#define SZ_MANIFEST_PATH_MAX 400      /* bytes of a path */
#define SZ_MANIFEST_DEPTH_MAX 12      /* folders a path passes through */
#define SZ_MANIFEST_LINE_MAX (64 + 2 + SZ_MANIFEST_PATH_MAX + 1)
#define SZ_MANIFEST_ARCHIVE_MAX 200   /* bytes of an archive's name */
/* What no genuine export claims, so that a stolen or misused key cannot
 * sign a copy that never expires, or a version that locks every later
 * genuine one out of readers' memory (seen.h): an expiry more than
 * SZ_MANIFEST_EXPIRY_DAYS_MAX days after signing (a reader allows one
 * day more, for clocks that disagree), or a version more than
 * SZ_MANIFEST_VERSION_STEP_MAX above the highest a reader saw before for
 * that key (0 if none: a first version is at most that).  Exports count
 * versions one by one, so no archive comes near either. */
#define SZ_MANIFEST_EXPIRY_DAYS_MAX 400
#define SZ_MANIFEST_EXPIRY_SLACK_S 86400
#define SZ_MANIFEST_VERSION_STEP_MAX (UINT64_C(1) << 32)

/* Whether path (len bytes) may be listed: relative; folders and a file
 * name separated by single "/"; each part non-empty, not starting with
 * "."; only letters, digits and "-_.@%+=,~"; at most SZ_MANIFEST_PATH_MAX
 * bytes and SZ_MANIFEST_DEPTH_MAX folders deep; and not MANIFEST or its
 * signature. */
bool sz_manifest_path_ok(const char *path, size_t len);

/* Reads one line (without its "\n"): the SHA-256 into sha256, and where
 * the path starts in line.  sha256sum's binary-mode marker ("hash *path")
 * is accepted; a path that fails sz_manifest_path_ok is SZ_E_INVAL with a
 * sentence saying why. */
int sz_manifest_line(const char *line, size_t len, uint8_t sha256[32],
	const char **path, size_t *path_len, struct sz_err *err);

/* Writes one line, with its "\n", into out (SZ_MANIFEST_LINE_MAX + 1
 * bytes); returns its length. */
size_t sz_manifest_format_line(const uint8_t sha256[32], const char *path,
	char *out);

/* What a signed manifest claims. */
struct sz_manifest_claim {
	char archive[SZ_MANIFEST_ARCHIVE_MAX + 1];
	uint64_t version;             /* grows with every export */
	int64_t expires;              /* seconds since the epoch, UTC */
};

/* Whether an archive's name can be carried: 1 to SZ_MANIFEST_ARCHIVE_MAX
 * bytes of UTF-8 text without tabs or control characters. */
bool sz_manifest_archive_ok(const char *name);
/* The trusted comment for a claim, into out (cap bytes). */
int sz_manifest_claim_format(const struct sz_manifest_claim *c, char *out,
	size_t cap);
/* Reads a trusted comment: archive, version and expires each exactly
 * once; other fields are ignored (a later samizdat may add some). */
int sz_manifest_claim_parse(const char *text,
	struct sz_manifest_claim *c, struct sz_err *err);

#endif
