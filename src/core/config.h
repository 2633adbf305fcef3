/*
 * config.h - an instance's settings, read from one file: $SAMIZDAT_CONFIG
 * if set, else DIR/samizdat.conf, else (for an instance without one, as the
 * Debian package makes) the system-wide SZ_CONFIG_SYSTEM.
 *
 * The file is "key = value" lines with '#' comments.  Every setting has a
 * default, a unit in its name where it has one, and a range (for text, a
 * length, valid UTF-8 with no control characters): a value out of range,
 * an unknown key or a malformed line is an error that names the line, so
 * a typo never silently changes how the server behaves.
 */
#ifndef SZ_CORE_CONFIG_H
#define SZ_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define SZ_CONFIG_FILE "samizdat.conf"
#define SZ_CONFIG_ENV "SAMIZDAT_CONFIG"
/* The system-wide settings: SYSCONFDIR/samizdat/samizdat.conf, where
 * SYSCONFDIR is Meson's (/etc for a /usr prefix). */
#ifndef SZ_SYSCONFDIR
#define SZ_SYSCONFDIR "/etc"
#endif
#define SZ_CONFIG_SYSTEM SZ_SYSCONFDIR "/samizdat/" SZ_CONFIG_FILE
#define SZ_CONFIG_MAX_SIZE (64 * 1024)
/* staging_mb against the machine's physical memory: the default (0) is
 * a quarter of it, at most SZ_STAGING_AUTO_MAX_MB; a setting above half
 * of it is refused, since held submissions would then push the machine
 * into swap (a disk) or the OOM killer (losing them). */
#define SZ_STAGING_AUTO_DIVISOR 4
#define SZ_STAGING_AUTO_MAX_MB 4096
#define SZ_STAGING_MAX_DIVISOR 2
#define SZ_CONFIG_ADDR_SIZE 64
#define SZ_CONFIG_CHOICE_SIZE 16
#define SZ_CONFIG_USER_SIZE 33   /* a user name, as useradd allows */
/* The newsroom's own words (web/brand.h): its name, its introduction (in
 * any number of languages, "intro.ru = ..."), a logo, and the languages
 * the faces speak. */
#define SZ_CONFIG_NAME_SIZE 96
#define SZ_CONFIG_INTRO_SIZE 1024
#define SZ_CONFIG_INTROS_MAX 16
#define SZ_CONFIG_LANG_SIZE 16
#define SZ_CONFIG_PATH_SIZE 512
#define SZ_CONFIG_LIST_SIZE 256
#define SZ_CONFIG_URL_SIZE 256
#define SZ_CONFIG_DATABASE_SIZE 512 /* "sqlite" or a libpq conninfo */

struct sz_config {
	char listen_source[SZ_CONFIG_ADDR_SIZE];   /* host:port */
	char listen_editor[SZ_CONFIG_ADDR_SIZE];
	char listen_public[SZ_CONFIG_ADDR_SIZE];
	char user[SZ_CONFIG_USER_SIZE];  /* who serves when started as root;
	                                    "": the instance's owner */
	uint64_t max_file_mb;            /* per uploaded file */
	uint64_t max_submission_mb;      /* per request, all files */
	uint64_t max_message_kb;         /* the message text field */
	uint64_t max_files;              /* files per submission */
	uint64_t max_connections;
	uint64_t max_header_kb;          /* request line and headers */
	uint64_t idle_timeout_s;         /* a connection with no traffic */
	uint64_t header_timeout_s;       /* first byte to end of headers */
	uint64_t request_timeout_s;      /* one request, start to end */
	uint64_t retention_days;
	uint64_t session_idle_min;
	uint64_t max_sessions;
	uint64_t login_tokens_per_min;   /* login forms first used, per min */
	uint64_t login_attempts_per_token; /* codenames tried with one form */
	uint64_t source_mb_per_day;      /* what one source may send a day */
	uint64_t source_submissions_per_day;
	uint64_t inbox_mb_per_day;       /* all sources together */
	uint64_t min_free_disk_mb;       /* refuse submissions below this */
	uint64_t search_time_ms;         /* the most one search may take */
	uint64_t doc_memory_mb;          /* samizdat-doc: address space */
	uint64_t doc_cpu_s;              /* ...CPU seconds per document */
	uint64_t doc_timeout_s;          /* ...wall-clock seconds per document */
	uint64_t doc_file_mb;            /* ...largest file it writes */
	uint64_t doc_open_files;
	uint64_t argon2_memlimit_mb;     /* codename derivation cost */
	uint64_t argon2_opslimit;
	uint64_t time_resolution_min;    /* a period: what a seized disk can
	                                    tell of a submission's time */
	uint64_t staging_mb;             /* submissions held in memory until
	                                    their period ends; 0 in the file:
	                                    SZ_STAGING_AUTO_DIVISOR of the
	                                    machine's memory (sz_config_load
	                                    resolves it) */
	uint64_t desk_required;          /* 1: a source must choose a desk */
	char public_url[SZ_CONFIG_URL_SIZE];  /* "" when not set */
	char name[SZ_CONFIG_NAME_SIZE];  /* "" is samizdat's own */
	char intro[SZ_CONFIG_INTRO_SIZE];
	char logo[SZ_CONFIG_PATH_SIZE];  /* an absolute path, or "" */
	char languages[SZ_CONFIG_LIST_SIZE]; /* "" is all (core/i18n.h) */
	struct sz_config_intro {
		char lang[SZ_CONFIG_LANG_SIZE];  /* "ru", "zh_CN" */
		char text[SZ_CONFIG_INTRO_SIZE];
	} intros[SZ_CONFIG_INTROS_MAX];     /* intro.LANG */
	size_t nintros;
	/* the forum (docs/forum.md): keys "forum.NAME" */
	char forum_registration[SZ_CONFIG_CHOICE_SIZE];     /* open, approval or invite */
	uint64_t forum_registrations_per_hour;  /* everyone together */
	uint64_t forum_session_idle_min;
	uint64_t forum_edit_window_min;
	uint64_t forum_regular_member_posts;    /* titles by activity */
	uint64_t forum_senior_member_posts;
	uint64_t forum_approve_first_posts;     /* wait for a moderator */
	uint64_t forum_trust1_read_posts;       /* trust levels */
	uint64_t forum_trust2_read_posts;
	uint64_t forum_trust2_posts;
	uint64_t forum_trust2_likes;
	uint64_t forum_trust2_days;
	uint64_t forum_posts_per_day[3];        /* by trust level 0, 1, 2 */
	uint64_t forum_likes_per_day[3];
	uint64_t forum_reports_per_day[3];
	uint64_t forum_posts_per_minute;
	uint64_t forum_argon2_memlimit_mb;      /* members' passwords */
	uint64_t forum_argon2_opslimit;
	uint64_t mirror_expiry_days;     /* a signed export's validity */
	/* "sqlite" (the files in the instance's directory), or PostgreSQL:
	 * a postgresql:// URI or a libpq key=value conninfo */
	char database[SZ_CONFIG_DATABASE_SIZE];
	/* the inbox's: "sqlite" (inbox.db), or a conninfo that must name
	 * another role than database's (the public face reaches the forum's
	 * database, never the inbox's) */
	char inbox_database[SZ_CONFIG_DATABASE_SIZE];
	/* a file on tmpfs holding the key that seals sessions kept in
	 * PostgreSQL (http/session_key.h); "" keeps them in each process */
	char session_key_file[SZ_CONFIG_PATH_SIZE];
};

/* Fills c with the defaults. */
void sz_config_defaults(struct sz_config *c);

/* Parses text (len bytes) over the values already in c. */
int sz_config_parse(struct sz_config *c, const char *text, size_t len,
	struct sz_err *err);

/* The settings file of the instance in dir, into out (cap bytes):
 * $SAMIZDAT_CONFIG if set; else dir/samizdat.conf if it exists; else
 * SZ_CONFIG_SYSTEM if that exists; else dir/samizdat.conf.  Returns
 * whether the path came from $SAMIZDAT_CONFIG. */
bool sz_config_path(const char *dir, char *out, size_t cap);

/* The machine's physical memory in MiB (0 if it cannot be told). */
uint64_t sz_config_machine_mb(void);
/* staging_mb against machine_mb (0: unknown): 0 becomes the default, a
 * setting above SZ_STAGING_MAX_DIVISOR of it is refused, naming the key. */
int sz_config_staging(struct sz_config *c, uint64_t machine_mb,
	struct sz_err *err);
/* Reads the instance's settings file (sz_config_path) over the defaults,
 * then sz_config_staging with this machine's memory. */
int sz_config_load(struct sz_config *c, const char *dir, struct sz_err *err);

/* The introduction for language code (intro.CODE, else one for its
 * language alone, else intro); "" if there is none. */
const char *sz_config_intro(const struct sz_config *c, const char *code);

/* Writes c as a commented config file into buf (for `samizdat init`).
 * Returns the length, or -1 if cap is too small. */
/* Whether the database setting names PostgreSQL (anything but
 * "sqlite"); the conninfo is then c->database, as libpq takes it. */
bool sz_config_postgres(const struct sz_config *c);
/* The same for the inbox's database (inbox_database). */
bool sz_config_postgres_inbox(const struct sz_config *c);

int sz_config_format(const struct sz_config *c, char *buf, size_t cap);

#endif
