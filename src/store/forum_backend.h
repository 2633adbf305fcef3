/*
 * forum_backend.h - what the forum's back ends (sqlite_forum*.c,
 * postgres_forum*.c) share, so that both engines behave alike by using
 * the same code rather than two copies: growing a list of rows, putting
 * a page of threads read in either direction into the order a board
 * shows, cutting a search's terms into an engine's query syntax, and
 * what a list of ids may ask for.
 * Callers of the forum never include it (store/forum.h is theirs).
 */
#ifndef SZ_STORE_FORUM_BACKEND_H
#define SZ_STORE_FORUM_BACKEND_H

#include "core/buf.h"
#include "store/forum.h"

/* Grows a malloc'd array by one zeroed row and returns it; NULL when
 * out of memory or when it holds max rows already. */
void *sz_forum_grow(void **rows, size_t *n, size_t size, size_t max);

/* A page of threads was read with limit + 1 rows asked for, going older
 * (newest first) or, for SZ_FORUM_NEWER, going newer (oldest first):
 * drops the extra row, puts the rows newest first and says whether more
 * lie past either end. */
void sz_forum_threads_settle(struct sz_forum_threads *out,
	const struct sz_forum_thread_query *q);

/* How an engine writes a phrase of words and joins terms. */
struct sz_forum_syntax {
	const char *open, *between, *close, *close_prefix;
	const char *and_, *or_;
};

/* The search's terms in syntax: the positive ones into pos (terms joined
 * by and_ or, where or_before, or_), the negated ones into neg (joined
 * by or_).  Every word is cut down to letters and digits (bytes from
 * 0x80 count as letters), so nothing a reader typed changes the query's
 * shape; a term with no word is left out.  SZ_E_LIMIT past a buffer's
 * bound. */
int sz_forum_terms(const struct sz_forum_search *q,
	const struct sz_forum_syntax *syntax, struct sz_buf *pos,
	struct sz_buf *neg);

/* The refusals every engine's ids op makes before reading: a list of
 * 1 to SZ_FORUM_IDS_MAX ids, of threads or members.  0 or SZ_E_INVAL
 * saying why. */
int sz_forum_ids_check(enum sz_forum_target kind, size_t limit,
	struct sz_err *err);

#endif
