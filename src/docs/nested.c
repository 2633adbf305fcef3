/*
 * nested.c - a picture inside another file (a JPEG item of a HEIF photo,
 * a data: URI in an SVG) scrubbed by its own handler, in memory: the
 * bytes go to an anonymous memfd, never to disk.
 *
 * Only pictures are taken, and nesting is bounded (SZ_DOC_MAX_NESTING):
 * an SVG holding an SVG holding an SVG... is refused, not followed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "docs/internal.h"

static __thread unsigned depth;

static bool picture(enum sz_doc_type t)
{
	switch (t) {
	case SZ_DOC_JPEG: case SZ_DOC_PNG: case SZ_DOC_GIF: case SZ_DOC_TIFF:
	case SZ_DOC_WEBP: case SZ_DOC_HEIF: case SZ_DOC_AVIF: case SZ_DOC_BMP:
	case SZ_DOC_PNM: case SZ_DOC_JXL: case SZ_DOC_SVG:
		return true;
	default:
		return false;
	}
}

int doc_scrub_memory(const uint8_t *p, size_t len, const char *where,
	uint8_t **clean, size_t *clean_len, struct sz_doc_report *r,
	struct sz_err *err)
{
	if (clean != NULL) {
		*clean = NULL;
		*clean_len = 0;
	}
	if (depth >= SZ_DOC_MAX_NESTING)
		return sz_err_set(err, SZ_E_LIMIT, "pictures are nested inside "
			"pictures more than %u deep", SZ_DOC_MAX_NESTING);
	int rc = 0;
	int in = memfd_create("sz-nested", MFD_CLOEXEC);
	int out = clean ? memfd_create("sz-nested-clean", MFD_CLOEXEC) : -1;
	struct sz_doc_report sub;
	sz_doc_report_init(&sub);
	if (in < 0 || (clean != NULL && out < 0) ||
	    sz_write_all(in, p, len) != 0) {
		rc = sz_err_set(err, SZ_E_IO, "cannot hold the %s in memory", where);
		goto out;
	}
	enum sz_doc_type t = SZ_DOC_UNKNOWN;
	if ((rc = sz_doc_detect(in, &t, NULL, err)) != 0)
		goto out;
	if (!picture(t)) {
		rc = sz_err_set(err, SZ_E_UNSUPPORTED, "the %s is not a picture "
			"samizdat can scrub (%s)", where, sz_doc_type_name(t));
		goto out;
	}
	char out_path[64];
	snprintf(out_path, sizeof(out_path), "/proc/self/fd/%d", out);
	depth++;
	rc = sz_doc_scrub(in, t, clean ? out_path : NULL, &sub, err);
	depth--;
	for (size_t k = 0; k < sub.len; k++) {
		char kind[160];
		snprintf(kind, sizeof(kind), "%s in %s", sub.items[k].kind, where);
		sz_doc_report_add(r, kind, sub.items[k].name, sub.items[k].value,
			strlen(sub.items[k].value));
	}
	if (rc != 0 || clean == NULL)
		goto out;
	struct stat st;
	uint8_t *b = NULL;
	if (fstat(out, &st) != 0 || (b = malloc((size_t)st.st_size + 1)) == NULL ||
	    pread(out, b, (size_t)st.st_size, 0) != st.st_size) {
		free(b);
		rc = sz_err_set(err, SZ_E_IO, "cannot read back the %s", where);
		goto out;
	}
	*clean = b;
	*clean_len = (size_t)st.st_size;
out:
	sz_doc_report_free(&sub);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}
