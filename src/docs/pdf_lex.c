/*
 * pdf_lex.c - the content-stream reader of pdf_lex.h: two small state
 * machines fed one byte at a time, with character classes by table,
 * since it sees every byte a page draws.  One finds draws ("/Name Do")
 * from tokens alone, the other counts the bytes of (literal) and <hex>
 * strings.  Neither follows comments or inline images, on purpose: where
 * inline image data ends is poppler's to work out (from the image's size
 * and filters), and a reader that guessed it wrong could be led past the
 * draws after it; read as tokens, every draw poppler could run is
 * counted, at worst with a few that it would not.  Nothing else is
 * validated or interpreted.
 */
#include "docs/pdf_lex.h"

#include <string.h>

enum { NORMAL, STRING, HEX };        /* the text machine */
enum { NONE, NAME, TOKEN };          /* the draw machine */
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
	l->tk = NONE;
}

static int end_token(struct pdf_lex *l)
{
	int rc = 0;
	if (l->ntok == 2 && l->tok[0] == 'D' && l->tok[1] == 'o' &&
	    l->name_last)
		rc = l->draw(l->ctx, l->decoded, l->ndecoded);
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

/* Draws: names and the tokens after them. */
static int tokens(struct pdf_lex *l, unsigned char c)
{
	if (l->tk == NAME) {
		if (cls[c] == 0) {
			if (l->nname < sizeof(l->name))
				l->name[l->nname++] = c;
			return 0;
		}
		end_name(l);
		l->tk = NONE;
	} else if (l->tk == TOKEN) {
		if (cls[c] == 0) {
			if (l->ntok < sizeof(l->tok))
				l->tok[l->ntok++] = c;
			return 0;
		}
		l->tk = NONE;
		int rc = end_token(l);
		if (rc)
			return rc;
	}
	if (cls[c] == SPACE)
		return 0;
	if (c == '/') {
		l->tk = NAME;
		l->nname = 0;
	} else if (cls[c] == DELIM) {
		l->name_last = 0;    /* "[/X] Do", "<< /X >> Do": no draw */
	} else {
		l->tk = TOKEN;
		l->tok[0] = c;
		l->ntok = 1;
	}
	return 0;
}

/* Text: the bytes of strings. */
static void text(struct pdf_lex *l, unsigned char c)
{
	switch (l->st) {
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
		return;
	case HEX:
		if (c == '>')
			l->st = NORMAL;
		else if (cls[c] != SPACE && ++l->hex % 2 == 0)
			l->text++;
		return;
	default:
		break;
	}
	if (l->lt) {
		l->lt = 0;
		if (c != '<') {      /* "<<" is a dictionary */
			l->st = HEX;
			l->hex = 0;
			text(l, c);
		}
		return;
	}
	if (c == '(') {
		l->st = STRING;
		l->depth = 1;
		l->escape = 0;
	} else if (c == '<') {
		l->lt = 1;
	}
}

int pdf_lex_feed(struct pdf_lex *l, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		text(l, p[i]);
		int rc = tokens(l, p[i]);
		if (rc)
			return rc;
	}
	return 0;
}
