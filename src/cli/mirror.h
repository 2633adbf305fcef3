/*
 * mirror.h - what the files of `samizdat mirror` share (mirror.c:
 * keygen and export; mirror_check.c: verify and torrent).
 */
#ifndef SZ_CLI_MIRROR_H
#define SZ_CLI_MIRROR_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"
#include "mirror/minisign.h"

/* Reads a small file whole into out (at most max bytes; out wipes when
 * freed). */
int cli_mirror_read(const char *path, size_t max, struct sz_buf *out,
	struct sz_err *err);
/* Loads a minisign secret key, asking for its passphrase (or reading it
 * from pass_file) when it has one; *key is freed with
 * sz_minisign_key_free. */
int cli_mirror_key(const char *path, const char *pass_file,
	struct sz_minisign_key **key, struct sz_err *err);

int cli_mirror_verify(int argc, char **argv);
int cli_mirror_torrent(int argc, char **argv);

#endif
