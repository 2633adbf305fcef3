/*
 * archive.c - opening the archive (the SQLite back end for now) and its
 * content-addressed file tree: DIR/archive/xx/SHA256, written through a
 * temporary file, fsync'd and renamed, so a file is whole or absent.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/io.h"
#include "store/archive.h"

int sz_archive_open_sqlite(struct sz_archive **out, const char *dir,
	bool create, bool read_only, struct sz_err *err);

int sz_archive_open(struct sz_archive **a, const char *dir, bool create,
	bool read_only, struct sz_err *err)
{
	int rc = sz_archive_open_sqlite(a, dir, create, read_only, err);
	if (rc == 0 && create && mkdir((*a)->files, 0755) != 0 &&
	    errno != EEXIST) {
		rc = sz_err_set(err, SZ_E_IO, "cannot create %s: %s", (*a)->files,
			strerror(errno));
		(*a)->ops->close(*a);
		*a = NULL;
	}
	return rc;
}

void sz_archive_file_path(const struct sz_archive *a, const char *sha256,
	char *path, size_t cap)
{
	snprintf(path, cap, "%s/%.2s/%s", a->files, sha256, sha256);
}

int sz_archive_put_file(struct sz_archive *a, int fd, char *sha256,
	uint64_t *size, struct sz_err *err)
{
	crypto_hash_sha256_state h;
	uint8_t buf[65536], digest[32];
	char tmp[4200], path[4200], dir[4200];
	int out = -1, rc = 0;
	*size = 0;
	snprintf(tmp, sizeof(tmp), "%s/.incoming.XXXXXX", a->files);
	if (lseek(fd, 0, SEEK_SET) != 0 || (out = mkstemp(tmp)) < 0)
		return sz_err_set(err, SZ_E_IO, "cannot store a file in %s: %s",
			a->files, strerror(errno));
	fchmod(out, 0644);
	crypto_hash_sha256_init(&h);
	for (;;) {
		ssize_t n = sz_read_full(fd, buf, sizeof(buf));
		if (n < 0) {
			rc = sz_err_set(err, SZ_E_IO, "cannot read: %s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		crypto_hash_sha256_update(&h, buf, (size_t)n);
		if (sz_write_all(out, buf, (size_t)n) != 0) {
			rc = sz_err_set(err, SZ_E_IO, "cannot store a file: %s",
				strerror(errno));
			goto out;
		}
		*size += (uint64_t)n;
	}
	crypto_hash_sha256_final(&h, digest);
	sodium_bin2hex(sha256, SZ_ARCHIVE_SHA256_HEX, digest, sizeof(digest));
	sz_archive_file_path(a, sha256, path, sizeof(path));
	snprintf(dir, sizeof(dir), "%s/%.2s", a->files, sha256);
	if (access(path, F_OK) == 0)
		goto out;   /* content-addressed: it is there already */
	if ((mkdir(dir, 0755) != 0 && errno != EEXIST) ||
	    (!a->in_import && fsync(out) != 0) || rename(tmp, path) != 0) {
		rc = sz_err_set(err, SZ_E_IO, "cannot store a file: %s",
			strerror(errno));
		goto out;
	}
	tmp[0] = 0;
out:
	if (out >= 0)
		close(out);
	if (tmp[0])
		unlink(tmp);
	return rc;
}
