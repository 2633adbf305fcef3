/*
 * gif.c - GIF without comment extensions or application extensions other
 * than the animation loop (NETSCAPE2.0/ANIMEXTS1.0): XMP and other
 * producers' blocks go.  Images, palettes and frame timing are copied
 * unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docs/internal.h"

/* Copies (keep) or collects up to cap bytes of (report) a chain of
 * sub-blocks ending with a zero-length block. */
static int sub_blocks(struct rd *in, struct wr *out, bool keep, char *text,
	size_t cap, size_t *got, struct sz_err *err)
{
	uint8_t b[256];
	size_t n = 0;
	for (;;) {
		if (rd_read(in, b, 1, err) != 0)
			return sz_err_set(err, SZ_E_INVAL, "the GIF is truncated");
		size_t len = b[0];
		if (rd_read(in, b + 1, len, err) != 0)
			return sz_err_set(err, SZ_E_INVAL, "the GIF is truncated");
		if (keep && wr_put(out, b, len + 1, err) != 0)
			return SZ_E_IO;
		if (text != NULL && n < cap) {
			size_t t = len < cap - n ? len : cap - n;
			memcpy(text + n, b + 1, t);
			n += t;
		}
		if (len == 0)
			break;
	}
	if (got != NULL)
		*got = n;
	return 0;
}

static size_t table_size(uint8_t packed)
{
	return (packed & 0x80) ? 3u * (2u << (packed & 7)) : 0;
}

int doc_gif(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	struct rd *in;
	struct wr out;
	int rc = doc_begin(fd, out_path, &in, &out, err);
	if (rc != 0)
		return rc;
	uint8_t h[16];
	char text[4096];
	if (rd_read(in, h, 13, NULL) != 0 ||
	    (memcmp(h, "GIF87a", 6) != 0 && memcmp(h, "GIF89a", 6) != 0)) {
		rc = sz_err_set(err, SZ_E_INVAL, "not a GIF file");
		goto out;
	}
	if ((rc = wr_put(&out, h, 13, err)) != 0 ||
	    (rc = wr_copy(&out, in, table_size(h[10]), err)) != 0)
		goto out;
	for (unsigned blocks = 0;; blocks++) {
		if ((rc = rd_read(in, h, 1, err)) != 0)
			goto out;
		if (h[0] == 0x3b) {
			if ((rc = wr_put(&out, h, 1, err)) != 0)
				goto out;
			break;
		}
		if (h[0] == 0x2c) {
			if ((rc = rd_read(in, h + 1, 9, err)) != 0 ||
			    (rc = wr_put(&out, h, 10, err)) != 0 ||
			    (rc = wr_copy(&out, in, table_size(h[9]), err)) != 0 ||
			    (rc = wr_copy(&out, in, 1, err)) != 0 ||
			    (rc = sub_blocks(in, &out, true, NULL, 0, NULL, err)) != 0)
				goto out;
			continue;
		}
		if (h[0] != 0x21) {
			rc = sz_err_set(err, SZ_E_INVAL,
				"the GIF is corrupt (unknown block 0x%02x)", h[0]);
			goto out;
		}
		if ((rc = rd_read(in, h + 1, 1, err)) != 0)
			goto out;
		unsigned label = h[1];
		if (label == 0xf9 || label == 0x01) {
			if ((rc = wr_put(&out, h, 2, err)) != 0 ||
			    (rc = sub_blocks(in, &out, true, NULL, 0, NULL, err)) != 0)
				goto out;
			continue;
		}
		if (label == 0xfe) {
			size_t n;
			if ((rc = sub_blocks(in, &out, false, text, sizeof(text), &n,
			    err)) != 0)
				goto out;
			sz_doc_report_add(r, "GIF", "Comment", text, n);
			continue;
		}
		if (label == 0xff) {
			/* The first sub-block names the application. */
			if ((rc = rd_read(in, h + 2, 1, err)) != 0)
				goto out;
			size_t idlen = h[2];
			uint8_t id[256];
			if ((rc = rd_read(in, id, idlen, err)) != 0)
				goto out;
			bool loop = idlen == 11 && (memcmp(id, "NETSCAPE2.0", 11) == 0 ||
				memcmp(id, "ANIMEXTS1.0", 11) == 0);
			if (loop && ((rc = wr_put(&out, h, 3, err)) != 0 ||
			    (rc = wr_put(&out, id, idlen, err)) != 0))
				goto out;
			size_t n;
			if ((rc = sub_blocks(in, &out, loop, text, sizeof(text), &n,
			    err)) != 0)
				goto out;
			if (!loop) {
				char name[12];
				size_t k = idlen < 11 ? idlen : 11;
				memcpy(name, id, k);
				name[k] = 0;
				if (k >= 8 && memcmp(name, "XMP Data", 8) == 0)
					report_xmp(r, "XMP", (const uint8_t *)text, n);
				else
					sz_doc_report_addf(r, "GIF",
						"application extension", "%s", name);
			}
			continue;
		}
		/* An unknown extension: dropped, as it may carry anything. */
		if ((rc = sub_blocks(in, &out, false, NULL, 0, NULL, err)) != 0)
			goto out;
		sz_doc_report_addf(r, "GIF", "extension", "0x%02x", label);
	}
	uint64_t at = in->off + in->pos;
	if (at < in->size)
		sz_doc_report_addf(r, "GIF", "data after the image", "%llu bytes",
			(unsigned long long)(in->size - at));
out:
	return doc_finish(in, &out, rc, err);
}
