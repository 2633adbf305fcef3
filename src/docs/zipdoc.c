/*
 * zipdoc.c - the zip engine of the container handlers (office.c for
 * Office Open XML and OpenDocument, epub.c for EPUB), on libzip.  Every
 * member is matched against its format's table of what it may be, and the
 * whole plan is made before anything is written, so a relationship or
 * manifest entry can follow a member that is left out:
 * - property parts are replaced by empty ones; what the table drops is
 *   left out, with the links to it;
 * - comment parts and Excel revision logs are dropped after being
 *   reported; body parts lose their comments and have their tracked
 *   changes accepted (office_changes.c), then lose authors, dates and
 *   editing-session ids (officexml.c);
 * - images and sounds are scrubbed by their own handler;
 * - every entry gets the same fixed date and no extra fields; `mimetype`
 *   comes first, stored, as ODF and EPUB require.
 * A member with content that the table does not know (macros, embedded
 * objects, external links, scripts) stops the file, unless the caller
 * allowed unknown members.  An empty member carries nothing and is kept.
 *
 * Not here: repairing a damaged container (refused), what each format's
 * members are (its table, in office.c or epub.c).
 *
 * Limits: entries, decompressed size per part and in all, and the
 * compression ratio, checked before and while decompressing.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <libxml/entities.h>
#include <libxml/hash.h>
#include <libxml/parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "docs/officexml.h"
#include "docs/zipdoc.h"

static bool rule_matches(const struct zrule *r, const char *name)
{
	size_t gl = strlen(r->glob);
	if (r->glob[gl - 1] == '/')
		return strncmp(name, r->glob, gl) == 0;
	if (r->glob[0] == '*' && r->glob[1] == '.' &&
	    fnmatch(r->glob, name, FNM_CASEFOLD) == 0)
		return true;
	return fnmatch(r->glob, name, FNM_PATHNAME) == 0;
}

static enum zaction classify(const struct zrule *rules, const char *name)
{
	bool folder = name[strlen(name) - 1] == '/';
	if (strstr(name, "..") != NULL || name[0] == '/')
		return A_UNKNOWN;
	for (const struct zrule *r = rules; r->glob != NULL; r++)
		if (rule_matches(r, name))
			return folder && r->act != A_DROP ? A_COPY : r->act;
	return folder ? A_COPY : A_UNKNOWN;
}

zip_int64_t zdoc_find(struct zdoc *z, const char *name)
{
	return zip_name_locate(z->src, name, 0);
}

static bool left_out(enum zaction a)
{
	return a == A_DROP || a == A_COMMENTS || a == A_REVISIONS;
}

bool zdoc_dropped(struct zdoc *z, const char *name)
{
	zip_int64_t i = zdoc_find(z, name);
	if (i >= 0)
		return left_out(z->acts[i]);
	/* A folder listed in a manifest, with or without an entry. */
	return name[0] != 0 && left_out(classify(z->fmt->rules, name));
}

static int is_dropped(void *ctx, const char *name)
{
	return zdoc_dropped(ctx, name);
}

/* The zip-bomb checks for a member about to be decompressed. */
static int expand_ok(struct zdoc *z, const zip_stat_t *st, size_t max)
{
	if (st->size > max)
		return sz_err_set(z->err, SZ_E_LIMIT,
			"the member %s is larger than %zu MiB", st->name, max >> 20);
	if (st->size > (1u << 20) && st->comp_size > 0 &&
	    st->size / st->comp_size > SZ_DOC_MAX_ZIP_RATIO)
		return sz_err_set(z->err, SZ_E_LIMIT,
			"the member %s expands more than %u times (a zip bomb?)",
			st->name, SZ_DOC_MAX_ZIP_RATIO);
	z->total += st->size;
	if (z->total > SZ_DOC_MAX_ZIP_TOTAL)
		return sz_err_set(z->err, SZ_E_LIMIT,
			"the file expands to more than %llu MiB (a zip bomb?)",
			(unsigned long long)(SZ_DOC_MAX_ZIP_TOTAL >> 20));
	return 0;
}

/* Stats member i, checking the limits before it is expanded. */
static int stat_member(struct zdoc *z, zip_uint64_t i, size_t max,
	zip_stat_t *st)
{
	if (zip_stat_index(z->src, i, 0, st) != 0)
		return sz_err_set(z->err, SZ_E_INVAL, "the zip is corrupt");
	return expand_ok(z, st, max);
}

int zdoc_read(struct zdoc *z, zip_uint64_t i, size_t max, uint8_t **out,
	size_t *len)
{
	zip_stat_t st;
	int rc;
	*out = NULL;
	if ((rc = stat_member(z, i, max, &st)) != 0)
		return rc;
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

static void find_external(void *payload, void *data, const xmlChar *name)
{
	const xmlEntity *e = payload;
	bool *found = data;
	(void)name;
	if (e->etype == XML_EXTERNAL_GENERAL_PARSED_ENTITY ||
	    e->etype == XML_EXTERNAL_GENERAL_UNPARSED_ENTITY ||
	    e->etype == XML_EXTERNAL_PARAMETER_ENTITY)
		*found = true;
}

/* Entities that name a file or a web address: never read here, but a
 * reader's software that resolves them would fetch what they name, and
 * the address tells who reads the published file. */
static bool declares_external(const xmlDoc *d)
{
	bool found = false;
	if (d->intSubset != NULL && d->intSubset->entities != NULL)
		xmlHashScan(d->intSubset->entities, find_external, &found);
	if (d->intSubset != NULL && d->intSubset->pentities != NULL)
		xmlHashScan(d->intSubset->pentities, find_external, &found);
	return found;
}

int zdoc_parse(struct zdoc *z, const char *name, const uint8_t *p,
	size_t len, bool dtd_ok, xmlDoc **doc)
{
	*doc = NULL;
	xmlParserCtxtPtr ctx = xmlNewParserCtxt();
	if (ctx == NULL)
		return sz_err_set(z->err, SZ_E_NOMEM, "out of memory");
	/* No XML_PARSE_NOENT (entities stay references), no DTD loading,
	 * no network; libxml2 still checks what an entity would expand to. */
	xmlDoc *d = xmlCtxtReadMemory(ctx, (const char *)p, (int)len, name,
		NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	int code = ctx->lastError.code;
	xmlFreeParserCtxt(ctx);
	if (d == NULL)
		return sz_err_set(z->err, SZ_E_INVAL, code == XML_ERR_ENTITY_LOOP ?
			"the member %s has entities that expand without end "
			"(a billion laughs)" :
			"the member %s is not well-formed XML", name);
	if (d->intSubset != NULL && !dtd_ok) {
		xmlFreeDoc(d);
		return sz_err_set(z->err, SZ_E_INVAL,
			"the member %s declares a DTD, which Office and OpenDocument "
			"files never do (entity expansion attacks start this way)",
			name);
	}
	if (declares_external(d)) {
		xmlFreeDoc(d);
		return sz_err_set(z->err, SZ_E_INVAL,
			"the member %s declares an external entity (a file or a web "
			"address a reader's software could be made to fetch): "
			"nothing was written", name);
	}
	*doc = d;
	return 0;
}

int zdoc_add_buffer(struct zdoc *z, const char *name, void *data, size_t len)
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
	return zdoc_add_buffer(z, name, copy, strlen(s));
}

int zdoc_add_xml(struct zdoc *z, const char *name, xmlDoc *doc)
{
	if (z->dst == NULL)
		return 0;
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
	return zdoc_add_buffer(z, name, copy, (size_t)len);
}

int zdoc_add_original(struct zdoc *z, zip_uint64_t i, const char *name)
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

int zdoc_copy(struct zdoc *z, zip_uint64_t i, const char *name)
{
	zip_stat_t st;
	int rc = stat_member(z, i, SZ_DOC_MAX_ZIP_TOTAL, &st);
	return rc != 0 ? rc : zdoc_add_original(z, i, name);
}

/* Items a member's own handler reported, under "KIND in NAME". */
static void merge_report(struct zdoc *z, struct sz_doc_report *sub,
	const char *name)
{
	for (size_t k = 0; k < sub->len; k++) {
		char kind[160];
		snprintf(kind, sizeof(kind), "%s in %s", sub->items[k].kind, name);
		sz_doc_report_add(z->r, kind, sub->items[k].name,
			sub->items[k].value, strlen(sub->items[k].value));
	}
	if (sub->truncated && z->r != NULL)
		z->r->truncated = true;
}

/* A picture or sound inside the document: scrubbed by its own handler,
 * in memory (memfd), so a photo's camera and GPS data do not ride along.
 * Containers are not opened inside containers. */
static int media(struct zdoc *z, zip_uint64_t i, const char *name)
{
	uint8_t *p;
	size_t len;
	int rc = zdoc_read(z, i, SZ_DOC_MAX_XML_PART * 4u, &p, &len);
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
	bool scrubbable = doc_has_handler(t) && !sz_doc_is_zip(t) &&
		t != SZ_DOC_TEXT && t != SZ_DOC_HTML;
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
		rc = zdoc_add_buffer(z, name, p, len);
		p = NULL;
		goto out;
	}
	struct sz_doc_report sub;
	sz_doc_report_init(&sub);
	snprintf(out_path, sizeof(out_path), "/proc/self/fd/%d", out);
	rc = sz_doc_scrub(in, t, z->dst ? out_path : NULL, &sub, z->err);
	merge_report(z, &sub, name);
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
	rc = zdoc_add_buffer(z, name, clean, (size_t)st.st_size);
out:
	free(p);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

/* A part that is left out is still read, when it can be, to report what
 * it held: the comments, the revision log. */
static void report_left_out(struct zdoc *z, zip_uint64_t i, const char *name,
	enum zaction act)
{
	sz_doc_report_add(z->r, "document", "dropped member", name, strlen(name));
	if (act == A_DROP)
		return;
	uint8_t *p = NULL;
	size_t len = 0;
	xmlDoc *doc = NULL;
	struct sz_err ignored;
	struct sz_err *keep = z->err;
	z->err = &ignored;   /* unreadable: dropped all the same */
	if (zdoc_read(z, i, SZ_DOC_MAX_XML_PART, &p, &len) == 0 && len > 0 &&
	    zdoc_parse(z, name, p, len, false, &doc) == 0) {
		if (act == A_COMMENTS)
			office_report_comments(doc, &z->tally, z->r);
		else
			office_report_revisions(doc, &z->tally, z->r);
	}
	z->err = keep;
	if (doc)
		xmlFreeDoc(doc);
	free(p);
}

/* The relationships of an OOXML part ("word/_rels/document.xml.rels"),
 * parsed, or NULL; *base receives the part's folder. */
static xmlDoc *part_rels(struct zdoc *z, const char *name, char *base,
	size_t cap)
{
	const char *slash = strrchr(name, '/');
	size_t dir = slash ? (size_t)(slash - name + 1) : 0;
	char rels[1100];
	if (dir >= cap || strlen(name) + 12 > sizeof(rels))
		return NULL;
	snprintf(base, cap, "%.*s", (int)dir, name);
	snprintf(rels, sizeof(rels), "%s_rels/%s.rels", base, name + dir);
	zip_int64_t i = zdoc_find(z, rels);
	uint8_t *p = NULL;
	size_t len;
	xmlDoc *doc = NULL;
	struct sz_err ignored;
	struct sz_err *keep = z->err;
	z->err = &ignored;   /* a broken .rels is refused when it is written */
	if (i >= 0 && zdoc_read(z, (zip_uint64_t)i, SZ_DOC_MAX_XML_PART, &p,
	    &len) == 0 && len > 0)
		zdoc_parse(z, rels, p, len, false, &doc);
	z->err = keep;
	free(p);
	return doc;
}

/* The XML parts of the document itself. */
static size_t clean_part(struct zdoc *z, const char *name, enum zaction act,
	xmlDoc *doc)
{
	size_t changes = 0;
	if (act == A_VML)
		changes += office_vml_drop_notes(doc);
	changes += office_accept(doc, &z->tally, z->r);
	if (z->fmt->rels) {
		char base[512];
		xmlDoc *rels = part_rels(z, name, base, sizeof(base));
		if (rels != NULL) {
			changes += officexml_unlink_refs(doc, rels, base,
				is_dropped, z);
			xmlFreeDoc(rels);
		}
	}
	changes += officexml_clean(doc, z->r);
	return changes;
}

/* An XHTML member of an EPUB: markup.c's scrubber, written back as XML. */
static size_t clean_xhtml(struct zdoc *z, const char *name, xmlDoc *doc)
{
	struct sz_doc_report sub;
	sz_doc_report_init(&sub);
	markup_scrub_tree(doc, &sub);
	size_t changes = sub.len + (sub.truncated ? 1 : 0);
	merge_report(z, &sub, name);
	sz_doc_report_free(&sub);
	return changes;
}

static int member(struct zdoc *z, zip_uint64_t i)
{
	const char *name = zip_get_name(z->src, i, ZIP_FL_ENC_GUESS);
	enum zaction act = z->acts[i];
	uint8_t *p = NULL;
	size_t len = 0;
	xmlDoc *doc = NULL;
	zip_stat_t st;
	int rc = 0;
	if (left_out(act)) {
		report_left_out(z, i, name, act);
		return 0;
	}
	if (zip_stat_index(z->src, i, 0, &st) != 0)
		return sz_err_set(z->err, SZ_E_INVAL, "the zip is corrupt");
	/* An empty member (old LibreOffice writes several) holds nothing to
	 * clean, whatever its name says. */
	if (st.size == 0)
		return zdoc_add_original(z, i, name);
	if (act == A_UNKNOWN) {
		if (!sz_doc_options()->allow_unknown_members)
			return sz_err_set(z->err, SZ_E_UNSUPPORTED,
				"the document holds a member samizdat does not know "
				"how to clean (%s): macros, embedded objects, scripts "
				"and external links are refused; nothing was written",
				name);
		sz_doc_report_add(z->r, "document", "unknown member copied", name,
			strlen(name));
		act = A_COPY;
	}
	if (act == A_MEDIA)
		return media(z, i, name);
	if (act == A_FONT)
		return epub_font(z, i, name);
	if (act == A_COPY)
		return zdoc_copy(z, i, name);
	if ((rc = zdoc_read(z, i, SZ_DOC_MAX_XML_PART, &p, &len)) != 0)
		return rc;
	/* DTDs belong to the formats that allow them: XHTML, SVG, EPUB's
	 * package files; Office's own XML has none. */
	const char *ext = strrchr(name, '.');
	bool dtd_ok = z->book != NULL || (ext && strcasecmp(ext, ".svg") == 0);
	if ((rc = zdoc_parse(z, name, p, len, dtd_ok, &doc)) != 0)
		goto out;
	size_t changes = 0;
	switch (act) {
	case A_CORE:
	case A_APP:
	case A_CUSTOM:
		officexml_report_props(doc, "docProps", z->r);
		rc = add_string(z, name, act == A_CORE ? officexml_empty_core :
			act == A_APP ? officexml_empty_app : officexml_empty_custom);
		goto out;
	case A_ODF_META:
		officexml_report_props(doc, "meta.xml", z->r);
		rc = add_string(z, name, officexml_empty_odf_meta);
		goto out;
	case A_RELS: {
		char base[512] = "";
		const char *rels = strstr(name, "_rels/");
		if (rels != NULL && (size_t)(rels - name) < sizeof(base))
			snprintf(base, sizeof(base), "%.*s", (int)(rels - name), name);
		changes = officexml_unlink(doc, base, is_dropped, z);
		changes += officexml_clean(doc, z->r);
		break;
	}
	case A_OPF:
		changes = epub_clean_opf(z, doc);
		break;
	case A_NCX:
		changes = epub_clean_ncx(z, doc);
		break;
	case A_XHTML:
		changes = clean_xhtml(z, name, doc);
		break;
	default:
		changes = clean_part(z, name, act, doc);
		break;
	}
	/* A part with nothing to remove keeps its stored bytes: no
	 * re-serialising, no recompressing. */
	rc = changes ? zdoc_add_xml(z, name, doc) : zdoc_add_original(z, i, name);
out:
	if (doc)
		xmlFreeDoc(doc);
	free(p);
	return rc;
}

/* The lines an editor reads first: how many comments went, and what
 * accepting the changes did. */
static void report_tally(struct zdoc *z)
{
	const struct office_tally *t = &z->tally;
	if (t->comments > 0)
		sz_doc_report_addf(z->r, "comments", "removed", "%zu comment%s",
			t->comments, t->comments == 1 ? "" : "s");
	if (t->insertions + t->deletions + t->moves + t->formats + t->edits == 0)
		return;
	sz_doc_report_addf(z->r, "tracked changes", "accepted",
		"%zu insertion%s kept, %zu deletion%s dropped, %zu move%s, "
		"%zu formatting change%s, %zu earlier cell value%s dropped",
		t->insertions, t->insertions == 1 ? "" : "s",
		t->deletions, t->deletions == 1 ? "" : "s",
		t->moves, t->moves == 1 ? "" : "s",
		t->formats, t->formats == 1 ? "" : "s",
		t->edits, t->edits == 1 ? "" : "s");
}

/* The relationships of a part that is left out go with it. */
static void plan_rels(struct zdoc *z)
{
	for (zip_int64_t i = 0; i < z->n; i++) {
		const char *name = zip_get_name(z->src, (zip_uint64_t)i, 0);
		const char *rels = strstr(name, "_rels/");
		size_t nl = strlen(name);
		if (z->acts[i] != A_RELS || rels == NULL || nl < 5 ||
		    strcmp(name + nl - 5, ".rels") != 0)
			continue;
		char source[1024];
		snprintf(source, sizeof(source), "%.*s%.*s", (int)(rels - name),
			name, (int)(name + nl - 5 - (rels + 6)), rels + 6);
		zip_int64_t s = zdoc_find(z, source);
		if (s >= 0 && left_out(z->acts[s]))
			z->acts[i] = A_DROP;
	}
}

/* The fixed date every entry gets: 1980-01-01 00:00 local time, the
 * earliest a zip can say, so no entry tells when it was written. */
static time_t fixed_time(void)
{
	struct tm tm = { .tm_year = 80, .tm_mon = 0, .tm_mday = 1,
		.tm_isdst = -1 };
	return mktime(&tm);
}

static int open_source(struct zdoc *z, int fd)
{
	zip_error_t ze;
	zip_error_init(&ze);
	int dfd = dup(fd);
	FILE *f = dfd >= 0 ? fdopen(dfd, "rb") : NULL;
	zip_source_t *src = f ? zip_source_filep_create(f, 0, -1, &ze) : NULL;
	if (src == NULL) {
		if (f)
			fclose(f);
		else if (dfd >= 0)
			close(dfd);
		zip_error_fini(&ze);
		return sz_err_set(z->err, SZ_E_IO, "cannot read the file");
	}
	z->src = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (z->src == NULL) {
		zip_source_free(src);
		int rc = sz_err_set(z->err, SZ_E_INVAL,
			"the zip container is corrupt: %s", zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return rc;
	}
	zip_error_fini(&ze);
	return 0;
}

static int finish_output(struct zdoc *z, const char *out_path)
{
	time_t when = fixed_time();
	zip_int64_t m = zip_get_num_entries(z->dst, 0);
	for (zip_int64_t i = 0; i < m; i++) {
		zip_file_set_mtime(z->dst, (zip_uint64_t)i, when, 0);
		zip_file_extra_field_delete(z->dst, (zip_uint64_t)i,
			ZIP_EXTRA_FIELD_ALL, ZIP_FL_CENTRAL | ZIP_FL_LOCAL);
		const char *nm = zip_get_name(z->dst, (zip_uint64_t)i, 0);
		/* ODF and EPUB: mimetype must be stored, uncompressed */
		if (nm && strcmp(nm, "mimetype") == 0)
			zip_set_file_compression(z->dst, (zip_uint64_t)i,
				ZIP_CM_STORE, 0);
	}
	int rc = 0;
	if (zip_close(z->dst) != 0) {
		rc = sz_err_set(z->err, SZ_E_IO, "cannot write the output: %s",
			zip_strerror(z->dst));
		return rc;
	}
	z->dst = NULL;
	/* libzip renamed a new file into place: make it durable. */
	int ofd = open(out_path, O_RDONLY | O_CLOEXEC);
	if (ofd < 0 || fsync(ofd) != 0)
		rc = sz_err_set(z->err, SZ_E_IO, "cannot write the output: %s",
			strerror(errno));
	if (ofd >= 0)
		close(ofd);
	return rc;
}

int zdoc_run(int fd, const char *out_path, const struct zformat *fmt,
	struct sz_doc_report *r, struct sz_err *err)
{
	struct zdoc z = { .fmt = fmt, .r = r, .err = err };
	int rc = open_source(&z, fd);
	if (rc != 0)
		return rc;
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
	zip_int64_t first = -1;   /* mimetype, written first */
	for (zip_int64_t i = 0; i < z.n; i++) {
		const char *name = zip_get_name(z.src, (zip_uint64_t)i,
			ZIP_FL_ENC_GUESS);
		if (name == NULL || name[0] == 0) {
			rc = sz_err_set(err, SZ_E_INVAL, "the zip has a nameless entry");
			goto out;
		}
		z.acts[i] = classify(fmt->rules, name);
		if (strcmp(name, "mimetype") == 0)
			first = i;
	}
	if (fmt->plan != NULL && (rc = fmt->plan(&z)) != 0)
		goto out;
	plan_rels(&z);
	if (out_path != NULL) {
		int zerr;
		z.dst = zip_open(out_path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
		if (z.dst == NULL) {
			rc = sz_err_set(err, SZ_E_IO, "cannot create %s", out_path);
			goto out;
		}
	}
	if (first >= 0 && (rc = member(&z, (zip_uint64_t)first)) != 0)
		goto out;
	for (zip_int64_t i = 0; i < z.n; i++)
		if (i != first && (rc = member(&z, (zip_uint64_t)i)) != 0)
			goto out;
	report_tally(&z);
	if (z.dst != NULL)
		rc = finish_output(&z, out_path);
out:
	if (z.dst != NULL)
		zip_discard(z.dst);
	zip_close(z.src);
	free(z.acts);
	epub_free(z.book);
	return rc;
}
