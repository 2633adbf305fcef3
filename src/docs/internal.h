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

/* Reports an EXIF block (a TIFF structure, with or without the
 * "Exif\0\0" prefix) tag by tag, through libexif. */
void report_exif(struct sz_doc_report *r, const uint8_t *p, size_t len);
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

#endif
