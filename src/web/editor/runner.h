/*
 * runner.h - the editor face's document runner: a small process of its
 * own, started before the face opens anything or locks itself in, that
 * runs `samizdat-doc release add` on a file an editor uploaded and
 * answers with its exit status and what it said.
 *
 * Why a process rather than an allowance: once locked in, the editor face
 * can execute nothing (no execve in its seccomp list, no execute right in
 * its Landlock rules).  The runner can execute samizdat-doc and nothing
 * else, can write the archive and nothing else, and takes only requests
 * that name a file in one of the face's upload folders, so a compromised
 * editor face cannot make it run anything but a document import.
 * Requests are answered one at a time: imports write the archive, which
 * takes one writer at a time anyway.
 *
 * Ownership: the runner struct belongs to the face; stop it once.
 */
#ifndef SZ_WEB_EDITOR_RUNNER_H
#define SZ_WEB_EDITOR_RUNNER_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/buf.h"
#include "core/child.h"
#include "core/err.h"

#define SZ_RUNNER_OUTPUT_MAX 4096    /* what samizdat-doc said, kept */
#define SZ_RUNNER_NAME_MAX 200       /* an uploaded file's name */
#define SZ_RUNNER_UPLOAD_PREFIX ".upload-"   /* + 6 characters (mkdtemp) */

struct sz_doc_runner {
	int fd;                      /* our end of the socket pair, or -1 */
	pid_t pid;
	pthread_mutex_t mu;          /* one request at a time */
};

/* Starts the runner for the instance in dir, whose archive must exist
 * (sz_archive_prepare): forks, and the child locks itself in.  Each
 * samizdat-doc it runs is under the limits l (core/child.h). */
int sz_doc_runner_start(struct sz_doc_runner *r, const char *dir,
	const struct sz_child_limits *l, struct sz_err *err);
/* Adds archive/UPLOAD/NAME to release (upload is the upload folder's
 * name, ".upload-XXXXXX"); appends what samizdat-doc said to out.
 * Returns its exit status, or -1 if it could not be run. */
int sz_doc_runner_add(struct sz_doc_runner *r, int64_t release,
	const char *upload, const char *name, struct sz_buf *out);
/* Ends the runner: closes its socket, and it exits. */
void sz_doc_runner_stop(struct sz_doc_runner *r);

#endif
