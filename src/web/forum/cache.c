/*
 * cache.c - the forum's pages as readers who are not logged in see them,
 * kept for as long as the forum does not change (forum.h): a handful of
 * slots, each a page of at most SZ_FORUM_CACHE_PAGE_MAX bytes, the least
 * recently used given up first.  A page is served from here only for the
 * forum's version it was made at (the store's version changes with every
 * change, made by any process), so nothing hidden, deleted or edited is
 * ever shown from here after it changed.
 *
 * What it deliberately does not do: keep a member's page (their pages
 * carry their forms and tokens), or keep anything about who asked.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "web/forum/forum.h"

struct slot {
	char path[SZ_FORUM_CACHE_PATH_MAX + 1];
	int64_t version;
	uint8_t *page;
	size_t len;
	unsigned status;
	const char *content_type;     /* a string literal of the page layer */
	uint64_t used;
};

struct sz_forum_cache {
	pthread_mutex_t mu;
	uint64_t tick;
	struct slot slots[SZ_FORUM_CACHE_SLOTS];
};

struct sz_forum_cache *sz_forum_cache_new(void)
{
	struct sz_forum_cache *c = calloc(1, sizeof(*c));
	if (c != NULL)
		pthread_mutex_init(&c->mu, NULL);
	return c;
}

void sz_forum_cache_free(struct sz_forum_cache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < SZ_FORUM_CACHE_SLOTS; i++)
		free(c->slots[i].page);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

bool sz_forum_cache_get(struct sz_forum_cache *c, const char *path,
	int64_t version, struct sz_buf *out, unsigned *status,
	const char **content_type)
{
	bool hit = false;
	pthread_mutex_lock(&c->mu);
	for (size_t i = 0; i < SZ_FORUM_CACHE_SLOTS && !hit; i++) {
		struct slot *s = &c->slots[i];
		if (s->page == NULL || s->version != version ||
		    strcmp(s->path, path) != 0)
			continue;
		hit = sz_buf_append(out, s->page, s->len) == 0;
		*status = s->status;
		*content_type = s->content_type;
		s->used = ++c->tick;
	}
	pthread_mutex_unlock(&c->mu);
	return hit;
}

void sz_forum_cache_put(struct sz_forum_cache *c, const char *path,
	int64_t version, const struct sz_buf *page, unsigned status,
	const char *content_type)
{
	if (strlen(path) > SZ_FORUM_CACHE_PATH_MAX ||
	    page->len > SZ_FORUM_CACHE_PAGE_MAX || page->data == NULL)
		return;
	uint8_t *copy = malloc(page->len);
	if (copy == NULL)
		return;
	memcpy(copy, page->data, page->len);
	pthread_mutex_lock(&c->mu);
	/* the path's own slot, else a free one, else the least recently
	 * used */
	struct slot *s = NULL, *free_slot = NULL, *lru = &c->slots[0];
	for (size_t i = 0; i < SZ_FORUM_CACHE_SLOTS && s == NULL; i++) {
		struct slot *t = &c->slots[i];
		if (t->page != NULL && strcmp(t->path, path) == 0)
			s = t;
		else if (t->page == NULL && free_slot == NULL)
			free_slot = t;
		else if (t->used < lru->used)
			lru = t;
	}
	if (s == NULL)
		s = free_slot ? free_slot : lru;
	free(s->page);
	memcpy(s->path, path, strlen(path) + 1);
	s->version = version;
	s->page = copy;
	s->len = page->len;
	s->status = status;
	s->content_type = content_type;
	s->used = ++c->tick;
	pthread_mutex_unlock(&c->mu);
}
