/* seal.c - small plaintexts in and out of the blob tree. */
#include "web/seal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "crypto/age.h"

int sz_web_seal(struct sz_blobs *blobs, struct sz_age_recipient *const *r,
	size_t nr, const uint8_t *data, size_t len, struct sz_blob_tmp *t,
	struct sz_err *err)
{
	struct sz_age_encryptor *e = NULL;
	int rc = sz_blob_create(blobs, t, err);
	if (rc == SZ_OK)
		rc = sz_age_encrypt_begin(&e, r, nr, NULL, sz_blob_write, t, err);
	if (rc == SZ_OK)
		rc = sz_age_encrypt_update(e, data, len, err);
	if (rc == SZ_OK)
		rc = sz_age_encrypt_finish(e, err);
	sz_age_encrypt_free(e);
	if (rc == SZ_OK)
		rc = sz_blob_seal(t, err);
	if (rc != SZ_OK)
		sz_blob_abort(t);
	return rc;
}

static int buf_sink(void *ctx, const uint8_t *d, size_t n)
{
	return sz_buf_append(ctx, d, n);
}

int sz_web_open(struct sz_blobs *blobs, const char *name,
	struct sz_age_identity *id, size_t max, struct sz_buf *out,
	struct sz_err *err)
{
	char path[4300];
	uint8_t chunk[16384];
	struct sz_age_decryptor *d = NULL;
	sz_buf_init(out, max);
	sz_blob_path(blobs, name, path, sizeof(path));
	int fd = sz_open_noatime(path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return sz_err_set(err, SZ_E_IO, "cannot open a stored file: %s",
			strerror(errno));
	int rc = sz_age_decrypt_begin(&d, &id, 1, NULL, buf_sink, out, err);
	while (rc == SZ_OK) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				rc = sz_err_set(err, SZ_E_IO, "cannot read a "
					"stored file");
			break;
		}
		rc = sz_age_decrypt_update(d, chunk, (size_t)n, err);
	}
	if (rc == SZ_OK)
		rc = sz_age_decrypt_finish(d, err);
	sz_age_decrypt_free(d);
	close(fd);
	if (rc != SZ_OK)
		sz_buf_free(out);
	return rc;
}
