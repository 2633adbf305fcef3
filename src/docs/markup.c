/*
 * markup.c - plain text (nothing to remove: checked to be text and copied)
 * and HTML without <meta> tags (author, generator, description, dates;
 * the charset is kept) and without comments, re-serialised by libxml2
 * until the result is a fixed point (doc_html says why).
 */
#include <libxml/HTMLparser.h>
#include <libxml/HTMLtree.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "docs/charset.h"
#include "docs/internal.h"

#define SZ_HTML_MAX_PASSES 8   /* serialise-and-parse rounds to settle */

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

/* One pass of the scrubber over HTML in memory: parsed as a browser
 * would read its bytes (charset.c), comments and <meta> removed,
 * serialised by libxml2 into *out. */
static int html_pass(const uint8_t *p, size_t len, struct sz_doc_report *r,
	xmlChar **out, int *out_len, struct sz_err *err)
{
	/* Converted here, not by libxml2 through iconv: iconv refuses the
	 * bytes windows-1252 leaves undefined, and libxml2 then gives up. */
	struct sz_buf utf8;
	sz_buf_init(&utf8, 3 * (size_t)len + 1);
	int rc = sz_charset_to_utf8(NULL, p, len, true, &utf8);
	htmlDocPtr doc = rc != 0 ? NULL : htmlReadMemory(utf8.data ?
		(const char *)utf8.data : "", (int)utf8.len, NULL, "UTF-8",
		HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
		HTML_PARSE_NOIMPLIED);
	sz_buf_free(&utf8);
	if (doc == NULL)
		return sz_err_set(err, SZ_E_INVAL, "the HTML cannot be parsed");
	scrub_tree(doc->children, r, 0);
	*out = NULL;
	*out_len = 0;
	htmlDocDumpMemoryFormat(doc, out, out_len, 0);
	xmlFreeDoc(doc);
	if (*out == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "cannot serialise the HTML");
	if ((size_t)*out_len > SZ_DOC_MAX_MARKUP) {
		xmlFree(*out);
		*out = NULL;
		return sz_err_set(err, SZ_E_LIMIT, "the HTML grows past %u MiB",
			SZ_DOC_MAX_MARKUP >> 20);
	}
	return 0;
}

/* libxml2 repairs malformed HTML, and what it writes can parse into a
 * slightly different tree again; so passes repeat until one changes
 * nothing, and that fixed point is the result: scrubbing it again gives
 * the same bytes.  What never settles is refused. */
int doc_html(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	struct rd *in = rd_new(fd, err);
	struct wr out;
	xmlChar *cur = NULL;
	int cur_len = 0, rc;
	if (in == NULL)
		return err ? err->code : SZ_E_IO;
	uint64_t size = in->size;
	rd_free(in);
	if (size > SZ_DOC_MAX_MARKUP)
		return sz_err_set(err, SZ_E_LIMIT,
			"the HTML file is larger than %u MiB", SZ_DOC_MAX_MARKUP >> 20);
	uint8_t *src = malloc(size ? (size_t)size : 1);
	if (src == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	if (lseek(fd, 0, SEEK_SET) != 0 ||
	    sz_read_full(fd, src, (size_t)size) != (ssize_t)size)
		rc = sz_err_set(err, SZ_E_IO, "cannot read the file");
	else
		rc = html_pass(src, (size_t)size, r, &cur, &cur_len, err);
	free(src);
	for (int round = 1; rc == 0; round++) {
		xmlChar *next = NULL;
		int next_len = 0;
		if (round > SZ_HTML_MAX_PASSES) {
			rc = sz_err_set(err, SZ_E_INVAL, "the HTML is too malformed to "
				"come out the same way twice, so it cannot be scrubbed "
				"reliably");
			break;
		}
		if ((rc = html_pass(cur, (size_t)cur_len, r, &next, &next_len,
		    err)) != 0)
			break;
		bool same = next_len == cur_len && memcmp(next, cur,
			(size_t)cur_len) == 0;
		xmlFree(cur);
		cur = next;
		cur_len = next_len;
		if (same)
			break;
	}
	if (rc == 0 && (rc = wr_open(&out, out_path, err)) == 0) {
		rc = wr_put(&out, cur, (size_t)cur_len, err);
		int wrc = wr_close(&out, rc ? NULL : err);
		rc = rc ? rc : wrc;
	}
	xmlFree(cur);
	return rc;
}

void markup_scrub_tree(xmlDoc *doc, struct sz_doc_report *r)
{
	scrub_tree(doc->children, r, 0);
}
