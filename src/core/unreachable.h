/*
 * unreachable.h - whether the calling thread found its database
 * unreachable: the database code notes it (store/postgres_pool.c), the
 * HTTP server reads it after a request (http/server.c) and answers a
 * clear 503 instead of a 500 or a page built on missing data.  It is
 * one flag per thread, cleared before each request; it holds nothing
 * else.
 */
#ifndef SZ_CORE_UNREACHABLE_H
#define SZ_CORE_UNREACHABLE_H

#include <stdbool.h>

/* Seconds a 503 for an unreachable database asks clients to wait
 * (Retry-After). */
#define SZ_UNREACHABLE_RETRY_S 60

void sz_unreachable_note(void);
void sz_unreachable_clear(void);
bool sz_unreachable(void);

#endif
