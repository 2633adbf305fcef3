/*
 * request_head.c - the strict request-head check (see request_head.h).
 * One pass over complete lines; a partial last line is checked as far as
 * it goes, so a stray control byte is refused as soon as it arrives.
 * It only looks: nothing is copied, allocated or kept.
 */
#include "http/request_head.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#define CL_DIGITS_MAX 19   /* fits in 64 bits */

struct fields {
	unsigned content_length, transfer_encoding, host;
	bool chunked_only;      /* every Transfer-Encoding said "chunked" */
	unsigned cookies;       /* name=value pairs in Cookie fields */
};

static bool tchar(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || (c != 0 && strchr("!#$%&'*+-.^_`|~",
		       c) != NULL);
}

/* A byte a field value may hold: HTAB, SP, visible ASCII, obs-text. */
static bool value_byte(uint8_t c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static enum sz_head_verdict bad(const char **why, const char *msg)
{
	if (why != NULL)
		*why = msg;
	return SZ_HEAD_BAD;
}

static enum sz_head_verdict request_line(const uint8_t *p, size_t n,
	bool *http10, const char **why)
{
	size_t i = 0;
	while (i < n && tchar(p[i]))
		i++;
	if (i == 0 || i >= n || p[i] != ' ')
		return bad(why, "The request line does not start with a method "
			"and one space.");
	size_t t = ++i, params = 0;
	bool query = false;
	while (i < n && p[i] > 0x20 && p[i] < 0x7f) {
		params += query && p[i] == '&';
		query = query || p[i] == '?';
		i++;
	}
	if (i == t || i >= n || p[i] != ' ')
		return bad(why, "The request line's target is empty or holds a "
			"byte that is not printable ASCII.");
	if (query && params + 1 > SZ_HEAD_PARAMS_MAX)
		return bad(why, "The address has too many parameters.");
	const uint8_t *v = p + i + 1;
	size_t vn = n - i - 1;
	if (vn == 8 && memcmp(v, "HTTP/1.1", 8) == 0) {
		*http10 = false;
		return SZ_HEAD_OK;
	}
	if (vn == 8 && memcmp(v, "HTTP/1.0", 8) == 0) {
		*http10 = true;
		return SZ_HEAD_OK;
	}
	if (vn == 8 && memcmp(v, "HTTP/", 5) == 0 && v[5] >= '0' &&
	    v[5] <= '9' && v[6] == '.' && v[7] >= '0' && v[7] <= '9') {
		if (why != NULL)
			*why = "Only HTTP/1.0 and HTTP/1.1 are spoken here.";
		return SZ_HEAD_BAD_VERSION;
	}
	return bad(why, "The request line does not end with HTTP/1.1.");
}

static bool named(const uint8_t *p, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp((const char *)p, name, n) == 0;
}

static enum sz_head_verdict field_line(const uint8_t *p, size_t n,
	struct fields *f, const char **why)
{
	if (p[0] == ' ' || p[0] == '\t')
		return bad(why, "A header line is folded onto the next one "
			"(obs-fold), which is not allowed.");
	size_t i = 0;
	while (i < n && tchar(p[i]))
		i++;
	if (i == 0 || i >= n || p[i] != ':')
		return bad(why, "A header line has no name, or something between "
			"its name and the colon.");
	size_t name_len = i++;
	for (size_t k = i; k < n; k++)
		if (!value_byte(p[k]))
			return bad(why, "A header value holds a control byte.");
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	size_t end = n;
	while (end > i && (p[end - 1] == ' ' || p[end - 1] == '\t'))
		end--;
	const uint8_t *v = p + i;
	size_t vn = end - i;
	if (named(p, name_len, "Content-Length")) {
		f->content_length++;
		if (vn == 0 || vn > CL_DIGITS_MAX)
			return bad(why, "The Content-Length is not a number.");
		for (size_t k = 0; k < vn; k++)
			if (v[k] < '0' || v[k] > '9')
				return bad(why, "The Content-Length is not a number.");
	} else if (named(p, name_len, "Transfer-Encoding")) {
		f->transfer_encoding++;
		if (!named(v, vn, "chunked"))
			f->chunked_only = false;
	} else if (named(p, name_len, "Host")) {
		f->host++;
	} else if (named(p, name_len, "Cookie")) {
		f->cookies++;
		for (size_t k = 0; k < vn; k++)
			f->cookies += v[k] == ';';
		if (f->cookies > SZ_HEAD_COOKIES_MAX) {
			if (why != NULL)
				*why = "The request carries too many cookies.";
			return SZ_HEAD_TOO_LARGE;
		}
	}
	return SZ_HEAD_OK;
}

static enum sz_head_verdict framing(const struct fields *f, bool http10,
	const char **why)
{
	if (f->content_length > 1)
		return bad(why, "The request has more than one Content-Length.");
	if (f->transfer_encoding > 1)
		return bad(why, "The request has more than one "
			"Transfer-Encoding.");
	if (f->transfer_encoding && f->content_length)
		return bad(why, "The request has both a Content-Length and a "
			"Transfer-Encoding.");
	if (f->transfer_encoding && http10)
		return bad(why, "HTTP/1.0 has no Transfer-Encoding.");
	if (f->transfer_encoding && !f->chunked_only) {
		if (why != NULL)
			*why = "Only the chunked transfer coding is accepted.";
		return SZ_HEAD_NOT_IMPLEMENTED;
	}
	if (!http10 && f->host != 1)
		return bad(why, "An HTTP/1.1 request needs exactly one Host "
			"header.");
	return SZ_HEAD_OK;
}

enum sz_head_verdict sz_request_head_check(const uint8_t *data, size_t len,
	size_t max, size_t *head_len, const char **why)
{
	struct fields f = { 0, 0, 0, true, 0 };
	bool http10 = false;
	size_t pos = 0, lines = 0;
	unsigned leading = 0;
	*head_len = 0;
	while (pos + 1 < len && data[pos] == '\r' && data[pos + 1] == '\n') {
		if (++leading > SZ_HEAD_LEADING_CRLF)
			return bad(why, "The request starts with too many empty "
				"lines.");
		pos += 2;
	}
	while (pos < len) {
		size_t eol = pos;
		while (eol < len && data[eol] != '\r' && data[eol] != '\n') {
			uint8_t c = data[eol];
			if (c != '\t' && (c < 0x20 || c == 0x7f))
				return bad(why, "The request holds a control byte.");
			eol++;
		}
		if (eol >= len || (data[eol] == '\r' && eol + 1 >= len))
			break;   /* the line is not complete yet */
		if (data[eol] == '\n' || data[eol + 1] != '\n')
			return bad(why, "A line of the request does not end in CR "
				"LF.");
		if (eol + 2 > max) {
			if (why != NULL)
				*why = "The request's headers are too large.";
			return SZ_HEAD_TOO_LARGE;
		}
		enum sz_head_verdict v;
		if (lines == 0) {
			v = request_line(data + pos, eol - pos, &http10, why);
		} else if (eol == pos) {
			v = framing(&f, http10, why);
			if (v == SZ_HEAD_OK)
				*head_len = eol + 2;
			return v;
		} else if (lines > SZ_HEAD_FIELDS_MAX) {
			if (why != NULL)
				*why = "The request has too many header fields.";
			return SZ_HEAD_TOO_LARGE;
		} else {
			v = field_line(data + pos, eol - pos, &f, why);
		}
		if (v != SZ_HEAD_OK)
			return v;
		lines++;
		pos = eol + 2;
	}
	if (len >= max) {
		if (why != NULL)
			*why = "The request's headers are too large.";
		return SZ_HEAD_TOO_LARGE;
	}
	return SZ_HEAD_INCOMPLETE;
}

int64_t sz_request_head_body_length(const uint8_t *head, size_t head_len)
{
	int64_t body = 0;
	size_t pos = 0;
	/* the request line first, then a field per line up to the empty one */
	for (bool first = true; pos < head_len; first = false) {
		const uint8_t *eol = memchr(head + pos, '\r', head_len - pos);
		if (eol == NULL)
			break;
		size_t n = (size_t)(eol - (head + pos));
		const uint8_t *p = head + pos;
		pos += n + 2;
		if (first || n == 0)
			continue;
		const uint8_t *colon = memchr(p, ':', n);
		if (colon == NULL)
			continue;
		size_t name_len = (size_t)(colon - p);
		if (named(p, name_len, "Transfer-Encoding"))
			return -1;
		if (!named(p, name_len, "Content-Length"))
			continue;
		body = 0;
		for (const uint8_t *v = colon + 1; v < p + n; v++)
			if (*v >= '0' && *v <= '9')
				body = body > (INT64_MAX - 9) / 10 ? INT64_MAX :
					body * 10 + (*v - '0');
	}
	return body;
}
