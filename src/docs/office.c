/*
 * office.c - Office Open XML (DOCX, XLSX, PPTX) and OpenDocument (ODT, ODS,
 * ODP, ODG, formula): the tables of what each member of their zip may be,
 * and the checks made before the zip engine (zipdoc.c) writes anything.
 * What is dropped and why: thumbnails (a picture of the first page, with
 * its comments and changes as they were shown), printer settings,
 * customXml, signatures (they name the signer, and break on any change),
 * comment parts and revision logs (office_changes.c reports them), and the
 * members LibreOffice and OpenOffice write whatever the document
 * (Configurations2/, layout-cache, manifest.rdf).
 *
 * Not here: how parts are cleaned (office_changes.c, officexml.c).
 */
#include <stdlib.h>
#include <string.h>

#include "docs/zipdoc.h"

static const struct zrule ooxml_rules[] = {
	{ "[[]Content_Types].xml", A_RELS },
	{ "_rels/.rels", A_RELS },
	{ "*/_rels/*.rels", A_RELS },
	{ "*/*/_rels/*.rels", A_RELS },
	{ "docProps/core.xml", A_CORE },
	{ "docProps/app.xml", A_APP },
	{ "docProps/custom.xml", A_CUSTOM },
	{ "docProps/thumbnail.*", A_DROP },
	{ "*/printerSettings/*", A_DROP },
	{ "customXml/*", A_DROP },
	{ "[[]trash]/*", A_DROP },
	{ "docMetadata/*", A_DROP },   /* sensitivity labels: tenant ids */
	{ "_xmlsignatures/*", A_DROP }, /* the signer's certificate */
	{ "word/comments*.xml", A_COMMENTS },   /* and Extended, Ids, Extensible */
	{ "word/people.xml", A_COMMENTS },
	{ "xl/comments*.xml", A_COMMENTS },
	{ "xl/comments/*", A_COMMENTS },
	{ "xl/threadedComments/*", A_COMMENTS },
	{ "xl/persons/*", A_COMMENTS },
	{ "xl/revisions/*", A_REVISIONS },
	{ "ppt/comments/*", A_COMMENTS },
	{ "ppt/commentAuthors.xml", A_COMMENTS },
	{ "ppt/authors.xml", A_COMMENTS },
	{ "xl/drawings/*.vml", A_VML },
	{ "*/fonts/*", A_COPY },
	{ "*/embeddings/*", A_UNKNOWN },
	{ "xl/externalLinks/*", A_UNKNOWN },
	{ "*.bin", A_UNKNOWN },
	{ "*/media/*", A_MEDIA },
	{ "word/*.xml", A_XML }, { "word/*/*.xml", A_XML },
	{ "xl/*.xml", A_XML }, { "xl/*/*.xml", A_XML },
	{ "ppt/*.xml", A_XML }, { "ppt/*/*.xml", A_XML },
	{ "*.jpeg", A_MEDIA }, { "*.jpg", A_MEDIA }, { "*.png", A_MEDIA },
	{ "*.gif", A_MEDIA }, { "*.tif", A_MEDIA }, { "*.tiff", A_MEDIA },
	{ "*.emf", A_COPY }, { "*.wmf", A_COPY }, { "*.svg", A_XML },
	{ "*.vml", A_XML },
	{ NULL, A_UNKNOWN },
};

/* Folder rules end in '/' and cover everything below. */
static const struct zrule odf_rules[] = {
	{ "mimetype", A_COPY },
	{ "META-INF/manifest.xml", A_RELS },
	{ "META-INF/documentsignatures.xml", A_DROP },  /* the signer */
	{ "META-INF/macrosignatures.xml", A_DROP },
	{ "meta.xml", A_ODF_META },
	{ "content.xml", A_XML },
	{ "styles.xml", A_XML },
	{ "settings.xml", A_XML },
	/* What LibreOffice and OpenOffice write whatever the document:
	 * RDF that lists the parts, a layout cache, the user interface
	 * configuration (empty in most files, toolbars and shortcuts in
	 * some), a thumbnail of the first page. */
	{ "manifest.rdf", A_DROP },
	{ "layout-cache", A_DROP },
	{ "Configurations2/", A_DROP },
	{ "Thumbnails/", A_DROP },
	{ "Object */meta.xml", A_ODF_META },   /* charts and formulas */
	{ "Object */*.xml", A_XML },
	{ "ObjectReplacements/*", A_MEDIA },
	{ "Pictures/*.svg", A_XML },
	{ "Pictures/*", A_MEDIA },
	{ "media/*", A_MEDIA },
	{ NULL, A_UNKNOWN },
};

/* Office Open XML: every package needs [Content_Types].xml; without it no
 * office suite opens the file, and guessing one would be a repair.  A
 * sheet's VML drawing that only holds comment boxes goes with them. */
static int ooxml_plan(struct zdoc *z)
{
	if (zdoc_find(z, "[Content_Types].xml") < 0) {
		const char *kind = zdoc_find(z, "xl/workbook.xml") >= 0 ? "XLSX" :
			zdoc_find(z, "ppt/presentation.xml") >= 0 ? "PPTX" : "DOCX";
		return sz_err_set(z->err, SZ_E_INVAL,
			"this %s has no [Content_Types].xml, the part every Office "
			"Open XML file must have (it was probably re-zipped by hand); "
			"Word and LibreOffice cannot open it either, and samizdat "
			"does not repair documents: nothing was written", kind);
	}
	for (zip_int64_t i = 0; i < z->n; i++) {
		if (z->acts[i] != A_VML)
			continue;
		uint8_t *p;
		size_t len, notes, others;
		xmlDoc *doc;
		const char *name = zip_get_name(z->src, (zip_uint64_t)i, 0);
		int rc = zdoc_read(z, (zip_uint64_t)i, SZ_DOC_MAX_XML_PART, &p, &len);
		if (rc == 0 && len == 0) {
			free(p);
			continue;
		}
		if (rc == 0)
			rc = zdoc_parse(z, name, p, len, false, &doc);
		free(p);
		if (rc != 0)
			return rc;
		office_vml_count(doc, &notes, &others);
		xmlFreeDoc(doc);
		if (notes == 0)
			z->acts[i] = A_XML;
		else if (others == 0)
			z->acts[i] = A_DROP;
	}
	return 0;
}

/* OpenDocument: a password-protected document's parts are encrypted, and
 * saying so beats "not well-formed XML". */
static int odf_plan(struct zdoc *z)
{
	zip_int64_t i = zdoc_find(z, "META-INF/manifest.xml");
	uint8_t *p;
	size_t len;
	if (i < 0 || zdoc_read(z, (zip_uint64_t)i, SZ_DOC_MAX_XML_PART, &p,
	    &len) != 0)
		return 0;   /* reported when the manifest itself is read */
	bool encrypted = memmem(p, len, "encryption-data", 15) != NULL;
	free(p);
	if (encrypted)
		return sz_err_set(z->err, SZ_E_UNSUPPORTED,
			"the document is protected by a password (its parts are "
			"encrypted); open it, save it without a password and scrub "
			"that copy: nothing was written");
	return 0;
}

static const struct zformat ooxml = { ooxml_rules, ooxml_plan, true };
static const struct zformat odf = { odf_rules, odf_plan, false };

int doc_ooxml(int fd, const char *out, struct sz_doc_report *r,
	struct sz_err *err)
{
	return zdoc_run(fd, out, &ooxml, r, err);
}

int doc_odf(int fd, const char *out, struct sz_doc_report *r,
	struct sz_err *err)
{
	return zdoc_run(fd, out, &odf, r, err);
}
