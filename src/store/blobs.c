/*
 * blobs.c - the content tree of encrypted blobs.  Writes go to tmp/ and
 * are renamed into blobs/xx/ only when complete and fsync'd, then the
 * directory is fsync'd, so a crash never leaves a half blob in the tree.
 */
#include "store/blobs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/io.h"

static int ensure_dir(const char *path, struct sz_err *err)
{
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return sz_err_set(err, SZ_E_IO, "cannot create %s: %s", path,
			strerror(errno));
	return SZ_OK;
}

static void fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int sz_blobs_open(struct sz_blobs *b, const char *dir, struct sz_err *err)
{
	char path[4200];
	snprintf(b->dir, sizeof(b->dir), "%s", dir);
	snprintf(path, sizeof(path), "%s/blobs", dir);
	int rc = ensure_dir(path, err);
	snprintf(path, sizeof(path), "%s/tmp", dir);
	return rc == SZ_OK ? ensure_dir(path, err) : rc;
}

int sz_blob_create(struct sz_blobs *b, struct sz_blob_tmp *t,
	struct sz_err *err)
{
	uint8_t id[SZ_BLOB_NAME_LEN / 2];
	randombytes_buf(id, sizeof(id));
	sodium_bin2hex(t->name, sizeof(t->name), id, sizeof(id));
	snprintf(t->tmp_path, sizeof(t->tmp_path), "%s/tmp/%s", b->dir,
		t->name);
	t->size = 0;
	t->fd = open(t->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		0600);
	if (t->fd < 0) {
		t->tmp_path[0] = '\0';
		return sz_err_set(err, SZ_E_IO, "cannot create a file in "
			"%s/tmp: %s", b->dir, strerror(errno));
	}
	sz_writer_init(&t->out, t->fd);
	sz_writer_durable(&t->out);
	return SZ_OK;
}

int sz_blob_write(void *ctx, const uint8_t *data, size_t len)
{
	struct sz_blob_tmp *t = ctx;
	if (sz_writer_write(&t->out, data, len) != SZ_OK)
		return SZ_E_IO;
	t->size += len;
	return SZ_OK;
}

int sz_blob_date(struct sz_blob_tmp *t, time_t when, struct sz_err *err)
{
	const struct timespec ts[2] = { { when, 0 }, { when, 0 } };
	if (sz_writer_flush(&t->out) != SZ_OK || futimens(t->fd, ts) != 0)
		return sz_err_set(err, SZ_E_IO, "cannot write a file: %s",
			strerror(errno));
	return SZ_OK;
}

int sz_blob_seal(struct sz_blob_tmp *t, struct sz_err *err)
{
	int rc = SZ_OK;
	if (sz_writer_flush(&t->out) != SZ_OK)
		rc = sz_err_set(err, SZ_E_IO, "cannot write a file: %s",
			strerror(errno));
	sz_writer_free(&t->out);
	if (rc == SZ_OK && fsync(t->fd) != 0)
		rc = sz_err_set(err, SZ_E_IO, "cannot write a file: %s",
			strerror(errno));
	if (close(t->fd) != 0 && rc == SZ_OK)
		rc = sz_err_set(err, SZ_E_IO, "cannot write a file: %s",
			strerror(errno));
	t->fd = -1;
	return rc;
}

void sz_blob_path(const struct sz_blobs *b, const char *name, char *out,
	size_t cap)
{
	snprintf(out, cap, "%s/blobs/%.2s/%s.age", b->dir, name, name);
}

int sz_blob_commit(struct sz_blobs *b, struct sz_blob_tmp *t,
	struct sz_err *err)
{
	char sub[4200], path[4300];
	snprintf(sub, sizeof(sub), "%s/blobs/%.2s", b->dir, t->name);
	int rc = ensure_dir(sub, err);
	if (rc != SZ_OK)
		return rc;
	sz_blob_path(b, t->name, path, sizeof(path));
	if (rename(t->tmp_path, path) != 0)
		return sz_err_set(err, SZ_E_IO, "cannot store a file: %s",
			strerror(errno));
	t->tmp_path[0] = '\0';
	fsync_dir(sub);
	return SZ_OK;
}

void sz_blob_abort(struct sz_blob_tmp *t)
{
	sz_writer_free(&t->out);
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->tmp_path[0])
		unlink(t->tmp_path);
	t->tmp_path[0] = '\0';
}

static int overwrite_and_unlink(const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		struct stat st;
		static const uint8_t zeros[65536];
		if (fstat(fd, &st) == 0) {
			for (off_t o = 0; o < st.st_size; o += (off_t)sizeof(zeros)) {
				size_t n = (size_t)(st.st_size - o) < sizeof(zeros) ?
					(size_t)(st.st_size - o) : sizeof(zeros);
				if (sz_write_all(fd, zeros, n) != SZ_OK)
					break;
			}
			fsync(fd);
		}
		close(fd);
	}
	return unlink(path);
}

int sz_blob_remove(struct sz_blobs *b, const char *name, struct sz_err *err)
{
	char path[4300];
	sz_blob_path(b, name, path, sizeof(path));
	if (overwrite_and_unlink(path) != 0 && errno != ENOENT)
		return sz_err_set(err, SZ_E_IO, "cannot remove a file: %s",
			strerror(errno));
	return SZ_OK;
}

static bool is_blob_name(const char *s, size_t len)
{
	if (len != SZ_BLOB_NAME_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int sz_blobs_sweep(struct sz_blobs *b, struct sz_store *store,
	size_t *removed, struct sz_err *err)
{
	char path[4300];
	struct dirent *de;
	*removed = 0;
	snprintf(path, sizeof(path), "%s/tmp", b->dir);
	DIR *d = opendir(path);
	if (d == NULL)
		return sz_err_set(err, SZ_E_IO, "cannot read %s: %s", path,
			strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char file[4600];
		snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
		if (overwrite_and_unlink(file) == 0)
			(*removed)++;
	}
	closedir(d);

	snprintf(path, sizeof(path), "%s/blobs", b->dir);
	DIR *top = opendir(path);
	if (top == NULL)
		return sz_err_set(err, SZ_E_IO, "cannot read %s: %s", path,
			strerror(errno));
	int rc = SZ_OK;
	while (rc == SZ_OK && (de = readdir(top)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char sub[4600];
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		DIR *s = opendir(sub);
		if (s == NULL)
			continue;
		struct dirent *f;
		while (rc == SZ_OK && (f = readdir(s)) != NULL) {
			size_t n = strlen(f->d_name);
			if (n < 4 || strcmp(f->d_name + n - 4, ".age") != 0 ||
			    !is_blob_name(f->d_name, n - 4))
				continue;
			char name[SZ_BLOB_NAME_LEN + 1];
			memcpy(name, f->d_name, SZ_BLOB_NAME_LEN);
			name[SZ_BLOB_NAME_LEN] = '\0';
			int ref = store->ops->blob_referenced(store, name, err);
			if (ref < 0) {
				rc = ref;
			} else if (ref == 0) {
				char file[4900];
				snprintf(file, sizeof(file), "%s/%s", sub,
					f->d_name);
				if (overwrite_and_unlink(file) == 0)
					(*removed)++;
			}
		}
		closedir(s);
	}
	closedir(top);
	return rc;
}
