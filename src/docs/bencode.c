/*
 * bencode.c - .torrent files (BitTorrent's bencoding, BEP 3) without
 * what the tool that made them adds about their maker: `created by`,
 * `creation date`, `comment`, `nodes` (DHT contacts, often the maker's
 * own address), `publisher` and every other top-level key outside those
 * a client needs: announce, announce-list, info, url-list, httpseeds and
 * piece layers (BEP 52).  The info dictionary is copied byte for byte,
 * so the infohash, and with it the swarm, stay the same.
 *
 * The parser is strict and small: canonical integers and lengths, keys
 * of every dictionary in strictly increasing order, nesting at most
 * BENCODE_MAX_DEPTH, the whole file (at most SZ_DOC_MAX_TORRENT) in
 * memory.
 *
 * Not here: anything inside the info dictionary (changing it would make
 * a different torrent), checking pieces against files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "docs/internal.h"

#define BENCODE_MAX_DEPTH 64u

static const char *const kept_keys[] = {
	"announce", "announce-list", "info", "url-list", "httpseeds",
	"piece layers",
};

struct benc {
	const uint8_t *p;
	size_t len, pos;
	const char *why;
};

static int fail(struct benc *b, const char *why)
{
	if (b->why == NULL)
		b->why = why;
	return -1;
}

/* Digits at pos, canonical (no leading zero unless alone), at most max
 * of them; the value in *v. */
static int digits(struct benc *b, unsigned max, uint64_t *v)
{
	size_t start = b->pos;
	*v = 0;
	while (b->pos < b->len && b->p[b->pos] >= '0' && b->p[b->pos] <= '9') {
		if (b->pos - start >= max)
			return fail(b, "a number too long");
		*v = *v * 10 + (uint64_t)(b->p[b->pos] - '0');
		b->pos++;
	}
	if (b->pos == start)
		return fail(b, "a number without digits");
	if (b->p[start] == '0' && b->pos - start > 1)
		return fail(b, "a number with a leading zero");
	return 0;
}

/* A string: *s and *n its bytes. */
static int string(struct benc *b, const uint8_t **s, size_t *n)
{
	uint64_t len;
	if (digits(b, 10, &len) != 0)
		return -1;
	if (b->pos >= b->len || b->p[b->pos] != ':')
		return fail(b, "a string length without ':'");
	b->pos++;
	if (len > b->len - b->pos)
		return fail(b, "a string runs past the end of the file");
	*s = b->p + b->pos;
	*n = (size_t)len;
	b->pos += (size_t)len;
	return 0;
}

static int value(struct benc *b, unsigned depth)
{
	if (depth > BENCODE_MAX_DEPTH)
		return fail(b, "nested too deep");
	if (b->pos >= b->len)
		return fail(b, "it ends in the middle of a value");
	uint8_t c = b->p[b->pos];
	if (c >= '0' && c <= '9') {
		const uint8_t *s;
		size_t n;
		return string(b, &s, &n);
	}
	b->pos++;
	if (c == 'i') {
		bool neg = b->pos < b->len && b->p[b->pos] == '-';
		uint64_t v;
		b->pos += neg;
		if (digits(b, 19, &v) != 0)
			return -1;
		if (neg && v == 0)
			return fail(b, "a negative zero");
		if (b->pos >= b->len || b->p[b->pos] != 'e')
			return fail(b, "an integer without 'e'");
		b->pos++;
		return 0;
	}
	if (c == 'l') {
		while (b->pos < b->len && b->p[b->pos] != 'e')
			if (value(b, depth + 1) != 0)
				return -1;
	} else if (c == 'd') {
		const uint8_t *prev = NULL;
		size_t prev_n = 0;
		while (b->pos < b->len && b->p[b->pos] != 'e') {
			const uint8_t *k;
			size_t n;
			if (b->p[b->pos] < '0' || b->p[b->pos] > '9')
				return fail(b, "a dictionary key that is not a string");
			if (string(b, &k, &n) != 0)
				return -1;
			if (prev != NULL) {
				int cmp = memcmp(prev, k, prev_n < n ? prev_n : n);
				if (cmp > 0 || (cmp == 0 && prev_n >= n))
					return fail(b, "dictionary keys out of order or "
						"repeated");
			}
			prev = k;
			prev_n = n;
			if (value(b, depth + 1) != 0)
				return -1;
		}
	} else {
		return fail(b, "a byte that starts no value");
	}
	if (b->pos >= b->len)
		return fail(b, "a list or dictionary is not closed");
	b->pos++;
	return 0;
}

static bool kept(const uint8_t *k, size_t n)
{
	for (size_t i = 0; i < sizeof(kept_keys) / sizeof(kept_keys[0]); i++)
		if (strlen(kept_keys[i]) == n && memcmp(k, kept_keys[i], n) == 0)
			return true;
	return false;
}

static void report_key(struct sz_doc_report *r, const uint8_t *k, size_t kn,
	const uint8_t *v, size_t vn)
{
	char name[64];
	snprintf(name, sizeof(name), "%.*s", (int)(kn < 60 ? kn : 60),
		(const char *)k);
	if (v[0] >= '0' && v[0] <= '9') {
		const uint8_t *colon = memchr(v, ':', vn);
		sz_doc_report_add(r, "Torrent", name, (const char *)colon + 1,
			vn - (size_t)(colon + 1 - v));
	} else if (v[0] == 'i') {
		long long t = strtoll((const char *)v + 1, NULL, 10);
		time_t tt = (time_t)t;
		struct tm tm;
		char when[64];
		if (strcmp(name, "creation date") == 0 && gmtime_r(&tt, &tm) &&
		    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm) > 0)
			sz_doc_report_add(r, "Torrent", name, when, strlen(when));
		else
			sz_doc_report_addf(r, "Torrent", name, "%lld", t);
	} else {
		sz_doc_report_addf(r, "Torrent", name, "%zu bytes", vn);
	}
}

int doc_torrent(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	uint8_t *p = NULL;
	size_t len = 0;
	struct wr out = { .fd = -1 };
	int rc = doc_slurp(fd, SZ_DOC_MAX_TORRENT, "the torrent", &p, &len, err);
	if (rc != 0)
		return rc;
	struct benc b = { p, len, 0, NULL };
	if (len == 0 || p[0] != 'd' || value(&b, 0) != 0) {
		rc = sz_err_set(err, SZ_E_INVAL, "not a torrent file (%s at byte "
			"%zu)", b.why ? b.why : "it is not a dictionary", b.pos);
		goto out;
	}
	if (b.pos < len)
		report_bytes(r, fd, "Torrent", "data after the end", b.pos,
			len - b.pos);
	if ((rc = wr_open(&out, out_path, err)) != 0 ||
	    (rc = wr_put(&out, "d", 1, err)) != 0)
		goto out;
	/* The top level again, key by key: a value's extent is found by
	 * parsing it (it parsed once already). */
	bool info = false;
	b.pos = 1;
	while (p[b.pos] != 'e') {
		size_t key_at = b.pos;
		const uint8_t *k;
		size_t kn;
		string(&b, &k, &kn);
		size_t val_at = b.pos;
		value(&b, 1);
		if (kn == 4 && memcmp(k, "info", 4) == 0) {
			if (p[val_at] != 'd') {
				rc = sz_err_set(err, SZ_E_INVAL, "not a torrent file (its "
					"info is not a dictionary)");
				goto out;
			}
			info = true;
		}
		if (kept(k, kn))
			rc = wr_put(&out, p + key_at, b.pos - key_at, err);
		else
			report_key(r, k, kn, p + val_at, b.pos - val_at);
		if (rc != 0)
			goto out;
	}
	if (!info) {
		rc = sz_err_set(err, SZ_E_INVAL, "not a torrent file (it has no "
			"info dictionary)");
		goto out;
	}
	rc = wr_put(&out, "e", 1, err);
out:
	free(p);
	return doc_verify(doc_finish(NULL, &out, rc, err), doc_torrent, out_path, err);
}
