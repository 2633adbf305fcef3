/*
 * fuzz_extract.c - text extraction and summaries on arbitrary bytes: the
 * first byte picks e-mail, HTML, plain text or a zip document (EPUB,
 * Office, OpenDocument); the text that comes out is then summarised.  Nothing may crash, hang or exceed the text limit.
 */
#include <assert.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/io.h"
#include "docs/doc.h"
#include "fuzz.h"

static int sink(void *ctx, const uint8_t *p, size_t n)
{
	return sz_buf_append(ctx, p, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	static const enum sz_doc_type types[] = { SZ_DOC_EMAIL, SZ_DOC_HTML,
		SZ_DOC_TEXT, SZ_DOC_EPUB, SZ_DOC_DOCX, SZ_DOC_XLSX, SZ_DOC_PPTX,
		SZ_DOC_ODT, SZ_DOC_ODF_FORMULA, SZ_DOC_ODG };
	enum sz_doc_type t = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	int fd = memfd_create("fuzz-extract", MFD_CLOEXEC);
	assert(fd >= 0 && sz_write_all(fd, data + 1, size - 1) == 0);
	struct sz_buf text, sum;
	struct sz_err err;
	sz_buf_init(&text, 16u << 20);
	sz_buf_init(&sum, 1u << 20);
	size_t words;
	if (sz_doc_extract(fd, NULL, t, sink, &text, &err) == 0)
		(void)sz_doc_summarize((const char *)text.data, text.len, 3, &sum,
			&words, &err);
	sz_buf_free(&text);
	sz_buf_free(&sum);
	close(fd);
	return 0;
}
