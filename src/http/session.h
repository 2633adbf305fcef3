/*
 * session.h - sessions held in memory only, never on disk: a seized disk
 * holds no session, and a restart logs everyone out.
 *
 * A session is found by a random 256-bit id (the cookie), carries a CSRF
 * token, and, for a logged-in source, the source's id and X25519 secret
 * key (derived from the codename; wiped when the session ends).  The table
 * is bounded: when full, expired sessions go first, then the oldest
 * anonymous one, then (if the table allows it) the logged-in one idle
 * longest.  A table may also cap the sessions of one user (per_user_max):
 * a user logging in beyond it ends their own session idle longest, so a
 * few accounts cannot fill the table.  Expired sessions are wiped within
 * a second of expiring, on
 * the next use of the table.  Callers work on copies, which they wipe.
 */
#ifndef SZ_HTTP_SESSION_H
#define SZ_HTTP_SESSION_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/err.h"

#define SZ_SESSION_ID_SIZE 32
#define SZ_SESSION_TOKEN_LEN 43   /* base64url of 32 bytes */
#define SZ_SESSION_DATA_MAX 160

struct sz_session {
	uint8_t id[SZ_SESSION_ID_SIZE];
	char csrf[SZ_SESSION_TOKEN_LEN + 1];
	time_t last_used;
	uint64_t use;                    /* the table's count at the last use:
	                                    orders uses within a second */
	bool in_use;
	int64_t user_id;                 /* 0: not logged in */
	bool has_secret;
	uint8_t secret[32];              /* the source's X25519 secret */
	char data[SZ_SESSION_DATA_MAX];  /* e.g. a codename being shown */
};

struct sz_sessions {
	pthread_mutex_t mu;
	struct sz_session *v;   /* sodium_malloc'd */
	size_t cap;
	unsigned idle_s;
	bool evict_logged_in;   /* when full, the least recently used
	                           logged-in session makes room */
	size_t per_user_max;    /* 0: no cap; else a user's sessions at
	                           most (their least recently used ends) */
	time_t swept;           /* when expired sessions were last wiped */
	uint64_t uses;          /* counts uses, for least recently used */
	time_t (*now)(void);    /* monotonic seconds; tests may replace it */
};

int sz_sessions_init(struct sz_sessions *t, size_t cap, unsigned idle_s,
	struct sz_err *err);
void sz_sessions_free(struct sz_sessions *t);

/* Finds the session of a cookie value and refreshes it; false if there is
 * none (or it expired). */
bool sz_session_get(struct sz_sessions *t, const char *cookie,
	struct sz_session *copy);
/* Starts a new anonymous session. */
int sz_session_new(struct sz_sessions *t, struct sz_session *copy,
	struct sz_err *err);
/* Writes a changed copy back (matched by id); false if it is gone. */
bool sz_session_put(struct sz_sessions *t, const struct sz_session *copy);
/* Gives the session a new id (after login, against session fixation). */
bool sz_session_renew(struct sz_sessions *t, struct sz_session *copy);
/* Ends a session and wipes it. */
void sz_session_drop(struct sz_sessions *t, const struct sz_session *copy);
/* Ends and wipes every session of user_id but keep's (NULL: all), as
 * when its password changes. */
void sz_sessions_drop_user(struct sz_sessions *t, int64_t user_id,
	const struct sz_session *keep);
/* Wipes every expired session, so a source who left without logging out
 * does not leave its secret key (or an unconfirmed codename) behind. */
void sz_sessions_sweep(struct sz_sessions *t);

/* The cookie value of a session (base64url of its id). */
void sz_session_cookie(const struct sz_session *s,
	char out[SZ_SESSION_TOKEN_LEN + 1]);
/* Checks a submitted CSRF token in constant time. */
__attribute__((warn_unused_result))
bool sz_session_csrf_ok(const struct sz_session *s, const char *token);

#endif
