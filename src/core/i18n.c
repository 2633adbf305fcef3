/*
 * i18n.c - the process's languages: English built in, the others read
 * from their catalogues by sz_i18n_load, and looked up from then on
 * without locks (the table changes only before threads start).
 *
 * A catalogue names its own language and direction as two messages of
 * its own (below), so adding a language is adding a .po file: nothing
 * here lists languages.
 */
#include "core/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/io.h"
#include "core/langtag.h"

static const struct sz_lang english = { "en", "en", "English", false, NULL };
static struct sz_lang langs[SZ_I18N_MAX_LANGS] = {
	{ "en", "en", "English", false, NULL },
};
static size_t nlangs = 1;

void sz_i18n_localedir(char *out, size_t cap)
{
	const char *env = getenv(SZ_I18N_LOCALEDIR_ENV);
	struct stat sb;
	if (env != NULL && env[0] != '\0') {
		snprintf(out, cap, "%s", env);
		return;
	}
	char self[4096];
	if (sz_program_dir(self, sizeof(self))) {
		snprintf(out, cap, "%s/po", self);
		if (stat(out, &sb) == 0 && S_ISDIR(sb.st_mode))
			return;
	}
	snprintf(out, cap, "%s", SZ_LOCALEDIR);
}

/* Fills l for code from its catalogue in dir. */
static int load_one(struct sz_lang *l, const char *dir, const char *code,
	struct sz_err *err)
{
	char path[4400];
	memset(l, 0, sizeof(*l));
	snprintf(l->code, sizeof(l->code), "%s", code);
	snprintf(l->tag, sizeof(l->tag), "%s", code);
	for (char *p = l->tag; *p; p++)
		if (*p == '_')
			*p = '-';
	if (strcmp(code, "en") == 0) {
		*l = english;
		return SZ_OK;
	}
	snprintf(path, sizeof(path), "%s/%s/LC_MESSAGES/%s.mo", dir, code,
		SZ_I18N_DOMAIN);
	int rc = sz_mo_load(&l->mo, path, err);
	if (rc != SZ_OK)
		return rc;
	/* TRANSLATORS: the name of your language, written in it
	 * ("Русский", "العربية"), as the language switcher shows it. */
	const char *name = C_(l, "language name", "English");
	/* TRANSLATORS: "rtl" if your language is written right to left,
	 * else "ltr". */
	const char *dir_word = C_(l, "text direction", "ltr");
	if (strcmp(name, "English") == 0 || (strcmp(dir_word, "ltr") != 0 &&
		    strcmp(dir_word, "rtl") != 0)) {
		sz_mo_free(l->mo);
		l->mo = NULL;
		return sz_err_set(err, SZ_E_INVAL, "%.200s: the catalogue does "
			"not name its language and direction (\"language name\" "
			"and \"text direction\")", path);
	}
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->rtl = strcmp(dir_word, "rtl") == 0;
	return SZ_OK;
}

static void free_langs(struct sz_lang *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sz_mo_free(v[i].mo);
}

int sz_i18n_load(const char *list, struct sz_err *err)
{
	struct sz_lang next[SZ_I18N_MAX_LANGS];
	char dir[4096], all[512];
	size_t n = 0;
	int rc = SZ_OK;
	if (list == NULL || list[0] == '\0') {
		snprintf(all, sizeof(all), "en %s", SZ_LINGUAS);
		list = all;
	}
	sz_i18n_localedir(dir, sizeof(dir));
	for (const char *p = list; *p && rc == SZ_OK;) {
		size_t len = strcspn(p, " ,\t");
		if (len == 0) {
			p++;
			continue;
		}
		char code[SZ_I18N_CODE_MAX];
		if (!sz_langtag_is_code(p, len)) {
			rc = sz_err_set(err, SZ_E_INVAL, "\"%.*s\" is not a "
				"language code (ll or ll_CC, as po/LINGUAS has "
				"them)", (int)(len > 32 ? 32 : len), p);
			break;
		}
		memcpy(code, p, len);
		code[len] = '\0';
		for (size_t i = 0; i < n; i++)
			if (strcmp(next[i].code, code) == 0)
				rc = sz_err_set(err, SZ_E_INVAL, "the language %s "
					"is listed twice", code);
		if (rc == SZ_OK && n == SZ_I18N_MAX_LANGS)
			rc = sz_err_set(err, SZ_E_LIMIT, "more than %d "
				"languages", SZ_I18N_MAX_LANGS);
		if (rc == SZ_OK)
			rc = load_one(&next[n], dir, code, err);
		if (rc == SZ_OK)
			n++;
		p += len;
	}
	if (rc == SZ_OK && n == 0)
		rc = sz_err_set(err, SZ_E_INVAL, "no language is listed");
	if (rc != SZ_OK) {
		free_langs(next, n);
		return rc;
	}
	free_langs(langs, nlangs);
	memcpy(langs, next, n * sizeof(next[0]));
	nlangs = n;
	return SZ_OK;
}

void sz_i18n_unload(void)
{
	free_langs(langs, nlangs);
	memset(langs, 0, sizeof(langs));
	langs[0] = english;
	nlangs = 1;
}

const struct sz_lang *sz_i18n_langs(size_t *n)
{
	*n = nlangs;
	return langs;
}

const struct sz_lang *sz_i18n_default(void)
{
	return &langs[0];
}

const struct sz_lang *sz_i18n_find(const char *tag, size_t len)
{
	int best = 0;
	const struct sz_lang *l = NULL;
	for (size_t i = 0; i < nlangs; i++) {
		int score = sz_langtag_match(tag, len, langs[i].code);
		if (score > best) {
			best = score;
			l = &langs[i];
		}
	}
	return l;
}

const struct sz_lang *sz_i18n_accept(const char *header)
{
	const char *codes[SZ_I18N_MAX_LANGS];
	for (size_t i = 0; i < nlangs; i++)
		codes[i] = langs[i].code;
	int i = header ? sz_langtag_accept(header, strlen(header), codes,
		nlangs) : -1;
	return i >= 0 ? &langs[i] : NULL;
}

const char *sz_tr(const struct sz_lang *l, const char *msgid)
{
	const char *t = l && l->mo ? sz_mo_find(l->mo, NULL, msgid) : NULL;
	return t ? t : msgid;
}

const char *sz_trn(const struct sz_lang *l, const char *one,
	const char *many, unsigned long n)
{
	const char *t = l && l->mo ? sz_mo_find_plural(l->mo, NULL, one, n) :
		NULL;
	return t ? t : n == 1 ? one : many;
}

const char *sz_trc(const struct sz_lang *l, const char *ctx,
	const char *msgid)
{
	const char *t = l && l->mo ? sz_mo_find(l->mo, ctx, msgid) : NULL;
	return t ? t : msgid;
}
