/* test_forum_names.c - members' names (web/forum/names.h): staff-looking
 * names in any disguise (Unicode confusables, "admin " with a space,
 * zero-width characters, mixed alphabets) are refused or share the key
 * of the name they imitate; honest names in any script pass. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "web/forum/names.h"

static void key(const char *name, char out[SZ_FORUM_KEY_MAX + 1])
{
	if (sz_name_key(name, strlen(name), out) != 0)
		fail_msg("no key for %s", name);
}

static void refused(const char *name, const char *says)
{
	char shown[SZ_FORUM_NAME_MAX + 1], k[SZ_FORUM_KEY_MAX + 1], why[240];
	if (sz_name_check(name, strlen(name), shown, k, why, sizeof(why)) !=
	    SZ_E_INVAL)
		fail_msg("\"%s\" was accepted", name);
	if (strstr(why, says) == NULL)
		fail_msg("\"%s\": \"%s\" lacks \"%s\"", name, why, says);
}

static void accepted(const char *name)
{
	char shown[SZ_FORUM_NAME_MAX + 1], k[SZ_FORUM_KEY_MAX + 1], why[240];
	if (sz_name_check(name, strlen(name), shown, k, why, sizeof(why)) != 0)
		fail_msg("\"%s\" was refused: %s", name, why);
}

static void staff_lookalikes_share_one_key(void **state)
{
	(void)state;
	char admin[SZ_FORUM_KEY_MAX + 1], k[SZ_FORUM_KEY_MAX + 1];
	key("admin", admin);
	static const char *const same[] = { "Admin", "ADMIN", "admin ",
		" a d m i n ", "ad_min", "ad.min",
		"\xd0\x90" "dmin",             /* Cyrillic capital A */
		"\xd0\xb0" "dmin",             /* Cyrillic small a */
		"ad\xe2\x80\x8bmin",           /* zero-width space */
		"ad\xc2\xadmin",               /* soft hyphen */
		"adrnin",                      /* r n looks like m */
		"\xef\xbd\x81\xef\xbd\x84min", /* fullwidth a d */
		"\xc3\xa1" "dmin",             /* a with an accent */
	};
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		key(same[i], k);
		if (strcmp(k, admin) != 0)
			fail_msg("\"%s\" has key \"%s\", admin has \"%s\"", same[i],
				k, admin);
	}
	char anna[SZ_FORUM_KEY_MAX + 1];
	key("anna", anna);
	key("Anna", k);
	assert_string_equal(k, anna);
	key("\xd0\x90nna", k);   /* Cyrillic А */
	assert_string_equal(k, anna);
	key("bob", k);
	assert_string_not_equal(k, anna);
}

static void staff_looking_names_are_refused(void **state)
{
	(void)state;
	static const char *const names[] = { "admin", "Admin", "admin ",
		"SiteAdmin", "the_moderator", "Moderator Bob", "Staff",
		"forum staff", "mod", "Support", "samizdat", "Editor",
		"adrnin", "\xd0\xb0\xd0\xb4\xd0\xbc\xd0\xb8\xd0\xbd" /* админ? */ };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) - 1; i++) {
		char shown[SZ_FORUM_NAME_MAX + 1], k[SZ_FORUM_KEY_MAX + 1];
		char why[240];
		if (sz_name_check(names[i], strlen(names[i]), shown, k, why,
		    sizeof(why)) == 0)
			fail_msg("\"%s\" was accepted", names[i]);
	}
	refused("admin", "staff");
	refused("Site Staff", "staff");
	/* what the forum shows in a deleted member's place, in any language */
	refused("deleted member", "deleted member");
	refused("Deleted  Member", "space");
	refused("Deleted-Member", "deleted member");
	refused("\xd0\xa3\xd0\xb4\xd0\xb0\xd0\xbb\xd1\x91\xd0\xbd\xd0\xbd\xd1\x8b\xd0\xb9 "
		"\xd1\x83\xd1\x87\xd0\xb0\xd1\x81\xd1\x82\xd0\xbd\xd0\xb8\xd0\xba",
		"deleted member");
	refused("\xe5\xb7\xb2\xe5\x88\xa0\xe9\x99\xa4\xe7\x9a\x84\xe6\x88\x90\xe5\x91\x98", "deleted member");
	refused("\xd0\x90" "dmin", "alphabet");
	refused("ad\xe2\x80\x8bmin", "invisible");
	refused("anna\xe2\x80\x8d", "invisible");    /* zero-width joiner */
	refused("\xe2\x80\xae" "anna", "invisible"); /* right-to-left override */
	refused("admin ", "space");
	refused(" anna", "space");
	refused("an  na", "space");
	refused("an\tna", "invisible");
	refused("anna\xc2\xa0", "invisible");        /* no-break space */
}

static void honest_names_in_any_script_pass(void **state)
{
	(void)state;
	accepted("anna");
	accepted("Anna Berg");
	accepted("Staffan");
	accepted("jm-2024");
	accepted("R.K._Narayan");
	accepted("\xd0\x90\xd0\xbd\xd0\xbd\xd0\xb0");             /* Анна */
	accepted("\xce\x95\xce\xbb\xce\xad\xce\xbd\xce\xb7");     /* Ελένη */
	accepted("J\xc3\xbcrgen M\xc3\xbcller");                  /* Jürgen */
	accepted("\xe6\x9d\x8e\xe5\xb0\x8f\xe9\xbe\x99");         /* 李小龙 */
	accepted("\xd9\x85\xd8\xad\xd9\x85\xd8\xaf");             /* محمد */
	/* shown in NFC whatever was typed: e + combining acute */
	char shown[SZ_FORUM_NAME_MAX + 1], k[SZ_FORUM_KEY_MAX + 1], why[240];
	assert_int_equal(sz_name_check("Rene\xcc\x81", 6, shown, k, why,
		sizeof(why)), 0);
	assert_string_equal(shown, "Ren\xc3\xa9");
}

static void names_have_shape_limits(void **state)
{
	(void)state;
	refused("ab", "3 to 32");
	refused("abcdefghijklmnopqrstuvwxyzabcdefg", "32");
	refused("", "Choose");
	refused("anna!", "letters, digits");
	refused("anna\xf0\x9f\x98\x80", "letters, digits");        /* emoji */
	refused("anna\x01", "invisible");
	refused("...", "letter or a digit");
	refused("\xc3\x28\x61\x62", "32");   /* not UTF-8 */
	accepted("abc");
	accepted("abcdefghijklmnopqrstuvwxyzabcdef");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(staff_lookalikes_share_one_key),
		cmocka_unit_test(staff_looking_names_are_refused),
		cmocka_unit_test(honest_names_in_any_script_pass),
		cmocka_unit_test(names_have_shape_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
