/* test_forum_markdown.c - hostile posts against the Markdown rendering
 * path (web/forum/markdown.h): scripts, event handlers, javascript: and
 * data: links however spelled, raw HTML blocks, entity tricks, 100,000
 * nested quotes and lists, 10 MB posts, cmark's quadratic brackets; and
 * what a reader should see of ordinary posts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "web/forum/markdown.h"

static const char *html_of(struct sz_md *md, const char *src, unsigned flags)
{
	int rc = sz_md_render(src, strlen(src), flags, NULL, md);
	if (rc != 0)
		fail_msg("refused: %s", md->error);
	return (const char *)md->html.data;
}

static void script_tags_are_shown_as_text(void **state)
{
	(void)state;
	struct sz_md md;
	const char *h = html_of(&md, "Hello <script>alert(1)</script> there\n\n"
		"<script>\nalert(2)\n</script>\n", 0);
	assert_null(strstr(h, "<script"));
	assert_non_null(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(h, "alert(2)"));
	sz_md_free(&md);
}

static void event_handlers_never_reach_a_page(void **state)
{
	(void)state;
	struct sz_md md;
	const char *h = html_of(&md, "<img src=x onerror=alert(1)>\n\n"
		"<a href=\"http://a.example\" onmouseover=\"alert(1)\">x</a>\n\n"
		"[t](http://a.example \"x\\\" onmouseover=alert(1) y\")\n", 0);
	assert_null(strstr(h, "<img"));
	assert_non_null(strstr(h, "&lt;img src=x onerror=alert(1)&gt;"));
	assert_null(strstr(h, "\" onmouseover"));
	assert_null(strstr(h, "<a href=\"http://a.example\" onmouseover"));
	assert_non_null(strstr(h, "title=\"x&quot; onmouseover=alert(1) y\""));
	sz_md_free(&md);
}

static void javascript_and_data_links_are_dropped(void **state)
{
	(void)state;
	static const char *const hostile[] = {
		"[click](javascript:alert(1))",
		"[click](JaVaScRiPt:alert(1))",
		"[click](java&#x09;script:alert(1))",
		"[click](&#106;avascript:alert(1))",
		"[click](javascript&colon;alert(1))",
		"[click]( javascript:alert(1))",
		"[click](<javascript:alert(1)>)",
		"[click](vbscript:msgbox(1))",
		"[click](data:text/html;base64,PHNjcmlwdD4=)",
		"[click](file:///etc/passwd)",
		"[click][r]\n\n[r]: javascript:alert(1)",
		"<javascript:alert(1)>",
		"![click](data:image/png;base64,iVBORw0KGgo=)",
		"![click](javascript:alert(1))",
	};
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		struct sz_md md;
		const char *h = html_of(&md, hostile[i], 0);
		if (strstr(h, "href=\"javascript") || strstr(h, "href=\"data") ||
		    strstr(h, "src=\"javascript") || strstr(h, "src=\"data") ||
		    strstr(h, "vbscript:") || strstr(h, "file:") ||
		    strstr(h, "<a ") || strstr(h, "<img"))
			fail_msg("%s became %s", hostile[i], h);
		sz_md_free(&md);
	}
	/* the text stays, as text */
	struct sz_md md;
	const char *h = html_of(&md, "[click here](javascript:alert(1))", 0);
	assert_non_null(strstr(h, "click here"));
	assert_int_equal(md.dropped, 1);
	sz_md_free(&md);
}

static void raw_html_blocks_are_shown_as_code(void **state)
{
	(void)state;
	struct sz_md md;
	const char *h = html_of(&md, "<div onclick=\"x()\">\n<iframe src=\"http:"
		"//evil.example\"></iframe>\n</div>\n\nafter\n", 0);
	assert_null(strstr(h, "<div"));
	assert_null(strstr(h, "<iframe"));
	assert_non_null(strstr(h, "<pre><code>&lt;div onclick="));
	assert_non_null(strstr(h, "<p>after</p>"));
	sz_md_free(&md);
}

static void entity_tricks_stay_text(void **state)
{
	(void)state;
	struct sz_md md;
	const char *h = html_of(&md, "&lt;script&gt;alert(1)&lt;/script&gt; "
		"&#60;img src=x onerror=alert(1)&#62; &amp;lt;b&amp;gt; "
		"&#x3C;svg onload=alert(1)&#x3E;", 0);
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "<img"));
	assert_null(strstr(h, "<svg"));
	assert_non_null(strstr(h, "&lt;script&gt;"));
	sz_md_free(&md);
}

static char *repeat(const char *unit, size_t times, const char *tail)
{
	size_t u = strlen(unit), t = strlen(tail);
	char *s = malloc(u * times + t + 1);
	for (size_t i = 0; i < times; i++)
		memcpy(s + i * u, unit, u);
	memcpy(s + u * times, tail, t + 1);
	return s;
}

/* Refused with a message, whatever the shape (a hang is caught by the
 * test's time limit, not measured here). */
static void refused(const char *src, int code, const char *says)
{
	struct sz_md md;
	int rc = sz_md_render(src, strlen(src), 0, NULL, &md);
	if (rc != code)
		fail_msg("expected %d, got %d (%s)", code, rc, md.error);
	if (strstr(md.error, says) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", md.error, says);
	sz_md_free(&md);
}

static void hundred_thousand_nested_quotes_are_refused(void **state)
{
	(void)state;
	/* 100,000 do not fit in a post; 30,000 do, and are refused for
	 * their depth before cmark sees them */
	char *s = repeat(">", 100000, " deep");
	refused(s, SZ_E_LIMIT, "at most 32768 bytes");
	free(s);
	s = repeat(">", 30000, " deep");
	refused(s, SZ_E_LIMIT, "nested 16 deep at most");
	free(s);
	s = repeat("> ", 16000, "deep");
	refused(s, SZ_E_LIMIT, "nested");
	free(s);
	/* one more level per line */
	size_t cap = 200 * 201 + 10, k = 0;
	s = malloc(cap);
	for (size_t line = 1; line <= 200; line++) {
		for (size_t i = 0; i < line; i++)
			s[k++] = '>';
		s[k++] = 'x';
		s[k++] = '\n';
	}
	s[k] = 0;
	refused(s, SZ_E_LIMIT, "nested");
	free(s);
}

static void hundred_thousand_nested_lists_are_refused(void **state)
{
	(void)state;
	char *s = repeat("- ", 100000, "x");
	refused(s, SZ_E_LIMIT, "at most 32768 bytes");
	free(s);
	s = repeat("- ", 16000, "x");
	refused(s, SZ_E_LIMIT, "nested");
	free(s);
	s = repeat("1. ", 10000, "x");
	refused(s, SZ_E_LIMIT, "nested");
	free(s);
	s = repeat("> - ", 8000, "x");
	refused(s, SZ_E_LIMIT, "nested");
	free(s);
	/* nested by indentation, one marker a line */
	struct { size_t lines; } shape = { 40 };
	size_t cap = shape.lines * (2 * shape.lines + 4), k = 0;
	s = malloc(cap);
	for (size_t line = 0; line < shape.lines; line++) {
		for (size_t i = 0; i < 2 * line; i++)
			s[k++] = ' ';
		s[k++] = '-';
		s[k++] = ' ';
		s[k++] = 'x';
		s[k++] = '\n';
	}
	s[k] = 0;
	refused(s, SZ_E_LIMIT, "nested");
	free(s);
	/* sixteen deep is fine */
	s = repeat("> ", 16, "x");
	struct sz_md md;
	assert_int_equal(sz_md_render(s, strlen(s), 0, NULL, &md), 0);
	sz_md_free(&md);
	free(s);
	/* a long rule is a rule, not a list */
	s = repeat("- ", 40, "\n\ntext");
	assert_int_equal(sz_md_render(s, strlen(s), 0, NULL, &md), 0);
	assert_non_null(strstr((const char *)md.html.data, "<hr />"));
	sz_md_free(&md);
	free(s);
}

static void deep_emphasis_and_brackets_are_bounded(void **state)
{
	(void)state;
	/* cmark's link parsing is quadratic in brackets (CVE-2023-22486) */
	char *s = repeat("![[]()", 5000, "");
	refused(s, SZ_E_LIMIT, "brackets");
	free(s);
	s = repeat("*a **a ", 3000, "");
	struct sz_md md;
	int rc = sz_md_render(s, strlen(s), 0, NULL, &md);
	assert_true(rc == 0 || rc == SZ_E_LIMIT);
	sz_md_free(&md);
	free(s);
}

static void ten_megabyte_posts_are_refused(void **state)
{
	(void)state;
	size_t n = 10u << 20;
	char *s = malloc(n + 1);
	memset(s, 'a', n);
	s[n] = 0;
	refused(s, SZ_E_LIMIT, "at most 32768 bytes");
	free(s);
}

static void control_characters_and_bad_utf8_are_refused(void **state)
{
	(void)state;
	refused("a\x02marked\x03", SZ_E_INVAL, "control character");
	refused("a\x1b[31mred", SZ_E_INVAL, "control character");
	refused("bad \xc3\x28 utf-8", SZ_E_INVAL, "UTF-8");
}

static void ordinary_posts_read_as_written(void **state)
{
	(void)state;
	struct sz_md md;
	const char *h = html_of(&md, "# Big heading\n\nSee [the memo](/doc/12),"
		" [a site](https://example.org/a?b=1&c=2) and "
		"<https://example.net>.\n\n> quoted\n\n- one\n- two\n\n"
		"`code <b>` and **bold**\n", 0);
	assert_non_null(strstr(h, "<h3>Big heading</h3>"));
	assert_non_null(strstr(h, "<a href=\"/doc/12\" rel=\"nofollow ugc "
		"noopener\">the memo</a>"));
	assert_non_null(strstr(h, "href=\"https://example.org/a?b=1&amp;c=2\""));
	assert_non_null(strstr(h, "<blockquote>"));
	assert_non_null(strstr(h, "<li>two</li>"));
	assert_non_null(strstr(h, "<code>code &lt;b&gt;</code>"));
	assert_int_equal(md.links, 3);
	const char *t = (const char *)md.text.data;
	assert_non_null(strstr(t, "Big heading"));
	assert_non_null(strstr(t, "the memo"));
	assert_null(strstr(t, "<blockquote"));
	assert_non_null(strstr(t, "code <b>"));
	sz_md_free(&md);
}

static void new_members_post_no_links_to_other_sites(void **state)
{
	(void)state;
	struct sz_md md;
	assert_int_equal(sz_md_render("[spam](https://spam.example)", 28,
		SZ_MD_NO_LINKS, NULL, &md), SZ_E_INVAL);
	assert_non_null(strstr(md.error, "New members cannot post links"));
	sz_md_free(&md);
	assert_int_equal(sz_md_render("![x](/file/1)", 13, SZ_MD_NO_LINKS, NULL,
		&md), SZ_E_INVAL);
	sz_md_free(&md);
	assert_int_equal(sz_md_render("[x](//spam.example/forum/)", 26,
		SZ_MD_NO_LINKS, NULL, &md), SZ_E_INVAL);
	sz_md_free(&md);
	/* a quote's link back to the forum is fine */
	const char *q = "> **[anna](/forum/thread/3/page/1#p7) wrote:**\n> hi\n";
	assert_int_equal(sz_md_render(q, strlen(q), SZ_MD_NO_LINKS, NULL, &md),
		0);
	assert_non_null(strstr((const char *)md.html.data,
		"href=\"/forum/thread/3/page/1#p7\""));
	sz_md_free(&md);
}

/* The editor face shows every post, a link or image in it too: as its
 * text and address, which nobody's browser follows or fetches. */
static void links_and_images_as_text_for_the_editors(void **state)
{
	(void)state;
	struct sz_md md;
	const char *s = "See [the leak](https://spy.example/x?a=1&b=2) and "
		"![a photo](https://tracker.example/p.png) or "
		"[thread](/forum/thread/3) <b>bold</b>";
	assert_int_equal(sz_md_render(s, strlen(s), SZ_MD_LINKS_AS_TEXT, NULL,
		&md), 0);
	const char *h = (const char *)md.html.data;
	assert_non_null(strstr(h, "the leak (https://spy.example/x?a=1&amp;b=2)"));
	assert_non_null(strstr(h, "a photo (https://tracker.example/p.png)"));
	assert_null(strstr(h, "href=\"https:"));
	assert_null(strstr(h, "<img"));
	assert_null(strstr(h, "src="));
	assert_non_null(strstr(h, "href=\"/forum/thread/3\""));   /* ours */
	assert_non_null(strstr(h, "&lt;b&gt;"));
	assert_int_equal(md.images, 0);
	sz_md_free(&md);
	/* an address that is itself markup stays text */
	s = "[x](<https://e.example/\"><script>>)";
	assert_int_equal(sz_md_render(s, strlen(s), SZ_MD_LINKS_AS_TEXT, NULL,
		&md), 0);
	assert_null(strstr((const char *)md.html.data, "<script"));
	sz_md_free(&md);
}

/* The attack: a trusted member posts ![](https://tracker.example/p.png);
 * every reader of the thread on a mirror (no Content-Security-Policy
 * there) or in a feed reader would fetch it, telling the tracker who
 * reads what, and when.  An image from another site is a link to it; an
 * image of this site stays an image. */
static void tracking_pixels_from_other_sites_become_links(void **state)
{
	(void)state;
	static const char *const other[] = {
		"![pix](https://tracker.example/p.png?u=1)",
		"![pix](HTTP://tracker.example/p.png)",
		"![pix](//tracker.example/p.png)",
		"![pix](/\\tracker.example/p.png)",
		"![pix](/\t/tracker.example/p.png)",
		"[![pix](https://tracker.example/p.png)](/doc/1)",
	};
	struct sz_md md;
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		const char *h = html_of(&md, other[i], 0);
		if (strstr(h, "<img") || strstr(h, "src=") ||
		    strstr(h, "tracker.example") == NULL)
			fail_msg("%s: %s", other[i], h);
		assert_int_equal(md.images, 0);
		sz_md_free(&md);
	}
	const char *h = html_of(&md, "![the memo, page 1](/doc/1/original)", 0);
	assert_non_null(strstr(h, "<img src=\"/doc/1/original\""));
	assert_int_equal(md.images, 1);
	sz_md_free(&md);
}

static void url_schemes_as_browsers_read_them(void **state)
{
	(void)state;
	static const struct {
		const char *url;
		bool ok, internal;
	} cases[] = {
		{ "https://example.org", true, false },
		{ "HTTP://example.org", true, false },
		{ "/forum/post/1", true, true },
		{ "/doc/3", true, false },
		{ "#p12", true, false },
		{ "relative/path", true, false },
		{ "javascript:alert(1)", false, false },
		{ " \x01javascript:alert(1)", false, false },
		{ "java\tscript:alert(1)", false, false },
		{ "jav\nascript:alert(1)", false, false },
		{ "data:text/html,x", false, false },
		{ "mailto:a@b", false, false },
		{ "ftp://x", false, false },
		{ "//evil.example", true, false },
		{ "/\\evil.example", true, false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool internal = false;
		bool ok = sz_md_url_allowed(cases[i].url, &internal);
		if (ok != cases[i].ok || internal != cases[i].internal)
			fail_msg("%s: allowed %d internal %d", cases[i].url, ok,
				internal);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(script_tags_are_shown_as_text),
		cmocka_unit_test(event_handlers_never_reach_a_page),
		cmocka_unit_test(javascript_and_data_links_are_dropped),
		cmocka_unit_test(raw_html_blocks_are_shown_as_code),
		cmocka_unit_test(entity_tricks_stay_text),
		cmocka_unit_test(hundred_thousand_nested_quotes_are_refused),
		cmocka_unit_test(hundred_thousand_nested_lists_are_refused),
		cmocka_unit_test(deep_emphasis_and_brackets_are_bounded),
		cmocka_unit_test(ten_megabyte_posts_are_refused),
		cmocka_unit_test(control_characters_and_bad_utf8_are_refused),
		cmocka_unit_test(ordinary_posts_read_as_written),
		cmocka_unit_test(new_members_post_no_links_to_other_sites),
		cmocka_unit_test(links_and_images_as_text_for_the_editors),
		cmocka_unit_test(url_schemes_as_browsers_read_them),
		cmocka_unit_test(tracking_pixels_from_other_sites_become_links),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
