/*
 * postgres_forum_internal.h - shared by the files of the forum's
 * PostgreSQL back end only: a small pool of libpq connections, each with
 * the statements it has prepared (PQprepare, named by their place in the
 * connection's cache; values only ever travel as parameters), and the
 * transaction helper that retries serialization failures (40001) and
 * deadlocks (40P01), and nothing else.
 *
 *   postgres_forum.c          connections, transactions, opening
 *   postgres_forum_schema.c   the schema, as numbered migrations
 *   postgres_forum_members.c  members, reservations, invitations
 *   postgres_forum_threads.c  boards and threads
 *   postgres_forum_posts.c    posts, edits, likes, reports, the log
 *   postgres_forum_search.c   searching posts (tsvector), totals
 *   postgres_forum_changes.c  the change log and ids mirrors read
 */
#ifndef SZ_STORE_POSTGRES_FORUM_INTERNAL_H
#define SZ_STORE_POSTGRES_FORUM_INTERNAL_H

#include "store/forum.h"
#include "store/forum_backend.h"
#include "store/postgres_pool.h"

struct pg_forum {
	struct sz_forum base;
	struct pg_pool pool;
};

static inline struct pg_forum *fp(struct sz_forum *f)
{
	return (struct pg_forum *)f;
}

static inline struct pg_pool *fpool(struct sz_forum *f)
{
	return &fp(f)->pool;
}

/* Rows of the version (forum_bumps) past which reading it folds them,
 * and the tallies, into a few (postgres_forum.c). */
#define FP_FOLD_AFTER 256

/* postgres_forum_schema.c: the schema's steps, in order. */
extern const char *const fp_migrations[];
extern const size_t fp_nmigrations;

/* Post and thread columns, as fp_post_read and fp_thread_read read them. */
#define FP_POST_COLS "p.id, p.thread_id, t.title, p.position, p.created," \
	" p.edited, p.edits, p.state, p.likes, p.quote_of, p.html," \
	" m.id, m.name, m.role, m.title, m.badge, m.country, m.joined_day," \
	" m.posts, m.likes_received, m.state, m.banned"
#define FP_POST_FROM " FROM posts p JOIN threads t ON t.id = p.thread_id" \
	" JOIN members m ON m.id = p.author_id"
#define FP_POST_NCOLS 22
int fp_post_read(const PGresult *r, int row, struct sz_forum_post *p,
	bool skip_html);
#define FP_THREAD_COLS "t.id, t.board_id, b.name, t.subject_kind," \
	" t.subject_id, t.title, t.author_id, a.name, t.created, t.last_at," \
	" t.last_post_id, coalesce(l.name, ''), t.last_position, t.posts," \
	" t.sticky, t.locked, t.state, t.merged_into"
#define FP_THREAD_FROM " FROM threads t JOIN boards b ON b.id = t.board_id" \
	" JOIN members a ON a.id = t.author_id" \
	" LEFT JOIN posts lp ON lp.id = t.last_post_id" \
	" LEFT JOIN members l ON l.id = lp.author_id"
void fp_thread_read(const PGresult *r, int row, struct sz_forum_thread *t);

/* postgres_forum_members.c */
int fp_member_create(struct sz_forum *f, const struct sz_forum_member *m,
	const uint8_t *invite, int64_t *id, struct sz_err *err);
int fp_member_get(struct sz_forum *f, int64_t id, struct sz_forum_member *m,
	struct sz_err *err);
int fp_member_find(struct sz_forum *f, const char *key,
	struct sz_forum_member *m, struct sz_err *err);
int fp_member_set_password(struct sz_forum *f, int64_t id, const char *hash,
	struct sz_err *err);
int fp_member_set_role(struct sz_forum *f, int64_t id,
	enum sz_forum_role role, struct sz_err *err);
int fp_member_set_labels(struct sz_forum *f, int64_t id, const char *title,
	const char *badge, const char *country, struct sz_err *err);
int fp_member_set_state(struct sz_forum *f, int64_t id,
	enum sz_forum_member_state state, struct sz_err *err);
int fp_member_set_flags(struct sz_forum *f, int64_t id, bool banned,
	bool silenced, struct sz_err *err);
int fp_member_delete(struct sz_forum *f, int64_t id, struct sz_err *err);
int fp_member_list(struct sz_forum *f, bool pending, size_t limit,
	struct sz_forum_member **rows, size_t *n, struct sz_err *err);
int fp_member_read(struct sz_forum *f, int64_t member_id, int64_t thread_id,
	int64_t upto, struct sz_err *err);
int fp_reserve(struct sz_forum *f, const char *key, const char *why,
	struct sz_err *err);
int fp_key_taken(struct sz_forum *f, const char *key, struct sz_err *err);
int fp_invite_add(struct sz_forum *f, const uint8_t hash[32],
	struct sz_err *err);

/* postgres_forum_threads.c */
int fp_board_create(struct sz_forum *f, const char *name, const char *about,
	int64_t *id, struct sz_err *err);
int fp_board_get(struct sz_forum *f, int64_t id, struct sz_forum_board *b,
	struct sz_err *err);
int fp_board_list(struct sz_forum *f, struct sz_forum_board **rows,
	size_t *n, struct sz_err *err);
int fp_thread_create(struct sz_forum *f, const struct sz_forum_thread_new *t,
	const struct sz_forum_post_new *first, int64_t *thread_id,
	int64_t *post_id, struct sz_err *err);
int fp_thread_get(struct sz_forum *f, int64_t id, struct sz_forum_thread *t,
	struct sz_err *err);
int fp_thread_of_subject(struct sz_forum *f, enum sz_forum_subject subject,
	int64_t subject_id, struct sz_forum_thread *t, struct sz_err *err);
int fp_threads_page(struct sz_forum *f, const struct sz_forum_thread_query *q,
	struct sz_forum_threads *out, struct sz_err *err);
int fp_threads_new(struct sz_forum *f, int64_t board_id, size_t limit,
	struct sz_forum_threads *out, struct sz_err *err);
int fp_thread_set_flags(struct sz_forum *f, int64_t id, bool sticky,
	bool locked, struct sz_err *err);
int fp_thread_set_state(struct sz_forum *f, int64_t id,
	enum sz_forum_thread_state state, struct sz_err *err);
int fp_thread_move(struct sz_forum *f, int64_t id, int64_t board_id,
	struct sz_err *err);
int fp_thread_merge(struct sz_forum *f, int64_t from, int64_t into,
	struct sz_err *err);
int fp_insert_post(struct pg_conn *c, const struct sz_forum_post_new *p,
	int64_t thread_id, int64_t *id, int64_t *position, struct sz_err *err);
int fp_thread_refresh(struct pg_conn *c, int64_t thread_id,
	struct sz_err *err);

/* postgres_forum_posts.c */
int fp_post_add(struct sz_forum *f, const struct sz_forum_post_new *p,
	int64_t *id, int64_t *position, struct sz_err *err);
int fp_post_get(struct sz_forum *f, int64_t id, bool with_source,
	struct sz_forum_post *p, struct sz_err *err);
int fp_posts_page(struct sz_forum *f, const struct sz_forum_post_query *q,
	struct sz_forum_post **rows, size_t *n, struct sz_err *err);
int fp_posts_latest(struct sz_forum *f, int64_t board_id, int64_t thread_id,
	bool replies_only, size_t limit, struct sz_forum_post **rows, size_t *n,
	struct sz_err *err);
int fp_posts_by(struct sz_forum *f, int64_t author_id, int64_t before,
	size_t limit, struct sz_forum_post **rows, size_t *n,
	struct sz_err *err);
int fp_posts_pending(struct sz_forum *f, size_t limit,
	struct sz_forum_post **rows, size_t *n, struct sz_err *err);
int fp_post_edit(struct sz_forum *f, int64_t id, const char *editor,
	int64_t at, const char *source, const char *html, const char *text,
	bool hold, struct sz_err *err);
int fp_post_edits(struct sz_forum *f, int64_t post_id,
	struct sz_forum_edit **rows, size_t *n, struct sz_err *err);
int fp_post_set_state(struct sz_forum *f, int64_t id,
	enum sz_forum_post_state state, struct sz_err *err);
int fp_like(struct sz_forum *f, int64_t post_id, int64_t member_id, bool on,
	struct sz_err *err);
int fp_report_add(struct sz_forum *f, int64_t post_id, int64_t reporter_id,
	const char *reason, int64_t at, struct sz_err *err);
int fp_reports_open(struct sz_forum *f, size_t limit,
	struct sz_forum_report **rows, size_t *n, struct sz_err *err);
int fp_reports_resolve(struct sz_forum *f, int64_t post_id, const char *by,
	struct sz_err *err);
int fp_log_add(struct sz_forum *f, const struct sz_forum_log *l,
	struct sz_err *err);
int fp_log_page(struct sz_forum *f, int64_t before, size_t limit,
	struct sz_forum_log **rows, size_t *n, bool *more, struct sz_err *err);

/* postgres_forum_search.c */
int fp_search(struct sz_forum *f, const struct sz_forum_search *q,
	size_t offset, size_t limit, struct sz_forum_hits *out,
	struct sz_err *err);
int fp_totals(struct sz_forum *f, struct sz_forum_totals *t,
	struct sz_err *err);

/* postgres_forum_changes.c */
int fp_changes(struct sz_forum *f, int64_t after, size_t limit,
	struct sz_forum_change *rows, size_t *n, int64_t *last,
	struct sz_err *err);
int fp_ids(struct sz_forum *f, enum sz_forum_target kind, int64_t after,
	size_t limit, int64_t *ids, size_t *n, struct sz_err *err);

#endif
