/*
 * detect.c - what a file is, by its content (libmagic), never by its name:
 * a lying extension must not route a file past the scrubber.  Zip
 * containers are classified by their own manifest, since libmagic only
 * looks at the first entries and producers order them differently.
 */
#include <errno.h>
#include <magic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "docs/internal.h"

static const struct {
	const char *name, *ext;
} types[SZ_DOC_TYPE_COUNT] = {
	[SZ_DOC_UNKNOWN] = { "unknown", "" },
	[SZ_DOC_JPEG] = { "jpeg", ".jpg" },
	[SZ_DOC_PNG] = { "png", ".png" },
	[SZ_DOC_GIF] = { "gif", ".gif" },
	[SZ_DOC_TIFF] = { "tiff", ".tiff" },
	[SZ_DOC_WEBP] = { "webp", ".webp" },
	[SZ_DOC_PDF] = { "pdf", ".pdf" },
	[SZ_DOC_DOCX] = { "docx", ".docx" },
	[SZ_DOC_XLSX] = { "xlsx", ".xlsx" },
	[SZ_DOC_PPTX] = { "pptx", ".pptx" },
	[SZ_DOC_ODT] = { "odt", ".odt" },
	[SZ_DOC_ODS] = { "ods", ".ods" },
	[SZ_DOC_ODP] = { "odp", ".odp" },
	[SZ_DOC_ODG] = { "odg", ".odg" },
	[SZ_DOC_ODF_FORMULA] = { "odf", ".odf" },
	[SZ_DOC_EPUB] = { "epub", ".epub" },
	[SZ_DOC_MP3] = { "mp3", ".mp3" },
	[SZ_DOC_FLAC] = { "flac", ".flac" },
	[SZ_DOC_OGG] = { "ogg", ".ogg" },
	[SZ_DOC_TEXT] = { "text", ".txt" },
	[SZ_DOC_HTML] = { "html", ".html" },
	[SZ_DOC_EMAIL] = { "email", ".eml" },
	[SZ_DOC_HEIF] = { "heif", ".heic" },
	[SZ_DOC_AVIF] = { "avif", ".avif" },
	[SZ_DOC_MP4] = { "mp4", ".mp4" },
	[SZ_DOC_MOV] = { "mov", ".mov" },
	[SZ_DOC_M4A] = { "m4a", ".m4a" },
	[SZ_DOC_3GP] = { "3gp", ".3gp" },
	[SZ_DOC_AVI] = { "avi", ".avi" },
	[SZ_DOC_ASF] = { "asf", ".wmv" },
	[SZ_DOC_MKV] = { "mkv", ".mkv" },
	[SZ_DOC_WEBM] = { "webm", ".webm" },
	[SZ_DOC_WAV] = { "wav", ".wav" },
	[SZ_DOC_AIFF] = { "aiff", ".aiff" },
	[SZ_DOC_BMP] = { "bmp", ".bmp" },
	[SZ_DOC_PNM] = { "pnm", ".pnm" },
	[SZ_DOC_JXL] = { "jxl", ".jxl" },
	[SZ_DOC_SVG] = { "svg", ".svg" },
	[SZ_DOC_TORRENT] = { "torrent", ".torrent" },
	[SZ_DOC_CSS] = { "css", ".css" },
};

const char *sz_doc_type_name(enum sz_doc_type t)
{
	return t < SZ_DOC_TYPE_COUNT ? types[t].name : "unknown";
}

const char *sz_doc_type_ext(enum sz_doc_type t)
{
	return t < SZ_DOC_TYPE_COUNT ? types[t].ext : "";
}

const char *sz_doc_supported_list(void)
{
	return "JPEG, PNG, GIF, TIFF, WebP, PDF, DOCX, XLSX, PPTX, ODT, ODS, "
	       "ODP, ODG, ODF formula, EPUB, "
	       "MP3, FLAC, Ogg Vorbis/Opus, "
	       "HEIC/HEIF, AVIF, BMP, PPM/PGM/PBM/PAM, JPEG XL, SVG, "
	       "MP4/MOV/M4A/3GP, AVI, WMV/ASF, MKV/WebM, WAV, AIFF, "
	       "torrents, CSS, plain text and HTML";
}

bool sz_doc_is_zip(enum sz_doc_type t)
{
	switch (t) {
	case SZ_DOC_DOCX: case SZ_DOC_XLSX: case SZ_DOC_PPTX:
	case SZ_DOC_ODT: case SZ_DOC_ODS: case SZ_DOC_ODP:
	case SZ_DOC_ODG: case SZ_DOC_ODF_FORMULA:
	case SZ_DOC_EPUB:
		return true;
	default:
		return false;
	}
}

static const struct {
	const char *mime;
	enum sz_doc_type type;
} by_mime[] = {
	{ "image/jpeg", SZ_DOC_JPEG },
	{ "image/png", SZ_DOC_PNG },
	{ "image/gif", SZ_DOC_GIF },
	{ "image/tiff", SZ_DOC_TIFF },
	{ "image/webp", SZ_DOC_WEBP },
	{ "application/pdf", SZ_DOC_PDF },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml.document", SZ_DOC_DOCX },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", SZ_DOC_XLSX },
	{ "application/vnd.openxmlformats-officedocument.presentationml.presentation", SZ_DOC_PPTX },
	{ "application/vnd.oasis.opendocument.text", SZ_DOC_ODT },
	{ "application/vnd.oasis.opendocument.spreadsheet", SZ_DOC_ODS },
	{ "application/vnd.oasis.opendocument.presentation", SZ_DOC_ODP },
	{ "application/vnd.oasis.opendocument.graphics", SZ_DOC_ODG },
	{ "application/vnd.oasis.opendocument.formula", SZ_DOC_ODF_FORMULA },
	{ "application/epub+zip", SZ_DOC_EPUB },
	{ "audio/mpeg", SZ_DOC_MP3 },
	{ "audio/flac", SZ_DOC_FLAC },
	{ "audio/x-flac", SZ_DOC_FLAC },
	{ "audio/ogg", SZ_DOC_OGG },
	{ "application/ogg", SZ_DOC_OGG },
	{ "audio/x-vorbis+ogg", SZ_DOC_OGG },
	{ "audio/x-opus+ogg", SZ_DOC_OGG },
	{ "text/html", SZ_DOC_HTML },
	{ "message/rfc822", SZ_DOC_EMAIL },
	{ "text/plain", SZ_DOC_TEXT },
	{ "image/heic", SZ_DOC_HEIF },
	{ "image/heif", SZ_DOC_HEIF },
	{ "image/heic-sequence", SZ_DOC_HEIF },
	{ "image/heif-sequence", SZ_DOC_HEIF },
	{ "image/avif", SZ_DOC_AVIF },
	{ "video/mp4", SZ_DOC_MP4 },
	{ "video/x-m4v", SZ_DOC_MP4 },
	{ "video/quicktime", SZ_DOC_MOV },
	{ "audio/x-m4a", SZ_DOC_M4A },
	{ "audio/mp4", SZ_DOC_M4A },
	{ "video/3gpp", SZ_DOC_3GP },
	{ "video/3gpp2", SZ_DOC_3GP },
	{ "audio/3gpp", SZ_DOC_3GP },
	{ "video/x-msvideo", SZ_DOC_AVI },
	{ "video/avi", SZ_DOC_AVI },
	{ "video/x-ms-asf", SZ_DOC_ASF },
	{ "video/x-ms-wmv", SZ_DOC_ASF },
	{ "audio/x-ms-wma", SZ_DOC_ASF },
	{ "video/x-matroska", SZ_DOC_MKV },
	{ "audio/x-matroska", SZ_DOC_MKV },
	{ "video/webm", SZ_DOC_WEBM },
	{ "audio/webm", SZ_DOC_WEBM },
	{ "audio/x-wav", SZ_DOC_WAV },
	{ "audio/wav", SZ_DOC_WAV },
	{ "audio/vnd.wave", SZ_DOC_WAV },
	{ "audio/x-aiff", SZ_DOC_AIFF },
	{ "audio/aiff", SZ_DOC_AIFF },
	{ "image/bmp", SZ_DOC_BMP },
	{ "image/x-ms-bmp", SZ_DOC_BMP },
	{ "image/x-portable-bitmap", SZ_DOC_PNM },
	{ "image/x-portable-greymap", SZ_DOC_PNM },
	{ "image/x-portable-graymap", SZ_DOC_PNM },
	{ "image/x-portable-pixmap", SZ_DOC_PNM },
	{ "image/x-portable-anymap", SZ_DOC_PNM },
	{ "image/x-portable-arbitrarymap", SZ_DOC_PNM },
	{ "image/jxl", SZ_DOC_JXL },
	{ "image/svg+xml", SZ_DOC_SVG },
	{ "image/svg", SZ_DOC_SVG },
	{ "application/x-bittorrent", SZ_DOC_TORRENT },
	{ "text/css", SZ_DOC_CSS },
};

/* The main part's content type, which names the kind of an Office Open
 * XML package: documents, templates, slide shows and their
 * macro-enabled forms are the same parts to the scrubber (which refuses
 * the macros themselves).  The binary workbook (.xlsb) is not here. */
static const struct {
	const char *ct;
	enum sz_doc_type type;
} ooxml_main[] = {
	{ "wordprocessingml.document.main+xml", SZ_DOC_DOCX },
	{ "wordprocessingml.template.main+xml", SZ_DOC_DOCX },
	{ "ms-word.document.macroEnabled.main+xml", SZ_DOC_DOCX },
	{ "ms-word.template.macroEnabledTemplate.main+xml", SZ_DOC_DOCX },
	{ "spreadsheetml.sheet.main+xml", SZ_DOC_XLSX },
	{ "spreadsheetml.template.main+xml", SZ_DOC_XLSX },
	{ "ms-excel.sheet.macroEnabled.main+xml", SZ_DOC_XLSX },
	{ "ms-excel.template.macroEnabled.main+xml", SZ_DOC_XLSX },
	{ "presentationml.presentation.main+xml", SZ_DOC_PPTX },
	{ "presentationml.slideshow.main+xml", SZ_DOC_PPTX },
	{ "presentationml.template.main+xml", SZ_DOC_PPTX },
	{ "ms-powerpoint.presentation.macroEnabled.main+xml", SZ_DOC_PPTX },
	{ "ms-powerpoint.slideshow.macroEnabled.main+xml", SZ_DOC_PPTX },
	{ "ms-powerpoint.template.macroEnabled.main+xml", SZ_DOC_PPTX },
};
/* [Content_Types].xml read to classify a package (one entry per part:
 * a deck of a thousand slides stays well below). */
#define CONTENT_TYPES_MAX (256u << 10)

/* Reads a small zip member (the ODF mimetype) into buf. */
static int zip_small(zip_t *z, const char *name, char *buf, size_t cap)
{
	zip_file_t *f = zip_fopen(z, name, 0);
	if (f == NULL)
		return -1;
	zip_int64_t n = zip_fread(f, buf, cap - 1);
	zip_fclose(f);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

/* Classifies a zip by its manifest: ODF's and EPUB's `mimetype` member,
 * or the main part OOXML's [Content_Types].xml declares.  An Office file
 * that lost its [Content_Types].xml is still recognised by its main part,
 * so the scrubber can say exactly what is wrong with it.  *damaged is set
 * when libzip cannot open it at all. */
static enum sz_doc_type zip_kind(int fd, bool *damaged)
{
	static const struct {
		const char *part;
		enum sz_doc_type type;
	} main_parts[] = {
		{ "word/document.xml", SZ_DOC_DOCX },
		{ "xl/workbook.xml", SZ_DOC_XLSX },
		{ "ppt/presentation.xml", SZ_DOC_PPTX },
	};
	int dfd = dup(fd);
	*damaged = false;
	if (dfd < 0)
		return SZ_DOC_UNKNOWN;
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_filep_create(fdopen(dfd, "rb"), 0, -1, &ze);
	enum sz_doc_type t = SZ_DOC_UNKNOWN;
	if (src == NULL) {
		close(dfd);
		zip_error_fini(&ze);
		return t;
	}
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (z == NULL) {
		*damaged = true;
		zip_source_free(src);
		zip_error_fini(&ze);
		return t;
	}
	char mt[128];
	char *buf = NULL;
	if (zip_small(z, "mimetype", mt, sizeof(mt)) == 0) {
		/* A template (.ott, .ots, .otp, .otg) is the document's own
		 * format under another name, and is scrubbed as one. */
		for (size_t i = 0; i < sizeof(by_mime) / sizeof(by_mime[0]); i++) {
			size_t n = strlen(by_mime[i].mime);
			if (strncmp(mt, by_mime[i].mime, n) == 0 &&
			    (mt[n] == 0 || strcmp(mt + n, "-template") == 0) &&
			    sz_doc_is_zip(by_mime[i].type))
				t = by_mime[i].type;
		}
	} else if ((buf = malloc(CONTENT_TYPES_MAX)) != NULL &&
		   zip_small(z, "[Content_Types].xml", buf, CONTENT_TYPES_MAX) == 0) {
		/* The whole list: PowerPoint's names every slide, and the main
		 * part may come after the first few KiB. */
		for (size_t i = 0; i < sizeof(ooxml_main) / sizeof(ooxml_main[0]); i++)
			if (t == SZ_DOC_UNKNOWN && strstr(buf, ooxml_main[i].ct))
				t = ooxml_main[i].type;
	} else {
		for (size_t i = 0; i < sizeof(main_parts) / sizeof(main_parts[0]); i++)
			if (zip_name_locate(z, main_parts[i].part, 0) >= 0)
				t = main_parts[i].type;
	}
	free(buf);
	zip_close(z);
	zip_error_fini(&ze);
	return t;
}

/* One libmagic handle per thread and flag set, loaded once: loading the
 * database costs more than a detection.  libmagic handles are not
 * thread-safe, hence per thread; sz_doc_thread_done closes them. */
static __thread magic_t cache[3];

void sz_doc_thread_done(void)
{
	for (int i = 0; i < 3; i++)
		if (cache[i] != NULL) {
			magic_close(cache[i]);
			cache[i] = NULL;
		}
}

static magic_t magic_cached(int slot, int flags, struct sz_err *err)
{
	if (cache[slot] != NULL)
		return cache[slot];
	magic_t m = magic_open(flags);
	/* libmagic reads up to 7 MiB by default: the first 256 KiB are
	 * enough for every type we know, and keep memory small. */
	size_t bytes_max = 256u << 10;
	if (m != NULL)
		magic_setparam(m, MAGIC_PARAM_BYTES_MAX, &bytes_max);
	if (m == NULL || magic_load(m, NULL) != 0) {
		sz_err_set(err, SZ_E_IO, "cannot load libmagic's database: %s",
			m ? magic_error(m) : strerror(errno));
		if (m)
			magic_close(m);
		return NULL;
	}
	cache[slot] = m;
	return m;
}

magic_t doc_magic(int flags, struct sz_err *err)
{
	/* Tests for what we never handle (tar, OLE, ELF, CSV, JSON, inside
	 * compressed files) are skipped: they cost more than the rest. */
	return magic_cached((flags & MAGIC_MIME_ENCODING) ? 1 : 0,
		flags | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_TAR |
		MAGIC_NO_CHECK_CDF | MAGIC_NO_CHECK_ELF | MAGIC_NO_CHECK_APPTYPE |
		MAGIC_NO_CHECK_CSV | MAGIC_NO_CHECK_JSON, err);
}

magic_t doc_magic_cdf(struct sz_err *err)
{
	return magic_cached(2, MAGIC_MIME_TYPE | MAGIC_ERROR |
		MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_TAR | MAGIC_NO_CHECK_ELF,
		err);
}

int sz_doc_detect(int fd, enum sz_doc_type *type, char **mime,
	struct sz_err *err)
{
	*type = SZ_DOC_UNKNOWN;
	if (mime != NULL)
		*mime = NULL;
	off_t at = lseek(fd, 0, SEEK_CUR);
	magic_t m = doc_magic(MAGIC_MIME_TYPE | MAGIC_ERROR, err);
	if (m == NULL)
		return err ? err->code : SZ_E_IO;
	/* libmagic reads from the descriptor; give it its own offset. */
	int rc = 0;
	lseek(fd, 0, SEEK_SET);
	const char *got = magic_descriptor(m, fd);
	if (got == NULL) {
		rc = sz_err_set(err, SZ_E_IO, "cannot identify the file: %s",
			magic_error(m));
		goto out;
	}
	if (mime != NULL)
		*mime = strdup(got);
	for (size_t i = 0; i < sizeof(by_mime) / sizeof(by_mime[0]); i++)
		if (strcmp(got, by_mime[i].mime) == 0)
			*type = by_mime[i].type;
	/* Text with structure of its own is not plain text: RTF carries
	 * \info (author, company, dates) and revision tables, XML anything
	 * (a flat OpenDocument file its meta, Word 2003 XML its document
	 * properties).  Passed through as text, they would leave as they
	 * came in; refused, the editor is told what to do (refusal.c). */
	if (*type == SZ_DOC_UNKNOWN && strncmp(got, "text/", 5) == 0 &&
	    strcmp(got, "text/rtf") != 0 && strcmp(got, "text/xml") != 0)
		*type = SZ_DOC_TEXT;
	/* libmagic calls a style sheet plain text (or C, by its comments). */
	if (*type == SZ_DOC_TEXT && css_sniff(fd))
		*type = SZ_DOC_CSS;
	if (*type == SZ_DOC_UNKNOWN || sz_doc_is_zip(*type) ||
	    strcmp(got, "application/zip") == 0 ||
	    strcmp(got, "application/octet-stream") == 0) {
		if (strcmp(got, "application/zip") == 0 ||
		    strncmp(got, "application/vnd.", 16) == 0 ||
		    strcmp(got, "application/octet-stream") == 0) {
			lseek(fd, 0, SEEK_SET);
			bool damaged;
			*type = zip_kind(fd, &damaged);
			char sig[4];
			if (damaged && pread(fd, sig, 4, 0) == 4 &&
			    memcmp(sig, "PK\3\4", 4) == 0)
				rc = sz_err_set(err, SZ_E_INVAL,
					"the zip container is damaged or truncated (its "
					"central directory cannot be read)");
		}
	}
out:
	lseek(fd, at, SEEK_SET);
	return rc;
}
