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
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "search/query.h"
#include "web/archive/view.h"

/* A moment as an ISO 8601 string in UTC, or null if unknown. */
static json_t *moment_json(int64_t t)
{
	if (t <= 0)
		return json_null();
	char out[32];
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL)
		return json_null();
	strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(out);
}

static json_t *address_json(const char *name, const char *address)
{
	return json_pack("{s:s, s:s}", "name", name ? name : "", "address",
		address ? address : "");
}

/* "Name <a@b>, c@d" as [{name, address}, ...]. */
static json_t *address_list_json(const char *list)
{
	json_t *arr = json_array();
	char name[SZ_ARCHIVE_NAME_MAX + 1], addr[SZ_ARCHIVE_NAME_MAX + 1];
	while (list != NULL && view_address_next(&list, name, sizeof(name),
	    addr, sizeof(addr)))
		json_array_append_new(arr, address_json(name, addr));
	return arr;
}

static json_t *doc_json(const struct sz_doc_row *d, bool full)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:I}",
		"id", (json_int_t)d->id, "release", (json_int_t)d->release_id,
		"kind", d->email ? "email" : "document", "title", d->title,
		"type", d->type, "sha256", d->sha256, "size", (json_int_t)d->size,
		"summary", d->summary ? d->summary : "", "words", (json_int_t)d->words);
	if (o == NULL)
		return NULL;
	if (d->parent_id)
		json_object_set_new(o, "attached_to", json_integer(d->parent_id));
	if (d->email) {
		json_object_set_new(o, "collection", json_string(d->collection));
		json_object_set_new(o, "number", json_integer(d->num));
		json_object_set_new(o, "from", address_json(d->from_name,
			d->from_addr));
		json_object_set_new(o, "to", address_list_json(d->to));
		json_object_set_new(o, "cc", address_list_json(d->cc));
		json_object_set_new(o, "date", moment_json(d->date));
		json_object_set_new(o, "thread", json_string(d->thread));
		if (full) {
			json_object_set_new(o, "message_id", json_string(d->message_id));
			static const char *const dk[] = { "none", "pass", "fail",
				"unknown" };
			json_object_set_new(o, "dkim", json_string(dk[d->dkim & 3]));
		}
	} else {
		json_object_set_new(o, "filename", json_string(d->filename));
	}
	return o;
}

static json_t *release_json(const struct sz_release_row *r)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I}",
		"id", (json_int_t)r->id, "title", r->title, "date", r->day,
		"introduction", r->intro ? r->intro : "",
		"state", r->state == SZ_RELEASE_PUBLISHED ? "published" : "draft",
		"documents", (json_int_t)r->documents, "emails",
		(json_int_t)r->emails);
}

static json_t *page_json(size_t page, int64_t total)
{
	return json_pack("{s:I, s:I, s:I}", "page", (json_int_t)page,
		"per_page", (json_int_t)SZ_PAGES_PER_PAGE, "total",
		(json_int_t)total);
}

/* The API answers in JSON, errors included: its status is the page's. */
static int reply(struct sz_page *pg, unsigned status, json_t *o)
{
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(o);
	pg->status = status;
	pg->content_type = "application/json";
	int rc = sz_buf_puts(pg->out, s ? s : "{\"error\":\"out of memory\"}");
	free(s);
	return rc;
}

static int error(struct sz_page *pg, unsigned status, const char *msg)
{
	return reply(pg, status, json_pack("{s:s}", "error", msg));
}

/* What the API answers, so a client can find its way from /api/v1. */
static const struct {
	const char *path, *about, *params;
} endpoints[] = {
	{ "/api/v1/releases", "the releases, newest first", "page" },
	{ "/api/v1/releases/{id}", "one release with its documents and "
	  "e-mails", "page" },
	{ "/api/v1/documents/{id}", "one document: its facts, text and "
	  "download link", "" },
	{ "/api/v1/emails/{id}", "one e-mail: its header fields, text and "
	  "download link", "" },
	{ "/api/v1/search", "documents and e-mails matching q (the search "
	  "page's syntax), with facets by release, type and date; sort: "
	  "relevance, newest or oldest", "q, sort, page" },
};

int api_index(struct sz_page *pg, const struct sz_page_args *a)
{
	(void)a;
	json_t *arr = json_array();
	for (size_t i = 0; i < sizeof(endpoints) / sizeof(endpoints[0]); i++) {
		char path[SZ_PAGES_LINK_BASE + 64];
		/* searching needs the server: a copy on disk has no search */
		if (strcmp(endpoints[i].path, "/api/v1/search") == 0 &&
		    !view_searchable(pg))
			continue;
		snprintf(path, sizeof(path), "%s%s", pg->base, endpoints[i].path);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}", "path",
			path, "description", endpoints[i].about, "parameters",
			endpoints[i].params));
	}
	return reply(pg, 200, json_pack("{s:s, s:i, s:o, s:{s:s, s:s, s:s}}",
		"name", SZ_PAGES_SITE, "version", 1, "endpoints", arr,
		"conventions", "dates", "ISO 8601 strings: a day YYYY-MM-DD, a "
		"moment YYYY-MM-DDTHH:MM:SSZ (UTC), null when unknown",
		"addresses", "{name, address} objects; to and cc are lists of them",
		"pages", "?page=N from 1; each list says page, per_page and total"));
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
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, release_json(&rows[i]));
	sz_release_rows_free(rows, n);
	json_t *o = page_json(pg->number, total);
	json_object_set_new(o, "releases", arr);
	return reply(pg, 200, o);
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
	json_t *o = release_json(&r);
	free(r.intro);
	for (int email = 0; email < 2; email++) {
		struct sz_doc_row *rows = NULL;
		size_t n = 0;
		int64_t total = 0;
		if (arch->ops->doc_list(arch, id, email, view_offset(pg),
		    SZ_PAGES_PER_PAGE, &rows, &n, &total, &err) != 0)
			continue;
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, doc_json(&rows[i], false));
		sz_doc_rows_free(rows, n);
		json_t *part = page_json(pg->number, total);
		json_object_set_new(part, "items", arr);
		json_object_set_new(o, email ? "email_page" : "document_page", part);
	}
	return reply(pg, 200, o);
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
	json_t *o = doc_json(&d, true);
	struct sz_buf text;
	sz_buf_init(&text, 8u << 20);
	arch->ops->doc_text(arch, id, &text, &err);
	json_object_set_new(o, "text", json_stringn(text.data ?
		(const char *)text.data : "", text.len));
	sz_buf_free(&text);
	char url[SZ_PAGES_LINK_BASE + 32];
	snprintf(url, sizeof(url), "%s/file/%lld", pg->base, (long long)id);
	json_object_set_new(o, "download", json_string(url));
	sz_doc_row_clear(&d);
	return reply(pg, 200, o);
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
	json_t *o = page_json(pg->number, res.total), *arr = json_array();
	for (size_t i = 0; i < res.nhits; i++) {
		json_t *h = doc_json(&res.hits[i].doc, false);
		json_object_set_new(h, "snippet", json_string(res.hits[i].snippet));
		json_array_append_new(arr, h);
	}
	json_object_set_new(o, "results", arr);
	json_object_set_new(o, "ranked", json_boolean(res.ranked));
	json_t *fr = json_array(), *ft = json_array();
	for (size_t i = 0; i < res.nrelease; i++)
		json_array_append_new(fr, json_pack("{s:I, s:s, s:I}", "release",
			(json_int_t)res.by_release[i].id, "title",
			res.by_release[i].key, "count", (json_int_t)res.by_release[i].count));
	for (size_t i = 0; i < res.ntype; i++)
		json_array_append_new(ft, json_pack("{s:s, s:I}", "type",
			res.by_type[i].key, "count", (json_int_t)res.by_type[i].count));
	json_t *fd = json_array();
	for (size_t i = 0; i < res.ndate; i++)
		json_array_append_new(fd, json_pack("{s:s, s:I}", "date",
			res.by_date[i].key, "count", (json_int_t)res.by_date[i].count));
	json_object_set_new(o, "facets", json_pack("{s:o, s:o, s:o}", "release",
		fr, "type", ft, "date", fd));
	sz_search_result_free(&res);
	return reply(pg, 200, o);
}
