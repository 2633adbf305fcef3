/*
 * forum_fill.c - fills an instance's forum with POSTS posts, quickly and
 * through the store's own operations (member_create, board_create,
 * thread_create, post_add), one transaction per batch of BATCH posts, for
 * the forum's benchmark.  Test-only: it is never installed.
 *
 *   forum_fill DIR POSTS
 *
 * What it makes, by id, for the benchmark to find:
 *   board 1  "A crowded board": 10,000 threads, the rest of the posts
 *            spread over them
 *   board 2  "Long threads": thread 1, 200 posts (the page to serve);
 *            thread 2, 100,020 posts (page 5,000 is full)
 * and 2,000 members.  Words are drawn from a small vocabulary with a
 * Zipf-like skew, 6 to 30 to a post, so the index looks like a forum's.
 * The forum is the instance's, on its configured back end (forum.db, or
 * the PostgreSQL database its `database` setting names).
 * What it does not do: hash passwords (nobody logs in), or fsync.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/forum.h"

#define POSTS_MAX 20000000L
#define BATCH 20000
#define MEMBERS 2000
#define THREADS 10000
#define SHORT 200
#define LONG 100020

static const char *const words[] = { "the", "contract", "bridge", "minister",
	"invoice", "paid", "twice", "audit", "tender", "official", "office",
	"report", "leak", "document", "signed", "committee", "budget", "road",
	"company", "director", "evidence", "question", "answer", "press",
	"story", "source", "money", "account", "bank", "transfer", "public",
	"secret", "archive", "email", "memo", "meeting", "decision", "vote",
	"court", "lawyer", "judge", "police", "river", "city", "north",
	"south", "winter", "spring", "election", "party" };
#define NWORDS (sizeof(words) / sizeof(words[0]))

static int64_t members[MEMBERS];
static int64_t made, at = 1700000000;

static void text(char *out, size_t cap)
{
	size_t n = 6 + randombytes_uniform(25), k = 0;
	for (size_t i = 0; i < n && k + 16 < cap; i++) {
		/* skewed: low indexes far more often */
		size_t r = randombytes_uniform(NWORDS);
		size_t w = r * r / NWORDS;
		k += (size_t)snprintf(out + k, cap - k, "%s%s", i ? " " : "",
			words[w]);
	}
}

static int batch_edge(struct sz_forum *f, struct sz_err *err)
{
	if (made % BATCH != 0)
		return 0;
	int rc = f->ops->commit(f, err);
	if (rc == 0)
		rc = f->ops->begin(f, err);
	if (made % 100000 == 0) {
		fprintf(stderr, "%lld posts\r", (long long)made);
		fflush(stderr);
	}
	return rc;
}

static int add(struct sz_forum *f, int64_t thread, struct sz_err *err)
{
	char src[400], html[420];
	text(src, sizeof(src));
	snprintf(html, sizeof(html), "<p>%s</p>\n", src);
	struct sz_forum_post_new p = { thread,
		members[randombytes_uniform(MEMBERS)], at++, SZ_POST_VISIBLE, 0,
		src, html, src };
	int64_t id, pos;
	made++;
	int rc = f->ops->post_add(f, &p, &id, &pos, err);
	return rc ? rc : batch_edge(f, err);
}

static int thread(struct sz_forum *f, int64_t board, const char *title,
	int64_t *id, struct sz_err *err)
{
	char src[400], html[420];
	int64_t post;
	text(src, sizeof(src));
	snprintf(html, sizeof(html), "<p>%s</p>\n", src);
	struct sz_forum_thread_new t = { board, SZ_SUBJECT_NONE, 0, title };
	struct sz_forum_post_new p = { 0, members[randombytes_uniform(MEMBERS)],
		at++, SZ_POST_VISIBLE, 0, src, html, src };
	made++;
	int rc = f->ops->thread_create(f, &t, &p, id, &post, err);
	return rc ? rc : batch_edge(f, err);
}

int main(int argc, char **argv)
{
	char *end;
	long n = argc == 3 ? strtol(argv[2], &end, 10) : 0;
	if (argc != 3 || *end || n < SHORT + LONG + THREADS || n > POSTS_MAX) {
		fprintf(stderr, "usage: forum_fill DIR POSTS (%d to %ld)\n",
			SHORT + LONG + THREADS, POSTS_MAX);
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	struct sz_forum *f;
	struct sz_err err;
	int64_t board1, board2, t, crowded[THREADS];
	if (sz_forum_open(&f, argv[1], &err) != 0) {
		fprintf(stderr, "forum_fill: %s\n", err.msg);
		return 1;
	}
	int rc = f->ops->begin(f, &err);
	for (int i = 0; rc == 0 && i < MEMBERS; i++) {
		struct sz_forum_member m;
		memset(&m, 0, sizeof(m));
		snprintf(m.name, sizeof(m.name), "member%d", i);
		snprintf(m.key, sizeof(m.key), "member%d", i);
		snprintf(m.joined_day, sizeof(m.joined_day), "2024-01-01");
		rc = f->ops->member_create(f, &m, NULL, &members[i], &err);
	}
	if (rc == 0)
		rc = f->ops->board_create(f, "A crowded board", "10,000 threads",
			&board1, &err);
	if (rc == 0)
		rc = f->ops->board_create(f, "Long threads", "", &board2, &err);
	if (rc == 0)
		rc = thread(f, board2, "A thread of 200 posts", &t, &err);
	for (int i = 1; rc == 0 && i < SHORT; i++)
		rc = add(f, t, &err);
	if (rc == 0)
		rc = thread(f, board2, "A thread of 100,020 posts", &t, &err);
	for (int i = 1; rc == 0 && i < LONG; i++)
		rc = add(f, t, &err);
	for (int i = 0; rc == 0 && i < THREADS; i++) {
		char title[64];
		snprintf(title, sizeof(title), "Thread %d of the crowded board", i);
		rc = thread(f, board1, title, &crowded[i], &err);
	}
	while (rc == 0 && made < n)
		rc = add(f, crowded[randombytes_uniform(THREADS)], &err);
	if (rc == 0)
		rc = f->ops->commit(f, &err);
	f->ops->close(f);
	if (rc != 0) {
		fprintf(stderr, "forum_fill: %s\n", err.msg);
		return 1;
	}
	fprintf(stderr, "%lld posts\n", (long long)made);
	return 0;
}
