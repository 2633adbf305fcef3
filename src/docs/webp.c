/*
 * webp.c - WebP without its EXIF and XMP chunks (or chunks we do not
 * know).  The bitstream (VP8, VP8L), alpha, animation and ICC chunks are
 * copied unchanged; the VP8X flags and the RIFF size are rewritten to
 * match.  Two passes over the chunk headers: the size comes first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docs/internal.h"

static bool kept(const uint8_t *cc)
{
	static const char *const k[] = { "VP8 ", "VP8L", "VP8X", "ALPH",
		"ANIM", "ANMF", "ICCP" };
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (memcmp(cc, k[i], 4) == 0)
			return true;
	return false;
}

/* Walks the chunks after the 12-byte RIFF header; with out NULL only
 * sums what would be kept into *size. */
static int walk(struct rd *in, uint64_t end, struct wr *out,
	uint64_t *size, struct sz_doc_report *r, struct sz_err *err)
{
	int rc = rd_seek(in, 12, err);
	bool image = false;
	*size = 4;
	while (rc == 0 && in->off + in->pos < end) {
		uint8_t h[8];
		if ((rc = rd_read(in, h, 8, err)) != 0)
			break;
		uint64_t len = le32(h + 4), padded = len + (len & 1);
		if (in->off + in->pos + len > end)
			return sz_err_set(err, SZ_E_INVAL,
				"the WebP is truncated (a %.4s chunk runs past its end)",
				(const char *)h);
		if (!kept(h)) {
			if (out != NULL && len <= SZ_DOC_MAX_SEGMENT &&
			    (memcmp(h, "EXIF", 4) == 0 || memcmp(h, "XMP ", 4) == 0)) {
				uint8_t *p = malloc(len ? len : 1);
				if (p == NULL)
					return sz_err_set(err, SZ_E_NOMEM, "out of memory");
				rc = rd_read(in, p, len, err);
				if (rc == 0 && h[0] == 'E')
					report_exif(r, p, len);
				else if (rc == 0)
					report_xmp(r, "XMP", p, len);
				free(p);
				if (rc == 0 && (len & 1))
					rc = rd_skip(in, 1, err);
			} else {
				if (out != NULL)
					sz_doc_report_addf(r, "WebP", "chunk",
						"%.4s (%llu bytes)", (const char *)h,
						(unsigned long long)len);
				rc = rd_skip(in, padded, err);
			}
			continue;
		}
		if (memcmp(h, "VP8", 3) == 0 || memcmp(h, "ANMF", 4) == 0)
			image = true;
		*size += 8 + padded;
		if (out == NULL) {
			rc = rd_skip(in, padded, err);
			continue;
		}
		if ((rc = wr_put(out, h, 8, err)) != 0)
			break;
		if (memcmp(h, "VP8X", 4) == 0 && len >= 1) {
			uint8_t flags;
			if ((rc = rd_read(in, &flags, 1, err)) != 0)
				break;
			flags &= (uint8_t)~0x0c;   /* EXIF and XMP present */
			if ((rc = wr_put(out, &flags, 1, err)) != 0)
				break;
			padded--;
		}
		rc = wr_copy(out, in, padded, err);
	}
	if (rc == 0 && !image)
		return sz_err_set(err, SZ_E_INVAL, "the WebP has no image data");
	return rc;
}

int doc_webp(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	struct rd *in;
	struct wr out;
	int rc = doc_begin(fd, out_path, &in, &out, err);
	if (rc != 0)
		return rc;
	uint8_t h[12];
	if (rd_read(in, h, 12, NULL) != 0 || memcmp(h, "RIFF", 4) != 0 ||
	    memcmp(h + 8, "WEBP", 4) != 0) {
		rc = sz_err_set(err, SZ_E_INVAL, "not a WebP file");
		goto out;
	}
	uint64_t end = 8 + (uint64_t)le32(h + 4);
	if (end > in->size) {
		rc = sz_err_set(err, SZ_E_INVAL, "the WebP is truncated");
		goto out;
	}
	uint64_t size;
	if ((rc = walk(in, end, NULL, &size, r, err)) != 0)
		goto out;
	if (size > 0xfffffff0u) {
		rc = sz_err_set(err, SZ_E_LIMIT, "the WebP is too large");
		goto out;
	}
	h[4] = (uint8_t)size;
	h[5] = (uint8_t)(size >> 8);
	h[6] = (uint8_t)(size >> 16);
	h[7] = (uint8_t)(size >> 24);
	if ((rc = wr_put(&out, h, 12, err)) != 0 ||
	    (rc = walk(in, end, &out, &size, r, err)) != 0)
		goto out;
	if (end < in->size)
		sz_doc_report_addf(r, "WebP", "data after the image",
			"%llu bytes", (unsigned long long)(in->size - end));
out:
	return doc_finish(in, &out, rc, err);
}
