/*
 * export_forum.c - the forum as the second source of an export's pages
 * (export_internal.h): its boards and threads as an anonymous reader
 * sees them on the public face (visible, approved posts only; no forms,
 * no staff's or members' own data), with relative links, written from
 * the forum's page layer (web/forum/forum.h), and which owners forum.db's
 * change log touches.
 *
 *   forum        forum.html (boards, latest replies, new threads) and
 *                forum/feed.atom
 *   board:B      forum/board/B.html, forum/board/B/page/N.html (pages
 *                numbered in the order a reader pages through them),
 *                forum/board/B/feed.atom
 *   fthread:T    forum/thread/T.html, forum/thread/T/page/N.html (1 too:
 *                posts link to their page), forum/thread/T/feed.atom
 *   member:M     forum/member/M.html
 *   flog         forum/log.html and its older pages
 *   flag:CC      forum/flag/CC.png, a flag a member chose
 *
 * A thread about a release, document or e-mail shows under it in the
 * archive's pages: when the thread changes, that page is written again.
 *
 * What it deliberately does not write: pages with forms (login,
 * registration, replies, reports, the queue), post histories, search,
 * or the forum's JSON API.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mirror/export_internal.h"

#define FORUM_CHANGES_BATCH 1000
#define FORUM_IDS_BATCH 1000
#define FORUM_LOG_PAGE 50             /* as the log page shows them */

static const struct sz_forum_viewer anonymous;

/* Renders a forum page and writes it as path + ext ("" or ".html"). */
static int fwrite_page(struct export *x, enum sz_fpage kind,
	const char *path, const struct sz_forum_args *args, const char *ext)
{
	struct sz_forum_page pg;
	x->page.len = 0;
	int rc = sz_forum_render(&pg, &x->fsite, &anonymous, kind, path, args,
		&x->page);
	return pages_put(x, rc, rc == 0 ? pg.status : 0, path, ext, "forum");
}

static int render_forum(struct export *x, const char *key)
{
	(void)key;
	struct sz_forum_args a = { 0 };
	int rc = fwrite_page(x, SZ_FPAGE_HOME, "/forum", &a, ".html");
	return rc ? rc : fwrite_page(x, SZ_FPAGE_FEED, "/forum/feed.atom", &a,
		"");
}

/* Every page of a board, numbered: page N starts after the last thread
 * of page N - 1, as the page layer's "older" links go. */
static int render_board(struct export *x, const char *key)
{
	struct sz_forum *f = x->forum;
	struct sz_forum_board b;
	struct sz_forum_thread_query q;
	char path[96], keytext[SZ_FORUM_KEY_TEXT];
	struct sz_forum_args a = { .id = strtoll(key, NULL, 10), .number = 1 };
	if (a.id <= 0 || f->ops->board_get(f, a.id, &b, NULL) != 0)
		return 0;           /* gone: its files go */
	memset(&q, 0, sizeof(q));
	q.board_id = a.id;
	q.limit = SZ_FORUM_THREADS_PER_PAGE;
	snprintf(path, sizeof(path), "/forum/board/%" PRId64, a.id);
	int rc = fwrite_page(x, SZ_FPAGE_BOARD, path, &a, ".html");
	for (bool more = true; rc == 0 && more; ) {
		struct sz_forum_threads t;
		if (f->ops->threads_page(f, &q, &t, x->err) != 0)
			return SZ_E_IO;
		more = t.older && t.n > 0;
		if (more) {
			q.from = SZ_FORUM_OLDER;
			q.key.at = t.rows[t.n - 1].last_at;
			q.key.id = t.rows[t.n - 1].id;
			sz_forum_key_format(&q.key, keytext);
			a.key = keytext;
			a.number++;
			snprintf(path, sizeof(path), "/forum/board/%" PRId64
				"/page/%zu", a.id, a.number);
			rc = fwrite_page(x, SZ_FPAGE_BOARD_OLDER, path, &a, ".html");
		}
		free(t.rows);
	}
	snprintf(path, sizeof(path), "/forum/board/%" PRId64 "/feed.atom", a.id);
	struct sz_forum_args none = { .id = a.id };
	return rc ? rc : fwrite_page(x, SZ_FPAGE_BOARD_FEED, path, &none, "");
}

static int render_thread(struct export *x, const char *key)
{
	struct sz_forum *f = x->forum;
	struct sz_forum_thread t;
	char path[96];
	struct sz_forum_args a = { .id = strtoll(key, NULL, 10), .number = 1 };
	if (a.id <= 0 || f->ops->thread_get(f, a.id, &t, NULL) != 0 ||
	    (t.state != SZ_THREAD_VISIBLE && t.state != SZ_THREAD_MERGED))
		return 0;           /* not for anonymous readers: its files go */
	snprintf(path, sizeof(path), "/forum/thread/%" PRId64, a.id);
	int rc = fwrite_page(x, SZ_FPAGE_THREAD, path, &a, ".html");
	size_t pages = (size_t)((t.last_position + SZ_FORUM_PER_PAGE - 1) /
		SZ_FORUM_PER_PAGE);
	if (t.state == SZ_THREAD_MERGED)
		pages = 0;          /* one page saying where its posts went */
	for (size_t n = 1; rc == 0 && n <= pages; n++) {
		a.number = n;
		snprintf(path, sizeof(path), "/forum/thread/%" PRId64 "/page/%zu",
			a.id, n);
		rc = fwrite_page(x, SZ_FPAGE_THREAD_PAGE, path, &a, ".html");
	}
	snprintf(path, sizeof(path), "/forum/thread/%" PRId64 "/feed.atom",
		a.id);
	if (rc == 0 && t.state == SZ_THREAD_VISIBLE)
		rc = fwrite_page(x, SZ_FPAGE_THREAD_FEED, path, &a, "");
	return rc;
}

static int render_member(struct export *x, const char *key)
{
	struct sz_forum *f = x->forum;
	struct sz_forum_member m;
	char path[64];
	struct sz_forum_args a = { .id = strtoll(key, NULL, 10) };
	memset(&m, 0, sizeof(m));
	if (a.id <= 0 || f->ops->member_get(f, a.id, &m, NULL) != 0 ||
	    m.state != SZ_MEMBER_ACTIVE) {
		sodium_memzero(&m, sizeof(m));
		return 0;
	}
	snprintf(path, sizeof(path), "/forum/member/%" PRId64, a.id);
	int rc = fwrite_page(x, SZ_FPAGE_MEMBER, path, &a, ".html");
	if (rc == 0 && m.country[0] && sz_forum_country_ok(m.country)) {
		char owner[32];
		snprintf(owner, sizeof(owner), "flag:%s", m.country);
		rc = state_dirty(x, owner, STAGE_LIST);
	}
	sodium_memzero(&m, sizeof(m));     /* it held the password's hash */
	return rc;
}

static int render_log(struct export *x, const char *key)
{
	(void)key;
	struct sz_forum *f = x->forum;
	char path[96], keytext[SZ_FORUM_KEY_TEXT];
	struct sz_forum_args a = { 0 };
	int64_t before = 0;
	int rc = fwrite_page(x, SZ_FPAGE_LOG, "/forum/log", &a, ".html");
	for (bool more = true; rc == 0 && more; ) {
		struct sz_forum_log *l = NULL;
		size_t n = 0;
		if (f->ops->log_page(f, before, FORUM_LOG_PAGE, &l, &n, &more,
		    x->err) != 0)
			return SZ_E_IO;
		more = more && n > 0;
		if (more) {
			struct sz_forum_key k = { l[n - 1].at, l[n - 1].id };
			sz_forum_key_format(&k, keytext);
			before = k.id;
			a.key = keytext;
			snprintf(path, sizeof(path), "/forum/log/older/%s", keytext);
			rc = fwrite_page(x, SZ_FPAGE_LOG_OLDER, path, &a, ".html");
		}
		free(l);
	}
	return rc;
}

static int render_flag(struct export *x, const char *key)
{
	char src[sizeof(SZ_FORUM_FLAGS_DIR) + SZ_FORUM_COUNTRY_MAX + 8];
	char file[SZ_FORUM_COUNTRY_MAX + 24];
	if (key == NULL || !sz_forum_country_ok(key))
		return 0;
	snprintf(src, sizeof(src), "%s/%s.png", SZ_FORUM_FLAGS_DIR, key);
	snprintf(file, sizeof(file), "forum/flag/%s.png", key);
	int fd = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;           /* no flags installed: the page shows alt text */
	return files_copy(x, file, fd);
}

/* ---- what to render -------------------------------------------------- */

int forum_queue_subject(struct export *x, enum sz_forum_subject subject,
	int64_t id)
{
	struct sz_forum_thread t;
	char owner[48];
	if (x->forum == NULL || x->forum->ops->thread_of_subject(x->forum,
	    subject, id, &t, NULL) != 0)
		return 0;
	snprintf(owner, sizeof(owner), "fthread:%" PRId64, t.id);
	return state_dirty(x, owner, STAGE_PAGE);
}

static int queue_ids(struct export *x, enum sz_forum_target kind,
	const char *prefix)
{
	int64_t *ids = malloc(FORUM_IDS_BATCH * sizeof(*ids)), after = 0;
	size_t n = 0;
	int rc = ids ? 0 : sz_err_set(x->err, SZ_E_NOMEM, "out of memory");
	do {
		if (rc == 0)
			rc = x->forum->ops->ids(x->forum, kind, after, FORUM_IDS_BATCH,
				ids, &n, x->err);
		for (size_t i = 0; rc == 0 && i < n; i++) {
			char owner[48];
			snprintf(owner, sizeof(owner), "%s:%" PRId64, prefix, ids[i]);
			rc = state_dirty(x, owner, STAGE_PAGE);
			after = ids[i];
		}
	} while (rc == 0 && n == FORUM_IDS_BATCH);
	free(ids);
	return rc;
}

static int queue_boards(struct export *x)
{
	struct sz_forum_board *b = NULL;
	size_t n = 0;
	int rc = x->forum->ops->board_list(x->forum, &b, &n, x->err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char owner[48];
		snprintf(owner, sizeof(owner), "board:%" PRId64, b[i].id);
		rc = state_dirty(x, owner, STAGE_LIST);
	}
	free(b);
	return rc;
}

/* Without a forum nothing is queued, so no owner here is rendered. */
static int queue_all(struct export *x, int64_t *seq)
{
	struct sz_forum_change none;
	size_t n = 0;
	if (x->forum == NULL)
		return 0;
	/* The position first: what changes meanwhile is seen next time. */
	int rc = x->forum->ops->changes(x->forum, INT64_MAX, 0, &none, &n, seq,
		x->err);
	if (rc == 0)
		rc = queue_ids(x, SZ_TARGET_THREAD, "fthread");
	if (rc == 0)
		rc = queue_ids(x, SZ_TARGET_MEMBER, "member");
	if (rc == 0)
		rc = queue_boards(x);
	if (rc == 0)
		rc = state_dirty(x, "flog", STAGE_LIST);
	return rc ? rc : state_dirty(x, "forum", STAGE_LIST);
}

/* A thread's subject in the archive shows its latest comments. */
static int queue_subject(struct export *x, int64_t thread_id)
{
	struct sz_forum_thread t;
	char owner[48];
	if (x->forum->ops->thread_get(x->forum, thread_id, &t, NULL) != 0 ||
	    t.subject == SZ_SUBJECT_NONE)
		return 0;
	if (t.subject == SZ_SUBJECT_RELEASE) {
		snprintf(owner, sizeof(owner), "release:%" PRId64, t.subject_id);
		return state_dirty(x, owner, STAGE_LIST);
	}
	snprintf(owner, sizeof(owner), "doc:%" PRId64, t.subject_id);
	return state_dirty(x, owner, STAGE_PAGE);
}

static int queue_changes(struct export *x, int64_t *seq)
{
	if (x->forum == NULL)
		return 0;
	struct sz_forum_change *rows = calloc(FORUM_CHANGES_BATCH,
		sizeof(*rows));
	int64_t last = 0;
	size_t n = 0;
	bool any = false;
	int rc = rows ? 0 : sz_err_set(x->err, SZ_E_NOMEM, "out of memory");
	do {
		if (rc == 0)
			rc = x->forum->ops->changes(x->forum, *seq, FORUM_CHANGES_BATCH,
				rows, &n, &last, x->err);
		for (size_t i = 0; rc == 0 && i < n; i++) {
			char owner[48];
			*seq = rows[i].seq;
			any = true;
			switch (rows[i].kind) {
			case SZ_CHANGED_THREAD:
				snprintf(owner, sizeof(owner), "fthread:%" PRId64,
					rows[i].id);
				rc = state_dirty(x, owner, STAGE_PAGE);
				if (rc == 0)
					rc = queue_subject(x, rows[i].id);
				break;
			case SZ_CHANGED_BOARD:
				snprintf(owner, sizeof(owner), "board:%" PRId64, rows[i].id);
				rc = state_dirty(x, owner, STAGE_LIST);
				break;
			case SZ_CHANGED_MEMBER:
				snprintf(owner, sizeof(owner), "member:%" PRId64,
					rows[i].id);
				rc = state_dirty(x, owner, STAGE_PAGE);
				/* the log links a member while their page exists */
				if (rc == 0)
					rc = state_dirty(x, "flog", STAGE_LIST);
				break;
			case SZ_CHANGED_LOG:
				rc = state_dirty(x, "flog", STAGE_LIST);
				break;
			}
		}
	} while (rc == 0 && n == FORUM_CHANGES_BATCH);
	/* The start page's latest replies and totals follow every change. */
	if (rc == 0 && any)
		rc = state_dirty(x, "forum", STAGE_LIST);
	free(rows);
	return rc;
}

static int queue_always(struct export *x)
{
	(void)x;
	return 0;
}

static const struct export_kind kinds[] = {
	{ "forum", render_forum },
	{ "board", render_board },
	{ "fthread", render_thread },
	{ "member", render_member },
	{ "flog", render_log },
	{ "flag", render_flag },
};

const struct export_source export_forum = {
	.name = "forum",
	.kinds = kinds,
	.nkinds = sizeof(kinds) / sizeof(kinds[0]),
	.queue_all = queue_all,
	.queue_changes = queue_changes,
	.queue_always = queue_always,
};
