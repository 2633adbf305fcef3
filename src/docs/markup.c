/*
 * markup.c - plain text (nothing to remove: checked to be text and copied)
 * and HTML without <meta> tags (author, generator, description, dates;
 * the charset is kept) and without comments, re-serialised by libxml2.
 */
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "docs/internal.h"

int doc_text(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	(void)r;
	struct rd *in;
	struct wr out;
	int rc = doc_begin(fd, out_path, &in, &out, err);
	if (rc != 0)
		return rc;
	for (;;) {
		size_t have = rd_fill(in, RD_BUF, err);
		if (have == 0)
			break;
		if (memchr(in->buf + in->pos, 0, have) != NULL) {
			rc = sz_err_set(err, SZ_E_INVAL,
				"not plain text (it contains NUL bytes)");
			goto out;
		}
		if ((rc = wr_put(&out, in->buf + in->pos, have, err)) != 0)
			goto out;
		in->pos += have;
	}
out:
	return doc_finish(in, &out, rc, err);
}

static bool keep_meta(xmlNode *n)
{
	if (xmlHasProp(n, (const xmlChar *)"charset"))
		return true;
	/* The viewport names no one, and a fixed-layout EPUB needs it. */
	xmlChar *vp = xmlGetProp(n, (const xmlChar *)"name");
	bool viewport = vp && strcasecmp((const char *)vp, "viewport") == 0;
	xmlFree(vp);
	if (viewport)
		return true;
	xmlChar *he = xmlGetProp(n, (const xmlChar *)"http-equiv");
	bool keep = he && strcasecmp((const char *)he, "content-type") == 0;
	xmlFree(he);
	return keep;
}

static void scrub_tree(xmlNode *n, struct sz_doc_report *r, int depth)
{
	while (n != NULL && depth < 256) {
		xmlNode *next = n->next;
		if (n->type == XML_COMMENT_NODE) {
			const char *c = (const char *)n->content;
			sz_doc_report_add(r, "HTML", "comment", c, c ? strlen(c) : 0);
			xmlUnlinkNode(n);
			xmlFreeNode(n);
		} else if (n->type == XML_ELEMENT_NODE &&
			   strcasecmp((const char *)n->name, "meta") == 0 &&
			   !keep_meta(n)) {
			xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");
			if (name == NULL)
				name = xmlGetProp(n, (const xmlChar *)"property");
			if (name == NULL)
				name = xmlGetProp(n, (const xmlChar *)"http-equiv");
			xmlChar *v = xmlGetProp(n, (const xmlChar *)"content");
			sz_doc_report_add(r, "HTML meta",
				name ? (const char *)name : "(unnamed)",
				(const char *)v, v ? strlen((const char *)v) : 0);
			xmlFree(name);
			xmlFree(v);
			xmlUnlinkNode(n);
			xmlFreeNode(n);
		} else if (n->type == XML_ELEMENT_NODE) {
			scrub_tree(n->children, r, depth + 1);
		}
		n = next;
	}
}

int doc_html(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	struct rd *in = rd_new(fd, err);
	struct wr out;
	int rc;
	if (in == NULL)
		return err ? err->code : SZ_E_IO;
	uint64_t size = in->size;
	rd_free(in);
	if (size > SZ_DOC_MAX_MARKUP)
		return sz_err_set(err, SZ_E_LIMIT,
			"the HTML file is larger than %u MiB", SZ_DOC_MAX_MARKUP >> 20);
	if (lseek(fd, 0, SEEK_SET) != 0)
		return sz_err_set(err, SZ_E_IO, "cannot read the file");
	htmlDocPtr doc = htmlReadFd(fd, NULL, NULL, HTML_PARSE_NONET |
		HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NOIMPLIED);
	if (doc == NULL)
		return sz_err_set(err, SZ_E_INVAL, "the HTML cannot be parsed");
	scrub_tree(doc->children, r, 0);
	if ((rc = wr_open(&out, out_path, err)) != 0)
		goto out;
	if (out_path != NULL) {
		xmlChar *mem = NULL;
		int len = 0;
		htmlDocDumpMemoryFormat(doc, &mem, &len, 0);
		if (mem == NULL) {
			rc = sz_err_set(err, SZ_E_NOMEM, "cannot serialise the HTML");
			wr_close(&out, NULL);
			goto out;
		}
		rc = wr_put(&out, mem, (size_t)len, err);
		xmlFree(mem);
		if (rc != 0) {
			wr_close(&out, NULL);
			goto out;
		}
	}
	rc = wr_close(&out, err);
out:
	xmlFreeDoc(doc);
	return rc;
}

void markup_scrub_tree(xmlDoc *doc, struct sz_doc_report *r)
{
	scrub_tree(doc->children, r, 0);
}
