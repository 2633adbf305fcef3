/*
 * api.c - the read-only JSON API, /api/v1/...: releases, documents,
 * e-mails and search, paginated with ?page=N (20 per page), built with
 * jansson.  The same visibility rules as the pages: drafts only in the
 * preview.
 *
 *   GET /api/v1                       this list, as JSON
 *   GET /api/v1/releases              GET /api/v1/releases/N
 *   GET /api/v1/documents/N           GET /api/v1/emails/N
 *   GET /api/v1/search?q=...
 *
 * One type per field everywhere: dates are ISO 8601 strings (a day
 * "2024-03-01", a moment "2024-03-01T09:00:00Z", null when unknown), ids
 * and counts integers, addresses {name, address} objects (lists of
 * them for to and cc).
 *
 * Every answer is valid JSON with the status it deserves: 404 for what
 * does not exist, 400 for a query that cannot be read, 500 (saying so)
 * when the archive cannot be read or the answer cannot be built.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/utf8.h"
#include "search/query.h"
#include "web/archive/view.h"
#include "web/html.h"

/*
 * A JSON answer is built with these: strings go in cleaned (the archive
 * stores clean UTF-8, but jansson refuses anything else and a refusal
 * must not turn into a wrong answer), and the first failure sticks, so
 * an answer is whole, or a 500 that says it could not be made.
 */
struct jb {
	bool failed;
};

static json_t *jstrn(struct jb *j, const char *s, size_t n)
{
	json_t *v;
	if (sz_utf8_is_clean(s ? s : "", s ? n : 0, true)) {
		v = json_stringn(s ? s : "", s ? n : 0);
	} else {
		struct sz_buf b;
		sz_buf_init(&b, 3 * n + 1);
		v = sz_utf8_clean(&b, s, n, true) == 0 ? json_stringn(b.data ?
			(const char *)b.data : "", b.len) : NULL;
		sz_buf_free(&b);
	}
	if (v == NULL)
		j->failed = true;
	return v;
}

static json_t *jstr(struct jb *j, const char *s)
{
	return jstrn(j, s, s ? strlen(s) : 0);
}

static json_t *jint(struct jb *j, int64_t i)
{
	json_t *v = json_integer((json_int_t)i);
	if (v == NULL)
		j->failed = true;
	return v;
}

static json_t *jobj(struct jb *j)
{
	json_t *v = json_object();
	if (v == NULL)
		j->failed = true;
	return v;
}

static json_t *jarr(struct jb *j)
{
	json_t *v = json_array();
	if (v == NULL)
		j->failed = true;
	return v;
}

/* Sets o[key] = v (taking v); a NULL object or value fails the answer. */
static void jset(struct jb *j, json_t *o, const char *key, json_t *v)
{
	if (o == NULL || v == NULL || json_object_set_new(o, key, v) != 0) {
		if (o == NULL)
			json_decref(v);
		j->failed = true;
	}
}

static void jpush(struct jb *j, json_t *arr, json_t *v)
{
	if (arr == NULL || v == NULL || json_array_append_new(arr, v) != 0) {
		if (arr == NULL)
			json_decref(v);
		j->failed = true;
	}
}

/* A moment as an ISO 8601 string in UTC, or null if unknown. */
static json_t *jmoment(struct jb *j, int64_t t)
{
	char out[32];
	time_t tt = (time_t)t;
	struct tm tm;
	if (t <= 0 || gmtime_r(&tt, &tm) == NULL)
		return json_null();
	strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return jstr(j, out);
}

/* A day (YYYY-MM-DD) as it is, or null if unknown. */
static json_t *jday(struct jb *j, const char *day)
{
	return day != NULL && day[0] ? jstr(j, day) : json_null();
}

static const char *state_name(enum sz_dkim_state s)
{
	static const char *const names[] = { "none", "pass", "fail", "unknown" };
	return names[s & 3];
}

/* [{"address": ..., "name": ...}, ...] from a stored recipient list. */
static json_t *people(struct jb *j, const char *list)
{
	char addr[SZ_ARCHIVE_NAME_MAX + 1], name[SZ_ARCHIVE_NAME_MAX + 1];
	json_t *arr = jarr(j);
	const char *p = list;
	while (sz_archive_addr_next(&p, addr, sizeof(addr), name, sizeof(name))) {
		json_t *one = jobj(j);
		jset(j, one, "address", jstr(j, addr));
		jset(j, one, "name", jstr(j, name));
		jpush(j, arr, one);
	}
	return arr;
}

static json_t *doc_json(struct jb *j, struct sz_page *pg,
	const struct sz_doc_row *d, bool full)
{
	json_t *o = jobj(j);
	char sha[SZ_ARCHIVE_SHA256_HEX];
	uint64_t size = 0;
	bool served = sz_archive_served(d, sha, &size);
	jset(j, o, "id", jint(j, d->id));
	jset(j, o, "release", jint(j, d->release_id));
	jset(j, o, "kind", jstr(j, d->email ? "email" : "document"));
	jset(j, o, "title", jstr(j, d->title));
	jset(j, o, "type", jstr(j, d->type));
	/* the file /file/N serves, if any */
	jset(j, o, "sha256", served ? jstr(j, sha) : json_null());
	jset(j, o, "size", jint(j, (int64_t)size));
	jset(j, o, "summary", jstr(j, d->summary));
	jset(j, o, "words", jint(j, d->words));
	if (d->parent_id)
		jset(j, o, "attached_to", jint(j, d->parent_id));
	if (!d->email) {
		jset(j, o, "filename", jstr(j, d->filename));
	} else {
		json_t *from = jobj(j);
		jset(j, from, "address", jstr(j, d->from_addr));
		jset(j, from, "name", jstr(j, d->from_name));
		jset(j, o, "collection", jstr(j, d->collection));
		jset(j, o, "number", jint(j, d->num));
		jset(j, o, "from", from);
		jset(j, o, "to", people(j, d->to));
		jset(j, o, "cc", people(j, d->cc));
		jset(j, o, "date", jmoment(j, d->date));
		jset(j, o, "thread", jstr(j, d->thread));
		jset(j, o, "dkim", jstr(j, state_name(d->dkim)));
		jset(j, o, "pgp", jstr(j, state_name(d->pgp)));
		static const char *const forms[] = { [SZ_RAW_VERIFIABLE] = "raw",
			[SZ_RAW_SCRUBBED] = "scrubbed", [SZ_RAW_WITHHELD] = "none" };
		jset(j, o, "raw", jstr(j, forms[d->raw_form]));
		if (full) {
			jset(j, o, "message_id", jstr(j, d->message_id));
			jset(j, o, "dkim_detail", jstr(j, d->dkim_detail));
			jset(j, o, "pgp_detail", jstr(j, d->pgp_detail));
		}
	}
	if (full) {
		char url[SZ_PAGES_LINK_BASE + 32];
		snprintf(url, sizeof(url), "%s/file/%lld", pg->base,
			(long long)d->id);
		jset(j, o, "download", served ? jstr(j, url) : json_null());
	}
	return o;
}

static json_t *release_json(struct jb *j, const struct sz_release_row *r)
{
	json_t *o = jobj(j);
	jset(j, o, "id", jint(j, r->id));
	jset(j, o, "title", jstr(j, r->title));
	jset(j, o, "date", jday(j, r->day));
	jset(j, o, "introduction", jstr(j, r->intro));
	jset(j, o, "state", jstr(j, r->state == SZ_RELEASE_PUBLISHED ?
		"published" : "draft"));
	jset(j, o, "documents", jint(j, r->documents));
	jset(j, o, "emails", jint(j, r->emails));
	return o;
}

static json_t *page_json(struct jb *j, size_t page, int64_t total)
{
	json_t *o = jobj(j);
	jset(j, o, "page", jint(j, (int64_t)page));
	jset(j, o, "per_page", jint(j, SZ_PAGES_PER_PAGE));
	jset(j, o, "total", jint(j, total));
	return o;
}

/* The API answers in JSON, errors included, with a status that says what
 * happened: an answer that could not be built is a 500 saying so, never
 * a 200. */
static int reply(struct sz_page *pg, unsigned status, struct jb *j,
	json_t *o)
{
	char *s = o && !j->failed ? json_dumps(o, JSON_COMPACT |
		JSON_ENSURE_ASCII) : NULL;
	json_decref(o);
	pg->content_type = "application/json";
	pg->status = s ? status : 500;
	int rc = sz_buf_puts(pg->out, s ? s : "{\"error\":\"the server could not "
		"build this answer (out of memory)\"}");
	free(s);
	return rc;
}

static int error(struct sz_page *pg, unsigned status, const char *msg)
{
	struct jb j = { false };
	json_t *o = jobj(&j);
	jset(&j, o, "error", jstr(&j, msg));
	return reply(pg, status, &j, o);
}

/* What the API answers, so a client can find its way from /api/v1. */
static const struct {
	const char *path, *about, *params;
} endpoints[] = {
	/* TRANSLATORS: descriptions in the API's index, for the people who
	 * write programs against it; keep the names in code (q, sort, page,
	 * relevance, newest, oldest) as they are */
	{ "/api/v1/releases", N_("the releases, newest first"), "page" },
	{ "/api/v1/releases/{id}", N_("one release with its documents and "
	  "e-mails"), "page" },
	{ "/api/v1/documents/{id}", N_("one document: its facts, text and "
	  "download link"), "" },
	{ "/api/v1/emails/{id}", N_("one e-mail: its header fields, text and "
	  "download link"), "" },
	{ "/api/v1/search", N_("documents and e-mails matching q (the search "
	  "page's syntax), with facets by release, type and date; sort: "
	  "relevance, newest or oldest"), "q, sort, page" },
};

int api_index(struct sz_page *pg, const struct sz_page_args *a)
{
	(void)a;
	struct jb j = { false };
	json_t *arr = jarr(&j);
	for (size_t i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++) {
		char path[SZ_PAGES_LINK_BASE + 64];
		/* searching needs the server: a copy on disk has no search */
		if (strcmp(endpoints[i].path, "/api/v1/search") == 0 &&
		    !view_searchable(pg))
			continue;
		snprintf(path, sizeof(path), "%s%s", pg->base, endpoints[i].path);
		json_t *e = jobj(&j);
		jset(&j, e, "path", jstr(&j, path));
		jset(&j, e, "description", jstr(&j, sz_tr(pg->lang,
			endpoints[i].about)));
		jset(&j, e, "parameters", jstr(&j, endpoints[i].params));
		jpush(&j, arr, e);
	}
	json_t *o = jobj(&j), *conv = jobj(&j);
	const struct sz_lang *L = pg->lang;
	jset(&j, conv, "dates", jstr(&j, _(L, "ISO 8601 strings: a day "
		"YYYY-MM-DD, a moment YYYY-MM-DDTHH:MM:SSZ (UTC), null when "
		"unknown")));
	jset(&j, conv, "addresses", jstr(&j, _(L, "{name, address} objects; "
		"to and cc are lists of them")));
	jset(&j, conv, "pages", jstr(&j, _(L, "?page=N from 1; each list says "
		"page, per_page and total")));
	jset(&j, conv, "errors", jstr(&j, _(L, "{error} with the status that "
		"says what happened: 400, 404, 500, 503")));
	jset(&j, o, "name", jstr(&j, SZ_PAGES_SITE));
	jset(&j, o, "version", jint(&j, 1));
	jset(&j, o, "endpoints", arr);
	jset(&j, o, "conventions", conv);
	return reply(pg, 200, &j, o);
}

int api_releases(struct sz_page *pg, const struct sz_page_args *a)
{
	(void)a;
	struct sz_archive *arch = pg->site->archive;
	size_t n = 0;
	int64_t total = 0;
	struct sz_release_row *rows = NULL;
	struct sz_err err;
	if (arch->ops->release_list(arch, pg->site->drafts, view_offset(pg),
	    SZ_PAGES_PER_PAGE, &rows, &n, &total, &err) != 0)
		return error(pg, 500, "the archive cannot be read now");
	struct jb j = { false };
	json_t *arr = jarr(&j);
	for (size_t i = 0; i < n; i++)
		jpush(&j, arr, release_json(&j, &rows[i]));
	sz_release_rows_free(rows, n);
	json_t *o = page_json(&j, pg->number, total);
	jset(&j, o, "releases", arr);
	return reply(pg, 200, &j, o);
}

int api_release(struct sz_page *pg, const struct sz_page_args *a)
{
	struct sz_archive *arch = pg->site->archive;
	int64_t id = a->id;
	struct sz_release_row r;
	struct sz_err err;
	memset(&r, 0, sizeof(r));
	if (id == 0 || arch->ops->release_get(arch, id, &r, &err) != 0)
		return error(pg, 404, "no such release");
	if (r.state != SZ_RELEASE_PUBLISHED && !pg->site->drafts) {
		free(r.intro);
		return error(pg, 404, "no such release");
	}
	struct jb j = { false };
	json_t *o = release_json(&j, &r);
	free(r.intro);
	for (int email = 0; email < 2; email++) {
		struct sz_doc_row *rows = NULL;
		size_t n = 0;
		int64_t total = 0;
		if (arch->ops->doc_list(arch, id, email, view_offset(pg),
		    SZ_PAGES_PER_PAGE, &rows, &n, &total, &err) != 0) {
			json_decref(o);
			return error(pg, 500, "the archive cannot be read now");
		}
		json_t *arr = jarr(&j);
		for (size_t i = 0; i < n; i++)
			jpush(&j, arr, doc_json(&j, pg, &rows[i], false));
		sz_doc_rows_free(rows, n);
		json_t *part = page_json(&j, pg->number, total);
		jset(&j, part, "items", arr);
		jset(&j, o, email ? "email_page" : "document_page", part);
	}
	return reply(pg, 200, &j, o);
}

static int doc_one(struct sz_page *pg, int64_t id, bool email)
{
	struct sz_archive *arch = pg->site->archive;
	struct sz_doc_row d;
	struct sz_err err;
	memset(&d, 0, sizeof(d));
	if (id == 0 || arch->ops->doc_get(arch, id, &d, &err) != 0)
		return error(pg, 404, email ? "no such e-mail" : "no such document");
	if (d.email != email || !view_visible(pg, &d)) {
		sz_doc_row_clear(&d);
		return error(pg, 404, email ? "no such e-mail" : "no such document");
	}
	struct jb j = { false };
	json_t *o = doc_json(&j, pg, &d, true);
	struct sz_buf text;
	sz_buf_init(&text, 8u << 20);
	int trc = arch->ops->doc_text(arch, id, &text, &err);
	jset(&j, o, "text", jstrn(&j, text.data ? (const char *)text.data : "",
		text.len));
	sz_buf_free(&text);
	sz_doc_row_clear(&d);
	if (trc != 0 && trc != SZ_E_LIMIT) {
		json_decref(o);
		return error(pg, 500, "the archive cannot be read now");
	}
	return reply(pg, 200, &j, o);
}

int api_document(struct sz_page *pg, const struct sz_page_args *a)
{
	return doc_one(pg, a->id, false);
}

int api_email(struct sz_page *pg, const struct sz_page_args *a)
{
	return doc_one(pg, a->id, true);
}

int api_search(struct sz_page *pg, const struct sz_page_args *a)
{
	struct sz_archive *arch = pg->site->archive;
	const char *q = a->query;
	struct sz_query sq;
	struct sz_archive_query aq;
	struct sz_search_result res;
	struct sz_err err;
	if (!view_searchable(pg))
		return error(pg, 404, "a copy of the archive cannot search");
	if (q == NULL || q[0] == 0)
		return error(pg, 400, "give a query: /api/v1/search?q=words");
	if (sz_query_parse(&sq, q, strlen(q)) != 0) {
		int rc = error(pg, 400, sq.error);
		sz_query_free(&sq);
		return rc;
	}
	sz_query_to_archive(&sq, pg->site->drafts, &aq);
	aq.time_ms = pg->site->search_ms;
	aq.order = view_order_of(a->sort);
	int rc = arch->ops->search(arch, &aq, view_offset(pg),
		SZ_PAGES_PER_PAGE, &res, &err);
	sz_query_free(&sq);
	if (rc == SZ_E_LIMIT)
		return error(pg, 503, err.msg);
	if (rc != 0)
		return error(pg, 500, "the search could not run");
	struct jb j = { false };
	json_t *o = page_json(&j, pg->number, res.total), *arr = jarr(&j);
	for (size_t i = 0; i < res.nhits; i++) {
		json_t *h = doc_json(&j, pg, &res.hits[i].doc, false);
		/* HTML, as on the page: escaped, the matches in <mark> (a byte
		 * becomes 7 at most: a marker's "</mark>") */
		struct sz_buf sn;
		const char *text = res.hits[i].snippet ? res.hits[i].snippet : "";
		sz_buf_init(&sn, 7 * strlen(text) + 8);
		if (sz_html_snippet(&sn, text) != 0)
			j.failed = true;
		jset(&j, h, "snippet", jstrn(&j, (const char *)sn.data, sn.len));
		sz_buf_free(&sn);
		jpush(&j, arr, h);
	}
	jset(&j, o, "results", arr);
	jset(&j, o, "ranked", json_boolean(res.ranked));
	/* total is an estimate (rounded) rather than a count */
	jset(&j, o, "estimated", json_boolean(res.estimated));
	json_t *fr = jarr(&j), *ft = jarr(&j), *facets = jobj(&j);
	for (size_t i = 0; i < res.nrelease; i++) {
		json_t *f = jobj(&j);
		jset(&j, f, "release", jint(&j, res.by_release[i].id));
		jset(&j, f, "title", jstr(&j, res.by_release[i].key));
		jset(&j, f, "count", jint(&j, res.by_release[i].count));
		jpush(&j, fr, f);
	}
	for (size_t i = 0; i < res.ntype; i++) {
		json_t *f = jobj(&j);
		jset(&j, f, "type", jstr(&j, res.by_type[i].key));
		jset(&j, f, "count", jint(&j, res.by_type[i].count));
		jpush(&j, ft, f);
	}
	json_t *fd = jarr(&j);
	for (size_t i = 0; i < res.ndate; i++) {
		json_t *f = jobj(&j);
		jset(&j, f, "date", jstr(&j, res.by_date[i].key));
		jset(&j, f, "count", jint(&j, res.by_date[i].count));
		jpush(&j, fd, f);
	}
	jset(&j, facets, "release", fr);
	jset(&j, facets, "type", ft);
	jset(&j, facets, "date", fd);
	jset(&j, o, "facets", facets);
	sz_search_result_free(&res);
	return reply(pg, 200, &j, o);
}
