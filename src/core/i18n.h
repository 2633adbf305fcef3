/*
 * i18n.h - the languages a samizdat process speaks, and how a string is
 * marked for translation.  English is the original and always there; the
 * others are gettext catalogues (po/LL.po, compiled by the build into
 * LOCALEDIR/LL/LC_MESSAGES/samizdat.mo), read once at start (core/mo.h
 * says why not gettext(3) itself), after which every lookup is read-only
 * and safe from any number of threads.
 *
 * ---- Marking a string: every string a source or a reader sees ----
 *
 *   _(L, "Log in")                         translated
 *   NG_(L, "%lld reply", "%lld replies", n)  with a plural; format it
 *                                          with n (the catalogue's
 *                                          Plural-Forms picks the form)
 *   C_(L, "button", "Send")                with a context, where the same
 *                                          English means two things
 *   N_("Page not found")                   only marked (a table, a message
 *                                          made before the language is
 *                                          known): translate it where it is
 *                                          shown, with sz_tr(L, s)
 *
 * L is a const struct sz_lang *: a request's is sz_web_lang(rq)
 * (web/i18n.h).  Give translators whole sentences, never pieces glued
 * together, and put a comment starting "TRANSLATORS:" on the line above
 * where a word could be read two ways: xgettext copies it into the
 * catalogue.  A printf format may be translated ("You sent %lld files"):
 * the compiler checks the English against the arguments (format_arg),
 * and a translation whose directives differ is not used (core/mo.h).
 *
 * A file that marks strings is listed in po/POTFILES.  Then
 *   ninja -C build samizdat-pot         regenerates po/samizdat.pot
 *   ninja -C build samizdat-update-po   merges it into every po/LL.po
 * and the new entries are translated in each po/LL.po.  make check fails
 * while the .pot is stale or any language lacks a translation or has a
 * fuzzy one (tests/i18n/po.sh).
 */
#ifndef SZ_CORE_I18N_H
#define SZ_CORE_I18N_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/mo.h"

#define SZ_I18N_DOMAIN "samizdat"
#define SZ_I18N_MAX_LANGS 16
#define SZ_I18N_CODE_MAX 16         /* "zh_CN" */
#define SZ_I18N_NAME_MAX 64
#define SZ_I18N_LOCALEDIR_ENV "SAMIZDAT_LOCALEDIR"
/* Meson's localedir (/usr/share/locale in the Debian package), and the
 * languages po/LINGUAS lists. */
#ifndef SZ_LOCALEDIR
#define SZ_LOCALEDIR "/usr/share/locale"
#endif
#ifndef SZ_LINGUAS
#define SZ_LINGUAS ""
#endif

struct sz_lang {
	char code[SZ_I18N_CODE_MAX];    /* the catalogue's: "zh_CN" */
	char tag[SZ_I18N_CODE_MAX];     /* BCP 47, for lang="": "zh-CN" */
	char name[SZ_I18N_NAME_MAX];    /* in itself: "Русский" */
	bool rtl;                       /* written right to left */
	struct sz_mo *mo;               /* NULL: English, the original */
};

/* Where catalogues are read from, into out: $SAMIZDAT_LOCALEDIR if set;
 * else the po/ folder beside the running program, if there is one (a
 * build tree); else SZ_LOCALEDIR. */
void sz_i18n_localedir(char *out, size_t cap);

/* Reads the languages named in list ("en ru ar", codes separated by
 * spaces or commas; "en" is built in) from sz_i18n_localedir(), in that
 * order, the first being the default.  An empty list means English and
 * every language of po/LINGUAS.  Call it before any thread looks a string
 * up; a failure (a missing or damaged catalogue, an unknown code) leaves
 * the languages as they were. */
int sz_i18n_load(const char *list, struct sz_err *err);
/* Drops every language but English. */
void sz_i18n_unload(void);

/* The languages loaded, in order (English alone before any load). */
const struct sz_lang *sz_i18n_langs(size_t *n);
/* The first of them. */
const struct sz_lang *sz_i18n_default(void);
/* The loaded language a tag or code names best ("ru-RU", "zh-Hans",
 * "zh_CN"), or NULL. */
const struct sz_lang *sz_i18n_find(const char *tag, size_t len);
/* The best loaded language for an Accept-Language header, or NULL if it
 * accepts none. */
const struct sz_lang *sz_i18n_accept(const char *header);

/* The translations.  Each returns msgid (or the English plural form)
 * when l is NULL or English or its catalogue lacks the message; the
 * string lives as long as the language. */
const char *sz_tr(const struct sz_lang *l, const char *msgid)
	__attribute__((format_arg(2)));
const char *sz_trn(const struct sz_lang *l, const char *one,
	const char *many, unsigned long n)
	__attribute__((format_arg(2))) __attribute__((format_arg(3)));
const char *sz_trc(const struct sz_lang *l, const char *ctx,
	const char *msgid) __attribute__((format_arg(3)));

#define _(l, s) sz_tr((l), (s))
#define NG_(l, s, p, n) sz_trn((l), (s), (p), (n))
#define C_(l, c, s) sz_trc((l), (c), (s))
#define N_(s) (s)

#endif
