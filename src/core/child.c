/*
 * child.c - a helper run under limits (child.h): fork, set the limits and
 * a clean signal mask in the child (async-signal-safe calls only: the
 * parent may have threads), execve; in the parent, poll its output and
 * its progress pipe against the wall clock, kill it when one document
 * takes too long, and say which limit ended it.
 *
 * What it deliberately does not do: pass the parent's secrets (it shares
 * no descriptor but its output and the progress pipe: everything else is
 * close-on-exec), or let a crash leave a core file of the documents it
 * held (RLIMIT_CORE is 0).
 */
#include "core/child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define NO_ADDRESS_LIMIT 1   /* ASan's shadow needs terabytes of it */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NO_ADDRESS_LIMIT 1
#endif
#endif

#define ENV_MAX 1024        /* environment entries passed on */
#define DRAIN_CHUNK 4096

extern char **environ;

void sz_child_limits_of(const struct sz_config *c, struct sz_child_limits *l)
{
	l->memory_mb = c->doc_memory_mb;
	l->cpu_s = c->doc_cpu_s;
	l->file_mb = c->doc_file_mb;
	l->open_files = c->doc_open_files;
	l->wall_s = c->doc_timeout_s;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* In the child, after fork: async-signal-safe calls only. */
static void limit(int resource, uint64_t soft, uint64_t hard)
{
	struct rlimit rl = { (rlim_t)soft, (rlim_t)hard };
	setrlimit(resource, &rl);
}

static void in_child(char *const argv[], char **envp,
	const struct sz_child_limits *l, int out, int progress)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
#ifndef NO_ADDRESS_LIMIT
	if (l->memory_mb)
		limit(RLIMIT_AS, l->memory_mb << 20, l->memory_mb << 20);
#endif
	/* The soft CPU limit is per document: sz_child_progress raises it
	 * as each one ends, up to no hard limit (the wall clock stays). */
	if (l->cpu_s)
		limit(RLIMIT_CPU, l->cpu_s, RLIM_INFINITY);
	if (l->file_mb)
		limit(RLIMIT_FSIZE, l->file_mb << 20, l->file_mb << 20);
	if (l->open_files)
		limit(RLIMIT_NOFILE, l->open_files, l->open_files);
	limit(RLIMIT_CORE, 0, 0);
	if (out >= 0 && (dup2(out, 1) < 0 || dup2(out, 2) < 0))
		_exit(127);
	if (fcntl(progress, F_SETFD, 0) < 0 ||
	    fcntl(progress, F_SETFL, O_NONBLOCK) < 0)
		_exit(127);
	execve(argv[0], argv, envp);
	_exit(127);
}

/* environ, less any progress variable, plus ours (built before fork). */
static char **child_env(int progress, char *entry, size_t cap)
{
	size_t n = 0;
	for (char **e = environ; e && *e; e++)
		n++;
	if (n >= ENV_MAX)
		n = ENV_MAX - 1;
	char **env = calloc(n + 2, sizeof(*env));
	if (env == NULL)
		return NULL;
	size_t k = 0, plen = strlen(SZ_CHILD_PROGRESS_ENV);
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], SZ_CHILD_PROGRESS_ENV, plen) != 0 ||
		    environ[i][plen] != '=')
			env[k++] = environ[i];
	snprintf(entry, cap, "%s=%d", SZ_CHILD_PROGRESS_ENV, progress);
	env[k] = entry;
	return env;
}

static void take(int fd, struct sz_buf *out, bool *open)
{
	char buf[DRAIN_CHUNK];
	ssize_t n = read(fd, buf, sizeof(buf));
	if (n > 0 && out != NULL) {
		size_t room = out->max > out->len ? out->max - out->len : 0;
		(void)sz_buf_append(out, buf, (size_t)n < room ? (size_t)n : room);
	}
	if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
		*open = false;
}

static const char *reason(int sig)
{
	switch (sig) {
	case SIGXCPU:
		return "it used more CPU time on one document than doc_cpu_s "
			"allows";
	case SIGXFSZ:
		return "it tried to write a file larger than doc_file_mb allows";
	case SIGKILL:
		return "it was killed (out of memory?)";
	default:
		return "it crashed (perhaps at the doc_memory_mb limit)";
	}
}

int sz_child_run(char *const argv[], const struct sz_child_limits *l,
	struct sz_buf *out, int *status, const char **why, struct sz_err *err)
{
	int outp[2] = { -1, -1 }, prog[2] = { -1, -1 };
	char entry[64];
	char **env = NULL;
	int rc = SZ_OK;
	*status = 127;
	if (why != NULL)
		*why = NULL;
	if ((out != NULL && pipe2(outp, O_CLOEXEC) != 0) ||
	    pipe2(prog, O_CLOEXEC) != 0 ||
	    (env = child_env(prog[1], entry, sizeof(entry))) == NULL) {
		rc = sz_err_set(err, SZ_E_IO, "cannot run %s: %s", argv[0],
			strerror(errno));
		goto out;
	}
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		rc = sz_err_set(err, SZ_E_IO, "cannot run %s: %s", argv[0],
			strerror(errno));
		goto out;
	}
	if (pid == 0)
		in_child(argv, env, l, outp[1], prog[1]);
	close(prog[1]);
	prog[1] = -1;
	if (outp[1] >= 0)
		close(outp[1]);
	outp[1] = -1;
	bool out_open = outp[0] >= 0, prog_open = true, killed = false;
	int64_t wall = (int64_t)l->wall_s * 1000;
	int64_t deadline = wall ? now_ms() + wall : INT64_MAX;
	int wst = 0;
	bool reaped = false;
	for (;;) {
		struct pollfd p[2];
		int np = 0;
		if (prog_open)
			p[np++] = (struct pollfd){ prog[0], POLLIN, 0 };
		if (out_open)
			p[np++] = (struct pollfd){ outp[0], POLLIN, 0 };
		int64_t left = deadline - now_ms();
		if (!killed && left <= 0) {
			kill(pid, SIGKILL);   /* one document took too long */
			killed = true;
		}
		if (np == 0) {
			/* Both pipes shut: wait for the end, clock still on. */
			pid_t w = waitpid(pid, &wst, killed ? 0 : WNOHANG);
			reaped = w == pid;
			if (reaped || (w < 0 && errno != EINTR))
				break;
			usleep(20000);
			continue;
		}
		int timeout = killed ? 1000 : left > 1000 ? 1000 : (int)left;
		if (poll(p, (nfds_t)np, timeout) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < np; i++) {
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (p[i].fd == prog[0]) {
				bool was = prog_open;
				take(prog[0], NULL, &prog_open);
				if (was && prog_open && wall)
					deadline = now_ms() + wall;   /* one done */
			} else {
				take(outp[0], out, &out_open);
			}
		}
	}
	if (!reaped) {
		if (!killed && now_ms() >= deadline)
			kill(pid, SIGKILL), killed = true;
		while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
			;
	}
	if (killed) {
		*status = SZ_CHILD_TIMED_OUT;
		if (why != NULL)
			*why = "it took longer on one document than doc_timeout_s "
				"allows, and was stopped";
	} else if (WIFEXITED(wst)) {
		*status = WEXITSTATUS(wst);
	} else if (WIFSIGNALED(wst)) {
		*status = 128 + WTERMSIG(wst);
		if (why != NULL)
			*why = reason(WTERMSIG(wst));
	}
out:
	for (int i = 0; i < 2; i++) {
		if (outp[i] >= 0)
			close(outp[i]);
		if (prog[i] >= 0)
			close(prog[i]);
	}
	free(env);
	return rc;
}

void sz_child_progress(void)
{
	static int fd = -2;
	static rlim_t budget;
	if (fd == -2) {
		const char *v = getenv(SZ_CHILD_PROGRESS_ENV);
		char *end;
		long n = v ? strtol(v, &end, 10) : -1;
		fd = v && *end == 0 && n >= 0 && n < 65536 ? (int)n : -1;
		struct rlimit rl;
		budget = getrlimit(RLIMIT_CPU, &rl) == 0 ? rl.rlim_cur :
			RLIM_INFINITY;
	}
	if (fd < 0)
		return;
	if (write(fd, "+", 1) < 0 && errno == EBADF)
		fd = -1;
	if (budget != RLIM_INFINITY) {
		/* The next document gets the same CPU allowance. */
		struct rusage ru;
		struct rlimit rl;
		if (getrusage(RUSAGE_SELF, &ru) == 0 &&
		    getrlimit(RLIMIT_CPU, &rl) == 0) {
			rl.rlim_cur = (rlim_t)ru.ru_utime.tv_sec +
				(rlim_t)ru.ru_stime.tv_sec + 1 + budget;
			if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max)
				rl.rlim_cur = rl.rlim_max;
			setrlimit(RLIMIT_CPU, &rl);
		}
	}
}
