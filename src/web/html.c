/* html.c - HTML escaping and the shared page frame. */
#include "web/html.h"

#include <ctype.h>
#include <string.h>

int sz_html_escape(struct sz_buf *b, const char *s)
{
	int rc = SZ_OK;
	const char *run = s;
	for (const char *p = s; rc == SZ_OK; p++) {
		const char *rep = NULL;
		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '\0': break;
		default: continue;
		}
		rc = sz_buf_append(b, run, (size_t)(p - run));
		if (*p == '\0')
			break;
		if (rc == SZ_OK)
			rc = sz_buf_puts(b, rep);
		run = p + 1;
	}
	return rc;
}

int sz_html_urlencode(struct sz_buf *b, const char *s)
{
	int rc = SZ_OK;
	for (; s && *s && rc == SZ_OK; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '@')
			rc = sz_buf_append(b, s, 1);
		else
			rc = sz_buf_printf(b, "%%%02X", c);
	}
	return rc;
}

int sz_html_begin(struct sz_buf *b, const char *site, const char *title)
{
	return sz_html_open(b, site, title, "/style.css", "/");
}

int sz_html_open(struct sz_buf *b, const char *site, const char *title,
	const char *style, const char *home)
{
	int rc = sz_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		"<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, "
		"initial-scale=1\">\n"
		"<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
	if (rc == SZ_OK)
		rc = sz_html_escape(b, title);
	if (rc == SZ_OK)
		rc = sz_buf_puts(b, " · ");
	if (rc == SZ_OK)
		rc = sz_html_escape(b, site);
	if (rc == SZ_OK)
		rc = sz_buf_puts(b, "</title>\n<link rel=\"stylesheet\" href=\"");
	if (rc == SZ_OK)
		rc = sz_html_escape(b, style);
	if (rc == SZ_OK)
		rc = sz_buf_puts(b, "\">\n</head>\n<body>\n<header><a "
			"class=\"site\" href=\"");
	if (rc == SZ_OK)
		rc = sz_html_escape(b, home);
	if (rc == SZ_OK)
		rc = sz_buf_puts(b, "\">");
	if (rc == SZ_OK)
		rc = sz_html_escape(b, site);
	if (rc == SZ_OK)
		rc = sz_buf_puts(b, "</a></header>\n<main>\n");
	return rc;
}

int sz_html_end(struct sz_buf *b)
{
	return sz_buf_puts(b, "</main>\n</body>\n</html>\n");
}
