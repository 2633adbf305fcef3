/*
 * plural.c - Plural-Forms expressions: a recursive-descent parser with one
 * level per precedence, into a fixed array of nodes, and an evaluator over
 * that array.  Nothing here allocates.
 */
#include "core/plural.h"

#include <limits.h>
#include <stdbool.h>
#include <string.h>

enum op {
	OP_NUM, OP_VAR, OP_NOT, OP_MUL, OP_DIV, OP_MOD, OP_ADD, OP_SUB,
	OP_LT, OP_GT, OP_LE, OP_GE, OP_EQ, OP_NE, OP_AND, OP_OR, OP_COND,
};

struct parser {
	const char *s;
	size_t len, pos;
	struct sz_plural *p;
	bool failed;
	const char *why;
};

static void skip_space(struct parser *ps)
{
	while (ps->pos < ps->len && (ps->s[ps->pos] == ' ' ||
		    ps->s[ps->pos] == '\t' || ps->s[ps->pos] == '\n' ||
		    ps->s[ps->pos] == '\r'))
		ps->pos++;
}

static int fail(struct parser *ps, const char *why)
{
	if (!ps->failed) {
		ps->failed = true;
		ps->why = why;
	}
	return 0;
}

/* Consumes tok if it comes next (after spaces). */
static bool take(struct parser *ps, const char *tok)
{
	size_t n = strlen(tok);
	skip_space(ps);
	if (ps->len - ps->pos >= n && memcmp(ps->s + ps->pos, tok, n) == 0) {
		ps->pos += n;
		return true;
	}
	return false;
}

static int node(struct parser *ps, enum op op, int a, int b, int c,
	unsigned long value)
{
	struct sz_plural *p = ps->p;
	if (ps->failed)
		return 0;
	if (p->nnodes >= SZ_PLURAL_MAX_NODES)
		return fail(ps, "the plural expression is too long");
	struct sz_plural_node *n = &p->nodes[p->nnodes];
	n->op = (uint8_t)op;
	n->a = (uint8_t)a;
	n->b = (uint8_t)b;
	n->c = (uint8_t)c;
	n->value = value;
	return (int)p->nnodes++;
}

static int expr(struct parser *ps, unsigned depth);

static bool number(struct parser *ps, unsigned long *v)
{
	skip_space(ps);
	if (ps->pos >= ps->len || ps->s[ps->pos] < '0' || ps->s[ps->pos] > '9')
		return false;
	unsigned long n = 0;
	while (ps->pos < ps->len && ps->s[ps->pos] >= '0' &&
	    ps->s[ps->pos] <= '9') {
		unsigned d = (unsigned)(ps->s[ps->pos++] - '0');
		if (n > (ULONG_MAX - d) / 10)
			return fail(ps, "a number in the plural expression is "
				"too large"), true;
		n = n * 10 + d;
	}
	*v = n;
	return true;
}

static int unary(struct parser *ps, unsigned depth)
{
	unsigned long v;
	if (ps->failed)
		return 0;
	if (depth > SZ_PLURAL_MAX_DEPTH)
		return fail(ps, "the plural expression is nested too deeply");
	if (take(ps, "!")) {
		int a = unary(ps, depth + 1);
		return node(ps, OP_NOT, a, 0, 0, 0);
	}
	if (take(ps, "(")) {
		int a = expr(ps, depth + 1);
		if (!take(ps, ")"))
			return fail(ps, "a parenthesis is not closed");
		return a;
	}
	if (take(ps, "n"))
		return node(ps, OP_VAR, 0, 0, 0, 0);
	if (number(ps, &v))
		return node(ps, OP_NUM, 0, 0, 0, v);
	return fail(ps, "the plural expression has something other than n, "
		"a number or an operator");
}

/* The binary operators, loosest first; each level's operators are tried
 * longest first, so "<=" is not read as "<". */
static const struct {
	const char *tok;
	enum op op;
} levels[][4] = {
	{ { "||", OP_OR } },
	{ { "&&", OP_AND } },
	{ { "==", OP_EQ }, { "!=", OP_NE } },
	{ { "<=", OP_LE }, { ">=", OP_GE }, { "<", OP_LT }, { ">", OP_GT } },
	{ { "+", OP_ADD }, { "-", OP_SUB } },
	{ { "*", OP_MUL }, { "/", OP_DIV }, { "%", OP_MOD } },
};
#define NLEVELS (sizeof(levels) / sizeof(levels[0]))

static int binary(struct parser *ps, size_t level, unsigned depth)
{
	if (level == NLEVELS)
		return unary(ps, depth);
	int left = binary(ps, level + 1, depth);
	for (;;) {
		if (ps->failed)
			return 0;
		size_t i;
		for (i = 0; i < 4 && levels[level][i].tok != NULL; i++)
			if (take(ps, levels[level][i].tok))
				break;
		if (i == 4 || levels[level][i].tok == NULL)
			return left;
		int right = binary(ps, level + 1, depth);
		left = node(ps, levels[level][i].op, left, right, 0, 0);
	}
}

static int expr(struct parser *ps, unsigned depth)
{
	if (depth > SZ_PLURAL_MAX_DEPTH)
		return fail(ps, "the plural expression is nested too deeply");
	int test = binary(ps, 0, depth);
	if (!take(ps, "?"))
		return test;
	int yes = expr(ps, depth + 1);
	if (!take(ps, ":"))
		return fail(ps, "a \"?\" has no \":\"");
	int no = expr(ps, depth + 1);
	return node(ps, OP_COND, test, yes, no, 0);
}

void sz_plural_default(struct sz_plural *p)
{
	/* nplurals=2; plural=n != 1; */
	memset(p, 0, sizeof(*p));
	p->nplurals = 2;
	p->nodes[0].op = OP_VAR;
	p->nodes[1].op = OP_NUM;
	p->nodes[1].value = 1;
	p->nodes[2].op = OP_NE;
	p->nodes[2].a = 0;
	p->nodes[2].b = 1;
	p->nnodes = 3;
	p->root = 2;
}

int sz_plural_parse(struct sz_plural *p, const char *text, size_t len,
	struct sz_err *err)
{
	struct parser ps = { .s = text, .len = len, .p = p };
	unsigned long nplurals = 0;
	if (len > SZ_PLURAL_MAX_TEXT) {
		sz_plural_default(p);
		return sz_err_set(err, SZ_E_LIMIT, "the Plural-Forms field is "
			"longer than %d bytes", SZ_PLURAL_MAX_TEXT);
	}
	memset(p, 0, sizeof(*p));
	if (!take(&ps, "nplurals") || !take(&ps, "=") ||
	    !number(&ps, &nplurals) || !take(&ps, ";") ||
	    !take(&ps, "plural") || !take(&ps, "="))
		fail(&ps, "expected \"nplurals=N; plural=EXPRESSION;\"");
	else if (nplurals < 1 || nplurals > SZ_PLURAL_MAX_FORMS)
		fail(&ps, "nplurals is not between 1 and 8");
	int root = ps.failed ? 0 : expr(&ps, 0);
	take(&ps, ";");
	skip_space(&ps);
	if (!ps.failed && ps.pos != ps.len)
		fail(&ps, "the plural expression does not end where it should");
	if (ps.failed) {
		sz_plural_default(p);
		return sz_err_set(err, SZ_E_INVAL, "Plural-Forms: %s", ps.why);
	}
	p->nplurals = (unsigned)nplurals;
	p->root = (uint8_t)root;
	return SZ_OK;
}

/* Operands always come before their node (they are made first), so the
 * recursion is bounded by the number of nodes. */
static unsigned long eval(const struct sz_plural *p, unsigned i,
	unsigned long n)
{
	const struct sz_plural_node *x = &p->nodes[i];
	unsigned long a, b;
	switch (x->op) {
	case OP_NUM: return x->value;
	case OP_VAR: return n;
	case OP_NOT: return !eval(p, x->a, n);
	case OP_COND:
		return eval(p, x->a, n) ? eval(p, x->b, n) : eval(p, x->c, n);
	case OP_AND: return eval(p, x->a, n) && eval(p, x->b, n);
	case OP_OR: return eval(p, x->a, n) || eval(p, x->b, n);
	default: break;
	}
	a = eval(p, x->a, n);
	b = eval(p, x->b, n);
	switch (x->op) {
	case OP_MUL: return a * b;
	case OP_DIV: return b ? a / b : 0;
	case OP_MOD: return b ? a % b : 0;
	case OP_ADD: return a + b;
	case OP_SUB: return a - b;
	case OP_LT: return a < b;
	case OP_GT: return a > b;
	case OP_LE: return a <= b;
	case OP_GE: return a >= b;
	case OP_EQ: return a == b;
	case OP_NE: return a != b;
	default: return 0;
	}
}

unsigned sz_plural_form(const struct sz_plural *p, unsigned long n)
{
	if (p->nnodes == 0)
		return 0;
	unsigned long form = eval(p, p->root, n);
	return form < p->nplurals ? (unsigned)form : 0;
}
