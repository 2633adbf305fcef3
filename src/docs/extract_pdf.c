/*
 * extract_pdf.c - the text of a PDF, page by page, through poppler-glib.
 * A page at a time is in memory; pages are separated by a blank line.
 * A PDF that inflates past the limits of pdf_budget.h never reaches
 * poppler.
 */
#include <glib.h>
#include <stdio.h>
#include <poppler.h>
#include <string.h>
#include <unistd.h>

#include "docs/doc.h"
#include "docs/extract.h"
#include "docs/pdf_budget.h"

int extract_pdf(int fd, struct text_out *o)
{
	GError *gerr = NULL;
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int brc = sz_pdf_budget_check(path, SZ_DOC_MAX_PDF_OBJECTS, o->err);
	if (brc != 0)
		return brc;
	int dfd = dup(fd);
	if (dfd < 0 || lseek(dfd, 0, SEEK_SET) != 0) {
		if (dfd >= 0)
			close(dfd);
		return sz_err_set(o->err, SZ_E_IO, "cannot read the PDF");
	}
	/* poppler owns dfd from here on. */
	PopplerDocument *doc = poppler_document_new_from_fd(dfd, NULL, &gerr);
	if (doc == NULL) {
		int rc = sz_err_set(o->err, SZ_E_INVAL, "cannot read the PDF: %s",
			gerr ? gerr->message : "unknown error");
		if (gerr)
			g_error_free(gerr);
		return rc;
	}
	int rc = 0, n = poppler_document_get_n_pages(doc);
	for (int i = 0; i < n && rc == 0; i++) {
		PopplerPage *page = poppler_document_get_page(doc, i);
		if (page == NULL)
			continue;
		char *text = poppler_page_get_text(page);
		if (text != NULL) {
			size_t len = strlen(text);
			rc = text_put(o, text, len);
			if (rc == 0 && len > 0 && text[len - 1] != '\n')
				rc = text_put(o, "\n", 1);
			if (rc == 0 && i + 1 < n)
				rc = text_put(o, "\n", 1);
			g_free(text);
		}
		g_object_unref(page);
	}
	g_object_unref(doc);
	return rc;
}
