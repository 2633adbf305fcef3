/*
 * doc.h - the document pipeline: what a file is (by its content, never its
 * name), what identifying metadata it carries, a copy without it, its text,
 * and a summary of that text.
 *
 * One handler per format does both inspection and scrubbing: run without
 * an output it only reports, so `inspect` and `scrub` can never disagree
 * about what a file holds.  Handlers never re-encode content (JPEG scans,
 * PNG image data, audio frames and PDF page streams are copied as they are),
 * so a scrubbed file shows exactly what the original showed.
 *
 * Not here: decoding pixels or audio, OCR, repairing damaged files (a file
 * we cannot parse is refused, never passed through as if clean).
 */
#ifndef SZ_DOCS_DOC_H
#define SZ_DOCS_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

enum sz_doc_type {
	SZ_DOC_UNKNOWN = 0,
	SZ_DOC_JPEG,
	SZ_DOC_PNG,
	SZ_DOC_GIF,
	SZ_DOC_TIFF,
	SZ_DOC_WEBP,
	SZ_DOC_PDF,
	SZ_DOC_DOCX,
	SZ_DOC_XLSX,
	SZ_DOC_PPTX,
	SZ_DOC_ODT,
	SZ_DOC_ODS,
	SZ_DOC_ODP,
	SZ_DOC_ODG,          /* OpenDocument drawing */
	SZ_DOC_ODF_FORMULA,  /* OpenDocument formula (.odf) */
	SZ_DOC_EPUB,
	SZ_DOC_MP3,
	SZ_DOC_FLAC,
	SZ_DOC_OGG,
	SZ_DOC_TEXT,
	SZ_DOC_HTML,
	SZ_DOC_EMAIL,   /* scrubbed: trace headers out, attachments scrubbed */
	/* Photos in ISOBMFF (isobmff.c). */
	SZ_DOC_HEIF,
	SZ_DOC_AVIF,
	/* Video and audio containers, remuxed by libavformat (remux.c). */
	SZ_DOC_MP4,
	SZ_DOC_MOV,
	SZ_DOC_M4A,
	SZ_DOC_3GP,
	SZ_DOC_AVI,
	SZ_DOC_ASF,
	SZ_DOC_MKV,
	SZ_DOC_WEBM,
	/* Chunked audio (riff.c), simple images, vector and text formats. */
	SZ_DOC_WAV,
	SZ_DOC_AIFF,
	SZ_DOC_BMP,
	SZ_DOC_PNM,
	SZ_DOC_JXL,
	SZ_DOC_SVG,
	SZ_DOC_TORRENT,
	SZ_DOC_CSS,
	SZ_DOC_TYPE_COUNT
};

/* Limits: every handler checks these before it allocates. */
#define SZ_DOC_MAX_SEGMENT (16u << 20)      /* one metadata block kept in memory */
#define SZ_DOC_MAX_ZIP_ENTRIES 10000u
#define SZ_DOC_MAX_ZIP_TOTAL (2ull << 30)    /* decompressed bytes in a zip */
#define SZ_DOC_MAX_ZIP_RATIO 200u            /* decompressed/compressed per entry */
#define SZ_DOC_MAX_XML_PART (64u << 20)      /* one XML part, decompressed */
#define SZ_DOC_MAX_MARKUP (64u << 20)        /* an HTML file */
#define SZ_DOC_MAX_PDF_OBJECTS 2000000u
/* PDF inflation limits: pdf_budget.h. */
#define SZ_DOC_MAX_IFDS 4096u                /* TIFF directories in all */
#define SZ_DOC_MAX_TEXT (256u << 20)         /* extracted text per document */
#define SZ_DOC_MAX_BOXES 100000u             /* ISOBMFF/JXL boxes, RIFF/IFF chunks */
#define SZ_DOC_MAX_ITEMS 65536u              /* HEIF items, properties, references */
#define SZ_DOC_MAX_SVG (32u << 20)           /* an SVG file (parsed into a tree) */
#define SZ_DOC_MAX_TORRENT (64u << 20)       /* a .torrent file */
#define SZ_DOC_MAX_CSS (64u << 20)           /* a stylesheet */
#define SZ_DOC_MAX_NESTING 4u                /* images inside images (SVG data: URIs) */

/* Prepares the libraries for use from several threads; call once at
 * start, before any thread uses this module. */
void sz_doc_init(void);
/* Releases what this thread cached (libmagic's database); call before a
 * thread that used this module ends. */
void sz_doc_thread_done(void);

/* A short lowercase name ("jpeg", "docx"), and the list of scrubbable
 * types as one line for error messages. */
const char *sz_doc_type_name(enum sz_doc_type t);
const char *sz_doc_supported_list(void);
/* The conventional extension with its dot (".jpg"), "" if none. */
const char *sz_doc_type_ext(enum sz_doc_type t);
/* Why a file that sz_doc_detect found no scrubbable type for is refused,
 * and what the editor can do instead (convert an Office 97-2003 or RTF
 * file with LibreOffice, export an Outlook .msg as e-mail...), as one
 * static sentence; NULL when there is nothing to add to the list of
 * supported types.  mime is what sz_doc_detect gave (may be NULL); fd
 * (may be -1) is read with pread, its offset kept. */
const char *sz_doc_refusal(int fd, const char *mime);
/* Whether t is a zip container (Office, OpenDocument, EPUB). */
bool sz_doc_is_zip(enum sz_doc_type t);

/*
 * Detects the type of the open file fd (a regular file; its offset is
 * restored) by content with libmagic; zip containers are classified by
 * their own manifest.  SZ_DOC_UNKNOWN with 0 if it is none of ours.
 * *mime (may be NULL) receives libmagic's answer, owned by the caller.
 */
int sz_doc_detect(int fd, enum sz_doc_type *type, char **mime,
	struct sz_err *err);

/* What a handler found (inspect) or removed (scrub): kind ("EXIF",
 * "XMP", "PDF Info", "docProps"), a name and a value, each printable
 * UTF-8, truncated. */
struct sz_doc_item {
	char *kind;
	char *name;
	char *value;
};

struct sz_doc_report {
	struct sz_doc_item *items;
	size_t len, cap;
	bool truncated;     /* more than SZ_DOC_REPORT_MAX items were found */
};
#define SZ_DOC_REPORT_MAX 10000u

void sz_doc_report_init(struct sz_doc_report *r);
/* Adds one item; value may be NULL or binary (it is made printable and
 * cut at 200 characters).  Out of memory or past the cap only marks the
 * report truncated: a report never makes a scrub fail. */
void sz_doc_report_add(struct sz_doc_report *r, const char *kind,
	const char *name, const char *value, size_t value_len);
void sz_doc_report_addf(struct sz_doc_report *r, const char *kind,
	const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void sz_doc_report_free(struct sz_doc_report *r);

/*
 * Scrubs the file open at in_fd (of the given type) into out_path, a file
 * the caller created and owns (it is truncated and written; on failure its
 * contents are undefined and the caller removes it).  With out_path NULL
 * nothing is written: the handler only reports (inspection).  Everything
 * found (and, when writing, removed) goes into report.
 *
 * Fails with SZ_E_UNSUPPORTED for a type we do not scrub, SZ_E_INVAL for
 * a file that does not parse as its type, SZ_E_LIMIT past a limit.
 */
int sz_doc_scrub(int in_fd, enum sz_doc_type type, const char *out_path,
	struct sz_doc_report *report, struct sz_err *err);

/* Options a caller may relax. */
struct sz_doc_options {
	bool allow_unknown_members;  /* copy zip members we do not know */
};
void sz_doc_set_options(const struct sz_doc_options *o);
const struct sz_doc_options *sz_doc_options(void);

/*
 * Text extraction: calls sink with UTF-8 text in pieces, in reading
 * order, paragraphs separated by blank lines.  At most SZ_DOC_MAX_TEXT
 * bytes are produced (then SZ_E_LIMIT).  path is the file's name, for the
 * libraries that open by name (poppler).
 */
typedef int (*sz_doc_sink)(void *ctx, const uint8_t *data, size_t len);
/* Whether sz_doc_extract knows how to read text from type t. */
bool sz_doc_extractable(enum sz_doc_type t);
int sz_doc_extract(int fd, const char *path, enum sz_doc_type type,
	sz_doc_sink sink, void *ctx, struct sz_err *err);

/*
 * An extractive summary: the n highest-ranked sentences of text (ranked by
 * TextRank over word overlap between sentences), in document order,
 * appended to out; *words receives the text's word count.  Works on at most
 * SZ_SUMMARY_MAX_SENTENCES sentences (the first ones).
 */
#define SZ_SUMMARY_MAX_SENTENCES 2000u
#define SZ_READING_WPM 238u
int sz_doc_summarize(const char *text, size_t len, unsigned n,
	struct sz_buf *out, size_t *words, struct sz_err *err);
/* Minutes to read `words` words at SZ_READING_WPM, at least 1 (inline:
 * the public face uses it without linking the document libraries). */
static inline unsigned sz_doc_reading_minutes(size_t words)
{
	size_t m = (words + SZ_READING_WPM - 1) / SZ_READING_WPM;
	return m == 0 ? 1 : (unsigned)m;
}

#endif
