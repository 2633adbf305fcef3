/*
 * i18n.h - the language a request is answered in, and how the reader
 * changes it without a script.
 *
 * The choice, strongest first: a ?lang=CODE link (the switcher every page
 * shows), then the sz_lang cookie such a link set, then the browser's
 * Accept-Language, then the first language of the instance's `languages`.
 * A ?lang= link sets the cookie (HttpOnly, SameSite=Strict, gone when
 * the browser closes: nothing about a source's language outlives the
 * visit on their computer), so the choice holds through forms, redirects
 * and error pages.  Strings are marked and looked up as core/i18n.h says.
 */
#ifndef SZ_WEB_I18N_H
#define SZ_WEB_I18N_H

#include <stddef.h>

#include "core/i18n.h"
#include "http/server.h"

#define SZ_WEB_LANG_COOKIE "sz_lang"
#define SZ_WEB_LANG_PARAM "lang"

/* The language to answer rq in (never NULL); with a valid ?lang= it also
 * sets the cookie on the response. */
const struct sz_lang *sz_web_lang(struct sz_request *rq);

/* Where the switcher's links lead, into out ("PATH?"): the request's own
 * path for a GET, else fallback (a page that answers a form cannot be
 * fetched again: the links lead where the reader was before it). */
void sz_web_switch_url(struct sz_request *rq, const char *fallback,
	char *out, size_t cap);

#endif
