/*
 * mail_local.c - Eudora's lines naming the mailbox owner's files, made
 * neutral markers (see mail_local.h).  One line is held at a time; the
 * bytes of every other line pass unchanged.
 *
 * It does not touch a path elsewhere in a line (a person who typed a
 * path meant it to be read): only the lines the client wrote itself,
 * which start with its own words.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "docs/mail_local.h"

static const char *const prefixes[] = { "Attachment Converted:",
	"Embedded Content:" };

void sz_mail_local_init(struct sz_mail_local *f,
	int (*sink)(void *ctx, const uint8_t *p, size_t n), void *ctx)
{
	memset(f, 0, sizeof(*f));
	f->sink = sink;
	f->ctx = ctx;
}

/* The base name of a path as Eudora wrote it: in quotes (Windows), or
 * bare with Mac OS ':' folders and " (TYPE/CREA) (id)" after it, or
 * followed by ": " and Eudora's numbers (Embedded Content). */
static void base_name(const char *v, size_t n, char *out, size_t cap)
{
	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	if (n > 0 && *v == '"') {
		const char *q = memchr(v + 1, '"', n - 1);
		n = q ? (size_t)(q - v - 1) : n - 1;
		v++;
	} else {
		for (size_t i = 0; i + 1 < n; i++)
			if (v[i] == ':' && v[i + 1] == ' ') {
				n = i;
				break;
			}
		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		/* " (WDBN/MSWD) (0001A2B3)": Mac OS type, creator, id. */
		while (n > 0 && v[n - 1] == ')') {
			size_t open = n - 1;
			while (open > 0 && v[open] != '(')
				open--;
			if (open == 0 || v[open - 1] != ' ')
				break;
			n = open - 1;
			while (n > 0 && v[n - 1] == ' ')
				n--;
		}
	}
	size_t start = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i] == '\\' || v[i] == '/' || v[i] == ':')
			start = i + 1;
	size_t len = n - start;
	if (len >= cap)
		len = cap - 1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[start + i];
		out[i] = c < 0x20 || c == 0x7f || c == '[' || c == ']' ? '_' :
			(char)c;
	}
	out[len] = 0;
}

/* One whole line (with its line end, if any). */
static int line(struct sz_mail_local *f, const uint8_t *p, size_t n)
{
	size_t end = n, quote = 0;
	while (end > 0 && (p[end - 1] == '\n' || p[end - 1] == '\r'))
		end--;
	while (quote < end && (p[quote] == '>' || p[quote] == ' '))
		quote++;
	const char *s = (const char *)p + quote;
	size_t len = end - quote;
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t pl = strlen(prefixes[i]);
		if (len <= pl || strncasecmp(s, prefixes[i], pl) != 0)
			continue;
		char name[SZ_MAIL_LOCAL_NAME_MAX + 1], path[SZ_MAIL_LOCAL_LINE_MAX];
		char marker[SZ_MAIL_LOCAL_NAME_MAX + 64];
		base_name(s + pl, len - pl, name, sizeof(name));
		int m = snprintf(marker, sizeof(marker), name[0] ?
			"[attachment not in the mailbox: %s]" :
			"[attachment not in the mailbox]%s", name);
		f->replaced++;
		if (f->found != NULL) {
			size_t pn = len - pl < sizeof(path) ? len - pl : sizeof(path) - 1;
			memcpy(path, s + pl, pn);
			path[pn] = 0;
			f->found(f->found_ctx, path, name);
		}
		int rc = quote ? f->sink(f->ctx, p, quote) : 0;
		if (rc == 0)
			rc = f->sink(f->ctx, (const uint8_t *)marker, (size_t)m);
		if (rc == 0 && n > end)
			rc = f->sink(f->ctx, p + end, n - end);
		return rc;
	}
	return f->sink(f->ctx, p, n);
}

int sz_mail_local_write(struct sz_mail_local *f, const uint8_t *p, size_t n)
{
	int rc = 0;
	while (n > 0 && rc == 0) {
		const uint8_t *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) + 1 : n;
		if (f->passing) {
			rc = f->sink(f->ctx, p, take);
			f->passing = nl == NULL;
		} else if (f->len + take > sizeof(f->line)) {
			/* Too long to be a client's line: passed on as it is. */
			rc = f->len ? f->sink(f->ctx, f->line, f->len) : 0;
			if (rc == 0)
				rc = f->sink(f->ctx, p, take);
			f->len = 0;
			f->passing = nl == NULL;
		} else {
			memcpy(f->line + f->len, p, take);
			f->len += take;
			if (nl != NULL) {
				rc = line(f, f->line, f->len);
				f->len = 0;
			}
		}
		p += take;
		n -= take;
	}
	return rc;
}

int sz_mail_local_end(struct sz_mail_local *f)
{
	int rc = f->len && !f->passing ? line(f, f->line, f->len) : 0;
	f->len = 0;
	f->passing = false;
	return rc;
}
