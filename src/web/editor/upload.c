/*
 * upload.c - POST /release/upload?id=N: files an editor adds to a
 * release.  The body streams into a private temporary folder inside the
 * archive (these are reviewed documents meant for publication, never a
 * source's submission), then each file goes through `samizdat-doc release
 * add` in a process of its own, started by the face's document runner
 * (runner.h): scrubbing parses hostile formats, and a fault there must not
 * take the editor face (or its sessions) with it, and the face itself
 * cannot start programs.  The folder is removed whatever happens.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/io.h"
#include "http/multipart.h"
#include "web/editor/editor.h"
#include "web/html.h"

#define UPLOAD_MAX_FILES 100
#define UPLOAD_NAME_MAX SZ_RUNNER_NAME_MAX
#define TOOL_OUTPUT_MAX SZ_RUNNER_OUTPUT_MAX

struct upload_ctx {
	struct sz_multipart *mp;
	char dir[4200];              /* the temporary folder, "" when gone */
	int fd;                      /* the file being received */
	int part;                    /* 1 csrf, 2 a file, 0 other */
	char csrf[SZ_SESSION_TOKEN_LEN + 8];
	size_t csrf_len;
	char names[UPLOAD_MAX_FILES][UPLOAD_NAME_MAX + 1];
	size_t nfiles;
	int64_t release;
};

static void remove_dir(struct upload_ctx *c)
{
	if (c->dir[0] == 0)
		return;
	for (size_t i = 0; i < c->nfiles; i++) {
		char p[4500];
		snprintf(p, sizeof(p), "%s/%s", c->dir, c->names[i]);
		unlink(p);
	}
	rmdir(c->dir);
	c->dir[0] = 0;
}

/* A file name without folders, control characters or a leading dot. */
static void safe_name(const char *in, size_t n, char *out, size_t cap)
{
	const char *base = strrchr(in, '/');
	base = base ? base + 1 : in;
	const char *bs = strrchr(base, '\\');
	base = bs ? bs + 1 : base;
	size_t k = 0;
	for (const char *p = base; *p && k + 1 < cap; p++)
		if ((unsigned char)*p >= 0x20 && *p != 0x7f && !(k == 0 && *p == '.'))
			out[k++] = *p;
	out[k] = 0;
	if (k == 0)
		snprintf(out, cap, "file-%zu", n + 1);
}

static int mp_begin(void *ctx, const struct sz_mp_part *part)
{
	struct sz_request *rq = ctx;
	struct upload_ctx *c = rq->handler_ctx;
	c->part = 0;
	if (strcmp(part->name, "csrf") == 0) {
		c->part = 1;
		return 0;
	}
	if (strcmp(part->name, "files") != 0 || !part->has_filename ||
	    part->filename[0] == 0)
		return 0;
	if (c->nfiles >= UPLOAD_MAX_FILES)
		return sz_request_fail(rq, 413, "Add at most 100 files at a time.");
	char name[UPLOAD_NAME_MAX + 1], path[4500];
	safe_name(part->filename, c->nfiles, name, sizeof(name));
	for (size_t i = 0; i < c->nfiles; i++)
		if (strcmp(c->names[i], name) == 0) {
			char renamed[UPLOAD_NAME_MAX + 1];
			snprintf(renamed, sizeof(renamed), "%zu-%.180s", c->nfiles + 1,
				name);
			snprintf(name, sizeof(name), "%s", renamed);
		}
	snprintf(path, sizeof(path), "%s/%s", c->dir, name);
	c->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (c->fd < 0)
		return sz_request_fail(rq, 500, "The upload cannot be stored.");
	snprintf(c->names[c->nfiles++], UPLOAD_NAME_MAX + 1, "%s", name);
	c->part = 2;
	return 0;
}

static int mp_data(void *ctx, const uint8_t *data, size_t len)
{
	struct sz_request *rq = ctx;
	struct upload_ctx *c = rq->handler_ctx;
	if (c->part == 1) {
		if (c->csrf_len + len >= sizeof(c->csrf))
			return sz_request_fail(rq, 400, "This form is out of date.");
		memcpy(c->csrf + c->csrf_len, data, len);
		c->csrf_len += len;
		c->csrf[c->csrf_len] = 0;
	} else if (c->part == 2 && sz_write_all(c->fd, data, len) != 0) {
		return sz_request_fail(rq, 500, "The upload cannot be stored.");
	}
	return 0;
}

static int mp_end(void *ctx)
{
	struct sz_request *rq = ctx;
	struct upload_ctx *c = rq->handler_ctx;
	if (c->part == 2 && c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
	c->part = 0;
	return 0;
}

static const struct sz_mp_handler handler = { mp_begin, mp_data, mp_end };

int sz_editor_upload_begin(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_session s;
	struct sz_err err;
	struct upload_ctx *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return sz_request_fail(rq, 500, "The server ran out of memory.");
	c->fd = -1;
	rq->handler_ctx = c;
	if (!sz_editor_require(rq, &s))
		return sz_request_fail(rq, 403, "You are not logged in.");
	sodium_memzero(&s, sizeof(s));
	const char *id = sz_request_query(rq, "id");
	char *end;
	c->release = id ? strtoll(id, &end, 10) : 0;
	if (id == NULL || *end || c->release <= 0)
		return sz_request_fail(rq, 404, "There is no such release.");
	snprintf(c->dir, sizeof(c->dir), "%s/%sXXXXXX",
		app->preview.archive->files, SZ_RUNNER_UPLOAD_PREFIX);
	if (mkdtemp(c->dir) == NULL) {
		c->dir[0] = 0;
		return sz_request_fail(rq, 500, "The upload cannot be stored.");
	}
	if (sz_multipart_new(&c->mp, sz_request_header(rq, "Content-Type"),
	    &handler, rq, UPLOAD_MAX_FILES + 8, &err) != 0)
		return sz_request_fail(rq, 400, err.msg);
	return 0;
}

int sz_editor_upload_data(struct sz_request *rq, const uint8_t *data,
	size_t len)
{
	struct upload_ctx *c = rq->handler_ctx;
	struct sz_err err;
	if (rq->error)
		return SZ_E_INVAL;
	int rc = sz_multipart_feed(c->mp, data, len, &err);
	if (rc != 0 && !rq->error)
		sz_request_fail(rq, rc == SZ_E_LIMIT ? 413 : 400, err.msg);
	return rc;
}

void sz_editor_upload_cleanup(struct sz_request *rq)
{
	struct upload_ctx *c = rq->handler_ctx;
	if (c == NULL)
		return;
	if (c->fd >= 0)
		close(c->fd);
	remove_dir(c);
	sz_multipart_free(c->mp);
	free(c);
	rq->handler_ctx = NULL;
}

/* Adds one file through the document runner (runner.h); its exit
 * status, and what samizdat-doc said, in out. */
static int add_file(struct sz_editor_app *app, struct upload_ctx *c,
	const char *name, struct sz_buf *out)
{
	const char *folder = strrchr(c->dir, '/');
	return sz_doc_runner_add(app->runner, c->release,
		folder ? folder + 1 : c->dir, name, out);
}

int sz_editor_upload(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct upload_ctx *c = rq->handler_ctx;
	struct sz_session s;
	struct sz_err err;
	if (rq->error || c == NULL)
		return SZ_E_INVAL;
	if (!sz_editor_require(rq, &s))
		return 0;
	if (sz_multipart_finish(c->mp, &err) != 0) {
		sodium_memzero(&s, sizeof(s));
		return sz_request_fail(rq, 400, err.msg);
	}
	if (!sz_session_csrf_ok(&s, c->csrf)) {
		sodium_memzero(&s, sizeof(s));
		return sz_request_fail(rq, 403, "This form is out of date. Go back "
			"and reload the page.");
	}
	if (c->nfiles == 0) {
		sodium_memzero(&s, sizeof(s));
		return sz_request_fail(rq, 400, "Choose at least one file.");
	}
	struct sz_buf said;
	sz_buf_init(&said, TOOL_OUTPUT_MAX * 2);
	size_t failed = 0;
	for (size_t i = 0; i < c->nfiles; i++) {
		struct sz_buf one;
		sz_buf_init(&one, TOOL_OUTPUT_MAX);
		int st = add_file(app, c, c->names[i], &one);
		char detail[300];
		snprintf(detail, sizeof(detail), "release %lld: %s%s",
			(long long)c->release, c->names[i], st ? " (refused)" : "");
		app->in->store->ops->audit_add(app->in->store, s.data,
			"add to release", detail, NULL);
		if (st != 0) {
			failed++;
			/* The tool names the temporary path; show the file's name. */
			sz_buf_printf(&said, "%s: ", c->names[i]);
			const char *colon = one.data ? strstr((const char *)one.data,
				c->names[i]) : NULL;
			const char *why = colon ? colon + strlen(c->names[i]) : NULL;
			while (why && (*why == ':' || *why == ' '))
				why++;
			sz_buf_puts(&said, why && *why ? why : "it could not be added\n");
		}
		sz_buf_free(&one);
	}
	remove_dir(c);
	sodium_memzero(&s, sizeof(s));
	if (failed > 0) {
		int rc = sz_request_fail(rq, 400, said.data ? (const char *)said.data :
			"A file could not be added.");
		sz_buf_free(&said);
		return rc;
	}
	sz_buf_free(&said);
	rq->status = 303;
	snprintf(rq->location, sizeof(rq->location), "/release?id=%lld&added=1",
		(long long)c->release);
	return 0;
}
