/*
 * api.c - the forum in JSON, /api/v1/forum/... (jansson), with the same
 * visibility as its pages:
 *
 *   GET /api/v1/forum/boards            the boards
 *   GET /api/v1/forum/boards/N?after=K  a board's threads, by keyset
 *   GET /api/v1/forum/threads/N?page=P  a thread's posts, a page of 20
 *   GET /api/v1/forum/posts/N           one post
 *   GET /api/v1/forum/members/N         a member's profile
 *
 * Posts carry their HTML as rendered when posted (safe: markdown.c).
 */
#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/forum/fview.h"

/* A moment as an ISO 8601 string in UTC, or null (never, not known), as
 * every date of /api/v1 is written. */
static json_t *moment_json(int64_t t)
{
	char out[32];
	time_t tt = (time_t)t;
	struct tm tm;
	if (t <= 0 || gmtime_r(&tt, &tm) == NULL)
		return json_null();
	strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(out);
}

static int reply(struct sz_forum_page *pg, unsigned status, json_t *o)
{
	char *s = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(o);
	pg->status = status;
	pg->content_type = "application/json";
	int rc = sz_buf_puts(pg->out, s ? s :
		"{\"error\":\"the answer could not be made\"}");
	free(s);
	return rc;
}

static int error(struct sz_forum_page *pg, unsigned status, const char *msg)
{
	return reply(pg, status, json_pack("{s:s}", "error", msg));
}

static json_t *author_json(const struct sz_forum_page *pg,
	const struct sz_forum_author *a)
{
	if (a->deleted)
		return json_pack("{s:b}", "deleted", 1);
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I}",
		"id", (json_int_t)a->id, "name", a->name,
		"title", sz_forum_title(pg->site->cfg, NULL, a), "badge", a->badge,
		"country", a->country, "joined", a->joined_day,
		"messages", (json_int_t)a->posts,
		"likes", (json_int_t)a->likes_received);
}

static json_t *post_json(const struct sz_forum_page *pg,
	const struct sz_forum_post *p)
{
	static const char *const states[] = { "visible", "pending", "hidden",
		"deleted" };
	return json_pack("{s:I, s:I, s:I, s:s, s:o, s:o, s:o, s:I, s:s, s:s}",
		"id", (json_int_t)p->id, "thread", (json_int_t)p->thread_id,
		"position", (json_int_t)p->position, "title", p->thread_title,
		"author", author_json(pg, &p->author),
		"created", moment_json(p->created), "edited", moment_json(p->edited),
		"likes", (json_int_t)p->likes, "state", states[p->state & 3],
		"html", p->html ? p->html : "");
}

static json_t *thread_json(const struct sz_forum_thread *t)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:I, s:s, s:o, s:o, s:I, s:b, "
		"s:b}", "id", (json_int_t)t->id, "board", (json_int_t)t->board_id,
		"title", t->title, "author", (json_int_t)t->author_id,
		"author_name", t->author_name, "created", moment_json(t->created),
		"last_activity", moment_json(t->last_at),
		"posts", (json_int_t)t->posts, "sticky", t->sticky,
		"locked", t->locked);
	static const char *const kinds[] = { NULL, "release", "document",
		"email" };
	if (o != NULL && t->subject != SZ_SUBJECT_NONE)
		json_object_set_new(o, "discusses", json_pack("{s:s, s:I}", "kind",
			kinds[t->subject & 3], "id", (json_int_t)t->subject_id));
	return o;
}

static json_t *board_json(const struct sz_forum_board *b)
{
	return json_pack("{s:I, s:s, s:s, s:I, s:I}", "id", (json_int_t)b->id,
		"name", b->name, "about", b->about, "threads",
		(json_int_t)b->threads, "posts", (json_int_t)b->posts);
}

int fapi_boards(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	(void)a;
	struct sz_forum *f = pg->site->forum;
	struct sz_forum_board *rows = NULL;
	size_t n = 0;
	if (f->ops->board_list(f, &rows, &n, NULL) != 0)
		return error(pg, 500, "the forum cannot be read now");
	json_t *list = json_array();
	for (size_t i = 0; list && i < n; i++)
		json_array_append_new(list, board_json(&rows[i]));
	free(rows);
	return reply(pg, 200, json_pack("{s:o}", "boards", list));
}

int fapi_board(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	struct sz_forum *f = pg->site->forum;
	struct sz_forum_board b;
	struct sz_forum_thread_query q;
	memset(&q, 0, sizeof(q));
	if (a->id == 0 || f->ops->board_get(f, a->id, &b, NULL) != 0)
		return error(pg, 404, "no such board");
	q.board_id = b.id;
	q.staff = pg->viewer->staff;
	q.limit = SZ_FORUM_THREADS_PER_PAGE;
	if (a->key != NULL) {
		if (sz_forum_key_parse(a->key, &q.key) != 0)
			return error(pg, 400, "after= takes a key given by this API");
		q.from = SZ_FORUM_OLDER;
	}
	struct sz_forum_threads t;
	if (f->ops->threads_page(f, &q, &t, NULL) != 0)
		return error(pg, 500, "the forum cannot be read now");
	json_t *list = json_array();
	for (size_t i = 0; list && i < t.n; i++)
		json_array_append_new(list, thread_json(&t.rows[i]));
	json_t *o = json_pack("{s:o, s:o}", "board", board_json(&b), "threads",
		list);
	if (o && t.older && t.n > 0) {
		char key[SZ_FORUM_KEY_TEXT];
		struct sz_forum_key k = { t.rows[t.n - 1].last_at,
			t.rows[t.n - 1].id };
		sz_forum_key_format(&k, key);
		json_object_set_new(o, "next", json_string(key));
	}
	free(t.rows);
	return reply(pg, 200, o);
}

int fapi_thread(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	struct sz_forum *f = pg->site->forum;
	const struct sz_forum_viewer *v = pg->viewer;
	struct sz_forum_thread t;
	if (a->id == 0 || f->ops->thread_get(f, a->id, &t, NULL) != 0 ||
	    (t.state != SZ_THREAD_VISIBLE && !v->staff))
		return error(pg, 404, "no such thread");
	size_t pages = (size_t)((t.last_position + SZ_FORUM_PER_PAGE - 1) /
		SZ_FORUM_PER_PAGE);
	size_t page = a->number ? a->number : 1;
	if (page > (pages ? pages : 1))
		return error(pg, 404, "no such page of the thread");
	struct sz_forum_post_query q = { t.id,
		(int64_t)(page - 1) * SZ_FORUM_PER_PAGE, SZ_FORUM_PER_PAGE,
		v->member ? v->m.id : 0, v->staff, false };
	struct sz_forum_post *posts = NULL;
	size_t n = 0;
	if (f->ops->posts_page(f, &q, &posts, &n, NULL) != 0)
		return error(pg, 500, "the forum cannot be read now");
	json_t *list = json_array();
	for (size_t i = 0; list && i < n; i++)
		json_array_append_new(list, post_json(pg, &posts[i]));
	sz_forum_posts_free(posts, n);
	return reply(pg, 200, json_pack("{s:o, s:I, s:I, s:I, s:o}", "thread",
		thread_json(&t), "page", (json_int_t)page, "pages",
		(json_int_t)(pages ? pages : 1), "per_page",
		(json_int_t)SZ_FORUM_PER_PAGE, "posts", list));
}

int fapi_post(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	struct sz_forum_post p;
	/* a member's own pending post is theirs to read here too */
	if (sz_forum_post_seen(pg->site, pg->viewer, a->id, false, &p) != 0)
		return error(pg, 404, "no such post");
	json_t *o = post_json(pg, &p);
	sz_forum_post_clear(&p);
	return reply(pg, 200, o);
}

int fapi_member(struct sz_forum_page *pg, const struct sz_forum_args *a)
{
	struct sz_forum *f = pg->site->forum;
	struct sz_forum_member m;
	if (a->id == 0 || f->ops->member_get(f, a->id, &m, NULL) != 0 ||
	    m.state != SZ_MEMBER_ACTIVE)
		return error(pg, 404, "no such member");
	struct sz_forum_author au;
	memset(&au, 0, sizeof(au));
	au.id = m.id;
	au.role = m.role;
	au.posts = m.posts;
	au.likes_received = m.likes_received;
	snprintf(au.name, sizeof(au.name), "%s", m.name);
	snprintf(au.title, sizeof(au.title), "%s", m.title);
	snprintf(au.badge, sizeof(au.badge), "%s", m.badge);
	snprintf(au.country, sizeof(au.country), "%s", m.country);
	snprintf(au.joined_day, sizeof(au.joined_day), "%s", m.joined_day);
	sodium_memzero(m.password_hash, sizeof(m.password_hash));
	return reply(pg, 200, author_json(pg, &au));
}
