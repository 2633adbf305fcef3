/*
 * rdwr.c - the buffered reader and the (possibly discarding) writer the
 * stream-shaped format handlers use.  Memory: one 64 KiB read buffer and
 * one aligned write block, whatever the file size.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "docs/internal.h"

int rd_init(struct rd *r, int fd, struct sz_err *err)
{
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return sz_err_set(err, SZ_E_IO, "not a regular file");
	r->fd = fd;
	r->size = (uint64_t)st.st_size;
	r->off = 0;
	r->pos = r->len = 0;
	if (lseek(fd, 0, SEEK_SET) != 0)
		return sz_err_set(err, SZ_E_IO, "cannot seek: %s",
			strerror(errno));
	return 0;
}

struct rd *rd_new(int fd, struct sz_err *err)
{
	struct rd *r = malloc(sizeof(*r));
	if (r == NULL) {
		sz_err_set(err, SZ_E_NOMEM, "out of memory");
		return NULL;
	}
	if (rd_init(r, fd, err) != 0) {
		free(r);
		return NULL;
	}
	return r;
}

void rd_free(struct rd *r)
{
	free(r);
}

int rd_seek(struct rd *r, uint64_t off, struct sz_err *err)
{
	if (off >= r->off && off <= r->off + r->len) {
		r->pos = (size_t)(off - r->off);
		return 0;
	}
	if (lseek(r->fd, (off_t)off, SEEK_SET) < 0)
		return sz_err_set(err, SZ_E_IO, "cannot seek: %s",
			strerror(errno));
	r->off = off;
	r->pos = r->len = 0;
	return 0;
}

size_t rd_fill(struct rd *r, size_t n, struct sz_err *err)
{
	if (n > RD_BUF)
		n = RD_BUF;
	if (r->len - r->pos >= n)
		return r->len - r->pos;
	memmove(r->buf, r->buf + r->pos, r->len - r->pos);
	r->off += r->pos;
	r->len -= r->pos;
	r->pos = 0;
	while (r->len < n) {
		ssize_t got = read(r->fd, r->buf + r->len, RD_BUF - r->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			sz_err_set(err, SZ_E_IO, "cannot read: %s",
				strerror(errno));
			break;
		}
		if (got == 0)
			break;
		r->len += (size_t)got;
	}
	return r->len;
}

int rd_read(struct rd *r, void *p, size_t n, struct sz_err *err)
{
	uint8_t *out = p;
	while (n > 0) {
		size_t want = n < RD_BUF ? n : RD_BUF;
		size_t have = rd_fill(r, want, err);
		if (have == 0)
			return sz_err_set(err, SZ_E_INVAL,
				"the file is truncated (at byte %llu)",
				(unsigned long long)(r->off + r->pos));
		size_t take = have < n ? have : n;
		memcpy(out, r->buf + r->pos, take);
		r->pos += take;
		out += take;
		n -= take;
	}
	return 0;
}

int rd_skip(struct rd *r, uint64_t n, struct sz_err *err)
{
	uint64_t at = r->off + r->pos;
	if (n > r->size || at + n > r->size)
		return sz_err_set(err, SZ_E_INVAL,
			"the file is truncated (a block at byte %llu runs past "
			"its end)", (unsigned long long)at);
	return rd_seek(r, at + n, err);
}

int wr_open(struct wr *w, const char *path, struct sz_err *err)
{
	w->fd = -1;
	if (path == NULL)
		return 0;
	w->fd = open(path, O_RDWR | O_TRUNC | O_CLOEXEC);
	if (w->fd < 0)
		return sz_err_set(err, SZ_E_IO, "cannot write %s: %s", path,
			strerror(errno));
	sz_writer_init(&w->w, w->fd);
	return 0;
}

int wr_put(struct wr *w, const void *p, size_t n, struct sz_err *err)
{
	if (w->fd < 0 || n == 0)
		return 0;
	if (sz_writer_write(&w->w, p, n) != 0)
		return sz_err_set(err, SZ_E_IO, "cannot write the output: %s",
			strerror(errno));
	return 0;
}

int wr_copy(struct wr *w, struct rd *r, uint64_t n, struct sz_err *err)
{
	if (w->fd < 0)
		return rd_skip(r, n, err);
	while (n > 0) {
		size_t have = rd_fill(r, RD_BUF, err);
		if (have == 0)
			return sz_err_set(err, SZ_E_INVAL, "the file is truncated");
		size_t take = have < n ? have : (size_t)n;
		int rc = wr_put(w, r->buf + r->pos, take, err);
		if (rc != 0)
			return rc;
		r->pos += take;
		n -= take;
	}
	return 0;
}

int wr_close(struct wr *w, struct sz_err *err)
{
	if (w->fd < 0)
		return 0;
	int rc = 0;
	if (sz_writer_flush(&w->w) != 0)
		rc = sz_err_set(err, SZ_E_IO, "cannot write the output: %s",
			strerror(errno));
	sz_writer_free(&w->w);
	if (close(w->fd) != 0 && rc == 0)
		rc = sz_err_set(err, SZ_E_IO, "cannot write the output: %s",
			strerror(errno));
	w->fd = -1;
	return rc;
}

int doc_begin(int fd, const char *out_path, struct rd **in, struct wr *out,
	struct sz_err *err)
{
	out->fd = -1;
	*in = rd_new(fd, err);
	if (*in == NULL)
		return err ? err->code : SZ_E_IO;
	int rc = wr_open(out, out_path, err);
	if (rc != 0) {
		rd_free(*in);
		*in = NULL;
	}
	return rc;
}

int doc_finish(struct rd *in, struct wr *out, int rc, struct sz_err *err)
{
	if (rc == 0)
		rc = wr_close(out, err);
	else
		wr_close(out, NULL);
	rd_free(in);
	return rc;
}

int doc_slurp(int fd, size_t max, const char *what, uint8_t **p,
	size_t *len, struct sz_err *err)
{
	struct stat st;
	*p = NULL;
	*len = 0;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return sz_err_set(err, SZ_E_IO, "not a regular file");
	if ((uint64_t)st.st_size > max)
		return sz_err_set(err, SZ_E_LIMIT, "%s is larger than samizdat "
			"takes (%zu MiB)", what, max >> 20);
	uint8_t *b = malloc((size_t)st.st_size + 1);
	if (b == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	ssize_t got = pread(fd, b, (size_t)st.st_size, 0);
	if (got != st.st_size) {
		free(b);
		return sz_err_set(err, SZ_E_IO, "cannot read the file");
	}
	b[got] = 0;
	*p = b;
	*len = (size_t)got;
	return 0;
}
