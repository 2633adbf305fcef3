/*
 * buf.h - a growable byte string that carries its length and a hard upper
 * bound, so no append can grow it past what the caller allowed.
 */
#ifndef SZ_CORE_BUF_H
#define SZ_CORE_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct sz_buf {
	uint8_t *data;  /* owned; always NUL-terminated past len when non-NULL */
	size_t len;
	size_t cap;
	size_t max;     /* appends beyond this many bytes fail with SZ_E_LIMIT */
	int secure;     /* data comes from sodium_malloc (locked, guarded) */
};

/* Starts an empty buffer that may hold at most max bytes. */
void sz_buf_init(struct sz_buf *b, size_t max);
/* The same, for secrets (a page showing a codename, a message): its
 * memory comes from sodium_malloc, locked out of swap where the system
 * allows, and is released with sodium_free. */
void sz_buf_init_secure(struct sz_buf *b, size_t max);

/* Appends n bytes; 0, SZ_E_LIMIT or SZ_E_NOMEM.  On failure b is unchanged. */
int sz_buf_append(struct sz_buf *b, const void *p, size_t n);

/* Appends a NUL-terminated string. */
int sz_buf_puts(struct sz_buf *b, const char *s);

/* Appends printf-style text (bounded by the buffer's max). */
int sz_buf_printf(struct sz_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Makes room for n more bytes at once (bounded by the buffer's max), so
 * a page built piece by piece is not copied as it grows; 0 or
 * SZ_E_NOMEM.  A buffer that cannot grow that far is left as it is. */
int sz_buf_reserve(struct sz_buf *b, size_t n);

/* Appends v in decimal (a minus sign if negative), without printf. */
int sz_buf_int(struct sz_buf *b, int64_t v);

/* Drops the first n bytes, keeping the rest. */
void sz_buf_consume(struct sz_buf *b, size_t n);

/* Wipes the contents (sodium_memzero) and frees them. */
void sz_buf_free(struct sz_buf *b);

/* Takes the contents out of b (which is left empty): *len bytes at the
 * returned pointer, to be released with sz_buf_release_data(p, secure)
 * (which wipes them); NULL if b was empty. */
uint8_t *sz_buf_take(struct sz_buf *b, size_t *len, int *secure);
void sz_buf_release_data(void *p, int secure);

#endif
