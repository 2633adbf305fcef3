/*
 * sessions.h - a face's sessions in PostgreSQL (postgres_sessions.c):
 * the store behind a session table (http/session.h) that lets every
 * process of a face serve every request.  Rows are sealed by the table
 * (http/session_store.c); this store only keeps them, by keyed hash,
 * with a coarse expiry, and drops them when they expire.
 *
 * Ownership: sz_session_store_open_postgres gives a store (with its own
 * connections) that the caller closes with sz_session_store_close after
 * the table that uses it is freed.  key is borrowed and must outlive it.
 */
#ifndef SZ_STORE_SESSIONS_H
#define SZ_STORE_SESSIONS_H

#include <stdint.h>

#include "core/err.h"
#include "http/session.h"

/* Connects to conninfo's database, creating its sessions table if
 * missing; kind is the face's (SZ_SESSION_KIND_*). */
int sz_session_store_open_postgres(struct sz_session_store **out,
	const char *conninfo, int kind, const uint8_t *key,
	struct sz_err *err);
void sz_session_store_close(struct sz_session_store *s);

/* The face's attempt budget, shared by its processes (the source face's
 * codename attempts, web/budget.h): charges one attempt to key (16
 * bytes, kept only as a keyed hash) good for per_key attempts over
 * life_s seconds, with at most per_min new keys a minute for everyone.
 * SZ_OK and *out 0 (taken), 1 (the key is spent) or 2 (too many new
 * keys this minute); or an error. */
int sz_session_store_charge(struct sz_session_store *s, const uint8_t *key,
	uint64_t per_key, uint64_t per_min, int64_t life_s, int *out,
	struct sz_err *err);
/* Kinds of use budget (what below), each counted apart. */
#define SZ_SESSION_SPEND_KINDS 8
/* A use budget shared by the face's processes (the forum's posts, likes,
 * reports, registrations: web/forum/forum.h): takes one use of kind what
 * from key (16 bytes, kept only as a keyed hash) in the current window
 * of window_s seconds (windows start at multiples of window_s since the
 * epoch: a day's budget is the UTC day's), at most max in a window.
 * Only the window's number is kept, never a finer time, and rows of past
 * windows are deleted.  SZ_OK and *out 0 (taken) or 1 (spent); or an
 * error (*out 1). */
int sz_session_store_spend(struct sz_session_store *s, int what,
	const uint8_t *key, int64_t window_s, uint64_t max, int *out,
	struct sz_err *err);
/* Gives one attempt back to key. */
int sz_session_store_refund(struct sz_session_store *s, const uint8_t *key,
	struct sz_err *err);

#endif
