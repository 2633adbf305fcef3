/*
 * fetch.h - downloading a mirror's files over HTTP(S) with libcurl, for
 * `samizdat mirror verify URL`, with every limit a hostile or broken
 * mirror could test: a size cap per file (checked as bytes arrive, not
 * only against Content-Length), a connect timeout, a stall timeout (no
 * byte for that long), a time cap per file, redirects only to the same
 * scheme, host and port (an https mirror never sends us to http, file:,
 * another host, or the reader's own loopback or network), and only http
 * and https at all.
 *
 * What it deliberately does not do: cookies, authentication, caching,
 * compressed transfers (the bytes hashed are the bytes served), or send
 * anything about the machine beyond what HTTP needs.  A proxy (Tor's
 * SOCKS port, for an onion mirror) comes from the options or libcurl's
 * usual environment variables.
 *
 * Ownership: a struct sz_fetch is one reused connection; free it with
 * sz_fetch_close.
 */
#ifndef SZ_MIRROR_FETCH_H
#define SZ_MIRROR_FETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"

#define SZ_FETCH_REDIRECTS_MAX 5
#define SZ_FETCH_URL_MAX 4096

struct sz_fetch_opts {
	unsigned timeout_s;           /* connecting, and the longest stall */
	unsigned max_time_s;          /* one download, start to end */
	const char *proxy;            /* or NULL: libcurl's environment */
};

struct sz_fetch;

/* Whether text is an http:// or https:// URL. */
bool sz_fetch_is_url(const char *text);

int sz_fetch_open(struct sz_fetch **f, const struct sz_fetch_opts *o,
	const char *base, struct sz_err *err);
void sz_fetch_close(struct sz_fetch *f);

/* Receives the body as it arrives; non-zero stops the download. */
typedef int (*sz_fetch_sink)(void *ctx, const uint8_t *data, size_t len);

/* GETs url, giving the body to sink, at most max bytes.  Returns 0;
 * SZ_E_NOT_FOUND for 404 or 410; SZ_E_LIMIT when the body is larger
 * than max; SZ_E_IO for anything else (unreachable, timed out, stalled,
 * another status, a redirect refused), with err saying which.  *got is
 * how many bytes the sink took. */
int sz_fetch_get(struct sz_fetch *f, const char *url, uint64_t max,
	sz_fetch_sink sink, void *ctx, uint64_t *got, struct sz_err *err);

/* Appends path (a MANIFEST path) to base, percent-encoding each byte
 * that is not a letter, digit or "-._~/"; false if it does not fit. */
bool sz_fetch_url(const char *base, const char *path, size_t len,
	char *out, size_t cap);

#endif
