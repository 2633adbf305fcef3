/*
 * inbox.c - the inbox (sources by designation, most recent activity first,
 * with unread counts), a source's items by day, number and padded size,
 * and downloads of items as the .age files they are stored as.  Editors
 * decrypt on their own machines: this face never holds a key that can,
 * and so never knows a file's name (it is inside the item).
 *
 * The inbox is a page of 50 at a time, reached by "older" and "newer"
 * links that carry the place of the last source shown (never an offset),
 * with views (all, unread, starred) and a designation to find, all plain
 * links and one GET form: no script.  A page costs a few index lookups
 * and stays small over Tor whatever the number of sources.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/codename.h"
#include "core/io.h"
#include "store/blobs.h"
#include "web/editor/editor.h"
#include "web/html.h"

void sz_editor_header(struct sz_request *rq, const struct sz_session *s,
	const char *title)
{
	/* The face's links and "Log out" in the header, where every editor
	 * page has them; they wrap rather than widen a narrow screen. */
	struct sz_buf nav;
	sz_buf_init(&nav, 4096);
	sz_buf_puts(&nav, "<nav class=\"face\" aria-label=\"Editors\"><a href="
		"\"/inbox\">Inbox</a><a href=\"/releases\">Releases</a><a href=\""
		"/preview\">Preview</a><a href=\"/forum/queue\">Forum</a>"
		"<span class=\"note\">");
	sz_html_escape(&nav, s->data);
	sz_buf_printf(&nav, "</span><form method=\"post\" action=\"/logout\" "
		"class=\"inline\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		"<button type=\"submit\" class=\"quiet\">Log out</button></form>"
		"</nav>", s->csrf);
	struct sz_html_frame f = { .site = SZ_EDITOR_SITE, .title = title,
		.nav = nav.data ? (const char *)nav.data : NULL };
	sz_html_frame_open(&rq->page, &f);
	if (nav.data != NULL)
		sodium_memzero(nav.data, nav.cap);
	sz_buf_free(&nav);
}

/* What the inbox was asked for: a view, a typed designation, a place. */
struct inbox_args {
	struct sz_inbox_query q;
	const char *typed;          /* the designation as typed, or NULL */
	bool typed_ok;
	char canon[SZ_DESIGNATION_INPUT_MAX + 1];  /* as links carry it */
	bool bad_key;
};

static const char *const view_names[] = {
	[SZ_INBOX_ALL] = "all",
	[SZ_INBOX_UNREAD] = "unread",
	[SZ_INBOX_STARRED] = "starred",
};

static void inbox_args(struct sz_request *rq, struct inbox_args *a)
{
	memset(a, 0, sizeof(*a));
	const char *show = sz_request_query(rq, "show");
	for (size_t v = 0; show != NULL && v < 3; v++)
		if (strcmp(show, view_names[v]) == 0)
			a->q.view = (enum sz_inbox_view)v;
	a->typed = sz_request_query(rq, "d");
	if (a->typed != NULL && a->typed[strspn(a->typed, " \t")] == '\0')
		a->typed = NULL;
	if (a->typed != NULL) {
		a->typed_ok = sz_designation_parse(a->typed, strlen(a->typed),
			&a->q.designation_lo, &a->q.designation_hi, a->canon,
			sizeof(a->canon)) == SZ_OK;
		a->q.by_designation = true;
	}
	const char *older = sz_request_query(rq, "older"),
		*newer = sz_request_query(rq, "newer");
	if (older != NULL || newer != NULL) {
		a->q.from = older ? SZ_INBOX_OLDER : SZ_INBOX_NEWER;
		a->bad_key = (older && newer) ||
			sz_inbox_key_parse(older ? older : newer, &a->q.key) !=
			SZ_OK;
	}
}

/* "12,345" */
static void thousands(int64_t n, char *out, size_t cap)
{
	char digits[24];
	int len = snprintf(digits, sizeof(digits), "%lld", (long long)n);
	size_t o = 0;
	for (int i = 0; i < len && o + 2 < cap; i++) {
		if (i > 0 && digits[i - 1] != '-' && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

/* A link to the inbox, in an attribute: "/inbox?show=unread&amp;d=
 * abacus-zebra&amp;older=2024-05-01.42"; each part is optional, and
 * none needs escaping (a view's name, a canonical designation, a key). */
static void inbox_link(struct sz_buf *b, enum sz_inbox_view view,
	const char *canon, const char *arg, const char *value)
{
	const char *sep = "?";
	sz_buf_puts(b, "/inbox");
	if (view != SZ_INBOX_ALL) {
		sz_buf_printf(b, "%sshow=%s", sep, view_names[view]);
		sep = "&amp;";
	}
	if (canon != NULL && canon[0]) {
		sz_buf_printf(b, "%sd=%s", sep, canon);
		sep = "&amp;";
	}
	if (arg != NULL)
		sz_buf_printf(b, "%s%s=%s", sep, arg, value);
}

static void views_nav(struct sz_buf *b, const struct inbox_args *a,
	const struct sz_inbox_counts *c)
{
	static const char *const labels[] = { "All", "Unread", "Starred" };
	int64_t counts[] = { c->sources, c->unread_sources,
		c->starred_sources };
	sz_buf_puts(b, "<nav class=\"views\" aria-label=\"Views\">");
	for (size_t v = 0; v < 3; v++) {
		char n[32];
		thousands(counts[v], n, sizeof(n));
		sz_buf_printf(b, "%s<a id=\"view-%s\" href=\"", v ? " · " : "",
			view_names[v]);
		inbox_link(b, (enum sz_inbox_view)v, a->typed_ok ? a->canon :
			NULL, NULL, NULL);
		sz_buf_printf(b, "\"%s>%s (%s)</a>", a->q.view == v ?
			" aria-current=\"page\"" : "", labels[v], n);
	}
	sz_buf_puts(b, "</nav>\n");
}

static void find_form(struct sz_buf *b, const struct inbox_args *a)
{
	sz_buf_puts(b, "<form method=\"get\" action=\"/inbox\" class=\"find\" "
		"role=\"search\">\n");
	if (a->q.view != SZ_INBOX_ALL)
		sz_buf_printf(b, "<input type=\"hidden\" name=\"show\" "
			"value=\"%s\">\n", view_names[a->q.view]);
	sz_buf_printf(b, "<label for=\"d\">Find a source by designation"
		"</label>\n<span class=\"field\"><input type=\"text\" id=\"d\" "
		"name=\"d\" maxlength=\"%d\" autocomplete=\"off\" "
		"spellcheck=\"false\" placeholder=\"abacus-zebra\" value=\"",
		SZ_DESIGNATION_INPUT_MAX);
	if (a->typed != NULL)
		sz_html_escape(b, a->typed);
	sz_buf_puts(b, "\"><button type=\"submit\">Find</button></span>\n"
		"</form>\n");
}

static void source_rows(struct sz_buf *b, const struct sz_inbox_page *p)
{
	sz_buf_puts(b, "<table id=\"sources\">\n<tr><th>Source</th><th>Last "
		"active</th><th>Sent</th><th>Unread</th></tr>\n");
	for (size_t i = 0; i < p->n; i++) {
		const struct sz_source_row *r = &p->rows[i];
		char d[SZ_EDITOR_DESIGNATION_MAX];
		sz_designation_name(r->designation, d, sizeof(d));
		sz_buf_printf(b, "<tr%s><td><a href=\"/source?id=%lld\">%s</a>%s"
			"</td><td class=\"day\">%s</td><td>%lld</td><td>%lld</td>"
			"</tr>\n",
			r->unread ? " class=\"unread\"" : "", (long long)r->id,
			d, r->starred ? " <span class=\"star\" title=\"starred\">"
			"★</span>" : "", r->last_day, (long long)r->submissions,
			(long long)r->unread);
	}
	sz_buf_puts(b, "</table>\n");
}

static void pager(struct sz_buf *b, const struct inbox_args *a,
	const struct sz_inbox_page *p)
{
	if (p->n == 0 || (!p->newer && !p->older))
		return;
	char key[SZ_INBOX_KEY_TEXT];
	const char *canon = a->typed_ok ? a->canon : NULL;
	sz_buf_puts(b, "<nav class=\"pager\" aria-label=\"Pages\">");
	if (p->newer) {
		struct sz_inbox_key k = { .id = p->rows[0].id };
		memcpy(k.day, p->rows[0].last_day, sizeof(k.day));
		sz_inbox_key_format(&k, key);
		sz_buf_puts(b, "<a rel=\"prev\" id=\"newer\" href=\"");
		inbox_link(b, a->q.view, canon, "newer", key);
		sz_buf_puts(b, "\">← Newer</a>");
	}
	if (p->older) {
		struct sz_inbox_key k = { .id = p->rows[p->n - 1].id };
		memcpy(k.day, p->rows[p->n - 1].last_day, sizeof(k.day));
		sz_inbox_key_format(&k, key);
		sz_buf_puts(b, "<a rel=\"next\" id=\"older\" href=\"");
		inbox_link(b, a->q.view, canon, "older", key);
		sz_buf_puts(b, "\">Older →</a>");
	}
	sz_buf_puts(b, "</nav>\n");
}

/* What the page says about the sources it lists, or that there are none. */
static void listing_note(struct sz_buf *b, const struct inbox_args *a,
	const struct sz_inbox_page *p)
{
	static const char *const what[] = { "", " unread", " starred" };
	if (a->typed != NULL && !a->typed_ok) {
		sz_buf_puts(b, "<p class=\"error\" id=\"no-designation\">“");
		sz_html_escape(b, a->typed);
		sz_buf_puts(b, "” is not a designation. Type its two words, like "
			"<i>abacus-zebra</i>, or just the first one.</p>\n");
		return;
	}
	if (a->typed != NULL) {
		bool one = a->q.designation_lo == a->q.designation_hi;
		sz_buf_printf(b, "<p id=\"found\">%lld%s source%s %s %s. <a "
			"href=\"", (long long)p->matching, what[a->q.view],
			p->matching == 1 ? "" : "s", one ? "with the designation" :
			"whose designation begins with", a->canon);
		inbox_link(b, a->q.view, NULL, NULL, NULL);
		sz_buf_puts(b, "\">Show all</a></p>\n");
	} else if (p->n == 0) {
		sz_buf_printf(b, "<p id=\"empty\">No%s sources.</p>\n",
			a->q.view == SZ_INBOX_ALL ? "" : what[a->q.view]);
	}
}

int sz_editor_inbox(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_store *st = app->in->store;
	struct sz_session s;
	struct sz_err err;
	struct inbox_args a;
	struct sz_inbox_counts counts;
	struct sz_source_row *rows = NULL;
	struct sz_inbox_page page = { .limit = SZ_EDITOR_INBOX_PAGE };
	int rc = SZ_OK;
	if (!sz_editor_require(rq, &s))
		return SZ_OK;
	inbox_args(rq, &a);
	if (a.bad_key) {
		rc = sz_request_fail(rq, 400, "That inbox link is broken. Go back "
			"to the inbox and page from there.");
		goto out;
	}
	page.rows = rows = calloc(page.limit, sizeof(*rows));
	if (rows == NULL) {
		rc = sz_request_fail(rq, 500, "The server ran out of memory.");
		goto out;
	}
	a.q.editor = s.data;    /* only what this editor's desks may read */
	rc = st->ops->inbox_counts(st, s.data, &counts, &err);
	if (rc == SZ_OK && (a.typed == NULL || a.typed_ok))
		rc = st->ops->inbox_page(st, &a.q, &page, &err);
	/* going newer ran into the top: show the top page, full */
	if (rc == SZ_OK && a.q.from == SZ_INBOX_NEWER && !page.newer &&
	    page.n < page.limit) {
		a.q.from = SZ_INBOX_FIRST;
		rc = st->ops->inbox_page(st, &a.q, &page, &err);
	}
	if (rc != SZ_OK) {
		rc = sz_request_fail(rq, 500, err.msg);
		goto out;
	}
	struct sz_buf *b = &rq->page;
	char ns[32], nu[32];
	thousands(counts.sources, ns, sizeof(ns));
	thousands(counts.unread_items, nu, sizeof(nu));
	sz_editor_header(rq, &s, "Inbox");
	sz_buf_printf(b, "<h1>Inbox</h1>\n<p id=\"counts\">%s source%s · %s "
		"unread item%s.</p>\n", ns, counts.sources == 1 ? "" : "s", nu,
		counts.unread_items == 1 ? "" : "s");
	const char *deleted = sz_request_query(rq, "deleted");
	if (deleted != NULL && strcmp(deleted, "1") == 0)
		sz_buf_puts(b, "<p class=\"ok\" id=\"deleted\">The source and "
			"everything it sent were deleted.</p>\n");
	views_nav(b, &a, &counts);
	find_form(b, &a);
	listing_note(b, &a, &page);
	if (page.n > 0)
		source_rows(b, &page);
	pager(b, &a, &page);
	rc = sz_html_end(b);
out:
	free(rows);
	sodium_memzero(&s, sizeof(s));
	return rc;
}

int sz_editor_source_open(struct sz_request *rq, const struct sz_session *s,
	int64_t id, struct sz_source_row *row)
{
	struct sz_editor_app *app = rq->app;
	struct sz_store *st = app->in->store;
	struct sz_err err;
	bool yes = false;
	int rc = sz_editor_source_listed(st, id, row, &err);
	if (rc == SZ_E_NOT_FOUND)
		return sz_request_fail(rq, 404, "There is no such source (it may "
			"have been deleted by retention).");
	if (rc == SZ_OK)
		rc = st->ops->desk_reader(st, row->desk, s->data, &yes, &err);
	if (rc != SZ_OK)
		return sz_request_fail(rq, 500, err.msg);
	if (!yes)
		return sz_request_fail(rq, 403, "This source wrote to a desk you "
			"are not on: only that desk's editors can read it.");
	return SZ_OK;
}

int sz_editor_source_listed(struct sz_store *st, int64_t id,
	struct sz_source_row *row, struct sz_err *err)
{
	int rc = st->ops->source_get(st, id, row, err);
	if (rc == SZ_OK && row->submissions == 0)
		rc = sz_err_set(err, SZ_E_NOT_FOUND, "no such source");
	return rc;
}

void sz_editor_designation_of(struct sz_store *st, int64_t id, char *out,
	size_t cap)
{
	struct sz_source_row row;
	if (st->ops->source_get(st, id, &row, NULL) == SZ_OK)
		sz_designation_name(row.designation, out, cap);
	else
		snprintf(out, cap, "source %lld", (long long)id);
}

/* A positive id from a query argument, or 0. */
static int64_t query_id(struct sz_request *rq, const char *name)
{
	const char *v = sz_request_query(rq, name);
	if (v == NULL || *v == '\0' || strlen(v) > 18)
		return 0;
	char *end;
	long long id = strtoll(v, &end, 10);
	return (*end == '\0' && id > 0) ? (int64_t)id : 0;
}

static void human_size(uint64_t n, char *out, size_t cap)
{
	if (n < 1024)
		snprintf(out, cap, "%llu B", (unsigned long long)n);
	else if (n < 1048576)
		snprintf(out, cap, "%.1f KiB", n / 1024.0);
	else
		snprintf(out, cap, "%.1f MiB", n / 1048576.0);
}

/* The conversation with a source in one list, in order: what it sent
 * and what editors replied, day by day (the day is all that is kept:
 * never a time), a day's items before the day's replies, each with who
 * wrote it and the way to read it. */
static void conversation(struct sz_buf *b, const struct sz_item_full *items,
	size_t nitems, const struct sz_reply_row *replies, size_t nreplies,
	int64_t source, const char *d)
{
	sz_buf_puts(b, "<h2>Conversation</h2>\n<ol class=\"conversation\" "
		"id=\"conversation\">\n");
	size_t i = 0, r = 0;
	while (i < nitems || r < nreplies) {
		bool item = r >= nreplies || (i < nitems &&
			strcmp(items[i].day, replies[r].day) <= 0);
		if (item) {
			const struct sz_item_full *it = &items[i++];
			char size[32];
			human_size(it->row.padded_size, size, sizeof(size));
			bool file = it->row.kind == SZ_ITEM_FILE;
			sz_buf_printf(b, "<li class=\"from-source%s\"><span class=\"meta"
				"\">%s · the source sent %s %lld (%s padded)</span> <a href=\""
				"/download?item=%lld\">%s-%lld.age</a>", it->seen ? "" :
				" unread", it->day, file ? "file" : "message",
				(long long)it->id, size, (long long)it->id, d,
				(long long)it->id);
			/* Items stored by earlier versions: name and type apart. */
			if (file && it->row.meta_blob[0])
				sz_buf_printf(b, " · <a href=\"/download?item=%lld&amp;"
					"part=meta\">name and type</a>", (long long)it->id);
			sz_buf_puts(b, "</li>\n");
		} else {
			const struct sz_reply_row *re = &replies[r++];
			sz_buf_printf(b, "<li class=\"from-editor\"><span class=\"meta\">"
				"%s · reply by ", re->day);
			if (re->editor[0])
				sz_html_escape(b, re->editor);
			else
				sz_buf_puts(b, "an editor");
			if (re->deleted || re->blob[0] == 0)
				sz_buf_puts(b, "</span> <span class=\"note\">deleted by the "
					"source after reading it</span></li>\n");
			else
				sz_buf_printf(b, "</span> <a href=\"/download?reply=%lld&amp;"
					"source=%lld\">reply.age</a></li>\n", (long long)re->id,
					(long long)source);
		}
	}
	sz_buf_puts(b, "</ol>\n");
}

int sz_editor_source(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_store *st = app->in->store;
	struct sz_session s;
	struct sz_err err;
	if (!sz_editor_require(rq, &s))
		return SZ_OK;
	int64_t id = query_id(rq, "id");
	struct sz_source_row src;
	struct sz_item_full *items = NULL;
	struct sz_reply_row *replies = NULL;
	size_t nitems = 0, nreplies = 0;
	int rc = sz_editor_source_open(rq, &s, id, &src);
	if (rc != SZ_OK)
		goto out;
	rc = st->ops->source_items(st, id, &items, &nitems, &err);
	if (rc == SZ_OK)
		rc = st->ops->replies(st, id, &replies, &nreplies, &err);
	if (rc != SZ_OK) {
		rc = sz_request_fail(rq, 500, err.msg);
		goto out;
	}
	char d[SZ_EDITOR_DESIGNATION_MAX];
	sz_designation_name(src.designation, d, sizeof(d));
	struct sz_buf *b = &rq->page;
	sz_editor_header(rq, &s, d);
	sz_buf_printf(b, "<h1>Source %s</h1>\n<p class=\"note\">This server "
		"cannot read what sources send, file names included: each item "
		"is an age file holding the file under its own name (a message "
		"is <code>message.txt</code>). Download items and replies, or all "
		"of the items, and decrypt them on your own machine: <code>"
		"samizdat decrypt -i key.txt -C DIR FILE</code>, or <code>age -d "
		"-i key.txt FILE.age | tar x</code>.</p>\n", d);
	conversation(b, items, nitems, replies, nreplies, id, d);
	sz_buf_printf(b, "<p><a href=\"/archive?id=%lld\" "
		"id=\"archive\">Download all of this source's items (.tar of "
		".age files; <code>samizdat decrypt -C</code> takes it as it "
		"is)</a></p>\n", (long long)id);
	const char *replied = sz_request_query(rq, "replied");
	if (replied != NULL && strcmp(replied, "1") == 0)
		sz_buf_puts(b, "<p class=\"ok\" id=\"replied\">Your reply is "
			"stored, encrypted to this source and to the editors.</p>\n");
	sz_buf_printf(b, "<h2>Reply</h2>\n<p class=\"note\">The source reads "
		"it after logging in with their codename.</p>\n<form "
		"method=\"post\" action=\"/reply\">\n<input type=\"hidden\" "
		"name=\"csrf\" value=\"%s\">\n<input type=\"hidden\" name=\"id\" "
		"value=\"%lld\">\n<label for=\"text\">Reply</label>\n<textarea "
		"id=\"text\" name=\"text\" maxlength=\"65536\" required>"
		"</textarea>\n<button type=\"submit\">Send reply</button>\n"
		"</form>\n", s.csrf, (long long)id);
	sz_buf_printf(b, "<h2>Manage</h2>\n<form method=\"post\" "
		"action=\"/star\" class=\"inline\">\n<input type=\"hidden\" "
		"name=\"csrf\" value=\"%s\">\n<input type=\"hidden\" "
		"name=\"id\" value=\"%lld\">\n<button type=\"submit\" "
		"class=\"quiet\">%s</button>\n</form>\n<form method=\"post\" "
		"action=\"/seen\" class=\"inline\">\n<input type=\"hidden\" "
		"name=\"csrf\" value=\"%s\">\n<input type=\"hidden\" "
		"name=\"id\" value=\"%lld\">\n<button type=\"submit\" "
		"class=\"quiet\">Mark all read</button>\n</form>\n<form "
		"method=\"post\" action=\"/delete\">\n<input type=\"hidden\" name=\"csrf\" "
		"value=\"%s\">\n<input type=\"hidden\" name=\"id\" "
		"value=\"%lld\">\n<label><input type=\"checkbox\" "
		"name=\"confirm\" value=\"yes\" required> Delete this source "
		"and everything it sent, for good</label>\n<button "
		"type=\"submit\">Delete source</button>\n</form>\n", s.csrf,
		(long long)id, src.starred ? "Remove star" : "Star this source",
		s.csrf, (long long)id, s.csrf, (long long)id);
	rc = sz_html_end(b);
out:
	free(items);
	free(replies);
	sodium_memzero(&s, sizeof(s));
	return rc;
}

/* A reply, encrypted to the source and the editors, for an editor to
 * read what a colleague wrote. */
static int download_reply(struct sz_request *rq, const struct sz_session *s)
{
	struct sz_editor_app *app = rq->app;
	struct sz_store *st = app->in->store;
	struct sz_err err;
	struct sz_reply_row *rows = NULL;
	size_t n = 0;
	int64_t id = query_id(rq, "reply"), source = query_id(rq, "source");
	const struct sz_reply_row *re = NULL;
	struct sz_source_row src;
	/* the same rule as the source's page: its desk's editors only */
	if (sz_editor_source_open(rq, s, source, &src) != SZ_OK)
		return SZ_OK;
	if (st->ops->replies(st, source, &rows, &n, &err) == SZ_OK)
		for (size_t i = 0; i < n && re == NULL; i++)
			if (rows[i].id == id && !rows[i].deleted && rows[i].blob[0])
				re = &rows[i];
	int fd = -1;
	struct stat stt;
	if (re != NULL) {
		char path[4300];
		sz_blob_path(&app->in->blobs, re->blob, path, sizeof(path));
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &stt) != 0) {
			close(fd);
			fd = -1;
		}
	}
	free(rows);
	if (fd < 0)
		return sz_request_fail(rq, 404, "There is no such reply (it may "
			"have been deleted with its source).");
	char d[SZ_EDITOR_DESIGNATION_MAX];
	sz_editor_designation_of(st, source, d, sizeof(d));
	rq->fd = fd;
	rq->fd_size = (uint64_t)stt.st_size;
	rq->content_type = "application/octet-stream";
	snprintf(rq->disposition, sizeof(rq->disposition),
		"attachment; filename=\"%s-reply-%lld.age\"", d, (long long)id);
	char detail[96];
	snprintf(detail, sizeof(detail), "%s reply %lld", d, (long long)id);
	st->ops->audit_add(st, s->data, "download", detail, NULL);
	return SZ_OK;
}

int sz_editor_download(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_store *st = app->in->store;
	struct sz_session s;
	struct sz_err err;
	struct sz_item_full it;
	if (!sz_editor_require(rq, &s))
		return SZ_OK;
	if (sz_request_query(rq, "reply") != NULL) {
		int rc = download_reply(rq, &s);
		sodium_memzero(&s, sizeof(s));
		return rc;
	}
	int64_t id = query_id(rq, "item");
	const char *part = sz_request_query(rq, "part");
	bool meta = part != NULL && strcmp(part, "meta") == 0;
	int rc = SZ_OK;
	if (st->ops->item_get(st, id, &it, &err) != SZ_OK ||
	    (meta && it.row.meta_blob[0] == '\0')) {
		rc = sz_request_fail(rq, 404, "There is no such item (it may "
			"have been deleted by retention).");
		goto out;
	}
	struct sz_source_row src;
	rc = sz_editor_source_open(rq, &s, it.source_id, &src);
	if (rc != SZ_OK)
		goto out;
	char d[SZ_EDITOR_DESIGNATION_MAX];
	sz_editor_designation_of(st, it.source_id, d, sizeof(d));
	char path[4300];
	sz_blob_path(&app->in->blobs, meta ? it.row.meta_blob : it.row.blob,
		path, sizeof(path));
	int fd = sz_open_noatime(path, O_RDONLY | O_CLOEXEC, 0);
	struct stat stt;
	if (fd < 0 || fstat(fd, &stt) != 0) {
		if (fd >= 0)
			close(fd);
		rc = sz_request_fail(rq, 404, "The item's file is missing.");
		goto out;
	}
	rq->fd = fd;
	rq->fd_size = (uint64_t)stt.st_size;
	rq->content_type = "application/octet-stream";
	snprintf(rq->disposition, sizeof(rq->disposition),
		"attachment; filename=\"%s-%lld%s.age\"", d, (long long)id,
		meta ? "-name" : "");
	if (!meta)
		st->ops->item_seen(st, id, NULL);
	char detail[96];
	snprintf(detail, sizeof(detail), "%s item %lld%s", d, (long long)id,
		meta ? " (name and type)" : "");
	st->ops->audit_add(st, s.data, "download", detail, NULL);
out:
	sodium_memzero(&s, sizeof(s));
	return rc;
}
