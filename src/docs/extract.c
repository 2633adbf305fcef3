/*
 * extract.c - the text of a document, in reading order, as UTF-8: plain
 * text (any common charset, decided and converted by charset.c), HTML
 * (libxml2's HTML parser, in the charset a browser would read it in), Office Open XML and OpenDocument (libzip + libxml2's streaming
 * reader, so a large part is never held whole), PDF and e-mail in their
 * own files.  Deleted revisions, comments and field codes are not text.
 */
#include <errno.h>
#include <iconv.h>
#include <libxml/HTMLparser.h>
#include <libxml/xmlreader.h>
#include <magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zip.h>

#include "docs/charset.h"
#include "docs/extract.h"
#include "docs/internal.h"
#include "docs/zipdoc.h"

int text_put(struct text_out *o, const char *s, size_t len)
{
	if (len == 0)
		return 0;
	if (o->total + len > SZ_DOC_MAX_TEXT)
		return sz_err_set(o->err, SZ_E_LIMIT,
			"the document has more than %u MiB of text",
			SZ_DOC_MAX_TEXT >> 20);
	o->total += len;
	if (o->sink(o->ctx, (const uint8_t *)s, len) != 0)
		return sz_err_set(o->err, SZ_E_IO, "cannot write the text");
	return 0;
}

/* The charset libmagic names for the file's first bytes, or "" when it
 * names none worth following (ASCII, UTF-8 and binary are decided by
 * charset.c from the bytes themselves). */
static void magic_label(int fd, char *out, size_t cap)
{
	out[0] = 0;
	magic_t m = doc_magic(MAGIC_MIME_ENCODING, NULL);
	if (m == NULL)
		return;
	lseek(fd, 0, SEEK_SET);
	const char *e = magic_descriptor(m, fd);
	if (e != NULL && strcmp(e, "binary") != 0 && strcmp(e, "us-ascii") != 0 &&
	    strcmp(e, "utf-8") != 0 && strcmp(e, "unknown-8bit") != 0)
		snprintf(out, cap, "%s", e);
	lseek(fd, 0, SEEK_SET);
}

/* The first bytes of fd (its offset restored to 0), for sniffing. */
static size_t head_of(int fd, uint8_t *head, size_t cap)
{
	ssize_t n = pread(fd, head, cap, 0);
	return n > 0 ? (size_t)n : 0;
}

static int to_text(void *ctx, const char *p, size_t n)
{
	return text_put(ctx, p, n);
}

static int extract_text(int fd, struct text_out *o)
{
	char label[64], name[SZ_CHARSET_NAME_MAX];
	uint8_t *head = malloc(SZ_CHARSET_SNIFF_MAX);
	if (head == NULL)
		return sz_err_set(o->err, SZ_E_NOMEM, "out of memory");
	magic_label(fd, label, sizeof(label));
	size_t hn = head_of(fd, head, SZ_CHARSET_SNIFF_MAX);
	size_t skip = sz_charset_decide(label, head, hn, false, name,
		sizeof(name));
	free(head);
	struct sz_charset_conv *c;
	int rc = sz_charset_open(&c, name, to_text, o, o->err);
	if (rc != 0)
		return rc;
	char in[16384];
	uint64_t at = skip;
	for (;;) {
		ssize_t n = pread(fd, in, sizeof(in), (off_t)at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = sz_err_set(o->err, SZ_E_IO, "cannot read: %s",
				strerror(errno));
			break;
		}
		if ((rc = sz_charset_feed(c, (const uint8_t *)in, (size_t)n,
		    n == 0)) != 0 || n == 0)
			break;
		at += (uint64_t)n;
	}
	sz_charset_close(c);
	return rc;
}

static bool block_element(const char *n)
{
	static const char *const blocks[] = { "p", "div", "br", "li", "tr",
		"h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table",
		"section", "article", "header", "footer", "dd", "dt", "title" };
	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		if (strcasecmp(n, blocks[i]) == 0)
			return true;
	return false;
}

static int html_walk(xmlNode *n, struct text_out *o, int depth)
{
	int rc = 0;
	for (; n != NULL && rc == 0 && depth < 256; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			const char *t = (const char *)n->content;
			rc = text_put(o, t, strlen(t));
		} else if (n->type == XML_ELEMENT_NODE) {
			const char *name = (const char *)n->name;
			if (strcasecmp(name, "script") == 0 ||
			    strcasecmp(name, "style") == 0 ||
			    strcasecmp(name, "head") == 0)
				continue;
			rc = html_walk(n->children, o, depth + 1);
			if (rc == 0 && block_element(name))
				rc = text_put(o, "\n", 1);
		}
	}
	return rc;
}

int extract_html_mem(const char *p, size_t len, const char *encoding,
	struct text_out *o)
{
	if (len > SZ_DOC_MAX_MARKUP)
		return sz_err_set(o->err, SZ_E_LIMIT, "the HTML is too large");
	htmlDocPtr doc = htmlReadMemory(p, (int)len, NULL, encoding,
		HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
	if (doc == NULL)
		return sz_err_set(o->err, SZ_E_INVAL, "the HTML cannot be parsed");
	int rc = html_walk(doc->children, o, 0);
	xmlFreeDoc(doc);
	return rc;
}

static int extract_html(int fd, struct text_out *o)
{
	struct rd *in = rd_new(fd, o->err);
	if (in == NULL)
		return SZ_E_IO;
	uint64_t size = in->size;
	rd_free(in);
	if (size > SZ_DOC_MAX_MARKUP)
		return sz_err_set(o->err, SZ_E_LIMIT, "the HTML is too large");
	/* Read as a browser would (a byte-order mark, <meta charset>, else
	 * UTF-8 if it is that, else windows-1252), converted here. */
	uint8_t *raw = malloc(size ? (size_t)size : 1);
	struct sz_buf utf8;
	sz_buf_init(&utf8, 3 * (size_t)size + 1);
	int rc = raw == NULL ? sz_err_set(o->err, SZ_E_NOMEM, "out of memory") :
		lseek(fd, 0, SEEK_SET) != 0 || sz_read_full(fd, raw, (size_t)size) !=
		(ssize_t)size ? sz_err_set(o->err, SZ_E_IO, "cannot read the file") :
		sz_charset_to_utf8(NULL, raw, (size_t)size, true, &utf8);
	free(raw);
	if (rc == 0)
		rc = extract_html_mem(utf8.data ? (const char *)utf8.data : "",
			utf8.len, "UTF-8", o);
	sz_buf_free(&utf8);
	return rc;
}

/* What counts as text in a zip document's XML (local names). */
struct xml_rules {
	const char *text_in;           /* only this element holds text (OOXML's
					* <t>), or NULL for any */
	const char *const *paragraph;  /* ends a line */
	const char *const *skip;       /* subtrees that are not text */
};

static const char *const ooxml_para[] = { "p", "si", "tr", NULL };
static const char *const ooxml_skip[] = { "del", "instrText", "delText",
	"rPh", NULL };
static const char *const odf_para[] = { "p", "h", "list-item", NULL };
static const char *const odf_skip[] = { "annotation", "tracked-changes",
	"note-citation", "forms", "sequence-decls", "deletion", NULL };

static const char *const formula_para[] = { "math", NULL };
static const char *const no_skip[] = { NULL };

static const struct xml_rules ooxml = { "t", ooxml_para, ooxml_skip };
static const struct xml_rules odf = { NULL, odf_para, odf_skip };
/* A formula's text is its StarMath source ("E = m c^2"), kept beside the
 * MathML as an annotation: closer to what a reader typed than the tokens. */
static const struct xml_rules formula = { "annotation", formula_para, no_skip };

static bool in_list(const char *const *l, const char *n)
{
	for (; *l != NULL; l++)
		if (strcmp(*l, n) == 0)
			return true;
	return false;
}

struct zread {
	zip_file_t *f;
	uint64_t total;
};

static int zread_cb(void *ctx, char *buf, int len)
{
	struct zread *z = ctx;
	zip_int64_t n = zip_fread(z->f, buf, (zip_uint64_t)len);
	if (n < 0)
		return -1;
	z->total += (uint64_t)n;
	if (z->total > SZ_DOC_MAX_ZIP_TOTAL)
		return -1;
	return (int)n;
}

static int zclose_cb(void *ctx)
{
	(void)ctx;
	return 0;
}

/* Streams one XML member's text to o. */
static int xml_member_text(zip_t *z, const char *name,
	const struct xml_rules *rules, struct text_out *o)
{
	struct zread zr = { .f = zip_fopen(z, name, 0) };
	if (zr.f == NULL)
		return 0;
	xmlTextReaderPtr r = xmlReaderForIO(zread_cb, zclose_cb, &zr, NULL,
		NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	int rc = 0, ret, skip_depth = -1, t_depth = -1;
	while (r != NULL && rc == 0 && (ret = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);
		int depth = xmlTextReaderDepth(r);
		const char *ln = (const char *)xmlTextReaderConstLocalName(r);
		if (skip_depth >= 0) {
			if (type == XML_READER_TYPE_END_ELEMENT && depth == skip_depth)
				skip_depth = -1;
			continue;
		}
		if (type == XML_READER_TYPE_ELEMENT) {
			bool empty = xmlTextReaderIsEmptyElement(r);
			if (in_list(rules->skip, ln)) {
				if (!empty)
					skip_depth = depth;
				continue;
			}
			if (rules->text_in && strcmp(ln, rules->text_in) == 0 &&
			    !empty)
				t_depth = depth;
			else if (strcmp(ln, "tab") == 0)
				rc = text_put(o, "\t", 1);
			else if (strcmp(ln, "br") == 0 || strcmp(ln, "line-break") == 0 ||
				 strcmp(ln, "cr") == 0)
				rc = text_put(o, "\n", 1);
			else if (strcmp(ln, "s") == 0 && rules->text_in == NULL)
				rc = text_put(o, " ", 1);
			if (empty && in_list(rules->paragraph, ln))
				rc = text_put(o, "\n", 1);
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (depth == t_depth)
				t_depth = -1;
			if (in_list(rules->paragraph, ln))
				rc = text_put(o, "\n", 1);
		} else if (type == XML_READER_TYPE_TEXT ||
			   type == XML_READER_TYPE_CDATA ||
			   type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
			if (rules->text_in && t_depth < 0)
				continue;
			const char *v = (const char *)xmlTextReaderConstValue(r);
			if (v != NULL)
				rc = text_put(o, v, strlen(v));
		}
	}
	if (r == NULL || (rc == 0 && ret < 0))
		rc = sz_err_set(o->err, SZ_E_INVAL,
			"the member %s is not well-formed XML", name);
	if (r != NULL)
		xmlFreeTextReader(r);
	zip_fclose(zr.f);
	return rc;
}

static int cmp_num(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t lx = strlen(x), ly = strlen(y);
	return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x, y);
}

/* One chapter of an EPUB: its XHTML through the HTML text walker.  A
 * spine that names chapters again and again stops at the zip limits. */
struct epub_text {
	zip_t *z;
	struct text_out *o;
	bool first;
	uint64_t read;      /* bytes of chapters read so far */
	size_t chapters;
};

static int epub_chapter(void *ctx, const char *member)
{
	struct epub_text *e = ctx;
	zip_stat_t st;
	if (zip_stat(e->z, member, 0, &st) != 0)
		return 0;   /* a spine entry without its file: nothing to read */
	e->read += st.size;
	if (++e->chapters > SZ_DOC_MAX_ZIP_ENTRIES ||
	    e->read > SZ_DOC_MAX_ZIP_TOTAL)
		return sz_err_set(e->o->err, SZ_E_LIMIT,
			"the book's reading order names more than %u chapters or "
			"%llu MiB", SZ_DOC_MAX_ZIP_ENTRIES,
			(unsigned long long)(SZ_DOC_MAX_ZIP_TOTAL >> 20));
	if (st.size > SZ_DOC_MAX_MARKUP)
		return sz_err_set(e->o->err, SZ_E_LIMIT,
			"the chapter %s is larger than %u MiB", member,
			SZ_DOC_MAX_MARKUP >> 20);
	if (st.size > (1u << 20) && st.comp_size > 0 &&
	    st.size / st.comp_size > SZ_DOC_MAX_ZIP_RATIO)
		return sz_err_set(e->o->err, SZ_E_LIMIT,
			"the chapter %s expands more than %u times (a zip bomb?)",
			member, SZ_DOC_MAX_ZIP_RATIO);
	char *p = malloc(st.size + 1);
	zip_file_t *f = zip_fopen(e->z, member, 0);
	zip_int64_t got = p && f ? zip_fread(f, p, st.size) : -1;
	if (f)
		zip_fclose(f);
	int rc = 0;
	if (got != (zip_int64_t)st.size)
		rc = sz_err_set(e->o->err, SZ_E_INVAL, "the chapter %s is corrupt",
			member);
	else if (!e->first)
		rc = text_put(e->o, "\n", 1);
	if (rc == 0)
		rc = extract_html_mem(p, st.size, NULL, e->o);
	e->first = false;
	free(p);
	return rc;
}

static int extract_zip(int fd, enum sz_doc_type type, struct text_out *o)
{
	int dfd = dup(fd);
	FILE *f = dfd >= 0 ? fdopen(dfd, "rb") : NULL;
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = f ? zip_source_filep_create(f, 0, -1, &ze) : NULL;
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	zip_error_fini(&ze);
	if (z == NULL) {
		if (src)
			zip_source_free(src);
		else if (f)
			fclose(f);
		else if (dfd >= 0)
			close(dfd);
		return sz_err_set(o->err, SZ_E_INVAL, "the zip container is corrupt");
	}
	int rc = 0;
	if (type == SZ_DOC_EPUB) {
		struct epub_text e = { .z = z, .o = o, .first = true };
		rc = epub_reading_order(z, epub_chapter, &e, o->err);
	} else if (type == SZ_DOC_ODF_FORMULA) {
		rc = xml_member_text(z, "content.xml", &formula, o);
	} else if (type != SZ_DOC_DOCX && type != SZ_DOC_XLSX &&
		   type != SZ_DOC_PPTX) {
		rc = xml_member_text(z, "content.xml", &odf, o);
	} else if (type == SZ_DOC_DOCX) {
		rc = xml_member_text(z, "word/document.xml", &ooxml, o);
	} else {
		/* Sheets' shared strings; slides in their numeric order. */
		const char *prefix = type == SZ_DOC_XLSX ? "xl/sharedStrings.xml" :
			"ppt/slides/slide";
		zip_int64_t n = zip_get_num_entries(z, 0);
		const char **names = calloc((size_t)(n > 0 ? n : 1), sizeof(*names));
		size_t k = 0;
		for (zip_int64_t i = 0; names && i < n && (uint64_t)i < SZ_DOC_MAX_ZIP_ENTRIES; i++) {
			const char *nm = zip_get_name(z, (zip_uint64_t)i, 0);
			if (nm && strncmp(nm, prefix, strlen(prefix)) == 0 &&
			    strchr(nm + strlen("ppt/slides/"), '/') == NULL &&
			    strlen(nm) > 4 && strcmp(nm + strlen(nm) - 4, ".xml") == 0)
				names[k++] = nm;
		}
		qsort(names, k, sizeof(*names), cmp_num);
		for (size_t i = 0; i < k && rc == 0; i++) {
			rc = xml_member_text(z, names[i], &ooxml, o);
			if (rc == 0 && i + 1 < k)
				rc = text_put(o, "\n", 1);
		}
		free(names);
	}
	zip_discard(z);
	return rc;
}

int sz_doc_extract(int fd, const char *path, enum sz_doc_type type,
	sz_doc_sink sink, void *ctx, struct sz_err *err)
{
	(void)path;
	struct text_out o = { .sink = sink, .ctx = ctx, .err = err };
	if (lseek(fd, 0, SEEK_SET) != 0)
		return sz_err_set(err, SZ_E_IO, "cannot read the file");
	switch (type) {
	case SZ_DOC_TEXT: return extract_text(fd, &o);
	case SZ_DOC_HTML: return extract_html(fd, &o);
	case SZ_DOC_PDF: return extract_pdf(fd, &o);
	case SZ_DOC_EMAIL: return extract_mail(fd, &o);
	default:
		if (sz_doc_is_zip(type))
			return extract_zip(fd, type, &o);
		return sz_err_set(err, SZ_E_UNSUPPORTED,
			"samizdat extracts text from PDF, DOCX, XLSX, PPTX, ODT, "
			"ODS, ODP, ODG, ODF formula, EPUB, HTML, e-mail and plain "
			"text");
	}
}

bool sz_doc_extractable(enum sz_doc_type t)
{
	return t == SZ_DOC_PDF || t == SZ_DOC_TEXT || t == SZ_DOC_HTML ||
	       t == SZ_DOC_EMAIL || sz_doc_is_zip(t);
}
