/*
 * mo.h - a gettext message catalogue (a GNU .mo file, as msgfmt writes
 * it), read whole into memory once and then looked up by any number of
 * threads at once.
 *
 * Why not gettext(3) itself: its language belongs to the process
 * (setlocale, $LANGUAGE), while a face answers each request in that
 * reader's language, in many threads at once.  uselocale() would make it
 * per thread, but only for locales generated on the server (ru_RU.UTF-8
 * and so on, which a minimal Debian has not), and gettext opens its files
 * lazily, after a face has locked itself in.  So a face reads its few
 * catalogues here at start and needs nothing of the system afterwards.
 *
 * A catalogue is data from the disk and is checked as such before use:
 * the magic number (either byte order) and major revision; every string
 * inside the file and NUL-terminated; the charset UTF-8 (the only one
 * accepted) and every translation valid UTF-8; the Plural-Forms (plural.h);
 * each msgid once.  A translation whose printf directives are not a prefix
 * of its msgid's (same conversions, same order, none positional, no %n)
 * is dropped, so a damaged catalogue can never make printf read an
 * argument that is not there: the English text is shown instead.
 * Limits are the SZ_MO_* constants, checked before anything is allocated.
 */
#ifndef SZ_CORE_MO_H
#define SZ_CORE_MO_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/plural.h"

#define SZ_MO_MAX_BYTES (8 * 1024 * 1024)
#define SZ_MO_MAX_STRINGS 50000
#define SZ_MO_CONTEXT_SEP '\004'    /* msgctxt EOT msgid, as in the file */

struct sz_mo;

/* Reads a catalogue from len bytes at data (copied).  *out is freed with
 * sz_mo_free. */
int sz_mo_parse(struct sz_mo **out, const void *data, size_t len,
	struct sz_err *err);
/* Reads the catalogue in file path. */
int sz_mo_load(struct sz_mo **out, const char *path, struct sz_err *err);
/* Accepts NULL. */
void sz_mo_free(struct sz_mo *mo);

/* The translation of msgid (in context ctx, or none if NULL), or NULL if
 * the catalogue has none: the caller shows msgid.  The string lives as
 * long as the catalogue. */
const char *sz_mo_find(const struct sz_mo *mo, const char *ctx,
	const char *msgid);
/* The form for n of a message with a plural (msgid is its singular), or
 * NULL if it is not translated. */
const char *sz_mo_find_plural(const struct sz_mo *mo, const char *ctx,
	const char *msgid, unsigned long n);

/* The value of a header field ("Language"), copied into out; false if
 * the header has no such field or it does not fit. */
bool sz_mo_header(const struct sz_mo *mo, const char *field, char *out,
	size_t cap);
/* How many translations are kept, and how many were dropped (their
 * directives did not match their msgid's). */
size_t sz_mo_count(const struct sz_mo *mo);
size_t sz_mo_dropped(const struct sz_mo *mo);
/* The catalogue's plural rule. */
const struct sz_plural *sz_mo_plural(const struct sz_mo *mo);

#endif
