/*
 * pdf_budget.h - how much a PDF inflates to, checked before anything else
 * decodes it: a 4 MB PDF whose one page stream inflated to 1 GiB grew
 * samizdat-doc to 23 GiB, and 2,000 pages sharing one 20 MB stream kept
 * poppler busy without end.
 *
 * Every stream anything here decodes (content, forms, fonts, metadata;
 * not images, which neither the scrub nor text extraction decodes) is
 * inflated once, in fixed-size chunks (pdf_decode.h), into a counter that
 * keeps nothing, and each page's drawing is added up as poppler would run it:
 * its content streams, and each form XObject as many times as it is drawn
 * (through nested forms too).  Refused with a sentence saying which limit:
 *
 *   SZ_DOC_MAX_PDF_STREAM      one stream, inflated
 *   SZ_DOC_MAX_PDF_PAGE        what one page draws, inflated
 *   SZ_DOC_MAX_PDF_PAGE_TEXT   bytes of text strings one page shows
 *   SZ_DOC_MAX_PDF_INFLATED    the whole document: every stream once,
 *                              plus every page's drawing
 *   SZ_DOC_MAX_PDF_FORM_DEPTH  forms drawing forms, this deep at most
 *   SZ_PDF_MAX_FILTERS         filters one stream chains (pdf_decode.h)
 */
#ifndef SZ_DOCS_PDF_BUDGET_H
#define SZ_DOCS_PDF_BUDGET_H

#include "core/err.h"

#define SZ_DOC_MAX_PDF_STREAM (128ull << 20)     /* one stream, inflated */
#define SZ_DOC_MAX_PDF_PAGE (128ull << 20)       /* what one page draws */
#define SZ_DOC_MAX_PDF_PAGE_TEXT (1ull << 20)    /* text bytes one page shows */
#define SZ_DOC_MAX_PDF_INFLATED (1024ull << 20)  /* a whole document */
#define SZ_DOC_MAX_PDF_FORM_DEPTH 32             /* forms within forms */
#define SZ_DOC_MAX_PDF_NAMES 65536u              /* names one content draws */

/* 0 if the PDF at path stays within every limit (and has at most
 * max_objects objects); SZ_E_LIMIT if not, SZ_E_INVAL if it cannot be
 * read. */
int sz_pdf_budget_check(const char *path, unsigned max_objects,
	struct sz_err *err);

#endif
