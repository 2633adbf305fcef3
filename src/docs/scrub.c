/*
 * scrub.c - dispatch from a detected type to its handler.  A type without
 * a handler is refused: nothing is ever passed through as if clean.
 */
#include <fcntl.h>
#include <libxml/parser.h>
#include <string.h>
#include <unistd.h>

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
	[SZ_DOC_EMAIL] = doc_email,
	[SZ_DOC_HEIF] = doc_heif,
	[SZ_DOC_AVIF] = doc_heif,
	[SZ_DOC_MP4] = doc_mp4,
	[SZ_DOC_MOV] = doc_mov,
	[SZ_DOC_M4A] = doc_m4a,
	[SZ_DOC_3GP] = doc_3gp,
	[SZ_DOC_AVI] = doc_avi,
	[SZ_DOC_ASF] = doc_asf,
	[SZ_DOC_MKV] = doc_mkv,
	[SZ_DOC_WEBM] = doc_webm,
	[SZ_DOC_WAV] = doc_wav,
	[SZ_DOC_AIFF] = doc_aiff,
	[SZ_DOC_BMP] = doc_bmp,
	[SZ_DOC_PNM] = doc_pnm,
	[SZ_DOC_JXL] = doc_jxl,
	[SZ_DOC_SVG] = doc_svg,
	[SZ_DOC_TORRENT] = doc_torrent,
	[SZ_DOC_CSS] = doc_css,
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

int doc_verify(int rc, doc_handler h, const char *out_path,
	struct sz_err *err)
{
	if (rc != 0 || out_path == NULL)
		return rc;
	int fd = open(out_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sz_err_set(err, SZ_E_IO, "cannot read back the output");
	struct sz_doc_report again;
	sz_doc_report_init(&again);
	struct sz_err why;
	rc = h(fd, NULL, &again, &why);
	close(fd);
	if (rc != 0)
		rc = sz_err_set(err, SZ_E_INVAL, "the scrubbed copy does not "
			"read back (%s); nothing was written", why.msg);
	else if (again.len > 0)
		rc = sz_err_set(err, SZ_E_INVAL, "the scrubbed copy still "
			"carries %s (%s); nothing was written", again.items[0].kind,
			again.items[0].name);
	sz_doc_report_free(&again);
	return rc;
}
