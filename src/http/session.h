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
 *
 * A table may instead keep its sessions in a shared store (struct
 * sz_session_store, e.g. store/sessions.h on PostgreSQL), so that any
 * process of a face serves any request.  Then every row is sealed
 * (XChaCha20-Poly1305) under a session key that never reaches the store
 * or a disk (http/session_key.h), keyed by a keyed hash of the cookie's
 * id, never the id; its user is a keyed hash too, and its expiry only a
 * coarse bucket (SZ_SESSION_BUCKET_S): a seized database holds nothing
 * usable and no exact time of activity.  The caps (cap, per_user_max,
 * evict_logged_in) hold there too, the oldest going by expiry bucket.
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
	int64_t sent_floor;              /* a source's submissions, stored or
	                                    held by any process, at its last
	                                    one (0: none known) */
};

/* Expiry times in a store are multiples of this (seconds): a row says
 * when its session was last used to within it, no closer. */
#define SZ_SESSION_BUCKET_S 300
#define SZ_SESSION_HASH_SIZE 32     /* a row's key: BLAKE2b of the id */
#define SZ_SESSION_USER_HASH_SIZE 16
/* A sealed row: nonce, the session's fields, MAC. */
#define SZ_SESSION_PLAIN_SIZE (SZ_SESSION_TOKEN_LEN + 8 + 1 + 32 + \
	SZ_SESSION_DATA_MAX + 8)
#define SZ_SESSION_SEALED_SIZE (24 + SZ_SESSION_PLAIN_SIZE + 16)

/* A shared store of sealed sessions.  Each operation returns SZ_OK or an
 * error (SZ_E_NOT_FOUND where it says so; err says what failed).
 * Times are expiry buckets (wall-clock seconds / SZ_SESSION_BUCKET_S): a
 * row is alive while its expires is above now.  uhash is NULL for an
 * anonymous session. */
struct sz_session_store_ops {
	/* The sealed row of hid if alive (SZ_E_NOT_FOUND if not), and its
	 * expiry. */
	int (*load)(void *ctx, const uint8_t *hid, int64_t now,
		uint8_t sealed[SZ_SESSION_SEALED_SIZE], int64_t *expires,
		struct sz_err *err);
	/* Makes room for a new row: drops rows no longer alive, then, while
	 * cap or more remain, the anonymous one expiring first, or (with
	 * any_user) any one expiring first; SZ_E_LIMIT if none may go. Then
	 * inserts the row. */
	int (*insert)(void *ctx, const uint8_t *hid, const uint8_t *uhash,
		const uint8_t *sealed, int64_t expires, size_t cap,
		bool any_user, int64_t now, struct sz_err *err);
	/* Replaces row old_hid (SZ_E_NOT_FOUND if it is gone) by hid (which
	 * may be the same), then keeps at most per_user (0: any number) rows
	 * of uhash, hid's and those expiring last. */
	int (*replace)(void *ctx, const uint8_t *old_hid, const uint8_t *hid,
		const uint8_t *uhash, const uint8_t *sealed, int64_t expires,
		size_t per_user, struct sz_err *err);
	/* Moves a live row's expiry on (a use in a later bucket). */
	int (*touch)(void *ctx, const uint8_t *hid, int64_t expires,
		struct sz_err *err);
	int (*drop)(void *ctx, const uint8_t *hid, struct sz_err *err);
	/* Drops every row of uhash but keep_hid's (NULL: all). */
	int (*drop_user)(void *ctx, const uint8_t *uhash,
		const uint8_t *keep_hid, struct sz_err *err);
	/* Drops every row no longer alive. */
	int (*sweep)(void *ctx, int64_t now, struct sz_err *err);
};

enum { SZ_SESSION_KIND_SOURCE = 1, SZ_SESSION_KIND_EDITOR = 2,
	SZ_SESSION_KIND_FORUM = 3 };

struct sz_session_store {
	const struct sz_session_store_ops *ops;
	void *ctx;
	/* which face's sessions (SZ_SESSION_KIND_*): sealed and hashed in,
	 * so one face's cookie never opens another's session */
	int kind;
	/* the session key (32 bytes, sodium_malloc'd, owned by whoever
	 * attached the store); the keys of rows' ids, users and seals are
	 * derived from it */
	const uint8_t *key;
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
	/* NULL: the table above.  Else every session lives in the store,
	 * found by wall-clock time (wall); the table stays empty. */
	const struct sz_session_store *store;
	time_t (*wall)(void);
	/* the last store error, for the face's 503 page (under mu) */
	bool store_down;
};

int sz_sessions_init(struct sz_sessions *t, size_t cap, unsigned idle_s,
	struct sz_err *err);
void sz_sessions_free(struct sz_sessions *t);

/* Keeps t's sessions in store from now on (see above): store and its
 * key must outlive t. */
void sz_sessions_use_store(struct sz_sessions *t,
	const struct sz_session_store *store);
/* Whether the last operation on t's store failed (it is unreachable):
 * the face then answers 503 rather than treating a visitor as logged
 * out. */
bool sz_sessions_down(struct sz_sessions *t);

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
