/*
 * mail_box.h - how a mailbox file lays out its messages, before GMime
 * parses them (private to src/docs/mail*.c): its line ends (LF, CRLF,
 * or classic Mac OS's bare CR, translated), where its first message
 * starts (after a byte-order mark or blank lines), whether it is an mbox
 * ("From " lines), an MMDF file (lines of four Ctrl-A) or one message,
 * and MMDF's message ranges.  Everything is read in bounded pieces.
 */
#ifndef SZ_DOCS_MAIL_BOX_H
#define SZ_DOCS_MAIL_BOX_H

#include <stdbool.h>
#include <sys/types.h>

#include "core/err.h"

#define SZ_MAIL_SNIFF_BYTES (64u << 10)  /* read to tell the line ends */
#define SZ_MAIL_FROM_LINE_MAX 4096u       /* an MMDF message's From_ line */

enum sz_mail_layout { SZ_MAIL_ONE, SZ_MAIL_MBOX, SZ_MAIL_MMDF };

/* fd as GMime can read it: *out is a new descriptor of fd's file (dup),
 * or, when its lines end in a bare CR, of a copy with each bare CR made
 * an LF (so *translated): an unlinked file under tmpdir, or a memory
 * file when tmpdir is NULL (for one message, whose size the caller has
 * bounded).  Close *out when done. */
int sz_mail_box_lf(int fd, const char *tmpdir, int *out, bool *translated,
	struct sz_err *err);

/* Opens path for GMime: *fd is the file itself, or, when its lines end
 * in a bare CR, an unlinked copy under tmpdir with each bare CR made an
 * LF (so *translated).  Close *fd when done. */
int sz_mail_box_open(const char *path, const char *tmpdir, int *fd,
	bool *translated, struct sz_err *err);

/* What fd holds and where its first message starts (*start, past a
 * UTF-8 byte-order mark, and, before an mbox's or MMDF's first
 * separator, past blank lines). */
enum sz_mail_layout sz_mail_box_layout(int fd, off_t *start);

/* Called per MMDF message with its range [start, stop) of fd (its From_
 * line, if any, left out); a non-zero return stops the walk. */
typedef int (*sz_mail_range_fn)(void *ctx, off_t start, off_t stop);
/* The messages between MMDF's separator lines, from start; blank ranges
 * (between a closing and an opening separator) are no message. */
int sz_mail_box_mmdf(int fd, off_t start, sz_mail_range_fn fn, void *ctx,
	struct sz_err *err);

#endif
