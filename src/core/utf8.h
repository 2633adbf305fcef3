/*
 * utf8.h - strict UTF-8 validation (no overlongs, no surrogates, nothing
 * above U+10FFFF), for every text field a client sends.
 */
#ifndef SZ_CORE_UTF8_H
#define SZ_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

bool sz_utf8_valid(const char *s, size_t len);

#endif
