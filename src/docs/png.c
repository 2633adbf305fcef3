/*
 * png.c - PNG without text chunks (tEXt, zTXt, iTXt: author, comments,
 * XMP), modification time (tIME), EXIF (eXIf) or private chunks.  Image
 * data and the chunks that change how it renders (palette, transparency,
 * gamma, colour profile, physical size, animation) are copied unchanged,
 * so the pixels are the same.  Every chunk's CRC is checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "docs/internal.h"

static const char *const kept[] = {
	"IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB",
	"iCCP", "sBIT", "bKGD", "pHYs", "hIST", "sPLT", "acTL", "fcTL",
	"fdAT", "cICP", "mDCv", "cLLi",
};

static bool is_kept(const uint8_t *type)
{
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (memcmp(type, kept[i], 4) == 0)
			return true;
	return false;
}

/* Inflates at most cap bytes of a zlib stream for the report. */
static size_t inflate_some(const uint8_t *p, size_t len, char *out,
	size_t cap)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return 0;
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out;
	z.avail_out = (uInt)cap;
	inflate(&z, Z_SYNC_FLUSH);
	size_t n = cap - z.avail_out;
	inflateEnd(&z);
	return n;
}

static void report_chunk(struct sz_doc_report *r, const uint8_t *type,
	const uint8_t *p, size_t len)
{
	char name[5] = { (char)type[0], (char)type[1], (char)type[2],
		(char)type[3], 0 };
	const uint8_t *nul = memchr(p, 0, len);
	char text[4096];
	if (memcmp(type, "tEXt", 4) == 0 && nul) {
		sz_doc_report_add(r, "PNG text", (const char *)p,
			(const char *)nul + 1, len - (size_t)(nul + 1 - p));
	} else if (memcmp(type, "zTXt", 4) == 0 && nul && nul + 2 <= p + len) {
		size_t n = inflate_some(nul + 2, len - (size_t)(nul + 2 - p),
			text, sizeof(text));
		sz_doc_report_add(r, "PNG text", (const char *)p, text, n);
	} else if (memcmp(type, "iTXt", 4) == 0 && nul && nul + 3 <= p + len) {
		/* keyword, 0, compressed?, method, language 0, key 0, text */
		bool z = nul[1] != 0;
		const uint8_t *q = nul + 3, *end = p + len;
		for (int k = 0; k < 2 && q < end; k++) {
			const uint8_t *e = memchr(q, 0, (size_t)(end - q));
			q = e ? e + 1 : end;
		}
		size_t n = (size_t)(end - q);
		const char *v = (const char *)q;
		if (z) {
			n = inflate_some(q, n, text, sizeof(text));
			v = text;
		}
		if (strcmp((const char *)p, "XML:com.adobe.xmp") == 0)
			report_xmp(r, "XMP", (const uint8_t *)v, n);
		else
			sz_doc_report_add(r, "PNG text", (const char *)p, v, n);
	} else if (memcmp(type, "tIME", 4) == 0 && len == 7) {
		sz_doc_report_addf(r, "PNG", "Modify Date",
			"%04u-%02u-%02u %02u:%02u:%02u", be16(p), p[2], p[3],
			p[4], p[5], p[6]);
	} else if (memcmp(type, "eXIf", 4) == 0) {
		report_exif(r, p, len);
	} else {
		sz_doc_report_addf(r, "PNG", "chunk", "%s (%zu bytes)", name, len);
	}
}

/* Copies (or, when not kept, reads for the report) one chunk's data and
 * checks its CRC. */
static int chunk_data(struct rd *in, struct wr *out, const uint8_t *hdr,
	size_t len, bool keep, struct sz_doc_report *r, struct sz_err *err)
{
	uLong crc = crc32(0, hdr + 4, 4);
	uint8_t *mem = NULL;
	if (!keep && len <= SZ_DOC_MAX_SEGMENT)
		mem = malloc(len + 1);
	size_t done = 0;
	while (done < len) {
		size_t have = rd_fill(in, RD_BUF, err);
		if (have == 0)
			goto truncated;
		size_t take = have < len - done ? have : len - done;
		const uint8_t *b = in->buf + in->pos;
		crc = crc32(crc, b, (uInt)take);
		if (keep && wr_put(out, b, take, err) != 0) {
			free(mem);
			return SZ_E_IO;
		}
		if (mem != NULL)
			memcpy(mem + done, b, take);
		in->pos += take;
		done += take;
	}
	uint8_t c[4];
	if (rd_read(in, c, 4, err) != 0)
		goto truncated;
	if (be32(c) != (uint32_t)crc) {
		free(mem);
		return sz_err_set(err, SZ_E_INVAL,
			"the PNG is corrupt (bad checksum in a %.4s chunk)",
			(const char *)hdr + 4);
	}
	if (keep && wr_put(out, c, 4, err) != 0) {
		free(mem);
		return SZ_E_IO;
	}
	if (!keep) {
		if (mem != NULL) {
			mem[len] = 0;
			report_chunk(r, hdr + 4, mem, len);
		} else {
			sz_doc_report_addf(r, "PNG", "chunk", "%.4s (%zu bytes)",
				(const char *)hdr + 4, len);
		}
	}
	free(mem);
	return 0;
truncated:
	free(mem);
	return sz_err_set(err, SZ_E_INVAL, "the PNG is truncated");
}

int doc_png(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	struct rd *in;
	struct wr out;
	int rc = doc_begin(fd, out_path, &in, &out, err);
	if (rc != 0)
		return rc;
	uint8_t h[8];
	if (rd_read(in, h, 8, NULL) != 0 || memcmp(h, sig, 8) != 0) {
		rc = sz_err_set(err, SZ_E_INVAL, "not a PNG file");
		goto out;
	}
	if ((rc = wr_put(&out, sig, 8, err)) != 0)
		goto out;
	bool first = true;
	for (;;) {
		if ((rc = rd_read(in, h, 8, err)) != 0)
			goto out;
		uint32_t len = be32(h);
		const uint8_t *type = h + 4;
		for (int i = 0; i < 4; i++)
			if (!((type[i] >= 'a' && type[i] <= 'z') ||
			      (type[i] >= 'A' && type[i] <= 'Z'))) {
				rc = sz_err_set(err, SZ_E_INVAL,
					"the PNG is corrupt (a chunk with a bad name)");
				goto out;
			}
		if (len > 0x7fffffffu) {
			rc = sz_err_set(err, SZ_E_INVAL,
				"the PNG is corrupt (a chunk of %u bytes)", len);
			goto out;
		}
		if (first && (memcmp(type, "IHDR", 4) != 0 || len != 13)) {
			rc = sz_err_set(err, SZ_E_INVAL,
				"the PNG is corrupt (it does not start with IHDR)");
			goto out;
		}
		first = false;
		bool keep = is_kept(type);
		if (!keep && !(type[0] & 0x20)) {
			rc = sz_err_set(err, SZ_E_UNSUPPORTED,
				"the PNG has a critical chunk %.4s that samizdat "
				"does not know; it cannot be scrubbed safely",
				(const char *)type);
			goto out;
		}
		if (keep && (rc = wr_put(&out, h, 8, err)) != 0)
			goto out;
		if ((rc = chunk_data(in, &out, h, len, keep, r, err)) != 0)
			goto out;
		if (memcmp(type, "IEND", 4) == 0)
			break;
	}
	uint64_t at = in->off + in->pos;
	if (at < in->size)
		sz_doc_report_addf(r, "PNG", "data after the image", "%llu bytes",
			(unsigned long long)(in->size - at));
out:
	return doc_finish(in, &out, rc, err);
}
