/*
 * manifest.c - MANIFEST lines and the signed claim (manifest.h): what a
 * path may be, reading and writing a line, and the trusted comment.
 *
 * It reads no files: a line or a comment comes in as text.
 */
#include "mirror/manifest.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/utf8.h"

static bool path_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || (c != 0 && strchr("-_.@%+=,~", c));
}

bool sz_manifest_path_ok(const char *path, size_t len)
{
	if (len == 0 || len > SZ_MANIFEST_PATH_MAX)
		return false;
	if ((len == strlen(SZ_MANIFEST_FILE) &&
	     memcmp(path, SZ_MANIFEST_FILE, len) == 0) ||
	    (len == strlen(SZ_MANIFEST_SIG_FILE) &&
	     memcmp(path, SZ_MANIFEST_SIG_FILE, len) == 0))
		return false;
	size_t depth = 0;
	bool part_start = true;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)path[i];
		if (c == '/') {
			if (part_start || ++depth > SZ_MANIFEST_DEPTH_MAX)
				return false;     /* "//", a leading "/" */
			part_start = true;
			continue;
		}
		if (!path_char(c) || (part_start && c == '.'))
			return false;         /* "..", ".", hidden, odd bytes */
		part_start = false;
	}
	return !part_start;               /* no trailing "/" */
}

int sz_manifest_line(const char *line, size_t len, uint8_t sha256[32],
	const char **path, size_t *path_len, struct sz_err *err)
{
	if (len > SZ_MANIFEST_LINE_MAX)
		return sz_err_set(err, SZ_E_LIMIT, "a line longer than %d bytes",
			SZ_MANIFEST_LINE_MAX);
	if (len < 67 || line[64] != ' ' || (line[65] != ' ' && line[65] != '*'))
		return sz_err_set(err, SZ_E_INVAL, "a line that is not \"SHA-256, "
			"two spaces, path\"");
	size_t got = 0;
	const char *end = NULL;
	if (sodium_hex2bin(sha256, 32, line, 64, NULL, &got, &end) != 0 ||
	    got != 32 || end != line + 64)
		return sz_err_set(err, SZ_E_INVAL, "a line whose SHA-256 is "
			"not 64 hex digits");
	*path = line + 66;
	*path_len = len - 66;
	if (!sz_manifest_path_ok(*path, *path_len))
		return sz_err_set(err, SZ_E_INVAL, "a path that is absolute, "
			"climbs out (..), is hidden, or holds characters an export "
			"never writes: \"%.*s\"", (int)(*path_len > 80 ? 80 :
			*path_len), *path);
	return 0;
}

size_t sz_manifest_format_line(const uint8_t sha256[32], const char *path,
	char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t k = 0, n = strlen(path);
	for (int i = 0; i < 32; i++) {
		out[k++] = hex[sha256[i] >> 4];
		out[k++] = hex[sha256[i] & 15];
	}
	out[k++] = ' ';
	out[k++] = ' ';
	memcpy(out + k, path, n);
	k += n;
	out[k++] = '\n';
	out[k] = 0;
	return k;
}

bool sz_manifest_archive_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > SZ_MANIFEST_ARCHIVE_MAX || !sz_utf8_valid(name, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f)
			return false;
	return true;
}

int sz_manifest_claim_format(const struct sz_manifest_claim *c, char *out,
	size_t cap)
{
	struct tm tm;
	time_t t = (time_t)c->expires;
	char when[32];
	if (!sz_manifest_archive_ok(c->archive) || gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return SZ_E_INVAL;
	int n = snprintf(out, cap, "archive:%s\tversion:%" PRIu64 "\texpires:%s",
		c->archive, c->version, when);
	return n > 0 && (size_t)n < cap ? 0 : SZ_E_LIMIT;
}

/* "2025-12-31T23:59:59Z", exactly. */
static bool parse_time(const char *s, size_t len, int64_t *out)
{
	char buf[24];
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	if (len != 20)
		return false;
	memcpy(buf, s, len);
	buf[len] = 0;
	const char *end = strptime(buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != 0)
		return false;
	*out = (int64_t)timegm(&tm);
	return true;
}

int sz_manifest_claim_parse(const char *text, struct sz_manifest_claim *c,
	struct sz_err *err)
{
	bool have_a = false, have_v = false, have_e = false;
	memset(c, 0, sizeof(*c));
	for (const char *p = text; *p;) {
		const char *tab = strchr(p, '\t');
		size_t len = tab ? (size_t)(tab - p) : strlen(p);
		const char *colon = memchr(p, ':', len);
		size_t klen = colon ? (size_t)(colon - p) : len;
		const char *v = colon ? colon + 1 : p + len;
		size_t vlen = len - klen - (colon ? 1 : 0);
		bool *seen = NULL;
		if (klen == 7 && memcmp(p, "archive", 7) == 0) {
			seen = &have_a;
			if (vlen == 0 || vlen > SZ_MANIFEST_ARCHIVE_MAX)
				return sz_err_set(err, SZ_E_INVAL, "the signed archive "
					"name is empty or too long");
			memcpy(c->archive, v, vlen);
			c->archive[vlen] = 0;
			if (!sz_manifest_archive_ok(c->archive))
				return sz_err_set(err, SZ_E_INVAL, "the signed archive "
					"name is not plain text");
		} else if (klen == 7 && memcmp(p, "version", 7) == 0) {
			seen = &have_v;
			char num[24], *end;
			if (vlen == 0 || vlen >= sizeof(num) || v[0] < '0' ||
			    v[0] > '9')
				return sz_err_set(err, SZ_E_INVAL, "the signed version "
					"is not a number");
			memcpy(num, v, vlen);
			num[vlen] = 0;
			c->version = strtoull(num, &end, 10);
			if (*end != 0 || c->version > INT64_MAX)
				return sz_err_set(err, SZ_E_INVAL, "the signed version "
					"is not a number");
		} else if (klen == 7 && memcmp(p, "expires", 7) == 0) {
			seen = &have_e;
			if (!parse_time(v, vlen, &c->expires))
				return sz_err_set(err, SZ_E_INVAL, "the signed expiry is "
					"not a time like 2025-12-31T23:59:59Z");
		}
		if (seen != NULL && *seen)
			return sz_err_set(err, SZ_E_INVAL, "the signed comment gives "
				"a field twice");
		if (seen != NULL)
			*seen = true;
		p += len + (tab ? 1 : 0);
	}
	if (!have_a || !have_v || !have_e)
		return sz_err_set(err, SZ_E_INVAL, "the signed comment does not "
			"say which archive, which version and until when (it is not "
			"a samizdat mirror's manifest)");
	return 0;
}
