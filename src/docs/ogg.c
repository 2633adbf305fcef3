/*
 * ogg.c - Ogg Vorbis and Ogg Opus without their comments (title, artist,
 * encoder settings a tagger added, embedded pictures): the comment header
 * packet is replaced by an empty one that keeps the vendor string, the
 * header pages are re-paginated, and the audio pages that follow are
 * renumbered with fresh checksums.  Audio packets are untouched.  One
 * logical stream only: multiplexed files are refused.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docs/internal.h"

#define PAGE_MAX (27 + 255 + 255 * 255)

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i << 24;
		for (int k = 0; k < 8; k++)
			c = (c & 0x80000000u) ? (c << 1) ^ 0x04c11db7u : c << 1;
		crc_table[i] = c;
	}
}

static uint32_t ogg_crc(const uint8_t *p, size_t len)
{
	uint32_t c = 0;
	for (size_t i = 0; i < len; i++)
		c = (c << 8) ^ crc_table[((c >> 24) ^ p[i]) & 0xff];
	return c;
}

static void put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

struct page {
	uint8_t b[PAGE_MAX];
	size_t len;      /* whole page */
	size_t nseg;
};

/* Reads one page and checks its capture pattern and checksum. */
static int read_page(struct rd *in, struct page *pg, struct sz_err *err)
{
	if (rd_read(in, pg->b, 27, err) != 0)
		return SZ_E_INVAL;
	if (memcmp(pg->b, "OggS", 4) != 0 || pg->b[4] != 0)
		return sz_err_set(err, SZ_E_INVAL,
			"the Ogg file is corrupt (no page at byte %llu)",
			(unsigned long long)(in->off + in->pos - 27));
	pg->nseg = pg->b[26];
	if (rd_read(in, pg->b + 27, pg->nseg, err) != 0)
		return SZ_E_INVAL;
	size_t body = 0;
	for (size_t i = 0; i < pg->nseg; i++)
		body += pg->b[27 + i];
	if (rd_read(in, pg->b + 27 + pg->nseg, body, err) != 0)
		return SZ_E_INVAL;
	pg->len = 27 + pg->nseg + body;
	uint32_t want = le32(pg->b + 22);
	memset(pg->b + 22, 0, 4);
	if (ogg_crc(pg->b, pg->len) != want)
		return sz_err_set(err, SZ_E_INVAL,
			"the Ogg file is corrupt (a page checksum does not match)");
	put32le(pg->b + 22, want);
	return 0;
}

static void seal_page(struct page *pg)
{
	memset(pg->b + 22, 0, 4);
	put32le(pg->b + 22, ogg_crc(pg->b, pg->len));
}

/* Writes packets as fresh pages from sequence number seq. */
static int paginate(struct wr *out, const uint32_t serial, uint32_t seq,
	struct sz_buf *pk, size_t npk, uint32_t *pages, struct page *pg,
	struct sz_err *err)
{
	size_t k = 0, at = 0;
	bool cont = false;
	*pages = 0;
	while (k < npk) {
		uint8_t *h = pg->b;
		memcpy(h, "OggS", 4);
		h[4] = 0;
		h[5] = cont ? 1 : 0;
		size_t nseg = 0, body = 0;
		bool ended = false;
		uint8_t *data = pg->b + 27 + 255;
		while (k < npk && nseg < 255) {
			size_t left = pk[k].len - at;
			size_t s = left < 255 ? left : 255;
			h[27 + nseg++] = (uint8_t)s;
			memcpy(data + body, pk[k].data + at, s);
			body += s;
			at += s;
			if (s < 255) {
				k++;
				at = 0;
				ended = true;
			}
		}
		cont = at > 0;
		memset(h + 6, ended ? 0 : 0xff, 8);
		put32le(h + 14, serial);
		put32le(h + 18, seq + (*pages)++);
		h[26] = (uint8_t)nseg;
		memmove(pg->b + 27 + nseg, data, body);
		pg->len = 27 + nseg + body;
		seal_page(pg);
		if (wr_put(out, pg->b, pg->len, err) != 0)
			return SZ_E_IO;
	}
	return 0;
}

int doc_ogg(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	struct rd *in = rd_new(fd, err);
	struct page *pg = malloc(sizeof(*pg));
	struct sz_buf pk[2];
	struct wr out = { .fd = -1 };
	int rc;
	sz_buf_init(&pk[0], SZ_DOC_MAX_SEGMENT);
	sz_buf_init(&pk[1], SZ_DOC_MAX_SEGMENT);
	if (in == NULL || pg == NULL) {
		rc = in ? sz_err_set(err, SZ_E_NOMEM, "out of memory") : SZ_E_IO;
		goto out;
	}
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, crc_init);
	if ((rc = wr_open(&out, out_path, err)) != 0)
		goto out;
	if (read_page(in, pg, NULL) != 0 || !(pg->b[5] & 2) || pg->nseg != 1 ||
	    pg->b[27] == 255) {
		rc = sz_err_set(err, SZ_E_INVAL, "not an Ogg Vorbis or Opus file");
		goto out;
	}
	const uint8_t *id = pg->b + 28;
	size_t need;
	if (pg->b[27] >= 7 && memcmp(id, "\x01vorbis", 7) == 0)
		need = 2;
	else if (pg->b[27] >= 8 && memcmp(id, "OpusHead", 8) == 0)
		need = 1;
	else if (pg->b[27] >= 5 && memcmp(id, "\x7f" "FLAC", 5) == 0) {
		/* ffmpeg and some rippers write FLAC in Ogg (.oga). */
		rc = sz_err_set(err, SZ_E_UNSUPPORTED, "FLAC in an Ogg container "
			"is not scrubbed: take the FLAC stream out with `ffmpeg -i "
			"FILE -c:a copy OUT.flac`, and scrub that");
		goto out;
	} else {
		rc = sz_err_set(err, SZ_E_UNSUPPORTED,
			"only Ogg Vorbis and Ogg Opus are supported");
		goto out;
	}
	uint32_t serial = le32(pg->b + 14);
	if ((rc = wr_put(&out, pg->b, pg->len, err)) != 0)
		goto out;
	/* Collect the header packets after the identification header. */
	size_t got = 0;
	uint32_t old_pages = 0;
	while (got < need) {
		if ((rc = read_page(in, pg, err)) != 0)
			goto out;
		old_pages++;
		if (le32(pg->b + 14) != serial) {
			rc = sz_err_set(err, SZ_E_UNSUPPORTED,
				"multiplexed Ogg files (several streams) are not supported");
			goto out;
		}
		size_t off = 27 + pg->nseg;
		for (size_t i = 0; i < pg->nseg; i++) {
			size_t s = pg->b[27 + i];
			if (got >= need) {
				rc = sz_err_set(err, SZ_E_UNSUPPORTED,
					"audio data shares a page with the Ogg headers");
				goto out;
			}
			if (sz_buf_append(&pk[got], pg->b + off, s) != 0) {
				rc = sz_err_set(err, SZ_E_LIMIT,
					"an Ogg header packet is too large");
				goto out;
			}
			off += s;
			if (s < 255)
				got++;
		}
	}
	/* The comment packet: report it, keep only its vendor string. */
	size_t magic = need == 2 ? 7 : 8;
	if (pk[0].len < magic + 8 ||
	    memcmp(pk[0].data, need == 2 ? "\x03vorbis" : "OpusTags", magic) != 0) {
		rc = sz_err_set(err, SZ_E_INVAL,
			"the Ogg file is corrupt (no comment header)");
		goto out;
	}
	report_vorbis(r, "Vorbis comment", pk[0].data + magic, pk[0].len - magic);
	size_t vl = le32(pk[0].data + magic);
	if (vl > pk[0].len - magic - 8) {
		rc = sz_err_set(err, SZ_E_INVAL, "the Ogg comment header is corrupt");
		goto out;
	}
	size_t keep = magic + 4 + vl;
	uint8_t tail[5] = { 0, 0, 0, 0, 1 };
	pk[0].len = keep;
	if (sz_buf_append(&pk[0], tail, need == 2 ? 5 : 4) != 0) {
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		goto out;
	}
	uint32_t new_pages;
	if ((rc = paginate(&out, serial, 1, pk, need, &new_pages, pg, err)) != 0)
		goto out;
	/* The audio pages, renumbered. */
	uint32_t delta = new_pages - old_pages;
	while (in->off + in->pos < in->size) {
		if ((rc = read_page(in, pg, err)) != 0)
			goto out;
		if (le32(pg->b + 14) != serial) {
			rc = sz_err_set(err, SZ_E_UNSUPPORTED,
				"multiplexed or chained Ogg files are not supported");
			goto out;
		}
		if (delta != 0) {
			put32le(pg->b + 18, le32(pg->b + 18) + delta);
			seal_page(pg);
		}
		if ((rc = wr_put(&out, pg->b, pg->len, err)) != 0)
			goto out;
	}
	rc = wr_close(&out, err);
out:
	if (rc != 0)
		wr_close(&out, NULL);
	sz_buf_free(&pk[0]);
	sz_buf_free(&pk[1]);
	free(pg);
	rd_free(in);
	return rc;
}
