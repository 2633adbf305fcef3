/*
 * names.h - members' names: what a name may be, how it is shown, and the
 * key that says which names are "the same" to a reader's eye.
 *
 * A name is 3 to 32 letters, digits, single spaces and - _ . (any script,
 * one script at a time: ICU's "moderately restrictive" level, so "Анна"
 * is fine and "Аdmin" with a Cyrillic А is not).  Invisible and control
 * characters are refused.  It is shown as typed, in NFC.
 *
 * Its key is what uniqueness and reservations are checked on: NFKC with
 * case folding (which also drops default-ignorable characters such as
 * zero-width spaces), then the confusable skeleton of Unicode's UTS #39
 * (ICU's uspoof: "rn" and "m", "0" and "O", Latin, Cyrillic and Greek
 * look-alikes map to one form), then letters and digits only, marks
 * dropped.  So "Admin", "ADMIN ", "a d m i n", "Аdmin" and "adrnin" all
 * have the key of "admin".
 *
 * Staff-looking names are refused whatever is reserved: any name whose
 * key contains "admin" or "moderator", or one of whose words is "staff",
 * "mod", "team", "official", "support", "system", "root", "samizdat",
 * "editor" or "editors".
 */
#ifndef SZ_WEB_FORUM_NAMES_H
#define SZ_WEB_FORUM_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "store/forum.h"

#define SZ_NAME_MIN 3                 /* characters */
#define SZ_NAME_MAX 32

/* Checks a name typed for a new account.  0 with the name as shown and
 * its key; or SZ_E_INVAL with why (a sentence for the member). */
int sz_name_check(const char *typed, size_t len,
	char shown[SZ_FORUM_NAME_MAX + 1], char key[SZ_FORUM_KEY_MAX + 1],
	char *why, size_t why_cap);

/* The key of any text (a name typed to log in, in by:NAME, on the
 * command line, or a word to reserve), without the rules of a new name:
 * 0, or SZ_E_INVAL when it has no letters or digits or is too long. */
int sz_name_key(const char *typed, size_t len,
	char key[SZ_FORUM_KEY_MAX + 1]);

/* Whether a key looks like staff (see above); the words of the name
 * are checked too when words is not NULL (the name as typed). */
bool sz_name_staff_looking(const char *key, const char *words);

#endif
