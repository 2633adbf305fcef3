/* form.c - urlencoded form parsing into one wiped buffer. */
#include "http/form.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..n) in place; returns the new length or -1. */
static long decode(char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			s[o++] = ' ';
		} else if (s[i] == '%') {
			int a, b;
			if (i + 2 >= n)
				return -1;
			a = hexval(s[i + 1]);
			b = hexval(s[i + 2]);
			if (a < 0 || b < 0)
				return -1;
			s[o++] = (char)(a * 16 + b);
			i += 2;
		} else {
			s[o++] = s[i];
		}
	}
	s[o] = '\0';
	return (long)o;
}

int sz_form_parse(struct sz_form *form, const char *in, size_t len,
	struct sz_err *err)
{
	memset(form, 0, sizeof(*form));
	if (len > SZ_FORM_MAX_SIZE)
		return sz_err_set(err, SZ_E_LIMIT, "the form is too large");
	form->data = malloc(len + 1);
	form->size = len + 1;
	if (form->data == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	memcpy(form->data, in, len);
	form->data[len] = '\0';
	char *p = form->data, *end = form->data + len;
	while (p < end) {
		char *amp = memchr(p, '&', (size_t)(end - p));
		char *stop = amp ? amp : end;
		*stop = '\0';
		if (stop > p) {
			if (form->n == SZ_FORM_MAX_FIELDS)
				return sz_err_set(err, SZ_E_LIMIT,
					"the form has too many fields");
			char *eq = memchr(p, '=', (size_t)(stop - p));
			char *val = eq ? eq + 1 : stop;
			if (eq)
				*eq = '\0';
			long nl = decode(p, (size_t)((eq ? eq : stop) - p));
			long vl = decode(val, (size_t)(stop - val));
			if (nl < 0 || vl < 0)
				return sz_err_set(err, SZ_E_INVAL,
					"the form has a malformed %%-escape");
			if (memchr(p, '\0', (size_t)nl) ||
			    memchr(val, '\0', (size_t)vl) ||
			    !sz_utf8_valid(p, (size_t)nl) ||
			    !sz_utf8_valid(val, (size_t)vl))
				return sz_err_set(err, SZ_E_INVAL,
					"the form has text that is not UTF-8");
			form->f[form->n].name = p;
			form->f[form->n].value = val;
			form->f[form->n].value_len = (size_t)vl;
			form->n++;
		}
		p = stop + 1;
	}
	return SZ_OK;
}

const struct sz_form_field *sz_form_get(const struct sz_form *form,
	const char *name)
{
	for (size_t i = 0; i < form->n; i++)
		if (strcmp(form->f[i].name, name) == 0)
			return &form->f[i];
	return NULL;
}

void sz_form_free(struct sz_form *form)
{
	if (form->data != NULL) {
		sodium_memzero(form->data, form->size);
		free(form->data);
	}
	memset(form, 0, sizeof(*form));
}
