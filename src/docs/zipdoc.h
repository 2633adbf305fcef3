/*
 * zipdoc.h - the zip engine the container handlers share (office.c for
 * Office Open XML and OpenDocument, epub.c for EPUB): a plan of what
 * happens to each member, decided from its name (and, for a few, its
 * content) before anything is written; reading a member within the
 * zip-bomb limits; parsing XML without entities, DTDs or the network; and
 * adding members to the output.  Private to src/docs/.
 *
 * Memory: members are read whole (each within SZ_DOC_MAX_XML_PART, all of
 * them within SZ_DOC_MAX_ZIP_TOTAL); buffers passed to zdoc_add_buffer
 * belong to the engine from then on, on success and failure alike.
 */
#ifndef SZ_DOCS_ZIPDOC_H
#define SZ_DOCS_ZIPDOC_H

#include <libxml/tree.h>
#include <stdbool.h>
#include <zip.h>

#include "docs/internal.h"
#include "docs/office_changes.h"

/* What happens to a member. */
enum zaction {
	A_UNKNOWN,    /* refused, unless the caller allows unknown members */
	A_COPY,       /* copied as stored */
	A_XML,        /* comments and changes removed, identities cleaned */
	A_RELS,       /* relationships/manifest: links to dropped members go */
	A_CORE, A_APP, A_CUSTOM, A_ODF_META,  /* replaced by empty ones */
	A_DROP,       /* left out */
	A_COMMENTS,   /* left out, its comments reported */
	A_REVISIONS,  /* left out, its revision log reported */
	A_VML,        /* a sheet's VML: comment boxes dropped */
	A_MEDIA,      /* scrubbed by the handler of its own type */
	A_OPF, A_NCX, A_XHTML, A_FONT,  /* EPUB: epub.c */
};

struct zrule {
	const char *glob;     /* fnmatch pattern; "*.ext" matches in any folder,
			       * "dir/" everything below dir */
	enum zaction act;
};

struct zdoc;

/* A container format: its table, first match wins (ending with
 * { NULL, A_UNKNOWN }); a plan that may refine the table's decisions or
 * refuse the file before anything is written (may be NULL); whether its
 * parts refer to each other through .rels files (Office Open XML). */
struct zformat {
	const struct zrule *rules;
	int (*plan)(struct zdoc *z);
	bool rels;
};

struct epub_book;

struct zdoc {
	zip_t *src, *dst;         /* dst is NULL when only inspecting */
	const struct zformat *fmt;
	enum zaction *acts;       /* the plan, by source index */
	zip_int64_t n;
	uint64_t total;           /* bytes decompressed so far */
	struct office_tally tally;
	struct epub_book *book;   /* EPUB only */
	struct sz_doc_report *r;
	struct sz_err *err;
};

/* Scrubs (or with out_path NULL, inspects) the zip at fd as fmt says. */
int zdoc_run(int fd, const char *out_path, const struct zformat *fmt,
	struct sz_doc_report *r, struct sz_err *err);

/* The source index of a member, or -1. */
zip_int64_t zdoc_find(struct zdoc *z, const char *name);
/* Whether a member (or a folder path such as "Configurations2/") is left
 * out of the output. */
bool zdoc_dropped(struct zdoc *z, const char *name);
/* Reads member i (at most max bytes) into a NUL-terminated buffer the
 * caller frees, checking the expansion ratio and the running total. */
int zdoc_read(struct zdoc *z, zip_uint64_t i, size_t max, uint8_t **out,
	size_t *len);
/* Parses XML: no entity substitution, no DTD loading, no network.  A part
 * whose entities expand without end (a billion laughs) or that declares
 * external entities is refused, and so is any DTD when dtd_ok is false
 * (Office formats allow none). */
int zdoc_parse(struct zdoc *z, const char *name, const uint8_t *p,
	size_t len, bool dtd_ok, xmlDoc **doc);
/* Adds a member to the output (a no-op when inspecting); takes data. */
int zdoc_add_buffer(struct zdoc *z, const char *name, void *data, size_t len);
int zdoc_add_xml(struct zdoc *z, const char *name, xmlDoc *doc);
/* Copies member i as it is stored (still compressed); zdoc_copy checks
 * the zip-bomb limits first, as if it were read. */
int zdoc_add_original(struct zdoc *z, zip_uint64_t i, const char *name);
int zdoc_copy(struct zdoc *z, zip_uint64_t i, const char *name);

/* EPUB (epub.c): the plan (the package documents, the new identifier, the
 * obfuscated fonts), and the members only EPUB has. */
int epub_plan(struct zdoc *z);
void epub_free(struct epub_book *b);
/* Cleans a package document (OPF) or an NCX; returns the changes. */
size_t epub_clean_opf(struct zdoc *z, xmlDoc *doc);
size_t epub_clean_ncx(struct zdoc *z, xmlDoc *doc);
/* A font, re-obfuscated with the new identifier when it was obfuscated. */
int epub_font(struct zdoc *z, zip_uint64_t i, const char *name);
/* Calls fn with each member of the book's reading order (the spine of
 * its first package document), for text extraction. */
int epub_reading_order(zip_t *src, int (*fn)(void *ctx, const char *member),
	void *ctx, struct sz_err *err);

#endif
