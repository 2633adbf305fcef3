/*
 * mail_local.h - lines in which a mail client named the mailbox owner's
 * own files.  Eudora kept attachments outside the mailbox and left in the
 * body a line pointing at them:
 *
 *   Attachment Converted: "C:\Eudora\Attach\report.doc"
 *   Attachment converted: Macintosh HD:Eudora Folder:Attachments Folder:memo (WDBN/MSWD) (0001A2B3)
 *   Embedded Content: image001.jpg: 00000001,2d5f4ee8,00000000,00000000
 *
 * A path says whose machine it was (C:\Documents and Settings\jsmith\…,
 * a disk's name).  Each such line, quoted ("> ") or not, becomes
 * "[attachment not in the mailbox: report.doc]": the file's base name
 * only, the quoting and the line end kept.
 *
 * The filter streams: it holds one line at most (SZ_MAIL_LOCAL_LINE_MAX;
 * a longer line is not such a line and passes as it is).  It reads
 * bytes in any ASCII-compatible charset and does not decode anything.
 */
#ifndef SZ_DOCS_MAIL_LOCAL_H
#define SZ_DOCS_MAIL_LOCAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SZ_MAIL_LOCAL_LINE_MAX 2048u   /* bytes of a line looked at */
#define SZ_MAIL_LOCAL_NAME_MAX 255u    /* bytes of a base name kept */

struct sz_mail_local {
	int (*sink)(void *ctx, const uint8_t *p, size_t n);
	void *ctx;
	/* Optional: told of each line replaced (its path as written, without
	 * the quoting, and the base name kept). */
	void (*found)(void *ctx, const char *path, const char *name);
	void *found_ctx;
	unsigned replaced;              /* lines replaced so far */
	size_t len;
	bool passing;                   /* in a line too long to be one */
	uint8_t line[SZ_MAIL_LOCAL_LINE_MAX];
};

/* Starts a filter writing to sink (which returns 0, or an error that
 * sz_mail_local_write returns). */
void sz_mail_local_init(struct sz_mail_local *f,
	int (*sink)(void *ctx, const uint8_t *p, size_t n), void *ctx);
int sz_mail_local_write(struct sz_mail_local *f, const uint8_t *p, size_t n);
/* Passes on the last line (one without a line end). */
int sz_mail_local_end(struct sz_mail_local *f);

#endif
