/*
 * form.h - application/x-www-form-urlencoded bodies and query strings.
 *
 * Parses into a fixed table of at most SZ_FORM_MAX_FIELDS fields that
 * point into one owned copy of the input; percent-escapes and '+' are
 * decoded, and every name and value must be valid UTF-8 without NUL.
 */
#ifndef SZ_HTTP_FORM_H
#define SZ_HTTP_FORM_H

#include <stddef.h>

#include "core/err.h"

#define SZ_FORM_MAX_FIELDS 32
#define SZ_FORM_MAX_SIZE (1024 * 1024)

struct sz_form_field {
	const char *name;
	const char *value;
	size_t value_len;
};

struct sz_form {
	char *data;   /* owned */
	size_t size;
	size_t n;
	struct sz_form_field f[SZ_FORM_MAX_FIELDS];
};

/* Parses len bytes; SZ_E_INVAL with a reason on malformed input. */
int sz_form_parse(struct sz_form *form, const char *in, size_t len,
	struct sz_err *err);
/* The first field of that name, or NULL. */
const struct sz_form_field *sz_form_get(const struct sz_form *form,
	const char *name);
/* Wipes and frees the copy (forms carry codenames). */
void sz_form_free(struct sz_form *form);

#endif
