/* test_forum_pages.c - the forum's page layer renders from the forum's
 * store alone, for any viewer: a mirror's copy (relative links, a suffix,
 * no session) gets the same pages with no forms and with the links inside
 * posts made relative; pages that are forms do not exist there; hidden
 * posts show to staff only; a far page of a long thread is the right
 * range of positions; and the archive's pages carry the discussion
 * through their hook, with a form for members on a live site only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "web/archive/pages.h"
#include "web/forum/forum.h"

static char dir[] = "/tmp/test_forum_pages.XXXXXX";
static struct sz_archive *arch;
static struct sz_forum *forum;
static struct sz_config cfg;
static int64_t doc_id, thread_id, long_thread, hidden_post;
static struct sz_forum_member anna;

static int64_t member(const char *name)
{
	struct sz_forum_member m;
	int64_t id = 0;
	memset(&m, 0, sizeof(m));
	snprintf(m.name, sizeof(m.name), "%s", name);
	snprintf(m.key, sizeof(m.key), "%s", name);
	snprintf(m.joined_day, sizeof(m.joined_day), "2024-05-01");
	if (forum->ops->member_create(forum, &m, NULL, &id, NULL) != 0)
		return 0;
	return id;
}

static int64_t post(int64_t thread, int64_t author, const char *html)
{
	struct sz_forum_post_new p = { thread, author, 1000, SZ_POST_VISIBLE, 0,
		html, html, html };
	int64_t id = 0, pos = 0;
	forum->ops->post_add(forum, &p, &id, &pos, NULL);
	return id;
}

static int setup(void **state)
{
	(void)state;
	int64_t rel, board, a, pid;
	struct sz_doc_row d;
	sz_config_defaults(&cfg);
	if (mkdtemp(dir) == NULL ||
	    sz_archive_open_config(&arch, dir, &cfg, true, false,
		    NULL) != 0 ||
	    arch->ops->release_create(arch, "Bridge papers", "2024-05-01",
		    "About the bridge.", &rel, NULL) != 0 ||
	    arch->ops->release_set_state(arch, rel, SZ_RELEASE_PUBLISHED,
		    NULL) != 0 ||
	    sz_forum_open_sqlite(&forum, dir, NULL) != 0)
		return -1;
	memset(&d, 0, sizeof(d));
	d.release_id = rel;
	snprintf(d.title, sizeof(d.title), "memo");
	snprintf(d.filename, sizeof(d.filename), "memo.txt");
	snprintf(d.type, sizeof(d.type), "text");
	memset(d.sha256, 'a', 64);
	d.size = 11;
	d.summary = "A memo.";
	if (arch->ops->doc_add(arch, &d, "the bridge", 10, &doc_id, NULL) != 0)
		return -1;
	a = member("anna");
	forum->ops->member_get(forum, a, &anna, NULL);
	forum->ops->board_create(forum, "General", "", &board, NULL);
	struct sz_forum_thread_new t = { board, SZ_SUBJECT_NONE, 0, "Hello" };
	struct sz_forum_post_new first = { 0, a, 1000, SZ_POST_VISIBLE, 0, "x",
		"<p>See <a href=\"/forum/thread/1/page/1#p1\" rel=\"nofollow\">"
		"the start</a> and <a href=\"/doc/1\">the memo</a>.</p>", "x" };
	if (forum->ops->thread_create(forum, &t, &first, &thread_id, &pid,
	    NULL) != 0)
		return -1;
	hidden_post = post(thread_id, a, "<p>something private</p>");
	forum->ops->post_set_state(forum, hidden_post, SZ_POST_HIDDEN, NULL);
	struct sz_forum_thread_new c = { 0, SZ_SUBJECT_DOCUMENT, doc_id, "memo" };
	struct sz_forum_post_new comment = { 0, a, 1000, SZ_POST_VISIBLE, 0,
		"x", "<p>Twice? Who approved this?</p>", "x" };
	int64_t ct;
	if (forum->ops->thread_create(forum, &c, &comment, &ct, &pid, NULL) != 0)
		return -1;
	t.title = "Long";
	if (forum->ops->thread_create(forum, &t, &first, &long_thread, &pid,
	    NULL) != 0 || forum->ops->begin(forum, NULL) != 0)
		return -1;
	for (int i = 2; i <= 2050; i++) {
		char html[32];
		snprintf(html, sizeof(html), "<p>number %d</p>", i);
		post(long_thread, a, html);
	}
	return forum->ops->commit(forum, NULL);
}

static int teardown(void **state)
{
	(void)state;
	arch->ops->close(arch);
	forum->ops->close(forum);
	char cmd[80];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static const struct sz_forum_site copy = { NULL, &cfg, SZ_LINKS_RELATIVE,
	NULL, ".html", "samizdat archive", false, NULL, NULL, NULL };

static int render(const struct sz_forum_site *site,
	const struct sz_forum_viewer *v, enum sz_fpage kind, const char *path,
	int64_t id, size_t number, struct sz_buf *out, struct sz_forum_page *pg)
{
	struct sz_forum_args a;
	memset(&a, 0, sizeof(a));
	a.id = id;
	a.number = number;
	sz_buf_init(out, 4 << 20);
	return sz_forum_render(pg, site, v, kind, path, &a, out);
}

static void a_mirror_gets_the_pages_without_forms(void **state)
{
	(void)state;
	struct sz_forum_site site = copy;
	struct sz_forum_page pg;
	struct sz_buf out;
	char path[64];
	site.forum = forum;
	snprintf(path, sizeof(path), "/forum/thread/%lld", (long long)thread_id);
	assert_int_equal(render(&site, NULL, SZ_FPAGE_THREAD, path, thread_id, 1,
		&out, &pg), 0);
	assert_int_equal(pg.status, 200);
	const char *h = (const char *)out.data;
	assert_null(strstr(h, "<form"));
	assert_null(strstr(h, "csrf"));
	assert_non_null(strstr(h, "href=\"../../forum/board/1.html\""));
	assert_non_null(strstr(h, "href=\"../../style.css\""));
	/* links inside a stored post become the copy's own */
	assert_non_null(strstr(h, "href=\"../../forum/thread/1/page/1.html#p1\""));
	assert_non_null(strstr(h, "href=\"../../doc/1.html\""));
	assert_null(strstr(h, "something private"));
	sz_buf_free(&out);
	assert_int_equal(render(&site, NULL, SZ_FPAGE_HOME, "/forum", 0, 1,
		&out, &pg), 0);
	assert_non_null(strstr((const char *)out.data,
		"href=\"./forum/board/1.html\""));
	assert_null(strstr((const char *)out.data, "Log in"));
	sz_buf_free(&out);
}

static void forms_do_not_exist_in_a_copy(void **state)
{
	(void)state;
	struct sz_forum_site site = copy;
	struct sz_forum_page pg;
	struct sz_buf out;
	site.forum = forum;
	static const enum sz_fpage forms[] = { SZ_FPAGE_REGISTER,
		SZ_FPAGE_LOGIN, SZ_FPAGE_REPLY, SZ_FPAGE_QUEUE, SZ_FPAGE_EDIT };
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		assert_int_equal(render(&site, NULL, forms[i], "/forum/x", 1, 1,
			&out, &pg), 0);
		assert_int_equal(pg.status, 404);
		assert_int_equal(out.len, 0);
		sz_buf_free(&out);
	}
}

static void hidden_posts_show_to_staff_only(void **state)
{
	(void)state;
	struct sz_forum_site site = { forum, &cfg, SZ_LINKS_ROOTED, "", NULL,
		"samizdat archive", false, NULL, NULL, NULL };
	struct sz_forum_viewer staff, member_v;
	struct sz_forum_page pg;
	struct sz_buf out;
	sz_forum_viewer_editor(&staff);
	sz_forum_viewer_member(&member_v, &cfg, &anna);
	assert_int_equal(render(&site, &member_v, SZ_FPAGE_THREAD, "/forum/thread/1",
		thread_id, 1, &out, &pg), 0);
	assert_null(strstr((const char *)out.data, "something private"));
	/* a live page for a member: forms, with the session's token */
	assert_non_null(strstr((const char *)out.data, "action=\"/forum/thread/1/reply\""));
	sz_buf_free(&out);
	assert_int_equal(render(&site, &staff, SZ_FPAGE_THREAD, "/forum/thread/1",
		thread_id, 1, &out, &pg), 0);
	assert_non_null(strstr((const char *)out.data, "something private"));
	assert_non_null(strstr((const char *)out.data, "Hidden by a moderator"));
	sz_buf_free(&out);
}

static void a_far_page_is_its_range_of_positions(void **state)
{
	(void)state;
	struct sz_forum_site site = copy;
	struct sz_forum_page pg;
	struct sz_buf out;
	char path[64];
	site.forum = forum;
	snprintf(path, sizeof(path), "/forum/thread/%lld/page/100",
		(long long)long_thread);
	assert_int_equal(render(&site, NULL, SZ_FPAGE_THREAD_PAGE, path,
		long_thread, 100, &out, &pg), 0);
	const char *h = (const char *)out.data;
	assert_non_null(strstr(h, "Page 100 of 103"));
	assert_non_null(strstr(h, "number 1981<"));
	assert_non_null(strstr(h, "number 2000<"));
	assert_null(strstr(h, "number 1980<"));
	assert_null(strstr(h, "number 2001<"));
	assert_non_null(strstr(h, "href=\"../../../../forum/thread/3/page/101.html\""));
	sz_buf_free(&out);
	assert_int_equal(render(&site, NULL, SZ_FPAGE_THREAD_PAGE, path,
		long_thread, 104, &out, &pg), 0);
	assert_int_equal(pg.status, 404);
	sz_buf_free(&out);
}

static void archive_pages_carry_their_discussion(void **state)
{
	(void)state;
	struct sz_forum_site live = { forum, &cfg, SZ_LINKS_ROOTED, "", NULL,
		"samizdat archive", false, NULL, NULL, NULL };
	struct sz_forum_site site_copy = copy;
	struct sz_discussion hook, hook_copy;
	struct sz_forum_viewer v;
	site_copy.forum = forum;
	sz_forum_discussion(&hook, &live);
	sz_forum_discussion(&hook_copy, &site_copy);
	struct sz_site pub = { .archive = arch, .links = SZ_LINKS_ROOTED,
		.prefix = "", .discussion = &hook };
	struct sz_site mirror = { .archive = arch, .links = SZ_LINKS_RELATIVE,
		.suffix = ".html", .discussion = &hook_copy };
	struct sz_page pg;
	struct sz_buf out;
	char path[32];
	snprintf(path, sizeof(path), "/doc/%lld", (long long)doc_id);
	sz_forum_viewer_member(&v, &cfg, &anna);
	snprintf(v.csrf, sizeof(v.csrf), "TOKEN");
	struct sz_page_args a = { .id = doc_id, .number = 1, .viewer = &v };
	sz_buf_init(&out, 1 << 20);
	assert_int_equal(sz_page_render(&pg, &pub, SZ_PAGE_DOCUMENT, path, &a,
		&out), 0);
	const char *h = (const char *)out.data;
	assert_non_null(strstr(h, "1 comment on <bdi>memo"));
	assert_non_null(strstr(h, "Twice? Who approved this?"));
	assert_non_null(strstr(h, "So what do you think?"));
	assert_non_null(strstr(h, "value=\"TOKEN\""));
	assert_non_null(strstr(h, "value=\"document:1\""));
	sz_buf_free(&out);
	a.viewer = NULL;
	sz_buf_init(&out, 1 << 20);
	assert_int_equal(sz_page_render(&pg, &pub, SZ_PAGE_DOCUMENT, path, &a,
		&out), 0);
	assert_non_null(strstr((const char *)out.data, "Members can say what they think."));
	assert_null(strstr((const char *)out.data, "So what do you think?"));
	sz_buf_free(&out);
	sz_buf_init(&out, 1 << 20);
	assert_int_equal(sz_page_render(&pg, &mirror, SZ_PAGE_DOCUMENT, path, &a,
		&out), 0);
	h = (const char *)out.data;
	assert_non_null(strstr(h, "Twice? Who approved this?"));
	assert_null(strstr(h, "<form"));
	assert_null(strstr(h, "Log in"));
	assert_non_null(strstr(h, "href=\"../forum/member/1.html\""));
	sz_buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_mirror_gets_the_pages_without_forms),
		cmocka_unit_test(forms_do_not_exist_in_a_copy),
		cmocka_unit_test(hidden_posts_show_to_staff_only),
		cmocka_unit_test(a_far_page_is_its_range_of_positions),
		cmocka_unit_test(archive_pages_carry_their_discussion),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
