/*
 * css.c - style sheets without comments.  A designer's comments ("fixed
 * for Anna's laptop", "/Users/anna/Projects/...") are the only place a
 * style sheet says who wrote it; everything else is kept byte for byte.
 *
 * A streaming filter over the bytes, following the tokenisation of CSS
 * Syntax Level 3 only as far as comments need: strings, escapes and
 * unquoted url(...) are passed through (a slash-star inside them is not a
 * comment).  A removed comment disappears where white space or
 * punctuation already separates its neighbours, and otherwise becomes an
 * empty comment, so no two tokens ever merge (a/ * x * /b is not `ab`).
 *
 * It also checks that the text is CSS: blocks, brackets, strings and
 * comments close, and every item in a block is a declaration (`name:
 * value`), a nested rule or an at-rule.  libmagic calls CSS plain text;
 * css_sniff uses the same check to tell a style sheet from other text.
 *
 * Not here: parsing values, selectors or @import targets (URLs are kept).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docs/internal.h"

#define CSS_MAX_DEPTH 256u     /* nested blocks and brackets */
#define CSS_NOTE 200u          /* comment text kept for the report */
#define CSS_OUT 4096u

enum state {
	S_NORMAL, S_SLASH, S_COMMENT, S_COMMENT_STAR, S_STRING, S_STRING_ESC,
	S_ESC, S_URL_START, S_URL, S_URL_ESC,
};

struct css_filter {
	css_emit emit;
	void *ctx;
	struct sz_doc_report *r;
	bool decls;
	enum state state;
	uint8_t quote;
	uint8_t prev;            /* last byte kept; 0 at the start */
	uint8_t tail[4];         /* last bytes kept outside strings */
	bool pending;            /* comments removed just before here */
	bool note_empty;
	char note[CSS_NOTE];
	size_t note_len;
	uint8_t stack[CSS_MAX_DEPTH];
	unsigned depth;
	bool item_content, item_colon, item_at;
	size_t rules;
	uint8_t out[CSS_OUT];
	size_t out_len;
	int rc;
	const char *why;
};

struct css_filter *css_filter_new(css_emit emit, void *ctx,
	struct sz_doc_report *r, bool decls)
{
	struct css_filter *f = calloc(1, sizeof(*f));
	if (f != NULL) {
		f->emit = emit;
		f->ctx = ctx;
		f->r = r;
		f->decls = decls;
	}
	return f;
}

void css_filter_free(struct css_filter *f)
{
	free(f);
}

static bool ws(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool ident_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c >= 0x80 ||
	       c == '\\';
}

static void bad(struct css_filter *f, const char *why)
{
	if (f->rc == 0) {
		f->rc = SZ_E_INVAL;
		f->why = why;
	}
}

static void flush(struct css_filter *f)
{
	if (f->rc == 0 && f->emit != NULL && f->out_len > 0)
		f->rc = f->emit(f->ctx, f->out, f->out_len);
	f->out_len = 0;
}

static void put(struct css_filter *f, uint8_t c)
{
	if (f->out_len == CSS_OUT)
		flush(f);
	f->out[f->out_len++] = c;
	f->prev = c;
	if (f->state == S_NORMAL || f->state == S_SLASH || f->state == S_ESC) {
		memmove(f->tail, f->tail + 1, 3);
		f->tail[3] = c;
	}
}

/* The comments just removed go, or leave an empty comment where their
 * neighbours would otherwise run together; next is the byte after them
 * (0 at the end). */
static void settle(struct css_filter *f, uint8_t next)
{
	if (!f->pending)
		return;
	f->pending = false;
	uint8_t p = f->prev;
	bool apart = p == 0 || next == 0 || ws(p) || ws(next) ||
		strchr("{};:,(", p) != NULL || strchr("{};:,)", next) != NULL;
	if (!apart) {
		put(f, '/');
		put(f, '*');
		put(f, '*');
		put(f, '/');
	}
}

static void item_reset(struct css_filter *f)
{
	f->item_content = f->item_colon = f->item_at = false;
}

/* Whether the item just ended is acceptable where it stands. */
static void item_end(struct css_filter *f, bool in_block)
{
	if (f->item_content && !f->item_at && (in_block || f->decls) &&
	    !f->item_colon)
		bad(f, "a declaration without a colon");
	if (f->item_content && !f->item_at && !in_block && !f->decls)
		bad(f, "text outside any rule");
	item_reset(f);
}

static bool in_brackets(const struct css_filter *f)
{
	return f->depth > 0 && f->stack[f->depth - 1] != '{';
}

static void open_(struct css_filter *f, uint8_t c)
{
	if (f->depth == CSS_MAX_DEPTH) {
		bad(f, "blocks nested too deep");
		return;
	}
	f->stack[f->depth++] = c;
}

static void close_(struct css_filter *f, uint8_t open)
{
	if (f->depth == 0 || f->stack[f->depth - 1] != open)
		bad(f, "unbalanced brackets");
	else
		f->depth--;
}

static void normal(struct css_filter *f, uint8_t c)
{
	if (c == '/') {
		f->state = S_SLASH;
		return;
	}
	settle(f, c);
	bool item_level = !in_brackets(f);
	switch (c) {
	case '"': case '\'':
		f->quote = c;
		f->item_content = true;
		put(f, c);
		f->state = S_STRING;
		return;
	case '\\':
		f->item_content = true;
		put(f, c);
		f->state = S_ESC;
		return;
	case '(': {
		bool url = (f->tail[1] | 0x20) == 'u' && (f->tail[2] | 0x20) == 'r' &&
			(f->tail[3] | 0x20) == 'l' && !ident_char(f->tail[0]);
		put(f, c);
		open_(f, '(');
		f->item_content = true;
		if (url)
			f->state = S_URL_START;
		return;
	}
	case '[':
		put(f, c);
		open_(f, '[');
		f->item_content = true;
		return;
	case ')':
		put(f, c);
		close_(f, '(');
		return;
	case ']':
		put(f, c);
		close_(f, '[');
		return;
	case '{':
		put(f, c);
		if (item_level) {
			if (!f->item_content && !f->decls)
				bad(f, "a block without a selector");
			f->rules++;
			item_reset(f);
		}
		open_(f, '{');
		return;
	case '}':
		put(f, c);
		if (item_level)
			item_end(f, true);
		close_(f, '{');
		item_reset(f);    /* the rule this block belonged to ends */
		return;
	case ';':
		put(f, c);
		if (item_level)
			item_end(f, f->depth > 0);
		return;
	case 0:
		bad(f, "a NUL byte");
		return;
	default:
		break;
	}
	put(f, c);
	if (ws(c) || !item_level)
		return;
	if (c == '@' && !f->item_content)
		f->item_at = true;
	if (c == ':')
		f->item_colon = true;
	f->item_content = true;
}

static void note_add(struct css_filter *f, uint8_t c)
{
	if (!ws(c))
		f->note_empty = false;
	if (f->note_len < CSS_NOTE)
		f->note[f->note_len++] = (char)c;
}

static void comment_done(struct css_filter *f)
{
	if (!f->note_empty)
		sz_doc_report_add(f->r, "CSS comment", "comment", f->note,
			f->note_len);
	f->pending = true;
	f->state = S_NORMAL;
}

static void step(struct css_filter *f, uint8_t c)
{
	switch (f->state) {
	case S_NORMAL:
		normal(f, c);
		return;
	case S_SLASH:
		if (c == '*') {
			f->state = S_COMMENT;
			f->note_len = 0;
			f->note_empty = true;
			return;
		}
		f->state = S_NORMAL;
		settle(f, '/');
		put(f, '/');
		if (!in_brackets(f))
			f->item_content = true;
		normal(f, c);
		return;
	case S_COMMENT:
		if (c == '*')
			f->state = S_COMMENT_STAR;
		else
			note_add(f, c);
		return;
	case S_COMMENT_STAR:
		if (c == '/') {
			comment_done(f);
		} else if (c != '*') {
			note_add(f, '*');
			note_add(f, c);
			f->state = S_COMMENT;
		} else {
			note_add(f, '*');
		}
		return;
	case S_STRING:
		put(f, c);
		if (c == f->quote)
			f->state = S_NORMAL;
		else if (c == '\\')
			f->state = S_STRING_ESC;
		else if (c == '\n' || c == '\r' || c == '\f')
			bad(f, "a string runs past the end of its line");
		else if (c == 0)
			bad(f, "a NUL byte");
		return;
	case S_STRING_ESC:
		put(f, c);
		f->state = S_STRING;
		return;
	case S_ESC:
		f->state = S_NORMAL;
		put(f, c);
		if (c == 0)
			bad(f, "a NUL byte");
		return;
	case S_URL_START:
		if (ws(c)) {
			put(f, c);
		} else if (c == '"' || c == '\'') {
			f->quote = c;
			put(f, c);
			f->state = S_STRING;
		} else {
			f->state = S_NORMAL;
			if (c == ')') {
				normal(f, c);
			} else {
				put(f, c);
				f->state = c == '\\' ? S_URL_ESC : S_URL;
			}
		}
		return;
	case S_URL:
		if (c == ')') {
			f->state = S_NORMAL;
			normal(f, c);
			return;
		}
		put(f, c);
		if (c == '\\')
			f->state = S_URL_ESC;
		else if (c == '"' || c == '\'' || c == '(' || c == 0)
			bad(f, "a malformed url()");
		return;
	case S_URL_ESC:
		put(f, c);
		f->state = S_URL;
		return;
	}
}

int css_filter_feed(struct css_filter *f, const uint8_t *p, size_t n,
	struct sz_err *err)
{
	for (size_t i = 0; i < n && f->rc == 0; i++)
		step(f, p[i]);
	if (f->rc == SZ_E_INVAL)
		return sz_err_set(err, SZ_E_INVAL, "not a CSS style sheet (%s)",
			f->why);
	return f->rc;
}

int css_filter_end(struct css_filter *f, size_t *rules, struct sz_err *err)
{
	if (f->rc == 0) {
		if (f->state == S_SLASH) {
			f->state = S_NORMAL;
			settle(f, '/');
			put(f, '/');
			f->item_content = true;
		}
		if (f->state != S_NORMAL)
			bad(f, f->state == S_COMMENT || f->state == S_COMMENT_STAR ?
				"a comment is not closed" : "a string or url() is not closed");
		else if (f->depth > 0)
			bad(f, "a block is not closed");
		else
			item_end(f, false);
		settle(f, 0);
		flush(f);
	}
	if (rules != NULL)
		*rules = f->rules;
	if (f->rc == SZ_E_INVAL)
		return sz_err_set(err, SZ_E_INVAL, "not a CSS style sheet (%s)",
			f->why);
	return f->rc;
}

bool css_sniff(int fd)
{
	struct rd *in = rd_new(fd, NULL);
	if (in == NULL)
		return false;
	bool css = false;
	struct css_filter *f = in->size <= SZ_DOC_MAX_CSS ?
		css_filter_new(NULL, NULL, NULL, false) : NULL;
	size_t have, rules = 0;
	while (f != NULL && (have = rd_fill(in, RD_BUF, NULL)) > 0) {
		if (css_filter_feed(f, in->buf + in->pos, have, NULL) != 0)
			goto out;
		in->pos += have;
	}
	css = f != NULL && css_filter_end(f, &rules, NULL) == 0 && rules > 0;
out:
	css_filter_free(f);
	rd_free(in);
	lseek(fd, 0, SEEK_SET);
	return css;
}

static int emit_wr(void *ctx, const uint8_t *p, size_t n)
{
	return wr_put(ctx, p, n, NULL);
}

int doc_css(int fd, const char *out_path, struct sz_doc_report *r,
	struct sz_err *err)
{
	struct rd *in;
	struct wr out;
	int rc = doc_begin(fd, out_path, &in, &out, err);
	if (rc != 0)
		return rc;
	struct css_filter *f = NULL;
	if (in->size > SZ_DOC_MAX_CSS) {
		rc = sz_err_set(err, SZ_E_LIMIT, "the style sheet is larger than "
			"samizdat takes (%u MiB)", SZ_DOC_MAX_CSS >> 20);
		goto out;
	}
	f = css_filter_new(emit_wr, &out, r, false);
	if (f == NULL) {
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		goto out;
	}
	size_t have;
	while ((have = rd_fill(in, RD_BUF, err)) > 0) {
		if ((rc = css_filter_feed(f, in->buf + in->pos, have, err)) != 0)
			goto out;
		in->pos += have;
	}
	rc = css_filter_end(f, NULL, err);
	if (rc == SZ_E_IO)
		sz_err_set(err, SZ_E_IO, "cannot write the output");
out:
	css_filter_free(f);
	rc = doc_verify(doc_finish(in, &out, rc, err), doc_css, out_path, err);
	return rc;
}
