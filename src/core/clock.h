/*
 * clock.h - the wall clock that decides which period (time_resolution_min)
 * a submission belongs to, and when a period ends.
 *
 * Normally the system's UTC clock.  For tests, a file can stand in for
 * it (serve reads $SAMIZDAT_TEST_CLOCK): it holds the time as seconds
 * since 1970, rewritten by the test; after each pass over the periods the
 * committer writes the time it acted on to the same path with ".done"
 * appended, so a test knows when a period's submissions are stored
 * without waiting an hour.  Both files are opened once, at start-up.
 */
#ifndef SZ_CORE_CLOCK_H
#define SZ_CORE_CLOCK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "core/err.h"

/* The environment variable naming a test clock's file. */
#define SZ_CLOCK_TEST_ENV "SAMIZDAT_TEST_CLOCK"
/* What is appended to its path for the file saying what was done. */
#define SZ_CLOCK_DONE_SUFFIX ".done"

struct sz_clock {
	int fd;          /* the test clock's file, or -1 */
	int done_fd;     /* its ".done" file, or -1 */
	atomic_llong last;  /* the last time read from the file */
};

/* The system clock. */
void sz_clock_system(struct sz_clock *c);
/* The test clock in the file at path. */
int sz_clock_open_test(struct sz_clock *c, const char *path,
	struct sz_err *err);
void sz_clock_close(struct sz_clock *c);

bool sz_clock_is_test(const struct sz_clock *c);
/* Seconds since 1970 (UTC).  A test clock's file that cannot be read
 * just now (being rewritten) gives the last time it said. */
time_t sz_clock_now(struct sz_clock *c);
/* Test clock only: says that everything up to t has been dealt with. */
void sz_clock_done(struct sz_clock *c, time_t t);

#endif
