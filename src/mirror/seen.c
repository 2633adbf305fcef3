/*
 * seen.c - the versions file (seen.h): read whole within its cap,
 * replaced whole (a temporary file beside it, renamed), so an
 * interruption leaves the old file or the new one.
 *
 * A damaged line is skipped, not trusted: the worst it can do is forget
 * a version, never raise one.
 */
#include "mirror/seen.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/io.h"

#define KEY_MAX 128

int sz_seen_path(char *out, size_t cap, struct sz_err *err)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	int n;
	if (state != NULL && state[0] == '/')
		n = snprintf(out, cap, "%s/samizdat/mirror-versions", state);
	else if (home != NULL && home[0] == '/')
		n = snprintf(out, cap, "%s/.local/state/samizdat/mirror-versions",
			home);
	else
		return sz_err_set(err, SZ_E_INVAL, "neither XDG_STATE_HOME nor "
			"HOME is set: give --state FILE");
	return n > 0 && (size_t)n < cap ? 0 :
		sz_err_set(err, SZ_E_LIMIT, "the state file's path is too long");
}

/* The file's text (empty if there is none). */
static int load(const char *file, struct sz_buf *text, struct sz_err *err)
{
	char buf[4096];
	ssize_t n;
	int rc = 0;
	sz_buf_init(text, SZ_SEEN_FILE_MAX);
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? sz_buf_append(text, "", 0) :
			sz_err_set(err, SZ_E_IO, "cannot read %s: %s", file,
				strerror(errno));
	while (rc == 0 && (n = sz_read_full(fd, buf, sizeof(buf))) > 0)
		if (sz_buf_append(text, buf, (size_t)n) != 0)
			rc = sz_err_set(err, SZ_E_LIMIT, "%s is larger than %u bytes: "
				"not a versions file", file, SZ_SEEN_FILE_MAX);
	if (rc == 0 && n < 0)
		rc = sz_err_set(err, SZ_E_IO, "cannot read %s: %s", file,
			strerror(errno));
	close(fd);
	if (rc == 0 && text->data == NULL)
		rc = sz_buf_append(text, "", 0);
	return rc;
}

/* Walks the lines; for each well-formed one calls fn (which returns
 * non-zero to stop). */
static void each_line(const struct sz_buf *text,
	int (*fn)(void *ctx, const char *key, size_t klen, uint64_t v),
	void *ctx)
{
	const char *p = (const char *)text->data, *end = p + text->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		const char *sp = memchr(p, ' ', (size_t)(stop - p));
		char num[24];
		size_t vlen = sp ? (size_t)(stop - sp - 1) : 0;
		if (sp && sp > p && (size_t)(sp - p) < KEY_MAX && vlen > 0 &&
		    vlen < sizeof(num)) {
			char *e;
			memcpy(num, sp + 1, vlen);
			num[vlen] = 0;
			uint64_t v = strtoull(num, &e, 10);
			if (*e == 0 && num[0] >= '0' && num[0] <= '9' &&
			    fn(ctx, p, (size_t)(sp - p), v) != 0)
				return;
		}
		p = nl ? nl + 1 : end;
	}
}

struct find {
	const char *key;
	uint64_t v;
};

static int find_fn(void *ctx, const char *key, size_t klen, uint64_t v)
{
	struct find *f = ctx;
	if (strlen(f->key) == klen && memcmp(f->key, key, klen) == 0 && v > f->v)
		f->v = v;
	return 0;
}

int sz_seen_get(const char *file, const char *key, uint64_t *version,
	struct sz_err *err)
{
	struct sz_buf text;
	struct find f = { key, 0 };
	*version = 0;
	int rc = load(file, &text, err);
	if (rc == 0)
		each_line(&text, find_fn, &f);
	sz_buf_free(&text);
	*version = f.v;
	return rc;
}

struct copy {
	const char *key;
	struct sz_buf *out;
	size_t lines;
	int rc;
};

static int copy_fn(void *ctx, const char *key, size_t klen, uint64_t v)
{
	struct copy *c = ctx;
	if (strlen(c->key) == klen && memcmp(c->key, key, klen) == 0)
		return 0;                 /* replaced by the new line */
	if (++c->lines >= SZ_SEEN_KEYS_MAX)
		return 1;
	c->rc = sz_buf_printf(c->out, "%.*s %" PRIu64 "\n", (int)klen, key, v);
	return c->rc;
}

/* mkdir -p of file's folder, private. */
static int make_dirs(const char *file, struct sz_err *err)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", file);
	char *slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = 0;
	for (char *p = dir + 1; ; p++) {
		if (*p != '/' && *p != 0)
			continue;
		char c = *p;
		*p = 0;
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			return sz_err_set(err, SZ_E_IO, "cannot make %s: %s", dir,
				strerror(errno));
		*p = c;
		if (c == 0)
			return 0;
	}
}

int sz_seen_put(const char *file, const char *key, uint64_t version,
	struct sz_err *err)
{
	struct sz_buf text, out;
	uint64_t old = 0;
	if (strlen(key) >= KEY_MAX || strpbrk(key, " \n") != NULL)
		return sz_err_set(err, SZ_E_INVAL, "not a key");
	int rc = sz_seen_get(file, key, &old, err);
	if (rc != 0 || old >= version)
		return rc;
	rc = load(file, &text, err);
	sz_buf_init(&out, SZ_SEEN_FILE_MAX);
	struct copy c = { key, &out, 0, 0 };
	if (rc == 0) {
		each_line(&text, copy_fn, &c);
		rc = c.rc ? c.rc : sz_buf_printf(&out, "%s %" PRIu64 "\n", key,
			version);
		if (rc != 0)
			sz_err_set(err, rc, "the versions file is full");
	}
	struct sz_outfile f;
	if (rc == 0)
		rc = make_dirs(file, err);
	if (rc == 0)
		rc = sz_outfile_open(&f, file, 0600, 1, err);
	if (rc == 0) {
		if (sz_write_all(f.fd, out.data, out.len) != 0) {
			sz_outfile_abort(&f);
			rc = sz_err_set(err, SZ_E_IO, "cannot write %s: %s", file,
				strerror(errno));
		} else {
			rc = sz_outfile_commit(&f, err);
		}
	}
	sz_buf_free(&text);
	sz_buf_free(&out);
	return rc;
}
