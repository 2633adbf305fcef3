/*
 * scrub.c - dispatch from a detected type to its handler.  A type without
 * a handler is refused: nothing is ever passed through as if clean.
 */
#include <libxml/parser.h>
#include <string.h>

#include "docs/internal.h"

static const doc_handler handlers[SZ_DOC_TYPE_COUNT] = {
	[SZ_DOC_JPEG] = doc_jpeg,
	[SZ_DOC_PNG] = doc_png,
	[SZ_DOC_GIF] = doc_gif,
	[SZ_DOC_TIFF] = doc_tiff,
	[SZ_DOC_WEBP] = doc_webp,
	[SZ_DOC_PDF] = doc_pdf,
	[SZ_DOC_DOCX] = doc_ooxml,
	[SZ_DOC_XLSX] = doc_ooxml,
	[SZ_DOC_PPTX] = doc_ooxml,
	[SZ_DOC_ODT] = doc_odf,
	[SZ_DOC_ODS] = doc_odf,
	[SZ_DOC_ODP] = doc_odf,
	[SZ_DOC_ODG] = doc_odf,
	[SZ_DOC_ODF_FORMULA] = doc_odf,
	[SZ_DOC_EPUB] = doc_epub,
	[SZ_DOC_MP3] = doc_mp3,
	[SZ_DOC_FLAC] = doc_flac,
	[SZ_DOC_OGG] = doc_ogg,
	[SZ_DOC_TEXT] = doc_text,
	[SZ_DOC_HTML] = doc_html,
};

static struct sz_doc_options options;

void sz_doc_init(void)
{
	xmlInitParser();
}

void sz_doc_set_options(const struct sz_doc_options *o)
{
	options = *o;
}

const struct sz_doc_options *sz_doc_options(void)
{
	return &options;
}

bool doc_has_handler(enum sz_doc_type t)
{
	return t < SZ_DOC_TYPE_COUNT && handlers[t] != NULL;
}

int sz_doc_scrub(int in_fd, enum sz_doc_type type, const char *out_path,
	struct sz_doc_report *report, struct sz_err *err)
{
	if (type >= SZ_DOC_TYPE_COUNT || handlers[type] == NULL)
		return sz_err_set(err, SZ_E_UNSUPPORTED,
			"this type of file is not supported; samizdat scrubs %s",
			sz_doc_supported_list());
	return handlers[type](in_fd, out_path, report, err);
}
