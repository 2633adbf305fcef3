/*
 * buf.c - bounded growable buffers.  Contents are wiped when freed, since
 * buffers often carry headers, keys or plaintext.
 */
#include "core/buf.h"

#include <malloc.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sz_buf_init(struct sz_buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
	b->secure = 0;
}

void sz_buf_init_secure(struct sz_buf *b, size_t max)
{
	sz_buf_init(b, max);
	b->secure = 1;
}

void sz_buf_release_data(void *p, int secure)
{
	if (p == NULL)
		return;
	if (secure) {
		sodium_free(p);   /* wipes */
		return;
	}
	sodium_memzero(p, malloc_usable_size(p));
	free(p);
}

uint8_t *sz_buf_take(struct sz_buf *b, size_t *len, int *secure)
{
	uint8_t *p = b->data;
	*len = b->len;
	*secure = b->secure;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

int sz_buf_append(struct sz_buf *b, const void *p, size_t n)
{
	if (n > b->max || b->len > b->max - n)
		return SZ_E_LIMIT;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		if (cap > b->max + 1)
			cap = b->max + 1;
		uint8_t *d = b->secure ? sodium_malloc(cap) : malloc(cap);
		if (d == NULL)
			return SZ_E_NOMEM;
		if (b->data != NULL) {
			memcpy(d, b->data, b->len);
			sodium_memzero(b->data, b->cap);
			sz_buf_release_data(b->data, b->secure);
		}
		b->data = d;
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
	return SZ_OK;
}

int sz_buf_reserve(struct sz_buf *b, size_t n)
{
	if (n > b->max - b->len || b->cap >= b->len + n + 1)
		return SZ_OK;
	uint8_t *d = malloc(b->len + n + 1);
	if (d == NULL)
		return SZ_E_NOMEM;
	if (b->data != NULL) {
		memcpy(d, b->data, b->len + 1);
		sodium_memzero(b->data, b->cap);
		free(b->data);
	} else {
		d[0] = 0;
	}
	b->data = d;
	b->cap = b->len + n + 1;
	return SZ_OK;
}

int sz_buf_int(struct sz_buf *b, int64_t v)
{
	char digits[24];
	size_t k = sizeof(digits);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do {
		digits[--k] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		digits[--k] = '-';
	return sz_buf_append(b, digits + k, sizeof(digits) - k);
}

int sz_buf_puts(struct sz_buf *b, const char *s)
{
	return sz_buf_append(b, s, strlen(s));
}

int sz_buf_printf(struct sz_buf *b, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return SZ_E_INVAL;
	if ((size_t)n < sizeof(small)) {
		/* What is formatted may be a page with a secret in it. */
		int rc = sz_buf_append(b, small, (size_t)n);
		sodium_memzero(small, (size_t)n);
		return rc;
	}
	char *big = malloc((size_t)n + 1);
	if (big == NULL) {
		sodium_memzero(small, sizeof(small));
		return SZ_E_NOMEM;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	int rc = sz_buf_append(b, big, (size_t)n);
	sodium_memzero(big, (size_t)n + 1);
	free(big);
	sodium_memzero(small, sizeof(small));
	return rc;
}

void sz_buf_consume(struct sz_buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
	} else {
		memmove(b->data, b->data + n, b->len - n);
		b->len -= n;
	}
	if (b->data != NULL)
		b->data[b->len] = 0;
}

void sz_buf_free(struct sz_buf *b)
{
	if (b->data != NULL) {
		sodium_memzero(b->data, b->cap);
		sz_buf_release_data(b->data, b->secure);
	}
	b->data = NULL;
	b->len = b->cap = 0;
}
