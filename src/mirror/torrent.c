/*
 * torrent.c - an export as a BitTorrent v1 torrent (torrent.h).
 *
 * Two passes over the export's files, in the MANIFEST's order with the
 * MANIFEST and its signature in their sorted places: the first writes
 * the file list (names and sizes), the second hashes the pieces (SHA-1,
 * from nettle: BitTorrent v1 names it, libsodium has none) while
 * checking each file's SHA-256 against the MANIFEST.  The info
 * dictionary's SHA-1, the info hash, is taken from the bytes as they
 * are written.
 */
#include "mirror/torrent.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <nettle/sha1.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/io.h"
#include "mirror/bencode.h"
#include "mirror/fetch.h"
#include "mirror/manifest.h"
#include "mirror/verify.h"

#define CHUNK (256u << 10)

struct torrent {
	const struct sz_torrent_opts *o;
	struct sz_torrent_result *r;
	struct sz_err *err;
	int dir;
	const char *m;                /* the MANIFEST, mapped */
	size_t mlen;
	int mfd;
	struct sz_writer w;
	struct sha1_ctx info;         /* the info hash, while in_info */
	bool in_info;
	struct sha1_ctx piece;
	uint64_t piece_left;          /* bytes until the piece is whole */
	uint8_t *buf;
};

/* The entries, in order: MANIFEST lines with the two top-level files
 * merged in where they sort. */
struct entries {
	size_t at;                    /* in the MANIFEST */
	bool manifest, sig;           /* emitted already */
};

struct entry {
	const char *path;
	size_t len;
	bool listed;                  /* a MANIFEST line: sha256 is known */
	uint8_t sha256[32];
};

static int cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	return c ? c : (alen > blen) - (alen < blen);
}

static bool next_entry(const struct torrent *t, struct entries *it,
	struct entry *e)
{
	struct entry line = { 0 };
	bool have_line = false;
	size_t at = it->at;
	while (at < t->mlen && !have_line) {
		const char *p = t->m + at;
		const char *nl = memchr(p, '\n', t->mlen - at);
		size_t len = nl ? (size_t)(nl - p) : t->mlen - at;
		at += len + (nl ? 1 : 0);
		have_line = sz_manifest_line(p, len, line.sha256, &line.path,
			&line.len, NULL) == 0;
		line.listed = true;
	}
	static const char mname[] = SZ_MANIFEST_FILE, sname[] =
		SZ_MANIFEST_SIG_FILE;
	const char *extra = !it->manifest ? mname : !it->sig ? sname : NULL;
	if (extra != NULL && (!have_line || cmp(extra, strlen(extra), line.path,
	    line.len) < 0)) {
		memset(e, 0, sizeof(*e));
		e->path = extra;
		e->len = strlen(extra);
		if (extra == mname)
			it->manifest = true;
		else
			it->sig = true;
		return true;
	}
	if (!have_line)
		return false;
	it->at = at;
	*e = line;
	return true;
}

static int sink(void *ctx, const uint8_t *data, size_t len)
{
	struct torrent *t = ctx;
	if (t->in_info)
		sha1_update(&t->info, len, data);
	return sz_writer_write(&t->w, data, len);
}

static int open_entry(struct torrent *t, const struct entry *e,
	uint64_t *size)
{
	struct stat st;
	int fd = sz_verify_open(t->dir, e->path, e->len);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int saved = errno;
		if (fd >= 0)
			close(fd);
		return sz_err_set(t->err, SZ_E_IO, "%.*s: %s", (int)e->len, e->path,
			fd < 0 && saved == ELOOP ? "a symbolic link: an export holds "
			"files" : fd < 0 ? strerror(saved) : "not a regular file");
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

/* The file list: names split at "/", sizes; sums the total. */
static int write_files(struct torrent *t, struct sz_bencode *b)
{
	struct entries it = { 0 };
	struct entry e;
	int rc = 0;
	sz_bencode_list(b);
	while (rc == 0 && next_entry(t, &it, &e)) {
		uint64_t size;
		int fd = open_entry(t, &e, &size);
		if (fd < 0)
			return fd;
		close(fd);
		sz_bencode_dict(b);
		sz_bencode_key(b, "length");
		sz_bencode_int(b, (int64_t)size);
		sz_bencode_key(b, "path");
		sz_bencode_list(b);
		for (size_t at = 0; at < e.len;) {
			const char *slash = memchr(e.path + at, '/', e.len - at);
			size_t n = slash ? (size_t)(slash - e.path - at) : e.len - at;
			sz_bencode_str(b, e.path + at, n);
			at += n + 1;
		}
		sz_bencode_end(b);
		sz_bencode_end(b);
		t->r->files++;
		t->r->bytes += size;
		rc = b->err;
	}
	sz_bencode_end(b);
	return rc;
}

/* Feeds file bytes into the pieces, writing each finished piece's
 * SHA-1. */
static void piece_bytes(struct torrent *t, struct sz_bencode *b,
	const uint8_t *data, size_t len)
{
	while (len > 0) {
		size_t n = len < t->piece_left ? len : (size_t)t->piece_left;
		sha1_update(&t->piece, n, data);
		data += n;
		len -= n;
		t->piece_left -= n;
		if (t->piece_left == 0) {
			uint8_t d[SHA1_DIGEST_SIZE];
			sha1_digest(&t->piece, sizeof(d), d);
			sz_bencode_raw(b, d, sizeof(d));
			t->piece_left = t->r->piece_length;
		}
	}
}

static int write_pieces(struct torrent *t, struct sz_bencode *b)
{
	struct entries it = { 0 };
	struct entry e;
	uint64_t pieces = (t->r->bytes + t->r->piece_length - 1) /
		t->r->piece_length;
	t->r->pieces = pieces;
	sz_bencode_str_head(b, pieces * SHA1_DIGEST_SIZE);
	sha1_init(&t->piece);
	t->piece_left = t->r->piece_length;
	int rc = 0;
	while (rc == 0 && next_entry(t, &it, &e)) {
		uint64_t size, got = 0;
		crypto_hash_sha256_state h;
		uint8_t sha[32];
		int fd = open_entry(t, &e, &size);
		if (fd < 0)
			return fd;
		crypto_hash_sha256_init(&h);
		ssize_t n;
		while ((n = sz_read_full(fd, t->buf, CHUNK)) > 0 && got + (uint64_t)n
		    <= size) {
			crypto_hash_sha256_update(&h, t->buf, (size_t)n);
			piece_bytes(t, b, t->buf, (size_t)n);
			got += (uint64_t)n;
		}
		close(fd);
		crypto_hash_sha256_final(&h, sha);
		if (n != 0 || got != size)
			rc = sz_err_set(t->err, SZ_E_IO, "%.*s changed while the "
				"torrent was made: export again, then make the torrent",
				(int)e.len, e.path);
		else if (e.listed && sodium_memcmp(sha, e.sha256, 32) != 0)
			rc = sz_err_set(t->err, SZ_E_CRYPTO, "%.*s is not the file "
				"the MANIFEST lists (its SHA-256 differs): a torrent "
				"carries only what the signature vouches for", (int)e.len,
				e.path);
		if (rc == 0)
			rc = b->err;
	}
	/* The last piece may be short. */
	if (rc == 0 && t->piece_left != t->r->piece_length) {
		uint8_t d[SHA1_DIGEST_SIZE];
		sha1_digest(&t->piece, sizeof(d), d);
		sz_bencode_raw(b, d, sizeof(d));
	}
	return rc;
}

/* A web seed is the export's URL on a mirror, ".../NAME/"; BEP 19 wants
 * the folder above it (the client adds NAME/path). */
static int seed_base(const char *url, const char *name, char *out,
	size_t cap)
{
	size_t n = strlen(url), k = strlen(name);
	while (n > 0 && url[n - 1] == '/')
		n--;
	if (!sz_fetch_is_url(url) || n <= k || n - k >= cap ||
	    memcmp(url + n - k, name, k) != 0 || url[n - k - 1] != '/')
		return SZ_E_INVAL;
	memcpy(out, url, n - k);
	out[n - k] = 0;
	return 0;
}

static uint64_t piece_length(uint64_t total)
{
	uint64_t p = SZ_TORRENT_PIECE_MIN;
	while (p < SZ_TORRENT_PIECE_MAX && total / p > SZ_TORRENT_PIECES_TARGET)
		p *= 2;
	return p;
}

/* Copies MANIFEST into an anonymous file and maps it. */
static int map_manifest(struct torrent *t)
{
	uint64_t size;
	struct entry e = { .path = SZ_MANIFEST_FILE,
		.len = strlen(SZ_MANIFEST_FILE) };
	int fd = open_entry(t, &e, &size);
	if (fd < 0)
		return fd;
	int rc = 0;
	if (size > SZ_VERIFY_MANIFEST_MAX)
		rc = sz_err_set(t->err, SZ_E_LIMIT, "the MANIFEST is larger than "
			"%llu bytes", (unsigned long long)SZ_VERIFY_MANIFEST_MAX);
	if (rc == 0 && (t->mfd = memfd_create("samizdat-manifest",
	    MFD_CLOEXEC)) < 0)
		rc = sz_err_set(t->err, SZ_E_IO, "cannot copy the MANIFEST: %s",
			strerror(errno));
	uint64_t got = 0;
	ssize_t n = 0;
	while (rc == 0 && (n = sz_read_full(fd, t->buf, CHUNK)) > 0) {
		got += (uint64_t)n;
		if (got > size || sz_write_all(t->mfd, t->buf, (size_t)n) != 0)
			rc = sz_err_set(t->err, SZ_E_IO, "cannot copy the MANIFEST");
	}
	close(fd);
	if (rc == 0 && n < 0)
		rc = sz_err_set(t->err, SZ_E_IO, "cannot read the MANIFEST");
	t->mlen = (size_t)got;
	if (rc == 0 && t->mlen > 0) {
		void *m = mmap(NULL, t->mlen, PROT_READ, MAP_SHARED, t->mfd, 0);
		if (m == MAP_FAILED)
			rc = sz_err_set(t->err, SZ_E_IO, "cannot map the MANIFEST");
		else
			t->m = m;
	}
	return rc;
}

static int write_torrent(struct torrent *t, struct sz_bencode *b)
{
	const struct sz_torrent_opts *o = t->o;
	sz_bencode_dict(b);
	if (o->ntrackers > 0) {
		sz_bencode_key(b, "announce");
		sz_bencode_cstr(b, o->trackers[0]);
		sz_bencode_key(b, "announce-list");
		sz_bencode_list(b);
		for (size_t i = 0; i < o->ntrackers; i++) {
			sz_bencode_list(b);
			sz_bencode_cstr(b, o->trackers[i]);
			sz_bencode_end(b);
		}
		sz_bencode_end(b);
	}
	sz_bencode_key(b, "info");
	t->in_info = true;
	sha1_init(&t->info);
	sz_bencode_dict(b);
	sz_bencode_key(b, "files");
	int rc = write_files(t, b);
	if (rc != 0)
		return rc;
	t->r->piece_length = piece_length(t->r->bytes);
	sz_bencode_key(b, "name");
	sz_bencode_cstr(b, t->r->name);
	sz_bencode_key(b, "piece length");
	sz_bencode_int(b, (int64_t)t->r->piece_length);
	sz_bencode_key(b, "pieces");
	rc = write_pieces(t, b);
	if (rc != 0)
		return rc;
	sz_bencode_end(b);
	t->in_info = false;
	sha1_digest(&t->info, sizeof(t->r->infohash), t->r->infohash);
	if (o->nseeds > 0) {
		sz_bencode_key(b, "url-list");
		sz_bencode_list(b);
		for (size_t i = 0; i < o->nseeds; i++) {
			char base[SZ_FETCH_URL_MAX];
			seed_base(o->seeds[i], t->r->name, base, sizeof(base));
			sz_bencode_cstr(b, base);
		}
		sz_bencode_end(b);
	}
	sz_bencode_end(b);
	return sz_bencode_done(b);
}

int sz_mirror_torrent(const struct sz_torrent_opts *o,
	struct sz_torrent_result *r, struct sz_err *err)
{
	struct torrent t;
	struct sz_outfile f;
	struct sz_bencode b;
	char abs[PATH_MAX];
	int rc = 0;
	memset(&t, 0, sizeof(t));
	memset(r, 0, sizeof(*r));
	t.o = o;
	t.r = r;
	t.err = err;
	t.mfd = -1;
	t.dir = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t.dir < 0 || realpath(o->dir, abs) == NULL)
		return sz_err_set(err, SZ_E_IO, "cannot open %s: %s", o->dir,
			strerror(errno));
	const char *base = strrchr(abs, '/');
	snprintf(r->name, sizeof(r->name), "%s", o->name ? o->name :
		base && base[1] ? base + 1 : "samizdat-archive");
	if (strchr(r->name, '/') || !sz_manifest_path_ok(r->name,
	    strlen(r->name)))
		rc = sz_err_set(err, SZ_E_INVAL, "\"%s\" cannot name the torrent's "
			"folder: letters, digits and -_.@%%+=,~ only", r->name);
	if (o->nseeds > SZ_TORRENT_SEEDS_MAX)
		rc = sz_err_set(err, SZ_E_LIMIT, "at most %d web seeds",
			SZ_TORRENT_SEEDS_MAX);
	for (size_t i = 0; rc == 0 && i < o->nseeds; i++) {
		char seed[SZ_FETCH_URL_MAX];
		if (seed_base(o->seeds[i], r->name, seed, sizeof(seed)) != 0)
			rc = sz_err_set(err, SZ_E_INVAL, "the web seed %s must be an "
				"http(s) URL of the export's folder, ending in /%s/ (a "
				"client adds the torrent's name and each path)",
				o->seeds[i], r->name);
	}
	if (rc == 0 && (t.buf = malloc(CHUNK)) == NULL)
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
	if (rc == 0)
		rc = map_manifest(&t);
	if (rc == 0)
		rc = sz_outfile_open(&f, o->out, 0644, 1, err);
	if (rc == 0) {
		sz_writer_init(&t.w, f.fd);
		sz_bencode_init(&b, sink, &t);
		rc = write_torrent(&t, &b);
		if (rc == 0 && sz_writer_flush(&t.w) != 0)
			rc = sz_err_set(err, SZ_E_IO, "cannot write %s: %s", o->out,
				strerror(errno));
		sz_writer_free(&t.w);
		if (rc != 0 && err->msg[0] == 0)
			sz_err_set(err, rc, "cannot write %s", o->out);
		if (rc == 0)
			rc = sz_outfile_commit(&f, err);
		else
			sz_outfile_abort(&f);
	}
	if (t.m != NULL)
		munmap((void *)t.m, t.mlen);
	if (t.mfd >= 0)
		close(t.mfd);
	close(t.dir);
	free(t.buf);
	return rc;
}

/* Appends s percent-encoded for a query value. */
static bool query_value(const char *s, char *out, size_t cap, size_t *k)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(c >= '0' && c <= '9') || strchr("-._~", c);
		if (*k + 4 >= cap)
			return false;
		if (plain) {
			out[(*k)++] = (char)c;
		} else {
			out[(*k)++] = '%';
			out[(*k)++] = hex[c >> 4];
			out[(*k)++] = hex[c & 15];
		}
	}
	out[*k] = 0;
	return true;
}

int sz_torrent_magnet(const struct sz_torrent_opts *o,
	const struct sz_torrent_result *r, char *out, size_t cap)
{
	char hex[41];
	sodium_bin2hex(hex, sizeof(hex), r->infohash, sizeof(r->infohash));
	int n = snprintf(out, cap, "magnet:?xt=urn:btih:%s&dn=", hex);
	if (n < 0 || (size_t)n >= cap)
		return SZ_E_LIMIT;
	size_t k = (size_t)n;
	bool ok = query_value(r->name, out, cap, &k);
	for (size_t i = 0; ok && i < o->ntrackers; i++)
		ok = k + 4 < cap && memcpy(out + k, "&tr=", 4) && (k += 4) &&
			query_value(o->trackers[i], out, cap, &k);
	for (size_t i = 0; ok && i < o->nseeds; i++)
		ok = k + 4 < cap && memcpy(out + k, "&ws=", 4) && (k += 4) &&
			query_value(o->seeds[i], out, cap, &k);
	return ok ? 0 : SZ_E_LIMIT;
}
