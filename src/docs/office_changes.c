/*
 * office_changes.c - comments and tracked changes, removed and accepted the
 * way an editor would with "Accept All" and "Delete All Comments": the
 * scrubbed document reads as it did on screen with changes hidden, and
 * nothing a reviewer wrote (a comment, a deleted draft sentence, their name
 * on a revision) is left.  A comment such as "as we said at Tuesday's
 * meeting" names its writer as surely as a signature; an earlier wording
 * that only a few people saw names the few.
 *
 * WordML (DOCX): deletions (w:del, w:moveFrom, their range markers, deleted
 * field codes, deleted rows and cells) are dropped; insertions and moves
 * (w:ins, w:moveTo) are unwrapped into plain runs; a deleted paragraph mark
 * joins its paragraph to the next, as Word does; records of formatting
 * changes (w:rPrChange, w:pPrChange ...) go, since the current formatting
 * is already in effect; comment ranges and references go with the run that
 * only held them.  OpenDocument keeps the accepted text in the body and the
 * history in text:tracked-changes (table:tracked-changes in spreadsheets),
 * so the history and the change marks are removed.
 *
 * Not here: the comment parts themselves (zipdoc.c drops them and calls
 * office_report_comments), authors elsewhere (officexml.c).  Elements are
 * matched by namespace URI, never by prefix, since a producer may choose
 * any prefix.
 */
#include <string.h>

#include "docs/office_changes.h"

enum ns { NS_OTHER, NS_W, NS_OFFICE, NS_TEXT, NS_TABLE, NS_CONFIG, NS_OOO,
	NS_DC, NS_VML, NS_XL_VML };

static const struct {
	const char *uri;
	enum ns ns;
} namespaces[] = {
	{ "http://schemas.openxmlformats.org/wordprocessingml/2006/main", NS_W },
	{ "http://purl.oclc.org/ooxml/wordprocessingml/main", NS_W },
	{ "urn:oasis:names:tc:opendocument:xmlns:office:1.0", NS_OFFICE },
	{ "urn:oasis:names:tc:opendocument:xmlns:text:1.0", NS_TEXT },
	{ "urn:oasis:names:tc:opendocument:xmlns:table:1.0", NS_TABLE },
	{ "urn:oasis:names:tc:opendocument:xmlns:config:1.0", NS_CONFIG },
	{ "http://openoffice.org/2009/office", NS_OOO },
	{ "http://purl.org/dc/elements/1.1/", NS_DC },
	{ "urn:schemas-microsoft-com:vml", NS_VML },
	{ "urn:schemas-microsoft-com:office:excel", NS_XL_VML },
};

/* Deeper than libxml2 lets a document nest (256) without XML_PARSE_HUGE. */
#define MAX_DEPTH 512
/* Text gathered for one report line (the report cuts at 200). */
#define GATHER_MAX 240

static enum ns ns_of(const xmlNode *n)
{
	if (n == NULL || n->type != XML_ELEMENT_NODE || n->ns == NULL ||
	    n->ns->href == NULL)
		return NS_OTHER;
	for (size_t i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++)
		if (strcmp((const char *)n->ns->href, namespaces[i].uri) == 0)
			return namespaces[i].ns;
	return NS_OTHER;
}

static bool is(const xmlNode *n, enum ns ns, const char *local)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && ns_of(n) == ns &&
	       strcmp((const char *)n->name, local) == 0;
}

static bool one_of(const xmlNode *n, const char *const *names)
{
	for (; *names != NULL; names++)
		if (strcmp((const char *)n->name, *names) == 0)
			return true;
	return false;
}

/* An attribute by local name, whatever its namespace; xmlFree it. */
static xmlChar *attr(const xmlNode *n, const char *local)
{
	for (xmlAttr *a = n->properties; a != NULL; a = a->next)
		if (strcmp((const char *)a->name, local) == 0)
			return xmlNodeGetContent((xmlNode *)a);
	return NULL;
}

static xmlNode *child(const xmlNode *n, enum ns ns, const char *local)
{
	for (xmlNode *c = n ? n->children : NULL; c != NULL; c = c->next)
		if (is(c, ns, local))
			return c;
	return NULL;
}

/* Text of a subtree for the report, white space collapsed, without the
 * change records' own author and date. */
struct gather {
	char buf[GATHER_MAX];
	size_t len;
};

static void gather_text(struct gather *g, const char *s)
{
	for (; *s != 0 && g->len + 1 < sizeof(g->buf); s++) {
		bool space = *s == ' ' || *s == '\t' || *s == '\r' || *s == '\n';
		if (space && (g->len == 0 || g->buf[g->len - 1] == ' '))
			continue;
		g->buf[g->len++] = space ? ' ' : *s;
	}
	g->buf[g->len] = 0;
}

static void gather(struct gather *g, const xmlNode *n, int depth)
{
	static const char *const skip[] = { "change-info", "creator", "date",
		"creator-initials", "rPr", "pPr", "annotationRef", NULL };
	for (; n != NULL && depth < MAX_DEPTH; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
			gather_text(g, (const char *)n->content);
		else if (n->type == XML_ELEMENT_NODE && !one_of(n, skip)) {
			gather(g, n->children, depth + 1);
			if (strcmp((const char *)n->name, "p") == 0)
				gather_text(g, " ");
		}
	}
	while (g->len > 0 && g->buf[g->len - 1] == ' ')
		g->buf[--g->len] = 0;
}

/* The text under n, for the report. */
static void report_text(struct sz_doc_report *r, const char *kind,
	const char *name, const xmlNode *n)
{
	struct gather g = { .len = 0 };
	g.buf[0] = 0;
	gather(&g, n->children, 0);
	sz_doc_report_add(r, kind, name, g.buf, g.len);
}

/* "deletion by NAME" when the change says who made it. */
static void who(char *out, size_t cap, const char *what, const xmlChar *name)
{
	if (name != NULL && name[0] != 0)
		snprintf(out, cap, "%s by %s", what, (const char *)name);
	else
		snprintf(out, cap, "%s", what);
}

struct acc {
	struct office_tally *t;
	struct sz_doc_report *r;
	size_t changes;
};

static void drop(struct acc *a, xmlNode *n)
{
	xmlUnlinkNode(n);
	xmlFreeNode(n);
	a->changes++;
}

/* Puts n's children where n was, and removes n. */
static void unwrap(struct acc *a, xmlNode *n)
{
	for (xmlNode *c = n->children, *next; c != NULL; c = next) {
		next = c->next;
		xmlUnlinkNode(c);
		xmlAddPrevSibling(n, c);
	}
	drop(a, n);
}

static void walk(struct acc *a, xmlNode *parent, int depth);

/* ---- WordML ---- */

static const char *const w_markers[] = {
	"commentRangeStart", "commentRangeEnd", "commentReference",
	"moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart",
	"moveToRangeEnd", "customXmlInsRangeStart", "customXmlInsRangeEnd",
	"customXmlDelRangeStart", "customXmlDelRangeEnd",
	"customXmlMoveFromRangeStart", "customXmlMoveFromRangeEnd",
	"customXmlMoveToRangeStart", "customXmlMoveToRangeEnd",
	"delText", "delInstrText", "cellIns", "cellMerge", NULL };
static const char *const w_property_changes[] = {
	"rPrChange", "pPrChange", "sectPrChange", "tblPrChange",
	"tblPrExChange", "trPrChange", "tcPrChange", "tblGridChange",
	"numberingChange", NULL };

/* w:ins, w:del, w:moveFrom and w:moveTo are markers (no content) inside
 * the properties of a paragraph mark, a table row or a numbering; anywhere
 * else they hold the runs that changed. */
static bool w_marker_context(const xmlNode *n)
{
	const xmlNode *p = n->parent;
	return is(p, NS_W, "trPr") || is(p, NS_W, "numPr") ||
	       (is(p, NS_W, "rPr") && is(p->parent, NS_W, "pPr"));
}

static void w_deleted(struct acc *a, xmlNode *n, bool move)
{
	char name[160];
	xmlChar *au = attr(n, "author");
	who(name, sizeof(name), move ? "moved away" : "deletion", au);
	xmlFree(au);
	report_text(a->r, "tracked changes", name, n);
	if (move)
		a->t->moves++;
	else
		a->t->deletions++;
	drop(a, n);
}

/* The next element after n, if it is a paragraph. */
static xmlNode *next_paragraph(xmlNode *n)
{
	xmlNode *q = n->next;
	while (q != NULL && q->type != XML_ELEMENT_NODE)
		q = q->next;
	return is(q, NS_W, "p") ? q : NULL;
}

/* Removes the revision marks of a paragraph mark (pPr/rPr); true if
 * they said the mark was deleted or moved away. */
static bool w_mark_deleted(struct acc *a, xmlNode *p)
{
	xmlNode *rpr = child(child(p, NS_W, "pPr"), NS_W, "rPr");
	bool deleted = false;
	for (xmlNode *c = rpr ? rpr->children : NULL, *next; c != NULL; c = next) {
		next = c->next;
		if (is(c, NS_W, "del") || is(c, NS_W, "moveFrom")) {
			deleted = true;
			drop(a, c);
		} else if (is(c, NS_W, "ins") || is(c, NS_W, "moveTo")) {
			drop(a, c);
		}
	}
	return deleted;
}

/* A deleted paragraph mark joins the paragraph to the next one, whose
 * mark (and so whose properties) survives, as in Word.  The next one's
 * content moves into this one, so that a run of joined paragraphs costs
 * one move per node.  A mark before a table, at the end of a cell or
 * carrying a section break stays: there is nothing to join, or the
 * section would be lost. */
static void w_paragraph(struct acc *a, xmlNode *p, int depth)
{
	while (w_mark_deleted(a, p)) {
		xmlNode *ppr = child(p, NS_W, "pPr");
		xmlNode *q = next_paragraph(p);
		if (q == NULL || child(ppr, NS_W, "sectPr") != NULL)
			break;
		xmlNode *qpr = child(q, NS_W, "pPr");
		if (ppr != NULL)
			drop(a, ppr);
		for (xmlNode *c = q->children, *next; c != NULL; c = next) {
			next = c->next;
			xmlUnlinkNode(c);
			if (c == qpr && p->children != NULL)
				xmlAddPrevSibling(p->children, c);
			else
				xmlAddChild(p, c);
		}
		drop(a, q);
	}
	walk(a, p, depth + 1);
}

/* A run that held only a comment reference or deleted text, and now
 * holds nothing but its properties. */
static bool w_run_empty(const xmlNode *r)
{
	for (const xmlNode *c = r->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !is(c, NS_W, "rPr"))
			return false;
	return true;
}

/* Handles one WordML element; returns the sibling to go on with (a
 * paragraph may have joined those after it). */
static xmlNode *w_element(struct acc *a, xmlNode *n, int depth)
{
	const char *ln = (const char *)n->name;
	xmlNode *next = n->next;
	if (strcmp(ln, "del") == 0 || strcmp(ln, "moveFrom") == 0) {
		if (w_marker_context(n))
			drop(a, n);
		else
			w_deleted(a, n, ln[0] == 'm');
	} else if (strcmp(ln, "ins") == 0 || strcmp(ln, "moveTo") == 0) {
		if (w_marker_context(n)) {
			drop(a, n);
			return next;
		}
		char name[160];
		xmlChar *au = attr(n, "author");
		who(name, sizeof(name), ln[0] == 'm' ? "moved here (kept)" :
			"insertion (kept)", au);
		xmlFree(au);
		report_text(a->r, "tracked changes", name, n);
		if (ln[0] == 'm')
			a->t->moves++;
		else
			a->t->insertions++;
		walk(a, n, depth + 1);
		unwrap(a, n);
	} else if (one_of(n, w_markers)) {
		drop(a, n);
	} else if (one_of(n, w_property_changes)) {
		a->t->formats++;
		drop(a, n);
	} else if (strcmp(ln, "p") == 0) {
		w_paragraph(a, n, depth);
		next = n->next;
	} else if (strcmp(ln, "tr") == 0 &&
		   child(child(n, NS_W, "trPr"), NS_W, "del") != NULL) {
		w_deleted(a, n, false);
	} else if (strcmp(ln, "tc") == 0 &&
		   child(child(n, NS_W, "tcPr"), NS_W, "cellDel") != NULL) {
		w_deleted(a, n, false);
	} else if (strcmp(ln, "r") == 0) {
		size_t before = a->changes;
		walk(a, n, depth + 1);
		if (a->changes > before && w_run_empty(n))
			drop(a, n);
	} else if (strcmp(ln, "trackRevisions") == 0) {
		/* Absent means off; so does w:val="false". */
		xmlChar *v = attr(n, "val");
		bool on = v == NULL || (strcmp((const char *)v, "false") != 0 &&
			strcmp((const char *)v, "0") != 0 &&
			strcmp((const char *)v, "off") != 0);
		xmlFree(v);
		if (on) {
			sz_doc_report_add(a->r, "tracked changes", "change tracking",
				"turned off", 10);
			a->t->settings++;
		}
		drop(a, n);
	} else if (strcmp(ln, "documentProtection") == 0) {
		/* Protection that only forces tracking goes with it. */
		xmlChar *edit = attr(n, "edit");
		bool tracked = edit && strcmp((const char *)edit, "trackedChanges") == 0;
		xmlFree(edit);
		if (tracked) {
			sz_doc_report_add(a->r, "tracked changes",
				"protection forcing change tracking", "removed", 7);
			a->t->settings++;
			drop(a, n);
		}
	} else {
		walk(a, n, depth + 1);
	}
	return next;
}

/* ---- OpenDocument ---- */

static void odf_comment(struct acc *a, xmlNode *n)
{
	char name[160];
	xmlNode *c = child(n, NS_DC, "creator");
	xmlChar *au = c ? xmlNodeGetContent(c) : NULL;
	who(name, sizeof(name), "comment", au);
	xmlFree(au);
	report_text(a->r, "comments", name, n);
	a->t->comments++;
	drop(a, n);
}

/* The author of a change record: office:change-info/dc:creator. */
static xmlChar *odf_author(const xmlNode *n)
{
	xmlNode *c = child(child(n, NS_OFFICE, "change-info"), NS_DC, "creator");
	return c ? xmlNodeGetContent(c) : NULL;
}

static void odf_record(struct acc *a, const xmlNode *rec, const char *what,
	size_t *count, bool text)
{
	char name[160];
	xmlChar *au = odf_author(rec);
	who(name, sizeof(name), what, au);
	xmlFree(au);
	if (text)
		report_text(a->r, "tracked changes", name, rec);
	else
		sz_doc_report_add(a->r, "tracked changes", name, "", 0);
	(*count)++;
}

/* text:tracked-changes: changed regions, each an insertion (its text is
 * in the body), a deletion (its text only here) or a format change. */
static void odf_text_changes(struct acc *a, xmlNode *n)
{
	/* Recording is on unless the document says false: ODF makes true the
	 * default of text:track-changes. */
	xmlChar *on = attr(n, "track-changes");
	if (on == NULL || strcmp((const char *)on, "false") != 0) {
		sz_doc_report_add(a->r, "tracked changes", "change tracking",
			"turned off", 10);
		a->t->settings++;
	}
	xmlFree(on);
	for (xmlNode *reg = n->children; reg != NULL; reg = reg->next)
		for (xmlNode *c = reg->children; c != NULL; c = c->next) {
			if (is(c, NS_TEXT, "deletion"))
				odf_record(a, c, "deletion", &a->t->deletions, true);
			else if (is(c, NS_TEXT, "insertion"))
				odf_record(a, c, "insertion (kept)", &a->t->insertions,
					false);
			else if (is(c, NS_TEXT, "format-change"))
				odf_record(a, c, "format change", &a->t->formats, false);
		}
	drop(a, n);
}

/* table:tracked-changes: the sheet already holds the accepted state;
 * this is the history (earlier values, deleted rows with their cells). */
static void odf_table_changes(struct acc *a, xmlNode *n)
{
	for (xmlNode *c = n->children; c != NULL; c = c->next) {
		if (is(c, NS_TABLE, "cell-content-change"))
			odf_record(a, c, "earlier value", &a->t->edits, true);
		else if (is(c, NS_TABLE, "deletion"))
			odf_record(a, c, "deletion", &a->t->deletions, true);
		else if (is(c, NS_TABLE, "insertion"))
			odf_record(a, c, "insertion (kept)", &a->t->insertions, false);
		else if (is(c, NS_TABLE, "movement"))
			odf_record(a, c, "move (kept)", &a->t->moves, false);
	}
	drop(a, n);
}

static void odf_element(struct acc *a, xmlNode *n, enum ns ns, int depth)
{
	const char *ln = (const char *)n->name;
	if ((ns == NS_OFFICE || ns == NS_OOO) && strcmp(ln, "annotation") == 0) {
		odf_comment(a, n);
	} else if ((ns == NS_OFFICE || ns == NS_OOO) &&
		   strcmp(ln, "annotation-end") == 0) {
		drop(a, n);
	} else if (ns == NS_TEXT && strcmp(ln, "tracked-changes") == 0) {
		odf_text_changes(a, n);
	} else if (ns == NS_TABLE && strcmp(ln, "tracked-changes") == 0) {
		odf_table_changes(a, n);
	} else if (ns == NS_TEXT && (strcmp(ln, "change") == 0 ||
		   strcmp(ln, "change-start") == 0 ||
		   strcmp(ln, "change-end") == 0)) {
		drop(a, n);
	} else if (ns == NS_CONFIG && strcmp(ln, "config-item") == 0) {
		/* Settings that keep recording on, or lock it behind a
		 * password. */
		xmlChar *name = attr(n, "name");
		bool tracking = name && (strcmp((const char *)name,
			"RedlineProtectionKey") == 0 ||
			strcmp((const char *)name, "RecordChanges") == 0 ||
			strcmp((const char *)name, "TrackChanges") == 0);
		if (tracking) {
			xmlChar *v = xmlNodeGetContent(n);
			if (v != NULL && v[0] != 0 && strcmp((const char *)v, "false") != 0) {
				sz_doc_report_add(a->r, "tracked changes",
					(const char *)name, "removed", 7);
				a->t->settings++;
			}
			xmlFree(v);
			drop(a, n);
		}
		xmlFree(name);
	} else {
		walk(a, n, depth + 1);
	}
}

static void walk(struct acc *a, xmlNode *parent, int depth)
{
	if (depth > MAX_DEPTH)
		return;
	for (xmlNode *n = parent->children, *next; n != NULL; n = next) {
		next = n->next;
		enum ns ns = ns_of(n);
		if (ns == NS_W)
			next = w_element(a, n, depth);
		else if (ns == NS_OFFICE || ns == NS_OOO || ns == NS_TEXT ||
			 ns == NS_TABLE || ns == NS_CONFIG)
			odf_element(a, n, ns, depth);
		else if (n->type == XML_ELEMENT_NODE)
			walk(a, n, depth + 1);
	}
}

size_t office_accept(xmlDoc *doc, struct office_tally *t,
	struct sz_doc_report *r)
{
	struct acc a = { .t = t, .r = r, .changes = 0 };
	walk(&a, (xmlNode *)doc, 0);
	return a.changes;
}

/* ---- parts that are dropped whole: reported, never written ---- */

static void comments_walk(xmlNode *n, struct office_tally *t,
	struct sz_doc_report *r, int depth)
{
	static const char *const authors[] = { "person", "cmAuthor", NULL };
	for (; n != NULL && depth < MAX_DEPTH; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *ln = (const char *)n->name;
		if (strcmp(ln, "comment") == 0 || strcmp(ln, "cm") == 0 ||
		    strcmp(ln, "threadedComment") == 0) {
			char name[160];
			xmlChar *au = attr(n, "author");
			who(name, sizeof(name), "comment", au);
			xmlFree(au);
			/* Excel's and PowerPoint's keep the words in <text>,
			 * beside the box's anchor. */
			xmlNode *words = NULL;
			for (xmlNode *c = n->children; c && !words; c = c->next)
				if (c->type == XML_ELEMENT_NODE &&
				    strcmp((const char *)c->name, "text") == 0)
					words = c;
			report_text(r, "comments", name, words ? words : n);
			/* Excel writes every threaded comment again as a
			 * legacy one: count those only. */
			if (strcmp(ln, "threadedComment") != 0)
				t->comments++;
		} else if (one_of(n, authors) || (strcmp(ln, "author") == 0 &&
			   n->properties != NULL)) {
			xmlChar *v = attr(n, "name");
			if (v == NULL)
				v = attr(n, "displayName");
			if (v == NULL)
				v = attr(n, "author");
			if (v != NULL)
				sz_doc_report_add(r, "comments", "author",
					(const char *)v, strlen((const char *)v));
			xmlFree(v);
		} else if (strcmp(ln, "author") == 0) {
			report_text(r, "comments", "author", n);
		} else {
			comments_walk(n->children, t, r, depth + 1);
		}
	}
}

void office_report_comments(xmlDoc *doc, struct office_tally *t,
	struct sz_doc_report *r)
{
	comments_walk(xmlDocGetRootElement(doc), t, r, 0);
}

static void revisions_walk(xmlNode *n, struct office_tally *t,
	struct sz_doc_report *r, int depth)
{
	for (; n != NULL && depth < MAX_DEPTH; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *ln = (const char *)n->name;
		if (strcmp(ln, "header") == 0 || strcmp(ln, "userInfo") == 0) {
			xmlChar *v = attr(n, strcmp(ln, "header") == 0 ?
				"userName" : "name");
			if (v != NULL)
				sz_doc_report_add(r, "tracked changes", "revision by",
					(const char *)v, strlen((const char *)v));
			xmlFree(v);
		} else if (strcmp(ln, "rcc") == 0) {
			xmlNode *old = n->children;
			while (old != NULL && strcmp((const char *)old->name, "oc") != 0)
				old = old->next;
			if (old != NULL)
				report_text(r, "tracked changes", "earlier value", old);
			t->edits++;
		} else if (strcmp(ln, "rrc") == 0) {
			xmlChar *act = attr(n, "action");
			bool del = act && strncmp((const char *)act, "delete", 6) == 0;
			xmlFree(act);
			if (del) {
				report_text(r, "tracked changes", "deletion", n);
				t->deletions++;
			} else {
				t->insertions++;
			}
			continue;
		} else if (strcmp(ln, "ris") == 0) {
			t->insertions++;
		} else if (strcmp(ln, "rm") == 0) {
			t->moves++;
		} else if (strcmp(ln, "rfmt") == 0) {
			t->formats++;
		} else {
			revisions_walk(n->children, t, r, depth + 1);
		}
	}
}

void office_report_revisions(xmlDoc *doc, struct office_tally *t,
	struct sz_doc_report *r)
{
	revisions_walk(xmlDocGetRootElement(doc), t, r, 0);
}

/* ---- VML comment boxes ---- */

static bool vml_shape(const xmlNode *n)
{
	static const char *const shapes[] = { "shape", "rect", "roundrect",
		"oval", "line", "polyline", "arc", "curve", "image", "group",
		NULL };
	return ns_of(n) == NS_VML && one_of(n, shapes);
}

static bool vml_note(const xmlNode *n)
{
	xmlNode *cd = child(n, NS_XL_VML, "ClientData");
	xmlChar *type = cd ? attr(cd, "ObjectType") : NULL;
	bool note = type && strcmp((const char *)type, "Note") == 0;
	xmlFree(type);
	return note;
}

static size_t vml_walk(xmlNode *n, size_t *notes, size_t *others, bool drop_notes,
	int depth)
{
	size_t dropped = 0;
	for (xmlNode *next; n != NULL && depth < MAX_DEPTH; n = next) {
		next = n->next;
		if (!vml_shape(n))
			continue;
		if (vml_note(n)) {
			(*notes)++;
			if (drop_notes) {
				xmlUnlinkNode(n);
				xmlFreeNode(n);
				dropped++;
			}
		} else if (strcmp((const char *)n->name, "group") == 0) {
			dropped += vml_walk(n->children, notes, others, drop_notes,
				depth + 1);
		} else {
			(*others)++;
		}
	}
	return dropped;
}

void office_vml_count(xmlDoc *doc, size_t *notes, size_t *others)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	*notes = *others = 0;
	if (root != NULL)
		vml_walk(root->children, notes, others, false, 0);
}

size_t office_vml_drop_notes(xmlDoc *doc)
{
	size_t notes = 0, others = 0;
	xmlNode *root = xmlDocGetRootElement(doc);
	return root ? vml_walk(root->children, &notes, &others, true, 0) : 0;
}
