/* test_i18n.c - translations as a reader gets them: the right plural form
 * in Russian and Arabic, the language a browser asks for (Chinese by its
 * script), catalogues made by msgfmt read back, and damaged or hostile
 * catalogues refused, or their bad translations dropped, never used. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/i18n.h"
#include "core/langtag.h"
#include "core/mo.h"
#include "core/plural.h"

#define RU "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && " \
	"n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
#define AR "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : " \
	"n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;"

static void russian_and_arabic_plurals(void **state)
{
	(void)state;
	struct sz_plural p;
	static const unsigned long ru_n[] = { 0, 1, 2, 4, 5, 11, 12, 14, 21,
		22, 25, 101, 111, 112, 1000001 };
	static const unsigned ru_form[] = { 2, 0, 1, 1, 2, 2, 2, 2, 0, 1, 2,
		0, 2, 2, 0 };
	assert_int_equal(sz_plural_parse(&p, RU, strlen(RU), NULL), SZ_OK);
	assert_int_equal(p.nplurals, 3);
	for (size_t i = 0; i < sizeof(ru_n) / sizeof(*ru_n); i++)
		assert_int_equal(sz_plural_form(&p, ru_n[i]), ru_form[i]);
	static const unsigned long ar_n[] = { 0, 1, 2, 3, 10, 11, 99, 100,
		102, 103, 111, 1000 };
	static const unsigned ar_form[] = { 0, 1, 2, 3, 3, 4, 4, 5, 5, 3, 4,
		5 };
	assert_int_equal(sz_plural_parse(&p, AR, strlen(AR), NULL), SZ_OK);
	assert_int_equal(p.nplurals, 6);
	for (size_t i = 0; i < sizeof(ar_n) / sizeof(*ar_n); i++)
		assert_int_equal(sz_plural_form(&p, ar_n[i]), ar_form[i]);
	const char *zh = "nplurals=1; plural=0;";
	assert_int_equal(sz_plural_parse(&p, zh, strlen(zh), NULL), SZ_OK);
	assert_int_equal(sz_plural_form(&p, 7), 0);
	sz_plural_default(&p);
	assert_int_equal(sz_plural_form(&p, 1), 0);
	assert_int_equal(sz_plural_form(&p, 0), 1);
	assert_int_equal(sz_plural_form(&p, 2), 1);
}

static void bad_plural_expressions_are_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"nplurals=2; plural=(n != 1;",
		"nplurals=2; plural=m != 1;",
		"nplurals=0; plural=0;",
		"nplurals=9; plural=n;",
		"nplurals=2; plural=n ? 1;",
		"nplurals=2; plural=n != 1; trailing",
		"nplurals=2; plural=99999999999999999999999999;",
		"plural=n != 1;",
		"",
	};
	struct sz_plural p;
	struct sz_err err;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		assert_int_not_equal(sz_plural_parse(&p, bad[i], strlen(bad[i]),
			&err), SZ_OK);
		assert_true(err.msg[0] != '\0');
		assert_int_equal(p.nplurals, 2);  /* the default stays */
	}
	char deep[400] = "nplurals=2; plural=";
	size_t o = strlen(deep);
	for (int i = 0; i < 100; i++)
		o += (size_t)snprintf(deep + o, sizeof(deep) - o, "(");
	assert_int_not_equal(sz_plural_parse(&p, deep, strlen(deep), &err),
		SZ_OK);
	const char *div0 = "nplurals=2; plural=n/0 + n%0;";
	assert_int_equal(sz_plural_parse(&p, div0, strlen(div0), NULL), SZ_OK);
	assert_int_equal(sz_plural_form(&p, 5), 0);
	const char *big = "nplurals=2; plural=n+7;";
	assert_int_equal(sz_plural_parse(&p, big, strlen(big), NULL), SZ_OK);
	assert_int_equal(sz_plural_form(&p, 5), 0);   /* past nplurals: 0 */
}

/* A .mo file as msgfmt lays it out, from pairs (original, translation),
 * in the byte order asked for; lengths exclude the NUL, which follows. */
struct pair {
	const char *o;
	size_t olen;
	const char *t;
	size_t tlen;
};

static void put32(uint8_t *p, uint32_t v, int big)
{
	for (int i = 0; i < 4; i++)
		p[big ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

static uint8_t *make_mo(const struct pair *v, size_t n, int big,
	size_t *len)
{
	size_t size = 28 + 16 * n;
	for (size_t i = 0; i < n; i++)
		size += v[i].olen + 1 + v[i].tlen + 1;
	uint8_t *m = calloc(1, size);
	put32(m, 0x950412de, big);
	put32(m + 8, (uint32_t)n, big);
	put32(m + 12, 28, big);
	put32(m + 16, (uint32_t)(28 + 8 * n), big);
	size_t at = 28 + 16 * n;
	for (size_t i = 0; i < n; i++) {
		put32(m + 28 + 8 * i, (uint32_t)v[i].olen, big);
		put32(m + 32 + 8 * i, (uint32_t)at, big);
		memcpy(m + at, v[i].o, v[i].olen);
		at += v[i].olen + 1;
		put32(m + 28 + 8 * n + 8 * i, (uint32_t)v[i].tlen, big);
		put32(m + 32 + 8 * n + 8 * i, (uint32_t)at, big);
		memcpy(m + at, v[i].t, v[i].tlen);
		at += v[i].tlen + 1;
	}
	*len = size;
	return m;
}

#define P(o, t) { o, sizeof(o) - 1, t, sizeof(t) - 1 }
#define HEADER(pf) P("", "Content-Type: text/plain; charset=UTF-8\n" \
	"Plural-Forms: " pf "\n")

static void catalogues_are_read_in_either_byte_order(void **state)
{
	(void)state;
	static const struct pair v[] = {
		P("Log in", "Войти"),
		HEADER(RU),
		P("button\004Send", "Отправить"),
		P("%lld reply\0%lld replies", "%lld ответ\0%lld ответа\0"
			"%lld ответов"),
	};
	for (int big = 0; big <= 1; big++) {
		size_t len;
		uint8_t *m = make_mo(v, 4, big, &len);
		struct sz_mo *mo;
		assert_int_equal(sz_mo_parse(&mo, m, len, NULL), SZ_OK);
		free(m);
		assert_string_equal(sz_mo_find(mo, NULL, "Log in"), "Войти");
		assert_null(sz_mo_find(mo, NULL, "Log out"));
		assert_null(sz_mo_find(mo, NULL, "Send"));
		assert_string_equal(sz_mo_find(mo, "button", "Send"),
			"Отправить");
		assert_string_equal(sz_mo_find_plural(mo, NULL, "%lld reply",
			21), "%lld ответ");
		assert_string_equal(sz_mo_find_plural(mo, NULL, "%lld reply",
			3), "%lld ответа");
		assert_string_equal(sz_mo_find_plural(mo, NULL, "%lld reply",
			11), "%lld ответов");
		assert_null(sz_mo_find(mo, NULL, "%lld reply"));
		char lang[8];
		assert_false(sz_mo_header(mo, "Language", lang, sizeof(lang)));
		assert_int_equal(sz_mo_count(mo), 3);
		sz_mo_free(mo);
	}
}

static void translations_that_would_misuse_printf_are_dropped(void **state)
{
	(void)state;
	static const struct pair v[] = {
		HEADER("nplurals=2; plural=n != 1;"),
		P("You sent %lld files", "Sie sandten %s Dateien"),
		P("Hello %s", "%n"),
		P("%s and %s", "%2$s und %1$s"),
		P("%lld file\0%lld files", "one file\0%lld Dateien"),
		P("%s is %lld KB", "%s"),
		P("No format", "Kein %s Format"),
		P("Good %s", "Gut %.20s"),
	};
	size_t len;
	uint8_t *m = make_mo(v, sizeof(v) / sizeof(*v), 0, &len);
	struct sz_mo *mo;
	assert_int_equal(sz_mo_parse(&mo, m, len, NULL), SZ_OK);
	free(m);
	assert_null(sz_mo_find(mo, NULL, "You sent %lld files"));
	assert_null(sz_mo_find(mo, NULL, "Hello %s"));
	assert_null(sz_mo_find(mo, NULL, "%s and %s"));
	assert_null(sz_mo_find(mo, NULL, "No format"));
	/* fewer arguments read than given is safe: kept */
	assert_string_equal(sz_mo_find_plural(mo, NULL, "%lld file", 1),
		"one file");
	assert_string_equal(sz_mo_find(mo, NULL, "%s is %lld KB"), "%s");
	assert_string_equal(sz_mo_find(mo, NULL, "Good %s"), "Gut %.20s");
	assert_int_equal(sz_mo_dropped(mo), 4);
	sz_mo_free(mo);
}

static void damaged_catalogues_are_refused(void **state)
{
	(void)state;
	static const struct pair ok[] = { HEADER("nplurals=1; plural=0;"),
		P("a", "b") };
	static const struct pair latin1[] = {
		P("", "Content-Type: text/plain; charset=ISO-8859-1\n"),
		P("a", "b") };
	static const struct pair notutf8[] = { P("a", "\xff\xfe") };
	static const struct pair twice[] = { P("a", "b"), P("a", "c") };
	static const struct pair badplural[] = {
		HEADER("nplurals=2; plural=(n;") };
	struct sz_mo *mo;
	struct sz_err err;
	size_t len;
	uint8_t *m = make_mo(ok, 2, 0, &len);
	/* every cut of a good file is refused cleanly */
	for (size_t cut = 0; cut < len; cut++) {
		if (sz_mo_parse(&mo, m, cut, &err) == SZ_OK)
			sz_mo_free(mo);
		else
			assert_true(err.msg[0] != '\0');
	}
	assert_int_not_equal(sz_mo_parse(&mo, m, 20, &err), SZ_OK);
	m[0] ^= 1;
	assert_int_not_equal(sz_mo_parse(&mo, m, len, &err), SZ_OK);
	m[0] ^= 1;
	put32(m + 4, 2u << 16, 0);              /* major revision 2 */
	assert_int_not_equal(sz_mo_parse(&mo, m, len, &err), SZ_OK);
	put32(m + 4, 0, 0);
	put32(m + 8, 0x7fffffff, 0);            /* more strings than fit */
	assert_int_not_equal(sz_mo_parse(&mo, m, len, &err), SZ_OK);
	put32(m + 8, 2, 0);
	put32(m + 32 + 8, 0xfffffff0u, 0);      /* "a" outside the file */
	assert_int_not_equal(sz_mo_parse(&mo, m, len, &err), SZ_OK);
	free(m);
	m = make_mo(latin1, 2, 0, &len);
	assert_int_equal(sz_mo_parse(&mo, m, len, &err), SZ_E_UNSUPPORTED);
	free(m);
	m = make_mo(notutf8, 1, 0, &len);
	assert_int_not_equal(sz_mo_parse(&mo, m, len, &err), SZ_OK);
	free(m);
	m = make_mo(twice, 2, 0, &len);
	assert_int_not_equal(sz_mo_parse(&mo, m, len, &err), SZ_OK);
	free(m);
	m = make_mo(badplural, 1, 0, &len);
	assert_int_not_equal(sz_mo_parse(&mo, m, len, &err), SZ_OK);
	assert_non_null(strstr(err.msg, "Plural-Forms"));
	free(m);
}

static int pick(const char *header)
{
	static const char *const codes[] = { "en", "ar", "ru", "zh_CN" };
	return sz_langtag_accept(header, strlen(header), codes, 4);
}

static void the_browsers_language_is_chosen(void **state)
{
	(void)state;
	assert_int_equal(pick("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7"), 2);
	assert_int_equal(pick("en-US,en;q=0.5"), 0);
	assert_int_equal(pick("ar-EG"), 1);
	assert_int_equal(pick("AR"), 1);
	/* Chinese by script: Simplified is zh_CN, Traditional is not */
	assert_int_equal(pick("zh-CN"), 3);
	assert_int_equal(pick("zh"), 3);
	assert_int_equal(pick("zh-Hans"), 3);
	assert_int_equal(pick("zh-Hans-CN"), 3);
	assert_int_equal(pick("zh-SG"), 3);
	assert_int_equal(pick("zh-TW"), -1);
	assert_int_equal(pick("zh-Hant"), -1);
	assert_int_equal(pick("zh-HK,en;q=0.4"), 0);
	assert_int_equal(pick("zh-TW,zh;q=0.9,en;q=0.8"), 3);
	/* q-values: the highest wins, the earlier at a tie, 0 refuses */
	assert_int_equal(pick("en;q=0.2, ru;q=0.8"), 2);
	assert_int_equal(pick("ar;q=0.5, ru;q=0.5"), 1);
	assert_int_equal(pick("*, en;q=0"), 1);
	assert_int_equal(pick("*"), 0);
	assert_int_equal(pick("ru;q=0, *;q=0.5"), 0);
	assert_int_equal(pick(" ru ; q=0.7 , ar ; q=0.8 "), 1);
	/* nothing on offer, or nonsense */
	assert_int_equal(pick("fr-FR,de;q=0.9"), -1);
	assert_int_equal(pick(""), -1);
	assert_int_equal(pick(",,,;;;q=2,☃,ru;q=1.5,ru;q=abc,-ru,ru-"), -1);
	assert_int_equal(pick("xx-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,"
		"ar"), 1);
	/* only the first 32 ranges are read */
	char many[2048] = "";
	size_t m = 0;
	for (int i = 0; i < 40; i++)
		m += (size_t)snprintf(many + m, sizeof(many) - m, "fr,");
	snprintf(many + m, sizeof(many) - m, "ru");
	assert_int_equal(pick(many), -1);
	assert_true(sz_langtag_is_code("zh_CN", 5));
	assert_true(sz_langtag_is_code("ast", 3));
	assert_false(sz_langtag_is_code("zh-CN", 5));
	assert_false(sz_langtag_is_code("r", 1));
	assert_false(sz_langtag_is_code("ru_ru", 5));
}

/* The catalogues the build made from po/ (SAMIZDAT_LOCALEDIR). */
static void the_built_catalogues_load(void **state)
{
	(void)state;
	struct sz_err err;
	size_t n;
	assert_int_equal(sz_i18n_load("en ar ru zh_CN", &err), SZ_OK);
	const struct sz_lang *l = sz_i18n_langs(&n);
	assert_int_equal(n, 4);
	assert_string_equal(l[0].name, "English");
	assert_string_equal(l[1].name, "العربية");
	assert_true(l[1].rtl);
	assert_string_equal(l[2].name, "Русский");
	assert_false(l[2].rtl);
	assert_string_equal(l[3].tag, "zh-CN");
	assert_ptr_equal(sz_i18n_find("zh-Hans", 7), &l[3]);
	assert_ptr_equal(sz_i18n_find("zh_CN", 5), &l[3]);
	assert_null(sz_i18n_find("zh-TW", 5));
	assert_ptr_equal(sz_i18n_accept("ru-RU,en;q=0.5"), &l[2]);
	assert_null(sz_i18n_accept("fr"));
	assert_ptr_equal(sz_i18n_default(), &l[0]);
	/* English and an unknown message pass through */
	assert_string_equal(_(&l[0], "Not translated"), "Not translated");
	assert_string_equal(_(&l[2], "Not translated"), "Not translated");
	assert_string_equal(NG_(&l[2], "a", "b", 1), "a");
	assert_string_equal(NG_(NULL, "a", "b", 2), "b");

	/* a failed load leaves the languages as they were */
	assert_int_not_equal(sz_i18n_load("en de", &err), SZ_OK);
	assert_non_null(strstr(err.msg, "de/LC_MESSAGES/samizdat.mo"));
	assert_int_not_equal(sz_i18n_load("en ru-RU", &err), SZ_OK);
	assert_int_not_equal(sz_i18n_load("ru ru", &err), SZ_OK);
	assert_int_not_equal(sz_i18n_load(" , ", &err), SZ_OK);
	sz_i18n_langs(&n);
	assert_int_equal(n, 4);
	/* the order given is kept, the first the default */
	assert_int_equal(sz_i18n_load("ar,en", &err), SZ_OK);
	assert_string_equal(sz_i18n_default()->code, "ar");
	sz_i18n_unload();
	assert_string_equal(sz_i18n_default()->code, "en");
	sz_i18n_langs(&n);
	assert_int_equal(n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(russian_and_arabic_plurals),
		cmocka_unit_test(bad_plural_expressions_are_refused),
		cmocka_unit_test(catalogues_are_read_in_either_byte_order),
		cmocka_unit_test(translations_that_would_misuse_printf_are_dropped),
		cmocka_unit_test(damaged_catalogues_are_refused),
		cmocka_unit_test(the_browsers_language_is_chosen),
		cmocka_unit_test(the_built_catalogues_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
