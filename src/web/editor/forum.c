/*
 * forum.c - the forum from the editor face: the newsroom's editors act
 * as the forum's staff (administrators) on the same pages members see,
 * with the moderation queue, the log, and every moderation form; the
 * actions are the forum layer's (web/forum/moderate.c), logged publicly
 * under the editor's name.  It works on the forum.db the instance opened
 * for this face (SZ_PART_FORUM), and reserves the editors' names there so no member can pose as one.
 *
 * What it does not do: post, like or report (editors are not members),
 * or show anything of the inbox to the forum.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"
#include "web/editor/editor.h"
#include "web/forum/names.h"
#include "web/web.h"

void sz_editor_forum_init(struct sz_editor_app *app)
{
	struct sz_store *st = app->in->store;
	app->forum.forum = app->in->forum;   /* the instance opened it */
	app->forum.cfg = &app->in->cfg;
	app->forum.links = SZ_LINKS_ROOTED;
	app->forum.prefix = "";
	app->forum.name = SZ_EDITOR_SITE;
	app->forum.editor_face = true;
	/* editors' names are kept from members (editors made before the
	 * forum, or with an older samizdat, included) */
	struct sz_editor_row *rows = NULL;
	size_t n = 0;
	if (st->ops->editor_list(st, &rows, &n, NULL) == 0) {
		for (size_t i = 0; i < n; i++) {
			char key[SZ_FORUM_KEY_MAX + 1];
			if (sz_name_key(rows[i].name, strlen(rows[i].name), key) == 0)
				app->forum.forum->ops->reserve(app->forum.forum, key,
					"an editor of the newsroom", NULL);
		}
		free(rows);
	}
}

/* The editor's session and their viewer; false (a redirect to the
 * login page set up) without one. */
static bool editor_viewer(struct sz_request *rq, struct sz_session *s,
	struct sz_forum_viewer *v)
{
	if (!sz_editor_require(rq, s))
		return false;
	sz_forum_viewer_editor(v, s->data);
	snprintf(v->csrf, sizeof(v->csrf), "%s", s->csrf);
	return true;
}

int sz_editor_forum(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_session s;
	struct sz_forum_viewer v;
	struct sz_forum_args a;
	if (!editor_viewer(rq, &s, &v))
		return SZ_OK;
	sz_web_forum_args(rq, &a);
	sz_web_forum_page(rq, &app->forum, &v, &a, sz_editor_error_page);
	sodium_memzero(&s, sizeof(s));
	return SZ_OK;
}

int sz_editor_forum_post_link(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_session s;
	struct sz_forum_viewer v;
	char path[160];
	if (!editor_viewer(rq, &s, &v))
		return SZ_OK;
	if (sz_forum_post_path(&app->forum, &v, sz_request_param_id(rq, "id"),
	    path, sizeof(path)) != 0) {
		rq->status = 404;
		sz_editor_error_page(rq, 404, "There is no such post.");
	} else {
		rq->status = 303;
		snprintf(rq->location, sizeof(rq->location), "%s", path);
	}
	sodium_memzero(&s, sizeof(s));
	return SZ_OK;
}

int sz_editor_forum_mod(struct sz_request *rq)
{
	struct sz_editor_app *app = rq->app;
	struct sz_session s;
	struct sz_forum_viewer v;
	struct sz_form form;
	struct sz_forum_mod mod;
	struct sz_forum_done done;
	struct sz_err err;
	memset(&form, 0, sizeof(form));
	memset(&done, 0, sizeof(done));
	if (!editor_viewer(rq, &s, &v))
		return SZ_OK;
	int rc = sz_form_parse(&form, (const char *)rq->body.data, rq->body.len,
		&err);
	const struct sz_form_field *tok = rc == 0 ? sz_form_get(&form, "csrf") :
		NULL;
	if (rc != 0 || !sz_session_csrf_ok(&s, tok ? tok->value : NULL)) {
		sz_form_free(&form);
		sodium_memzero(&s, sizeof(s));
		rq->location[0] = '\0';
		return sz_request_fail(rq, 403, "This form is out of date. Reload "
			"the page and try again.");
	}
	const char *path = rq->route->path;
	enum sz_forum_target target = strstr(path, "/post/") ? SZ_TARGET_POST :
		strstr(path, "/thread/") ? SZ_TARGET_THREAD : SZ_TARGET_MEMBER;
	rc = sz_forum_mod_parse(&form, target, sz_request_param_id(rq, "id"),
		&mod, done.message, sizeof(done.message));
	if (rc != 0)
		done.status = 400;
	else
		rc = sz_forum_moderate(&app->forum, &v, &mod, &done);
	if (rc != 0) {
		rq->status = done.status;
		sz_editor_error_page(rq, done.status, done.message);
	} else {
		app->in->store->ops->audit_add(app->in->store, s.data,
			"forum moderation", done.go, NULL);
		rq->status = 303;
		snprintf(rq->location, sizeof(rq->location), "%s", done.go);
	}
	sz_form_free(&form);
	sodium_memzero(&s, sizeof(s));
	return SZ_OK;
}
