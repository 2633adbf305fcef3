/*
 * mail_raw.h - what of an e-mail's header may be published.  A leaked
 * mailbox's messages carry, besides what their authors wrote, what the
 * mail system added on the way to the mailbox owner: Received lines
 * naming hosts and addresses, Delivered-To naming the owner, the client's
 * X-Originating-IP, User-Agent and X-Mailer, spam filters' verdicts,
 * Authentication-Results and ARC seals of the receiving side, the mail
 * client's own bookkeeping (Status, X-Mozilla-*, X-Apple-*, ...), and
 * per-subscriber List-Unsubscribe links.  Any of these can say whose
 * mailbox leaked.
 *
 * So the header kept is an allow-list of what the message says (From,
 * Sender, Reply-To, To, Cc, Subject, Date, Message-ID, In-Reply-To,
 * References, MIME-Version, Content-*, DKIM-Signature), plus, in the
 * verifiable form, the fields a DKIM signature covers (its h= tag, the
 * bottom-most instances first, as verifiers pick them), so the signature
 * still verifies.  Those signed fields outside the allow-list are the
 * ones an editor must decide about; they are reported as "Signed header".
 *
 * The body is copied byte for byte: nothing here decodes or re-encodes.
 */
#ifndef SZ_DOCS_MAIL_RAW_H
#define SZ_DOCS_MAIL_RAW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "docs/doc.h"

#define SZ_RAW_MAX_HEADER (8u << 20)   /* bytes of one header block */
#define SZ_RAW_MAX_FIELDS 20000u       /* header fields in one block */
#define SZ_RAW_MAX_SIGNED 64u          /* DKIM-Signature fields followed */

/* Whether a header field (its name, any case) is part of what the
 * message says, kept in every published form. */
bool sz_mail_header_is_content(const char *name, size_t len);

struct sz_raw_summary {
	unsigned removed;        /* fields left out */
	unsigned signed_extra;   /* fields outside the allow-list kept because
	                            a DKIM signature covers them */
	bool dkim;               /* a DKIM-Signature field is present */
};

/* Writes the message at [off, off+len) of fd to the file out (at its
 * current offset; out < 0 writes nothing) with its header filtered as
 * above (keep_signed: also the DKIM-covered fields), the body unchanged.
 * report (may be NULL) receives each field left out ("Removed header")
 * and each signed field kept outside the allow-list ("Signed header"),
 * with its value.  SZ_E_LIMIT past SZ_RAW_MAX_HEADER. */
int sz_mail_raw_filter(int fd, uint64_t off, uint64_t len, int out,
	bool keep_signed, struct sz_doc_report *report,
	struct sz_raw_summary *sum, struct sz_err *err);

#endif
