/*
 * zipdoc.c - Office Open XML (DOCX, XLSX, PPTX) and OpenDocument (ODT,
 * ODS, ODP) containers, rewritten with libzip: every member is matched
 * against a table of what it may be; property parts are replaced by empty
 * ones, thumbnails and printer settings dropped (with the references to
 * them), XML parts cleaned by officexml.c, images scrubbed by their own
 * handler, and every entry gets the same fixed date and no extra fields.
 * A member the table does not know (macros, embedded objects, external
 * links) stops the file, unless the caller allowed unknown members.
 *
 * Limits: entries, decompressed size per XML part and in all, and the
 * compression ratio, checked before and while decompressing.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "docs/internal.h"
#include "docs/officexml.h"

enum action {
	A_UNKNOWN, A_COPY, A_XML, A_RELS, A_CORE, A_APP, A_CUSTOM, A_ODF_META,
	A_DROP, A_MEDIA,
};

struct rule {
	const char *glob;
	enum action act;
};

static const struct rule ooxml_rules[] = {
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

static const struct rule odf_rules[] = {
	{ "mimetype", A_COPY },
	{ "META-INF/manifest.xml", A_RELS },
	{ "meta.xml", A_ODF_META },
	{ "content.xml", A_XML },
	{ "styles.xml", A_XML },
	{ "settings.xml", A_XML },
	{ "manifest.rdf", A_XML },
	{ "Thumbnails/*", A_DROP },
	{ "layout-cache", A_DROP },
	{ "Configurations2/*", A_COPY },
	{ "Object */meta.xml", A_ODF_META },   /* charts and formulas */
	{ "Object */*.xml", A_XML },
	{ "ObjectReplacements/*", A_MEDIA },
	{ "Pictures/*.svg", A_XML },
	{ "Pictures/*", A_MEDIA },
	{ "media/*", A_MEDIA },
	{ NULL, A_UNKNOWN },
};

struct zdoc {
	zip_t *src, *dst;
	const struct rule *rules;
	enum action *acts;
	zip_int64_t n;
	uint64_t total;
	struct sz_doc_report *r;
	struct sz_err *err;
};

static enum action classify(const struct rule *rules, const char *name)
{
	if (name[strlen(name) - 1] == '/')
		return A_COPY;   /* a folder entry */
	if (strstr(name, "..") != NULL || name[0] == '/')
		return A_UNKNOWN;
	for (const struct rule *r = rules; r->glob != NULL; r++)
		if (fnmatch(r->glob, name, FNM_PATHNAME) == 0 ||
		    (r->glob[0] == '*' && r->glob[1] == '.' &&
		     fnmatch(r->glob, name, 0) == 0))
			return r->act;
	return A_UNKNOWN;
}

static int is_dropped(void *ctx, const char *name)
{
	struct zdoc *z = ctx;
	zip_int64_t i = zip_name_locate(z->src, name, 0);
	return i >= 0 && z->acts[i] == A_DROP;
}

/* Reads one member into memory (at most max bytes), checking the
 * ratio and running total against the zip-bomb limits. */
static int read_member(struct zdoc *z, zip_uint64_t i, size_t max,
	uint8_t **out, size_t *len)
{
	zip_stat_t st;
	*out = NULL;
	if (zip_stat_index(z->src, i, 0, &st) != 0)
		return sz_err_set(z->err, SZ_E_INVAL, "the zip is corrupt");
	if (st.size > max)
		return sz_err_set(z->err, SZ_E_LIMIT,
			"the member %s is larger than %zu MiB", st.name, max >> 20);
	if (st.size > (1u << 20) && st.comp_size > 0 &&
	    st.size / st.comp_size > SZ_DOC_MAX_ZIP_RATIO)
		return sz_err_set(z->err, SZ_E_LIMIT,
			"the member %s expands more than %u times (a zip bomb?)",
			st.name, SZ_DOC_MAX_ZIP_RATIO);
	z->total += st.size;
	if (z->total > SZ_DOC_MAX_ZIP_TOTAL)
		return sz_err_set(z->err, SZ_E_LIMIT,
			"the file expands to more than %llu MiB",
			(unsigned long long)(SZ_DOC_MAX_ZIP_TOTAL >> 20));
	uint8_t *p = malloc(st.size + 1);
	zip_file_t *f = zip_fopen_index(z->src, i, 0);
	if (p == NULL || f == NULL) {
		free(p);
		if (f)
			zip_fclose(f);
		return sz_err_set(z->err, SZ_E_INVAL,
			"cannot read the member %s: %s", st.name,
			zip_strerror(z->src));
	}
	zip_int64_t got = zip_fread(f, p, st.size);
	uint8_t extra;
	bool more = got == (zip_int64_t)st.size && zip_fread(f, &extra, 1) > 0;
	zip_fclose(f);
	if (got != (zip_int64_t)st.size || more) {
		free(p);
		return sz_err_set(z->err, SZ_E_INVAL,
			"the member %s is corrupt", st.name);
	}
	p[st.size] = 0;
	*out = p;
	*len = st.size;
	return 0;
}

static xmlDoc *parse(const uint8_t *p, size_t len)
{
	return xmlReadMemory((const char *)p, (int)len, NULL, NULL,
		XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static int add_buffer(struct zdoc *z, const char *name, void *data,
	size_t len)
{
	if (z->dst == NULL) {
		free(data);
		return 0;
	}
	zip_source_t *s = zip_source_buffer(z->dst, data, len, 1);
	if (s == NULL) {
		free(data);
		return sz_err_set(z->err, SZ_E_NOMEM, "out of memory");
	}
	if (zip_file_add(z->dst, name, s, ZIP_FL_ENC_UTF_8) < 0) {
		zip_source_free(s);
		return sz_err_set(z->err, SZ_E_IO, "cannot add %s: %s", name,
			zip_strerror(z->dst));
	}
	return 0;
}

static int add_string(struct zdoc *z, const char *name, const char *s)
{
	char *copy = strdup(s);
	if (copy == NULL)
		return sz_err_set(z->err, SZ_E_NOMEM, "out of memory");
	return add_buffer(z, name, copy, strlen(s));
}

static int add_xml(struct zdoc *z, const char *name, xmlDoc *doc)
{
	xmlChar *mem = NULL;
	int len = 0;
	xmlDocDumpMemoryEnc(doc, &mem, &len, "UTF-8");
	if (mem == NULL)
		return sz_err_set(z->err, SZ_E_NOMEM, "cannot serialise %s", name);
	void *copy = malloc((size_t)len + 1);
	if (copy != NULL)
		memcpy(copy, mem, (size_t)len);
	xmlFree(mem);
	if (copy == NULL)
		return sz_err_set(z->err, SZ_E_NOMEM, "out of memory");
	return add_buffer(z, name, copy, (size_t)len);
}

/* An image inside the document: scrubbed by its own handler, in memory
 * (memfd), so a photo's camera and GPS data do not ride along. */
static int media(struct zdoc *z, zip_uint64_t i, const char *name)
{
	uint8_t *p;
	size_t len;
	int rc = read_member(z, i, SZ_DOC_MAX_XML_PART * 4u, &p, &len);
	if (rc != 0)
		return rc;
	int in = memfd_create("sz-media", MFD_CLOEXEC);
	int out = z->dst ? memfd_create("sz-media-clean", MFD_CLOEXEC) : -1;
	char out_path[64];
	enum sz_doc_type t = SZ_DOC_UNKNOWN;
	if (in < 0 || (z->dst && out < 0) || sz_write_all(in, p, len) != 0) {
		rc = sz_err_set(z->err, SZ_E_IO, "cannot hold %s in memory", name);
		goto out;
	}
	if ((rc = sz_doc_detect(in, &t, NULL, z->err)) != 0)
		goto out;
	bool scrubbable = t == SZ_DOC_JPEG || t == SZ_DOC_PNG ||
		t == SZ_DOC_GIF || t == SZ_DOC_TIFF || t == SZ_DOC_WEBP ||
		t == SZ_DOC_MP3 || t == SZ_DOC_FLAC || t == SZ_DOC_OGG;
	if (!scrubbable) {
		/* Vector pictures (EMF, WMF, SVM) carry no camera or author
		 * data and go as they are; anything else (video, say) could,
		 * and is an unknown member. */
		const char *ext = strrchr(name, '.');
		bool vector = ext && (strcasecmp(ext, ".emf") == 0 ||
			strcasecmp(ext, ".wmf") == 0 || strcasecmp(ext, ".svm") == 0 ||
			strncmp(name, "ObjectReplacements/", 19) == 0);
		if (!vector && !sz_doc_options()->allow_unknown_members) {
			rc = sz_err_set(z->err, SZ_E_UNSUPPORTED,
				"the document holds a member samizdat does not know how "
				"to clean (%s); nothing was written", name);
			goto out;
		}
		rc = add_buffer(z, name, p, len);
		p = NULL;
		goto out;
	}
	struct sz_doc_report sub;
	sz_doc_report_init(&sub);
	snprintf(out_path, sizeof(out_path), "/proc/self/fd/%d", out);
	rc = sz_doc_scrub(in, t, z->dst ? out_path : NULL, &sub, z->err);
	for (size_t k = 0; k < sub.len; k++) {
		char kind[160];
		snprintf(kind, sizeof(kind), "%s in %s", sub.items[k].kind, name);
		sz_doc_report_add(z->r, kind, sub.items[k].name,
			sub.items[k].value, strlen(sub.items[k].value));
	}
	sz_doc_report_free(&sub);
	if (rc != 0 || z->dst == NULL)
		goto out;
	struct stat st;
	uint8_t *clean = NULL;
	if (fstat(out, &st) != 0 || (clean = malloc((size_t)st.st_size + 1)) == NULL ||
	    pread(out, clean, (size_t)st.st_size, 0) != st.st_size) {
		free(clean);
		rc = sz_err_set(z->err, SZ_E_IO, "cannot read back %s", name);
		goto out;
	}
	rc = add_buffer(z, name, clean, (size_t)st.st_size);
out:
	free(p);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

/* Copies a member as it is stored (still compressed). */
static int add_original(struct zdoc *z, zip_uint64_t i, const char *name)
{
	if (z->dst == NULL)
		return 0;
	zip_source_t *s = zip_source_zip(z->dst, z->src, i, ZIP_FL_COMPRESSED,
		0, -1);
	if (s == NULL || zip_file_add(z->dst, name, s, ZIP_FL_ENC_UTF_8) < 0) {
		if (s)
			zip_source_free(s);
		return sz_err_set(z->err, SZ_E_IO, "cannot copy %s: %s", name,
			zip_strerror(z->dst));
	}
	return 0;
}

static int member(struct zdoc *z, zip_uint64_t i)
{
	const char *name = zip_get_name(z->src, i, ZIP_FL_ENC_GUESS);
	enum action act = z->acts[i];
	uint8_t *p = NULL;
	size_t len = 0;
	xmlDoc *doc = NULL;
	int rc = 0;
	if (act == A_DROP) {
		sz_doc_report_add(z->r, "document", "dropped member", name,
			strlen(name));
		return 0;
	}
	if (act == A_UNKNOWN) {
		if (!sz_doc_options()->allow_unknown_members)
			return sz_err_set(z->err, SZ_E_UNSUPPORTED,
				"the document holds a member samizdat does not know "
				"how to clean (%s): macros, embedded objects and "
				"external links are refused; nothing was written", name);
		sz_doc_report_add(z->r, "document", "unknown member copied", name,
			strlen(name));
		act = A_COPY;
	}
	if (act == A_MEDIA)
		return media(z, i, name);
	if (act == A_COPY) {
		zip_stat_t st;
		if (zip_stat_index(z->src, i, 0, &st) != 0)
			return sz_err_set(z->err, SZ_E_INVAL, "the zip is corrupt");
		z->total += st.size;
		if (z->total > SZ_DOC_MAX_ZIP_TOTAL ||
		    (st.size > (1u << 20) && st.comp_size > 0 &&
		     st.size / st.comp_size > SZ_DOC_MAX_ZIP_RATIO))
			return sz_err_set(z->err, SZ_E_LIMIT,
				"the file expands too much (a zip bomb?)");
		return add_original(z, i, name);
	}
	if ((rc = read_member(z, i, SZ_DOC_MAX_XML_PART, &p, &len)) != 0)
		return rc;
	if ((doc = parse(p, len)) == NULL) {
		rc = sz_err_set(z->err, SZ_E_INVAL,
			"the member %s is not well-formed XML", name);
		goto out;
	}
	switch (act) {
	case A_CORE:
	case A_APP:
	case A_CUSTOM:
		officexml_report_props(doc, "docProps", z->r);
		rc = add_string(z, name, act == A_CORE ? officexml_empty_core :
			act == A_APP ? officexml_empty_app : officexml_empty_custom);
		break;
	case A_ODF_META:
		officexml_report_props(doc, "meta.xml", z->r);
		rc = add_string(z, name, officexml_empty_odf_meta);
		break;
	case A_RELS: {
		char base[512] = "";
		const char *rels = strstr(name, "_rels/");
		if (rels != NULL && (size_t)(rels - name) < sizeof(base))
			snprintf(base, sizeof(base), "%.*s", (int)(rels - name), name);
		size_t changes = officexml_unlink(doc, base, is_dropped, z);
		changes += officexml_clean(doc, z->r);
		rc = changes ? add_xml(z, name, doc) : add_original(z, i, name);
		break;
	}
	default:
		/* A part with nothing to remove keeps its stored bytes: no
		 * re-serialising, no recompressing. */
		rc = officexml_clean(doc, z->r) ? add_xml(z, name, doc) :
			add_original(z, i, name);
		break;
	}
out:
	if (doc)
		xmlFreeDoc(doc);
	free(p);
	return rc;
}

/* The fixed date every entry gets: 1980-01-01 00:00 local time, the
 * earliest a zip can say, so no entry tells when it was written. */
static time_t fixed_time(void)
{
	struct tm tm = { .tm_year = 80, .tm_mon = 0, .tm_mday = 1,
		.tm_isdst = -1 };
	return mktime(&tm);
}

static int zip_doc(int fd, const char *out_path, const struct rule *rules,
	struct sz_doc_report *r, struct sz_err *err)
{
	struct zdoc z = { .rules = rules, .r = r, .err = err };
	zip_error_t ze;
	zip_error_init(&ze);
	int rc = 0, dfd = dup(fd);
	FILE *f = dfd >= 0 ? fdopen(dfd, "rb") : NULL;
	zip_source_t *src = f ? zip_source_filep_create(f, 0, -1, &ze) : NULL;
	if (src == NULL) {
		if (f)
			fclose(f);
		else if (dfd >= 0)
			close(dfd);
		zip_error_fini(&ze);
		return sz_err_set(err, SZ_E_IO, "cannot read the file");
	}
	z.src = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (z.src == NULL) {
		zip_source_free(src);
		rc = sz_err_set(err, SZ_E_INVAL, "the zip container is corrupt: %s",
			zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return rc;
	}
	zip_error_fini(&ze);
	z.n = zip_get_num_entries(z.src, 0);
	if (z.n < 0 || (zip_uint64_t)z.n > SZ_DOC_MAX_ZIP_ENTRIES) {
		rc = sz_err_set(err, SZ_E_LIMIT, "the zip has more than %u entries",
			SZ_DOC_MAX_ZIP_ENTRIES);
		goto out;
	}
	z.acts = calloc((size_t)z.n + 1, sizeof(*z.acts));
	if (z.acts == NULL) {
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		goto out;
	}
	for (zip_int64_t i = 0; i < z.n; i++) {
		const char *name = zip_get_name(z.src, (zip_uint64_t)i,
			ZIP_FL_ENC_GUESS);
		if (name == NULL || name[0] == 0) {
			rc = sz_err_set(err, SZ_E_INVAL, "the zip has a nameless entry");
			goto out;
		}
		z.acts[i] = classify(rules, name);
	}
	if (out_path != NULL) {
		int zerr;
		z.dst = zip_open(out_path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
		if (z.dst == NULL) {
			rc = sz_err_set(err, SZ_E_IO, "cannot create %s", out_path);
			goto out;
		}
	}
	for (zip_int64_t i = 0; i < z.n; i++)
		if ((rc = member(&z, (zip_uint64_t)i)) != 0)
			goto out;
	if (z.dst != NULL) {
		time_t when = fixed_time();
		zip_int64_t m = zip_get_num_entries(z.dst, 0);
		for (zip_int64_t i = 0; i < m; i++) {
			zip_file_set_mtime(z.dst, (zip_uint64_t)i, when, 0);
			zip_file_extra_field_delete(z.dst, (zip_uint64_t)i,
				ZIP_EXTRA_FIELD_ALL, ZIP_FL_CENTRAL | ZIP_FL_LOCAL);
			const char *nm = zip_get_name(z.dst, (zip_uint64_t)i, 0);
			/* ODF: mimetype must be stored, uncompressed */
			if (nm && strcmp(nm, "mimetype") == 0)
				zip_set_file_compression(z.dst, (zip_uint64_t)i,
					ZIP_CM_STORE, 0);
		}
		if (zip_close(z.dst) != 0) {
			rc = sz_err_set(err, SZ_E_IO, "cannot write the output: %s",
				zip_strerror(z.dst));
			goto out;
		}
		z.dst = NULL;
		/* libzip renamed a new file into place: make it durable. */
		int ofd = open(out_path, O_RDONLY | O_CLOEXEC);
		if (ofd < 0 || fsync(ofd) != 0)
			rc = sz_err_set(err, SZ_E_IO, "cannot write the output: %s",
				strerror(errno));
		if (ofd >= 0)
			close(ofd);
	}
out:
	if (z.dst != NULL)
		zip_discard(z.dst);
	zip_close(z.src);
	free(z.acts);
	return rc;
}

int doc_ooxml(int fd, const char *out, struct sz_doc_report *r,
	struct sz_err *err)
{
	return zip_doc(fd, out, ooxml_rules, r, err);
}

int doc_odf(int fd, const char *out, struct sz_doc_report *r,
	struct sz_err *err)
{
	return zip_doc(fd, out, odf_rules, r, err);
}
