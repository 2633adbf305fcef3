/*
 * config.c - the config file: a table of settings, each with its range,
 * and which file an instance reads them from.
 */
#include "core/config.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/io.h"
#include "core/langtag.h"
#include "core/utf8.h"

/* ADDR: HOST:PORT; NUM: a whole number in [min, max]; TEXT: one line of
 * UTF-8, shorter than max bytes; PATH: an absolute path; USER: a user
 * name, or nothing; LANGS: language
 * codes.  For the last three, text is an example the template shows
 * (commented out) while the value is empty.  URL: an http(s) address.
 * CHOICE: one of the words in choices ("a|b|c"), text its default.
 * DATABASE: "sqlite", a postgresql:// (or postgres://) URI or a libpq
 * key=value conninfo; libpq itself checks the rest when it connects. */
enum kind { ADDR, NUM, USER, TEXT, PATH, LANGS, URL, CHOICE, DATABASE };

struct setting {
	const char *key;
	enum kind kind;
	size_t offset;
	uint64_t min, max, def;
	const char *text;
	const char *help;
	const char *choices;          /* CHOICE: "a|b|c" */
	uint64_t divides;             /* if not 0, a value must divide this */
};

#define NUMBER(k, lo, hi, d, h) \
	{ #k, NUM, offsetof(struct sz_config, k), lo, hi, d, NULL, h, NULL, 0 }
#define DIVISOR(k, lo, hi, d, of, h) \
	{ #k, NUM, offsetof(struct sz_config, k), lo, hi, d, NULL, h, NULL, of }
#define ADDRESS(k, d, h) \
	{ #k, ADDR, offsetof(struct sz_config, k), 0, 0, 0, d, h, NULL, 0 }
#define USERNAME(k, d, h) \
	{ #k, USER, offsetof(struct sz_config, k), 0, 0, 0, d, h, NULL, 0 }
#define WORDS(kind, k, example, h) \
	{ #k, kind, offsetof(struct sz_config, k), 0, \
	  sizeof(((struct sz_config *)0)->k), 0, example, h, NULL, 0 }
/* The forum's settings are "forum.NAME" (field forum_NAME). */
#define FORUM_NUMBER(k, lo, hi, d, h) FORUM_AT(#k, k, lo, hi, d, h)
#define FORUM_AT(key, f, lo, hi, d, h) \
	{ "forum." key, NUM, offsetof(struct sz_config, forum_##f), lo, hi, d, \
	  NULL, h, NULL, 0 }
#define FORUM_CHOICE(k, c, d, h) \
	{ "forum." #k, CHOICE, offsetof(struct sz_config, forum_##k), 0, 0, 0, \
	  d, h, c, 0 }

static const struct setting settings[] = {
	ADDRESS(listen_source, "127.0.0.1:8080",
		"the source face; put a Tor onion service in front of it"),
	ADDRESS(listen_editor, "127.0.0.1:8081",
		"the editor face; an onion service with client authorization"),
	ADDRESS(listen_public, "127.0.0.1:8082", "the public archive"),
	USERNAME(user, "", "started as root, the faces run as this user "
		"(empty: the owner of this directory)"),
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
		"together (each allows login_attempts_per_token codenames); the "
		"forum's login forms, likewise, on the public face"),
	NUMBER(login_attempts_per_token, 1, 100, 5,
		"codenames (or forum passwords) that may be tried with one login "
		"form"),
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
	NUMBER(desk_required, 0, 1, 0,
		"1: when there are desks (samizdat desk), a source must choose "
		"one; 0: a source may choose none, and every editor reads it"),
	WORDS(TEXT, name, "The Daily Example",
		"the newsroom's name, at the top of the source and public faces "
		"(empty: samizdat)"),
	WORDS(TEXT, intro, "We are a newsroom of twelve journalists. We read "
		"everything you send, and we protect our sources.",
		"a short introduction on the source face's start page and the "
		"archive's home page; intro.LL = the same in language LL "
		"(intro.ru, intro.ar, intro.zh_CN)"),
	WORDS(PATH, logo, "/etc/samizdat/logo.png",
		"a PNG or SVG logo, scrubbed of its metadata when a face starts "
		"and shown beside the name (at most 256 KiB)"),
	WORDS(LANGS, languages, "en ar ru zh_CN",
		"the languages of the source and public faces, the first for "
		"readers whose browser asks for none of them (empty: English, "
		"then every language installed)"),
	WORDS(URL, public_url, "http://youraddress.onion",
		"the public archive's address as readers reach it (no / at the "
		"end): feeds link to it and take their ids from it; empty: feeds "
		"link relative to themselves"),
	/* the forum (docs/forum.md) */
	FORUM_CHOICE(registration, "open|approval|invite", "open",
		"who may join: anyone, anyone once a moderator approves, or "
		"holders of an invitation (samizdat forum invite)"),
	FORUM_NUMBER(registrations_per_hour, 1, 100000, 30,
		"new accounts an hour, for everyone together"),
	FORUM_NUMBER(session_idle_min, 1, 43200, 720,
		"a member is logged out after this much inactivity"),
	FORUM_NUMBER(edit_window_min, 0, 5256000, 60,
		"how long after posting a member may still edit a post"),
	FORUM_NUMBER(regular_member_posts, 1, 1000000, 30,
		"posts that make a Regular Member"),
	FORUM_NUMBER(senior_member_posts, 1, 1000000, 300,
		"posts that make a Senior Member"),
	FORUM_NUMBER(approve_first_posts, 0, 1000, 2,
		"a new member's first posts wait for a moderator's approval"),
	FORUM_NUMBER(trust1_read_posts, 0, 1000000, 30,
		"posts read before a member may post links and images"),
	FORUM_NUMBER(trust2_read_posts, 0, 1000000, 100,
		"posts read for the highest trust level"),
	FORUM_NUMBER(trust2_posts, 0, 1000000, 10,
		"posts published for the highest trust level"),
	FORUM_NUMBER(trust2_likes, 0, 1000000, 5,
		"likes received for the highest trust level"),
	FORUM_NUMBER(trust2_days, 0, 36500, 7,
		"days since joining for the highest trust level"),
	FORUM_AT("posts_per_day_new", posts_per_day[0], 1, 1000000, 5,
		"posts a day for a new member (trust level 0)"),
	FORUM_AT("posts_per_day_basic", posts_per_day[1], 1, 1000000, 30,
		"posts a day at trust level 1"),
	FORUM_AT("posts_per_day_member", posts_per_day[2], 1, 1000000, 200,
		"posts a day at trust level 2"),
	FORUM_AT("likes_per_day_new", likes_per_day[0], 1, 1000000, 10,
		"likes a day for a new member"),
	FORUM_AT("likes_per_day_basic", likes_per_day[1], 1, 1000000, 50,
		"likes a day at trust level 1"),
	FORUM_AT("likes_per_day_member", likes_per_day[2], 1, 1000000, 300,
		"likes a day at trust level 2"),
	FORUM_AT("reports_per_day_new", reports_per_day[0], 1, 1000000, 3,
		"reports a day for a new member"),
	FORUM_AT("reports_per_day_basic", reports_per_day[1], 1, 1000000, 10,
		"reports a day at trust level 1"),
	FORUM_AT("reports_per_day_member", reports_per_day[2], 1, 1000000, 30,
		"reports a day at trust level 2"),
	FORUM_NUMBER(posts_per_minute, 1, 1000, 3,
		"posts a minute, for any member"),
	FORUM_NUMBER(argon2_memlimit_mb, 8, 4096, 32,
		"memory for checking a member's password"),
	FORUM_NUMBER(argon2_opslimit, 1, 100, 3,
		"passes for checking a member's password"),
	NUMBER(mirror_expiry_days, 1, 400, 30,   /* SZ_MANIFEST_EXPIRY_DAYS_MAX */
		"a mirror export's signature is valid this long"),
	{ "database", DATABASE, offsetof(struct sz_config, database), 0,
	  SZ_CONFIG_DATABASE_SIZE, 0, "sqlite", "sqlite (the files in this "
	  "directory), or PostgreSQL for several processes per face: a "
	  "postgresql://... URI or a libpq conninfo such as \"host=/run/"
	  "postgresql dbname=samizdat\" (docs/operations.md)", NULL, 0 },
	{ "inbox_database", DATABASE, offsetof(struct sz_config, inbox_database),
	  0, SZ_CONFIG_DATABASE_SIZE, 0, "sqlite", "the inbox's: sqlite "
	  "(inbox.db in this directory), or a PostgreSQL conninfo for a "
	  "database and role of its own, which the public face never reaches "
	  "(docs/operations.md)", NULL, 0 },
	WORDS(PATH, session_key_file, "/run/samizdat/session.key",
		"with PostgreSQL, a file on tmpfs (32 random bytes, mode 600) "
		"that every process of the deployment reads: sessions then live "
		"in the database, sealed under it, and any process of a face "
		"serves any request (docs/operations.md); empty: each process "
		"keeps its own sessions (a load balancer must be sticky)"),
	DIVISOR(time_resolution_min, 1, 1440, 60, 1440,
		"submissions are stored together at the end of each period of "
		"this many minutes, dated only by its start; a divisor of 1440"),
	NUMBER(staging_mb, 0, 1048576, 0,
		"memory for submissions waiting for the end of their period; "
		"when it is full, sources are asked to come back later; 0: a "
		"quarter of the machine's memory, at most 4096; at most half of "
		"it"),
};

#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

void sz_config_defaults(struct sz_config *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < NSETTINGS; i++) {
		char *field = (char *)c + settings[i].offset;
		if (settings[i].kind == ADDR)
			snprintf(field, SZ_CONFIG_ADDR_SIZE, "%s",
				settings[i].text);
		else if (settings[i].kind == USER)
			snprintf(field, SZ_CONFIG_USER_SIZE, "%s",
				settings[i].text);
		else if (settings[i].kind == CHOICE)
			snprintf(field, SZ_CONFIG_CHOICE_SIZE, "%s",
				settings[i].text);
		else if (settings[i].kind == DATABASE)
			snprintf(field, SZ_CONFIG_DATABASE_SIZE, "%s",
				settings[i].text);
		else if (settings[i].kind == NUM)
			*(uint64_t *)(void *)field = settings[i].def;
	}
}

/* HOST:PORT; port 0 means any free port (tests start every face on
 * one). */
static bool valid_addr(const char *s)
{
	const char *colon = strrchr(s, ':');
	if (colon == NULL || colon == s || colon[1] == '\0')
		return false;
	for (const char *p = colon + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	long port = strtol(colon + 1, NULL, 10);
	return port >= 0 && port < 65536 && strlen(colon + 1) <= 5;
}

/* Empty, or a name as useradd takes it: a letter or _, then letters,
 * digits, _ and -. */
static bool valid_user(const char *s)
{
	if (strlen(s) >= SZ_CONFIG_USER_SIZE)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '_' ||
		      (p > s && ((*p >= '0' && *p <= '9') || *p == '-'))))
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

/* One line of text: valid UTF-8 without control characters. */
static bool valid_text(const char *s)
{
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return sz_utf8_valid(s, strlen(s));
}

static bool valid_langs(const char *s)
{
	for (const char *p = s; *p;) {
		size_t n = strcspn(p, " ,\t");
		if (n > 0 && !sz_langtag_is_code(p, n))
			return false;
		p += n + (p[n] != '\0');
	}
	return true;
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
	    s[n - 1] == '/')
		return false;
	for (const char *p = s; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("\"'<>\\`{}|^#?", *p))
			return false;
	return true;
}

/* "sqlite", a URI of libpq's schemes, or key=value pairs. */
static bool valid_database(const char *s)
{
	return strcmp(s, "sqlite") == 0 ||
		strncmp(s, "postgresql://", 13) == 0 ||
		strncmp(s, "postgres://", 11) == 0 ||
		(strchr(s, '=') != NULL && s[0] != '=');
}

bool sz_config_postgres(const struct sz_config *c)
{
	return strcmp(c->database, "sqlite") != 0;
}

bool sz_config_postgres_inbox(const struct sz_config *c)
{
	return strcmp(c->inbox_database, "sqlite") != 0;
}

static int set_words(char *field, size_t cap, const char *key,
	enum kind kind, const char *val, size_t lineno, struct sz_err *err)
{
	if (strlen(val) >= cap)
		return sz_err_set(err, SZ_E_INVAL, "line %zu: %s is longer than "
			"%zu bytes", lineno, key, cap - 1);
	if (!valid_text(val))
		return sz_err_set(err, SZ_E_INVAL, "line %zu: %s must be one "
			"line of UTF-8 text", lineno, key);
	if (kind == PATH && val[0] != '\0' && val[0] != '/')
		return sz_err_set(err, SZ_E_INVAL, "line %zu: %s must be an "
			"absolute path", lineno, key);
	if (kind == URL && !valid_url(val))
		return sz_err_set(err, SZ_E_INVAL, "line %zu: %s must be "
			"http://HOST or https://HOST (a path may follow; no / at the "
			"end)", lineno, key);
	if (kind == LANGS && !valid_langs(val))
		return sz_err_set(err, SZ_E_INVAL, "line %zu: %s must be "
			"language codes (en, ru, zh_CN) separated by spaces",
			lineno, key);
	snprintf(field, cap, "%s", val);
	return SZ_OK;
}

/* intro.LL = text */
static int set_intro(struct sz_config *c, const char *key, const char *val,
	size_t lineno, struct sz_err *err)
{
	const char *code = key + 6;
	size_t i;
	if (!sz_langtag_is_code(code, strlen(code)))
		return sz_err_set(err, SZ_E_INVAL, "line %zu: \"%.64s\" names "
			"no language (intro.ru, intro.zh_CN)", lineno, key);
	for (i = 0; i < c->nintros; i++)
		if (strcmp(c->intros[i].lang, code) == 0)
			break;
	if (i == SZ_CONFIG_INTROS_MAX)
		return sz_err_set(err, SZ_E_LIMIT, "line %zu: more than %d "
			"introductions", lineno, SZ_CONFIG_INTROS_MAX);
	int rc = set_words(c->intros[i].text, sizeof(c->intros[i].text), key,
		TEXT, val, lineno, err);
	if (rc == SZ_OK && i == c->nintros) {
		snprintf(c->intros[i].lang, sizeof(c->intros[i].lang), "%s",
			code);
		c->nintros++;
	}
	return rc;
}

static int set_value(struct sz_config *c, const struct setting *st,
	const char *val, size_t lineno, struct sz_err *err)
{
	char *field = (char *)c + st->offset;
	if (st->kind == CHOICE) {
		size_t n = strlen(val);
		for (const char *p = st->choices; n > 0 && p != NULL;
		     p = strchr(p, '|') ? strchr(p, '|') + 1 : NULL) {
			const char *end = strchr(p, '|');
			size_t len = end ? (size_t)(end - p) : strlen(p);
			if (len == n && memcmp(p, val, n) == 0) {
				snprintf(field, SZ_CONFIG_CHOICE_SIZE, "%s", val);
				return SZ_OK;
			}
		}
		return sz_err_set(err, SZ_E_INVAL, "line %zu: %s must be one "
			"of %s", lineno, st->key, st->choices);
	}
	if (st->kind == USER) {
		if (!valid_user(val))
			return sz_err_set(err, SZ_E_INVAL, "line %zu: %s must be a "
				"user name (lower-case letters, digits, _ and -), or "
				"nothing", lineno, st->key);
		snprintf(field, SZ_CONFIG_USER_SIZE, "%s", val);
		return SZ_OK;
	}
	if (st->kind == TEXT || st->kind == PATH || st->kind == LANGS ||
	    st->kind == URL)
		return set_words(field, st->max, st->key, st->kind, val,
			lineno, err);
	if (st->kind == DATABASE) {
		if (strlen(val) >= st->max || !valid_text(val) ||
		    !valid_database(val))
			return sz_err_set(err, SZ_E_INVAL, "line %zu: %s must be "
				"sqlite, a postgresql://... URI or a libpq conninfo "
				"(host=... dbname=...), shorter than %llu bytes",
				lineno, st->key, (unsigned long long)st->max);
		snprintf(field, (size_t)st->max, "%s", val);
		return SZ_OK;
	}
	if (st->kind == ADDR) {
		if (strlen(val) >= SZ_CONFIG_ADDR_SIZE || !valid_addr(val))
			return sz_err_set(err, SZ_E_INVAL,
				"line %zu: %s must be HOST:PORT", lineno,
				st->key);
		snprintf(field, SZ_CONFIG_ADDR_SIZE, "%s", val);
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
	if (st->divides != 0 && st->divides % v != 0)
		return sz_err_set(err, SZ_E_INVAL,
			"line %zu: %s must divide %llu (a day, for periods "
			"that start at midnight)", lineno, st->key,
			(unsigned long long)st->divides);
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
	char line[SZ_CONFIG_INTRO_SIZE + 128];
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
		if (strncmp(key, "intro.", 6) == 0) {
			int rc = set_intro(c, key, val, lineno, err);
			if (rc != SZ_OK)
				return rc;
			continue;
		}
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
	/* One conninfo for both would give the public face, which holds the
	 * forum's, the inbox too. */
	if (sz_config_postgres_inbox(c) &&
	    strcmp(c->inbox_database, c->database) == 0)
		return sz_err_set(err, SZ_E_INVAL, "inbox_database names the "
			"forum's database (database): the public face would reach "
			"the inbox; give the inbox a database and role of its own");
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

uint64_t sz_config_machine_mb(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
	if (pages <= 0 || size <= 0)
		return 0;   /* unknown: nothing to compare with */
	return (uint64_t)pages * (uint64_t)size >> 20;
}

int sz_config_staging(struct sz_config *c, uint64_t machine_mb,
	struct sz_err *err)
{
	if (c->staging_mb == 0) {
		uint64_t mb = machine_mb ? machine_mb / SZ_STAGING_AUTO_DIVISOR :
			SZ_STAGING_AUTO_MAX_MB;
		c->staging_mb = mb < 16 ? 16 : mb > SZ_STAGING_AUTO_MAX_MB ?
			SZ_STAGING_AUTO_MAX_MB : mb;
		return SZ_OK;
	}
	if (machine_mb != 0 && c->staging_mb > machine_mb / SZ_STAGING_MAX_DIVISOR)
		return sz_err_set(err, SZ_E_INVAL, "staging_mb = %llu is more "
			"than half of this machine's memory (%llu MiB): submissions "
			"held that long would push it into swap or the OOM killer; set "
			"staging_mb to %llu or less, or to 0 for a quarter of the "
			"memory", (unsigned long long)c->staging_mb,
			(unsigned long long)machine_mb,
			(unsigned long long)(machine_mb / SZ_STAGING_MAX_DIVISOR));
	return SZ_OK;
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
	if (rc == SZ_OK)
		rc = sz_config_staging(c, sz_config_machine_mb(), err);
	if (rc != SZ_OK && err != NULL && (strncmp(err->msg, "line", 4) == 0 ||
	    strncmp(err->msg, "staging_mb", 10) == 0)) {
		char msg[SZ_ERR_MSG_SIZE];
		snprintf(msg, sizeof(msg), "%s", err->msg);
		sz_err_set(err, rc, "%s %s", path, msg);
	}
	free(text);
	return rc;
}

const char *sz_config_intro(const struct sz_config *c, const char *code)
{
	size_t lang = strcspn(code, "_");
	const char *alone = NULL;
	for (size_t i = 0; i < c->nintros; i++) {
		if (strcmp(c->intros[i].lang, code) == 0)
			return c->intros[i].text;
		if (strlen(c->intros[i].lang) == lang &&
		    strncmp(c->intros[i].lang, code, lang) == 0)
			alone = c->intros[i].text;
	}
	return alone ? alone : c->intro;
}

/* Appends printf-style text at *o; false if it does not fit. */
static bool emit(char *buf, size_t cap, size_t *o, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool emit(char *buf, size_t cap, size_t *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf + *o, cap - *o, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *o)
		return false;
	*o += (size_t)n;
	return true;
}

int sz_config_format(const struct sz_config *c, char *buf, size_t cap)
{
	size_t o = 0;
	if (!emit(buf, cap, &o, "# samizdat instance settings.  Each line "
		    "is \"key = value\"; see docs/operations.md.\n"))
		return -1;
	for (size_t i = 0; i < NSETTINGS; i++) {
		const struct setting *st = &settings[i];
		const char *field = (const char *)c + st->offset;
		bool ok;
		if (st->kind == NUM)
			ok = emit(buf, cap, &o, "\n# %s (%llu to %llu)\n%s = "
				"%llu\n", st->help, (unsigned long long)st->min,
				(unsigned long long)st->max, st->key,
				(unsigned long long)*(const uint64_t *)(
					const void *)field);
		else if (st->kind == CHOICE)
			ok = emit(buf, cap, &o, "\n# %s (%s)\n%s = %s\n", st->help,
				st->choices, st->key, field);
		else if (st->kind == ADDR || st->kind == USER ||
		    st->kind == DATABASE ||
		    field[0] != '\0')
			ok = emit(buf, cap, &o, "\n# %s\n%s = %s\n", st->help,
				st->key, field);
		else
			ok = emit(buf, cap, &o, "\n# %s\n# %s = %s\n", st->help,
				st->key, st->text);
		if (!ok)
			return -1;
		if (strcmp(st->key, "intro") != 0)
			continue;
		for (size_t k = 0; k < c->nintros; k++)
			if (!emit(buf, cap, &o, "intro.%s = %s\n",
				    c->intros[k].lang, c->intros[k].text))
				return -1;
	}
	return (int)o;
}
