/*
 * utf8.h - strict UTF-8 validation (no overlongs, no surrogates, nothing
 * above U+10FFFF), for every text field a client sends; and cleaning,
 * for text that must reach a page, a feed, JSON or an index: valid UTF-8
 * with no control characters, whatever bytes came in.
 */
#ifndef SZ_CORE_UTF8_H
#define SZ_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

bool sz_utf8_valid(const char *s, size_t len);

/* The code point at s (len bytes left) in *cp, and how many bytes it
 * takes; 0 if the bytes there are not UTF-8. */
size_t sz_utf8_next(const char *s, size_t len, uint32_t *cp);

/* The length of the valid sequence at s[0..len) (1 to 4), or 0 when the
 * bytes there do not start one (sz_utf8_next without the code point). */
size_t sz_utf8_seq(const unsigned char *s, size_t len);

/* True if s is valid UTF-8 holding no control character that cleaning
 * would remove (C0 other than \t and \n, DEL, C1; in single-line text
 * also \t and \n), so sz_utf8_clean would copy it unchanged. */
bool sz_utf8_is_clean(const char *s, size_t len, bool multiline);

/* Appends s[0..len) to out cleaned: each byte that does not start a
 * valid sequence becomes U+FFFD; control characters are dropped, except
 * that \r\n and a lone \r become \n, and \t and \n stay in multiline
 * text (single-line text gets a space for each).  0, or the buffer's
 * error (SZ_E_LIMIT past its bound: what fitted is kept, cut at a
 * character boundary). */
int sz_utf8_clean(struct sz_buf *out, const char *s, size_t len,
	bool multiline);

/* Cleans a NUL-terminated single-line string held in a char array of cap
 * bytes, in place, cutting at a character boundary if U+FFFD makes it
 * longer than fits. */
void sz_utf8_clean_field(char *field, size_t cap);

#endif
