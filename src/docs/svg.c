/*
 * svg.c - SVG drawings without what editors write about their author and
 * machine: <metadata> (RDF/Dublin Core: creator, rights, dates),
 * comments, processing instructions, every element and attribute in a
 * namespace other than SVG, XLink, XML, XHTML and MathML (Inkscape's
 * sodipodi:docname and inkscape:export-filename, Illustrator's private
 * data, Sketch and Affinity ids...), and the namespace declarations left
 * unused.  Links to local files (file://..., /home/..., C:\Users\...)
 * keep only the file name; pictures embedded as data: URIs are scrubbed
 * by their own handler; comments go from <style> sheets and style
 * attributes too.  Drawing elements, text, titles and descriptions stay.
 *
 * Parsed with libxml2 with the network off and without loading DTDs.  A
 * DTD may declare entities only as plain text (Illustrator names its
 * namespaces so): no external or parameter entities, no markup or
 * references inside them, at most SVG_MAX_ENTITIES, and the text they
 * expand to at most SVG_MAX_EXPANDED in all (Illustrator's use a few
 * hundred bytes); anything else (XXE, billion laughs) is refused.
 * Entities are substituted and the internal subset dropped.
 *
 * Not here: scripts and external links (content, kept), CSS values
 * (url() paths inside style sheets are kept).
 */
#include <libxml/parser.h>
#include <libxml/SAX2.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "docs/internal.h"

#define SVG_MAX_ENTITIES 64u
#define SVG_MAX_ENTITY_TEXT 1024u
#define SVG_MAX_EXPANDED (1u << 20)   /* entity text substituted in all */

static const char *const kept_ns[] = {
	"http://www.w3.org/2000/svg",
	"http://www.w3.org/1999/xlink",
	"http://www.w3.org/XML/1998/namespace",
	"http://www.w3.org/1999/xhtml",
	"http://www.w3.org/1998/Math/MathML",
};
#define SVG_NS kept_ns[0]

struct svg {
	struct sz_doc_report *r;
	struct sz_err *err;
	bool writing;
	int rc;
	unsigned entities;
	size_t expanded;
	entityDeclSAXFunc entity_decl;
	getEntitySAXFunc get_entity;
};

static bool ns_kept(const xmlNs *ns)
{
	if (ns == NULL || ns->href == NULL)
		return ns == NULL;
	for (size_t i = 0; i < sizeof(kept_ns) / sizeof(kept_ns[0]); i++)
		if (strcmp((const char *)ns->href, kept_ns[i]) == 0)
			return true;
	return false;
}

static void qname(char *out, size_t cap, const xmlNs *ns, const xmlChar *name)
{
	snprintf(out, cap, "%s%s%s", ns && ns->prefix ? (const char *)ns->prefix :
		"", ns && ns->prefix ? ":" : "", (const char *)name);
}

/* --- entities: only plain text, bounded --- */

static void refuse(xmlParserCtxtPtr ctxt, struct svg *s, const char *why)
{
	if (s->rc == 0)
		s->rc = sz_err_set(s->err, SZ_E_UNSUPPORTED, "the SVG's DTD %s; "
			"samizdat refuses it (it could read files or expand "
			"without bound)", why);
	xmlStopParser(ctxt);
}

static void on_entity_decl(void *c, const xmlChar *name, int type,
	const xmlChar *public_id, const xmlChar *system_id, xmlChar *content)
{
	xmlParserCtxtPtr ctxt = c;
	struct svg *s = ctxt->_private;
	if (type != XML_INTERNAL_GENERAL_ENTITY)
		return refuse(ctxt, s, "declares an external or parameter entity");
	if (++s->entities > SVG_MAX_ENTITIES)
		return refuse(ctxt, s, "declares too many entities");
	if (content == NULL || strlen((const char *)content) > SVG_MAX_ENTITY_TEXT ||
	    strpbrk((const char *)content, "&<%") != NULL)
		return refuse(ctxt, s, "declares an entity that is not plain text");
	s->entity_decl(c, name, type, public_id, system_id, content);
}

static xmlEntityPtr on_get_entity(void *c, const xmlChar *name)
{
	xmlParserCtxtPtr ctxt = c;
	struct svg *s = ctxt->_private;
	xmlEntityPtr e = s->get_entity(c, name);
	if (e != NULL && e->content != NULL) {
		s->expanded += strlen((const char *)e->content);
		if (s->expanded > SVG_MAX_EXPANDED) {
			refuse(ctxt, s, "expands to more text than samizdat takes");
			return NULL;
		}
	}
	return e;
}

static xmlDocPtr parse(struct svg *s, const uint8_t *p, size_t len)
{
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		s->rc = sz_err_set(s->err, SZ_E_NOMEM, "out of memory");
		return NULL;
	}
	ctxt->_private = s;
	s->entity_decl = ctxt->sax->entityDecl;
	s->get_entity = ctxt->sax->getEntity;
	ctxt->sax->entityDecl = on_entity_decl;
	ctxt->sax->getEntity = on_get_entity;
	xmlDocPtr d = xmlCtxtReadMemory(ctxt, (const char *)p, (int)len,
		"drawing.svg", NULL, XML_PARSE_NONET | XML_PARSE_NOENT |
		XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (s->rc == 0 && (d == NULL || !ctxt->wellFormed)) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char why[160] = "";
		if (e != NULL && e->message != NULL)
			snprintf(why, sizeof(why), ": line %d: %s", e->line, e->message);
		size_t n = strlen(why);
		if (n > 0 && why[n - 1] == '\n')
			why[n - 1] = 0;
		s->rc = sz_err_set(s->err, SZ_E_INVAL, "the SVG is not well-formed "
			"XML%s", why);
	}
	if (s->rc != 0 && d != NULL) {
		xmlFreeDoc(d);
		d = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return d;
}

/* --- attribute values --- */

static int css_to_buf(void *ctx, const uint8_t *p, size_t n)
{
	return sz_buf_append(ctx, p, n);
}

/* Style text (a sheet or a declaration list) without comments, into
 * out; 0 or the filter's error. */
static int clean_css(struct svg *s, const char *text, bool decls,
	struct sz_buf *out)
{
	sz_buf_init(out, SZ_DOC_MAX_SVG);
	struct css_filter *f = css_filter_new(css_to_buf, out, s->r, decls);
	if (f == NULL)
		return sz_err_set(s->err, SZ_E_NOMEM, "out of memory");
	int rc = css_filter_feed(f, (const uint8_t *)text, strlen(text), s->err);
	if (rc == 0)
		rc = css_filter_end(f, NULL, s->err);
	css_filter_free(f);
	/* Sloppy styles are common in drawings: without a comment there is
	 * nothing to take out, and they stay as they are. */
	if (rc == SZ_E_INVAL && strstr(text, "/*") == NULL) {
		sz_buf_free(out);
		sz_buf_init(out, SZ_DOC_MAX_SVG);
		rc = sz_buf_append(out, text, strlen(text));
	} else if (rc == SZ_E_INVAL) {
		rc = sz_err_set(s->err, SZ_E_INVAL, "the SVG's styles hold "
			"comments in CSS samizdat cannot read");
	}
	return rc;
}

/* A local file: file:..., an absolute path, a Windows drive or share. */
static bool local_path(const char *v)
{
	return strncasecmp(v, "file:", 5) == 0 ||
	       (v[0] == '/' && v[1] != '/') || v[0] == '~' ||
	       (((v[0] | 0x20) >= 'a' && (v[0] | 0x20) <= 'z') && v[1] == ':' &&
		(v[2] == '\\' || v[2] == '/')) ||
	       (v[0] == '\\' && v[1] == '\\');
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' &&
		(c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
}

/* A data: URI holding a picture: scrubbed, written back as base64. */
static int data_uri(struct svg *s, xmlAttrPtr a, const char *v)
{
	const char *comma = strchr(v, ',');
	if (comma == NULL || strncasecmp(v + 5, "image/", 6) != 0)
		return 0;
	size_t head = (size_t)(comma - v);
	bool b64 = head >= 7 && strncasecmp(comma - 7, ";base64", 7) == 0;
	const char *data = comma + 1;
	size_t dlen = strlen(data), len = 0;
	uint8_t *bin = malloc(dlen + 1), *clean = NULL;
	char *out = NULL;
	int rc = 0;
	if (bin == NULL)
		return sz_err_set(s->err, SZ_E_NOMEM, "out of memory");
	if (b64) {
		if (sodium_base642bin(bin, dlen, data, dlen, " \t\r\n", &len, NULL,
		    sodium_base64_VARIANT_ORIGINAL) != 0) {
			rc = sz_err_set(s->err, SZ_E_INVAL, "the SVG embeds a picture "
				"whose base64 is damaged");
			goto out;
		}
	} else {
		/* Percent-encoded (SVG pictures often are). */
		for (size_t i = 0; i < dlen; i++) {
			int hi = i + 2 < dlen ? hexval(data[i + 1]) : -1;
			int lo = i + 2 < dlen ? hexval(data[i + 2]) : -1;
			if (data[i] == '%' && hi >= 0 && lo >= 0) {
				bin[len++] = (uint8_t)(hi << 4 | lo);
				i += 2;
			} else {
				bin[len++] = (uint8_t)data[i];
			}
		}
	}
	size_t clean_len = 0;
	rc = doc_scrub_memory(bin, len, "embedded picture",
		s->writing ? &clean : NULL, &clean_len, s->r, s->err);
	if (rc != 0 || !s->writing)
		goto out;
	/* "data:<type>;base64," then the scrubbed bytes. */
	const char *semi = memchr(v, ';', head);
	size_t type_len = (semi ? (size_t)(semi - v) : head);
	size_t cap = type_len + 8 + sodium_base64_ENCODED_LEN(clean_len,
		sodium_base64_VARIANT_ORIGINAL);
	out = malloc(cap);
	if (out == NULL) {
		rc = sz_err_set(s->err, SZ_E_NOMEM, "out of memory");
		goto out;
	}
	memcpy(out, v, type_len);
	memcpy(out + type_len, ";base64,", 8);
	sodium_bin2base64(out + type_len + 8, cap - type_len - 8, clean,
		clean_len, sodium_base64_VARIANT_ORIGINAL);
	xmlSetNsProp(a->parent, a->ns, a->name, (const xmlChar *)out);
out:
	free(bin);
	free(clean);
	free(out);
	return rc;
}

static int href(struct svg *s, xmlAttrPtr a)
{
	xmlChar *raw = xmlNodeGetContent((xmlNodePtr)a);
	if (raw == NULL)
		return 0;
	const char *v = (const char *)raw;
	v += strspn(v, " \t\r\n");
	int rc = 0;
	char name[128];
	qname(name, sizeof(name), a->ns, a->name);
	if (strncasecmp(v, "data:", 5) == 0) {
		rc = data_uri(s, a, v);
	} else if (local_path(v)) {
		sz_doc_report_add(s->r, "SVG file path", name, v, strlen(v));
		const char *base = v;
		for (const char *q = v; *q; q++)
			if (*q == '/' || *q == '\\')
				base = q + 1;
		if (strncasecmp(base, "file:", 5) == 0)
			base += 5;
		if (*base != 0)
			xmlSetNsProp(a->parent, a->ns, a->name, (const xmlChar *)base);
		else
			xmlRemoveProp(a);
	}
	xmlFree(raw);
	return rc;
}

/* --- the tree --- */

static void drop(xmlNodePtr n)
{
	xmlUnlinkNode(n);
	xmlFreeNode(n);
}

/* Reported property by property, as an XMP packet is: a copy in a
 * document of its own carries the namespaces it uses. */
static void report_metadata(struct svg *s, xmlNodePtr n)
{
	xmlDocPtr d = xmlNewDoc((const xmlChar *)"1.0");
	xmlNodePtr copy = d ? xmlDocCopyNode(n, d, 1) : NULL;
	xmlChar *mem = NULL;
	int len = 0;
	if (copy != NULL) {
		xmlDocSetRootElement(d, copy);
		xmlDocDumpMemory(d, &mem, &len);
	}
	if (mem != NULL && len > 0)
		report_xmp(s->r, "SVG metadata", mem, (size_t)len);
	else
		sz_doc_report_add(s->r, "SVG metadata", "metadata", NULL, 0);
	xmlFree(mem);
	xmlFreeDoc(d);
}

static int style_element(struct svg *s, xmlNodePtr n)
{
	xmlChar *text = xmlNodeGetContent(n);
	if (text == NULL)
		return 0;
	bool cdata = false;
	for (xmlNodePtr c = n->children; c != NULL; c = c->next)
		cdata |= c->type == XML_CDATA_SECTION_NODE;
	struct sz_buf out;
	int rc = clean_css(s, (const char *)text, false, &out);
	xmlFree(text);
	if (rc == 0) {
		while (n->children != NULL)
			drop(n->children);
		xmlNodePtr t = cdata ? xmlNewCDataBlock(n->doc, out.data ?
			out.data : (const xmlChar *)"", (int)out.len) :
			xmlNewDocTextLen(n->doc, out.data, (int)out.len);
		if (t == NULL || xmlAddChild(n, t) == NULL)
			rc = sz_err_set(s->err, SZ_E_NOMEM, "out of memory");
	}
	sz_buf_free(&out);
	return rc;
}

static int attributes(struct svg *s, xmlNodePtr n)
{
	xmlAttrPtr next;
	for (xmlAttrPtr a = n->properties; a != NULL; a = next) {
		next = a->next;
		char name[128];
		qname(name, sizeof(name), a->ns, a->name);
		if (!ns_kept(a->ns)) {
			xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
			sz_doc_report_add(s->r, "SVG editor data", name,
				(const char *)v, v ? strlen((const char *)v) : 0);
			xmlFree(v);
			xmlRemoveProp(a);
			continue;
		}
		bool xml_ns = a->ns != NULL && strcmp((const char *)a->ns->href,
			kept_ns[2]) == 0;
		if (strcmp((const char *)a->name, "href") == 0 ||
		    (xml_ns && strcmp((const char *)a->name, "base") == 0)) {
			int rc = href(s, a);
			if (rc != 0)
				return rc;
		} else if (a->ns == NULL && strcmp((const char *)a->name, "style") == 0) {
			xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
			struct sz_buf out;
			int rc = v ? clean_css(s, (const char *)v, true, &out) : 0;
			if (v != NULL && rc == 0)
				xmlSetProp(n, a->name, out.data ? out.data :
					(const xmlChar *)"");
			if (v != NULL)
				sz_buf_free(&out);
			xmlFree(v);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

static int walk(struct svg *s, xmlNodePtr parent)
{
	xmlNodePtr next;
	for (xmlNodePtr n = parent->children; n != NULL; n = next) {
		next = n->next;
		char name[128];
		switch (n->type) {
		case XML_COMMENT_NODE:
			sz_doc_report_add(s->r, "SVG comment", "comment",
				(const char *)n->content, n->content ?
				strlen((const char *)n->content) : 0);
			drop(n);
			continue;
		case XML_PI_NODE:
			sz_doc_report_add(s->r, "SVG processing instruction",
				(const char *)n->name, (const char *)n->content,
				n->content ? strlen((const char *)n->content) : 0);
			drop(n);
			continue;
		case XML_ELEMENT_NODE:
			break;
		default:
			continue;
		}
		qname(name, sizeof(name), n->ns, n->name);
		if (!ns_kept(n->ns)) {
			sz_doc_report_add(s->r, "SVG editor data", name, NULL, 0);
			drop(n);
			continue;
		}
		bool svg = n->ns == NULL || strcmp((const char *)n->ns->href,
			SVG_NS) == 0;
		if (svg && strcmp((const char *)n->name, "metadata") == 0) {
			report_metadata(s, n);
			drop(n);
			continue;
		}
		int rc = attributes(s, n);
		if (rc == 0 && svg && strcmp((const char *)n->name, "style") == 0)
			rc = style_element(s, n);
		else if (rc == 0)
			rc = walk(s, n);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Namespace declarations nothing uses any more (sodipodi, inkscape...). */
static void unused_ns(xmlNodePtr n)
{
	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		xmlNsPtr *link = &n->nsDef;
		while (*link != NULL) {
			xmlNsPtr ns = *link;
			if (!ns_kept(ns)) {
				*link = ns->next;
				ns->next = NULL;
				xmlFreeNs(ns);
			} else {
				link = &ns->next;
			}
		}
		unused_ns(n->children);
	}
}

/* The internal subset (entity declarations, comments) goes; the DOCTYPE
 * line itself stays. */
static int doctype(struct svg *s, xmlDocPtr d)
{
	xmlDtdPtr dtd = d->intSubset;
	if (dtd == NULL || dtd->children == NULL)
		return 0;
	unsigned n = 0;
	for (xmlNodePtr c = dtd->children; c != NULL; c = c->next)
		n++;
	sz_doc_report_addf(s->r, "SVG", "DOCTYPE declarations", "%u", n);
	xmlChar *name = xmlStrdup(dtd->name), *ext = xmlStrdup(dtd->ExternalID);
	xmlChar *sys = xmlStrdup(dtd->SystemID);
	xmlUnlinkNode((xmlNodePtr)dtd);
	xmlFreeDtd(dtd);
	d->intSubset = NULL;
	int rc = 0;
	if (xmlCreateIntSubset(d, name, ext, sys) == NULL)
		rc = sz_err_set(s->err, SZ_E_NOMEM, "out of memory");
	xmlFree(name);
	xmlFree(ext);
	xmlFree(sys);
	return rc;
}

static int save_write(void *ctx, const char *p, int n)
{
	return wr_put(ctx, p, (size_t)n, NULL) == 0 ? n : -1;
}

int doc_svg(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	uint8_t *p = NULL;
	size_t len = 0;
	struct wr out = { .fd = -1 };
	struct svg s = { .r = r, .err = err, .writing = out_path != NULL };
	xmlDocPtr d = NULL;
	int rc = doc_slurp(fd, SZ_DOC_MAX_SVG, "the SVG", &p, &len, err);
	if (rc != 0)
		return rc;
	if ((d = parse(&s, p, len)) == NULL) {
		rc = s.rc;
		goto out;
	}
	xmlNodePtr root = xmlDocGetRootElement(d);
	if (root == NULL || strcmp((const char *)root->name, "svg") != 0 ||
	    (root->ns != NULL && strcmp((const char *)root->ns->href, SVG_NS) != 0)) {
		rc = sz_err_set(err, SZ_E_INVAL, "not an SVG drawing (its root "
			"element is not <svg>)");
		goto out;
	}
	if ((rc = doctype(&s, d)) != 0 || (rc = walk(&s, (xmlNodePtr)d)) != 0)
		goto out;
	unused_ns(root);
	if (out_path == NULL)
		goto out;
	if ((rc = wr_open(&out, out_path, err)) != 0)
		goto out;
	xmlSaveCtxtPtr sv = xmlSaveToIO(save_write, NULL, &out, "UTF-8", 0);
	if (sv == NULL || xmlSaveDoc(sv, d) < 0) {
		if (sv != NULL)
			xmlSaveClose(sv);
		rc = sz_err_set(err, SZ_E_IO, "cannot write the output");
		goto out;
	}
	if (xmlSaveClose(sv) < 0)
		rc = sz_err_set(err, SZ_E_IO, "cannot write the output");
out:
	if (d != NULL)
		xmlFreeDoc(d);
	free(p);
	return doc_verify(doc_finish(NULL, &out, rc, err), doc_svg, out_path, err);
}
