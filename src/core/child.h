/*
 * child.h - running samizdat-doc (or any helper that parses hostile
 * input) under limits: an address-space limit (RLIMIT_AS), a CPU-time
 * limit per document (RLIMIT_CPU), a largest file it may write
 * (RLIMIT_FSIZE) and a number of open files (RLIMIT_NOFILE), all set in
 * the child before it starts; and a wall-clock limit the parent enforces,
 * killing the child when one document has taken longer than that.
 *
 * "Per document": a child working through many files (an mbox of a
 * million e-mails) tells its parent it finished one by calling
 * sz_child_progress(), which starts the clock and the CPU allowance over.
 * So a bomb is stopped within the limits of one document, and a long
 * honest import is not.
 *
 * Under AddressSanitizer RLIMIT_AS cannot be used (ASan reserves
 * terabytes of address space for its shadow memory): that build sets the
 * other limits only, and relies on the explicit caps of the parsers.
 * The normal build always sets all of them.
 */
#ifndef SZ_CORE_CHILD_H
#define SZ_CORE_CHILD_H

#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"

/* The environment variable naming the descriptor progress goes to. */
#define SZ_CHILD_PROGRESS_ENV "SAMIZDAT_PROGRESS_FD"
/* What a child's status says when the parent killed it. */
#define SZ_CHILD_TIMED_OUT 124

struct sz_child_limits {
	uint64_t memory_mb;     /* address space; 0: none */
	uint64_t cpu_s;         /* CPU seconds per document; 0: none */
	uint64_t file_mb;       /* largest file written; 0: none */
	uint64_t open_files;    /* 0: unchanged */
	uint64_t wall_s;        /* seconds per document; 0: none */
};

/* The limits an instance's settings give (doc_*). */
void sz_child_limits_of(const struct sz_config *c, struct sz_child_limits *l);

/* Runs argv[0] (a path) with argv, under the limits, and waits for it.
 * Its standard output and error are captured into out (bounded by out's
 * max; the rest is read and dropped) if out is not NULL, else shared
 * with ours.  *status is its exit status (0 to 255), or
 * SZ_CHILD_TIMED_OUT if the wall-clock limit killed it, or 128 + the
 * signal that ended it.  *why (may be NULL) says, when it did not exit
 * by itself, which limit stopped it. */
int sz_child_run(char *const argv[], const struct sz_child_limits *l,
	struct sz_buf *out, int *status, const char **why, struct sz_err *err);

/* In the child: one document is done (a no-op unless run by
 * sz_child_run). */
void sz_child_progress(void);

#endif
