/*
 * pnm.c - Netpbm images (PBM, PGM, PPM in plain P1-P3 and raw P4-P6
 * form, and PAM, P7) without comments.  A `#` comment in the header is
 * where scanners and converters write who, when and with what
 * ("# CREATOR: GIMP PNM Filter", a file path); it is the only metadata
 * the format has.  The header is written again in its plain form (magic,
 * width, height, maxval; PAM's named fields), the raster is copied: raw
 * rasters unchanged and streamed, plain ones number by number (comments
 * left out, at most 70 characters a line).  Every image of a multi-image
 * file is kept; anything after the last image goes.
 *
 * The raster's size follows from the header and must be in the file: a
 * header claiming a huge image is refused before anything is read.
 *
 * Not here: decoding or checking the samples of raw rasters.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docs/internal.h"

#define PNM_MAX_IMAGES 10000u
#define PNM_MAX_DIM 0x7fffffffu
#define PNM_LINE 70u

struct pnm {
	struct rd *in;
	struct wr *out;
	struct sz_doc_report *r;
	struct sz_err *err;
	unsigned kind;                 /* 1..7 */
	uint64_t w, h, depth, maxval;
	char tupltype[128];
	char line[PNM_LINE + 8];       /* a plain raster's output line */
	size_t line_len;
};

static int peek(struct pnm *p)
{
	if (rd_fill(p->in, 1, p->err) == 0)
		return -1;
	return p->in->buf[p->in->pos];
}

static bool space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/* A comment from '#' to the end of its line, reported. */
static void comment(struct pnm *p)
{
	char text[200];
	size_t n = 0;
	int c;
	p->in->pos++;
	while ((c = peek(p)) >= 0 && c != '\n' && c != '\r') {
		if (n < sizeof(text))
			text[n++] = (char)c;
		p->in->pos++;
	}
	size_t lead = 0;
	while (lead < n && text[lead] == ' ')
		lead++;
	if (n > lead)
		sz_doc_report_add(p->r, "PNM comment", "comment", text + lead,
			n - lead);
}

static void skip_space(struct pnm *p)
{
	int c;
	while ((c = peek(p)) >= 0 && (space(c) || c == '#')) {
		if (c == '#')
			comment(p);
		else
			p->in->pos++;
	}
}

static int number(struct pnm *p, uint64_t max, uint64_t *v, const char *what)
{
	skip_space(p);
	int c;
	size_t n = 0;
	*v = 0;
	while ((c = peek(p)) >= '0' && c <= '9') {
		*v = *v * 10 + (uint64_t)(c - '0');
		if (*v > max)
			return sz_err_set(p->err, SZ_E_INVAL, "the PNM image is "
				"damaged (its %s is out of range)", what);
		p->in->pos++;
		n++;
	}
	if (n == 0)
		return sz_err_set(p->err, SZ_E_INVAL, "the PNM image is damaged "
			"(no %s in its header)", what);
	return 0;
}

/* A PAM header line's word (WIDTH, ENDHDR...) into w. */
static void word(struct pnm *p, char *w, size_t cap)
{
	size_t n = 0;
	int c;
	skip_space(p);
	while ((c = peek(p)) >= 0 && !space(c)) {
		if (n + 1 < cap)
			w[n++] = (char)c;
		p->in->pos++;
	}
	w[n] = 0;
}

static int pam_header(struct pnm *p)
{
	p->tupltype[0] = 0;
	p->w = p->h = p->depth = p->maxval = 0;
	for (unsigned lines = 0; lines < 64; lines++) {
		char w[16];
		word(p, w, sizeof(w));
		int rc = 0;
		if (strcmp(w, "ENDHDR") == 0) {
			int c = peek(p);
			if (c != '\n')
				break;
			p->in->pos++;
			if (p->w == 0 || p->h == 0 || p->depth == 0 || p->maxval == 0)
				break;
			return 0;
		} else if (strcmp(w, "WIDTH") == 0) {
			rc = number(p, PNM_MAX_DIM, &p->w, "width");
		} else if (strcmp(w, "HEIGHT") == 0) {
			rc = number(p, PNM_MAX_DIM, &p->h, "height");
		} else if (strcmp(w, "DEPTH") == 0) {
			rc = number(p, 4096, &p->depth, "depth");
		} else if (strcmp(w, "MAXVAL") == 0) {
			rc = number(p, 65535, &p->maxval, "maxval");
		} else if (strcmp(w, "TUPLTYPE") == 0) {
			/* The rest of the line, words joined by one space. */
			size_t n = strlen(p->tupltype);
			int c;
			while ((c = peek(p)) == ' ' || c == '\t')
				p->in->pos++;
			if (n > 0 && n + 1 < sizeof(p->tupltype))
				p->tupltype[n++] = ' ';
			while ((c = peek(p)) >= 0 && c != '\n') {
				if (n + 1 < sizeof(p->tupltype) && c >= 0x20 && c < 0x7f)
					p->tupltype[n++] = (char)c;
				p->in->pos++;
			}
			while (n > 0 && p->tupltype[n - 1] == ' ')
				n--;
			p->tupltype[n] = 0;
		} else {
			break;
		}
		if (rc != 0)
			return rc;
	}
	return sz_err_set(p->err, SZ_E_INVAL, "the PAM image's header is "
		"damaged");
}

static int header(struct pnm *p)
{
	if (p->kind == 7)
		return pam_header(p);
	int rc = number(p, PNM_MAX_DIM, &p->w, "width");
	if (rc == 0)
		rc = number(p, PNM_MAX_DIM, &p->h, "height");
	p->maxval = 1;
	if (rc == 0 && p->kind != 1 && p->kind != 4)
		rc = number(p, 65535, &p->maxval, "maxval");
	if (rc != 0)
		return rc;
	if (p->w == 0 || p->h == 0 || p->maxval == 0)
		return sz_err_set(p->err, SZ_E_INVAL, "the PNM image is damaged "
			"(an empty image or a zero maxval)");
	/* Exactly one white-space byte (or a comment's line end) before the
	 * raster. */
	int c = peek(p);
	if (c == '#')
		comment(p);
	c = peek(p);
	if (!space(c))
		return sz_err_set(p->err, SZ_E_INVAL, "the PNM image is truncated "
			"or damaged (no raster after its header)");
	p->in->pos++;
	p->depth = p->kind == 3 || p->kind == 6 ? 3 : 1;
	return 0;
}

static int write_header(struct pnm *p)
{
	char h[320];
	int n;
	if (p->kind == 7)
		n = snprintf(h, sizeof(h), "P7\nWIDTH %llu\nHEIGHT %llu\nDEPTH %llu\n"
			"MAXVAL %llu\n%s%s%sENDHDR\n", (unsigned long long)p->w,
			(unsigned long long)p->h, (unsigned long long)p->depth,
			(unsigned long long)p->maxval, p->tupltype[0] ? "TUPLTYPE " : "",
			p->tupltype, p->tupltype[0] ? "\n" : "");
	else if (p->kind == 1 || p->kind == 4)
		n = snprintf(h, sizeof(h), "P%u\n%llu %llu\n", p->kind,
			(unsigned long long)p->w, (unsigned long long)p->h);
	else
		n = snprintf(h, sizeof(h), "P%u\n%llu %llu\n%llu\n", p->kind,
			(unsigned long long)p->w, (unsigned long long)p->h,
			(unsigned long long)p->maxval);
	return wr_put(p->out, h, (size_t)n, p->err);
}

static int line_put(struct pnm *p, const char *tok, size_t n, bool sep)
{
	int rc = 0;
	if (p->line_len + n + (sep ? 1 : 0) > PNM_LINE) {
		p->line[p->line_len++] = '\n';
		rc = wr_put(p->out, p->line, p->line_len, p->err);
		p->line_len = 0;
	}
	if (sep && p->line_len > 0)
		p->line[p->line_len++] = ' ';
	memcpy(p->line + p->line_len, tok, n);
	p->line_len += n;
	return rc;
}

/* A plain raster: samples re-emitted, comments left out. */
static int plain(struct pnm *p, uint64_t samples)
{
	p->line_len = 0;
	for (uint64_t i = 0; i < samples; i++) {
		char tok[8];
		size_t n = 0;
		skip_space(p);
		int c;
		if (p->kind == 1) {
			c = peek(p);
			if (c == '0' || c == '1') {
				tok[n++] = (char)c;
				p->in->pos++;
			}
		} else {
			uint64_t v = 0;
			while ((c = peek(p)) >= '0' && c <= '9' && n < 6) {
				v = v * 10 + (uint64_t)(c - '0');
				tok[n++] = (char)c;
				p->in->pos++;
			}
			if (v > p->maxval)
				return sz_err_set(p->err, SZ_E_INVAL, "the PNM image is "
					"damaged (a sample above its maxval)");
		}
		if (n == 0)
			return sz_err_set(p->err, SZ_E_INVAL, "the PNM image is "
				"truncated or damaged (its raster has %llu of %llu "
				"samples)", (unsigned long long)i,
				(unsigned long long)samples);
		int rc = line_put(p, tok, n, p->kind != 1);
		if (rc != 0)
			return rc;
	}
	p->line[p->line_len++] = '\n';
	int rc = wr_put(p->out, p->line, p->line_len, p->err);
	skip_space(p);
	return rc;
}

int doc_pnm(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	struct rd *in;
	struct wr out;
	int rc = doc_begin(fd, out_path, &in, &out, err);
	if (rc != 0)
		return rc;
	struct pnm *p = calloc(1, sizeof(*p));
	if (p == NULL) {
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		goto out;
	}
	*p = (struct pnm){ .in = in, .out = &out, .r = r, .err = err };
	for (unsigned images = 0;; images++) {
		size_t have = rd_fill(in, 2, err);
		const uint8_t *m = in->buf + in->pos;
		unsigned kind = have >= 2 && m[0] == 'P' ? (unsigned)(m[1] - '0') : 0;
		if (images > 0 && (kind != p->kind)) {
			uint64_t at = in->off + in->pos;
			if (at < in->size)
				report_bytes(r, fd, "PNM", "data after the image", at,
					in->size - at);
			break;
		}
		if (kind < 1 || kind > 7) {
			rc = sz_err_set(err, SZ_E_INVAL, "not a PNM image");
			goto out;
		}
		if (images == PNM_MAX_IMAGES) {
			rc = sz_err_set(err, SZ_E_LIMIT, "the PNM file holds more "
				"than %u images", PNM_MAX_IMAGES);
			goto out;
		}
		p->kind = kind;
		in->pos += 2;
		if ((rc = header(p)) != 0 || (rc = write_header(p)) != 0)
			goto out;
		uint64_t samples, bytes;
		unsigned bps = p->maxval > 255 ? 2 : 1;
		if (__builtin_mul_overflow(p->w, p->h, &samples) ||
		    __builtin_mul_overflow(samples, p->depth, &samples))
			samples = UINT64_MAX;
		if (kind <= 3) {
			if ((rc = plain(p, samples)) != 0)
				goto out;
			continue;
		}
		if (kind == 4)
			bytes = (p->w + 7) / 8 * p->h;
		else if (__builtin_mul_overflow(samples, bps, &bytes))
			bytes = UINT64_MAX;
		uint64_t at = in->off + in->pos;
		if (bytes > in->size - at) {
			rc = sz_err_set(err, SZ_E_INVAL, "the PNM image is truncated "
				"(a %llux%llu raster does not fit in the file)",
				(unsigned long long)p->w, (unsigned long long)p->h);
			goto out;
		}
		if ((rc = wr_copy(&out, in, bytes, err)) != 0)
			goto out;
		/* Another image may follow, after white space. */
		int c;
		while ((c = peek(p)) >= 0 && space(c))
			in->pos++;
		if (c < 0)
			break;
	}
out:
	free(p);
	rc = doc_verify(doc_finish(in, &out, rc, err), doc_pnm, out_path, err);
	return rc;
}
