/*
 * verify.c - checking a copy of the archive (verify.h), in a folder or
 * at a URL: the signature first, nothing trusted before it verifies;
 * then the claim, the MANIFEST's lines, each file, and (in a folder)
 * what is there but not listed.
 *
 * Files in a folder are opened one path part at a time with O_NOFOLLOW,
 * so a symbolic link anywhere in a listed path is reported, never
 * followed out of the copy.
 */
#include "mirror/verify.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/io.h"
#include "mirror/seen.h"

#define CHUNK (256u << 10)
#define WALK_DEPTH_MAX (SZ_MANIFEST_DEPTH_MAX + 2)

struct verify {
	const struct sz_verify_opts *o;
	struct sz_verify_result *r;
	int dir;                      /* a folder's, or -1 */
	struct sz_fetch *fetch;       /* a URL's, or NULL */
	int mfd;                      /* the MANIFEST's copy */
	const char *m;                /* mapped */
	size_t mlen;
	uint8_t *buf;                 /* CHUNK bytes */
	uint64_t fetched;             /* bytes downloaded in all */
	bool stop;                    /* a failure that ends the check */
};

void sz_verify_defaults(struct sz_verify_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->record = true;
	o->max_manifest = SZ_VERIFY_MANIFEST_MAX;
	o->max_file = SZ_VERIFY_FILE_MAX;
	o->max_total = SZ_VERIFY_TOTAL_MAX;
	o->fetch.timeout_s = SZ_VERIFY_TIMEOUT_S;
	o->fetch.max_time_s = SZ_VERIFY_MAX_TIME_S;
	o->now = (int64_t)time(NULL);
}

/* How serious a verdict is: lower is worse. */
static int rank(enum sz_verify_verdict v)
{
	switch (v) {
	case SZ_VERIFY_SIGNATURE: return 0;
	case SZ_VERIFY_IMPLAUSIBLE: return 1;
	case SZ_VERIFY_UNSAFE: return 2;
	case SZ_VERIFY_ROLLBACK: return 3;
	case SZ_VERIFY_EXPIRED: return 4;
	case SZ_VERIFY_TAMPERED: return 5;
	case SZ_VERIFY_MISSING: return 6;
	case SZ_VERIFY_UNREADABLE: return 7;
	case SZ_VERIFY_EXTRA: return 8;
	default: return 9;
	}
}

static void flag(struct verify *v, enum sz_verify_verdict what,
	const char *path, const char *why)
{
	struct sz_verify_result *r = v->r;
	if (rank(what) < rank(r->verdict))
		r->verdict = what;
	switch (what) {
	case SZ_VERIFY_TAMPERED: r->tampered++; break;
	case SZ_VERIFY_MISSING: r->missing++; break;
	case SZ_VERIFY_EXTRA: r->extra++; break;
	case SZ_VERIFY_UNSAFE: r->unsafe++; break;
	case SZ_VERIFY_UNREADABLE: r->unreadable++; break;
	default: break;
	}
	if (v->o->report != NULL)
		v->o->report(v->o->ctx, what, path, why);
}

/* ---- reading the copy ------------------------------------------------ */

int sz_verify_open(int dir, const char *path, size_t len)
{
	char part[SZ_MANIFEST_PATH_MAX + 1];
	if (len > SZ_MANIFEST_PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = dup(dir);
	size_t at = 0;
	while (fd >= 0) {
		const char *slash = memchr(path + at, '/', len - at);
		size_t n = slash ? (size_t)(slash - path - at) : len - at;
		memcpy(part, path + at, n);
		part[n] = 0;
		int next = openat(fd, part, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
			(slash ? O_DIRECTORY : O_NONBLOCK));
		int e = errno;
		if (next < 0 && (e == ENOTDIR || e == ELOOP)) {
			struct stat st;
			if (fstatat(fd, part, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(st.st_mode))
				e = ELOOP;
		}
		close(fd);
		errno = e;
		fd = next;
		if (slash == NULL)
			break;
		at += n + 1;
	}
	return fd;
}

struct hasher {
	crypto_hash_sha256_state h;
	int fd;                       /* or -1: hash only */
	struct sz_minisign_hash *pre; /* or NULL */
};

static int hash_sink(void *ctx, const uint8_t *data, size_t len)
{
	struct hasher *s = ctx;
	crypto_hash_sha256_update(&s->h, data, len);
	if (s->pre != NULL)
		sz_minisign_hash_update(s->pre, data, len);
	return s->fd >= 0 ? sz_write_all(s->fd, data, len) : 0;
}

/* Reads a file of the copy (name, at the top for the MANIFEST and its
 * signature, or a listed path) into sink, at most max bytes.  Returns
 * 0, SZ_E_NOT_FOUND, SZ_E_LIMIT, SZ_E_CRYPTO (a symlink or not a
 * regular file: unsafe) or SZ_E_IO; why says what happened. */
static int read_file(struct verify *v, const char *path, size_t len,
	uint64_t max, sz_fetch_sink sink, void *ctx, uint64_t *got,
	struct sz_err *why)
{
	*got = 0;
	if (v->fetch != NULL) {
		char url[SZ_FETCH_URL_MAX];
		if (!sz_fetch_url(v->o->target, path, len, url, sizeof(url)))
			return sz_err_set(why, SZ_E_LIMIT, "the URL is too long");
		uint64_t left = v->o->max_total > v->fetched ?
			v->o->max_total - v->fetched : 0;
		int rc = sz_fetch_get(v->fetch, url, max < left ? max : left, sink,
			ctx, got, why);
		v->fetched += *got;
		if (rc == SZ_E_LIMIT && left <= max) {
			v->stop = true;
			return sz_err_set(why, SZ_E_LIMIT, "the mirror served more "
				"than %llu bytes in all: stopped",
				(unsigned long long)v->o->max_total);
		}
		return rc;
	}
	int fd = sz_verify_open(v->dir, path, len);
	struct stat st;
	if (fd < 0)
		return errno == ENOENT ? sz_err_set(why, SZ_E_NOT_FOUND,
			"not there") : errno == ELOOP ? sz_err_set(why, SZ_E_CRYPTO,
			"a symbolic link: a copy must hold the files themselves") :
			sz_err_set(why, SZ_E_IO, "cannot open it: %s", strerror(errno));
	int rc = 0;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		rc = sz_err_set(why, SZ_E_CRYPTO, "not a regular file");
	else if ((uint64_t)st.st_size > max)
		rc = sz_err_set(why, SZ_E_LIMIT, "larger than %llu bytes",
			(unsigned long long)max);
	while (rc == 0) {
		ssize_t n = sz_read_full(fd, v->buf, CHUNK);
		if (n < 0)
			rc = sz_err_set(why, SZ_E_IO, "cannot read it: %s",
				strerror(errno));
		if (n <= 0)
			break;
		if (*got + (uint64_t)n > max)
			rc = sz_err_set(why, SZ_E_LIMIT, "larger than %llu bytes",
				(unsigned long long)max);
		else if (sink(ctx, v->buf, (size_t)n) != 0)
			rc = sz_err_set(why, SZ_E_IO, "cannot copy it: %s",
				strerror(errno));
		*got += (uint64_t)n;
	}
	close(fd);
	return rc;
}

static int buf_sink(void *ctx, const uint8_t *data, size_t len)
{
	return sz_buf_append(ctx, data, len);
}

/* ---- the signature --------------------------------------------------- */

static bool check_signature(struct verify *v)
{
	struct sz_buf text;
	struct sz_minisign_sig sig;
	struct sz_minisign_hash pre;
	struct hasher h = { .fd = -1, .pre = &pre };
	uint8_t digest[SZ_MINISIGN_PREHASH];
	struct sz_err why;
	uint64_t got;
	char msg[SZ_ERR_MSG_SIZE + 64];
	sz_buf_init(&text, SZ_MINISIGN_FILE_MAX);
	int rc = read_file(v, SZ_MANIFEST_SIG_FILE, strlen(SZ_MANIFEST_SIG_FILE),
		SZ_MINISIGN_FILE_MAX, buf_sink, &text, &got, &why);
	if (rc == 0)
		rc = sz_buf_append(&text, "", 0);
	if (rc != 0) {
		flag(v, rc == SZ_E_IO ? SZ_VERIFY_UNREADABLE : SZ_VERIFY_SIGNATURE,
			SZ_MANIFEST_SIG_FILE, why.msg);
		sz_buf_free(&text);
		return false;
	}
	rc = sz_minisign_sig_parse((const char *)text.data, text.len, &sig,
		&why);
	sz_buf_free(&text);
	if (rc != 0) {
		flag(v, SZ_VERIFY_SIGNATURE, SZ_MANIFEST_SIG_FILE, why.msg);
		return false;
	}
	/* The MANIFEST, copied whole into memory the kernel can page out,
	 * hashed as it comes. */
	h.fd = v->mfd = memfd_create("samizdat-manifest", MFD_CLOEXEC);
	crypto_hash_sha256_init(&h.h);
	sz_minisign_hash_init(&pre);
	rc = v->mfd < 0 ? sz_err_set(&why, SZ_E_IO, "cannot make room for it: "
		"%s", strerror(errno)) : read_file(v, SZ_MANIFEST_FILE,
		strlen(SZ_MANIFEST_FILE), v->o->max_manifest, hash_sink, &h, &got,
		&why);
	if (rc != 0) {
		flag(v, rc == SZ_E_NOT_FOUND || rc == SZ_E_CRYPTO ?
			SZ_VERIFY_SIGNATURE : SZ_VERIFY_UNREADABLE, SZ_MANIFEST_FILE,
			why.msg);
		return false;
	}
	sz_minisign_hash_final(&pre, digest);
	rc = sz_minisign_verify(&sig, v->o->key, digest, &why);
	if (rc == 0)
		rc = sz_manifest_claim_parse(sig.trusted, &v->r->claim, &why);
	if (rc != 0) {
		snprintf(msg, sizeof(msg), "%s", why.msg);
		flag(v, SZ_VERIFY_SIGNATURE, SZ_MANIFEST_SIG_FILE, msg);
		return false;
	}
	v->r->signed_ok = true;
	v->mlen = (size_t)got;
	if (v->mlen > 0) {
		void *m = mmap(NULL, v->mlen, PROT_READ, MAP_SHARED, v->mfd, 0);
		if (m == MAP_FAILED) {
			flag(v, SZ_VERIFY_UNREADABLE, SZ_MANIFEST_FILE,
				"cannot map it");
			return false;
		}
		v->m = m;
	}
	return true;
}

/* Whether a claim is one no genuine export makes (manifest.h); msg
 * says why. */
static bool implausible(const struct verify *v, const struct
	sz_manifest_claim *c, char *msg, size_t cap)
{
	int64_t ahead = c->expires - v->o->now;
	if (ahead > (int64_t)SZ_MANIFEST_EXPIRY_DAYS_MAX * 86400 +
	    SZ_MANIFEST_EXPIRY_SLACK_S) {
		snprintf(msg, cap, "it claims to stay valid for %lld days, more "
			"than the %d any export signs: a stolen or misused key",
			(long long)(ahead / 86400), SZ_MANIFEST_EXPIRY_DAYS_MAX);
		return true;
	}
	if (c->version > v->r->seen_before &&
	    c->version - v->r->seen_before > SZ_MANIFEST_VERSION_STEP_MAX) {
		snprintf(msg, cap, "version %llu is more than 2^32 above version "
			"%llu, the last seen: a stolen or misused key, which would "
			"lock every later genuine version out",
			(unsigned long long)c->version,
			(unsigned long long)v->r->seen_before);
		return true;
	}
	return false;
}

/* Implausible?  Rolled back?  Expired?  Then remember the version. */
static void check_claim(struct verify *v, const char *keyb64)
{
	const struct sz_manifest_claim *c = &v->r->claim;
	char file[4096], msg[320];
	struct sz_err why;
	if (v->o->seen_file != NULL)
		snprintf(file, sizeof(file), "%s", v->o->seen_file);
	else if (sz_seen_path(file, sizeof(file), &why) != 0) {
		flag(v, SZ_VERIFY_UNREADABLE, NULL, why.msg);
		return;
	}
	if (sz_seen_get(file, keyb64, &v->r->seen_before, &why) != 0) {
		flag(v, SZ_VERIFY_UNREADABLE, NULL, why.msg);
		return;
	}
	if (implausible(v, c, msg, sizeof(msg))) {
		flag(v, SZ_VERIFY_IMPLAUSIBLE, NULL, msg);
		return;             /* nothing of it is remembered */
	}
	bool rolled_back = c->version < v->r->seen_before;
	if (rolled_back) {
		snprintf(msg, sizeof(msg), "version %llu is older than version "
			"%llu, seen before: this mirror was rolled back",
			(unsigned long long)c->version,
			(unsigned long long)v->r->seen_before);
		flag(v, SZ_VERIFY_ROLLBACK, NULL, msg);
	}
	if (c->expires <= v->o->now) {
		snprintf(msg, sizeof(msg), "its signature expired %lld days ago: "
			"this mirror stopped following the archive",
			(long long)((v->o->now - c->expires) / 86400));
		flag(v, SZ_VERIFY_EXPIRED, NULL, msg);
	}
	if (!rolled_back && v->o->record &&
	    sz_seen_put(file, keyb64, c->version, &why) != 0)
		flag(v, SZ_VERIFY_UNREADABLE, NULL, why.msg);
}

/* ---- the MANIFEST and its files -------------------------------------- */

/* The next line of the MANIFEST after *at; false at its end. */
static bool next_line(const struct verify *v, size_t *at, const char **line,
	size_t *len)
{
	if (*at >= v->mlen)
		return false;
	const char *p = v->m + *at;
	const char *nl = memchr(p, '\n', v->mlen - *at);
	*line = p;
	*len = nl ? (size_t)(nl - p) : v->mlen - *at;
	*at += *len + (nl ? 1 : 0);
	return true;
}

static int path_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	return c ? c : (alen > blen) - (alen < blen);
}

/* Every line well-formed, with safe paths in strictly growing order. */
static bool check_lines(struct verify *v)
{
	const char *line, *path, *prev = NULL;
	size_t len, plen, prevlen = 0, at = 0, lineno = 0;
	uint8_t sha[32];
	struct sz_err why;
	char msg[SZ_ERR_MSG_SIZE + 32];
	while (next_line(v, &at, &line, &len)) {
		lineno++;
		if (sz_manifest_line(line, len, sha, &path, &plen, &why) != 0) {
			snprintf(msg, sizeof(msg), "line %zu: %s", lineno, why.msg);
			flag(v, SZ_VERIFY_UNSAFE, SZ_MANIFEST_FILE, msg);
			return false;
		}
		if (prev != NULL && path_cmp(prev, prevlen, path, plen) >= 0) {
			snprintf(msg, sizeof(msg), "line %zu: not in order, or listed "
				"twice", lineno);
			flag(v, SZ_VERIFY_UNSAFE, SZ_MANIFEST_FILE, msg);
			return false;
		}
		prev = path;
		prevlen = plen;
	}
	return true;
}

static void check_files(struct verify *v)
{
	const char *line, *path;
	size_t len, plen, at = 0;
	uint8_t want[32], have[32];
	char name[SZ_MANIFEST_PATH_MAX + 1];
	while (!v->stop && next_line(v, &at, &line, &len)) {
		struct hasher h = { .fd = -1 };
		struct sz_err why;
		uint64_t got;
		if (sz_manifest_line(line, len, want, &path, &plen, NULL) != 0)
			continue;           /* check_lines refused it already */
		memcpy(name, path, plen);
		name[plen] = 0;
		crypto_hash_sha256_init(&h.h);
		int rc = read_file(v, path, plen, v->o->max_file, hash_sink, &h,
			&got, &why);
		crypto_hash_sha256_final(&h.h, have);
		if (rc == SZ_E_NOT_FOUND)
			flag(v, SZ_VERIFY_MISSING, name, why.msg);
		else if (rc == SZ_E_CRYPTO)
			flag(v, SZ_VERIFY_UNSAFE, name, why.msg);
		else if (rc != 0) {
			flag(v, SZ_VERIFY_UNREADABLE, name, why.msg);
			/* A mirror that stops answering is not waited on file
			 * after file. */
			if (rc == SZ_E_IO && v->fetch != NULL)
				v->stop = true;
		} else if (sodium_memcmp(want, have, 32) != 0)
			flag(v, SZ_VERIFY_TAMPERED, name, "its SHA-256 is not the "
				"signed one");
		else {
			v->r->files++;
			v->r->bytes += got;
		}
	}
}

/* Whether the MANIFEST lists path (binary search over its sorted
 * lines). */
static bool listed(const struct verify *v, const char *path, size_t plen)
{
	size_t lo = 0, hi = v->mlen;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, start = mid;
		while (start > lo && v->m[start - 1] != '\n')
			start--;
		size_t at = start;
		const char *line, *lp;
		size_t len, lplen;
		uint8_t sha[32];
		if (!next_line(v, &at, &line, &len) ||
		    sz_manifest_line(line, len, sha, &lp, &lplen, NULL) != 0)
			return false;
		int c = path_cmp(path, plen, lp, lplen);
		if (c == 0)
			return true;
		if (c < 0)
			hi = start;
		else
			lo = at;
	}
	return false;
}

/* What is in a folder of the copy but not listed; symlinks anywhere. */
static void walk(struct verify *v, int dfd, char *path, size_t len,
	int depth)
{
	DIR *d = fdopendir(dfd);
	if (d == NULL) {
		close(dfd);
		flag(v, SZ_VERIFY_UNREADABLE, len ? path : ".", "cannot list it");
		return;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		const char *name = e->d_name;
		size_t n = strlen(name);
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
		    (len == 0 && (strcmp(name, SZ_MANIFEST_FILE) == 0 ||
		     strcmp(name, SZ_MANIFEST_SIG_FILE) == 0)))
			continue;
		if (len + n + 2 > SZ_MANIFEST_PATH_MAX + 64) {
			flag(v, SZ_VERIFY_EXTRA, name, "a path too long to be listed");
			continue;
		}
		size_t at = len;
		if (len)
			path[at++] = '/';
		memcpy(path + at, name, n + 1);
		struct stat st;
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			flag(v, SZ_VERIFY_UNREADABLE, path, strerror(errno));
		else if (S_ISLNK(st.st_mode))
			flag(v, SZ_VERIFY_UNSAFE, path, "a symbolic link: a copy must "
				"hold the files themselves");
		else if (S_ISDIR(st.st_mode) && depth < WALK_DEPTH_MAX) {
			int sub = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY |
				O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				walk(v, sub, path, at + n, depth + 1);
			else
				flag(v, SZ_VERIFY_UNREADABLE, path, strerror(errno));
		} else if (S_ISDIR(st.st_mode) || !S_ISREG(st.st_mode) ||
		    !listed(v, path, at + n))
			flag(v, SZ_VERIFY_EXTRA, path, "not in the MANIFEST");
		path[len] = 0;
	}
	closedir(d);
}

enum sz_verify_verdict sz_mirror_verify(const struct sz_verify_opts *o,
	struct sz_verify_result *r)
{
	struct verify v;
	struct sz_err why;
	memset(&v, 0, sizeof(v));
	memset(r, 0, sizeof(*r));
	v.o = o;
	v.r = r;
	v.dir = -1;
	v.mfd = -1;
	r->verdict = SZ_VERIFY_OK;
	v.buf = malloc(CHUNK);
	if (v.buf == NULL) {
		flag(&v, SZ_VERIFY_UNREADABLE, NULL, "out of memory");
		return r->verdict;
	}
	if (sz_fetch_is_url(o->target)) {
		if (sz_fetch_open(&v.fetch, &o->fetch, o->target, &why) != 0)
			flag(&v, SZ_VERIFY_UNREADABLE, NULL, why.msg);
	} else if ((v.dir = open(o->target, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) < 0) {
		flag(&v, SZ_VERIFY_UNREADABLE, o->target, strerror(errno));
	}
	if ((v.fetch != NULL || v.dir >= 0) && check_signature(&v)) {
		char b64[SZ_MINISIGN_PUB_BASE64];
		sz_minisign_pub_base64(o->key, b64);
		check_claim(&v, b64);
		if (check_lines(&v)) {
			check_files(&v);
			if (v.dir >= 0 && !v.stop) {
				char path[SZ_MANIFEST_PATH_MAX + 64 + 1] = "";
				int dfd = dup(v.dir);
				if (dfd >= 0)
					walk(&v, dfd, path, 0, 0);
			}
		}
	}
	if (v.m != NULL)
		munmap((void *)v.m, v.mlen);
	if (v.mfd >= 0)
		close(v.mfd);
	if (v.dir >= 0)
		close(v.dir);
	sz_fetch_close(v.fetch);
	free(v.buf);
	return r->verdict;
}
