/*
 * officexml.h - the XML side of Office and OpenDocument scrubbing: which
 * attributes and elements identify people or machines, and the minimal
 * property parts that replace the originals.  Used by zipdoc.c.
 */
#ifndef SZ_DOCS_OFFICEXML_H
#define SZ_DOCS_OFFICEXML_H

#include <libxml/tree.h>

#include "docs/doc.h"

/* Removes or neutralises identifying data in a content part (authors of
 * comments and revisions, revision ids, template and file paths, printer
 * settings); reports what it found.  Returns how many changes it made. */
size_t officexml_clean(xmlDoc *doc, struct sz_doc_report *r);

/* Reports each property of a property part (docProps/NAME.xml, meta.xml). */
void officexml_report_props(xmlDoc *doc, const char *kind,
	struct sz_doc_report *r);

/* Removes relationship (OOXML .rels) and manifest (ODF) entries and
 * content-type overrides that point at a dropped member.  base is the
 * folder the targets are relative to ("word/"); dropped(name) tells. */
typedef int (*officexml_dropped_fn)(void *ctx, const char *name);
size_t officexml_unlink(xmlDoc *doc, const char *base,
	officexml_dropped_fn dropped, void *ctx);

/* Removes the elements of an OOXML part that refer (r:id, r:embed ...)
 * to a relationship whose target is dropped, such as a sheet's
 * legacyDrawing of comment boxes; rels is the part's .rels, base its
 * folder.  Returns how many it removed. */
size_t officexml_unlink_refs(xmlDoc *part, xmlDoc *rels, const char *base,
	officexml_dropped_fn dropped, void *ctx);

/* Resolves a relationship target (relative to base, with ../) into out,
 * a member name. */
void officexml_resolve(const char *base, const char *target, char *out,
	size_t cap);

/* The empty property parts that replace the originals. */
extern const char officexml_empty_core[];
extern const char officexml_empty_app[];
extern const char officexml_empty_custom[];
extern const char officexml_empty_odf_meta[];

#endif
