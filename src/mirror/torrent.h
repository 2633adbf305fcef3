/*
 * torrent.h - `samizdat mirror torrent`: an export as a BitTorrent v1
 * torrent (BEP 3), so the archive survives the day every web host is
 * gone, with web seeds (BEP 19) pointing at the mirrors that serve it.
 *
 * The torrent holds every file the MANIFEST lists, plus the MANIFEST and
 * its signature, in the MANIFEST's order, in a folder named after the
 * export; each file's SHA-256 is checked against the MANIFEST as it is
 * read, so a torrent never carries a file the signature does not vouch
 * for.  It is deterministic: the same export makes the same bytes (no
 * creation date, keys in canonical order, the piece length chosen from
 * the total size alone).  Memory stays bounded: the file list streams
 * out as it is read, and pieces are hashed as the files stream.
 *
 * What it deliberately does not do: announce, seed or download (a
 * BitTorrent client does), or make v2 (BEP 52) torrents, which Debian's
 * clients do not all read yet.
 */
#ifndef SZ_MIRROR_TORRENT_H
#define SZ_MIRROR_TORRENT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define SZ_TORRENT_SEEDS_MAX 64
#define SZ_TORRENT_PIECE_MIN (16u << 10)
#define SZ_TORRENT_PIECE_MAX (16u << 20)
#define SZ_TORRENT_PIECES_TARGET 1500   /* pieces, about, when it can */

struct sz_torrent_opts {
	const char *dir;              /* the export */
	const char *name;             /* its folder's name in the torrent;
	                                 NULL: the export folder's own name */
	const char *const *seeds;     /* URLs of the export on mirrors */
	size_t nseeds;
	const char *const *trackers;  /* announce URLs, or none (DHT) */
	size_t ntrackers;
	const char *out;              /* the .torrent file */
};

struct sz_torrent_result {
	uint8_t infohash[20];
	char name[256];
	uint64_t files, bytes, pieces, piece_length;
};

int sz_mirror_torrent(const struct sz_torrent_opts *o,
	struct sz_torrent_result *r, struct sz_err *err);

/* The magnet link of a torrent made with o, into out (cap bytes). */
int sz_torrent_magnet(const struct sz_torrent_opts *o,
	const struct sz_torrent_result *r, char *out, size_t cap);

#endif
