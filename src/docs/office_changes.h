/*
 * office_changes.h - comments and tracked changes in Office Open XML and
 * OpenDocument parts: comments removed whole (their text, their markers in
 * the body), tracked changes accepted (deletions dropped, insertions and
 * moves kept as plain text, records of formatting changes removed), and the
 * settings that keep change tracking on turned off.  Used by zipdoc.c on
 * parsed parts; owns nothing (every function works on the caller's tree).
 */
#ifndef SZ_DOCS_OFFICE_CHANGES_H
#define SZ_DOCS_OFFICE_CHANGES_H

#include <libxml/tree.h>

#include "docs/doc.h"

/* What was removed or accepted in one file, summed over its parts, for
 * the summary lines of the report. */
struct office_tally {
	size_t comments;      /* comments (and replies) removed */
	size_t insertions;    /* inserted text, rows or cells kept */
	size_t deletions;     /* deleted text, rows or cells dropped */
	size_t moves;         /* moved text kept where it went */
	size_t formats;       /* records of formatting changes removed */
	size_t edits;         /* spreadsheet cells whose earlier value went */
	size_t settings;      /* settings that kept change tracking on */
};

/* Removes comments and accepts tracked changes in one body part (WordML,
 * or any OpenDocument part), reporting each comment's and each deletion's
 * text; turns change tracking off in a settings part.  Returns how many
 * changes it made (0: the part can be copied as it was stored). */
size_t office_accept(xmlDoc *doc, struct office_tally *t,
	struct sz_doc_report *r);

/* Reports a comments part that is being dropped (Word, Excel, PowerPoint,
 * threaded comments, people and author lists): each comment's author and
 * text, counted into t. */
void office_report_comments(xmlDoc *doc, struct office_tally *t,
	struct sz_doc_report *r);

/* Reports a part of an Excel revision log (xl/revisions/) that is being
 * dropped: who saved each revision, and each earlier or deleted value. */
void office_report_revisions(xmlDoc *doc, struct office_tally *t,
	struct sz_doc_report *r);

/* A VML drawing of a sheet: how many of its shapes are comment boxes
 * (x:ClientData ObjectType="Note") and how many are something else. */
void office_vml_count(xmlDoc *doc, size_t *notes, size_t *others);
/* Removes the comment boxes from a VML drawing that also holds other
 * shapes; returns how many it removed. */
size_t office_vml_drop_notes(xmlDoc *doc);

#endif
