/*
 * mime.h - what the e-mail files of src/docs share about GMime (internal
 * to src/docs: callers outside see no GMime type): one set of parser
 * options, which parts are attachments, signatures or Outlook's TNEF, a
 * part's content read transfer-decoded in pieces, and a text part's text
 * in UTF-8 (through charset.h, not GMime's own conversion, which passes
 * undeclared 8-bit bytes through).
 */
#ifndef SZ_DOCS_MIME_H
#define SZ_DOCS_MIME_H

#include <gmime/gmime.h>
#include <stdbool.h>

#include "core/buf.h"
#include "docs/extract.h"
#include "docs/mail_report.h"

#define SZ_MIME_PART_MAX (256ull << 20)   /* decoded bytes read of one part */

/* Parser options for every message: 8-bit header text is tried as UTF-8,
 * then windows-1252.  Owned by the module; call mail_init() first. */
GMimeParserOptions *mime_options(void);

/* A leaf part or a forwarded message that the archive treats as an
 * attachment (not the body, not a signature). */
bool mime_is_attachment(GMimeObject *obj);
/* Which machine-readable part of a report obj is (mail_report.h): such
 * a part is neither the body nor an attachment. */
enum sz_mail_report mime_report_kind(GMimeObject *obj);
/* application/pgp-signature and the S/MIME signature types. */
bool mime_is_signature(GMimeObject *obj);
/* application/ms-tnef, or a part named winmail.dat. */
bool mime_is_tnef(GMimeObject *obj);

/* The file dates a part's Content-Disposition gives (creation-date,
 * modification-date, read-date: when the sender's file was made, changed
 * and read), as "name=value; ..." into out; false if none. */
bool mime_file_dates(GMimeObject *obj, char *out, size_t cap);

/* Visits every part of m in GMime's order (g_mime_message_foreach's:
 * the top part, then depth first), telling whether it lies in the signed
 * content of a multipart/signed; at most SZ_MIME_DEPTH_MAX deep. */
#define SZ_MIME_DEPTH_MAX 64
typedef void (*mime_walk_fn)(GMimeObject *parent, GMimeObject *part,
	bool in_signed, void *ctx);
void mime_walk(GMimeMessage *m, mime_walk_fn fn, void *ctx);

/* Reads part's content, transfer-decoded, giving fn each piece; stops at
 * max bytes (*cut set if there was more).  fn's non-zero return stops
 * the read and is returned. */
int mime_part_read(GMimePart *part, uint64_t max,
	int (*fn)(void *ctx, const uint8_t *p, size_t n), void *ctx, bool *cut);

/* A text/plain part of the body (not an attachment, not a signature):
 * where files uuencoded inside the text hide (uu.h). */
bool mime_is_plain_body(GMimeObject *obj);

/* part's content, transfer-decoded into a memory file (memfd) and mapped
 * read-only: 0 with *p and *n set (*p NULL when empty; munmap it), -1
 * when it cannot be read or is larger than SZ_MIME_PART_MAX. */
int mime_part_map(GMimePart *part, const uint8_t **p, size_t *n);

/* winmail.dat's contents (tnef.h), read from part: 0, or the error with
 * err saying why (too large, damaged).  Free *t with sz_tnef_free. */
struct sz_tnef;
int mime_tnef_open(GMimePart *part, struct sz_tnef **t, struct sz_err *err);

/* A text part's text in UTF-8 to o (HTML parts as their text). */
int mime_part_text(GMimePart *part, bool html, struct text_out *o);

/* Header text made readable: C1 control characters, which only appear
 * when windows-1252 was read as ISO-8859-1, become the windows-1252
 * characters they were; the result is cleaned UTF-8, appended to out. */
int mime_header_text(const char *s, struct sz_buf *out);

#endif
