/*
 * form.c - the submission form of the source's page: the desks a source
 * may write to, the message and the files.  It also comes back, filled in
 * with what the source typed, when a form was stale (submit.c), so that
 * nothing typed is lost.
 *
 * The message it fills in is a secret: it is written only into the
 * response body (which is wiped when freed), never stored, never logged.
 * It does not render the rest of the page (pages.c does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web/html.h"
#include "web/source/source.h"

/* The desks a source who has sent nothing yet may choose: open ones with
 * at least one editor.  The radio list comes before the message and the
 * files, so the choice arrives first in the upload (browsers send fields
 * in the form's order) and the files are encrypted to the right keys. */
static void desk_choice(struct sz_request *rq, const struct sz_lang *L,
	int64_t current, bool fixed)
{
	struct sz_source_app *app = rq->app;
	struct sz_store *st = app->in->store;
	struct sz_buf *b = &rq->page;
	struct sz_desk_row *rows = NULL;
	size_t n = 0, open = 0;
	struct sz_err err;
	if (st->ops->desk_list(st, &rows, &n, &err) != SZ_OK)
		n = 0;
	if (fixed && current == 0) {
		/* wrote to no desk while there are desks: say who reads */
		for (size_t i = 0; i < n; i++)
			open += !rows[i].closed && rows[i].neditors > 0;
		if (open > 0)
			sz_buf_printf(b, "<p class=\"note\" id=\"desk\">%s</p>\n",
				_(L, "Any of our editors can read what you send."));
		free(rows);
		return;
	}
	if (fixed) {
		for (size_t i = 0; i < n; i++) {
			if (rows[i].id != current)
				continue;
			struct sz_buf name;
			sz_buf_init(&name, sizeof(rows[i].name) * 6 + 1);
			sz_html_escape(&name, rows[i].name);
			sz_buf_puts(b, "<p class=\"note\" id=\"desk\">");
			sz_buf_printf(b, _(L, "You are writing to the desk "
				"\"%s\": only its editors can read what you send."),
				name.data ? (const char *)name.data : "");
			sz_buf_free(&name);
			sz_buf_puts(b, "</p>\n");
		}
		free(rows);
		return;
	}
	for (size_t i = 0; i < n; i++)
		open += !rows[i].closed && rows[i].neditors > 0;
	if (open == 0) {
		free(rows);
		return;
	}
	bool required = app->in->cfg.desk_required != 0;
	sz_buf_printf(b, "<fieldset id=\"desks\">\n<legend>%s</legend>\n",
		_(L, "Who should read what you send?"));
	if (!required)
		sz_buf_printf(b, "<label class=\"choice\"><input type=\"radio\" "
			"name=\"desk\" value=\"0\"%s> %s</label>\n",
			current == 0 ? " checked" : "",
			_(L, "Any of our editors"));
	for (size_t i = 0; i < n; i++) {
		if (rows[i].closed || rows[i].neditors == 0)
			continue;
		sz_buf_printf(b, "<label class=\"choice\"><input type=\"radio\" "
			"name=\"desk\" value=\"%lld\"%s%s> ",
			(long long)rows[i].id, rows[i].id == current ?
			" checked" : "", required ? " required" : "");
		sz_html_escape(b, rows[i].name);
		sz_buf_puts(b, "</label>\n");
	}
	sz_buf_printf(b, "<p class=\"note\">%s</p>\n</fieldset>\n",
		_(L, "What you send to a desk is encrypted for that desk's "
		"editors only. You choose once: everything you send later goes "
		"to the same readers."));
	free(rows);
}

int sz_source_desk(struct sz_source_app *app, int64_t source_id,
	int64_t *desk, bool *fixed, struct sz_err *err)
{
	struct sz_store *st = app->in->store;
	/* held first: a submission leaves the staging only once stored */
	if (sz_staging_held_desk(app->staging, source_id, desk)) {
		*fixed = true;
		return SZ_OK;
	}
	int rc = st->ops->source_desk(st, source_id, desk, fixed, err);
	if (rc == SZ_E_NOT_FOUND) {   /* a new source, held until stored */
		*desk = 0;
		*fixed = false;
		return SZ_OK;
	}
	return rc;
}

void sz_source_submit_form(struct sz_request *rq, const struct sz_lang *L,
	const struct sz_session *s, const char *message)
{
	struct sz_source_app *app = rq->app;
	struct sz_buf *b = &rq->page;
	int64_t desk = 0;
	bool fixed = false;
	struct sz_err err;
	if (sz_source_desk(app, s->user_id, &desk, &fixed, &err) != SZ_OK) {
		desk = 0;
		fixed = false;
	}
	sz_buf_printf(b, "<form method=\"post\" action=\"/submit\" "
		"enctype=\"multipart/form-data\">\n");
	sz_buf_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">\n",
		s->csrf);
	desk_choice(rq, L, desk, fixed);
	sz_buf_printf(b, "<label for=\"message\">%s</label>\n"
		"<textarea id=\"message\" name=\"message\" maxlength=\"%llu\" "
		"dir=\"auto\">", _(L, "Message"),
		(unsigned long long)app->in->cfg.max_message_kb * 1024);
	if (message != NULL)
		sz_html_escape(b, message);
	sz_buf_puts(b, "</textarea>\n<label for=\"files\">");
	sz_buf_printf(b, _(L, "Files (at most %llu, each up to %llu MB)"),
		(unsigned long long)app->in->cfg.max_files,
		(unsigned long long)app->in->cfg.max_file_mb);
	sz_buf_printf(b, "</label>\n<input type=\"file\" id=\"files\" "
		"name=\"files\" multiple>\n<button type=\"submit\">%s</button>\n"
		"</form>\n", _(L, "Send securely"));
}

int sz_source_form_again(struct sz_request *rq, const struct sz_session *s,
	const char *message, uint64_t files)
{
	const struct sz_lang *L = sz_web_lang(rq);
	struct sz_buf *b = &rq->page;
	bool typed = message != NULL && message[0] != '\0';
	rq->page.len = 0;
	rq->status = 403;   /* refused; the body is what the source needs */
	sz_source_page_begin(rq, L, s != NULL ? _(L, "Send documents") :
		_(L, "Log in again"), s != NULL ? "/source" : "/");
	sz_buf_printf(b, "<p class=\"notice\" id=\"stale\"><strong>%s</strong> ",
		s != NULL ? _(L, "This form is out of date, so nothing was sent.") :
		_(L, "You are not logged in (your session may have ended), so "
		"nothing was sent."));
	/* a message short enough goes with the login form, else it is shown
	 * to be copied */
	bool carry = typed && strlen(message) <= SZ_SOURCE_CARRY_MAX;
	if (typed)
		sz_buf_puts(b, s != NULL ? _(L, "Your message is filled in below.")
			: carry ? _(L, "Log in again: your message is kept in the "
			"form below and goes with it.") : _(L, "Your message is "
			"below, on this page only: copy it, log in again, and paste "
			"it into the form."));
	if (files > 0) {
		sz_buf_puts(b, " ");
		sz_buf_printf(b, NG_(L, "Choose your file again: browsers do not "
			"let a page choose files for you.", "Choose your %llu files "
			"again: browsers do not let a page choose files for you.",
			(unsigned long)files), (unsigned long long)files);
	}
	sz_buf_puts(b, "</p>\n");
	if (s != NULL) {
		sz_buf_printf(b, "<h1>%s</h1>\n",
			_(L, "Send us documents or a message"));
		sz_source_submit_form(rq, L, s, message);
		return sz_html_end(b);
	}
	if (typed && !carry) {
		sz_buf_printf(b, "<label for=\"kept\">%s</label>\n<textarea "
			"id=\"kept\" readonly dir=\"auto\">", _(L, "Your message"));
		sz_html_escape(b, message);
		sz_buf_puts(b, "</textarea>\n");
	}
	sz_buf_printf(b, "<h1>%s</h1>\n", _(L, "Log in again"));
	sz_source_login_form(rq, L, NULL, carry ? message : NULL);
	return sz_html_end(b);
}
