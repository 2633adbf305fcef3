/*
 * age_keyfile.h - reading identity files (as age-keygen and samizdat keygen
 * write them) and recipients files (one "age1…" per line).  Blank lines and
 * lines starting with '#' are ignored, as age does.  Files are read line by
 * line with a bounded line length and a bounded number of keys.
 */
#ifndef SZ_CRYPTO_AGE_KEYFILE_H
#define SZ_CRYPTO_AGE_KEYFILE_H

#include <stddef.h>

#include "core/err.h"
#include "crypto/age_keys.h"

#define SZ_AGE_KEYFILE_MAX_KEYS 1024
#define SZ_AGE_KEYFILE_MAX_LINE 4096

struct sz_age_identities {
	struct sz_age_identity **v;  /* owned */
	size_t n;
};

struct sz_age_recipients {
	struct sz_age_recipient **v;  /* owned */
	size_t n;
};

/* Appends to list; a path of "-" reads standard input. */
int sz_age_identities_load(struct sz_age_identities *list, const char *path,
	struct sz_err *err);
int sz_age_identities_add(struct sz_age_identities *list,
	struct sz_age_identity *id, struct sz_err *err);
void sz_age_identities_free(struct sz_age_identities *list);

int sz_age_recipients_load(struct sz_age_recipients *list, const char *path,
	struct sz_err *err);
/* Takes ownership of r (freed on failure). */
int sz_age_recipients_add(struct sz_age_recipients *list,
	struct sz_age_recipient *r, struct sz_err *err);
void sz_age_recipients_free(struct sz_age_recipients *list);

#endif
