/*
 * publish.h - putting files and e-mail collections into the archive
 * through the document pipeline (publish.c).
 */
#ifndef SZ_CLI_PUBLISH_H
#define SZ_CLI_PUBLISH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/archive.h"

struct publish_stats {
	int64_t messages, added, attachments, skipped;
	int64_t dkim_pass, dkim_fail, dkim_unknown;
};

/* Scrubs, stores, extracts, summarises and indexes the file at fd as a
 * document of release (parent: the e-mail it came attached to, or 0).
 * *added is false when the release held that file already. */
int publish_file(struct sz_archive *a, int64_t release, int fd,
	const char *name, int64_t parent, int64_t *id, bool *added,
	struct sz_err *err);

/* Imports an mbox, Maildir or single message as a collection named after
 * it; repeated messages are skipped.  progress (may be NULL) is called
 * every 1000 messages. */
struct sz_dkim_keys;
/* keys (may be NULL) are the DKIM signing keys to check signatures with;
 * keys_sha256 names their archived copy, shown with each result. */
int publish_mail(struct sz_archive *a, int64_t release, const char *path,
	const struct sz_dkim_keys *keys, const char *keys_sha256,
	struct publish_stats *stats,
	void (*progress)(const struct publish_stats *s), struct sz_err *err);

#endif
