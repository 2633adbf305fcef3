/*
 * header.c - one field of an e-mail's header, read from the start of the
 * raw message as it was received: the e-mail page shows the Date line as
 * its author's software wrote it (with its time zone), beside the date
 * the archive sorts by.  Parsing is bounded by the bytes given; nothing
 * is decoded: the fields asked for are ASCII (RFC 5322), so any other
 * byte shows as '?', and control characters are dropped.
 *
 * Also the split of an address list as the archive keeps it ("Name
 * <a@b>, c@d", decoded at import), for links and the API's {name,
 * address} objects.
 *
 * Not here: reading the file (email.c), or MIME: the body is never
 * looked at, nor any field the page does not ask for.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "web/archive/view.h"

/* The end of the line that starts at p (the byte after its LF, or end). */
static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl + 1 : end;
}

static bool blank(const char *p, const char *eol)
{
	return eol - p == 0 || (p[0] == '\n') || (p[0] == '\r' &&
		eol - p >= 1 && (eol - p == 1 || p[1] == '\n'));
}

bool view_header_field(const char *head, size_t len, const char *name,
	char *out, size_t cap)
{
	const char *p = head, *end = head + len;
	size_t nlen = strlen(name), k = 0;
	if (cap == 0)
		return false;
	out[0] = 0;
	/* An mbox's separator line, if the file kept one. */
	if (len >= 5 && memcmp(head, "From ", 5) == 0)
		p = line_end(p, end);
	while (p < end) {
		const char *eol = line_end(p, end);
		if (blank(p, eol))
			return false;   /* the header ends: no such field */
		if ((size_t)(eol - p) > nlen && strncasecmp(p, name, nlen) == 0 &&
		    p[nlen] == ':') {
			/* The value, and the lines folded into it. */
			const char *v = p + nlen + 1;
			bool space = false;
			for (;;) {
				for (; v < eol; v++) {
					unsigned char c = (unsigned char)*v;
					if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
						space = k > 0;
						continue;
					}
					if (c < 0x20 || c == 0x7f)
						continue;
					if (space && k + 1 < cap)
						out[k++] = ' ';
					space = false;
					if (k + 1 < cap)
						out[k++] = c < 0x80 ? (char)c : '?';
				}
				if (eol >= end || (*eol != ' ' && *eol != '\t'))
					break;
				v = eol;
				eol = line_end(v, end);
			}
			out[k] = 0;
			return k > 0;
		}
		p = eol;
	}
	return false;
}

/* Copies [p, q) into out (cap bytes), without surrounding spaces or
 * quotes. */
static void copy_trimmed(const char *p, const char *q, char *out, size_t cap)
{
	while (p < q && (*p == ' ' || *p == '\t' || *p == '"'))
		p++;
	while (q > p && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '"'))
		q--;
	size_t n = (size_t)(q - p);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, p, n);
	out[n] = 0;
}

bool view_address_next(const char **list, char *name, size_t ncap,
	char *addr, size_t acap)
{
	const char *p = *list;
	name[0] = addr[0] = 0;
	while (p != NULL && (*p == ' ' || *p == ','))
		p++;
	if (p == NULL || *p == 0)
		return false;
	/* The item ends at a comma outside quotes and angle brackets. */
	const char *q = p, *lt = NULL, *gt = NULL;
	bool quoted = false;
	for (; *q && (quoted || (lt != NULL && gt == NULL) || *q != ','); q++) {
		if (*q == '"')
			quoted = !quoted;
		else if (*q == '<' && !quoted && lt == NULL)
			lt = q;
		else if (*q == '>' && !quoted && lt != NULL && gt == NULL)
			gt = q;
	}
	if (lt != NULL && gt != NULL) {
		copy_trimmed(p, lt, name, ncap);
		copy_trimmed(lt + 1, gt, addr, acap);
	} else {
		copy_trimmed(p, q, addr, acap);
	}
	*list = *q ? q + 1 : q;
	return true;
}
