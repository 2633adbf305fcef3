/*
 * charset.h - text in whatever character set it came in, read as mail
 * clients and browsers read it, and converted to UTF-8:
 *
 *   - a byte-order mark wins;
 *   - else the declared charset (MIME parameter, or for HTML that says
 *     nothing in its MIME header, its <meta charset>), under the WHATWG
 *     Encoding Standard's labels (iso-8859-1 and us-ascii mean
 *     windows-1252, gb2312 means GBK, ks_c_5601-1987 means windows-949,
 *     shift_jis means windows-31j, ...);
 *   - 8-bit bytes declared (or defaulted) as US-ASCII, ISO-8859-1 or
 *     windows-1252 are windows-1252, unless they are valid UTF-8 with at
 *     least one multi-byte character (mislabelled UTF-8 is common, and
 *     windows-1252 text that happens to be valid UTF-8 is not);
 *   - text declared UTF-8 in which no multi-byte character is valid is
 *     windows-1252 mislabelled;
 *   - an unknown label is as good as none;
 *   - what is still invalid becomes U+FFFD, and U+0000 is dropped.
 *
 * The decision looks at a bounded head of the text (SZ_CHARSET_SNIFF_MAX);
 * conversion then streams, so text of any length is converted in bounded
 * memory.  It does not guess among legacy charsets from statistics: a
 * declared KOI8-R is KOI8-R, an undeclared one reads as windows-1252.
 */
#ifndef SZ_DOCS_CHARSET_H
#define SZ_DOCS_CHARSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define SZ_CHARSET_SNIFF_MAX (64u << 10)   /* bytes looked at to decide */
#define SZ_CHARSET_META_SCAN 1024u         /* where <meta charset> counts */
#define SZ_CHARSET_NAME_MAX 40

/* Decides how to read bytes whose head (len bytes, at most the sniff
 * limit matters) is given, declared with label (NULL or "" when nothing
 * was declared; html: then <meta charset> is looked for).  Writes the
 * iconv name to read them with into name (cap >= SZ_CHARSET_NAME_MAX),
 * and returns how many bytes of byte-order mark to skip. */
size_t sz_charset_decide(const char *label, const uint8_t *head, size_t len,
	bool html, char *name, size_t cap);

/* The charset an HTML document declares in a <meta> in its first
 * SZ_CHARSET_META_SCAN bytes (the WHATWG prescan), into label; false if
 * none. */
bool sz_charset_meta(const uint8_t *p, size_t len, char *label, size_t cap);

/* The iconv name for a Windows code page number (RTF's \ansicpg, TNEF's
 * OEM code page): 65001 UTF-8, 932 windows-31j, 936 GBK, ...; an unknown
 * one is windows-1252. */
void sz_charset_codepage(unsigned cp, char *name, size_t cap);

/* A streaming converter to UTF-8 from the charset decide() chose. */
struct sz_charset_conv;
typedef int (*sz_charset_sink)(void *ctx, const char *p, size_t n);
/* SZ_E_UNSUPPORTED when iconv cannot read name. */
int sz_charset_open(struct sz_charset_conv **c, const char *name,
	sz_charset_sink sink, void *ctx, struct sz_err *err);
/* Converts in[0..len) (a sequence cut between calls is completed by the
 * next); last flushes what is left.  Returns the sink's error, if any. */
int sz_charset_feed(struct sz_charset_conv *c, const uint8_t *in, size_t len,
	bool last);
void sz_charset_close(struct sz_charset_conv *c);

/* Decides and converts p[0..len) in one call, appending UTF-8 to out
 * (SZ_E_LIMIT when out's bound is reached: what fitted is kept). */
int sz_charset_to_utf8(const char *label, const uint8_t *p, size_t len,
	bool html, struct sz_buf *out);

#endif
