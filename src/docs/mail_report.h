/*
 * mail_report.h - the machine-readable parts of reports about a message
 * (multipart/report, RFC 6522): bounces' message/delivery-status (RFC
 * 3464), read receipts' message/disposition-notification (RFC 8098),
 * abuse reports' message/feedback-report (RFC 5965), their UTF-8 forms
 * (RFC 6533), and the returned message's header (text/rfc822-headers,
 * message/global-headers).  They carry the original message's trace
 * fields and the names and addresses of the hosts on the way, which a
 * top-level header loses on import (mail_raw.h): here they go too.
 *
 * What a status part keeps is an allow-list of what the report says:
 * for whom it is (Final-Recipient, Original-Recipient), what happened
 * (Action, Status, Diagnostic-Code, Disposition, Feedback-Type) and to
 * which message (Original-Message-ID).  The rest names hosts and times of
 * the mail system (Reporting-MTA, Received-From-MTA: often the mailbox
 * owner's own server and the client it took the message from;
 * Remote-MTA, DSN-Gateway, MDN-Gateway, Reporting-UA; Arrival-Date,
 * Last-Attempt-Date: the moment of sending; Final-Log-ID,
 * Original-Envelope-Id and X-Postfix-Queue-ID: keys into a server's logs;
 * Source-IP; X-Postfix-Sender and other vendors' fields) and goes.
 * A returned header is filtered as a message's own header is.
 */
#ifndef SZ_DOCS_MAIL_REPORT_H
#define SZ_DOCS_MAIL_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "docs/doc.h"

enum sz_mail_report {
	SZ_MAIL_REPORT_NONE,
	SZ_MAIL_REPORT_HEADERS,   /* a returned message's header */
	SZ_MAIL_REPORT_STATUS,    /* groups of status fields */
};

/* Which report part a MIME type (lower or any case) is. */
enum sz_mail_report sz_mail_report_kind(const char *type, const char *subtype);

/* Writes p[0, n), a part of that kind, filtered to out (a file, at its
 * offset); *removed counts the fields left out, each also added to
 * report (may be NULL) as a "Removed header" with its value. */
int sz_mail_report_filter(enum sz_mail_report kind, const uint8_t *p,
	size_t n, int out, unsigned *removed, struct sz_doc_report *report,
	struct sz_err *err);

#endif
