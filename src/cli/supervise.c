/*
 * supervise.c - `samizdat serve` without --face.  It binds every face's
 * listening socket first (a port in use is an error that names it, and
 * nothing starts), gives up root, then starts each face as a process of
 * its own: this program executed afresh as `serve --face NAME
 * --listen-fd 3 --ready-fd 4`, so each face, and each restart of one, has
 * its own address-space layout and stack canary (a crash-and-retry attack
 * learns nothing from the last try), and opens and locks in on its own
 * (faces.c).  A face that dies is logged and started again after a
 * back-off (1 s, doubling up to 60 s, back to 1 s once it has served a
 * minute) on the same listening socket: connections wait in its backlog
 * meanwhile, and the other faces never stop.  SIGTERM, SIGINT or SIGHUP
 * reach every face, which let requests in flight finish; a second one
 * stops them at once.  A face that fails before it first serves stops
 * everything: that is a setup error to fix, not a crash to retry.
 *
 * What it deliberately does not do: open anything of the instance but
 * its settings, or handle a request.  It is not sandboxed, since it must
 * keep fork and exec; it has nothing worth taking.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/faces.h"
#include "cli/supervise.h"

#define BACKOFF_MIN_S 1
#define BACKOFF_MAX_S 60
#define STABLE_S 60          /* served this long: the back-off resets */
#define READY_LINE_MAX 256
#define MAX_FACES 8

struct child {
	const struct sz_face *face;
	int listen_fd;
	pid_t pid;                   /* 0: not running */
	int ready_fd;                /* the face says it is up; -1: none */
	bool ever_ready;
	double started, restart_at;  /* monotonic seconds; 0: no restart due */
	unsigned backoff;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int start(struct child *c, const char *dir)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		/* Its own process group: a terminal's Ctrl-C reaches only the
		 * supervisor, which passes one SIGTERM on.  It ends if the
		 * supervisor does. */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		int l = fcntl(c->listen_fd, F_DUPFD, 10);
		int w = fcntl(p[1], F_DUPFD, 10);
		if (l < 0 || w < 0 || dup2(l, 3) != 3 || dup2(w, 4) != 4)
			_exit(1);
		close_range(5, ~0U, 0);
		char *argv[] = { "samizdat", "serve", "--face",
			(char *)c->face->name, "-d", (char *)dir, "--listen-fd", "3",
			"--ready-fd", "4", NULL };
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	c->pid = pid;
	c->ready_fd = p[0];
	c->started = now_s();
	c->restart_at = 0;
	return 0;
}

static void say_exit(const struct child *c, int status)
{
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		fprintf(stderr, "samizdat serve: the %s face (pid %d) was killed "
			"by signal %d (%s)%s\n", c->face->name, (int)c->pid, sig,
			strsignal(sig), sig == SIGSYS ? ": a system call outside its "
			"seccomp allow-list" : "");
	} else {
		fprintf(stderr, "samizdat serve: the %s face (pid %d) exited with "
			"status %d\n", c->face->name, (int)c->pid,
			WEXITSTATUS(status));
	}
}

/* The face says "NAME face: http://HOST:PORT/": the first time, that is
 * the line `serve` prints for it. */
static void read_ready(struct child *c)
{
	char line[READY_LINE_MAX + 1];
	ssize_t n;
	while ((n = read(c->ready_fd, line, READY_LINE_MAX)) < 0 &&
	       errno == EINTR)
		;
	close(c->ready_fd);
	c->ready_fd = -1;
	if (n <= 0)
		return;   /* it closed without a word: its exit will tell */
	line[n] = '\0';
	if (!c->ever_ready) {
		fputs(line, stdout);
		fflush(stdout);
	} else {
		fprintf(stderr, "samizdat serve: the %s face is serving again "
			"(pid %d)\n", c->face->name, (int)c->pid);
	}
	c->ever_ready = true;
}

static void signal_all(struct child *kids, size_t n, int sig)
{
	for (size_t i = 0; i < n; i++)
		if (kids[i].pid > 0)
			kill(kids[i].pid, sig);
}

int sz_supervise(const char *dir)
{
	size_t n;
	const struct sz_face *table = sz_faces(&n);
	struct child kids[MAX_FACES];
	struct sz_config cfg;
	struct sz_err err;
	int status = SZ_EXIT_FAIL, sfd = -1;
	bool stopping = false, fatal = false;
	if (n > MAX_FACES)
		return cli_fail("serve", "too many faces");
	memset(kids, 0, sizeof(kids));
	for (size_t i = 0; i < n; i++)
		kids[i].listen_fd = kids[i].ready_fd = -1;
	if (sz_config_load(&cfg, dir, &err) != SZ_OK)
		return cli_fail("serve", "%s", err.msg);
	for (size_t i = 0; i < n; i++) {
		kids[i].face = &table[i];
		kids[i].backoff = BACKOFF_MIN_S;
		if (sz_http_listen(sz_face_listen(&table[i], &cfg),
		    &kids[i].listen_fd, &err) != SZ_OK) {
			cli_fail("serve", "the %s face: %s", table[i].name, err.msg);
			goto out;
		}
	}
	if (sz_sandbox_drop_root(cfg.user, dir, &err) != SZ_OK) {
		cli_fail("serve", "%s", err.msg);
		goto out;
	}
	sz_sandbox_note_landlock();
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGCHLD);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sfd < 0) {
		cli_fail("serve", "cannot watch signals: %s", strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (start(&kids[i], dir) != 0) {
			cli_fail("serve", "cannot start the %s face: %s",
				table[i].name, strerror(errno));
			fatal = true;
			stopping = true;
			signal_all(kids, n, SIGTERM);
			break;
		}

	for (;;) {
		bool running = false;
		for (size_t i = 0; i < n; i++)
			running |= kids[i].pid > 0;
		if (stopping && !running)
			break;
		struct pollfd pfd[MAX_FACES + 1];
		size_t np = 0;
		pfd[np++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		double next = 0, t = now_s();
		for (size_t i = 0; i < n; i++) {
			if (kids[i].ready_fd >= 0)
				pfd[np++] = (struct pollfd){ .fd = kids[i].ready_fd,
					.events = POLLIN };
			if (kids[i].restart_at > 0 &&
			    (next == 0 || kids[i].restart_at < next))
				next = kids[i].restart_at;
		}
		int timeout = next == 0 ? -1 : next <= t ? 0 :
			(int)((next - t) * 1000) + 1;
		if (poll(pfd, np, timeout) < 0 && errno != EINTR)
			break;
		struct signalfd_siginfo si;
		while (pfd[0].revents & POLLIN &&
		       read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			pfd[0].revents = 0;
			if (si.ssi_signo == SIGCHLD)
				continue;   /* reaped below */
			if (!stopping)
				fprintf(stderr, "samizdat serve: stopping; the faces "
					"finish the requests in flight (signal again to "
					"stop now)\n");
			stopping = true;
			for (size_t i = 0; i < n; i++)
				kids[i].restart_at = 0;
			signal_all(kids, n, SIGTERM);
		}
		for (size_t i = 1; i < np; i++)
			for (size_t k = 0; k < n; k++)
				if ((pfd[i].revents & (POLLIN | POLLHUP)) &&
				    kids[k].ready_fd == pfd[i].fd)
					read_ready(&kids[k]);
		int st;
		pid_t pid;
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
			for (size_t i = 0; i < n; i++) {
				struct child *c = &kids[i];
				if (c->pid != pid)
					continue;
				if (c->ready_fd >= 0)
					read_ready(c);
				if (!stopping)
					say_exit(c, st);
				c->pid = 0;
				if (stopping)
					break;
				if (!c->ever_ready) {
					fprintf(stderr, "samizdat serve: the %s face did not "
						"start; stopping the others\n", c->face->name);
					fatal = stopping = true;
					signal_all(kids, n, SIGTERM);
					break;
				}
				if (now_s() - c->started >= STABLE_S)
					c->backoff = BACKOFF_MIN_S;
				c->restart_at = now_s() + c->backoff;
				fprintf(stderr, "samizdat serve: restarting the %s face "
					"in %u s\n", c->face->name, c->backoff);
				c->backoff = c->backoff * 2 > BACKOFF_MAX_S ?
					BACKOFF_MAX_S : c->backoff * 2;
			}
		}
		t = now_s();
		for (size_t i = 0; i < n && !stopping; i++)
			if (kids[i].restart_at > 0 && kids[i].restart_at <= t &&
			    start(&kids[i], dir) != 0) {
				fprintf(stderr, "samizdat serve: cannot restart the %s "
					"face: %s\n", kids[i].face->name, strerror(errno));
				kids[i].restart_at = t + kids[i].backoff;
			}
	}
	status = fatal ? SZ_EXIT_FAIL : 0;
out:
	for (size_t i = 0; i < n; i++) {
		if (kids[i].listen_fd >= 0)
			close(kids[i].listen_fd);
		if (kids[i].ready_fd >= 0)
			close(kids[i].ready_fd);
	}
	if (sfd >= 0)
		close(sfd);
	return status;
}
