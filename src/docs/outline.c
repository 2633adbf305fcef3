/*
 * outline.c - whether a video or audio container is whole: its outermost
 * structure (QuickTime/MP4 boxes, RIFF chunks of an AVI, ASF objects,
 * the Matroska segment) must lie within the file.  libavformat's
 * demuxers read what they can of a cut file and call the rest the end;
 * a scrubber must not publish half a video as if it were the video.
 *
 * Only the top level is walked (at most SZ_DOC_MAX_BOXES elements), so
 * this costs a few reads whatever the file's size; and an AVI's idx1
 * index is checked entry by entry against the chunks it points to.  Lengths a live
 * recorder leaves unknown (size 0 "to the end", Matroska's all-ones
 * size) are accepted.
 *
 * Not here: anything inside those elements (the demuxer reads them).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "docs/internal.h"

static int cut(struct sz_err *err, const char *what, uint64_t at)
{
	return sz_err_set(err, SZ_E_INVAL, "the %s is truncated (the element "
		"at byte %llu runs past the end of the file)", what,
		(unsigned long long)at);
}

static int quicktime(int fd, uint64_t size, const char *what,
	struct sz_err *err)
{
	uint64_t at = 0;
	for (unsigned n = 0; at < size && n < SZ_DOC_MAX_BOXES; n++) {
		uint8_t h[16];
		ssize_t got = pread(fd, h, sizeof(h), (off_t)at);
		struct bmff_box b;
		if (got >= 0 && got < 8 && size - at < 8)
			return 0;   /* a few bytes of padding at the end */
		if (got < 8 || bmff_box(h, (size_t)got, at, UINT64_MAX, &b) != 0)
			return cut(err, what, at);
		if (be32(h) == 0)
			return 0;   /* the last box, to the end */
		if (b.size > size - at)
			return cut(err, what, at);
		at += b.size;
	}
	return 0;
}

/* The idx1 index of an AVI's first RIFF: every entry must point at a
 * chunk with the id and size it claims.  A demuxer follows the index
 * blindly, so an index that lies would pass other bytes off as frames. */
static int avi_index(int fd, uint64_t end, struct sz_err *err)
{
	uint64_t movi = 0, idx = 0, idx_len = 0;
	for (uint64_t at = 12; at + 12 <= end;) {
		uint8_t h[12];
		if (pread(fd, h, 12, (off_t)at) != 12)
			return 0;
		uint64_t len = le32(h + 4);
		if (memcmp(h, "LIST", 4) == 0 && memcmp(h + 8, "movi", 4) == 0)
			movi = at + 8;
		if (memcmp(h, "idx1", 4) == 0) {
			idx = at + 8;
			idx_len = len;
		}
		at += 8 + len + (len & 1);
	}
	if (movi == 0 || idx == 0)
		return 0;
	/* Offsets count from the movi list's type, its header or the file,
	 * as producers differ: the first entry tells which. */
	const uint64_t bases[3] = { movi, movi - 8, 0 };
	int base = -1;
	for (uint64_t k = 0; k < idx_len / 16; k++) {
		uint8_t e[16];
		if (pread(fd, e, 16, (off_t)(idx + 16 * k)) != 16)
			return 0;
		if (memcmp(e, "rec ", 4) == 0 || memcmp(e, "LIST", 4) == 0)
			continue;
		bool ok = false;
		for (int b = base < 0 ? 0 : base; b < 3 && !ok; b++) {
			uint8_t c[8];
			uint64_t at = bases[b] + le32(e + 8);
			ok = at + 8 <= end && pread(fd, c, 8, (off_t)at) == 8 &&
				memcmp(c, e, 4) == 0 && le32(c + 4) == le32(e + 12);
			if (ok)
				base = b;
			if (base >= 0 && !ok)
				break;
		}
		if (!ok)
			return sz_err_set(err, SZ_E_INVAL, "the AVI is damaged (its "
				"index entry %llu points where there is no such frame)",
				(unsigned long long)k);
	}
	return 0;
}

static int riff(int fd, uint64_t size, const char *what, struct sz_err *err)
{
	uint64_t at = 0;
	for (unsigned n = 0; at + 8 <= size && n < SZ_DOC_MAX_BOXES; n++) {
		uint8_t h[8];
		if (pread(fd, h, 8, (off_t)at) != 8)
			return cut(err, what, at);
		uint64_t len = 8 + (uint64_t)le32(h + 4);
		if (len > size - at)
			return cut(err, what, at);
		if (n == 0) {
			int rc = avi_index(fd, len, err);
			if (rc != 0)
				return rc;
		}
		at += len + (len & 1);
	}
	return 0;
}

static int asf(int fd, uint64_t size, const char *what, struct sz_err *err)
{
	uint64_t at = 0;
	for (unsigned n = 0; at + 24 <= size && n < SZ_DOC_MAX_BOXES; n++) {
		uint8_t h[24];
		if (pread(fd, h, 24, (off_t)at) != 24)
			return cut(err, what, at);
		uint64_t len = (uint64_t)le32(h + 20) << 32 | le32(h + 16);
		if (len == 0)
			return 0;   /* a broadcast's data object, unbounded */
		if (len < 24 || len > size - at)
			return cut(err, what, at);
		at += len;
	}
	return 0;
}

/* An EBML variable-length number at p (avail bytes); its length in *n,
 * 0 if malformed.  With id, the marker bit is kept (element IDs). */
static uint64_t vint(const uint8_t *p, size_t avail, bool id, unsigned *n,
	bool *unknown)
{
	unsigned len = 1;
	while (len <= 8 && !(p[0] & (0x80 >> (len - 1))))
		len++;
	*n = 0;
	if (len > 8 || len > avail)
		return 0;
	uint64_t v = id ? p[0] : p[0] & (0xff >> len);
	bool ones = v == (uint64_t)(0xff >> len);
	for (unsigned i = 1; i < len; i++) {
		v = v << 8 | p[i];
		ones = ones && p[i] == 0xff;
	}
	*n = len;
	if (unknown != NULL)
		*unknown = ones;
	return v;
}

static int matroska(int fd, uint64_t size, const char *what,
	struct sz_err *err)
{
	uint64_t at = 0;
	for (unsigned n = 0; at < size && n < 16; n++) {
		uint8_t h[16];
		ssize_t got = pread(fd, h, sizeof(h), (off_t)at);
		unsigned il, sl;
		bool unknown = false;
		if (got <= 0)
			return cut(err, what, at);
		uint64_t id = vint(h, (size_t)got, true, &il, NULL);
		uint64_t len = il ? vint(h + il, (size_t)got - il, false, &sl,
			&unknown) : 0;
		if (il == 0 || sl == 0)
			return cut(err, what, at);
		if (unknown)
			return 0;   /* a live recording's segment: to the end */
		if (len > size - at - il - sl)
			return cut(err, what, at);
		at += il + sl + len;
		if (id == 0x18538067)
			return 0;   /* the segment is whole */
	}
	return 0;
}

int doc_outline(int fd, enum sz_doc_type type, const char *what,
	struct sz_err *err)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return sz_err_set(err, SZ_E_IO, "cannot read the file");
	uint64_t size = (uint64_t)st.st_size;
	switch (type) {
	case SZ_DOC_MP4: case SZ_DOC_MOV: case SZ_DOC_M4A: case SZ_DOC_3GP:
		return quicktime(fd, size, what, err);
	case SZ_DOC_AVI:
		return riff(fd, size, what, err);
	case SZ_DOC_ASF:
		return asf(fd, size, what, err);
	case SZ_DOC_MKV: case SZ_DOC_WEBM:
		return matroska(fd, size, what, err);
	default:
		return 0;
	}
}
