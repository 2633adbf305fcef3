/*
 * forum.c - what the forum's back ends share: choosing one from the
 * instance's settings (database = sqlite, or PostgreSQL) and asking
 * whether the instance has a forum yet without making one, freeing the
 * rows they hand out, the engine-neutral helpers of
 * store/forum_backend.h, and what removing from the archive does to
 * the forum (forum.h).  No SQL here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <limits.h>
#include <unistd.h>

#include "core/config.h"
#include "store/archive.h"
#include "store/forum.h"
#include "store/forum_backend.h"


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

int sz_forum_exists(const char *dir, const struct sz_config *cfg,
	bool *exists, struct sz_err *err)
{
	*exists = false;
	if (sz_config_postgres(cfg))
		return sz_forum_exists_postgres(cfg->database, exists, err);
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/%s", dir, SZ_FORUM_DB_FILE) >=
	    (int)sizeof(path))
		return sz_err_set(err, SZ_E_INVAL, "the instance's path is too "
			"long");
	*exists = access(path, F_OK) == 0;
	return 0;
}

int sz_forum_ids_check(enum sz_forum_target kind, size_t limit,
	struct sz_err *err)
{
	if (limit < 1 || limit > SZ_FORUM_IDS_MAX)
		return sz_err_set(err, SZ_E_INVAL, "a list holds 1 to %d ids",
			SZ_FORUM_IDS_MAX);
	if (kind != SZ_TARGET_THREAD && kind != SZ_TARGET_MEMBER)
		return sz_err_set(err, SZ_E_INVAL, "only threads and members are "
			"listed by id");
	return 0;
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


void *sz_forum_grow(void **rows, size_t *n, size_t size, size_t max)
{
	if (*n >= max)
		return NULL;
	char *more = realloc(*rows, (*n + 1) * size);
	if (more == NULL)
		return NULL;
	*rows = more;
	memset(more + *n * size, 0, size);
	return more + (*n)++ * size;
}

void sz_forum_threads_settle(struct sz_forum_threads *out,
	const struct sz_forum_thread_query *q)
{
	bool more = out->n > q->limit;
	if (more)
		out->n = q->limit;
	if (q->from == SZ_FORUM_NEWER) {
		/* read oldest first: the page shows newest first */
		for (size_t i = 0; i < out->n / 2; i++) {
			struct sz_forum_thread tmp = out->rows[i];
			out->rows[i] = out->rows[out->n - 1 - i];
			out->rows[out->n - 1 - i] = tmp;
		}
		out->newer = more;
		out->older = true;
	} else {
		out->older = more;
		out->newer = q->from == SZ_FORUM_OLDER;
	}
}

static bool word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		(c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* One term's words as a phrase; 0 words appends nothing. */
static int phrase(struct sz_buf *b, const char *s, bool prefix,
	const struct sz_forum_syntax *syn, int *words)
{
	size_t mark = b->len;
	int rc = 0;
	*words = 0;
	for (const char *p = s; rc == 0 && p && *p;) {
		while (*p && !word_byte((unsigned char)*p))
			p++;
		const char *st = p;
		while (*p && word_byte((unsigned char)*p))
			p++;
		if (p == st)
			continue;
		rc = sz_buf_puts(b, *words ? syn->between : syn->open);
		if (rc == 0)
			rc = sz_buf_append(b, st, (size_t)(p - st));
		(*words)++;
	}
	if (rc == 0 && *words)
		rc = sz_buf_puts(b, prefix ? syn->close_prefix : syn->close);
	if (rc != 0) {
		b->len = mark;
		if (b->data)
			b->data[mark] = '\0';
	}
	return rc;
}

int sz_forum_terms(const struct sz_forum_search *q,
	const struct sz_forum_syntax *syntax, struct sz_buf *pos,
	struct sz_buf *neg)
{
	int rc = 0, w;
	for (size_t i = 0; rc == 0 && i < q->nterms; i++) {
		const struct sz_forum_term *t = &q->terms[i];
		struct sz_buf *b = t->negated ? neg : pos;
		size_t mark = b->len;
		if (b->len)
			rc = sz_buf_puts(b, t->negated || t->or_before ?
				syntax->or_ : syntax->and_);
		if (rc == 0)
			rc = phrase(b, t->words, t->prefix, syntax, &w);
		if (rc == 0 && w == 0) {
			b->len = mark;
			if (b->data)
				b->data[mark] = '\0';
		}
	}
	return rc;
}

int sz_forum_withdraw(struct sz_forum *f, enum sz_forum_subject subject,
	int64_t id, const char *actor, struct sz_err *err)
{
	struct sz_forum_thread t;
	struct sz_forum_log l;
	memset(&t, 0, sizeof(t));
	int rc = f->ops->thread_of_subject(f, subject, id, &t, err);
	if (rc == SZ_E_NOT_FOUND)
		return 0;
	if (rc != 0 || (t.state != SZ_THREAD_VISIBLE &&
	    t.state != SZ_THREAD_PENDING))
		return rc;
	rc = f->ops->thread_set_state(f, t.id, SZ_THREAD_HIDDEN, err);
	if (rc != 0)
		return rc;
	memset(&l, 0, sizeof(l));
	l.at = time(NULL);
	snprintf(l.actor, sizeof(l.actor), "%s", actor);
	snprintf(l.action, sizeof(l.action), "hid a thread");
	l.target = SZ_TARGET_THREAD;
	l.target_id = t.id;
	snprintf(l.about, sizeof(l.about), "#%lld", (long long)t.id);
	snprintf(l.reason, sizeof(l.reason), "what it discusses was withdrawn "
		"from the archive");
	return f->ops->log_add(f, &l, err);
}

int sz_forum_withdraw_doc(struct sz_forum *f, struct sz_archive *a,
	int64_t doc_id, const char *actor, struct sz_err *err)
{
	struct sz_doc_row d, *kids = NULL;
	size_t n = 0;
	memset(&d, 0, sizeof(d));
	int rc = a->ops->doc_get(a, doc_id, &d, err);
	if (rc == 0)
		rc = sz_forum_withdraw(f, d.email ? SZ_SUBJECT_EMAIL :
			SZ_SUBJECT_DOCUMENT, doc_id, actor, err);
	if (rc == 0 && d.email)
		rc = a->ops->doc_children(a, doc_id, &kids, &n, err);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = sz_forum_withdraw(f, SZ_SUBJECT_DOCUMENT, kids[i].id, actor,
			err);
	sz_doc_rows_free(kids, n);
	sz_doc_row_clear(&d);
	return rc;
}
