/*
 * err.c - filling struct sz_err.  Formatting is bounded by the message
 * buffer: an over-long message is cut, never overflows.
 */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>

int sz_err_set(struct sz_err *err, int code, const char *fmt, ...)
{
	if (err == NULL)
		return code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	err->code = code;
	return code;
}

void sz_err_clear(struct sz_err *err)
{
	if (err == NULL)
		return;
	err->code = SZ_OK;
	err->msg[0] = '\0';
}

const char *sz_err_name(int code)
{
	switch (code) {
	case SZ_OK: return "success";
	case SZ_E_INVAL: return "invalid input";
	case SZ_E_IO: return "I/O error";
	case SZ_E_NOMEM: return "out of memory";
	case SZ_E_LIMIT: return "limit exceeded";
	case SZ_E_HEADER: return "header failure";
	case SZ_E_NO_MATCH: return "no match";
	case SZ_E_HMAC: return "HMAC failure";
	case SZ_E_PAYLOAD: return "payload failure";
	case SZ_E_ARMOR: return "armor failure";
	case SZ_E_UNSUPPORTED: return "unsupported";
	case SZ_E_CRYPTO: return "crypto failure";
	case SZ_E_BUSY: return "busy";
	case SZ_E_NOT_FOUND: return "not found";
	case SZ_E_EXISTS: return "exists";
	default: return "unknown error";
	}
}
