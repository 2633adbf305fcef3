/*
 * clock.c - the system clock, or a test's clock in a file (clock.h).
 */
#include "core/clock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void sz_clock_system(struct sz_clock *c)
{
	c->fd = c->done_fd = -1;
	atomic_store(&c->last, 0);
}

int sz_clock_open_test(struct sz_clock *c, const char *path,
	struct sz_err *err)
{
	char done[4200];
	sz_clock_system(c);
	snprintf(done, sizeof(done), "%s%s", path, SZ_CLOCK_DONE_SUFFIX);
	c->fd = open(path, O_RDONLY | O_CLOEXEC);
	c->done_fd = open(done, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		0600);
	if (c->fd < 0 || c->done_fd < 0) {
		int e = errno;
		sz_clock_close(c);
		return sz_err_set(err, SZ_E_IO, "cannot open the test clock "
			"%s: %s", path, strerror(e));
	}
	sz_clock_now(c);
	return SZ_OK;
}

void sz_clock_close(struct sz_clock *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->done_fd >= 0)
		close(c->done_fd);
	c->fd = c->done_fd = -1;
}

bool sz_clock_is_test(const struct sz_clock *c)
{
	return c->fd >= 0;
}

time_t sz_clock_now(struct sz_clock *c)
{
	if (c->fd < 0)
		return time(NULL);
	char buf[32];
	ssize_t n = pread(c->fd, buf, sizeof(buf) - 1, 0);
	if (n > 0) {
		buf[n] = '\0';
		char *end;
		long long t = strtoll(buf, &end, 10);
		if (end != buf && (*end == '\n' || *end == '\0') && t > 0)
			atomic_store(&c->last, t);
	}
	return (time_t)atomic_load(&c->last);
}

void sz_clock_done(struct sz_clock *c, time_t t)
{
	if (c->done_fd < 0)
		return;
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%lld\n", (long long)t);
	if (ftruncate(c->done_fd, 0) == 0 &&
	    pwrite(c->done_fd, buf, (size_t)n, 0) != n)
		fprintf(stderr, "samizdat: cannot write the test clock's "
			".done file\n");
}
