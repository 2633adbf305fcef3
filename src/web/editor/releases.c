/*
 * releases.c - releases of the public archive, for editors: the list
 * (drafts too), a new release, one release's documents with their
 * summaries to edit, its flagged e-mails (signed parts that carry
 * identifying data) and what each publishes of its raw message,
 * publishing and unpublishing.  Uploads are upload.c, the preview exactly
 * as the public will see it is preview.c.  Every change needs the
 * session's CSRF token and goes into the audit log.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/form.h"
#include "web/editor/editor.h"
#include "web/html.h"

/* The session and the parsed form of a POST; false if refused. */
static bool posted(struct sz_request *rq, struct sz_session *s,
	struct sz_form *form)
{
	struct sz_err err;
	memset(form, 0, sizeof(*form));
	if (!sz_editor_require(rq, s))
		return false;
	if (sz_form_parse(form, (const char *)rq->body.data, rq->body.len,
	    &err) != 0) {
		sz_request_fail(rq, 400, err.msg);
		return false;
	}
	const struct sz_form_field *tok = sz_form_get(form, "csrf");
	if (!sz_session_csrf_ok(s, tok ? tok->value : NULL)) {
		sz_request_fail(rq, 403, "This form is out of date. Go back and "
			"reload the page.");
		return false;
	}
	return true;
}

static int64_t field_id(const struct sz_form *form, const char *name)
{
	const struct sz_form_field *f = sz_form_get(form, name);
	char *end;
	long long v = f ? strtoll(f->value, &end, 10) : 0;
	return f && *end == 0 && v > 0 ? v : 0;
}

static int64_t query_id(struct sz_request *rq)
{
	const char *v = sz_request_query(rq, "id");
	char *end;
	long long id = v ? strtoll(v, &end, 10) : 0;
	return v && *end == 0 && id > 0 ? id : 0;
}

/* Records what the editor did, and sends them back to the release. */
static void done(struct sz_request *rq, const struct sz_session *s,
	const char *action, const char *what, int64_t id, int64_t release)
{
	struct sz_editor_app *app = rq->app;
	char detail[64];
	snprintf(detail, sizeof(detail), "%s %lld", what, (long long)id);
	app->in->store->ops->audit_add(app->in->store, s->data, action, detail,
		NULL);
	rq->status = 303;
	snprintf(rq->location, sizeof(rq->location), "/release?id=%lld",
		(long long)release);
}

int sz_editor_releases(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_archive *a = app->preview.archive;
	struct sz_session s;
	struct sz_err err;
	if (!sz_editor_require(rq, &s))
		return 0;
	struct sz_release_row *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	if (a->ops->release_list(a, true, 0, SZ_ARCHIVE_PAGE_MAX, &rows, &n,
	    &total, &err) != 0) {
		sodium_memzero(&s, sizeof(s));
		return sz_request_fail(rq, 500, err.msg);
	}
	struct sz_buf *b = &rq->page;
	char today[11];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	sz_editor_header(rq, &s, "Releases");
	sz_buf_printf(b, "<h1>Releases</h1>\n<p>%lld release%s. A release is a "
		"draft, seen only here and in the <a href=\"/preview\">preview</a>, "
		"until it is published.</p>\n", (long long)total,
		total == 1 ? "" : "s");
	if (n > 0)
		sz_buf_puts(b, "<table id=\"releases\">\n<tr><th>Release</th>"
			"<th>Date</th><th>State</th><th>Documents</th><th>E-mails</th>"
			"</tr>\n");
	for (size_t i = 0; i < n; i++) {
		sz_buf_printf(b, "<tr><td><a href=\"/release?id=%lld\">",
			(long long)rows[i].id);
		sz_html_escape(b, rows[i].title);
		sz_buf_printf(b, "</a></td><td>%s</td><td>%s</td><td>%lld</td>"
			"<td>%lld</td></tr>\n", rows[i].day,
			rows[i].state == SZ_RELEASE_PUBLISHED ? "published" : "draft",
			(long long)rows[i].documents, (long long)rows[i].emails);
	}
	if (n > 0)
		sz_buf_puts(b, "</table>\n");
	sz_buf_printf(b, "<h2>New release</h2>\n<form method=\"post\" "
		"action=\"/release/create\"><input type=\"hidden\" name=\"csrf\" "
		"value=\"%s\">\n<label for=\"title\">Title</label>\n<input id=\"title\" "
		"name=\"title\" required maxlength=\"%d\">\n<label for=\"day\">Date"
		"</label>\n<input id=\"day\" name=\"day\" type=\"date\" value=\"%s\">\n"
		"<label for=\"intro\">Introduction</label>\n<textarea id=\"intro\" "
		"name=\"intro\" rows=\"6\" maxlength=\"%d\"></textarea>\n"
		"<button type=\"submit\">Create the draft</button></form>\n",
		s.csrf, SZ_ARCHIVE_TITLE_MAX, today, SZ_ARCHIVE_INTRO_MAX);
	sz_release_rows_free(rows, n);
	sodium_memzero(&s, sizeof(s));
	return sz_html_end(b);
}

/* Under a document on the release page: what scrubbing removed from it
 * (kept since its upload), and removing it from the release. */
static void doc_tools(struct sz_request *rq, struct sz_archive *a,
	const struct sz_session *s, const struct sz_doc_row *d, int64_t release)
{
	struct sz_buf *b = &rq->page, report;
	struct sz_err err;
	sz_buf_init(&report, 64u << 10);
	sz_buf_printf(b, "<div class=\"doc-tools\" id=\"tools-%lld\">",
		(long long)d->id);
	if (a->ops->doc_report(a, d->id, &report, &err) == 0) {
		if (report.len == 0) {
			sz_buf_puts(b, "<p class=\"note scrub-report\">Scrubbing found "
				"nothing to remove.</p>");
		} else {
			sz_buf_puts(b, "<details class=\"scrub-report\"><summary>What "
				"scrubbing removed</summary><pre class=\"text\">");
			sz_buf_append(&report, "", 1);
			sz_html_escape(b, (const char *)report.data);
			sz_buf_puts(b, "</pre></details>");
		}
	}
	sz_buf_free(&report);
	sz_buf_printf(b, "<form method=\"post\" action=\"/release/remove\" "
		"class=\"remove\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		"<input type=\"hidden\" name=\"id\" value=\"%lld\"><input type=\""
		"hidden\" name=\"release\" value=\"%lld\"><button type=\"submit\" "
		"class=\"quiet\">Remove from the release</button> <span class=\"note"
		"\">unpublishes it: gone from the public face at once, from mirrors "
		"at their next export</span></form></div>\n", s->csrf,
		(long long)d->id, (long long)release);
}

/* The three choices for a flagged e-mail's raw message, as form values
 * (the same words as `samizdat release raw`). */
static const struct {
	const char *value, *label;
	enum sz_raw_form form;
} raw_choices[] = {
	{ "none", "Publish without its raw message", SZ_RAW_WITHHELD },
	{ "scrubbed", "Publish it scrubbed (its signature no longer verifies)",
	  SZ_RAW_SCRUBBED },
	{ "raw", "Publish it raw, as signed (what is listed goes out)",
	  SZ_RAW_VERIFIABLE },
};

static void raw_form_fields(struct sz_buf *b, const char *csrf,
	int64_t release, const char *email, const char *button)
{
	sz_buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		"<input type=\"hidden\" name=\"release\" value=\"%lld\">"
		"<input type=\"hidden\" name=\"email\" value=\"%s\"><select "
		"name=\"form\" aria-label=\"What to publish\">", csrf,
		(long long)release, email);
	for (size_t i = 0; i < sizeof(raw_choices) / sizeof(raw_choices[0]); i++)
		sz_buf_printf(b, "<option value=\"%s\">%s</option>",
			raw_choices[i].value, raw_choices[i].label);
	sz_buf_printf(b, "</select> <button type=\"submit\">%s</button>", button);
}

/* The release's flagged e-mails: what their signed parts would give away,
 * what each publishes now, and the forms to choose. */
static void flagged_section(struct sz_request *rq, struct sz_archive *a,
	int64_t id, const char *csrf)
{
	struct sz_buf *b = &rq->page;
	struct sz_doc_row *rows = NULL;
	size_t n = 0;
	int64_t total = 0;
	struct sz_err err;
	if (a->ops->email_flagged(a, id, 0, SZ_ARCHIVE_PAGE_MAX, &rows, &n,
	    &total, &err) != 0 || total == 0) {
		sz_doc_rows_free(rows, n);
		return;
	}
	sz_buf_printf(b, "<h2 id=\"flagged\">Flagged e-mails (%lld)</h2>\n<p "
		"class=\"note\">Their signatures (DKIM or PGP) cover data that can "
		"identify where they leaked from: a signed trace header, or an "
		"attachment with metadata. Published raw, the signature still "
		"verifies but that data goes out; scrubbed, it is removed but the "
		"signature no longer verifies; or the raw message is not published "
		"at all (the default until you choose). Their text, headers and "
		"scrubbed attachments are published in every case.</p>\n<form "
		"method=\"post\" action=\"/release/raw\" id=\"raw-all\">",
		(long long)total);
	raw_form_fields(b, csrf, id, "all", "Apply to every flagged e-mail");
	sz_buf_puts(b, "</form>\n<ul class=\"flagged\">\n");
	for (size_t i = 0; i < n; i++) {
		const char *now = "?";
		for (size_t k = 0; k < sizeof(raw_choices) / sizeof(raw_choices[0]);
		    k++)
			if (raw_choices[k].form == rows[i].raw_form)
				now = raw_choices[k].value;
		sz_buf_printf(b, "<li id=\"flagged-%lld\"><a href=\"/preview/email/"
			"%lld\">", (long long)rows[i].id, (long long)rows[i].id);
		sz_html_escape(b, rows[i].title);
		sz_buf_printf(b, "</a> <span class=\"note\">publishes: %s%s</span>\n",
			now, rows[i].raw_chosen ? "" : " (not chosen yet)");
		struct sz_buf flags, removed;
		sz_buf_init(&flags, SZ_ARCHIVE_NOTES_MAX + 1);
		sz_buf_init(&removed, SZ_ARCHIVE_NOTES_MAX + 1);
		a->ops->email_raw_notes(a, rows[i].id, &flags, &removed, &err);
		sz_buf_puts(b, "<pre class=\"would-go-out\">");
		sz_html_escape(b, flags.data ? (const char *)flags.data : "");
		sz_buf_printf(b, "</pre><form method=\"post\" action=\"/release/"
			"raw\">");
		char email[24];
		snprintf(email, sizeof(email), "%lld", (long long)rows[i].id);
		raw_form_fields(b, csrf, id, email, "Choose");
		sz_buf_puts(b, "</form></li>\n");
		sz_buf_free(&flags);
		sz_buf_free(&removed);
	}
	sz_buf_puts(b, "</ul>\n");
	if (total > (int64_t)n)
		sz_buf_printf(b, "<p class=\"note\">The first %zu of %lld are listed; "
			"the form above applies to all of them.</p>\n", n,
			(long long)total);
	sz_doc_rows_free(rows, n);
}

int sz_editor_release(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_archive *a = app->preview.archive;
	struct sz_session s;
	struct sz_err err;
	struct sz_release_row r;
	if (!sz_editor_require(rq, &s))
		return 0;
	int64_t id = query_id(rq);
	if (id == 0 || a->ops->release_get(a, id, &r, &err) != 0) {
		sodium_memzero(&s, sizeof(s));
		return sz_request_fail(rq, 404, "There is no such release.");
	}
	struct sz_buf *b = &rq->page;
	bool pub = r.state == SZ_RELEASE_PUBLISHED;
	sz_editor_header(rq, &s, r.title);
	sz_buf_puts(b, "<h1>");
	sz_html_escape(b, r.title);
	sz_buf_printf(b, "</h1>\n<p id=\"state\">%s, dated %s · <a href=\""
		"/preview/release/%lld\">preview it as the public will see it</a>"
		"</p>\n", pub ? "Published" : "A draft, not public", r.day,
		(long long)id);
	const char *msg = sz_request_query(rq, "added");
	if (msg != NULL)
		sz_buf_puts(b, "<p class=\"ok\" id=\"added\">The files were scrubbed "
			"and added. What scrubbing removed from each is listed with it "
			"below.</p>\n");
	if ((msg = sz_request_query(rq, "removed")) != NULL)
		sz_buf_printf(b, "<p class=\"ok\" id=\"removed\">Removed (%u "
			"document%s, attachments included). It is gone from the public "
			"face now, and from mirrors when they next export.</p>\n",
			(unsigned)strtoul(msg, NULL, 10), strcmp(msg, "1") == 0 ? "" :
			"s");
	sz_buf_printf(b, "<form method=\"post\" action=\"/release/state\">"
		"<input type=\"hidden\" name=\"csrf\" value=\"%s\"><input type="
		"\"hidden\" name=\"id\" value=\"%lld\"><input type=\"hidden\" "
		"name=\"state\" value=\"%s\"><button type=\"submit\">%s</button>"
		"</form>\n", s.csrf, (long long)id, pub ? "draft" : "published",
		pub ? "Unpublish" : "Publish");
	sz_buf_printf(b, "<details class=\"edit\" id=\"edit\"><summary>Edit "
		"the title, date and introduction</summary><form method=\"post\" "
		"action=\"/release/edit\"><input type=\"hidden\" name=\"csrf\" "
		"value=\"%s\"><input type=\"hidden\" name=\"id\" value=\"%lld\">\n"
		"<label for=\"title\">Title</label>\n<input id=\"title\" name=\""
		"title\" required maxlength=\"%d\" value=\"", s.csrf, (long long)id,
		SZ_ARCHIVE_TITLE_MAX);
	sz_html_escape(b, r.title);
	sz_buf_printf(b, "\">\n<label for=\"day\">Date</label>\n<input id=\"day\""
		" name=\"day\" type=\"date\" value=\"%s\">\n<label for=\"intro\">"
		"Introduction</label>\n<textarea id=\"intro\" name=\"intro\" rows="
		"\"6\" maxlength=\"%d\">", r.day, SZ_ARCHIVE_INTRO_MAX);
	sz_html_escape(b, r.intro ? r.intro : "");
	sz_buf_puts(b, "</textarea>\n<button type=\"submit\">Save the release"
		"</button></form></details>\n");
	sz_buf_printf(b, "<h2>Add files</h2>\n<p class=\"note\">Each file is "
		"scrubbed of identifying metadata, its text extracted, summarised "
		"and indexed. A file that cannot be scrubbed is refused. E-mail "
		"(.eml, mbox) is imported with its attachments.</p>\n<form method="
		"\"post\" action=\"/release/upload?id=%lld\" enctype=\"multipart/"
		"form-data\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		"<input type=\"file\" name=\"files\" id=\"files\" multiple required>"
		"<button type=\"submit\">Scrub and add</button></form>\n",
		(long long)id, s.csrf);
	struct sz_doc_row *docs = NULL;
	size_t n = 0;
	int64_t total = 0;
	if (a->ops->doc_list(a, id, false, 0, SZ_ARCHIVE_PAGE_MAX, &docs, &n,
	    &total, &err) == 0 && n > 0) {
		sz_buf_printf(b, "<h2>Documents (%lld)</h2>\n", (long long)total);
		for (size_t i = 0; i < n; i++) {
			sz_buf_printf(b, "<form method=\"post\" action=\"/release/"
				"summary\" class=\"doc\"><h3><a href=\"/preview/doc/%lld\">",
				(long long)docs[i].id);
			sz_html_escape(b, docs[i].title);
			sz_buf_printf(b, "</a> <span class=\"note\">%s</span></h3>"
				"<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
				"<input type=\"hidden\" name=\"id\" value=\"%lld\">"
				"<input type=\"hidden\" name=\"release\" value=\"%lld\">"
				"<label for=\"summary-%lld\">Summary</label><textarea "
				"id=\"summary-%lld\" name=\"summary\" rows=\"3\">", docs[i].type,
				s.csrf, (long long)docs[i].id, (long long)id,
				(long long)docs[i].id, (long long)docs[i].id);
			sz_html_escape(b, docs[i].summary);
			sz_buf_puts(b, "</textarea><button type=\"submit\">Save the "
				"summary</button></form>\n");
			doc_tools(rq, a, &s, &docs[i], id);
		}
	}
	sz_doc_rows_free(docs, n);
	docs = NULL;
	n = 0;
	sz_editor_release_emails(rq, a, id);
	flagged_section(rq, a, id, s.csrf);
	free(r.intro);
	sodium_memzero(&s, sizeof(s));
	return sz_html_end(b);
}

/* A release's title, date and introduction from a form; false (the
 * request failed with what to change) if one is missing or wrong. */
static bool release_fields(struct sz_request *rq, const struct sz_form *form,
	const struct sz_form_field **t, const struct sz_form_field **d,
	const struct sz_form_field **i)
{
	*t = sz_form_get(form, "title");
	*d = sz_form_get(form, "day");
	*i = sz_form_get(form, "intro");
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *end = *d ? strptime((*d)->value, "%Y-%m-%d", &tm) : NULL;
	if (*t == NULL || (*t)->value_len == 0 ||
	    (*t)->value_len > SZ_ARCHIVE_TITLE_MAX)
		return sz_request_fail(rq, 400, "Give the release a title."), false;
	if (end == NULL || *end != 0 || (*d)->value_len != 10)
		return sz_request_fail(rq, 400, "Give the date as YYYY-MM-DD."),
			false;
	if (*i != NULL && (*i)->value_len > SZ_ARCHIVE_INTRO_MAX)
		return sz_request_fail(rq, 413, "The introduction is too long."),
			false;
	return true;
}

int sz_editor_release_create(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_archive *a = app->preview.archive;
	struct sz_session s;
	struct sz_form form;
	struct sz_err err;
	int64_t id;
	const struct sz_form_field *t, *d, *i;
	if (!posted(rq, &s, &form) || !release_fields(rq, &form, &t, &d, &i))
		goto out;
	if (a->ops->release_create(a, t->value, d->value, i ? i->value : "",
	    &id, &err) != 0) {
		sz_request_fail(rq, 500, err.msg);
		goto out;
	}
	done(rq, &s, "create release", "release", id, id);
out:
	sz_form_free(&form);
	sodium_memzero(&s, sizeof(s));
	return rq->error ? SZ_E_INVAL : 0;
}

/* What the newsroom removes, its discussion too (store/forum.h): a
 * document or e-mail and its attachments.  Whether that was done. */
static bool withdraw_discussion(struct sz_request *rq, struct sz_archive *a,
	int64_t doc)
{
	struct sz_editor_app *app = rq->app;
	struct sz_forum *f = app->forum.forum;
	struct sz_err err;
	return f == NULL || sz_forum_withdraw_doc(f, a, doc,
		SZ_FORUM_EDITORS_ACTOR, &err) == 0;
}

int sz_editor_release_state(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_archive *a = app->preview.archive;
	struct sz_session s;
	struct sz_form form;
	struct sz_err err;
	if (!posted(rq, &s, &form))
		goto out;
	int64_t id = field_id(&form, "id");
	const struct sz_form_field *st = sz_form_get(&form, "state");
	bool publish = st && strcmp(st->value, "published") == 0;
	if (id == 0 || st == NULL || a->ops->release_set_state(a, id, publish ?
	    SZ_RELEASE_PUBLISHED : SZ_RELEASE_DRAFT, &err) != 0) {
		sz_request_fail(rq, 404, "There is no such release.");
		goto out;
	}
	done(rq, &s, publish ? "publish release" : "unpublish release",
		"release", id, id);
out:
	sz_form_free(&form);
	sodium_memzero(&s, sizeof(s));
	return rq->error ? SZ_E_INVAL : 0;
}

int sz_editor_release_summary(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_archive *a = app->preview.archive;
	struct sz_session s;
	struct sz_form form;
	struct sz_err err;
	if (!posted(rq, &s, &form))
		goto out;
	int64_t id = field_id(&form, "id"), release = field_id(&form, "release");
	const struct sz_form_field *sum = sz_form_get(&form, "summary");
	if (id == 0 || sum == NULL || a->ops->doc_set_summary(a, id, sum->value,
	    &err) != 0) {
		sz_request_fail(rq, 404, "There is no such document.");
		goto out;
	}
	done(rq, &s, "edit summary", "document", id, release);
out:
	sz_form_free(&form);
	sodium_memzero(&s, sizeof(s));
	return rq->error ? SZ_E_INVAL : 0;
}

int sz_editor_release_edit(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_archive *a = app->preview.archive;
	struct sz_session s;
	struct sz_form form;
	struct sz_err err;
	const struct sz_form_field *t, *d, *i;
	if (!posted(rq, &s, &form) || !release_fields(rq, &form, &t, &d, &i))
		goto out;
	int64_t id = field_id(&form, "id");
	if (id == 0 || a->ops->release_update(a, id, t->value, d->value,
	    i ? i->value : "", &err) != 0) {
		sz_request_fail(rq, 404, "There is no such release.");
		goto out;
	}
	done(rq, &s, "edit release", "release", id, id);
out:
	sz_form_free(&form);
	sodium_memzero(&s, sizeof(s));
	return rq->error ? SZ_E_INVAL : 0;
}

int sz_editor_release_remove(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_archive *a = app->preview.archive;
	struct sz_session s;
	struct sz_form form;
	struct sz_err err;
	size_t removed = 0;
	if (!posted(rq, &s, &form))
		goto out;
	int64_t id = field_id(&form, "id"), release = field_id(&form, "release");
	/* Only from the release it was asked of: a number typed wrong must
	 * not take a document from another release. */
	struct sz_doc_row d;
	memset(&d, 0, sizeof(d));
	bool here = id != 0 && a->ops->doc_get(a, id, &d, &err) == 0 &&
		d.release_id == release, email = d.email;
	sz_doc_row_clear(&d);
	/* the discussion first, while the attachments are still listed */
	bool hid = !here || release == 0 || withdraw_discussion(rq, a, id);
	if (!here || release == 0 || a->ops->doc_remove(a, id, &removed,
	    &err) != 0) {
		sz_request_fail(rq, 404, "This release has no document or e-mail "
			"with that number.");
		goto out;
	}
	done(rq, &s, "remove from release", email ? "e-mail" : "document", id,
		release);
	snprintf(rq->location, sizeof(rq->location), "/release?id=%lld&"
		"removed=%zu", (long long)release, removed);
	if (!hid)
		sz_request_fail(rq, 500, "It is removed, but its discussion in the "
			"forum could not be hidden: hide it from the forum's pages.");
out:
	sz_form_free(&form);
	sodium_memzero(&s, sizeof(s));
	return rq->error ? SZ_E_INVAL : 0;
}

int sz_editor_release_raw(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_archive *a = app->preview.archive;
	struct sz_session s;
	struct sz_form form;
	struct sz_err err;
	if (!posted(rq, &s, &form))
		goto out;
	int64_t release = field_id(&form, "release"), email = 0, changed;
	const struct sz_form_field *e = sz_form_get(&form, "email"),
		*f = sz_form_get(&form, "form");
	size_t k = 0;
	while (f && k < sizeof(raw_choices) / sizeof(raw_choices[0]) &&
	    strcmp(f->value, raw_choices[k].value) != 0)
		k++;
	bool all = e && strcmp(e->value, "all") == 0;
	if (!all)
		email = field_id(&form, "email");
	if (release == 0 || (!all && email == 0) || f == NULL ||
	    k == sizeof(raw_choices) / sizeof(raw_choices[0])) {
		sz_request_fail(rq, 400, "Choose what to publish of a flagged "
			"e-mail.");
		goto out;
	}
	if (a->ops->email_choose_raw(a, release, email, raw_choices[k].form,
	    &changed, &err) != 0) {
		sz_request_fail(rq, 404, err.msg);
		goto out;
	}
	char what[64];
	snprintf(what, sizeof(what), "raw %s, %s", raw_choices[k].value,
		all ? "every flagged e-mail of release" : "e-mail");
	done(rq, &s, "choose raw e-mail", what, all ? release : email, release);
out:
	sz_form_free(&form);
	sodium_memzero(&s, sizeof(s));
	return rq->error ? SZ_E_INVAL : 0;
}
