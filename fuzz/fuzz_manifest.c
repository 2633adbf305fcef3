/* fuzz_manifest.c - a MANIFEST and its signed claim from anyone (a
 * mirror serves both).  Each line that parses names a path that stays in
 * its export (no "..", no leading "/", no hidden part) and formats back
 * to the same line; a claim that parses formats back to a claim that
 * parses to the same values. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mirror/manifest.h"

#define CLAIM_MAX 8192

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	const char *p = (const char *)in, *end = p + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		uint8_t sha[32];
		const char *path;
		size_t plen;
		if (sz_manifest_line(p, len, sha, &path, &plen, NULL) == 0) {
			assert(plen > 0 && path[0] != '/' && path[0] != '.');
			assert(memmem(path, plen, "/.", 2) == NULL);
			assert(memchr(path, 0, plen) == NULL);
			char name[SZ_MANIFEST_PATH_MAX + 1], line[SZ_MANIFEST_LINE_MAX + 2];
			memcpy(name, path, plen);
			name[plen] = 0;
			size_t n = sz_manifest_format_line(sha, name, line);
			uint8_t back[32];
			const char *bp;
			size_t bl;
			assert(sz_manifest_line(line, n - 1, back, &bp, &bl, NULL) == 0);
			assert(memcmp(back, sha, 32) == 0 && bl == plen);
		}
		p += len + (nl ? 1 : 0);
	}
	if (size < CLAIM_MAX) {
		char text[CLAIM_MAX];
		struct sz_manifest_claim c, back;
		memcpy(text, in, size);
		text[size] = 0;
		if (sz_manifest_claim_parse(text, &c, NULL) == 0) {
			char again[CLAIM_MAX];
			if (sz_manifest_claim_format(&c, again, sizeof(again)) == 0) {
				assert(sz_manifest_claim_parse(again, &back, NULL) == 0);
				assert(strcmp(back.archive, c.archive) == 0);
				assert(back.version == c.version);
				assert(back.expires == c.expires);
			}
		}
	}
	return 0;
}
