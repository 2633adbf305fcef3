/*
 * tar.h - writing the headers of the tar archives samizdat makes: an inbox
 * item (one file under its own name) and the editor face's download of a
 * source's items.  POSIX ustar, with a pax extended header carrying the
 * name when it is too long for ustar or not plain ASCII, as GNU tar and
 * bsdtar read it.
 *
 * Every member has mode 0600, owner 0, no user or group name and mtime 0:
 * an archive adds no times or names of its own.  Reading tar archives is
 * not done here: libarchive does it (src/cli/unpack.c).
 */
#ifndef SZ_CORE_TAR_H
#define SZ_CORE_TAR_H

#include <stddef.h>
#include <stdint.h>

#define SZ_TAR_BLOCK 512
#define SZ_TAR_END (2 * SZ_TAR_BLOCK)     /* two zero blocks end an archive */
#define SZ_TAR_NAME_MAX 4096               /* longest member name written */
/* The headers of a member never take more than this. */
#define SZ_TAR_HEADER_MAX (3 * SZ_TAR_BLOCK + SZ_TAR_NAME_MAX)

/* Bytes of the headers of a member called name (1 to SZ_TAR_NAME_MAX
 * bytes of UTF-8): a multiple of SZ_TAR_BLOCK that depends on the name
 * alone, never on the size. */
size_t sz_tar_header_size(const char *name);

/* Writes the headers of a regular file of size bytes called name into out,
 * which holds sz_tar_header_size(name) bytes. */
void sz_tar_header(const char *name, uint64_t size, uint8_t *out);

/* Zero bytes that follow size bytes of data, to the end of their block. */
size_t sz_tar_padding(uint64_t size);

#endif
