/*
 * unpack.c - decrypted inbox items into a directory (unpack.h): the
 * plaintext streams from the decryptor through libarchive's tar reader
 * into files that appear only when the item has authenticated to its
 * last byte.  What it does not do: decrypt (decrypt.c hands it a puller),
 * or follow anything but regular files.
 */
#include "cli/unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/io.h"
#include "core/tar.h"
#include "store/item.h"

#define DEDUP_MAX 10000
#define EXT_MAX 16

/* Feeds libarchive: the first block (looked at to tell a tar from the
 * raw plaintext of an older item), then the rest as it is pulled. */
struct reader {
	sz_unpack_pull pull;
	void *ctx;
	struct sz_err *err;
	uint8_t peek[SZ_TAR_BLOCK];
	size_t peek_len;
	bool peek_given;
	const uint8_t *rest;       /* the rest of the last piece pulled */
	size_t rest_len;
	bool ended;
	bool failed;               /* the puller failed: err says why */
};

static ssize_t pull(struct reader *r, const uint8_t **d)
{
	ssize_t n = r->pull(r->ctx, d, r->err);
	if (n < 0)
		r->failed = true;
	else if (n == 0)
		r->ended = true;
	return n;
}

static int start(struct reader *r)
{
	while (r->peek_len < SZ_TAR_BLOCK && !r->ended) {
		const uint8_t *d;
		ssize_t n = pull(r, &d);
		if (n < 0)
			return -1;
		size_t take = SZ_TAR_BLOCK - r->peek_len;
		if (take > (size_t)n)
			take = (size_t)n;
		memcpy(r->peek + r->peek_len, d, take);
		r->peek_len += take;
		r->rest = d + take;
		r->rest_len = (size_t)n - take;
	}
	return 0;
}

static bool is_tar(const struct reader *r)
{
	return r->peek_len == SZ_TAR_BLOCK &&
		memcmp(r->peek + 257, "ustar", 5) == 0;
}

static la_ssize_t read_cb(struct archive *a, void *ctx, const void **buf)
{
	struct reader *r = ctx;
	if (!r->peek_given) {
		r->peek_given = true;
		if (r->peek_len > 0) {
			*buf = r->peek;
			return (la_ssize_t)r->peek_len;
		}
	}
	if (r->rest_len > 0) {
		size_t n = r->rest_len;
		*buf = r->rest;
		r->rest_len = 0;
		return (la_ssize_t)n;
	}
	if (r->ended)
		return 0;
	const uint8_t *d;
	ssize_t n = pull(r, &d);
	if (n < 0) {
		archive_set_error(a, EIO, "%s", r->err->msg);
		return -1;
	}
	*buf = d;
	return n;
}

/* Pulls what is left, so the whole item is authenticated. */
static int drain(struct reader *r)
{
	r->rest_len = 0;
	while (!r->ended) {
		const uint8_t *d;
		if (pull(r, &d) < 0)
			return -1;
	}
	return 0;
}

void sz_unpack_init(struct sz_unpack *u, const char *dir)
{
	memset(u, 0, sizeof(*u));
	u->dir = dir;
}

void sz_unpack_free(struct sz_unpack *u)
{
	for (size_t i = 0; i < u->nused; i++)
		free(u->used[i]);
	free(u->used);
	memset(u, 0, sizeof(*u));
}

static bool taken(const struct sz_unpack *u, const char *name)
{
	for (size_t i = 0; i < u->nused; i++)
		if (strcmp(u->used[i], name) == 0)
			return true;
	if (u->dir == NULL)
		return false;
	char path[4400];
	snprintf(path, sizeof(path), "%s/%s", u->dir, name);
	return access(path, F_OK) == 0 || errno != ENOENT;
}

/* "NAME (k).EXT", within SZ_ITEM_NAME_MAX bytes. */
static void numbered(const char *name, unsigned k,
	char out[SZ_ITEM_NAME_MAX + 1])
{
	char suffix[24];
	const char *dot = strrchr(name, '.');
	size_t n = strlen(name);
	size_t ext = dot != NULL && dot != name && strlen(dot) <= EXT_MAX ?
		strlen(dot) : 0;
	int sn = snprintf(suffix, sizeof(suffix), " (%u)", k);
	size_t stem = n - ext;
	if (stem + (size_t)sn + ext > SZ_ITEM_NAME_MAX) {
		stem = SZ_ITEM_NAME_MAX - (size_t)sn - ext;
		while (stem > 0 && ((unsigned char)name[stem] & 0xc0) == 0x80)
			stem--;
	}
	snprintf(out, SZ_ITEM_NAME_MAX + 1, "%.*s%s%s", (int)stem, name,
		suffix, name + n - ext);
}

/* A name for a file, sanitised and not taken; recorded as taken. */
static int pick_name(struct sz_unpack *u, const char *wanted, size_t len,
	char out[SZ_ITEM_NAME_MAX + 1], struct sz_err *err)
{
	char clean[SZ_ITEM_NAME_MAX + 1];
	if (u->nused >= SZ_UNPACK_MAX_NAMES)
		return sz_err_set(err, SZ_E_LIMIT, "more than %d files in one "
			"run", SZ_UNPACK_MAX_NAMES);
	sz_item_sanitize_name(wanted, len, clean);
	memcpy(out, clean, sizeof(clean));
	for (unsigned k = 2; taken(u, out); k++) {
		if (k > DEDUP_MAX)
			return sz_err_set(err, SZ_E_EXISTS, "no free name for "
				"\"%s\" in %s", clean, u->dir);
		numbered(clean, k, out);
	}
	char **more = realloc(u->used, (u->nused + 1) * sizeof(*u->used));
	char *copy = strdup(out);
	if (more == NULL || copy == NULL) {
		free(copy);
		if (more != NULL)
			u->used = more;
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	}
	u->used = more;
	u->used[u->nused++] = copy;
	return SZ_OK;
}

/* A file being extracted: it gets its final name only at commit. */
struct out {
	struct sz_outfile f;
	char name[SZ_ITEM_NAME_MAX + 1];
	uint64_t pos;
	bool open;
};

static int out_open(struct sz_unpack *u, struct out *o, const char *wanted,
	size_t len, struct sz_err *err)
{
	memset(o, 0, sizeof(*o));
	o->f.fd = -1;
	int rc = pick_name(u, wanted, len, o->name, err);
	if (rc != SZ_OK || u->dir == NULL)
		return rc;
	char path[4400];
	snprintf(path, sizeof(path), "%s/%s", u->dir, o->name);
	rc = sz_outfile_open(&o->f, path, 0600, 0, err);
	o->open = rc == SZ_OK;
	return rc;
}

static int out_write(struct out *o, const void *data, size_t len,
	struct sz_err *err)
{
	o->pos += len;
	if (o->open && sz_write_all(o->f.fd, data, len) != SZ_OK)
		return sz_err_set(err, SZ_E_IO, "cannot write %s: %s", o->name,
			strerror(errno));
	return SZ_OK;
}

static void out_abort(struct out *o)
{
	if (o->open)
		sz_outfile_abort(&o->f);
	o->open = false;
}

static int out_commit(struct sz_unpack *u, struct out *o, const char *label,
	struct sz_err *err)
{
	if (o->open) {
		o->open = false;
		int rc = sz_outfile_commit(&o->f, err);
		if (rc != SZ_OK)
			return rc;
	}
	u->files++;
	if (!u->quiet)
		printf("%s: %s\n", label, o->name);
	return SZ_OK;
}

/* The plaintext of an item from before items were tar archives. */
static int unpack_raw(struct sz_unpack *u, const char *label,
	struct reader *r, struct sz_err *err)
{
	struct out o;
	char name[SZ_ITEM_NAME_MAX + 1];
	size_t n = strlen(label);
	if (n > 4 && strcmp(label + n - 4, ".age") == 0)
		n -= 4;
	snprintf(name, sizeof(name), "%.*s", (int)n, label);
	int rc = out_open(u, &o, name, strlen(name), err);
	if (rc == SZ_OK)
		rc = out_write(&o, r->peek, r->peek_len, err);
	if (rc == SZ_OK && r->rest_len > 0)
		rc = out_write(&o, r->rest, r->rest_len, err);
	while (rc == SZ_OK && !r->ended) {
		const uint8_t *d;
		ssize_t k = pull(r, &d);
		if (k < 0)
			rc = err->code ? err->code : SZ_E_INVAL;
		else if (k > 0)
			rc = out_write(&o, d, (size_t)k, err);
	}
	if (rc == SZ_OK)
		return out_commit(u, &o, label, err);
	out_abort(&o);
	return rc;
}

/* Copies the entry's data into o; only in order (our items have no
 * holes, and a hole could make a file of any apparent size). */
static int copy_entry(struct archive *a, struct reader *r, struct out *o,
	struct sz_err *err)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int ar;
	while ((ar = archive_read_data_block(a, &buf, &len, &off)) ==
		    ARCHIVE_OK) {
		if (off < 0 || (uint64_t)off != o->pos)
			return sz_err_set(err, SZ_E_INVAL, "a file in the item "
				"has holes: the item is not one samizdat made");
		int rc = out_write(o, buf, len, err);
		if (rc != SZ_OK)
			return rc;
	}
	if (ar == ARCHIVE_EOF)
		return SZ_OK;
	if (r->failed)
		return r->err->code ? r->err->code : SZ_E_PAYLOAD;
	return sz_err_set(err, SZ_E_INVAL, "the item is damaged: %s",
		archive_error_string(a));
}

static int unpack_tar(struct sz_unpack *u, const char *label,
	struct reader *r, struct sz_err *err)
{
	struct out outs[SZ_UNPACK_MAX_FILES];
	size_t nout = 0;
	int rc = SZ_OK;
	struct archive *a = archive_read_new();
	if (a == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	archive_read_support_format_tar(a);
	if (archive_read_open(a, r, NULL, read_cb, NULL) != ARCHIVE_OK) {
		rc = r->failed ? r->err->code : sz_err_set(err, SZ_E_INVAL,
			"the item is damaged: %s", archive_error_string(a));
		goto out;
	}
	for (;;) {
		struct archive_entry *e;
		int ar = archive_read_next_header(a, &e);
		if (ar == ARCHIVE_EOF)
			break;
		if (ar < ARCHIVE_WARN) {
			rc = r->failed ? r->err->code : sz_err_set(err,
				SZ_E_INVAL, "the item is damaged: %s",
				archive_error_string(a));
			break;
		}
		const char *name = archive_entry_pathname_utf8(e);
		if (name == NULL)
			name = archive_entry_pathname(e);
		if (name == NULL)
			name = "";
		if (archive_entry_filetype(e) != AE_IFREG ||
		    archive_entry_sparse_count(e) > 0) {
			char shown[SZ_ITEM_NAME_MAX + 1];
			sz_item_sanitize_name(name, strlen(name), shown);
			if (!u->quiet)
				fprintf(stderr, "samizdat decrypt: %s: skipped "
					"\"%s\", which is not a plain file\n", label,
					shown);
			continue;
		}
		if (nout == SZ_UNPACK_MAX_FILES) {
			rc = sz_err_set(err, SZ_E_LIMIT, "%s holds more than %d "
				"files, which no inbox item does", label,
				SZ_UNPACK_MAX_FILES);
			break;
		}
		rc = out_open(u, &outs[nout], name, strlen(name), err);
		if (rc != SZ_OK)
			break;
		nout++;
		rc = copy_entry(a, r, &outs[nout - 1], err);
		if (rc != SZ_OK)
			break;
	}
	if (rc == SZ_OK && drain(r) != 0)
		rc = r->err->code ? r->err->code : SZ_E_PAYLOAD;
out:
	archive_read_free(a);
	for (size_t i = 0; i < nout; i++) {
		if (rc == SZ_OK)
			rc = out_commit(u, &outs[i], label, err);
		else
			out_abort(&outs[i]);
	}
	return rc;
}

int sz_unpack_item(struct sz_unpack *u, const char *label,
	sz_unpack_pull pull_fn, void *ctx, struct sz_err *err)
{
	struct reader r = { .pull = pull_fn, .ctx = ctx, .err = err };
	sz_err_clear(err);
	if (start(&r) != 0)
		return err->code ? err->code : SZ_E_PAYLOAD;
	int rc = is_tar(&r) ? unpack_tar(u, label, &r, err) :
		unpack_raw(u, label, &r, err);
	if (rc != SZ_OK && err->code == SZ_OK)
		sz_err_set(err, rc, "%s could not be extracted", label);
	return rc;
}
