/*
 * jp2.h - a JPEG 2000 file (JP2/JPX boxes) held in memory, as PDFs carry
 * their JPXDecode images, rewritten with only the boxes a decoder needs:
 * the signature, file type, reader requirements, header (colour,
 * resolution, palette) and codestream, and JPX's compositing boxes.
 * Dropped: XMP and GeoJP2 `uuid` boxes (a scanner's or camera's make and
 * model, GPS), `xml ` boxes, intellectual-property (`jp2i`), UUID info
 * (`uinf`, with URLs) and JPX associations and labels (`asoc`, `lbl `),
 * and anything unknown.
 *
 * A bare codestream (J2K, starting FF 4F) has no boxes and is left as it
 * is.  It does not decode or re-encode the image.
 */
#ifndef SZ_DOCS_JP2_H
#define SZ_DOCS_JP2_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "docs/doc.h"

/* Whether p[0..len) starts with the JP2 signature box. */
int sz_jp2_is_boxed(const uint8_t *p, size_t len);

/* Reports each box that would go into r (kind "JPEG 2000"); with out
 * non-NULL, *out (malloc'd, the caller frees) receives the file without
 * them and *out_len its length (never more than len).  SZ_E_INVAL when
 * the boxes do not fit the file, SZ_E_LIMIT past SZ_DOC_MAX_BOXES. */
int sz_jp2_clean(const uint8_t *p, size_t len, uint8_t **out,
	size_t *out_len, struct sz_doc_report *r, struct sz_err *err);

#endif
