/*
 * export_files.c - the export's files on disk: each written under a
 * temporary name beside its final one and renamed (a reader never sees
 * half a file), left alone when its bytes did not change, removed with
 * the folders it leaves empty; the sweep that removes what no owner
 * made; and the MANIFEST with its signature, made durable after every
 * file and replaced last.
 *
 * It does not decide what to write: export_pages.c does.  Files are
 * public pages: mode 0644, folders 0755.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/io.h"
#include "mirror/export_internal.h"
#include "mirror/minisign.h"
#include "store/sqlite_internal.h"

#define COPY_CHUNK (256u << 10)

/* Every file's SHA-256 for the MANIFEST, with nettle's: it uses the
 * CPU's SHA instructions where there are some (five times libsodium's
 * portable code here, which was a sixth of an export's instructions). */
static void sha256_bytes(const void *data, size_t len, uint8_t sha[32])
{
	struct sha256_ctx h;
	sha256_init(&h);
	sha256_update(&h, len, data);
	sha256_digest(&h, SHA256_DIGEST_SIZE, sha);
}
#define SWEEP_DEPTH_MAX (SZ_MANIFEST_DEPTH_MAX + 4)

void files_close(struct export *x)
{
	for (size_t i = 0; i < EXPORT_DIRS; i++)
		if (x->dirs[i].used) {
			close(x->dirs[i].fd);
			x->dirs[i].used = false;
		}
	x->dir = -1;
	x->last_dir[0] = 0;
}

/* Makes the folder path (n bytes) the current one if it is open. */
static bool dir_cached(struct export *x, const char *path, size_t n)
{
	for (size_t i = 0; i < EXPORT_DIRS; i++) {
		struct export_dir *d = &x->dirs[i];
		if (d->used && strlen(d->path) == n &&
		    memcmp(d->path, path, n) == 0) {
			x->dir = d->fd;
			memcpy(x->last_dir, path, n);
			x->last_dir[n] = 0;
			return true;
		}
	}
	return false;
}

/* Keeps fd open as the folder path (n bytes), closing the one whose
 * slot it takes, and makes it the current one. */
static void dir_keep(struct export *x, const char *path, size_t n, int fd)
{
	struct export_dir *d = &x->dirs[x->dir_next++ % EXPORT_DIRS];
	if (d->used)
		close(d->fd);
	memcpy(d->path, path, n);
	d->path[n] = 0;
	d->fd = fd;
	d->used = true;
	x->dir = fd;
	memcpy(x->last_dir, path, n);
	x->last_dir[n] = 0;
}

/* Opens path's folder in the export (making what is missing) one part at
 * a time, never following a symbolic link: a link planted in the export
 * by whoever may write where it is served (a web server's user, a sync
 * tool) cannot send a write, a rename or a removal outside it (make:
 * makes the folders that are missing).  x->dir is
 * the folder, kept open for the next file in it; *base is path's last
 * part. */
static int open_parent(struct export *x, const char *path, const char **base,
	bool make)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	*base = slash ? slash + 1 : path;
	if (x->dir >= 0 && strlen(x->last_dir) == n &&
	    memcmp(x->last_dir, path, n) == 0)
		return 0;
	if (n == 0) {
		x->dir = x->out;
		x->last_dir[0] = 0;
		return 0;
	}
	/* Kept open: the folders of a document's page, its JSON and its
	 * file are walked to once, not for every file. */
	if (dir_cached(x, path, n))
		return 0;
	char dir[SZ_MANIFEST_PATH_MAX + 1];
	if (n >= sizeof(dir))
		return sz_err_set(x->err, SZ_E_LIMIT, "a path too long: %s", path);
	memcpy(dir, path, n);
	dir[n] = 0;
	int fd = x->out;
	for (char *part = dir, *end; part != NULL; part = end) {
		end = strchr(part, '/');
		if (end != NULL)
			*end++ = 0;
		if (make && mkdirat(fd, part, 0755) != 0 && errno != EEXIST) {
			int e = errno;
			if (fd != x->out)
				close(fd);
			return sz_err_set(x->err, SZ_E_IO, "cannot make the folder "
				"%s in the export: %s", part, strerror(e));
		}
		int sub = openat(fd, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			O_CLOEXEC);
		int e = errno;
		if (fd != x->out)
			close(fd);
		if (sub < 0)
			return sz_err_set(x->err, SZ_E_IO, "the folder %s in the "
				"export is not a folder (a link?): %s", part,
				e == ELOOP || e == ENOTDIR ? "refused" : strerror(e));
		fd = sub;
	}
	dir_keep(x, path, n, fd);
	return 0;
}

/* Opens path's temporary file (".NAME.tmp" beside it) for writing in
 * x->dir; tmp receives its name there.  Into a folder that was empty
 * (x->direct) the file is made under its own name (O_EXCL: nothing,
 * not even a link planted meanwhile, is followed or replaced), and tmp
 * is "": a first export has no MANIFEST that a reader could check a half
 * file against until every file is written. */
static int open_temp(struct export *x, const char *path, char *tmp,
	size_t cap, int *fd)
{
	const char *base;
	*fd = -1;
	int rc = open_parent(x, path, &base, true);
	if (rc != 0)
		return rc;
	int n = x->direct ? snprintf(tmp, cap, "%s", "") :
		snprintf(tmp, cap, ".%s.tmp", base);
	if (n < 0 || (size_t)n >= cap)
		return sz_err_set(x->err, SZ_E_LIMIT, "a path too long: %s", path);
	/* O_EXCL, after the temporary name is removed: whatever was planted
	 * there (a FIFO, whose open would wait for a reader forever, or a
	 * hard link to write through) is never opened. */
	int how = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	if (!x->direct)
		unlinkat(x->dir, tmp, 0);
	*fd = openat(x->dir, x->direct ? base : tmp, how, 0644);
	if (*fd < 0 && errno == ENOENT) {
		/* the other worker removed the folder it emptied: make it again */
		files_close(x);
		rc = open_parent(x, path, &base, true);
		if (rc != 0)
			return rc;
		*fd = openat(x->dir, x->direct ? base : tmp, how, 0644);
	}
	/* the mode the umask let through, made public (0644) if it was not */
	if (*fd < 0 || ((x->umask & 0644) != 0 && fchmod(*fd, 0644) != 0)) {
		rc = sz_err_set(x->err, SZ_E_IO, "cannot write %s in the export: "
			"%s", path, strerror(errno));
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
	return rc;
}

/* Whether the state says path held sha last time (never when everything
 * is rendered: a first export's state lists no file, --rebuild's forgot
 * them). */
static bool known(struct export *x, const char *path, const uint8_t sha[32])
{
	uint8_t old[32];
	return !x->everything && state_file_get(x, path, old) &&
		memcmp(old, sha, 32) == 0;
}

/* Closes a written temporary file and renames it to path, or removes
 * it when its bytes equal what the state knows path holds (checked:
 * the caller knew its hash before writing, and looked already). */
static int settle(struct export *x, const char *path, const char *tmp,
	int fd, const uint8_t sha[32], uint64_t size, bool checked)
{
	int rc = 0;
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	if (close(fd) != 0)
		rc = sz_err_set(x->err, SZ_E_IO, "cannot write %s: %s", path,
			strerror(errno));
	if (rc == 0 && !checked && known(x, path, sha)) {
		unlinkat(x->dir, tmp, 0);
		x->stats->unchanged++;
		return state_file_put(x, path, sha, size);
	}
	if (rc == 0 && tmp[0] && renameat(x->dir, tmp, x->dir, base) != 0)
		rc = sz_err_set(x->err, SZ_E_IO, "cannot put %s in place: %s",
			path, strerror(errno));
	if (rc != 0) {
		unlinkat(x->dir, tmp, 0);
		return rc;
	}
	x->stats->written++;
	return state_file_put(x, path, sha, size);
}

int files_write(struct export *x, const char *path, const void *data,
	size_t len)
{
	uint8_t sha[32];
	char tmp[SZ_MANIFEST_PATH_MAX + 16];
	int fd;
	sha256_bytes(data, len, sha);
	/* Same bytes as last time: the file stays as it is (its time too,
	 * so rsync and web caches see nothing new). */
	if (known(x, path, sha)) {
		x->stats->unchanged++;
		return state_file_put(x, path, sha, len);
	}
	int rc = open_temp(x, path, tmp, sizeof(tmp), &fd);
	if (rc != 0)
		return rc;
	if (sz_write_all(fd, data, len) != 0) {
		rc = sz_err_set(x->err, SZ_E_IO, "cannot write %s: %s", path,
			strerror(errno));
		close(fd);
		unlinkat(x->dir, tmp, 0);
		return rc;
	}
	return settle(x, path, tmp, fd, sha, len, true);
}

/* Copies in to fd in the kernel (copy_file_range, then sendfile),
 * *size receiving how many bytes: false, with nothing copied, where
 * neither can (another file system on an old kernel, a pipe). */
static bool copy_in_kernel(int in, int fd, uint64_t *size, int *err)
{
	bool range = true;
	*size = 0;
	*err = 0;
	for (;;) {
		ssize_t got = range ? copy_file_range(in, NULL, fd, NULL,
			COPY_CHUNK, 0) : sendfile(fd, in, NULL, COPY_CHUNK);
		if (got > 0) {
			*size += (uint64_t)got;
			continue;
		}
		if (got == 0)
			return true;
		if (errno == EINTR)
			continue;
		if (*size == 0 && range && (errno == EXDEV || errno == ENOSYS ||
		    errno == EINVAL || errno == EOPNOTSUPP || errno == EBADF)) {
			range = false;         /* sendfile, from the start */
			continue;
		}
		if (*size == 0 && !range && (errno == ENOSYS ||
		    errno == EINVAL))
			return false;
		*err = errno;
		return true;
	}
}

int files_copy_known(struct export *x, const char *path, int in,
	const uint8_t sha[32], uint64_t size)
{
	char tmp[SZ_MANIFEST_PATH_MAX + 16];
	uint64_t got = 0;
	int e = 0;
	/* The archive's file is named by its SHA-256: the same name as last
	 * time is the same bytes, left as they are. */
	if (known(x, path, sha)) {
		close(in);
		x->stats->unchanged++;
		return state_file_put(x, path, sha, size);
	}
	int fd = -1, rc = open_temp(x, path, tmp, sizeof(tmp), &fd);
	if (rc != 0) {
		close(in);
		return rc;
	}
	if (!copy_in_kernel(in, fd, &got, &e)) {
		close(fd);
		unlinkat(x->dir, tmp, 0);
		return files_copy(x, path, in);   /* hashed as it is read */
	}
	close(in);
	if (e != 0 || got != size) {
		rc = sz_err_set(x->err, SZ_E_IO, "cannot copy the archive's file "
			"for %s: %s", path, e ? strerror(e) : "its size changed");
		close(fd);
		unlinkat(x->dir, tmp, 0);
		return rc;
	}
	return settle(x, path, tmp, fd, sha, size, true);
}

int files_copy(struct export *x, const char *path, int in)
{
	char tmp[SZ_MANIFEST_PATH_MAX + 16];
	struct sha256_ctx h;
	uint8_t sha[32];
	uint64_t size = 0;
	int fd = -1, rc = open_temp(x, path, tmp, sizeof(tmp), &fd);
	uint8_t *buf = rc == 0 ? malloc(COPY_CHUNK) : NULL;
	if (rc == 0 && buf == NULL)
		rc = sz_err_set(x->err, SZ_E_NOMEM, "out of memory");
	sha256_init(&h);
	while (rc == 0) {
		ssize_t got = sz_read_full(in, buf, COPY_CHUNK);
		if (got < 0)
			rc = sz_err_set(x->err, SZ_E_IO, "cannot read the archive's "
				"file for %s: %s", path, strerror(errno));
		if (got <= 0)
			break;
		sha256_update(&h, (size_t)got, buf);
		size += (uint64_t)got;
		if (sz_write_all(fd, buf, (size_t)got) != 0)
			rc = sz_err_set(x->err, SZ_E_IO, "cannot write %s: %s", path,
				strerror(errno));
	}
	free(buf);
	close(in);
	sha256_digest(&h, sizeof(sha), sha);
	if (rc != 0) {
		if (fd >= 0) {
			close(fd);
			unlinkat(x->dir, tmp, 0);
		}
		return rc;
	}
	return settle(x, path, tmp, fd, sha, size, false);
}

void files_remove(struct export *x, const char *path)
{
	char dir[SZ_MANIFEST_PATH_MAX + 1];
	const char *base;
	if (open_parent(x, path, &base, false) != 0) {
		sz_err_clear(x->err);
		files_close(x);
		return;                   /* gone already, or not ours */
	}
	unlinkat(x->dir, base, 0);
	snprintf(dir, sizeof(dir), "%s", path);
	files_close(x);
	/* Its folders, if that emptied them (rmdir removes only an empty
	 * folder, so a link swapped in meanwhile costs nothing but that). */
	for (char *slash = strrchr(dir, '/'); slash; slash = strrchr(dir, '/')) {
		*slash = 0;
		if (unlinkat(x->out, dir, AT_REMOVEDIR) != 0)
			break;        /* not empty: its parents are not either */
	}
}

bool files_nonempty(int out)
{
	int fd = dup(out);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return true;
	}
	bool any = false;
	struct dirent *e;
	while (!any && (e = readdir(d)) != NULL)
		any = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
			strcmp(e->d_name, SZ_MANIFEST_FILE) != 0 &&
			strcmp(e->d_name, SZ_MANIFEST_SIG_FILE) != 0;
	closedir(d);
	return any;
}

/* One folder of the sweep: path (len bytes, "" at the top) is open as
 * dfd, which this closes. */
static int sweep_dir(struct export *x, int dfd, char *path, size_t len,
	int depth)
{
	DIR *d = fdopendir(dfd);
	if (d == NULL) {
		close(dfd);
		return sz_err_set(x->err, SZ_E_IO, "cannot read the export's "
			"folder %s: %s", len ? path : ".", strerror(errno));
	}
	int rc = 0;
	struct dirent *e;
	uint8_t sha[32];
	while (rc == 0 && (e = readdir(d)) != NULL) {
		const char *name = e->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
		    (len == 0 && (strcmp(name, SZ_MANIFEST_FILE) == 0 ||
		     strcmp(name, SZ_MANIFEST_SIG_FILE) == 0)))
			continue;
		size_t n = strlen(name);
		if (len + n + 2 > SZ_MANIFEST_PATH_MAX + 64) {
			unlinkat(dirfd(d), name, 0);
			continue;
		}
		size_t at = len;
		if (len)
			path[at++] = '/';
		memcpy(path + at, name, n + 1);
		struct stat st;
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			rc = sz_err_set(x->err, SZ_E_IO, "cannot look at %s in the "
				"export: %s", path, strerror(errno));
		else if (S_ISDIR(st.st_mode) && depth < SWEEP_DEPTH_MAX) {
			int sub = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY |
				O_NOFOLLOW | O_CLOEXEC);
			rc = sub < 0 ? sz_err_set(x->err, SZ_E_IO, "cannot open %s: "
				"%s", path, strerror(errno)) :
				sweep_dir(x, sub, path, at + n, depth + 1);
			if (rc == 0)
				unlinkat(dirfd(d), name, AT_REMOVEDIR);  /* if empty */
		} else if (!S_ISREG(st.st_mode) || !state_file_get(x, path, sha)) {
			if (unlinkat(dirfd(d), name, S_ISDIR(st.st_mode) ?
			    AT_REMOVEDIR : 0) == 0)
				x->stats->removed++;
		}
		path[len] = 0;
	}
	closedir(d);
	return rc;
}

int files_sweep(struct export *x)
{
	char path[SZ_MANIFEST_PATH_MAX + 64 + 1] = "";
	int dfd = dup(x->out);
	if (dfd < 0)
		return sz_err_set(x->err, SZ_E_IO, "cannot read the export: %s",
			strerror(errno));
	files_close(x);
	return sweep_dir(x, dfd, path, 0, 0);
}

int files_manifest(struct export *x, const char *trusted,
	char sha256[SZ_ARCHIVE_SHA256_HEX])
{
	static const char tmp_m[] = EXPORT_TMP_MANIFEST;
	static const char tmp_s[] = EXPORT_TMP_SIG;
	struct sz_minisign_hash pre;
	struct sha256_ctx h;
	struct sz_writer w;
	struct sz_buf sig;
	sqlite3_stmt *st = NULL;
	uint8_t digest[SZ_MINISIGN_PREHASH], sha[32];
	int sfd = -1, rc = 0;
	unlinkat(x->out, tmp_m, 0);   /* and O_EXCL: as open_temp */
	int mfd = openat(x->out, tmp_m, O_WRONLY | O_CREAT | O_EXCL |
		O_NOFOLLOW | O_CLOEXEC, 0644);
	if (mfd < 0 || fchmod(mfd, 0644) != 0)
		rc = sz_err_set(x->err, SZ_E_IO, "cannot write the MANIFEST: %s",
			strerror(errno));
	sz_writer_init(&w, mfd);
	sz_buf_init(&sig, SZ_MINISIGN_FILE_MAX);
	sz_minisign_hash_init(&pre);
	sha256_init(&h);
	x->stats->files = 0;
	if (rc == 0)
		rc = sz_sqlite_prepare(x->db, "SELECT path, sha256 FROM files"
			" ORDER BY path", &st, x->err);
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		char line[SZ_MANIFEST_LINE_MAX + 2], path[SZ_MANIFEST_PATH_MAX + 1];
		sz_sqlite_text(path, sizeof(path), st, 0);
		if (sqlite3_column_bytes(st, 1) != 32 ||
		    !sz_manifest_path_ok(path, strlen(path)))
			continue;
		size_t n = sz_manifest_format_line(sqlite3_column_blob(st, 1), path,
			line);
		sz_minisign_hash_update(&pre, line, n);
		sha256_update(&h, n, (const uint8_t *)line);
		if (sz_writer_write(&w, (const uint8_t *)line, n) != 0)
			rc = sz_err_set(x->err, SZ_E_IO, "cannot write the MANIFEST: "
				"%s", strerror(errno));
		x->stats->files++;
	}
	sqlite3_finalize(st);
	if (rc == 0 && sz_writer_flush(&w) != 0)
		rc = sz_err_set(x->err, SZ_E_IO, "cannot write the MANIFEST: %s",
			strerror(errno));
	sz_writer_free(&w);
	sz_minisign_hash_final(&pre, digest);
	sha256_digest(&h, sizeof(sha), sha);
	if (rc == 0)
		rc = sz_minisign_sign(x->o->key, digest, "signature from samizdat "
			"mirror export", trusted, &sig, x->err);
	if (rc == 0) {
		unlinkat(x->out, tmp_s, 0);
		sfd = openat(x->out, tmp_s, O_WRONLY | O_CREAT | O_EXCL |
			O_NOFOLLOW | O_CLOEXEC, 0644);
		if (sfd < 0 || fchmod(sfd, 0644) != 0 ||
		    sz_write_all(sfd, sig.data, sig.len) != 0)
			rc = sz_err_set(x->err, SZ_E_IO, "cannot write the "
				"signature: %s", strerror(errno));
	}
	export_phase(x, SZ_EXPORT_PHASE_MANIFEST);
	/* Every page reaches the disk before the MANIFEST naming it. */
	if (rc == 0 && syncfs(x->out) != 0)
		rc = sz_err_set(x->err, SZ_E_IO, "cannot sync the export: %s",
			strerror(errno));
	if (rc == 0 && (fsync(mfd) != 0 || fsync(sfd) != 0))
		rc = sz_err_set(x->err, SZ_E_IO, "cannot sync the MANIFEST: %s",
			strerror(errno));
	export_phase(x, SZ_EXPORT_PHASE_SYNC);
	if (mfd >= 0)
		close(mfd);
	if (sfd >= 0)
		close(sfd);
	if (rc != 0) {
		unlinkat(x->out, tmp_m, 0);
		unlinkat(x->out, tmp_s, 0);
	}
	sz_buf_free(&sig);
	sodium_bin2hex(sha256, SZ_ARCHIVE_SHA256_HEX, sha, sizeof(sha));
	return rc;
}
