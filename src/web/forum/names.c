/*
 * names.c - members' names checked and keyed with ICU (names.h): NFC for
 * showing, NFKC_Casefold and the UTS #39 confusable skeleton (uspoof)
 * for keys, uspoof's restriction level for mixed scripts.  ICU is the
 * implementation of these Unicode algorithms; nothing here re-derives
 * their tables.  The checker is made once and only read after, which ICU
 * allows from any thread.
 */
#include "web/forum/names.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "core/i18n.h"
#include "core/utf8.h"

#define U16_MAX 512                   /* UTF-16 units worked on */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static USpoofChecker *checker;
static const UNormalizer2 *nfc, *nfkc_cf;

static const char *const staff_words[] = { "staff", "mod", "mods", "team",
	"official", "support", "system", "root", "samizdat", "editor",
	"editors", "moderators", "admins", "administrator" };
static const char *const staff_parts[] = { "admin", "moderator" };
/* What the forum itself shows in a member's place, in every language it
 * speaks: nobody may sign posts with it. */
static const char *const shown_words[] = { "deleted member",
	"\xd1\x83\xd0\xb4\xd0\xb0\xd0\xbb\xd1\x91\xd0\xbd\xd0\xbd\xd1\x8b\xd0\xb9 "
	"\xd1\x83\xd1\x87\xd0\xb0\xd1\x81\xd1\x82\xd0\xbd\xd0\xb8\xd0\xba",
	"\xe5\xb7\xb2\xe5\x88\xa0\xe9\x99\xa4\xe7\x9a\x84\xe6\x88\x90\xe5\x91\x98",
	"\xd8\xb9\xd8\xb6\xd9\x88 \xd9\x85\xd8\xad\xd8\xb0\xd9\x88\xd9\x81",
	"deleted user", "deleted" };
#define NSHOWN (sizeof(shown_words) / sizeof(shown_words[0]))
static char shown_keys[NSHOWN][64];
#define NWORDS (sizeof(staff_words) / sizeof(staff_words[0]))
#define NPARTS (sizeof(staff_parts) / sizeof(staff_parts[0]))
static char word_keys[NWORDS][32], part_keys[NPARTS][32];

static int key_of(const char *typed, size_t len, char *key, size_t cap);

static void init(void)
{
	UErrorCode st = U_ZERO_ERROR;
	nfc = unorm2_getNFCInstance(&st);
	nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
	USpoofChecker *sc = U_SUCCESS(st) ? uspoof_open(&st) : NULL;
	if (sc != NULL) {
		uspoof_setChecks(sc, USPOOF_RESTRICTION_LEVEL | USPOOF_INVISIBLE |
			USPOOF_MIXED_NUMBERS, &st);
		uspoof_setRestrictionLevel(sc, USPOOF_MODERATELY_RESTRICTIVE);
	}
	if (U_FAILURE(st)) {
		if (sc != NULL)
			uspoof_close(sc);
		return;
	}
	checker = sc;
	/* The staff words are compared as keys too: "adrnin" is "admin". */
	for (size_t i = 0; i < NWORDS; i++)
		key_of(staff_words[i], strlen(staff_words[i]), word_keys[i],
			sizeof(word_keys[i]));
	for (size_t i = 0; i < NPARTS; i++)
		key_of(staff_parts[i], strlen(staff_parts[i]), part_keys[i],
			sizeof(part_keys[i]));
	for (size_t i = 0; i < NSHOWN; i++)
		key_of(shown_words[i], strlen(shown_words[i]), shown_keys[i],
			sizeof(shown_keys[i]));
}

static bool ready(void)
{
	pthread_once(&once, init);
	return checker != NULL;
}

/* NFKC_Casefold, skeleton, case folded again (the skeleton of "0" is
 * "O"), letters and digits only: the key, in UTF-8. */
static int key_of(const char *typed, size_t len, char *key, size_t cap)
{
	UChar in[U16_MAX], folded[U16_MAX], skel[U16_MAX], out[U16_MAX];
	int32_t n = 0;
	UErrorCode st = U_ZERO_ERROR;
	key[0] = '\0';
	if (len > U16_MAX / 2 || !sz_utf8_valid(typed, len))
		return SZ_E_INVAL;
	u_strFromUTF8(in, U16_MAX, &n, typed, (int32_t)len, &st);
	int32_t nf = U_SUCCESS(st) ? unorm2_normalize(nfkc_cf, in, n, folded,
		U16_MAX, &st) : 0;
	int32_t ns = U_SUCCESS(st) ? uspoof_getSkeleton(checker, 0, folded, nf,
		skel, U16_MAX, &st) : 0;
	if (U_FAILURE(st))
		return SZ_E_INVAL;
	int32_t k = 0;
	for (int32_t i = 0; i < ns;) {
		UChar32 c;
		U16_NEXT(skel, i, ns, c);
		c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
		if (!u_isalpha(c) && !u_isdigit(c))
			continue;
		if (k + U16_LENGTH(c) > U16_MAX)
			return SZ_E_INVAL;
		U16_APPEND_UNSAFE(out, k, c);
	}
	if (k == 0)
		return SZ_E_INVAL;
	int32_t written = 0;
	u_strToUTF8(key, (int32_t)cap, &written, out, k, &st);
	if (U_FAILURE(st) || written >= (int32_t)cap) {
		key[0] = '\0';
		return SZ_E_INVAL;
	}
	return 0;
}

int sz_name_key(const char *typed, size_t len, char key[SZ_FORUM_KEY_MAX + 1])
{
	key[0] = '\0';
	if (!ready())
		return SZ_E_UNSUPPORTED;
	return key_of(typed, len, key, SZ_FORUM_KEY_MAX + 1);
}

bool sz_name_staff_looking(const char *key, const char *words)
{
	if (!ready())
		return true;
	for (size_t i = 0; i < NPARTS; i++)
		if (part_keys[i][0] && strstr(key, part_keys[i]) != NULL)
			return true;
	for (size_t i = 0; i < NWORDS; i++)
		if (strcmp(key, word_keys[i]) == 0)
			return true;
	/* word by word: "Site Staff", "the-mod" */
	for (const char *p = words; p && *p;) {
		size_t n = strcspn(p, " -_.");
		char k[SZ_FORUM_KEY_MAX + 1];
		if (n > 0 && key_of(p, n, k, sizeof(k)) == 0)
			for (size_t i = 0; i < NWORDS; i++)
				if (strcmp(k, word_keys[i]) == 0)
					return true;
		p += n;
		p += *p != '\0';
	}
	return false;
}

static int why(char *out, size_t cap, const char *msg)
{
	snprintf(out, cap, "%s", msg);
	return SZ_E_INVAL;
}

/* A character a name may hold: a letter, a mark after a letter, a digit,
 * a space or - _ . */
static bool allowed(UChar32 c, UChar32 prev)
{
	int8_t t = u_charType(c);
	if (c == ' ' || c == '-' || c == '_' || c == '.')
		return true;
	if (t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK ||
	    t == U_ENCLOSING_MARK)
		return u_isalpha(prev) || u_charType(prev) == U_NON_SPACING_MARK;
	return u_isalpha(c) || t == U_DECIMAL_DIGIT_NUMBER;
}

int sz_name_check(const char *typed, size_t len,
	char shown[SZ_FORUM_NAME_MAX + 1], char key[SZ_FORUM_KEY_MAX + 1],
	char *out, size_t cap)
{
	UChar in[U16_MAX], norm[U16_MAX];
	int32_t n = 0, nn = 0;
	UErrorCode st = U_ZERO_ERROR;
	shown[0] = key[0] = '\0';
	if (!ready())
		return why(out, cap, N_("Names cannot be checked on this server "
			"(ICU's data is missing)."));
	if (len == 0)
		return why(out, cap, N_("Choose a name."));
	if (len > SZ_NAME_MAX * 4 || !sz_utf8_valid(typed, len))
		return why(out, cap, N_("A name can be at most 32 characters."));
	u_strFromUTF8(in, U16_MAX, &n, typed, (int32_t)len, &st);
	if (U_SUCCESS(st))
		nn = unorm2_normalize(nfc, in, n, norm, U16_MAX, &st);
	if (U_FAILURE(st))
		return why(out, cap, N_("That name cannot be read as text."));
	int32_t chars = 0;
	UChar32 prev = 0;
	for (int32_t i = 0; i < nn; chars++) {
		UChar32 c;
		U16_NEXT(norm, i, nn, c);
		int8_t t = u_charType(c);
		if (t == U_CONTROL_CHAR || t == U_FORMAT_CHAR ||
		    t == U_PRIVATE_USE_CHAR || t == U_UNASSIGNED ||
		    t == U_SURROGATE || t == U_LINE_SEPARATOR ||
		    t == U_PARAGRAPH_SEPARATOR ||
		    u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
		    (u_isUWhiteSpace(c) && c != ' '))
			return why(out, cap, N_("A name cannot hold invisible or "
				"control characters (zero-width spaces, direction "
				"marks and the like), or spaces other than the "
				"plain one."));
		if (!allowed(c, prev))
			return why(out, cap, N_("A name can hold letters, digits, "
				"spaces and - _ . only."));
		if (c == ' ' && (i == U16_LENGTH(c) || i == nn || prev == ' '))
			return why(out, cap, N_("A name cannot start or end with a "
				"space, or hold two spaces in a row."));
		prev = c;
	}
	if (chars < SZ_NAME_MIN || chars > SZ_NAME_MAX)
		return why(out, cap, N_("A name has 3 to 32 characters."));
	int32_t checks = uspoof_check2(checker, norm, nn, NULL, &st);
	if (U_FAILURE(st))
		return why(out, cap, N_("That name cannot be checked."));
	if (checks & USPOOF_RESTRICTION_LEVEL)
		return why(out, cap, N_("A name is written in one alphabet (Latin "
			"may go with one other, but not with Cyrillic or Greek): "
			"mixed, it could pass for someone else's."));
	if (checks & (USPOOF_INVISIBLE | USPOOF_MIXED_NUMBERS))
		return why(out, cap, N_("A name cannot repeat invisible marks or mix "
			"digits of different scripts."));
	int32_t written = 0;
	u_strToUTF8(shown, SZ_FORUM_NAME_MAX + 1, &written, norm, nn, &st);
	if (U_FAILURE(st) || written > SZ_FORUM_NAME_MAX) {
		shown[0] = '\0';
		return why(out, cap, N_("A name can be at most 32 characters."));
	}
	if (key_of(shown, (size_t)written, key, SZ_FORUM_KEY_MAX + 1) != 0)
		return why(out, cap, N_("A name needs a letter or a digit."));
	for (size_t i = 0; i < NSHOWN; i++)
		if (shown_keys[i][0] && strcmp(key, shown_keys[i]) == 0) {
			shown[0] = key[0] = '\0';
			return why(out, cap, N_("That is how the forum shows a "
				"deleted member; choose another name."));
		}
	if (sz_name_staff_looking(key, shown)) {
		shown[0] = key[0] = '\0';
		return why(out, cap, N_("That name looks like the staff's (admin, "
			"moderator, staff and the like, in any spelling); choose "
			"another."));
	}
	return 0;
}
