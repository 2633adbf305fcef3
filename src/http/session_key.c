/*
 * session_key.c - reading the session key from its file on tmpfs
 * (session_key.h), and keys derived from it.  It does not create the
 * file (docs/operations.md: the operator does, as with any shared
 * secret) nor use the key.
 */
#include "http/session_key.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

/* Bytes read from the file at most: 64 hex digits, a newline, and one
 * more to tell a longer file. */
#define KEY_FILE_MAX (2 * SZ_SESSION_KEY_SIZE + 2)

static int check_file(int fd, const char *path, struct sz_err *err)
{
	struct stat st;
	struct statfs fs;
	if (fstat(fd, &st) != 0 || fstatfs(fd, &fs) != 0)
		return sz_err_set(err, SZ_E_IO, "session_key_file %s: %s", path,
			strerror(errno));
	if (!S_ISREG(st.st_mode))
		return sz_err_set(err, SZ_E_INVAL, "session_key_file %s is not a "
			"regular file", path);
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		return sz_err_set(err, SZ_E_INVAL, "session_key_file %s may be "
			"read by others than its owner (chmod 600 it)", path);
	if (fs.f_type != TMPFS_MAGIC && fs.f_type != RAMFS_MAGIC)
		return sz_err_set(err, SZ_E_INVAL, "session_key_file %s is not "
			"on tmpfs: the key must never reach a disk (put it under "
			"/run, see docs/operations.md)", path);
	return SZ_OK;
}

int sz_session_key_load(const char *path, uint8_t **key, struct sz_err *err)
{
	*key = NULL;
	uint8_t buf[KEY_FILE_MAX];
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return sz_err_set(err, SZ_E_IO, "session_key_file %s: %s", path,
			strerror(errno));
	int rc = check_file(fd, path, err);
	while (rc == SZ_OK && n < sizeof(buf)) {
		ssize_t got = read(fd, buf + n, sizeof(buf) - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			rc = sz_err_set(err, SZ_E_IO, "session_key_file %s: %s",
				path, strerror(errno));
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	uint8_t *k = NULL;
	if (rc == SZ_OK && (k = sodium_malloc(SZ_SESSION_KEY_SIZE)) == NULL)
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	size_t len = 0;
	bool hex = n == 2 * SZ_SESSION_KEY_SIZE ||
		(n == 2 * SZ_SESSION_KEY_SIZE + 1 && buf[n - 1] == '\n');
	if (rc == SZ_OK && n == SZ_SESSION_KEY_SIZE)
		memcpy(k, buf, n);
	else if (rc == SZ_OK && hex && (sodium_hex2bin(k, SZ_SESSION_KEY_SIZE,
		    (const char *)buf, 2 * SZ_SESSION_KEY_SIZE, NULL, &len,
		    NULL) != 0 || len != SZ_SESSION_KEY_SIZE))
		rc = sz_err_set(err, SZ_E_INVAL, "session_key_file %s: not 64 "
			"hex digits", path);
	else if (rc == SZ_OK && !hex)
		rc = sz_err_set(err, SZ_E_INVAL, "session_key_file %s must hold "
			"32 bytes or 64 hex digits (head -c 32 /dev/urandom)", path);
	sodium_memzero(buf, sizeof(buf));
	if (rc != SZ_OK) {
		sz_session_key_free(k);
		return rc;
	}
	*key = k;
	return SZ_OK;
}

void sz_session_key_free(uint8_t *key)
{
	if (key != NULL)
		sodium_free(key);   /* wipes it */
}

void sz_session_key_derive(const uint8_t *key, const char *purpose,
	uint8_t *out, size_t len)
{
	char ctx[crypto_kdf_CONTEXTBYTES] = { 0 };
	memcpy(ctx, purpose, strnlen(purpose, sizeof(ctx)));
	crypto_kdf_derive_from_key(out, len, 1, ctx, key);
}
