/*
 * archive.c - opening the archive (on SQLite, or on PostgreSQL when the
 * instance's database setting names it: the archive and the forum are
 * both the public face's, and share that database) and its
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

#include "core/config.h"
#include "core/io.h"
#include "core/utf8.h"
#include "sandbox/sandbox.h"
#include "store/archive.h"
#include "store/postgres.h"

int sz_archive_open_sqlite(struct sz_archive **out, const char *dir,
	bool create, bool read_only, struct sz_err *err);

int sz_archive_open(struct sz_archive **a, const char *dir, bool create,
	bool read_only, struct sz_err *err)
{
	struct sz_config cfg;
	*a = NULL;
	int rc = sz_config_load(&cfg, dir, err);
	if (rc == 0)
		rc = sz_archive_open_config(a, dir, &cfg, create, read_only, err);
	return rc;
}

int sz_archive_open_config(struct sz_archive **a, const char *dir,
	const struct sz_config *cfg, bool create, bool read_only,
	struct sz_err *err)
{
	int rc = sz_config_postgres(cfg) ?
		sz_archive_open_postgres(a, dir, cfg->database, err) :
		sz_archive_open_sqlite(a, dir, create, read_only, err);
	if (rc == 0 && create && mkdir((*a)->files, 0700) != 0 &&
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
	struct sz_config cfg;
	int rc = sz_config_load(&cfg, dir, err);
	/* On PostgreSQL no database file: a face keeps what libpq needs
	 * to connect again, and the runner, for the samizdat-doc it starts;
	 * samizdat-doc keeps the connections it opened before locking
	 * itself in, and opens none. */
	bool pg = rc == SZ_OK && sz_config_postgres(&cfg);
	if (pg && (sb->syscalls == SZ_SYSCALLS_FACE ||
	    sb->syscalls == SZ_SYSCALLS_RUNNER))
		rc = sz_pg_confine(cfg.database, sb, err);
	/* The samizdat-doc the runner starts opens the archive under the
	 * runner's lock-in, and reads the settings to find it (a face never
	 * may: they name the inbox's database too). */
	char conf[4300];
	sz_config_path(dir, conf, sizeof(conf));
	if (rc == SZ_OK && sb->syscalls == SZ_SYSCALLS_RUNNER)
		rc = sz_sandbox_allow(sb, conf, SZ_SB_READ | SZ_SB_OPTIONAL, err);
	else if (pg)
		sz_sandbox_keep_connections(sb);
	for (int i = 0; rc == SZ_OK && !pg && i < 3; i++) {
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
	fchmod(out, 0600);
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
	if ((mkdir(dir, 0700) != 0 && errno != EEXIST) ||
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

int sz_archive_hash_range(int fd, uint64_t off, uint64_t len, char *sha256,
	struct sz_err *err)
{
	crypto_hash_sha256_state h;
	uint8_t buf[65536], digest[32];
	crypto_hash_sha256_init(&h);
	while (len > 0) {
		size_t want = len < sizeof(buf) ? (size_t)len : sizeof(buf);
		ssize_t n = pread(fd, buf, want, (off_t)off);
		if (n <= 0)
			return sz_err_set(err, SZ_E_IO, "cannot read: %s",
				n < 0 ? strerror(errno) : "the file is shorter");
		crypto_hash_sha256_update(&h, buf, (size_t)n);
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	crypto_hash_sha256_final(&h, digest);
	sodium_bin2hex(sha256, SZ_ARCHIVE_SHA256_HEX, digest, sizeof(digest));
	return 0;
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

static void copy_cut(char *out, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(out, s, n);
	out[n] = 0;
}

bool sz_archive_addr_next(const char **pp, char *addr, size_t acap,
	char *name, size_t ncap)
{
	const char *p = *pp;
	addr[0] = name[0] = 0;
	while (p != NULL && (*p == '\n' || *p == ' ' || *p == ','))
		p++;
	if (p == NULL || *p == 0) {
		*pp = p;
		return false;
	}
	const char *nl = strchr(p, '\n'), *tab = strchr(p, '\t');
	if (tab != NULL && (nl == NULL || tab < nl)) {
		const char *end = nl ? nl : p + strlen(p);
		copy_cut(addr, acap, p, (size_t)(tab - p));
		copy_cut(name, ncap, tab + 1, (size_t)(end - tab - 1));
		*pp = end;
		return true;
	}
	/* An older list: "Name <a@b>, c@d". */
	const char *lt = strchr(p, '<'), *comma = strchr(p, ','), *gt;
	if (lt != NULL && (comma == NULL || lt < comma) &&
	    (gt = strchr(lt, '>')) != NULL) {
		const char *ne = lt;
		while (ne > p && ne[-1] == ' ')
			ne--;
		copy_cut(name, ncap, p, (size_t)(ne - p));
		copy_cut(addr, acap, lt + 1, (size_t)(gt - lt - 1));
		comma = strchr(gt, ',');
	} else {
		const char *e = comma ? comma : p + strlen(p);
		copy_cut(addr, acap, p, (size_t)(e - p));
	}
	*pp = comma ? comma + 1 : p + strlen(p);
	return true;
}

/* The addresses of a stored recipient list. */
static int list_terms(struct sz_buf *out, const char *list)
{
	int rc = 0, count = 0;
	char addr[SZ_ARCHIVE_NAME_MAX + 1], name[SZ_ARCHIVE_NAME_MAX + 1];
	const char *p = list;
	while (rc == 0 && count++ < 1000 &&
	    sz_archive_addr_next(&p, addr, sizeof(addr), name, sizeof(name)))
		rc = address_terms(out, addr, strlen(addr), "zo", "zp");
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
	/* Signed (any outcome) and verified, per kind. */
	static const char *const kind[2] = { "dkim", "pgp" };
	for (int k = 0; rc == 0 && d->email && k < 2; k++) {
		enum sz_dkim_state st = k ? d->pgp : d->dkim;
		if (st != SZ_DKIM_NONE)
			rc = sz_buf_printf(out, " zs%s", kind[k]);
		if (rc == 0 && st == SZ_DKIM_PASS)
			rc = sz_buf_printf(out, " zv%s", kind[k]);
	}
	return rc;
}

int sz_archive_address_term(const char *value, bool from, struct sz_buf *out)
{
	bool addr = strchr(value, '@') != NULL;
	if (!addr && strchr(value, '.') == NULL)
		return 1;   /* a name: the caller searches its words */
	int rc = sz_buf_puts(out, addr ? (from ? "zf" : "zo") :
		(from ? "zg" : "zp"));
	return rc ? rc : squeeze(out, value, strlen(value));
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
	int rc = 0;
	bool first = true;
	unsigned terms = 0;
	while (rc == 0 && lo < hi && terms < SZ_ARCHIVE_DATE_TERMS) {
		time_t t = (time_t)lo;
		gmtime_r(&t, &tm);
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		struct tm next = tm;
		char term[24];
		int64_t step;
		if (tm.tm_mon == 0 && tm.tm_mday == 1 &&
		    (step = add_months(&next, 12)) <= hi) {
			strftime(term, sizeof(term), "zy%Y", &tm);
		} else if (tm.tm_mday == 1 && (next = tm,
			   step = add_months(&next, 1)) <= hi) {
			strftime(term, sizeof(term), "zm%Y%m", &tm);
		} else {
			next = tm;
			next.tm_mday++;
			step = (int64_t)timegm(&next);
			strftime(term, sizeof(term), "zd%Y%m%d", &tm);
		}
		rc = sz_buf_printf(out, "%s%s", first ? "" : " ", term);
		first = false;
		terms++;
		lo = step;
	}
	if (rc == 0 && first)
		rc = sz_buf_puts(out, "zd00000000");   /* an empty range */
	return rc;
}

bool sz_archive_served(const struct sz_doc_row *d, char *sha256,
	uint64_t *size)
{
	const char *s = d->sha256;
	uint64_t n = d->size;
	if (d->email && d->raw_form == SZ_RAW_WITHHELD)
		return false;
	if (d->email && d->raw_form == SZ_RAW_SCRUBBED) {
		s = d->scrubbed_sha256;
		n = d->scrubbed_size;
	}
	if (s[0] == 0)
		return false;
	snprintf(sha256, SZ_ARCHIVE_SHA256_HEX, "%s", s);
	*size = n;
	return true;
}

int sz_archive_clean_str(const char *s, size_t len, bool multiline,
	const char **out, size_t *out_len, char **own)
{
	*own = NULL;
	*out = s ? s : "";
	*out_len = s ? len : 0;
	if (s == NULL || sz_utf8_is_clean(s, len, multiline))
		return 0;
	struct sz_buf b;
	/* U+FFFD is three bytes: room for every byte to become one. */
	sz_buf_init(&b, len > SIZE_MAX / 3 - 1 ? SIZE_MAX / 3 : 3 * len + 1);
	int rc = sz_utf8_clean(&b, s, len, multiline);
	if (rc != 0) {
		sz_buf_free(&b);
		return rc;
	}
	if (b.data == NULL) {
		*out = "";
		*out_len = 0;
		return 0;
	}
	*own = (char *)b.data;   /* the buffer's contents, handed over */
	*out = *own;
	*out_len = b.len;
	return 0;
}

int sz_archive_clean_row(const struct sz_doc_row *d, const char *text,
	size_t text_len, struct sz_clean_row *c)
{
	memset(c, 0, sizeof(*c));
	c->row = *d;
	struct sz_doc_row *r = &c->row;
	char *fields[] = { r->title, r->filename, r->type, r->collection,
		r->message_id, r->thread, r->from_addr, r->from_name,
		r->dkim_detail, r->pgp_detail, r->release_title };
	size_t caps[] = { sizeof(r->title), sizeof(r->filename),
		sizeof(r->type), sizeof(r->collection), sizeof(r->message_id),
		sizeof(r->thread), sizeof(r->from_addr), sizeof(r->from_name),
		sizeof(r->dkim_detail), sizeof(r->pgp_detail),
		sizeof(r->release_title) };
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		sz_utf8_clean_field(fields[i], caps[i]);
	const char *out;
	size_t len;
	int rc = sz_archive_clean_str(d->summary, d->summary ?
		strlen(d->summary) : 0, true, &out, &len, &c->own[0]);
	r->summary = (char *)out;
	if (rc == 0)
		rc = sz_archive_clean_str(d->to, d->to ? strlen(d->to) : 0, true,
			&out, &len, &c->own[1]);
	r->to = (char *)out;
	if (rc == 0)
		rc = sz_archive_clean_str(d->cc, d->cc ? strlen(d->cc) : 0, true,
			&out, &len, &c->own[2]);
	r->cc = (char *)out;
	if (rc == 0)
		rc = sz_archive_clean_str(text, text_len, true, &c->text,
			&c->text_len, &c->own[3]);
	if (rc != 0)
		sz_archive_clean_free(c);
	return rc;
}

void sz_archive_clean_free(struct sz_clean_row *c)
{
	for (size_t i = 0; i < sizeof(c->own) / sizeof(c->own[0]); i++)
		free(c->own[i]);
	memset(c, 0, sizeof(*c));
}
