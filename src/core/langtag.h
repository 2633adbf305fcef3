/*
 * langtag.h - matching what a browser asks for (an Accept-Language header
 * of RFC 9110 §12.5.4, or one language tag of BCP 47) against the few
 * languages a face has, named the gettext way ("ru", "zh_CN").
 *
 * A tag matches a language by its primary subtag ("ru-UA" is "ru",
 * "ar-EG" is "ar"), an exact region being a better match than none; for
 * Chinese the script decides: zh, zh-CN, zh-SG and zh-Hans are Simplified
 * (zh_CN), while zh-TW, zh-HK, zh-MO and zh-Hant are Traditional, which
 * is not the same written language and matches only a Traditional
 * catalogue.  The highest q-value wins, the header's order breaks ties,
 * q=0 means "not this one", and "*" means any (the first not refused).
 *
 * Deliberately bounded: at most SZ_LANGTAG_MAX_RANGES ranges are read
 * and longer tags are ignored, whatever a client sends.
 */
#ifndef SZ_CORE_LANGTAG_H
#define SZ_CORE_LANGTAG_H

#include <stdbool.h>
#include <stddef.h>

#define SZ_LANGTAG_MAX_RANGES 32
#define SZ_LANGTAG_MAX_LEN 35       /* BCP 47's recommended buffer */

/* Whether s (n bytes) is a gettext language code: ll or lll, then
 * optionally _CC ("ru", "zh_CN"). */
bool sz_langtag_is_code(const char *s, size_t n);

/* How well tag (len bytes) names the language whose gettext code is code:
 * 0 not at all, 1 by language, 2 by language and region or script. */
int sz_langtag_match(const char *tag, size_t len, const char *code);

/* The index in codes[0..n) of the best language for an Accept-Language
 * header (len bytes), or -1 if it accepts none of them. */
int sz_langtag_accept(const char *header, size_t len,
	const char *const *codes, size_t n);

#endif
