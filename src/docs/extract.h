/*
 * extract.h - the pieces of text extraction shared between extract.c
 * (dispatch, plain text, markup, zip documents) and the library-specific
 * files (extract_pdf.c with poppler, extract_mail.c with GMime).
 */
#ifndef SZ_DOCS_EXTRACT_H
#define SZ_DOCS_EXTRACT_H

#include <stdbool.h>

#include "docs/doc.h"

/* A sink that counts what passes and stops at SZ_DOC_MAX_TEXT. */
struct text_out {
	sz_doc_sink sink;
	void *ctx;
	uint64_t total;
	struct sz_err *err;
	unsigned mail_traces;   /* e-mail: lines naming the owner's files and
	                           trace fields of reports, left out */
};
int text_put(struct text_out *o, const char *s, size_t len);

int extract_pdf(int fd, struct text_out *o);

/* GMime, initialised once per process. */
void mail_init(void);
/* The readable text of a parsed message (with its main headers first if
 * headers); declared with an opaque type to keep GMime out of callers
 * that do not use it. */
struct _GMimeMessage;
int mail_text(struct _GMimeMessage *m, bool headers, struct text_out *o);
int extract_mail(int fd, struct text_out *o);
/* Text of an HTML document held in memory (for e-mail bodies too). */
int extract_html_mem(const char *p, size_t len, const char *encoding,
	struct text_out *o);

#endif
