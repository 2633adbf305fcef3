/*
 * i18n.c - a request's language: the ?lang= parameter, the cookie, the
 * Accept-Language header, in that order (web/i18n.h).  Nothing here is
 * kept or logged: the choice lives in the reader's browser only.
 */
#include "web/i18n.h"

#include <stdio.h>
#include <string.h>

const struct sz_lang *sz_web_lang(struct sz_request *rq)
{
	const struct sz_lang *l = NULL;
	const char *q = sz_request_query(rq, SZ_WEB_LANG_PARAM);
	char cookie[SZ_I18N_CODE_MAX + 1];
	if (q != NULL && (l = sz_i18n_find(q, strlen(q))) != NULL) {
		snprintf(rq->set_cookie2, sizeof(rq->set_cookie2),
			"%s=%s; Path=/; HttpOnly; SameSite=Strict",
			SZ_WEB_LANG_COOKIE, l->code);
		return l;
	}
	if (sz_request_cookie(rq, SZ_WEB_LANG_COOKIE, cookie, sizeof(cookie)) &&
	    (l = sz_i18n_find(cookie, strlen(cookie))) != NULL)
		return l;
	l = sz_i18n_accept(sz_request_header(rq, "Accept-Language"));
	return l ? l : sz_i18n_default();
}

void sz_web_switch_url(struct sz_request *rq, const char *fallback,
	char *out, size_t cap)
{
	bool get = rq->method != NULL && (strcmp(rq->method, "GET") == 0 ||
		strcmp(rq->method, "HEAD") == 0);
	snprintf(out, cap, "%s?", get && rq->path ? rq->path : fallback);
}
