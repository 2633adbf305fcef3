/*
 * session_internal.h - what session.c and session_store.c share: the
 * store-backed versions of the table's operations (session.h), which
 * session.c calls when its table has a store.  Nothing else includes it.
 */
#ifndef SZ_HTTP_SESSION_INTERNAL_H
#define SZ_HTTP_SESSION_INTERNAL_H

#include "http/session.h"

bool sz_store_session_get(struct sz_sessions *t, const uint8_t *id,
	struct sz_session *copy);
int sz_store_session_new(struct sz_sessions *t, struct sz_session *copy,
	struct sz_err *err);
bool sz_store_session_put(struct sz_sessions *t,
	const struct sz_session *copy);
bool sz_store_session_renew(struct sz_sessions *t, struct sz_session *copy);
void sz_store_session_drop(struct sz_sessions *t,
	const struct sz_session *copy);
void sz_store_sessions_drop_user(struct sz_sessions *t, int64_t user_id,
	const struct sz_session *keep);
void sz_store_sessions_sweep(struct sz_sessions *t);

#endif
