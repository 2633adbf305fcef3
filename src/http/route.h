/*
 * route.h - matching a request path against a route's pattern.  A
 * pattern is a path whose segments are literal text, ":name" (one
 * segment, captured under that name) or "*" (one segment, not captured):
 * "/thread/:id/page/:n" matches "/thread/ab12/page/2" with id "ab12" and
 * n "2".  A captured segment is never empty and never holds a slash.
 *
 * What it does not do: decode anything (libmicrohttpd has percent-decoded
 * the path already), or interpret values (the handler checks them).
 */
#ifndef SZ_HTTP_ROUTE_H
#define SZ_HTTP_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#define SZ_ROUTE_MAX_PARAMS 4
#define SZ_ROUTE_PARAMS_TEXT 1024   /* names and values together, bytes */

/* What a match captured: NUL-terminated copies in text. */
struct sz_route_params {
	size_t n;
	const char *name[SZ_ROUTE_MAX_PARAMS];
	const char *value[SZ_ROUTE_MAX_PARAMS];
	char text[SZ_ROUTE_PARAMS_TEXT];
};

/* True if path matches pattern; then p holds what it captured.  A path
 * whose captures do not fit in p does not match. */
bool sz_route_match(const char *pattern, const char *path,
	struct sz_route_params *p);

/* The value captured under name, or NULL. */
const char *sz_route_param(const struct sz_route_params *p, const char *name);

#endif
