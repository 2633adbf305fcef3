/*
 * faces.h - the face table: each web face of samizdat is one row (its
 * name, the parts of the instance it opens, its listen address, its
 * routes and error page, its sandbox, and the chores it carries), and one
 * face runs in one process: it opens what its row lists, locks itself in
 * and serves (faces.c).  `samizdat serve` starts one process per row and
 * watches them (supervise.c); `samizdat sandbox-check` locks a process in
 * as a face would and tries what the face must not do (sandbox_check.c).
 *
 * What a face opens (DESIGN.md §1):
 *   source  the inbox, blobs and tmp, the instance's secrets
 *   editor  the inbox, blobs and tmp, the secrets, the archive read-write
 *           (and a document runner, started before anything is opened),
 *           the forum's database (staff moderate there)
 *   public  the archive, read-only, and the forum's database read-write
 *           (members post there); nothing of the inbox; besides, the
 *           country flags members may choose (read-only)
 */
#ifndef SZ_CLI_FACES_H
#define SZ_CLI_FACES_H

#include <stdbool.h>
#include <stddef.h>

#include "http/server.h"
#include "sandbox/sandbox.h"
#include "store/instance.h"
#include "web/brand.h"
#include "web/editor/editor.h"
#include "web/public/public.h"
#include "web/source/source.h"

/* Chores a face carries besides serving. */
enum {
	SZ_FACE_SWEEP = 1 << 0,      /* at start: incomplete uploads, stray blobs */
	SZ_FACE_RETENTION = 1 << 1,  /* hourly: submissions past retention_days */
	SZ_FACE_RUNNER = 1 << 2,     /* a document runner for uploads */
	SZ_FACE_SPEAKS = 1 << 3,     /* readers' languages and the newsroom's
	                                brand, read before the lock-in */
	SZ_FACE_PERIODS = 1 << 4,    /* holds submissions until their period
	                                ends (store/staging.h), on a test
	                                clock if one is set (core/clock.h) */
};

struct sz_face_run;

struct sz_face {
	const char *name;                   /* "source", "editor", "public" */
	const char *process;                /* its process name (ps, /proc) */
	unsigned opens;                     /* SZ_PART_... */
	size_t listen;                      /* offsetof(struct sz_config, ...) */
	int (*init)(struct sz_face_run *r, struct sz_err *err);
	void (*free)(struct sz_face_run *r);
	/* At the stop signal, before requests in flight are waited for
	 * (NULL: nothing to do). */
	void (*stopping)(struct sz_face_run *r);
	const struct sz_route *(*routes)(size_t *n);
	sz_error_page_fn error_page;
	enum sz_syscalls syscalls;          /* with the paths of `opens` */
	const char *reads;                  /* a folder outside the instance
	                                       it reads (or NULL) */
	unsigned chores;                    /* SZ_FACE_... */
};

/* One face in this process: what it opened, its state. */
struct sz_face_run {
	const struct sz_face *face;
	struct sz_instance in;
	union {
		struct sz_source_app source;
		struct sz_editor_app editor;
		struct sz_public_app pub;
	} app;
	struct sz_doc_runner runner;
	struct sz_brand brand;       /* SZ_FACE_SPEAKS; the app borrows it */
	/* session_key_file's key (sodium_malloc'd) and, on PostgreSQL, the
	 * store the face's sessions live in (http/session.h) */
	uint8_t *session_key;
	struct sz_session_store *session_store;
	struct sz_budget_store budget_store;   /* the source face's codename
	                                          attempts, the forum's
	                                          budgets, in that store */
	bool in_open, runner_started, app_ready, speaks;
};

/* The table, and a row by name (NULL if none). */
const struct sz_face *sz_faces(size_t *n);
const struct sz_face *sz_face_find(const char *name);
/* The face's listen address in cfg. */
const char *sz_face_listen(const struct sz_face *face,
	const struct sz_config *cfg);

/* Readies this process to be the face: gives up root, no core dumps,
 * its process name, its runner, the parts it opens, its start-up sweep,
 * its languages and brand, the lock-in, then what it only reads, and its
 * state.  After it, the process reaches only what the face needs.  Not serving (sandbox-check), it starts no runner and
 * does no chore: a check must not sweep a live instance's uploads. */
int sz_face_open(struct sz_face_run *r, const struct sz_face *face,
	const char *dir, bool serving, struct sz_err *err);
void sz_face_close(struct sz_face_run *r);

/* Runs the face on listen_fd (owned) until SIGTERM, SIGINT or SIGHUP,
 * then lets requests in flight finish (a second signal stops at once).
 * Once serving it says "NAME face: http://HOST:PORT/" on stdout, or on
 * ready_fd if that is not -1 (the supervisor).  Returns an exit status. */
int sz_face_serve(const struct sz_face *face, const char *dir,
	int listen_fd, const char *listen_addr, int ready_fd);

#endif
