/*
 * bmp.c - Windows and OS/2 bitmaps rewritten as headers, colour masks,
 * palette, pixels and (BITMAPV5) embedded colour profile, in that order
 * and nothing else: bytes hidden between the headers and the pixels or
 * after the image go, the reserved fields (which applications fill as
 * they like) are zeroed, and a linked colour profile, which is a path on
 * the machine that wrote the file (C:\Users\...\profile.icc), becomes
 * sRGB.  Pixels are copied unchanged, streamed.
 *
 * The pixel array's size follows from the header (width, height, bits
 * per pixel, row padding) and must lie within the file: a header
 * claiming a huge image is refused before anything is read.  RLE images
 * are copied for the length their header gives.
 *
 * Not here: JPEG or PNG inside a BMP (printer formats, which could carry
 * their own metadata) and OS/2 bitmap arrays are refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docs/internal.h"

#define BMP_MAX_HEADER 124u
#define BMP_MAX_PALETTE 65536u
#define CS_EMBEDDED 0x4d424544u   /* 'MBED' */
#define CS_LINKED 0x4c494e4bu     /* 'LINK' */
#define CS_SRGB 0x73524742u       /* 'sRGB' */

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static bool zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

int doc_bmp(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	struct rd *in;
	struct wr out;
	int rc = doc_begin(fd, out_path, &in, &out, err);
	if (rc != 0)
		return rc;
	uint8_t fh[14], h[BMP_MAX_HEADER];
	uint8_t *palette = NULL;
	if (rd_read(in, fh, 14, NULL) != 0 || memcmp(fh, "BM", 2) != 0 ||
	    rd_read(in, h, 4, NULL) != 0) {
		rc = sz_err_set(err, SZ_E_INVAL, "not a BMP image");
		goto out;
	}
	uint32_t hsize = le32(h);
	if (hsize != 12 && hsize != 40 && hsize != 52 && hsize != 56 &&
	    hsize != 64 && hsize != 108 && hsize != 124) {
		rc = sz_err_set(err, SZ_E_UNSUPPORTED, "the BMP has a header of a "
			"kind samizdat does not know (%u bytes)", hsize);
		goto out;
	}
	if ((rc = rd_read(in, h + 4, hsize - 4, NULL)) != 0) {
		rc = sz_err_set(err, SZ_E_INVAL, "the BMP is truncated");
		goto out;
	}
	bool core = hsize == 12;
	int64_t w = core ? le16(h + 4) : (int32_t)le32(h + 4);
	int64_t height = core ? le16(h + 6) : (int32_t)le32(h + 8);
	unsigned planes = core ? le16(h + 8) : le16(h + 12);
	unsigned bpp = core ? le16(h + 10) : le16(h + 14);
	uint32_t comp = core ? 0 : le32(h + 16);
	uint32_t size_image = core ? 0 : le32(h + 20);
	uint32_t used = core ? 0 : le32(h + 32);
	uint64_t rows = (uint64_t)(height < 0 ? -height : height);
	if (planes != 1 || w <= 0 || rows == 0 || (bpp != 1 && bpp != 2 &&
	    bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32)) {
		rc = sz_err_set(err, SZ_E_INVAL, "the BMP is damaged (%lldx%lld, "
			"%u bits per pixel)", (long long)w, (long long)height, bpp);
		goto out;
	}
	if (comp == 4 || comp == 5) {
		rc = sz_err_set(err, SZ_E_UNSUPPORTED, "the BMP holds a %s "
			"image, which samizdat does not scrub inside a BMP",
			comp == 4 ? "JPEG" : "PNG");
		goto out;
	}
	if (comp != 0 && comp != 1 && comp != 2 && comp != 3 && comp != 6) {
		rc = sz_err_set(err, SZ_E_UNSUPPORTED, "the BMP uses a "
			"compression samizdat does not know (%u)", comp);
		goto out;
	}
	size_t masks = hsize == 40 && comp == 3 ? 12 : hsize == 40 && comp == 6 ? 16 : 0;
	size_t entry = core ? 3 : 4;
	uint64_t colours = bpp <= 8 ? (used ? used : 1u << bpp) : used;
	if ((bpp <= 8 && colours > (1u << bpp)) || colours > BMP_MAX_PALETTE) {
		rc = sz_err_set(err, SZ_E_INVAL, "the BMP is damaged (a palette "
			"of %llu colours)", (unsigned long long)colours);
		goto out;
	}
	/* The pixel array: rows padded to 32 bits, or the RLE length. */
	uint64_t pixels;
	if (comp == 1 || comp == 2) {
		if ((comp == 1 && bpp != 8) || (comp == 2 && bpp != 4) ||
		    size_image == 0) {
			rc = sz_err_set(err, SZ_E_INVAL, "the BMP is damaged (its "
				"compressed pixels have no stated size)");
			goto out;
		}
		pixels = size_image;
	} else {
		uint64_t row = ((uint64_t)w * bpp + 31) / 32 * 4;
		if (__builtin_mul_overflow(row, rows, &pixels))
			pixels = UINT64_MAX;
	}
	uint64_t head = 14 + hsize + masks + colours * entry;
	uint64_t off = le32(fh + 10);
	if (off < head || off > in->size || pixels > in->size - off) {
		rc = sz_err_set(err, SZ_E_INVAL, "the BMP is truncated or damaged "
			"(a %lldx%lld image at %u bits per pixel does not fit in "
			"its %llu bytes)", (long long)w, (long long)rows, bpp,
			(unsigned long long)in->size);
		goto out;
	}
	uint8_t mask[16];
	palette = malloc(colours * entry + 1);
	if (palette == NULL) {
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		goto out;
	}
	if (rd_read(in, mask, masks, err) != 0 ||
	    rd_read(in, palette, colours * entry, err) != 0) {
		rc = SZ_E_INVAL;
		goto out;
	}
	if (le16(fh + 6) != 0 || le16(fh + 8) != 0) {
		sz_doc_report_addf(r, "BMP", "reserved fields", "%u, %u",
			le16(fh + 6), le16(fh + 8));
	}
	if (off > head)
		report_bytes(r, fd, "BMP", "bytes between the header and the "
			"pixels", head, off - head);
	if (hsize == 64 && !zero(h + 60, 4)) {
		sz_doc_report_add(r, "BMP", "application identifier",
			(const char *)h + 60, 4);
		memset(h + 60, 0, 4);
	}
	/* BITMAPV5: an embedded profile moves after the pixels; a linked
	 * one (a path) goes. */
	uint64_t prof_at = 0, prof_len = 0;
	if (hsize == 124) {
		uint32_t cs = le32(h + 56);
		prof_at = 14 + (uint64_t)le32(h + 112);
		prof_len = le32(h + 116);
		if (!zero(h + 120, 4)) {
			sz_doc_report_addf(r, "BMP", "reserved field", "%u",
				le32(h + 120));
			memset(h + 120, 0, 4);
		}
		if ((cs == CS_EMBEDDED || cs == CS_LINKED) &&
		    (prof_at > in->size || prof_len > in->size - prof_at)) {
			rc = sz_err_set(err, SZ_E_INVAL, "the BMP is truncated (its "
				"colour profile lies outside the file)");
			goto out;
		}
		if (cs == CS_LINKED) {
			char path[512] = "";
			size_t n = prof_len < sizeof(path) - 1 ? prof_len : sizeof(path) - 1;
			if (pread(fd, path, n, (off_t)prof_at) != (ssize_t)n)
				n = 0;
			sz_doc_report_add(r, "BMP", "linked colour profile", path,
				strnlen(path, n));
			put_le32(h + 56, CS_SRGB);
		}
		if (cs != CS_EMBEDDED)
			prof_at = prof_len = 0;
		put_le32(h + 112, prof_len ? (uint32_t)(hsize + masks +
			colours * entry + pixels) : 0);
		put_le32(h + 116, (uint32_t)prof_len);
	}
	uint64_t end = off + pixels;
	if (prof_len > 0 && prof_at + prof_len > end)
		end = prof_at + prof_len;
	if (end < in->size)
		report_bytes(r, fd, "BMP", "data after the image", end,
			in->size - end);
	if (!wr_active(&out))
		goto out;
	uint64_t total = head + pixels + prof_len;
	if (total > UINT32_MAX) {
		rc = sz_err_set(err, SZ_E_INVAL, "the BMP is larger than its "
			"format allows");
		goto out;
	}
	memset(fh + 2, 0, 12);
	put_le32(fh + 2, (uint32_t)total);
	put_le32(fh + 10, (uint32_t)head);
	if ((rc = wr_put(&out, fh, 14, err)) != 0 ||
	    (rc = wr_put(&out, h, hsize, err)) != 0 ||
	    (rc = wr_put(&out, mask, masks, err)) != 0 ||
	    (rc = wr_put(&out, palette, colours * entry, err)) != 0 ||
	    (rc = rd_seek(in, off, err)) != 0 ||
	    (rc = wr_copy(&out, in, pixels, err)) != 0)
		goto out;
	if (prof_len > 0 && ((rc = rd_seek(in, prof_at, err)) != 0 ||
	    (rc = wr_copy(&out, in, prof_len, err)) != 0))
		goto out;
out:
	free(palette);
	rc = doc_verify(doc_finish(in, &out, rc, err), doc_bmp, out_path, err);
	return rc;
}
