/*
 * forum.c - the public face's forum: who is asking (a member's session,
 * in memory only, its row read fresh each request so a ban takes effect
 * at once), the forum's pages, members' flags, and joining, logging in
 * and out.  Forms carry a CSRF token: the session's for members, a
 * pre-session one (a nonce and its MAC, also a cookie) for joining and
 * logging in.  Nothing about a reader who is not a member is kept.
 */
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/form.h"
#include "web/i18n.h"
#include "web/public/public.h"
#include "web/web.h"

static void member_viewer(struct sz_request *rq, struct sz_forum_viewer *v,
	struct sz_session *s)
{
	struct sz_public_app *app = rq->app;
	struct sz_forum *f = app->forum.forum;
	struct sz_forum_member m;
	memset(s, 0, sizeof(*s));
	sz_forum_viewer_member(v, &app->cfg, NULL);
	if (!sz_web_session(rq, &app->sessions, SZ_PUBLIC_COOKIE, s) ||
	    s->user_id == 0)
		return;
	if (f->ops->member_get(f, s->user_id, &m, NULL) != 0 || m.banned ||
	    m.state != SZ_MEMBER_ACTIVE) {
		/* banned, deleted or gone: the session ends with it */
		sz_session_drop(&app->sessions, s);
		memset(s, 0, sizeof(*s));
		return;
	}
	sz_forum_viewer_member(v, &app->cfg, &m);
	sodium_memzero(m.password_hash, sizeof(m.password_hash));
	snprintf(v->csrf, sizeof(v->csrf), "%s", s->csrf);
}

/* The reader's language, and where the switcher leads: the page, or
 * for a form's answer, fallback. */
static void in_language(struct sz_request *rq, struct sz_forum_viewer *v,
	const char *fallback)
{
	v->lang = sz_web_lang(rq);
	sz_web_switch_url(rq, fallback, v->switch_to, sizeof(v->switch_to));
}

/* The session's member (if any), reading in their language. */
void sz_public_viewer(struct sz_request *rq, struct sz_forum_viewer *v,
	struct sz_session *s)
{
	member_viewer(rq, v, s);
	in_language(rq, v, "/forum");
}

bool sz_public_forum_form(struct sz_request *rq, struct sz_form *form,
	struct sz_forum_viewer *v, struct sz_session *s)
{
	struct sz_err err;
	memset(form, 0, sizeof(*form));
	sz_public_viewer(rq, v, s);
	if (sz_form_parse(form, (const char *)rq->body.data, rq->body.len,
	    &err) != 0) {
		sz_request_fail(rq, 400, err.msg);
		return false;
	}
	if (!v->member) {
		sz_request_fail(rq, 403, "You are not logged in (or your session "
			"ended): log in, then try again.");
		return false;
	}
	const struct sz_form_field *tok = sz_form_get(form, "csrf");
	if (!sz_session_csrf_ok(s, tok ? tok->value : NULL)) {
		sz_request_fail(rq, 403, "This form is out of date or did not come "
			"from this site. Go back, reload the page and try again.");
		return false;
	}
	return true;
}

int sz_public_forum_again(struct sz_request *rq, enum sz_fpage kind,
	const struct sz_forum_viewer *v, const struct sz_forum_args *args,
	unsigned status)
{
	struct sz_public_app *app = rq->app;
	struct sz_forum_page pg;
	rq->page.len = 0;
	char path[256];
	snprintf(path, sizeof(path), "%s", rq->path);
	int rc = sz_forum_render(&pg, &app->forum, v, kind, path, args,
		&rq->page);
	if (rc != 0 || pg.message[0]) {
		sz_public_error_page(rq, pg.message[0] ? pg.status : 500,
			pg.message[0] ? pg.message :
			N_("The forum cannot be read now."));
		return 0;
	}
	rq->status = status;
	rq->content_type = pg.content_type;
	return 0;
}

int sz_public_forum_done(struct sz_request *rq,
	const struct sz_forum_done *done)
{
	if (done->status != 0) {
		sz_public_error_page(rq, done->status, done->message);
		return 0;
	}
	rq->status = 303;
	snprintf(rq->location, sizeof(rq->location), "%s", done->go);
	return 0;
}

/* A page anyone not logged in would get alike: no forms with tokens
 * (joining and logging in have theirs), no query that changes it. */
static bool shared_page(struct sz_request *rq, const struct sz_forum_viewer *v,
	bool entry)
{
	static const char *const args[] = { "note", "page", "after", "quote",
		SZ_WEB_LANG_PARAM };
	if (v->member || entry)
		return false;
	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++)
		if (sz_request_query(rq, args[i]) != NULL)
			return false;
	return true;
}

int sz_public_forum(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	struct sz_forum *f = app->forum.forum;
	struct sz_forum_viewer v;
	struct sz_session s;
	struct sz_forum_args a;
	char token[SZ_SESSION_TOKEN_LEN + 1];
	int64_t version = 0;
	sz_public_viewer(rq, &v, &s);
	sz_web_forum_args(rq, &a);
	bool entry = strcmp(rq->route->path, "/forum/register") == 0 ||
		strcmp(rq->route->path, "/forum/login") == 0;
	/* Readers not logged in see the same page while the forum does not
	 * change: it is made once for them (a flood of them costs a copy). */
	bool shared = shared_page(rq, &v, entry) &&
		f->ops->version(f, &version, NULL) == 0;
	/* kept once per language: the path, then the language's code */
	char key[SZ_FORUM_CACHE_PATH_MAX + SZ_I18N_CODE_MAX + 2];
	snprintf(key, sizeof(key), "%s?%s", rq->path, v.lang->code);
	if (shared && sz_forum_cache_get(app->cache, key, version,
	    &rq->page, &rq->status, &rq->content_type)) {
		/* served as it was made */
	} else if (entry && v.member) {
		rq->status = 303;
		snprintf(rq->location, sizeof(rq->location), "/forum");
	} else {
		if (entry) {
			sz_web_pre_token(rq, app->pre_key, SZ_PUBLIC_PRE_COOKIE, token);
			a.pre_token = token;
		}
		sz_web_forum_page(rq, &app->forum, &v, &a, sz_public_error_page);
		if (shared && rq->status == 200 && !rq->error)
			sz_forum_cache_put(app->cache, key, version, &rq->page,
				rq->status, rq->content_type);
	}
	sodium_memzero(&s, sizeof(s));
	sodium_memzero(&v, sizeof(v));
	return 0;
}

int sz_public_forum_post_link(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	struct sz_forum_viewer v;
	struct sz_session s;
	char path[160];
	sz_public_viewer(rq, &v, &s);
	if (sz_forum_post_path(&app->forum, &v, sz_request_param_id(rq, "id"),
	    path, sizeof(path)) != 0)
		sz_public_error_page(rq, 404, "There is no such post.");
	else {
		rq->status = 303;
		snprintf(rq->location, sizeof(rq->location), "%s", path);
	}
	sodium_memzero(&s, sizeof(s));
	return 0;
}

int sz_public_forum_flag(struct sz_request *rq)
{
	char code[SZ_FORUM_COUNTRY_MAX + 8], path[128];
	const char *p = sz_request_param(rq, "code");
	size_t n = p ? strlen(p) : 0;
	struct stat st;
	if (n < 6 || n - 4 > SZ_FORUM_COUNTRY_MAX ||
	    strcmp(p + n - 4, ".png") != 0)
		goto missing;
	snprintf(code, sizeof(code), "%.*s", (int)(n - 4), p);
	if (!sz_forum_country_ok(code))
		goto missing;
	snprintf(path, sizeof(path), "%s/%s.png", SZ_FORUM_FLAGS_DIR, code);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		goto missing;
	}
	rq->content_type = "image/png";
	rq->fd = fd;
	rq->fd_size = (uint64_t)st.st_size;
	return 0;
missing:
	sz_public_error_page(rq, 404, "There is no such flag.");
	return 0;
}

/* Logs a member in: a new session (a new id, against fixation), the
 * cookie. */
static bool start_session(struct sz_request *rq, int64_t member_id)
{
	struct sz_public_app *app = rq->app;
	struct sz_session s;
	struct sz_err err;
	if (sz_session_new(&app->sessions, &s, &err) != 0)
		return false;
	s.user_id = member_id;
	sz_session_put(&app->sessions, &s);
	sz_web_set_session_cookie(rq, SZ_PUBLIC_COOKIE, &s);
	sodium_memzero(&s, sizeof(s));
	return true;
}

/* Joining and logging in: the pre-session token (its nonce into nonce,
 * if not NULL), then the fields. */
static bool entry_form(struct sz_request *rq, struct sz_form *form,
	uint8_t *nonce)
{
	struct sz_public_app *app = rq->app;
	struct sz_err err;
	memset(form, 0, sizeof(*form));
	if (sz_form_parse(form, (const char *)rq->body.data, rq->body.len,
	    &err) != 0) {
		sz_request_fail(rq, 400, err.msg);
		return false;
	}
	const struct sz_form_field *tok = sz_form_get(form, "csrf");
	uint8_t unused[SZ_WEB_PRE_NONCE];
	if (!sz_web_pre_token_check(rq, app->pre_key, SZ_PUBLIC_PRE_COOKIE,
	    tok ? tok->value : NULL, nonce ? nonce : unused)) {
		sz_request_fail(rq, 403, "This form is out of date or did not come "
			"from this site (or cookies are off). Reload the page and "
			"try again.");
		return false;
	}
	return true;
}

static const char *field(const struct sz_form *form, const char *name)
{
	const struct sz_form_field *f = sz_form_get(form, name);
	return f ? f->value : NULL;
}

/* The form shown again with what went wrong (the name kept, never the
 * password), and a new token. */
static int entry_again(struct sz_request *rq, enum sz_fpage kind,
	const char *name, const struct sz_forum_done *done)
{
	struct sz_public_app *app = rq->app;
	struct sz_forum_args a;
	struct sz_forum_viewer v;
	char token[SZ_SESSION_TOKEN_LEN + 1];
	memset(&a, 0, sizeof(a));
	sz_forum_viewer_member(&v, &app->cfg, NULL);
	in_language(rq, &v, rq->path);   /* the form again, empty */
	sz_web_pre_token(rq, app->pre_key, SZ_PUBLIC_PRE_COOKIE, token);
	a.pre_token = token;
	a.error = done->message;
	a.name = name;
	return sz_public_forum_again(rq, kind, &v, &a, done->status);
}

int sz_public_forum_register(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	struct sz_form form;
	struct sz_forum_done done = { .lang = sz_web_lang(rq) };
	if (!entry_form(rq, &form, NULL)) {
		sz_form_free(&form);
		return SZ_E_INVAL;
	}
	const char *name = field(&form, "name");
	int rc = sz_forum_register(&app->forum, app->slots, name,
		field(&form, "password"), field(&form, "invite"), &done);
	if (rc != 0)
		entry_again(rq, SZ_FPAGE_REGISTER, name, &done);
	else if (strcmp(app->cfg.forum_registration, "approval") != 0 &&
	    !start_session(rq, done.id))
		sz_public_error_page(rq, 503, N_("You are registered, but the "
			"server is too busy to log you in: log in a little later."));
	else
		sz_public_forum_done(rq, &done);
	sz_form_free(&form);
	return 0;
}

int sz_public_forum_login(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	struct sz_form form;
	struct sz_forum_done done = { .lang = sz_web_lang(rq) };
	uint8_t nonce[SZ_WEB_PRE_NONCE];
	if (!entry_form(rq, &form, nonce)) {
		sz_form_free(&form);
		return SZ_E_INVAL;
	}
	const char *name = field(&form, "name");
	if (sz_forum_login(&app->forum, app->slots, nonce, name,
	    field(&form, "password"), &done) != 0)
		entry_again(rq, SZ_FPAGE_LOGIN, name, &done);
	else if (!start_session(rq, done.id))
		sz_public_error_page(rq, 503, N_("The server is too busy to log "
			"you in; please try again in a minute."));
	else {
		rq->status = 303;
		snprintf(rq->location, sizeof(rq->location), "/forum");
	}
	sz_form_free(&form);
	return 0;
}

int sz_public_forum_logout(struct sz_request *rq)
{
	struct sz_public_app *app = rq->app;
	struct sz_form form;
	struct sz_forum_viewer v;
	struct sz_session s;
	if (!sz_public_forum_form(rq, &form, &v, &s)) {
		sz_form_free(&form);
		sodium_memzero(&s, sizeof(s));
		return SZ_E_INVAL;
	}
	sz_form_free(&form);
	sz_session_drop(&app->sessions, &s);
	sodium_memzero(&s, sizeof(s));
	snprintf(rq->set_cookie, sizeof(rq->set_cookie),
		"%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
		SZ_PUBLIC_COOKIE);
	rq->status = 303;
	snprintf(rq->location, sizeof(rq->location), "/forum");
	return 0;
}
