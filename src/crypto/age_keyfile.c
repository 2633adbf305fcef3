/*
 * age_keyfile.c - identity and recipients files.  Lines of identity files
 * are read into sodium_malloc'd memory and wiped; an error names the line
 * number but never repeats the line, which may hold a secret.
 */
#include "crypto/age_keyfile.h"

#include <errno.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int grow(void ***v, size_t n, struct sz_err *err)
{
	if (n >= SZ_AGE_KEYFILE_MAX_KEYS)
		return sz_err_set(err, SZ_E_LIMIT, "more than %d keys",
			SZ_AGE_KEYFILE_MAX_KEYS);
	void **more = realloc(*v, (n + 1) * sizeof(*more));
	if (more == NULL)
		return sz_err_set(err, SZ_E_NOMEM, "out of memory");
	*v = more;
	return SZ_OK;
}

int sz_age_identities_add(struct sz_age_identities *list,
	struct sz_age_identity *id, struct sz_err *err)
{
	int rc = grow((void ***)&list->v, list->n, err);
	if (rc != SZ_OK) {
		sz_age_identity_free(id);
		return rc;
	}
	list->v[list->n++] = id;
	return SZ_OK;
}

int sz_age_recipients_add(struct sz_age_recipients *list,
	struct sz_age_recipient *r, struct sz_err *err)
{
	int rc = grow((void ***)&list->v, list->n, err);
	if (rc != SZ_OK) {
		sz_age_recipient_free(r);
		return rc;
	}
	list->v[list->n++] = r;
	return SZ_OK;
}

void sz_age_identities_free(struct sz_age_identities *list)
{
	for (size_t i = 0; i < list->n; i++)
		sz_age_identity_free(list->v[i]);
	free(list->v);
	list->v = NULL;
	list->n = 0;
}

void sz_age_recipients_free(struct sz_age_recipients *list)
{
	for (size_t i = 0; i < list->n; i++)
		sz_age_recipient_free(list->v[i]);
	free(list->v);
	list->v = NULL;
	list->n = 0;
}

typedef int (*line_fn)(void *list, const char *line, size_t lineno,
	const char *path, struct sz_err *err);

/* Calls fn for each meaningful line of path, trimmed of CR/LF. */
static int each_line(const char *path, line_fn fn, void *list,
	struct sz_err *err)
{
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "r");
	if (f == NULL)
		return sz_err_set(err, SZ_E_IO, "cannot open %s: %s", path,
			strerror(errno));
	/* Unbuffered: stdio's own buffer would keep a copy of secrets. */
	if (!is_stdin)
		setvbuf(f, NULL, _IONBF, 0);
	char *line = sodium_malloc(SZ_AGE_KEYFILE_MAX_LINE + 2);
	int rc = SZ_OK;
	size_t lineno = 0, keys = 0;
	if (line == NULL) {
		rc = sz_err_set(err, SZ_E_NOMEM, "out of memory");
		goto out;
	}
	while (fgets(line, SZ_AGE_KEYFILE_MAX_LINE + 2, f) != NULL) {
		lineno++;
		size_t n = strlen(line);
		if (n > SZ_AGE_KEYFILE_MAX_LINE) {
			rc = sz_err_set(err, SZ_E_LIMIT,
				"%s line %zu is longer than %d bytes", path,
				lineno, SZ_AGE_KEYFILE_MAX_LINE);
			goto out;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		rc = fn(list, line, lineno, path, err);
		if (rc != SZ_OK)
			goto out;
		keys++;
	}
	if (ferror(f)) {
		rc = sz_err_set(err, SZ_E_IO, "cannot read %s", path);
		goto out;
	}
	if (keys == 0)
		rc = sz_err_set(err, SZ_E_INVAL, "%s holds no keys", path);
out:
	if (line != NULL)
		sodium_free(line);
	if (!is_stdin)
		fclose(f);
	return rc;
}

static int identity_line(void *list, const char *line, size_t lineno,
	const char *path, struct sz_err *err)
{
	struct sz_age_identity *id;
	if (strncmp(line, "age1", 4) == 0)
		return sz_err_set(err, SZ_E_INVAL,
			"%s line %zu is a recipient (public key), not an "
			"identity: decrypting needs the AGE-SECRET-KEY-1… line",
			path, lineno);
	if (strncmp(line, "-----BEGIN", 10) == 0 ||
	    strncmp(line, "age-encryption.org/", 19) == 0)
		return sz_err_set(err, SZ_E_UNSUPPORTED,
			"%s is encrypted or an SSH key; give an unencrypted "
			"age identity file", path);
	if (sz_age_identity_parse(line, &id, NULL) != SZ_OK)
		return sz_err_set(err, SZ_E_INVAL,
			"%s line %zu is not an age identity "
			"(AGE-SECRET-KEY-1…)", path, lineno);
	return sz_age_identities_add(list, id, err);
}

static int recipient_line(void *list, const char *line, size_t lineno,
	const char *path, struct sz_err *err)
{
	struct sz_age_recipient *r;
	if (sz_age_recipient_parse(line, &r, NULL) != SZ_OK)
		return sz_err_set(err, SZ_E_INVAL,
			"%s line %zu is not an age recipient (age1…)", path,
			lineno);
	return sz_age_recipients_add(list, r, err);
}

int sz_age_identities_load(struct sz_age_identities *list, const char *path,
	struct sz_err *err)
{
	return each_line(path, identity_line, list, err);
}

int sz_age_recipients_load(struct sz_age_recipients *list, const char *path,
	struct sz_err *err)
{
	return each_line(path, recipient_line, list, err);
}
