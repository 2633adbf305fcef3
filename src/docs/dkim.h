/*
 * dkim.h - DKIM signatures of archived e-mails, checked with OpenDKIM's
 * library against signing keys the editor supplies as DNS TXT records in
 * a file (zone-file lines as opendkim-genkey writes them, or "NAME VALUE"
 * lines), never against live DNS: the check must be repeatable offline,
 * years later, after the sender has rotated its key.
 */
#ifndef SZ_DOCS_DKIM_H
#define SZ_DOCS_DKIM_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define SZ_DKIM_KEYS_MAX_BYTES (1u << 20)
#define SZ_DKIM_KEYS_MAX 1000u

/* The same order as the archive's enum sz_dkim_state. */
enum sz_dkim_result {
	SZ_DKIM_RESULT_NONE,      /* no signature */
	SZ_DKIM_RESULT_PASS,
	SZ_DKIM_RESULT_FAIL,
	SZ_DKIM_RESULT_UNKNOWN,   /* signed, but no key to check it with */
};

struct sz_dkim_keys;

/* Parses a file of TXT records; SZ_E_INVAL naming the line on error. */
int sz_dkim_keys_load(const char *path, struct sz_dkim_keys **keys,
	struct sz_err *err);
void sz_dkim_keys_free(struct sz_dkim_keys *keys);

/* Verifies the message at [off, off+len) of fd (keys may be NULL); detail
 * says which domain and selector, and why it failed. */
int sz_dkim_verify(const struct sz_dkim_keys *keys, int fd, uint64_t off,
	uint64_t len, enum sz_dkim_result *result, char *detail, size_t cap,
	struct sz_err *err);

#endif
