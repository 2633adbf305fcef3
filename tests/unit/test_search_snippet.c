/* test_search_snippet.c - search snippets come out of the store as text
 * with match markers and only the web layer makes HTML of them: a
 * document that carries a <script> and the marker characters themselves
 * (and the private-use characters a marker might have been) shows them
 * escaped, with the one matched word marked and nothing else; a word of
 * a megabyte makes a snippet of a few KiB; and the renderer keeps <mark>
 * balanced whatever markers a text holds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"
#include "search/query.h"
#include "web/archive/pages.h"
#include "web/html.h"

static char dir[] = "/tmp/test_search_snippet.XXXXXX";
static struct sz_archive *arch;

/* What the hostile document says: markup, both markers, and U+E000 and
 * U+E001 around a word. */
static const char body[] = "<script>alert(1)</script> \x02" "forged\x03 "
	"\xee\x80\x80private\xee\x80\x81 & the bridge \"fund\"";

static int setup(void **state)
{
	(void)state;
	int64_t rel, id;
	struct sz_doc_row d;
	struct sz_config cfg;   /* the defaults: the fixture has no file */
	sz_config_defaults(&cfg);
	if (mkdtemp(dir) == NULL ||
	    sz_archive_open_config(&arch, dir, &cfg, true, false, NULL) != 0 ||
	    arch->ops->release_create(arch, "Leak", "2024-05-01", "", &rel,
		    NULL) != 0 ||
	    arch->ops->release_set_state(arch, rel, SZ_RELEASE_PUBLISHED,
		    NULL) != 0)
		return -1;
	memset(&d, 0, sizeof(d));
	d.release_id = rel;
	snprintf(d.title, sizeof(d.title), "memo");
	snprintf(d.filename, sizeof(d.filename), "memo.txt");
	snprintf(d.type, sizeof(d.type), "text");
	memset(d.sha256, 'a', 64);
	d.size = sizeof(body) - 1;
	if (arch->ops->doc_add(arch, &d, body, sizeof(body) - 1, &id, NULL) != 0)
		return -1;
	/* A second document: one word of a megabyte after the one looked for. */
	size_t n = 1u << 20;
	char *huge = malloc(n + 16);
	if (huge == NULL)
		return -1;
	memcpy(huge, "causeway ", 9);
	for (size_t i = 9; i < n; i += 2)
		memcpy(huge + i, "\xc3\xa9", 2);   /* é */
	snprintf(d.title, sizeof(d.title), "long");
	memset(d.sha256, 'b', 64);
	d.size = n;
	int rc = arch->ops->doc_add(arch, &d, huge, n, &id, NULL);
	free(huge);
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	arch->ops->close(arch);
	char cmd[80];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;
	for (const char *p = s; (p = strstr(p, what)) != NULL; p++)
		n++;
	return n;
}

static void the_store_returns_text_with_markers_not_html(void **state)
{
	(void)state;
	struct sz_query q;
	struct sz_archive_query aq;
	struct sz_search_result res;
	assert_int_equal(sz_query_parse(&q, "bridge", 6), 0);
	sz_query_to_archive(&q, false, &aq);
	assert_int_equal(arch->ops->search(arch, &aq, 0, 10, &res, NULL), 0);
	assert_int_equal(res.nhits, 1);
	const char *s = res.hits[0].snippet;
	assert_non_null(strstr(s, "<script>"));   /* as the document says */
	assert_non_null(strstr(s, "\x02" "bridge\x03"));
	assert_int_equal(count(s, "\x02"), 1);     /* the document's own went */
	assert_null(strstr(s, "<mark>"));
	sz_search_result_free(&res);
	sz_query_free(&q);
}

static void a_document_cannot_inject_script_or_forge_marks_in_a_snippet(
	void **state)
{
	(void)state;
	struct sz_site site = { .archive = arch, .links = SZ_LINKS_ROOTED,
		.prefix = "" };
	struct sz_page_args a = { .query = "bridge", .number = 1 };
	struct sz_page pg;
	struct sz_buf out;
	sz_buf_init(&out, 1 << 20);
	assert_int_equal(sz_page_render(&pg, &site, SZ_PAGE_SEARCH, "/search",
		&a, &out), 0);
	assert_int_equal(pg.status, 200);
	const char *html = (const char *)out.data;
	const char *sn = strstr(html, "<p class=\"snippet\">");
	assert_non_null(sn);
	assert_null(strstr(html, "<script>"));
	assert_non_null(strstr(sn, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(sn, "&amp; the <mark>bridge</mark> &quot;fund"));
	assert_int_equal(count(html, "<mark>"), 1);
	assert_int_equal(count(html, "</mark>"), 1);
	assert_non_null(strstr(sn, "\xee\x80\x80private\xee\x80\x81"));
	assert_null(strchr(html, '\x02'));
	assert_null(strchr(html, '\x03'));
	sz_buf_free(&out);
}

static void a_megabyte_word_gives_a_bounded_snippet(void **state)
{
	(void)state;
	struct sz_query q;
	struct sz_archive_query aq;
	struct sz_search_result res;
	assert_int_equal(sz_query_parse(&q, "causeway", 8), 0);
	sz_query_to_archive(&q, false, &aq);
	assert_int_equal(arch->ops->search(arch, &aq, 0, 10, &res, NULL), 0);
	assert_int_equal(res.nhits, 1);
	const char *s = res.hits[0].snippet;
	size_t n = strlen(s);
	assert_true(n <= SZ_SEARCH_SNIPPET_MAX);
	assert_true(n > 3 && strcmp(s + n - 3, "…") == 0);
	assert_non_null(strstr(s, "\x02" "causeway\x03 \xc3\xa9"));
	assert_true(((unsigned char)s[n - 4] & 0xc0) == 0x80 ||
		(unsigned char)s[n - 4] < 0x80);   /* a whole é before it */
	assert_int_equal((unsigned char)s[n - 5], 0xc3);
	sz_search_result_free(&res);
	sz_query_free(&q);
}

static void stray_markers_never_unbalance_the_page(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "a \x02" "b\x03 c", "a <mark>b</mark> c" },
		{ "\x03" "a \x02" "b", "a <mark>b</mark>" },
		{ "\x02\x02" "a\x03\x03", "<mark>a</mark>" },
		{ "x<y>&\"'\n\tz\x01", "x&lt;y&gt;&amp;&quot;&#39;  z" },
		{ "", "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sz_buf b;
		sz_buf_init(&b, 1024);
		assert_int_equal(sz_html_snippet(&b, cases[i].in), 0);
		assert_int_equal(sz_buf_append(&b, "", 1), 0);
		assert_string_equal((const char *)b.data, cases[i].out);
		sz_buf_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_store_returns_text_with_markers_not_html),
		cmocka_unit_test(
			a_document_cannot_inject_script_or_forge_marks_in_a_snippet),
		cmocka_unit_test(a_megabyte_word_gives_a_bounded_snippet),
		cmocka_unit_test(stray_markers_never_unbalance_the_page),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
