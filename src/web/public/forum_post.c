/*
 * forum_post.c - the public face's forum forms: starting a thread,
 * replying, commenting on the archive, editing, deleting, liking,
 * reporting, moderating and the member's own account.  Each reads as
 * parse and check (sz_public_forum_form: the body, the member's session,
 * its CSRF token), act (web/forum/: the rules and the store), reply (a
 * redirect, or the form again with what to change and the words kept).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/form.h"
#include "web/public/public.h"
#include "web/web.h"

/* What every handler here holds, released by one cleaner. */
struct ctx {
	struct sz_form form;
	struct sz_forum_viewer v;
	struct sz_session s;
	struct sz_forum_done done;
	struct sz_forum_args args;
};

static void ctx_free(struct ctx *c)
{
	sz_form_free(&c->form);
	sodium_memzero(c, sizeof(*c));
}

static bool begin(struct sz_request *rq, struct ctx *c)
{
	memset(c, 0, sizeof(*c));
	if (sz_public_forum_form(rq, &c->form, &c->v, &c->s)) {
		c->done.lang = c->v.lang;   /* what the form refuses, too */
		return true;
	}
	ctx_free(c);
	return false;
}

static const char *field(const struct ctx *c, const char *name)
{
	const struct sz_form_field *f = sz_form_get(&c->form, name);
	return f ? f->value : NULL;
}

static size_t field_len(const struct ctx *c, const char *name)
{
	const struct sz_form_field *f = sz_form_get(&c->form, name);
	return f ? f->value_len : 0;
}

/* The result: a redirect, or kind's form again (if there is one) with
 * the refusal and what was typed. */
static int finish(struct sz_request *rq, struct ctx *c, int rc,
	enum sz_fpage again)
{
	if (rc == 0 || again == SZ_FPAGE_KINDS || c->done.status >= 500)
		sz_public_forum_done(rq, &c->done);
	else {
		c->args.error = c->done.message;
		sz_public_forum_again(rq, again, &c->v, &c->args, c->done.status);
	}
	ctx_free(c);
	return 0;
}

int sz_public_forum_new_thread(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	struct ctx c;
	if (!begin(rq, &c))
		return SZ_E_INVAL;
	struct sz_forum_posting p = { .board_id = sz_request_param_id(rq, "id"),
		.title = field(&c, "title"), .text = field(&c, "text"),
		.text_len = field_len(&c, "text") };
	if (p.text == NULL)
		p.text = "";
	int rc = sz_forum_post(&app->forum, &c.v, &p, &c.done);
	c.args.id = p.board_id;
	c.args.title = p.title;
	c.args.draft = p.text;
	return finish(rq, &c, rc, SZ_FPAGE_NEW_THREAD);
}

int sz_public_forum_reply(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	struct ctx c;
	if (!begin(rq, &c))
		return SZ_E_INVAL;
	struct sz_forum_posting p = { .thread_id = sz_request_param_id(rq, "id"),
		.text = field(&c, "text"), .text_len = field_len(&c, "text"),
		.quote_of = sz_forum_id(field(&c, "quote")) };
	if (p.text == NULL)
		p.text = "";
	int rc = sz_forum_post(&app->forum, &c.v, &p, &c.done);
	c.args.id = p.thread_id;
	c.args.draft = p.text;
	c.args.quote = p.quote_of;
	return finish(rq, &c, rc, SZ_FPAGE_REPLY);
}

/* "doc:12": the archive's release, document or e-mail, published, and
 * its title. */
static int subject_of(struct sz_public_app *app, const char *v,
	enum sz_forum_subject *kind, int64_t *id, char *title, size_t cap)
{
	static const struct {
		const char *name;
		enum sz_forum_subject kind;
	} kinds[] = { { "release:", SZ_SUBJECT_RELEASE },
		{ "document:", SZ_SUBJECT_DOCUMENT }, { "email:", SZ_SUBJECT_EMAIL } };
	struct sz_archive *a = app->site.archive;
	*kind = SZ_SUBJECT_NONE;
	for (size_t i = 0; v && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t n = strlen(kinds[i].name);
		if (strncmp(v, kinds[i].name, n) != 0)
			continue;
		char *end;
		long long x = strtoll(v + n, &end, 10);
		if (*end != '\0' || x <= 0 || v[n] < '1' || v[n] > '9')
			return SZ_E_NOT_FOUND;
		*kind = kinds[i].kind;
		*id = x;
	}
	if (*kind == SZ_SUBJECT_RELEASE) {
		struct sz_release_row r;
		memset(&r, 0, sizeof(r));
		if (a->ops->release_get(a, *id, &r, NULL) != 0)
			return SZ_E_NOT_FOUND;
		bool ok = r.state == SZ_RELEASE_PUBLISHED;
		snprintf(title, cap, "%s", r.title);
		free(r.intro);
		return ok ? 0 : SZ_E_NOT_FOUND;
	}
	if (*kind == SZ_SUBJECT_NONE)
		return SZ_E_NOT_FOUND;
	struct sz_doc_row d;
	memset(&d, 0, sizeof(d));
	if (a->ops->doc_get(a, *id, &d, NULL) != 0)
		return SZ_E_NOT_FOUND;
	bool ok = d.published && d.email == (*kind == SZ_SUBJECT_EMAIL);
	snprintf(title, cap, "%s", d.title);
	sz_doc_row_clear(&d);
	return ok ? 0 : SZ_E_NOT_FOUND;
}

int sz_public_forum_comment(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	struct ctx c;
	char title[SZ_ARCHIVE_TITLE_MAX + 1];
	if (!begin(rq, &c))
		return SZ_E_INVAL;
	struct sz_forum_posting p = { .text = field(&c, "text"),
		.text_len = field_len(&c, "text"), .title = title };
	if (p.text == NULL)
		p.text = "";
	int rc;
	if (subject_of(app, field(&c, "subject"), &p.subject, &p.subject_id,
	    title, sizeof(title)) != 0) {
		c.done.status = 404;
		snprintf(c.done.message, sizeof(c.done.message), "%s",
			N_("There is no such release, document or e-mail to "
			"comment on."));
		rc = SZ_E_NOT_FOUND;
	} else {
		rc = sz_forum_post(&app->forum, &c.v, &p, &c.done);
	}
	return finish(rq, &c, rc, SZ_FPAGE_KINDS);
}

int sz_public_forum_edit(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	struct ctx c;
	if (!begin(rq, &c))
		return SZ_E_INVAL;
	const char *text = field(&c, "text");
	c.args.id = sz_request_param_id(rq, "id");
	c.args.draft = text ? text : "";
	int rc = sz_forum_edit(&app->forum, &c.v, c.args.id, c.args.draft,
		field_len(&c, "text"), &c.done);
	return finish(rq, &c, rc, c.done.status == 400 || c.done.status == 413 ?
		SZ_FPAGE_EDIT : SZ_FPAGE_KINDS);
}

int sz_public_forum_delete(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	struct ctx c;
	if (!begin(rq, &c))
		return SZ_E_INVAL;
	int rc = sz_forum_delete_own(&app->forum, &c.v,
		sz_request_param_id(rq, "id"), &c.done);
	return finish(rq, &c, rc, SZ_FPAGE_KINDS);
}

int sz_public_forum_like(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	struct ctx c;
	if (!begin(rq, &c))
		return SZ_E_INVAL;
	const char *on = field(&c, "on");
	int rc = sz_forum_like(&app->forum, &c.v, sz_request_param_id(rq, "id"),
		on == NULL || strcmp(on, "0") != 0, &c.done);
	return finish(rq, &c, rc, SZ_FPAGE_KINDS);
}

int sz_public_forum_report(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	struct ctx c;
	if (!begin(rq, &c))
		return SZ_E_INVAL;
	const char *reason = field(&c, "reason");
	c.args.id = sz_request_param_id(rq, "id");
	c.args.draft = reason;
	int rc = sz_forum_report(&app->forum, &c.v, c.args.id, reason, &c.done);
	return finish(rq, &c, rc, c.done.status == 400 ? SZ_FPAGE_REPORT :
		SZ_FPAGE_KINDS);
}

int sz_public_forum_mod(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	struct ctx c;
	struct sz_forum_mod mod;
	if (!begin(rq, &c))
		return SZ_E_INVAL;
	const char *path = rq->route->path;
	enum sz_forum_target target = strstr(path, "/post/") ? SZ_TARGET_POST :
		strstr(path, "/thread/") ? SZ_TARGET_THREAD : SZ_TARGET_MEMBER;
	int rc = sz_forum_mod_parse(&c.form, target, sz_request_param_id(rq,
		"id"), &mod, c.done.message, sizeof(c.done.message));
	if (rc != 0)
		c.done.status = 400;
	else
		rc = sz_forum_moderate(&app->forum, &c.v, &mod, &c.done);
	return finish(rq, &c, rc, SZ_FPAGE_KINDS);
}

int sz_public_forum_account(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	struct ctx c;
	if (!begin(rq, &c))
		return SZ_E_INVAL;
	const char *path = rq->route->path;
	int rc;
	if (strcmp(path, "/forum/account/password") == 0) {
		rc = sz_forum_change_password(&app->forum, app->slots, &c.v,
			field(&c, "old"), field(&c, "new"), &c.done);
		/* whoever else knew the old password is logged out */
		if (rc == 0)
			sz_sessions_drop_user(&app->sessions, c.s.user_id, &c.s);
	} else if (strcmp(path, "/forum/account/country") == 0)
		rc = sz_forum_set_country(&app->forum, &c.v, field(&c, "country"),
			&c.done);
	else {
		rc = sz_forum_delete_account(&app->forum, app->slots, &c.v,
			field(&c, "password"), &c.done);
		if (rc == 0) {
			sz_session_drop(&app->sessions, &c.s);
			sz_sessions_drop_user(&app->sessions, c.s.user_id, NULL);
			snprintf(rq->set_cookie, sizeof(rq->set_cookie),
				"%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
				SZ_PUBLIC_COOKIE);
		}
	}
	return finish(rq, &c, rc, rc != 0 && c.done.status < 500 ?
		SZ_FPAGE_ACCOUNT : SZ_FPAGE_KINDS);
}
