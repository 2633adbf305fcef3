/*
 * session_key.h - the session key: the secret that seals the sessions a
 * face keeps in a shared store (session.h) and keys its CSRF and
 * codename seals, the same in every process of the deployment.  It is
 * read from session_key_file, which must sit on tmpfs (or ramfs): a key
 * that never reaches a disk leaves a seized database's rows sealed.
 *
 * Ownership: sz_session_key_load gives a sodium_malloc'd key that the
 * caller wipes and frees with sz_session_key_free.
 */
#ifndef SZ_HTTP_SESSION_KEY_H
#define SZ_HTTP_SESSION_KEY_H

#include <stdint.h>

#include "core/err.h"

#define SZ_SESSION_KEY_SIZE 32

/* Reads the key in path: 32 bytes, or 64 hex digits and a newline; the
 * file must be a regular file on tmpfs or ramfs that neither its group
 * nor others may read.  Refuses anything else, saying why. */
int sz_session_key_load(const char *path, uint8_t **key,
	struct sz_err *err);
void sz_session_key_free(uint8_t *key);

/* A key for purpose (up to 8 characters, e.g. "pre-csrf") derived from
 * the session key: the same in every process that reads the file. */
void sz_session_key_derive(const uint8_t *key, const char *purpose,
	uint8_t *out, size_t len);

#endif
