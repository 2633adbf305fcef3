/*
 * io.h - small, EINTR-safe wrappers around read(2) and write(2), and a
 * write-to-temporary-then-rename output file so a failed command never
 * leaves a partial file behind.
 */
#ifndef SZ_CORE_IO_H
#define SZ_CORE_IO_H

#include <stdbool.h>
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
 * A buffered writer that writes whole, aligned blocks of SZ_WRITER_BLOCK
 * bytes.  age ciphertext comes in chunks of 64 KiB + 16; written as they
 * come, every write straddles a page and the kernel's page-cache copy gets
 * several times slower (bench/upload found it).  Memory: one block.
 */
#define SZ_WRITER_BLOCK (256 * 1024)

struct sz_writer {
	int fd;
	bool durable;      /* start writeback of each block as it is written */
	bool direct;       /* not a regular file: write through, unbuffered */
	uint64_t written;  /* bytes accepted so far */
	uint64_t flushed;  /* bytes handed to the fd */
	size_t len;
	uint8_t *buf;      /* SZ_WRITER_BLOCK bytes, allocated on first use */
};

/* Buffers only for regular files, where alignment matters; pipes,
 * terminals and devices are written straight through. */
void sz_writer_init(struct sz_writer *w, int fd);
/* For files that will be fsync'd: each block's writeback starts at once
 * (sync_file_range), so the disk works while data still arrives and the
 * final fsync has little left to do. */
void sz_writer_durable(struct sz_writer *w);
/* A sink (int (*)(void *, const uint8_t *, size_t)); ctx is the writer. */
int sz_writer_write(void *w, const uint8_t *data, size_t len);
/* Writes what is buffered. */
int sz_writer_flush(struct sz_writer *w);
/* Frees the block (wiping it); does not flush or close the fd. */
void sz_writer_free(struct sz_writer *w);

/*
 * An output file that appears under its final name only when committed.
 * Until then it is a hidden temporary file beside the destination; if the
 * process is interrupted by SIGINT, SIGTERM or SIGHUP the temporary file is
 * removed (up to 8 outputs at once, from several threads).
 */
struct sz_outfile {
	int fd;
	int slot;        /* its place in the signal handler's list */
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

/* open(2) without stamping the file's access time (O_NOATIME), falling
 * back to a plain open when the caller does not own the file: reading a
 * file must not date the reader (a source reading a reply, a login). */
int sz_open_noatime(const char *path, int flags, mode_t mode);

/* Where helper programs are installed: LIBEXECDIR/samizdat, from Meson
 * (/usr/libexec/samizdat in the Debian package). */
#ifndef SZ_HELPER_DIR
#define SZ_HELPER_DIR "/usr/libexec/samizdat"
#endif

/* The folder of the running program, into out; false if unknown. */
bool sz_program_dir(char *out, size_t cap);

/* The path of helper program `name`, into out (cap bytes): the value of
 * environment variable env, if set; else the program beside the running
 * one, if there is one (a build tree); else SZ_HELPER_DIR/name. */
void sz_sibling_program(const char *name, const char *env, char *out,
	size_t cap);

#endif
