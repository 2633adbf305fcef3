/*
 * audio.c - MP3 without ID3v2 (at the start), ID3v1, Lyrics3 or APE tags
 * (at the end); FLAC without Vorbis comments, pictures, application
 * blocks or padding.  Audio frames are copied unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "docs/internal.h"

static uint32_t syncsafe(const uint8_t *p)
{
	return (uint32_t)(p[0] & 0x7f) << 21 | (uint32_t)(p[1] & 0x7f) << 14 |
	       (uint32_t)(p[2] & 0x7f) << 7 | (p[3] & 0x7f);
}

/* Reports the text frames of an ID3v2 tag (v2.3/2.4 frame layout). */
static void report_id3v2(struct sz_doc_report *r, const uint8_t *p,
	size_t len, unsigned version)
{
	size_t i = 0;
	unsigned n = 0;
	while (version >= 3 && i + 10 <= len && p[i] != 0 && n++ < 1000) {
		size_t fl = version == 4 ? syncsafe(p + i + 4) : be32(p + i + 4);
		if (fl > len - i - 10)
			break;
		char id[5] = { (char)p[i], (char)p[i + 1], (char)p[i + 2],
			(char)p[i + 3], 0 };
		const uint8_t *d = p + i + 10;
		if (id[0] == 'T' && fl > 1 && (d[0] == 0 || d[0] == 3))
			sz_doc_report_add(r, "ID3v2", id, (const char *)d + 1,
				fl - 1);
		else if (strcmp(id, "COMM") == 0 && fl > 4)
			sz_doc_report_add(r, "ID3v2", id, (const char *)d + 4,
				fl - 4);
		else
			sz_doc_report_addf(r, "ID3v2", id, "%zu bytes", fl);
		i += 10 + fl;
	}
	if (n == 0)
		sz_doc_report_addf(r, "ID3v2", "tag", "%zu bytes", len);
}

/* Skips (and reports) ID3v2 tags at the reader's position. */
static int skip_id3v2(struct rd *in, struct sz_doc_report *r,
	struct sz_err *err)
{
	for (int tags = 0; tags < 16; tags++) {
		size_t have = rd_fill(in, 10, err);
		const uint8_t *h = in->buf + in->pos;
		if (have < 10 || memcmp(h, "ID3", 3) != 0)
			return 0;
		if (h[3] > 4 || ((h[6] | h[7] | h[8] | h[9]) & 0x80))
			return sz_err_set(err, SZ_E_INVAL,
				"the ID3 tag at the start is corrupt");
		unsigned version = h[3];
		uint64_t size = syncsafe(h + 6) + 10u + ((h[5] & 0x10) ? 10u : 0u);
		if (size <= SZ_DOC_MAX_SEGMENT) {
			uint8_t *p = malloc((size_t)size);
			if (p == NULL)
				return sz_err_set(err, SZ_E_NOMEM, "out of memory");
			int rc = rd_read(in, p, (size_t)size, err);
			if (rc == 0)
				report_id3v2(r, p + 10, (size_t)size - 10, version);
			free(p);
			if (rc != 0)
				return rc;
		} else {
			int rc = rd_skip(in, size, err);
			if (rc != 0)
				return rc;
			sz_doc_report_addf(r, "ID3v2", "tag", "%llu bytes",
				(unsigned long long)size);
		}
	}
	return 0;
}

/* The length of the MPEG audio frame whose header is h, 0 if h is not a
 * valid header (free-format bit rates included: they cannot be walked). */
static size_t mp3_frame_length(const uint8_t *h)
{
	static const uint16_t rates[5][16] = {
		{ 0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448, 0 },
		{ 0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 0 },
		{ 0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0 },
		{ 0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256, 0 },
		{ 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0 },
	};
	static const uint32_t srates[3] = { 44100, 48000, 32000 };
	if (h[0] != 0xff || (h[1] & 0xe0) != 0xe0)
		return 0;
	unsigned version = (h[1] >> 3) & 3;   /* 0: 2.5, 2: 2, 3: 1 */
	unsigned layer = (h[1] >> 1) & 3;     /* 1: III, 2: II, 3: I */
	unsigned bri = h[2] >> 4, sri = (h[2] >> 2) & 3, pad = (h[2] >> 1) & 1;
	if (version == 1 || layer == 0 || bri == 0 || bri == 15 || sri == 3)
		return 0;
	bool v1 = version == 3;
	unsigned table = v1 ? 3 - layer : (layer == 3 ? 3 : 4);
	uint32_t br = rates[table][bri] * 1000u;
	uint32_t sr = srates[sri] >> (version == 3 ? 0 : version == 2 ? 1 : 2);
	if (layer == 3)
		return (12 * br / sr + pad) * 4;
	return (layer == 1 && !v1 ? 72 : 144) * br / sr + pad;
}

int doc_mp3(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	struct rd *in;
	struct wr out;
	int rc = doc_begin(fd, out_path, &in, &out, err);
	if (rc != 0)
		return rc;
	if ((rc = skip_id3v2(in, r, err)) != 0)
		goto out;
	uint64_t start = in->off + in->pos, end = in->size;
	/* Tags at the end: ID3v1 (128 bytes), then before it Lyrics3v2 or
	 * an APE tag, in any order a tagger left them. */
	for (int round = 0; round < 4; round++) {
		uint8_t t[32];
		if (end >= start + 128 && pread(fd, t, 3, (off_t)(end - 128)) == 3 &&
		    memcmp(t, "TAG", 3) == 0) {
			uint8_t v1[128];
			if (pread(fd, v1, 128, (off_t)(end - 128)) == 128) {
				sz_doc_report_add(r, "ID3v1", "Title", (char *)v1 + 3, 30);
				sz_doc_report_add(r, "ID3v1", "Artist", (char *)v1 + 33, 30);
				sz_doc_report_add(r, "ID3v1", "Album", (char *)v1 + 63, 30);
				sz_doc_report_add(r, "ID3v1", "Comment", (char *)v1 + 97, 30);
			}
			end -= 128;
			continue;
		}
		if (end >= start + 32 && pread(fd, t, 32, (off_t)(end - 32)) == 32 &&
		    memcmp(t, "APETAGEX", 8) == 0) {
			uint64_t size = le32(t + 12) + ((le32(t + 20) & 0x80000000u) ? 32u : 0u);
			if (size > end - start)
				break;
			sz_doc_report_addf(r, "APE", "tag", "%llu bytes",
				(unsigned long long)size);
			end -= size;
			continue;
		}
		if (end >= start + 15 && pread(fd, t, 15, (off_t)(end - 15)) == 15 &&
		    memcmp(t + 6, "LYRICS200", 9) == 0) {
			char num[7];
			memcpy(num, t, 6);
			num[6] = 0;
			uint64_t size = strtoull(num, NULL, 10) + 15;
			if (size > end - start)
				break;
			sz_doc_report_add(r, "Lyrics3", "tag", NULL, 0);
			end -= size;
			continue;
		}
		break;
	}
	if (end - start < 4) {
		rc = sz_err_set(err, SZ_E_INVAL, "the MP3 has no audio frames");
		goto out;
	}
	/* Frame by frame: each header must be valid and the last frame
	 * whole, so damage and truncation are found, not copied. */
	for (uint64_t at = start, frames = 0; at < end; frames++) {
		uint8_t fh[4];
		if ((rc = rd_read(in, fh, 4, err)) != 0)
			goto out;
		size_t flen = mp3_frame_length(fh);
		if (flen == 0) {
			rc = sz_err_set(err, SZ_E_INVAL, frames == 0 ?
				"not an MP3 file (no audio frame where the tags end)" :
				"the MP3 is corrupt (no audio frame at byte %llu)",
				(unsigned long long)at);
			goto out;
		}
		if (flen > end - at) {
			rc = sz_err_set(err, SZ_E_INVAL,
				"the MP3 is truncated (its last frame is cut)");
			goto out;
		}
		if ((rc = wr_put(&out, fh, 4, err)) != 0 ||
		    (rc = wr_copy(&out, in, flen - 4, err)) != 0)
			goto out;
		at += flen;
	}
out:
	return doc_finish(in, &out, rc, err);
}

void report_vorbis(struct sz_doc_report *r, const char *kind,
	const uint8_t *p, size_t len)
{
	if (len < 8)
		return;
	size_t vl = le32(p);
	if (vl > len - 8)
		return;
	sz_doc_report_add(r, kind, "vendor", (const char *)p + 4, vl);
	size_t i = 4 + vl;
	uint32_t n = le32(p + i);
	i += 4;
	for (uint32_t k = 0; k < n && k < 10000 && i + 4 <= len; k++) {
		size_t cl = le32(p + i);
		i += 4;
		if (cl > len - i)
			break;
		const uint8_t *eq = memchr(p + i, '=', cl);
		char name[64];
		size_t nl = eq ? (size_t)(eq - (p + i)) : 0;
		if (nl >= sizeof(name))
			nl = sizeof(name) - 1;
		memcpy(name, p + i, nl);
		name[nl] = 0;
		if (eq)
			sz_doc_report_add(r, kind, name, (const char *)eq + 1,
				cl - nl - 1);
		i += cl;
	}
}

int doc_flac(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	struct rd *in;
	struct wr out;
	struct sz_buf kept;
	int rc = doc_begin(fd, out_path, &in, &out, err);
	if (rc != 0)
		return rc;
	sz_buf_init(&kept, 4u * SZ_DOC_MAX_SEGMENT);
	if ((rc = skip_id3v2(in, r, err)) != 0)
		goto out;
	uint8_t h[4];
	if (rd_read(in, h, 4, NULL) != 0 || memcmp(h, "fLaC", 4) != 0) {
		rc = sz_err_set(err, SZ_E_INVAL, "not a FLAC file");
		goto out;
	}
	bool last = false, info = false;
	size_t last_hdr = 0;
	for (unsigned blocks = 0; !last; blocks++) {
		if ((rc = rd_read(in, h, 4, err)) != 0)
			goto out;
		last = h[0] & 0x80;
		unsigned type = h[0] & 0x7f;
		size_t len = (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
		if (blocks == 0 && type != 0) {
			rc = sz_err_set(err, SZ_E_INVAL,
				"the FLAC is corrupt (no STREAMINFO block)");
			goto out;
		}
		if (type == 127 || blocks > 10000) {
			rc = sz_err_set(err, SZ_E_INVAL, "the FLAC is corrupt");
			goto out;
		}
		/* STREAMINFO, SEEKTABLE and CUESHEET describe the audio. */
		if (type == 0 || type == 3 || type == 5) {
			info = info || type == 0;
			last_hdr = kept.len;
			h[0] = (uint8_t)type;
			if (sz_buf_append(&kept, h, 4) != 0) {
				rc = sz_err_set(err, SZ_E_LIMIT,
					"the FLAC's metadata is too large");
				goto out;
			}
			uint8_t *tmp = malloc(len ? len : 1);
			if (tmp == NULL) {
				rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
				goto out;
			}
			rc = rd_read(in, tmp, len, err);
			if (rc == 0 && sz_buf_append(&kept, tmp, len) != 0)
				rc = sz_err_set(err, SZ_E_LIMIT,
					"the FLAC's metadata is too large");
			free(tmp);
			if (rc != 0)
				goto out;
			continue;
		}
		if (type == 4 && len <= SZ_DOC_MAX_SEGMENT) {
			uint8_t *p = malloc(len ? len : 1);
			if (p == NULL) {
				rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
				goto out;
			}
			rc = rd_read(in, p, len, err);
			if (rc == 0)
				report_vorbis(r, "Vorbis comment", p, len);
			free(p);
			if (rc != 0)
				goto out;
			continue;
		}
		static const char *const names[] = { "STREAMINFO", "PADDING",
			"APPLICATION", "SEEKTABLE", "VORBIS_COMMENT", "CUESHEET",
			"PICTURE" };
		sz_doc_report_addf(r, "FLAC", "block", "%s (%zu bytes)",
			type < 7 ? names[type] : "unknown", len);
		if ((rc = rd_skip(in, len, err)) != 0)
			goto out;
	}
	if (!info) {
		rc = sz_err_set(err, SZ_E_INVAL, "the FLAC has no STREAMINFO");
		goto out;
	}
	kept.data[last_hdr] |= 0x80;
	if ((rc = wr_put(&out, "fLaC", 4, err)) != 0 ||
	    (rc = wr_put(&out, kept.data, kept.len, err)) != 0)
		goto out;
	if (rd_fill(in, 2, err) < 2 || in->buf[in->pos] != 0xff ||
	    (in->buf[in->pos + 1] & 0xfc) != 0xf8) {
		rc = sz_err_set(err, SZ_E_INVAL,
			"the FLAC is corrupt (no audio frame after its metadata)");
		goto out;
	}
	if ((rc = wr_copy(&out, in, in->size - (in->off + in->pos), err)) != 0)
		goto out;
out:
	sz_buf_free(&kept);
	return doc_finish(in, &out, rc, err);
}

void report_id3v2_tag(struct sz_doc_report *r, const uint8_t *p, size_t len)
{
	if (len < 10 || memcmp(p, "ID3", 3) != 0) {
		sz_doc_report_addf(r, "ID3v2", "tag", "%zu bytes", len);
		return;
	}
	size_t body = syncsafe(p + 6);
	report_id3v2(r, p + 10, body < len - 10 ? body : len - 10, p[3]);
}
