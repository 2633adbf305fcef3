/*
 * jxl.c - JPEG XL (ISO/IEC 18181-2) without metadata boxes.  In the
 * container the codestream (jxlc, or jxlp parts in order), its level
 * (jxll) and frame index (jxli) stay, copied as they are; Exif, XMP
 * (xml), JUMBF (jumb: C2PA content credentials, which name the maker and
 * the device), Brotli-compressed metadata (brob), JPEG reconstruction
 * data (jbrd, which keeps the original JPEG's markers, comments
 * included) and every other box go.  A bare codestream has no metadata
 * boxes and is copied unchanged.
 *
 * Not here: decoding.  Pixels decode the same, since the codestream is
 * untouched (djxl before and after, in the tests).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docs/internal.h"

static const uint8_t signature[12] = {
	0, 0, 0, 12, 'J', 'X', 'L', ' ', 0x0d, 0x0a, 0x87, 0x0a,
};
static const char *const kept[] = { "JXL ", "ftyp", "jxll", "jxlc", "jxlp",
	"jxli" };

static void report_box(int fd, struct sz_doc_report *r,
	const struct bmff_box *b)
{
	uint64_t n = b->size - b->hdr;
	uint8_t *p = NULL;
	if (n <= SZ_DOC_MAX_SEGMENT && (p = malloc((size_t)n + 1)) != NULL &&
	    pread(fd, p, (size_t)n, (off_t)(b->at + b->hdr)) != (ssize_t)n) {
		free(p);
		p = NULL;
	}
	if (p != NULL && memcmp(b->type, "Exif", 4) == 0 && n >= 4 &&
	    be32(p) <= n - 4)
		report_exif(r, p + 4 + be32(p), (size_t)(n - 4 - be32(p)));
	else if (p != NULL && memcmp(b->type, "xml ", 4) == 0)
		report_xmp(r, "XMP", p, (size_t)n);
	else if (memcmp(b->type, "jumb", 4) == 0)
		sz_doc_report_addf(r, "JPEG XL", "JUMBF (content credentials)",
			"%llu bytes", (unsigned long long)n);
	else if (memcmp(b->type, "brob", 4) == 0 && p != NULL && n >= 4)
		sz_doc_report_addf(r, "JPEG XL", "compressed box", "%.4s (%llu "
			"bytes)", (const char *)p, (unsigned long long)n);
	else if (memcmp(b->type, "jbrd", 4) == 0)
		sz_doc_report_addf(r, "JPEG XL", "JPEG reconstruction data",
			"%llu bytes", (unsigned long long)n);
	else
		sz_doc_report_addf(r, "JPEG XL", "box", "%s (%llu bytes)", b->type,
			(unsigned long long)n);
	free(p);
}

int doc_jxl(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	struct rd *in;
	struct wr out;
	int rc = doc_begin(fd, out_path, &in, &out, err);
	if (rc != 0)
		return rc;
	uint8_t h[32];
	size_t have = rd_fill(in, sizeof(h), err);
	memcpy(h, in->buf + in->pos, have < sizeof(h) ? have : sizeof(h));
	if (have >= 2 && h[0] == 0xff && h[1] == 0x0a) {
		/* A bare codestream: nothing but the image. */
		rc = wr_copy(&out, in, in->size, err);
		goto out;
	}
	if (have < 12 || memcmp(h, signature, 12) != 0) {
		rc = sz_err_set(err, SZ_E_INVAL, "not a JPEG XL image");
		goto out;
	}
	bool code = false, parts = false;
	uint64_t at = 0;
	for (unsigned n = 0; at < in->size; n++) {
		ssize_t got = pread(fd, h, sizeof(h), (off_t)at);
		struct bmff_box b;
		if (n >= SZ_DOC_MAX_BOXES) {
			rc = sz_err_set(err, SZ_E_LIMIT, "the JPEG XL file has more "
				"than %u boxes", SZ_DOC_MAX_BOXES);
			goto out;
		}
		if (got < 0 || bmff_box(h, (size_t)got, at, in->size, &b) != 0) {
			rc = sz_err_set(err, SZ_E_INVAL, "the JPEG XL image is "
				"truncated or damaged (a box at byte %llu runs past its "
				"end)", (unsigned long long)at);
			goto out;
		}
		if (n == 1 && memcmp(b.type, "ftyp", 4) != 0) {
			rc = sz_err_set(err, SZ_E_INVAL, "the JPEG XL image is damaged "
				"(no ftyp box after its signature)");
			goto out;
		}
		bool keep = false;
		for (size_t k = 0; k < sizeof(kept) / sizeof(kept[0]); k++)
			keep |= memcmp(b.type, kept[k], 4) == 0;
		code |= memcmp(b.type, "jxlc", 4) == 0;
		parts |= memcmp(b.type, "jxlp", 4) == 0;
		if (keep && ((rc = rd_seek(in, at, err)) != 0 ||
		    (rc = wr_copy(&out, in, b.size, err)) != 0))
			goto out;
		if (!keep)
			report_box(fd, r, &b);
		at += b.size;
	}
	if (code == parts)
		rc = sz_err_set(err, SZ_E_INVAL, "the JPEG XL image is damaged "
			"(%s)", code ? "its codestream is both whole and in parts" :
			"it has no codestream");
out:
	rc = doc_verify(doc_finish(in, &out, rc, err), doc_jxl, out_path, err);
	return rc;
}
