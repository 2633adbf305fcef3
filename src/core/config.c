/*
 * config.c - the config file: a table of settings, each with its range,
 * and which file an instance reads them from.
 */
#include "core/config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/io.h"

enum kind { ADDR, NUM, URL };

struct setting {
	const char *key;
	enum kind kind;
	size_t offset;
	uint64_t min, max, def;
	const char *def_addr;
	const char *help;
};

#define NUMBER(k, lo, hi, d, h) \
	{ #k, NUM, offsetof(struct sz_config, k), lo, hi, d, NULL, h }
#define ADDRESS(k, d, h) \
	{ #k, ADDR, offsetof(struct sz_config, k), 0, 0, 0, d, h }
#define WEB_URL(k, h) \
	{ #k, URL, offsetof(struct sz_config, k), 0, 0, 0, "", h }

static const struct setting settings[] = {
	ADDRESS(listen_source, "127.0.0.1:8080",
		"the source face; put a Tor onion service in front of it"),
	ADDRESS(listen_editor, "127.0.0.1:8081",
		"the editor face; an onion service with client authorization"),
	ADDRESS(listen_public, "127.0.0.1:8082", "the public archive"),
	WEB_URL(public_url, "the public archive's address as readers reach it "
		"(http://....onion, no / at the end): feeds link to it and take "
		"their ids from it; empty: feeds link relative to themselves"),
	NUMBER(max_file_mb, 1, 1048576, 500, "largest file a source may send"),
	NUMBER(max_submission_mb, 1, 1048576, 2048,
		"largest submission, all files together"),
	NUMBER(max_message_kb, 1, 10240, 256, "longest message text"),
	NUMBER(max_files, 1, 1000, 20, "files per submission"),
	NUMBER(max_connections, 1, 100000, 1024, "simultaneous connections, "
		"waiting or working; when full, the one waiting longest for a "
		"request is closed"),
	NUMBER(max_header_kb, 4, 1024, 32, "request line and headers"),
	NUMBER(idle_timeout_s, 1, 3600, 30,
		"a connection that sends nothing for this long is closed"),
	NUMBER(header_timeout_s, 1, 600, 10,
		"a request's headers must arrive within this long of their "
		"first byte"),
	NUMBER(request_timeout_s, 10, 86400, 7200,
		"the longest a single request (an upload) may take"),
	NUMBER(retention_days, 1, 36500, 90,
		"submissions older than this are deleted"),
	NUMBER(session_idle_min, 1, 1440, 30,
		"a source is logged out after this much inactivity"),
	NUMBER(max_sessions, 16, 1000000, 10000, "sessions kept in memory"),
	NUMBER(login_tokens_per_min, 1, 100000, 300,
		"login forms that may start being used per minute, all sources "
		"together (each allows login_attempts_per_token codenames)"),
	NUMBER(login_attempts_per_token, 1, 100, 5,
		"codenames that may be tried with one login form"),
	NUMBER(source_mb_per_day, 1, 1048576, 4096,
		"what one source may send in a day, all submissions together"),
	NUMBER(source_submissions_per_day, 1, 100000, 50,
		"submissions one source may make in a day"),
	NUMBER(inbox_mb_per_day, 1, 104857600, 20480,
		"what all sources together may send in a day"),
	NUMBER(min_free_disk_mb, 0, 1073741824, 1024,
		"submissions are refused while the disk has less free space"),
	NUMBER(search_time_ms, 1, 60000, 2000,
		"the longest one search of the archive may take; past it the "
		"reader is told how to narrow it"),
	NUMBER(doc_memory_mb, 128, 1048576, 2048,
		"address space samizdat-doc (which parses documents) may use"),
	NUMBER(doc_cpu_s, 1, 86400, 120,
		"CPU seconds samizdat-doc may spend on one document"),
	NUMBER(doc_timeout_s, 1, 86400, 300,
		"seconds samizdat-doc may take on one document before it is "
		"stopped"),
	NUMBER(doc_file_mb, 1, 16777216, 65536,
		"largest file samizdat-doc may write (the archive's database "
		"included)"),
	NUMBER(doc_open_files, 16, 65536, 256,
		"files samizdat-doc may have open at once"),
	NUMBER(argon2_memlimit_mb, 8, 4096, 64,
		"memory for deriving keys from a codename"),
	NUMBER(argon2_opslimit, 1, 100, 3,
		"passes for deriving keys from a codename"),
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

void sz_config_defaults(struct sz_config *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < NSETTINGS; i++) {
		char *field = (char *)c + settings[i].offset;
		if (settings[i].kind == ADDR)
			snprintf(field, SZ_CONFIG_ADDR_SIZE, "%s",
				settings[i].def_addr);
		else if (settings[i].kind == URL)
			field[0] = '\0';
		else
			*(uint64_t *)(void *)field = settings[i].def;
	}
}

static bool valid_addr(const char *s)
{
	const char *colon = strrchr(s, ':');
	if (colon == NULL || colon == s || colon[1] == '\0')
		return false;
	for (const char *p = colon + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	long port = strtol(colon + 1, NULL, 10);
	return port > 0 && port < 65536 && strlen(colon + 1) <= 5;
}

/* http:// or https://, a host, maybe a port and a path; nothing an
 * XML attribute or a feed reader would stumble on; no / at the end. */
static bool valid_url(const char *s)
{
	size_t n = strlen(s);
	if (n == 0)
		return true;
	const char *host = strncmp(s, "http://", 7) == 0 ? s + 7 :
		strncmp(s, "https://", 8) == 0 ? s + 8 : NULL;
	if (host == NULL || host[0] == '\0' || host[0] == '/' ||
	    s[n - 1] == '/' || n >= SZ_CONFIG_URL_SIZE)
		return false;
	for (const char *p = s; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("\"'<>\\`{}|^#?", *p))
			return false;
	return true;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
		    s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

static int set_value(struct sz_config *c, const struct setting *st,
	const char *val, size_t lineno, struct sz_err *err)
{
	char *field = (char *)c + st->offset;
	if (st->kind == ADDR) {
		if (strlen(val) >= SZ_CONFIG_ADDR_SIZE || !valid_addr(val))
			return sz_err_set(err, SZ_E_INVAL,
				"line %zu: %s must be HOST:PORT", lineno,
				st->key);
		snprintf(field, SZ_CONFIG_ADDR_SIZE, "%s", val);
		return SZ_OK;
	}
	if (st->kind == URL) {
		if (!valid_url(val))
			return sz_err_set(err, SZ_E_INVAL, "line %zu: %s must be "
				"http://HOST or https://HOST (a path may follow; no / at "
				"the end)", lineno, st->key);
		snprintf(field, SZ_CONFIG_URL_SIZE, "%s", val);
		return SZ_OK;
	}
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(val, &end, 10);
	if (errno != 0 || end == val || *end != '\0' || val[0] == '-' ||
	    v < st->min || v > st->max)
		return sz_err_set(err, SZ_E_INVAL,
			"line %zu: %s must be a whole number from %llu to %llu",
			lineno, st->key, (unsigned long long)st->min,
			(unsigned long long)st->max);
	*(uint64_t *)(void *)field = v;
	return SZ_OK;
}

int sz_config_parse(struct sz_config *c, const char *text, size_t len,
	struct sz_err *err)
{
	if (len > SZ_CONFIG_MAX_SIZE)
		return sz_err_set(err, SZ_E_LIMIT,
			"the config file is larger than %d bytes",
			SZ_CONFIG_MAX_SIZE);
	size_t lineno = 0, pos = 0;
	char line[512];
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		lineno++;
		if (n >= sizeof(line))
			return sz_err_set(err, SZ_E_INVAL,
				"line %zu is too long", lineno);
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + 1;
		if (memchr(line, '\0', n) != NULL)
			return sz_err_set(err, SZ_E_INVAL,
				"line %zu has a NUL byte", lineno);
		char *s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (eq == NULL)
			return sz_err_set(err, SZ_E_INVAL,
				"line %zu: expected \"key = value\"", lineno);
		*eq = '\0';
		char *key = trim(s), *val = trim(eq + 1);
		const struct setting *st = NULL;
		for (size_t i = 0; i < NSETTINGS && st == NULL; i++)
			if (strcmp(settings[i].key, key) == 0)
				st = &settings[i];
		if (st == NULL)
			return sz_err_set(err, SZ_E_INVAL,
				"line %zu: unknown setting \"%.64s\"", lineno,
				key);
		int rc = set_value(c, st, val, lineno, err);
		if (rc != SZ_OK)
			return rc;
	}
	return SZ_OK;
}

bool sz_config_path(const char *dir, char *out, size_t cap)
{
	const char *env = getenv(SZ_CONFIG_ENV);
	if (env != NULL && env[0] != '\0') {
		snprintf(out, cap, "%s", env);
		return true;
	}
	snprintf(out, cap, "%s/%s", dir, SZ_CONFIG_FILE);
	if (access(out, F_OK) != 0 && errno == ENOENT &&
	    access(SZ_CONFIG_SYSTEM, F_OK) == 0)
		snprintf(out, cap, "%s", SZ_CONFIG_SYSTEM);
	return false;
}

int sz_config_load(struct sz_config *c, const char *dir, struct sz_err *err)
{
	char path[4096], *text = NULL;
	sz_config_defaults(c);
	bool from_env = sz_config_path(dir, path, sizeof(path));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && from_env)
		return sz_err_set(err, SZ_E_IO, "cannot open %s (named by $%s): "
			"%s", path, SZ_CONFIG_ENV, strerror(errno));
	if (fd < 0 && errno == ENOENT)
		return sz_err_set(err, SZ_E_IO, "cannot open %s: %s (nor is "
			"there a %s; is %s a samizdat instance? create one with "
			"samizdat init)", path, strerror(errno),
			SZ_CONFIG_SYSTEM, dir);
	if (fd < 0)
		return sz_err_set(err, SZ_E_IO, "cannot open %s: %s", path,
			strerror(errno));
	text = malloc(SZ_CONFIG_MAX_SIZE + 1);
	ssize_t n = text ? sz_read_full(fd, text, SZ_CONFIG_MAX_SIZE + 1) : -1;
	close(fd);
	int rc;
	if (n < 0)
		rc = sz_err_set(err, SZ_E_IO, "cannot read %s", path);
	else
		rc = sz_config_parse(c, text, (size_t)n, err);
	if (rc != SZ_OK && err != NULL && strncmp(err->msg, "line", 4) == 0) {
		char msg[SZ_ERR_MSG_SIZE];
		snprintf(msg, sizeof(msg), "%s", err->msg);
		sz_err_set(err, rc, "%s %s", path, msg);
	}
	free(text);
	return rc;
}

int sz_config_format(const struct sz_config *c, char *buf, size_t cap)
{
	size_t o = 0;
	int n = snprintf(buf, cap, "# samizdat instance settings.  Each line "
		"is \"key = value\"; see docs/operations.md.\n");
	if (n < 0 || (size_t)n >= cap)
		return -1;
	o = (size_t)n;
	for (size_t i = 0; i < NSETTINGS; i++) {
		const char *field = (const char *)c + settings[i].offset;
		if (settings[i].kind == ADDR)
			n = snprintf(buf + o, cap - o, "\n# %s\n%s = %s\n",
				settings[i].help, settings[i].key, field);
		else if (settings[i].kind == URL)
			n = snprintf(buf + o, cap - o, "\n# %s\n%s%s = %s\n",
				settings[i].help, field[0] ? "" : "#",
				settings[i].key, field[0] ? field : "http://"
				"youraddress.onion");
		else
			n = snprintf(buf + o, cap - o,
				"\n# %s (%llu to %llu)\n%s = %llu\n",
				settings[i].help,
				(unsigned long long)settings[i].min,
				(unsigned long long)settings[i].max,
				settings[i].key,
				(unsigned long long)*(const uint64_t *)(
					const void *)field);
		if (n < 0 || (size_t)n >= cap - o)
			return -1;
		o += (size_t)n;
	}
	return (int)o;
}
