/*
 * request_head.h - a strict check of an HTTP/1.x request head (the
 * request line and header fields, up to the empty line), byte by byte,
 * before libmicrohttpd parses it.
 *
 * libmicrohttpd 0.9.75 accepts bare LF line ends, folded header lines
 * (obs-fold), NUL and other control bytes in header values, and
 * duplicate or conflicting Content-Length and Transfer-Encoding fields
 * (the first wins).  A front end that reads any of those differently can
 * be made to see two requests where this server sees one (request
 * smuggling), so each is refused here, as RFC 9112 allows or requires:
 *
 *   - lines end in CR LF; a bare CR or bare LF is refused;
 *   - no byte below 0x20 but HTAB, and no DEL, anywhere in the head;
 *     no byte above 0x7e in the request line;
 *   - the request line is METHOD SP TARGET SP HTTP/1.0 or HTTP/1.1;
 *   - a field is NAME ":" OWS VALUE OWS, NAME a token, nothing between
 *     NAME and the colon; a line starting with SP or HTAB (obs-fold) is
 *     refused;
 *   - at most one Content-Length, digits only; at most one
 *     Transfer-Encoding, only "chunked", never with Content-Length, never
 *     in HTTP/1.0; HTTP/1.1 needs exactly one Host;
 *   - at most SZ_HEAD_FIELDS_MAX fields, SZ_HEAD_PARAMS_MAX parameters in
 *     the target and SZ_HEAD_COOKIES_MAX cookies.
 *
 * It reads only the bytes given and keeps nothing: no header value (an
 * address, a user agent) is copied anywhere.
 */
#ifndef SZ_HTTP_REQUEST_HEAD_H
#define SZ_HTTP_REQUEST_HEAD_H

#include <stddef.h>
#include <stdint.h>

#define SZ_HEAD_LEADING_CRLF 2   /* empty lines tolerated before a request */
/* What libmicrohttpd keeps one entry of each for, in the connection's
 * memory pool: header fields, the target's parameters, cookies.  A head
 * within the size limit could still hold ~1,000 of them and exhaust the
 * pool; libmicrohttpd then answered with its own page, or (parameters)
 * closed the connection without a word.  More than these are refused
 * here, each with a page saying which. */
#define SZ_HEAD_FIELDS_MAX 100
#define SZ_HEAD_PARAMS_MAX 100
#define SZ_HEAD_COOKIES_MAX 100

enum sz_head_verdict {
	SZ_HEAD_INCOMPLETE = 0,   /* fine so far; the empty line has not come */
	SZ_HEAD_OK = 200,         /* a whole, well-formed head */
	SZ_HEAD_BAD = 400,
	SZ_HEAD_TOO_LARGE = 431,  /* no end within max bytes */
	SZ_HEAD_NOT_IMPLEMENTED = 501,  /* a transfer coding other than chunked */
	SZ_HEAD_BAD_VERSION = 505,
};

/* Checks data[0..len) as the start of a request head of at most max
 * bytes.  With SZ_HEAD_OK, *head_len is the head's length, empty line
 * included.  For a refusal, *why (if not NULL) says what was wrong, in a
 * sentence for the error page. */
enum sz_head_verdict sz_request_head_check(const uint8_t *data, size_t len,
	size_t max, size_t *head_len, const char **why);

/* For a head that passed the check (head_len bytes, as it gave): how
 * many body bytes follow it, by its Content-Length (0 without one), or
 * -1 for a chunked body, whose length only its end tells.  So a reader
 * that sees more bytes than head and body knows the client has sent the
 * next request already (pipelining). */
int64_t sz_request_head_body_length(const uint8_t *head, size_t head_len);

#endif
