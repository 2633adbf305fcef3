/*
 * rules.c - who may do what in the forum: trust levels earned by reading,
 * posting and being liked (in the spirit of Discourse's), titles by
 * activity, viewers, and the flags a member may choose.  Every threshold
 * is a forum.* setting (core/config.h); nothing here is stored: a
 * member's trust follows from their counters whenever it is asked.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/forum/forum.h"

/* Days since a member joined (the day is all that is kept). */
static int64_t days_since(const char *day)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(day, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) !=
	    3)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t then = timegm(&tm);
	return then > 0 ? (int64_t)(time(NULL) - then) / 86400 : 0;
}

int sz_forum_trust(const struct sz_config *cfg,
	const struct sz_forum_member *m, bool staff)
{
	if (staff)
		return 2;
	if ((uint64_t)m->posts_read < cfg->forum_trust1_read_posts ||
	    (uint64_t)m->approved_posts < cfg->forum_approve_first_posts)
		return 0;
	if ((uint64_t)m->posts_read < cfg->forum_trust2_read_posts ||
	    (uint64_t)m->posts < cfg->forum_trust2_posts ||
	    (uint64_t)m->likes_received < cfg->forum_trust2_likes ||
	    (uint64_t)days_since(m->joined_day) < cfg->forum_trust2_days)
		return 1;
	return 2;
}

const char *sz_forum_title(const struct sz_config *cfg,
	const struct sz_lang *lang, const struct sz_forum_author *a)
{
	if (a->title[0])
		return a->title;
	if (a->role == SZ_FORUM_ADMIN)
		return _(lang, "Administrator");
	if (a->role == SZ_FORUM_MODERATOR)
		return _(lang, "Moderator");
	if ((uint64_t)a->posts >= cfg->forum_senior_member_posts)
		return _(lang, "Senior Member");
	if ((uint64_t)a->posts >= cfg->forum_regular_member_posts)
		return _(lang, "Regular Member");
	return _(lang, "New Member");
}

void sz_forum_viewer_member(struct sz_forum_viewer *v,
	const struct sz_config *cfg, const struct sz_forum_member *m)
{
	memset(v, 0, sizeof(*v));
	if (m == NULL)
		return;
	v->member = true;
	v->m = *m;
	/* the password's hash has no business on a page's way */
	memset(v->m.password_hash, 0, sizeof(v->m.password_hash));
	v->staff = m->role == SZ_FORUM_MODERATOR || m->role == SZ_FORUM_ADMIN;
	v->admin = m->role == SZ_FORUM_ADMIN;
	v->trust = sz_forum_trust(cfg, m, v->staff);
	snprintf(v->actor, sizeof(v->actor), "%s", m->name);
}

void sz_forum_viewer_editor(struct sz_forum_viewer *v)
{
	memset(v, 0, sizeof(*v));
	v->staff = v->admin = v->editor = true;
	v->trust = 2;
	snprintf(v->actor, sizeof(v->actor), "%s", SZ_FORUM_EDITORS_ACTOR);
}

/* The flags there are, listed once (the public face's sandbox lets it
 * read that folder and nothing else outside the instance: cli/faces.c). */
static pthread_once_t flags_once = PTHREAD_ONCE_INIT;
static char flags[SZ_FORUM_FLAGS_MAX][SZ_FORUM_COUNTRY_MAX + 1];
static size_t nflags;

static int cmp_flag(const void *a, const void *b)
{
	return strcmp(a, b);
}

static void flags_read(void)
{
	DIR *d = opendir(SZ_FORUM_FLAGS_DIR);
	struct dirent *e;
	while (d != NULL && nflags < SZ_FORUM_FLAGS_MAX &&
	    (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 6 || len - 4 > SZ_FORUM_COUNTRY_MAX ||
		    strcmp(e->d_name + len - 4, ".png") != 0)
			continue;
		bool plain = true;
		for (size_t i = 0; i < len - 4; i++)
			plain = plain && e->d_name[i] >= 'a' && e->d_name[i] <= 'z';
		if (!plain)
			continue;
		memcpy(flags[nflags], e->d_name, len - 4);
		flags[nflags++][len - 4] = '\0';
	}
	if (d != NULL)
		closedir(d);
	qsort(flags, nflags, sizeof(flags[0]), cmp_flag);
}

size_t sz_forum_flags(const char (**list)[SZ_FORUM_COUNTRY_MAX + 1])
{
	pthread_once(&flags_once, flags_read);
	*list = (const char (*)[SZ_FORUM_COUNTRY_MAX + 1])flags;
	return nflags;
}

bool sz_forum_country_ok(const char *code)
{
	const char (*list)[SZ_FORUM_COUNTRY_MAX + 1];
	size_t n = sz_forum_flags(&list);
	return strlen(code) <= SZ_FORUM_COUNTRY_MAX &&
		bsearch(code, list, n, sizeof(list[0]), cmp_flag) != NULL;
}

void sz_forum_done_start(struct sz_forum_done *d, const struct sz_lang *lang)
{
	memset(d, 0, sizeof(*d));
	d->lang = lang;
}

int sz_forum_refuse(struct sz_forum_done *d, unsigned status,
	const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->message, sizeof(d->message), fmt, ap);
	va_end(ap);
	d->status = status;
	return SZ_E_INVAL;
}

int64_t sz_forum_id(const char *s)
{
	int64_t v = 0;
	if (s == NULL || *s == '\0' || strlen(s) > 18 || *s == '0')
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (*s - '0');
	}
	return v;
}

void sz_forum_key_format(const struct sz_forum_key *k,
	char out[SZ_FORUM_KEY_TEXT])
{
	snprintf(out, SZ_FORUM_KEY_TEXT, "%lld.%lld", (long long)k->at,
		(long long)k->id);
}

/* Digits only, no sign, no leading zero (but "0"), at most 18. */
static bool number(const char *s, size_t n, int64_t *v)
{
	if (n == 0 || n > 18 || (n > 1 && s[0] == '0'))
		return false;
	int64_t x = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return true;
}

int sz_forum_key_parse(const char *text, struct sz_forum_key *k)
{
	memset(k, 0, sizeof(*k));
	const char *dot = text ? strchr(text, '.') : NULL;
	if (dot == NULL || !number(text, (size_t)(dot - text), &k->at) ||
	    !number(dot + 1, strlen(dot + 1), &k->id) || k->id == 0) {
		memset(k, 0, sizeof(*k));
		return SZ_E_INVAL;
	}
	return 0;
}
