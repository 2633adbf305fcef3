/*
 * pdf.c - PDF, rewritten whole with qpdf's C API: no Info dictionary, no
 * XMP metadata streams (document, page or image level), no page-piece
 * data, no document ID from the original (a deterministic one derived from
 * the content replaces it), no JavaScript, launch actions or embedded
 * files, no annotation authors or dates, and no earlier revisions: only
 * objects reachable from the new trailer are written, once.  Page content
 * streams are copied with their compression as it was.
 *
 * Damaged files are refused rather than repaired: what qpdf would have to
 * guess at, a reader cannot check.  So are decompression bombs, before
 * anything else reads them (pdf_budget.h).
 */
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docs/internal.h"
#include "docs/jp2.h"
#include "docs/pdf_budget.h"

/* A JPEG or JPEG 2000 image in a PDF, held in memory to be scrubbed (a
 * scanned page at 600 dpi in colour is about 10 MiB). */
#define PDF_JPEG_MAX (64u << 20)

struct walk {
	qpdf_data q;
	struct sz_doc_report *r;
	bool write;            /* scrubbing, not only inspecting */
	qpdf_oh *stack;
	size_t len, cap;
	uint8_t *seen;         /* one bit per object id */
	size_t seen_bytes;
	size_t visited;
};

static bool mark(struct walk *w, int id)
{
	if (id <= 0)
		return true;
	size_t byte = (size_t)id / 8;
	if (byte >= w->seen_bytes) {
		size_t n = w->seen_bytes ? w->seen_bytes : 1024;
		while (n <= byte)
			n *= 2;
		uint8_t *s = realloc(w->seen, n);
		if (s == NULL)
			return false;
		memset(s + w->seen_bytes, 0, n - w->seen_bytes);
		w->seen = s;
		w->seen_bytes = n;
	}
	bool was = w->seen[byte] & (1u << (id % 8));
	w->seen[byte] |= (uint8_t)(1u << (id % 8));
	return !was;
}

static int push(struct walk *w, qpdf_oh oh)
{
	if (w->len == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 256;
		qpdf_oh *s = realloc(w->stack, cap * sizeof(*s));
		if (s == NULL)
			return SZ_E_NOMEM;
		w->stack = s;
		w->cap = cap;
	}
	w->stack[w->len++] = oh;
	return 0;
}

static char *value_text(qpdf_data q, qpdf_oh v)
{
	if (qpdf_oh_is_string(q, v))
		return strdup(qpdf_oh_get_utf8_value(q, v));
	return strdup(qpdf_oh_unparse(q, v));
}

/* Reports an XMP stream when it is stored unfiltered (decoding a filtered
 * one could inflate without bound); otherwise only its size. */
static void report_stream_xmp(struct walk *w, qpdf_oh s, const char *where)
{
	qpdf_data q = w->q;
	qpdf_oh dict = qpdf_oh_get_dict(q, s);
	bool filtered = qpdf_oh_has_key(q, dict, "/Filter");
	qpdf_oh_release(q, dict);
	unsigned char *buf = NULL;
	size_t len = 0;
	QPDF_BOOL f;
	if (!filtered &&
	    qpdf_oh_get_stream_data(q, s, qpdf_dl_none, &f, &buf, &len) == 0 &&
	    len <= SZ_DOC_MAX_SEGMENT)
		report_xmp(w->r, where, buf, len);
	else
		sz_doc_report_addf(w->r, where, "packet", "%zu bytes (compressed)",
			len);
	free(buf);
}

static bool is_action(qpdf_data q, qpdf_oh v, const char *kind)
{
	qpdf_oh s = qpdf_oh_get_key_if_dict(q, v, "/S");
	bool yes = qpdf_oh_is_name_and_equals(q, s, kind);
	qpdf_oh_release(q, s);
	return yes;
}

static bool is_markup_annotation(qpdf_data q, qpdf_oh d)
{
	qpdf_oh t = qpdf_oh_get_key(q, d, "/Subtype");
	bool yes = false;
	if (qpdf_oh_is_name(q, t)) {
		const char *n = qpdf_oh_get_name(q, t);
		yes = strcmp(n, "/Link") != 0 && strcmp(n, "/Widget") != 0 &&
		      qpdf_oh_has_key(q, d, "/Rect");
	}
	qpdf_oh_release(q, t);
	return yes;
}

static bool has_subtype(qpdf_data q, qpdf_oh d, const char *subtype)
{
	qpdf_oh t = qpdf_oh_get_key(q, d, "/Subtype");
	bool yes = qpdf_oh_is_name_and_equals(q, t, subtype);
	qpdf_oh_release(q, t);
	return yes;
}

static void drop(struct walk *w, qpdf_oh d, const char *key,
	const char *kind, const char *name);

/* Comments go whole, as in Office files: a page's sticky notes (Text
 * annotations, replies included) and the pop-ups that show notes leave
 * its /Annots, reported with their text.  "As we said at Tuesday's
 * meeting" names its writer as surely as a signature. */
static void drop_comments(struct walk *w, qpdf_oh d)
{
	qpdf_data q = w->q;
	if (!qpdf_oh_has_key(q, d, "/Annots"))
		return;
	qpdf_oh annots = qpdf_oh_get_key(q, d, "/Annots");
	if (!qpdf_oh_is_array(q, annots)) {
		qpdf_oh_release(q, annots);
		return;
	}
	int n = qpdf_oh_get_array_n_items(q, annots);
	qpdf_oh keep = qpdf_oh_new_array(q);
	bool dropped = false;
	for (int i = 0; i < n; i++) {
		qpdf_oh a = qpdf_oh_get_array_item(q, annots, i);
		if (qpdf_oh_is_dictionary(q, a) && (has_subtype(q, a, "/Text") ||
		    has_subtype(q, a, "/Popup"))) {
			if (has_subtype(q, a, "/Text")) {
				qpdf_oh c = qpdf_oh_get_key(q, a, "/Contents");
				const char *t = qpdf_oh_is_string(q, c) ?
					qpdf_oh_get_utf8_value(q, c) : "";
				sz_doc_report_add(w->r, "Annotation", "comment", t,
					strlen(t));
				qpdf_oh_release(q, c);
			}
			dropped = true;
		} else {
			qpdf_oh_append_item(q, keep, a);
		}
		qpdf_oh_release(q, a);
	}
	if (dropped)
		qpdf_oh_replace_key(q, d, "/Annots", keep);
	qpdf_oh_release(q, keep);
	qpdf_oh_release(q, annots);
}

static void drop(struct walk *w, qpdf_oh d, const char *key,
	const char *kind, const char *name)
{
	qpdf_data q = w->q;
	if (!qpdf_oh_has_key(q, d, key))
		return;
	qpdf_oh v = qpdf_oh_get_key(q, d, key);
	if (strcmp(key, "/Metadata") == 0 && qpdf_oh_is_stream(q, v)) {
		report_stream_xmp(w, v, kind);
	} else if (qpdf_oh_is_string(q, v)) {
		const char *t = qpdf_oh_get_utf8_value(q, v);
		sz_doc_report_add(w->r, kind, name, t, strlen(t));
	} else {
		sz_doc_report_add(w->r, kind, name, NULL, 0);
	}
	qpdf_oh_release(q, v);
	qpdf_oh_remove_key(q, d, key);
}

/* Removes what identifies or acts from one dictionary. */
static void clean(struct walk *w, qpdf_oh d)
{
	qpdf_data q = w->q;
	drop(w, d, "/Metadata", "XMP", "packet");
	drop(w, d, "/PieceInfo", "PDF", "page-piece data");
	drop(w, d, "/LastModified", "PDF", "LastModified");
	drop(w, d, "/AA", "PDF", "additional actions");
	drop(w, d, "/JavaScript", "PDF", "JavaScript");
	drop(w, d, "/EmbeddedFiles", "PDF", "embedded files");
	drop(w, d, "/EF", "PDF", "embedded file");
	static const char *const acts[] = { "/A", "/OpenAction" };
	for (size_t i = 0; i < 2; i++) {
		qpdf_oh a = qpdf_oh_get_key_if_dict(q, d, acts[i]);
		if (is_action(q, a, "/JavaScript") || is_action(q, a, "/Launch") ||
		    is_action(q, a, "/ImportData") || is_action(q, a, "/SubmitForm")) {
			sz_doc_report_add(w->r, "PDF", "action", acts[i] + 1,
				strlen(acts[i] + 1));
			qpdf_oh_remove_key(q, d, acts[i]);
		}
		qpdf_oh_release(q, a);
	}
	drop_comments(w, d);
	if (qpdf_oh_is_dictionary_of_type(q, d, "/Annot", "") ||
	    is_markup_annotation(q, d)) {
		if (is_markup_annotation(q, d)) {
			drop(w, d, "/T", "Annotation", "Author");
			drop(w, d, "/M", "Annotation", "Modified");
			drop(w, d, "/CreationDate", "Annotation", "Created");
			drop(w, d, "/NM", "Annotation", "Name");
			if (!has_subtype(q, d, "/FreeText")) {
				/* A reviewer's note on a highlight, a stamp or a
				 * sticky note still reachable from the structure
				 * tree: a comment; FreeText shows its text. */
				drop(w, d, "/Contents", "Annotation", "comment");
				drop(w, d, "/RC", "Annotation", "comment (rich text)");
				drop(w, d, "/Subj", "Annotation", "subject");
				drop(w, d, "/Popup", "Annotation", "pop-up note");
				drop(w, d, "/IRT", "Annotation", "reply to");
			}
		}
		qpdf_oh st = qpdf_oh_get_key(q, d, "/Subtype");
		if (qpdf_oh_is_name_and_equals(q, st, "/FileAttachment"))
			drop(w, d, "/FS", "PDF", "attached file");
		qpdf_oh_release(q, st);
	}
}

/* Whether a stream dictionary is an image whose only filter is
 * `filter`. */
static bool is_image(qpdf_data q, qpdf_oh d, const char *filter)
{
	if (!has_subtype(q, d, "/Image"))
		return false;
	qpdf_oh f = qpdf_oh_get_key(q, d, "/Filter");
	bool yes = qpdf_oh_is_name_and_equals(q, f, filter);
	if (qpdf_oh_is_array(q, f) && qpdf_oh_get_array_n_items(q, f) == 1) {
		qpdf_oh f0 = qpdf_oh_get_array_item(q, f, 0);
		yes = qpdf_oh_is_name_and_equals(q, f0, filter);
		qpdf_oh_release(q, f0);
	}
	qpdf_oh_release(q, f);
	return yes;
}

/* A photo placed in a PDF keeps its file whole when the producer does
 * not recompress it (LibreOffice's hybrid PDF and lossless export,
 * pdfTeX, img2pdf, scanners): a JPEG's EXIF (camera serial number, GPS),
 * XMP and IPTC, a JPEG 2000's XMP and GeoJP2 boxes come along.  The JPEG
 * handler scrubs a JPEG's bytes, jp2.c a JPEG 2000's boxes; the coded
 * image is copied, so the page shows the same picture. */
static int scrub_image(struct walk *w, qpdf_oh s, qpdf_oh d, bool jpx,
	struct sz_err *err)
{
	qpdf_data q = w->q;
	unsigned char *buf = NULL;
	uint8_t *clean = NULL;
	size_t len = 0, clean_len = 0;
	int rc = 0;
	qpdf_oh len_oh = qpdf_oh_get_key(q, d, "/Length");
	long long declared = qpdf_oh_is_integer(q, len_oh) ?
		qpdf_oh_get_int_value(q, len_oh) : 0;
	qpdf_oh_release(q, len_oh);
	if (declared > (long long)PDF_JPEG_MAX)
		return sz_err_set(err, SZ_E_LIMIT, "an image in the PDF is "
			"larger than %u MiB", PDF_JPEG_MAX >> 20);
	if (qpdf_oh_get_stream_data(q, s, qpdf_dl_none, NULL, &buf, &len) &
	    QPDF_ERRORS)
		return sz_err_set(err, SZ_E_INVAL, "the PDF is damaged: an image "
			"cannot be read");
	if (len > PDF_JPEG_MAX) {
		rc = sz_err_set(err, SZ_E_LIMIT, "an image in the PDF is "
			"larger than %u MiB", PDF_JPEG_MAX >> 20);
		goto out;
	}
	size_t before = w->r->len;
	struct sz_err why;
	if (jpx) {
		if (sz_jp2_is_boxed(buf, len) && sz_jp2_clean(buf, len,
		    w->write ? &clean : NULL, &clean_len, w->r, &why) != 0) {
			rc = sz_err_set(err, SZ_E_INVAL, "a JPEG 2000 image in the "
				"PDF cannot be scrubbed (%s)", why.msg);
			goto out;
		}
	} else if (doc_scrub_memory(buf, len, "PDF image",
		    w->write ? &clean : NULL, &clean_len, w->r, &why) != 0) {
		rc = sz_err_set(err, SZ_E_INVAL, "a JPEG image in the PDF cannot "
			"be scrubbed (%s)", why.msg);
		goto out;
	}
	if (w->write && w->r->len > before) {
		qpdf_oh f = qpdf_oh_get_key(q, d, "/Filter");
		qpdf_oh p = qpdf_oh_get_key(q, d, "/DecodeParms");
		qpdf_oh_replace_stream_data(q, s, clean, clean_len, f, p);
		qpdf_oh_release(q, f);
		qpdf_oh_release(q, p);
	}
out:
	free(buf);
	free(clean);
	return rc;
}

/* Visits every object reachable from the root, once. */
static int walk_all(struct walk *w, qpdf_oh root, struct sz_err *err)
{
	qpdf_data q = w->q;
	if (push(w, root) != 0)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	while (w->len > 0) {
		qpdf_oh oh = w->stack[--w->len];
		if (qpdf_oh_is_indirect(q, oh) &&
		    !mark(w, qpdf_oh_get_object_id(q, oh))) {
			qpdf_oh_release(q, oh);
			continue;
		}
		if (++w->visited > SZ_DOC_MAX_PDF_OBJECTS) {
			qpdf_oh_release(q, oh);
			return sz_err_set(err, SZ_E_LIMIT,
				"the PDF has more than %u objects",
				SZ_DOC_MAX_PDF_OBJECTS);
		}
		qpdf_oh d = qpdf_oh_is_stream(q, oh) ? qpdf_oh_get_dict(q, oh)
			: qpdf_oh_is_dictionary(q, oh) ? qpdf_oh_new_object(q, oh) : 0;
		bool jpx = false;
		if (d != 0 && qpdf_oh_is_stream(q, oh) &&
		    ((jpx = is_image(q, d, "/JPXDecode")) ||
		     is_image(q, d, "/DCTDecode"))) {
			int jrc = scrub_image(w, oh, d, jpx, err);
			if (jrc != 0) {
				qpdf_oh_release(q, d);
				qpdf_oh_release(q, oh);
				return jrc;
			}
		}
		if (d != 0) {
			clean(w, d);
			/* Keys first (iteration is one dictionary at a time). */
			qpdf_oh_begin_dict_key_iter(q, d);
			char **keys = NULL;
			size_t nk = 0, ck = 0;
			while (qpdf_oh_dict_more_keys(q)) {
				const char *k = qpdf_oh_dict_next_key(q);
				if (nk == ck) {
					ck = ck ? ck * 2 : 16;
					char **nkeys = realloc(keys, ck * sizeof(*keys));
					if (nkeys == NULL)
						break;
					keys = nkeys;
				}
				keys[nk++] = strdup(k);
			}
			int failed = 0;
			for (size_t i = 0; i < nk; i++) {
				if (!failed && keys[i] != NULL &&
				    strcmp(keys[i], "/Parent") != 0)
					failed = push(w, qpdf_oh_get_key(q, d, keys[i]));
				free(keys[i]);
			}
			free(keys);
			if (failed) {
				qpdf_oh_release(q, d);
				qpdf_oh_release(q, oh);
				return sz_err_set(err, SZ_E_NOMEM, "out of memory");
			}
			qpdf_oh_release(q, d);
		} else if (qpdf_oh_is_array(q, oh)) {
			int n = qpdf_oh_get_array_n_items(q, oh);
			for (int i = 0; i < n; i++)
				if (push(w, qpdf_oh_get_array_item(q, oh, i)) != 0)
					break;
		}
		qpdf_oh_release(q, oh);
		if (qpdf_has_error(q)) {
			qpdf_error e = qpdf_get_error(q);
			return sz_err_set(err, SZ_E_INVAL, "the PDF is damaged: %s",
				qpdf_get_error_message_detail(q, e));
		}
	}
	return 0;
}

/* Counts the revisions: one %%EOF per save, incremental updates add
 * more. */
static unsigned count_eof(int fd)
{
	struct rd *in = rd_new(fd, NULL);
	unsigned n = 0;
	if (in == NULL)
		return 0;
	for (;;) {
		size_t have = rd_fill(in, RD_BUF, NULL);
		if (have < 5)
			break;
		const uint8_t *b = in->buf + in->pos, *p = b;
		while ((p = memmem(p, have - (size_t)(p - b), "%%EOF", 5)) != NULL) {
			n++;
			p += 5;
		}
		in->pos += have - 4;
	}
	rd_free(in);
	return n;
}

static void report_info(qpdf_data q, qpdf_oh trailer, struct sz_doc_report *r)
{
	qpdf_oh info = qpdf_oh_get_key(q, trailer, "/Info");
	if (!qpdf_oh_is_dictionary(q, info)) {
		qpdf_oh_release(q, info);
		return;
	}
	char **keys = NULL;
	size_t nk = 0;
	qpdf_oh_begin_dict_key_iter(q, info);
	while (qpdf_oh_dict_more_keys(q) && nk < 1000) {
		char **nkeys = realloc(keys, (nk + 1) * sizeof(*keys));
		if (nkeys == NULL)
			break;
		keys = nkeys;
		keys[nk++] = strdup(qpdf_oh_dict_next_key(q));
	}
	for (size_t i = 0; i < nk; i++) {
		if (keys[i] == NULL)
			continue;
		qpdf_oh v = qpdf_oh_get_key(q, info, keys[i]);
		char *t = value_text(q, v);
		sz_doc_report_add(r, "PDF Info", keys[i] + 1, t, t ? strlen(t) : 0);
		free(t);
		free(keys[i]);
		qpdf_oh_release(q, v);
	}
	free(keys);
	if (nk == 0)
		sz_doc_report_add(r, "PDF Info", "(empty dictionary)", NULL, 0);
	qpdf_oh_release(q, info);
}

static int qpdf_fail(qpdf_data q, const char *what, struct sz_err *err)
{
	qpdf_error e = qpdf_get_error(q);
	return sz_err_set(err, SZ_E_INVAL, "%s: %s", what,
		e ? qpdf_get_error_message_detail(q, e) : "unknown error");
}

int doc_pdf(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	char in_path[64];
	snprintf(in_path, sizeof(in_path), "/proc/self/fd/%d", fd);
	int rc = sz_pdf_budget_check(in_path, SZ_DOC_MAX_PDF_OBJECTS, err);
	if (rc != 0)
		return rc;
	struct walk w = { .r = r, .write = out_path != NULL };
	qpdf_data q = qpdf_init();
	qpdf_silence_errors(q);
	qpdf_set_suppress_warnings(q, QPDF_TRUE);
	w.q = q;
	if (qpdf_read(q, in_path, "") & QPDF_ERRORS) {
		rc = qpdf_fail(q, "not a readable PDF", err);
		goto out;
	}
	while (qpdf_more_warnings(q)) {
		qpdf_error e = qpdf_next_warning(q);
		const char *why = qpdf_get_error_message_detail(q, e);
		/* A trailer /Size that miscounts the objects (poppler's
		 * pdfunite and pdfseparate write one) is noted, not guessed
		 * at: every object is where the cross-reference table says. */
		if (why != NULL && strstr(why, "reported number of objects") != NULL)
			continue;
		rc = sz_err_set(err, SZ_E_INVAL,
			"the PDF is damaged (%s); samizdat does not repair PDFs: "
			"rewrite it with a PDF tool, review it, and scrub that", why);
		goto out;
	}
	qpdf_oh trailer = qpdf_get_trailer(q);
	report_info(q, trailer, r);
	if (qpdf_oh_has_key(q, trailer, "/ID"))
		sz_doc_report_add(r, "PDF", "document ID", NULL, 0);
	qpdf_oh_remove_key(q, trailer, "/Info");
	qpdf_oh_remove_key(q, trailer, "/ID");
	/* LibreOffice's hybrid PDF carries the whole source document (its
	 * meta, comments, tracked changes and original photos) beside the
	 * trailer, with a checksum of it. */
	if (qpdf_oh_has_key(q, trailer, "/AdditionalStreams"))
		sz_doc_report_add(r, "PDF", "embedded source document (hybrid "
			"PDF)", NULL, 0);
	qpdf_oh_remove_key(q, trailer, "/AdditionalStreams");
	qpdf_oh_remove_key(q, trailer, "/DocChecksum");
	unsigned eofs = count_eof(fd);
	if (eofs > 1)
		sz_doc_report_addf(r, "PDF", "earlier revisions", "%u", eofs - 1);
	qpdf_oh root = qpdf_get_root(q);
	qpdf_oh_release(q, trailer);
	if ((rc = walk_all(&w, root, err)) != 0)
		goto out;
	if (qpdf_get_num_pages(q) < 0) {
		rc = qpdf_fail(q, "the PDF's page tree is damaged", err);
		goto out;
	}
	if (out_path == NULL)
		goto out;
	if (qpdf_init_write(q, out_path) & QPDF_ERRORS) {
		rc = qpdf_fail(q, "cannot write the PDF", err);
		goto out;
	}
	qpdf_set_preserve_encryption(q, QPDF_FALSE);
	qpdf_set_deterministic_ID(q, QPDF_TRUE);
	qpdf_set_object_stream_mode(q, qpdf_o_preserve);
	qpdf_set_stream_data_mode(q, qpdf_s_preserve);
	qpdf_set_preserve_unreferenced_objects(q, QPDF_FALSE);
	if (qpdf_write(q) & QPDF_ERRORS)
		rc = qpdf_fail(q, "cannot write the PDF", err);
out:
	free(w.stack);
	free(w.seen);
	qpdf_cleanup(&q);
	return rc;
}
