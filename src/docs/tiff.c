/*
 * tiff.c - TIFF keeping only the tags that describe the image (a
 * whitelist: size, layout, compression, colour), in every directory of
 * the chain.  Removed tags go from the directory, and the bytes they
 * pointed to (strings, EXIF and GPS directories, XMP, IPTC) are zeroed, so
 * no value survives unreferenced in the file.  Offsets never move: the
 * image data stays exactly where and what it was.  BigTIFF is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <libexif/exif-tag.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docs/internal.h"

static const uint16_t keep_tags[] = {
	254, 255, 256, 257, 258, 259, 262, 263, 266, 273, 274, 277, 278, 279,
	280, 281, 282, 283, 284, 290, 291, 296, 297, 301, 317, 318, 319, 320,
	321, 322, 323, 324, 325, 332, 334, 336, 338, 339, 340, 341, 342, 347,
	512, 513, 514, 515, 517, 518, 519, 520, 521, 529, 530, 531, 532,
	34675, /* ICC profile */
};

struct tiff {
	int in, out;          /* out < 0: inspect only */
	bool le;
	uint64_t size;
	uint32_t seen[SZ_DOC_MAX_IFDS];
	unsigned nseen;
	struct sz_doc_report *r;
	struct sz_err *err;
	bool gps;             /* inside the GPS directory (for tag names) */
};

static uint16_t u16(const struct tiff *t, const uint8_t *p)
{
	return t->le ? le16(p) : be16(p);
}

static uint32_t u32(const struct tiff *t, const uint8_t *p)
{
	return t->le ? le32(p) : be32(p);
}

static int get(struct tiff *t, uint64_t off, void *p, size_t n)
{
	if (off > t->size || n > t->size - off ||
	    pread(t->in, p, n, (off_t)off) != (ssize_t)n)
		return sz_err_set(t->err, SZ_E_INVAL,
			"the TIFF is corrupt (an offset past its end)");
	return 0;
}

static int zero(struct tiff *t, uint64_t off, uint64_t n)
{
	static const uint8_t z[4096];
	if (t->out < 0)
		return 0;
	while (n > 0) {
		size_t k = n < sizeof(z) ? (size_t)n : sizeof(z);
		if (pwrite(t->out, z, k, (off_t)off) != (ssize_t)k)
			return sz_err_set(t->err, SZ_E_IO,
				"cannot write the output: %s", strerror(errno));
		off += k;
		n -= k;
	}
	return 0;
}

static unsigned type_size(unsigned type)
{
	static const unsigned sizes[] = { 0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8,
		4 };
	return type < sizeof(sizes) / sizeof(sizes[0]) ? sizes[type] : 0;
}

static bool kept(uint16_t tag)
{
	for (size_t i = 0; i < sizeof(keep_tags) / sizeof(keep_tags[0]); i++)
		if (keep_tags[i] == tag)
			return true;
	return false;
}

static bool seen_before(struct tiff *t, uint32_t off)
{
	for (unsigned i = 0; i < t->nseen; i++)
		if (t->seen[i] == off)
			return true;
	if (t->nseen < SZ_DOC_MAX_IFDS)
		t->seen[t->nseen++] = off;
	return false;
}

static int ifd(struct tiff *t, uint32_t off, bool main, int depth,
	uint32_t *next);

/* Reports one removed entry and zeroes what it points to. */
static int drop_entry(struct tiff *t, const uint8_t *e, const char *kind,
	int depth)
{
	uint16_t tag = u16(t, e), type = u16(t, e + 2);
	uint32_t count = u32(t, e + 4), voff = u32(t, e + 8);
	uint64_t bytes = (uint64_t)type_size(type) * count;
	const char *name = exif_tag_get_name_in_ifd(tag, depth == 0 ?
		EXIF_IFD_0 : t->gps ? EXIF_IFD_GPS : EXIF_IFD_EXIF);
	char fb[24];
	if (name == NULL) {
		snprintf(fb, sizeof(fb), "tag %u", tag);
		name = fb;
	}
	bool pointer = tag == 34665 || tag == 34853 || tag == 40965 || tag == 330;
	if (pointer && (type == 4 || type == 13) && count >= 1) {
		/* A sub-directory: EXIF, GPS, interoperability, SubIFDs. */
		uint32_t first = count == 1 ? voff : 0, sub = 0;
		if (count == 1 || (count > 1 && get(t, voff, &sub, 0) == 0)) {
			for (uint32_t i = 0; i < count && i < 64; i++) {
				uint32_t at = first;
				if (count > 1) {
					uint8_t b[4];
					if (get(t, (uint64_t)voff + 4 * i, b, 4) != 0)
						return SZ_E_INVAL;
					at = u32(t, b);
				}
				uint32_t nx;
				bool outer = t->gps;
				t->gps = tag == 34853;
				int rc = ifd(t, at, false, depth + 1, &nx);
				t->gps = outer;
				if (rc != 0)
					return rc;
			}
		}
	} else if (bytes > 4 && bytes <= SZ_DOC_MAX_SEGMENT &&
		   (type == 2 || type == 7 || type == 1 || tag == 700)) {
		uint8_t *p = malloc((size_t)bytes);
		if (p == NULL)
			return sz_err_set(t->err, SZ_E_NOMEM, "out of memory");
		int rc = get(t, voff, p, (size_t)bytes);
		if (rc == 0 && tag == 700)
			report_xmp(t->r, "XMP", p, (size_t)bytes);
		else if (rc == 0 && type == 2)
			sz_doc_report_add(t->r, kind, name, (const char *)p,
				(size_t)bytes);
		else if (rc == 0)
			sz_doc_report_addf(t->r, kind, name, "%llu bytes",
				(unsigned long long)bytes);
		free(p);
		if (rc != 0)
			return rc;
	} else if (bytes <= 4 && type == 2) {
		sz_doc_report_add(t->r, kind, name, (const char *)e + 8,
			(size_t)bytes);
	} else {
		sz_doc_report_addf(t->r, kind, name, "%llu bytes",
			(unsigned long long)bytes);
	}
	if (bytes > 4) {
		if ((uint64_t)voff + bytes > t->size)
			return sz_err_set(t->err, SZ_E_INVAL,
				"the TIFF is corrupt (a value past its end)");
		return zero(t, voff, bytes);
	}
	return 0;
}

/* Value i of an entry's SHORT or LONG array. */
static int value_at(struct tiff *t, const uint8_t *e, uint32_t i,
	uint32_t *v)
{
	unsigned type = u16(t, e + 2), sz = type == 3 ? 2 : type == 4 ? 4 : 0;
	uint32_t count = u32(t, e + 4);
	uint8_t b[4];
	if (sz == 0 || i >= count)
		return sz_err_set(t->err, SZ_E_INVAL,
			"the TIFF is corrupt (bad strip or tile table)");
	if ((uint64_t)count * sz <= 4)
		memcpy(b, e + 8 + i * sz, sz);
	else if (get(t, (uint64_t)u32(t, e + 8) + (uint64_t)i * sz, b, sz) != 0)
		return SZ_E_INVAL;
	*v = sz == 2 ? u16(t, b) : u32(t, b);
	return 0;
}

/* The image data a directory points to must lie inside the file: a cut
 * file is refused rather than copied with its pixels missing. */
static int check_data(struct tiff *t, const uint8_t *e, size_t n)
{
	const uint8_t *offs = NULL, *counts = NULL;
	for (size_t i = 0; i < n; i++) {
		uint16_t tag = u16(t, e + 12 * i);
		if (tag == 273 || tag == 324)
			offs = e + 12 * i;
		if (tag == 279 || tag == 325)
			counts = e + 12 * i;
	}
	if (offs == NULL && counts == NULL)
		return 0;
	if (offs == NULL || counts == NULL ||
	    u32(t, offs + 4) != u32(t, counts + 4) || u32(t, offs + 4) > 1000000)
		return sz_err_set(t->err, SZ_E_INVAL,
			"the TIFF is corrupt (its strip tables do not match)");
	for (uint32_t i = 0; i < u32(t, offs + 4); i++) {
		uint32_t o, c;
		if (value_at(t, offs, i, &o) != 0 || value_at(t, counts, i, &c) != 0)
			return SZ_E_INVAL;
		if ((uint64_t)o + c > t->size)
			return sz_err_set(t->err, SZ_E_INVAL,
				"the TIFF is truncated (image data past its end)");
	}
	return 0;
}

/* One directory: main directories keep their whitelisted tags; sub
 * directories (EXIF, GPS) go whole. */
static int ifd(struct tiff *t, uint32_t off, bool main, int depth,
	uint32_t *next)
{
	*next = 0;
	if (depth > 8)
		return sz_err_set(t->err, SZ_E_INVAL,
			"the TIFF is corrupt (directories nested too deep)");
	if (off == 0 || seen_before(t, off))
		return 0;
	if (t->nseen >= SZ_DOC_MAX_IFDS)
		return sz_err_set(t->err, SZ_E_LIMIT,
			"the TIFF has more than %u directories", SZ_DOC_MAX_IFDS);
	uint8_t c[2];
	int rc = get(t, off, c, 2);
	if (rc != 0)
		return rc;
	size_t n = u16(t, c), tbl = 12 * n;
	uint8_t *e = malloc(tbl + 4), *keep = malloc(tbl + 4);
	if (e == NULL || keep == NULL) {
		free(e);
		free(keep);
		return sz_err_set(t->err, SZ_E_NOMEM, "out of memory");
	}
	if ((rc = get(t, (uint64_t)off + 2, e, tbl + 4)) != 0)
		goto out;
	*next = u32(t, e + tbl);
	if (main && (rc = check_data(t, e, n)) != 0)
		goto out;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *ent = e + 12 * i;
		if (main && kept(u16(t, ent))) {
			memcpy(keep + 12 * k++, ent, 12);
			continue;
		}
		if ((rc = drop_entry(t, ent, main ? "TIFF" : "EXIF", depth)) != 0)
			goto out;
	}
	if (k < n) {
		/* Rewrite the directory in place: the kept entries, the next
		 * offset right after them, zeros where the rest were. */
		uint8_t cnt[2] = { (uint8_t)(t->le ? k : k >> 8),
			(uint8_t)(t->le ? k >> 8 : k) };
		memcpy(keep + 12 * k, e + tbl, 4);
		if (!main)
			memset(keep + 12 * k, 0, 4);
		if (t->out >= 0 &&
		    (pwrite(t->out, cnt, 2, off) != 2 ||
		     pwrite(t->out, keep, 12 * k + 4, (off_t)off + 2) !=
			     (ssize_t)(12 * k + 4))) {
			rc = sz_err_set(t->err, SZ_E_IO, "cannot write the output");
			goto out;
		}
		if (!main && (rc = zero(t, off, 2)) != 0)
			goto out;
		rc = zero(t, (uint64_t)off + 2 + 12 * k + 4, 12 * (n - k));
	}
out:
	free(e);
	free(keep);
	return rc;
}

static int walk_chain(struct tiff *t, uint32_t off)
{
	while (off != 0) {
		uint32_t next;
		int rc = ifd(t, off, true, 0, &next);
		if (rc != 0)
			return rc;
		off = next;
	}
	if (t->nseen == 0)
		return sz_err_set(t->err, SZ_E_INVAL,
			"the TIFF has no image directory");
	return 0;
}

/* Values and directories may overlap in a hostile file, so zeroing one
 * can damage another: the result is read again and must parse, with
 * nothing left to remove (scrubbing stays idempotent). */
static int verify(const struct tiff *t, int out, struct sz_err *err)
{
	struct tiff *v = calloc(1, sizeof(*v));
	struct sz_doc_report r;
	uint8_t h[8];
	int rc;
	if (v == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	sz_doc_report_init(&r);
	v->in = out;
	v->out = -1;
	v->le = t->le;
	v->size = t->size;
	v->r = &r;
	v->err = NULL;
	rc = pread(out, h, 8, 0) == 8 ? walk_chain(v, u32(v, h + 4)) : SZ_E_IO;
	if (rc != 0 || r.len > 0)
		rc = sz_err_set(err, SZ_E_INVAL,
			"the TIFF's directories and values overlap; it cannot be "
			"scrubbed safely");
	sz_doc_report_free(&r);
	free(v);
	return rc;
}

int doc_tiff(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	struct tiff *t = calloc(1, sizeof(*t));
	struct rd *in = rd_new(fd, err);
	struct wr out = { .fd = -1 };
	int rc;
	if (t == NULL || in == NULL) {
		rc = in ? sz_err_set(err, SZ_E_NOMEM, "out of memory") : SZ_E_IO;
		goto out;
	}
	t->in = fd;
	t->out = -1;
	t->size = in->size;
	t->r = r;
	t->err = err;
	uint8_t h[8];
	if (in->size < 8 || pread(fd, h, 8, 0) != 8 ||
	    !((memcmp(h, "II", 2) == 0 && le16(h + 2) == 42) ||
	      (memcmp(h, "MM", 2) == 0 && be16(h + 2) == 42))) {
		if (in->size >= 8 && (le16(h + 2) == 43 || be16(h + 2) == 43))
			rc = sz_err_set(err, SZ_E_UNSUPPORTED,
				"BigTIFF files are not supported");
		else
			rc = sz_err_set(err, SZ_E_INVAL, "not a TIFF file");
		goto out;
	}
	t->le = h[0] == 'I';
	if (out_path != NULL) {
		/* Copy everything, then patch the copy in place. */
		if ((rc = wr_open(&out, out_path, err)) != 0 ||
		    (rc = wr_copy(&out, in, in->size, err)) != 0 ||
		    (rc = sz_writer_flush(&out.w)) != 0)
			goto out;
		t->out = out.fd;
	}
	if ((rc = walk_chain(t, u32(t, h + 4))) != 0)
		goto out;
	if (out_path != NULL && (rc = verify(t, out.fd, err)) != 0)
		goto out;
	rc = wr_close(&out, err);
out:
	if (rc != 0)
		wr_close(&out, NULL);
	rd_free(in);
	free(t);
	return rc;
}
