/*
 * utf8.h - strict UTF-8 validation (no overlongs, no surrogates, nothing
 * above U+10FFFF), for every text field a client sends.
 */
#ifndef SZ_CORE_UTF8_H
#define SZ_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool sz_utf8_valid(const char *s, size_t len);

/* The code point at s (len bytes left) in *cp, and how many bytes it
 * takes; 0 if the bytes there are not UTF-8. */
size_t sz_utf8_next(const char *s, size_t len, uint32_t *cp);

#endif
