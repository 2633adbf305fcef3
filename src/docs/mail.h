/*
 * mail.h - e-mail collections read with GMime: an mbox or MMDF file, a Maildir
 * (cur/ and new/, in name order) or a single message, one message at a
 * time, with its raw bytes located exactly (never re-serialised), its
 * headers decoded from encoded words and legacy charsets, its text, and
 * its attachments written to temporary files on request.
 *
 * Memory stays bounded whatever the mailbox size: GMime reads the file
 * through a seekable stream and keeps parts as offsets into it.
 */
#ifndef SZ_DOCS_MAIL_H
#define SZ_DOCS_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define SZ_MAIL_MAX_MESSAGE (256ull << 20)   /* bytes of one raw message */
#define SZ_MAIL_MAX_ATTACHMENTS 256u          /* per message */
#define SZ_MAIL_MAX_TEXT (16u << 20)          /* indexed text per message */
#define SZ_MAIL_MAX_ADDRESSES 1000u           /* per To or Cc list */
#define SZ_MAIL_MAX_ADDRESS_TEXT (64u << 10)  /* bytes of one such list */
#define SZ_MAIL_MAX_SUBJECT (16u << 10)       /* bytes of a subject kept */

struct sz_mail {
	int64_t index;               /* 0, 1, ... in the source's order */
	const char *message_id;      /* without <>, "" if none */
	const char *thread_root;     /* the id the thread is keyed on */
	const char *subject;         /* decoded, clean UTF-8, "" if none */
	const char *from_addr, *from_name;   /* clean UTF-8 */
	/* One recipient per line, "address\tname\n" (name may be empty),
	 * from GMime's parsed lists: never taken from a display name. */
	const char *to, *cc;
	int64_t date;                /* seconds since the epoch, 0 if none */
	int raw_fd;                  /* the source file */
	uint64_t raw_off, raw_len;   /* where the message's bytes are */
	const char *text;            /* body text, UTF-8 */
	size_t text_len;
	bool pgp_signed;             /* a PGP signature is in it (pgp.h checks) */
	/* Lines naming the mailbox owner's files (mail_local.h) and trace
	 * fields inside reports, left out of text: the raw form must be the
	 * scrubbed one, which leaves them out too. */
	unsigned traces;
	void *priv;                  /* the parsed message, for attachments */
};

/* Called per message; a non-zero return stops the walk with that code. */
typedef int (*sz_mail_fn)(void *ctx, const struct sz_mail *m,
	struct sz_err *err);

/* Walks path: a Maildir if it is a directory with cur/ or new/, an mbox
 * if it starts with "From " (after a byte-order mark or blank lines), an
 * MMDF file if with four Ctrl-A, else one message; in LF, CRLF or
 * classic Mac OS CR line ends (a CR-only file is read through an unlinked
 * copy in tmpdir, with LF ends: m->raw_fd is that copy).  With
 * unreadable non-NULL, a file of a Maildir or a message of an MMDF file
 * that is no e-mail at all (no header: a digest's text saved alone) is
 * skipped and counted there; with NULL it stops the walk with an error.
 * A single file that is no e-mail is an error either way. */
int sz_mail_each(const char *path, const char *tmpdir, sz_mail_fn fn,
	void *ctx, int64_t *unreadable, struct sz_err *err);

/* Whether fd holds an mbox or MMDF mailbox (as sz_mail_each reads it:
 * after a byte-order mark or blank lines, in any line ends). */
bool sz_mail_is_box(int fd);

/* One attachment, its decoded content in a temporary file. */
struct sz_mail_part {
	const char *filename;   /* cleaned of folders and controls, never "" */
	int fd;                 /* the content at offset 0; -1 with problem */
	unsigned index;         /* 1, 2, ... in the order of the walk */
	unsigned container;     /* a file from winmail.dat: winmail.dat's
	                           index (winmail.dat itself is not given);
	                           else 0 */
	bool message;           /* a forwarded message (message/rfc822) */
	bool signed_pgp;        /* inside a multipart/signed's signed part */
	const char *problem;    /* non-NULL: it could not be unpacked, why */
	const char *mime_dates; /* non-NULL: the file dates its MIME header
	                           gives ("creation-date=...; ..."), which
	                           the scrubbed form leaves out */
};

/* Called per attachment; a non-zero return stops the walk. */
typedef int (*sz_mail_attachment_fn)(void *ctx,
	const struct sz_mail_part *a, struct sz_err *err);
/* Writes each attachment of m into a temporary file under tmpdir (gone
 * when closed) and calls fn, in GMime's order of parts; signature parts
 * are not attachments, and the files inside a winmail.dat come in its
 * place. */
int sz_mail_attachments(const struct sz_mail *m, const char *tmpdir,
	sz_mail_attachment_fn fn, void *ctx, struct sz_err *err);

#endif
