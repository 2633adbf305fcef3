/*
 * riff.c - WAV (RIFF, and RF64/BW64 past 4 GiB) and AIFF/AIFF-C (IFF)
 * recordings with only the chunks playback needs: WAV keeps fmt, fact
 * and data (ds64 rewritten for RF64); AIFF keeps COMM, SSND, FVER and
 * CHAN.  Everything else goes: LIST/INFO (title, artist, software,
 * dates), Broadcast Wave bext (originator, dates, time reference,
 * coding history) and iXML (the recorder, project, scene, note), id3/ID3
 * tags, XMP (_PMX), axml, cue points and labels, AIFF NAME/AUTH/(c)/ANNO
 * and COMT, markers, and chunks no one knows.
 *
 * The samples are copied unchanged, streamed: memory is the reader's
 * buffer whatever the length.  A chunk that runs past the end of the file
 * is refused, except a data chunk whose length a streaming recorder
 * left unset (0 or 0xFFFFFFFF), which runs to the end of the file and is
 * given its length.  The result is re-read before it is accepted.
 *
 * Not here: RIFX (big-endian WAV), wavl lists, decoding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docs/internal.h"

enum form { WAV, RF64, AIFF };

struct chunk {
	char id[5];
	uint64_t at;       /* header offset */
	uint64_t size;     /* payload length */
	bool keep;
};

struct iff {
	enum form form;
	bool be;
	int fd;
	uint64_t file_size;
	uint64_t ds64_data;         /* RF64: the data chunk's real length */
	struct chunk *c;
	size_t n, cap;
	struct sz_doc_report *r;
	struct sz_err *err;
	const char *what;
};

static const char *const kept_wav[] = { "fmt ", "fact", "data" };
static const char *const kept_aiff[] = { "COMM", "SSND", "FVER", "CHAN" };

static uint32_t u32(const struct iff *f, const uint8_t *p)
{
	return f->be ? be32(p) : le32(p);
}

static void put32(const struct iff *f, uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[f->be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

static bool is_audio(const struct iff *f, const char *id)
{
	return memcmp(id, f->form == AIFF ? "SSND" : "data", 4) == 0;
}

static int add_chunk(struct iff *f, const struct chunk *c)
{
	if (f->n >= SZ_DOC_MAX_BOXES)
		return sz_err_set(f->err, SZ_E_LIMIT, "the %s has more than %u "
			"chunks", f->what, SZ_DOC_MAX_BOXES);
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 32;
		struct chunk *p = realloc(f->c, cap * sizeof(*p));
		if (p == NULL)
			return sz_err_set(f->err, SZ_E_NOMEM, "out of memory");
		f->c = p;
		f->cap = cap;
	}
	f->c[f->n++] = *c;
	return 0;
}

/* A text chunk's value: up to the first NUL. */
static void report_text(struct sz_doc_report *r, const char *kind,
	const char *name, const uint8_t *p, size_t len)
{
	sz_doc_report_add(r, kind, name, (const char *)p, strnlen((const char *)p,
		len));
}

static void report_list(struct iff *f, const uint8_t *p, size_t len)
{
	if (len < 4 || memcmp(p, "INFO", 4) != 0) {
		sz_doc_report_addf(f->r, "WAV", "LIST", "%.4s (%zu bytes)",
			len >= 4 ? (const char *)p : "", len);
		return;
	}
	for (size_t at = 4; at + 8 <= len;) {
		char id[5] = { (char)p[at], (char)p[at + 1], (char)p[at + 2],
			(char)p[at + 3], 0 };
		size_t n = le32(p + at + 4);
		if (n > len - at - 8)
			break;
		report_text(f->r, "RIFF INFO", id, p + at + 8, n);
		at += 8 + n + (n & 1);
	}
}

static void report_bext(struct iff *f, const uint8_t *p, size_t len)
{
	static const struct { const char *name; size_t at, n; } fields[] = {
		{ "Description", 0, 256 }, { "Originator", 256, 32 },
		{ "OriginatorReference", 288, 32 }, { "OriginationDate", 320, 10 },
		{ "OriginationTime", 330, 8 },
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].at + fields[i].n <= len)
			report_text(f->r, "Broadcast WAV", fields[i].name,
				p + fields[i].at, fields[i].n);
	if (len > 602)
		report_text(f->r, "Broadcast WAV", "CodingHistory", p + 602,
			len - 602);
}

static void report_chunk(struct iff *f, const struct chunk *c)
{
	uint8_t *p = NULL;
	if (c->size <= SZ_DOC_MAX_SEGMENT && (p = malloc((size_t)c->size + 1)) &&
	    pread(f->fd, p, (size_t)c->size, (off_t)(c->at + 8)) !=
	    (ssize_t)c->size) {
		free(p);
		p = NULL;
	}
	size_t n = (size_t)c->size;
	const char *id = c->id;
	if (p == NULL)
		sz_doc_report_addf(f->r, f->what, "chunk", "%s (%llu bytes)", id,
			(unsigned long long)c->size);
	else if (memcmp(id, "LIST", 4) == 0)
		report_list(f, p, n);
	else if (memcmp(id, "bext", 4) == 0)
		report_bext(f, p, n);
	else if (memcmp(id, "iXML", 4) == 0)
		report_xmp(f->r, "iXML", p, n);
	else if (memcmp(id, "_PMX", 4) == 0 || memcmp(id, "axml", 4) == 0)
		report_xmp(f->r, "XMP", p, n);
	else if (memcmp(id, "id3 ", 4) == 0 || memcmp(id, "ID3 ", 4) == 0)
		report_id3v2_tag(f->r, p, n);
	else if (memcmp(id, "NAME", 4) == 0 || memcmp(id, "AUTH", 4) == 0 ||
		 memcmp(id, "(c) ", 4) == 0 || memcmp(id, "ANNO", 4) == 0)
		report_text(f->r, "AIFF", id, p, n);
	else if (memcmp(id, "COMT", 4) == 0 && n > 10)
		report_text(f->r, "AIFF", "comment", p + 10, n - 10);
	else
		sz_doc_report_addf(f->r, f->what, "chunk", "%s (%zu bytes)", id, n);
	free(p);
}

/* Walks the chunks; the kept ones are marked. */
static int walk(struct iff *f, uint64_t end)
{
	const char *const *kept = f->form == AIFF ? kept_aiff : kept_wav;
	size_t nkept = f->form == AIFF ? sizeof(kept_aiff) / sizeof(kept_aiff[0]) :
		sizeof(kept_wav) / sizeof(kept_wav[0]);
	bool audio = false, format = false;
	for (uint64_t at = 12; at + 8 <= end;) {
		uint8_t h[8];
		if (pread(f->fd, h, 8, (off_t)at) != 8)
			return sz_err_set(f->err, SZ_E_IO, "cannot read the file");
		struct chunk c = { .at = at, .size = u32(f, h + 4) };
		memcpy(c.id, h, 4);
		uint64_t room = f->file_size - at - 8;
		if (f->form == RF64 && is_audio(f, c.id) && c.size == 0xffffffffu)
			c.size = f->ds64_data;
		else if (is_audio(f, c.id) && c.size == 0xffffffffu && c.size > room)
			c.size = room;   /* a recorder that never came back */
		if (c.size > room)
			return sz_err_set(f->err, SZ_E_INVAL, "the %s is truncated "
				"(its %.4s chunk runs past the end)", f->what, c.id);
		for (size_t i = 0; i < nkept; i++)
			c.keep |= memcmp(c.id, kept[i], 4) == 0;
		if (f->form == RF64 && at == 12 && memcmp(c.id, "ds64", 4) == 0)
			c.keep = true;
		if (is_audio(f, c.id)) {
			if (audio)
				return sz_err_set(f->err, SZ_E_UNSUPPORTED, "the %s has "
					"two sample chunks", f->what);
			if (!format && f->form != AIFF)
				return sz_err_set(f->err, SZ_E_INVAL, "the %s is damaged "
					"(its samples come before their format)", f->what);
			audio = true;
		}
		if (memcmp(c.id, f->form == AIFF ? "COMM" : "fmt ", 4) == 0)
			format = true;
		if (memcmp(c.id, "wavl", 4) == 0)
			return sz_err_set(f->err, SZ_E_UNSUPPORTED, "the WAV keeps its "
				"samples in a wave list, which samizdat does not read");
		int rc = add_chunk(f, &c);
		if (rc != 0)
			return rc;
		if (!c.keep)
			report_chunk(f, &c);
		at += 8 + c.size + (c.size & 1);
	}
	if (!format || !audio)
		return sz_err_set(f->err, SZ_E_INVAL, "the %s is damaged (it has "
			"no %s)", f->what, format ? "samples" : "format chunk");
	return 0;
}

static int write_iff(struct iff *f, struct rd *in, struct wr *out,
	const uint8_t *head)
{
	uint64_t body = 4;
	for (size_t i = 0; i < f->n; i++)
		if (f->c[i].keep)
			body += 8 + f->c[i].size + (f->c[i].size & 1);
	uint8_t h[12];
	memcpy(h, head, 12);
	if (f->form == RF64)
		put32(f, h + 4, 0xffffffffu);
	else if (body > 0xffffffffu)
		return sz_err_set(f->err, SZ_E_INVAL, "the %s is larger than its "
			"format allows", f->what);
	else
		put32(f, h + 4, (uint32_t)body);
	int rc = wr_put(out, h, 12, f->err);
	for (size_t i = 0; i < f->n && rc == 0; i++) {
		const struct chunk *c = &f->c[i];
		if (!c->keep)
			continue;
		uint8_t ch[8];
		memcpy(ch, c->id, 4);
		put32(f, ch + 4, c->size > 0xffffffffu ? 0xffffffffu : (uint32_t)c->size);
		if (f->form == RF64 && is_audio(f, c->id))
			put32(f, ch + 4, 0xffffffffu);
		if ((rc = wr_put(out, ch, 8, f->err)) != 0)
			break;
		if (memcmp(c->id, "ds64", 4) == 0 && c->size >= 8) {
			/* riffSize (64 bits, little-endian) is ours to set. */
			uint8_t rs[8];
			for (int k = 0; k < 8; k++)
				rs[k] = (uint8_t)(body >> (8 * k));
			if ((rc = wr_put(out, rs, 8, f->err)) != 0 ||
			    (rc = rd_seek(in, c->at + 16, f->err)) != 0 ||
			    (rc = wr_copy(out, in, c->size - 8, f->err)) != 0)
				break;
		} else if ((rc = rd_seek(in, c->at + 8, f->err)) != 0 ||
			   (rc = wr_copy(out, in, c->size, f->err)) != 0) {
			break;
		}
		if (c->size & 1)
			rc = wr_put(out, "", 1, f->err);
	}
	return rc;
}

static int doc_iff(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err, bool aiff)
{
	struct rd *in;
	struct wr out;
	int rc = doc_begin(fd, out_path, &in, &out, err);
	if (rc != 0)
		return rc;
	struct iff f = { .fd = fd, .file_size = in->size, .r = r, .err = err,
		.be = aiff, .what = aiff ? "AIFF" : "WAV" };
	uint8_t h[12];
	if (rd_read(in, h, 12, NULL) != 0) {
		rc = sz_err_set(err, SZ_E_INVAL, "not a %s file", f.what);
		goto out;
	}
	if (aiff && memcmp(h, "FORM", 4) == 0 && (memcmp(h + 8, "AIFF", 4) == 0 ||
	    memcmp(h + 8, "AIFC", 4) == 0))
		f.form = AIFF;
	else if (!aiff && memcmp(h, "RIFF", 4) == 0 && memcmp(h + 8, "WAVE", 4) == 0)
		f.form = WAV;
	else if (!aiff && (memcmp(h, "RF64", 4) == 0 || memcmp(h, "BW64", 4) == 0) &&
		 memcmp(h + 8, "WAVE", 4) == 0)
		f.form = RF64;
	else {
		rc = sz_err_set(err, SZ_E_INVAL, "not a %s file", f.what);
		goto out;
	}
	/* The form's own length; a longer file has something appended,
	 * which goes.  RF64 keeps its lengths in ds64. */
	uint64_t end = 8 + (uint64_t)u32(&f, h + 4);
	if (f.form == RF64) {
		uint8_t ds[36];
		if (pread(fd, ds, sizeof(ds), 12) != (ssize_t)sizeof(ds) ||
		    memcmp(ds, "ds64", 4) != 0 || le32(ds + 4) < 28) {
			rc = sz_err_set(err, SZ_E_INVAL, "the RF64 file is damaged "
				"(no ds64 chunk first)");
			goto out;
		}
		end = 8 + ((uint64_t)le32(ds + 12) << 32 | le32(ds + 8));
		f.ds64_data = (uint64_t)le32(ds + 20) << 32 | le32(ds + 16);
	}
	if (end > f.file_size)
		end = f.file_size;
	else if (end < f.file_size)
		report_bytes(r, fd, f.what, "data after the end", end,
			f.file_size - end);
	if ((rc = walk(&f, end)) != 0)
		goto out;
	if (wr_active(&out))
		rc = write_iff(&f, in, &out, h);
out:
	free(f.c);
	return doc_verify(doc_finish(in, &out, rc, err), aiff ? doc_aiff :
		doc_wav, out_path, err);
}

int doc_wav(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	return doc_iff(fd, out_path, r, err, false);
}

int doc_aiff(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	return doc_iff(fd, out_path, r, err, true);
}
