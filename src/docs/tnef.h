/*
 * tnef.h - what Outlook's winmail.dat (application/ms-tnef) holds: its
 * attached files, and its message body as text (the plain body, else
 * the HTML body's text, else the compressed RTF body's text).  Read
 * with Debian's libytnef, after a check of our own that the stream is
 * one libytnef reads safely (every length inside the data, each
 * attribute once per message or attachment, no property of the shapes
 * it mishandles); what fails the check is refused whole, saying why.
 *
 * Not here: embedded Outlook items (attach method 5 or 6) are named but
 * not unpacked; message properties (sender, times) are not reported.
 */
#ifndef SZ_DOCS_TNEF_H
#define SZ_DOCS_TNEF_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

#define SZ_TNEF_MAX_BYTES (64u << 20)     /* a winmail.dat read whole */
#define SZ_TNEF_MAX_ATTRIBUTES 20000u
#define SZ_TNEF_MAX_FILES 256u
#define SZ_TNEF_NAME_MAX 255

struct sz_tnef_file {
	char name[SZ_TNEF_NAME_MAX + 1];   /* UTF-8 as stored, may be "" */
	const uint8_t *data;               /* NULL: an item not unpacked */
	size_t len;
};

struct sz_tnef;

/* Reads the TNEF stream p[0..len) (which must outlive nothing: the
 * result holds its own copies).  SZ_E_INVAL naming the problem when it
 * is damaged or of a shape refused, SZ_E_LIMIT past a limit. */
int sz_tnef_open(const uint8_t *p, size_t len, struct sz_tnef **t,
	struct sz_err *err);
/* The files, in order; valid until sz_tnef_free. */
size_t sz_tnef_files(const struct sz_tnef *t,
	const struct sz_tnef_file **files);
/* Appends the body's text as UTF-8 to out (nothing if it has none). */
int sz_tnef_body(const struct sz_tnef *t, struct sz_buf *out);
void sz_tnef_free(struct sz_tnef *t);

#endif
