/*
 * flowed.h - text/plain; format=flowed (RFC 3676) read back as its author
 * wrote it: lines that a mail program broke to fit 78 columns (each
 * ending in a space) are joined into the paragraphs they were, quoted
 * paragraphs at their own depth ("> " as many times as it is deep), the
 * signature separator ("-- ") kept as the fixed line it is, and space-
 * stuffing undone.  Fixed lines (not ending in a space) stay as they are:
 * a quote, a list, code or a poem keeps its line breaks.
 *
 * Output is at most the input's length plus the quote marks it rewrites
 * (never more than twice the input); memory is the output buffer's.
 */
#ifndef SZ_DOCS_FLOWED_H
#define SZ_DOCS_FLOWED_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

/* Decodes text (len bytes, lines ending in LF or CRLF) into out, lines
 * ending in LF.  delsp: the part said DelSp=yes (the space that marks a
 * flowed line was added by the sender's program and goes too).  0, or
 * SZ_E_LIMIT if out is full (what fitted is there). */
int sz_flowed_decode(const char *text, size_t len, bool delsp,
	struct sz_buf *out);

#endif
