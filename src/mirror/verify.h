/*
 * verify.h - `samizdat mirror verify DIR|URL`: whether a copy of the
 * archive is what the newsroom signed, whole, and current.
 *
 * In order: the signature (MANIFEST.minisig, by the given key, over
 * MANIFEST); the signed claim (a samizdat archive, its version, its
 * expiry); the version against the highest this reader saw before for
 * that key (seen.h), so a rolled-back mirror is caught, and the expiry,
 * so a frozen one is; every MANIFEST line (safe paths only, sorted, no
 * duplicates); every listed file's SHA-256; and, for a folder, every
 * file present but not listed, and symbolic links anywhere.
 *
 * Bounded whatever a mirror does: the MANIFEST is copied into an
 * anonymous file (memfd) and mapped, never held on the heap; each file
 * is hashed as it streams; downloads have size caps per file and in
 * total, and time caps (fetch.h).  A failure is never a pass.
 *
 * What it deliberately does not do: repair a copy, or trust anything in
 * it before the signature verified.
 */
#ifndef SZ_MIRROR_VERIFY_H
#define SZ_MIRROR_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "mirror/fetch.h"
#include "mirror/manifest.h"
#include "mirror/minisign.h"

/* The verdicts, which are also `mirror verify`'s exit statuses (2 is a
 * usage error, as for every command). */
enum sz_verify_verdict {
	SZ_VERIFY_OK = 0,
	SZ_VERIFY_UNREADABLE = 1,     /* a read or download failed */
	SZ_VERIFY_SIGNATURE = 3,      /* no valid signature by that key */
	SZ_VERIFY_EXPIRED = 4,        /* past its signed expiry: frozen */
	SZ_VERIFY_ROLLBACK = 5,       /* older than a version seen before */
	SZ_VERIFY_UNSAFE = 6,         /* a path that climbs out, a symlink */
	SZ_VERIFY_TAMPERED = 7,       /* a file's SHA-256 differs */
	SZ_VERIFY_MISSING = 8,        /* a listed file is not there */
	SZ_VERIFY_EXTRA = 9,          /* a file there is not listed */
	SZ_VERIFY_IMPLAUSIBLE = 10,   /* signed, but claims what no genuine
	                                 export does (manifest.h): an expiry
	                                 too far ahead, a version too far
	                                 above the last seen; a stolen or
	                                 misused key.  Not remembered. */
};

#define SZ_VERIFY_MANIFEST_MAX (512ull << 20)
#define SZ_VERIFY_FILE_MAX (4ull << 30)
#define SZ_VERIFY_TOTAL_MAX (64ull << 30)
#define SZ_VERIFY_TIMEOUT_S 30
#define SZ_VERIFY_MAX_TIME_S 600

struct sz_verify_opts {
	const char *target;           /* a folder, or an http(s) URL */
	const struct sz_minisign_pub *key;
	const char *seen_file;        /* NULL: the reader's (seen.h) */
	bool record;                  /* remember the version seen */
	uint64_t max_manifest, max_file, max_total;   /* bytes */
	struct sz_fetch_opts fetch;
	int64_t now;                  /* seconds since the epoch */
	/* Told of each problem found (path may be NULL). */
	void (*report)(void *ctx, enum sz_verify_verdict v, const char *path,
		const char *why);
	void *ctx;
};

struct sz_verify_result {
	enum sz_verify_verdict verdict;   /* the most serious found */
	struct sz_manifest_claim claim;   /* once the signature verified */
	bool signed_ok;
	uint64_t seen_before;             /* highest version seen before */
	uint64_t files, bytes;            /* checked and good */
	uint64_t tampered, missing, extra, unsafe, unreadable;
};

/* Opens path (len bytes, "/"-separated) below the folder dir for
 * reading without following any symbolic link: -1 with errno ENOENT, or
 * ELOOP for a link on the way (torrent.c reads an export this way too). */
int sz_verify_open(int dir, const char *path, size_t len);

/* The defaults for everything but target and key. */
void sz_verify_defaults(struct sz_verify_opts *o);

/* Checks a copy; returns the verdict (r->verdict too).  The most
 * serious comes first: signature, implausible, unsafe, rolled back, expired,
 * tampered, missing, unreadable, extra. */
enum sz_verify_verdict sz_mirror_verify(const struct sz_verify_opts *o,
	struct sz_verify_result *r);

#endif
