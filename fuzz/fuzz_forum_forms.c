/* fuzz_forum_forms.c - what the forum reads from a client beyond the
 * generic form parser: moderation forms (every action belongs to the
 * kind of thing named, a reason is one line within its bound, a move has
 * a board and a merge a thread) and page keys (a key parsed formats back
 * to the same text: one key, one spelling). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "http/form.h"
#include "web/forum/forum.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	struct sz_form form;
	if (sz_form_parse(&form, (const char *)in, size, NULL) == 0) {
		static const enum sz_forum_target targets[] = { SZ_TARGET_POST,
			SZ_TARGET_THREAD, SZ_TARGET_MEMBER };
		for (size_t i = 0; i < 3; i++) {
			struct sz_forum_mod mod;
			char why[240];
			if (sz_forum_mod_parse(&form, targets[i], 7, &mod, why,
			    sizeof(why)) != 0) {
				assert(why[0] != '\0');
				continue;
			}
			assert(mod.action != SZ_MOD_NONE && mod.id == 7);
			assert(sz_utf8_valid(mod.reason, strlen(mod.reason)));
			assert(strchr(mod.reason, '\n') == NULL);
			if (mod.action == SZ_MOD_MOVE)
				assert(mod.board_id > 0);
			if (mod.action == SZ_MOD_MERGE)
				assert(mod.into > 0);
			if (targets[i] == SZ_TARGET_THREAD)
				assert(mod.action >= SZ_MOD_LOCK &&
					mod.action <= SZ_MOD_DELETE_THREAD);
		}
	}
	sz_form_free(&form);
	char *text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, in, size);
	text[size] = '\0';
	struct sz_forum_key k;
	if (sz_forum_key_parse(text, &k) == 0) {
		char back[SZ_FORUM_KEY_TEXT];
		sz_forum_key_format(&k, back);
		assert(strcmp(back, text) == 0);
	}
	free(text);
	return 0;
}
