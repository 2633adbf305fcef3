/*
 * epub.c - EPUB books (EPUB 2 and 3 in their OCF zip container) through
 * the zip engine of zipdoc.c.  What identifies the people who made or held
 * a copy of a book is in its package document (OPF) and navigation file
 * (NCX), in the comments and <meta> tags of its XHTML, in the EXIF of its
 * pictures, and in what stores and readers add (iTunesMetadata.plist names
 * the buyer; calibre keeps bookmarks in the book).  So:
 * - the OPF's metadata is reset to what a reading system needs: the
 *   titles and languages (what the cover and title page show anyway), one
 *   identifier, the last-modified date (fixed), the cover and layout
 *   settings; creators, contributors, dates, publisher, descriptions,
 *   subjects, rights, sources, links and tool metadata (calibre, Sigil)
 *   go, and refinements of what went go with it;
 * - the identifier is replaced by a urn:uuid derived from the titles and
 *   the list of files, never from the old one: an identifier stamped per
 *   copy (a canary trap) would tell whose copy leaked.  The NCX's dtb:uid
 *   follows, and fonts obfuscated with the old identifier (IDPF or Adobe
 *   obfuscation) are re-obfuscated with the new one, so they still load;
 * - XHTML goes through markup.c's scrubber and is written back as XML;
 *   pictures and sounds through their own handlers;
 * - `mimetype` stays the first member, stored (zipdoc.c).
 * Books with DRM (rights.xml, or encryption other than font obfuscation)
 * are refused: what cannot be read cannot be cleaned.
 *
 * Not here: CSS (copied as it is), scripts (refused as unknown members),
 * validating the book beyond what cleaning needs.
 */
#include <glib.h>
#include <libxml/hash.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "docs/officexml.h"
#include "docs/zipdoc.h"

#define OPF_NS "http://www.idpf.org/2007/opf"
#define DC_NS "http://purl.org/dc/elements/1.1/"
#define FIXED_MODIFIED "2000-01-01T00:00:00Z"
#define IDPF_FONT_ALGO "http://www.idpf.org/2008/embedding"
#define ADOBE_FONT_ALGO "http://ns.adobe.com/pdf/enc#RC"
#define IDPF_FONT_BYTES 1040u    /* bytes a font is obfuscated over */
#define ADOBE_FONT_BYTES 1024u
#define MAX_DEPTH 512
#define PATH_MAX_LEN 1024

static const struct zrule epub_rules[] = {
	{ "mimetype", A_COPY },
	{ "META-INF/rights.xml", A_UNKNOWN },     /* DRM: refused in the plan */
	{ "META-INF/signatures.xml", A_DROP },    /* the signer */
	{ "META-INF/metadata.xml", A_DROP },      /* container-level metadata */
	{ "META-INF/calibre_bookmarks.txt", A_DROP },
	{ "iTunesMetadata.plist", A_DROP },        /* the buyer's Apple ID */
	{ "iTunesMetadata-original.plist", A_DROP },
	{ "iTunesArtwork", A_DROP },
	{ "*.opf", A_OPF },
	{ "*.ncx", A_NCX },
	{ "*.xhtml", A_XHTML }, { "*.html", A_XHTML }, { "*.htm", A_XHTML },
	{ "*.svg", A_XML }, { "*.smil", A_XML }, { "*.xml", A_XML },
	{ "*.xpgt", A_XML },
	{ "*.css", A_COPY },
	{ "*.otf", A_FONT }, { "*.ttf", A_FONT }, { "*.woff", A_FONT },
	{ "*.woff2", A_FONT },
	{ "*.jpg", A_MEDIA }, { "*.jpeg", A_MEDIA }, { "*.png", A_MEDIA },
	{ "*.gif", A_MEDIA }, { "*.webp", A_MEDIA }, { "*.tif", A_MEDIA },
	{ "*.tiff", A_MEDIA }, { "*.bmp", A_MEDIA },
	{ "*.mp3", A_MEDIA }, { "*.m4a", A_MEDIA }, { "*.mp4", A_MEDIA },
	{ "*.m4v", A_MEDIA }, { "*.aac", A_MEDIA }, { "*.ogg", A_MEDIA },
	{ "*.oga", A_MEDIA }, { "*.opus", A_MEDIA }, { "*.flac", A_MEDIA },
	{ "*.webm", A_MEDIA },
	{ NULL, A_UNKNOWN },
};

enum font_algo { FONT_NONE, FONT_IDPF, FONT_ADOBE };

struct epub_book {
	char *old_id;            /* the unique identifier as it was */
	char new_id[64];         /* "urn:uuid:..." */
	unsigned char *obfuscated;  /* enum font_algo, by member index */
};

void epub_free(struct epub_book *b)
{
	if (b == NULL)
		return;
	free(b->old_id);
	free(b->obfuscated);
	free(b);
}

static bool local(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	       strcmp((const char *)n->name, name) == 0;
}

static bool in_ns(const xmlNode *n, const char *uri)
{
	return n->ns != NULL && n->ns->href != NULL &&
	       strcmp((const char *)n->ns->href, uri) == 0;
}

static xmlNode *first_child(const xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c != NULL; c = c->next)
		if (local(c, name))
			return c;
	return NULL;
}

static xmlChar *prop(const xmlNode *n, const char *name)
{
	return xmlGetProp((xmlNode *)n, (const xmlChar *)name);
}

/* An href inside the book, as a member name: the fragment cut,
 * %-escapes decoded, resolved against the folder of the file it is in.
 * false for a remote resource or a name too long. */
static bool member_of(const char *dir, const char *href, char *out,
	size_t cap)
{
	char dec[PATH_MAX_LEN];
	size_t n = 0;
	if (strstr(href, "://") != NULL || strlen(dir) + strlen(href) >= cap)
		return false;
	for (const char *s = href; *s && *s != '#' && *s != '?' &&
	     n + 1 < sizeof(dec); s++) {
		int hi, lo;
		if (s[0] == '%' && (hi = g_ascii_xdigit_value(s[1])) >= 0 &&
		    (lo = g_ascii_xdigit_value(s[2])) >= 0) {
			dec[n++] = (char)(hi << 4 | lo);
			s += 2;
		} else {
			dec[n++] = *s;
		}
	}
	dec[n] = 0;
	officexml_resolve(dir, dec, out, cap);
	return out[0] != 0;
}

/* The folder of a member name, with its slash ("OEBPS/"), or "". */
static void folder_of(const char *name, char *dir, size_t cap)
{
	const char *slash = strrchr(name, '/');
	snprintf(dir, cap, "%.*s", slash ? (int)(slash - name + 1) : 0, name);
}

/* Reads and parses a member; NULL with z->err set if it cannot. */
static xmlDoc *read_xml(struct zdoc *z, const char *name)
{
	zip_int64_t i = zdoc_find(z, name);
	uint8_t *p = NULL;
	size_t len;
	xmlDoc *doc = NULL;
	if (i < 0) {
		sz_err_set(z->err, SZ_E_INVAL, "the EPUB has no %s", name);
		return NULL;
	}
	if (zdoc_read(z, (zip_uint64_t)i, SZ_DOC_MAX_XML_PART, &p, &len) == 0)
		zdoc_parse(z, name, p, len, true, &doc);
	free(p);
	return doc;
}

/* The package documents container.xml names: fn(ctx, path) for each,
 * until fn returns non-zero. */
static int each_package(struct zdoc *z, int (*fn)(struct zdoc *, void *,
	const char *), void *ctx)
{
	xmlDoc *c = read_xml(z, "META-INF/container.xml");
	if (c == NULL)
		return z->err ? z->err->code : SZ_E_INVAL;
	int rc = 0, found = 0;
	xmlNode *rootfiles = first_child(xmlDocGetRootElement(c), "rootfiles");
	for (xmlNode *rf = rootfiles ? rootfiles->children : NULL;
	     rf != NULL && rc == 0; rf = rf->next) {
		if (!local(rf, "rootfile"))
			continue;
		xmlChar *path = prop(rf, "full-path");
		if (path != NULL && path[0] != 0) {
			found++;
			rc = fn(z, ctx, (const char *)path);
		}
		xmlFree(path);
	}
	xmlFreeDoc(c);
	if (rc == 0 && found == 0)
		rc = sz_err_set(z->err, SZ_E_INVAL, "not an EPUB: its "
			"META-INF/container.xml names no package document");
	return rc;
}

/* ---- the new identifier ---- */

static void hash_text(crypto_hash_sha256_state *h, const xmlChar *s)
{
	if (s != NULL)
		crypto_hash_sha256_update(h, s, strlen((const char *)s));
	crypto_hash_sha256_update(h, (const unsigned char *)"\n", 1);
}

/* A urn:uuid (version 8: derived by us) over the titles and the hrefs of
 * the manifest, in order: the same book always gets the same identifier,
 * and nothing of the old one survives. */
static void derive_id(struct epub_book *b, xmlNode *pkg)
{
	crypto_hash_sha256_state h;
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_init(&h);
	xmlNode *md = first_child(pkg, "metadata");
	for (xmlNode *n = md ? md->children : NULL; n != NULL; n = n->next)
		if (local(n, "title") && in_ns(n, DC_NS)) {
			xmlChar *t = xmlNodeGetContent(n);
			hash_text(&h, t);
			xmlFree(t);
		}
	xmlNode *mf = first_child(pkg, "manifest");
	for (xmlNode *n = mf ? mf->children : NULL; n != NULL; n = n->next)
		if (local(n, "item")) {
			xmlChar *href = prop(n, "href");
			hash_text(&h, href);
			xmlFree(href);
		}
	crypto_hash_sha256_final(&h, d);
	d[6] = (unsigned char)((d[6] & 0x0f) | 0x80);
	d[8] = (unsigned char)((d[8] & 0x3f) | 0x80);
	snprintf(b->new_id, sizeof(b->new_id), "urn:uuid:%02x%02x%02x%02x-%02x%02x-"
		"%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", d[0], d[1], d[2],
		d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12],
		d[13], d[14], d[15]);
}

/* The element package@unique-identifier points at, if any. */
static xmlNode *unique_identifier(xmlNode *pkg, xmlNode *md)
{
	xmlChar *uid = prop(pkg, "unique-identifier");
	xmlNode *found = NULL;
	for (xmlNode *n = md ? md->children : NULL; n && !found; n = n->next) {
		if (!local(n, "identifier") || !in_ns(n, DC_NS))
			continue;
		xmlChar *id = prop(n, "id");
		if (uid == NULL || (id && strcmp((const char *)id, (const char *)uid) == 0))
			found = n;
		xmlFree(id);
	}
	xmlFree(uid);
	return found;
}

/* ---- the plan ---- */

/* Members the manifest types, where their name says nothing we know. */
static enum zaction by_media_type(const char *type)
{
	if (strcmp(type, "application/xhtml+xml") == 0)
		return A_XHTML;
	if (strcmp(type, "application/x-dtbncx+xml") == 0)
		return A_NCX;
	if (strncmp(type, "image/svg", 9) == 0 ||
	    strcmp(type, "application/smil+xml") == 0)
		return A_XML;
	if (strncmp(type, "image/", 6) == 0 || strncmp(type, "audio/", 6) == 0 ||
	    strncmp(type, "video/", 6) == 0)
		return A_MEDIA;
	if (strncmp(type, "font/", 5) == 0 ||
	    strncmp(type, "application/font", 16) == 0 ||
	    strcmp(type, "application/vnd.ms-opentype") == 0)
		return A_FONT;
	if (strcmp(type, "text/css") == 0)
		return A_COPY;
	return A_UNKNOWN;
}

static int plan_package(struct zdoc *z, void *ctx, const char *path)
{
	(void)ctx;
	struct epub_book *b = z->book;
	zip_int64_t i = zdoc_find(z, path);
	if (i < 0)
		return sz_err_set(z->err, SZ_E_INVAL, "not an EPUB: its package "
			"document %s is missing", path);
	z->acts[i] = A_OPF;
	if (b->new_id[0] != 0)
		return 0;   /* the first package decides the identifier */
	xmlDoc *opf = read_xml(z, path);
	if (opf == NULL)
		return z->err ? z->err->code : SZ_E_INVAL;
	xmlNode *pkg = xmlDocGetRootElement(opf);
	xmlNode *uid = unique_identifier(pkg, first_child(pkg, "metadata"));
	if (uid != NULL) {
		xmlChar *v = xmlNodeGetContent(uid);
		b->old_id = v ? strdup((const char *)v) : NULL;
		xmlFree(v);
	}
	derive_id(b, pkg);
	char dir[PATH_MAX_LEN], name[PATH_MAX_LEN];
	folder_of(path, dir, sizeof(dir));
	xmlNode *mf = first_child(pkg, "manifest");
	for (xmlNode *n = mf ? mf->children : NULL; n != NULL; n = n->next) {
		if (!local(n, "item"))
			continue;
		xmlChar *href = prop(n, "href"), *type = prop(n, "media-type");
		zip_int64_t k;
		/* The manifest's type is authoritative: XHTML named .xml is
		 * still XHTML. */
		if (href && type && member_of(dir, (const char *)href, name,
		    sizeof(name)) && (k = zdoc_find(z, name)) >= 0 &&
		    (z->acts[k] == A_UNKNOWN || z->acts[k] == A_XML) &&
		    by_media_type((const char *)type) != A_UNKNOWN)
			z->acts[k] = by_media_type((const char *)type);
		xmlFree(href);
		xmlFree(type);
	}
	xmlFreeDoc(opf);
	return 0;
}

/* META-INF/encryption.xml: fonts obfuscated with the identifier are
 * re-keyed; any other encryption is DRM, and refused. */
static int plan_encryption(struct zdoc *z)
{
	struct epub_book *b = z->book;
	if (zdoc_find(z, "META-INF/encryption.xml") < 0)
		return 0;
	if ((b->obfuscated = calloc((size_t)z->n + 1, 1)) == NULL)
		return sz_err_set(z->err, SZ_E_NOMEM, "out of memory");
	xmlDoc *enc = read_xml(z, "META-INF/encryption.xml");
	if (enc == NULL)
		return z->err ? z->err->code : SZ_E_INVAL;
	int rc = 0;
	xmlNode *root = xmlDocGetRootElement(enc);
	for (xmlNode *ed = root ? root->children : NULL; ed && rc == 0;
	     ed = ed->next) {
		if (!local(ed, "EncryptedData"))
			continue;
		xmlNode *m = first_child(ed, "EncryptionMethod");
		xmlNode *ref = first_child(first_child(ed, "CipherData"),
			"CipherReference");
		xmlChar *algo = m ? prop(m, "Algorithm") : NULL;
		xmlChar *uri = ref ? prop(ref, "URI") : NULL;
		enum font_algo fa = !algo ? FONT_NONE :
			strcmp((const char *)algo, IDPF_FONT_ALGO) == 0 ? FONT_IDPF :
			strcmp((const char *)algo, ADOBE_FONT_ALGO) == 0 ? FONT_ADOBE :
			FONT_NONE;
		char path[PATH_MAX_LEN] = "";
		zip_int64_t k = -1;
		if (uri != NULL)
			member_of("", (const char *)uri, path, sizeof(path));
		if (fa == FONT_NONE) {
			rc = sz_err_set(z->err, SZ_E_UNSUPPORTED,
				"the EPUB is encrypted (DRM: %s); samizdat cannot clean "
				"what it cannot read: nothing was written",
				algo ? (const char *)algo : "unknown method");
		} else if ((k = zdoc_find(z, path)) < 0) {
			rc = sz_err_set(z->err, SZ_E_INVAL, "META-INF/encryption.xml "
				"names a file the EPUB does not hold (%s)", path);
		} else if (z->acts[k] != A_FONT) {
			/* Obfuscation is for fonts; a picture "obfuscated" this
			 * way would carry its EXIF past its own scrubber. */
			rc = sz_err_set(z->err, SZ_E_UNSUPPORTED,
				"META-INF/encryption.xml obfuscates %s, which is not a "
				"font: nothing was written", path);
		} else {
			b->obfuscated[k] = (unsigned char)fa;
		}
		xmlFree(algo);
		xmlFree(uri);
	}
	xmlFreeDoc(enc);
	return rc;
}

static const struct zformat epub_format = { epub_rules, epub_plan, false };

int epub_plan(struct zdoc *z)
{
	if ((z->book = calloc(1, sizeof(*z->book))) == NULL)
		return sz_err_set(z->err, SZ_E_NOMEM, "out of memory");
	if (zdoc_find(z, "META-INF/rights.xml") >= 0)
		return sz_err_set(z->err, SZ_E_UNSUPPORTED,
			"the EPUB is protected by DRM (META-INF/rights.xml); samizdat "
			"cannot clean what it cannot read: nothing was written");
	int rc = each_package(z, plan_package, NULL);
	if (rc == 0)
		rc = plan_encryption(z);
	return rc;
}

/* ---- cleaning ---- */

/* Unlinks and frees n, with the indentation before it. */
static void unlink_element(xmlNode *n)
{
	xmlNode *prev = n->prev;
	if (prev != NULL && prev->type == XML_TEXT_NODE && xmlIsBlankNode(prev)) {
		xmlUnlinkNode(prev);
		xmlFreeNode(prev);
	}
	xmlUnlinkNode(n);
	xmlFreeNode(n);
}

static size_t drop_comments(xmlNode *n, struct sz_doc_report *r, int depth)
{
	size_t changes = 0;
	for (xmlNode *next; n != NULL && depth < MAX_DEPTH; n = next) {
		next = n->next;
		if (n->type == XML_COMMENT_NODE) {
			const char *c = (const char *)n->content;
			sz_doc_report_add(r, "EPUB metadata", "comment", c,
				c ? strlen(c) : 0);
			unlink_element(n);
			changes++;
		} else if (n->type == XML_ELEMENT_NODE) {
			changes += drop_comments(n->children, r, depth + 1);
		}
	}
	return changes;
}

/* Reports an element as "WHAT prefix:name" (or WHAT NAME for a <meta>
 * with a name) with its text or content, and removes it. */
static void report_drop(struct zdoc *z, xmlNode *n, const char *what)
{
	char name[160];
	xmlChar *v = xmlNodeGetContent(n);
	xmlChar *mn = local(n, "meta") ? prop(n, "name") : NULL;
	if (v == NULL || v[0] == 0) {
		xmlFree(v);
		v = prop(n, "content");
		if (v == NULL)
			v = prop(n, "href");
	}
	if (mn != NULL)
		snprintf(name, sizeof(name), "%smeta %s", what, (const char *)mn);
	else
		snprintf(name, sizeof(name), "%s%s%s%s", what,
			n->ns && n->ns->prefix ? (const char *)n->ns->prefix : "",
			n->ns && n->ns->prefix ? ":" : "", (const char *)n->name);
	sz_doc_report_add(z->r, "EPUB metadata", name, (const char *)v,
		v ? strlen((const char *)v) : 0);
	xmlFree(mn);
	xmlFree(v);
	unlink_element(n);
}

/* Sets an element's text; true if it changed. */
static bool set_text(struct zdoc *z, xmlNode *n, const char *want,
	const char *what)
{
	xmlChar *v = xmlNodeGetContent(n);
	bool changed = v == NULL || strcmp((const char *)v, want) != 0;
	if (changed) {
		sz_doc_report_add(z->r, "EPUB metadata", what, (const char *)v,
			v ? strlen((const char *)v) : 0);
		xmlNodeSetContent(n, (const xmlChar *)want);
	}
	xmlFree(v);
	return changed;
}

/* The EPUB 2 <meta name=...> a reading system uses. */
static bool kept_meta_name(const char *name)
{
	static const char *const keep[] = { "cover", "fixed-layout",
		"orientation-lock", "original-resolution", "primary-writing-mode",
		"book-type", "RegionMagnification", NULL };
	for (size_t i = 0; keep[i]; i++)
		if (strcmp(name, keep[i]) == 0)
			return true;
	return false;
}

/* EPUB 3 properties a reading system uses; media:narrator names one. */
static bool kept_property(const char *p, bool of_item)
{
	if (strncmp(p, "rendition:", 10) == 0)
		return true;
	return strcmp(p, "media:duration") == 0 ||
	       (!of_item && (strcmp(p, "media:active-class") == 0 ||
			     strcmp(p, "media:playback-active-class") == 0));
}

enum kept { KEPT_TEXT = 1, KEPT_IDENTIFIER, KEPT_ITEM };

static void remember(xmlHashTablePtr ids, const xmlNode *n, enum kept k)
{
	xmlChar *id = prop(n, "id");
	if (id != NULL)
		xmlHashAddEntry(ids, id, (void *)(uintptr_t)k);
	xmlFree(id);
}

/* Metadata elements other than <meta>: titles and languages stay, the
 * unique identifier is replaced, everything else goes. */
static size_t clean_elements(struct zdoc *z, xmlNode *md, xmlNode *uid,
	xmlHashTablePtr ids, int depth)
{
	size_t changes = 0;
	for (xmlNode *n = md->children, *next; n != NULL && depth < 4; n = next) {
		next = n->next;
		if (n->type != XML_ELEMENT_NODE || local(n, "meta"))
			continue;
		if (local(n, "dc-metadata") || local(n, "x-metadata")) {
			changes += clean_elements(z, n, uid, ids, depth + 1);
		} else if (in_ns(n, DC_NS) && (local(n, "title") ||
			   local(n, "language"))) {
			remember(ids, n, KEPT_TEXT);
		} else if (n == uid) {
			changes += set_text(z, n, z->book->new_id,
				"dc:identifier (replaced)");
			/* opf:scheme and the like described the old one */
			for (xmlAttr *a = n->properties, *an; a != NULL; a = an) {
				an = a->next;
				if (strcmp((const char *)a->name, "id") != 0) {
					xmlRemoveProp(a);
					changes++;
				}
			}
			remember(ids, n, KEPT_IDENTIFIER);
		} else {
			report_drop(z, n, "");
			changes++;
		}
	}
	return changes;
}

static size_t clean_metas(struct zdoc *z, xmlNode *md, xmlHashTablePtr ids,
	int depth)
{
	size_t changes = 0;
	for (xmlNode *n = md->children, *next; n != NULL && depth < 4; n = next) {
		next = n->next;
		if (local(n, "dc-metadata") || local(n, "x-metadata")) {
			changes += clean_metas(z, n, ids, depth + 1);
			continue;
		}
		if (!local(n, "meta"))
			continue;
		xmlChar *name = prop(n, "name"), *p = prop(n, "property");
		xmlChar *refines = prop(n, "refines");
		bool keep = false, fix = false;
		if (name != NULL) {
			keep = kept_meta_name((const char *)name);
		} else if (p != NULL && refines != NULL) {
			const char *target = (const char *)refines +
				(refines[0] == '#' ? 1 : 0);
			uintptr_t k = (uintptr_t)xmlHashLookup(ids,
				(const xmlChar *)target);
			keep = k == KEPT_TEXT || (k == KEPT_ITEM &&
				kept_property((const char *)p, true));
		} else if (p != NULL) {
			fix = strcmp((const char *)p, "dcterms:modified") == 0;
			keep = fix || kept_property((const char *)p, false);
		}
		if (fix)
			changes += set_text(z, n, FIXED_MODIFIED,
				"dcterms:modified (fixed)");
		else if (!keep) {
			char what[160];
			snprintf(what, sizeof(what), "meta %s", name ? (const char *)name :
				p ? (const char *)p : "");
			xmlChar *v = name ? prop(n, "content") : xmlNodeGetContent(n);
			sz_doc_report_add(z->r, "EPUB metadata", what, (const char *)v,
				v ? strlen((const char *)v) : 0);
			xmlFree(v);
			unlink_element(n);
			changes++;
		}
		xmlFree(name);
		xmlFree(p);
		xmlFree(refines);
	}
	return changes;
}

size_t epub_clean_opf(struct zdoc *z, xmlDoc *doc)
{
	xmlNode *pkg = xmlDocGetRootElement(doc);
	xmlNode *md = first_child(pkg, "metadata");
	size_t changes = drop_comments(pkg, z->r, 0);
	xmlHashTablePtr ids = xmlHashCreate(64);
	if (md == NULL || ids == NULL) {
		xmlHashFree(ids, NULL);
		return changes;
	}
	xmlNode *mf = first_child(pkg, "manifest");
	for (xmlNode *n = mf ? mf->children : NULL; n != NULL; n = n->next)
		if (local(n, "item"))
			remember(ids, n, KEPT_ITEM);
	changes += clean_elements(z, md, unique_identifier(pkg, md), ids, 0);
	changes += clean_metas(z, md, ids, 0);
	xmlHashFree(ids, NULL);
	return changes;
}

size_t epub_clean_ncx(struct zdoc *z, xmlDoc *doc)
{
	xmlNode *ncx = xmlDocGetRootElement(doc);
	size_t changes = drop_comments(ncx, z->r, 0);
	xmlNode *head = first_child(ncx, "head");
	for (xmlNode *n = head ? head->children : NULL, *next; n; n = next) {
		next = n->next;
		if (!local(n, "meta"))
			continue;
		xmlChar *name = prop(n, "name"), *v = prop(n, "content");
		if (name && strcmp((const char *)name, "dtb:uid") == 0) {
			if (v == NULL || strcmp((const char *)v, z->book->new_id) != 0) {
				sz_doc_report_add(z->r, "EPUB metadata",
					"dtb:uid (replaced)", (const char *)v,
					v ? strlen((const char *)v) : 0);
				xmlSetProp(n, (const xmlChar *)"content",
					(const xmlChar *)z->book->new_id);
				changes++;
			}
		} else if (name == NULL || strncmp((const char *)name, "dtb:", 4) != 0 ||
			   strcmp((const char *)name, "dtb:generator") == 0) {
			report_drop(z, n, "ncx ");
			changes++;
		}
		xmlFree(name);
		xmlFree(v);
	}
	for (xmlNode *n = ncx ? ncx->children : NULL, *next; n; n = next) {
		next = n->next;
		if (local(n, "docAuthor")) {
			report_drop(z, n, "ncx ");
			changes++;
		}
	}
	return changes;
}

/* ---- fonts ---- */

/* The obfuscation key an identifier gives; 0 if it gives none. */
static size_t font_key(enum font_algo algo, const char *id, uint8_t key[20])
{
	if (id == NULL)
		return 0;
	if (algo == FONT_IDPF) {
		/* SHA-1 of the identifier without white space */
		GChecksum *c = g_checksum_new(G_CHECKSUM_SHA1);
		gsize len = 20;
		for (const char *s = id; *s; s++)
			if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
				g_checksum_update(c, (const guchar *)s, 1);
		g_checksum_get_digest(c, key, &len);
		g_checksum_free(c);
		return len;
	}
	/* Adobe: the 16 bytes of the UUID */
	if (strncasecmp(id, "urn:uuid:", 9) == 0)
		id += 9;
	size_t n = 0;
	for (const char *s = id; *s && n <= 32; s++) {
		int v = g_ascii_xdigit_value(*s);
		if (v < 0 && *s != '-')
			return 0;
		if (v >= 0) {
			if (n < 32)
				key[n / 2] = (uint8_t)(n % 2 ? key[n / 2] | v : v << 4);
			n++;
		}
	}
	return n == 32 ? 16 : 0;
}

int epub_font(struct zdoc *z, zip_uint64_t i, const char *name)
{
	struct epub_book *b = z->book;
	enum font_algo algo = b && b->obfuscated ? b->obfuscated[i] : FONT_NONE;
	if (algo == FONT_NONE || (b->old_id && strcmp(b->old_id, b->new_id) == 0))
		return zdoc_copy(z, i, name);
	uint8_t old[20], new[20];
	size_t ol = font_key(algo, b->old_id, old);
	size_t nl = font_key(algo, b->new_id, new);
	if (ol == 0 || ol != nl)
		return sz_err_set(z->err, SZ_E_UNSUPPORTED,
			"the font %s is obfuscated with an identifier samizdat cannot "
			"read, so it cannot be kept working under a new one: nothing "
			"was written", name);
	uint8_t *p;
	size_t len;
	int rc = zdoc_read(z, i, SZ_DOC_MAX_XML_PART * 4u, &p, &len);
	if (rc != 0)
		return rc;
	size_t span = algo == FONT_IDPF ? IDPF_FONT_BYTES : ADOBE_FONT_BYTES;
	for (size_t k = 0; k < len && k < span; k++)
		p[k] ^= old[k % ol] ^ new[k % nl];
	return zdoc_add_buffer(z, name, p, len);
}

/* ---- reading order, for text extraction ---- */

struct spine_ctx {
	int (*fn)(void *ctx, const char *member);
	void *ctx;
};

static int spine_of(struct zdoc *z, void *ctx, const char *path)
{
	struct spine_ctx *s = ctx;
	xmlDoc *opf = read_xml(z, path);
	if (opf == NULL)
		return z->err ? z->err->code : SZ_E_INVAL;
	xmlNode *pkg = xmlDocGetRootElement(opf);
	xmlHashTablePtr hrefs = xmlHashCreate(64);
	int rc = hrefs ? 0 : sz_err_set(z->err, SZ_E_NOMEM, "out of memory");
	xmlNode *mf = first_child(pkg, "manifest");
	for (xmlNode *n = mf ? mf->children : NULL; n && rc == 0; n = n->next) {
		xmlChar *id = local(n, "item") ? prop(n, "id") : NULL;
		xmlChar *href = id ? prop(n, "href") : NULL;
		if (id && href && xmlHashAddEntry(hrefs, id, href) == 0)
			href = NULL;   /* the table owns it */
		xmlFree(id);
		xmlFree(href);
	}
	char dir[PATH_MAX_LEN], name[PATH_MAX_LEN];
	folder_of(path, dir, sizeof(dir));
	xmlNode *spine = first_child(pkg, "spine");
	for (xmlNode *n = spine ? spine->children : NULL; n && rc == 0;
	     n = n->next) {
		xmlChar *idref = local(n, "itemref") ? prop(n, "idref") : NULL;
		const xmlChar *href = idref ? xmlHashLookup(hrefs, idref) : NULL;
		if (href && member_of(dir, (const char *)href, name, sizeof(name)))
			rc = s->fn(s->ctx, name);
		xmlFree(idref);
	}
	xmlHashFree(hrefs, xmlHashDefaultDeallocator);
	xmlFreeDoc(opf);
	return rc != 0 ? rc : 1;   /* the first package only */
}

int epub_reading_order(zip_t *src, int (*fn)(void *ctx, const char *member),
	void *ctx, struct sz_err *err)
{
	struct zdoc z = { .src = src, .fmt = &epub_format, .err = err };
	struct spine_ctx s = { .fn = fn, .ctx = ctx };
	int rc = each_package(&z, spine_of, &s);
	return rc == 1 ? 0 : rc;
}

int doc_epub(int fd, const char *out, struct sz_doc_report *r,
	struct sz_err *err)
{
	return zdoc_run(fd, out, &epub_format, r, err);
}
