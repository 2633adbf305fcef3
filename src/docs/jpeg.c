/*
 * jpeg.c - JPEG without EXIF, XMP, IPTC/Photoshop blocks, comments,
 * thumbnails or anything appended after the image.  Lossless: the
 * quantisation and Huffman tables and every scan are copied byte for byte;
 * only ICC colour profiles, the JFIF header (its thumbnail cut) and
 * Adobe's colour-transform marker are kept, because decoders need them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docs/internal.h"

#define JPEG_MAX_STRAY 65536u   /* bytes skipped between two segments */

static const char *iptc_name(unsigned rec, unsigned ds)
{
	if (rec != 2)
		return NULL;
	switch (ds) {
	case 5: return "Object Name";
	case 25: return "Keywords";
	case 55: return "Date Created";
	case 80: return "By-line";
	case 85: return "By-line Title";
	case 90: return "City";
	case 95: return "Province-State";
	case 101: return "Country";
	case 105: return "Headline";
	case 110: return "Credit";
	case 115: return "Source";
	case 116: return "Copyright Notice";
	case 120: return "Caption-Abstract";
	case 122: return "Writer-Editor";
	default: return NULL;
	}
}

/* Photoshop image resources ("8BIM"), with IPTC (resource 0x0404) shown
 * dataset by dataset. */
static void report_photoshop(struct sz_doc_report *r, const uint8_t *p,
	size_t len)
{
	size_t i = 0, n = 0;
	while (i + 12 <= len && memcmp(p + i, "8BIM", 4) == 0 && n++ < 1000) {
		unsigned id = be16(p + i + 4);
		size_t nl = p[i + 6];
		/* a Pascal string, padded to an even length */
		size_t at = i + 6 + ((1 + nl + 1) & ~(size_t)1);
		if (at + 4 > len)
			break;
		size_t sz = be32(p + at);
		at += 4;
		if (sz > len - at)
			break;
		if (id == 0x0404) {
			const uint8_t *q = p + at;
			size_t j = 0;
			while (j + 5 <= sz && q[j] == 0x1c) {
				size_t dl = be16(q + j + 3);
				if (j + 5 + dl > sz)
					break;
				if (q[j + 1] == 2 && q[j + 2] == 0) {
					j += 5 + dl;   /* record version */
					continue;
				}
				const char *name = iptc_name(q[j + 1], q[j + 2]);
				char fb[24];
				if (name == NULL) {
					snprintf(fb, sizeof(fb), "%u:%u", q[j + 1],
						q[j + 2]);
					name = fb;
				}
				sz_doc_report_add(r, "IPTC", name,
					(const char *)q + j + 5, dl);
				j += 5 + dl;
			}
		} else {
			sz_doc_report_addf(r, "Photoshop", "resource",
				"0x%04x (%zu bytes)", id, sz);
		}
		i = at + sz + (sz & 1);
	}
	if (n == 0)
		sz_doc_report_addf(r, "Photoshop", "block", "%zu bytes", len);
}

static bool starts(const uint8_t *p, size_t len, const char *s, size_t n)
{
	return len >= n && memcmp(p, s, n) == 0;
}

/* Decides what to do with one APPn/COM segment: returns true to keep it
 * (possibly rewritten in place, with *len updated). */
static bool keep_app(struct sz_doc_report *r, unsigned m, uint8_t *p,
	size_t *len)
{
	size_t n = *len;
	if (m == 0xe0 && starts(p, n, "JFIF\0", 5) && n >= 14) {
		if (p[12] != 0 || p[13] != 0)
			sz_doc_report_addf(r, "JFIF", "Thumbnail", "%ux%u",
				p[12], p[13]);
		p[12] = p[13] = 0;
		*len = 14;
		return true;
	}
	if (m == 0xe0 && starts(p, n, "JFXX\0", 5)) {
		sz_doc_report_add(r, "JFIF", "Thumbnail (JFXX)", NULL, 0);
		return false;
	}
	if (m == 0xe1 && starts(p, n, "Exif\0", 5)) {
		report_exif(r, p, n);
		return false;
	}
	if (m == 0xe1 && starts(p, n, "http://ns.adobe.com/xap/1.0/\0", 29)) {
		report_xmp(r, "XMP", p + 29, n - 29);
		return false;
	}
	if (m == 0xe1 && starts(p, n, "http://ns.adobe.com/xmp/extension/\0", 35)) {
		sz_doc_report_addf(r, "XMP", "extended packet", "%zu bytes", n);
		return false;
	}
	if (m == 0xe2 && starts(p, n, "ICC_PROFILE\0", 12))
		return true;
	if (m == 0xed && starts(p, n, "Photoshop 3.0\0", 14)) {
		report_photoshop(r, p + 14, n - 14);
		return false;
	}
	if (m == 0xee && starts(p, n, "Adobe", 5))
		return true;
	if (m == 0xfe) {
		sz_doc_report_add(r, "JPEG", "Comment", (const char *)p, n);
		return false;
	}
	char id[16];
	size_t k = 0;
	while (k < n && k < 12 && p[k] >= 0x20 && p[k] < 0x7f) {
		id[k] = (char)p[k];
		k++;
	}
	id[k] = 0;
	sz_doc_report_addf(r, "JPEG", "APP block", "APP%u %s(%zu bytes)",
		m - 0xe0, id, n);
	return false;
}

/* Copies entropy-coded data up to the next marker (not RSTn, not a
 * stuffed zero). */
static int copy_scan(struct rd *in, struct wr *out, struct sz_err *err)
{
	for (;;) {
		size_t have = rd_fill(in, 2, err);
		if (have < 2)
			return sz_err_set(err, SZ_E_INVAL,
				"the JPEG is truncated inside its image data");
		const uint8_t *b = in->buf + in->pos;
		const uint8_t *ff = memchr(b, 0xff, have - 1);
		if (ff == NULL) {
			if (wr_put(out, b, have - 1, err) != 0)
				return SZ_E_IO;
			in->pos += have - 1;
			continue;
		}
		size_t upto = (size_t)(ff - b);
		if (wr_put(out, b, upto, err) != 0)
			return SZ_E_IO;
		in->pos += upto;
		uint8_t next = ff[1];
		if (next == 0x00 || (next >= 0xd0 && next <= 0xd7)) {
			if (wr_put(out, ff, 2, err) != 0)
				return SZ_E_IO;
			in->pos += 2;
		} else if (next == 0xff) {
			in->pos += 1;   /* fill byte before a marker */
		} else {
			return 0;
		}
	}
}

int doc_jpeg(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	struct rd *in;
	struct wr out;
	uint8_t *seg = NULL;
	int rc = doc_begin(fd, out_path, &in, &out, err);
	if (rc != 0)
		return rc;
	uint8_t h[4];
	bool frame = false, scan = false;
	if ((rc = rd_read(in, h, 2, err)) != 0 || h[0] != 0xff || h[1] != 0xd8) {
		rc = sz_err_set(err, SZ_E_INVAL, "not a JPEG file");
		goto out;
	}
	if ((rc = wr_put(&out, h, 2, err)) != 0)
		goto out;
	seg = malloc(65536);
	if (seg == NULL) {
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		goto out;
	}
	for (;;) {
		if ((rc = rd_read(in, h, 1, err)) != 0)
			goto out;
		/* Decoders skip stray bytes between segments (producers leave
		 * them); so do we, dropping them, up to a limit. */
		uint64_t stray = 0;
		while (h[0] != 0xff && stray < JPEG_MAX_STRAY) {
			if ((rc = rd_read(in, h, 1, err)) != 0)
				goto out;
			stray++;
		}
		if (h[0] != 0xff) {
			rc = sz_err_set(err, SZ_E_INVAL,
				"the JPEG is corrupt (no marker at byte %llu)",
				(unsigned long long)(in->off + in->pos - 1));
			goto out;
		}
		if (stray > 0)
			sz_doc_report_addf(r, "JPEG", "stray bytes between segments",
				"%llu", (unsigned long long)stray);
		unsigned m;
		do {
			if ((rc = rd_read(in, h, 1, err)) != 0)
				goto out;
			m = h[0];
		} while (m == 0xff);
		if (m == 0xd9) {
			if (!frame || !scan) {
				rc = sz_err_set(err, SZ_E_INVAL,
					"the JPEG has no image data");
				goto out;
			}
			h[0] = 0xff;
			h[1] = 0xd9;
			if ((rc = wr_put(&out, h, 2, err)) != 0)
				goto out;
			uint64_t at = in->off + in->pos;
			if (at < in->size)
				sz_doc_report_addf(r, "JPEG", "data after the image",
					"%llu bytes", (unsigned long long)(in->size - at));
			break;
		}
		if ((m >= 0xd0 && m <= 0xd7) || m == 0x01 || m == 0x00) {
			if (m == 0x00) {
				rc = sz_err_set(err, SZ_E_INVAL,
					"the JPEG is corrupt (bad marker)");
				goto out;
			}
			h[0] = 0xff;
			h[1] = (uint8_t)m;
			if ((rc = wr_put(&out, h, 2, err)) != 0)
				goto out;
			continue;
		}
		if ((rc = rd_read(in, h, 2, err)) != 0)
			goto out;
		size_t len = be16(h);
		if (len < 2) {
			rc = sz_err_set(err, SZ_E_INVAL,
				"the JPEG is corrupt (a segment of length %zu)", len);
			goto out;
		}
		len -= 2;
		if ((rc = rd_read(in, seg, len, err)) != 0)
			goto out;
		bool keep = true;
		if ((m >= 0xe0 && m <= 0xef) || m == 0xfe)
			keep = keep_app(r, m, seg, &len);
		else if (m >= 0xf0 && m <= 0xfd) {
			sz_doc_report_addf(r, "JPEG", "extension block",
				"JPG%u (%zu bytes)", m - 0xf0, len);
			keep = false;
		}
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc)
			frame = true;
		if (keep) {
			uint8_t mh[4] = { 0xff, (uint8_t)m, (uint8_t)((len + 2) >> 8),
				(uint8_t)(len + 2) };
			if ((rc = wr_put(&out, mh, 4, err)) != 0 ||
			    (rc = wr_put(&out, seg, len, err)) != 0)
				goto out;
		}
		if (m == 0xda) {
			if (!frame) {
				rc = sz_err_set(err, SZ_E_INVAL,
					"the JPEG is corrupt (a scan before its frame)");
				goto out;
			}
			scan = true;
			if ((rc = copy_scan(in, &out, err)) != 0)
				goto out;
		}
	}
out:
	free(seg);
	return doc_finish(in, &out, rc, err);
}
