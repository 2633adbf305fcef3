/*
 * archive.c - opening the archive (the SQLite back end for now) and its
 * content-addressed file tree: DIR/archive/xx/SHA256, written through a
 * temporary file, fsync'd and renamed, so a file is whole or absent.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/io.h"
#include "sandbox/sandbox.h"
#include "store/archive.h"

int sz_archive_open_sqlite(struct sz_archive **out, const char *dir,
	bool create, bool read_only, struct sz_err *err);

int sz_archive_open(struct sz_archive **a, const char *dir, bool create,
	bool read_only, struct sz_err *err)
{
	int rc = sz_archive_open_sqlite(a, dir, create, read_only, err);
	if (rc == 0 && create && mkdir((*a)->files, 0755) != 0 &&
	    errno != EEXIST) {
		rc = sz_err_set(err, SZ_E_IO, "cannot create %s: %s", (*a)->files,
			strerror(errno));
		(*a)->ops->close(*a);
		*a = NULL;
	}
	return rc;
}

int sz_archive_prepare(const char *dir, struct sz_err *err)
{
	struct sz_archive *a = NULL;
	int rc = sz_archive_open(&a, dir, true, false, err);
	if (rc == 0)
		a->ops->close(a);
	return rc;
}

int sz_archive_confine(const char *dir, bool read_only,
	struct sz_sandbox *sb, struct sz_err *err)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	const unsigned rw = SZ_SB_READ | SZ_SB_WRITE;
	char path[4300];
	int rc = SZ_OK;
	for (int i = 0; rc == SZ_OK && i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s%s", dir, SZ_ARCHIVE_DB_FILE,
			suffix[i]);
		rc = sz_sandbox_allow(sb, path, read_only && i < 2 ? SZ_SB_READ :
			rw, err);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, SZ_ARCHIVE_DIR);
	return rc ? rc : sz_sandbox_allow(sb, path, read_only ? SZ_SB_READ :
		rw | SZ_SB_CREATE | SZ_SB_REMOVE, err);
}

void sz_archive_file_path(const struct sz_archive *a, const char *sha256,
	char *path, size_t cap)
{
	snprintf(path, cap, "%s/%.2s/%s", a->files, sha256, sha256);
}

int sz_archive_put_file(struct sz_archive *a, int fd, char *sha256,
	uint64_t *size, struct sz_err *err)
{
	crypto_hash_sha256_state h;
	uint8_t buf[65536], digest[32];
	char tmp[4200], path[4200], dir[4200];
	int out = -1, rc = 0;
	*size = 0;
	snprintf(tmp, sizeof(tmp), "%s/.incoming.XXXXXX", a->files);
	if (lseek(fd, 0, SEEK_SET) != 0 || (out = mkstemp(tmp)) < 0)
		return sz_err_set(err, SZ_E_IO, "cannot store a file in %s: %s",
			a->files, strerror(errno));
	fchmod(out, 0644);
	crypto_hash_sha256_init(&h);
	for (;;) {
		ssize_t n = sz_read_full(fd, buf, sizeof(buf));
		if (n < 0) {
			rc = sz_err_set(err, SZ_E_IO, "cannot read: %s", strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		crypto_hash_sha256_update(&h, buf, (size_t)n);
		if (sz_write_all(out, buf, (size_t)n) != 0) {
			rc = sz_err_set(err, SZ_E_IO, "cannot store a file: %s",
				strerror(errno));
			goto out;
		}
		*size += (uint64_t)n;
	}
	crypto_hash_sha256_final(&h, digest);
	sodium_bin2hex(sha256, SZ_ARCHIVE_SHA256_HEX, digest, sizeof(digest));
	sz_archive_file_path(a, sha256, path, sizeof(path));
	snprintf(dir, sizeof(dir), "%s/%.2s", a->files, sha256);
	if (access(path, F_OK) == 0)
		goto out;   /* content-addressed: it is there already */
	if ((mkdir(dir, 0755) != 0 && errno != EEXIST) ||
	    (!a->in_import && fsync(out) != 0) || rename(tmp, path) != 0) {
		rc = sz_err_set(err, SZ_E_IO, "cannot store a file: %s",
			strerror(errno));
		goto out;
	}
	tmp[0] = 0;
out:
	if (out >= 0)
		close(out);
	if (tmp[0])
		unlink(tmp);
	return rc;
}

/* Letters and digits of s, lowercased, appended to out (an address as
 * one index term: "jm@ministry.example" -> "jmministryexample"). */
static int squeeze(struct sz_buf *out, const char *s, size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n && s[i] && rc == 0; i++)
		if (isalnum((unsigned char)s[i]))
			rc = sz_buf_append(out, &(char){ (char)tolower(
				(unsigned char)s[i]) }, 1);
	return rc;
}

/* An address's terms: the address and its domain, prefixed. */
static int address_terms(struct sz_buf *out, const char *addr, size_t n,
	const char *pa, const char *pd)
{
	const char *at = memchr(addr, '@', n);
	if (at == NULL)
		return 0;
	int rc = sz_buf_printf(out, " %s", pa);
	if (rc == 0)
		rc = squeeze(out, addr, n);
	if (rc == 0)
		rc = sz_buf_printf(out, " %s", pd);
	if (rc == 0)
		rc = squeeze(out, at + 1, n - (size_t)(at + 1 - addr));
	return rc;
}

/* The addresses of a "Name <a@b>, c@d" list. */
static int list_terms(struct sz_buf *out, const char *list)
{
	int rc = 0, count = 0;
	const char *p = list;
	while (rc == 0 && p != NULL && *p && count++ < 100) {
		const char *lt = strchr(p, '<'), *comma = strchr(p, ',');
		const char *b, *e;
		if (lt != NULL && (comma == NULL || lt < comma) &&
		    (e = strchr(lt, '>')) != NULL) {
			b = lt + 1;
			comma = strchr(e, ',');
		} else {
			b = p;
			e = comma ? comma : p + strlen(p);
		}
		while (b < e && *b == ' ')
			b++;
		rc = address_terms(out, b, (size_t)(e - b), "zo", "zp");
		p = comma ? comma + 1 : NULL;
	}
	return rc;
}

int sz_archive_tags(const struct sz_doc_row *d, struct sz_buf *out)
{
	int rc = sz_buf_puts(out, "zt");
	if (rc == 0)
		rc = squeeze(out, d->type, strlen(d->type));
	if (rc == 0)
		rc = sz_buf_printf(out, " zr%lld", (long long)d->release_id);
	if (rc == 0 && d->email && d->date > 0) {
		time_t t = (time_t)d->date;
		struct tm tm;
		char dates[48];
		gmtime_r(&t, &tm);
		strftime(dates, sizeof(dates), " zy%Y zm%Y%m zd%Y%m%d", &tm);
		rc = sz_buf_puts(out, dates);
	}
	if (rc == 0 && d->email)
		rc = address_terms(out, d->from_addr, strlen(d->from_addr), "zf",
			"zg");
	if (rc == 0 && d->email && d->to)
		rc = list_terms(out, d->to);
	if (rc == 0 && d->email && d->cc)
		rc = list_terms(out, d->cc);
	return rc;
}

int sz_archive_address_term(const char *value, bool from, struct sz_buf *out)
{
	bool addr = strchr(value, '@') != NULL;
	if (!addr && strchr(value, '.') == NULL)
		return 1;   /* a name: the caller searches its words */
	int rc = sz_buf_printf(out, "tags : \"%s", addr ? (from ? "zf" : "zo") :
		(from ? "zg" : "zp"));
	if (rc == 0)
		rc = squeeze(out, value, strlen(value));
	return rc ? rc : sz_buf_puts(out, "\"");
}

static int64_t add_months(struct tm *tm, int months)
{
	tm->tm_mon += months;
	return (int64_t)timegm(tm);
}

int sz_archive_date_terms(int64_t after, int64_t before, struct sz_buf *out)
{
	time_t now = time(NULL);
	struct tm tm;
	int64_t lo = after > 0 ? after : 0;
	int64_t hi = before;
	if (hi == 0) {
		/* Open end: up to the start of next year. */
		gmtime_r(&now, &tm);
		memset(&tm, 0, sizeof(tm));
		gmtime_r(&now, &tm);
		tm.tm_year++;
		tm.tm_mon = 0;
		tm.tm_mday = 1;
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		hi = (int64_t)timegm(&tm);
	}
	int rc = sz_buf_puts(out, "tags : (");
	bool first = true;
	unsigned terms = 0;
	while (rc == 0 && lo < hi && terms < 2000) {
		time_t t = (time_t)lo;
		gmtime_r(&t, &tm);
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		struct tm next = tm;
		char term[24];
		int64_t step;
		if (tm.tm_mon == 0 && tm.tm_mday == 1 &&
		    (step = add_months(&next, 12)) <= hi) {
			strftime(term, sizeof(term), "\"zy%Y\"", &tm);
		} else if (tm.tm_mday == 1 && (next = tm,
			   step = add_months(&next, 1)) <= hi) {
			strftime(term, sizeof(term), "\"zm%Y%m\"", &tm);
		} else {
			next = tm;
			next.tm_mday++;
			step = (int64_t)timegm(&next);
			strftime(term, sizeof(term), "\"zd%Y%m%d\"", &tm);
		}
		rc = sz_buf_printf(out, "%s%s", first ? "" : " OR ", term);
		first = false;
		terms++;
		lo = step;
	}
	if (rc == 0 && first)
		rc = sz_buf_puts(out, "\"zd00000000\"");   /* an empty range */
	return rc ? rc : sz_buf_puts(out, ")");
}
