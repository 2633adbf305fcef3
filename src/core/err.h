/*
 * err.h - error codes and the human-readable error carried back to a caller.
 *
 * Every function that can fail returns 0 or a negative SZ_E_* code and, when
 * given a struct sz_err, fills it with one sentence for the user: what failed
 * and what to do about it.  Messages never contain secrets or client data.
 */
#ifndef SZ_CORE_ERR_H
#define SZ_CORE_ERR_H

#include <stddef.h>

enum sz_err_code {
	SZ_OK = 0,
	SZ_E_INVAL = -1,       /* a malformed argument or input */
	SZ_E_IO = -2,          /* the operating system refused a read or write */
	SZ_E_NOMEM = -3,       /* out of memory */
	SZ_E_LIMIT = -4,       /* an explicit size or count limit was exceeded */
	SZ_E_HEADER = -5,      /* age: the header is malformed */
	SZ_E_NO_MATCH = -6,    /* age: no identity unwraps any stanza */
	SZ_E_HMAC = -7,        /* age: the header MAC does not verify */
	SZ_E_PAYLOAD = -8,     /* age: the payload is corrupted or truncated */
	SZ_E_ARMOR = -9,       /* age: the ASCII armor is malformed */
	SZ_E_UNSUPPORTED = -10, /* a valid but unsupported input */
	SZ_E_CRYPTO = -11,     /* a primitive failed (should not happen) */
	SZ_E_BUSY = -12,       /* no room just now: try again later */
	SZ_E_NOT_FOUND = -20,  /* no such thing */
	SZ_E_EXISTS = -21,     /* it exists already, or was used already */
};

#define SZ_ERR_MSG_SIZE 320

struct sz_err {
	int code;
	char msg[SZ_ERR_MSG_SIZE];
};

/* Fills err (if not NULL) with code and a printf-style message; returns code. */
int sz_err_set(struct sz_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Clears err (if not NULL). */
void sz_err_clear(struct sz_err *err);

/* A short name of a code, such as "header failure", for tests and logs. */
const char *sz_err_name(int code);

#endif
