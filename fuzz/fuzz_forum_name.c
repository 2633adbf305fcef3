/* fuzz_forum_name.c - members' names (web/forum/names.h): a name that
 * passes is valid UTF-8 within its bound, not staff-looking, and has the
 * key its shown form has; a refused one says why; any text has a key or
 * a clean refusal. */
#include <assert.h>
#include <string.h>

#include "core/utf8.h"
#include "web/forum/names.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	char shown[SZ_FORUM_NAME_MAX + 1], key[SZ_FORUM_KEY_MAX + 1];
	char again[SZ_FORUM_KEY_MAX + 1], why[240];
	const char *s = (const char *)in;
	why[0] = '\0';
	if (sz_name_check(s, size, shown, key, why, sizeof(why)) == 0) {
		size_t n = strlen(shown);
		assert(n > 0 && n <= SZ_FORUM_NAME_MAX);
		assert(sz_utf8_valid(shown, n));
		assert(key[0] != '\0');
		assert(!sz_name_staff_looking(key, shown));
		assert(sz_name_key(shown, n, again) == 0);
		assert(strcmp(key, again) == 0);
	} else {
		assert(why[0] != '\0');
		assert(shown[0] == '\0' || key[0] == '\0' || why[0]);
	}
	if (sz_name_key(s, size, key) == 0)
		assert(key[0] != '\0' && sz_utf8_valid(key, strlen(key)));
	return 0;
}
