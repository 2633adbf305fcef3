/*
 * rtf.h - the text of a rich-text (RTF) body, as Outlook stores it in
 * TNEF (winmail.dat): compressed RTF ([MS-OXRTFCP], "LZFu" or stored
 * "MELA") decompressed, and RTF read for its visible text: paragraphs,
 * tabs, \uN and \'hh characters in the document's code page (\ansicpg);
 * font, colour and style tables, pictures, objects, fields' instructions,
 * document information and every \* destination (Outlook's encapsulated
 * HTML tags among them) are not text.
 *
 * It does not render layout, tables or lists, and it does not follow
 * per-font charsets (\fcharset): \ansicpg decides.
 */
#ifndef SZ_DOCS_RTF_H
#define SZ_DOCS_RTF_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define SZ_RTF_MAX (32u << 20)      /* decompressed RTF kept in memory */
#define SZ_RTF_MAX_DEPTH 256u       /* nested groups followed */

/* Decompresses a compressed-RTF stream (its 16-byte header first) into
 * out (appended; at most SZ_RTF_MAX bytes).  SZ_E_INVAL when it is not
 * one. */
int sz_rtf_decompress(const uint8_t *p, size_t len, struct sz_buf *out,
	struct sz_err *err);

/* Appends the visible text of the RTF document p[0..len) to out as UTF-8
 * (SZ_E_LIMIT at out's bound, with what fitted kept).  Anything that is
 * not RTF reads as plain text with its control words dropped. */
int sz_rtf_text(const uint8_t *p, size_t len, struct sz_buf *out);

#endif
