/* fuzz_markdown.c - the Markdown rendering path (web/forum/markdown.h):
 * whatever a post says, what reaches a page is only the tags and
 * attributes cmark writes for CommonMark (raw HTML never), every link and
 * image address is one markdown.c allows, the plain text holds no control
 * characters but line ends and tabs, and a refusal always says why. */
#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "web/forum/markdown.h"
#include "fuzz.h"

static const char *const tags[] = { "p", "em", "strong", "a", "img", "code",
	"pre", "blockquote", "ul", "ol", "li", "h3", "h4", "h5", "h6", "hr",
	"br" };
static const char *const attrs[] = { "href", "title", "rel", "src", "alt",
	"start", "class" };

static bool one_of(const char *s, size_t n, const char *const *set,
	size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(set[i]) == n && memcmp(s, set[i], n) == 0)
			return true;
	return false;
}

/* The value of an attribute with &amp; undone (all cmark and markdown.c
 * write into one). */
static void check_url(const char *v, size_t n)
{
	char *url = malloc(n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(v + i, "&amp;", 5) == 0 && i + 5 <= n) {
			url[k++] = '&';
			i += 4;
		} else {
			url[k++] = v[i];
		}
	}
	url[k] = '\0';
	bool internal;
	assert(sz_md_url_allowed(url, &internal));
	free(url);
}

static void check_html(const char *h)
{
	for (const char *p = strchr(h, '<'); p; p = strchr(p + 1, '<')) {
		const char *name = p + 1 + (p[1] == '/');
		size_t n = 0;
		while (isalnum((unsigned char)name[n]))
			n++;
		assert(one_of(name, n, tags, sizeof(tags) / sizeof(tags[0])));
		const char *q = name + n;
		while (*q && *q != '>') {
			while (*q == ' ')
				q++;
			if (*q == '/' || *q == '>')
				break;
			const char *a = q;
			while (*q && *q != '=' && *q != ' ' && *q != '>')
				q++;
			assert(one_of(a, (size_t)(q - a), attrs,
				sizeof(attrs) / sizeof(attrs[0])));
			assert(*q == '=' && q[1] == '"');
			const char *v = q + 2, *end = strchr(v, '"');
			assert(end != NULL);
			if (strncmp(a, "href=", 5) == 0 || strncmp(a, "src=", 4) == 0)
				check_url(v, (size_t)(end - v));
			q = end + 1;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *in, size_t size)
{
	if (size == 0)
		return 0;
	unsigned flags = (in[0] & 1 ? SZ_MD_NO_LINKS : 0) |
		(in[0] & 2 ? SZ_MD_LINKS_AS_TEXT : 0);
	struct sz_md md;
	int rc = sz_md_render((const char *)in + 1, size - 1, flags, NULL,
		&md);
	if (rc == 0) {
		check_html((const char *)md.html.data);
		for (const unsigned char *t = md.text.data; *t; t++)
			assert(*t >= 0x20 || *t == '\n' || *t == '\t' || *t == '\r');
		if (flags & (SZ_MD_NO_LINKS | SZ_MD_LINKS_AS_TEXT))
			assert(md.images == 0);
		if (flags & SZ_MD_LINKS_AS_TEXT)
			assert(strstr((const char *)md.html.data, "<img") == NULL);
	} else {
		assert(md.error[0] != '\0');
	}
	sz_md_free(&md);
	return 0;
}
