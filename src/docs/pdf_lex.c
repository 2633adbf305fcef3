/*
 * pdf_lex.c - the content-stream reader of pdf_lex.h: a state machine
 * fed one byte at a time, with character classes by table, since it sees
 * every byte a page draws.  It only finds draws, text bytes and inline
 * images; it does not validate or interpret anything else.
 */
#include "docs/pdf_lex.h"

#include <string.h>

enum { NORMAL, COMMENT, STRING, HEX, NAME, TOKEN, INLINE };
enum { SPACE = 1, DELIM = 2 };

static const unsigned char cls[256] = {
	[' '] = SPACE, ['\t'] = SPACE, ['\r'] = SPACE, ['\n'] = SPACE,
	['\f'] = SPACE, ['\0'] = SPACE,
	['('] = DELIM, [')'] = DELIM, ['<'] = DELIM, ['>'] = DELIM,
	['['] = DELIM, [']'] = DELIM, ['{'] = DELIM, ['}'] = DELIM,
	['/'] = DELIM, ['%'] = DELIM,
};

static int hexval(unsigned char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
		c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

void pdf_lex_init(struct pdf_lex *l, pdf_lex_draw draw, void *ctx)
{
	memset(l, 0, sizeof(*l));
	l->draw = draw;
	l->ctx = ctx;
	l->st = NORMAL;
}

static int end_token(struct pdf_lex *l)
{
	int rc = 0;
	int two = l->ntok == 2;
	if (two && l->tok[0] == 'D' && l->tok[1] == 'o' && l->name_last)
		rc = l->draw(l->ctx, l->decoded, l->ndecoded);
	if (two && l->tok[0] == 'I' && l->tok[1] == 'D') {
		l->st = INLINE;
		l->inl = 0;
	}
	l->name_last = 0;
	l->ntok = 0;
	return rc;
}

/* #xx escapes, as poppler reads them; too long: no name. */
static void end_name(struct pdf_lex *l)
{
	l->name_last = 0;
	if (l->nname > SZ_PDF_MAX_NAME)
		return;
	size_t o = 0;
	l->decoded[o++] = '/';
	for (size_t i = 0; i < l->nname; i++) {
		if (l->name[i] == '#' && i + 2 < l->nname &&
		    hexval(l->name[i + 1]) >= 0 && hexval(l->name[i + 2]) >= 0) {
			l->decoded[o++] = (char)(hexval(l->name[i + 1]) * 16 +
				hexval(l->name[i + 2]));
			i += 2;
		} else {
			l->decoded[o++] = (char)l->name[i];
		}
	}
	l->decoded[o] = '\0';
	l->ndecoded = o;
	l->name_last = 1;
}

static int lex(struct pdf_lex *l, unsigned char c)
{
	int rc = 0;
	switch (l->st) {
	case COMMENT:
		if (c == '\r' || c == '\n')
			l->st = NORMAL;
		return 0;
	case STRING:
		l->text++;
		if (l->escape)
			l->escape = 0;
		else if (c == '\\')
			l->escape = 1;
		else if (c == '(')
			l->depth++;
		else if (c == ')' && --l->depth == 0)
			l->st = NORMAL;
		return 0;
	case HEX:
		if (c == '>')
			l->st = NORMAL;
		else if (cls[c] != SPACE && ++l->hex % 2 == 0)
			l->text++;
		return 0;
	case INLINE:
		/* Inline image data runs to "EI" between white space. */
		if (l->inl == 0 && cls[c] == SPACE)
			l->inl = 1;
		else if (l->inl == 1 && c == 'E')
			l->inl = 2;
		else if (l->inl == 2 && c == 'I')
			l->inl = 3;
		else if (l->inl == 3 && cls[c] != 0)
			l->st = NORMAL, l->inl = 0;
		else
			l->inl = cls[c] == SPACE ? 1 : 0;
		return 0;
	case NAME:
		if (cls[c] == 0) {
			if (l->nname < sizeof(l->name))
				l->name[l->nname++] = c;
			return 0;
		}
		end_name(l);
		l->st = NORMAL;
		break;
	case TOKEN:
		if (cls[c] == 0) {
			if (l->ntok < sizeof(l->tok))
				l->tok[l->ntok++] = c;
			return 0;
		}
		l->st = NORMAL;
		rc = end_token(l);
		if (rc)
			return rc;
		if (l->st == INLINE)
			return lex(l, c);   /* the white space before the data */
		break;
	default:
		break;
	}
	/* NORMAL */
	if (l->lt) {
		l->lt = 0;
		if (c != '<') {
			l->st = HEX;
			l->hex = 0;
			return lex(l, c);
		}
		l->name_last = 0;   /* "<<": a dictionary */
		return 0;
	}
	if (cls[c] == SPACE)
		return 0;
	if (c == '%') {
		l->st = COMMENT;
	} else if (c == '(') {
		l->st = STRING;
		l->depth = 1;
		l->escape = 0;
		l->name_last = 0;
	} else if (c == '<') {
		l->lt = 1;
	} else if (c == '/') {
		l->st = NAME;
		l->nname = 0;
	} else if (cls[c] == DELIM) {
		l->name_last = 0;
	} else {
		l->st = TOKEN;
		l->tok[0] = c;
		l->ntok = 1;
	}
	return 0;
}

int pdf_lex_feed(struct pdf_lex *l, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int rc = lex(l, p[i]);
		if (rc)
			return rc;
	}
	return 0;
}
