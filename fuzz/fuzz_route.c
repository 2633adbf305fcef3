/* fuzz_route.c - request paths against route patterns: a match captures
 * whole segments only (never empty, never with a slash), within the
 * bound, and the same path always matches the same way. */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "http/route.h"
#include "fuzz.h"

static const char *const patterns[] = {
	"/", "/doc/:id", "/thread/:id/page/:n", "/release/*",
	"/api/v1/releases/:id", "/:a/:b/:c/:d", "/preview/from/:address",
};

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	char *path = malloc(size + 1);
	if (path == NULL)
		return 0;
	memcpy(path, in, size);
	path[size] = '\0';
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		struct sz_route_params p, again;
		bool m = sz_route_match(patterns[i], path, &p);
		assert(m == sz_route_match(patterns[i], path, &again));
		if (!m)
			continue;
		assert(p.n <= SZ_ROUTE_MAX_PARAMS);
		for (size_t k = 0; k < p.n; k++) {
			assert(p.value[k][0] != '\0');
			assert(strchr(p.value[k], '/') == NULL);
			assert(strstr(path, p.value[k]) != NULL);
			assert(sz_route_param(&p, p.name[k]) != NULL);
		}
	}
	free(path);
	return 0;
}
