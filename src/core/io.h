/*
 * io.h - small, EINTR-safe wrappers around read(2) and write(2), and a
 * write-to-temporary-then-rename output file so a failed command never
 * leaves a partial file behind.
 */
#ifndef SZ_CORE_IO_H
#define SZ_CORE_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/err.h"

/* Writes all len bytes to fd; 0 or SZ_E_IO. */
int sz_write_all(int fd, const void *buf, size_t len);

/* Reads up to len bytes, stopping early only at end of file.  Returns the
 * number of bytes read (0 at end of file) or -1 with errno set. */
ssize_t sz_read_full(int fd, void *buf, size_t len);

/*
 * An output file that appears under its final name only when committed.
 * Until then it is a hidden temporary file beside the destination; if the
 * process is interrupted by SIGINT, SIGTERM or SIGHUP the temporary file is
 * removed.  One atomic output per process at a time.
 */
struct sz_outfile {
	int fd;
	char *path;      /* final name, owned */
	char *tmp_path;  /* temporary name, owned */
};

/* Creates the temporary file (mode is applied to it).  Fails if path exists
 * and !overwrite. */
int sz_outfile_open(struct sz_outfile *out, const char *path, int mode,
	int overwrite, struct sz_err *err);
/* fsyncs and renames into place; the struct is then released. */
int sz_outfile_commit(struct sz_outfile *out, struct sz_err *err);
/* Removes the temporary file and releases the struct; safe after commit. */
void sz_outfile_abort(struct sz_outfile *out);

#endif
