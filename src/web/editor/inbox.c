/*
 * inbox.c - the inbox (sources by designation, most recent activity first,
 * with unread counts), a source's items by day, number and padded size,
 * and downloads of items as the .age files they are stored as.  Editors
 * decrypt on their own machines: this face never holds a key that can,
 * and so never knows a file's name (it is inside the item).
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

#define DESIGNATION_MAX 40

void sz_editor_header(struct sz_request *rq, const struct sz_session *s,
	const char *title)
{
	struct sz_buf *b = &rq->page;
	sz_html_begin(b, SZ_EDITOR_SITE, title);
	sz_buf_puts(b, "<p class=\"note\">Logged in as ");
	sz_html_escape(b, s->data);
	sz_buf_printf(b, ". <a href=\"/inbox\">Inbox</a> · <a href=\"/releases\">Releases</a> · <form method=\"post\" "
		"action=\"/logout\" class=\"inline\"><input type=\"hidden\" "
		"name=\"csrf\" value=\"%s\"><button type=\"submit\" "
		"class=\"quiet\">Log out</button></form></p>\n", s->csrf);
}

int sz_editor_inbox(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_session s;
	struct sz_err err;
	struct sz_source_row *rows = NULL;
	size_t n = 0;
	if (!sz_editor_require(rq, &s))
		return SZ_OK;
	if (app->in->store->ops->source_list(app->in->store, &rows, &n,
		    &err) != SZ_OK) {
		sodium_memzero(&s, sizeof(s));
		return sz_request_fail(rq, 500, err.msg);
	}
	struct sz_buf *b = &rq->page;
	sz_editor_header(rq, &s, "Inbox");
	sz_buf_printf(b, "<h1>Inbox</h1>\n<p>%zu source%s.</p>\n", n,
		n == 1 ? "" : "s");
	const char *deleted = sz_request_query(rq, "deleted");
	if (deleted != NULL && strcmp(deleted, "1") == 0)
		sz_buf_puts(b, "<p class=\"ok\" id=\"deleted\">The source and "
			"everything it sent were deleted.</p>\n");
	if (n > 0)
		sz_buf_puts(b, "<table id=\"sources\">\n<tr><th>Source</th>"
			"<th>Last activity</th><th>Submissions</th><th>Unread "
			"items</th></tr>\n");
	for (size_t i = 0; i < n; i++) {
		char d[DESIGNATION_MAX];
		sz_designation(rows[i].uid, d, sizeof(d));
		sz_buf_printf(b, "<tr%s><td><a href=\"/source?id=%lld\">%s</a>%s"
			"</td><td>%s</td><td>%lld</td><td>%lld</td></tr>\n",
			rows[i].unread ? " class=\"unread\"" : "",
			(long long)rows[i].id, d, rows[i].starred ?
			" <span class=\"star\" title=\"starred\">★</span>" : "",
			rows[i].last_day,
			(long long)rows[i].submissions, (long long)rows[i].unread);
	}
	if (n > 0)
		sz_buf_puts(b, "</table>\n");
	free(rows);
	sodium_memzero(&s, sizeof(s));
	return sz_html_end(b);
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

int sz_editor_source(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_store *st = app->in->store;
	struct sz_session s;
	struct sz_err err;
	if (!sz_editor_require(rq, &s))
		return SZ_OK;
	int64_t id = query_id(rq, "id");
	struct sz_source_row *rows = NULL, *src = NULL;
	struct sz_item_full *items = NULL;
	size_t n = 0, nitems = 0;
	int rc = st->ops->source_list(st, &rows, &n, &err);
	for (size_t i = 0; rc == SZ_OK && i < n; i++)
		if (rows[i].id == id)
			src = &rows[i];
	if (rc == SZ_OK && src == NULL) {
		rc = sz_request_fail(rq, 404, "There is no such source (it may "
			"have been deleted by retention).");
		goto out;
	}
	if (rc == SZ_OK)
		rc = st->ops->source_items(st, id, &items, &nitems, &err);
	if (rc != SZ_OK) {
		rc = sz_request_fail(rq, 500, err.msg);
		goto out;
	}
	char d[DESIGNATION_MAX];
	sz_designation(src->uid, d, sizeof(d));
	struct sz_buf *b = &rq->page;
	sz_editor_header(rq, &s, d);
	sz_buf_printf(b, "<h1>Source %s</h1>\n<p class=\"note\">This server "
		"cannot read what sources send, file names included: each item "
		"is an age file holding the file under its own name (a message "
		"is <code>message.txt</code>). Download items, or all of them, "
		"and decrypt them on your own machine: <code>samizdat decrypt "
		"-i key.txt -C DIR FILE</code>, or <code>age -d -i key.txt "
		"FILE.age | tar x</code>.</p>\n"
		"<table id=\"items\">\n<tr><th>Day</th><th>Item</th><th>Size "
		"(padded)</th><th>Download</th></tr>\n", d);
	for (size_t i = 0; i < nitems; i++) {
		char size[32];
		human_size(items[i].row.padded_size, size, sizeof(size));
		bool file = items[i].row.kind == SZ_ITEM_FILE;
		sz_buf_printf(b, "<tr%s><td>%s</td><td>%s %lld</td><td>%s</td>"
			"<td><a href=\"/download?item=%lld\">%s-%lld.age</a>",
			items[i].seen ? "" : " class=\"unread\"", items[i].day,
			file ? "file" : "message", (long long)items[i].id, size,
			(long long)items[i].id, d, (long long)items[i].id);
		/* Items stored by earlier versions: name and type apart. */
		if (file && items[i].row.meta_blob[0])
			sz_buf_printf(b, " · <a href=\"/download?item=%lld&amp;"
				"part=meta\">name and type</a>",
				(long long)items[i].id);
		sz_buf_puts(b, "</td></tr>\n");
	}
	sz_buf_printf(b, "</table>\n<p><a href=\"/archive?id=%lld\" "
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
		(long long)id, src->starred ? "Remove star" : "Star this source",
		s.csrf, (long long)id, s.csrf, (long long)id);
	rc = sz_html_end(b);
out:
	free(rows);
	free(items);
	sodium_memzero(&s, sizeof(s));
	return rc;
}

int sz_editor_download(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_store *st = app->in->store;
	struct sz_session s;
	struct sz_err err;
	struct sz_item_full it;
	struct sz_source_row *rows = NULL;
	size_t n = 0;
	if (!sz_editor_require(rq, &s))
		return SZ_OK;
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
	char d[DESIGNATION_MAX] = "source";
	if (st->ops->source_list(st, &rows, &n, &err) == SZ_OK)
		for (size_t i = 0; i < n; i++)
			if (rows[i].id == it.source_id)
				sz_designation(rows[i].uid, d, sizeof(d));
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
	free(rows);
	sodium_memzero(&s, sizeof(s));
	return rc;
}
