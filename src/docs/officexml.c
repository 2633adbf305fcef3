/*
 * officexml.c - what identifies a person in Office Open XML and
 * OpenDocument parts, and how it is removed without breaking the file:
 * required attributes (a revision's author) are emptied rather than
 * removed, dates are set to a fixed value, optional ones are removed.
 */
#include <libxml/hash.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docs/officexml.h"

const char officexml_empty_core[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
	"xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
	"xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"/>";
const char officexml_empty_app[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" "
	"xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"/>";
const char officexml_empty_custom[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	"<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties\" "
	"xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"/>";
const char officexml_empty_odf_meta[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	"<office:document-meta xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
	"office:version=\"1.3\"><office:meta/></office:document-meta>";

#define FIXED_DATE "2000-01-01T00:00:00Z"

static const char *prefix(const xmlNode *n)
{
	return n->ns && n->ns->prefix ? (const char *)n->ns->prefix : "";
}

static bool named(const xmlNode *n, const char *pfx, const char *name)
{
	return strcmp((const char *)n->name, name) == 0 &&
	       (pfx == NULL || strcmp(prefix(n), pfx) == 0);
}

static void report_attr(struct sz_doc_report *r, const xmlNode *n,
	const xmlAttr *a)
{
	xmlChar *v = xmlNodeGetContent((xmlNode *)a);
	char name[128];
	snprintf(name, sizeof(name), "%s/@%s", (const char *)n->name,
		(const char *)a->name);
	if (v != NULL && v[0] != 0 && strcmp((const char *)v, FIXED_DATE) != 0)
		sz_doc_report_add(r, "document", name, (const char *)v,
			strlen((const char *)v));
	xmlFree(v);
}

/* Attributes: ids of editing sessions go; authors are emptied; dates
 * are fixed. */
static size_t clean_attrs(xmlNode *n, struct sz_doc_report *r)
{
	size_t changes = 0;
	bool person = named(n, NULL, "cmAuthor") || named(n, NULL, "author") ||
		      named(n, NULL, "person");
	xmlAttr *a = n->properties;
	while (a != NULL) {
		xmlAttr *next = a->next;
		const char *an = (const char *)a->name;
		/* LibreOffice's officeooo:paragraph-rsid too */
		bool rsid = strncmp(an, "rsid", 4) == 0 ||
			    strcmp(an, "paragraph-rsid") == 0;
		bool who = strcmp(an, "author") == 0 || strcmp(an, "initials") == 0 ||
			   strcmp(an, "userId") == 0 || strcmp(an, "providerId") == 0 ||
			   strcmp(an, "displayName") == 0 ||
			   strcmp(an, "userName") == 0 ||   /* xlsx fileSharing */
			   (person && strcmp(an, "name") == 0);
		bool when = strcmp(an, "dateUtc") == 0 ||
			    (strcmp(an, "date") == 0 && n->ns != NULL) ||
			    (strcmp(an, "dt") == 0 && named(n, NULL, "cm"));
		if (rsid) {
			xmlRemoveProp(a);
			changes++;
		} else if (who || when) {
			xmlChar *v = xmlNodeGetContent((xmlNode *)a);
			const char *want = who ? "" : FIXED_DATE;
			if (v == NULL || strcmp((const char *)v, want) != 0) {
				report_attr(r, n, a);
				xmlNodeSetContent((xmlNode *)a, (const xmlChar *)want);
				changes++;
			}
			xmlFree(v);
		}
		a = next;
	}
	return changes;
}

/* Settings of LibreOffice and OpenOffice that name a machine or link
 * drafts: the printer (its name, and a blob with its driver and queue),
 * the fax, the editing-session ids, the address book last used.  Layout
 * settings (PrinterIndependentLayout) stay: they decide line breaks. */
static const char *const odf_settings_dropped[] = { "PrinterName",
	"PrinterSetup", "PrintFaxName", "Rsid", "RsidRoot",
	"CurrentDatabaseDataSource", "CurrentDatabaseCommand", NULL };

/* Elements that go whole: editing-session ids, document ids (the same
 * across every draft), the template path, the absolute path the file
 * was saved at, document variables, identifying ODF settings. */
static bool drop_element(const xmlNode *n)
{
	if (named(n, NULL, "rsids") || named(n, NULL, "attachedTemplate") ||
	    named(n, NULL, "absPath") || named(n, NULL, "docVars") ||
	    named(n, NULL, "revisionPtr") || named(n, NULL, "docId"))
		return true;
	if (named(n, "config", "config-item")) {
		xmlChar *v = xmlGetProp((xmlNode *)n, (const xmlChar *)"name");
		bool drop = false;
		for (size_t i = 0; v && odf_settings_dropped[i]; i++)
			drop |= strcmp((const char *)v, odf_settings_dropped[i]) == 0;
		xmlFree(v);
		return drop;
	}
	return false;
}

/* Elements whose text names a person or a time: comment and revision
 * authors in ODF (dc:creator, meta:creator-initials, dc:date) and the
 * author list of Excel comments. */
static int text_kind(const xmlNode *n)
{
	if (named(n, "dc", "creator") || named(n, "meta", "creator-initials") ||
	    (named(n, NULL, "author") && n->children &&
	     n->children->type == XML_TEXT_NODE))
		return 1;
	if (named(n, "dc", "date"))
		return 2;
	return 0;
}

static size_t walk(xmlNode *n, struct sz_doc_report *r, int depth)
{
	size_t changes = 0;
	while (n != NULL && depth < 512) {
		xmlNode *next = n->next;
		if (n->type == XML_ELEMENT_NODE) {
			if (drop_element(n)) {
				/* Settings are named by their config:name; an empty
				 * one said nothing worth showing. */
				xmlChar *v = xmlNodeGetContent(n);
				xmlChar *cn = named(n, "config", "config-item") ?
					xmlGetProp(n, (const xmlChar *)"name") : NULL;
				if (v != NULL && v[0] != 0)
					sz_doc_report_add(r, cn ? "settings" : "document",
						cn ? (const char *)cn : (const char *)n->name,
						(const char *)v, strlen((const char *)v));
				xmlFree(cn);
				xmlFree(v);
				xmlUnlinkNode(n);
				xmlFreeNode(n);
				changes++;
				n = next;
				continue;
			}
			changes += clean_attrs(n, r);
			int k = text_kind(n);
			if (k != 0) {
				xmlChar *v = xmlNodeGetContent(n);
				const char *want = k == 1 ? "" : FIXED_DATE;
				if (v == NULL || strcmp((const char *)v, want) != 0) {
					sz_doc_report_add(r, "document",
						(const char *)n->name, (const char *)v,
						v ? strlen((const char *)v) : 0);
					xmlNodeSetContent(n, (const xmlChar *)want);
					changes++;
				}
				xmlFree(v);
			} else {
				changes += walk(n->children, r, depth + 1);
			}
		}
		n = next;
	}
	return changes;
}

size_t officexml_clean(xmlDoc *doc, struct sz_doc_report *r)
{
	return walk(xmlDocGetRootElement(doc), r, 0);
}

void officexml_report_props(xmlDoc *doc, const char *kind,
	struct sz_doc_report *r)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	if (root == NULL)
		return;
	/* ODF: office:document-meta/office:meta/...; OOXML: children of
	 * the root; custom properties: <property name=..><vt:lpwstr>v */
	xmlNode *list = root->children;
	for (xmlNode *c = list; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && named(c, "office", "meta"))
			list = c->children;
	for (xmlNode *c = list; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		xmlChar *v = xmlNodeGetContent(c);
		xmlChar *pn = xmlGetProp(c, (const xmlChar *)"name");
		char name[128];
		snprintf(name, sizeof(name), "%s%s%s",
			pn ? (const char *)pn : prefix(c), pn ? "" : (prefix(c)[0] ? ":" : ""),
			pn ? "" : (const char *)c->name);
		if (v != NULL && v[0] != 0)
			sz_doc_report_add(r, kind, name, (const char *)v,
				strlen((const char *)v));
		else
			for (xmlAttr *a = c->properties; a != NULL; a = a->next) {
				xmlChar *av = xmlNodeGetContent((xmlNode *)a);
				char an[200];
				snprintf(an, sizeof(an), "%s/@%s", name,
					(const char *)a->name);
				if (av != NULL && av[0] != 0)
					sz_doc_report_add(r, kind, an, (const char *)av,
						strlen((const char *)av));
				xmlFree(av);
			}
		xmlFree(v);
		xmlFree(pn);
	}
}

/* Resolves target (relative to base, with ../) into out. */
void officexml_resolve(const char *base, const char *target, char *out,
	size_t cap)
{
	if (target[0] == '/') {
		snprintf(out, cap, "%s", target + 1);
		return;
	}
	snprintf(out, cap, "%s%s", base, target);
	/* collapse "dir/../" */
	char *p;
	while ((p = strstr(out, "/../")) != NULL) {
		char *s = p;
		while (s > out && s[-1] != '/')
			s--;
		memmove(s, p + 4, strlen(p + 4) + 1);
	}
	while (strncmp(out, "../", 3) == 0)
		memmove(out, out + 3, strlen(out + 3) + 1);
	while (strncmp(out, "./", 2) == 0)
		memmove(out, out + 2, strlen(out + 2) + 1);
}

size_t officexml_unlink(xmlDoc *doc, const char *base,
	officexml_dropped_fn dropped, void *ctx)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	size_t n = 0;
	if (root == NULL)
		return 0;
	for (xmlNode *c = root->children, *next; c != NULL; c = next) {
		next = c->next;
		if (c->type != XML_ELEMENT_NODE)
			continue;
		const char *attr = named(c, NULL, "Relationship") ? "Target" :
			named(c, NULL, "Override") ? "PartName" :
			named(c, "manifest", "file-entry") ? "full-path" : NULL;
		if (attr == NULL)
			continue;
		xmlChar *t = xmlGetProp(c, (const xmlChar *)attr);
		if (t == NULL)
			continue;
		xmlChar *mode = xmlGetProp(c, (const xmlChar *)"TargetMode");
		char path[1024];
		officexml_resolve(named(c, NULL, "Relationship") ? base : "",
			(const char *)t, path, sizeof(path));
		if (mode == NULL && dropped(ctx, path)) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
			n++;
		}
		xmlFree(mode);
		xmlFree(t);
	}
	return n;
}

#define REL_NS "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define REL_NS_STRICT "http://purl.oclc.org/ooxml/officeDocument/relationships"

/* The ids of the relationships whose target is dropped, in a table
 * (so a part full of references costs one lookup each); NULL if none. */
static xmlHashTablePtr dropped_ids(xmlDoc *rels, const char *base,
	officexml_dropped_fn dropped, void *ctx)
{
	xmlHashTablePtr ids = NULL;
	xmlNode *root = xmlDocGetRootElement(rels);
	for (xmlNode *c = root ? root->children : NULL; c; c = c->next) {
		if (!named(c, NULL, "Relationship"))
			continue;
		xmlChar *rid = xmlGetProp(c, (const xmlChar *)"Id");
		xmlChar *t = xmlGetProp(c, (const xmlChar *)"Target");
		xmlChar *mode = xmlGetProp(c, (const xmlChar *)"TargetMode");
		char path[1024];
		if (rid && t && mode == NULL) {
			officexml_resolve(base, (const char *)t, path, sizeof(path));
			if (dropped(ctx, path) && (ids != NULL ||
			    (ids = xmlHashCreate(8)) != NULL))
				xmlHashAddEntry(ids, rid, (void *)1);
		}
		xmlFree(rid);
		xmlFree(t);
		xmlFree(mode);
	}
	return ids;
}

/* Whether an attribute names one of those relationships. */
static bool dangling(const xmlAttr *a, xmlHashTablePtr ids)
{
	if (a->ns == NULL || a->ns->href == NULL ||
	    (strcmp((const char *)a->ns->href, REL_NS) != 0 &&
	     strcmp((const char *)a->ns->href, REL_NS_STRICT) != 0))
		return false;
	xmlChar *id = xmlNodeGetContent((xmlNode *)a);
	bool gone = id != NULL && xmlHashLookup(ids, id) != NULL;
	xmlFree(id);
	return gone;
}

static size_t unlink_refs(xmlNode *n, xmlHashTablePtr ids, int depth)
{
	size_t changes = 0;
	for (xmlNode *next; n != NULL && depth < 512; n = next) {
		next = n->next;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		bool gone = false;
		for (xmlAttr *a = n->properties; a != NULL && !gone; a = a->next)
			gone = dangling(a, ids);
		if (!gone) {
			changes += unlink_refs(n->children, ids, depth + 1);
			continue;
		}
		/* An extension entry (<p:ext uri=...>) that only held the
		 * reference goes with it. */
		xmlNode *parent = n->parent;
		xmlUnlinkNode(n);
		xmlFreeNode(n);
		changes++;
		if (parent != NULL && named(parent, NULL, "ext") &&
		    xmlFirstElementChild(parent) == NULL) {
			xmlUnlinkNode(parent);
			xmlFreeNode(parent);
			return changes;
		}
	}
	return changes;
}

size_t officexml_unlink_refs(xmlDoc *part, xmlDoc *rels, const char *base,
	officexml_dropped_fn dropped, void *ctx)
{
	xmlHashTablePtr ids = dropped_ids(rels, base, dropped, ctx);
	if (ids == NULL)
		return 0;
	size_t changes = unlink_refs(xmlDocGetRootElement(part), ids, 0);
	xmlHashFree(ids, NULL);
	return changes;
}
