/*
 * publish.h - putting files and e-mail collections into the archive
 * through the document pipeline (publish.c, publish_mail.c).
 */
#ifndef SZ_CLI_PUBLISH_H
#define SZ_CLI_PUBLISH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "docs/doc.h"
#include "store/archive.h"

struct publish_stats {
	int64_t messages, added, attachments, skipped;
	int64_t unreadable;     /* mailbox files with no e-mail in them */
	int64_t dkim_pass, dkim_fail, dkim_unknown;
	int64_t pgp_pass, pgp_fail, pgp_unknown;
	int64_t flagged;        /* signed parts carry identifying data */
	int64_t scrubbed;       /* raw form published with attachments scrubbed */
	int64_t withheld;       /* raw form not published */
};

/* Scrubs, stores, extracts, summarises and indexes the file at fd as a
 * document of release (parent: the e-mail it came attached to, or 0).
 * *added is false when the release held that file already.  found (may
 * be NULL) receives what scrubbing found in it. */
int publish_file(struct sz_archive *a, int64_t release, int fd,
	const char *name, int64_t parent, int64_t *id, bool *added,
	struct sz_doc_report *found, struct sz_err *err);

/* A temporary file in the archive's tree (same file system as the store,
 * so nothing of it lands elsewhere): its path in path; -1 with err set. */
int publish_temp_fd(struct sz_archive *a, char *path, size_t cap,
	struct sz_err *err);

struct sz_dkim_keys;
struct sz_pgp;
struct publish_mail_options {
	const struct sz_dkim_keys *dkim;   /* may be NULL */
	const char *dkim_sha256;           /* the archived keys file */
	struct sz_pgp *pgp;                /* may be NULL */
	const char *pgp_sha256;
	/* what a flagged e-mail publishes until an editor chooses
	 * (SZ_RAW_WITHHELD unless the editor said otherwise) */
	enum sz_raw_form flagged_form;
	bool flagged_chosen;
};

/* Imports an mbox, Maildir or single message as a collection named after
 * it; repeated messages are skipped.  progress (may be NULL) is called
 * every 1000 messages. */
int publish_mail(struct sz_archive *a, int64_t release, const char *path,
	const struct publish_mail_options *o, struct publish_stats *stats,
	void (*progress)(const struct publish_stats *s), struct sz_err *err);

#endif
