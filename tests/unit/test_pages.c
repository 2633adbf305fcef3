/* test_pages.c - the archive page layer renders from the archive alone:
 * links rooted under the face's prefix, or relative to the page with a
 * suffix for a copy on disk (which then has no search); drafts only
 * where the site shows them; a missing page is a 404 with a sentence. */
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

#include "core/config.h"
#include "web/archive/pages.h"

static char dir[] = "/tmp/test_pages.XXXXXX";
static struct sz_archive *arch;

static int setup(void **state)
{
	(void)state;
	int64_t rel, id;
	struct sz_doc_row d;
	struct sz_config cfg;   /* the defaults: the fixture has no file */
	sz_config_defaults(&cfg);
	if (mkdtemp(dir) == NULL ||
	    sz_archive_open_config(&arch, dir, &cfg, true, false, NULL) != 0 ||
	    arch->ops->release_create(arch, "Bridge <papers>", "2024-05-01",
		    "About the bridge.", &rel, NULL) != 0)
		return -1;
	memset(&d, 0, sizeof(d));
	d.release_id = rel;
	snprintf(d.title, sizeof(d.title), "memo");
	snprintf(d.filename, sizeof(d.filename), "memo.txt");
	snprintf(d.type, sizeof(d.type), "text");
	memset(d.sha256, 'a', 64);
	d.size = 11;
	d.summary = "A memo.";
	return arch->ops->doc_add(arch, &d, "the bridge", 10, &id, NULL);
}

static int teardown(void **state)
{
	(void)state;
	arch->ops->close(arch);
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static int render(const struct sz_site *site, enum sz_page_kind kind,
	const char *path, int64_t id, struct sz_buf *out, struct sz_page *pg)
{
	struct sz_page_args a = { .id = id, .number = 1 };
	sz_buf_init(out, 1 << 20);
	return sz_page_render(pg, site, kind, path, &a, out);
}

static void a_draft_shows_only_where_drafts_do(void **state)
{
	(void)state;
	struct sz_site pub = { .archive = arch, .links = SZ_LINKS_ROOTED,
		.prefix = "" };
	struct sz_site preview = { .archive = arch, .drafts = true,
		.links = SZ_LINKS_ROOTED, .prefix = "/preview" };
	struct sz_buf out;
	struct sz_page pg;
	assert_int_equal(render(&pub, SZ_PAGE_RELEASE, "/release/1", 1, &out,
		&pg), 0);
	assert_int_equal(pg.status, 404);
	assert_string_equal(pg.message, "There is no such release.");
	assert_int_equal(out.len, 0);
	sz_buf_free(&out);
	assert_int_equal(render(&preview, SZ_PAGE_RELEASE, "/release/1", 1,
		&out, &pg), 0);
	assert_int_equal(pg.status, 200);
	assert_non_null(strstr((char *)out.data, "Bridge &lt;papers&gt;"));
	assert_non_null(strstr((char *)out.data, "href=\"/preview/doc/1\""));
	assert_non_null(strstr((char *)out.data,
		"action=\"/preview/search\""));
	sz_buf_free(&out);
}

static void a_copy_links_relatively_and_cannot_search(void **state)
{
	(void)state;
	struct sz_site copy = { .archive = arch, .drafts = true,
		.links = SZ_LINKS_RELATIVE, .suffix = ".html" };
	struct sz_buf out;
	struct sz_page pg;
	assert_int_equal(render(&copy, SZ_PAGE_RELEASE, "/release/1", 1, &out,
		&pg), 0);
	assert_int_equal(pg.status, 200);
	const char *html = (const char *)out.data;
	assert_non_null(strstr(html, "href=\"../doc/1.html\""));
	assert_non_null(strstr(html, "href=\"../style.css\""));
	assert_non_null(strstr(html, "href=\"../index.html\""));
	assert_null(strstr(html, "<form"));
	assert_null(strstr(html, "search?"));
	assert_non_null(strstr(html, "href=\"../browse.html\""));
	assert_null(strstr(html, "href=\"/"));
	sz_buf_free(&out);
	assert_int_equal(render(&copy, SZ_PAGE_HOME, "/", 0, &out, &pg), 0);
	assert_non_null(strstr((char *)out.data, "href=\"./release/1.html\""));
	assert_non_null(strstr((char *)out.data, "href=\"./feed.atom\""));
	sz_buf_free(&out);
	assert_int_equal(render(&copy, SZ_PAGE_DOCUMENT, "/doc/1", 1, &out,
		&pg), 0);
	assert_non_null(strstr((char *)out.data, "href=\"../file/1\""));
	assert_non_null(strstr((char *)out.data, "href=\"../release/1.html\""));
	sz_buf_free(&out);
	assert_int_equal(render(&copy, SZ_PAGE_SEARCH, "/search", 0, &out,
		&pg), 0);
	assert_int_equal(pg.status, 200);
	assert_non_null(strstr((char *)out.data, "cannot search"));
	assert_non_null(strstr((char *)out.data,
		"href=\"./browse/senders.html\""));
	assert_null(strstr((char *)out.data, "<form"));
	sz_buf_free(&out);
}

/* An e-mail from and to addresses that are hostile as file names: each
 * one's page in a copy is one safe file name, linked so that a server
 * decoding the link once finds that file. */
static void a_copy_names_address_pages_safely(void **state)
{
	(void)state;
	struct sz_site copy = { .archive = arch, .links = SZ_LINKS_RELATIVE,
		.suffix = ".html" };
	struct sz_site live = { .archive = arch, .links = SZ_LINKS_ROOTED,
		.prefix = "" };
	struct sz_buf b;
	sz_buf_init(&b, 1024);
	assert_int_equal(sz_page_key_file("../Etc/Pass wd", &b), 0);
	assert_string_equal((char *)b.data, "%2E.%2Fetc%2Fpass%20wd");
	b.len = 0;
	assert_int_equal(sz_page_key(&copy, "../Etc/Pass wd", &b), 0);
	assert_string_equal((char *)b.data, "%252E.%252Fetc%252Fpass%2520wd");
	b.len = 0;
	assert_int_equal(sz_page_key(&live, "A+b@x.org", &b), 0);
	assert_string_equal((char *)b.data, "A%2Bb@x.org");
	sz_buf_free(&b);
}

/* The browse indexes list what is published, and nothing of a draft. */
static void browse_indexes_show_only_what_is_published(void **state)
{
	(void)state;
	struct sz_site pub = { .archive = arch, .links = SZ_LINKS_ROOTED,
		.prefix = "" };
	struct sz_site copy = { .archive = arch, .drafts = true,
		.links = SZ_LINKS_RELATIVE, .suffix = ".html" };
	struct sz_buf out;
	struct sz_page pg;
	assert_int_equal(render(&pub, SZ_PAGE_BROWSE, "/browse", 0, &out, &pg),
		0);
	assert_int_equal(pg.status, 200);
	assert_non_null(strstr((char *)out.data, "href=\"/browse/senders\""));
	assert_non_null(strstr((char *)out.data, "0 months"));
	sz_buf_free(&out);
	assert_int_equal(render(&copy, SZ_PAGE_MONTHS, "/browse/months", 0,
		&out, &pg), 0);
	assert_int_equal(pg.status, 200);
	assert_int_equal(pg.pages, 1);
	sz_buf_free(&out);
	struct sz_page_args a = { .key = "2024-13", .number = 1 };
	sz_buf_init(&out, 1 << 20);
	assert_int_equal(sz_page_render(&pg, &copy, SZ_PAGE_MONTH,
		"/browse/month/2024-13", &a, &out), 0);
	assert_int_equal(pg.status, 404);
	sz_buf_free(&out);
}

static void pages_have_their_own_paths(void **state)
{
	(void)state;
	assert_int_equal(sz_page_kind_of("/doc/:id"), SZ_PAGE_DOCUMENT);
	assert_int_equal(sz_page_kind_of("/api/v1/emails/:id"), SZ_API_EMAIL);
	assert_int_equal(sz_page_kind_of("/nowhere"), SZ_PAGE_KINDS);
	for (int k = 0; k < SZ_PAGE_KINDS; k++)
		assert_int_equal(sz_page_kind_of(sz_page_path(
			(enum sz_page_kind)k)), k);
	assert_int_equal(sz_page_number("3"), 3);
	assert_int_equal(sz_page_number("0"), 1);
	assert_int_equal(sz_page_number("x"), 1);
	assert_int_equal(sz_page_number("99999999999"), 1);
	assert_int_equal(sz_page_number(NULL), 1);
}

/* A mirror export renders each owner's pages from one held read: an
 * editor's edit committed meanwhile shows on the next owner's pages, not
 * half-way through this one's; the indexed text reads the same held. */
static void a_held_read_sees_one_archive(void **state)
{
	(void)state;
	int64_t ids[4];
	size_t n = 0;
	struct sz_doc_row d;
	struct sz_buf text;
	assert_int_equal(arch->ops->doc_ids(arch, 0, 0, 4, ids, &n, NULL), 0);
	assert_true(n >= 1);
	assert_int_equal(sz_archive_hold_reads(arch, true, NULL), 0);
	memset(&d, 0, sizeof(d));
	assert_int_equal(arch->ops->doc_get(arch, ids[0], &d, NULL), 0);
	assert_string_equal(d.summary, "A memo.");
	sz_doc_row_clear(&d);
	assert_int_equal(arch->ops->doc_set_summary(arch, ids[0], "Edited.",
		NULL), 0);
	memset(&d, 0, sizeof(d));
	assert_int_equal(arch->ops->doc_get(arch, ids[0], &d, NULL), 0);
	assert_string_equal(d.summary, "A memo.");
	sz_doc_row_clear(&d);
	sz_buf_init(&text, 1 << 10);
	assert_int_equal(arch->ops->doc_text(arch, ids[0], &text, NULL), 0);
	assert_int_equal(text.len, 10);
	assert_memory_equal(text.data, "the bridge", 10);
	sz_buf_free(&text);
	assert_int_equal(sz_archive_hold_reads(arch, false, NULL), 0);
	memset(&d, 0, sizeof(d));
	assert_int_equal(arch->ops->doc_get(arch, ids[0], &d, NULL), 0);
	assert_string_equal(d.summary, "Edited.");
	sz_doc_row_clear(&d);
	assert_int_equal(arch->ops->doc_set_summary(arch, ids[0], "A memo.",
		NULL), 0);
}

/* RFC 4287 §4.2.6: an entry's id never changes.  A feed reader that
 * saw the entry must not see a new one when an editor corrects the
 * release's date after publishing it. */
static void feed_id_outlives_an_edited_date(void **state)
{
	(void)state;
	struct sz_site pub = { .archive = arch, .links = SZ_LINKS_ROOTED,
		.prefix = "", .public_url = "http://archive.example.onion" };
	struct sz_buf out;
	struct sz_page pg;
	int64_t rel;
	char id[128];
	assert_int_equal(arch->ops->release_create(arch, "Dates", "2024-05-02",
		"", &rel, NULL), 0);
	snprintf(id, sizeof(id), "<id>tag:archive.example.onion,2024-05-02:"
		"release/%lld</id>", (long long)rel);
	assert_int_equal(arch->ops->release_set_state(arch, rel,
		SZ_RELEASE_PUBLISHED, NULL), 0);
	assert_int_equal(render(&pub, SZ_PAGE_FEED, "/feed.atom", 0, &out,
		&pg), 0);
	assert_non_null(strstr((char *)out.data, id));
	sz_buf_free(&out);
	/* the date edited, the release taken down and published again */
	assert_int_equal(arch->ops->release_update(arch, rel, "Dates",
		"2024-09-09", "", NULL), 0);
	assert_int_equal(arch->ops->release_set_state(arch, rel,
		SZ_RELEASE_DRAFT, NULL), 0);
	assert_int_equal(arch->ops->release_set_state(arch, rel,
		SZ_RELEASE_PUBLISHED, NULL), 0);
	assert_int_equal(render(&pub, SZ_PAGE_FEED, "/feed.atom", 0, &out,
		&pg), 0);
	assert_non_null(strstr((char *)out.data, id));
	/* the entry says when it was updated, with the new date */
	assert_non_null(strstr((char *)out.data, "<updated>2024-09-09"));
	assert_null(strstr((char *)out.data, ",2024-09-09:release/"));
	sz_buf_free(&out);
	assert_int_equal(arch->ops->release_set_state(arch, rel,
		SZ_RELEASE_DRAFT, NULL), 0);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_draft_shows_only_where_drafts_do),
		cmocka_unit_test(a_copy_links_relatively_and_cannot_search),
		cmocka_unit_test(pages_have_their_own_paths),
		cmocka_unit_test(a_copy_names_address_pages_safely),
		cmocka_unit_test(browse_indexes_show_only_what_is_published),
		cmocka_unit_test(a_held_read_sees_one_archive),
		cmocka_unit_test(feed_id_outlives_an_edited_date),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
