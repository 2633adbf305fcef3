/*
 * route.c - path patterns with parameters (route.h): one pass over the
 * pattern and the path together, segment by segment, copying what is
 * captured into the caller's bounded buffer.
 */
#include "http/route.h"

#include <string.h>

/* Appends n bytes and a NUL to p->text; NULL if they do not fit. */
static const char *keep(struct sz_route_params *p, size_t *used,
	const char *s, size_t n)
{
	if (n + 1 > sizeof(p->text) - *used)
		return NULL;
	char *out = p->text + *used;
	memcpy(out, s, n);
	out[n] = '\0';
	*used += n + 1;
	return out;
}

bool sz_route_match(const char *pattern, const char *path,
	struct sz_route_params *p)
{
	size_t used = 0;
	p->n = 0;
	if (pattern[0] != '/' || path[0] != '/')
		return false;
	const char *pp = pattern + 1, *sp = path + 1;
	for (;;) {
		size_t plen = strcspn(pp, "/"), slen = strcspn(sp, "/");
		if (pp[0] == ':' || (pp[0] == '*' && plen == 1)) {
			if (slen == 0)
				return false;
			if (pp[0] == ':') {
				if (p->n == SZ_ROUTE_MAX_PARAMS)
					return false;
				const char *name = keep(p, &used, pp + 1, plen - 1);
				const char *value = name ? keep(p, &used, sp, slen) :
					NULL;
				if (value == NULL)
					return false;
				p->name[p->n] = name;
				p->value[p->n++] = value;
			}
		} else if (plen != slen || memcmp(pp, sp, plen) != 0) {
			return false;
		}
		pp += plen;
		sp += slen;
		if (*pp == '\0' || *sp == '\0')
			return *pp == '\0' && *sp == '\0';
		pp++;   /* both are at a slash */
		sp++;
	}
}

const char *sz_route_param(const struct sz_route_params *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->name[i], name) == 0)
			return p->value[i];
	return NULL;
}
