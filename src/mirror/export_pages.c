/*
 * export_pages.c - the archive as a source of an export's pages: which
 * owners its change log touches, and how each owner's files are made
 * with the archive page layer (web/archive/pages.h), the same pages the
 * public face serves, with relative links.
 *
 *   doc:ID        doc/ID.html or email/ID.html, its JSON
 *                 (api/v1/documents/ID.json, api/v1/emails/ID.json) and
 *                 the stored file, file/ID
 *   thread:T      thread/T.html (and its e-mails' pages, which list it)
 *   from:A, to:A  from/A.html, from/A/page/N.html (A: sz_page_key_file)
 *   release:R     release/R.html, release/R/page/N.html, and the JSON
 *                 api/v1/releases/R.json, .../R/page/N.json
 *   month:M       browse/month/M.html and its pages
 *   months, senders, recipients    the browse indexes
 *   home          index.html, page/N.html, feed.atom, api/v1/releases.json
 *   site          style.css, browse.html, search.html
 *
 * What it deliberately does not render: search results (a copy cannot
 * search) and drafts.
 */
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mirror/export_internal.h"
#include "web/web.h"

#define IDS_BATCH 1000

int pages_put(struct export *x, int rc, unsigned status, const char *path,
	const char *ext, const char *source)
{
	char file[SZ_MANIFEST_PATH_MAX + 1];
	if (rc == SZ_E_LIMIT) {
		fprintf(stderr, "samizdat mirror export: %s is larger than %u MiB: "
			"left out\n", path, SZ_EXPORT_PAGE_MAX >> 20);
		x->stats->skipped++;
		return 0;
	}
	if (rc != 0)
		return sz_err_set(x->err, SZ_E_IO, "cannot render %s: the %s "
			"cannot be read", path, source);
	if (status != 200)
		return 0;
	int n = snprintf(file, sizeof(file), "%s%s", strcmp(path, "/") == 0 ?
		"index" : path + 1, ext);
	if (n < 0 || (size_t)n >= sizeof(file) ||
	    !sz_manifest_path_ok(file, (size_t)n)) {
		fprintf(stderr, "samizdat mirror export: %s cannot be a file name: "
			"left out\n", path);
		x->stats->skipped++;
		return 0;
	}
	return files_write(x, file, x->page.data, x->page.len);
}

int pages_write(struct export *x, enum sz_page_kind kind, const char *path,
	const struct sz_page_args *args, const char *ext, size_t *pages)
{
	struct sz_page pg;
	x->page.len = 0;
	int rc = sz_page_render(&pg, &x->site, kind, path, args, &x->page);
	if (pages != NULL)
		*pages = rc == 0 && pg.status == 200 ? pg.pages : 0;
	x->adjacent[0] = rc == 0 ? pg.adjacent[0] : 0;
	x->adjacent[1] = rc == 0 ? pg.adjacent[1] : 0;
	return pages_put(x, rc, rc == 0 ? pg.status : 0, path, ext, "archive");
}

/* Pages first..last of a list (page 1 is written by write_list). */
struct list_run {
	struct export *x;
	enum sz_page_kind kind, api;
	const char *base, *api_base;
	struct sz_page_args args;
	size_t first, last;
};

static int write_pages(const struct list_run *r)
{
	struct export *x = r->x;
	char path[SZ_MANIFEST_PATH_MAX + 32];
	struct sz_page_args args = r->args;
	int rc = 0;
	for (size_t n = r->first; rc == 0 && n <= r->last; n++) {
		size_t got;
		args.number = n;
		snprintf(path, sizeof(path), "%s/page/%zu",
			strcmp(r->base, "/") == 0 ? "" : r->base, n);
		rc = pages_write(x, r->kind, path, &args, ".html", &got);
		if (rc == 0 && r->api != SZ_PAGE_KINDS && got > 0) {
			snprintf(path, sizeof(path), "%s/page/%zu", r->api_base, n);
			rc = pages_write(x, r->api, path, &args, ".json", NULL);
		}
	}
	return rc;
}

/* The second half of a long list, in a thread of its own with its own
 * worker and its own read snapshot of the archive. */
struct list_half {
	struct export_worker w;
	struct list_run run;
};

static void *list_half(void *p)
{
	struct list_half *h = p;
	struct sz_archive *a = h->w.x.site.archive;
	h->run.x = &h->w.x;
	int rc = sz_archive_hold_reads(a, true, h->w.x.err);
	if (rc == 0)
		rc = write_pages(&h->run);
	if (rc == 0)
		rc = state_flush(&h->w.x);
	int end = sz_archive_hold_reads(a, false, h->w.x.err);
	h->w.rc = rc ? rc : end;
	return NULL;
}

/* Every page of a list: base ("/release/3"), then base/page/N up to the
 * number of pages the first says it has; and the same pages of api (a
 * JSON list), if given.  A list longer than EXPORT_LIST_SPLIT pages (a
 * release of 100,000 e-mails has 5,000) is written by two threads, each
 * half in order (a walk through a list seeks from the page before), so
 * one owner does not keep a core idle while the other renders it alone;
 * the second half reads a snapshot of its own, taken a moment later
 * (what changes between them is the next export's). */
static int write_list(struct export *x, enum sz_page_kind kind,
	const char *base, struct sz_page_args args, enum sz_page_kind api,
	const char *api_base)
{
	size_t pages = 0;
	args.number = 1;
	int rc = pages_write(x, kind, base, &args, ".html", &pages);
	if (rc == 0 && api != SZ_PAGE_KINDS && pages > 0)
		rc = pages_write(x, api, api_base, &args, ".json", NULL);
	struct list_run run = { .x = x, .kind = kind, .api = api, .base = base,
		.api_base = api_base, .args = args, .first = 2, .last = pages };
	struct list_half *h = NULL;
	pthread_t t;
	if (rc == 0 && pages > EXPORT_LIST_SPLIT &&
	    (h = calloc(1, sizeof(*h))) != NULL) {
		export_worker_init(&h->w, x);
		h->run = run;
		h->run.first = 2 + (pages - 1) / 2;
		run.last = h->run.first - 1;
		if (pthread_create(&t, NULL, list_half, h) != 0) {
			run.last = pages;     /* alone, then */
			export_worker_free(&h->w);
			free(h);
			h = NULL;
		}
	}
	if (rc == 0)
		rc = write_pages(&run);
	if (h != NULL) {
		pthread_join(t, NULL);
		rc = export_worker_end(&h->w, x, rc);
		export_worker_free(&h->w);
		free(h);
	}
	return rc;
}

static int queue_doc_ids(struct export *x, int64_t release_id)
{
	struct sz_archive *a = x->site.archive;
	int64_t ids[IDS_BATCH], after = 0;
	size_t n;
	int rc;
	do {
		rc = a->ops->doc_ids(a, release_id, after, IDS_BATCH, ids, &n,
			x->err);
		for (size_t i = 0; rc == 0 && i < n; i++) {
			char owner[32];
			snprintf(owner, sizeof(owner), "doc:%lld", (long long)ids[i]);
			rc = state_dirty(x, owner, STAGE_CHANGED);
			after = ids[i];
		}
	} while (rc == 0 && n == IDS_BATCH);
	return rc;
}

/* ---- owners ---------------------------------------------------------- */

/* The owners a visible document shows up in: its release and the home
 * page; for an e-mail its thread, sender, recipients and month; for an
 * attachment the e-mail it came with. */
static int doc_deps(struct export *x, const struct sz_doc_row *d)
{
	struct sz_archive *a = x->site.archive;
	char owner[EXPORT_OWNER_MAX];
	int64_t id = d->id;
	snprintf(owner, sizeof(owner), "release:%lld", (long long)d->release_id);
	int rc = state_dep(x, id, owner);
	if (rc == 0)
		rc = state_dep(x, id, "home");
	if (rc == 0 && d->parent_id) {
		snprintf(owner, sizeof(owner), "doc:%lld", (long long)d->parent_id);
		rc = state_dep(x, id, owner);
	}
	if (rc != 0 || !d->email)
		return rc;
	if (d->thread[0]) {
		snprintf(owner, sizeof(owner), "thread:%s", d->thread);
		rc = state_dep(x, id, owner);
	}
	if (rc == 0 && d->from_addr[0]) {
		snprintf(owner, sizeof(owner), "from:%s", d->from_addr);
		rc = state_dep(x, id, owner);
		if (rc == 0)
			rc = state_dep(x, id, "senders");
	}
	if (rc == 0 && d->date > 0) {
		time_t t = (time_t)d->date;
		struct tm tm;
		if (gmtime_r(&t, &tm) != NULL) {
			snprintf(owner, sizeof(owner), "month:%04d-%02d",
				tm.tm_year + 1900, tm.tm_mon + 1);
			rc = state_dep(x, id, owner);
			if (rc == 0)
				rc = state_dep(x, id, "months");
		}
	}
	struct sz_count_row *to = NULL;
	size_t n = 0;
	if (rc == 0)
		rc = a->ops->doc_recipients(a, id, &to, &n, x->err);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		snprintf(owner, sizeof(owner), "to:%s", to[i].key);
		rc = state_dep(x, id, owner);
	}
	if (rc == 0 && n > 0)
		rc = state_dep(x, id, "recipients");
	free(to);
	return rc;
}

static int render_doc(struct export *x, const char *key)
{
	struct sz_archive *a = x->site.archive;
	struct sz_doc_row d;
	struct sz_err ignore;
	char path[64], file[64];
	int64_t id = strtoll(key, NULL, 10);
	bool changed = x->stage == STAGE_CHANGED;
	/* When everything is rendered, every owner below is queued already
	 * and no document showed up anywhere before. */
	bool requeue = changed && !x->everything;
	int rc = 0;
	/* What it showed up in last time is touched either way: it may be
	 * gone now, or moved. */
	if (requeue)
		rc = state_deps_requeue(x, id);
	/* its discussion's page links it only while it is published */
	if (rc == 0 && requeue)
		rc = forum_queue_subject(x, SZ_SUBJECT_DOCUMENT, id);
	if (rc == 0 && requeue)
		rc = forum_queue_subject(x, SZ_SUBJECT_EMAIL, id);
	memset(&d, 0, sizeof(d));
	if (rc != 0 || id <= 0 || a->ops->doc_get(a, id, &d, &ignore) != 0 ||
	    !d.published) {
		sz_doc_row_clear(&d);
		return rc;          /* gone or not public: its files go */
	}
	struct sz_page_args args = { .id = id, .number = 1 };
	snprintf(path, sizeof(path), "/%s/%lld", d.email ? "email" : "doc",
		(long long)id);
	rc = pages_write(x, d.email ? SZ_PAGE_EMAIL : SZ_PAGE_DOCUMENT, path,
		&args, ".html", NULL);
	/* Its page shows its neighbours' titles: it is rendered again when
	 * they change or go.  A document that changed shows up in theirs. */
	int64_t adjacent[2] = { x->adjacent[0], x->adjacent[1] };
	char self[32];
	snprintf(self, sizeof(self), "doc:%lld", (long long)id);
	for (int i = 0; rc == 0 && i < 2; i++) {
		char shown[32];
		if (adjacent[i] <= 0)
			continue;
		rc = state_shown(x, adjacent[i], self);
		snprintf(shown, sizeof(shown), "doc:%lld", (long long)adjacent[i]);
		if (rc == 0 && requeue)
			rc = state_dirty(x, shown, STAGE_PAGE);
	}
	snprintf(path, sizeof(path), "/api/v1/%s/%lld", d.email ? "emails" :
		"documents", (long long)id);
	if (rc == 0)
		rc = pages_write(x, d.email ? SZ_API_EMAIL : SZ_API_DOCUMENT, path,
			&args, ".json", NULL);
	snprintf(file, sizeof(file), "file/%lld", (long long)id);
	if (rc == 0 && (changed || state_file_keep(x, file) != 0)) {
		struct sz_page_file_info f;
		uint8_t sha[32];
		size_t len = 0;
		if (sz_page_file_open(&x->site, id, &f) == 0)
			rc = sodium_hex2bin(sha, sizeof(sha), f.sha256,
				strlen(f.sha256), NULL, &len, NULL) == 0 &&
				len == sizeof(sha) ?
				files_copy_known(x, file, f.fd, sha, f.size) :
				files_copy(x, file, f.fd);
	}
	if (rc == 0 && changed)
		rc = doc_deps(x, &d);
	sz_doc_row_clear(&d);
	return rc;
}

static int render_thread(struct export *x, const char *key)
{
	struct sz_archive *a = x->site.archive;
	struct sz_doc_row *rows = NULL;
	size_t n = 0;
	char path[EXPORT_OWNER_MAX + 16];
	struct sz_page_args args = { .key = key, .number = 1 };
	snprintf(path, sizeof(path), "/thread/%s", key);
	int rc = pages_write(x, SZ_PAGE_THREAD, path, &args, ".html", NULL);
	/* Each e-mail's page lists its thread (all of them were queued
	 * already when everything is rendered). */
	if (rc == 0 && !x->everything &&
	    a->ops->thread(a, key, false, &rows, &n, x->err) == 0)
		for (size_t i = 0; rc == 0 && i < n; i++) {
			char owner[32];
			snprintf(owner, sizeof(owner), "doc:%lld",
				(long long)rows[i].id);
			rc = state_dirty(x, owner, STAGE_PAGE);
		}
	sz_doc_rows_free(rows, n);
	return rc;
}

static int render_address(struct export *x, const char *role,
	const char *key)
{
	struct sz_buf base;
	sz_buf_init(&base, SZ_MANIFEST_PATH_MAX);
	int rc = sz_buf_printf(&base, "/%s/", role);
	if (rc == 0)
		rc = sz_page_key_file(key, &base);
	if (rc != 0) {
		sz_buf_free(&base);
		return 0;           /* too long to be a file: no page */
	}
	struct sz_page_args args = { .key = key };
	rc = write_list(x, strcmp(role, "from") == 0 ? SZ_PAGE_FROM :
		SZ_PAGE_TO, (const char *)base.data, args, SZ_PAGE_KINDS, NULL);
	sz_buf_free(&base);
	return rc;
}

static int render_from(struct export *x, const char *key)
{
	return render_address(x, "from", key);
}

static int render_to(struct export *x, const char *key)
{
	return render_address(x, "to", key);
}

static int render_release(struct export *x, const char *key)
{
	char base[48], api[64];
	struct sz_page_args args = { .id = strtoll(key, NULL, 10) };
	snprintf(base, sizeof(base), "/release/%lld", (long long)args.id);
	snprintf(api, sizeof(api), "/api/v1/releases/%lld", (long long)args.id);
	return args.id > 0 ? write_list(x, SZ_PAGE_RELEASE, base, args,
		SZ_API_RELEASE, api) : 0;
}

static int render_month(struct export *x, const char *key)
{
	char base[64];
	struct sz_page_args args = { .key = key };
	snprintf(base, sizeof(base), "/browse/month/%.7s", key);
	return write_list(x, SZ_PAGE_MONTH, base, args, SZ_PAGE_KINDS, NULL);
}

static int render_months(struct export *x, const char *key)
{
	(void)key;
	struct sz_page_args args = { 0 };
	return write_list(x, SZ_PAGE_MONTHS, "/browse/months", args,
		SZ_PAGE_KINDS, NULL);
}

static int render_senders(struct export *x, const char *key)
{
	(void)key;
	struct sz_page_args args = { 0 };
	return write_list(x, SZ_PAGE_SENDERS, "/browse/senders", args,
		SZ_PAGE_KINDS, NULL);
}

static int render_recipients(struct export *x, const char *key)
{
	(void)key;
	struct sz_page_args args = { 0 };
	return write_list(x, SZ_PAGE_RECIPIENTS, "/browse/recipients", args,
		SZ_PAGE_KINDS, NULL);
}

static int render_home(struct export *x, const char *key)
{
	(void)key;
	struct sz_page_args args = { .number = 1 };
	int rc = write_list(x, SZ_PAGE_HOME, "/", args, SZ_API_RELEASES,
		"/api/v1/releases");
	if (rc == 0)
		rc = pages_write(x, SZ_PAGE_FEED, "/feed.atom", &args, "", NULL);
	return rc;
}

static int render_site(struct export *x, const char *key)
{
	(void)key;
	struct sz_page_args args = { .number = 1 };
	x->page.len = 0;
	int rc = sz_web_stylesheet(&x->page);
	if (rc == 0)
		rc = files_write(x, "style.css", x->page.data, x->page.len);
	if (rc == 0)
		rc = pages_write(x, SZ_PAGE_SEARCH, "/search", &args, ".html", NULL);
	if (rc == 0)
		rc = pages_write(x, SZ_PAGE_BROWSE, "/browse", &args, ".html", NULL);
	return rc;
}

/* ---- what to render -------------------------------------------------- */

static int queue_lists(struct export *x)
{
	static const char *const lists[] = { "home", "months", "senders",
		"recipients" };
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < sizeof(lists) / sizeof(lists[0]); i++)
		rc = state_dirty(x, lists[i], STAGE_LIST);
	return rc;
}

static int queue_all(struct export *x, int64_t *seq)
{
	struct sz_archive *a = x->site.archive;
	struct sz_release_row *rows = NULL;
	struct sz_archive_change none;
	size_t n = 0, offset = 0;
	int64_t total = 0;
	/* The position first: whatever changes while this export runs is
	 * seen again by the next. */
	int rc = a->ops->changes(a, INT64_MAX, 1, &none, &n, seq, x->err);
	if (rc == 0)
		rc = queue_doc_ids(x, 0);
	if (rc == 0)
		rc = queue_lists(x);
	/* Releases, even empty ones. */
	do {
		if (rc == 0)
			rc = a->ops->release_list(a, false, offset, SZ_ARCHIVE_PAGE_MAX,
				&rows, &n, &total, x->err);
		for (size_t i = 0; rc == 0 && i < n; i++) {
			char owner[32];
			snprintf(owner, sizeof(owner), "release:%lld",
				(long long)rows[i].id);
			rc = state_dirty(x, owner, STAGE_LIST);
		}
		sz_release_rows_free(rows, n);
		rows = NULL;
		offset += n;
	} while (rc == 0 && n > 0 && offset < (size_t)total);
	return rc;
}

#define CHANGES_BATCH 1000
#define RELEASES_SEEN 64

static int queue_changes(struct export *x, int64_t *seq)
{
	struct sz_archive *a = x->site.archive;
	struct sz_archive_change *rows = calloc(CHANGES_BATCH, sizeof(*rows));
	int64_t seen[RELEASES_SEEN], last = 0;
	size_t nseen = 0, n = 0;
	int rc = rows ? 0 : sz_err_set(x->err, SZ_E_NOMEM, "out of memory");
	do {
		if (rc == 0)
			rc = a->ops->changes(a, *seq, CHANGES_BATCH, rows, &n, &last,
				x->err);
		for (size_t i = 0; rc == 0 && i < n; i++) {
			char owner[32];
			*seq = rows[i].seq;
			if (rows[i].doc_id) {
				snprintf(owner, sizeof(owner), "doc:%lld",
					(long long)rows[i].doc_id);
				rc = state_dirty(x, owner, STAGE_CHANGED);
				continue;
			}
			/* A release itself: published or withdrawn, every
			 * document of it changed with it (once per run). */
			snprintf(owner, sizeof(owner), "release:%lld",
				(long long)rows[i].release_id);
			rc = state_dirty(x, owner, STAGE_LIST);
			if (rc == 0)
				rc = state_dirty(x, "home", STAGE_LIST);
			if (rc == 0)
				rc = forum_queue_subject(x, SZ_SUBJECT_RELEASE,
					rows[i].release_id);
			bool done = false;
			for (size_t k = 0; k < nseen; k++)
				done |= seen[k] == rows[i].release_id;
			if (rc == 0 && !done) {
				rc = queue_doc_ids(x, rows[i].release_id);
				if (nseen < RELEASES_SEEN)
					seen[nseen++] = rows[i].release_id;
			}
		}
	} while (rc == 0 && n == CHANGES_BATCH);
	free(rows);
	return rc;
}

static int queue_always(struct export *x)
{
	return state_dirty(x, "site", STAGE_LIST);
}

static const struct export_kind kinds[] = {
	{ "doc", render_doc },
	{ "thread", render_thread },
	{ "from", render_from },
	{ "to", render_to },
	{ "release", render_release },
	{ "month", render_month },
	{ "months", render_months },
	{ "senders", render_senders },
	{ "recipients", render_recipients },
	{ "home", render_home },
	{ "site", render_site },
};

const struct export_source export_archive = {
	.name = "archive",
	.kinds = kinds,
	.nkinds = sizeof(kinds) / sizeof(kinds[0]),
	.queue_all = queue_all,
	.queue_changes = queue_changes,
	.queue_always = queue_always,
};
