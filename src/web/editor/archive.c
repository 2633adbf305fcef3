/*
 * archive.c - GET /archive?id=N: all of a source's items (and their names
 * and types) as one uncompressed ustar archive of the .age files, streamed
 * from disk a block at a time, so its size does not matter.  Every header
 * says mtime 0, owner 0: the archive adds no times or names of its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/tar.h"
#include "crypto/codename.h"
#include "core/io.h"
#include "store/blobs.h"
#include "web/editor/editor.h"

#define BLOCK SZ_TAR_BLOCK   /* names here are short ASCII: one block */

struct entry {
	char path[4300];     /* the blob on disk */
	char name[100];      /* its name in the archive */
	uint64_t size;
};

struct archive {
	long (*read)(void *ctx, uint64_t pos, char *buf, size_t max);
	struct entry *e;
	size_t n;
	size_t cur;          /* entry being written */
	uint64_t in_entry;   /* bytes of it written: header, data, padding */
	int fd;
	uint64_t pos;
};

static uint64_t padded(uint64_t n)
{
	return (n + BLOCK - 1) / BLOCK * BLOCK;
}

/* Writes the archive sequentially into buf; 0 at the end, -1 on error. */
static long archive_read(void *ctx, uint64_t pos, char *buf, size_t max)
{
	struct archive *a = ctx;
	size_t out = 0;
	if (pos != a->pos)
		return -1;
	while (out < max) {
		if (a->cur == a->n) {
			/* two zero blocks end the archive */
			uint64_t end = (uint64_t)2 * BLOCK - a->in_entry;
			if (end == 0)
				break;
			size_t k = end < max - out ? (size_t)end : max - out;
			memset(buf + out, 0, k);
			out += k;
			a->in_entry += k;
			continue;
		}
		struct entry *e = &a->e[a->cur];
		if (a->in_entry < BLOCK) {
			uint8_t h[BLOCK];
			sz_tar_header(e->name, e->size, h);
			size_t k = BLOCK - (size_t)a->in_entry;
			if (k > max - out)
				k = max - out;
			memcpy(buf + out, h + a->in_entry, k);
			out += k;
			a->in_entry += k;
			continue;
		}
		uint64_t data = a->in_entry - BLOCK;
		if (data < e->size) {
			if (a->fd < 0 && (a->fd = sz_open_noatime(e->path,
				    O_RDONLY | O_CLOEXEC, 0)) < 0)
				return -1;
			size_t want = e->size - data < max - out ?
				(size_t)(e->size - data) : max - out;
			ssize_t got = pread(a->fd, buf + out, want, (off_t)data);
			if (got <= 0)
				return -1;
			out += (size_t)got;
			a->in_entry += (uint64_t)got;
			continue;
		}
		uint64_t pad = padded(e->size) - e->size, done = data - e->size;
		if (done < pad) {
			size_t k = pad - done < max - out ? (size_t)(pad - done) :
				max - out;
			memset(buf + out, 0, k);
			out += k;
			a->in_entry += k;
			continue;
		}
		if (a->fd >= 0)
			close(a->fd);
		a->fd = -1;
		a->cur++;
		a->in_entry = 0;
	}
	a->pos += out;
	return (long)out;
}

static void archive_free(void *ctx)
{
	struct archive *a = ctx;
	if (a == NULL)
		return;
	if (a->fd >= 0)
		close(a->fd);
	free(a->e);
	free(a);
}

static int add(struct archive *a, struct sz_blobs *blobs, const char *blob,
	const char *name)
{
	struct stat st;
	struct entry *e = &a->e[a->n];
	sz_blob_path(blobs, blob, e->path, sizeof(e->path));
	if (stat(e->path, &st) != 0)
		return -1;
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->size = (uint64_t)st.st_size;
	a->n++;
	return 0;
}

int sz_editor_archive(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_store *st = app->in->store;
	struct sz_session s;
	struct sz_err err;
	struct sz_source_row src;
	struct sz_item_full *items = NULL;
	size_t nitems = 0;
	struct archive *a = NULL;
	int rc = SZ_OK;
	if (!sz_editor_require(rq, &s))
		return SZ_OK;
	const char *v = sz_request_query(rq, "id");
	long long id = v ? strtoll(v, NULL, 10) : 0;
	if (sz_editor_source_open(rq, &s, id, &src) != SZ_OK) {
		rc = SZ_E_INVAL;
		goto out;
	}
	if (st->ops->source_items(st, id, &items, &nitems, &err) != SZ_OK) {
		rc = sz_request_fail(rq, 404, "There is no such source.");
		goto out;
	}
	char d[SZ_EDITOR_DESIGNATION_MAX];
	sz_designation_name(src.designation, d, sizeof(d));
	a = calloc(1, sizeof(*a));
	if (a != NULL)
		a->e = calloc(nitems * 2 + 1, sizeof(*a->e));
	if (a == NULL || a->e == NULL) {
		rc = sz_request_fail(rq, 500, "The server ran out of memory.");
		goto out;
	}
	a->read = archive_read;
	a->fd = -1;
	for (size_t i = 0; i < nitems; i++) {
		char name[100];
		bool file = items[i].row.kind == SZ_ITEM_FILE;
		snprintf(name, sizeof(name), "%s/%s-%lld-%s.age", d,
			items[i].day, (long long)items[i].id,
			file ? "file" : "message");
		if (add(a, &app->in->blobs, items[i].row.blob, name) != 0) {
			rc = sz_request_fail(rq, 500, "An item's file is missing.");
			goto out;
		}
		if (file && items[i].row.meta_blob[0]) {
			snprintf(name, sizeof(name), "%s/%s-%lld-name.age", d,
				items[i].day, (long long)items[i].id);
			if (add(a, &app->in->blobs, items[i].row.meta_blob,
				    name) != 0) {
				rc = sz_request_fail(rq, 500, "An item's file is "
					"missing.");
				goto out;
			}
		}
		st->ops->item_seen(st, items[i].id, NULL);
	}
	uint64_t size = 2 * BLOCK;
	for (size_t i = 0; i < a->n; i++)
		size += BLOCK + padded(a->e[i].size);
	rq->stream_read = archive_read;
	rq->stream_free = archive_free;
	rq->stream_ctx = a;
	rq->stream_size = size;
	a = NULL;
	rq->content_type = "application/x-tar";
	snprintf(rq->disposition, sizeof(rq->disposition),
		"attachment; filename=\"%s.tar\"", d);
	char detail[96];
	snprintf(detail, sizeof(detail), "%s, all %zu items", d, nitems);
	st->ops->audit_add(st, s.data, "download", detail, NULL);
out:
	archive_free(a);
	free(items);
	sodium_memzero(&s, sizeof(s));
	return rc;
}
