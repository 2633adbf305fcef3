/*
 * io.c - EINTR-safe I/O and atomic output files.
 *
 * The atomic output exists so that `samizdat decrypt -o FILE` never leaves
 * a half-written plaintext behind when the ciphertext turns out to be
 * corrupted or truncated: the user sees either the whole file or nothing.
 */
#include "core/io.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int sz_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return SZ_E_IO;
		}
		p += n;
		len -= (size_t)n;
	}
	return SZ_OK;
}

ssize_t sz_read_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

void sz_writer_init(struct sz_writer *w, int fd)
{
	struct stat st;
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->direct = fstat(fd, &st) == 0 && !S_ISREG(st.st_mode);
}

void sz_writer_durable(struct sz_writer *w)
{
	w->durable = true;
}

int sz_writer_flush(struct sz_writer *w)
{
	if (w->len == 0)
		return SZ_OK;
	int rc = sz_write_all(w->fd, w->buf, w->len);
	if (rc == SZ_OK && w->durable)
		sync_file_range(w->fd, (off_t)w->flushed, (off_t)w->len,
			SYNC_FILE_RANGE_WRITE);
	w->flushed += w->len;
	w->len = 0;
	return rc;
}

int sz_writer_write(void *ctx, const uint8_t *data, size_t len)
{
	struct sz_writer *w = ctx;
	if (w->direct) {
		w->written += len;
		return sz_write_all(w->fd, data, len);
	}
	if (w->buf == NULL && (w->buf = malloc(SZ_WRITER_BLOCK)) == NULL)
		return SZ_E_NOMEM;
	w->written += len;
	while (len > 0) {
		size_t take = SZ_WRITER_BLOCK - w->len;
		if (take > len)
			take = len;
		memcpy(w->buf + w->len, data, take);
		w->len += take;
		data += take;
		len -= take;
		if (w->len == SZ_WRITER_BLOCK && sz_writer_flush(w) != SZ_OK)
			return SZ_E_IO;
	}
	return SZ_OK;
}

void sz_writer_free(struct sz_writer *w)
{
	if (w->buf != NULL) {
		sodium_memzero(w->buf, SZ_WRITER_BLOCK);
		free(w->buf);
	}
	w->buf = NULL;
	w->len = 0;
}

/* The temporary files to remove if a signal ends the process: one slot
 * per output being written at once (threads).  Fixed buffers, so the
 * handler touches no heap. */
#define TMP_SLOTS 8
static char pending_tmp[TMP_SLOTS][4096];
static volatile sig_atomic_t pending_set[TMP_SLOTS];
static pthread_mutex_t slots_mu = PTHREAD_MUTEX_INITIALIZER;

static void on_signal(int sig)
{
	for (int i = 0; i < TMP_SLOTS; i++)
		if (pending_set[i])
			unlink(pending_tmp[i]);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Returns the slot, or -1 if none is free (the file is then not removed
 * on a signal, only on errors). */
static int track_tmp(const char *path)
{
	size_t n = strlen(path);
	int slot = -1;
	if (n >= sizeof(pending_tmp[0]))
		return -1;
	pthread_mutex_lock(&slots_mu);
	for (int i = 0; i < TMP_SLOTS && slot < 0; i++)
		if (!pending_set[i]) {
			memcpy(pending_tmp[i], path, n + 1);
			pending_set[i] = 1;
			slot = i;
		}
	pthread_mutex_unlock(&slots_mu);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return slot;
}

static void untrack_tmp(int slot)
{
	if (slot >= 0 && slot < TMP_SLOTS)
		pending_set[slot] = 0;
}

int sz_outfile_open(struct sz_outfile *out, const char *path, int mode,
	int overwrite, struct sz_err *err)
{
	memset(out, 0, sizeof(*out));
	out->fd = -1;
	out->slot = -1;
	if (!overwrite && access(path, F_OK) == 0)
		return sz_err_set(err, SZ_E_IO,
			"%s already exists; refusing to overwrite it", path);

	char *dcopy = strdup(path), *bcopy = strdup(path);
	int rc = SZ_E_NOMEM;
	if (dcopy == NULL || bcopy == NULL) {
		sz_err_set(err, rc, "out of memory");
		goto out;
	}
	const char *dir = dirname(dcopy), *base = basename(bcopy);
	size_t need = strlen(dir) + strlen(base) + 16;
	out->tmp_path = malloc(need);
	out->path = strdup(path);
	if (out->tmp_path == NULL || out->path == NULL) {
		sz_err_set(err, rc, "out of memory");
		goto out;
	}
	snprintf(out->tmp_path, need, "%s/.%s.XXXXXX", dir, base);
	out->fd = mkstemp(out->tmp_path);
	if (out->fd < 0) {
		rc = sz_err_set(err, SZ_E_IO, "cannot create a file in %s: %s",
			dir, strerror(errno));
		goto out;
	}
	out->slot = track_tmp(out->tmp_path);
	if (fchmod(out->fd, (mode_t)mode) != 0) {
		rc = sz_err_set(err, SZ_E_IO, "cannot set the mode of %s: %s",
			path, strerror(errno));
		goto out;
	}
	rc = SZ_OK;
out:
	free(dcopy);
	free(bcopy);
	if (rc != SZ_OK)
		sz_outfile_abort(out);
	return rc;
}

static void outfile_release(struct sz_outfile *out)
{
	if (out->fd >= 0)
		close(out->fd);
	out->fd = -1;
	free(out->path);
	free(out->tmp_path);
	out->path = out->tmp_path = NULL;
}

int sz_outfile_commit(struct sz_outfile *out, struct sz_err *err)
{
	int rc = SZ_OK;
	if (fsync(out->fd) != 0 || close(out->fd) != 0) {
		out->fd = -1;
		rc = sz_err_set(err, SZ_E_IO, "cannot write %s: %s", out->path,
			strerror(errno));
		sz_outfile_abort(out);
		return rc;
	}
	out->fd = -1;
	if (rename(out->tmp_path, out->path) != 0) {
		rc = sz_err_set(err, SZ_E_IO, "cannot create %s: %s", out->path,
			strerror(errno));
		sz_outfile_abort(out);
		return rc;
	}
	untrack_tmp(out->slot);
	outfile_release(out);
	return SZ_OK;
}

void sz_outfile_abort(struct sz_outfile *out)
{
	if (out->tmp_path != NULL)
		unlink(out->tmp_path);
	untrack_tmp(out->slot);
	outfile_release(out);
}

bool sz_program_dir(char *out, size_t cap)
{
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return false;
	self[n] = 0;
	char *slash = strrchr(self, '/');
	if (slash != NULL)
		*slash = 0;
	return (size_t)snprintf(out, cap, "%s", self) < cap;
}

int sz_open_noatime(const char *path, int flags, mode_t mode)
{
	int fd = open(path, flags | O_NOATIME, mode);
	if (fd < 0 && errno == EPERM)   /* not the file's owner */
		fd = open(path, flags, mode);
	return fd;
}

void sz_sibling_program(const char *name, const char *env, char *out,
	size_t cap)
{
	char self[4096];
	const char *v = env ? getenv(env) : NULL;
	if (v != NULL && v[0] != 0) {
		snprintf(out, cap, "%s", v);
		return;
	}
	if (sz_program_dir(self, sizeof(self))) {
		snprintf(out, cap, "%s/%s", self, name);
		if (access(out, X_OK) == 0)
			return;
	}
	snprintf(out, cap, "%s/%s", SZ_HELPER_DIR, name);
}
