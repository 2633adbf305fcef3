/*
 * forum.c - what the forum's back ends share: choosing one from the
 * instance's settings (database = sqlite, or PostgreSQL), and freeing
 * the rows they hand out.  No SQL here.
 */
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "store/forum.h"

int sz_forum_open(struct sz_forum **f, const char *dir, struct sz_err *err)
{
	struct sz_config cfg;
	*f = NULL;
	int rc = sz_config_load(&cfg, dir, err);
	if (rc != 0)
		return rc;
	return sz_forum_open_config(f, dir, &cfg, err);
}

int sz_forum_open_config(struct sz_forum **f, const char *dir,
	const struct sz_config *cfg, struct sz_err *err)
{
	if (sz_config_postgres(cfg))
		return sz_forum_open_postgres(f, cfg->database, err);
	return sz_forum_open_sqlite(f, dir, err);
}

void sz_forum_post_clear(struct sz_forum_post *p)
{
	if (p == NULL)
		return;
	free(p->source);
	free(p->html);
	free(p->text);
	memset(p, 0, sizeof(*p));
}

void sz_forum_posts_free(struct sz_forum_post *rows, size_t n)
{
	for (size_t i = 0; rows != NULL && i < n; i++)
		sz_forum_post_clear(&rows[i]);
	free(rows);
}

void sz_forum_edits_free(struct sz_forum_edit *rows, size_t n)
{
	for (size_t i = 0; rows != NULL && i < n; i++)
		free(rows[i].source);
	free(rows);
}

void sz_forum_hits_free(struct sz_forum_hits *h)
{
	if (h == NULL)
		return;
	sz_forum_posts_free(h->rows, h->n);
	memset(h, 0, sizeof(*h));
}

