/*
 * internal.h - what the format handlers share: a buffered reader over the
 * input file, a writer that discards when inspecting, and the handlers'
 * entry points (dispatched from scrub.c).
 */
#ifndef SZ_DOCS_INTERNAL_H
#define SZ_DOCS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/io.h"
#include "docs/doc.h"

#define RD_BUF (64u * 1024)

/* A reader over a file descriptor, with the offset it has reached. */
struct rd {
	int fd;
	uint64_t off;    /* offset of buf[pos] in the file */
	uint64_t size;   /* file size (from fstat) */
	size_t pos, len;
	uint8_t buf[RD_BUF];
};

/* Starts at offset 0. */
int rd_init(struct rd *r, int fd, struct sz_err *err);
/* The same, allocated (64 KiB is too much for a server thread's stack);
 * NULL on failure with err set.  rd_free accepts NULL. */
struct rd *rd_new(int fd, struct sz_err *err);
void rd_free(struct rd *r);
/* Reads exactly n bytes; SZ_E_INVAL ("truncated") at end of file. */
int rd_read(struct rd *r, void *p, size_t n, struct sz_err *err);
/* Skips n bytes (reading nothing). */
int rd_skip(struct rd *r, uint64_t n, struct sz_err *err);
/* Ensures at least n (<= RD_BUF) bytes are buffered; returns how many
 * are (fewer only at end of file). */
size_t rd_fill(struct rd *r, size_t n, struct sz_err *err);
/* Moves to an absolute offset. */
int rd_seek(struct rd *r, uint64_t off, struct sz_err *err);

/* The output: a no-op when fd < 0 (inspection). */
struct wr {
	int fd;
	struct sz_writer w;
};
int wr_open(struct wr *w, const char *path, struct sz_err *err);
int wr_put(struct wr *w, const void *p, size_t n, struct sz_err *err);
/* Copies n bytes from the reader to the writer. */
int wr_copy(struct wr *w, struct rd *r, uint64_t n, struct sz_err *err);
int wr_close(struct wr *w, struct sz_err *err);
static inline bool wr_active(const struct wr *w) { return w->fd >= 0; }

/* What every stream-shaped handler starts and ends with: the reader over
 * fd and the writer to out_path (inactive when inspecting).  doc_finish
 * closes both and returns rc, or the writer's error if rc was 0. */
int doc_begin(int fd, const char *out_path, struct rd **in, struct wr *out,
	struct sz_err *err);
int doc_finish(struct rd *in, struct wr *out, int rc, struct sz_err *err);

/* Big- and little-endian loads. */
static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}
static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}
static inline uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[1] << 8 | p[0]);
}

/* A cursor over bytes in memory.  Reads past the end set bad and give
 * 0: a sticky error, checked once after a run of reads. */
struct cur {
	const uint8_t *p;
	size_t len, pos;
	bool bad;
};
static inline bool cur_has(struct cur *c, size_t n)
{
	if (c->bad || c->len - c->pos < n) {
		c->bad = true;
		return false;
	}
	return true;
}
static inline const uint8_t *cur_take(struct cur *c, size_t n)
{
	if (!cur_has(c, n))
		return NULL;
	c->pos += n;
	return c->p + c->pos - n;
}
/* An n-byte (0..8) big- or little-endian number. */
static inline uint64_t cur_be(struct cur *c, unsigned n)
{
	const uint8_t *q = cur_take(c, n);
	uint64_t v = 0;
	for (unsigned i = 0; q != NULL && i < n; i++)
		v = v << 8 | q[i];
	return v;
}
static inline uint64_t cur_le(struct cur *c, unsigned n)
{
	const uint8_t *q = cur_take(c, n);
	uint64_t v = 0;
	for (unsigned i = n; q != NULL && i > 0; i--)
		v = v << 8 | q[i - 1];
	return v;
}
static inline size_t cur_left(const struct cur *c)
{
	return c->bad ? 0 : c->len - c->pos;
}

/* A byte builder with a sticky error: the first failed append is kept
 * in rc and later appends do nothing, so a caller checks once. */
struct bld {
	struct sz_buf b;
	int rc;
};
static inline void bld_init(struct bld *o, size_t max)
{
	sz_buf_init(&o->b, max);
	o->rc = 0;
}
static inline void bld_put(struct bld *o, const void *p, size_t n)
{
	if (o->rc == 0 && n > 0)
		o->rc = sz_buf_append(&o->b, p, n);
}
static inline void bld_be(struct bld *o, uint64_t v, unsigned n)
{
	uint8_t q[8];
	for (unsigned i = 0; i < n; i++)
		q[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
	bld_put(o, q, n);
}
static inline void bld_le(struct bld *o, uint64_t v, unsigned n)
{
	uint8_t q[8];
	for (unsigned i = 0; i < n; i++)
		q[i] = (uint8_t)(v >> (8 * i));
	bld_put(o, q, n);
}
/* Overwrites n bytes at `at` (already appended) with v, big-endian. */
static inline void bld_patch_be(struct bld *o, size_t at, uint64_t v,
	unsigned n)
{
	if (o->rc == 0 && at + n <= o->b.len)
		for (unsigned i = 0; i < n; i++)
			o->b.data[at + i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

/* An ISO base media file format box (ISO/IEC 14496-12 4.2), as HEIF,
 * AVIF and the JPEG XL container use them. */
struct bmff_box {
	char type[5];     /* the four-character code, NUL-terminated */
	uint64_t at;      /* offset of its header */
	uint64_t hdr;     /* header length: 8, or 16 with a 64-bit size */
	uint64_t size;    /* whole box, header included */
};
/* Parses the header at `at` from h (avail bytes there), in a container
 * that ends at end; size 0 means "to the end".  0, or -1 when the header
 * is cut or its size impossible. */
int bmff_box(const uint8_t *h, size_t avail, uint64_t at, uint64_t end,
	struct bmff_box *b);

/* Reports an EXIF block (a TIFF structure, with or without the
 * "Exif\0\0" prefix) tag by tag, through libexif. */
void report_exif(struct sz_doc_report *r, const uint8_t *p, size_t len);
/* Reports len bytes of fd at `at` that a file hides outside its
 * structure (between headers, after the end): their count and, made
 * printable, how they begin. */
void report_bytes(struct sz_doc_report *r, int fd, const char *kind,
	const char *name, uint64_t at, uint64_t len);
/* Reports the properties in an XMP packet (name = value). */
void report_xmp(struct sz_doc_report *r, const char *kind,
	const uint8_t *p, size_t len);

/* Reports a Vorbis comment block (vendor, then NAME=value pairs), as
 * FLAC, Ogg Vorbis and Opus carry it. */
void report_vorbis(struct sz_doc_report *r, const char *kind,
	const uint8_t *p, size_t len);

/* This thread's libmagic handle for flags (MIME type or encoding),
 * loaded on first use; NULL with err set if the database cannot load. */
#include <libxml/tree.h>
#include <magic.h>
magic_t doc_magic(int flags, struct sz_err *err);
/* The same with libmagic's compound-document (OLE) tests on: tells a
 * Word 97 file from an Excel or Outlook one, for a refusal's advice. */
magic_t doc_magic_cdf(struct sz_err *err);

/* Whether sz_doc_scrub has a handler for t. */
bool doc_has_handler(enum sz_doc_type t);

/* Removes comments and <meta> tags (but the charset's) from an HTML or
 * XHTML tree, reporting each; markup.c's scrubber, shared with the
 * XHTML members of an EPUB, which are parsed and written as XML. */
void markup_scrub_tree(xmlDoc *doc, struct sz_doc_report *r);

/* Handlers: scrub (or with out_path NULL, inspect) one format. */
typedef int (*doc_handler)(int fd, const char *out_path,
	struct sz_doc_report *r, struct sz_err *err);
int doc_jpeg(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_png(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_gif(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_tiff(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_webp(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_pdf(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_ooxml(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_odf(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_epub(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_mp3(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_flac(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_ogg(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_text(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_html(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_email(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_heif(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_mp4(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_mov(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_m4a(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_3gp(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_avi(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_asf(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_mkv(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_webm(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_wav(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_aiff(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_bmp(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_pnm(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_jxl(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_svg(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_torrent(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);
int doc_css(int fd, const char *out, struct sz_doc_report *r, struct sz_err *err);

/* Whether the outermost structure of a video or audio container (of the
 * given type; what names it in messages) lies within the file: 0, or
 * SZ_E_INVAL saying where it is cut (outline.c). */
int doc_outline(int fd, enum sz_doc_type type, const char *what,
	struct sz_err *err);

/* Re-reads a scrubbed file with the handler that wrote it, inspecting
 * only: it must parse and report nothing left to remove.  Handlers end
 * with it (rc is their result, passed on as it is when it is an error or
 * when they only inspected), so a file is never passed on that its own
 * parser would refuse or find metadata in. */
int doc_verify(int rc, doc_handler h, const char *out_path,
	struct sz_err *err);

/* Reads the whole file (at most max bytes, else SZ_E_LIMIT naming what)
 * into *p, NUL-terminated; the caller frees it. */
int doc_slurp(int fd, size_t max, const char *what, uint8_t **p,
	size_t *len, struct sz_err *err);

/* CSS (css.c).  A streaming filter that removes comments and checks the
 * structure of a style sheet (balanced blocks, strings and comments
 * closed, declarations as `name: value`).  Feed it the bytes in pieces;
 * kept bytes go to emit (NULL: only check).  decls: the text is a
 * declaration list (a style attribute), not a whole sheet.  Non-empty
 * comments are reported as "CSS comment". */
struct css_filter;
typedef int (*css_emit)(void *ctx, const uint8_t *p, size_t n);
struct css_filter *css_filter_new(css_emit emit, void *ctx,
	struct sz_doc_report *r, bool decls);
/* 0, or SZ_E_INVAL when the bytes are not CSS (err says why), or the
 * emitter's error. */
int css_filter_feed(struct css_filter *f, const uint8_t *p, size_t n,
	struct sz_err *err);
/* Ends the input; *rules (may be NULL) receives how many rule blocks
 * were seen. */
int css_filter_end(struct css_filter *f, size_t *rules, struct sz_err *err);
void css_filter_free(struct css_filter *f);
/* Whether the text file fd looks like a style sheet: it parses as CSS
 * and holds at least one rule (libmagic calls CSS plain text). */
bool css_sniff(int fd);

/* Scrubs a file held in memory (an image inside an SVG) by the handler
 * of its detected type, nested at most SZ_DOC_MAX_NESTING deep.  With
 * clean NULL only inspects.  *clean (malloc'd) receives the scrubbed
 * bytes; what was found goes into r with kind prefixed by `where`. */
int doc_scrub_memory(const uint8_t *p, size_t len, const char *where,
	uint8_t **clean, size_t *clean_len, struct sz_doc_report *r,
	struct sz_err *err);

/* Reports an ID3v2 tag (its header included) found inside another
 * container (WAV, AIFF). */
void report_id3v2_tag(struct sz_doc_report *r, const uint8_t *p, size_t len);

#endif
