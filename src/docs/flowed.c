/*
 * flowed.c - RFC 3676 decoding (flowed.h): a line at a time, keeping the
 * paragraph being joined in the output itself, so nothing is held but
 * its quote depth.
 */
#include <string.h>

#include "docs/flowed.h"

/* A line's quote depth (its leading '>'), and where its content starts
 * once one stuffed space is removed (section 4.4). */
static size_t quote_depth(const char *p, size_t n, size_t *start)
{
	size_t d = 0;
	while (d < n && p[d] == '>')
		d++;
	*start = d < n && p[d] == ' ' ? d + 1 : d;
	return d;
}

static int quote_marks(struct sz_buf *out, size_t depth)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < depth; i++)
		rc = sz_buf_append(out, ">", 1);
	if (rc == 0 && depth > 0)
		rc = sz_buf_append(out, " ", 1);
	return rc;
}

int sz_flowed_decode(const char *text, size_t len, bool delsp,
	struct sz_buf *out)
{
	size_t pos = 0, open_depth = 0;
	bool open = false;   /* a flowed paragraph waits for its next line */
	int rc = 0;
	while (rc == 0 && pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t next = nl ? end + 1 : len;
		if (end > pos && text[end - 1] == '\r')
			end--;
		const char *line = text + pos;
		size_t n = end - pos, start;
		size_t depth = quote_depth(line, n, &start);
		const char *body = line + start;
		size_t blen = n - start;
		/* "-- " alone is the signature separator, never flowed. */
		bool sig = blen == 3 && memcmp(body, "-- ", 3) == 0;
		bool flowed = !sig && blen > 0 && body[blen - 1] == ' ';
		/* A paragraph at another depth ends the one before it. */
		if (open && depth != open_depth)
			rc = sz_buf_append(out, "\n", 1);
		if (rc == 0 && !(open && depth == open_depth))
			rc = quote_marks(out, depth);
		if (rc == 0)
			rc = sz_buf_append(out, body, flowed && delsp ? blen - 1 :
				blen);
		if (rc == 0 && !flowed)
			rc = sz_buf_append(out, "\n", 1);
		open = flowed;
		open_depth = depth;
		pos = next;
	}
	/* A text that ends on a flowed line still ends its paragraph. */
	if (rc == 0 && open)
		rc = sz_buf_append(out, "\n", 1);
	return rc;
}
