/*
 * multipart.c - multipart/form-data as a state machine over one buffer.
 *
 * The delimiter is CRLF "--" boundary; the parser starts as if a CRLF had
 * come before the body, so the first boundary needs no special case.  In a
 * part's body, all but the last (delimiter length - 1) bytes of the buffer
 * can be handed over at once, since a delimiter cannot start earlier.
 */
#include "http/multipart.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"

enum state { PREAMBLE, AFTER_DELIM, HEADERS, BODY, DONE };

struct sz_multipart {
	enum state state;
	const struct sz_mp_handler *h;
	void *ctx;
	size_t max_parts, parts;
	char delim[SZ_MP_BOUNDARY_MAX + 5];   /* "\r\n--" boundary */
	size_t dlen;
	size_t len;                           /* bytes in buf */
	uint8_t buf[SZ_MP_BUFFER + SZ_MP_MAX_HEADER];
};

static int bad(struct sz_err *err, const char *why)
{
	return sz_err_set(err, SZ_E_INVAL, "malformed form upload: %s", why);
}

static bool bchar(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		(c >= 'A' && c <= 'Z') || strchr("'()+_,-./:=? ", c) != NULL;
}

/* Reads the value of parameter name in a header value such as
 * form-data; name="x"; filename="y".  Handles quoted strings with
 * backslash escapes.  Returns 1 if found, 0 if not, -1 if malformed. */
static int param(const char *v, const char *name, char *out, size_t cap)
{
	size_t nlen = strlen(name);
	const char *p = strchr(v, ';');
	while (p != NULL) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		const char *eq = strchr(p, '=');
		if (eq == NULL)
			return -1;
		const char *key_end = eq;
		while (key_end > p && (key_end[-1] == ' ' || key_end[-1] == '\t'))
			key_end--;
		bool match = (size_t)(key_end - p) == nlen &&
			strncasecmp(p, name, nlen) == 0;
		const char *q = eq + 1;
		while (*q == ' ' || *q == '\t')
			q++;
		size_t o = 0;
		if (*q == '"') {
			q++;
			while (*q && *q != '"') {
				if (*q == '\\' && q[1])
					q++;
				if (match) {
					if (o + 1 >= cap)
						return -1;
					out[o++] = *q;
				}
				q++;
			}
			if (*q != '"')
				return -1;
			q++;
		} else {
			while (*q && *q != ';' && *q != ' ' && *q != '\t') {
				if (match) {
					if (o + 1 >= cap)
						return -1;
					out[o++] = *q;
				}
				q++;
			}
		}
		if (match) {
			out[o] = '\0';
			return 1;
		}
		p = strchr(q, ';');
	}
	return 0;
}

int sz_multipart_new(struct sz_multipart **out, const char *content_type,
	const struct sz_mp_handler *h, void *ctx, size_t max_parts,
	struct sz_err *err)
{
	char boundary[SZ_MP_BOUNDARY_MAX + 2];
	*out = NULL;
	if (content_type == NULL ||
	    strncasecmp(content_type, "multipart/form-data", 19) != 0)
		return bad(err, "the request is not multipart/form-data");
	int found = param(content_type, "boundary", boundary,
		sizeof(boundary));
	size_t blen = found == 1 ? strlen(boundary) : 0;
	if (found != 1 || blen == 0 || blen > SZ_MP_BOUNDARY_MAX ||
	    boundary[blen - 1] == ' ')
		return bad(err, "the boundary is missing or invalid");
	for (size_t i = 0; i < blen; i++)
		if (!bchar(boundary[i]))
			return bad(err, "the boundary is missing or invalid");
	struct sz_multipart *m = calloc(1, sizeof(*m));
	if (m == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	m->h = h;
	m->ctx = ctx;
	m->max_parts = max_parts;
	memcpy(m->delim, "\r\n--", 4);
	memcpy(m->delim + 4, boundary, blen);
	m->dlen = blen + 4;
	/* As if the body started with CRLF: the first boundary is then an
	 * ordinary delimiter. */
	memcpy(m->buf, "\r\n", 2);
	m->len = 2;
	*out = m;
	return SZ_OK;
}

static void consume(struct sz_multipart *m, size_t n)
{
	memmove(m->buf, m->buf + n, m->len - n);
	m->len -= n;
	sodium_memzero(m->buf + m->len, n);   /* no stale copy of the body */
}

static int parse_lines(struct sz_multipart *m, size_t hlen,
	struct sz_mp_part *part, char *line, struct sz_err *err);

/* The line buffer lives on this thread's stack, which outlives the
 * request (glibc reuses thread stacks): it holds a file's name, so it is
 * wiped before it goes. */
static int parse_headers(struct sz_multipart *m, size_t hlen,
	struct sz_mp_part *part, struct sz_err *err)
{
	char line[SZ_MP_MAX_HEADER + 1];
	int rc = parse_lines(m, hlen, part, line, err);
	sodium_memzero(line, sizeof(line));
	return rc;
}

static int parse_lines(struct sz_multipart *m, size_t hlen,
	struct sz_mp_part *part, char *line, struct sz_err *err)
{
	bool disposition = false;
	size_t pos = 0;
	memset(part, 0, sizeof(*part));
	while (pos < hlen) {
		const uint8_t *crlf = memmem(m->buf + pos, hlen - pos, "\r\n", 2);
		size_t n = crlf ? (size_t)(crlf - (m->buf + pos)) : hlen - pos;
		memcpy(line, m->buf + pos, n);
		line[n] = '\0';
		pos += n + 2;
		if (n == 0)
			continue;
		if (memchr(line, '\0', n) != NULL || memchr(line, '\r', n) ||
		    memchr(line, '\n', n) || line[0] == ' ' || line[0] == '\t')
			return bad(err, "a part header is malformed");
		char *colon = strchr(line, ':');
		if (colon == NULL)
			return bad(err, "a part header has no colon");
		*colon = '\0';
		char *value = colon + 1;
		while (*value == ' ' || *value == '\t')
			value++;
		if (strcasecmp(line, "Content-Disposition") == 0) {
			if (strncasecmp(value, "form-data", 9) != 0)
				return bad(err, "a part is not form-data");
			if (param(value, "name", part->name,
				    sizeof(part->name)) != 1)
				return bad(err, "a part has no name");
			int f = param(value, "filename", part->filename,
				sizeof(part->filename));
			if (f < 0)
				return bad(err, "a file name is malformed or "
					"too long");
			part->has_filename = f == 1;
			disposition = true;
		} else if (strcasecmp(line, "Content-Type") == 0) {
			size_t vl = strlen(value);
			if (vl > SZ_MP_TYPE_MAX)
				return bad(err, "a part's type is too long");
			memcpy(part->content_type, value, vl + 1);
		}
	}
	if (!disposition)
		return bad(err, "a part has no Content-Disposition");
	if (!sz_utf8_valid(part->name, strlen(part->name)) ||
	    !sz_utf8_valid(part->filename, strlen(part->filename)) ||
	    !sz_utf8_valid(part->content_type, strlen(part->content_type)))
		return sz_err_set(err, SZ_E_INVAL, "malformed form upload: a "
			"field or file name is not valid UTF-8");
	return SZ_OK;
}

/* Runs the state machine over the buffer; leaves what it cannot use yet. */
static int process(struct sz_multipart *m, struct sz_err *err)
{
	for (;;) {
		switch (m->state) {
		case PREAMBLE: {
			uint8_t *d = memmem(m->buf, m->len, m->delim, m->dlen);
			if (d == NULL) {
				if (m->len >= m->dlen)
					consume(m, m->len - (m->dlen - 1));
				return SZ_OK;
			}
			consume(m, (size_t)(d - m->buf) + m->dlen);
			m->state = AFTER_DELIM;
			continue;
		}
		case AFTER_DELIM: {
			if (m->len < 2)
				return SZ_OK;
			if (memcmp(m->buf, "--", 2) == 0) {
				m->state = DONE;
				m->len = 0;
				return SZ_OK;
			}
			size_t i = 0;
			while (i < m->len && (m->buf[i] == ' ' ||
				    m->buf[i] == '\t'))
				i++;
			if (i > 64)
				return bad(err, "garbage after a boundary");
			if (m->len < i + 2)
				return SZ_OK;
			if (memcmp(m->buf + i, "\r\n", 2) != 0)
				return bad(err, "garbage after a boundary");
			consume(m, i + 2);
			if (m->parts == m->max_parts)
				return sz_err_set(err, SZ_E_LIMIT, "the form has "
					"more than %zu parts", m->max_parts);
			m->parts++;
			m->state = HEADERS;
			continue;
		}
		case HEADERS: {
			size_t hlen;
			if (m->len >= 2 && memcmp(m->buf, "\r\n", 2) == 0) {
				hlen = 0; /* no headers at all */
			} else {
				uint8_t *e = memmem(m->buf, m->len, "\r\n\r\n", 4);
				if (e == NULL) {
					if (m->len > SZ_MP_MAX_HEADER)
						return sz_err_set(err, SZ_E_LIMIT,
							"malformed form upload: "
							"part headers are too long");
					return SZ_OK;
				}
				hlen = (size_t)(e - m->buf) + 2;
			}
			if (hlen > SZ_MP_MAX_HEADER)
				return sz_err_set(err, SZ_E_LIMIT, "malformed "
					"form upload: part headers are too long");
			struct sz_mp_part part;
			int rc = parse_headers(m, hlen, &part, err);
			if (rc == SZ_OK && m->h->begin)
				rc = m->h->begin(m->ctx, &part);
			sodium_memzero(&part, sizeof(part));
			if (rc != SZ_OK)
				return rc;
			consume(m, hlen + 2);
			m->state = BODY;
			continue;
		}
		case BODY: {
			uint8_t *d = memmem(m->buf, m->len, m->delim, m->dlen);
			size_t safe = d ? (size_t)(d - m->buf) :
				m->len >= m->dlen ? m->len - (m->dlen - 1) : 0;
			if (safe > 0 && m->h->data) {
				int rc = m->h->data(m->ctx, m->buf, safe);
				if (rc != SZ_OK)
					return rc;
			}
			if (d == NULL) {
				consume(m, safe);
				return SZ_OK;
			}
			consume(m, safe + m->dlen);
			if (m->h->end) {
				int rc = m->h->end(m->ctx);
				if (rc != SZ_OK)
					return rc;
			}
			m->state = AFTER_DELIM;
			continue;
		}
		case DONE:
			m->len = 0;
			return SZ_OK;
		}
	}
}

int sz_multipart_feed(struct sz_multipart *m, const uint8_t *data,
	size_t len, struct sz_err *err)
{
	while (len > 0) {
		if (m->state == DONE)
			return SZ_OK; /* the epilogue is ignored */
		size_t room = sizeof(m->buf) - m->len;
		size_t take = len < room ? len : room;
		if (take == 0)
			return bad(err, "internal buffer full");
		memcpy(m->buf + m->len, data, take);
		m->len += take;
		data += take;
		len -= take;
		int rc = process(m, err);
		if (rc != SZ_OK)
			return rc;
	}
	return SZ_OK;
}

int sz_multipart_finish(struct sz_multipart *m, struct sz_err *err)
{
	if (m->state != DONE)
		return bad(err, "the upload ended before its closing boundary "
			"(interrupted?)");
	return SZ_OK;
}

void sz_multipart_free(struct sz_multipart *m)
{
	if (m == NULL)
		return;
	sodium_memzero(m, sizeof(*m));   /* the body passed through it */
	free(m);
}
