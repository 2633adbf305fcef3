/*
 * editor.h - the editor face: where the newsroom's editors log in with a
 * password and a TOTP code, see the inbox (sources by designation, their
 * items by day and padded size) and download items as .age files to
 * decrypt on their own machines.  It reads the inbox (ciphertext only) and
 * writes the audit log.  Every route is listed in routes.c.
 */
#ifndef SZ_WEB_EDITOR_H
#define SZ_WEB_EDITOR_H

#include <semaphore.h>

#include "http/server.h"
#include "http/session.h"
#include "store/instance.h"
#include "web/archive/pages.h"
#include "web/forum/forum.h"
#include "web/editor/runner.h"

#define SZ_EDITOR_SITE "samizdat · editors"
#define SZ_EDITOR_COOKIE "sz_editor"
#define SZ_EDITOR_PRE_COOKIE "sz_editor_pre"
#define SZ_EDITOR_MAX_FAILURES 5
#define SZ_EDITOR_ARGON2_SLOTS 2   /* Argon2id runs at once (64 MiB each) */
/* What `samizdat editor add` hashes passwords with, and what an unknown
 * name is checked against: the same cost, so timing says nothing. */
#define SZ_EDITOR_PWHASH_OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define SZ_EDITOR_PWHASH_MEM crypto_pwhash_MEMLIMIT_INTERACTIVE

struct sz_editor_app {
	struct sz_instance *in;         /* inbox, blobs, archive (read-write) */
	struct sz_site preview;         /* the archive, drafts visible */
	struct sz_forum_site forum;     /* the forum, for moderation */
	struct sz_doc_runner *runner;   /* imports uploads (runner.h) */
	struct sz_sessions sessions;
	char dummy_hash[SZ_STORE_HASH_MAX + 1];  /* for unknown names */
	sem_t argon2_slots;
};

/* The face's state over an instance opened with its archive; runner runs
 * samizdat-doc for uploads (started before the instance was opened). */
int sz_editor_app_init(struct sz_editor_app *app, struct sz_instance *in,
	struct sz_doc_runner *runner, struct sz_err *err);
void sz_editor_app_free(struct sz_editor_app *app);
const struct sz_route *sz_editor_routes(size_t *n);
void sz_editor_error_page(struct sz_request *rq, unsigned status,
	const char *message);

/* The logged-in editor's session, or false (and a redirect to the login
 * page is set up). */
bool sz_editor_require(struct sz_request *rq, struct sz_session *s);

int sz_editor_login_page(struct sz_request *rq);
int sz_editor_login(struct sz_request *rq);
int sz_editor_logout(struct sz_request *rq);
int sz_editor_inbox(struct sz_request *rq);
int sz_editor_source(struct sz_request *rq);
int sz_editor_download(struct sz_request *rq);
int sz_editor_reply(struct sz_request *rq);
int sz_editor_star(struct sz_request *rq);
int sz_editor_seen(struct sz_request *rq);
int sz_editor_delete(struct sz_request *rq);
int sz_editor_archive(struct sz_request *rq);

/* Sources on a page of the inbox: small enough for a slow onion service
 * (a page stays well under 64 KiB), enough to scan by eye. */
#define SZ_EDITOR_INBOX_PAGE 50
#define SZ_EDITOR_DESIGNATION_MAX 48

/* A source that has sent something, by id (source_get, indexed);
 * SZ_E_NOT_FOUND for one that does not exist or has nothing left. */
int sz_editor_source_listed(struct sz_store *st, int64_t id,
	struct sz_source_row *row, struct sz_err *err);
/* Source id, if the editor of session s may read it (its desk is one of
 * the editor's, or it wrote to no desk: store.h): SZ_OK with its row.
 * Otherwise the request fails, 404 for no such source and 403 for
 * another desk's, and the result is not SZ_OK. */
int sz_editor_source_open(struct sz_request *rq, const struct sz_session *s,
	int64_t id, struct sz_source_row *row);
/* A source's designation for a page or the audit log ("source N" if it
 * is gone). */
void sz_editor_designation_of(struct sz_store *st, int64_t id, char *out,
	size_t cap);

/* The page header with the editor's name and the face's links. */
void sz_editor_header(struct sz_request *rq, const struct sz_session *s,
	const char *title);

/* Releases of the public archive (releases.c, upload.c, preview.c). */
int sz_editor_releases(struct sz_request *rq);
int sz_editor_release(struct sz_request *rq);
int sz_editor_release_create(struct sz_request *rq);
int sz_editor_release_state(struct sz_request *rq);
int sz_editor_release_summary(struct sz_request *rq);
int sz_editor_release_edit(struct sz_request *rq);
int sz_editor_release_remove(struct sz_request *rq);
/* GET /release/remove?id=N&release=R: what would go, and the button
 * (release_emails.c). */
int sz_editor_release_remove_ask(struct sz_request *rq);
/* The e-mails of release on its editing page, ?emails=N a page of them,
 * each with a link to remove it (release_emails.c). */
void sz_editor_release_emails(struct sz_request *rq, struct sz_archive *a,
	int64_t release);
int sz_editor_release_raw(struct sz_request *rq);
int sz_editor_upload(struct sz_request *rq);
int sz_editor_upload_begin(struct sz_request *rq);
int sz_editor_upload_data(struct sz_request *rq, const uint8_t *data,
	size_t len);
void sz_editor_upload_cleanup(struct sz_request *rq);
/* The archive's pages with drafts, under /preview (the route's variant
 * says which page), and their files. */
int sz_editor_preview(struct sz_request *rq);
int sz_editor_preview_file(struct sz_request *rq);

/* The forum, for staff (forum.c): editors moderate as the forum's
 * administrators do, on the same pages.  sz_editor_forum_init sets it up
 * on the instance's forum (app->in->forum, not owned). */
void sz_editor_forum_init(struct sz_editor_app *app);
int sz_editor_forum(struct sz_request *rq);
int sz_editor_forum_post_link(struct sz_request *rq);
int sz_editor_forum_mod(struct sz_request *rq);

#endif
