/*
 * langtag.c - language tags and Accept-Language: a tag is split into its
 * language, script and region subtags (the rest is ignored), and each
 * range of the header is scored against each language on offer.
 */
#include "core/langtag.h"

#include <stdbool.h>
#include <string.h>

struct tag {
	char lang[9], script[5], region[4];
};

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool alpha(char c)
{
	c = lower(c);
	return c >= 'a' && c <= 'z';
}

static bool digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Splits a tag ("zh-Hant-TW", "zh_CN", "ru") into t; false if it is not
 * one (or is longer than SZ_LANGTAG_MAX_LEN). */
static bool parse_tag(const char *s, size_t len, struct tag *t)
{
	memset(t, 0, sizeof(*t));
	if (len == 0 || len > SZ_LANGTAG_MAX_LEN)
		return false;
	size_t i = 0, part = 0;
	while (i < len) {
		size_t start = i;
		while (i < len && s[i] != '-' && s[i] != '_') {
			if (!alpha(s[i]) && !digit(s[i]))
				return false;
			i++;
		}
		size_t n = i - start;
		if (n == 0 || n > 8)
			return false;
		if (part == 0) {
			for (size_t k = 0; k < n; k++)
				if (!alpha(s[start + k]))
					return false;
			for (size_t k = 0; k < n; k++)
				t->lang[k] = lower(s[start + k]);
		} else if (n == 4 && t->script[0] == 0 && t->region[0] == 0 &&
		    alpha(s[start])) {
			for (size_t k = 0; k < n; k++)
				t->script[k] = lower(s[start + k]);
		} else if ((n == 2 && alpha(s[start]) && alpha(s[start + 1])) ||
		    (n == 3 && digit(s[start]))) {
			if (t->region[0] == 0)
				for (size_t k = 0; k < n; k++)
					t->region[k] = lower(s[start + k]);
		}
		part++;
		if (i < len)
			i++;            /* the separator */
		if (i == len && (s[len - 1] == '-' || s[len - 1] == '_'))
			return false;
	}
	return true;
}

bool sz_langtag_is_code(const char *c, size_t n)
{
	size_t i = 0;
	while (i < n && c[i] >= 'a' && c[i] <= 'z')
		i++;
	if (i < 2 || i > 3)
		return false;
	if (i == n)
		return true;
	return n == i + 3 && c[i] == '_' && c[i + 1] >= 'A' &&
		c[i + 1] <= 'Z' && c[i + 2] >= 'A' && c[i + 2] <= 'Z';
}

/* Chinese is written in two scripts: 'S'implified or 'T'raditional. */
static char chinese_script(const struct tag *t)
{
	static const char *const traditional[] = { "tw", "hk", "mo" };
	if (strcmp(t->script, "hant") == 0)
		return 'T';
	if (strcmp(t->script, "hans") == 0)
		return 'S';
	for (size_t i = 0; i < sizeof(traditional) / sizeof(*traditional); i++)
		if (strcmp(t->region, traditional[i]) == 0)
			return 'T';
	return 'S';
}

static int match_tags(const struct tag *want, const struct tag *have)
{
	if (strcmp(want->lang, have->lang) != 0)
		return 0;
	if (strcmp(want->lang, "zh") == 0) {
		if (chinese_script(want) != chinese_script(have))
			return 0;
		return want->script[0] != 0 ||
			strcmp(want->region, have->region) == 0 ? 2 : 1;
	}
	return strcmp(want->region, have->region) == 0 ? 2 : 1;
}

int sz_langtag_match(const char *tag, size_t len, const char *code)
{
	struct tag want, have;
	if (!parse_tag(tag, len, &want) ||
	    !parse_tag(code, strlen(code), &have))
		return 0;
	return match_tags(&want, &have);
}

/* A qvalue ("0.8", "1", "0.125") in thousandths, or -1. */
static int qvalue(const char *s, size_t len)
{
	if (len == 0 || len > 5 || (s[0] != '0' && s[0] != '1'))
		return -1;
	int q = (s[0] - '0') * 1000;
	if (len == 1)
		return q;
	if (s[1] != '.')
		return -1;
	int scale = 100;
	for (size_t i = 2; i < len; i++, scale /= 10) {
		if (!digit(s[i]))
			return -1;
		q += (s[i] - '0') * scale;
	}
	return q <= 1000 ? q : -1;
}

static bool ows(char c)
{
	return c == ' ' || c == '\t';
}

/* One range of the header, s[0..len): its tag and q (-1 if malformed). */
static int parse_range(const char *s, size_t len, const char **tag,
	size_t *taglen)
{
	while (len > 0 && ows(*s))
		s++, len--;
	while (len > 0 && ows(s[len - 1]))
		len--;
	const char *semi = memchr(s, ';', len);
	size_t tl = semi ? (size_t)(semi - s) : len;
	while (tl > 0 && ows(s[tl - 1]))
		tl--;
	*tag = s;
	*taglen = tl;
	int q = 1000;
	while (semi != NULL) {
		const char *p = semi + 1, *end = s + len;
		semi = memchr(p, ';', (size_t)(end - p));
		const char *pe = semi ? semi : end;
		while (p < pe && ows(*p))
			p++;
		while (pe > p && ows(pe[-1]))
			pe--;
		if (pe - p >= 2 && lower(p[0]) == 'q' && p[1] == '=')
			q = qvalue(p + 2, (size_t)(pe - p - 2));
	}
	return tl == 0 ? -1 : q;
}

int sz_langtag_accept(const char *header, size_t len,
	const char *const *codes, size_t n)
{
	struct {
		const char *tag;
		size_t len;
		int q;
	} r[SZ_LANGTAG_MAX_RANGES];
	size_t nr = 0, pos = 0;
	while (pos < len && nr < SZ_LANGTAG_MAX_RANGES) {
		const char *comma = memchr(header + pos, ',', len - pos);
		size_t rlen = comma ? (size_t)(comma - (header + pos)) : len - pos;
		r[nr].q = parse_range(header + pos, rlen, &r[nr].tag, &r[nr].len);
		pos += rlen + 1;
		if (r[nr].q >= 0)
			nr++;
	}
	/* A higher q wins; at the same q the earlier range; within a range
	 * the closer match; a language some range refuses (q=0) never. */
	int best = -1, best_q = 0;
	for (size_t k = 0; k < nr; k++) {
		bool any = r[k].len == 1 && r[k].tag[0] == '*';
		if (r[k].q <= best_q)
			continue;
		int range_best = -1, range_score = 0;
		for (size_t i = 0; i < n; i++) {
			int score = any ? 1 :
				sz_langtag_match(r[k].tag, r[k].len, codes[i]);
			if (score <= range_score)
				continue;
			bool refused = false;
			for (size_t j = 0; j < nr && !refused; j++)
				refused = r[j].q == 0 && !(r[j].len == 1 &&
					r[j].tag[0] == '*') &&
					sz_langtag_match(r[j].tag, r[j].len,
						codes[i]) > 0;
			if (!refused) {
				range_best = (int)i;
				range_score = score;
			}
		}
		if (range_best >= 0) {
			best = range_best;
			best_q = r[k].q;
		}
	}
	return best;
}
