/*
 * fuzz_mo.c - a translation catalogue (.mo) and a Plural-Forms expression
 * from arbitrary bytes: either refused with a message, or every lookup
 * answers within the file, every plural form index is below nplurals,
 * and every translation kept is valid UTF-8.
 */
#include <assert.h>
#include <string.h>

#include "core/mo.h"
#include "core/plural.h"
#include "core/utf8.h"
#include "fuzz.h"

static const char *const msgids[] = { "", "Log in", "English", "%lld reply",
	"%s", "a", "Send" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sz_err err;
	struct sz_plural p;
	if (sz_plural_parse(&p, (const char *)data, size, &err) == SZ_OK) {
		for (unsigned long n = 0; n < 120; n++)
			assert(sz_plural_form(&p, n) < p.nplurals);
		assert(sz_plural_form(&p, (unsigned long)-1) < p.nplurals);
	} else {
		assert(err.msg[0] != '\0');
	}

	struct sz_mo *mo;
	if (sz_mo_parse(&mo, data, size, &err) != SZ_OK) {
		assert(err.msg[0] != '\0' && mo == NULL);
		return 0;
	}
	for (size_t i = 0; i < sizeof(msgids) / sizeof(*msgids); i++) {
		const char *t = sz_mo_find(mo, NULL, msgids[i]);
		if (t != NULL)
			assert(sz_utf8_valid(t, strlen(t)));
		t = sz_mo_find(mo, "language name", msgids[i]);
		if (t != NULL)
			assert(sz_utf8_valid(t, strlen(t)));
		for (unsigned long n = 0; n < 30; n++) {
			t = sz_mo_find_plural(mo, NULL, msgids[i], n);
			if (t != NULL)
				assert(sz_utf8_valid(t, strlen(t)));
		}
	}
	char v[64];
	sz_mo_header(mo, "Language", v, sizeof(v));
	assert(sz_plural_form(sz_mo_plural(mo), 5) <
		sz_mo_plural(mo)->nplurals);
	sz_mo_free(mo);
	return 0;
}
